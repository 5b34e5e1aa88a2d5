"""The pages' static files (``/static/...``) from memory, gzipped once for browsers that take it.

The viewer page's first frame (benchmarks/first_frame.py) waits for its CSS, its scripts and, on
LL-HLS, hls.js (609 KiB, 186 KiB gzipped). Each file is read and compressed once per version (its
mtime and size), answered from the event loop without a thread hop, with an ETag so a returning
browser gets 304. Playlists and media are not served here (app/relay/egress.py): the LL-HLS blocking
requests are never buffered by a compressor.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

MAX_CACHED = 4 * 1024 * 1024
"""Larger files are streamed from disk as they are."""
_COMPRESSIBLE = {".js", ".mjs", ".css", ".json", ".svg", ".html", ".txt", ".map"}
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".json": "application/json"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Asset:
    version: tuple[int, int]
    body: bytes
    gzipped: bytes | None
    etag: str
    media_type: str


_cache: dict[Path, Asset] = {}
_lock = threading.Lock()


def _version(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except (OSError, ValueError):  # not there, a name too long, a NUL byte: not a file of ours
        return None
    return (st.st_mtime_ns, st.st_size) if path.is_file() else None


def _load(path: Path, version: tuple[int, int]) -> Asset:
    body = path.read_bytes()
    gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in _COMPRESSIBLE and len(body) > 512 else None
    if gzipped is not None and len(gzipped) >= len(body):
        gzipped = None
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    asset = Asset(version, body, gzipped, etag, media_type)
    with _lock:
        _cache[path] = asset
    return asset


def accepts_gzip(header: str | None) -> bool:
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            key, _, value = params.replace(" ", "").partition("=")
            try:
                return key != "q" or float(value) > 0
            except ValueError:
                return True
    return False


async def serve(path: Path, request: Request, cache_control: str = "no-cache") -> Response | None:
    """The file as a response, None when it is not there. ``no-cache``: the browser revalidates
    (a 304 when unchanged), so a relay upgrade is seen at once."""
    version = _version(path)
    if version is None:
        return None
    if version[1] > MAX_CACHED:
        return FileResponse(path, headers={"Cache-Control": cache_control})
    with _lock:
        asset = _cache.get(path)
    if asset is None or asset.version != version:
        asset = await run_in_threadpool(_load, path, version)
    gzipped = asset.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding"))
    etag = asset.etag[:-1] + '-gz"' if gzipped else asset.etag  # each encoding its own tag (RFC 9110 8.8.3)
    headers = {"Cache-Control": cache_control, "ETag": etag}
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    body = asset.body
    if gzipped and asset.gzipped is not None:
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", media_type=asset.media_type, headers=headers)
    return Response(body, media_type=asset.media_type, headers=headers)
