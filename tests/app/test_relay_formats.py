"""The formats (canvases) a room's stream is offered in: ``master.m3u8`` and, in a dual-format show,
``master-<canvas>.m3u8`` — in the room API, the watch page's config and the OpenAPI document, on a
real relay process (the test plays the broadcaster), and :class:`StreamFormats` on its own."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path, PurePosixPath
from typing import Any

import httpx

from app.relay.formats import StreamFormats, primary_name, top_variant
from app.relay.media_store import LiveStates, MediaStore, parse_media_path, stream_folders
from tests.helpers.relay import RelayProcess


def multivariant(stream: str, sizes: list[tuple[int, int]]) -> bytes:
    audio = f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Main",DEFAULT=YES,URI="{stream}/audio/index.m3u8"'
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS", audio]
    for width, height in sizes:
        short = min(width, height)
        lines.append(f'#EXT-X-STREAM-INF:BANDWIDTH={width * height},RESOLUTION={width}x{height},AUDIO="audio"')
        lines.append(f"{stream}/{short}p/index.m3u8")
    return ("\n".join(lines) + "\n").encode()


PORTRAIT = [(720, 1280), (480, 854), (360, 640)]
LANDSCAPE = [(1280, 720), (854, 480), (640, 360)]


def media_playlist(segments: int, *, ended: bool = False) -> bytes:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:1",
             "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0", "#EXT-X-PART-INF:PART-TARGET=0.33334",
             "#EXT-X-MEDIA-SEQUENCE:0", '#EXT-X-MAP:URI="init.mp4"']  # fmt: skip
    for n in range(segments):
        lines += [f'#EXT-X-PART:DURATION=0.33333,URI="seg_{n:06d}.{k}.m4s"' for k in range(3)]
        lines += ["#EXTINF:1.0,", f"seg_{n:06d}.m4s"]
    lines.append("#EXT-X-ENDLIST" if ended else f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_{segments:06d}.0.m4s"')
    return ("\n".join(lines) + "\n").encode()


class Broadcaster:
    """PUTs a room's stream files with its stream key, as the studio's HttpPushOutput does."""

    def __init__(self, relay: RelayProcess, room: str) -> None:
        self.relay = relay
        self.room = room
        self.key = relay.create_room(room)["stream_key"]

    def put(self, path: str, body: bytes) -> httpx.Response:
        response = httpx.put(
            f"{self.relay.url}/ingest/{self.room}/{path}", content=body,
            headers={"Authorization": f"Bearer {self.key}"}, timeout=10,
        )  # fmt: skip
        assert response.status_code in (201, 204), response.text
        return response

    def canvas(self, stream: str, master: str, sizes: list[tuple[int, int]], segments: int = 1) -> None:
        """One canvas's broadcast: its media playlists, then its multivariant playlist."""
        for width, height in sizes:
            self.put(f"{stream}/{min(width, height)}p/index.m3u8", media_playlist(segments))
        self.put(f"{stream}/audio/index.m3u8", media_playlist(segments))
        self.put(master, multivariant(stream, sizes))

    def advance(self, stream: str, sizes: list[tuple[int, int]], segments: int, *, ended: bool = False) -> None:
        for width, height in sizes:
            self.put(f"{stream}/{min(width, height)}p/index.m3u8", media_playlist(segments, ended=ended))
        self.put(f"{stream}/audio/index.m3u8", media_playlist(segments, ended=ended))

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = httpx.get(f"{self.relay.url}/api/v1/rooms/{self.room}", timeout=10).json()
        return data

    def names(self) -> list[str]:
        return [f["name"] for f in self.info()["formats"]]

    def page_config(self) -> dict[str, Any]:
        html = httpx.get(f"{self.relay.url}/watch/{self.room}", timeout=10).text
        found = re.search(r'<script type="application/json" id="shopcast-config">(.*?)</script>', html, re.S)
        assert found is not None
        config: dict[str, Any] = json.loads(found.group(1))
        return config


def tick() -> None:
    """Let the file system's clock move on (mtimes are compared)."""
    time.sleep(0.05)


