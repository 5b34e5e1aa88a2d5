"""Secrets (issue 18): the relay keeps hashes of stream keys, owner tokens and its generated admin token
and shows each once; no token travels in a URL; none is on a process's command line; replacing a token
ends what was opened with the old one. Real relays, real WebSockets, real processes' /proc entries."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app import cli
from app.bundled_relay import BundledRelay
from app.commerce.token_hashes import token_hash
from app.feed_protocol import CLOSE_CREDENTIAL_GONE
from app.relay_client import RelayClient
from pipeline.outputs.realtime_wire import VIDEO, Hello, pack
from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import Room, open_room


def ws_base(relay: RelayProcess) -> str:
    return relay.url.replace("http://", "ws://", 1)


def owner_feed(relay: RelayProcess, room: str, token: str) -> Any:
    return websockets.connect(
        f"{ws_base(relay)}/api/v1/rooms/{room}/live", additional_headers={"Authorization": f"Bearer {token}"}
    )


async def closed_with(ws: Any, timeout: float = 5.0) -> tuple[int, str]:
    """Read ``ws`` until the relay closes it: (code, reason)."""
    try:
        async with asyncio.timeout(timeout):
            async for _ in ws:
                pass
    except ConnectionClosed:
        pass
    assert ws.close_code is not None, "the relay did not close the feed"
    return ws.close_code, ws.close_reason or ""


# --- stored as hashes, shown once ------------------------------------------------------------------------


def test_keys_are_shown_once_and_kept_only_as_hashes(relay: RelayProcess) -> None:
    created = relay.create_room("vault")
    key, token = created["stream_key"], created["owner_token"]
    stored = (relay.data_dir / "rooms.json").read_text()
    assert key not in stored and token not in stored
    assert token_hash(key) in stored and token_hash(token) in stored

    room = Room(relay, "vault", token, key)
    # Every GET of the API a host or the admin can make on the room, and the pages: none says them again.
    spec = httpx.get(f"{relay.url}/api/openapi.json").json()
    gets = [p.replace("{room}", "vault") for p, ops in spec["paths"].items()
            if "get" in ops and not re.search(r"\{(?!room\})", p)]  # fmt: skip
    assert len(gets) >= 20, gets
    for as_whom in (token, relay.admin_token):
        for path in [*gets, "/watch/vault", "/watch/vault/replay"]:
            answer = httpx.get(relay.url + path, headers={"Authorization": f"Bearer {as_whom}"}, timeout=30)
            assert answer.status_code < 500, (path, answer.text)
            assert key not in answer.text and token not in answer.text, f"GET {path} told a secret again"

    with relay.admin() as admin:
        new_key = admin.post("/api/v1/rooms/vault/stream-key").json()["stream_key"]
        new_token = admin.post("/api/v1/rooms/vault/owner-token").json()["owner_token"]
    assert {new_key, new_token}.isdisjoint({key, token})
    with room.host() as host:
        assert host.get("/console-state").status_code == 401, "the old owner token no longer works"
    room.owner_token = new_token
    with room.host() as host:
        assert host.get("/console-state").status_code == 200
    ingest = f"{relay.url}/ingest/vault/s1/720p/index.m3u8"
    assert httpx.put(ingest, content=b"#EXTM3U\n", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert httpx.put(ingest, content=b"#EXTM3U\n", headers={"Authorization": f"Bearer {new_key}"}).status_code == 201
    stored = (relay.data_dir / "rooms.json").read_text()
    assert new_key not in stored and new_token not in stored


def test_a_generated_admin_token_is_shown_once_and_a_clear_one_is_hashed_in_place(tmp_path: Path) -> None:
    own = RelayProcess(tmp_path / "relay")
    own.admin_token = ""  # the relay makes one
    own.start()
    try:
        (line,) = [line for line in own.output if line.startswith("admin token")]
        token = line.rsplit(": ", 1)[1]
        assert "shown this once" in line and len(token) >= 32
        saved = (own.data_dir / "admin-token").read_text().strip()
        assert saved == token_hash(token) and token not in saved
        own.stop()
        own.output.clear()
        own.start()
        (again,) = [line for line in own.output if line.startswith("admin token")]
        assert token not in again and "the one shown when it was generated" in again
        with httpx.Client(base_url=own.url, headers={"Authorization": f"Bearer {token}"}) as admin:
            assert admin.get("/api/v1/rooms").status_code == 200, "the token shown once still works"
    finally:
        own.stop()

    older = RelayProcess(tmp_path / "older")
    older.admin_token = ""
    older.data_dir.mkdir()
    (older.data_dir / "admin-token").write_text("an-admin-token-saved-in-clear-by-0.9\n")  # as ShopCast did
    older.start()
    try:
        assert (older.data_dir / "admin-token").read_text().strip() == token_hash(
            "an-admin-token-saved-in-clear-by-0.9"
        )
        with httpx.Client(
            base_url=older.url, headers={"Authorization": "Bearer an-admin-token-saved-in-clear-by-0.9"}
        ) as a:
            assert a.get("/api/v1/rooms").status_code == 200
    finally:
        older.stop()


def test_a_clear_admin_token_left_by_an_older_shopcast_is_hashed_even_when_another_is_given(tmp_path: Path) -> None:
    older = RelayProcess(tmp_path / "older")  # its admin token comes from $SHOPCAST_ADMIN_TOKEN
    older.data_dir.mkdir()
    (older.data_dir / "admin-token").write_text("an-admin-token-saved-in-clear-by-0.9\n")
    older.start()
    try:
        saved = (older.data_dir / "admin-token").read_text().strip()
        assert saved == token_hash("an-admin-token-saved-in-clear-by-0.9"), "not left in clear on disk"
        assert (older.data_dir / "admin-token").stat().st_mode & 0o077 == 0
        assert not [line for line in older.output if line.startswith("admin token")], "the given one is not shown"
        with httpx.Client(base_url=older.url, headers={"Authorization": f"Bearer {older.admin_token}"}) as admin:
            assert admin.get("/api/v1/rooms").status_code == 200, "the given token is the admin token"
    finally:
        older.stop()


# --- no token in a URL -----------------------------------------------------------------------------------


def test_the_owner_feed_takes_the_token_in_a_header_and_refuses_it_in_the_url(shared_relay: RelayProcess) -> None:
    room = open_room(shared_relay, "no-url-token")
    url = f"{ws_base(shared_relay)}/api/v1/rooms/{room.name}/live"

    async def scenario() -> None:
        for query in (f"token={room.owner_token}", f"owner_token={room.owner_token}"):
            with pytest.raises(InvalidStatus) as refused:
                async with websockets.connect(f"{url}?{query}"):
                    pass
            response = refused.value.response
            assert response.status_code == 400
            body = json.loads(response.body or b"{}")
            assert body["error"] == "token_in_url" and "Authorization: Bearer" in body["message"]
        with pytest.raises(InvalidStatus) as wrong:
            async with websockets.connect(url, additional_headers={"Authorization": "Bearer not-the-owner-token"}):
                pass
        assert wrong.value.response.status_code == 401
        async with owner_feed(shared_relay, room.name, room.owner_token) as console:
            snapshot = json.loads(await console.recv())
            assert snapshot["type"] == "snapshot" and "orders" in snapshot, "the owner's snapshot"

    asyncio.run(scenario())


# --- rotation ends what the old token opened -------------------------------------------------------------


def test_replacing_the_owner_token_closes_the_feeds_opened_with_it(relay: RelayProcess) -> None:
    room = open_room(relay, "rotating")

    async def scenario() -> None:
        async with (
            owner_feed(relay, room.name, room.owner_token) as old,
            owner_feed(relay, room.name, relay.admin_token) as admin,
            websockets.connect(
                f"{ws_base(relay)}/api/v1/rooms/{room.name}/live", additional_headers=room.session("viewer-s").headers
            ) as viewer,
        ):
            for ws in (old, admin, viewer):
                assert json.loads(await ws.recv())["type"] == "snapshot"
            async with httpx.AsyncClient(base_url=relay.url, timeout=10) as client:
                rotated = await client.post(
                    f"/api/v1/rooms/{room.name}/owner-token", headers={"Authorization": f"Bearer {relay.admin_token}"}
                )
            new = rotated.json()["owner_token"]
            assert await closed_with(old) == (CLOSE_CREDENTIAL_GONE, "the room's owner token was replaced")
            await admin.send(json.dumps({"type": "ping", "id": 1}))
            await viewer.send(json.dumps({"type": "ping", "id": 2}))
            for ws in (admin, viewer):  # the admin's and the viewers' feeds go on
                while json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] != "pong":
                    pass
            with pytest.raises(InvalidStatus) as again:
                async with owner_feed(relay, room.name, room.owner_token):
                    pass
            assert again.value.response.status_code == 401
            async with owner_feed(relay, room.name, new) as fresh:
                assert json.loads(await fresh.recv())["type"] == "snapshot"

    asyncio.run(scenario())


def test_a_token_replaced_on_another_relay_closes_the_feed_here(tmp_path: Path) -> None:
    """Two relays sharing one data folder (docs/deploy.md): the rotation is made on one, the host's feed
    is on the other, which notices within its second's check."""
    one = RelayProcess(tmp_path / "data").start()
    other = RelayProcess(tmp_path / "data")
    other.admin_token = one.admin_token
    other.start()
    try:
        room = open_room(one, "two-relays")

        async def scenario() -> tuple[int, str]:
            async with owner_feed(other, room.name, room.owner_token) as console:
                assert json.loads(await console.recv())["type"] == "snapshot"
                with one.admin() as admin:
                    admin.post(f"/api/v1/rooms/{room.name}/owner-token").raise_for_status()
                return await closed_with(console, timeout=10)

        assert asyncio.run(scenario()) == (CLOSE_CREDENTIAL_GONE, "the room's owner token was replaced")
    finally:
        other.stop()
        one.stop()


