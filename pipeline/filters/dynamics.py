"""Dynamics for program audio: a noise gate, a look-ahead limiter and a slow AGC.

All three compute a gain and multiply the signal by it; what matters is how the gain moves:

* **Control rate, sample-exact application.** The gate and the AGC decide at a control rate (the
  gate every ``GATE_BLOCK_S``, 0.67 ms; the AGC every ``AGC_BLOCK_S``, 10 ms) on blocks aligned to
  the stream position, not to the chunks ``process`` receives, and carry partly filled blocks over
  to the next call. So a stream gives the same output however it is cut into chunks (any N ≥ 1).
  Between decisions the gain moves along a ramp evaluated at every sample (linear in amplitude for
  the gate, linear in dB for the AGC), so it never steps: no clicks, even when ``set_params``
  changes a threshold mid-stream. Decisions use only samples already seen: the gate and the AGC add
  no latency.
* **The limiter looks ahead** ``LIMITER_LOOKAHEAD_S`` (3 ms). Per sample it needs gain
  ``min(1, ceiling / peak)`` (peak over channels: the channels share one gain, so the stereo image
  does not move). That need is held for the look-ahead window (a sliding minimum), released at a
  constant rate in dB (``release_ms`` per 10 dB), then averaged over the look-ahead window. The
  average of values that are each at most the need of the sample being output is at most that
  need, so the ceiling holds at every sample, while the gain glides down over 3 ms instead of
  jumping. The signal is delayed by ``lookahead - 1`` samples to line up with its gain. A final
  clamp at the ceiling only absorbs float rounding (the tests check the gain curve is smooth, so it
  cannot be doing the limiting).
* **The AGC** measures the input's mean square over ``AGC_WINDOW_S`` (0.4 s, all channels) and
  moves its gain toward ``target_db - level`` at ``rise_db_per_s`` / ``fall_db_per_s``, bounded to
  ``[min_gain_db, max_gain_db]``. Below ``gate_db`` (pauses, silence, a quiet noise floor) it holds
  its gain, so it never turns up the noise between sentences; the most a noise floor can be raised
  is ``max_gain_db``. Put the limiter after it: the AGC is slow and does not catch peaks.

Levels are dBFS: 0 dB is a sample of magnitude 1.0; for RMS, a full-scale square wave. Parameters
are frozen dataclasses validated on construction; ``set_params`` swaps the whole object (one
attribute store, safe from another thread) and the next control block uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipeline.frames import Samples

F64 = npt.NDArray[np.float64]

GATE_BLOCK_S = 1 / 1500
"""Gate decision period (32 samples at 48 kHz)."""
GATE_DETECTOR_TAU_S = 0.010
"""The gate's level detector: instant attack, exponential fall with this time constant (so the
troughs of a 50 Hz wave do not read as silence)."""
LIMITER_LOOKAHEAD_S = 0.003
"""The limiter's look-ahead: its attack time, and (minus one sample) its latency."""
AGC_BLOCK_S = 0.010
"""AGC decision period."""
AGC_WINDOW_S = 0.4
"""Time constant of the AGC's loudness measurement (mean square over channels)."""
LIMITER_RELEASE_DB = 10.0
"""``release_ms`` is the time for the limiter's gain to recover by this many dB."""


