"""Properties of the HLS playlists between the studio and the relay, over inputs Hypothesis makes.

What the studio writes (pipeline/hls_playlist.py) the relay's readers read back as written: the
replay's segment reader (app/relay/replay.py), the blocking-reload position (app/relay/ll_hls.py), the
page's player start (app/relay/player_boot.py); the replay's on-demand playlists read back the same
again; marking gaps changes no segment. And whatever bytes a broadcaster uploads as a playlist, the
readers either read them or refuse them the way their callers expect (ValueError), never with another
exception — on a real relay: any upload is a 4xx or stored, and every page and API reading the
playlists afterwards still answers without a 5xx."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.relay import ll_hls, player_boot, replay
from app.relay.formats import top_variant
from app.relay.media_store import stream_folders
from pipeline.hls_playlist import (
    GAP_TAG,
    AudioEntry,
    LowLatency,
    PartEntry,
    SegmentEntry,
    VariantEntry,
    mark_gaps,
    media_playlist,
    multivariant_playlist,
)
from tests.helpers.relay import RelayProcess, logged_errors
from tests.helpers.room import Room, open_room

PURE = settings(max_examples=200, deadline=None, derandomize=True, database=None)
FIELD = settings(max_examples=60, deadline=None, derandomize=True, database=None)
"""Per field (parametrized): the values that matter are few (numbers, specials), so fewer examples each."""
RELAY = settings(max_examples=40, deadline=None, derandomize=True, database=None)

NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}", fullmatch=True)
DATES = st.none() | st.floats(1.5e9, 2.2e9)


@dataclass(frozen=True)
class Written:
    """A media playlist as the studio writes it, and what it was made from."""

    text: str
    target: int
    map_uri: str
    segments: tuple[SegmentEntry, ...]
    ended: bool
    low_latency: LowLatency | None


def _parts(draw: st.DrawFn, sequence: int) -> tuple[PartEntry, ...]:
    """A segment's parts as the studio names them (``seg_N.K.m4s``)."""
    count = draw(st.integers(0, 4))
    durations = draw(st.lists(st.floats(0.01, 1), min_size=count, max_size=count))
    independent = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    return tuple(PartEntry(f"seg_{sequence:06d}.{k}.m4s", durations[k], independent[k]) for k in range(count))


REPORTS = st.lists(st.tuples(NAME.map(lambda n: f"../{n}/index.m3u8"), st.integers(0, 10**6), st.integers(0, 9)))


@st.composite
def written(draw: st.DrawFn, low_latency: bool | None = None) -> Written:
    first = draw(st.integers(0, 999_000))
    count = draw(st.integers(0, 10))
    segments = [
        SegmentEntry(n, f"seg_{n:06d}.m4s", draw(st.floats(0.05, 12)), draw(DATES), _parts(draw, n))
        for n in range(first, first + count)
    ]
    ll = None
    if draw(st.booleans()) if low_latency is None else low_latency:
        open_parts = _parts(draw, first + count)
        ll = LowLatency(
            part_target=draw(st.floats(0.1, 1)),
            part_hold_back=draw(st.floats(0.3, 3)),
            hold_back=draw(st.floats(1, 12)),
            open_parts=open_parts,
            open_program_date_time=draw(DATES),
            preload_hint=f"seg_{first + count:06d}.{len(open_parts)}.m4s",
            rendition_reports=tuple(draw(REPORTS)),
            part_segments=draw(st.integers(0, 4)),
        )
    target = draw(st.integers(1, 12))
    map_uri = draw(NAME) + ".mp4"
    ended = draw(st.booleans())
    text = media_playlist(target=target, segments=segments, map_uri=map_uri, ended=ended, low_latency=ll)
    return Written(text, target, map_uri, tuple(segments), ended, ll)


def _written(value: float) -> float:
    """A duration as the playlist states it (five decimals)."""
    return float(f"{value:.5f}")


@PURE
@given(written())
def test_the_replay_reads_back_the_segments_the_studio_wrote(playlist: Written) -> None:
    read = replay.parse_media_playlist(playlist.text)
    assert read.target == playlist.target
    assert read.map_uri == playlist.map_uri
    assert read.ended == playlist.ended
    assert [(s.uri, s.sequence, s.duration) for s in read.segments] == [
        (s.uri, s.sequence, _written(s.duration)) for s in playlist.segments
    ]
    start = 0.0
    for got, wrote in zip(read.segments, playlist.segments, strict=True):
        assert got.start == pytest.approx(start, abs=1e-6)
        start += _written(wrote.duration)
        if wrote.program_date_time is None:
            assert got.wall is None
        else:  # written to the millisecond (after rounding to the microsecond)
            assert got.wall is not None and -1e-6 <= wrote.program_date_time - got.wall < 0.001 + 1e-6


