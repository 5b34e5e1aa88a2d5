"""JSON from outside the process, parsed strictly."""

from __future__ import annotations

import json
from typing import Any


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {key[:40]!r} appears twice in one object")
        found[key] = value
    return found


def load_json(data: bytes | str, *, unique_keys: bool = False) -> Any:
    """Parse JSON from outside (a request, a file, a socket) strictly: UTF-8 only, no NaN or
    Infinity, and with ``unique_keys`` no key twice in an object (a file a person edits: the second
    would silently win). Every problem, deep nesting included, is a ValueError with a readable message."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 (byte {exc.start})") from None
    try:
        hook = _no_duplicates if unique_keys else None
        return json.loads(data, parse_constant=_no_constant, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
