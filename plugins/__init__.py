"""Plugin API and built-in plugins (sources, filters, overlays, outputs). Imports ``pipeline`` only.

The plugin system itself arrives with the beautify/denoise work; built-in media stages live in
``pipeline`` until then.
"""
