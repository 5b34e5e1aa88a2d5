"""The relay as an LL-HLS origin (RFC 8216bis 6.2.5.2): blocking playlist reload and hinted parts.

A real relay process; the test plays the broadcaster (PUTs with the stream key) and the player
(GETs with ``_HLS_msn``/``_HLS_part``) at once.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path, PurePosixPath

import httpx
import pytest

from app.relay.ll_hls import LowLatencyWatch, fragment, part_of
from pipeline.cmaf_packager import PackagerSettings, PublishedFile, TrackPackager
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.tracks import VIDEO, video_samples

STREAM = "b1/720p"


def playlist(last_complete: int, open_parts: int, *, ended: bool = False) -> bytes:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:1",
             "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0", "#EXT-X-PART-INF:PART-TARGET=0.33334",
             "#EXT-X-MEDIA-SEQUENCE:0", '#EXT-X-MAP:URI="init.mp4"']  # fmt: skip
    for n in range(last_complete + 1):
        lines += [f'#EXT-X-PART:DURATION=0.33333,URI="seg_{n:06d}.{k}.m4s"' for k in range(3)]
        lines += ["#EXTINF:1.0,", f"seg_{n:06d}.m4s"]
    nxt = last_complete + 1
    lines += [f'#EXT-X-PART:DURATION=0.33333,URI="seg_{nxt:06d}.{k}.m4s"' for k in range(open_parts)]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    else:
        lines.append(f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_{nxt:06d}.{open_parts}.m4s"')
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def room(shared_relay: RelayProcess, request: pytest.FixtureRequest) -> Room:
    room = open_room(shared_relay, f"ll{abs(hash(request.node.name)) % 10**8}")
    put(room, "master.m3u8", b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb1/720p/index.m3u8\n")
    put(room, f"{STREAM}/index.m3u8", playlist(1, 1))
    return room


def put(room: Room, path: str, body: bytes) -> None:
    response = httpx.put(
        f"{room.relay.url}/ingest/{room.name}/{path}", content=body,
        headers={"Authorization": f"Bearer {room.stream_key}"}, timeout=10,
    )  # fmt: skip
    assert response.status_code in (201, 204), response.text


async def put_later(room: Room, delay: float, path: str, body: bytes) -> None:
    await asyncio.sleep(delay)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.put(
            f"{room.relay.url}/ingest/{room.name}/{path}", content=body,
            headers={"Authorization": f"Bearer {room.stream_key}"},
        )  # fmt: skip
        assert response.status_code in (201, 204)


async def get(room: Room, path: str, **params: str) -> tuple[httpx.Response, float]:
    async with httpx.AsyncClient(timeout=10) as client:
        started = time.monotonic()
        response = await client.get(f"{room.relay.url}/live/{room.name}/{path}", params=params)
        return response, time.monotonic() - started


def test_a_blocking_reload_is_answered_when_the_part_appears(room: Room) -> None:
    async def scenario() -> tuple[httpx.Response, float]:
        # Part 1 of segment 2 does not exist yet; the broadcaster publishes it 0.4 s later.
        waiting = asyncio.create_task(get(room, f"{STREAM}/index.m3u8", _HLS_msn="2", _HLS_part="1"))
        await put_later(room, 0.4, f"{STREAM}/index.m3u8", playlist(1, 2))
        return await waiting

    response, elapsed = asyncio.run(scenario())
    assert response.status_code == 200
    assert 'URI="seg_000002.1.m4s"' in response.text, "the answer is the playlist that holds the part"
    assert elapsed >= 0.35, "held until the part was there"
    assert response.headers["content-type"] == "application/vnd.apple.mpegurl"


def test_a_request_for_what_is_already_there_is_answered_at_once(room: Room) -> None:
    async def scenario() -> list[httpx.Response]:
        return [
            (await get(room, f"{STREAM}/index.m3u8", _HLS_msn="1"))[0],  # segment 1 is complete
            (await get(room, f"{STREAM}/index.m3u8", _HLS_msn="2", _HLS_part="0"))[0],  # part 0 is listed
            (await get(room, f"{STREAM}/index.m3u8"))[0],  # not a blocking request
        ]

    assert [r.status_code for r in asyncio.run(scenario())] == [200, 200, 200]


def test_a_whole_segment_request_waits_for_the_segment_not_its_parts(room: Room) -> None:
    async def scenario() -> tuple[httpx.Response, float]:
        waiting = asyncio.create_task(get(room, f"{STREAM}/index.m3u8", _HLS_msn="2"))
        await put_later(room, 0.2, f"{STREAM}/index.m3u8", playlist(1, 3))  # every part, not yet the segment
        await put_later(room, 0.3, f"{STREAM}/index.m3u8", playlist(2, 0))
        return await waiting

    response, elapsed = asyncio.run(scenario())
    assert response.status_code == 200 and "seg_000002.m4s\n" in response.text
    assert elapsed >= 0.45


def test_bad_and_impossible_delivery_directives_are_refused_with_a_reason(room: Room) -> None:
    async def scenario() -> list[httpx.Response]:
        path = f"{STREAM}/index.m3u8"
        return [
            (await get(room, path, _HLS_msn="9"))[0],  # more than two segments past the last (1)
            (await get(room, path, _HLS_msn="x"))[0],
            (await get(room, path, _HLS_msn="2", _HLS_part="-1"))[0],
            (await get(room, path, _HLS_part="1"))[0],
        ]

    answers = asyncio.run(scenario())
    assert [r.status_code for r in answers] == [400, 400, 400, 400]
    assert "more than two segments" in answers[0].json()["message"]
    assert answers[1].json()["message"] == "_HLS_msn must be a whole number"
    assert answers[3].json()["message"] == "_HLS_part needs _HLS_msn"


def test_a_playlist_that_never_gets_there_is_answered_503_after_three_target_durations(room: Room) -> None:
    response, elapsed = asyncio.run(get(room, f"{STREAM}/index.m3u8", _HLS_msn="3"))
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["error"] == "not_yet"
    assert 2.5 <= elapsed <= 6


def test_an_ended_playlist_answers_any_blocking_request_at_once(room: Room) -> None:
    put(room, f"{STREAM}/index.m3u8", playlist(1, 0, ended=True))
    response, elapsed = asyncio.run(get(room, f"{STREAM}/index.m3u8", _HLS_msn="3"))
    assert response.status_code == 200 and "#EXT-X-ENDLIST" in response.text
    assert elapsed < 2.5, "not held until the 3 s timeout"


def test_the_hinted_part_is_sent_as_soon_as_it_arrives(room: Room) -> None:
    async def scenario() -> tuple[httpx.Response, float]:
        waiting = asyncio.create_task(get(room, f"{STREAM}/seg_000002.1.m4s"))
        await put_later(room, 0.3, f"{STREAM}/seg_000002.1.m4s", b"moof-part")
        return await waiting

    response, elapsed = asyncio.run(scenario())
    assert response.status_code == 200 and response.content == b"moof-part"
    assert response.headers["cache-control"].startswith("public")
    assert elapsed >= 0.25


def test_a_part_that_never_comes_is_a_404_after_a_bounded_wait(room: Room) -> None:
    response, elapsed = asyncio.run(get(room, f"{STREAM}/seg_000009.0.m4s"))
    assert response.status_code == 404 and "not in room" in response.json()["message"]
    assert elapsed <= 6


def test_parts_are_deleted_a_while_after_their_segment_is_complete(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay", "--part-retention", "1").start()
    try:
        room = open_room(relay, "retention")
        for k in range(3):
            put(room, f"{STREAM}/seg_000000.{k}.m4s", b"part")
        put(room, f"{STREAM}/seg_000001.0.m4s", b"part of the open segment")
        put(room, f"{STREAM}/seg_000000.m4s", b"partpartpart")
        stored = tmp_path / "relay" / "media" / "retention" / "b1" / "720p"
        assert (stored / "seg_000000.0.m4s").exists(), "kept at first: players may still want them"
        deadline = time.monotonic() + 10
        while (stored / "seg_000000.0.m4s").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        names = sorted(p.name for p in stored.iterdir())
        assert names == ["seg_000000.m4s", "seg_000001.0.m4s"], "the segment and the open segment's part stay"
    finally:
        relay.stop()


def test_the_watch_expires_only_parts_of_complete_segments() -> None:
    watch = LowLatencyWatch(retention=60)
    rel = PurePosixPath(STREAM)
    for k in range(2):
        watch.stored("r", rel / f"seg_000004.{k}.m4s", b"")
    watch.stored("r", rel / "seg_000005.0.m4s", b"")
    watch.stored("r", rel / "seg_000004.m4s", b"")
    assert watch.expired_parts(time.monotonic() + 59) == []
    expired = watch.expired_parts(time.monotonic() + 61)
    assert expired == [("r", rel / "seg_000004.0.m4s"), ("r", rel / "seg_000004.1.m4s")]
    assert watch.expired_parts(time.monotonic() + 1000) == [], "each part once; an open segment's never"


def test_a_deleted_room_is_forgotten() -> None:
    watch = LowLatencyWatch()
    rel = PurePosixPath(STREAM)
    watch.stored("r", rel / "index.m3u8", playlist(5, 1))
    watch.stored("r", rel / "seg_000006.0.m4s", b"")
    watch.stored("other", rel / "index.m3u8", playlist(1, 0))
    watch.forget_room("r")
    assert watch.position("r", rel / "index.m3u8") is None
    assert watch.position("other", rel / "index.m3u8") is not None
    watch.stored("r", rel / "seg_000006.m4s", b"")  # the old part is no longer tracked for deletion
    assert watch.expired_parts(time.monotonic() + 10_000) == []


def packaged_segment(n: int) -> tuple[list[bytes], bytes]:
    """Segment ``n`` as the studio's packager makes it: its LL-HLS parts and the segment (their bytes)."""
    published: list[PublishedFile] = []
    track = TrackPackager("s/r", VIDEO, PackagerSettings(), published.append, wall_origin=0.0, default_duration=3000)
    for sample in video_samples(n + 1.5):
        track.add(sample)
    files = {f.path.rsplit("/", 1)[1]: f.data for f in published}
    parts = [files[name] for name in sorted(files) if name.startswith(f"seg_{n:06d}.") and name.count(".") == 2]
    return parts, files[f"seg_{n:06d}.m4s"]


