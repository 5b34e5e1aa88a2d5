"""Fragmented MP4 (CMAF) boxes for H.264 and AAC tracks.

We write the boxes ourselves instead of driving libavformat's mov muxer because the packager must
decide exactly where every fragment starts (segment and, later, LL-HLS part boundaries at the same
pts on every rung) and must be able to append fragments to a recording that stays playable when the
process dies. The layout follows ISO/IEC 14496-12 and CMAF (ISO/IEC 23000-19): one track per file,
``ftyp`` + ``moov`` (with ``mvex``) as the init segment, ``moof`` + ``mdat`` per fragment.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)

# Sample flags (ISO/IEC 14496-12 8.8.3.1): sync samples depend on nothing; others depend on an
# earlier sample and are marked "non-sync".
SYNC_SAMPLE_FLAGS = 0x02000000
NON_SYNC_SAMPLE_FLAGS = 0x01010000

_HIGH_PROFILES = frozenset({100, 110, 122, 144})


class Fmp4Error(ValueError):
    """Raised when codec configuration cannot be turned into a valid track."""


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


# --- H.264 -----------------------------------------------------------------------------------


def split_annexb(data: bytes) -> list[bytes]:
    """Split an Annex B byte stream into NAL units (start codes removed)."""
    nals: list[bytes] = []
    start = _next_start_code(data, 0)
    while start is not None:
        begin = start[1]
        nxt = _next_start_code(data, begin)
        end = nxt[0] if nxt is not None else len(data)
        nal = data[begin:end]
        # A 4-byte start code leaves a trailing zero on the previous NAL; strip trailing zeros.
        nal = nal.rstrip(b"\x00") if nxt is not None else nal
        if nal:
            nals.append(nal)
        start = nxt
    return nals


def _next_start_code(data: bytes, pos: int) -> tuple[int, int] | None:
    """Return (index of the start code, index of the first NAL byte) or None."""
    idx = data.find(b"\x00\x00\x01", pos)
    if idx < 0:
        return None
    return idx, idx + 3


def annexb_to_avcc(data: bytes) -> bytes:
    """Convert one encoded access unit from Annex B to 4-byte length-prefixed NAL units.

    Parameter sets and access unit delimiters are dropped: for an ``avc1`` track they live in the
    ``avcC`` box of the init segment.
    """
    out = bytearray()
    for nal in split_annexb(data):
        if nal[0] & 0x1F in (7, 8, 9):
            continue
        out += struct.pack(">I", len(nal))
        out += nal
    return bytes(out)


@dataclass(frozen=True, slots=True)
class VideoTrack:
    """An H.264 track: dimensions, timescale and parameter sets from the encoder's extradata."""

    track_id: int
    timescale: int
    width: int
    height: int
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]

    @classmethod
    def from_annexb_extradata(
        cls, extradata: bytes, *, track_id: int, timescale: int, width: int, height: int
    ) -> VideoTrack:
        nals = split_annexb(extradata)
        sps = tuple(n for n in nals if n[0] & 0x1F == 7)
        pps = tuple(n for n in nals if n[0] & 0x1F == 8)
        if not sps or not pps:
            raise Fmp4Error("H.264 extradata holds no SPS/PPS; open the encoder with a global header")
        if len(sps[0]) < 4:
            raise Fmp4Error("H.264 SPS is truncated")
        return cls(track_id, timescale, width, height, sps, pps)

    @property
    def profile(self) -> int:
        return self.sps[0][1]

    @property
    def codec(self) -> str:
        """RFC 6381 codec string, e.g. ``avc1.64001f``."""
        return "avc1." + self.sps[0][1:4].hex()

    def sample_entry(self) -> bytes:
        avcc = struct.pack(">5B", 1, self.sps[0][1], self.sps[0][2], self.sps[0][3], 0xFF)
        avcc += struct.pack(">B", 0xE0 | len(self.sps))
        for sps in self.sps:
            avcc += struct.pack(">H", len(sps)) + sps
        avcc += struct.pack(">B", len(self.pps))
        for pps in self.pps:
            avcc += struct.pack(">H", len(pps)) + pps
        if self.profile in _HIGH_PROFILES:
            # chroma_format_idc=1 (4:2:0), 8-bit luma and chroma, no SPS extensions.
            avcc += bytes((0xFC | 1, 0xF8, 0xF8, 0))
        compressor = b"\x0bShopCast264".ljust(32, b"\x00")
        return box(
            b"avc1",
            bytes(6),
            struct.pack(">H", 1),  # data_reference_index
            bytes(16),
            struct.pack(">HH", self.width, self.height),
            struct.pack(">II", 0x00480000, 0x00480000),  # 72 dpi
            bytes(4),
            struct.pack(">H", 1),  # frame_count
            compressor,
            struct.pack(">Hh", 0x0018, -1),
            box(b"avcC", avcc),
            box(b"pasp", struct.pack(">II", 1, 1)),
        )


