"""A wall-clock time drawn into a picture as a row of black and white cells, and read back.

The test pattern carries one (as the co-host test page does, assets/web/clock_code.js draws and
reads the same code), so latency can be measured by a program rather than read off a screen: the
time a frame was made, compared with the clock where it is seen (the program, a viewer's page).

Layout, left to right, ``CELLS`` square cells of ``cell`` pixels on one row: the start marker
``1 0 1 1``, 42 bits of milliseconds since the Unix epoch (most significant first; 2^42 ms is 139
years), 8 bits of checksum (the sum of the time's 6 bytes, modulo 256) and the end marker ``0 1``.
White is 1. A reader samples the middle of each cell, so the code survives scaling down to about 6
pixels a cell and H.264 at streaming bit rates; a damaged code fails the markers or the checksum
and reads as None, never as a wrong time.
"""

from __future__ import annotations

import numpy as np

from pipeline.frames import Image

START = (1, 0, 1, 1)
END = (0, 1)
TIME_BITS = 42
SUM_BITS = 8
CELLS = len(START) + TIME_BITS + SUM_BITS + len(END)


def _checksum(ms: int) -> int:
    return sum(ms.to_bytes(6, "big")) & 0xFF


def bits_of(ms: int) -> list[int]:
    """The cells for time ``ms`` (0 or 1 each)."""
    if not 0 <= ms < 1 << TIME_BITS:
        raise ValueError(f"{ms} ms does not fit the clock code's {TIME_BITS} bits")
    time_bits = [(ms >> (TIME_BITS - 1 - i)) & 1 for i in range(TIME_BITS)]
    sum_bits = [(_checksum(ms) >> (SUM_BITS - 1 - i)) & 1 for i in range(SUM_BITS)]
    return [*START, *time_bits, *sum_bits, *END]


def width(cell: int) -> int:
    """Pixels the code takes across."""
    return CELLS * cell


def draw(image: Image, ms: int, x: int, y: int, cell: int) -> None:
    """Draw the code for ``ms`` into ``image`` (H x W x 3 uint8, in place) at (x, y)."""
    h, w = image.shape[:2]
    if x < 0 or y < 0 or x + width(cell) > w or y + cell > h:
        raise ValueError(f"a clock code of {cell} px cells at ({x}, {y}) does not fit a {w}x{h} picture")
    row = np.repeat(np.array(bits_of(ms), np.uint8) * 255, cell)
    image[y : y + cell, x : x + width(cell)] = row[None, :, None]


def read(image: Image, x: float, y: float, cell: float) -> int | None:
    """The time coded at (x, y) with cells of ``cell`` pixels (fractions allowed: a scaled picture),
    or None where there is no valid code."""
    h, w = image.shape[:2]
    cy = round(y + cell / 2)
    xs = [round(x + (i + 0.5) * cell) for i in range(CELLS)]
    if cy < 0 or cy >= h or xs[0] < 0 or xs[-1] >= w:
        return None
    grey = image[cy, xs].astype(np.float64)
    if grey.ndim == 2:
        grey = grey.mean(axis=1)
    markers = zip([*range(len(START)), *range(CELLS - len(END), CELLS)], START + END, strict=True)
    ones: list[float] = []
    zeros: list[float] = []
    for i, b in markers:
        (ones if b else zeros).append(grey[i])
    if min(ones) - max(zeros) < 60:  # not a code: no clear black and white
        return None
    threshold = (min(ones) + max(zeros)) / 2
    bits = [int(v > threshold) for v in grey]
    if tuple(bits[: len(START)]) != START or tuple(bits[-len(END) :]) != END:
        return None
    ms = 0
    for bit in bits[len(START) : len(START) + TIME_BITS]:
        ms = ms << 1 | bit
    total = 0
    for bit in bits[len(START) + TIME_BITS : -len(END)]:
        total = total << 1 | bit
    return ms if total == _checksum(ms) else None
