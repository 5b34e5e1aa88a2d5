"""Streaming noise suppression (pipeline/filters/denoise.py), measured on real synthetic speech.

The quality signal: espeak-ng speech on both channels after 1 s of noise only, mixed at 5 dB SNR
with studio noise (tests/helpers/speech.py: 80 % white hiss, 15 % fan hum at 50/100/150 Hz plus
rumble, 5 % keyboard clicks, shares of the noise power; noise independent per channel). SNR is
measured against the clean speech delayed by ``latency_samples``: everything in the output that is
not the clean speech, residual noise and speech distortion alike, counts as noise.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import signal

from pipeline.filters.denoise import Denoise, DenoiseParams
from tests.helpers.speech import delayed, noisy_speech, snr_db, studio_noise

RATE = 48_000
SNR_IN = 5.0
GOAL_DB = 8.0


@pytest.fixture(scope="module")
def mixture() -> tuple[np.ndarray, np.ndarray]:
    return noisy_speech(SNR_IN)


def run_chunked(denoise: Denoise, x: np.ndarray, sizes: list[int] | int = 1024) -> np.ndarray:
    out, i, k = [], 0, 0
    while i < len(x):
        size = sizes if isinstance(sizes, int) else sizes[k % len(sizes)]
        out.append(denoise.process(x[i : i + size]))
        i, k = i + size, k + 1
    return np.concatenate(out)


def band_energy(x: np.ndarray, low: float, high: float) -> float:
    sos = signal.butter(6, [low, high], "bandpass", fs=RATE, output="sos")
    return float(np.sum(signal.sosfilt(sos, x.astype(np.float64), axis=0) ** 2))


def test_snr_improves_by_8_db_and_speech_survives(mixture: tuple[np.ndarray, np.ndarray]) -> None:
    clean, noisy = mixture
    assert snr_db(clean, noisy) == pytest.approx(SNR_IN, abs=0.01)
    denoise = Denoise()
    out = run_chunked(denoise, noisy)
    reference = delayed(clean, denoise.latency_samples)
    gain = snr_db(reference, out) - snr_db(clean, noisy)
    assert gain >= GOAL_DB, f"SNR gain {gain:.2f} dB < {GOAL_DB} dB"

    # The speech is kept, not just the noise removed (silence would score -5 dB above, but be sure).
    speech = slice(RATE + denoise.latency_samples, len(out))
    for ch in range(2):
        assert np.corrcoef(reference[speech, ch], out[speech, ch])[0, 1] > 0.95
    kept = band_energy(out[speech], 300, 3400) / band_energy(reference[speech], 300, 3400)
    assert 10 * np.log10(kept) > -1.5, f"speech band lost {-10 * np.log10(kept):.1f} dB"
    # ... and the noise-only lead-in, once the estimate has settled, is pushed down (clicks pass partly).
    lead = slice(RATE // 2, RATE)
    assert 10 * np.log10(np.sum(out[lead] ** 2) / np.sum(noisy[lead] ** 2)) < -12


def test_latency_is_measured_and_within_30_ms(mixture: tuple[np.ndarray, np.ndarray]) -> None:
    t = np.arange(RATE) / RATE
    chirp = 0.25 * signal.chirp(t, 50, t[-1], 20_000, method="logarithmic")
    x = np.zeros((2 * RATE, 2), np.float32)
    x[RATE // 4 : RATE // 4 + RATE] = chirp[:, None]
    denoise = Denoise()
    y = run_chunked(denoise, x)
    n = 2 * len(x)
    xc = np.fft.irfft(np.fft.rfft(y[:, 0], n) * np.conj(np.fft.rfft(x[:, 0], n)), n)
    lag = int(np.argmax(xc[: len(x)]))
    assert lag == denoise.latency_samples
    assert lag / RATE <= 0.030
    # The chirp itself passes (there is no noise to remove): peak correlation near 1.
    assert np.corrcoef(y[lag:, 0], x[: len(x) - lag, 0])[0, 1] > 0.99
    # On speech too: the output lines up with the clean speech at exactly that lag.
    clean, noisy = mixture
    out = run_chunked(Denoise(), noisy)
    n = 2 * len(out)
    xc = np.fft.irfft(np.fft.rfft(out[:, 1], n) * np.conj(np.fft.rfft(clean[:, 1], n)), n)
    assert int(np.argmax(xc[: len(out)])) == lag


def test_output_does_not_depend_on_chunking(mixture: tuple[np.ndarray, np.ndarray]) -> None:
    _, noisy = mixture
    x = noisy[RATE // 2 : RATE // 2 + 3 * RATE]  # noise, then speech
    reference = run_chunked(Denoise(), x, 1024)
    whole = Denoise().process(x)
    sizes = [int(s) for s in np.random.default_rng(7).integers(1, 3001, 400)]
    ragged = run_chunked(Denoise(), x, sizes)
    assert reference.shape == whole.shape == ragged.shape == x.shape
    assert reference.dtype == np.float32
    assert np.abs(reference[RATE:]).max() > 0.1  # loud speech: float tolerance is tight relative to it
    np.testing.assert_allclose(whole, reference, atol=1e-6, rtol=0)
    np.testing.assert_allclose(ragged, reference, atol=1e-6, rtol=0)
    # One sample at a time, on a stream that starts in the speech.
    y = noisy[RATE + RATE // 4 : RATE + RATE // 4 + 6000]
    np.testing.assert_allclose(run_chunked(Denoise(), y, 1), run_chunked(Denoise(), y, 1024), atol=1e-6, rtol=0)


def test_strength_zero_is_an_exact_delay(mixture: tuple[np.ndarray, np.ndarray]) -> None:
    _, noisy = mixture
    denoise = Denoise(DenoiseParams(strength=0.0))
    out = run_chunked(denoise, noisy[: 2 * RATE], 1000)
    np.testing.assert_allclose(out, delayed(noisy[: 2 * RATE], denoise.latency_samples), atol=1e-6, rtol=0)


def max_second_difference(y: np.ndarray) -> np.ndarray:
    """Per sample, the largest |second difference| over the channels (a click is a spike in it)."""
    return np.abs(np.diff(y.astype(np.float64), 2, axis=0)).max(axis=1)


def test_changing_params_mid_stream_does_not_click(mixture: tuple[np.ndarray, np.ndarray]) -> None:
    """Click detector: the largest |second difference| of the output (over channels) in a window of
    one frame + hop either side of where a change reaches the output. It must be no larger than the
    biggest step of the whole run away from the changes, and no larger (10 % slack) than what the
    settings before and after produce on their own in that window: a change adds no step."""
    _, noisy = mixture
    # Low-passed content: its own sample-to-sample steps are small, so a step in the gain would show.
    sos = signal.butter(8, 1500, "low", fs=RATE, output="sos")
    x = signal.sosfilt(sos, noisy[: 4 * RATE], axis=0).astype(np.float32)
    gentle, off = DenoiseParams(), DenoiseParams(strength=0.0, threshold_std=3.0, freq_smooth_hz=100)
    half = dataclasses.replace(gentle, strength=0.5)
    changes = {RATE + 333: (gentle, off), 2 * RATE + 777: (off, gentle), 3 * RATE + 5: (gentle, half)}
    denoise = Denoise(gentle)
    out, i = [], 0
    for at in [*changes, len(x)]:
        while i < at:
            step = min(1024, at - i)
            out.append(denoise.process(x[i : i + step]))
            i += step
        if at in changes:
            denoise.set_params(changes[at][1])
    d2 = max_second_difference(np.concatenate(out))
    own = {p: max_second_difference(Denoise(p).process(x)) for p in (gentle, off, half)}
    lat, span = denoise.latency_samples, denoise.frame + denoise.hop
    windows = {at: slice(at + lat - span, at + lat + span) for at in changes}
    near = np.zeros(len(d2), bool)
    for w in windows.values():
        near[w] = True
    rest = d2[RATE // 2 :][~near[RATE // 2 :]].max()
    for at, (before, after) in changes.items():
        w = windows[at]
        assert d2[w].max() <= rest, f"the change at {at} made a bigger step than the signal ever does"
        assert d2[w].max() <= 1.1 * max(own[before][w].max(), own[after][w].max()), f"click at {at}"

    # The detector works: splicing the two settings' outputs without a cross-fade is caught.
    a, b = Denoise(gentle).process(x), Denoise(off).process(x)
    cut = RATE + 333 + lat
    spliced = max_second_difference(np.concatenate([a[:cut], b[cut:]]))
    w = windows[RATE + 333]
    assert spliced[w].max() > 2 * max(own[gentle][w].max(), own[off][w].max())


def test_noise_estimate_follows_a_louder_floor() -> None:
    # White noise at -50 dBFS for 2 s, then 20 dB louder: after ~2 s it is suppressed again.
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((6 * RATE, 2)) * 10 ** (-50 / 20)).astype(np.float32)
    x[2 * RATE :] *= 10
    y = run_chunked(Denoise(), x)

    def drop(a: slice) -> float:
        return float(10 * np.log10(np.sum(y[a] ** 2) / np.sum(x[a] ** 2)))

    assert drop(slice(RATE, 2 * RATE)) < -20
    assert drop(slice(5 * RATE, 6 * RATE)) < -20


def test_digital_silence_then_noise() -> None:
    x = np.zeros((5 * RATE, 2), np.float32)
    x[RATE:] = studio_noise(4 * RATE, 2, seed=4) * 0.01
    y = run_chunked(Denoise(), x)
    assert np.all(np.isfinite(y))
    assert not np.any(y[:RATE])
    tail = slice(4 * RATE, 5 * RATE)
    assert 10 * np.log10(np.sum(y[tail] ** 2) / np.sum(x[tail] ** 2)) < -15


@pytest.mark.parametrize(
    ("field", "value"),
    [("strength", -0.1), ("strength", 1.5), ("threshold_std", -1.0), ("threshold_std", 7.0), ("freq_smooth_hz", 5000)],
)
def test_params_are_validated(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        DenoiseParams(**{field: value})


def test_rejects_wrong_shapes_and_rates() -> None:
    with pytest.raises(ValueError, match="sample_rate"):
        Denoise(sample_rate=4000)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        Denoise().process(np.zeros((10, 1), np.float32))


def test_other_rates_keep_the_latency_budget() -> None:
    for rate in (16_000, 32_000, 44_100, 48_000, 96_000):
        denoise = Denoise(sample_rate=rate, channels=1)
        assert denoise.latency_samples / rate <= 0.030
        x = np.random.default_rng(1).standard_normal((rate // 2, 1)).astype(np.float32) * 0.1
        out = Denoise(DenoiseParams(strength=0.0), sample_rate=rate, channels=1).process(x)
        np.testing.assert_allclose(out, delayed(x, denoise.latency_samples), atol=1e-6, rtol=0)
