"""Link previews: Open Graph tags, and a poster frame per room (og:image) taken from the live stream.

When a segment of the top rung arrives and the room's poster is older than :data:`POSTER_EVERY`
seconds, a worker thread decodes that segment's first picture (its keyframe) with PyAV and stores
``<data>/media/<room>/poster.jpg``, served at ``/poster/{room}.jpg`` (app/relay/api_replay.py).
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import av
import cv2

from app.relay import replay
from app.relay.media_store import MULTIVARIANT, MediaStore

log = logging.getLogger(__name__)

POSTER_EVERY = 30.0
POSTER_NAME = "poster.jpg"
MAX_WIDTH = 640


def poster_jpeg(init: bytes, segment: bytes) -> bytes | None:
    """The first picture of an fMP4 segment (with its init segment), as a JPEG at most 640 wide."""
    try:
        with av.open(io.BytesIO(init + segment), mode="r", format="mp4") as container:
            for frame in container.decode(video=0):
                image = frame.to_ndarray(format="bgr24")
                break
            else:
                return None
    except (av.FFmpegError, ValueError, IndexError):
        return None
    height, width = image.shape[:2]
    scaled: Any = image
    if width > MAX_WIDTH:
        scaled = cv2.resize(image, (MAX_WIDTH, round(height * MAX_WIDTH / width)), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", scaled, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return encoded.tobytes() if ok else None


def _store(room_dir: Path, rel: PurePosixPath) -> None:
    folder = room_dir.joinpath(*rel.parts[:-1])
    try:
        init, segment = (folder / "init.mp4").read_bytes(), (folder / rel.name).read_bytes()
    except OSError:
        return
    jpeg = poster_jpeg(init, segment)
    if jpeg is None:
        return
    tmp = room_dir / f".{POSTER_NAME}.tmp"
    tmp.write_bytes(jpeg)
    tmp.replace(room_dir / POSTER_NAME)


class Posters:
    """Which rooms are due a new poster; the decoding runs in a worker thread, one at a time per room."""

    def __init__(self, every: float = POSTER_EVERY) -> None:
        self._every = every
        self._last: dict[str, float] = {}
        self._busy: set[str] = set()

    def segment_stored(self, media: MediaStore, room: str, rel: PurePosixPath) -> None:
        """Called on the event loop for every stored file: starts a poster when one is due."""
        if rel.suffix != ".m4s" or len(rel.parts) != 3 or "." in rel.stem:
            return  # whole segments only (parts are seg_N.K.m4s)
        now = time.monotonic()
        if room in self._busy or now - self._last.get(room, -self._every) < self._every:
            return
        multivariant = media.read(room, MULTIVARIANT)
        if multivariant is None:
            return
        room_dir = media.root / room
        top = replay.video_playlists(multivariant.decode("utf-8", "replace"))
        if not top or top[0].rsplit("/", 1)[0] != "/".join(rel.parts[:2]):
            return
        self._last[room] = now
        self._busy.add(room)
        task = asyncio.get_running_loop().run_in_executor(None, _store, room_dir, rel)
        task.add_done_callback(lambda done: self._done(room, done))

    def _done(self, room: str, done: asyncio.Future[None]) -> None:
        self._busy.discard(room)
        if not done.cancelled() and done.exception() is not None:
            log.warning("the poster frame of room %s failed: %s", room, done.exception())


def poster_url(media_root: Path, base: str, room: str) -> str | None:
    """The room's poster frame's absolute URL, None before there is one."""
    return f"{base}/poster/{quote(room)}.jpg" if (media_root / room / POSTER_NAME).is_file() else None


def open_graph_tags(title: str, description: str, url: str, image: str | None) -> str:
    """``<meta property="og:…">`` tags for a page's head, every value escaped for an attribute."""
    tags = [("og:type", "video.other"), ("og:site_name", "ShopCast"), ("og:title", title),
            ("og:description", description), ("og:url", url)]  # fmt: skip
    if image:
        tags.append(("og:image", image))
    return "\n".join(f'<meta property="{key}" content="{escape(value, quote=True)}">' for key, value in tags)
