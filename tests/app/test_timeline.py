"""The host's actions as EXT-X-DATERANGE in the live media playlists (app/relay/timeline.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from app.relay.timeline import KEEP_S, Timeline

START = 1_796_000_000.0
PLAYLIST = (
    "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:10\n"
    f"#EXT-X-PROGRAM-DATE-TIME:{datetime.fromtimestamp(START, UTC).isoformat(timespec='milliseconds')[:-6]}Z\n"
    "#EXTINF:1.00000,\nseg_000010.m4s\n#EXTINF:1.00000,\nseg_000011.m4s\n"
).encode()


def row(wall: float, kind: str, **data: object) -> tuple[str, float, None, str, None, str]:
    return ("shop", wall, None, kind, None, json.dumps(data))


def ranges(playlist: bytes) -> list[dict[str, str]]:
    found = []
    for line in playlist.decode().splitlines():
        if line.startswith("#EXT-X-DATERANGE:"):
            found.append(dict(re.findall(r'([A-Z-]+)="([^"]*)"', line)))
    return found


def test_the_host_s_actions_in_the_playlist_s_window_become_date_ranges() -> None:
    timeline = Timeline()
    timeline.on_events([
        row(START - 5, "pin", sku="old"),  # before this playlist's first picture
        row(START + 0.5, "pin", sku="tee"),
        row(START + 0.6, "comment", text="hi"),  # a viewer's: never in the stream
        row(START + 1.25, "flash_sale.opened", id="fs1", sku="tee"),
        row(START + 1.5, "unpin", sku='bad"sku'),  # not quotable: left out, the mark stays
    ])  # fmt: skip
    marked = ranges(timeline.annotate("shop", PLAYLIST))
    assert [(r["X-SHOPCAST-TYPE"], r.get("X-SHOPCAST-SKU"), r.get("X-SHOPCAST-ID")) for r in marked] == [
        ("pin", "tee", None), ("flash_sale.opened", "tee", "fs1"), ("unpin", None, None),
    ]  # fmt: skip
    assert (
        marked[0]["START-DATE"]
        == datetime.fromtimestamp(START + 0.5, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
    )
    assert all(r["CLASS"] == "com.shopcast.room" for r in marked)
    assert len({r["ID"] for r in marked}) == 3, "unique ids"
    again = ranges(timeline.annotate("shop", PLAYLIST))
    assert again == marked, "the same id keeps the same attributes on every reload"
    assert timeline.annotate("other", PLAYLIST) == PLAYLIST
    assert timeline.annotate("shop", b"#EXTM3U\n#EXTINF:1.0,\nseg.m4s\n").count(b"DATERANGE") == 0, (
        "no PROGRAM-DATE-TIME, no date ranges"
    )


def test_marks_older_than_the_window_are_forgotten() -> None:
    timeline = Timeline()
    timeline.on_events([row(START - 2 * KEEP_S, "pin", sku="tee")])
    timeline.on_events([row(START, "pin", sku="mug")])
    early_start = PLAYLIST.replace(
        datetime.fromtimestamp(START, UTC).isoformat(timespec="milliseconds")[:-6].encode(),
        datetime.fromtimestamp(START - 3 * KEEP_S, UTC).isoformat(timespec="milliseconds")[:-6].encode(),
    )
    assert [r["X-SHOPCAST-SKU"] for r in ranges(timeline.annotate("shop", early_start))] == ["mug"]
