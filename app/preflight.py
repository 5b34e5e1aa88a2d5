"""The pre-flight check before Go Live: is everything the show needs there and working?

Each check gives one or more :class:`PreflightRow` — an id, a level (``ok``, ``warning``: the show can
go on but something is off, ``error``: the show would fail or look broken), and a title, a detail and a
hint (the fix) in English and Chinese:

- the camera (none, or the host camera showing the test pattern / its placeholder: warning);
- the microphone (none: warning) and its level over about a second (silent or muted: warning);
- the relay: reachable (refused or no answer: error, naming the URL), the stream key accepted (error
  when not; ``GET …/ingest/check``, app/relay/ingest_check.py) and the upload speed, measured by sending
  it a couple of MB (``POST …/ingest/bandwidth``) against what the stream needs (every canvas's rungs and
  sound, plus the realtime copy and each RTMP/WHIP destination): under 1.5x warning, under 1x error;
- the CPU: the x264 pre-flight the session runs before going live (pipeline/adaptive.py), its verdict
  in its own words (short of the frame rate: error; short of the headroom only: warning);
- the disk, when recording: the free space against four hours of the recording (less: warning; under
  ten minutes: error);
- the run-of-show (app/rundown.py, the relay's ``GET …/rundown``): its products out of stock (error)
  or nearly (warning) in the room's cart, and each of ``check_claims``'s findings.

:class:`Preflight` runs the checks at once, each on its own thread with its own timeout; a check that
raises or overruns becomes an error row with the reason, never an exception. Rows arrive through
``on_rows`` as each check finishes (the studio's dialog updates as they come: ui/preflight_dialog.py).
Qt-free: the checks take the session's parts, or plain values in tests.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from app.session_config import ExternalRelay, SessionConfig
from pipeline.adaptive import FormatsPlan, PreflightResult, preflight, preflight_formats
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import ADAPTIVE_PRESETS
from pipeline.frames import Image
from pipeline.mixer import Channel
from pipeline.sources import DeviceBackend, SystemDevices, VideoSource
from plugins.api import Text

if TYPE_CHECKING:
    from app.room_client import RoomClient
    from app.rundown import Rundown
    from app.session import StudioSession
    from pipeline.canvas import Canvas

log = logging.getLogger(__name__)

Level = Literal["ok", "warning", "error"]
LEVELS: tuple[Level, ...] = ("ok", "warning", "error")
NO_HINT = Text("", "")

SILENT_DBFS = -60.0
"""A microphone whose loudest moment over the listening second stays below this is silent."""
LISTEN_S = 1.0
RECORDING_HOURS = 4.0
"""A recording folder should hold this long a show; less is a warning."""
RECORDING_MIN_S = 600.0
"""Less than this (ten minutes) is an error."""
LOW_STOCK = 10
"""A run-of-show product with this many left or fewer is low on stock."""
UPLOAD_HEADROOM = 1.5
PROBE_BYTES = 4 * 1024 * 1024
PROBE_SECONDS = 2.0
"""The upload probe sends at most PROBE_BYTES, and stops adding to them after PROBE_SECONDS."""
_PROBE_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class PreflightRow:
    id: str
    level: Level
    title: Text
    detail: Text
    hint: Text = NO_HINT
    """What to do about it (empty when all is well)."""


@dataclass(frozen=True, slots=True)
class Check:
    """One check: ``run`` gives its rows (on a worker thread); past ``timeout`` seconds it is an error."""

    id: str
    title: Text
    run: Callable[[], list[PreflightRow]]
    timeout: float = 4.0


def worst(rows: Sequence[PreflightRow]) -> Level:
    return max((r.level for r in rows), key=LEVELS.index, default="ok")


def _mbps(bps: float) -> str:
    return f"{bps / 1e6:.1f} Mb/s" if bps >= 1e6 else f"{bps / 1e3:.0f} kb/s"


# --- the runner -------------------------------------------------------------------------------------


class Preflight:
    """Runs ``checks`` all at once, each on its own ``shopcast-preflight-*`` thread.

    ``on_rows(check_id, rows)`` is called (on the runner's thread) as each check finishes, in the order
    they finish; ``on_done(rows)`` once all have, with every row in the checks' order. After
    :meth:`cancel` neither is called any more. A check still running past its timeout is reported as
    an error and left to end on its own (each one's waits are bounded).
    """

    def __init__(
        self,
        checks: Sequence[Check],
        on_rows: Callable[[str, list[PreflightRow]], None] | None = None,
        on_done: Callable[[list[PreflightRow]], None] | None = None,
    ) -> None:
        ids = [c.id for c in checks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"check ids must differ: {ids}")
        self.checks = tuple(checks)
        self._on_rows = on_rows
        self._on_done = on_done
        self._results: dict[str, list[PreflightRow]] = {}
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None
        self.seconds: float | None = None
        """How long the whole run took (once done)."""

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a pre-flight runs once; make a new one to run again")
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="shopcast-preflight", daemon=True)
        self._thread.start()

    def run(self) -> list[PreflightRow]:
        """Run every check and wait for the rows (headless callers and tests)."""
        self.start()
        self.join()
        return self.rows()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True when it has."""
        return self._finished.wait(timeout)

    def cancel(self) -> None:
        """Stop reporting (a dialog closed): the checks still running end on their own."""
        self._cancelled.set()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def results(self) -> dict[str, list[PreflightRow]]:
        """The rows of each check finished so far."""
        with self._lock:
            return dict(self._results)

    def rows(self) -> list[PreflightRow]:
        """Every row so far, in the checks' order."""
        results = self.results()
        return [row for check in self.checks for row in results.get(check.id, [])]

    def _run(self) -> None:
        started = time.monotonic()
        checks = {c.id: c for c in self.checks}
        pool = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="shopcast-preflight-check")
        futures: dict[Future[list[PreflightRow]], Check] = {pool.submit(_guarded, c): c for c in self.checks}
        deadlines = {f: started + c.timeout for f, c in futures.items()}
        pending = set(futures)
        try:
            while pending and not self._cancelled.is_set():
                next_deadline = min(deadlines[f] for f in pending)
                done, pending = wait(
                    pending, timeout=max(0.0, next_deadline - time.monotonic()), return_when=FIRST_COMPLETED
                )
                for future in done:
                    self._deliver(futures[future], future.result())
                now = time.monotonic()
                for future in [f for f in pending if deadlines[f] <= now]:
                    pending.discard(future)
                    check = futures[future]
                    self._deliver(check, [_timed_out(check)])
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            self.seconds = time.monotonic() - started
            self._finished.set()
        if not self._cancelled.is_set() and self._on_done is not None:
            try:
                self._on_done(self.rows())
            except Exception:
                log.exception("the pre-flight's listener failed")

    def _deliver(self, check: Check, rows: list[PreflightRow]) -> None:
        with self._lock:
            self._results[check.id] = rows
        if self._on_rows is not None and not self._cancelled.is_set():
            try:
                self._on_rows(check.id, rows)
            except Exception:
                log.exception("the pre-flight's listener failed")


def _guarded(check: Check) -> list[PreflightRow]:
    try:
        return list(check.run())
    except Exception as exc:
        log.warning("pre-flight check %s failed: %s", check.id, exc, exc_info=True)
        reason = str(exc) or type(exc).__name__
        return [
            PreflightRow(
                check.id,
                "error",
                check.title,
                Text(f"The check failed: {reason}", f"检查失败：{reason}"),
                Text(
                    "Run the check again; if it keeps failing, see the Messages list",
                    "请重新检查；如仍失败，请查看消息列表",
                ),
            )
        ]


def _timed_out(check: Check) -> PreflightRow:
    return PreflightRow(
        check.id,
        "error",
        check.title,
        Text(f"No answer within {check.timeout:g} s", f"{check.timeout:g} 秒内没有结果"),
        Text("Run the check again", "请重新检查"),
    )


# --- camera and microphone -------------------------------------------------------------------------

CAMERA_TITLE = Text("Camera", "摄像头")
MIC_TITLE = Text("Microphone", "麦克风")
_CAMERA_HINT = Text(
    "Plug in the camera, or choose it in Settings → Audio/Video (or the toolbar's Host camera)",
    "请接上摄像头，或在 设置 → 音视频（或工具栏的“主播摄像头”）中选择它",
)
_MIC_HINT = Text(
    "Plug in a microphone, or choose it in Settings → Audio/Video", "请接上麦克风，或在 设置 → 音视频 中选择它"
)


def _list(listing: Callable[[], list[Any]]) -> list[Any]:
    try:
        return listing()
    except Exception as exc:  # a device listing that fails is reported as none found
        log.warning("listing devices failed: %s", exc)
        return []


def check_camera(devices: DeviceBackend, host: VideoSource | None) -> list[PreflightRow]:
    """Is there a camera, and is the host camera source showing it?"""
    cameras = _list(devices.cameras)
    description = host.description if host is not None else "none"
    problem = host.problem if host is not None else None
    if not cameras:
        return [
            PreflightRow(
                "camera",
                "warning",
                CAMERA_TITLE,
                Text(
                    "No camera found: the show will use the test pattern (or the camera's placeholder)",
                    "未找到摄像头：直播将显示测试画面（或摄像头的占位画面）",
                ),
                _CAMERA_HINT,
            )
        ]
    if problem is not None:
        return [
            PreflightRow(
                "camera",
                "warning",
                CAMERA_TITLE,
                Text(
                    f"The host camera ({description}) shows its placeholder: {problem.en}",
                    f"主播摄像头（{description}）显示占位画面：{problem.zh}",
                ),
                _CAMERA_HINT,
            )
        ]
    if description == "test pattern":
        return [
            PreflightRow(
                "camera",
                "warning",
                CAMERA_TITLE,
                Text(
                    f"The host camera shows the test pattern ({len(cameras)} camera(s) found)",
                    f"主播摄像头显示的是测试画面（找到 {len(cameras)} 个摄像头）",
                ),
                _CAMERA_HINT,
            )
        ]
    names = ", ".join(str(c.name) for c in cameras)
    return [
        PreflightRow(
            "camera",
            "ok",
            CAMERA_TITLE,
            Text(
                f"The host camera shows {description} (found: {names})", f"主播摄像头：{description}（找到：{names}）"
            ),
        )
    ]


def check_microphone(
    devices: DeviceBackend, channel: Channel | None, *, listen_s: float = LISTEN_S
) -> list[PreflightRow]:
    """Is there a microphone, and does any sound come from it (its mixer channel's meter, after its
    filters, fader and mute) over ``listen_s`` seconds?"""
    mics = _list(devices.microphones)
    if channel is None:
        raise RuntimeError("the studio has no microphone channel (it has not started)")
    if not mics or not channel.name.startswith("microphone"):
        if not mics:
            detail = Text("No microphone found: the show has no sound from you", "未找到麦克风：观众听不到你的声音")
        else:
            stand_in = {"test tone": "测试音", "silence": "静音"}.get(channel.name, channel.name)
            detail = Text(
                f"The microphone channel plays {channel.name}, not a microphone",
                f"麦克风通道播放的是{stand_in}，不是麦克风",
            )
        return [PreflightRow("mic", "warning", MIC_TITLE, detail, _MIC_HINT)]
    if channel.muted:
        return [
            PreflightRow(
                "mic",
                "warning",
                MIC_TITLE,
                Text(f"{channel.name} is muted in the Audio mixer", f"{channel.name} 在混音器中被静音"),
                Text("Unmute it in the Audio mixer dock", "请在“音频混音器”面板中取消静音"),
            )
        ]
    loudest = _loudest(channel, listen_s)
    if loudest < SILENT_DBFS:
        return [
            PreflightRow(
                "mic",
                "warning",
                MIC_TITLE,
                Text(
                    f"No sound from {channel.name} in {listen_s:g} s (loudest {_db(loudest)})",
                    f"{listen_s:g} 秒内 {channel.name} 没有声音（最大 {_db(loudest)}）",
                ),
                Text(
                    "Check the mic is not muted (its switch, the system's input volume) and say something",
                    "请检查麦克风没有被静音（麦克风开关、系统输入音量），并试着说几句话",
                ),
            )
        ]
    return [
        PreflightRow(
            "mic",
            "ok",
            MIC_TITLE,
            Text(
                f"{channel.name}: loudest {_db(loudest)} over {listen_s:g} s",
                f"{channel.name}：{listen_s:g} 秒内最大 {_db(loudest)}",
            ),
        )
    ]


def _db(value: float) -> str:
    return "silence" if value == float("-inf") else f"{value:.0f} dBFS"


def _loudest(channel: Channel, listen_s: float) -> float:
    """The loudest peak on ``channel``'s meter over ``listen_s`` seconds (sampled every 50 ms)."""
    loudest = float("-inf")
    deadline = time.monotonic() + listen_s
    while True:
        levels = channel.meter.levels()
        if levels.peak_db:
            loudest = max(loudest, *levels.peak_db)
        if time.monotonic() >= deadline:
            return loudest
        time.sleep(0.05)


# --- the relay --------------------------------------------------------------------------------------

RELAY_TITLE = Text("Relay", "中继服务器")
KEY_TITLE = Text("Stream key", "推流密钥")
UPLOAD_TITLE = Text("Upload speed", "上行带宽")
_KEY_HINT = Text(
    "Copy the stream key again from the room (or Settings → Stream)",
    "请从直播间重新复制推流密钥（或在 设置 → 推流 中填写）",
)
_UPLOAD_HINT = Text(
    "Lower the ladder (fewer or smaller rungs in Settings → Stream) or use a wired connection",
    "请降低码率阶梯（在 设置 → 推流 中减少或降低档位），或改用有线网络",
)


@dataclass(frozen=True, slots=True)
class UploadNeed:
    """What the show uploads while live, in bits per second, and what it is made of."""

    bps: int
    parts: tuple[tuple[Text, int], ...] = ()

    def words(self) -> Text:
        return Text(
            ", ".join(f"{name.en} {_mbps(bps)}" for name, bps in self.parts),
            "，".join(f"{name.zh} {_mbps(bps)}" for name, bps in self.parts),
        )


def upload_need(config: SessionConfig, plans: Sequence[BroadcastSettings]) -> UploadNeed:
    """Every canvas's rungs and sound, the realtime copy of the top rung (WebRTC viewers) when going to a
    relay, and each RTMP/WHIP destination's copy of the top rung and sound."""
    parts: list[tuple[Text, int]] = []
    for plan in plans:
        canvas = f" ({plan.canvas})" if len(plans) > 1 and plan.canvas else ""
        rungs = len(plan.rungs)
        parts.append((Text(f"{rungs} rung(s){canvas}", f"{rungs} 档画面{canvas}"), sum(r.bitrate for r in plan.rungs)))
        parts.append((Text(f"sound{canvas}", f"声音{canvas}"), plan.audio_bitrate))
    primary = plans[0]
    top = primary.rungs[0].bitrate + primary.audio_bitrate
    if config.relay is not None and config.realtime:
        parts.append((Text("realtime copy", "超低延迟副本"), top))
    for kind, count in (("RTMP", len(config.rtmp_urls)), ("WHIP", len(config.whip_targets))):
        if count:
            parts.append((Text(f"{kind} ×{count}", f"{kind} ×{count}"), top * count))
    return UploadNeed(sum(bps for _, bps in parts), tuple(parts))


def check_relay(
    target: ExternalRelay,
    need: UploadNeed | None,
    *,
    timeout: float = 2.0,
    probe_bytes: int = PROBE_BYTES,
    probe_seconds: float = PROBE_SECONDS,
) -> list[PreflightRow]:
    """Reach the relay, have it check the stream key, then measure the upload speed to it (given
    ``need``, what the stream takes)."""
    url = target.url.rstrip("/")
    room = target.room
    headers = {"Authorization": f"Bearer {target.stream_key}"}
    base = f"{url}/api/v1/rooms/{room}/ingest"
    with httpx.Client(timeout=httpx.Timeout(timeout, read=timeout + probe_seconds + 1), headers=headers) as client:
        try:
            answer = client.get(f"{base}/check")
        except httpx.TransportError as exc:
            return [_unreachable(url, exc)]
        reached = PreflightRow(
            "relay", "ok", RELAY_TITLE, Text(f"The relay at {url} answers", f"中继服务器 {url} 可以连接")
        )
        if answer.status_code >= 500:
            status = answer.status_code
            return [
                PreflightRow(
                    "relay",
                    "error",
                    RELAY_TITLE,
                    Text(f"The relay at {url} answered {status}", f"中继服务器 {url} 返回 {status}"),
                    Text(
                        "Restart the relay, or check its address in Settings → Stream",
                        "请重启中继服务器，或在 设置 → 推流 中检查地址",
                    ),
                )
            ]
        key = _key_row(answer, room)
        rows = [reached, key]
        if key.level != "ok" or need is None:
            return rows
        rows.append(_probe(client, f"{base}/bandwidth", need, probe_bytes, probe_seconds))
        return rows


def _unreachable(url: str, exc: httpx.TransportError) -> PreflightRow:
    if isinstance(exc, httpx.TimeoutException):
        en, zh = "did not answer in time", "没有及时响应"
    elif isinstance(exc, httpx.ConnectError):
        reason = str(exc)
        refused = "refused" in reason.lower() or "111" in reason
        en, zh = (
            ("refused the connection", "拒绝连接")
            if refused
            else (f"cannot be reached ({reason})", f"无法连接（{reason}）")
        )
    else:
        en, zh = f"cannot be reached ({exc})", f"无法连接（{exc}）"
    return PreflightRow(
        "relay",
        "error",
        RELAY_TITLE,
        Text(f"The relay at {url} {en}", f"中继服务器 {url} {zh}"),
        Text(
            f"Start the relay (shopcast relay) at {url}, or check the relay's address in Settings → Stream",
            f"请启动 {url} 上的中继服务器（shopcast relay），或在 设置 → 推流 中检查中继服务器地址",
        ),
    )


def _key_row(answer: httpx.Response, room: str) -> PreflightRow:
    status = answer.status_code
    try:
        body = answer.json() if answer.content else {}
    except ValueError:
        body = {}
    code = body.get("error") if isinstance(body, dict) else None
    if status == 204:
        return PreflightRow(
            "stream-key", "ok", KEY_TITLE, Text(f"Room {room} accepts the stream key", f"直播间 {room} 接受此推流密钥")
        )
    if status == 401:
        return PreflightRow(
            "stream-key",
            "error",
            KEY_TITLE,
            Text(f"The relay refuses the stream key for room {room}", f"中继服务器拒绝了直播间 {room} 的推流密钥"),
            _KEY_HINT,
        )
    if status == 404 and code == "room_not_found":
        return PreflightRow(
            "stream-key",
            "error",
            KEY_TITLE,
            Text(f"The relay has no room {room}", f"中继服务器上没有直播间 {room}"),
            Text(
                "Check the room's name in Settings → Stream, or create the room on the relay",
                "请在 设置 → 推流 中检查直播间名称，或在中继服务器上创建该直播间",
            ),
        )
    if status in (404, 405):
        return PreflightRow(
            "stream-key",
            "warning",
            KEY_TITLE,
            Text(
                "This relay cannot check the stream key in advance (an older version): it is checked on going live",
                "此中继服务器版本较旧，无法提前检查推流密钥：开播时才会检查",
            ),
            Text("Update the relay to check everything before going live", "请升级中继服务器，以便开播前完成全部检查"),
        )
    return PreflightRow(
        "stream-key",
        "error",
        KEY_TITLE,
        Text(f"The relay answered {status} to the key check", f"检查推流密钥时中继服务器返回 {status}"),
        _KEY_HINT,
    )


def upload_level(rate_bps: float, need_bps: float) -> Level:
    """Under what the stream needs: error; under 1.5x that: warning."""
    if rate_bps < need_bps:
        return "error"
    return "warning" if rate_bps < UPLOAD_HEADROOM * need_bps else "ok"


def _probe(client: httpx.Client, url: str, need: UploadNeed, probe_bytes: int, probe_seconds: float) -> PreflightRow:
    started = time.perf_counter()

    def body() -> Iterator[bytes]:
        chunk = bytes(_PROBE_CHUNK)
        sent = 0
        while sent < probe_bytes and time.perf_counter() - started < probe_seconds:
            piece = chunk[: min(_PROBE_CHUNK, probe_bytes - sent)]
            sent += len(piece)
            yield piece

    try:
        answer = client.post(url, content=body(), headers={"Content-Type": "application/octet-stream"})
    except httpx.TransportError as exc:
        return PreflightRow(
            "upload",
            "error",
            UPLOAD_TITLE,
            Text(
                f"The upload test failed: {exc or type(exc).__name__}", f"上行带宽测试失败：{exc or type(exc).__name__}"
            ),
            _UPLOAD_HINT,
        )
    elapsed = max(time.perf_counter() - started, 1e-6)
    if answer.status_code != 200:
        status = answer.status_code
        return PreflightRow(
            "upload",
            "warning",
            UPLOAD_TITLE,
            Text(f"The relay cannot measure the upload speed ({status})", f"中继服务器无法测量上行带宽（{status}）"),
            Text("Update the relay to measure the upload speed", "请升级中继服务器以测量上行带宽"),
        )
    received = int(answer.json().get("bytes", 0))
    rate = received * 8 / elapsed
    level = upload_level(rate, need.bps)
    parts = need.words()
    detail = Text(
        f"Upload to the relay: {_mbps(rate)} ({received / 1e6:.1f} MB in {elapsed:.2f} s); the stream needs"
        f" {_mbps(need.bps)} ({parts.en})",
        f"到中继服务器的上行速度：{_mbps(rate)}（{elapsed:.2f} 秒 {received / 1e6:.1f} MB）；"
        f"直播需要 {_mbps(need.bps)}（{parts.zh}）",
    )
    if level == "warning":
        detail = Text(
            detail.en + f": less than {UPLOAD_HEADROOM:g}x, little room for a busy network",
            detail.zh + f"：不足 {UPLOAD_HEADROOM:g} 倍，网络波动时余量很小",
        )
    elif level == "error":
        detail = Text(detail.en + ": viewers will stall", detail.zh + "：观众会卡顿")
    return PreflightRow("upload", level, UPLOAD_TITLE, detail, _UPLOAD_HINT if level != "ok" else NO_HINT)


# --- the CPU: the x264 pre-flight ---------------------------------------------------------------------

ENCODER_TITLE = Text("CPU and x264 preset", "CPU 与 x264 预设")
_ENCODER_HINT = Text(
    "Use fewer or smaller rungs (Settings → Stream), close other programs, or turn off beautify",
    "请减少或降低码率档位（设置 → 推流）、关闭其他程序，或关闭美颜",
)


@dataclass(frozen=True, slots=True)
class EncodeVerdict:
    """The x264 pre-flight's verdict as the studio words it (a notice, and a pre-flight row)."""

    notice: str
    """``info``, or ``warning`` when the machine is short or rungs were dropped."""
    text: Text
    fits: bool
    """The chosen configuration runs at the headroom (1.25x the frame rate)."""
    fps: float
    """The frames per second the chosen configuration reached."""


def ladder_verdict(result: PreflightResult) -> EncodeVerdict:
    measured = ", ".join(f"{preset} {fps:.0f} fps" for preset, fps in result.fps.items())
    en = (
        f"pre-flight: the ladder encodes at {measured}; going live with {result.preset} (needs {result.target:.0f} fps)"
    )
    zh = f"开播前测速：码率阶梯编码速度 {measured}；使用 {result.preset} 预设（需要 {result.target:.0f} fps）"
    reached = result.fps[result.preset]
    short = reached < result.target
    if short:
        en += ": this machine is short of CPU for this ladder; expect skipped frames or use fewer rungs"
        zh += "：本机 CPU 不足，可能跳帧，建议减少码率档位"
    return EncodeVerdict("warning" if short else "info", Text(en, zh), not short, reached)


def formats_verdict(
    canvases: Sequence[Canvas], plans: Sequence[BroadcastSettings], plan: FormatsPlan
) -> tuple[EncodeVerdict, list[BroadcastSettings]]:
    """Dual format: the verdict, and each canvas's settings with the preset and rungs chosen."""
    chosen = [replace(p, preset=plan.preset, rungs=p.rungs[:n]) for p, n in zip(plans, plan.rungs, strict=True)]
    ladders = "; ".join(
        f"{c.name} {len(p.rungs)} rung{'s' if len(p.rungs) > 1 else ''} ({', '.join(r.name for r in p.rungs)})"
        for c, p in zip(canvases, chosen, strict=True)
    )
    best = max(fps for preset, counts, fps in plan.tried if (preset, counts) == (plan.preset, plan.rungs))
    measured = f"{best:.0f} fps, needs {plan.target:.0f}"
    zh_ladders = "；".join(f"{c.name} {len(p.rungs)} 档" for c, p in zip(canvases, chosen, strict=True))
    if plan.fits:
        full = plan.rungs == tuple(len(p.rungs) for p in plans)
        en = f"pre-flight, dual format: both ladders fit at {plan.preset} ({measured}): {ladders}"
        zh = f"开播前测速（双画幅）：两路码率阶梯可用 {plan.preset} 预设同时编码（{measured}）：{zh_ladders}"
        if not full:
            en += "; fewer rungs than asked, to keep up"
            zh += "；为保证流畅已减少档位"
        level = "info" if full else "warning"
    else:
        en = (
            f"pre-flight, dual format: this machine cannot encode both ladders in real time even at"
            f" {plan.preset} with one rung each ({measured}); expect skipped frames, or stream one canvas"
        )
        zh = (
            f"开播前测速（双画幅）：本机即使每路只留一档、使用 {plan.preset} 预设也无法实时编码"
            f"（{measured}）；可能跳帧，建议只推一个画幅"
        )
        level = "warning"
    return EncodeVerdict(level, Text(en, zh), plan.fits, best), chosen


def check_encoder(
    plans: Sequence[BroadcastSettings],
    pictures: Sequence[Image],
    canvases: Sequence[Canvas] = (),
    *,
    measure: Callable[[str], float] | None = None,
) -> list[PreflightRow]:
    """The session's x264 pre-flight on the current pictures: with ``--preset auto`` the best preset
    with headroom, else how the preset chosen does. ``measure`` (tests) replaces the encoding."""
    fixed = plans[0].preset
    presets = ADAPTIVE_PRESETS if fixed == "auto" else (fixed,)
    fps: Fraction = plans[0].fps
    if len(plans) > 1:
        plan = preflight_formats([p.rungs for p in plans], fps, pictures, presets=presets)
        verdict, _ = formats_verdict(canvases, plans, plan)
    else:
        verdict = ladder_verdict(preflight(plans[0].rungs, fps, pictures[0], presets=presets, measure=measure))
    if verdict.fits:
        level: Level = "ok" if verdict.notice == "info" else "warning"
    else:  # short of the headroom: still real time is a warning, below the frame rate an error
        level = "warning" if verdict.fps >= float(fps) else "error"
    return [PreflightRow("encoder", level, ENCODER_TITLE, verdict.text, _ENCODER_HINT if level != "ok" else NO_HINT)]


# --- the disk ---------------------------------------------------------------------------------------

_DISK_HINT = Text(
    "Free some space, or choose another recording folder in Settings", "请清理磁盘空间，或在设置中选择其他录制文件夹"
)


def check_disk(row_id: str, folder: Path, bps: int, what: Text) -> list[PreflightRow]:
    """Room in ``folder`` (or its nearest existing parent) for a show writing ``bps`` bits a second."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    seconds = free / max(bps / 8, 1)
    hours = seconds / 3600
    title = Text(f"Disk: {what.en}", f"磁盘：{what.zh}")
    room = Text(
        f"{free / 1e9:.1f} GB free in {folder}: room for {hours:.1f} h at {_mbps(bps)}",
        f"{folder} 剩余 {free / 1e9:.1f} GB：按 {_mbps(bps)} 可录 {hours:.1f} 小时",
    )
    if seconds < RECORDING_MIN_S:
        return [
            PreflightRow(
                row_id, "error", title, Text(room.en + ": not even 10 minutes", room.zh + "：不足 10 分钟"), _DISK_HINT
            )
        ]
    if hours < RECORDING_HOURS:
        return [
            PreflightRow(
                row_id,
                "warning",
                title,
                Text(room.en + f": less than {RECORDING_HOURS:g} h", room.zh + f"：不足 {RECORDING_HOURS:g} 小时"),
                _DISK_HINT,
            )
        ]
    return [PreflightRow(row_id, "ok", title, room)]


# --- the run-of-show --------------------------------------------------------------------------------

RUNDOWN_TITLE = Text("Run-of-show", "直播脚本")
_STOCK_HINT = Text(
    "Restock it in the Products dock, or give the segment another product in the run-of-show",
    "请在“商品”面板中补货，或在直播脚本中为该环节换一个商品",
)


_STOCK_CLAIMS = frozenset({"unknown_product", "out_of_stock"})
"""check_claims's findings the stock rows already give."""


def products_by_sku(cart: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The room's cart (top-level products with their options) as one dict by SKU."""
    found: dict[str, dict[str, Any]] = {}
    for product in cart:
        found[str(product["sku"])] = dict(product)
        for option in product.get("options") or ():
            found[str(option["sku"])] = dict(option)
    return found


def rundown_rows(rundown: Rundown, cart: Sequence[Mapping[str, Any]]) -> list[PreflightRow]:
    """The run-of-show's products against the room's cart (out of stock: error; low: warning; not in
    the cart: error), then each of ``app.rundown.check_claims``'s other findings (a talking point the
    product's data or the planned sale contradict) as a row."""
    products = products_by_sku(cart)
    segments: dict[str, list[int]] = {}
    for index, segment in enumerate(rundown.segments):
        if segment.sku:
            segments.setdefault(segment.sku, []).append(index + 1)
    rows: list[PreflightRow] = []
    for sku, numbers in segments.items():
        where = ", ".join(str(n) for n in numbers)
        product = products.get(sku)
        row_id = f"stock:{sku}"
        title = Text(f"Run-of-show: {sku}", f"直播脚本：{sku}")
        if product is None:
            rows.append(
                PreflightRow(
                    row_id,
                    "error",
                    title,
                    Text(
                        f"Segment {where}: {sku} is not in the room's cart",
                        f"第 {where} 个环节：商品 {sku} 不在购物车中",
                    ),
                    Text(
                        "Import or add the product, or fix the segment's SKU", "请导入或添加该商品，或修改环节中的 SKU"
                    ),
                )
            )
            continue
        name = str(product.get("title") or sku)
        stock = int(product.get("stock") or 0)
        if stock <= 0:
            rows.append(
                PreflightRow(
                    row_id,
                    "error",
                    title,
                    Text(f"Segment {where}: {name} is out of stock", f"第 {where} 个环节：{name} 已售罄"),
                    _STOCK_HINT,
                )
            )
        elif stock <= LOW_STOCK:
            rows.append(
                PreflightRow(
                    row_id,
                    "warning",
                    title,
                    Text(f"Segment {where}: only {stock} of {name} left", f"第 {where} 个环节：{name} 仅剩 {stock} 件"),
                    _STOCK_HINT,
                )
            )
    from app.rundown import check_claims

    for n, claim in enumerate(check_claims(rundown, products)):
        if claim.code in _STOCK_CLAIMS:
            continue  # the stock rows above say it, once per product
        segment = rundown.segments[claim.segment]
        name = segment.title or segment.sku or segment.kind
        rows.append(
            PreflightRow(
                f"claim:{n}:{claim.code}",
                "error" if claim.level == "error" else "warning",
                Text(
                    f"Run-of-show, segment {claim.segment + 1}: {name}",
                    f"直播脚本第 {claim.segment + 1} 个环节：{name}",
                ),
                Text(claim.message_en, claim.message_zh),
                Text(
                    "Change the talking point, or the product's data or the planned sale, to match",
                    "请修改话术，或修改商品信息、活动设置，使两者一致",
                ),
            )
        )
    if not rows:
        count = len(rundown.segments)
        rows.append(
            PreflightRow(
                "rundown",
                "ok",
                RUNDOWN_TITLE,
                Text(
                    f"{count} segments; every product is in stock (more than {LOW_STOCK} each)",
                    f"共 {count} 个环节；所有商品库存充足（各多于 {LOW_STOCK} 件）",
                ),
            )
        )
    return rows


def check_rundown(room: RoomClient) -> list[PreflightRow]:
    """The room's run-of-show (``GET …/rundown``) against its cart (``GET …/console-state``)."""
    data = room.rundown().get("rundown")
    if not data:
        return [PreflightRow("rundown", "ok", RUNDOWN_TITLE, Text("No run-of-show loaded", "未加载直播脚本"))]
    from app.rundown import rundown_from_json

    return rundown_rows(rundown_from_json(data), room.console_state()["cart"])


# --- the studio's checks ----------------------------------------------------------------------------


def session_checks(session: StudioSession) -> list[Check]:
    """Every check for the studio ``session`` as it is configured now (call on any thread: the checks
    themselves do the waiting, on their own threads)."""
    from app.studio_show import MIC

    config = session.config
    devices = session.devices or SystemDevices()
    plans = session.broadcast_plans()
    checks = [
        Check("camera", CAMERA_TITLE, lambda: check_camera(devices, _host(session)), timeout=3.0),
        Check("mic", MIC_TITLE, lambda: check_microphone(devices, _channel(session, MIC)), timeout=3.0),
        Check("relay", RELAY_TITLE, lambda: _relay_rows(session, upload_need(config, plans)), timeout=5.5),
        Check(
            "encoder",
            ENCODER_TITLE,
            lambda: check_encoder(
                plans, [session.program.picture_of(c.name) for c in config.program.canvases], config.program.canvases
            ),
            timeout=8.0,
        ),
    ]
    primary = plans[0]
    if config.recording_dir is not None:
        bps = primary.rungs[0].bitrate + primary.audio_bitrate
        folder = config.recording_dir
        what = Text("recording", "录制")
        checks.append(Check("disk", Text("Disk", "磁盘"), lambda: check_disk("disk", folder, bps, what), timeout=3.0))
    if config.record_dir is not None:
        hls = sum(sum(r.bitrate for r in p.rungs) + p.audio_bitrate for p in plans)
        hls_folder = config.record_dir
        hls_what = Text("stream files", "直播文件")
        checks.append(
            Check(
                "disk-hls", Text("Disk", "磁盘"), lambda: check_disk("disk-hls", hls_folder, hls, hls_what), timeout=3.0
            )
        )
    room = session.room
    if room is not None:
        checks.append(Check("rundown", RUNDOWN_TITLE, lambda: check_rundown(room), timeout=4.0))
    return checks


def _host(session: StudioSession) -> VideoSource | None:
    from app.scene_templates import HOST

    return session.show.pool.source(HOST)


def _channel(session: StudioSession, channel_id: str) -> Channel | None:
    try:
        return session.show.mixer.channel(channel_id)
    except KeyError:
        return None


def _relay_rows(session: StudioSession, need: UploadNeed) -> list[PreflightRow]:
    config = session.config
    if config.relay is None:
        local = config.record_dir or config.recording_dir or config.rtmp_urls or config.whip_targets
        if local:
            return [
                PreflightRow(
                    "relay",
                    "warning",
                    RELAY_TITLE,
                    Text("No relay: viewers cannot watch in the room", "未配置中继服务器：观众无法在直播间观看"),
                    Text("Set the relay in Settings → Stream", "请在 设置 → 推流 中设置中继服务器"),
                )
            ]
        return [
            PreflightRow(
                "relay",
                "error",
                RELAY_TITLE,
                Text(
                    "Nowhere to send the stream: no relay and no output folder",
                    "没有推流目的地：未配置中继服务器，也没有输出文件夹",
                ),
                Text("Set the relay in Settings → Stream", "请在 设置 → 推流 中设置中继服务器"),
            )
        ]
    target = session.relay_target
    if target is None:
        return [
            PreflightRow(
                "relay",
                "error",
                RELAY_TITLE,
                Text("The relay is not connected yet", "尚未连接中继服务器"),
                Text(
                    "Wait for “Relay: ready” in the Stream dock, or check the relay in Settings → Stream",
                    "请等待“推流”面板显示中继服务器就绪，或在 设置 → 推流 中检查中继服务器",
                ),
            )
        ]
    return check_relay(target, need)