@PURE
@given(written())
def test_the_replays_own_playlist_reads_back_the_same(playlist: Written) -> None:
    first = replay.parse_media_playlist(playlist.text)
    vod = replay.vod_media_playlist(first, "/live/room/stream/720p")
    again = replay.parse_media_playlist(vod)
    assert again.ended
    assert [(s.uri, s.sequence, s.duration, s.start, s.wall) for s in again.segments] == [
        (f"/live/room/stream/720p/{s.uri}", s.sequence, s.duration, s.start, s.wall) for s in first.segments
    ]
    assert replay.parse_media_playlist(replay.vod_media_playlist(again, "x")).segments[-1:] == [
        replay.MediaSegment(f"x/{s.uri}", s.duration, s.sequence, s.start, s.wall) for s in again.segments[-1:]
    ]


@PURE
@given(written())
def test_the_blocking_reload_reads_how_far_the_playlist_has_got(playlist: Written) -> None:
    position = ll_hls.playlist_position(playlist.text.encode())
    assert position is not None
    first = playlist.segments[0].sequence if playlist.segments else 0
    assert position.last_msn == first + len(playlist.segments) - 1
    ll = playlist.low_latency
    assert position.open_parts == (len(ll.open_parts) if ll is not None and not playlist.ended else 0)
    assert position.ended == playlist.ended
    assert position.target == playlist.target


@PURE
@given(written(low_latency=True))
def test_the_player_start_reads_every_listed_part_in_order(playlist: Written) -> None:
    ll = playlist.low_latency
    assert ll is not None
    read = player_boot.parse_media(playlist.text)
    assert read.init == playlist.map_uri
    assert read.ended == playlist.ended
    assert read.part_target == pytest.approx(ll.part_target, abs=1e-5)
    assert read.part_hold_back == pytest.approx(ll.part_hold_back, abs=1e-5)
    with_parts = len(playlist.segments) - ll.part_segments
    expected: list[tuple[str, float, bool, int, float]] = []  # uri, duration, independent, segment, start
    start = 0.0
    for index, segment in enumerate(playlist.segments):
        at = start
        for part in segment.parts if index >= with_parts else ():
            expected.append((part.uri, _written(part.duration), part.independent, index, at))
            at += _written(part.duration)
        start += _written(segment.duration)
    if not playlist.ended:
        at = start
        for part in ll.open_parts:
            expected.append((part.uri, _written(part.duration), part.independent, len(playlist.segments), at))
            at += _written(part.duration)
    assert [(p.uri, p.duration, p.independent, p.segment) for p in read.parts] == [e[:4] for e in expected]
    for got, wanted in zip(read.parts, expected, strict=True):
        assert got.start == pytest.approx(wanted[4], abs=1e-6)


@PURE
@given(written(), st.data())
def test_marking_gaps_changes_no_segment(playlist: Written, data: st.DataObject) -> None:
    uris = [s.uri for s in playlist.segments]
    gaps = data.draw(st.sets(st.sampled_from(uris)) if uris else st.just(set[str]()))
    marked = mark_gaps(playlist.text, gaps)
    before, after = replay.parse_media_playlist(playlist.text), replay.parse_media_playlist(marked)
    assert [(s.uri, s.sequence, s.duration, s.wall) for s in after.segments] == [
        (s.uri, s.sequence, s.duration, s.wall) for s in before.segments
    ]
    assert ll_hls.playlist_position(marked.encode()) == ll_hls.playlist_position(playlist.text.encode())
    lines = marked.splitlines()
    tagged = {lines[i + 2] for i, line in enumerate(lines) if line == GAP_TAG}
    assert tagged == gaps
    assert all(lines[i + 1].startswith("#EXTINF:") for i, line in enumerate(lines) if line == GAP_TAG)
    assert mark_gaps(marked, gaps) == marked


# --- anything uploaded as a playlist -------------------------------------------------------------------

