"""Choosing the x264 preset: a pre-flight measurement before going live, and a governor while live.

Pre-flight (:func:`preflight`): encode a few frames of the real picture on every rung at once, the
way the live ladder does, for each candidate preset from the best picture down, and take the first
that runs at ``headroom`` times the frame rate. On a 2-core machine that is the difference between
a clean 720p30 ladder and one that skips frames.

Governor (:class:`PresetGovernor`): fed once a second with the broadcast's counters, it steps to a
faster preset when encoding falls behind (frames skipped due to encoding lag above 1 % over the last
3 s, or a rung taking more than 90 % of the frame budget), and back towards the starting preset when
there has been headroom for 15 s (no skips, every rung under 50 % of the budget). Only
:data:`pipeline.encoders.ADAPTIVE_PRESETS` are used: they share codec headers, so the switch happens
at the next keyframe with no new init segment. Each change comes with the reason, naming the stage.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pipeline.encoders import ADAPTIVE_PRESETS, Rung, VideoEncoder
from pipeline.frames import Image

SKIP_RATIO = 0.01
"""Skipped frames over the window above which encoding counts as behind (OBS warns above 1 %)."""
BUSY = 0.9
"""A rung taking more than this share of the frame budget is about to fall behind."""
IDLE = 0.5
"""Every rung under this share of the budget leaves room for a slower, better preset."""


@dataclass(frozen=True, slots=True)
class PresetChange:
    preset: str
    reason: str


class PresetGovernor:
    """Decides preset changes from counters; pure (the caller applies them), one thread at a time."""

    def __init__(
        self,
        start: str,
        fps: float,
        *,
        presets: Sequence[str] = ADAPTIVE_PRESETS,
        overload_window: float = 3.0,
        headroom_window: float = 15.0,
        cooldown: float = 5.0,
    ) -> None:
        if start not in presets:
            raise ValueError(f"the governor starts from one of {', '.join(presets)}, not {start!r}")
        self.presets = tuple(presets)
        self.ceiling = self.presets.index(start)
        """The best preset allowed: the one the broadcast started with."""
        self.index = self.ceiling
        self.budget_ms = 1000.0 / fps
        self._overload_window = overload_window
        self._headroom_window = headroom_window
        self._cooldown = cooldown
        self._samples: deque[tuple[float, int, int, float, str]] = deque()
        self._changed_at = -1e9

    @property
    def preset(self) -> str:
        return self.presets[self.index]

    def observe(self, now: float, frames_in: int, skipped: int, encode_ms: dict[str, float]) -> PresetChange | None:
        """One sample of the counters (cumulative frames and skips; each rung's recent encode time)."""
        slowest = max(encode_ms, key=lambda name: encode_ms[name]) if encode_ms else ""
        worst = encode_ms.get(slowest, 0.0)
        self._samples.append((now, frames_in, skipped, worst, slowest))
        while self._samples and now - self._samples[0][0] > self._headroom_window:
            self._samples.popleft()
        if now - self._changed_at < self._cooldown:
            return None
        recent = [s for s in self._samples if now - s[0] <= self._overload_window and s[0] >= self._changed_at]
        if len(recent) >= 2 and self.index < len(self.presets) - 1:
            frames = recent[-1][1] - recent[0][1]
            skips = recent[-1][2] - recent[0][2]
            ratio = skips / max(1, frames + skips)
            busy = [s for s in recent[1:] if s[3] > BUSY * self.budget_ms]
            if ratio > SKIP_RATIO or len(busy) == len(recent) - 1:
                if ratio > SKIP_RATIO:
                    why = f"{ratio:.0%} of frames skipped due to encoding lag"
                else:
                    why = f"the {slowest} rung takes {worst:.0f} ms a frame (budget {self.budget_ms:.0f} ms)"
                return self._change(now, self.index + 1, f"encoding is overloaded: {why}")
        calm = [s for s in self._samples if s[0] >= self._changed_at]
        if (
            self.index > self.ceiling
            and calm
            and now - max(calm[0][0], self._changed_at) >= self._headroom_window - 1e-9
            and calm[-1][2] == calm[0][2]
            and all(s[3] < IDLE * self.budget_ms for s in calm)
        ):
            return self._change(now, self.index - 1, "encoding has headroom again")
        return None

    def _change(self, now: float, index: int, reason: str) -> PresetChange:
        old = self.preset
        self.index = index
        self._changed_at = now
        return PresetChange(self.preset, f"{reason}; x264 preset {old} → {self.preset}")


@dataclass(frozen=True, slots=True)
class PreflightResult:
    preset: str
    fps: dict[str, float]
    """Frames per second the whole ladder reached at each preset tried."""
    target: float


def measure_ladder(rungs: Sequence[Rung], fps: Fraction, preset: str, image: Image, frames: int = 20) -> float:
    """Frames per second at which every rung, each on its own thread as live, encodes ``image``."""
    return measure_rungs([(rung, image) for rung in rungs], fps, preset, frames)


def measure_rungs(work: Sequence[tuple[Rung, Image]], fps: Fraction, preset: str, frames: int = 20) -> float:
    """Frames per second at which every rung encodes its picture, all at once, each on its own thread
    as live (two canvases' ladders together, for dual format)."""
    encoders = [(VideoEncoder(rung, fps, preset), image) for rung, image in work]
    step = round(90000 / fps)
    errors: list[BaseException] = []

    def run(encoder: VideoEncoder, image: Image) -> None:
        try:
            for n in range(frames):
                # A moving picture: x264 is far faster on a frozen one than on a live camera.
                shifted = np.roll(image, n * 7, axis=1)
                encoder.encode(shifted, n * step, keyframe=n == 0)
        except BaseException as exc:  # reported below, on the caller's thread
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(e, image), name=f"shopcast-preflight-{i}-{e.rung.name}")
        for i, (e, image) in enumerate(encoders)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return frames / elapsed


