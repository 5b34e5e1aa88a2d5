"""Stream health: the studio's stats turned into rows a streamer can read and one verdict.

``HealthTracker.update`` takes the program's stats and, while live, the broadcast's (about once a
second) and returns a ``HealthReport``: rows (a stable key, a value with its unit, a level) and, when
something is wrong, the stage that is the bottleneck — rendering, encoding, the network or the CPU.
It reads the pipeline's numbers only, never the session's types: the session's events carry its
reports, so importing the session here would make a cycle (an import-linter contract forbids it).

Besides the numbers, it names what OBS's dock does not watch: a microphone or camera that is lost
(``InputStatus``: the stream carries silence, or the camera's placeholder), a recording or folder
whose disk refuses (stage ``disk``: the live stream goes on) and a relay that refuses the stream
because its disk is full (HTTP 507, stage ``relay``: the studio keeps the stream and retries).

Thresholds are OBS's (its stats dock): frames skipped due to encoding lag, missed due to rendering
lag and dropped by the network warn above 1 % and are errors above 5 %, counted over the last
``WINDOW_SECONDS`` (not since the start, so a bad minute shows even after a good hour and a
recovery shows within seconds); a frame rate below 95 % of the target warns, below 80 % is an
error; the time to render or encode one frame warns above 80 % of the frame budget (1/fps) and is
an error above it; CPU use (this process, as a share of all cores) warns above 90 %.

Texts here are English. Everything a user reads also carries a code and its arguments
(``HealthRow.code``/``args``, ``Overload.code``/``args``, with ``%1``, ``%2``… placeholders in the
English templates below) so that the interface can word it in the user's language.
"""

from __future__ import annotations

import math
import os
import resource
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pipeline.broadcast import BroadcastStats
from pipeline.outputs.base import OutputStats
from pipeline.program import ProgramStats

Level = Literal["ok", "warning", "error"]
LEVEL_RANK: dict[Level, int] = {"ok": 0, "warning": 1, "error": 2}

# OBS's thresholds (stats dock).
FPS_WARN, FPS_ERROR = 0.95, 0.80
"""Share of the target frame rate below which the frame rate warns / is an error."""
LAG_WARN, LAG_ERROR = 0.01, 0.05
"""Share of frames skipped, missed or dropped above which it warns / is an error."""
BUDGET_WARN, BUDGET_ERROR = 0.80, 1.00
"""Share of the frame budget (1/fps) a frame may take to render or encode before it warns / is an error."""
CPU_WARN = 0.90
"""Share of all cores this process may use before it warns."""

# Ours (OBS has no outgoing queue to watch).
QUEUE_WARN_SECONDS, QUEUE_ERROR_SECONDS = 2.0, 10.0
"""An output's queue warns when it holds more than this much of the stream and grew over the window;
it is an error past QUEUE_ERROR_SECONDS whether or not it still grows."""

WINDOW_SECONDS = 10.0
"""Frames skipped, missed and dropped are counted over this many seconds."""

INSUFFICIENT_STORAGE = 507
"""The HTTP status a relay answers while its disk is too full to take the stream (app/relay/ingest.py)."""

# The stage names in the verdict, in the order they are blamed when two are equally bad: a lost
# microphone or camera first (the streamer can plug it back; viewers hear silence or see a slate
# meanwhile), then encoding: a slow encoder also slows the render thread (a keyframe waits for the
# encoders), so it comes before rendering.
VERDICTS: dict[str, str] = {
    "input.microphone": "the %1 sends no sound: the stream carries silence until it is back",
    "input.camera": "%1 sends no picture: viewers see its placeholder until it is back",
    "encoding.slow": "the %1 rung takes %2 a frame (budget %3)",
    "encoding.skipped": "%1 of frames skipped in the last %2 s",
    "encoding.format_skipped": "%1 of the %3 canvas's frames skipped in the last %2 s",
    "rendering.slow": "a frame takes %1 to render (budget %2)",
    "rendering.missed": "%1 of frames missed in the last %2 s",
    "rendering.fps": "%1 fps instead of %2",
    "network.failed": "%1 stopped: %2",
    "relay.storage_full": "%1's disk is full: it refuses the stream, which waits here and is retried",
    "disk.failed": "%1 stopped: %2; the live stream goes on",
    "network.retrying": "%1 cannot deliver, reconnecting in %2 s",
    "network.reconnecting": "%1 cannot deliver, reconnecting…",
    "network.dropped": "%1 dropped %2 of its files in the last %3 s",
    "network.backlog": "%1 cannot keep up: %2 waiting to be sent",
    "cpu.busy": "ShopCast uses %1 of all CPU cores",
}
HEADLINES: dict[tuple[str, Level], str] = {
    ("rendering", "error"): "Rendering is overloaded",
    ("rendering", "warning"): "Rendering is struggling",
    ("encoding", "error"): "Encoding is overloaded",
    ("encoding", "warning"): "Encoding is struggling",
    ("network", "error"): "The network is failing",
    ("network", "warning"): "The network is struggling",
    ("relay", "error"): "The relay refuses the stream",
    ("disk", "error"): "Writing to this computer's disk failed",
    ("input", "error"): "An input is lost",
    ("input", "warning"): "An input is lost",
    ("cpu", "error"): "The CPU is overloaded",
    ("cpu", "warning"): "The CPU is overloaded",
}
ALL_GOOD = "All good"

