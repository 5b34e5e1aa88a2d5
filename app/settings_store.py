"""The studio's settings, as OBS's Settings window has them, saved between runs.

Sections: Stream (the relay: the bundled one or a URL; the room; its stream key and owner token),
Output (the recording, RTMP destinations each a URL and a key, WHIP destinations each a URL and a bearer
token), Video (canvas, ladder, frame rate, x264 preset, as the command line takes them), Devices (the
microphone and the host camera), Hotkeys ({action id: key sequence in Qt's portable text}) and the
interface Language. :class:`StudioSettings` is a frozen record of them; :class:`SettingsStore` reads
and writes it as JSON at ``$XDG_CONFIG_HOME/shopcast/studio.json`` (``~/.config``; a test or a second
profile points ``SHOPCAST_CONFIG_DIR`` elsewhere). The file holds stream keys, so it is written
atomically and readable by its owner only (0600). One that cannot be read or holds an invalid value is
set aside as ``studio.json.unreadable`` with a warning naming the field, and the defaults are used.

``shopcast studio`` builds its session from the saved settings; the command line's flags override them
for that one run and are never saved (:class:`Overrides`, :func:`effective`). While the studio runs,
a change to the outputs, the ladder or the preset applies at the next Go Live
(:func:`next_live_config`); the stream, the canvas, the frame rate, the devices and the language at
the next start; hotkeys at once. The dock layout (Qt's saved state, opaque bytes) lives beside the
settings in ``layout.json``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from app.paths import config_home
from app.relay.rooms import ROOM_NAME_RULE, ROOM_NAME_RULE_ZH, valid_room_name
from app.session_config import SessionConfig, WhipTarget
from pipeline.canvas import parse_canvases
from pipeline.encoders import X264_PRESETS, parse_ladder
from pipeline.outputs.rtmp import check_rtmp_url
from pipeline.outputs.whip import check_whip_url
from pipeline.sources import parse_audio_spec, parse_video_spec

log = logging.getLogger(__name__)

FORMAT = "shopcast.studio-settings"
VERSION = 1
FILE_NAME = "studio.json"
LAYOUT_FILE_NAME = "layout.json"
SCENES_FILE_NAME = "scenes.json"
"""The studio's scene collection, beside the settings (as OBS keeps its scene collections in its
configuration folder); app/scenes.py reads and writes it."""
LAYOUT_FORMAT = "shopcast.studio-layout"

BUNDLED = "bundled"
"""``stream.relay``: the relay the studio starts for itself."""
LANGUAGES = ("system", "en", "zh_CN")
PRESETS = ("auto", *X264_PRESETS)

HOTKEY_ACTIONS: tuple[str, ...] = (
    "go_live",
    "next_segment",
    "launch_promotion",
    *(f"scene_{n}" for n in range(1, 10)),
    "studio_transition",
    "mute_mic",
    "beautify_toggle",
)
"""Every action a hotkey can run, in the order the Hotkeys page lists them."""

DEFAULT_HOTKEYS: Mapping[str, str] = MappingProxyType(
    {
        # Hard to press by accident: going live, and ending (which still asks), are one chord away.
        "go_live": "Ctrl+Shift+L",
        # A presentation clicker sends PgDown on "next": the host walks the run-of-show with it.
        # Launching a promotion sells stock: a chord no clicker sends and no stray key presses
        # (a clicker's "back", PgUp, is left alone).
        "next_segment": "PgDown",
        "launch_promotion": "Ctrl+Return",
        **{f"scene_{n}": f"Ctrl+{n}" for n in range(1, 10)},
        "studio_transition": "Ctrl+T",
        "mute_mic": "Ctrl+Shift+M",
        "beautify_toggle": "Ctrl+Shift+B",
    }
)
"""Key sequences in Qt's portable text (``QKeySequence.toString(PortableText)``)."""

RESERVED_KEYS: Mapping[str, str] = MappingProxyType({"Ctrl+Q": "quit", "Ctrl+,": "settings"})
"""Key sequences the window's menus use (not assignable to an action)."""
RESERVED_KEY_NAMES_ZH: Mapping[str, str] = MappingProxyType({"quit": "退出", "settings": "设置"})
"""What :data:`RESERVED_KEYS` name, in Chinese."""


