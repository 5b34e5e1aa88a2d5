"""The studio's saved settings: the file, its secrets, and how ``shopcast studio`` uses it.

The command line's options override the saved settings for one run and are never saved; a configured
RTMP destination is pushed to with no flag at all (a real nginx-rtmp), and its stream key shows up in no
log line and on no child process's command line.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import cli, paths
from app.paths import config_home, data_home
from app.session import StudioSession
from app.session_config import BundledRelayConfig, ExternalRelay, SessionConfig, WhipTarget
from app.settings_store import (
    DEFAULT_HOTKEYS,
    DeviceSettings,
    OutputSettings,
    Overrides,
    RtmpDestination,
    SettingError,
    SettingsStore,
    StreamSettings,
    StudioSettings,
    VideoSettings,
    WhipDestination,
    changed,
    effective,
    next_live_config,
    settings_from_json,
    settings_to_json,
    validate,
)
from pipeline.broadcast import BroadcastSettings
from tests.helpers.fakes import FakeDevices
from tests.helpers.nginx_rtmp import NginxRtmp
from tests.helpers.processes import free_port
from tests.helpers.waiting import wait_until

SECRET = "sk-live-7f3a9c1e5b2d"
"""A stream key that must never be seen outside the settings file and the pusher's environment."""


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("SHOPCAST_CONFIG_DIR", str(folder))
    monkeypatch.delenv("SHOPCAST_STREAM_KEY", raising=False)
    monkeypatch.delenv("SHOPCAST_OWNER_TOKEN", raising=False)
    return folder


def full_settings() -> StudioSettings:
    return StudioSettings(
        stream=StreamSettings(relay="https://relay.example.com", room="spring", stream_key=SECRET, owner_token="own-1"),
        output=OutputSettings(
            record=True,
            recording_dir="/srv/recordings",
            rtmp=(RtmpDestination("rtmp://live.example.com/app", SECRET),),
            whip=(WhipDestination("https://whip.example.com/live", "tok-9"),),
        ),
        video=VideoSettings(canvas="portrait,landscape", ladder="720p,360p", fps="25", preset="veryfast"),
        hotkeys={**DEFAULT_HOTKEYS, "mute_mic": "Ctrl+Alt+M"},
        language="zh_CN",
    )


# --- the file ------------------------------------------------------------------------------------------


def test_the_settings_live_in_the_users_config_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SHOPCAST_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert SettingsStore.default().path == tmp_path / "xdg" / "shopcast" / "studio.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_home() == tmp_path / "home" / ".config" / "shopcast"
    monkeypatch.setenv("SHOPCAST_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert SettingsStore.default().path == tmp_path / "elsewhere" / "studio.json"


@pytest.mark.parametrize(
    ("system", "settings", "data"),
    [
        ("win32", ["Roaming", "ShopCast"], ["Local", "ShopCast"]),
        (
            "darwin",
            ["Library", "Application Support", "ShopCast", "Settings"],
            ["Library", "Application Support", "ShopCast"],
        ),
    ],
)
def test_windows_and_macos_keep_settings_and_data_in_their_own_standard_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, system: str, settings: list[str], data: list[str]
) -> None:
    monkeypatch.delenv("SHOPCAST_CONFIG_DIR", raising=False)
    monkeypatch.setattr(paths, "_system", lambda: system)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert config_home() == tmp_path.joinpath(*settings)
    assert data_home() == tmp_path.joinpath(*data)


def test_settings_round_trip_through_a_private_file(config_dir: Path) -> None:
    store = SettingsStore.default()
    assert store.load() == StudioSettings(), "no file yet: the defaults"
    store.save(full_settings())
    path = config_dir / "studio.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "it holds stream keys"
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    assert [p.name for p in config_dir.iterdir()] == ["studio.json"], "no temporary file left behind"
    data = json.loads(path.read_text())
    assert data["format"] == "shopcast.studio-settings" and data["version"] == 1
    assert data["output"]["rtmp"] == [{"url": "rtmp://live.example.com/app", "key": SECRET}]

    again = SettingsStore.default()
    loaded = again.load()
    assert loaded == full_settings()
    assert again.problem is None
    assert loaded.output.rtmp[0].full_url == f"rtmp://live.example.com/app/{SECRET}"


