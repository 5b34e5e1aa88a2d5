"""Pushes the top rung and the sound to an RTMP ingest (a platform, nginx-rtmp, SRS), each destination
in a process of its own (pipeline/outputs/child_push.py; the child is pipeline/outputs/rtmp_child.py,
which remuxes the fragmented MP4 into FLV over RTMP with PyAV, without re-encoding).

Segments, not LL-HLS parts, are sent: RTMP players are seconds behind anyway, and a segment at a time
keeps the pipe's writes few. The URL holds the stream key, so the child gets it in its environment
(``SHOPCAST_RTMP_URL``), never on its command line, where any user of the machine could read it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pipeline.child_process import worker_command
from pipeline.outputs.child_push import ChildPushOutput
from pipeline.outputs.http_push import RetryPolicy

CHILD = Path(__file__).with_name("rtmp_child.py")
"""Run by path, so the child imports PyAV and nothing of ours."""

URL_ENV = "SHOPCAST_RTMP_URL"
"""The environment variable the child reads its destination (stream key included) from."""


def redact(url: str) -> str:
    """The URL without its stream key (the last path segment) or credentials, for logs and the UI."""
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/…" if parts.path.count("/") >= 2 else parts.path
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def stream_key(url: str) -> str:
    """The URL's stream key (its last path segment), "" when it has none."""
    path = urlsplit(url).path
    return path.rsplit("/", 1)[1] if path.count("/") >= 2 else ""


def check_rtmp_url(url: str) -> str:
    """``url`` if it can be an RTMP destination (``rtmp[s]://host[:port]/app/stream-key``), else ValueError
    saying why (without the URL: it holds the key)."""
    parts = urlsplit(url)
    if parts.scheme not in ("rtmp", "rtmps") or not parts.hostname or parts.path.count("/") < 2:
        raise ValueError("an RTMP destination looks like rtmp://host[:port]/app/stream-key")
    if any(c.isspace() for c in url):
        raise ValueError("an RTMP destination has no spaces or line breaks")
    return url


class RtmpOutput(ChildPushOutput):
    """One RTMP destination."""

    def __init__(
        self,
        url: str,
        video: str,
        audio: str | None,
        *,
        name: str | None = None,
        retry: RetryPolicy | None = None,
        max_queue_seconds: int = 30,
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://")):
            raise ValueError(f"an RTMP destination must start with rtmp:// or rtmps://, got {redact(url)!r}")
        key = stream_key(url)
        super().__init__(
            url,
            redact(url),
            worker_command(CHILD),
            video,
            audio,
            name=name or f"rtmp {redact(url)}",
            env={URL_ENV: url},
            secrets=(key,) if key else (),
            retry=retry,
            max_queue_seconds=max_queue_seconds,
        )
