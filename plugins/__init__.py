"""The plugin system (api: declarations; registry: entry-point discovery; chain: running filters on the
program) and the built-in plugins. Imports ``pipeline`` only; see docs/plugins.md."""
