"""The RTMP pusher process: a fragmented MP4 stream on stdin → FLV over RTMP, without re-encoding.

    SHOPCAST_RTMP_URL=rtmp://host/app/key python pipeline/outputs/rtmp_child.py  < stream.mp4

The destination comes from the environment, not the command line: the URL holds the stream key, and
any user of the machine can read a process's command line (``ps``, /proc/PID/cmdline) but not its
environment. Started by :class:`pipeline.outputs.rtmp.RtmpOutput`, one per destination. Prints
``connected`` on stdout once the ingest accepted the stream; on failure prints one line on stderr
saying why (without the stream key) and exits non-zero. Imports nothing but PyAV.
"""

from __future__ import annotations

import contextlib
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import av

URL_ENV = "SHOPCAST_RTMP_URL"


def redact(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/…" if parts.path.count("/") >= 2 else parts.path
    netloc = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def scrub(text: str, url: str) -> str:
    """``text`` (an error from libavformat) without the URL or its stream key."""
    text = text.replace(url, redact(url))
    path = urlsplit(url).path
    key = path.rsplit("/", 1)[1] if path.count("/") >= 2 else ""
    return text.replace(key, "…") if key else text


def main(url: str) -> int:
    shown = redact(url)
    try:
        source = av.open(sys.stdin.buffer, mode="r", format="mp4")
    except av.FFmpegError as exc:
        print(f"cannot read the stream: {exc}", file=sys.stderr)
        return 3
    try:
        target = av.open(url, mode="w", format="flv", timeout=(10.0, 10.0))
    except (av.FFmpegError, OSError) as exc:
        print(f"cannot connect to {shown}: {scrub(str(exc), url)}", file=sys.stderr)
        return 4
    streams = {s.index: target.add_stream_from_template(s) for s in source.streams}
    connected = False
    try:
        for packet in source.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            target.mux(packet)
            if not connected:
                connected = True
                print("connected", flush=True)
    except (av.FFmpegError, OSError) as exc:
        print(f"pushing to {shown} failed: {scrub(str(exc), url)}", file=sys.stderr)
        return 5
    finally:
        with contextlib.suppress(av.FFmpegError, OSError):
            target.close()
    return 0


if __name__ == "__main__":
    destination = os.environ.get(URL_ENV, "")
    if len(sys.argv) != 1 or not destination.startswith(("rtmp://", "rtmps://")):
        print(
            f"usage: {URL_ENV}=rtmp://host/app/key rtmp_child.py  (fragmented MP4 on stdin; the URL is not"
            " taken from the command line, where other users could read its stream key)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    raise SystemExit(main(destination))
