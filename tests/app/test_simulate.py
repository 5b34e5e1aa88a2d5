"""`shopcast simulate`: the scripted show runs through the room engine on a simulated clock into a real
relay data folder, writes its truth, and a relay started on that folder reports exactly that truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.analytics.simulate import ARRIVALS, AWAY, ROOM, present, scripted_show
from tests.helpers.relay import REPO, RelayProcess


def shopcast(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``shopcast ARGS``; ``env`` adds to the environment (a secret goes there, never in the arguments)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_the_script_is_a_ten_minute_show_where_viewers_act_only_while_in_the_room() -> None:
    steps = scripted_show()
    assert [s.t for s in steps if s.kind in ("stream_start", "stream_end")] == [0, 600]
    assert len({s.t for s in steps}) == len(steps), "every step has its own moment"
    for step in steps:
        if step.viewer and step.kind not in ("enter", "leave"):
            assert present(int(step.viewer[-2:]), step.t), step
    assert len(ARRIVALS) == 40 and set(AWAY) <= set(ARRIVALS)


def test_simulate_writes_the_truth_and_a_data_folder_that_a_relay_reports_the_same(tmp_path: Path) -> None:
    data, truth_file = tmp_path / "data", tmp_path / "truth.json"
    result = shopcast("simulate", "--data", str(data), "--truth", str(truth_file))
    assert result.returncode == 0, result.stderr
    assert "40 viewers, 45 views, 19 orders, GMV ¥3,321.00 (exact times)" in result.stdout
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    assert truth["timing"] == "exact" and truth["metrics"]["gmv"] == 332_100
    again = shopcast("simulate", "--data", str(data))
    assert again.returncode == 1 and "already has events" in again.stderr
    rooms = json.loads((data / "rooms.json").read_text(encoding="utf-8"))["rooms"]
    assert [r["name"] for r in rooms] == [ROOM] and "owner_token" not in rooms[0], "only hashes are kept"
    relay = RelayProcess(data).start()
    try:
        with relay.admin() as admin:  # the owner token was never shown: the relay's admin replaces it
            token = admin.post(f"/api/v1/rooms/{ROOM}/owner-token").json()["owner_token"]
        report = httpx.get(
            f"{relay.url}/api/v1/rooms/{ROOM}/report.json",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
    finally:
        relay.stop()
    metrics = {key: metric["value"] for key, metric in report["metrics"].items()}
    for key, value in truth["metrics"].items():
        assert metrics[key] == pytest.approx(value, rel=1e-9), key
    assert report["series"] == truth["series"] and report["peak_wall"] == truth["peak_wall"]


def test_simulate_into_a_relays_folder_leaves_an_existing_rooms_stream_key_and_owner_token_alone(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    relay = RelayProcess(data).start()
    try:
        made = relay.create_room(ROOM)  # the studio and the host hold these; the room has no events yet
    finally:
        relay.stop()
    before = json.loads((data / "rooms.json").read_text(encoding="utf-8"))["rooms"]
    result = shopcast("simulate", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert json.loads((data / "rooms.json").read_text(encoding="utf-8"))["rooms"] == before
    relay = RelayProcess(data).start()
    try:
        push = httpx.put(
            f"{relay.url}/ingest/{ROOM}/s1/720p/index.m3u8",
            content=b"#EXTM3U\n",
            headers={"Authorization": f"Bearer {made['stream_key']}"},
            timeout=10,
        )
        assert push.status_code == 201, "the studio's push still gets in with its stream key"
        console = httpx.get(
            f"{relay.url}/api/v1/rooms/{ROOM}/console-state",
            headers={"Authorization": f"Bearer {made['owner_token']}"},
            timeout=10,
        )
        assert console.status_code == 200, "and the host's console with its owner token"
    finally:
        relay.stop()


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        ([], {}, 2, "say where to run the show"),
        (["--relay", "http://127.0.0.1:9"], {}, 2, "needs the room's owner token"),
        (["--relay", "http://127.0.0.1:9"], {"SHOPCAST_OWNER_TOKEN": "t"}, 1, "cannot reach the relay"),
        (["--relay", "http://127.0.0.1:9", "--owner-token", "t"], {}, 2, "--owner-token would put"),
        (["--speed", "0"], {}, 2, "the speed must be between 0.1 and 100"),
    ],
)
def test_simulate_says_what_is_wrong(args: list[str], env: dict[str, str], code: int, message: str) -> None:
    result = shopcast("simulate", *args, timeout=60, env={"SHOPCAST_OWNER_TOKEN": "", **env})
    assert result.returncode == code and message in result.stderr, result.stderr


def test_simulate_on_a_relay_refuses_a_wrong_owner_token(relay: RelayProcess) -> None:
    relay.create_room("simroom")
    result = shopcast(
        "simulate", "--relay", relay.url, "--room", "simroom", env={"SHOPCAST_OWNER_TOKEN": "wrong-token"}
    )
    assert result.returncode == 1 and "the relay refused: the owner token is wrong" in result.stderr
