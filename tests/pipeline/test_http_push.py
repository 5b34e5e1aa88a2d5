"""HTTP push: ordering, retries, coalescing, bounded buffering and fatal answers.

These tests replace the network with httpx's MockTransport (the transport is the seam); the relay
outage test in tests/app runs against the real relay process.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.hls_playlist import LowLatency, PartEntry, SegmentEntry, media_playlist
from pipeline.outputs import HttpPushOutput, RetryPolicy

FAST = RetryPolicy(initial=0.01, maximum=0.05)


class Origin:
    """A scripted origin: answers from ``script`` (status or exception) then 201 forever."""

    def __init__(self, script: list[int | type[Exception]] | None = None) -> None:
        self.script = list(script or [])
        self.received: list[tuple[str, bytes, str | None]] = []
        self.lock = threading.Lock()
        self.down = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if self.down.is_set():
                raise httpx.ConnectError("connection refused", request=request)
            action = self.script.pop(0) if self.script else 201
        if isinstance(action, type):
            raise action("scripted failure", request=request)  # type: ignore[call-arg]
        if action < 300:
            self.received.append((request.url.path, request.content, request.headers.get("authorization")))
        return httpx.Response(action, json={"error": "x", "message": f"scripted {action}"})

    @property
    def paths(self) -> list[str]:
        return [p for p, _, _ in self.received]


def segment(n: int) -> PublishedFile:
    return PublishedFile(f"s/v/seg_{n:06d}.m4s", b"x" * 100, FileKind.SEGMENT)


def playlist(n: int) -> PublishedFile:
    return PublishedFile("s/v/index.m3u8", f"v{n}".encode(), FileKind.MEDIA_PLAYLIST)


def push(origin: Origin, **kwargs: object) -> HttpPushOutput:
    return HttpPushOutput(
        "http://origin.test/ingest/demo/",
        "KEY",
        transport=httpx.MockTransport(origin),
        retry=FAST,
        **kwargs,  # type: ignore[arg-type]
    )


def test_files_arrive_in_order_with_the_stream_key() -> None:
    origin = Origin()
    out = push(origin)
    for n in range(5):
        out.publish(segment(n))
        out.publish(playlist(n))
    report = out.close(5)
    assert report.complete, report.message
    assert {auth for _, _, auth in origin.received} == {"Bearer KEY"}
    assert [p for p in origin.paths if p.endswith(".m4s")] == [f"/ingest/demo/s/v/seg_{n:06d}.m4s" for n in range(5)]
    for index, (path, body, _) in enumerate(origin.received):
        if path.endswith(".m3u8"):
            listed = int(body.decode()[1:])
            assert f"/ingest/demo/s/v/seg_{listed:06d}.m4s" in origin.paths[:index], "playlist sent before its segment"
    assert origin.received[-1][1] == b"v4", "the newest playlist is always delivered"


def test_a_plain_http_origin_gets_no_authorization_header() -> None:
    origin = Origin()
    out = HttpPushOutput("http://cdn.test/live/", None, transport=httpx.MockTransport(origin), retry=FAST)
    out.publish(segment(0))
    out.publish(playlist(0))
    report = out.close(5)
    assert report.complete, report.message
    assert origin.paths == ["/live/s/v/seg_000000.m4s", "/live/s/v/index.m3u8"]
    assert {auth for _, _, auth in origin.received} == {None}


def test_an_outage_loses_no_segment_and_only_the_newest_playlist_is_sent_after_it() -> None:
    origin = Origin()
    out = push(origin)
    out.publish(segment(0))
    out.publish(playlist(0))
    deadline = time.monotonic() + 5
    while len(origin.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    origin.down.set()
    for n in range(1, 6):
        out.publish(segment(n))
        out.publish(playlist(n))
    time.sleep(0.3)
    stats = out.stats()
    assert stats.state == "retrying" and stats.retries > 0 and stats.retry_in is not None
    origin.down.clear()
    report = out.close(5)
    assert report.complete, report.message
    segments = [p.rsplit("/", 1)[1] for p in origin.paths if p.endswith(".m4s")]
    assert segments == [f"seg_{n:06d}.m4s" for n in range(6)]
    sent_playlists = [body for path, body, _ in origin.received if path.endswith(".m3u8")]
    assert sent_playlists[-1] == b"v5"
    assert len(sent_playlists) <= 3, "playlists superseded during the outage are not sent"
    assert origin.paths.index("/ingest/demo/s/v/seg_000005.m4s") < len(origin.paths) - 1


def part(n: int, k: int) -> PublishedFile:
    return PublishedFile(f"s/v/seg_{n:06d}.{k}.m4s", b"p" * 30, FileKind.PART)


def test_parts_go_out_as_they_come_but_are_skipped_once_their_segment_is_queued_behind_them() -> None:
    origin = Origin()
    out = push(origin)
    for k in range(3):  # the origin is up: every part is sent, even one queued right before its segment
        out.publish(part(0, k))
    out.publish(segment(0))
    deadline = time.monotonic() + 5
    while len(origin.received) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    origin.down.set()  # an outage: seg 1's parts pile up, then seg 1 itself
    for k in range(3):
        out.publish(part(1, k))
    deadline = time.monotonic() + 5
    while out.stats().state != "retrying" and time.monotonic() < deadline:
        time.sleep(0.01)
    out.publish(part(2, 0))
    out.publish(segment(1))
    origin.down.clear()
    report = out.close(5)
    assert report.complete, report.message
    names = [p.rsplit("/", 1)[1] for p in origin.paths]
    assert names[:4] == ["seg_000000.0.m4s", "seg_000000.1.m4s", "seg_000000.2.m4s", "seg_000000.m4s"]
    assert "seg_000001.m4s" in names and "seg_000002.0.m4s" in names, "other segments' parts stay"
    assert len([n for n in names if n.startswith("seg_000001.") and n.count(".") == 2]) <= 1, "but the one on the wire"
    assert out.skipped_parts >= 2


def test_server_errors_are_retried_and_4xx_rejections_are_dropped_and_counted() -> None:
    origin = Origin([503, 500, httpx.ReadTimeout, 201, 413])
    out = push(origin)
    out.publish(segment(0))
    out.publish(segment(1))
    out.publish(segment(2))
    report = out.close(5)
    assert [p.rsplit("/", 1)[1] for p in origin.paths] == ["seg_000000.m4s", "seg_000002.m4s"]
    assert not report.complete and report.unsent_files == 1
    stats = out.stats()
    assert stats.retries == 3 and stats.dropped_files == 1
    assert "HTTP 413 scripted 413" in (stats.last_error or "")


def test_a_wrong_stream_key_stops_the_output_with_the_relays_message() -> None:
    origin = Origin([401])
    out = push(origin)
    out.publish(segment(0))
    deadline = time.monotonic() + 5
    while out.stats().state != "failed" and time.monotonic() < deadline:
        time.sleep(0.01)
    out.publish(segment(1))
    report = out.close(1)
    assert not report.complete
    assert "HTTP 401 scripted 401" in report.message
    assert origin.received == []


def test_the_buffer_is_bounded_and_drops_oldest_segments_first() -> None:
    origin = Origin()
    origin.down.set()
    out = push(origin, max_buffer_bytes=450)
    out.publish(PublishedFile("s/v/init.mp4", b"i" * 200, FileKind.INIT))
    out.publish(playlist(0))
    for n in range(10):
        out.publish(segment(n))
    stats = out.stats()
    assert stats.queued_bytes <= 450
    assert stats.dropped_files >= 8
    origin.down.clear()
    out.close(5)
    assert origin.paths[0] == "/ingest/demo/s/v/init.mp4", "without its init segment nothing would play"
    assert origin.paths[-1].endswith("seg_000009.m4s")
    assert "/ingest/demo/s/v/index.m3u8" in origin.paths, "the playlist survives the trim"


def test_close_gives_up_after_its_timeout_and_reports_what_is_left() -> None:
    origin = Origin()
    origin.down.set()
    out = push(origin)
    for n in range(3):
        out.publish(segment(n))
    started = time.monotonic()
    report = out.close(0.3)
    assert time.monotonic() - started < 2
    assert not report.complete and report.unsent_files == 3
    assert "3 files not delivered" in report.message


def test_push_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        HttpPushOutput("ftp://x/", "k")


def test_close_waits_for_a_stalled_request_so_no_thread_outlives_it() -> None:
    with socket.socket() as server:  # accepts, then never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        out = HttpPushOutput(f"http://127.0.0.1:{port}/ingest/demo/", "KEY", retry=FAST, timeout=1.0)
        out.publish(segment(0))
        time.sleep(0.2)
        report = out.close(0.1)
        assert not any(t.name == "shopcast-push-relay" for t in threading.enumerate())
        assert not report.complete and report.unsent_files == 1


def test_the_standing_files_are_sent_again_so_a_new_origin_behind_the_address_has_them() -> None:
    """With ``refresh_s`` the init segment and the multivariant playlist go again every so often, the
    init segment first (a load balancer may have moved the stream to a relay that never got them);
    segments, parts and media playlists are not repeated."""
    origin = Origin()
    out = push(origin, refresh_s=0.2)
    out.publish(PublishedFile("s/v/init.mp4", b"init", FileKind.INIT))
    out.publish(PublishedFile("master.m3u8", b"#EXTM3U", FileKind.MULTIVARIANT_PLAYLIST))
    out.publish(segment(0))
    out.publish(playlist(0))
    deadline = time.monotonic() + 5
    while origin.paths.count("/ingest/demo/master.m3u8") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    report = out.close(5)
    assert report.complete, report.message
    paths = origin.paths
    assert paths.count("/ingest/demo/master.m3u8") >= 3 and out.refreshed >= 4
    assert paths.count("/ingest/demo/s/v/seg_000000.m4s") == 1 and paths.count("/ingest/demo/s/v/index.m3u8") == 1
    for index, path in enumerate(paths):
        if path == "/ingest/demo/master.m3u8":
            assert paths[index - 1] == "/ingest/demo/s/v/init.mp4" or index == 1, paths[: index + 1]


def test_without_refresh_nothing_is_sent_twice() -> None:
    origin = Origin()
    out = push(origin)
    out.publish(PublishedFile("s/v/init.mp4", b"init", FileKind.INIT))
    out.publish(PublishedFile("master.m3u8", b"#EXTM3U", FileKind.MULTIVARIANT_PLAYLIST))
    time.sleep(0.5)
    assert out.close(5).complete
    assert origin.paths == ["/ingest/demo/s/v/init.mp4", "/ingest/demo/master.m3u8"] and out.refreshed == 0


# --- a relay that answers 404 for a while, gateway errors, refusals; what had to go is marked as a gap --


class Gatekeeper:
    """An origin that answers ``rule(path)`` (a status, or None for 201) and counts every request."""

    def __init__(self, rule: Callable[[str], int | None]) -> None:
        self.rule = rule
        self.requests: list[tuple[str, int]] = []
        self.bodies: dict[str, bytes] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/ingest/demo/")
        status = self.rule(path) or 201
        self.requests.append((path, status))
        if status < 300:
            self.bodies[path] = request.content
        return httpx.Response(status, json={"error": "x", "message": f"scripted {status}"})

    def attempts(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


def wait_for_state(out: HttpPushOutput, state: str, timeout: float = 5.0) -> float:
    """Seconds until the output's state is ``state``."""
    started = time.monotonic()
    while out.stats().state != state:
        assert time.monotonic() - started < timeout, f"still {out.stats().state}, not {state}"
        time.sleep(0.005)
    return time.monotonic() - started


