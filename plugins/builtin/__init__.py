"""ShopCast's own plugins. Registered like any other, through the ``shopcast.plugins`` entry points in
pyproject.toml; the records (plugins/builtin/records.py) are light, the media code is imported when a
plugin is first switched on."""