class SettingError(ValueError):
    """A setting that cannot be used: ``field`` names it (``output.rtmp[1].url``), the message says why
    (never echoing a key or a token)."""

    def __init__(self, field_name: str, message: str, message_zh: str = "") -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message
        self.message_zh = message_zh
        """The message in Chinese, where the studio shows it to a person typing (Settings, first run)."""


# --- the record -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamSettings:
    relay: str = BUNDLED
    """``bundled`` or an external relay's ``http(s)://`` base URL."""
    room: str = "demo"
    stream_key: str = ""
    """The room's stream key on an external relay (the bundled relay makes its own)."""
    owner_token: str = ""
    """The room's owner token on an external relay: the commerce console needs it."""

    @property
    def bundled(self) -> bool:
        return self.relay == BUNDLED


@dataclass(frozen=True, slots=True)
class RtmpDestination:
    url: str
    """The server, ``rtmp://host[:port]/app`` (OBS's "Server"), or the whole URL with the key."""
    key: str = ""
    """The stream key (OBS's "Stream Key"), appended to the URL; "" when the URL already ends in it."""

    @property
    def full_url(self) -> str:
        return f"{self.url.rstrip('/')}/{self.key}" if self.key else self.url


@dataclass(frozen=True, slots=True)
class WhipDestination:
    url: str
    token: str = ""
    """Sent as ``Authorization: Bearer``; "" for none."""


@dataclass(frozen=True, slots=True)
class OutputSettings:
    record: bool = False
    recording_dir: str = ""
    """Where recordings go; "" is :func:`default_recording_dir`."""
    rtmp: tuple[RtmpDestination, ...] = ()
    whip: tuple[WhipDestination, ...] = ()


@dataclass(frozen=True, slots=True)
class VideoSettings:
    canvas: str = "portrait"
    """``portrait``, ``landscape``, ``WIDTHxHEIGHT``, or two with a comma (dual format)."""
    ladder: str = "720p,480p,360p"
    fps: str = "30"
    """A frame rate as ``--fps`` takes it: ``30``, ``25``, ``30000/1001``."""
    preset: str = "auto"


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    mic: str = "default"
    """``default``, a device number, ``tone`` or ``none``."""
    camera: str = ""
    """The host camera (``camera[:N]``, ``test``, ``file:PATH``); "" keeps the scene collection's."""


def _default_hotkeys() -> Mapping[str, str]:
    return MappingProxyType(dict(DEFAULT_HOTKEYS))


