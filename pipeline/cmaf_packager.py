"""CMAF packaging: encoded samples → init segments, fMP4 media segments and HLS playlists.

Each rendition is cut into segments at fixed boundaries on the media timeline (multiples of the
segment duration). The encoder ladder forces a keyframe on the first frame at or after each boundary
on every rung, so segment N of every rung starts at the same pts and a player can switch rungs at any
segment. Files are handed to a ``publish`` callback in dependency order: an init segment before its
media, a segment before the playlist that lists it, and the multivariant playlist only once every
rendition has a playlist with at least one segment.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial

from pipeline.fmp4 import AudioTrack, Sample, Track, VideoTrack, fragment, init_segment
from pipeline.frames import EncodedSample
from pipeline.hls_playlist import (
    AudioEntry,
    SegmentEntry,
    VariantEntry,
    media_playlist,
    multivariant_playlist,
    target_duration,
)

log = logging.getLogger(__name__)

MULTIVARIANT_NAME = "master.m3u8"
MEDIA_PLAYLIST_NAME = "index.m3u8"
INIT_NAME = "init.mp4"

_STREAM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class FileKind(Enum):
    INIT = "init"
    SEGMENT = "segment"
    MEDIA_PLAYLIST = "media-playlist"
    MULTIVARIANT_PLAYLIST = "multivariant-playlist"

    @property
    def is_playlist(self) -> bool:
        return self in (FileKind.MEDIA_PLAYLIST, FileKind.MULTIVARIANT_PLAYLIST)


CONTENT_TYPES = {
    FileKind.INIT: "video/mp4",
    FileKind.SEGMENT: "video/iso.segment",
    FileKind.MEDIA_PLAYLIST: "application/vnd.apple.mpegurl",
    FileKind.MULTIVARIANT_PLAYLIST: "application/vnd.apple.mpegurl",
}


@dataclass(frozen=True, slots=True)
class PublishedFile:
    """A file of the stream, addressed relative to the stream's root."""

    path: str
    data: bytes
    kind: FileKind

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


Publish = Callable[[PublishedFile], None]


@dataclass(frozen=True, slots=True)
class PackagerSettings:
    segment_seconds: float = 1.0
    window: int = 10
    """Segments listed in a live media playlist."""

    def __post_init__(self) -> None:
        if not 0.1 <= self.segment_seconds <= 10:
            raise ValueError(f"segment duration {self.segment_seconds} s is outside 0.1..10 s")
        if not 3 <= self.window <= 1000:
            raise ValueError(f"playlist window {self.window} is outside 3..1000 segments")


@dataclass(frozen=True, slots=True)
class VideoRendition:
    name: str
    track: VideoTrack
    bitrate: int
    frame_rate: float


@dataclass(frozen=True, slots=True)
class AudioRendition:
    name: str
    track: AudioTrack