def db_to_amplitude(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def _check(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is outside {low:g}..{high:g}")


def _as_block(samples: Samples, channels: int) -> npt.NDArray[np.float32]:
    if samples.ndim != 2 or samples.shape[1] != channels:
        raise ValueError(f"expected (N, {channels}) samples, got {samples.shape}")
    return np.asarray(samples, np.float32)


def _segments(filled: int, n: int, block: int) -> list[tuple[int, int, bool]]:
    """Split ``n`` new samples into (start, stop, completes_a_block) pieces on block boundaries,
    ``filled`` samples of the current block having been seen already."""
    pieces = []
    start = 0
    room = block - filled
    while start < n:
        stop = min(n, start + room)
        pieces.append((start, stop, stop - start == room))
        start, room = stop, block
    return pieces


# --- noise gate ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateParams:
    threshold_db: float = -45.0
    """Opens when the level reaches this, -96..0 dBFS (peak level, channels linked)."""
    hysteresis_db: float = 6.0
    """Closes only below ``threshold_db - hysteresis_db``, 0..40 dB: a level hovering at the
    threshold does not chatter."""
    attack_ms: float = 2.0
    """Time to fade from closed to fully open, 0.5..500 ms."""
    hold_ms: float = 150.0
    """Time the gate stays open after the level falls below the close threshold, 0..5000 ms."""
    release_ms: float = 150.0
    """Time to fade from open to closed, 1..5000 ms."""
    range_db: float = -60.0
    """Gain when closed, -120..0 dB (-120 is as good as silence)."""

    def __post_init__(self) -> None:
        _check("threshold_db", self.threshold_db, -96.0, 0.0)
        _check("hysteresis_db", self.hysteresis_db, 0.0, 40.0)
        _check("attack_ms", self.attack_ms, 0.5, 500.0)
        _check("hold_ms", self.hold_ms, 0.0, 5000.0)
        _check("release_ms", self.release_ms, 1.0, 5000.0)
        _check("range_db", self.range_db, -120.0, 0.0)


class NoiseGate:
    """Mutes the signal (to ``range_db``) while its level stays below a threshold; zero latency."""

    def __init__(self, params: GateParams = GateParams(), *, sample_rate: int = 48_000, channels: int = 2) -> None:
        _check("sample_rate", sample_rate, 8_000, 192_000)
        _check("channels", channels, 1, 32)
        self.sample_rate = sample_rate
        self.channels = channels
        self._block = max(1, round(sample_rate * GATE_BLOCK_S))
        self._params = params
        self.reset()

    @property
    def params(self) -> GateParams:
        return self._params

    def set_params(self, params: GateParams) -> None:
        """Use ``params`` from the next control block on; safe from any thread."""
        self._params = params

    @property
    def latency_samples(self) -> int:
        return 0

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def gain(self) -> float:
        """The gain applied to the last sample processed."""
        return self._gain

    def reset(self) -> None:
        self._open = False
        self._hold_left = 0
        self._envelope = 0.0
        self._gain = db_to_amplitude(self._params.range_db)
        self._filled = 0
        self._block_peak = 0.0

    def process(self, samples: Samples) -> Samples:
        x = _as_block(samples, self.channels)
        n = x.shape[0]
        p = self._params
        sr = self.sample_rate
        floor = db_to_amplitude(p.range_db)
        up = (1.0 - floor) / (p.attack_ms * sr / 1000)
        down = (1.0 - floor) / (p.release_ms * sr / 1000)
        open_at, close_at = db_to_amplitude(p.threshold_db), db_to_amplitude(p.threshold_db - p.hysteresis_db)
        hold = round(p.hold_ms * sr / 1000)
        decay = math.exp(-self._block / (GATE_DETECTOR_TAU_S * sr))
        level = np.abs(x).max(axis=1) if n else np.zeros(0, np.float32)
        pieces = _segments(self._filled, n, self._block)
        starts = np.array([a for a, _, _ in pieces], np.intp)
        peaks = np.maximum.reduceat(level, starts) if n else np.zeros(0, np.float32)
        g0 = np.empty(len(pieces))
        slope = np.empty(len(pieces))
        gain = self._gain
        for i, (a, b, completes) in enumerate(pieces):
            if self._open:
                rate = up
            elif self._hold_left > 0:
                rate = 0.0
            else:
                rate = -down
            g0[i], slope[i] = gain, rate
            gain = min(1.0, max(floor, gain + rate * (b - a)))
            self._block_peak = max(self._block_peak, float(peaks[i]))
            self._filled += b - a
            if completes:
                self._decide(open_at, close_at, hold, decay)
        self._gain = gain
        lengths = np.diff(np.append(starts, n))
        offsets = np.arange(1, n + 1) - np.repeat(starts, lengths)
        gains = np.clip(np.repeat(g0, lengths) + np.repeat(slope, lengths) * offsets, floor, 1.0)
        out: npt.NDArray[np.float32] = (x * gains[:, None]).astype(np.float32)
        return out

    def _decide(self, open_at: float, close_at: float, hold: int, decay: float) -> None:
        """One control block is complete: update the detector and the open/closed state."""
        self._envelope = max(self._block_peak, self._envelope * decay)
        self._block_peak = 0.0
        self._filled = 0
        if self._envelope >= open_at:
            self._open = True
        elif self._open and self._envelope < close_at:
            self._open = False
            self._hold_left = hold
        elif not self._open:
            self._hold_left = max(0, self._hold_left - self._block)


# --- limiter ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LimiterParams:
    ceiling_db: float = -1.0
    """No output sample exceeds this, -40..0 dBFS (sample peak; inter-sample peaks are not measured)."""
    release_ms: float = 200.0
    """Time for the gain to recover by 10 dB once the peaks are gone, 5..5000 ms."""

    def __post_init__(self) -> None:
        _check("ceiling_db", self.ceiling_db, -40.0, 0.0)
        _check("release_ms", self.release_ms, 5.0, 5000.0)


class Limiter:
    """Brick-wall look-ahead peak limiter, channels linked; ``latency_samples`` = look-ahead - 1."""

    def __init__(
        self, params: LimiterParams = LimiterParams(), *, sample_rate: int = 48_000, channels: int = 2
    ) -> None:
        _check("sample_rate", sample_rate, 8_000, 192_000)
        _check("channels", channels, 1, 32)
        self.sample_rate = sample_rate
        self.channels = channels
        self.lookahead = max(2, round(sample_rate * LIMITER_LOOKAHEAD_S))
        self._params = params
        self.reset()

    @property
    def params(self) -> LimiterParams:
        return self._params

    def set_params(self, params: LimiterParams) -> None:
        """Use ``params`` from the next sample processed; safe from any thread. Samples already in the
        look-ahead keep the ceiling they were measured against, so a lower ceiling fades in (3 ms)."""
        self._params = params

    @property
    def latency_samples(self) -> int:
        return self.lookahead - 1

    @property
    def gain_reduction_db(self) -> float:
        """Gain reduction at the last sample output, ≥ 0 dB (for a meter)."""
        return -20 * math.log10(max(self._last_gain, 1e-12))

    def reset(self) -> None:
        k, ch = self.lookahead, self.channels
        self._delay = np.zeros((k - 1, ch), np.float32)
        self._ceilings = np.full(k - 1, db_to_amplitude(self._params.ceiling_db))
        """The ceiling each delayed sample was limited against."""
        self._need = np.ones(k - 1)
        """Gain needed by the last ``lookahead - 1`` input samples."""
        self._released_db = 0.0
        self._released = np.ones(k - 1)
        """The held-and-released gain of the last ``lookahead - 1`` samples, linear."""
        self._last_gain = 1.0

    def process(self, samples: Samples) -> Samples:
        x = _as_block(samples, self.channels)
        n, k = x.shape[0], self.lookahead
        if n == 0:
            return x.copy()
        p = self._params
        ceiling = db_to_amplitude(p.ceiling_db)
        peak = np.abs(x).max(axis=1).astype(np.float64)
        need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-30))
        # Hold: the smallest need over the look-ahead window ending at each sample.
        needs = np.concatenate([self._need, need])
        held = np.lib.stride_tricks.sliding_window_view(needs, k).min(axis=1)
        # Release at a constant dB rate: r[i] = min(held[i], r[i-1] + step), as a running minimum.
        step = LIMITER_RELEASE_DB / (p.release_ms * self.sample_rate / 1000)
        held_db = 20 * np.log10(np.maximum(held, 1e-30))
        ramp = step * np.arange(n)
        released_db = ramp + np.minimum(self._released_db + step, np.minimum.accumulate(held_db - ramp))
        released_db = np.minimum(released_db, held_db)
        released = 10 ** (released_db / 20)
        # Average over the look-ahead window: the gain glides down over it, ahead of the peak.
        window = np.concatenate([self._released, released])
        sums = np.cumsum(np.concatenate([[0.0], window]))
        gain = (sums[k:] - sums[:-k]) / k
        delayed = np.concatenate([self._delay, x])
        ceilings = np.concatenate([self._ceilings, np.full(n, ceiling)])
        guard = ceilings[:n, None].astype(np.float32)
        out = np.clip(delayed[:n] * gain[:, None].astype(np.float32), -guard, guard)
        self._delay = delayed[n:].copy()
        self._ceilings = ceilings[n:].copy()
        self._need = needs[n:].copy()
        self._released = window[n:].copy()
        self._released_db = float(released_db[-1])
        self._last_gain = float(gain[-1])
        result: npt.NDArray[np.float32] = out.astype(np.float32)
        return result


