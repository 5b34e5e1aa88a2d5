"""ShopCast media engine: sources, program renderer, encoder ladder, CMAF/HLS packager, outputs.

Qt-free and free of application state: everything here is driven through explicit objects (a clock,
sources, sinks), so the studio, the headless broadcaster and the tests use the same code.
"""