ROW_LABELS: dict[str, str] = {
    "fps": "Frame rate",
    "render_time": "Average time to render a frame",
    "frames_missed": "Frames missed due to rendering lag (last 10 s)",
    "frames_skipped": "Frames skipped due to encoding lag (last 10 s)",
    "format_frames_skipped": "Frames skipped due to encoding lag, %1 (last 10 s)",
    "encode_time": "Encode time, %1",
    "bitrate": "Bitrate, %1",
    "audio_bitrate": "Audio bitrate",
    "output": "Output %1",
    "output_queue": "Output %1: queue",
    "output_dropped": "Output %1: dropped files (last 10 s)",
    "input": "Input %1",
    "cpu": "CPU usage (all cores)",
}
"""English labels by row key (``%1`` is the row's subject: a rung or an output)."""

ROW_VALUES: dict[str, str] = {
    "output.ok": "OK",
    "output.connecting": "Connecting…",
    "output.retrying": "Reconnecting in %1 s",
    "output.reconnecting": "Reconnecting…",
    "output.failed": "Failed: %1",
    "output.closed": "Closed",
    "output.storage_full": "Refused: the relay's disk is full",
    "queue": "%1 files (%2)",
    "input.ok": "OK",
    "input.no_sound": "No sound: sending silence",
    "input.no_picture": "No picture: placeholder shown",
}
"""English value templates by ``HealthRow.code`` (rows without a code show their value as it is)."""


def fill(template: str, args: tuple[str, ...]) -> str:
    """Put ``args`` in place of ``%1``, ``%2``… (Qt's placeholder style, so translations share it)."""
    for n in range(len(args), 0, -1):  # %10 before %1
        template = template.replace(f"%{n}", args[n - 1])
    return template


def worst(levels: list[Level]) -> Level:
    return max(levels, key=LEVEL_RANK.__getitem__, default="ok")


def fps_level(fps: float, target: float) -> Level:
    if fps >= target * FPS_WARN:
        return "ok"
    return "warning" if fps >= target * FPS_ERROR else "error"


def share_level(share: float) -> Level:
    """Frames skipped, missed or dropped, as a share of all frames."""
    if share > LAG_ERROR:
        return "error"
    return "warning" if share > LAG_WARN else "ok"


def budget_level(ms: float, budget_ms: float) -> Level:
    if ms > budget_ms * BUDGET_ERROR:
        return "error"
    return "warning" if ms > budget_ms * BUDGET_WARN else "ok"


def cpu_level(share: float) -> Level:
    return "warning" if share > CPU_WARN else "ok"


def format_ms(ms: float) -> str:
    return f"{ms:.1f} ms"


def format_kbps(kbps: float) -> str:
    return f"{kbps:.0f} kb/s"


def format_percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def format_bytes(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


def format_count(part: int, whole: int) -> str:
    share = part / whole if whole else 0.0
    return f"{part} / {whole} ({format_percent(share)})"


@dataclass(frozen=True, slots=True)
class InputStatus:
    """A device the show takes its sound or picture from, as the session sees it now."""

    kind: Literal["microphone", "camera"]
    name: str
    """The row's subject: ``microphone`` (the dock words it), or the camera source's own name."""
    lost: bool
    on_air: bool = True
    """Whether the program shows or plays it now: a camera lost off air is shown, not blamed."""


@dataclass(frozen=True, slots=True)
class HealthRow:
    key: str
    """Stable: one of ``ROW_LABELS``."""
    value: str
    """English, with its unit."""
    level: Level = "ok"
    subject: str = ""
    """The rung or output the row is about ("" for the others)."""
    code: str = ""
    """``ROW_VALUES`` key when the value has words to translate; "" when it is numbers and units only."""
    args: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.key}:{self.subject}" if self.subject else self.key

    @property
    def label(self) -> str:
        return fill(ROW_LABELS[self.key], (self.subject,))


