"""The studio session: the Qt-free controller behind the studio window and the headless broadcaster.

It owns the program (sources → program picture and sound), the relay connection (a bundled relay it
starts itself, or an external one) and, while live, the broadcast. Slow operations (opening a camera,
starting the relay, going live, draining the push queue) run on one control thread, in order, so a
caller such as a GUI thread never waits; their outcomes arrive as events. Headless callers use the
``*_now`` methods, which do the same work synchronously.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.bundled_relay import BundledRelay, RelayStartError
from app.cohost import Cohosting, GuestLeft, GuestsChanged
from app.incidents import Incident, IncidentLog
from app.paths import assets_dir
from app.relay_client import RelayClient, RelayError
from app.room_client import RoomClient, RoomFeed
from app.stream_health import HealthReport, HealthTracker
from pipeline.adaptive import preflight
from pipeline.broadcast import Broadcast, BroadcastReport, BroadcastSettings, BroadcastStats, new_stream_id
from pipeline.clock import Clock, SystemClock
from pipeline.filters.meter import Meter, MeterLevels
from pipeline.frames import AudioChunk, Image
from pipeline.ice import hosts_from_env
from pipeline.outputs import FolderOutput, HttpPushOutput, Output, RecordingOutput, RtmpOutput, WhipOutput
from pipeline.outputs.realtime_push import RealtimePush
from pipeline.program import Program, ProgramSettings, ProgramStats, VideoSink
from pipeline.sources import DeviceBackend, SourceError, open_audio_source, open_video_source
from plugins.api import Context, Kind, Text
from plugins.chain import Chain
from plugins.registry import Registry, discover

log = logging.getLogger(__name__)


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExternalRelay:
    """Push to a relay someone else runs: its URL, the room and the room's stream key (and, to run
    the room's commerce console, its owner token)."""

    url: str
    room: str
    stream_key: str
    owner_token: str | None = None


@dataclass(frozen=True, slots=True)
class BundledRelayConfig:
    """Start a relay as a child process and open ``room`` on it."""

    data_dir: Path
    room: str = "demo"
    title: str = "ShopCast demo"
    host: str = "127.0.0.1"
    port: int = 0
    whep_seats: int = 20
    """WebRTC (WHEP) viewers the relay serves at a time; more watch LL-HLS."""
    ice_hosts: tuple[str, ...] = ()
    """Addresses the relay offers WebRTC viewers (default: its SHOPCAST_ICE_HOSTS, else every one)."""


@dataclass(frozen=True, slots=True)
class WhipTarget:
    url: str
    token: str | None = None
    """Sent as ``Authorization: Bearer``."""


@dataclass(frozen=True, slots=True)
class SessionConfig:
    source: str = "camera"
    mic: str = "default"
    program: ProgramSettings = field(default_factory=ProgramSettings)
    broadcast: BroadcastSettings = field(default_factory=BroadcastSettings)
    relay: ExternalRelay | BundledRelayConfig | None = None
    record_dir: Path | None = None
    """Also write the stream's HLS files to this folder."""
    recording_dir: Path | None = None
    """Record the top rung and the audio to a fragmented MP4 in this folder (playable after a crash)."""
    rtmp_urls: tuple[str, ...] = ()
    """Also push the top rung and the audio to these RTMP ingests, each with its own reconnect."""
    whip_targets: tuple[WhipTarget, ...] = ()
    """Also push the top rung and the audio to these WHIP endpoints, each with its own reconnect."""
    catalog: Path | None = None
    """Import this catalog (JSON or CSV) into the room when it has no products yet, and pin the first."""
    realtime: bool = True
    """When going to a relay, also send it the top rung and the sound as they are made (the realtime
    sample stream its WebRTC viewers are served from, app/relay/whep.py)."""
    ice_servers: tuple[str, ...] = ()
    """STUN/TURN servers (``stun:host:port``, ``turn:user:password@host``) for co-hosts' connections; none by
    default (guests on the same network or reaching the studio directly)."""
    ice_hosts: tuple[str, ...] = field(default_factory=hosts_from_env)
    """Offer only these local addresses to co-hosts (default: every interface; SHOPCAST_ICE_HOSTS)."""
    filters: tuple[tuple[str, dict[str, Any]], ...] = ()
    """Filter and overlay plugins switched on from the start, each with the settings it differs in (plugin id,
    {setting: value}); unknown ids and bad values are refused when the session is made."""
    keep_on: tuple[str, ...] = ()
    """Video filters and overlays never bypassed under overload (the picture misses frames instead):
    a host who would rather lose frames than be seen without beautify. Not audio filters."""