class TrackPackager:
    """Segments one track. Not thread-safe: one thread feeds it (its encoder's)."""

    def __init__(
        self,
        directory: str,
        track: Track,
        settings: PackagerSettings,
        publish: Publish,
        *,
        wall_origin: float,
        default_duration: int,
        on_first_playlist: Callable[[], None] | None = None,
    ) -> None:
        self.directory = directory
        self.track = track
        self._ticks = track.timescale
        self._segment_ticks = round(settings.segment_seconds * self._ticks)
        self._target = target_duration(settings.segment_seconds)
        self._entries: deque[SegmentEntry] = deque(maxlen=settings.window)
        self._publish = publish
        self._wall_origin = wall_origin
        self._last_duration = default_duration
        self._on_first_playlist = on_first_playlist
        self._samples: list[Sample] = []
        self._segment_start = 0
        self._next_boundary: int | None = None
        self._pending: EncodedSample | None = None
        self._sequence = 0
        self._finished = False
        self.dropped_samples = 0
        self.segment_bytes = 0
        publish(PublishedFile(f"{directory}/{INIT_NAME}", init_segment(track), FileKind.INIT))

    @property
    def segments(self) -> int:
        return self._sequence

    def add(self, sample: EncodedSample) -> None:
        if self._finished:
            raise RuntimeError(f"{self.directory}: packager already finished")
        pending = self._pending
        if pending is None:
            if not sample.keyframe:
                self.dropped_samples += 1  # a segment must start with a sync sample
                return
            self._pending = sample
            return
        duration = sample.dts - pending.dts
        if duration <= 0:
            self.dropped_samples += 1
            log.warning("%s: dropped a sample whose dts %d does not follow %d", self.directory, sample.dts, pending.dts)
            return
        self._append(pending, duration)
        assert self._next_boundary is not None
        if sample.keyframe and sample.dts >= self._next_boundary:
            self._close(sample.dts, ended=False)
        self._pending = sample

    def _append(self, sample: EncodedSample, duration: int) -> None:
        if not self._samples:
            self._segment_start = sample.dts
            if self._next_boundary is None:
                self._next_boundary = (sample.dts // self._segment_ticks + 1) * self._segment_ticks
        self._samples.append(Sample(sample.data, duration, sample.keyframe, sample.pts - sample.dts))
        self._last_duration = duration

    def _close(self, end: int, *, ended: bool) -> None:
        sequence = self._sequence
        self._sequence += 1
        data = fragment(sequence + 1, self.track.track_id, self._segment_start, self._samples)
        uri = f"seg_{sequence:06d}.m4s"
        self._publish(PublishedFile(f"{self.directory}/{uri}", data, FileKind.SEGMENT))
        self.segment_bytes += len(data)
        self._entries.append(
            SegmentEntry(
                sequence,
                uri,
                (end - self._segment_start) / self._ticks,
                self._wall_origin + self._segment_start / self._ticks,
            )
        )
        self._samples = []
        self._next_boundary = (end // self._segment_ticks + 1) * self._segment_ticks
        self._publish_playlist(ended)
        if sequence == 0 and self._on_first_playlist is not None:
            self._on_first_playlist()

    def _publish_playlist(self, ended: bool) -> None:
        text = media_playlist(target=self._target, segments=list(self._entries), map_uri=INIT_NAME, ended=ended)
        self._publish(PublishedFile(f"{self.directory}/{MEDIA_PLAYLIST_NAME}", text.encode(), FileKind.MEDIA_PLAYLIST))

    def finish(self) -> None:
        """Close the last segment and publish the playlist with ``EXT-X-ENDLIST``."""
        if self._finished:
            return
        if self._pending is not None:
            self._append(self._pending, self._last_duration)
            end = self._pending.dts + self._last_duration
            self._pending = None
            self._close(end, ended=True)
        else:
            self._publish_playlist(ended=True)
        self._finished = True


class HlsPackager:
    """All renditions of one stream plus its multivariant playlist.

    Layout under the stream root::

        master.m3u8
        <stream_id>/<rendition>/init.mp4, index.m3u8, seg_000000.m4s, ...

    A new ``stream_id`` per broadcast keeps segment URLs unique, so caches never serve a segment of
    an earlier broadcast of the same room.
    """

    def __init__(
        self,
        stream_id: str,
        video: Sequence[VideoRendition],
        audio: AudioRendition | None,
        settings: PackagerSettings,
        publish: Publish,
        *,
        wall_origin: float,
    ) -> None:
        if not _STREAM_ID.fullmatch(stream_id):
            raise ValueError(f"stream id {stream_id!r} must be 1-64 letters, digits, '-' or '_'")
        if not video:
            raise ValueError("a stream needs at least one video rendition")
        names = [v.name for v in video] + ([audio.name] if audio else [])
        if len(set(names)) != len(names):
            raise ValueError(f"rendition names must differ: {names}")
        self.stream_id = stream_id
        self._video = list(video)
        self._audio = audio
        self._publish = publish
        self._lock = threading.Lock()
        self._waiting = set(names)
        self.multivariant_published = False
        self.video_tracks = [
            TrackPackager(
                f"{stream_id}/{v.name}",
                v.track,
                settings,
                publish,
                wall_origin=wall_origin,
                default_duration=round(v.track.timescale / v.frame_rate),
                on_first_playlist=partial(self._ready, v.name),
            )
            for v in video
        ]
        self.audio_track = (
            TrackPackager(
                f"{stream_id}/{audio.name}",
                audio.track,
                settings,
                publish,
                wall_origin=wall_origin,
                default_duration=1024,
                on_first_playlist=partial(self._ready, audio.name),
            )
            if audio
            else None
        )

    def _ready(self, name: str) -> None:
        with self._lock:
            self._waiting.discard(name)
            if self._waiting or self.multivariant_published:
                return
            self.multivariant_published = True
        self._publish(
            PublishedFile(MULTIVARIANT_NAME, self.multivariant_text().encode(), FileKind.MULTIVARIANT_PLAYLIST)
        )

    def multivariant_text(self) -> str:
        audio_bitrate = self._audio.track.bitrate if self._audio else 0
        audio_codec = f",{self._audio.track.codec}" if self._audio else ""
        group = "audio" if self._audio else None
        variants = [
            VariantEntry(
                uri=f"{self.stream_id}/{v.name}/{MEDIA_PLAYLIST_NAME}",
                # Peak: the encoder's VBV maxrate plus audio, with ~5% for the container.
                bandwidth=int((v.bitrate * 1.2 + audio_bitrate) * 1.05),
                average_bandwidth=int((v.bitrate + audio_bitrate) * 1.05),
                width=v.track.width,
                height=v.track.height,
                frame_rate=v.frame_rate,
                codecs=v.track.codec + audio_codec,
                audio_group=group,
            )
            for v in self._video
        ]
        audio = (
            [
                AudioEntry(
                    uri=f"{self.stream_id}/{self._audio.name}/{MEDIA_PLAYLIST_NAME}",
                    group_id="audio",
                    name="Main",
                    channels=self._audio.track.channels,
                )
            ]
            if self._audio
            else []
        )
        return multivariant_playlist(variants, audio)

    def finish(self) -> None:
        for track in self.video_tracks:
            track.finish()
        if self.audio_track is not None:
            self.audio_track.finish()
