"""The pages' static files from memory (app/relay/web_assets.py): gzip when asked for, 304, no escape."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.relay import viewer, web_assets
from app.relay.errors import install_error_handlers


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(viewer.router)
    return TestClient(app)


def test_a_script_comes_gzipped_to_a_browser_that_takes_it_and_plain_otherwise(client: TestClient) -> None:
    on_disk = (viewer.web_dir() / "watch.js").read_bytes()
    zipped = client.get("/static/watch.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith("text/javascript")
    assert zipped.headers["cache-control"] == "no-cache" and zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.content == on_disk  # the client inflates it
    assert int(zipped.headers["content-length"]) == len(gzip.compress(on_disk, 9, mtime=0))
    plain = client.get("/static/watch.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == on_disk
    again = client.get("/static/watch.js", headers={"If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/static/watch.js", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""


def test_only_the_web_folder_is_served(client: TestClient) -> None:
    assert client.get("/static/demo/tee.png").headers["content-type"] == "image/png"
    assert client.get("/static/nothing-here.js").status_code == 404
    assert client.get("/static/%2e%2e/%2e%2e/app/paths.py").status_code == 404
    for odd in ("a%00b.js", "x" * 300 + ".js", "demo/tee.png/inside"):  # a NUL, too long, not a folder
        response = client.get(f"/static/{odd}")
        assert (response.status_code, response.json()["error"]) == (404, "not_found"), odd


def test_hls_js_is_gzipped_and_cached_an_hour(client: TestClient) -> None:
    response = client.get("/static/vendor/hls.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert int(response.headers["content-length"]) < len(response.content) / 2


def test_accept_encoding() -> None:
    assert web_assets.accepts_gzip("gzip, deflate, br")
    assert web_assets.accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert not web_assets.accepts_gzip("gzip;q=0")
    assert not web_assets.accepts_gzip("br") and not web_assets.accepts_gzip(None)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    target = tmp_path / "a.js"
    target.write_text("one")
    scope = {"type": "http", "method": "GET", "headers": [], "path": "/", "query_string": b""}
    first = asyncio.run(web_assets.serve(target, Request(scope)))
    target.write_text("two, longer")
    second = asyncio.run(web_assets.serve(target, Request(scope)))
    assert first is not None and second is not None
    assert first.body == b"one" and second.body == b"two, longer"


def test_json_in_the_pages_cannot_end_its_script_or_open_a_comment() -> None:
    text = "</script><!--<script>alert(1)&"
    embedded = viewer._script_json({"title": text, "playlists": {"/x": "#EXTM3U\n<!--"}})
    assert not set(embedded) & set("<>&"), embedded
    assert json.loads(embedded) == {"title": text, "playlists": {"/x": "#EXTM3U\n<!--"}}
