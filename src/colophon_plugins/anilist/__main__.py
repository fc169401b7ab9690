from colophon_plugins.anilist.plugin import plugin

plugin.run()
