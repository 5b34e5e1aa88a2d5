"""A media file played in a loop, decoded with PyAV on its own thread and paced by media time; its
sound too.

The picture: frames are decoded ahead into a small queue (eight frames) and the render thread takes
the one whose time has come, so decoding never happens on the render thread and a slow disk shows
as a repeated frame, not a late program. The sound (a product video's voice-over, background
music): the same thread decodes the file's first audio stream, resamples it to the program's rate
and channels (PyAV's ``AudioResampler``) and writes it into a small jitter buffer
(pipeline/audio_mix.GuestAudio, the one co-hosts' voices go through), exposed as :attr:`audio`, an
:class:`AudioSource` the program's audio thread reads like a microphone. The video queue paces the
decoder, so the sound stays within a fraction of a second of the picture; each pass of a loop is
padded or trimmed to the picture's length, so the two do not drift apart over a long show. While
nobody listens the buffer keeps only its newest second.

The command line's ``--source file:PATH`` raises :class:`SourceError` for a file it cannot play
(the user named it); scene sources call :func:`file_problem` first and show the placeholder instead.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import Any

import av
import numpy as np

from pipeline.audio_mix import GuestAudio
from pipeline.frames import Image, Samples
from pipeline.sources.base import AudioSource, FrameTime, Problem, SourceError, VideoSource

log = logging.getLogger(__name__)

PREBUFFER_SECONDS = 0.1
"""Sound held before the file is heard (and again after the buffer ran dry)."""
MAX_BUFFER_SECONDS = 1.5
"""Sound held at most: beyond it the oldest goes (nobody is listening, or the file's audio is muxed
far ahead of its video)."""


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


def file_problem(path: Path) -> Problem | None:
    """Why ``path`` cannot be played, in both languages; None when it can."""
    if not str(path) or str(path) == ".":
        return Problem("No media file chosen", "未选择媒体文件")
    if not path.is_file():
        return Problem(f"Media file not found: {path}", f"找不到媒体文件：{path}")
    try:
        probe_video_file(path)
    except SourceError as exc:
        return Problem(str(exc), f"无法播放 {path.name}（不是可识别的视频文件）")
    return None


class FileAudio(AudioSource):
    """A media file's sound: the next samples from its jitter buffer, silence when it is dry."""

    def __init__(self, sample_rate: int, channels: int, name: str) -> None:
        super().__init__(sample_rate, channels)
        self.description = f"sound of {name}"
        self.buffer = GuestAudio(
            channels,
            prebuffer=round(PREBUFFER_SECONDS * sample_rate),
            max_buffer=round(MAX_BUFFER_SECONDS * sample_rate),
        )

    def read(self, frames: int, position: int) -> Samples:
        return self.buffer.read(frames)


class MediaFileSource(VideoSource):
    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        loop: bool = True,
        *,
        sample_rate: int = 48_000,
        channels: int = 2,
    ) -> None:
        self.path = path
        self.description = f"file {path.name}"
        src_w, src_h = probe_video_file(path)
        scale = min(width / src_w, height / src_h)
        # Even dimensions keep every later YUV 4:2:0 conversion exact.
        self.out_w = max(2, int(src_w * scale) // 2 * 2)
        self.out_h = max(2, int(src_h * scale) // 2 * 2)
        self.loop = loop
        self.sample_rate, self.channels = sample_rate, channels
        self.audio: FileAudio | None = self._probe_audio()
        self._frames: queue.Queue[tuple[float, Image]] = queue.Queue(maxsize=8)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._origin: float | None = None
        self._ahead: tuple[float, Image] | None = None
        self._skip = 0
        """Samples of sound to leave out at the start of the next pass (the last one ran long)."""
        self.problem: Problem | None = None
        self.ended = False

    def _probe_audio(self) -> FileAudio | None:
        try:
            with av.open(str(self.path)) as container:
                has_sound = bool(container.streams.audio)
        except av.FFmpegError:
            has_sound = False
        return FileAudio(self.sample_rate, self.channels, self.path.name) if has_sound else None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._origin, self._ahead, self.ended, self.problem = None, None, False, None
        while not self._frames.empty():  # a restart plays from the start
            self._frames.get_nowait()
        self._thread = threading.Thread(target=self._decode, name="shopcast-file-decoder", daemon=True)
        self._thread.start()

    def _decode(self) -> None:
        offset = 0.0
        self._skip = 0
        try:
            while not self._stop.is_set():
                last = offset
                with av.open(str(self.path)) as container:
                    stream = container.streams.video[0]
                    stream.thread_type = "AUTO"
                    sound = container.streams.audio[0] if container.streams.audio and self.audio else None
                    resampler = self._resampler() if sound is not None else None
                    written = 0
                    first: float | None = None
                    streams = [stream] if sound is None else [stream, sound]
                    for packet in container.demux(*streams):
                        for frame in packet.decode():
                            if isinstance(frame, av.AudioFrame):
                                assert resampler is not None
                                written += self._hear(resampler.resample(frame))
                                continue
                            if not isinstance(frame, av.VideoFrame):
                                continue
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
                    if resampler is not None:
                        written += self._hear(resampler.resample(None))
                        self._even_out(written, last + step - offset)
                if not self.loop:
                    break
                offset = last + step
        except av.FFmpegError as exc:
            log.warning("stopped playing %s: %s", self.path, exc)
            self.problem = Problem(f"Stopped playing {self.path.name}: {exc}", f"播放 {self.path.name} 时出错，已停止")
        self.ended = True

    def _resampler(self) -> Any:
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels}c")
        return av.AudioResampler(format="flt", layout=layout, rate=self.sample_rate)

    def _hear(self, frames: list[av.AudioFrame]) -> int:
        """Write resampled frames into the sound's buffer (less what the last pass ran over);
        the samples written."""
        assert self.audio is not None
        count = 0
        for frame in frames:
            samples = np.asarray(frame.to_ndarray(), np.float32).reshape(-1, self.channels)
            if self._skip:
                cut = min(self._skip, samples.shape[0])
                samples, self._skip = samples[cut:], self._skip - cut
            if samples.size:
                self.audio.buffer.write(samples)
                count += samples.shape[0]
        return count

    def _even_out(self, written: int, seconds: float) -> None:
        """After a pass: pad the sound with silence to the picture's length, or have the next pass
        start as many samples late as this one ran over."""
        assert self.audio is not None
        expected = round(seconds * self.sample_rate)
        if written < expected:
            self.audio.buffer.write(np.zeros((expected - written, self.channels), np.float32))
        else:
            self._skip = written - expected

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
