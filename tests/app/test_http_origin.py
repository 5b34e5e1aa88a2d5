"""The ladder PUT to a plain HTTP origin (issue 17): Debian's nginx with WebDAV stands in for a CDN's ingest
origin. A headless broadcast (`shopcast broadcast --http-origin URL`) writes every playlist, init segment,
segment and part there; ffprobe reads the stream back from nginx over HTTP, and the media playlists end
when the broadcast does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.nginx_rtmp import start_nginx
from tests.helpers.processes import free_port, stop_process
from tests.helpers.relay import REPO

pytestmark = pytest.mark.slow

DAV_CONFIG = """
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  types {{ application/vnd.apple.mpegurl m3u8; video/mp4 mp4 m4s; }}
  access_log {dir}/access.log;
  client_body_temp_path {dir}/body;
  client_max_body_size 64m;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/www;
    location /cdn/ {{
      dav_methods PUT DELETE;
      create_full_put_path on;
    }}
  }}
}}
"""


@pytest.fixture
def dav_origin(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An nginx WebDAV server on a free port: (its /cdn/ URL, the folder the files land in)."""
    port = free_port()
    (tmp_path / "www").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(DAV_CONFIG.format(dir=tmp_path, port=port))
    process = start_nginx(tmp_path, conf, port)
    try:
        yield f"http://127.0.0.1:{port}/cdn/", tmp_path / "www" / "cdn"
    finally:
        stop_process(process)


def test_a_broadcast_puts_its_ladder_on_a_plain_http_origin_and_players_read_it_there(
    dav_origin: tuple[str, Path],
) -> None:
    url, folder = dav_origin
    command = [sys.executable, "-m", "app", "broadcast", "--source", "test", "--mic", "tone"]
    command += ["--ladder", "360p", "--preset", "ultrafast", "--duration", "6", "--http-origin", url]
    broadcast = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert broadcast.returncode == 0, broadcast.stderr[-3000:]

    master = httpx.get(url + "master.m3u8", timeout=10)
    assert master.status_code == 200 and master.headers["content-type"] == "application/vnd.apple.mpegurl"
    media_uri = next(line for line in master.text.splitlines() if line.endswith(".m3u8"))
    media = httpx.get(url + media_uri, timeout=10).text
    assert "#EXT-X-ENDLIST" in media, "the broadcast's end reached the origin"
    segments = re.findall(r"^(seg_\d+\.m4s)$", media, re.M)
    assert len(segments) >= 4, media
    assert list((folder / media_uri).parent.glob("seg_*.0.m4s")), "the parts were PUT as well"

    # A player that is not ours reads the stream back from the origin over HTTP.
    fields = ["-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json"]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", *fields, url + "master.m3u8"], capture_output=True, text=True, timeout=60, check=True
    )
    streams = {(s["codec_type"], s["codec_name"]) for s in json.loads(probe.stdout)["streams"]}
    assert {("video", "h264"), ("audio", "aac")} <= streams, streams
