"""Noise gate, limiter, AGC (pipeline/filters/dynamics.py) and the level meter (pipeline/filters/meter.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.filters.dynamics import Agc, AgcParams, GateParams, Limiter, LimiterParams, NoiseGate
from pipeline.filters.meter import FLOOR_DB, Meter
from tests.helpers.speech import delayed, speech

RATE = 48_000


def sine(seconds: float, peak_db: float, freq: float = 440.0, channels: int = 2) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return np.repeat((10 ** (peak_db / 20) * np.sin(2 * np.pi * freq * t))[:, None], channels, 1).astype(np.float32)


def run(stage: NoiseGate | Limiter | Agc, x: np.ndarray, sizes: int | list[int] = 1024) -> np.ndarray:
    out, i, k = [], 0, 0
    while i < len(x):
        size = sizes if isinstance(sizes, int) else sizes[k % len(sizes)]
        out.append(stage.process(x[i : i + size]))
        i, k = i + size, k + 1
    y = np.concatenate(out)
    assert y.shape == x.shape and y.dtype == np.float32
    return y


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64))))


def ragged(seed: int = 1) -> list[int]:
    return [int(s) for s in np.random.default_rng(seed).integers(1, 3001, 500)]


# --- gate ----------------------------------------------------------------------------------------

GATE = GateParams(threshold_db=-40, hysteresis_db=8, attack_ms=5, hold_ms=100, release_ms=50, range_db=-60)


def test_gate_opens_and_closes_with_hysteresis() -> None:
    # Peak levels: closed; above open (-40) → opens; between close (-48) and open → stays open;
    # below close → closes after hold + release; back between → stays closed.
    levels = [-60, -36, -44, -56, -44]
    x = np.concatenate([sine(0.5, level) for level in levels])
    gate = NoiseGate(GATE)
    y = run(gate, x)
    for k, expected in enumerate([-60, 0, 0, -60, -60]):
        tail = slice(int((k + 0.6) * RATE / 2), int((k + 1) * RATE / 2))  # the last 40 % of each segment
        assert db(y[tail]) - db(x[tail]) == pytest.approx(expected, abs=0.5), f"segment {k} at {levels[k]} dB"
    assert not gate.is_open


def test_gate_holds_then_releases_without_clicks() -> None:
    x = np.concatenate([sine(0.5, -30), sine(0.5, -60)])
    y = run(NoiseGate(GATE), x, ragged())
    gain = np.abs(y[:, 0]) / np.maximum(np.abs(x[:, 0]), 1e-12)
    audible = np.abs(x[:, 0]) > 1e-4
    drop = RATE // 2
    # Open during the hold (the detector needs ~30 ms to fall 8 dB past the close threshold).
    assert np.all(gain[drop : drop + int(0.1 * RATE)][audible[drop : drop + int(0.1 * RATE)]] > 0.999)
    # Fully closed after detector fall + hold + release (+ margin).
    after = drop + int(0.25 * RATE)
    assert np.allclose(gain[after:][audible[after:]], 10 ** (-60 / 20), rtol=1e-3)
    # The gain moves by at most an attack or release ramp's step per sample (no jumps).
    g = np.where(audible, gain, np.nan)
    steps = np.abs(np.diff(g))
    fastest = min(GATE.attack_ms, GATE.release_ms) / 1000 * RATE
    assert np.nanmax(steps) <= (1 - 10 ** (-60 / 20)) / fastest * 1.01


def test_gate_output_does_not_depend_on_chunking() -> None:
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((3 * RATE, 2)) * np.repeat([0.001, 0.05, 0.003], RATE)[:, None]).astype(np.float32)
    reference = run(NoiseGate(GATE), x, 1024)
    np.testing.assert_array_equal(run(NoiseGate(GATE), x, ragged(3)), reference)
    np.testing.assert_array_equal(run(NoiseGate(GATE), x[:20_000], 1), reference[:20_000])


# --- limiter -------------------------------------------------------------------------------------


def test_limiter_never_exceeds_the_ceiling_and_glides() -> None:
    rng = np.random.default_rng(4)
    quiet = sine(1.0, -12)
    burst = (rng.standard_normal((RATE // 2, 2)) * 0.7).astype(np.float32) + sine(0.5, 0, 90)  # peaks ~+10 dBFS
    x = np.concatenate([quiet, burst, quiet])
    limiter = Limiter(LimiterParams(ceiling_db=-3.0, release_ms=100))
    y = run(limiter, x, ragged(5))
    ceiling = 10 ** (-3 / 20)
    assert np.abs(y).max() <= ceiling * (1 + 1e-6)
    assert 20 * np.log10(np.abs(x).max()) > 8
    lat = limiter.latency_samples
    assert lat == round(0.003 * RATE) - 1
    d = delayed(x, lat)
    # Transparent below the ceiling: the quiet part before the burst is the input, delayed.
    before = slice(lat, RATE - 10)
    np.testing.assert_array_equal(y[before], d[before])
    # The gain (output / delayed input, both channels share it) changes smoothly, so the clamp is idle:
    # per sample by at most (1 - min gain) / look-ahead, as the look-ahead average allows.
    audible = np.abs(d[:, 0]) > 0.05
    gain = np.where(audible, y[:, 0] / np.where(audible, d[:, 0], 1), np.nan)
    both = audible[1:] & audible[:-1]
    steps = np.abs(np.diff(gain))[both]
    assert steps.max() <= (1 - np.nanmin(gain)) / (lat + 1) * 1.05
    np.testing.assert_allclose(y[:, 1][audible], (gain * d[:, 1])[audible], rtol=1e-5, atol=1e-7)
    # It recovers: 0.5 s after the burst the gain is back above -0.5 dB.
    late = slice(int(2.4 * RATE), len(x))
    assert np.nanmin(gain[late]) > 10 ** (-0.5 / 20)


def test_limiter_lowering_the_ceiling_mid_stream() -> None:
    x = sine(1.0, -2)
    limiter = Limiter(LimiterParams(ceiling_db=-1.0))
    first = run(limiter, x[: RATE // 2])
    limiter.set_params(LimiterParams(ceiling_db=-12.0))
    second = run(limiter, x[RATE // 2 :])
    assert np.abs(first).max() <= 10 ** (-1 / 20)
    # What was already in the look-ahead keeps the old ceiling; everything after obeys the new one.
    assert np.abs(second[limiter.latency_samples :]).max() <= 10 ** (-12 / 20) * (1 + 1e-6)


def test_limiter_chunking_invariance() -> None:
    rng = np.random.default_rng(6)
    x = (rng.standard_normal((RATE, 2)) * 0.5).astype(np.float32)
    reference = run(Limiter(), x, 1024)
    np.testing.assert_allclose(run(Limiter(), x, ragged(7)), reference, atol=1e-6, rtol=0)
    np.testing.assert_allclose(run(Limiter(), x[:5000], 1), reference[:5000], atol=1e-6, rtol=0)


# --- AGC -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    v = speech(rms_db=0.0)
    return np.repeat(np.tile(v, 3)[:, None], 2, 1)  # ~18 s, unit RMS


def test_agc_raises_a_quiet_voice_to_the_target(voice: np.ndarray) -> None:
    x = (voice * 10 ** (-36 / 20)).astype(np.float32)  # -36 dBFS RMS
    agc = Agc(AgcParams(target_db=-20, max_gain_db=24, rise_db_per_s=6))
    y = run(agc, x, ragged(8))
    late = slice(len(x) - 6 * RATE, len(x))
    assert db(y[late]) == pytest.approx(-20, abs=2.0)
    assert 12 < agc.gain_db <= 24


def test_agc_gain_is_bounded(voice: np.ndarray) -> None:
    x = (voice * 10 ** (-40 / 20)).astype(np.float32)
    agc = Agc(AgcParams(target_db=-20, max_gain_db=10, rise_db_per_s=10))
    y = run(agc, x)
    assert agc.gain_db == pytest.approx(10.0)
    late = slice(len(x) - 6 * RATE, len(x))
    assert db(y[late]) - db(x[late]) == pytest.approx(10.0, abs=0.01)


def test_agc_does_not_raise_silence_or_a_quiet_noise_floor(voice: np.ndarray) -> None:
    rng = np.random.default_rng(9)
    floor = (rng.standard_normal((8 * RATE, 2)) * 10 ** (-65 / 20)).astype(np.float32)  # -65 dBFS hiss
    params = AgcParams(target_db=-20, max_gain_db=15, gate_db=-50, rise_db_per_s=6)
    agc = Agc(params)
    y = run(agc, floor)
    assert db(y) <= -65 + 0.1  # never turned up from the start
    assert agc.gain_db == 0.0
    # After a quiet voice raised the gain, the pause after it keeps the gain (no pumping up) ...
    x = np.concatenate([(voice * 10 ** (-35 / 20)).astype(np.float32), floor])
    agc = Agc(params)
    y = run(agc, x)
    pause = slice(len(voice) + RATE, len(x))
    gain_after_voice = db(y[pause]) - db(x[pause])
    assert gain_after_voice <= params.max_gain_db + 0.01
    assert agc.gain_db == pytest.approx(gain_after_voice, abs=0.2)
    # ... and silence stays silence.
    assert not np.any(run(Agc(params), np.zeros((RATE, 2), np.float32)))


def test_agc_ramps_are_smooth(voice: np.ndarray) -> None:
    x = (voice[: 8 * RATE] * 10 ** (-20 / 20)).astype(np.float32)
    agc = Agc(AgcParams(target_db=-30, min_gain_db=-20, fall_db_per_s=20))
    y = run(agc, x, ragged(10))
    audible = np.abs(x[:, 0]) > 1e-3
    gain_db = 20 * np.log10(np.abs(y[audible, 0] / x[audible, 0]))
    assert gain_db.min() < -8  # it did turn the voice down
    # At most fall_db_per_s per second between consecutive audible samples (gaps allowed for).
    positions = np.flatnonzero(audible)
    rate = np.abs(np.diff(gain_db)) / (np.diff(positions) / RATE)
    assert rate.max() <= 20 * 1.01


# --- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (GateParams, "threshold_db", 5.0),
        (GateParams, "hysteresis_db", -1.0),
        (GateParams, "attack_ms", 0.0),
        (GateParams, "hold_ms", -5.0),
        (GateParams, "release_ms", 10_000.0),
        (GateParams, "range_db", 3.0),
        (LimiterParams, "ceiling_db", 1.0),
        (LimiterParams, "release_ms", 1.0),
        (AgcParams, "target_db", 3.0),
        (AgcParams, "max_gain_db", 50.0),
        (AgcParams, "min_gain_db", 1.0),
        (AgcParams, "gate_db", -100.0),
        (AgcParams, "rise_db_per_s", 0.0),
        (AgcParams, "fall_db_per_s", 100.0),
    ],
)
def test_params_are_validated(make: type, field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        make(**{field: value})


# --- meter ---------------------------------------------------------------------------------------


def test_meter_reads_a_sine() -> None:
    meter = Meter()
    x = sine(1.0, -6.0, 997)
    for i in range(0, len(x), 1024):
        meter.process(x[i : i + 1024])
    levels = meter.levels()
    assert levels.peak_db == pytest.approx((-6.0, -6.0), abs=0.05)
    assert levels.rms_db == pytest.approx((-6.0 - 3.0103, -6.0 - 3.0103), abs=0.02)
    assert levels.clipped == (False, False)
    assert levels.position == len(x)


def test_meter_holds_peaks_then_falls_back() -> None:
    meter = Meter(hold_s=1.5, decay_db_per_s=20.0)
    burst = sine(0.01, -1.0, 1000)
    meter.process(burst)
    meter.process(sine(1.0, -30.0, 1000))
    levels = meter.levels()
    assert levels.held_peak_db[0] == pytest.approx(-1.0, abs=0.05)  # held after 1 s
    assert levels.peak_db[0] == pytest.approx(-1.0 - 20.0, abs=0.1)  # the bar falls back at 20 dB/s
    meter.process(sine(0.6, -30.0, 1000))
    assert meter.levels().held_peak_db[0] == pytest.approx(-30.0, abs=0.05)  # hold expired after 1.5 s
    # The fall-back is 20 dB/s exactly, whatever the chunking.
    a, b = Meter(), Meter()
    a.process(sine(0.01, -1.0, 1000))
    a.process(np.zeros((RATE // 4, 2), np.float32))
    b.process(sine(0.01, -1.0, 1000))
    for _ in range(RATE // 4 // 100):
        b.process(np.zeros((100, 2), np.float32))
    assert a.levels().peak_db[0] == pytest.approx(b.levels().peak_db[0], abs=1e-9)
    assert a.levels().peak_db[0] == pytest.approx(-1.0 - 5.0, abs=0.3)


def test_meter_clip_flag_and_silence_floor() -> None:
    meter = Meter(hold_s=0.5)
    meter.process(np.zeros((RATE, 2), np.float32))
    silent = meter.levels()
    assert silent.peak_db == silent.rms_db == silent.held_peak_db == (FLOOR_DB, FLOOR_DB)
    x = sine(0.1, -20.0)
    x[100, 1] = 1.0
    meter.process(x)
    assert meter.levels().clipped == (False, True)
    meter.process(sine(0.6, -20.0))
    assert meter.levels().clipped == (False, False)