# --- events ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Notice:
    level: str  # "info", "warning" or "error"
    message: str
    zh: str | None = None
    """The message in Simplified Chinese (technical details inside it may stay in English)."""


@dataclass(frozen=True, slots=True)
class RelayReady:
    relay_url: str
    room: str
    watch_url: str


@dataclass(frozen=True, slots=True)
class RelayFailed:
    message: str


@dataclass(frozen=True, slots=True)
class SourceChanged:
    description: str


@dataclass(frozen=True, slots=True)
class LiveStarted:
    stream_id: str
    watch_url: str | None


@dataclass(frozen=True, slots=True)
class LiveFailed:
    message: str


@dataclass(frozen=True, slots=True)
class LiveEnded:
    report: BroadcastReport


@dataclass(frozen=True, slots=True)
class RoomMessage:
    """A message from the room's live feed (``snapshot`` or ``batch``)."""

    message: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RoomActionDone:
    tag: str
    result: Any


@dataclass(frozen=True, slots=True)
class RoomActionFailed:
    tag: str
    message: str


@dataclass(frozen=True, slots=True)
class SessionStats:
    program: ProgramStats
    broadcast: BroadcastStats | None
    health: HealthReport | None = None
    """The stream-health verdict on these numbers (OBS's thresholds), set on the ones the session emits:
    the studio shows the same judgement the session logs as incidents."""


SessionEvent = (
    Notice
    | RelayReady
    | RelayFailed
    | SourceChanged
    | LiveStarted
    | LiveFailed
    | LiveEnded
    | SessionStats
    | RoomMessage
    | RoomActionDone
    | RoomActionFailed
    | GuestsChanged
    | GuestLeft
)
Listener = Callable[[SessionEvent], None]


class SessionError(RuntimeError):
    pass


