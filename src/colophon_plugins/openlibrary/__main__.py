from colophon_plugins.openlibrary.plugin import plugin

plugin.run()