def test_a_partial_file_keeps_the_defaults_for_what_it_leaves_out(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "studio.json").write_text(json.dumps({"output": {"rtmp": [{"url": "rtmp://h/live/key1"}]}}))
    settings = SettingsStore.default().load()
    assert settings.output.rtmp == (RtmpDestination("rtmp://h/live/key1"),)
    assert settings.video == VideoSettings()
    assert dict(settings.hotkeys) == dict(DEFAULT_HOTKEYS)


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("{not json", "(file)"),
        (json.dumps({"video": {"ladder": "999p"}}), "video.ladder"),
        (json.dumps({"video": {"fps": "120"}}), "video.fps"),
        (
            json.dumps({"output": {"rtmp": [{"url": "http://wrong.example.com/app", "key": SECRET}]}}),
            "output.rtmp[0].url",
        ),
        (json.dumps({"output": {"rtmp": [{"url": "rtmp://h/live", "key": SECRET + " x"}]}}), "output.rtmp[0].key"),
        (json.dumps({"output": {"record": "yes"}}), "output.record"),
        (json.dumps({"stream": {"room": "no spaces please"}}), "stream.room"),
        (json.dumps({"stream": {"relay": "https://relay.example.com"}}), "stream.stream_key"),
        (json.dumps({"hotkeys": {"mute_mic": "Ctrl+T"}}), "hotkeys.mute_mic"),
        (json.dumps({"hotkeys": {"fly": "F1"}}), "hotkeys.fly"),
        (json.dumps({"hotkeys": {"go_live": "Ctrl+Q"}}), "hotkeys.go_live"),
        (json.dumps({"language": "fr"}), "language"),
        (json.dumps({"volume": 11}), "volume"),
        (json.dumps({"format": "shopcast.scenes"}), "format"),
    ],
)
def test_a_bad_settings_file_is_set_aside_and_named(
    config_dir: Path, caplog: pytest.LogCaptureFixture, content: str, field: str
) -> None:
    config_dir.mkdir()
    path = config_dir / "studio.json"
    path.write_text(content)
    store = SettingsStore.default()
    with caplog.at_level(logging.WARNING):
        settings = store.load()
    assert settings == StudioSettings(), "the defaults are used"
    assert store.problem is not None and store.problem.field == field
    assert not path.exists()
    assert (config_dir / "studio.json.unreadable").read_text() == content, "kept for the user to repair"
    assert f"({field}: " in caplog.text and "studio.json.unreadable" in caplog.text
    assert SECRET not in caplog.text, "the message never echoes a key"
    store.save(store.settings)
    assert SettingsStore.default().load() == StudioSettings(), "and a good file is written in its place"


def test_saving_refuses_what_cannot_be_used_and_keeps_the_file(config_dir: Path) -> None:
    store = SettingsStore.default()
    store.save(full_settings())
    before = (config_dir / "studio.json").read_bytes()
    bad = StudioSettings(output=OutputSettings(whip=(WhipDestination("ftp://nope"),)))
    with pytest.raises(SettingError) as caught:
        store.save(bad)
    assert caught.value.field == "output.whip[0].url"
    assert (config_dir / "studio.json").read_bytes() == before
    assert store.settings == full_settings()


@pytest.mark.parametrize(
    ("settings", "field", "chinese"),
    [
        (StudioSettings(stream=StreamSettings(relay="relay.example.com")), "stream.relay", "中继服务器填 bundled"),
        (StudioSettings(stream=StreamSettings(room="a room")), "stream.room", "直播间名称须为"),
        (
            StudioSettings(
                output=OutputSettings(rtmp=(RtmpDestination("rtmp://h/app", "ok"), RtmpDestination("h", "k")))
            ),
            "output.rtmp[1].url",
            "第 2 个 RTMP 目的地",
        ),
        (StudioSettings(output=OutputSettings(recording_dir="Videos")), "output.recording_dir", "完整路径"),
        (StudioSettings().with_hotkeys({"go_live": "Ctrl+Q"}), "hotkeys.go_live", "“退出”的快捷键"),
    ],
)
def test_what_a_person_types_wrong_is_also_said_in_chinese(settings: StudioSettings, field: str, chinese: str) -> None:
    with pytest.raises(SettingError) as caught:
        validate(settings)
    assert caught.value.field == field
    assert chinese in caught.value.message_zh, caught.value.message_zh