@dataclass(frozen=True, slots=True)
class StudioSettings:
    stream: StreamSettings = field(default_factory=StreamSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    hotkeys: Mapping[str, str] = field(default_factory=_default_hotkeys)
    """Every action of :data:`HOTKEY_ACTIONS` → its key sequence ("" for none)."""
    language: str = "system"
    """``system``, ``en`` or ``zh_CN``."""

    def with_hotkeys(self, hotkeys: Mapping[str, str]) -> StudioSettings:
        """These settings with ``hotkeys`` changed (actions not named keep theirs)."""
        return replace(self, hotkeys=MappingProxyType({**self.hotkeys, **hotkeys}))


def default_recording_dir() -> Path:
    return Path.home() / "Videos" / "ShopCast"


def recording_dir(settings: StudioSettings) -> Path | None:
    """Where the show is recorded, None when recording is off."""
    output = settings.output
    if not output.record:
        return None
    return Path(output.recording_dir).expanduser() if output.recording_dir else default_recording_dir()


def parse_fps(text: str) -> Fraction:
    """A frame rate (``30``, ``29.97``, ``30000/1001``) between 1 and 60; ValueError says why not."""
    try:
        fps = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a frame rate (e.g. 30 or 30000/1001)") from None
    if not 1 <= fps <= 60:
        raise ValueError("the frame rate must be between 1 and 60")
    return fps


def normal_keys(sequence: str) -> str:
    """A key sequence compared loosely (case and spaces ignored): ``ctrl + t`` is ``Ctrl+T``."""
    return "".join(sequence.split()).lower()


# --- checking ---------------------------------------------------------------------------------------


def _no_space(value: str, where: str, what: str, what_zh: str) -> None:
    if any(c.isspace() for c in value):
        raise SettingError(
            where,
            f"the {what} has a space or a line break in it (pasted with one?)",
            f"{what_zh}里有空格或换行（粘贴时带进来的？）",
        )


def validate(settings: StudioSettings) -> StudioSettings:
    """``settings`` if every value can be used; else :class:`SettingError` naming the first that cannot."""
    s = settings.stream
    if not s.bundled:
        parts = urlsplit(s.relay)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingError(
                "stream.relay",
                "the relay is 'bundled' or an http:// or https:// URL",
                "中继服务器填 bundled（内置），或 http:// 、https:// 开头的地址",
            )
        if not s.stream_key:
            raise SettingError(
                "stream.stream_key",
                "an external relay needs the room's stream key",
                "外部中继服务器需要直播间的推流密钥",
            )
    if not valid_room_name(s.room):
        raise SettingError("stream.room", f"a room name is {ROOM_NAME_RULE}", f"直播间名称须为{ROOM_NAME_RULE_ZH}")
    _no_space(s.stream_key, "stream.stream_key", "stream key", "推流密钥")
    _no_space(s.owner_token, "stream.owner_token", "owner token", "主播令牌")

    o = settings.output
    if o.recording_dir and not Path(o.recording_dir).expanduser().is_absolute():
        raise SettingError(
            "output.recording_dir",
            "the recording folder must be a full path (e.g. ~/Videos)",
            "录制文件夹须为完整路径（如 ~/Videos）",
        )
    for i, rtmp in enumerate(o.rtmp):
        where = f"output.rtmp[{i}]"
        _no_space(rtmp.key, f"{where}.key", "stream key", f"第 {i + 1} 个 RTMP 目的地的推流密钥")
        if urlsplit(rtmp.url).scheme not in ("rtmp", "rtmps") or not urlsplit(rtmp.url).hostname:
            raise SettingError(
                f"{where}.url",
                "an RTMP server looks like rtmp://host[:port]/app",
                f"第 {i + 1} 个 RTMP 目的地：服务器地址形如 rtmp://主机[:端口]/应用",
            )
        try:
            check_rtmp_url(rtmp.full_url)
        except ValueError as exc:
            missing_key = not rtmp.key and urlsplit(rtmp.url).path.count("/") < 2
            raise SettingError(f"{where}.key" if missing_key else f"{where}.url", str(exc)) from None
    for i, whip in enumerate(o.whip):
        where = f"output.whip[{i}]"
        try:
            check_whip_url(whip.url)
        except ValueError as exc:
            raise SettingError(f"{where}.url", str(exc)) from None
        _no_space(whip.token, f"{where}.token", "bearer token", f"第 {i + 1} 个 WHIP 目的地的 Bearer 令牌")

    v = settings.video
    checks = (
        ("video.canvas", parse_canvases, v.canvas),
        ("video.ladder", parse_ladder, v.ladder),
        ("video.fps", parse_fps, v.fps),
        ("devices.mic", parse_audio_spec, settings.devices.mic),
    )
    for where, parse, value in checks:
        try:
            parse(value)
        except ValueError as exc:
            raise SettingError(where, str(exc)) from None
    if v.preset not in PRESETS:
        raise SettingError(
            "video.preset",
            f"{v.preset!r} is not one of {', '.join(PRESETS)}",
            f"编码预设 {v.preset!r} 不是以下之一：{', '.join(PRESETS)}",
        )
    if settings.devices.camera:
        try:
            parse_video_spec(settings.devices.camera)
        except ValueError as exc:
            raise SettingError("devices.camera", str(exc)) from None

    seen: dict[str, str] = {}
    reserved = {normal_keys(k): what for k, what in RESERVED_KEYS.items()}
    for action, keys in settings.hotkeys.items():
        where = f"hotkeys.{action}"
        if action not in HOTKEY_ACTIONS:
            raise SettingError(where, f"no such action (there are: {', '.join(HOTKEY_ACTIONS)})")
        if not keys:
            continue
        key = normal_keys(keys)
        if key in reserved:
            what_zh = RESERVED_KEY_NAMES_ZH.get(reserved[key], reserved[key])
            raise SettingError(where, f"{keys} is the {reserved[key]} shortcut", f"{keys} 是“{what_zh}”的快捷键")
        if key in seen:
            raise SettingError(
                where, f"{keys} is already the hotkey of {seen[key]}", f"{keys} 已是另一个操作（{seen[key]}）的快捷键"
            )
        seen[key] = action
    if settings.language not in LANGUAGES:
        raise SettingError("language", f"{settings.language!r} is not one of {', '.join(LANGUAGES)}")
    return settings


# --- JSON -------------------------------------------------------------------------------------------


def settings_to_json(settings: StudioSettings) -> dict[str, Any]:
    s, o, v, d = settings.stream, settings.output, settings.video, settings.devices
    return {
        "format": FORMAT,
        "version": VERSION,
        "stream": {"relay": s.relay, "room": s.room, "stream_key": s.stream_key, "owner_token": s.owner_token},
        "output": {
            "record": o.record,
            "recording_dir": o.recording_dir,
            "rtmp": [{"url": r.url, "key": r.key} for r in o.rtmp],
            "whip": [{"url": w.url, "token": w.token} for w in o.whip],
        },
        "video": {"canvas": v.canvas, "ladder": v.ladder, "fps": v.fps, "preset": v.preset},
        "devices": {"mic": d.mic, "camera": d.camera},
        "hotkeys": dict(settings.hotkeys),
        "language": settings.language,
    }


def _section(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingError(name, f"expected an object, got {type(value).__name__}")
    return value


def _fields(
    record: type[Any], values: Mapping[str, Any], where: str, *, kinds: Mapping[str, type] | None = None
) -> Any:
    """``record`` made of ``values`` (a JSON object): every key one of its fields, every value its type;
    fields not given keep their defaults."""
    names = {f.name for f in fields(record)}
    given: dict[str, Any] = {}
    for name, value in values.items():
        if name not in names:
            raise SettingError(f"{where}.{name}", f"no such setting (there are: {', '.join(sorted(names))})")
        wanted = (kinds or {}).get(name, str)
        if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
            raise SettingError(f"{where}.{name}", f"expected {wanted.__name__}, got {type(value).__name__}")
        given[name] = value
    return record(**given)


def _list(values: dict[str, Any], name: str, record: type[Any], where: str) -> tuple[Any, ...]:
    items = values.pop(name, [])
    if not isinstance(items, list):
        raise SettingError(f"{where}.{name}", f"expected a list, got {type(items).__name__}")
    made = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise SettingError(f"{where}.{name}[{i}]", f"expected an object, got {type(item).__name__}")
        if "url" not in item:
            raise SettingError(f"{where}.{name}[{i}].url", "missing")
        made.append(_fields(record, item, f"{where}.{name}[{i}]"))
    return tuple(made)


def settings_from_json(data: object) -> StudioSettings:
    """The settings in a parsed ``studio.json``; :class:`SettingError` names the first field that is
    wrong. Sections and fields left out keep their defaults."""
    if not isinstance(data, dict):
        raise SettingError("(file)", f"expected a JSON object, got {type(data).__name__}")
    data = dict(data)
    if data.pop("format", FORMAT) != FORMAT:
        raise SettingError("format", f"not a studio settings file (expected {FORMAT!r})")
    version = data.pop("version", VERSION)
    if version != VERSION:
        raise SettingError("version", f"version {version!r} is not one this studio reads ({VERSION})")
    known = {"stream", "output", "video", "devices", "hotkeys", "language"}
    for name in data:
        if name not in known:
            raise SettingError(name, f"no such section (there are: {', '.join(sorted(known))})")
    output = dict(_section(data, "output"))
    rtmp = _list(output, "rtmp", RtmpDestination, "output")
    whip = _list(output, "whip", WhipDestination, "output")
    hotkeys = _section(data, "hotkeys")
    for action, keys in hotkeys.items():
        if not isinstance(keys, str):
            raise SettingError(f"hotkeys.{action}", f"expected a key sequence, got {type(keys).__name__}")
    language = data.get("language", "system")
    if not isinstance(language, str):
        raise SettingError("language", f"expected str, got {type(language).__name__}")
    settings = StudioSettings(
        stream=_fields(StreamSettings, _section(data, "stream"), "stream"),
        output=replace(_fields(OutputSettings, output, "output", kinds={"record": bool}), rtmp=rtmp, whip=whip),
        video=_fields(VideoSettings, _section(data, "video"), "video"),
        devices=_fields(DeviceSettings, _section(data, "devices"), "devices"),
        hotkeys=MappingProxyType({**DEFAULT_HOTKEYS, **hotkeys}),
        language=language,
    )
    return validate(settings)


# --- the files ----------------------------------------------------------------------------------------


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a crash leaves the old file or the new one), readable by
    its owner only from the moment it exists; the folder is made private too when it is new."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


@dataclass(frozen=True, slots=True)
class SetAside:
    """Why the settings file could not be used, and where it was put."""

    field: str
    message: str
    kept: Path | None
    """The file's new name (``studio.json.unreadable``), None when it could not be renamed."""

    def english(self, path: Path) -> str:
        where = f"kept as {self.kept.name}" if self.kept else "left in place"
        return (
            f"the settings file {path} could not be used ({self.field}: {self.message}); using the defaults ({where})"
        )

    def chinese(self, path: Path) -> str:
        where = f"原文件已保存为 {self.kept.name}" if self.kept else "原文件未改动"
        return f"无法使用设置文件 {path}（{self.field}：{self.message}）；已改用默认设置（{where}）"


@dataclass(frozen=True, slots=True)
class SavedLayout:
    """The studio window's geometry and its docks' arrangement (``QMainWindow.saveGeometry/saveState``)."""

    geometry: bytes
    state: bytes


class SettingsStore:
    """The settings file: :meth:`load` once at start, :meth:`save` after every change (``path`` None:
    kept in memory only, as tests and the demo's throwaway windows may want)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.settings = StudioSettings()
        """The settings as saved (or loaded)."""
        self.problem: SetAside | None = None
        """Set when :meth:`load` had to set the file aside."""
        self._layout: SavedLayout | None = None

    @classmethod
    def default(cls) -> SettingsStore:
        return cls(config_home() / FILE_NAME)

    @property
    def layout_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(LAYOUT_FILE_NAME)

    @property
    def scenes_path(self) -> Path | None:
        """The scene collection's file, beside the settings."""
        return None if self.path is None else self.path.with_name(SCENES_FILE_NAME)

    def adopt_scenes(self, older: Path) -> None:
        """Move a scene collection from where an earlier version kept it (the studio's data folder) to
        :attr:`scenes_path`, once: only while there is none there yet."""
        path = self.scenes_path
        if path is None or path.exists() or not older.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.move(older, path)  # another file system too
            log.info("the scene collection moved from %s to %s, beside the settings", older, path)
        except OSError as exc:
            log.warning("the scene collection could not move from %s to %s: %s", older, path, exc)

    def load(self) -> StudioSettings:
        """Read the file: the defaults when there is none; when it cannot be used, the defaults too, the
        file renamed ``….unreadable`` and :attr:`problem` (also logged) naming the field."""
        self.problem = None
        self.settings = StudioSettings()
        path = self.path
        if path is None or not path.exists():
            return self.settings
        try:
            self.settings = settings_from_json(json.loads(path.read_bytes()))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, SettingError) as exc:
            where, message = (exc.field, exc.message) if isinstance(exc, SettingError) else ("(file)", str(exc))
            aside = path.with_name(path.name + ".unreadable")
            try:
                path.replace(aside)
            except OSError:
                self.problem = SetAside(where, message, None)
            else:
                self.problem = SetAside(where, message, aside)
            log.warning("%s", self.problem.english(path))
        return self.settings

    def save(self, settings: StudioSettings) -> None:
        """Check and write ``settings`` (:class:`SettingError` for a value that cannot be used, OSError
        when the disk refuses); they are :attr:`settings` from then on."""
        validate(settings)
        if self.path is not None:
            text = json.dumps(settings_to_json(settings), ensure_ascii=False, indent=2) + "\n"
            write_private(self.path, text.encode("utf-8"))
        self.settings = settings

    def load_layout(self) -> SavedLayout | None:
        """The window's saved layout, None when there is none or it cannot be read (then logged)."""
        path = self.layout_path
        if path is None:
            return self._layout
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != LAYOUT_FORMAT:
                raise ValueError("not a studio layout file")
            return SavedLayout(
                base64.b64decode(data["geometry"], validate=True), base64.b64decode(data["state"], validate=True)
            )
        except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            log.warning("the window layout in %s could not be read (%s); using the default layout", path, exc)
            return None

    def save_layout(self, layout: SavedLayout) -> None:
        path = self.layout_path
        if path is None:
            self._layout = layout
            return
        data = {
            "format": LAYOUT_FORMAT,
            "version": 1,
            "geometry": base64.b64encode(layout.geometry).decode("ascii"),
            "state": base64.b64encode(layout.state).decode("ascii"),
        }
        write_private(path, (json.dumps(data) + "\n").encode("utf-8"))


