"""Pushes the top rung and the sound to a WHIP endpoint (RFC 9725: OBS, Cloudflare Stream, LiveKit,
Janus, SRS, MediaMTX), each destination in a process of its own.

The parent side is :class:`pipeline.outputs.child_push.ChildPushOutput`; the child
(pipeline/outputs/whip_child.py) speaks WHIP and WebRTC with aiortc: the H.264 track goes out as
encoded, the sound as Opus. LL-HLS parts, not whole segments, are fed to the child when the stream has
them, so a WHIP viewer is a part (⅓ s) behind the encoder instead of a segment; a restarted child
still begins on a segment's first part (a keyframe).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pipeline.child_process import worker_command
from pipeline.outputs.child_push import ChildPushOutput
from pipeline.outputs.http_push import RetryPolicy

CHILD = Path(__file__).with_name("whip_child.py")
"""Run by path, so the child imports PyAV, aiortc and httpx and nothing of ours."""


def redact(url: str) -> str:
    """The endpoint without credentials or query (tokens often ride there), for logs and the UI."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"{parts.scheme}://{netloc}{parts.path}"


def check_whip_url(url: str) -> str:
    """``url`` if it can be a WHIP endpoint, else ValueError saying why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"a WHIP endpoint is an http:// or https:// URL, got {redact(url)!r}")
    return url


class WhipOutput(ChildPushOutput):
    """One WHIP destination. ``token`` is sent as ``Authorization: Bearer`` (neither it nor the endpoint,
    whose query may hold a token too, appears on a command line: the child gets both in its environment)."""

    def __init__(
        self,
        url: str,
        video: str,
        audio: str | None,
        *,
        token: str | None = None,
        parts: bool = True,
        ice_hosts: tuple[str, ...] = (),
        name: str | None = None,
        retry: RetryPolicy | None = None,
        max_queue_seconds: int = 10,
    ) -> None:
        check_whip_url(url)
        command = worker_command(CHILD)  # the endpoint and the token go in the environment (module docstring)
        for host in ice_hosts:
            command += ["--ice-host", host]
        super().__init__(
            url,
            redact(url),
            command,
            video,
            audio,
            name=name or f"whip {redact(url)}",
            parts=parts,
            live_edge=True,
            env={"SHOPCAST_WHIP_URL": url, "SHOPCAST_WHIP_TOKEN": token or ""},
            secrets=(token,) if token else (),
            retry=retry,
            max_queue_seconds=max_queue_seconds,
        )
