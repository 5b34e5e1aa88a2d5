"""`shopcast report`: the post-live report of a room's show from a relay's data folder or through a
running relay, as a page or as JSON, with clear errors for everything a user can get wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.analytics.report import build_report, events_from_data, report_json
from app.analytics.simulate import ROOM, TITLE, EngineDriver, scripted_show
from tests.helpers.relay import REPO, RelayProcess


def shopcast(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
        env={**os.environ, "SHOPCAST_OWNER_TOKEN": ""},
    )  # fmt: skip


def secret_file(folder: Path, secret: str) -> str:
    """A file only its owner can read holding ``secret``, as ``--owner-token-file`` takes it."""
    path = folder / f"secret-{len(list(folder.glob('secret-*')))}"
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A relay data folder holding the simulated show; the room's owner token."""
    data = tmp_path_factory.mktemp("data")
    driver = EngineDriver(data)
    try:
        made = driver.register_room()
        assert made is not None, "a new room"
        token = made["owner_token"]
        driver.run(scripted_show())
    finally:
        driver.close()
    return data, token


@pytest.fixture(scope="module")
def relay_on_show(show: tuple[Path, str]) -> Iterator[RelayProcess]:
    process = RelayProcess(show[0]).start()
    yield process
    process.stop()


def test_report_json_from_a_data_folder_is_the_report_of_the_show(show: tuple[Path, str], tmp_path: Path) -> None:
    data, _ = show
    out = tmp_path / "report.json"
    result = shopcast("report", ROOM, "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{out}: sim, show 1, 40 viewers, 19 orders, GMV ¥3,321.00" in result.stdout
    written = json.loads(out.read_text(encoding="utf-8"))
    title, events = events_from_data(data, ROOM)
    assert title == TITLE
    assert written == json.loads(json.dumps(report_json(build_report(events, ROOM, title))))
    assert written["metrics"]["gmv"]["value"] == 332_100 and written["show"] == 1


def test_report_through_a_running_relay_says_the_same(
    show: tuple[Path, str], relay_on_show: RelayProcess, tmp_path: Path
) -> None:
    data, token = show
    through, direct = tmp_path / "relay.json", tmp_path / "data.json"
    owner = ("--owner-token-file", secret_file(tmp_path, token))
    result = shopcast("report", ROOM, "--relay", relay_on_show.url, *owner, "--out", str(through))
    assert result.returncode == 0, result.stderr
    assert shopcast("report", ROOM, "--data", str(data), "--out", str(direct)).returncode == 0
    relayed, read = json.loads(through.read_text("utf-8")), json.loads(direct.read_text("utf-8"))
    # the relay logged its start after the show: the show's numbers do not move
    assert relayed["metrics"] == read["metrics"] and relayed["segments"] == read["segments"]


def test_report_html_and_csv(show: tuple[Path, str], tmp_path: Path) -> None:
    pytest.importorskip("app.analytics.report_html")
    data, _ = show
    out, tables = tmp_path / "report.html", tmp_path / "tables"
    result = shopcast("report", ROOM, "--data", str(data), "--out", str(out), "--csv", str(tables), "--lang", "en")
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lstrip().lower().startswith("<!doctype html>")
    assert "模拟直播" in page and "Cotton tee" in page
    assert sorted(p.suffix for p in tables.iterdir()) and all(p.suffix == ".csv" for p in tables.iterdir())


def test_report_errors_are_clear(show: tuple[Path, str], relay_on_show: RelayProcess, tmp_path: Path) -> None:
    data, token = show
    out = str(tmp_path / "r.json")
    relay = relay_on_show.url
    relay_on_show.create_room("empty")
    owner = ("--owner-token-file", secret_file(tmp_path, token))
    wrong = ("--owner-token-file", secret_file(tmp_path, "wrong"))
    other = ("--owner-token-file", secret_file(tmp_path, "x" * 20))
    cases: list[tuple[list[str], int, str]] = [
        (["nope", "--data", str(data), "--out", out], 1, "has no room named 'nope' (rooms: "),
        (["nope", "--relay", relay, *owner, "--out", out], 1, "has no room named 'nope'"),
        ([ROOM, "--relay", relay, *wrong, "--out", out], 1, "refused the owner token"),
        (["empty", "--relay", relay, *other, "--out", out], 1, "refused the owner token"),
        ([ROOM, "--relay", "http://127.0.0.1:9", *owner, "--out", out], 1, "cannot reach the relay"),
        ([ROOM, "--data", str(tmp_path), "--out", out], 1, "is not a relay's data folder"),
        ([ROOM, "--data", str(data), "--out", str(tmp_path / "missing" / "r.json")], 2, "does not exist"),
        ([ROOM, "--data", str(data), "--out", str(tmp_path)], 2, "is a folder"),
        ([ROOM, "--data", str(data), "--out", str(tmp_path / "r.pdf")], 2, "must end in .html"),
        ([ROOM, "--out", out], 2, "say where the room's event log is"),
        ([ROOM, "--relay", relay, "--out", out], 2, "needs the room's owner token"),
        ([ROOM, "--relay", relay, "--owner-token", token, "--out", out], 2, "--owner-token would put the room's owner"),
        ([ROOM, "--relay", relay, "--owner-token-file", str(tmp_path / "none"), "--out", out], 2, "cannot read it"),
        ([ROOM, "--data", str(data), "--out", out, "--show", "2"], 1, "there is no show 2"),
        ([ROOM, "--data", str(data), "--out", out, "--show", "0"], 2, "a show is numbered 1, 2"),
    ]
    for args, code, message in cases:
        result = shopcast("report", *args, timeout=60)
        assert (result.returncode, message in result.stderr) == (code, True), (args, result.stderr)
    assert not (tmp_path / "r.json").exists(), "nothing written when something is wrong"
    # a folder nobody may write in (root may write anywhere but /proc)
    locked = Path("/proc") if os.geteuid() == 0 else tmp_path / "locked"
    if locked != Path("/proc"):
        locked.mkdir()
        locked.chmod(0o500)
    result = shopcast("report", ROOM, "--data", str(data), "--out", str(locked / "r.json"))
    assert result.returncode in (1, 2) and (
        "cannot be written (permission denied)" in result.stderr or "cannot write the report" in result.stderr
    ), result.stderr


def test_a_room_with_no_events_has_nothing_to_report(relay: RelayProcess, tmp_path: Path) -> None:
    token = relay.create_room("blank")["owner_token"]
    result = shopcast(
        "report",
        "blank",
        "--relay",
        relay.url,
        "--owner-token-file",
        secret_file(tmp_path, token),
        "--out",
        str(tmp_path / "r.json"),
    )
    assert result.returncode == 1 and "room 'blank' has no events yet" in result.stderr
