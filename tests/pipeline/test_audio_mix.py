"""Co-hosts' sound: the jitter buffer and the mix with mix-minus (pipeline/audio_mix.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.audio_mix import KNEE, MAX_BUFFER, PREBUFFER, GuestAudio, mix, soft_limit


def ramp(start: int, n: int) -> np.ndarray:
    """Samples whose value says where they are: sample k of the stream is k / 1e6."""
    values = (np.arange(start, start + n, dtype=np.float64) / 1e6).astype(np.float32)
    return np.stack([values, -values], axis=1)


def test_the_buffer_waits_for_its_prebuffer_then_plays_every_sample_in_order() -> None:
    """The network writes 960 samples every 20 ms, the program reads 1024 every 21.33 ms: after the
    prebuffer, every sample comes out once, in order, with no gap."""
    audio = GuestAudio()
    audio.write(ramp(0, 960))
    assert not audio.read(1024).any(), "not enough yet: silence, nothing consumed"
    assert audio.held == 960
    written, out = 960, []
    for tick in range(20, 3000):  # ms
        if tick % 20 == 0:
            audio.write(ramp(written, 960))
            written += 960
        while len(out) < tick * 3 // 64:  # a read every 21.33 ms
            out.append(audio.read(1024))
    played = np.concatenate(out)
    start = int(np.argmax(np.abs(played[:, 0]) > 0))  # (sample 0 is 0 itself: the first played is 1)
    assert 0 < start <= 2048
    heard = played[start - 1 :]
    assert np.array_equal(heard, ramp(0, len(heard)))
    assert audio.underruns == 0 and audio.dropped == 0


def test_running_dry_plays_silence_and_starts_again_after_the_prebuffer() -> None:
    audio = GuestAudio()
    audio.write(ramp(0, 2048))
    first = audio.read(1024)
    second = audio.read(1024)
    third = audio.read(1024)  # dry
    assert np.array_equal(np.concatenate([first, second]), ramp(0, 2048))
    assert not third.any() and audio.underruns == 1
    audio.write(ramp(2048, 960))
    assert not audio.read(512).any(), "below the prebuffer again: it waits"
    audio.write(ramp(3008, PREBUFFER))
    assert np.array_equal(audio.read(512), ramp(2048, 512))


def test_a_burst_beyond_the_limit_keeps_the_newest_sound() -> None:
    audio = GuestAudio()
    audio.write(ramp(0, MAX_BUFFER + 4800))
    assert audio.held == PREBUFFER and audio.dropped == MAX_BUFFER + 4800 - PREBUFFER
    assert np.array_equal(audio.read(PREBUFFER), ramp(MAX_BUFFER + 4800 - PREBUFFER, PREBUFFER))


def test_mono_is_spread_and_wrong_shapes_are_refused() -> None:
    audio = GuestAudio()
    audio.write(np.full((PREBUFFER, 1), 0.25, np.float32))
    assert np.all(audio.read(PREBUFFER) == 0.25)
    with pytest.raises(ValueError, match=r"expected an \(N, 2\) block"):
        audio.write(np.zeros((10, 3), np.float32))


def test_mix_minus_is_the_show_without_the_guests_own_voice() -> None:
    rng = np.random.default_rng(1)
    host, a, b = (rng.uniform(-0.2, 0.2, (1024, 2)).astype(np.float32) for _ in range(3))
    mixed = mix(host, [(a, 1.0), (b, 0.5)])
    assert np.allclose(mixed.program, host + a + 0.5 * b, atol=1e-6)
    assert np.allclose(mixed.minus[0], host + 0.5 * b, atol=1e-6)  # guest A hears the host and B
    assert np.allclose(mixed.minus[1], host + a, atol=1e-6)  # guest B hears the host and A
    muted = mix(host, [(a, 0.0)])
    assert np.allclose(muted.program, host) and np.allclose(muted.minus[0], host)


def test_a_loud_sum_is_bent_below_full_scale_not_clipped() -> None:
    loud = np.linspace(-1.8, 1.8, 2001, dtype=np.float32)[:, None].repeat(2, axis=1)
    out = soft_limit(loud)
    assert np.abs(out).max() <= 1.0
    assert np.all(np.diff(out[:, 0]) >= 0), "still monotonic: no fold-over"
    quiet = loud[np.abs(loud[:, 0]) <= KNEE]
    assert np.array_equal(soft_limit(quiet), quiet)
