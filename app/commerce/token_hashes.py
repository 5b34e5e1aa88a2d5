"""Secrets kept as hashes: a room's stream key and owner token, a relay's saved admin token.

Each is a high-entropy random token (app/relay/rooms.new_secret: 192 bits), so SHA-256 of it is all
a store needs to recognise it (no salt, no slow hash: nothing to guess); the clear token is shown once,
when it is made or replaced, and a copy of the store or of ``rooms.json`` lets no one stream into a
room or act as its host. A stored hash reads ``sha256:<64 hex>``, so a clear token left by an older
ShopCast (a store's rows before schema step 8, a ``rooms.json``, an ``admin-token`` file) is told apart
and hashed in place.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sha256:"
_HASHED = re.compile(r"sha256:[0-9a-f]{64}")


def token_hash(token: str) -> str:
    """What is stored for ``token``."""
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()


def is_hash(stored: str) -> bool:
    """Whether ``stored`` is a hash as :func:`token_hash` makes it (else a clear token from before)."""
    return _HASHED.fullmatch(stored) is not None


def hashed(stored: str) -> str:
    """``stored`` as a hash: itself if it is one, else the hash of the clear token it is."""
    return stored if is_hash(stored) else token_hash(stored)


def matches(stored_hash: str, presented: str) -> bool:
    """Whether ``presented`` is the token ``stored_hash`` was made from (in constant time)."""
    return hmac.compare_digest(stored_hash.encode(), token_hash(presented).encode())