def test_a_part_the_broadcaster_skipped_is_cut_from_its_segment(room: Room) -> None:
    """After an outage the push sends segments without their parts, and the playlists still list the
    parts of the last segments: a player asking for one gets its bytes, not a 404."""
    parts, segment = packaged_segment(2)
    assert len(parts) == 3
    put(room, f"{STREAM}/seg_000002.m4s", segment)
    for k, expected in enumerate(parts):
        response, elapsed = asyncio.run(get(room, f"{STREAM}/seg_000002.{k}.m4s"))
        assert response.status_code == 200 and response.content == expected, k
        assert response.headers["cache-control"].startswith("public") and elapsed < 1.0
    response, _ = asyncio.run(get(room, f"{STREAM}/seg_000002.3.m4s"))
    assert response.status_code == 404, "a part the segment does not have"


def test_a_part_request_waiting_for_a_skipped_part_is_answered_when_its_segment_arrives(room: Room) -> None:
    parts, segment = packaged_segment(3)

    async def scenario() -> tuple[httpx.Response, float]:
        waiting = asyncio.create_task(get(room, f"{STREAM}/seg_000003.1.m4s"))
        await put_later(room, 0.3, f"{STREAM}/seg_000003.m4s", segment)
        return await waiting

    response, elapsed = asyncio.run(scenario())
    assert response.status_code == 200 and response.content == parts[1]
    assert 0.25 <= elapsed < 2.0, "answered when the segment came, not after the full wait"


def test_fragments_are_cut_only_from_a_segment_whose_boxes_add_up() -> None:
    parts, segment = packaged_segment(1)
    assert [fragment(segment, k) for k in range(len(parts))] == parts
    assert fragment(segment, len(parts)) is None
    assert fragment(segment[:-1], 0) is None, "a truncated segment"
    assert fragment(b"\x00\x00\x00\x04moof", 0) is None, "a box shorter than its header"
    assert part_of(PurePosixPath("b1/720p/seg_000012.2.m4s")) == (PurePosixPath("b1/720p/seg_000012.m4s"), 2)
    assert part_of(PurePosixPath("b1/720p/seg_000012.m4s")) is None
