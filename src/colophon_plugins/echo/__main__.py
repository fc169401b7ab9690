from colophon_plugins.echo.plugin import plugin

plugin.run()