def test_a_404_for_a_while_is_retried_and_the_stream_goes_on() -> None:
    """A proxy restarted in front of the relay answers 404 until its upstream is back."""
    back_at = time.monotonic() + 0.6
    origin = Gatekeeper(lambda path: 404 if time.monotonic() < back_at else None)
    out = HttpPushOutput("http://origin.test/ingest/demo/", "KEY", transport=httpx.MockTransport(origin), retry=FAST)
    for n in range(3):
        out.publish(segment(n))
    wait_for_state(out, "retrying")
    assert out.stats().retry_in is not None
    time.sleep(0.3)
    assert out.stats().state == "retrying", "a 404 is not given up on at once"
    report = out.close(5)
    assert report.complete, report.message
    assert [p for p, status in origin.requests if status == 201] == [f"s/v/seg_{n:06d}.m4s" for n in range(3)]
    assert origin.attempts("s/v/seg_000000.m4s") > 3


def test_a_404_that_outlasts_the_grace_stops_the_output_with_the_relays_message() -> None:
    origin = Gatekeeper(lambda path: 404)
    out = HttpPushOutput(
        "http://origin.test/ingest/demo/", "KEY", transport=httpx.MockTransport(origin), retry=FAST, not_found_grace=0.5
    )
    out.publish(segment(0))
    took = wait_for_state(out, "failed")
    assert 0.5 <= took < 2.0, "given up after the grace, not before and not much later"
    error = out.stats().last_error or ""
    assert "HTTP 404 scripted 404" in error and "still after" in error
    assert not out.close(1).complete


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_is_retried_for_as_long_as_it_lasts(status: int) -> None:
    back_at = time.monotonic() + 0.5
    origin = Gatekeeper(lambda path: status if time.monotonic() < back_at else None)
    out = HttpPushOutput(
        "http://origin.test/ingest/demo/", "KEY", transport=httpx.MockTransport(origin), retry=FAST, not_found_grace=0.1
    )
    out.publish(segment(0))
    out.publish(segment(1))
    wait_for_state(out, "retrying")
    report = out.close(5)
    assert report.complete, report.message
    assert origin.attempts("s/v/seg_000000.m4s") > 3


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_fails_at_the_first_answer(status: int) -> None:
    origin = Gatekeeper(lambda path: status)
    out = HttpPushOutput("http://origin.test/ingest/demo/", "KEY", transport=httpx.MockTransport(origin), retry=FAST)
    out.publish(segment(0))
    out.publish(segment(1))
    assert wait_for_state(out, "failed") < 1.0
    assert origin.requests == [("s/v/seg_000000.m4s", status)], "no second attempt"
    assert f"HTTP {status} scripted {status}" in (out.stats().last_error or "")
    out.close(1)


