"""Test signals for the audio filters: real synthetic speech, and the noises of a home studio.

Speech comes from the Debian ``espeak-ng`` CLI (a formant synthesiser: voiced harmonics, fricatives,
pauses between words), written to a temporary folder that is deleted at once, read back and
resampled from its native 22 050 Hz to the program's 48 kHz. Noises are seeded, so every run sees
the same signal:

* white noise: microphone and preamp hiss, flat up to 24 kHz;
* hum: a fan or mains hum, 50 Hz and its harmonics plus low-passed (< 300 Hz) rumble;
* clicks: keyboard clicks, short high-passed noise bursts with a few ms decay at random times.

``studio_noise`` mixes them by shares of the noise power, 80 % hiss, 15 % hum, 5 % clicks by
default (at 5 dB SNR the clicks' peaks still reach the voice's peaks: they are short). All
arrays are float32, shape (N, channels) for multichannel signals, like the program's audio.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import signal

Array = npt.NDArray[np.float32]

ESPEAK = shutil.which("espeak-ng") or "espeak-ng"
ESPEAK_RATE = 22_050
"""espeak-ng always writes 16-bit mono WAV at this rate."""
TEXT = (
    "Welcome back to the live show. Today we have three new jackets in stock, and the first fifty orders ship for free."
)


def speech(text: str = TEXT, *, sample_rate: int = 48_000, rms_db: float = -23.0, words_per_minute: int = 175) -> Array:
    """Mono speech said by espeak-ng, resampled to ``sample_rate``, at ``rms_db`` dBFS RMS over the clip."""
    with tempfile.TemporaryDirectory(prefix="shopcast-speech-") as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(
            [ESPEAK, "-s", str(words_per_minute), "-w", str(path), text], check=True, capture_output=True, timeout=60
        )
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, ESPEAK_RATE)
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    x = pcm.astype(np.float64) / 32768.0
    g = np.gcd(sample_rate, ESPEAK_RATE)
    x = signal.resample_poly(x, sample_rate // g, ESPEAK_RATE // g)
    return scale_to_rms(x, rms_db).astype(np.float32)


def scale_to_rms(x: npt.NDArray[np.floating], rms_db: float) -> npt.NDArray[np.float64]:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return np.asarray(x, np.float64) * (10 ** (rms_db / 20) / rms)


def white_noise(n: int, channels: int, rng: np.random.Generator) -> Array:
    """Gaussian white noise, unit RMS, independent per channel."""
    return rng.standard_normal((n, channels)).astype(np.float32)


def hum(n: int, channels: int, rng: np.random.Generator, *, sample_rate: int = 48_000, mains: float = 50.0) -> Array:
    """Unit-RMS fan hum: ``mains`` and 2 harmonics (random phases) plus rumble low-passed at 300 Hz."""
    t = np.arange(n) / sample_rate
    out = np.empty((n, channels), np.float64)
    sos = signal.butter(4, 300, "low", fs=sample_rate, output="sos")
    for ch in range(channels):
        tones = sum(
            a * np.sin(2 * np.pi * k * mains * t + rng.uniform(0, 2 * np.pi))
            for k, a in ((1, 1.0), (2, 0.6), (3, 0.35))
        )
        rumble = signal.sosfilt(sos, rng.standard_normal(n))
        out[:, ch] = scale_to_rms(tones, 0.0) * np.sqrt(0.6) + scale_to_rms(rumble, 0.0) * np.sqrt(0.4)
    return scale_to_rms(out, 0.0).astype(np.float32)


def clicks(
    n: int,
    channels: int,
    rng: np.random.Generator,
    *,
    sample_rate: int = 48_000,
    per_second: float = 4.0,
    decay_ms: float = 3.0,
) -> Array:
    """Unit-RMS keyboard clicks: Poisson-timed bursts of high-passed (> 1 kHz) noise decaying in ``decay_ms``.

    The same click reaches every channel (one keyboard), with a random level per click."""
    count = max(1, rng.poisson(per_second * n / sample_rate))
    length = int(sample_rate * decay_ms / 1000 * 8)
    envelope = np.exp(-np.arange(length) / (sample_rate * decay_ms / 1000))
    sos = signal.butter(2, 1000, "high", fs=sample_rate, output="sos")
    out = np.zeros((n + length, channels), np.float64)
    for start in rng.integers(0, n, count):
        burst = signal.sosfilt(sos, rng.standard_normal(length)) * envelope * rng.uniform(0.3, 1.0)
        out[start : start + length] += burst[:, None] * rng.uniform(0.8, 1.0, channels)
    return scale_to_rms(out[:n], 0.0).astype(np.float32)


def studio_noise(
    n: int,
    channels: int,
    seed: int = 1,
    *,
    sample_rate: int = 48_000,
    shares: tuple[float, float, float] = (0.8, 0.15, 0.05),
) -> Array:
    """Unit-RMS mixture of white noise, hum and clicks with the given shares of the noise power."""
    rng = np.random.default_rng(seed)
    white, rumble, keys = shares
    mix = (
        np.sqrt(white) * white_noise(n, channels, rng).astype(np.float64)
        + np.sqrt(rumble) * hum(n, channels, rng, sample_rate=sample_rate)
        + np.sqrt(keys) * clicks(n, channels, rng, sample_rate=sample_rate)
    )
    return scale_to_rms(mix, 0.0).astype(np.float32)


def mix_at_snr(clean: Array, noise: Array, snr_db: float) -> tuple[Array, Array]:
    """(clean + scaled noise, the scaled noise) with power(clean) / power(noise) = ``snr_db``."""
    assert clean.shape == noise.shape
    p_clean = float(np.mean(np.square(clean, dtype=np.float64)))
    p_noise = float(np.mean(np.square(noise, dtype=np.float64)))
    scaled = noise.astype(np.float64) * np.sqrt(p_clean / p_noise / 10 ** (snr_db / 10))
    return (clean + scaled).astype(np.float32), scaled.astype(np.float32)


def snr_db(clean: npt.NDArray[np.floating], test: npt.NDArray[np.floating]) -> float:
    """10 log10(power(clean) / power(test - clean)): everything that is not the clean signal is noise."""
    c = np.asarray(clean, np.float64)
    error = np.asarray(test, np.float64) - c
    return float(10 * np.log10(np.sum(c * c) / np.sum(error * error)))


def noisy_speech(
    snr: float = 5.0, *, channels: int = 2, lead_s: float = 1.0, sample_rate: int = 48_000, seed: int = 1
) -> tuple[Array, Array]:
    """(clean, noisy): espeak speech on every channel after ``lead_s`` of noise only, studio noise at ``snr`` dB."""
    voice = speech(sample_rate=sample_rate)
    lead = int(lead_s * sample_rate)
    clean = np.zeros((lead + len(voice) + sample_rate // 4, channels), np.float32)
    clean[lead : lead + len(voice)] = voice[:, None]
    noise = studio_noise(len(clean), channels, seed, sample_rate=sample_rate)
    noisy, _ = mix_at_snr(clean, noise, snr)
    return clean, noisy


def delayed(x: Array, delay: int) -> Array:
    """``x`` delayed by ``delay`` samples (zeros in front), same length."""
    out = np.zeros_like(x)
    out[delay:] = x[: len(x) - delay]
    return out