def test_json_round_trip_and_what_changed() -> None:
    settings = full_settings()
    assert settings_from_json(json.loads(json.dumps(settings_to_json(settings)))) == settings
    assert changed(settings, settings) == set()
    other = settings.with_hotkeys({"go_live": "F9"})
    assert changed(settings, other) == {"hotkeys.go_live"}


# --- the command line over the settings -------------------------------------------------------------------


def test_flags_override_the_settings_for_one_run_only() -> None:
    saved = full_settings()
    overrides = Overrides(ladder="480p", rtmp=("rtmp://other.example.com/live/flagkey",), room="flagroom")
    run = effective(saved, overrides)
    assert run.video.ladder == "480p" and run.video.canvas == "portrait,landscape"
    assert [r.full_url for r in run.output.rtmp] == ["rtmp://other.example.com/live/flagkey"]
    assert run.stream.room == "flagroom" and run.stream.stream_key == SECRET
    assert overrides.given() == ["--room", "--rtmp", "--ladder"]
    assert effective(saved, Overrides()) == saved


def test_the_next_live_follows_the_outputs_ladder_and_preset() -> None:
    config = SessionConfig(broadcast=BroadcastSettings(preset="ultrafast"))
    later = next_live_config(config, full_settings())
    assert later.rtmp_urls == (f"rtmp://live.example.com/app/{SECRET}",)
    assert later.whip_targets == (WhipTarget("https://whip.example.com/live", "tok-9"),)
    assert later.recording_dir == Path("/srv/recordings")
    assert [r.name for r in later.broadcast.rungs] == ["720p", "360p"]
    assert later.broadcast.preset == "veryfast"
    assert later.program == config.program, "the canvas and frame rate wait for the next start"


@pytest.fixture
def studio_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """``shopcast studio …`` through ``cli.main`` up to the window: what it would open it with."""
    opened: list[dict[str, Any]] = []

    def run_studio(config: SessionConfig, **kwargs: Any) -> int:
        opened.append({"config": config, **kwargs})
        return 0

    monkeypatch.setattr("app.gui.run_studio", run_studio)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield opened
    root.handlers[:] = handlers  # cli.main installs its own handler; pytest's capture comes back
    root.setLevel(level)


def studio(opened: list[dict[str, Any]], *argv: str, verbose: bool = False) -> dict[str, Any]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert cli.main(["-v"] * verbose + ["studio", *argv]) == 0
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return opened[-1]


def test_the_studio_runs_on_the_saved_settings(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]]
) -> None:
    SettingsStore.default().save(
        StudioSettings(
            output=OutputSettings(
                record=True, recording_dir=str(tmp_path / "rec"), rtmp=(RtmpDestination("rtmp://h/live", SECRET),)
            ),
            video=VideoSettings(canvas="landscape", ladder="480p,360p", fps="25", preset="superfast"),
            language="zh_CN",
        )
    )
    opened = studio(studio_cli, "--data", str(tmp_path / "data"))
    config: SessionConfig = opened["config"]
    assert config.rtmp_urls == (f"rtmp://h/live/{SECRET}",), "a configured RTMP destination needs no flag"
    assert config.recording_dir == tmp_path / "rec"
    assert config.program.canvases[0].name == "landscape" and config.program.fps == 25
    assert [r.name for r in config.broadcast.rungs] == ["480p", "360p"] and config.broadcast.preset == "superfast"
    assert isinstance(config.relay, BundledRelayConfig) and config.relay.room == "demo"
    assert opened["language"] == "zh_CN" and config.language == "zh_CN"
    assert opened["settings"].settings.output.rtmp[0].key == SECRET
    assert opened["overrides"] == Overrides()