# --- the command line's overrides and the session ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line (or the environment) gave for this one run; None: not given, the saved
    setting holds. Never saved."""

    relay: str | None = None
    room: str | None = None
    stream_key: str | None = None
    owner_token: str | None = None
    recording_dir: Path | None = None
    rtmp: tuple[str, ...] | None = None
    """Whole URLs (key included); given, they replace the saved RTMP destinations."""
    whip: tuple[WhipTarget, ...] | None = None
    canvas: str | None = None
    ladder: str | None = None
    fps: str | None = None
    preset: str | None = None
    mic: str | None = None
    camera: str | None = None
    language: str | None = None

    def given(self) -> list[str]:
        """The flags given (``--ladder``, ``--rtmp``, …), as the Settings window lists them."""
        flags = {"stream_key": "--key-file", "owner_token": "--owner-token-file", "recording_dir": "--record",
                 "camera": "--source", "language": "--lang"}  # fmt: skip
        return [
            flags.get(f.name, "--" + f.name.replace("_", "-"))
            for f in fields(self)
            if getattr(self, f.name) is not None
        ]


def effective(settings: StudioSettings, overrides: Overrides) -> StudioSettings:
    """The settings this run uses: ``settings`` with what ``overrides`` gives put over them."""
    o = overrides

    def pick(given: Any, saved: Any) -> Any:
        return saved if given is None else given

    s, out, v, d = settings.stream, settings.output, settings.video, settings.devices
    stream = StreamSettings(
        relay=pick(o.relay, s.relay),
        room=pick(o.room, s.room),
        stream_key=pick(o.stream_key, s.stream_key),
        owner_token=pick(o.owner_token, s.owner_token),
    )
    output = OutputSettings(
        record=out.record if o.recording_dir is None else True,
        recording_dir=out.recording_dir if o.recording_dir is None else str(o.recording_dir),
        rtmp=out.rtmp if o.rtmp is None else tuple(RtmpDestination(url) for url in o.rtmp),
        whip=out.whip if o.whip is None else tuple(WhipDestination(w.url, w.token or "") for w in o.whip),
    )
    video = VideoSettings(
        canvas=pick(o.canvas, v.canvas), ladder=pick(o.ladder, v.ladder), fps=pick(o.fps, v.fps),
        preset=pick(o.preset, v.preset),
    )  # fmt: skip
    devices = DeviceSettings(mic=pick(o.mic, d.mic), camera=pick(o.camera, d.camera))
    return replace(
        settings,
        stream=stream,
        output=output,
        video=video,
        devices=devices,
        language=pick(o.language, settings.language),
    )


def whip_targets(settings: StudioSettings) -> tuple[WhipTarget, ...]:
    return tuple(WhipTarget(w.url, w.token or None) for w in settings.output.whip)


def next_live_config(config: SessionConfig, settings: StudioSettings) -> SessionConfig:
    """``config`` with what can change between two lives taken from ``settings`` (already
    :func:`effective`): the recording, the RTMP and WHIP destinations, the ladder and the preset."""
    broadcast = replace(config.broadcast, rungs=parse_ladder(settings.video.ladder), preset=settings.video.preset)
    return replace(
        config,
        broadcast=broadcast,
        recording_dir=recording_dir(settings),
        rtmp_urls=tuple(r.full_url for r in settings.output.rtmp),
        whip_targets=whip_targets(settings),
    )


NEXT_LIVE = ("output", "video.ladder", "video.preset")
"""What a change applies to at the next Go Live."""
NEXT_START = ("stream", "video.canvas", "video.fps", "devices", "language")
"""What a change applies to at the next start of the studio."""


def changed(old: StudioSettings, new: StudioSettings) -> set[str]:
    """The settings that differ, as ``section.field`` (``hotkeys.mute_mic``, ``output.rtmp``, ``language``)."""
    differ: set[str] = set()
    for section in ("stream", "output", "video", "devices"):
        a, b = getattr(old, section), getattr(new, section)
        differ.update(f"{section}.{f.name}" for f in fields(a) if getattr(a, f.name) != getattr(b, f.name))
    differ.update(f"hotkeys.{a}" for a in HOTKEY_ACTIONS if old.hotkeys.get(a, "") != new.hotkeys.get(a, ""))
    if old.language != new.language:
        differ.add("language")
    return differ


def applies_when(name: str) -> str:
    """``now``, ``next_live`` or ``next_start``: when a change to setting ``name`` takes effect."""
    if any(name == p or name.startswith(p + ".") for p in NEXT_LIVE):
        return "next_live"
    if any(name == p or name.startswith(p + ".") for p in NEXT_START):
        return "next_start"
    return "now"
