"""Proving a phone number: a viewer becomes a verified viewer (app/commerce/verification.py).

``POST /api/v1/sessions/verification {phone}`` sends a six-digit code through the room's provider;
``POST /api/v1/sessions/verification/check {phone, code}`` answers with a session for the viewer
``p-<16 hex>``: HMAC-SHA256 of the number under a relay secret (``<data>/viewer-phone-secret``, or the
store's when relays share one), so every session that proves the same number is the same viewer and
the number itself is kept nowhere. A code lives 5 minutes, allows 5 tries, is used once; a number gets
a new code at most every 30 s.

Providers are pluggable (:class:`VerificationProvider`). The one that ships is the test-mode SMS
provider: it sends nothing and returns the code in the answer (``test_code``), as the test-mode
payment charges nothing; a real SMS gateway is another class with the same two members.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.commerce.errors import CommerceError
from app.commerce.verification import VERIFIED_PREFIX
from app.relay.media_store import write_private

SECRET_FILE = "viewer-phone-secret"  # noqa: S105 - the name of the file that holds it
CODE_TTL_S = 300.0
RESEND_AFTER_S = 30.0
TRIES = 5
PHONE = re.compile(r"\+?[0-9]{6,15}")


class VerificationProvider(Protocol):
    name: str
    test_mode: bool

    def send(self, phone: str, code: str) -> None:
        """Deliver ``code`` to ``phone`` (raise to refuse)."""


class TestSmsProvider:
    """Sends nothing: the code comes back in the answer (test mode)."""

    name = "test-sms"
    test_mode = True

    def send(self, phone: str, code: str) -> None:
        return None


def normalised(phone: str) -> str:
    """The number as digits (a leading + kept), spaces and dashes dropped; 422 if it is not one."""
    digits = re.sub(r"[\s\-().]", "", phone or "")
    if not PHONE.fullmatch(digits):
        raise CommerceError(422, "invalid_phone", "a phone number is 6-15 digits, optionally after a +")
    return digits


@dataclass(slots=True)
class _Pending:
    code: str
    sent_at: float
    expires_at: float
    tries: int = 0


class PhoneVerifier:
    def __init__(
        self, secret: bytes, provider: VerificationProvider | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the phone secret must be at least 32 bytes")
        self._secret = secret
        self.provider: VerificationProvider = provider or TestSmsProvider()
        self.clock = clock
        self._pending: dict[str, _Pending] = {}

    @classmethod
    def load(cls, data_dir: Path) -> PhoneVerifier:
        path = data_dir / SECRET_FILE
        if path.is_file():
            return cls(bytes.fromhex(path.read_text(encoding="ascii").strip()))
        secret = secrets.token_bytes(32)
        data_dir.mkdir(parents=True, exist_ok=True)
        write_private(path, (secret.hex() + "\n").encode())
        return cls(secret)

    def viewer_for(self, phone: str) -> str:
        digest = hmac.new(self._secret, normalised(phone).encode(), hashlib.sha256).hexdigest()
        return VERIFIED_PREFIX + digest[:16]

    def start(self, phone: str) -> dict[str, object]:
        number = normalised(phone)
        now = self.clock()
        self._pending = {k: p for k, p in self._pending.items() if p.expires_at > now}  # bounded by the TTL
        pending = self._pending.get(number)
        if pending is not None and now - pending.sent_at < RESEND_AFTER_S:
            wait = RESEND_AFTER_S - (now - pending.sent_at)
            raise CommerceError(429, "slow_down", f"a code was just sent: wait {wait:.0f} s", retry_after=wait)
        code = f"{secrets.randbelow(10**6):06d}"
        self.provider.send(number, code)
        self._pending[number] = _Pending(code, now, now + CODE_TTL_S)
        answer: dict[str, object] = {"sent": True, "expires_in": CODE_TTL_S, "provider": self.provider.name}
        if self.provider.test_mode:
            answer["test_code"] = code
        return answer

    def check(self, phone: str, code: str) -> str:
        """The verified viewer's id for a right code; else 422 ``code_wrong`` / ``code_expired``."""
        number = normalised(phone)
        pending = self._pending.get(number)
        if pending is None or pending.expires_at <= self.clock():
            self._pending.pop(number, None)
            raise CommerceError(422, "code_expired", "no code is waiting for this number: ask for a new one")
        pending.tries += 1
        if not hmac.compare_digest(pending.code, str(code or "")):
            if pending.tries >= TRIES:
                del self._pending[number]
                raise CommerceError(422, "code_expired", "too many wrong codes: ask for a new one")
            raise CommerceError(422, "code_wrong", "the code is wrong", tries_left=TRIES - pending.tries)
        del self._pending[number]
        return self.viewer_for(number)
