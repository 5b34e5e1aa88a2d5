"""Reading media back with Debian's ffprobe, an independent implementation of the formats."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

FFPROBE = shutil.which("ffprobe") or "ffprobe"


def ffprobe(target: str | Path, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [FFPROBE, "-v", "error", "-of", "json", *args, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"ffprobe could not read {target}: {result.stderr.strip()}")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def video_packets(path: Path) -> list[dict[str, Any]]:
    return list(
        ffprobe(path, "-select_streams", "v:0", "-show_packets", "-show_entries", "packet=pts,flags")["packets"]
    )


def parse_media_playlist(text: str) -> dict[str, Any]:
    """Minimal HLS media playlist parser for assertions: tags and segment list."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "#EXTM3U", "a playlist starts with #EXTM3U"
    out: dict[str, Any] = {"segments": [], "ended": "#EXT-X-ENDLIST" in lines}
    duration = None
    for line in lines[1:]:
        if line.startswith("#EXT-X-TARGETDURATION:"):
            out["target"] = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            out["sequence"] = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MAP:"):
            out["map"] = line.split('URI="', 1)[1].rstrip('"')
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].rstrip(","))
        elif not line.startswith("#"):
            assert duration is not None, f"segment {line} has no #EXTINF"
            out["segments"].append((line, duration))
            duration = None
    return out