# --- automatic gain control ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgcParams:
    target_db: float = -20.0
    """Loudness to reach, -60..0 dBFS RMS (mean square over channels, 0.4 s window)."""
    max_gain_db: float = 12.0
    """Most gain the AGC applies, 0..40 dB: also the most it can raise a noise floor."""
    min_gain_db: float = -12.0
    """Least gain (most attenuation), -40..0 dB."""
    gate_db: float = -50.0
    """Below this input level the AGC holds its gain, -96..0 dBFS: pauses are not turned up."""
    rise_db_per_s: float = 3.0
    """How fast the gain may rise, 0.1..60 dB/s."""
    fall_db_per_s: float = 6.0
    """How fast the gain may fall, 0.1..60 dB/s."""

    def __post_init__(self) -> None:
        _check("target_db", self.target_db, -60.0, 0.0)
        _check("max_gain_db", self.max_gain_db, 0.0, 40.0)
        _check("min_gain_db", self.min_gain_db, -40.0, 0.0)
        _check("gate_db", self.gate_db, -96.0, 0.0)
        _check("rise_db_per_s", self.rise_db_per_s, 0.1, 60.0)
        _check("fall_db_per_s", self.fall_db_per_s, 0.1, 60.0)


class Agc:
    """Slow automatic gain control toward a target loudness; zero latency."""

    def __init__(self, params: AgcParams = AgcParams(), *, sample_rate: int = 48_000, channels: int = 2) -> None:
        _check("sample_rate", sample_rate, 8_000, 192_000)
        _check("channels", channels, 1, 32)
        self.sample_rate = sample_rate
        self.channels = channels
        self._block = max(1, round(sample_rate * AGC_BLOCK_S))
        self._smoothing = math.exp(-self._block / (AGC_WINDOW_S * sample_rate))
        self._params = params
        self.reset()

    @property
    def params(self) -> AgcParams:
        return self._params

    def set_params(self, params: AgcParams) -> None:
        """Use ``params`` from the next control block on; safe from any thread. If the current gain is
        outside the new bounds it moves into them at the rise/fall rates (no jump)."""
        self._params = params

    @property
    def latency_samples(self) -> int:
        return 0

    @property
    def gain_db(self) -> float:
        """The gain the AGC is heading to (reached by the end of the current 10 ms block)."""
        return self._to_db

    @property
    def level_db(self) -> float:
        """The measured input loudness, dBFS RMS (-inf before any sound)."""
        return 10 * math.log10(self._mean_square) if self._mean_square > 0 else -math.inf

    def reset(self) -> None:
        self._mean_square = 0.0
        self._from_db = 0.0
        self._to_db = 0.0
        self._filled = 0
        self._block_sum = 0.0

    def process(self, samples: Samples) -> Samples:
        x = _as_block(samples, self.channels)
        n = x.shape[0]
        power = np.square(x, dtype=np.float64).mean(axis=1)
        pieces = _segments(self._filled, n, self._block)
        gains_db = np.empty(n)
        for a, b, completes in pieces:
            position = self._filled + np.arange(1, b - a + 1)
            gains_db[a:b] = self._from_db + (self._to_db - self._from_db) * position / self._block
            self._block_sum += float(power[a:b].sum())
            self._filled += b - a
            if completes:
                self._decide()
        return (x * (10 ** (gains_db / 20))[:, None].astype(np.float32)).astype(np.float32)

    def _decide(self) -> None:
        """One control block is complete: measure, then pick the gain to ramp to over the next block."""
        p = self._params
        a = self._smoothing
        self._mean_square = a * self._mean_square + (1 - a) * self._block_sum / self._block
        self._block_sum = 0.0
        self._filled = 0
        gain = self._to_db
        desired = gain  # gated: hold
        if self._mean_square > 0 and 10 * math.log10(self._mean_square) > p.gate_db:
            desired = p.target_db - 10 * math.log10(self._mean_square)
        desired = min(p.max_gain_db, max(p.min_gain_db, desired))
        dt = self._block / self.sample_rate
        step = min(p.rise_db_per_s * dt, max(-p.fall_db_per_s * dt, desired - gain))
        self._from_db, self._to_db = gain, gain + step
