"""Replay retention (--keep-days): expired shows' media goes, a live show's never; disk use per room;
the replay's segment log and playlists (app/relay/replay.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

from fastapi.testclient import TestClient

from app.relay import replay
from app.relay.context import RelayContext, RelaySettings
from app.relay.media_store import MULTIVARIANT
from app.relay.server import create_app, sweep_expired

TOKEN = "admin-token-0123456789"
DAY = 86400.0


def _stream(root: Path, room: str, stream_id: str, age_days: float, segments: int = 3) -> Path:
    folder = root / room / stream_id
    rung = folder / "720p"
    rung.mkdir(parents=True)
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1", "#EXT-X-MEDIA-SEQUENCE:0", '#EXT-X-MAP:URI="init.mp4"']
    (rung / "init.mp4").write_bytes(b"i" * 100)
    for n in range(segments):
        (rung / f"seg_{n:06d}.m4s").write_bytes(b"s" * 1000)
        lines += [f"#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:{n:02d}.000Z", "#EXTINF:1.00000,", f"seg_{n:06d}.m4s"]
    (rung / "index.m3u8").write_text("\n".join([*lines, "#EXT-X-ENDLIST"]) + "\n")
    old = time.time() - age_days * DAY
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (old, old))
    return folder


def _context(tmp_path: Path, keep_days: float = 30) -> RelayContext:
    context = RelayContext.open(RelaySettings(tmp_path, TOKEN, keep_days=keep_days))
    context.rooms.create("shop", "Shop")
    return context


def _go_live(context: RelayContext, stream_id: str) -> None:
    master = f"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n{stream_id}/720p/index.m3u8\n".encode()
    context.media.write("shop", MULTIVARIANT, master)
    context.live.note_ingest("shop", MULTIVARIANT, master)
    assert context.room_state("shop") == "live"


def test_retention_deletes_an_expired_show_and_never_a_live_one(tmp_path: Path) -> None:
    context = _context(tmp_path, keep_days=30)
    try:
        root = context.media.root
        expired = _stream(root, "shop", "20250101T000000Z-aaaa", age_days=40)
        recent = _stream(root, "shop", "20260101T000000Z-bbbb", age_days=5)
        live = _stream(root, "shop", "20250102T000000Z-cccc", age_days=45)  # old files, but on air now
        _go_live(context, live.name)
        assert sweep_expired(context) == [f"shop/{expired.name}"]
        assert not expired.exists() and recent.is_dir() and live.is_dir()
        # Once the live show has ended and is old enough, it goes too.
        context.live.note_ingest("shop", PurePosixPath(f"{live.name}/720p/index.m3u8"), b"#EXT-X-ENDLIST\n")
        assert context.room_state("shop") == "ended"
        assert sweep_expired(context) == [f"shop/{live.name}"]
        assert recent.is_dir()
    finally:
        context.engine.close()


def test_the_owner_sees_the_rooms_disk_use(tmp_path: Path) -> None:
    settings = RelaySettings(tmp_path, TOKEN, min_free_mb=1)
    app = create_app(settings)
    with TestClient(app) as client:
        created = client.post("/api/v1/rooms", json={"room": "shop"}, headers={"Authorization": f"Bearer {TOKEN}"})
        owner = created.json()["owner_token"]
        _stream(app.state.relay.media.root, "shop", "20260101T000000Z-bbbb", age_days=1, segments=2)
        assert client.get("/api/v1/rooms/shop/storage").status_code == 403
        usage = client.get("/api/v1/rooms/shop/storage", headers={"Authorization": f"Bearer {owner}"}).json()
        assert usage["bytes"] >= 2100
        assert usage["broadcasts"] == [{"stream_id": "20260101T000000Z-bbbb", "bytes": usage["bytes"], "live": False}]
        assert usage["keep_days"] == 30 and usage["min_free_bytes"] == 1024 * 1024 and usage["free_bytes"] > 0


def test_ingest_answers_507_under_the_free_space_floor(tmp_path: Path) -> None:
    free_mb = replay.free_bytes(tmp_path) // (1024 * 1024)
    app = create_app(RelaySettings(tmp_path, TOKEN, min_free_mb=int(free_mb) + 1024))
    with TestClient(app) as client:
        created = client.post("/api/v1/rooms", json={"room": "shop"}, headers={"Authorization": f"Bearer {TOKEN}"})
        key = created.json()["stream_key"]
        answer = client.put("/ingest/shop/s/720p/init.mp4", content=b"x", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 507 and answer.json()["error"] == "disk_full"


def test_the_segment_log_keeps_what_slid_out_of_the_live_window(tmp_path: Path) -> None:
    room = tmp_path / "shop"
    (room / "s" / "720p").mkdir(parents=True)

    def window(first: int) -> bytes:
        lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1", f"#EXT-X-MEDIA-SEQUENCE:{first}", '#EXT-X-MAP:URI="init.mp4"']
        for n in range(first, first + 3):
            lines += [f"#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:{n:02d}.000Z", "#EXTINF:1.00000,", f"seg_{n:06d}.m4s"]
        return ("\n".join(lines) + "\n").encode()

    for first in range(6):
        replay.note_playlist(room, ("s", "720p", "index.m3u8"), window(first))
        (room / "s" / "720p" / "index.m3u8").write_bytes(window(first))
    whole = replay.read_playlist(room / "s", "720p/index.m3u8")
    assert whole is not None
    assert [s.sequence for s in whole.segments] == list(range(8))
    assert whole.media_time(whole.segments[0].wall + 2.5) == 2.5  # type: ignore[operator]
    vod = replay.vod_media_playlist(whole, "/live/shop/s/720p", window=(2.5, 4.2))
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in vod and vod.rstrip().endswith("#EXT-X-ENDLIST")
    assert [line for line in vod.splitlines() if line.startswith("/live/")] == [
        f"/live/shop/s/720p/seg_{n:06d}.m4s" for n in (2, 3, 4)
    ]


def test_a_gap_in_the_live_playlists_stays_a_gap_in_the_replay(tmp_path: Path) -> None:
    """A segment the studio could not deliver is EXT-X-GAP live; the replay made from the segment log
    marks it too, so replay viewers skip it rather than meet a 404."""
    room = tmp_path / "shop"
    (room / "s" / "720p").mkdir(parents=True)
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1", "#EXT-X-MEDIA-SEQUENCE:0", '#EXT-X-MAP:URI="init.mp4"']
    for n in range(4):
        lines += [f"#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:{n:02d}.000Z"] + (["#EXT-X-GAP"] if n == 2 else [])
        lines += ["#EXTINF:1.00000,", f"seg_{n:06d}.m4s"]
    text = ("\n".join(lines) + "\n").encode()
    replay.note_playlist(room, ("s", "720p", "index.m3u8"), text)
    (room / "s" / "720p" / "index.m3u8").write_bytes(text)
    whole = replay.read_playlist(room / "s", "720p/index.m3u8")
    assert whole is not None
    assert [s.gap for s in whole.segments] == [False, False, True, False]
    assert whole.duration == 4.0, "the gap keeps its time: what follows stays where it was"
    vod = replay.vod_media_playlist(whole, "/live/shop/s/720p").splitlines()
    marked = [vod[i + 2] for i, line in enumerate(vod) if line == "#EXT-X-GAP"]
    assert marked == ["/live/shop/s/720p/seg_000002.m4s"]