TAGS = [
    "#EXTM3U", "#EXT-X-VERSION:", "#EXT-X-TARGETDURATION:", "#EXT-X-MEDIA-SEQUENCE:", "#EXT-X-MAP:URI=",
    "#EXT-X-PROGRAM-DATE-TIME:", "#EXTINF:", "#EXT-X-PART:DURATION=", "#EXT-X-PART:URI=", "#EXT-X-GAP",
    "#EXT-X-PART-INF:PART-TARGET=", "#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=", "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=",
    "#EXT-X-STREAM-INF:BANDWIDTH=", "#EXT-X-STREAM-INF:RESOLUTION=", "#EXT-X-MEDIA:TYPE=AUDIO,URI=",
    "#EXT-X-DISCONTINUITY", "#EXT-X-RENDITION-REPORT:URI=", "#EXT-X-ENDLIST",
]  # fmt: skip
NUMBERS = st.one_of(
    st.sampled_from(["", "-1", "0", "1e999", "-1e999", "inf", "nan", "0x10", "1,5", "１２", "9" * 40, '"3"']),
    st.integers().map(str),
    st.floats().map(str),
)
VALUES = st.one_of(NUMBERS, st.text(max_size=20), NAME, NUMBERS.map(lambda n: f'"{n}"'), NAME.map(lambda n: f'"{n}"'))
TAGGED_NUMBER = st.tuples(st.sampled_from(TAGS), NUMBERS).map("".join)
LINES = st.one_of(
    TAGGED_NUMBER,  # twice as likely as the others: the values that break readers are numbers
    TAGGED_NUMBER,
    st.tuples(st.sampled_from(TAGS), VALUES).map("".join),
    st.tuples(st.sampled_from(TAGS), VALUES, st.sampled_from([",", ",INDEPENDENT=YES,URI=", ",GAP=YES"]), VALUES).map(
        "".join
    ),
    NAME.map(lambda n: n + ".m4s"),
    NAME.map(lambda n: n + "/index.m3u8"),
    st.text(max_size=30),
)
PLAYLIST_TEXT = st.one_of(
    st.lists(TAGGED_NUMBER, max_size=12).map("\n".join),
    st.lists(LINES, max_size=25).map("\n".join),
    st.tuples(written().map(lambda w: w.text.splitlines()), st.lists(st.tuples(st.integers(0, 60), LINES))).map(
        lambda both: "\n".join(_spliced(*both))
    ),
)
PLAYLIST_BYTES = st.one_of(PLAYLIST_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300))


def _spliced(lines: list[str], inserts: list[tuple[int, str]]) -> list[str]:
    """A good playlist with odd lines put in."""
    out = list(lines)
    for at, line in inserts:
        out.insert(min(at, len(out)), line)
    return out


def _read_everything(data: bytes) -> None:
    """Read ``data`` as every reader on the relay does: none may fail but the way its caller expects."""
    text = data.decode("utf-8", "replace")
    ll_hls.playlist_position(data)  # on ingest: never refuses
    stream_folders(data)
    top_variant(text)
    replay.video_playlists(text)
    with contextlib.suppress(ValueError):  # what the page's player start catches
        player_boot.parse_media(text)
    with contextlib.suppress(ValueError):
        player_boot.trim(text)
    playlist = None
    with contextlib.suppress(ValueError):  # what ingest and the replay catch
        playlist = replay.parse_media_playlist(text)
    if playlist is not None:
        assert all(math.isfinite(s.duration) and s.duration >= 0 for s in playlist.segments)
        replay.vod_media_playlist(playlist, "base")
        assert math.isfinite(playlist.duration)


@PURE
@given(PLAYLIST_BYTES)
def test_any_playlist_is_read_or_refused_with_a_value_error(data: bytes) -> None:
    _read_everything(data)


FIELDS = [
    "#EXT-X-TARGETDURATION:", "#EXT-X-MEDIA-SEQUENCE:", "#EXTINF:", "#EXT-X-PROGRAM-DATE-TIME:", "DURATION=",
    "PART-TARGET=", "PART-HOLD-BACK=", "LAST-MSN=", 'URI="',
]  # fmt: skip
"""Where the readers find a number, a date or a name in a media playlist."""
MASTER_FIELDS = ["BANDWIDTH=", "RESOLUTION=", "FRAME-RATE=", 'URI="']
"""The same in a multivariant playlist."""
AUDIO = [AudioEntry("s/audio/index.m3u8", "aud", "audio", 2)]
VARIANTS = st.lists(
    st.builds(VariantEntry, NAME.map(lambda n: f"s/{n}/index.m3u8"), st.integers(1, 10**7), st.integers(1, 10**7),
              st.integers(1, 4000), st.integers(1, 4000), st.floats(1, 120), st.just("avc1.64001f"),
              st.none() | st.just("aud")),
    min_size=1, max_size=4,
).map(lambda variants: multivariant_playlist(variants, AUDIO))  # fmt: skip


