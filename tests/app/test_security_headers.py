"""Every answer's security headers, and the pages' Content-Security-Policy (app/relay/security_headers.py)."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "headers")


def pages(room: Room) -> list[str]:
    with room.host() as host:
        draw = host.post("/draws", json={"prize": "Mug", "winners": 1, "duration_s": 60}).json()
        link = host.post("/assistants", json={"label": "A"}).json()
        invite = host.post("/cohost/invites", json={}).json()
    base = room.relay.url
    return [
        f"{base}/watch/{room.name}",
        f"{base}/watch/no-such-room",  # the 404 page too
        f"{base}/watch/{room.name}/replay/1",
        f"{base}/verify/{room.name}/{draw['id']}",
        f"{base}/assist/{room.name}",
        str(link["url"]).split("#", 1)[0],
        str(invite["url"]).split("#", 1)[0],
    ]


def test_every_page_refuses_framing_and_runs_only_the_relays_scripts(room: Room) -> None:
    for url in pages(room):
        page = httpx.get(url)
        assert page.headers["content-type"].startswith("text/html"), url
        policy = page.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["frame-ancestors"] == "'none'" and page.headers["x-frame-options"] == "DENY", url
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] in ("same-origin", "no-referrer"), "pages with a token: none at all"
        for script in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):  # each inline script is allowed
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in directives["script-src"], url


def test_every_other_answer_says_nosniff(room: Room) -> None:
    base = room.relay.url
    for url in (f"{base}/static/watch.js", f"{room.api}/live-state", f"{base}/healthz", f"{room.api}/nope"):
        answer = httpx.get(url)
        assert answer.headers["x-content-type-options"] == "nosniff", url
        assert "content-security-policy" not in answer.headers, "a policy for pages, not for data"
    docs = httpx.get(f"{base}/api/docs")
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'", "Swagger UI loads from its CDN"


def test_json_in_a_page_cannot_close_its_script(shared_relay: RelayProcess) -> None:
    shared_relay.create_room("hostile", title="</script><script>alert(1)</script><!--")
    page = httpx.get(f"{shared_relay.url}/watch/hostile").text
    assert page.count("<script>") == 1, "the watch page's one inline script, no other"
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.DOTALL):
        assert "<" not in block and ">" not in block