def preflight(
    rungs: Sequence[Rung],
    fps: Fraction,
    image: Image,
    *,
    headroom: float = 1.25,
    presets: Sequence[str] = ADAPTIVE_PRESETS,
    measure: Callable[[str], float] | None = None,
) -> PreflightResult:
    """The best preset whose ladder runs at ``headroom`` x the frame rate (else the fastest)."""
    target = float(fps) * headroom
    timing = measure or (lambda preset: measure_ladder(rungs, fps, preset, image))
    measured: dict[str, float] = {}
    for preset in presets:
        measured[preset] = timing(preset)
        if measured[preset] >= target:
            return PreflightResult(preset, measured, target)
    return PreflightResult(presets[-1], measured, target)


@dataclass(frozen=True, slots=True)
class FormatsPlan:
    """What the dual-format pre-flight chose: one preset, and how many rungs of each ladder (top first)."""

    preset: str
    rungs: tuple[int, ...]
    tried: tuple[tuple[str, tuple[int, ...], float], ...]
    """Each configuration measured: (preset, rungs per ladder, frames per second of them all at once)."""
    target: float

    @property
    def fits(self) -> bool:
        return any(p == self.preset and r == self.rungs and f >= self.target for p, r, f in self.tried)


def preflight_formats(
    ladders: Sequence[Sequence[Rung]],
    fps: Fraction,
    images: Sequence[Image],
    *,
    headroom: float = 1.25,
    presets: Sequence[str] = ADAPTIVE_PRESETS,
    measure: Callable[[str, tuple[int, ...]], float] | None = None,
) -> FormatsPlan:
    """Dual format: can this machine encode both ladders at once, and with what? The best preset at
    which every rung of both runs at ``headroom`` x the frame rate; if even the fastest cannot, the
    last ladder's lowest rungs go first, then the first's (each keeps its top rung), until it fits.
    When nothing fits, the smallest configuration (the fastest preset, one rung each) is chosen."""
    target = float(fps) * headroom
    full = tuple(len(ladder) for ladder in ladders)

    def default(preset: str, counts: tuple[int, ...]) -> float:
        work = [(rung, image) for ladder, image, n in zip(ladders, images, counts, strict=True) for rung in ladder[:n]]
        return measure_rungs(work, fps, preset)

    timing = measure or default
    tried: list[tuple[str, tuple[int, ...], float]] = []
    for preset in presets:
        tried.append((preset, full, timing(preset, full)))
        if tried[-1][2] >= target:
            return FormatsPlan(preset, full, tuple(tried), target)
    fastest = presets[-1]
    counts = list(full)
    for index in reversed(range(len(counts))):
        while counts[index] > 1:
            counts[index] -= 1
            tried.append((fastest, tuple(counts), timing(fastest, tuple(counts))))
            if tried[-1][2] >= target:
                return FormatsPlan(fastest, tuple(counts), tuple(tried), target)
    return FormatsPlan(fastest, tuple(counts), tuple(tried), target)
