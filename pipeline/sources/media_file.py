"""A media file played in a loop, decoded with PyAV on its own thread and paced by media time."""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

import av
import numpy as np

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, SourceError, VideoSource

log = logging.getLogger(__name__)


def probe_video_file(path: Path) -> tuple[int, int]:
    """Return the (width, height) of the first video stream, or raise a :class:`SourceError`."""
    if not path.is_file():
        raise SourceError(f"media file not found: {path}")
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise SourceError(f"{path} has no video stream")
            stream = container.streams.video[0]
            return int(stream.codec_context.width), int(stream.codec_context.height)
    except av.FFmpegError as exc:
        raise SourceError(f"{path} is not a media file FFmpeg can read: {exc}") from exc


class MediaFileSource(VideoSource):
    def __init__(self, path: Path, width: int, height: int, loop: bool = True) -> None:
        self.path = path
        self.description = f"file {path.name}"
        src_w, src_h = probe_video_file(path)
        scale = min(width / src_w, height / src_h)
        # Even dimensions keep every later YUV 4:2:0 conversion exact.
        self.out_w = max(2, int(src_w * scale) // 2 * 2)
        self.out_h = max(2, int(src_h * scale) // 2 * 2)
        self.loop = loop
        self._frames: queue.Queue[tuple[float, Image]] = queue.Queue(maxsize=8)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._origin: float | None = None
        self._ahead: tuple[float, Image] | None = None
        self.ended = False

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._decode, name="shopcast-file-decoder", daemon=True)
        self._thread.start()

    def _decode(self) -> None:
        offset = 0.0
        try:
            while not self._stop.is_set():
                last = offset
                with av.open(str(self.path)) as container:
                    stream = container.streams.video[0]
                    stream.thread_type = "AUTO"
                    first: float | None = None
                    for frame in container.decode(stream):
                        stamp: float | None = frame.time  # None for frames without a pts
                        if stamp is None:
                            continue
                        first = stamp if first is None else first
                        t = offset + stamp - first
                        picture = frame.reformat(width=self.out_w, height=self.out_h, format="bgr24")
                        image = np.ascontiguousarray(picture.to_ndarray(), dtype=np.uint8)
                        if not self._put((t, image)):
                            return
                        last = t
                    rate = stream.average_rate
                    step = 1.0 / float(rate) if rate else 1.0 / 30
                if not self.loop:
                    break
                offset = last + step
        except av.FFmpegError as exc:
            log.warning("stopped playing %s: %s", self.path, exc)
        self.ended = True

    def _put(self, item: tuple[float, Image]) -> bool:
        while not self._stop.is_set():
            try:
                self._frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read(self, at: FrameTime) -> Image | None:
        if self._origin is None:
            self._origin = at.media
        now = at.media - self._origin
        chosen: Image | None = None
        while True:
            if self._ahead is None:
                try:
                    self._ahead = self._frames.get_nowait()
                except queue.Empty:
                    return chosen
            t, image = self._ahead
            if t > now and chosen is not None:
                return chosen
            if t > now + 0.5:
                # Far ahead of the program (right after start); wait for its time.
                return chosen
            chosen = image
            self._ahead = None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
