"""Noise suppression: our streaming denoiser against FFmpeg's afftdn on the same noisy speech.

    .venv/bin/python benchmarks/denoise.py [--repeat 3] [--quick]

The signal is the one tests/pipeline/test_denoise.py measures (tests/helpers/speech.py): espeak-ng
speech (22 050 Hz, resampled to 48 kHz) on both channels after 1 s of noise only, mixed at 5 dB SNR
with studio noise: 80 % white hiss, 15 % fan hum (50/100/150 Hz + rumble under 300 Hz), 5 % keyboard
clicks (shares of the noise power, independent per channel). ~7.8 s of stereo float32 at 48 kHz.

* **SNR gain**: SNR(output) - SNR(input), where SNR(y) = power(clean) / power(y - clean): the
  residual noise and any damage to the speech both count as noise. The output is compared with the
  clean speech shifted by the output's delay: ``latency_samples`` for ours (checked against the
  measured delay), the cross-correlation peak with the clean speech for afftdn (0 to 100 ms).
* **Latency**: the delay between input and output, measured by cross-correlating them on a
  log chirp 50 Hz - 20 kHz (our denoiser passes it unchanged, so the peak is sharp).
* **RTF** (real-time factor) = processing time / audio duration, best of ``--repeat`` runs; < 1 is
  faster than real time. Ours: CPU time of this process (``time.process_time``) for ``process``
  over 1024-sample chunks, exactly as the program's audio thread calls it (numpy's FFT is
  single-threaded, so this is one core). afftdn: CPU time of the ffmpeg child (user + system,
  RUSAGE_CHILDREN) reading raw f32le from a file in a temporary folder and writing raw f32le, minus
  the same command with ``anull`` (process start-up, file I/O): the filter's own cost.
* **afftdn settings**: FFmpeg 5.1's afftdn has no "right" setting for this noise, so a grid of
  noise reduction ``nr`` (dB), noise floor ``nf`` (dBFS) and noise tracking ``tn`` is tried and the
  best SNR gain is the one compared (``--quick`` tries three). Every setting tried is printed
  (one run each); the best is then timed ``--repeat`` times.
* For reference, ``noisereduce.reduce_noise`` run offline on the whole clip (not streamable: it
  sees the future) with the 1 s noise-only lead-in as its noise clip, the one piece of knowledge a
  live stream does not have.

"ratio" = our SNR gain / afftdn's best SNR gain.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from noisereduce.noisereduce import reduce_noise  # noqa: E402
from scipy import signal  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402
from pipeline.filters.denoise import Denoise, DenoiseParams  # noqa: E402
from tests.helpers.speech import delayed, noisy_speech, snr_db  # noqa: E402

RATE = 48_000
CHUNK = 1024
SNR_IN = 5.0
GRID = [
    (nr, nf, tn) for tn in (0, 1) for nf in (-50, -40, -30, -25, -20) for nr in (12, 20, 30, 40, 60)
]  # fmt: skip
QUICK_GRID = [(12, -50, 0), (40, -30, 0), (40, -25, 0)]


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    snr_gain_db: float
    latency_ms: float | None
    rtf: float | None


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def xcorr_lag(out: np.ndarray, ref: np.ndarray, max_lag: int) -> int:
    """The delay of ``out`` behind ``ref`` (0..max_lag) at which they correlate best (channel 0)."""
    n = 2 * len(out)
    xc = np.fft.irfft(np.fft.rfft(out[:, 0], n) * np.conj(np.fft.rfft(ref[:, 0], n)), n)
    return int(np.argmax(xc[: max_lag + 1]))


def run_ours(noisy: np.ndarray) -> np.ndarray:
    denoise = Denoise(DenoiseParams())
    return np.concatenate([denoise.process(noisy[i : i + CHUNK]) for i in range(0, len(noisy), CHUNK)])


def time_ours(noisy: np.ndarray, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        denoise = Denoise()
        chunks = [noisy[i : i + CHUNK] for i in range(0, len(noisy), CHUNK)]
        t0 = time.process_time()
        for chunk in chunks:
            denoise.process(chunk)
        best = min(best, time.process_time() - t0)
    return best / (len(noisy) / RATE)


def measured_latency_ours() -> int:
    t = np.arange(RATE) / RATE
    x = np.zeros((2 * RATE, 2), np.float32)
    x[RATE // 4 : RATE // 4 + RATE] = 0.25 * signal.chirp(t, 50, t[-1], 20_000, method="logarithmic")[:, None]
    return xcorr_lag(run_ours(x), x, RATE // 10)


def ffmpeg_run(ffmpeg: str, graph: str, source: Path, target: Path) -> float:
    """CPU seconds of one ffmpeg filtering ``source`` (raw f32le stereo 48 kHz) into ``target``."""
    before = child_cpu()
    subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
         "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(source),
         "-af", graph, "-f", "f32le", "-ar", str(RATE), "-ac", "2", str(target)],
        check=True,
    )  # fmt: skip
    return child_cpu() - before


def run_afftdn(
    ffmpeg: str, clean: np.ndarray, noisy: np.ndarray, folder: Path, grid: list[tuple[int, int, int]], repeat: int
) -> tuple[list[Result], Result, float]:
    """Every setting of ``grid`` once (SNR gain, delay, RTF of that run), then the best one timed
    ``repeat`` times; and the start-up + I/O RTF that was subtracted."""
    source, target = folder / "noisy.f32", folder / "out.f32"
    noisy.astype("<f4").tofile(source)
    duration = len(noisy) / RATE
    baseline = min(ffmpeg_run(ffmpeg, "anull", source, target) for _ in range(repeat))

    def once(graph: str) -> Result:
        cpu = ffmpeg_run(ffmpeg, graph, source, target)
        out = np.fromfile(target, "<f4").reshape(-1, 2)
        out = np.pad(out, ((0, max(0, len(noisy) - len(out))), (0, 0)))[: len(noisy)]
        lag = xcorr_lag(out, clean, RATE // 10)
        gain = snr_db(delayed(clean, lag), out) - snr_db(clean, noisy)
        return Result(graph, gain, 1000 * lag / RATE, max(0.0, cpu - baseline) / duration)

    tried = [once(f"afftdn=nr={nr}:nf={nf}:tn={tn}") for nr, nf, tn in grid]
    best = max(tried, key=lambda r: r.snr_gain_db)
    timed = min((once(best.name) for _ in range(repeat)), key=lambda r: r.rtf or 0.0)
    return tried, timed, baseline / duration


def run_noisereduce_offline(clean: np.ndarray, noisy: np.ndarray) -> Result:
    t0 = time.process_time()
    out = np.asarray(reduce_noise(noisy.T, RATE, stationary=True, y_noise=noisy[:RATE].T)).T
    rtf = (time.process_time() - t0) / (len(noisy) / RATE)
    return Result("noisereduce.reduce_noise offline + noise clip", snr_db(clean, out) - SNR_IN, None, rtf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help=f"try {len(QUICK_GRID)} afftdn settings instead of {len(GRID)}"
    )
    args = parser.parse_args()
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        sys.exit("ffmpeg not found")
    ffmpeg_version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, check=True).stdout
    ffmpeg_version = ffmpeg_version.split("\n")[0]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, noisereduce {version('noisereduce')}")
    print(ffmpeg_version)

    clean, noisy = noisy_speech(SNR_IN)
    print(f"signal: {len(noisy) / RATE:.2f} s stereo at {RATE} Hz, input SNR {snr_db(clean, noisy):.2f} dB\n")

    denoise = Denoise()
    out = run_ours(noisy)
    lag = measured_latency_ours()
    if lag != denoise.latency_samples:
        sys.exit(f"measured delay {lag} != latency_samples {denoise.latency_samples}")
    ours = Result(
        "ours (pipeline.filters.denoise, 1024-sample chunks)",
        snr_db(delayed(clean, denoise.latency_samples), out) - SNR_IN,
        1000 * lag / RATE,
        time_ours(noisy, args.repeat),
    )
    with tempfile.TemporaryDirectory(prefix="shopcast-bench-denoise-") as folder:
        grid = QUICK_GRID if args.quick else GRID
        tried, best, startup_rtf = run_afftdn(ffmpeg, clean, noisy, Path(folder), grid, args.repeat)
    reference = run_noisereduce_offline(clean, noisy)

    print("afftdn settings tried (best first):")
    for r in sorted(tried, key=lambda r: -r.snr_gain_db):
        print(f"  {r.name:<28} SNR gain {r.snr_gain_db:6.2f} dB   delay {r.latency_ms:5.1f} ms   RTF {r.rtf:.4f}")
    print(f"  (single runs; ffmpeg start-up + raw I/O, subtracted from each RTF: {startup_rtf:.4f})\n")

    def cell(value: float | None, fmt: str) -> str:
        return format(value, fmt) if value is not None else "-"

    rows = [ours, Result(f"ffmpeg {best.name}", best.snr_gain_db, best.latency_ms, best.rtf), reference]
    print(f"{'':<52}{'SNR in':>8}{'SNR out':>9}{'gain dB':>9}{'latency ms':>12}{'RTF':>9}")
    for r in rows:
        print(
            f"{r.name:<52}{SNR_IN:>8.2f}{SNR_IN + r.snr_gain_db:>9.2f}{r.snr_gain_db:>9.2f}"
            f"{cell(r.latency_ms, '.1f'):>12}{cell(r.rtf, '.4f'):>9}"
        )
    print(f"\nratio ours/ffmpeg SNR gain: {ours.snr_gain_db / best.snr_gain_db:.2f}")
    print(f"goals: SNR gain >= 8 dB: {'yes' if ours.snr_gain_db >= 8 else 'NO'}; "
          f"latency <= 30 ms: {'yes' if (ours.latency_ms or 0) <= 30 else 'NO'}; "
          f"RTF <= 0.1: {'yes' if (ours.rtf or 1) <= 0.1 else 'NO'}")  # fmt: skip


if __name__ == "__main__":
    main()
