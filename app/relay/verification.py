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
from typing import Any, Protocol

from app.commerce.errors import CommerceError
from app.commerce.verification import VERIFIED_PREFIX
from app.relay.signed_tokens import secret_file

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


class PendingCodes(Protocol):
    """Codes sent and not yet used, by number (a keyed hash of it: numbers are kept nowhere)."""

    async def begin(self, number: str, code: str, now: float) -> float | None:
        """Keep ``code`` for ``number`` unless one was sent less than :data:`RESEND_AFTER_S` ago: then the
        seconds left to wait, and nothing kept."""
        ...

    async def attempt(self, number: str, code: str, now: float) -> str:
        """Use up one try: ``ok`` (the code matched; it is gone), ``wrong``, ``spent`` (that was the last
        try; it is gone) or ``none`` (no code waiting)."""
        ...


class LocalCodes:
    """This relay's codes, in memory (bounded by the codes' lifetime)."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}

    async def begin(self, number: str, code: str, now: float) -> float | None:
        self._pending = {k: p for k, p in self._pending.items() if p.expires_at > now}
        pending = self._pending.get(number)
        if pending is not None and now - pending.sent_at < RESEND_AFTER_S:
            return RESEND_AFTER_S - (now - pending.sent_at)
        self._pending[number] = _Pending(code, now, now + CODE_TTL_S)
        return None

    async def attempt(self, number: str, code: str, now: float) -> str:
        pending = self._pending.get(number)
        if pending is None or pending.expires_at <= now:
            self._pending.pop(number, None)
            return "none"
        pending.tries += 1
        if hmac.compare_digest(pending.code, code):
            del self._pending[number]
            return "ok"
        if pending.tries >= TRIES:
            del self._pending[number]
            return "spent"
        return "wrong"


# KEYS: the number's code hash, its resend mark. ARGV: code, TTL ms, resend ms.
_BEGIN = """
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) == false then
  return redis.call('PTTL', KEYS[2])
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'tries', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return -1
"""
# KEYS: the number's code hash. ARGV: the code tried, the number of tries.
_ATTEMPT = """
local code = redis.call('HGET', KEYS[1], 'code')
if code == false then return 'none' end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if code == ARGV[1] then redis.call('DEL', KEYS[1]) return 'ok' end
if tries >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return 'spent' end
return 'wrong'
"""


class RedisCodes:
    """Codes every relay on one Redis sees (``--redis``): the check may reach another relay than the send.
    Each step is one script, so two tries at once cannot both use the last one."""

    PREFIX = "shopcast:phone:"

    def __init__(self, client: Any) -> None:
        self._begin = client.register_script(_BEGIN)
        self._attempt = client.register_script(_ATTEMPT)

    async def begin(self, number: str, code: str, now: float) -> float | None:
        keys = [f"{self.PREFIX}{{{number}}}:code", f"{self.PREFIX}{{{number}}}:sent"]  # one hash tag: one slot
        args = [code, int(CODE_TTL_S * 1000), int(RESEND_AFTER_S * 1000)]
        left = int(await self._run(self._begin, keys, args))
        return None if left < 0 else left / 1000

    async def attempt(self, number: str, code: str, now: float) -> str:
        answer = await self._run(self._attempt, [f"{self.PREFIX}{{{number}}}:code"], [code, TRIES])
        return answer.decode() if isinstance(answer, bytes) else str(answer)

    @staticmethod
    async def _run(script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            return await script(keys=keys, args=args)
        except Exception as exc:  # Redis away: a clear 503 the page retries, not a 500
            raise CommerceError(503, "store_unavailable", "the relay's shared state is not answering: try again",
                                retry_after=2) from exc  # fmt: skip


class PhoneVerifier:
    def __init__(
        self,
        secret: bytes,
        provider: VerificationProvider | None = None,
        clock: Callable[[], float] = time.time,
        codes: PendingCodes | None = None,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the phone secret must be at least 32 bytes")
        self._secret = secret
        self.provider: VerificationProvider = provider or TestSmsProvider()
        self.clock = clock
        self.codes: PendingCodes = codes or LocalCodes()

    @classmethod
    def load(cls, data_dir: Path) -> PhoneVerifier:
        return cls(secret_file(data_dir / SECRET_FILE, "verified viewers would become new viewers"))

    def _digest(self, number: str) -> str:
        return hmac.new(self._secret, number.encode(), hashlib.sha256).hexdigest()

    def viewer_for(self, phone: str) -> str:
        return VERIFIED_PREFIX + self._digest(normalised(phone))[:16]

    async def start(self, phone: str) -> dict[str, object]:
        number = normalised(phone)
        code = f"{secrets.randbelow(10**6):06d}"
        wait = await self.codes.begin(self._digest(number), code, self.clock())
        if wait is not None:
            raise CommerceError(429, "slow_down", f"a code was just sent: wait {wait:.0f} s", retry_after=wait)
        self.provider.send(number, code)
        answer: dict[str, object] = {"sent": True, "expires_in": CODE_TTL_S, "provider": self.provider.name}
        if self.provider.test_mode:
            answer["test_code"] = code
        return answer

    async def check(self, phone: str, code: str) -> str:
        """The verified viewer's id for a right code; else 422 ``code_wrong`` / ``code_expired``."""
        number = normalised(phone)
        given = str(code or "")
        if not re.fullmatch(r"[0-9]{6}", given):
            given = "-"  # never equal to a code; still uses up a try
        outcome = await self.codes.attempt(self._digest(number), given, self.clock())
        if outcome == "ok":
            return self.viewer_for(number)
        if outcome == "none":
            raise CommerceError(422, "code_expired", "no code is waiting for this number: ask for a new one")
        if outcome == "spent":
            raise CommerceError(422, "code_expired", "too many wrong codes: ask for a new one")
        raise CommerceError(422, "code_wrong", "the code is wrong")