def media_playlist_of(first: int, last: int, open_parts: int = 1) -> PublishedFile:
    """The live LL-HLS playlist of s/v once segments ``first``..``last`` are complete (parts listed for the
    last three) and ``open_parts`` parts of the next are out."""
    parts = lambda n, count: tuple(PartEntry(f"seg_{n:06d}.{k}.m4s", 0.33, k == 0) for k in range(count))  # noqa: E731
    segments = [SegmentEntry(n, f"seg_{n:06d}.m4s", 1.0, parts=parts(n, 3)) for n in range(first, last + 1)]
    ll = LowLatency(1 / 3, 1.0, 3.0, parts(last + 1, open_parts), None, f"seg_{last + 1:06d}.{open_parts}.m4s")
    text = media_playlist(target=1, segments=segments, map_uri="init.mp4", ended=False, low_latency=ll)
    return PublishedFile("s/v/index.m3u8", text.encode(), FileKind.MEDIA_PLAYLIST)


def gaps_in(text: str) -> tuple[list[str], list[str]]:
    """The segments marked EXT-X-GAP and the parts marked GAP=YES in a media playlist."""
    lines = text.splitlines()
    segments = [lines[i + 2] for i, line in enumerate(lines) if line == "#EXT-X-GAP"]
    parts = [line.split('URI="')[1].split('"')[0] for line in lines if line.endswith(",GAP=YES")]
    return segments, parts


