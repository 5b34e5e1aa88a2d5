"""``shopcast broadcast --rundown FILE``: a run-of-show played unattended, on a real relay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import open_room


@pytest.mark.slow
def test_three_segments_pin_in_order_and_a_sell_out_advances(relay: RelayProcess, tmp_path: Path) -> None:
    room = open_room(relay, "runner")
    sale = {"price": 9.9, "stock": 1, "countdown_s": 0, "duration_s": 60, "launch_with_cue": True}
    show = {"auto_advance": {"sold_out": True},
            "segments": [{"sku": "tee", "duration_s": 5},
                         {"sku": "mug", "duration_s": 60, "flash_sale": sale},
                         {"sku": "shoe", "duration_s": 5, "title": "Runner"}]}  # fmt: skip
    path = tmp_path / "show.json"
    path.write_text(json.dumps(show), encoding="utf-8")
    token_file = tmp_path / "owner-token"
    token_file.write_text(room.owner_token + "\n")
    token_file.chmod(0o600)
    command = [sys.executable, "-m", "app", "broadcast", "--room", room.name, "--relay", relay.url,
               "--owner-token-file", str(token_file), "--rundown", str(path),
               "--source", "test", "--mic", "tone", "--quiet", "--ladder", "360p"]  # fmt: skip
    started = time.monotonic()
    env = {**os.environ, "SHOPCAST_STREAM_KEY": room.stream_key}
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with room.host() as host:
            sale_id = None
            while sale_id is None and time.monotonic() - started < 60:
                state = host.get("/rundown").json()["state"]
                sale_id = state["launched"].get("flash_sale") if state["index"] == 1 else None
                time.sleep(0.2)
            if sale_id is None:
                process.kill()
                out, err = process.communicate()
                pytest.fail(
                    f"the second segment's flash sale was not launched with its cue: {state}\n{out}\n{err[-3000:]}"
                )
            bought_at = time.monotonic()
            order = room.order("viewer-buyer1", "k-1", sku="mug", qty=1, flash_sale_id=sale_id)
            assert order.status_code in (200, 201), order.text
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err[-2000:]
    assert "played to the end" in out
    assert time.monotonic() - bought_at < 30, "the sell-out advanced the show, not the segment's 60 s"
    with room.host() as host:
        events = host.get("/events", params={"limit": 10000}).json()
    pins = [e["data"]["sku"] for e in events if e["type"] == "pin"]
    assert pins[-3:] == ["tee", "mug", "shoe"], pins
    cues = [e for e in events if e["type"].startswith("rundown.")]
    assert [
        (e["type"], e["data"].get("sku"), e["data"].get("by")) for e in cues if e["type"] != "rundown.launched"
    ] == [
        ("rundown.saved", None, "owner"),
        ("rundown.cue", "tee", "owner"),
        ("rundown.cue", "mug", "auto"),
        ("rundown.cue", "shoe", "auto"),
        ("rundown.ended", None, "auto"),
    ]
    stream = [e["type"] for e in events if e["type"].startswith("stream.")]
    assert stream[0] == "stream.started" and stream[-1] == "stream.ended"
    first_cue = next(e for e in cues if e["type"] == "rundown.cue")
    assert next(e for e in events if e["type"] == "stream.started")["id"] < first_cue["id"], "cued once live"


def test_rundown_refusals_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,duration_s\ntee,soon\n", encoding="utf-8")
    token = tmp_path / "token"
    token.write_text("t\n")
    cases = [
        (["--rundown", str(bad), "--out", str(tmp_path)], "needs --relay URL --room R --key-file K"),
        (["--rundown", str(bad), "--relay", "http://127.0.0.1:9", "--room", "r"], "--owner-token-file"),
        (["--rundown", str(bad), "--relay", "http://127.0.0.1:9", "--room", "r", "--owner-token-file", str(token)],
         "row 2, column duration_s: must be a number"),
    ]  # fmt: skip
    env = {**os.environ, "SHOPCAST_STREAM_KEY": "k", "SHOPCAST_OWNER_TOKEN": ""}
    for args, words in cases:
        result = subprocess.run([sys.executable, "-m", "app", "broadcast", *args], capture_output=True, text=True,
                                cwd=REPO, timeout=60, check=False, env=env)  # fmt: skip
        assert result.returncode == 2 and words in result.stderr, (args, result.stderr)
