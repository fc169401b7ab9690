from colophon_plugins.mangabaka.plugin import plugin

plugin.run()