def test_replacing_the_stream_key_stops_the_realtime_stream_that_used_it(relay: RelayProcess) -> None:
    created = relay.create_room("keyed")
    url = f"{ws_base(relay)}/api/v1/rooms/keyed/realtime-ingest"

    async def scenario() -> tuple[int, str]:
        headers = {"Authorization": f"Bearer {created['stream_key']}"}
        async with websockets.connect(url, additional_headers=headers) as studio:
            await studio.send(Hello("s1", 1280, 720, 2).to_json())
            await studio.send(pack(VIDEO, 0, True, b"\x00\x00\x00\x01\x65" + bytes(100)))
            with relay.admin() as admin:
                admin.post("/api/v1/rooms/keyed/stream-key").raise_for_status()
            pts = 0
            try:
                async with asyncio.timeout(10):
                    while True:  # the studio goes on sending; the relay checks its key at least once a second
                        pts += 3000
                        await studio.send(pack(VIDEO, pts, False, b"\x00\x00\x00\x01\x41" + bytes(50)))
                        await asyncio.sleep(0.1)
            except ConnectionClosed:
                pass
            assert studio.close_code is not None
            return studio.close_code, studio.close_reason or ""

    assert asyncio.run(scenario()) == (CLOSE_CREDENTIAL_GONE, "the room's stream key was replaced")