# --- AAC -------------------------------------------------------------------------------------


def _descriptor(tag: int, payload: bytes) -> bytes:
    size = len(payload)
    if size >= 1 << 28:
        raise Fmp4Error("MPEG-4 descriptor too large")
    # 4-byte expandable size, as libavformat writes it.
    encoded = bytes(
        (
            0x80 | ((size >> 21) & 0x7F),
            0x80 | ((size >> 14) & 0x7F),
            0x80 | ((size >> 7) & 0x7F),
            size & 0x7F,
        )
    )
    return bytes((tag,)) + encoded + payload


@dataclass(frozen=True, slots=True)
class AudioTrack:
    """An AAC track described by its AudioSpecificConfig."""

    track_id: int
    sample_rate: int
    channels: int
    audio_specific_config: bytes
    bitrate: int

    def __post_init__(self) -> None:
        if len(self.audio_specific_config) < 2:
            raise Fmp4Error("AAC AudioSpecificConfig must be at least 2 bytes")

    @property
    def timescale(self) -> int:
        return self.sample_rate

    @property
    def codec(self) -> str:
        return f"mp4a.40.{self.audio_specific_config[0] >> 3}"

    def sample_entry(self) -> bytes:
        decoder_config = _descriptor(
            0x04,
            struct.pack(">BB", 0x40, 0x15)  # MPEG-4 audio, audio stream
            + (0).to_bytes(3, "big")  # bufferSizeDB
            + struct.pack(">II", self.bitrate, self.bitrate)
            + _descriptor(0x05, self.audio_specific_config),
        )
        es = _descriptor(0x03, struct.pack(">HB", 0, 0) + decoder_config + _descriptor(0x06, b"\x02"))
        return box(
            b"mp4a",
            bytes(6),
            struct.pack(">H", 1),
            bytes(8),
            struct.pack(">HHHH", self.channels, 16, 0, 0),
            struct.pack(">I", self.sample_rate << 16),
            full_box(b"esds", 0, 0, es),
        )


Track = VideoTrack | AudioTrack


def init_segment(track: Track) -> bytes:
    """``ftyp`` + ``moov`` for one track, with ``mvex`` announcing movie fragments."""
    is_video = isinstance(track, VideoTrack)
    ftyp = box(b"ftyp", b"iso6", struct.pack(">I", 0), b"iso6", b"cmfc", b"mp41")
    mvhd = full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, 1000, 0),
        struct.pack(">IH", 0x00010000, 0x0100),
        bytes(10),
        _MATRIX,
        bytes(24),
        struct.pack(">I", track.track_id + 1),
    )
    width, height = (track.width, track.height) if isinstance(track, VideoTrack) else (0, 0)
    tkhd = full_box(
        b"tkhd",
        0,
        3,  # enabled, in movie
        struct.pack(">IIIII", 0, 0, track.track_id, 0, 0),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0 if is_video else 0x0100, 0),
        _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, track.timescale, 0, 0x55C4, 0))
    handler, name = (b"vide", b"ShopCast video\x00") if is_video else (b"soun", b"ShopCast audio\x00")
    hdlr = full_box(b"hdlr", 0, 0, bytes(4), handler, bytes(12), name)
    media_header = full_box(b"vmhd", 0, 1, bytes(8)) if is_video else full_box(b"smhd", 0, 0, bytes(4))
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, 0, struct.pack(">I", 1), track.sample_entry()),
        full_box(b"stts", 0, 0, struct.pack(">I", 0)),
        full_box(b"stsc", 0, 0, struct.pack(">I", 0)),
        full_box(b"stsz", 0, 0, struct.pack(">II", 0, 0)),
        full_box(b"stco", 0, 0, struct.pack(">I", 0)),
    )
    trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, box(b"minf", media_header, dinf, stbl)))
    mvex = box(b"mvex", full_box(b"trex", 0, 0, struct.pack(">IIIII", track.track_id, 1, 0, 0, 0)))
    return ftyp + box(b"moov", mvhd, trak, mvex)


@dataclass(frozen=True, slots=True)
class Sample:
    """One access unit ready for an ``mdat``: payload, duration and decode→presentation offset."""

    data: bytes
    duration: int
    sync: bool
    composition_offset: int = 0