@dataclass(frozen=True, slots=True)
class Overload:
    """The bottleneck: which stage, why, and how bad."""

    stage: str
    """``rendering``, ``encoding``, ``network``, ``relay``, ``disk``, ``input`` or ``cpu``."""
    reason: str
    level: Level
    args: tuple[str, ...]
    subject: str = ""
    """The rung or output to blame, if one is."""

    @property
    def code(self) -> str:
        return f"{self.stage}.{self.reason}"

    @property
    def headline(self) -> str:
        return HEADLINES[(self.stage, self.level)]

    @property
    def detail(self) -> str:
        return fill(VERDICTS[self.code], self.args)

    @property
    def message(self) -> str:
        return f"{self.headline}: {self.detail}"


@dataclass(frozen=True, slots=True)
class HealthReport:
    rows: tuple[HealthRow, ...]
    overloaded: Overload | None
    live: bool

    @property
    def level(self) -> Level:
        return worst([r.level for r in self.rows])

    @property
    def verdict(self) -> str:
        return self.overloaded.message if self.overloaded else ALL_GOOD

    def row(self, key: str, subject: str = "") -> HealthRow:
        for row in self.rows:
            if row.key == key and row.subject == subject:
                return row
        raise KeyError(f"{key}:{subject}" if subject else key)

    def keys(self) -> list[str]:
        return [r.id for r in self.rows]


def process_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class _ProgramSample:
    at: float
    rendered: int
    lagged: int


@dataclass(frozen=True, slots=True)
class _BroadcastSample:
    at: float
    frames_in: int
    skipped: int
    outputs: dict[str, OutputStats] = field(default_factory=dict)


_Sample = TypeVar("_Sample", _ProgramSample, _BroadcastSample)
_ORDER = list(VERDICTS)