# --- no secret on a command line -------------------------------------------------------------------------


def test_the_relay_the_studio_starts_has_no_secret_on_its_command_line(tmp_path: Path) -> None:
    bundled = BundledRelay(tmp_path / "data")
    bundled.start()
    try:
        pid = bundled.pid
        assert pid is not None and bundled.url is not None
        with RelayClient(bundled.url, bundled.admin_token) as client:
            access = client.open_room("argv", "Argv")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        for secret in (bundled.admin_token, access.stream_key, access.owner_token):
            assert secret.encode() not in cmdline, cmdline
        assert b"relay" in cmdline and b"--exit-with-parent" in cmdline, "it is the relay's command line"
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"SHOPCAST_ADMIN_TOKEN={bundled.admin_token}".encode() in environment, "it came in the environment"
    finally:
        bundled.stop()


def test_a_destinations_secret_can_come_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "rtmp").write_text("rtmp://live.example.com/app/sk-from-file\n")
    (tmp_path / "whip").write_text("whip-token-from-file\n")
    (tmp_path / "origin").write_text("origin-token-from-file\n")
    args = cli.build_parser().parse_args([
        "broadcast", "--out", str(tmp_path / "hls"), "--rtmp", f"@{tmp_path / 'rtmp'}",
        "--whip", "https://whip.example.com/live", f"@{tmp_path / 'whip'}",
        "--http-origin", "https://origin.example.com/live/", f"@{tmp_path / 'origin'}",
    ])  # fmt: skip
    assert args.rtmp == ["rtmp://live.example.com/app/sk-from-file"]
    assert [(w.url, w.token) for w in args.whip] == [("https://whip.example.com/live", "whip-token-from-file")]
    assert [(o.url, o.token) for o in args.http_origin] == [
        ("https://origin.example.com/live/", "origin-token-from-file")
    ]
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["broadcast", "--whip", "https://whip.example.com/live", f"@{tmp_path / 'no'}"])
    assert f"--whip: @{tmp_path / 'no'}: cannot read the bearer token" in capsys.readouterr().err


def test_the_deploy_guides_way_to_hash_the_admin_token_reads_it_from_stdin_not_the_command_line(
    tmp_path: Path,
) -> None:
    guide = (Path(__file__).parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert 'token_hash("TOKEN")' not in guide, "no form that puts the token on a command line"
    (command,) = re.findall(r"`(python -c '[^`]*token_hash[^`]*)`", guide)
    token_file = tmp_path / "admin-token.txt"
    token_file.write_text("the-admin-token-0123456789abcdef\n")
    command = command.replace("python ", f"{sys.executable} ", 1).replace("admin-token.txt", str(token_file))
    made = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True, cwd=REPO, timeout=30)
    assert made.stdout.strip() == token_hash("the-admin-token-0123456789abcdef")
