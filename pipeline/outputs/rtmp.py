"""Pushes the top rung and the sound to an RTMP ingest (a platform, nginx-rtmp, SRS), each destination
in a process of its own (pipeline/outputs/child_push.py; the child is pipeline/outputs/rtmp_child.py,
which remuxes the fragmented MP4 into FLV over RTMP with PyAV, without re-encoding).

Segments, not LL-HLS parts, are sent: RTMP players are seconds behind anyway, and a segment at a time
keeps the pipe's writes few.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pipeline.outputs.child_push import ChildPushOutput
from pipeline.outputs.http_push import RetryPolicy

CHILD = Path(__file__).with_name("rtmp_child.py")
"""Run by path, so the child imports PyAV and nothing of ours."""


def redact(url: str) -> str:
    """The URL without its stream key (the last path segment) or credentials, for logs and the UI."""
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/…" if parts.path.count("/") >= 2 else parts.path
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, path, "", ""))


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
        python: str = sys.executable,
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://")):
            raise ValueError(f"an RTMP destination must start with rtmp:// or rtmps://, got {redact(url)!r}")
        super().__init__(
            url,
            redact(url),
            [python, str(CHILD), url],
            video,
            audio,
            name=name or f"rtmp {redact(url)}",
            retry=retry,
            max_queue_seconds=max_queue_seconds,
        )
