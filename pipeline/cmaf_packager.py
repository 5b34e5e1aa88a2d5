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
    LowLatency,
    PartEntry,
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
    PART = "part"
    SEGMENT = "segment"
    MEDIA_PLAYLIST = "media-playlist"
    MULTIVARIANT_PLAYLIST = "multivariant-playlist"

    @property
    def is_playlist(self) -> bool:
        return self in (FileKind.MEDIA_PLAYLIST, FileKind.MULTIVARIANT_PLAYLIST)


CONTENT_TYPES = {
    FileKind.INIT: "video/mp4",
    FileKind.PART: "video/iso.segment",
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
    part_seconds: float | None = 1 / 3
    """LL-HLS partial segments of at most this long; None for plain HLS."""
    multivariant_name: str = MULTIVARIANT_NAME
    """The multivariant playlist's file name: a second canvas (dual format) publishes its own beside
    the primary's ``master.m3u8`` (pipeline/canvas.py)."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.m3u8", self.multivariant_name):
            raise ValueError(f"multivariant playlist name {self.multivariant_name!r} must be NAME.m3u8")
        if not 0.1 <= self.segment_seconds <= 10:
            raise ValueError(f"segment duration {self.segment_seconds} s is outside 0.1..10 s")
        if not 3 <= self.window <= 1000:
            raise ValueError(f"playlist window {self.window} is outside 3..1000 segments")
        if self.part_seconds is not None and not 0.05 <= self.part_seconds <= self.segment_seconds / 2:
            raise ValueError(
                f"part duration {self.part_seconds:.3f} s is outside 0.05 s .. half a segment "
                f"({self.segment_seconds / 2:.3f} s)"
            )

    @property
    def low_latency(self) -> bool:
        return self.part_seconds is not None


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


RenditionReport = tuple[str, int, int]
"""(directory, last media sequence number, last part index) of a rendition, for LL-HLS reports."""


class TrackPackager:
    """Segments one track. Not thread-safe: one thread feeds it (its encoder's).

    With ``part_seconds`` set (LL-HLS), each segment is published first as parts: a part closes
    before the sample that would make it longer than the part target, so every part's duration is
    at most the target, and the first part of each segment starts with the segment's keyframe. A
    part is one ``moof``+``mdat`` fragment, and the complete segment is the concatenation of its
    parts' bytes, so a plain-HLS player reading segments and an LL-HLS player reading parts get the
    same fragments. Parts are named ``seg_NNNNNN.K.m4s``.
    """

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
        reports: Callable[[str, RenditionReport], list[RenditionReport]] | None = None,
    ) -> None:
        self.directory = directory
        self.track = track
        self._ticks = track.timescale
        self._segment_ticks = round(settings.segment_seconds * self._ticks)
        self._target = target_duration(settings.segment_seconds)
        self._part_ticks = round(settings.part_seconds * self._ticks) if settings.part_seconds else 0
        self._entries: deque[SegmentEntry] = deque(maxlen=settings.window)
        self._publish = publish
        self._wall_origin = wall_origin
        self._default_duration = default_duration
        self._on_first_playlist = on_first_playlist
        self._reports = reports
        self._samples: list[Sample] = []
        self._segment_start = 0
        self._next_boundary: int | None = None
        self._pending: EncodedSample | None = None
        self._sequence = 0
        self._fragments = 0
        self._part_samples: list[Sample] = []
        self._part_start = 0
        self._part_ticks_used = 0
        self._parts: list[PartEntry] = []
        self._part_data: list[bytes] = []
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
        if self._part_ticks:
            if self._part_samples and self._part_ticks_used + duration > self._part_ticks:
                self._close_part()
            if not self._part_samples:
                self._part_start = sample.dts
                self._part_ticks_used = 0
            self._part_ticks_used += duration
        entry = Sample(sample.data, duration, sample.keyframe, sample.pts - sample.dts)
        self._samples.append(entry)
        if self._part_ticks:
            self._part_samples.append(entry)

    def _next_fragment(self) -> int:
        self._fragments += 1
        return self._fragments

    def _close_part(self, *, announce: bool = True) -> None:
        """Publish the open part; then, unless the segment's own playlist follows, a playlist."""
        samples = self._part_samples
        if not samples:
            return
        data = fragment(self._next_fragment(), self.track.track_id, self._part_start, samples)
        uri = f"seg_{self._sequence:06d}.{len(self._parts)}.m4s"
        self._publish(PublishedFile(f"{self.directory}/{uri}", data, FileKind.PART))
        self._parts.append(PartEntry(uri, sum(s.duration for s in samples) / self._ticks, samples[0].sync))
        self._part_data.append(data)
        self._part_samples = []
        if announce:
            self._publish_playlist(ended=False)

    def _close(self, end: int, *, ended: bool) -> None:
        sequence = self._sequence
        if self._part_ticks:
            self._close_part(announce=False)
            data = b"".join(self._part_data)
        else:
            data = fragment(self._next_fragment(), self.track.track_id, self._segment_start, self._samples)
        self._sequence += 1
        uri = f"seg_{sequence:06d}.m4s"
        self._publish(PublishedFile(f"{self.directory}/{uri}", data, FileKind.SEGMENT))
        self.segment_bytes += len(data)
        self._entries.append(
            SegmentEntry(
                sequence,
                uri,
                (end - self._segment_start) / self._ticks,
                self._wall_origin + self._segment_start / self._ticks,
                tuple(self._parts),
            )
        )
        self._samples = []
        self._parts = []
        self._part_data = []
        self._next_boundary = (end // self._segment_ticks + 1) * self._segment_ticks
        self._publish_playlist(ended)
        if sequence == 0 and self._on_first_playlist is not None:
            self._on_first_playlist()

    def _low_latency(self, ended: bool) -> LowLatency | None:
        if not self._part_ticks:
            return None
        if self._parts:
            last_msn, last_part = self._sequence, len(self._parts) - 1
        elif self._entries:
            last_msn, last_part = self._entries[-1].sequence, len(self._entries[-1].parts) - 1
        else:
            last_msn, last_part = 0, -1
        others = self._reports(self.directory, (self.directory, last_msn, last_part)) if self._reports else []
        name = self.directory.rsplit("/", 1)[-1]
        return LowLatency(
            part_target=self._part_ticks / self._ticks,
            part_hold_back=3 * self._part_ticks / self._ticks,
            hold_back=3.0 * self._target,
            open_parts=tuple(self._parts),
            open_program_date_time=self._wall_origin + self._segment_start / self._ticks if self._parts else None,
            preload_hint=None if ended else f"seg_{self._sequence:06d}.{len(self._parts)}.m4s",
            rendition_reports=tuple(
                (f"../{d.rsplit('/', 1)[-1]}/{MEDIA_PLAYLIST_NAME}", msn, part)
                for d, msn, part in others
                if d.rsplit("/", 1)[-1] != name and part >= 0
            ),
        )

    def _publish_playlist(self, ended: bool) -> None:
        if not self._entries and not self._parts and not ended:
            return  # nothing to list yet
        text = media_playlist(
            target=self._target,
            segments=list(self._entries),
            map_uri=INIT_NAME,
            ended=ended,
            low_latency=self._low_latency(ended),
        )
        self._publish(PublishedFile(f"{self.directory}/{MEDIA_PLAYLIST_NAME}", text.encode(), FileKind.MEDIA_PLAYLIST))

    def finish(self) -> None:
        """Close the last segment and publish the playlist with ``EXT-X-ENDLIST``."""
        if self._finished:
            return
        if self._pending is not None:
            # The last sample lasts one frame (or audio frame): no later sample says otherwise, and the
            # one before it may have stood in for frames the encoders skipped.
            self._append(self._pending, self._default_duration)
            end = self._pending.dts + self._default_duration
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
        self.settings = settings
        self._video = list(video)
        self._audio = audio
        self._publish = publish
        self._lock = threading.Lock()
        self._waiting = set(names)
        self._renditions: dict[str, RenditionReport] = {}
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
                reports=self._report,
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
                reports=self._report,
            )
            if audio
            else None
        )

    def _report(self, directory: str, state: RenditionReport) -> list[RenditionReport]:
        """Note one rendition's position; return every rendition's (for EXT-X-RENDITION-REPORT)."""
        with self._lock:
            self._renditions[directory] = state
            return list(self._renditions.values())

    def _ready(self, name: str) -> None:
        with self._lock:
            self._waiting.discard(name)
            if self._waiting or self.multivariant_published:
                return
            self.multivariant_published = True
        self._publish(
            PublishedFile(
                self.settings.multivariant_name, self.multivariant_text().encode(), FileKind.MULTIVARIANT_PLAYLIST
            )
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