# --- on a relay process ------------------------------------------------------------------------------


def test_no_formats_before_the_first_broadcast(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-none")
    assert caster.info()["formats"] == []
    assert caster.page_config()["formats"] == []


def test_a_single_format_show_offers_master_named_by_its_size(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-single")
    caster.canvas("s1", "master.m3u8", PORTRAIT)
    info = caster.info()
    assert info["state"] == "live"
    assert info["formats"] == [
        {"name": "portrait", "url": f"{shared_relay.url}/live/fmt-single/master.m3u8", "width": 720, "height": 1280}
    ]
    assert caster.page_config()["formats"] == [
        {"name": "portrait", "url": "/live/fmt-single/master.m3u8", "width": 720, "height": 1280}
    ]

    landscape = Broadcaster(shared_relay, "fmt-single-l")
    landscape.canvas("s1", "master.m3u8", LANDSCAPE)
    top = landscape.info()["formats"][0]
    assert (top["name"], top["width"], top["height"]) == ("landscape", 1280, 720)


def test_a_dual_format_show_offers_both_canvases_primary_first(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-dual")
    caster.canvas("s-portrait", "master.m3u8", PORTRAIT)
    caster.canvas("s-landscape", "master-landscape.m3u8", LANDSCAPE)
    base = f"{shared_relay.url}/live/fmt-dual"
    assert caster.info()["formats"] == [
        {"name": "portrait", "url": f"{base}/master.m3u8", "width": 720, "height": 1280},
        {"name": "landscape", "url": f"{base}/master-landscape.m3u8", "width": 1280, "height": 720},
    ]
    assert [f["url"] for f in caster.page_config()["formats"]] == [
        "/live/fmt-dual/master.m3u8",
        "/live/fmt-dual/master-landscape.m3u8",
    ]
    # Both multivariant playlists are served, each listing its own ladder.
    second = httpx.get(f"{base}/master-landscape.m3u8", timeout=10)
    assert second.status_code == 200 and second.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "no-store" in second.headers["cache-control"]
    assert re.findall(r"RESOLUTION=(\d+x\d+)", second.text) == ["1280x720", "854x480", "640x360"]
    primary = httpx.get(f"{base}/master.m3u8", timeout=10)
    assert re.findall(r"RESOLUTION=(\d+x\d+)", primary.text) == ["720x1280", "480x854", "360x640"]


def test_a_second_canvas_started_before_the_primary_is_offered_once_it_moves_on(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-early")
    caster.canvas("s-l", "master-landscape.m3u8", LANDSCAPE)
    tick()
    caster.canvas("s-p", "master.m3u8", PORTRAIT)
    assert caster.names() == ["portrait"], "its playlists have not changed since this broadcast began"
    caster.advance("s-l", LANDSCAPE, 2)
    assert caster.names() == ["portrait", "landscape"]


def test_a_second_canvas_left_over_from_an_earlier_show_is_not_offered(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-stale")
    # Show 1: dual format, played to its end.
    caster.canvas("show1-p", "master.m3u8", PORTRAIT)
    caster.canvas("show1-l", "master-landscape.m3u8", LANDSCAPE)
    caster.advance("show1-l", LANDSCAPE, 3, ended=True)
    caster.advance("show1-p", PORTRAIT, 3, ended=True)
    info = caster.info()
    assert info["state"] == "ended"
    assert [f["name"] for f in info["formats"]] == ["portrait", "landscape"], "the ended show keeps both"
    tick()
    # Show 2: portrait only. master-landscape.m3u8 of show 1 is still on disk (the relay keeps all).
    caster.canvas("show2-p", "master.m3u8", PORTRAIT)
    assert httpx.get(f"{shared_relay.url}/live/fmt-stale/master-landscape.m3u8", timeout=10).status_code == 200
    info = caster.info()
    assert info["state"] == "live"
    assert [f["name"] for f in info["formats"]] == ["portrait"]
    assert [f["name"] for f in caster.page_config()["formats"]] == ["portrait"]
    caster.advance("show2-p", PORTRAIT, 4)
    assert caster.names() == ["portrait"], "and stays out while show 2 goes on"
    # Show 3: dual again, landscape first this time: its new playlist replaces the stale one.
    tick()
    caster.canvas("show3-l", "master-landscape.m3u8", LANDSCAPE)
    caster.canvas("show3-p", "master.m3u8", PORTRAIT)
    caster.advance("show3-l", LANDSCAPE, 2)
    assert caster.names() == ["portrait", "landscape"]


def test_a_second_canvas_that_ends_first_neither_ends_the_room_nor_stays_offered(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-end")
    caster.canvas("p", "master.m3u8", PORTRAIT)
    caster.canvas("l", "master-landscape.m3u8", LANDSCAPE)
    assert caster.names() == ["portrait", "landscape"]
    caster.advance("l", LANDSCAPE, 2, ended=True)
    info = caster.info()
    assert info["state"] == "live", "room liveness is keyed on master.m3u8's stream"
    assert [f["name"] for f in info["formats"]] == ["portrait"], "its viewers go back to the primary"
    caster.advance("p", PORTRAIT, 3, ended=True)
    info = caster.info()
    assert info["state"] == "ended"
    assert [f["name"] for f in info["formats"]] == ["portrait", "landscape"]


def test_the_primary_is_named_by_its_top_variant_whatever_its_order(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-order")
    caster.canvas("s", "master.m3u8", [(360, 640), (1080, 1920), (720, 1280)])
    assert caster.info()["formats"][0] | {"url": ""} == {"name": "portrait", "url": "", "width": 1080, "height": 1920}


def test_the_room_list_and_the_openapi_document_carry_formats(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-list")
    caster.canvas("s", "master.m3u8", LANDSCAPE)
    with shared_relay.admin() as admin:
        rooms = {r["room"]: r for r in admin.get("/api/v1/rooms").json()}
    assert [f["name"] for f in rooms["fmt-list"]["formats"]] == ["landscape"]
    doc = httpx.get(f"{shared_relay.url}/api/openapi.json", timeout=10).json()
    schemas = doc["components"]["schemas"]
    assert schemas["RoomInfo"]["properties"]["formats"]["items"] == {"$ref": "#/components/schemas/StreamFormat"}
    assert "formats" in schemas["RoomInfo"]["required"]
    assert set(schemas["StreamFormat"]["properties"]) == {"name", "url", "width", "height"}
    assert "description" in schemas["StreamFormat"]["properties"]["name"]


def test_blocking_reload_and_hinted_parts_work_for_the_second_canvas(shared_relay: RelayProcess) -> None:
    caster = Broadcaster(shared_relay, "fmt-ll")
    caster.canvas("p", "master.m3u8", PORTRAIT)
    caster.canvas("l", "master-landscape.m3u8", LANDSCAPE)
    playlist = "l/720p/index.m3u8"
    base = f"{shared_relay.url}/live/fmt-ll"

    async def scenario() -> tuple[httpx.Response, httpx.Response, float]:
        async with httpx.AsyncClient(timeout=10) as client:
            started = time.monotonic()
            reload = asyncio.create_task(client.get(f"{base}/{playlist}", params={"_HLS_msn": "2"}))
            hinted = asyncio.create_task(client.get(f"{base}/l/720p/seg_000001.0.m4s"))
            await asyncio.sleep(0.4)
            ingest = f"{shared_relay.url}/ingest/fmt-ll"
            headers = {"Authorization": f"Bearer {caster.key}"}
            async with httpx.AsyncClient(timeout=10, headers=headers) as push:
                await push.put(f"{ingest}/l/720p/seg_000001.0.m4s", content=b"p")
                await push.put(f"{ingest}/{playlist}", content=media_playlist(3))
            return await reload, await hinted, time.monotonic() - started

    reload, hinted, elapsed = asyncio.run(scenario())
    assert reload.status_code == 200 and "seg_000002.m4s" in reload.text
    assert hinted.status_code == 200 and hinted.content == b"p"
    assert 0.35 <= elapsed < 3


def test_multivariant_names_with_a_dash_are_valid_stream_files() -> None:
    assert parse_media_path("master-landscape.m3u8") == PurePosixPath("master-landscape.m3u8")
    assert parse_media_path("master-1080x1920.m3u8").suffix == ".m3u8"


# --- StreamFormats on its own ---------------------------------------------------------------------


def write(root: Path, room: str, path: str, data: bytes, mtime: float) -> None:
    target = root / room / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    os.utime(target, (mtime, mtime))


def test_top_variant_and_primary_names() -> None:
    assert top_variant(multivariant("s", PORTRAIT).decode()) == (720, 1280, PurePosixPath("s/720p/index.m3u8"))
    assert top_variant("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ns/v/index.m3u8\n") == (
        None,
        None,
        PurePosixPath("s/v/index.m3u8"),
    )
    assert top_variant("#EXTM3U\n") == (None, None, None)
    assert top_variant("#EXT-X-STREAM-INF:RESOLUTION=10x10\n../../etc/passwd.m3u8\n")[2] is None
    assert [primary_name(*size) for size in [(720, 1280), (1280, 720), (720, 720), (None, None)]] == [
        "portrait",
        "landscape",
        "square",
        "main",
    ]


def test_stream_formats_cache_by_file_identity_and_see_replacements(tmp_path: Path) -> None:
    media = MediaStore(tmp_path)
    formats = StreamFormats(media)
    now = time.time()
    write(tmp_path, "r", "p/720p/index.m3u8", media_playlist(1), now - 100)
    write(tmp_path, "r", "l/720p/index.m3u8", media_playlist(1), now - 50)
    write(tmp_path, "r", "master.m3u8", multivariant("p", PORTRAIT), now - 60)
    write(tmp_path, "r", "master-landscape.m3u8", multivariant("l", LANDSCAPE), now - 60)
    os.utime(tmp_path / "r", (now - 60, now - 60))
    assert [f.name for f in formats.formats("r", live=True)] == ["portrait", "landscape"]

    reads: list[PurePosixPath] = []
    original = media.read

    def counting(room: str, rel: PurePosixPath) -> bytes | None:
        reads.append(rel)
        return original(room, rel)

    media.read = counting  # type: ignore[method-assign]
    for _ in range(5):
        assert [f.name for f in formats.formats("r", live=True)] == ["portrait", "landscape"]
    assert reads == [], "nothing changed: no playlist is read again"

    # A new single-format show: master.m3u8 replaced (the relay renames a new file into place).
    replacement = tmp_path / "r" / ".master.tmp"
    replacement.write_bytes(multivariant("p2", [(1080, 1920), (720, 1280)]))
    replacement.replace(tmp_path / "r" / "master.m3u8")
    assert [(f.name, f.width) for f in formats.formats("r", live=True)] == [("portrait", 1080)]
    assert reads == [PurePosixPath("master.m3u8")]
    assert formats.formats("nowhere", live=True) == []
    formats.forget("r")


def test_only_the_primarys_playlists_end_the_room_also_after_a_restart(tmp_path: Path) -> None:
    media = MediaStore(tmp_path)
    assert stream_folders(multivariant("p", PORTRAIT)) == {"p"}
    media.write("r", PurePosixPath("master.m3u8"), multivariant("p", PORTRAIT))
    live = LiveStates(media)  # a relay started after master.m3u8 arrived: it reads it from disk
    ended = media_playlist(2, ended=True)
    assert live.note_ingest("r", PurePosixPath("l/720p/index.m3u8"), ended) is None
    assert live.note_ingest("r", PurePosixPath("p/360p/index.m3u8"), ended) == "ended"
    assert live.note_ingest("r", PurePosixPath("p/720p/index.m3u8"), ended) is None, "once"
    assert live.note_ingest("r", PurePosixPath("master.m3u8"), multivariant("p2", PORTRAIT)) == "started"
    assert live.note_ingest("r", PurePosixPath("p/720p/index.m3u8"), ended) is None, "the last show's"
    assert live.note_ingest("r", PurePosixPath("p2/audio/index.m3u8"), ended) == "ended"
