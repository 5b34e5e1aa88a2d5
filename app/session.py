"""The studio session: the Qt-free controller behind the studio window and the headless broadcaster.

It owns the program (sources → program picture and sound, through the filter and overlay plugins) and,
while live, the broadcast, and composes the parts around them: the relay link (app/relay_link.py: a
bundled relay it starts itself or an external one, and the room's console), the broadcast's destinations
(app/destinations.py), the health watch (app/health_watch.py: stats, verdicts, incidents) and co-hosting.
Slow operations (opening a camera, starting the relay, going live, draining the push queue) run on one
control thread, in order, so a caller such as a GUI thread never waits; their outcomes arrive as events
(app/session_events.py). Headless callers use the ``*_now`` methods, which do the same work synchronously.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from app.bundled_relay import BundledRelay, RelayStartError
from app.cohost import Cohosting
from app.destinations import build_outputs, build_realtime_output
from app.health_watch import HealthWatch
from app.paths import assets_dir
from app.preflight import formats_verdict, ladder_verdict
from app.relay_client import RelayError
from app.relay_link import RelayLink
from app.room_client import RoomClient
from app.scenes import Scenes, ScenesChanged
from app.session_config import ExternalRelay, SessionConfig
from app.session_events import (
    Listener,
    LiveEnded,
    LiveFailed,
    LiveStarted,
    Notice,
    RelayFailed,
    RelayReady,
    RoomMessage,
    SessionEvent,
    SessionStats,
    SourceChanged,
)
from app.studio_show import StudioShow
from pipeline.adaptive import preflight, preflight_formats
from pipeline.broadcast import Broadcast, BroadcastReport, BroadcastSettings, new_stream_id
from pipeline.canvas import Canvas, ladder_for
from pipeline.clock import Clock, SystemClock
from pipeline.filters.meter import Meter, MeterLevels
from pipeline.frames import AudioChunk
from pipeline.program import Program, VideoSink
from pipeline.scene import SceneError
from pipeline.sources import DeviceBackend, SourceError
from plugins.api import Context, Kind, Text
from plugins.chain import Chain
from plugins.registry import Registry, discover

log = logging.getLogger(__name__)


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
        self._listeners: list[Listener] = []
        self._control = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopcast-control")
        self._link = RelayLink(self._emit, self._on_room_message)
        # Co-hosts' signalling (answers, ends) must not wait behind the host's room actions.
        self._cohost_calls = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopcast-cohost-calls")
        self._program: Program | None = None
        self._show: StudioShow | None = None
        self._broadcasts: dict[str, Broadcast] = {}
        """While live, every canvas's broadcast, the primary first."""
        self._lock = threading.Lock()
        self._closed = False
        self._preview_sinks: list[tuple[VideoSink, str | None]] = []
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
            room=lambda: self._link.room,
            emit=self._emit,  # type: ignore[arg-type]
            background=self._cohost_calls,
            sample_rate=p.sample_rate,
            channels=p.channels,
            ice_servers=config.ice_servers,
            ice_hosts=config.ice_hosts,
        )
        """Co-hosts (连麦): their connections, the layout, mute and kick."""
        self._health_watch = HealthWatch(
            self.stats, self._emit, self._link, fps=float(p.fps), clock=self.clock, interval=stats_interval
        )
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

    def add_preview_sink(self, sink: VideoSink, canvas: str | None = None) -> None:
        """Receive every picture of ``canvas`` (default the primary one; ``preview:<canvas>`` for the
        studio mode's preview), from the program thread, now or once the program starts."""
        self._preview_sinks.append((sink, canvas))
        if self._program is not None:
            self._program.add_video_sink(sink, canvas)

    def remove_preview_sink(self, sink: VideoSink, canvas: str | None = None) -> None:
        self._preview_sinks = [(s, c) for s, c in self._preview_sinks if (s, c) != (sink, canvas)]
        if self._program is not None:
            self._program.remove_video_sink(sink, canvas)

    def _emit(self, event: SessionEvent) -> None:
        if isinstance(event, Notice):
            getattr(log, "warning" if event.level == "warning" else event.level, log.info)("%s", event.message)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("session listener failed on %s", type(event).__name__)

    def _on_room_message(self, message: dict[str, Any]) -> None:
        self.cohosting.on_feed(message)
        show = self._show
        if show is not None:
            show.on_room_message(message)
        self._emit(RoomMessage(message))

    def _warn(self, message: str, zh: str | None = None) -> None:
        self._emit(Notice("warning", message, zh))

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
    def show(self) -> StudioShow:
        """The scenes, sources and mixer (once started)."""
        if self._show is None:
            raise SessionError("the session has not started")
        return self._show

    @property
    def scenes(self) -> Scenes:
        return self.show.scenes

    @property
    def live(self) -> bool:
        return bool(self._broadcasts)

    @property
    def _broadcast(self) -> Broadcast | None:
        """The primary canvas's broadcast while live."""
        return next(iter(self._broadcasts.values()), None)

    @property
    def watch_url(self) -> str | None:
        return self._link.watch_url

    @property
    def relay_url(self) -> str | None:
        target = self._link.target
        return target.url if target else None

    @property
    def relay_target(self) -> ExternalRelay | None:
        """Where the broadcast pushes (URL, room, stream key); None until the relay is connected."""
        return self._link.target

    @property
    def bundled_relay(self) -> BundledRelay | None:
        return self._link.bundled

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the sources and start the program (the preview runs from here on)."""
        try:
            show = StudioShow(
                self.config,
                registry=self.plugins,
                clock=self.clock,
                devices=self.devices,
                video_filters=self.video_filters,
                audio_filters=self.audio_filters,
                overlays=self.overlays,
                cohosting=self.cohosting,
                emit=self._emit,  # type: ignore[arg-type]
                background=self._in_background,
                relay_url=lambda: self.relay_url,
            )
        except SceneError as exc:
            raise SessionError(str(exc)) from None
        self._show = show
        self._emit(ScenesChanged(show.scenes.collection))
        show.open_microphone()
        self._program = program = show.program()
        for problem in self.plugins.problems:
            self._warn(
                f"plugin {problem.source} {problem.message}; skipped",
                f"插件 {problem.source} 无法加载，已跳过：{problem.message}",
            )
        program.add_audio_sink(self._measure)
        for sink, canvas in self._preview_sinks:
            program.add_video_sink(sink, canvas)
        program.start()
        self._emit(SourceChanged(show.host_description()))
        self._health_watch.start()

    def _in_background(self, work: Callable[[], None]) -> None:
        """Run slow scene work (starting sources) on the control thread; here once that is shut (closing)."""
        try:
            self._control.submit(self._logged, work)
        except RuntimeError:
            self._logged(work)

    @staticmethod
    def _logged(work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:
            log.exception("background scene work failed")

    def close(self, drain_timeout: float = 10.0) -> None:
        """End the live (if any), stop everything and join every thread this session started.

        Every step runs even if an earlier one fails, so nothing is left running.
        """
        if self._closed:
            return
        self._closed = True
        link = self._link
        # First let the control thread finish what it is doing (it may be creating the program or
        # the bundled relay right now); only then is it known what there is to stop.
        self._attempt("control thread", lambda: self._control.shutdown(wait=True, cancel_futures=True))
        self._health_watch.stop_incidents()
        if self._broadcast is not None:  # still live: log the incident in progress while the room is open
            self._attempt("health incident", self._health_watch.log_open_incident)
        self._attempt("room actions", link.close_actions)
        self._attempt("co-host calls", lambda: self._cohost_calls.shutdown(wait=True, cancel_futures=True))
        self._attempt("room feed", link.stop_feed)
        self._attempt("room client", link.close_room)
        self._attempt("live", lambda: self._end_live_now(drain_timeout))
        self._attempt("stats", self._health_watch.stop)
        program = self._program
        if program is not None:
            self._attempt("program", program.stop)
        if self._show is not None:
            self._attempt("sources", self._show.close)
        for chain in (self.video_filters, self.audio_filters, self.overlays):
            self._attempt("filter plugins", chain.close)
        self._attempt("co-hosts", self.cohosting.close)
        self._attempt("bundled relay", link.stop_bundled_relay)

    @staticmethod
    def _attempt(what: str, step: Callable[[], object]) -> None:
        try:
            step()
        except Exception:
            log.exception("closing the session: stopping the %s failed", what)

    def stats(self) -> SessionStats:
        formats = tuple(b.stats() for b in list(self._broadcasts.values()))
        inputs = self._show.inputs() if self._show is not None else ()
        return SessionStats(self.program.stats(), formats[0] if formats else None, formats=formats, inputs=inputs)

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
        return self._link.connect(relay, self.config.catalog, self.config.rundown)

    @property
    def room(self) -> RoomClient | None:
        return self._link.room

    def room_action(self, tag: str, action: Callable[[RoomClient], Any]) -> Future[Any]:
        """Run a host action against the room on the room-actions thread; the outcome arrives as
        :class:`RoomActionDone` or :class:`RoomActionFailed` carrying ``tag``. After :meth:`close`
        nothing runs and the future is done with None."""
        return self._link.room_action(tag, action)

    def go_live_now(self) -> LiveStarted:
        with self._lock:
            if self._broadcasts:
                raise SessionError("already live")
            program = self.program  # raises if the sources never opened
            if self._link.target is None and self.config.relay is not None:
                self.connect_relay_now()
            target = self._link.target
            canvases = self.config.program.canvases
            plans = self._plan(canvases, program)
            broadcasts: dict[str, Broadcast] = {}
            try:
                for index, (canvas, settings) in enumerate(zip(canvases, plans, strict=True)):
                    primary = index == 0
                    outputs = build_outputs(self.config, target, canvas, primary=primary)
                    if not outputs:
                        raise SessionError("nowhere to send the stream: configure a relay or an output folder")
                    stream_id = new_stream_id(self.clock)
                    realtime = build_realtime_output(self.config, target, stream_id, self._warn) if primary else None
                    if realtime is not None:
                        outputs.append(realtime)
                    taps = (realtime,) if realtime else ()
                    broadcast = Broadcast(settings, outputs, self.clock, stream_id, taps=taps)
                    try:
                        broadcast.start()
                    except Exception:
                        for output in outputs:
                            output.close(0)
                        raise
                    broadcasts[canvas.name] = broadcast
            except Exception:
                for broadcast in broadcasts.values():
                    broadcast.stop(0)
                raise
            for name, broadcast in broadcasts.items():
                program.add_video_sink(broadcast.push_video, name)
                program.add_audio_sink(broadcast.push_audio)
            self._broadcasts = broadcasts
        started = LiveStarted(next(iter(broadcasts.values())).stream_id, self._link.watch_url)
        self._emit(started)
        return started

    def broadcast_plans(self) -> list[BroadcastSettings]:
        """Each canvas's broadcast settings before the x264 pre-flight: its ladder shaped for it
        (pipeline/canvas.py) and its own multivariant playlist (what app/preflight/ checks)."""
        base = self.config.broadcast
        return [
            replace(
                base,
                rungs=ladder_for(canvas, base.rungs),
                canvas=canvas.name,
                packaging=replace(base.packaging, multivariant_name=canvas.multivariant_name(index == 0)),
            )
            for index, canvas in enumerate(self.config.program.canvases)
        ]

    def _plan(self, canvases: tuple[Canvas, ...], program: Program) -> list[BroadcastSettings]:
        """Each canvas's broadcast settings (:meth:`broadcast_plans`) with the preset (and, in dual
        format, the rungs) the pre-flight chose."""
        base = self.config.broadcast
        plans = self.broadcast_plans()
        if base.preset != "auto":
            return plans
        if len(plans) == 1:
            return [self._preflight(plans[0], program)]
        return self._preflight_formats(canvases, plans, program)

    def _preflight(self, settings: BroadcastSettings, program: Program) -> BroadcastSettings:
        """Measure the ladder on the current picture and take the best preset with headroom."""
        result = preflight(settings.rungs, settings.fps, program.picture)
        verdict = ladder_verdict(result)
        self._emit(Notice(verdict.notice, verdict.text.en, verdict.text.zh))
        return replace(settings, preset=result.preset)

    def _preflight_formats(
        self, canvases: tuple[Canvas, ...], plans: list[BroadcastSettings], program: Program
    ) -> list[BroadcastSettings]:
        """Dual format: measure both ladders encoding at once; choose the preset and each one's rungs."""
        images = [program.picture_of(c.name) for c in canvases]
        plan = preflight_formats([p.rungs for p in plans], plans[0].fps, images)
        verdict, chosen = formats_verdict(canvases, plans, plan)
        self._emit(Notice(verdict.notice, verdict.text.en, verdict.text.zh))
        return chosen

    def _end_live_now(self, drain_timeout: float = 30.0) -> BroadcastReport | None:
        with self._lock:
            broadcasts, self._broadcasts = self._broadcasts, {}
            if not broadcasts:
                return None
            for name, broadcast in broadcasts.items():  # a broadcast implies a program
                self.program.remove_video_sink(broadcast.push_video, name)
                self.program.remove_audio_sink(broadcast.push_audio)
            reports = [broadcast.stop(drain_timeout) for broadcast in broadcasts.values()]
        report = reports[0]
        if len(reports) > 1:
            report = replace(report, outputs=tuple(o for r in reports for o in r.outputs))
        self._health_watch.live_ended()
        self._emit(LiveEnded(report))
        return report

    def end_live_now(self, drain_timeout: float = 30.0) -> BroadcastReport:
        report = self._end_live_now(drain_timeout)
        if report is None:
            raise SessionError("not live")
        return report

    def switch_video_now(self, spec: str) -> str:
        """Show ``spec`` (``camera[:N]``, ``test``, ``file:PATH``) as the host camera in every scene."""
        try:
            description = self.show.switch_host(spec)
        except (SourceError, SceneError, ValueError) as exc:
            raise SessionError(f"cannot switch to {spec}: {exc}") from exc
        self._emit(SourceChanged(description))
        return description