def _with_value(text: str, field: str, value: str) -> str:
    """``text`` with the value after every ``field`` (up to the next comma, quote or line end) replaced."""
    return re.sub(re.escape(field) + r'[^,"\n]*', lambda _: field + value, text)


@FIELD
@pytest.mark.parametrize("field", FIELDS)
@given(playlist=written(low_latency=True), value=st.one_of(NUMBERS, VALUES))
def test_any_value_in_a_media_playlist_is_read_or_refused(field: str, playlist: Written, value: str) -> None:
    _read_everything(_with_value(playlist.text, field, value).encode("utf-8", "surrogatepass"))


@FIELD
@pytest.mark.parametrize("field", MASTER_FIELDS)
@given(playlist=VARIANTS, value=st.one_of(NUMBERS, VALUES))
def test_any_value_in_a_multivariant_playlist_is_read_or_refused(field: str, playlist: str, value: str) -> None:
    _read_everything(_with_value(playlist, field, value).encode("utf-8", "surrogatepass"))


@PURE
@given(st.lists(st.tuples(NAME, st.integers(1, 10**8), st.integers(1, 4000), st.integers(1, 4000)), max_size=5))
def test_the_top_variant_is_the_largest_the_studio_wrote(variants: list[tuple[str, int, int, int]]) -> None:
    entries = [VariantEntry(f"s/{n}/index.m3u8", b, b, w, h, 30.0, "avc1.64001f") for n, b, w, h in variants]
    width, height, uri = top_variant(multivariant_playlist(entries))
    if not entries:
        assert (width, height, uri) == (None, None, None)
        return
    best = max(entries, key=lambda e: (e.width * e.height, e.bandwidth))
    assert (width, height) == (best.width, best.height)
    assert uri is not None and uri.parts[0] == "s" and uri.name == "index.m3u8"
    assert stream_folders(multivariant_playlist(entries).encode()) == {"s"}


# --- on a real relay -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(Path(tmp_path_factory.mktemp("playlists"))).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def room(relay: RelayProcess) -> Room:
    return open_room(relay, "playlists")


MASTER = multivariant_playlist([VariantEntry("s1/720p/index.m3u8", 2_500_000, 2_000_000, 720, 1280, 30.0, "avc1")])


@pytest.mark.slow
@RELAY
@example(data=b"#EXTM3U\n#EXT-X-TARGETDURATION:1e999\n#EXTINF:1,\nseg_000001.m4s\n", where="s1/720p/index.m3u8")
@given(data=PLAYLIST_BYTES, where=st.sampled_from(["master.m3u8", "s1/720p/index.m3u8", "s1/720p/other.m3u8"]))
def test_any_upload_as_a_playlist_is_stored_or_refused_never_a_server_error(
    relay: RelayProcess, room: Room, data: bytes, where: str
) -> None:
    ingest = {"Authorization": f"Bearer {room.stream_key}"}
    with httpx.Client(base_url=relay.url, timeout=30) as client:
        if where != "master.m3u8":  # a master pointing at the playlist, so the pages read it
            assert client.put(f"/ingest/{room.name}/master.m3u8", content=MASTER, headers=ingest).status_code < 300
        answer = client.put(f"/ingest/{room.name}/{where}", content=data, headers=ingest)
        assert answer.status_code in (201, 204) or 400 <= answer.status_code < 500, answer.text
        reads = [
            f"/watch/{room.name}",
            f"/api/v1/rooms/{room.name}",
            f"/live/{room.name}/{where}",
            f"/watch/{room.name}/replay",
            f"/api/v1/rooms/{room.name}/storage",
        ]
        for path in reads:
            response = client.get(path, headers={"Authorization": f"Bearer {room.owner_token}"})
            assert response.status_code < 500, f"{path}: {response.status_code} {response.text[:300]}"
    assert not logged_errors(relay), "\n".join(relay.output[-40:])