@pytest.mark.parametrize("status", [413, 422])
def test_a_refused_segment_is_dropped_at_once_and_marked_as_a_gap_in_the_playlists_after_it(status: int) -> None:
    """A refusal of one file is final for that file (no retry, the relay's message kept) and the stream
    goes on; players are told the segment will not be there rather than finding a 404."""
    origin = Gatekeeper(lambda path: status if path == "s/v/seg_000001.m4s" else None)
    out = HttpPushOutput("http://origin.test/ingest/demo/", "KEY", transport=httpx.MockTransport(origin), retry=FAST)
    for n in range(3):
        for k in range(3):
            out.publish(part(n, k))
        out.publish(segment(n))
        out.publish(media_playlist_of(0, n))
    report = out.close(5)
    assert origin.attempts("s/v/seg_000001.m4s") == 1 and out.stats().retries == 0
    assert not report.complete and report.unsent_files == 1
    assert f"HTTP {status} scripted {status}" in (out.stats().last_error or "")
    assert "s/v/seg_000002.m4s" in origin.bodies, "the stream goes on"
    final = origin.bodies["s/v/index.m3u8"].decode()
    assert gaps_in(final) == (["seg_000001.m4s"], [f"seg_000001.{k}.m4s" for k in range(3)])


def test_segments_dropped_from_a_full_buffer_are_the_playlists_gaps_and_lost_parts_are_until_their_segment() -> None:
    """The origin is away and the buffer overflows: exactly the segments dropped are EXT-X-GAP in the
    playlist sent when it is back. A part dropped while its segment is being made is GAP=YES; once that
    segment is sent the mark goes (the relay serves the part from the segment)."""
    origin = Origin()
    out = push(origin, max_buffer_bytes=25_000)  # two 10 kB segments, the playlist and the init segment

    def big_part(n: int, k: int) -> PublishedFile:
        return PublishedFile(f"s/v/seg_{n:06d}.{k}.m4s", b"p" * 6000, FileKind.PART)

    def big_segment(n: int) -> PublishedFile:
        return PublishedFile(f"s/v/seg_{n:06d}.m4s", b"x" * 10_000, FileKind.SEGMENT)

    origin.down.set()
    out.publish(PublishedFile("s/v/init.mp4", b"i" * 100, FileKind.INIT))
    wait_for_state(out, "retrying")
    for n in range(8):
        for k in range(3):
            out.publish(big_part(n, k))
        out.publish(big_segment(n))
        out.publish(media_playlist_of(max(0, n - 4), n))
    out.publish(big_part(8, 0))  # no room left: the open segment's parts are dropped as they come
    out.publish(big_part(8, 1))
    out.publish(media_playlist_of(3, 7, open_parts=2))
    assert out.stats().dropped_files >= 8
    origin.down.clear()
    deadline = time.monotonic() + 5
    while "/ingest/demo/s/v/index.m3u8" not in origin.paths and time.monotonic() < deadline:
        time.sleep(0.01)
    delivered = {p.rsplit("/", 1)[1] for p in origin.paths}
    assert {"seg_000006.m4s", "seg_000007.m4s"} <= delivered and "seg_000005.m4s" not in delivered
    sent = next(body for path, body, _ in origin.received if path.endswith("index.m3u8")).decode()
    gap_segments, gap_parts = gaps_in(sent)
    assert gap_segments == ["seg_000003.m4s", "seg_000004.m4s", "seg_000005.m4s"], "exactly the listed dropped ones"
    assert gap_parts == ["seg_000005.0.m4s", "seg_000005.1.m4s", "seg_000005.2.m4s", "seg_000008.0.m4s",
                         "seg_000008.1.m4s"]  # fmt: skip
    # The open segment is sent after all: its parts lose their mark in the next playlist.
    out.publish(big_part(8, 2))
    out.publish(big_segment(8))
    out.publish(media_playlist_of(4, 8))
    assert out.close(5).unsent_files == out.stats().dropped_files, "all but the dropped files delivered"
    assert origin.received[-1][0] == "/ingest/demo/s/v/index.m3u8"
    assert gaps_in(origin.received[-1][1].decode()) == (["seg_000004.m4s", "seg_000005.m4s"], [])
