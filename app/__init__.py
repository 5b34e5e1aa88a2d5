"""ShopCast application layer: CLI, relay/viewer server, studio session controller (Qt-free)."""

__version__ = "0.1.0"
