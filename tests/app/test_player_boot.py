"""The watch page's LL-HLS start (app/relay/player_boot.py): playlists, start keyframe, files to ask for."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from app.relay import viewer
from app.relay.media_store import MediaStore
from app.relay.player_boot import parse_media, pick_start, player_boot, trim
from pipeline.hls_playlist import mark_gaps

MASTER = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Main",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="s1/audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=3284400,RESOLUTION=720x1280,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"
s1/720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=890400,RESOLUTION=360x640,CODECS="avc1.64001e,mp4a.40.2",AUDIO="audio"
s1/360p/index.m3u8
"""


def media(parts_last: int, audio: bool = False) -> str:
    """Segments 10 and 11 complete (three parts each, listed), segment 12 with ``parts_last`` parts."""
    d = 0.32 if audio else 0.33333
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1",
             "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.00000,HOLD-BACK=3.00000",
             "#EXT-X-PART-INF:PART-TARGET=0.33334", "#EXT-X-MEDIA-SEQUENCE:9", '#EXT-X-MAP:URI="init.mp4"',
             "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:27:09.000Z", "#EXTINF:1.00000,", "seg_000009.m4s"]  # fmt: skip
    for seg in (10, 11):
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:27:{seg:02d}.000Z")
        for p in range(3):
            flag = ",INDEPENDENT=YES" if p == 0 or audio else ""
            lines.append(f'#EXT-X-PART:DURATION={d},URI="seg_{seg:06d}.{p}.m4s"{flag}')
        lines += ["#EXTINF:1.00000,", f"seg_{seg:06d}.m4s"]
    lines.append("#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:27:12.000Z")
    for p in range(parts_last):
        flag = ",INDEPENDENT=YES" if p == 0 or audio else ""
        lines.append(f'#EXT-X-PART:DURATION={d},URI="seg_000012.{p}.m4s"{flag}')
    lines.append(f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_000012.{parts_last}.m4s"')
    return "\n".join(lines) + "\n"


def test_the_start_is_the_newest_keyframe_at_least_two_thirds_of_a_second_behind_the_edge() -> None:
    # Edge 3.33 s (one part of segment 12): 12.0 starts 0.33 s behind it, too close; 11.0 it is.
    start = pick_start(parse_media(media(1)))
    assert start is not None and start.uri == "seg_000011.0.m4s" and abs(start.start - 2.0) < 1e-6
    # Edge 4.0 s (segment 12 has all three parts): 12.0 is 1 s behind.
    start = pick_start(parse_media(media(3)))
    assert start is not None and start.uri == "seg_000012.0.m4s"
    assert pick_start(parse_media(media(2) + "#EXT-X-ENDLIST\n")) is None


def test_the_start_is_never_a_part_the_broadcaster_could_not_deliver() -> None:
    """A part marked GAP=YES (the studio's push marks what it had to drop) is no place to start: the
    start moves back to the newest keyframe that is there."""
    gapped = mark_gaps(media(3), (), {"seg_000012.0.m4s"})
    start = pick_start(parse_media(gapped))
    assert start is not None and start.uri == "seg_000011.0.m4s"


def test_the_page_gets_the_playlists_of_the_lowest_rung_and_audio_and_the_files_of_the_start(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    store.write("room", PurePosixPath("master.m3u8"), MASTER.encode())
    store.write("room", PurePosixPath("s1/360p/index.m3u8"), media(1).encode())
    store.write("room", PurePosixPath("s1/audio/index.m3u8"), media(1, audio=True).encode())
    boot = player_boot(store, "room")
    assert boot is not None
    assert set(boot["playlists"]) == {"/live/room/master.m3u8", "/live/room/s1/360p/index.m3u8",
                                      "/live/room/s1/audio/index.m3u8"}  # fmt: skip
    assert boot["start"] == 2.05
    # hls.js loads the start segment's parts one after the other, and plays once it has them all.
    video = [f"/live/room/s1/360p/seg_000011.{p}.m4s" for p in range(3)]
    audio = [f"/live/room/s1/audio/seg_000011.{p}.m4s" for p in range(3)]
    assert boot["prefetch"] == ["/live/room/s1/360p/init.mp4", *video, "/live/room/s1/audio/init.mp4", *audio]
    assert player_boot(MediaStore(tmp_path / "none"), "room") is None


def test_a_playlist_goes_in_the_page_with_its_last_segments_only() -> None:
    text = trim(media(1), keep=2)
    assert "#EXT-X-MEDIA-SEQUENCE:10" in text and "seg_000009.m4s" not in text
    assert text.splitlines()[6] == "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T02:27:10.000Z"
    start = pick_start(parse_media(text))
    assert start is not None and start.uri == "seg_000011.0.m4s" and abs(start.start - 1.0) < 1e-6
    assert trim(media(1), keep=5) == media(1)


def test_a_malformed_pushed_playlist_gives_no_start_and_never_breaks_the_page(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    store.write("room", PurePosixPath("master.m3u8"), MASTER.encode())
    store.write(
        "room", PurePosixPath("s1/360p/index.m3u8"), media(1).replace("DURATION=0.33333", "DURATION=x").encode()
    )
    context = SimpleNamespace(media=store)
    assert viewer._player_boot(context, "room") is None  # type: ignore[arg-type]
