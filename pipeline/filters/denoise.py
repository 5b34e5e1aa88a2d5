"""Streaming noise suppression: noisereduce's spectral gate, made causal, on a live noise estimate.

What noisereduce does (``reduce_noise(stationary=True)``): a short-time Fourier transform of the
signal; per frequency, a threshold at the mean + ``n_std_thresh`` standard deviations of the noise
spectrum in dB; a mask that is 1 above the threshold and ``1 - prop_decrease`` below, smoothed over
time and frequency by a triangular kernel (against "musical noise", the twitter of isolated noise
bins that pass the gate); the masked spectrum resynthesised. This module runs that gate on a live
stream, hop by hop:

* **STFT with overlap-add.** Frames of ``frame`` samples (1024 at 48 kHz), hop ``frame / 4``, a
  sqrt-Hann analysis window and the same synthesis window (their product, a Hann window, sums to 2
  at 75 % overlap, so a mask of ones gives back the input exactly, delayed). Each output sample is
  the cross-faded sum of four frames, so a mask that changes between frames (new noise estimate,
  new parameters) never makes a step in the waveform. Input is consumed hop by hop whatever the
  chunk size, so chunk boundaries do not exist for the algorithm: the output does not depend on
  how the stream is cut (up to float rounding).
* **Noise statistics, continuous** (a live stream has no noise clip): MCRA, Cohen & Berdugo's
  minima-controlled recursive averaging (2002). The power spectrum is smoothed over time and
  frequency; its minimum over 0.75 to 1.5 s (two alternating sub-windows) marks where speech is
  absent (smoothed power below 3.5x the minimum); a speech-absence probability smoothed from that
  decides how fast each bin's noise power follows the signal (a running mean at first, then a 0.8 s
  time constant where absent, frozen where present). The minimum itself is a floor under the
  estimate, so a noise floor that rises (or returns after digital silence) is followed within
  ~1.5 to 3 s even while the tracker believes it is speech; a falling one is followed faster.
* **noisereduce's gate.** With noise power ``λ`` in a bin (complex Gaussian noise), the noise
  spectrum in dB has mean ``10 log10 λ - 2.51`` and standard deviation 5.57 dB, so noisereduce's
  threshold ``mean + n_std · std`` is ``λ`` + (5.57 ``n_std`` - 2.51) dB (8.6 dB for the default
  ``threshold_std`` 2). The gate is noisereduce's ``sigmoid`` of the level above that threshold (a
  soft version of its hard gate, so a bin at the threshold does not flicker), smoothed by
  noisereduce's ``_smoothing_filter`` (triangular, ``freq_smooth_hz`` wide by noisereduce's own
  sizing rule, and ±1 hop in time), and mixed with 1 by ``strength`` exactly as ``prop_decrease``.
  One change: the smoothed gate is doubled and clipped to 1 (``OPEN_GAIN``). Between a voice's
  harmonics the gate is closed, so noisereduce's plain average keeps voiced speech at about half
  amplitude; doubled, a bin passes whole once half its neighbourhood is open, while an isolated
  noise bin that passes stays small. On the test mixture that is 3.5 dB more SNR gain than the
  plain average with the same settings, ~1 dB more than the plain average at its best settings,
  and as much as a decision-directed Wiener gain steered by the same gate (tried, and dropped as
  not worth its complexity).
* **Latency** is ``frame + hop - 1`` samples (1279 at 48 kHz: 26.6 ms): a frame is complete with
  its last sample, the centred time smoothing needs the next hop, and a sample can leave only once
  all four frames over it are summed, whatever the chunk size. ``latency_samples`` is this constant.
  (noisereduce's default 50 ms of time smoothing would need ten hops of look-ahead.)

Why ``noisereduce.reduce_noise`` itself is not called per block: it is a batch function. Each call
runs a fresh STFT with zero-padded edges and no state, so consecutive blocks would be gated with
unrelated edges (a click every block, unless each call re-processed a long padded context: many
times the work); its stationary mode wants a noise clip up front, and its non-stationary mode
estimates the noise with a forward-backward filter over the whole signal, which a live stream
cannot wait for. So noisereduce supplies the gate (threshold rule, sigmoid, smoothing kernel,
``prop_decrease``) and this module the streaming STFT and the noise statistics.

Channels are denoised independently. ``set_params`` may be called from any thread while ``process``
runs: the parameters are swapped in as one object, used from the next hop on, and cross-faded in by
the overlap-add.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from noisereduce.spectralgate.base import _smoothing_filter
from noisereduce.spectralgate.utils import sigmoid

from pipeline.frames import Samples

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
C64 = npt.NDArray[np.complex64]

MAX_LATENCY_S = 0.030
"""The latency budget: the frame is the longest power of two that keeps ``frame + hop - 1`` within it."""
NOISE_DB_MEAN = -10 * 0.5772156649 / math.log(10)
"""Mean of 10 log10(|X|²/λ) for complex Gaussian noise of power λ: -2.51 dB (Euler's γ in dB)."""
NOISE_DB_STD = 10 / math.log(10) * math.pi / math.sqrt(6)
"""Its standard deviation: 5.57 dB."""
GATE_SLOPE = 1.2
"""Sigmoid slope per dB of the gate (noisereduce's ``sigmoid_slope``): 10 % → 90 % over ±1.8 dB."""
OPEN_GAIN = 2.0
"""The smoothed gate is scaled by this and clipped to 1: a bin passes whole once half of its
neighbourhood passes the gate (the valleys between a voice's harmonics are closed, so an unscaled
smoothed mask would cut voiced speech by ~6 dB), while an isolated noise bin that passes stays small."""
POWER_FLOOR = 1e-12
"""Added to every bin's power (≈ -120 dB re. a full-scale sine) so digital silence has a finite level."""

# MCRA (Cohen & Berdugo 2002), time constants converted from their 8 ms hop to ours.
SMOOTH_TAU_S = 0.036
"""Time smoothing of the power spectrum before minimum tracking (their α_s = 0.8)."""
NOISE_TAU_S = 0.8
"""Noise averaging time constant where speech is absent."""
PRESENCE_TAU_S = 0.005
"""Smoothing of the speech-presence decision (their α_p = 0.2)."""
MIN_WINDOW_S = 0.75
"""Minimum-tracking sub-window: the noise estimate can rise after 1 to 2 of these."""
PRESENCE_RATIO = 3.5
"""Speech is present in a bin whose smoothed power exceeds this many times its minimum (δ);
in white noise the ratio exceeds 3.5 in ~3 % of bins."""
MINIMUM_FLOOR = 1.0
"""The noise estimate never drops below this many times the tracked minimum (about half the mean)."""


@dataclass(frozen=True, slots=True)
class DenoiseParams:
    strength: float = 0.97
    """How much of the estimated noise to remove, 0..1: noisereduce's ``prop_decrease``. The gain of
    every bin is ``1 - strength * (1 - gain)``: 0 passes the input through unchanged (delayed)."""
    threshold_std: float = 2.0
    """Gate threshold in standard deviations of the noise spectrum above its mean, 0..6 (noisereduce's
    ``n_std_thresh_stationary``; 2.0 = 8.6 dB above the noise power)."""
    freq_smooth_hz: float = 500.0
    """Width over which the gate is smoothed across frequency, 0..4000 Hz (``freq_mask_smooth_hz``)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"strength {self.strength} is outside 0..1")
        if not 0.0 <= self.threshold_std <= 6.0:
            raise ValueError(f"threshold_std {self.threshold_std} is outside 0..6")
        if not 0.0 <= self.freq_smooth_hz <= 4000.0:
            raise ValueError(f"freq_smooth_hz {self.freq_smooth_hz} is outside 0..4000")


@dataclass(frozen=True, slots=True)
class _Gate:
    """Parameters turned into what the hop loop needs; swapped as one object by ``set_params``."""

    params: DenoiseParams
    offset_db: float
    freq_kernel: F64
    time_kernel: tuple[float, float, float]


_POWER_KERNEL = np.array([0.25, 0.5, 0.25])


def smooth_bins(x: F64, kernel: F64, edges: Literal["symmetric", "edge"]) -> F64:
    """Convolve the last axis (frequency bins) with a symmetric odd-length ``kernel``, padding the
    ends by mirroring (``symmetric``: a mask of ones stays ones) or repeating (``edge``)."""
    half = len(kernel) // 2
    padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode=edges)
    bins = x.shape[-1]
    out: F64 = kernel[0] * padded[..., :bins]
    for i in range(1, len(kernel)):
        out += kernel[i] * padded[..., i : i + bins]
    return out


def frame_length(sample_rate: int) -> int:
    """The STFT frame for ``sample_rate``: the longest power of two with ``frame * 5/4 - 1`` ≤ 30 ms."""
    return 1 << math.floor(math.log2((MAX_LATENCY_S * sample_rate + 1) * 4 / 5))


class Denoise:
    """Streaming noise suppressor for (N, channels) float32 blocks of any size."""

    def __init__(
        self, params: DenoiseParams = DenoiseParams(), *, sample_rate: int = 48_000, channels: int = 2
    ) -> None:
        if not 8_000 <= sample_rate <= 192_000:
            raise ValueError(f"sample_rate {sample_rate} is outside 8000..192000")
        if not 1 <= channels <= 32:
            raise ValueError(f"channels {channels} is outside 1..32")
        self.sample_rate = sample_rate
        self.channels = channels
        self.frame = frame_length(sample_rate)
        self.hop = self.frame // 4
        self.bins = self.frame // 2 + 1
        hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(self.frame) / self.frame)
        self._window = np.sqrt(hann).astype(np.float32)
        self._synthesis = (np.sqrt(hann) / 2).astype(np.float32)  # Hann at 75 % overlap sums to 2
        hop_s = self.hop / sample_rate
        self._alpha_s = math.exp(-hop_s / SMOOTH_TAU_S)
        self._alpha_d = math.exp(-hop_s / NOISE_TAU_S)
        self._alpha_p = math.exp(-hop_s / PRESENCE_TAU_S)
        self._min_window = max(1, round(MIN_WINDOW_S / hop_s))
        self._gate = self._derive(params)
        self.reset()

    # --- parameters ---------------------------------------------------------------------------

    @property
    def params(self) -> DenoiseParams:
        return self._gate.params

    def set_params(self, params: DenoiseParams) -> None:
        """Use ``params`` from the next hop on; safe from any thread (one attribute is replaced)."""
        self._gate = self._derive(params)

    def _derive(self, params: DenoiseParams) -> _Gate:
        # noisereduce's own rule for the kernel's half-width in bins (it counts in units of 2 bins).
        n_grad_freq = max(1, int(params.freq_smooth_hz / (self.sample_rate / (self.frame / 2))))
        kernel = np.asarray(_smoothing_filter(n_grad_freq, 1), np.float64)  # (2 n_grad_freq + 1, 3), sums to 1
        freq, time = kernel.sum(axis=1), kernel.sum(axis=0)  # it is an outer product: separate it
        return _Gate(
            params=params,
            offset_db=NOISE_DB_MEAN + params.threshold_std * NOISE_DB_STD,
            freq_kernel=freq,
            time_kernel=(float(time[0]), float(time[1]), float(time[2])),
        )

    @property
    def latency_samples(self) -> int:
        """Constant delay from input to output: ``frame + hop - 1`` (1279 samples, 26.6 ms at 48 kHz)."""
        return self.frame + self.hop - 1

    # --- state --------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the stream: silence before the next sample, noise estimate relearned. Not thread-safe."""
        ch, bins = self.channels, self.bins
        self._pending = np.zeros((ch, self.frame - self.hop), np.float32)
        """Input not yet past every frame: the last frame's overlap, then samples waiting for a hop."""
        self._ola = np.zeros((ch, self.frame - self.hop), np.float32)
        """Overlap-add sums still missing frames."""
        self._out = np.zeros((ch, self.hop - 1), np.float32)
        """Finished output not yet returned; starts with the part of the latency that rounds to a hop."""
        self._held = np.zeros((1, ch, bins), np.complex64)
        """The last analysed frame's spectrum, waiting for the next frame (the look-ahead)."""
        self._gates = np.zeros((2, ch, bins), np.float64)
        """Frequency-smoothed gates of the two last analysed frames."""
        self._frames_seen = 0
        self._smoothed = np.zeros((ch, bins), np.float64)
        self._minimum = np.zeros((ch, bins), np.float64)
        self._minimum_tmp = np.zeros((ch, bins), np.float64)
        self._presence = np.zeros((ch, bins), np.float64)
        self._noise = np.zeros((ch, bins), np.float64)
        self._min_count = 0
        self._learned = 0

    # --- processing ---------------------------------------------------------------------------

    def process(self, samples: Samples) -> Samples:
        """Denoise one block; returns as many samples, delayed by ``latency_samples``."""
        if samples.ndim != 2 or samples.shape[1] != self.channels:
            raise ValueError(f"expected (N, {self.channels}) samples, got {samples.shape}")
        n = samples.shape[0]
        gate = self._gate
        buffer = np.concatenate([self._pending, np.asarray(samples, np.float32).T], axis=1)
        count = (buffer.shape[1] - self.frame) // self.hop + 1 if buffer.shape[1] >= self.frame else 0
        if count:
            windows = np.lib.stride_tricks.sliding_window_view(buffer, self.frame, axis=1)[:, :: self.hop][:, :count]
            spectra: C64 = np.fft.rfft(windows.transpose(1, 0, 2) * self._window, axis=-1).astype(
                np.complex64, copy=False
            )
            self._out = np.concatenate([self._out, self._synthesise(spectra, gate)], axis=1)
            self._pending = buffer[:, count * self.hop :].copy()
        else:
            self._pending = buffer
        out, self._out = self._out[:, :n], self._out[:, n:]
        return np.ascontiguousarray(out.T)

    def _synthesise(self, spectra: C64, gate: _Gate) -> F32:
        """Analyse ``count`` new frames, resynthesise the ``count`` frames before them; return the finished samples."""
        power = spectra.real.astype(np.float64) ** 2 + spectra.imag.astype(np.float64) ** 2 + POWER_FLOOR
        noise = self._track_noise(power)
        level_db = 10 * np.log10(power / noise)
        opened = np.asarray(sigmoid(level_db - gate.offset_db, 0.0, GATE_SLOPE), np.float64)
        opened = smooth_bins(opened, gate.freq_kernel, "symmetric")
        gates = np.concatenate([self._gates, opened], axis=0)  # (count + 2, ch, bins)
        before, centre, after = gate.time_kernel
        smoothed = before * gates[:-2] + centre * gates[1:-1] + after * gates[2:]
        gains = np.minimum(1.0, OPEN_GAIN * smoothed)
        strength = gate.params.strength
        mask = (1.0 - strength * (1.0 - gains)).astype(np.float32)  # noisereduce's prop_decrease
        held = np.concatenate([self._held, spectra[:-1]], axis=0)  # the frames whose look-ahead has arrived
        self._held, self._gates = spectra[-1:].copy(), gates[-2:]
        frames = np.fft.irfft(held * mask, n=self.frame, axis=-1).astype(np.float32)
        frames *= self._synthesis
        return self._overlap_add(frames)

    def _overlap_add(self, frames: F32) -> F32:
        """Add (count, ch, frame) frames one hop apart onto the running sums; return the finished hops."""
        count, ch, _ = frames.shape
        quarters = frames.reshape(count, ch, 4, self.hop)
        acc = np.zeros((count + 3, ch, self.hop), np.float32)
        acc[:3] = self._ola.reshape(ch, 3, self.hop).transpose(1, 0, 2)
        for q in range(4):
            acc[q : q + count] += quarters[:, :, q]
        self._ola = acc[count:].transpose(1, 0, 2).reshape(ch, 3 * self.hop).copy()
        return acc[:count].transpose(1, 0, 2).reshape(ch, count * self.hop)

    def _track_noise(self, power: F64) -> F64:
        """MCRA: per frame (count, ch, bins), the noise power as estimated before that frame."""
        smoothed_in = smooth_bins(power, _POWER_KERNEL, "edge")
        noise_out = np.empty_like(power)
        a_s, a_d, a_p = self._alpha_s, self._alpha_d, self._alpha_p
        full = self.frame // self.hop  # index of the first frame with no pre-stream silence in it
        for j in range(power.shape[0]):
            seen = self._frames_seen
            self._frames_seen = seen + 1
            if seen < full - 1:
                noise_out[j] = power[j]  # partly before the stream: treat as noise, learn nothing
                continue
            if seen == full - 1:
                self._smoothed = smoothed_in[j].copy()
                self._minimum = self._smoothed.copy()
                self._minimum_tmp = self._smoothed.copy()
                self._noise = power[j].copy()
                self._presence[:] = 0.0
                self._learned = 0
            noise = self._noise
            noise_out[j] = noise
            # The minimum of the smoothed power decides where speech is absent; average the noise there.
            s = self._smoothed
            s *= a_s
            s += (1 - a_s) * smoothed_in[j]
            self._min_count += 1
            if self._min_count >= self._min_window:
                np.minimum(self._minimum_tmp, s, out=self._minimum)
                self._minimum_tmp = s.copy()
                self._min_count = 0
            else:
                np.minimum(self._minimum, s, out=self._minimum)
                np.minimum(self._minimum_tmp, s, out=self._minimum_tmp)
            p = self._presence
            p *= a_p
            p += (1 - a_p) * (s > PRESENCE_RATIO * self._minimum)
            # A plain running mean while the estimate is young, then the exponential average.
            self._learned += 1
            a = min(a_d, 1 - 1 / self._learned)
            keep = a + (1 - a) * p
            # The smoothed spectrum's minimum is below the noise's mean: a floor that lifts a stale
            # estimate (after digital silence, or a noise that got louder during speech).
            self._noise = np.maximum(keep * noise + (1 - keep) * power[j], MINIMUM_FLOOR * self._minimum)
        return noise_out
