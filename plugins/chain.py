"""Running filter plugins on the program: one chain for the picture, one for the sound, and one for
the overlays drawn over the composed program (a video chain run after the co-hosts are mixed in).

The program's render thread calls :meth:`Chain.process` once per frame (or audio block); the studio
switches plugins on and off and changes their settings from its own thread. Each plugin runs in a
slot that keeps it from hurting the stream:

* **Faults.** A plugin whose factory or ``process`` raises, or that returns the wrong shape, is
  *failed*: it is skipped from then on (the frame goes through as it came) and a notice says why.
  Switching it off and on again retries it.
* **Overload.** The chain measures what each plugin costs. When the chain's mean time over the last
  second exceeds its share of the frame (or audio block) period, or when the host says the machine is
  overloaded (the program is missing frames, the encoders lag), the costliest plugin is *bypassed*
  with a warning naming the numbers (the first ``WARM_UP`` second after a plugin is switched on is
  not counted: first frames build caches and load models). After ``recover_after`` seconds, if its
  last known cost fits comfortably in the budget and the host is no longer overloaded, it comes
  back; if that overloads again, the wait doubles (up to 5 minutes), so it does not flap. A video
  plugin the streamer *keeps on* (:meth:`Chain.keep_on`: a host who would rather lose frames than be
  seen without beautify) is never the one bypassed; the others are bypassed only while the kept ones
  alone fit the budget. Past that the program misses frames instead (rendering lag, which the
  stream-health dock shows). Audio filters cannot be kept on: late sound stays late.
* **Glitch-free switching.** A video plugin is switched between two frames; no frame is dropped or
  repeated. An audio plugin's output is cross-faded with its input over one block when it is switched
  on or off (or bypassed), and the input is delayed by the plugin's ``latency_samples`` so the two
  paths line up: the program's sound keeps one constant delay whether the plugin is on or off, and
  no block is dropped and no click is made.

Slots are listed in the registry's order (built-ins first). A plugin is instantiated the first time it
is switched on; its module is imported then, not at start-up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from plugins.api import Context, Filter, Kind, Plugin, Samples, SettingsError, Text, validate
from plugins.registry import Registry

log = logging.getLogger(__name__)

WARM_UP = 1.0
"""Seconds after a plugin is switched on during which its costs are not counted: its first frames
build caches, load models, start workers."""

CHAINED_KINDS = (Kind.VIDEO_FILTER, Kind.AUDIO_FILTER, Kind.OVERLAY)
"""The plugin kinds that run in a :class:`Chain` (the session has one chain for each)."""

Notify = Callable[[str, Text], None]
"""``notify(level, message)`` with level "info", "warning" or "error" and the message in English and
Chinese."""


@dataclass(frozen=True, slots=True)
class SlotState:
    """What the studio shows for one plugin."""

    id: str
    enabled: bool
    """Switched on by the streamer."""
    status: str
    """``off``, ``on``, ``bypassed`` (overload) or ``failed``."""
    message: str | None
    """Why it is failed or bypassed (English)."""
    message_zh: str | None
    """The same in Chinese."""
    cost_ms: float | None
    """Mean time per frame/block over the last second, while running."""
    settings: Any
    keep_on: bool = False
    """Never bypassed under overload (frames are skipped instead)."""


class _Slot:
    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin
        self.settings: Any = plugin.defaults()
        self.instance: Filter | None = None
        self.enabled = False
        self.failed: Text | None = None
        self.bypassed: Text | None = None
        self.bypass_until = 0.0
        self.bypass_wait = 0.0
        self.keep_on = False
        self.costs: deque[tuple[float, float]] = deque(maxlen=512)  # (monotonic time, seconds)
        self.last_cost = 0.0
        self.warm_until = 0.0
        """Costs before this time are warm-up (caches, models loading), not held against it."""
        # audio only
        self.gain = 0.0
        self.primed = False
        self.delay: Samples | None = None

    @property
    def running(self) -> bool:
        return self.enabled and self.instance is not None and self.failed is None and self.bypassed is None

    def mean_cost(self, now: float, window: float = 1.0) -> float:
        recent = [c for t, c in list(self.costs) if now - t <= window]
        return sum(recent) / len(recent) if recent else 0.0


class Chain:
    """The plugins of one kind (video filters, audio filters or overlays), in order."""

    def __init__(
        self,
        registry: Registry,
        kind: Kind,
        context: Context,
        *,
        notify: Notify | None = None,
        budget_share: float | None = None,
        recover_after: float = 10.0,
        overloaded: Callable[[], Text | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if kind not in CHAINED_KINDS:
            raise ValueError(f"a chain runs video or audio filters or overlays, not {kind.value}")
        self.kind = kind
        self.context = context
        self._slots = [_Slot(p) for p in registry.of_kind(kind)]
        self._by_id = {s.plugin.id: s for s in self._slots}
        self._notify = notify or (lambda level, message: None)
        self._period = 1024 / context.sample_rate if kind is Kind.AUDIO_FILTER else 1.0 / context.fps
        shares = {Kind.VIDEO_FILTER: 0.5, Kind.AUDIO_FILTER: 0.3, Kind.OVERLAY: 0.2}
        share = budget_share if budget_share is not None else shares[kind]
        self.budget = share * self._period
        """Seconds per frame (or per 1024-sample block) the chain may take before a plugin is bypassed."""
        self._recover_after = recover_after
        self._overloaded = overloaded or (lambda: None)
        self._clock = clock
        self._lock = threading.Lock()  # guards switching; the hot path reads one tuple
        self._active: tuple[_Slot, ...] = ()
        self._last_check = 0.0
        for slot in self._slots:
            if slot.plugin.enabled_by_default:
                try:
                    self.enable(slot.plugin.id, True)
                except Exception as exc:
                    log.warning("plugin %s did not start: %s", slot.plugin.id, exc)

    # --- the studio's side ---------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return [s.plugin.id for s in self._slots]

    def plugin(self, plugin_id: str) -> Plugin:
        return self._slot(plugin_id).plugin

    def _slot(self, plugin_id: str) -> _Slot:
        try:
            return self._by_id[plugin_id]
        except KeyError:
            raise KeyError(f"no {self.kind.value} plugin {plugin_id!r}") from None

    def enable(self, plugin_id: str, on: bool) -> SlotState:
        """Switch a plugin on (instantiating it the first time) or off. A plugin that cannot be made
        is left failed and its error is raised (and notified)."""
        slot = self._slot(plugin_id)
        with self._lock:
            if on:
                slot.failed = None
                slot.bypassed = None
                slot.bypass_wait = 0.0
                if not slot.enabled:
                    slot.costs.clear()
                    slot.warm_until = self._clock() + WARM_UP
                if slot.instance is None:
                    try:
                        factory = slot.plugin.load_factory()
                        slot.instance = factory(slot.settings, self.context)
                    except Exception as exc:
                        error = f"{type(exc).__name__}: {exc}"
                        self._fail(slot, Text(f"could not start: {error}", f"无法启动：{error}"))
                        raise
                    if self.kind is Kind.AUDIO_FILTER:
                        latency = int(getattr(slot.instance, "latency_samples", 0))
                        slot.delay = np.zeros((latency, self.context.channels), np.float32)
            slot.enabled = on
            self._rebuild()
        return self.state(plugin_id)

    def keep_on(self, plugin_id: str, keep: bool) -> SlotState:
        """Keep a video filter or overlay on under overload (True: it is never bypassed, and comes
        back at once if it is bypassed now) or let the chain bypass it again (False). Audio filters
        cannot be kept: a picture can skip a frame, but sound that falls behind stays behind."""
        slot = self._slot(plugin_id)
        if keep and self.kind is Kind.AUDIO_FILTER:
            raise ValueError(f"{plugin_id}: an audio filter cannot be kept on under overload")
        with self._lock:
            slot.keep_on = keep
            if keep and slot.bypassed is not None:
                slot.bypassed = None
                slot.bypass_wait = 0.0
                slot.costs.clear()
        return self.state(plugin_id)

    def update(self, plugin_id: str, **values: Any) -> Any:
        """Change settings (validated against the plugin's declaration); the running plugin gets them
        before its next frame. Returns the new settings. Raises SettingsError naming the bad field, or
        saying why the plugin refused them (a file it cannot read, say): it then keeps its old ones."""
        slot = self._slot(plugin_id)
        merged = {**_as_dict(slot.settings), **values}
        settings = validate(slot.plugin.settings, merged)
        instance = slot.instance
        if instance is not None:
            try:
                instance.update(settings)
            except (ValueError, OSError) as exc:
                raise SettingsError(str(exc)) from exc
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                self._fail(slot, Text(f"failed on new settings: {error}", f"新设置出错：{error}"))
        slot.settings = settings
        return settings

    def state(self, plugin_id: str) -> SlotState:
        slot = self._slot(plugin_id)
        now = self._clock()
        message: Text | None = None
        if not slot.enabled:
            status = "off"
        elif slot.failed is not None:
            status, message = "failed", slot.failed
        elif slot.bypassed is not None:
            status, message = "bypassed", slot.bypassed
        else:
            status = "on"
        cost = slot.mean_cost(now) * 1000 if status == "on" else None
        en, zh = (message.en, message.zh) if message else (None, None)
        return SlotState(slot.plugin.id, slot.enabled, status, en, zh, cost, slot.settings, slot.keep_on)

    def states(self) -> list[SlotState]:
        return [self.state(i) for i in self.ids]

    def close(self) -> None:
        with self._lock:
            self._active = ()
            for slot in self._slots:
                close = getattr(slot.instance, "close", None)
                if callable(close):
                    try:
                        close()
                    except Exception:
                        log.exception("plugin %s failed to close", slot.plugin.id)
                slot.instance = None

    # --- the render thread's side --------------------------------------------------------------

    def process(self, data: Any) -> Any:
        """Run every active plugin on ``data`` (a picture or an audio block). Never raises."""
        active = self._active
        if not active:
            return data
        if self.kind is Kind.AUDIO_FILTER:
            out = self._process_audio(active, data)
        else:
            out = data
            for slot in active:
                if slot.running:
                    out = self._run(slot, out)
        self._govern()
        return out

    def _run(self, slot: _Slot, data: Any) -> Any:
        instance = slot.instance
        assert instance is not None
        started = time.perf_counter()
        try:
            out = instance.process(data)
            if not isinstance(out, np.ndarray) or out.shape != data.shape or out.dtype != data.dtype:
                got = f"{out.dtype} {out.shape}" if isinstance(out, np.ndarray) else type(out).__name__
                raise TypeError(f"returned {got} for a {data.dtype} {data.shape} input")
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            self._fail(slot, Text(f"failed and is bypassed: {error}", f"出错，已旁路：{error}"))
            return data
        spent = time.perf_counter() - started
        now = self._clock()
        if now >= slot.warm_until:
            slot.costs.append((now, spent))
            slot.last_cost = spent
        return out

    def _process_audio(self, active: tuple[_Slot, ...], block: Samples) -> Samples:
        out = block
        for slot in active:
            target = 1.0 if slot.running else 0.0
            delayed = _delay(slot, out)
            if target == 0.0 and slot.gain == 0.0:
                slot.primed = False
                out = delayed  # off: only the constant delay
                continue
            if target == 1.0 and slot.gain == 0.0 and not slot.primed:
                # Coming (back) on: start from a clean state, let the plugin fill its buffers with one
                # block whose output is not used, and fade in from the next block.
                reset = getattr(slot.instance, "reset", None)
                if callable(reset):
                    reset()
                self._run(slot, out)
                slot.primed = True
                out = delayed
                continue
            wet = self._run(slot, out) if slot.instance is not None and slot.failed is None else delayed
            if slot.failed is not None:
                target = 0.0
            if slot.gain == target:
                out = wet if target == 1.0 else delayed
            else:  # one block's linear cross-fade between the plugin and its delayed input
                ramp = np.linspace(slot.gain, target, out.shape[0], endpoint=False, dtype=np.float32)[:, None]
                out = (wet * ramp + delayed * (1.0 - ramp)).astype(np.float32)
                slot.gain = target
        return out

    # --- faults and overload -------------------------------------------------------------------

    def _fail(self, slot: _Slot, why: Text) -> None:
        if slot.failed is None:
            slot.failed = why
            name = slot.plugin.name
            log.error("plugin %s %s", slot.plugin.id, why.en)
            self._notify("error", Text(f"{name.en} {why.en}", f"「{name.zh}」{why.zh}"))

    def _govern(self) -> None:
        now = self._clock()
        if now - self._last_check < 0.5:
            return
        self._last_check = now
        running = [s for s in self._active if s.running]
        total = sum(s.mean_cost(now) for s in running)
        pressure = self._overloaded()
        for slot in self._active:  # kept on while a bypass was being decided: back at once
            if slot.keep_on and slot.bypassed is not None:
                slot.bypassed = None
        candidates = [s for s in running if not s.keep_on]
        kept = total - sum(s.mean_cost(now) for s in candidates)
        # Bypassing a plugin the streamer did not keep helps only while the kept ones alone fit the
        # budget; past that, switching the others off frees almost nothing and they would never return.
        if candidates and kept < self.budget and (total > self.budget or pressure):
            worst = max(candidates, key=lambda s: s.mean_cost(now))
            if total > self.budget or pressure is None:
                ms, period = f"{total * 1000:.0f}", f"{self._period * 1000:.0f}"
                en, zh = ("overlays", "叠加层") if self.kind is Kind.OVERLAY else ("filters", "滤镜")
                why = Text(f"{en} took {ms} ms of a {period} ms frame", f"{zh}用了每帧 {period} 毫秒中的 {ms} 毫秒")
            else:
                why = pressure
            worst.bypass_wait = min(300.0, worst.bypass_wait * 2 or self._recover_after)
            worst.bypass_until = now + worst.bypass_wait
            worst.bypassed = Text(
                f"bypassed: {why.en}; it comes back when the machine has room",
                f"已暂时旁路：{why.zh}；机器空闲后自动恢复",
            )
            name = worst.plugin.name
            self._notify("warning", Text(f"{name.en} {worst.bypassed.en}", f"「{name.zh}」{worst.bypassed.zh}"))
            return
        for slot in self._active:
            if slot.bypassed is None or now < slot.bypass_until or pressure:
                continue
            if total + slot.last_cost <= 0.6 * self.budget:
                slot.bypassed = None
                slot.costs.clear()
                name = slot.plugin.name
                self._notify("info", Text(f"{name.en} is back on", f"「{name.zh}」已恢复"))
                break

    def _rebuild(self) -> None:
        # Audio slots stay in the chain once made, so their delay (and cross-fades) stay constant.
        if self.kind is Kind.AUDIO_FILTER:
            self._active = tuple(s for s in self._slots if s.instance is not None)
        else:
            self._active = tuple(s for s in self._slots if s.enabled and s.instance is not None)


def _delay(slot: _Slot, block: Samples) -> Samples:
    """``block`` delayed by the slot's latency (the dry path that lines up with the plugin's output)."""
    if slot.delay is None or slot.delay.shape[0] == 0:
        return block
    joined = np.concatenate([slot.delay, block])
    slot.delay = joined[block.shape[0] :]
    return joined[: block.shape[0]]


def _as_dict(settings: Any) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__dataclass_fields__}
