"""Secrets for the command line that stay off it: a stream key, an owner token, the admin token.

Any user of the machine can read a process's command line (``ps``, ``/proc/<pid>/cmdline``), but not
its environment or a file only its owner can read. So each secret comes from a file (``--key-file
FILE``, its first line; keep it 0600) or from the environment (``$SHOPCAST_STREAM_KEY``), and the old
flags that took the value itself (``--key K``) are refused with a sentence saying what to use instead.
The same goes for a database or Redis URL with a password in it (``--postgres``, ``--redis``: the
environment keeps it). A third party's secret — an RTMP URL (its key is in it), a WHIP endpoint's or an
HTTP origin's bearer token — may be given as ``@FILE`` (:func:`at_file`); given in clear it still works,
and is then on the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.commerce.payments import WEBHOOK_SECRET_ENV, WEBHOOK_SECRET_FLAG


@dataclass(frozen=True, slots=True)
class SecretOption:
    dest: str
    """Where the secret ends up in the parsed arguments (``args.key``), as the old flag put it."""
    flag: str
    """The old flag that took the value itself (refused)."""
    env: str | None
    """The environment variable that may give it instead (None: only the file)."""
    what: str

    @property
    def file_flag(self) -> str:
        return f"{self.flag}-file"

    @property
    def file_dest(self) -> str:
        return f"{self.dest}_file"

    def instead(self) -> str:
        """What to use instead of the old flag."""
        env = f" or ${self.env}" if self.env else ""
        return f"{self.file_flag} FILE{env}"


STREAM_KEY = SecretOption("key", "--key", "SHOPCAST_STREAM_KEY", "the room's stream key")
OWNER_TOKEN = SecretOption("owner_token", "--owner-token", "SHOPCAST_OWNER_TOKEN", "the room's owner token")
ADMIN_TOKEN = SecretOption("admin_token", "--admin-token", "SHOPCAST_ADMIN_TOKEN", "the relay's admin token")
SIMULATED_STREAM_KEY = SecretOption("stream_key", "--stream-key", None, "the room's stream key")
"""``shopcast simulate --stream-key-file``: given, the simulation also starts and ends a stream."""
PAYMENT_WEBHOOK_SECRET = SecretOption(
    "payment_webhook_secret", WEBHOOK_SECRET_FLAG, WEBHOOK_SECRET_ENV, "the payment provider's webhook secret"
)
"""``shopcast relay``: what the provider's webhooks are signed with (app/commerce/payments.py)."""


class _Refused(argparse.Action):
    """An old flag that took a secret on the command line: parsing stops with what to use instead."""

    def __init__(self, option_strings: Sequence[str], dest: str, secret: SecretOption, **kwargs: Any) -> None:
        self.secret = secret
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option: str | None = None) -> None:
        s = self.secret
        parser.error(f"{s.flag} would put {s.what} on the command line, where any user of this machine can read"
                     f" it: use {s.instead()} (a file only you can read: chmod 600)")  # fmt: skip


def add_secret_option(parser: argparse.ArgumentParser | Any, secret: SecretOption, help_text: str) -> None:
    """``--X-file FILE`` for ``secret`` and the old ``--X`` refused; ``help_text`` says what it is for."""
    env = f" (default: ${secret.env})" if secret.env else ""
    parser.add_argument(secret.file_flag, dest=secret.file_dest, type=Path, metavar="FILE",
                        help=f"{help_text}: read from FILE (its first line){env}")  # fmt: skip
    parser.add_argument(secret.flag, dest=secret.dest, action=_Refused, secret=secret, default=None)


def read_secret_files(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Put each ``--X-file``'s secret where the old ``--X`` did (``args.key``); a file that cannot be
    read, or is empty, stops parsing with a sentence naming it."""
    for secret in (STREAM_KEY, OWNER_TOKEN, ADMIN_TOKEN, SIMULATED_STREAM_KEY, PAYMENT_WEBHOOK_SECRET):
        path = getattr(args, secret.file_dest, None)
        if path is None:
            continue
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            parser.error(f"{secret.file_flag} {path}: cannot read it ({getattr(exc, 'strerror', None) or exc})")
        value = lines[0].strip() if lines else ""
        if not value:
            parser.error(f"{secret.file_flag} {path}: the file is empty (it should hold {secret.what})")
        setattr(args, secret.dest, value)


def at_file(value: str, what: str) -> str:
    """``value`` itself, or, written ``@FILE``, the first line of FILE: how a third party's secret (an RTMP
    URL with its key, a WHIP or HTTP origin's bearer token) stays off the command line. ValueError names
    a file that cannot be read or is empty."""
    if not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{value}: cannot read the {what} ({getattr(exc, 'strerror', None) or exc})") from None
    if not lines or not lines[0].strip():
        raise ValueError(f"{value}: the file is empty (it should hold the {what})")
    return lines[0].strip()


def has_password(url: str) -> bool:
    """Whether a database or Redis URL carries a password (``user:pw@host``, ``?password=``)."""
    parts = urlsplit(url)
    return bool(parts.password) or "password" in parse_qs(parts.query)
