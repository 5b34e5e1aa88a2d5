"""The engine's refusals, apart so the store (app/commerce/store.py) can raise one too."""

from __future__ import annotations

from typing import Any


class CommerceError(Exception):
    """A refused request. ``code`` is stable for programs; ``message`` is a sentence for people."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.replayed = False
        """The first answer to this request's Idempotency-Key, given again (app/commerce/idempotency.py)."""


class StoreUnavailableError(CommerceError):
    """The shared store cannot be reached or did not answer in time (PostgreSQL restarting, the network,
    a lock held too long): 503, try again shortly. Nothing of the request was done."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            503, "store_unavailable", "the room's store is not answering right now: try again", retry_after=2
        )
        self.detail = detail