class StudioSession:
    """Signals (events passed to listeners, from the session's threads):
    Notice, RelayReady, RelayFailed, SourceChanged, LiveStarted, LiveFailed, LiveEnded,
    SessionStats (every ``stats_interval`` seconds).
    """

    def __init__(
        self,
        config: SessionConfig,
        *,
        clock: Clock | None = None,
        devices: DeviceBackend | None = None,
        stats_interval: float = 1.0,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.devices = devices
        self._stats_interval = stats_interval
        self._listeners: list[Listener] = []
        self._control = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopcast-control")
        # Host actions (pin, launch a flash sale, ...) run apart from the media commands, in order.
        self._room_actions = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopcast-room-actions")
        # Co-hosts' signalling (answers, ends) must not wait behind the host's room actions.
        self._cohost_calls = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopcast-cohost-calls")
        self._room: RoomClient | None = None
        self._feed: RoomFeed | None = None
        self._program: Program | None = None
        self._broadcast: Broadcast | None = None
        self._bundled: BundledRelay | None = None
        self._target: ExternalRelay | None = None
        self._watch_url: str | None = None
        self._stop_stats = threading.Event()
        self._stats_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._preview_sinks: list[VideoSink] = []
        self._lagged_seen = 0
        self.plugins: Registry = discover()
        p = config.program
        context = Context(p.width, p.height, float(p.fps), p.sample_rate, p.channels, str(assets_dir()))
        notify = self._plugin_notice
        self.video_filters = Chain(self.plugins, Kind.VIDEO_FILTER, context, notify=notify, overloaded=self._lagging)
        """The program's video filter plugins (beautify, third-party filters), in order."""
        self.audio_filters = Chain(self.plugins, Kind.AUDIO_FILTER, context, notify=notify)
        """The program's audio filter plugins (denoise, ...), in order."""
        self.overlays = Chain(self.plugins, Kind.OVERLAY, context, notify=notify)
        """Overlay plugins drawn over the composed program (text, logo, third-party ones), in order."""
        self.cohosting = Cohosting(
            room=lambda: self._room,
            emit=self._emit,  # type: ignore[arg-type]
            background=self._cohost_calls,
            sample_rate=p.sample_rate,
            channels=p.channels,
            ice_servers=config.ice_servers,
            ice_hosts=config.ice_hosts,
        )
        """Co-hosts (连麦): their connections, the layout, mute and kick."""
        # Stream-health incidents go to the room's event log for the post-live report.
        self._health = HealthTracker(float(p.fps), clock=self.clock.monotonic)
        self._incidents = IncidentLog()
        self._recording_incidents = True
        """False once the session is closing: an incident can no longer reach the room."""
        try:
            for plugin_id, values in config.filters:
                self._switch_on(plugin_id, values)
            for plugin_id in config.keep_on:
                try:
                    self._chain_of(plugin_id).keep_on(plugin_id, True)
                except ValueError as exc:
                    raise SessionError(str(exc)) from None
        except SessionError:
            for chain in (self.video_filters, self.audio_filters, self.overlays):
                chain.close()
            raise
        self._meter = Meter(sample_rate=p.sample_rate, channels=p.channels)

    def _chain_of(self, plugin_id: str) -> Chain:
        try:
            plugin = self.plugins.get(plugin_id)
        except KeyError as exc:
            raise SessionError(str(exc.args[0])) from None
        chains = {
            Kind.VIDEO_FILTER: self.video_filters,
            Kind.AUDIO_FILTER: self.audio_filters,
            Kind.OVERLAY: self.overlays,
        }
        if plugin.kind not in chains:
            raise SessionError(f"{plugin_id} is a {plugin.kind.value} plugin, not a filter or an overlay")
        return chains[plugin.kind]

    def _switch_on(self, plugin_id: str, values: dict[str, Any]) -> None:
        chain = self._chain_of(plugin_id)
        try:
            chain.update(plugin_id, **values)
            chain.enable(plugin_id, True)
        except Exception as exc:  # a plugin's own error, already reported by the chain
            raise SessionError(f"{plugin_id}: {exc}") from exc

    # --- listeners -------------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_preview_sink(self, sink: VideoSink) -> None:
        """Receive every program frame (from the program thread), now or once the program starts."""
        self._preview_sinks.append(sink)
        if self._program is not None:
            self._program.add_video_sink(sink)

    def _emit(self, event: SessionEvent) -> None:
        if isinstance(event, Notice):
            getattr(log, "warning" if event.level == "warning" else event.level, log.info)("%s", event.message)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("session listener failed on %s", type(event).__name__)

    def _warn(self, message: str, zh: str | None = None) -> None:
        self._emit(Notice("warning", message, zh))

    def _source_warning(self, message: str) -> None:
        self._warn(message, f"输入源问题：{message}")

    def _plugin_notice(self, level: str, message: Text) -> None:
        self._emit(Notice(level, message.en, message.zh))

    def _measure(self, chunk: AudioChunk) -> None:
        self._meter.process(chunk.samples)

    def audio_levels(self) -> MeterLevels:
        """The program sound's levels (after the filters), what the studio's meters show."""
        return self._meter.levels()

    def _lagging(self) -> Text | None:
        """The machine-wide overload signal for the video filters: the program missing frames."""
        program = self._program
        if program is None:
            return None
        lagged = program.stats().frames_lagged
        missed, self._lagged_seen = lagged - self._lagged_seen, lagged
        if missed < 3:
            return None
        return Text(f"the program missed {missed} frames in the last half second", f"画面在半秒内漏了 {missed} 帧")

    # --- state -----------------------------------------------------------------------------------

    @property
    def program(self) -> Program:
        if self._program is None:
            raise SessionError("the session has not started")
        return self._program

    @property
    def live(self) -> bool:
        return self._broadcast is not None

    @property
    def watch_url(self) -> str | None:
        return self._watch_url

    @property
    def relay_url(self) -> str | None:
        return self._target.url if self._target else None

    @property
    def bundled_relay(self) -> BundledRelay | None:
        return self._bundled

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the sources and start the program (the preview runs from here on)."""
        c = self.config
        p = c.program
        video = open_video_source(
            c.source, width=p.width, height=p.height, fps=float(p.fps), devices=self.devices, warn=self._source_warning
        )
        try:
            audio = open_audio_source(
                c.mic, sample_rate=p.sample_rate, channels=p.channels, devices=self.devices, warn=self._source_warning
            )
        except Exception:
            video.stop()
            raise
        self._program = Program(p, self.clock, video, audio)
        for problem in self.plugins.problems:
            self._warn(
                f"plugin {problem.source} {problem.message}; skipped",
                f"插件 {problem.source} 无法加载，已跳过：{problem.message}",
            )
        self._program.set_filters(self.video_filters.process, self.audio_filters.process)
        self._program.set_overlay(self.overlays.process)
        self.cohosting.attach(self._program)
        self._program.add_audio_sink(self._measure)
        for sink in self._preview_sinks:
            self._program.add_video_sink(sink)
        self._program.start()
        self._emit(SourceChanged(video.description))
        self._stats_thread = threading.Thread(target=self._tick_stats, name="shopcast-stats", daemon=True)
        self._stats_thread.start()

    def close(self, drain_timeout: float = 10.0) -> None:
        """End the live (if any), stop everything and join every thread this session started.

        Every step runs even if an earlier one fails, so nothing is left running.
        """
        if self._closed:
            return
        self._closed = True
        # First let the control thread finish what it is doing (it may be creating the program or
        # the bundled relay right now); only then is it known what there is to stop.
        self._attempt("control thread", lambda: self._control.shutdown(wait=True, cancel_futures=True))
        self._recording_incidents = False
        if self._broadcast is not None:  # still live: log the incident in progress while the room is open
            last = self._incidents.finish(self.clock.wall())
            if last is not None:
                self._attempt("health incident", lambda: self._log_incident(last))
        self._attempt("room actions", lambda: self._room_actions.shutdown(wait=True, cancel_futures=True))
        self._attempt("co-host calls", lambda: self._cohost_calls.shutdown(wait=True, cancel_futures=True))
        if self._feed is not None:
            self._attempt("room feed", self._feed.stop)
        if self._room is not None:
            self._attempt("room client", self._room.close)
        self._attempt("live", lambda: self._end_live_now(drain_timeout))
        self._attempt("stats", self._stop_stats_thread)
        program = self._program
        if program is not None:
            self._attempt("program", program.stop)
            for chain in (self.video_filters, self.audio_filters, self.overlays):
                self._attempt("filter plugins", chain.close)
            self._attempt("video source", program.video_source.stop)
            self._attempt("audio source", program.audio_source.stop)
        self._attempt("co-hosts", self.cohosting.close)
        if self._bundled is not None:
            self._attempt("bundled relay", self._bundled.stop)

    @staticmethod
    def _attempt(what: str, step: Callable[[], object]) -> None:
        try:
            step()
        except Exception:
            log.exception("closing the session: stopping the %s failed", what)

    def _stop_stats_thread(self) -> None:
        self._stop_stats.set()
        if self._stats_thread is not None:
            self._stats_thread.join()

    def _tick_stats(self) -> None:
        reported: set[tuple[str, str]] = set()
        note: str | None = None
        while not self._stop_stats.wait(self._stats_interval):
            stats = self.stats()
            health = self._health.update(stats)
            self._emit(replace(stats, health=health))
            if stats.broadcast is not None and self._recording_incidents:
                ended = self._incidents.update(health, self.clock.wall())
                if ended is not None:
                    self._room_actions_submit(self._log_incident, ended)
            if stats.broadcast is not None and stats.broadcast.preset_note not in (None, note):
                note = stats.broadcast.preset_note
                self._emit(Notice("warning", note or "", f"编码预设调整：{note}"))
            for output in stats.broadcast.outputs if stats.broadcast else ():
                key = (stats.broadcast.stream_id if stats.broadcast else "", output.name)
                if output.state == "failed" and key not in reported:
                    reported.add(key)
                    message = f"{output.name}: {output.last_error}; nothing more is sent there"
                    self._emit(Notice("error", message, f"{output.name} 推送失败，不再发送：{output.last_error}"))

    def stats(self) -> SessionStats:
        broadcast = self._broadcast
        return SessionStats(self.program.stats(), broadcast.stats() if broadcast else None)

    # --- commands (non-blocking) -----------------------------------------------------------------

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        def run() -> Any:
            try:
                return fn(*args)
            except Exception as exc:
                log.exception("%s failed", fn.__name__)
                self._emit(Notice("error", str(exc), f"操作失败：{exc}"))
                return None

        return self._control.submit(run)

    def start_async(self) -> Future[Any]:
        return self._submit(self.start)

    def connect_relay(self) -> Future[Any]:
        return self._submit(self._connect_relay_quietly)

    def go_live(self) -> Future[Any]:
        return self._submit(self._go_live_quietly)

    def end_live(self) -> Future[Any]:
        return self._submit(self._end_live_now)

    def switch_video(self, spec: str) -> Future[Any]:
        return self._submit(self.switch_video_now, spec)

    # A caller waiting for RelayReady/LiveStarted must hear back whatever goes wrong, so these
    # catch everything (unexpected errors are logged with their traceback too).

    def _connect_relay_quietly(self) -> None:
        try:
            self.connect_relay_now()
        except Exception as exc:
            if not isinstance(exc, (RelayError, RelayStartError, SessionError, OSError)):
                log.exception("connecting to the relay failed")
            self._emit(RelayFailed(str(exc)))

    def _go_live_quietly(self) -> None:
        try:
            self.go_live_now()
        except Exception as exc:
            if not isinstance(exc, (RelayError, RelayStartError, SessionError, ValueError, OSError)):
                log.exception("going live failed")
            self._emit(LiveFailed(str(exc)))

    # --- the work itself (synchronous) -----------------------------------------------------------

    def connect_relay_now(self) -> RelayReady:
        relay = self.config.relay
        if relay is None:
            raise SessionError("no relay is configured")
        if isinstance(relay, ExternalRelay):
            self._target = relay
            self._watch_url = f"{relay.url.rstrip('/')}/watch/{relay.room}"
            owner_token = relay.owner_token
        else:
            if self._bundled is None:
                bundled = BundledRelay(
                    relay.data_dir,
                    relay.host,
                    relay.port,
                    on_restart=lambda m: self._emit(Notice("warning", m, f"中继服务器已重启：{m}")),
                    on_failed=lambda m: self._emit(RelayFailed(m)),
                    extra_args=(
                        "--whep-seats",
                        str(relay.whep_seats),
                        *(arg for host in relay.ice_hosts for arg in ("--ice-host", host)),
                    ),
                )
                bundled.start()
                self._bundled = bundled
            assert self._bundled.url is not None
            with RelayClient(self._bundled.url, self._bundled.admin_token) as client:
                access = client.open_room(relay.room, relay.title)
            self._target = ExternalRelay(self._bundled.url, access.room, access.stream_key, access.owner_token)
            self._watch_url = access.watch_url
            owner_token = access.owner_token
        if owner_token and self._room is None:
            self._open_room(self._target.url, self._target.room, owner_token)
            if self.config.catalog is not None:
                self._seed_catalog(self.config.catalog)
        ready = RelayReady(self._target.url, self._target.room, self._watch_url)
        self._emit(ready)
        return ready

    def _open_room(self, url: str, room: str, owner_token: str) -> None:
        self._room = RoomClient(url, room, owner_token)

        def on_message(message: dict[str, Any]) -> None:
            self.cohosting.on_feed(message)
            self._emit(RoomMessage(message))

        self._feed = RoomFeed(url, room, owner_token, on_message)
        self._feed.start()

    def _seed_catalog(self, path: Path) -> None:
        room = self._room
        assert room is not None
        try:
            if room.console_state()["cart"]:
                return  # the room has products already: leave the host's catalog alone
            result = room.import_catalog(path)
            room.pin(result["cart"][0]["sku"])
        except (RelayError, OSError, KeyError, IndexError) as exc:
            self._warn(f"could not import the catalog {path}: {exc}", f"无法导入商品目录 {path}：{exc}")
            return
        count = result["imported"]
        self._emit(
            Notice("info", f"imported {count} products from {path.name}", f"已从 {path.name} 导入 {count} 件商品")
        )

    @property
    def room(self) -> RoomClient | None:
        return self._room

    def room_action(self, tag: str, action: Callable[[RoomClient], Any]) -> Future[Any]:
        """Run a host action against the room on the room-actions thread; the outcome arrives as
        :class:`RoomActionDone` or :class:`RoomActionFailed` carrying ``tag``. After :meth:`close`
        nothing runs and the future is done with None."""

        def run() -> Any:
            room = self._room
            if room is None:
                self._emit(RoomActionFailed(tag, "the room's console is not connected (no owner token yet)"))
                return None
            try:
                result = action(room)
            except (RelayError, OSError, ValueError) as exc:
                self._emit(RoomActionFailed(tag, str(exc)))
                return None
            except Exception as exc:
                log.exception("room action %s failed", tag)
                self._emit(RoomActionFailed(tag, str(exc)))
                return None
            self._emit(RoomActionDone(tag, result))
            return result

        try:
            return self._room_actions.submit(run)
        except RuntimeError:  # closed: a panel's timer may still tick once while the window goes away
            closed: Future[Any] = Future()
            closed.set_result(None)
            return closed

    def _outputs(self) -> list[Output]:
        outputs: list[Output] = []
        if self._target is not None:
            base = f"{self._target.url.rstrip('/')}/ingest/{self._target.room}/"
            outputs.append(HttpPushOutput(base, self._target.stream_key, name="relay"))
        if self.config.record_dir is not None:
            outputs.append(FolderOutput(self.config.record_dir, name="folder"))
        if self.config.recording_dir is not None:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = self.config.recording_dir / f"shopcast-{stamp}.mp4"
            n = 1
            while path.exists():
                n += 1
                path = self.config.recording_dir / f"shopcast-{stamp}-{n}.mp4"
            outputs.append(RecordingOutput(path, video=self.config.broadcast.rungs[0].name, audio="audio"))
        top = self.config.broadcast.rungs[0].name
        for url in self.config.rtmp_urls:
            outputs.append(RtmpOutput(url, video=top, audio="audio"))
        parts = self.config.broadcast.packaging.part_seconds is not None
        for target in self.config.whip_targets:
            outputs.append(WhipOutput(target.url, video=top, audio="audio", token=target.token, parts=parts))
        return outputs

    def _realtime_output(self, stream_id: str) -> RealtimePush | None:
        """The realtime sample stream to the relay, for its WebRTC (WHEP) viewers; None without a relay."""
        target, program = self._target, self.config.program
        if target is None or not self.config.realtime:
            return None
        if program.sample_rate != 48_000:
            self._warn(
                f"no WebRTC viewers: their Opus sound needs 48 kHz, the program runs at {program.sample_rate} Hz",
                f"无法提供超低延迟观看：Opus 声音需要 48 kHz，当前为 {program.sample_rate} Hz",
            )
            return None
        top = self.config.broadcast.rungs[0]
        ws = target.url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        url = f"{ws}/api/v1/rooms/{target.room}/realtime-ingest"
        return RealtimePush(
            url, target.stream_key, stream_id, width=top.width, height=top.height, channels=program.channels
        )

    def go_live_now(self) -> LiveStarted:
        with self._lock:
            if self._broadcast is not None:
                raise SessionError("already live")
            program = self.program  # raises if the sources never opened
            if self._target is None and self.config.relay is not None:
                self.connect_relay_now()
            outputs = self._outputs()
            if not outputs:
                raise SessionError("nowhere to send the stream: configure a relay or an output folder")
            settings = self.config.broadcast
            if settings.preset == "auto":
                settings = self._preflight(settings, program.picture)
            stream_id = new_stream_id(self.clock)
            realtime = self._realtime_output(stream_id)
            if realtime is not None:
                outputs.append(realtime)
            broadcast = Broadcast(settings, outputs, self.clock, stream_id, taps=(realtime,) if realtime else ())
            try:
                broadcast.start()
            except Exception:
                for output in outputs:
                    output.close(0)
                raise
            program.add_video_sink(broadcast.push_video)
            program.add_audio_sink(broadcast.push_audio)
            self._broadcast = broadcast
        started = LiveStarted(broadcast.stream_id, self._watch_url)
        self._emit(started)
        return started

    def _preflight(self, settings: BroadcastSettings, picture: Image) -> BroadcastSettings:
        """Measure the ladder on the current picture and take the best preset with headroom."""
        result = preflight(settings.rungs, settings.fps, picture)
        measured = ", ".join(f"{preset} {fps:.0f} fps" for preset, fps in result.fps.items())
        verdict = (
            f"pre-flight: the ladder encodes at {measured}; going live with {result.preset}"
            f" (needs {result.target:.0f} fps)"
        )
        zh = f"开播前测速：码率阶梯编码速度 {measured}；使用 {result.preset} 预设（需要 {result.target:.0f} fps）"
        short = result.fps[result.preset] < result.target
        if short:
            verdict += ": this machine is short of CPU for this ladder; expect skipped frames or use fewer rungs"
            zh += "：本机 CPU 不足，可能跳帧，建议减少码率档位"
        self._emit(Notice("warning" if short else "info", verdict, zh))
        return replace(settings, preset=result.preset)

    def _end_live_now(self, drain_timeout: float = 30.0) -> BroadcastReport | None:
        with self._lock:
            broadcast = self._broadcast
            if broadcast is None:
                return None
            self.program.remove_video_sink(broadcast.push_video)  # a broadcast implies a program
            self.program.remove_audio_sink(broadcast.push_audio)
            report = broadcast.stop(drain_timeout)
            self._broadcast = None
        last = self._incidents.finish(self.clock.wall())
        if last is not None:
            self._room_actions_submit(self._log_incident, last)
        self._emit(LiveEnded(report))
        return report

    def _room_actions_submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` on the room-actions thread, or here when that is already shut (closing)."""
        try:
            self._room_actions.submit(fn, *args)
        except RuntimeError:
            fn(*args)

    def _log_incident(self, incident: Incident) -> None:
        room = self._room
        if room is None:
            return
        try:
            room.log_event("health.incident", incident.event())
        except (RelayError, RuntimeError) as exc:  # RuntimeError: the room client is already closed
            log.warning("could not log the stream-health incident %s: %s", incident.code, exc)

    def end_live_now(self, drain_timeout: float = 30.0) -> BroadcastReport:
        report = self._end_live_now(drain_timeout)
        if report is None:
            raise SessionError("not live")
        return report

    def switch_video_now(self, spec: str) -> str:
        p = self.config.program
        try:
            source = open_video_source(
                spec, width=p.width, height=p.height, fps=float(p.fps), devices=self.devices, warn=self._source_warning
            )
        except (SourceError, ValueError) as exc:
            raise SessionError(f"cannot switch to {spec}: {exc}") from exc
        old = self.program.set_video_source(source)
        old.stop()
        self._emit(SourceChanged(source.description))
        return source.description