def test_the_scene_collection_lives_beside_the_settings_and_an_older_one_moves_there(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    SettingsStore.default().save(StudioSettings())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "xdg" / "shopcast" / "studio"  # the studio's default data folder
    data.mkdir(parents=True)
    older = '{"format": "an earlier build kept it here"}'
    (data / "scenes.json").write_text(older, encoding="utf-8")
    config: SessionConfig = studio(studio_cli)["config"]
    assert config.scenes_file == config_dir / "scenes.json"
    assert (config_dir / "scenes.json").read_text(encoding="utf-8") == older
    assert not (data / "scenes.json").exists(), "moved, not copied: one collection"
    (data / "scenes.json").write_text("{}", encoding="utf-8")
    assert studio(studio_cli)["config"].scenes_file == config_dir / "scenes.json"
    assert (config_dir / "scenes.json").read_text(encoding="utf-8") == older, "the one beside the settings wins"

    elsewhere = tmp_path / "other-data"  # a second studio's own data folder: its file is not taken
    elsewhere.mkdir()
    (elsewhere / "scenes.json").write_text("{}", encoding="utf-8")
    studio(studio_cli, "--data", str(elsewhere))
    assert (elsewhere / "scenes.json").exists()
    assert studio(studio_cli, "--scenes", str(tmp_path / "show.json"))["config"].scenes_file == tmp_path / "show.json"


def test_flags_win_for_that_run_and_are_not_saved(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]]
) -> None:
    SettingsStore.default().save(
        StudioSettings(
            output=OutputSettings(rtmp=(RtmpDestination("rtmp://h/live", SECRET),)),
            video=VideoSettings(ladder="480p,360p"),
        )
    )
    before = (config_dir / "studio.json").read_bytes()
    opened = studio(
        studio_cli,
        "--data", str(tmp_path / "data"), "--ladder", "720p", "--rtmp", "rtmp://flag.example.com/live/flagkey",
        "--room", "flagroom", "--lang", "en",
    )  # fmt: skip
    config: SessionConfig = opened["config"]
    assert config.rtmp_urls == ("rtmp://flag.example.com/live/flagkey",)
    assert [r.name for r in config.broadcast.rungs] == ["720p"]
    assert isinstance(config.relay, BundledRelayConfig) and config.relay.room == "flagroom"
    assert opened["language"] == "en"
    assert (config_dir / "studio.json").read_bytes() == before, "nothing given on the command line is saved"
    assert opened["settings"].settings.video.ladder == "480p,360p", "the Settings window shows what is saved"
    assert set(opened["overrides"].given()) == {"--room", "--rtmp", "--ladder", "--lang"}

    opened = studio(studio_cli, "--data", str(tmp_path / "data"))
    assert opened["config"].rtmp_urls == (f"rtmp://h/live/{SECRET}",), "the next run is back on the settings"


def test_an_external_relay_from_the_settings(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]]
) -> None:
    SettingsStore.default().save(
        StudioSettings(stream=StreamSettings(relay="https://relay.example.com", room="spring", stream_key=SECRET))
    )
    config: SessionConfig = studio(studio_cli, "--data", str(tmp_path / "data"))["config"]
    assert config.relay == ExternalRelay("https://relay.example.com", "spring", SECRET, None)
    key_file = tmp_path / "key"
    key_file.write_text("flag-key\n")
    config = studio(studio_cli, "--data", str(tmp_path / "data"), "--key-file", str(key_file))["config"]
    assert isinstance(config.relay, ExternalRelay) and config.relay.stream_key == "flag-key"
    assert studio_cli[-1]["overrides"].given() == ["--key-file"]