class HealthTracker:
    """Folds the session's stats, one ``update`` at a time, into health reports.

    ``clock`` (monotonic seconds), ``cpu_seconds`` (this process's CPU time) and ``cpu_count`` are
    injectable for tests.
    """

    def __init__(
        self,
        target_fps: float,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        cpu_seconds: Callable[[], float] = process_cpu_seconds,
        cpu_count: int | None = None,
    ) -> None:
        if target_fps <= 0:
            raise ValueError(f"target frame rate {target_fps} must be positive")
        self.target_fps = target_fps
        self.budget_ms = 1000 / target_fps
        self.window = window
        self._clock = clock
        self._cpu_seconds = cpu_seconds
        self._cpu_count = max(1, cpu_count if cpu_count is not None else os.cpu_count() or 1)
        self._program: deque[_ProgramSample] = deque()
        self._broadcasts: dict[str, tuple[str, deque[_BroadcastSample]]] = {}
        """Per canvas ("" for the primary one): the stream id and its window of samples."""
        self._cpu_last: tuple[float, float] | None = None

    # --- the window ------------------------------------------------------------------------------

    def _trim(self, samples: deque[_Sample], now: float) -> _Sample:
        """Drop samples that are no longer needed; the first one left starts the window."""
        while len(samples) > 1 and samples[1].at <= now - self.window:
            samples.popleft()
        return samples[0]

    def _span(self, first: float, now: float) -> str:
        return f"{max(1, round(now - first))}"

    # --- update ----------------------------------------------------------------------------------

    def update(
        self,
        program: ProgramStats,
        broadcast: BroadcastStats | None,
        others: Sequence[BroadcastStats] = (),
        inputs: Sequence[InputStatus] = (),
    ) -> HealthReport:
        """Judge one second: the program's stats and the broadcast's (None when not live); in dual format
        ``others`` are the other canvases' broadcasts, whose rows name their canvas; ``inputs`` the
        microphone and cameras."""
        now = self._clock()
        rows: list[HealthRow] = []
        issues: list[Overload] = []
        self._program_rows(program, now, rows, issues)
        self._input_rows(inputs, rows, issues)
        live = broadcast is not None
        judged = [("", broadcast)] if broadcast is not None else []
        judged += [(other.canvas or f"format {i + 2}", other) for i, other in enumerate(others)]
        for canvas, stats in judged:
            self._broadcast_rows(stats, canvas, now, rows, issues)
        for gone in set(self._broadcasts) - {canvas for canvas, _ in judged}:
            del self._broadcasts[gone]
        self._cpu_row(now, rows, issues)
        overloaded = max(
            (i for i in issues if i.level != "ok"),
            key=lambda i: (LEVEL_RANK[i.level], -_ORDER.index(i.code)),
            default=None,
        )
        return HealthReport(tuple(rows), overloaded, live)

    def _program_rows(self, program: ProgramStats, now: float, rows: list[HealthRow], issues: list[Overload]) -> None:
        if self._program and (
            program.frames_rendered < self._program[-1].rendered or program.frames_lagged < self._program[-1].lagged
        ):
            self._program.clear()  # a new program: its counters start again
        self._program.append(_ProgramSample(now, program.frames_rendered, program.frames_lagged))
        first = self._trim(self._program, now)
        span = self._span(first.at, now)

        target = self.target_fps
        level = fps_level(program.fps, target)
        rows.append(HealthRow("fps", f"{program.fps:.1f} / {target:g} fps", level))
        issues.append(Overload("rendering", "fps", level, (f"{program.fps:.1f}", f"{target:g}")))

        level = budget_level(program.render_ms, self.budget_ms)
        rows.append(HealthRow("render_time", format_ms(program.render_ms), level))
        issues.append(Overload("rendering", "slow", level, (format_ms(program.render_ms), format_ms(self.budget_ms))))

        lagged = program.frames_lagged - first.lagged
        ticks = program.frames_rendered - first.rendered + lagged
        share = lagged / ticks if ticks else 0.0
        level = share_level(share)
        rows.append(HealthRow("frames_missed", format_count(lagged, ticks), level))
        issues.append(Overload("rendering", "missed", level, (format_percent(share), span)))

    @staticmethod
    def _input_rows(inputs: Sequence[InputStatus], rows: list[HealthRow], issues: list[Overload]) -> None:
        for device in inputs:
            if not device.lost:
                rows.append(HealthRow("input", ROW_VALUES["input.ok"], "ok", device.name, "input.ok"))
                continue
            code = "input.no_sound" if device.kind == "microphone" else "input.no_picture"
            level: Level = "warning" if device.on_air else "ok"
            rows.append(HealthRow("input", ROW_VALUES[code], level, device.name, code))
            issues.append(Overload("input", device.kind, level, (device.name,), device.name))

    def _broadcast_rows(
        self, broadcast: BroadcastStats, canvas: str, now: float, rows: list[HealthRow], issues: list[Overload]
    ) -> None:
        """One canvas's encoders and outputs (``canvas`` "" for the primary: its rows keep plain names)."""
        stream_id, window = self._broadcasts.get(canvas, (None, deque()))
        if broadcast.stream_id != stream_id or (window and broadcast.frames_in < window[-1].frames_in):
            window = deque()
        self._broadcasts[canvas] = (broadcast.stream_id, window)
        window.append(
            _BroadcastSample(now, broadcast.frames_in, broadcast.frames_skipped, {o.name: o for o in broadcast.outputs})
        )
        first = self._trim(window, now)
        span = self._span(first.at, now)

        skipped = broadcast.frames_skipped - first.skipped
        frames = broadcast.frames_in - first.frames_in
        share = skipped / frames if frames else 0.0
        level = share_level(share)
        key = "format_frames_skipped" if canvas else "frames_skipped"
        rows.append(HealthRow(key, format_count(skipped, frames), level, canvas))
        if canvas:
            issues.append(Overload("encoding", "format_skipped", level, (format_percent(share), span, canvas), canvas))
        else:
            issues.append(Overload("encoding", "skipped", level, (format_percent(share), span)))

        def named(rung: str) -> str:
            return f"{canvas} {rung}" if canvas else rung

        budget = format_ms(self.budget_ms)
        slow: list[tuple[float, Overload]] = []
        for rung in broadcast.rungs:
            level = budget_level(rung.encode_ms, self.budget_ms)
            rows.append(HealthRow("encode_time", format_ms(rung.encode_ms), level, named(rung.name)))
            issue = Overload(
                "encoding", "slow", level, (named(rung.name), format_ms(rung.encode_ms), budget), named(rung.name)
            )
            slow.append((rung.encode_ms, issue))
        # Of two slow rungs, blame the slowest: keep only its "encoding.slow" issue.
        issues.append(max(slow, key=lambda s: s[0])[1])

        for rung in broadcast.rungs:
            rows.append(HealthRow("bitrate", format_kbps(rung.kbps), "ok", named(rung.name)))
        if not canvas:
            rows.append(HealthRow("audio_bitrate", format_kbps(broadcast.audio_kbps)))

        stream_kbps = sum(r.kbps for r in broadcast.rungs) + broadcast.audio_kbps
        for output in broadcast.outputs:
            self._output_rows(output, first, now, span, stream_kbps, rows, issues)

    def _output_rows(
        self,
        output: OutputStats,
        first: _BroadcastSample,
        now: float,
        span: str,
        stream_kbps: float,
        rows: list[HealthRow],
        issues: list[Overload],
    ) -> None:
        name = output.name
        state = output.state
        local = output.medium == "disk"
        if state == "retrying" and output.last_status == INSUFFICIENT_STORAGE:
            code = "output.storage_full"
            rows.append(HealthRow("output", ROW_VALUES[code], "error", name, code))
            issues.append(Overload("relay", "storage_full", "error", (name,), name))
        elif state == "retrying" and output.retry_in is not None and output.retry_in > 0:
            countdown = str(math.ceil(output.retry_in))
            rows.append(
                HealthRow("output", f"Reconnecting in {countdown} s", "warning", name, "output.retrying", (countdown,))
            )
            issues.append(Overload("network", "retrying", "warning", (name, countdown), name))
        elif state == "retrying":
            rows.append(HealthRow("output", ROW_VALUES["output.reconnecting"], "warning", name, "output.reconnecting"))
            issues.append(Overload("network", "reconnecting", "warning", (name,), name))
        elif state == "failed":
            error = output.last_error or "?"
            value = fill(ROW_VALUES["output.failed"], (error,))
            rows.append(HealthRow("output", value, "error", name, "output.failed", (error,)))
            issues.append(Overload("disk" if local else "network", "failed", "error", (name, error), name))
        elif f"output.{state}" in ROW_VALUES:
            code = f"output.{state}"
            rows.append(HealthRow("output", ROW_VALUES[code], "ok", name, code))
        else:
            rows.append(HealthRow("output", state, "ok", name))

        # The queue: how much of the stream waits, and whether it grew over the window.
        before = first.outputs.get(name)
        queued_seconds = output.queued_bytes * 8 / 1000 / stream_kbps if stream_kbps > 0 else 0.0
        grew = before is not None and first.at <= now - 2 and output.queued_bytes > before.queued_bytes
        if queued_seconds > QUEUE_ERROR_SECONDS:
            level: Level = "error"
        elif queued_seconds > QUEUE_WARN_SECONDS and grew:
            level = "warning"
        else:
            level = "ok"
        size = format_bytes(output.queued_bytes)
        files = str(output.queued_files)
        rows.append(
            HealthRow("output_queue", fill(ROW_VALUES["queue"], (files, size)), level, name, "queue", (files, size))
        )
        if not local:  # a disk output's trouble is its failure (above), not the network's
            issues.append(Overload("network", "backlog", level, (name, size), name))

        # Dropped files over the window (OBS counts dropped frames; an output here drops files).
        dropped = output.dropped_files - (before.dropped_files if before else 0)
        sent = output.sent_files - (before.sent_files if before else 0)
        dropped, sent = max(0, dropped), max(0, sent)
        share = dropped / (dropped + sent) if dropped + sent else 0.0
        level = share_level(share)
        rows.append(HealthRow("output_dropped", format_count(dropped, dropped + sent), level, name))
        if not local:
            issues.append(Overload("network", "dropped", level, (name, format_percent(share), span), name))

    def _cpu_row(self, now: float, rows: list[HealthRow], issues: list[Overload]) -> None:
        cpu = self._cpu_seconds()
        last, self._cpu_last = self._cpu_last, (now, cpu)
        if last is None or now <= last[0]:
            rows.append(HealthRow("cpu", "—"))
            return
        share = max(0.0, cpu - last[1]) / (now - last[0]) / self._cpu_count
        level = cpu_level(share)
        rows.append(HealthRow("cpu", f"{100 * share:.0f} %", level))
        issues.append(Overload("cpu", "busy", level, (f"{100 * share:.0f} %",)))