def fragment(sequence_number: int, track_id: int, base_decode_time: int, samples: list[Sample]) -> bytes:
    """One ``moof`` + ``mdat`` pair holding ``samples`` in decode order."""
    if not samples:
        raise Fmp4Error("a fragment needs at least one sample")
    if sequence_number < 1:
        raise Fmp4Error("fragment sequence numbers start at 1")
    with_cts = any(s.composition_offset for s in samples)
    trun_flags = 0x000001 | 0x000100 | 0x000200 | 0x000400 | (0x000800 if with_cts else 0)
    entries = bytearray()
    for s in samples:
        flags = SYNC_SAMPLE_FLAGS if s.sync else NON_SYNC_SAMPLE_FLAGS
        entries += struct.pack(">III", s.duration, len(s.data), flags)
        if with_cts:
            entries += struct.pack(">i", s.composition_offset)

    def build(data_offset: int) -> bytes:
        trun = full_box(
            b"trun", 1 if with_cts else 0, trun_flags, struct.pack(">Ii", len(samples), data_offset), bytes(entries)
        )
        traf = box(
            b"traf",
            full_box(b"tfhd", 0, 0x020000, struct.pack(">I", track_id)),  # default-base-is-moof
            full_box(b"tfdt", 1, 0, struct.pack(">Q", base_decode_time)),
            trun,
        )
        return box(b"moof", full_box(b"mfhd", 0, 0, struct.pack(">I", sequence_number)), traf)

    moof_size = len(build(0))
    payload = b"".join(s.data for s in samples)
    return build(moof_size + 8) + struct.pack(">I4s", 8 + len(payload), b"mdat") + payload


def iter_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Top-level boxes of ``data`` as (type, offset, size); raises on a truncated box."""
    out: list[tuple[bytes, int, int]] = []
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise Fmp4Error(f"truncated box header at offset {pos}")
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size < 8 or pos + size > len(data):
            raise Fmp4Error(f"box {kind!r} at offset {pos} has invalid size {size}")
        out.append((kind, pos, size))
        pos += size
    return out


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """Boxes inside a container's payload ``data[start:end]`` as (type, absolute offset, size)."""
    return [(kind, start + offset, size) for kind, offset, size in iter_boxes(data[start:end])]


def _set_u32(data: bytearray, offset: int, value: int) -> None:
    struct.pack_into(">I", data, offset, value)


def combine_inits(inits: list[bytes]) -> bytes:
    """One ``ftyp`` + ``moov`` holding the tracks of several one-track init segments (ours).

    Track N of the result (1-based) is the track of ``inits[N-1]``, renumbered to N in its ``tkhd``
    and ``trex``; fragments of that track must be renumbered the same way
    (:func:`renumber_fragments`). Used by the recording, which keeps video and audio in one file.
    """
    if not inits:
        raise Fmp4Error("combining needs at least one init segment")
    traks: list[bytes] = []
    trexs: list[bytes] = []
    ftyp = b""
    mvhd = b""
    for number, init in enumerate(inits, start=1):
        top = {kind: (offset, size) for kind, offset, size in iter_boxes(init)}
        if b"moov" not in top or b"ftyp" not in top:
            raise Fmp4Error("an init segment needs ftyp and moov")
        ftyp = ftyp or init[top[b"ftyp"][0] : top[b"ftyp"][0] + top[b"ftyp"][1]]
        moov_at, moov_size = top[b"moov"]
        moov = {kind: (offset, size) for kind, offset, size in _children(init, moov_at + 8, moov_at + moov_size)}
        if b"trak" not in moov or b"mvex" not in moov or b"mvhd" not in moov:
            raise Fmp4Error("an init segment's moov needs mvhd, trak and mvex")
        mvhd = mvhd or init[moov[b"mvhd"][0] : moov[b"mvhd"][0] + moov[b"mvhd"][1]]
        trak_at, trak_size = moov[b"trak"]
        trak = bytearray(init[trak_at : trak_at + trak_size])
        tkhd = {kind: (o, s) for kind, o, s in _children(bytes(trak), 8, len(trak))}.get(b"tkhd")
        if tkhd is None:
            raise Fmp4Error("a trak needs a tkhd")
        _set_u32(trak, tkhd[0] + 8 + 4 + 8, number)  # version 0: creation, modification, then track_ID
        traks.append(bytes(trak))
        mvex_at, mvex_size = moov[b"mvex"]
        for kind, offset, size in _children(init, mvex_at + 8, mvex_at + mvex_size):
            if kind == b"trex":
                trex = bytearray(init[offset : offset + size])
                _set_u32(trex, 12, number)
                trexs.append(bytes(trex))
    header = bytearray(mvhd)
    _set_u32(header, len(header) - 4, len(inits) + 1)  # next_track_ID
    return ftyp + box(b"moov", bytes(header), *traks, box(b"mvex", *trexs))


def renumber_fragments(data: bytes, track_id: int) -> bytes:
    """``data`` (one or more ``moof`` + ``mdat`` pairs) with every ``tfhd`` naming ``track_id``."""
    out = bytearray(data)
    for kind, offset, size in iter_boxes(data):
        if kind != b"moof":
            continue
        for child, child_at, child_size in _children(data, offset + 8, offset + size):
            if child != b"traf":
                continue
            for grand, grand_at, _ in _children(data, child_at + 8, child_at + child_size):
                if grand == b"tfhd":
                    _set_u32(out, grand_at + 12, track_id)
    return bytes(out)