def test_a_key_on_the_command_line_is_refused_and_told_where_it_goes(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    for flag, instead in (("--key", "--key-file FILE or $SHOPCAST_STREAM_KEY"),
                          ("--owner-token", "--owner-token-file FILE or $SHOPCAST_OWNER_TOKEN")):  # fmt: skip
        with pytest.raises(SystemExit) as stopped:
            cli.main(["studio", "--data", str(tmp_path / "data"), "--relay", "https://relay.example.com",
                      flag, "flag-key"])  # fmt: skip
        assert stopped.value.code == 2
        said = capsys.readouterr().err
        assert f"{flag} would put" in said and f"use {instead}" in said and "flag-key" not in said
    with pytest.raises(SystemExit):
        cli.main(["studio", "--key-file", str(tmp_path / "nowhere")])
    assert "--key-file" in capsys.readouterr().err


def test_an_external_relay_without_a_key_is_refused(
    config_dir: Path, tmp_path: Path, studio_cli: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["studio", "--data", str(tmp_path / "data"), "--relay", "https://relay.example.com"]) == 2
    assert "needs the room's stream key" in capsys.readouterr().err
    assert not studio_cli


# --- the secret stays secret --------------------------------------------------------------------------------


def test_the_log_masks_bearer_tokens_a_library_writes() -> None:
    record = logging.LogRecord(
        "websockets.client", logging.DEBUG, __file__, 1, "> Authorization: Bearer %s", (SECRET,), None
    )
    assert cli._Formatter().format(record) == "shopcast: debug: > Authorization: Bearer …"


def descendants() -> dict[int, bytes]:
    """Every process below this one: pid → its command line as /proc has it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), 0)
        parents[int(entry.name)] = ppid
    found: dict[int, bytes] = {}
    wanted = {os.getpid()}
    while wanted:
        children = {pid for pid, ppid in parents.items() if ppid in wanted and pid not in found}
        for pid in children:
            try:
                found[pid] = (Path("/proc") / str(pid) / "cmdline").read_bytes()
            except OSError:
                found[pid] = b""
        wanted = children
    return found


@pytest.mark.slow
def test_a_configured_rtmp_destination_is_pushed_to_and_its_key_is_never_shown(
    config_dir: Path,
    tmp_path: Path,
    studio_cli: list[dict[str, Any]],
    no_devices: FakeDevices,
    caplog: pytest.LogCaptureFixture,
) -> None:
    nginx = NginxRtmp(tmp_path / "rtmp").start()
    dead_key, dead_port = "sk-dead-0e1f2a3b4c", free_port()
    SettingsStore.default().save(
        StudioSettings(
            output=OutputSettings(
                rtmp=(
                    RtmpDestination(f"rtmp://127.0.0.1:{nginx.port}/live", SECRET),
                    RtmpDestination(f"rtmp://127.0.0.1:{dead_port}/live", dead_key),  # nobody listens
                ),
            ),
            video=VideoSettings(preset="ultrafast"),
            devices=DeviceSettings(mic="tone", camera="test"),
        )
    )
    # Logging as `shopcast -v studio` sets it up, all of it kept.
    config: SessionConfig = studio(studio_cli, "--data", str(tmp_path / "data"), "--port", "0", verbose=True)["config"]
    assert not any(flag.startswith("--rtmp") for flag in studio_cli[-1]["overrides"].given())
    caplog.set_level(logging.DEBUG)
    session = StudioSession(config, devices=no_devices)
    secrets = [SECRET, dead_key]
    try:
        session.start()
        session.connect_relay_now()
        relay = session.bundled_relay
        assert relay is not None
        secrets.append(relay.admin_token)
        session.go_live_now()
        target = session.relay_target
        assert target is not None and target.owner_token is not None
        secrets += [target.stream_key, target.owner_token]  # in clear only in the studio: the relay keeps hashes
        rooms = json.loads((tmp_path / "data" / "rooms.json").read_text())["rooms"]
        assert all(secret not in json.dumps(rooms) for secret in secrets)
        recorded = nginx.recorded(SECRET)
        wait_until(lambda: recorded.exists() and recorded.stat().st_size > 100_000, 30, "nginx to receive the stream")
        children = descendants()
        pushers = [cmd for cmd in children.values() if b"rtmp_child.py" in cmd]
        assert len(pushers) >= 1, children
        for pid, cmdline in children.items():
            for secret in secrets:
                assert secret.encode() not in cmdline, f"a secret on the command line of {pid}: {cmdline!r}"

        def dead_one_retried() -> bool:
            outputs = session.stats().broadcast.outputs  # type: ignore[union-attr]
            return any(f":{dead_port}/" in o.name and o.retries > 0 for o in outputs)

        wait_until(dead_one_retried, 30, "the unreachable destination to retry")
        report = session.end_live_now()
    finally:
        session.close()
        nginx.stop()
    outputs = {o.name: o for o in report.outputs}
    shown = f"rtmp rtmp://127.0.0.1:{nginx.port}/live/…"
    assert outputs[shown].complete, outputs[shown].message
    assert "reconnecting" in caplog.text and "/live/…" in caplog.text, "the failing one was logged, redacted"
    for secret in secrets:
        assert secret not in caplog.text
        assert all(secret not in o.message for o in report.outputs)
