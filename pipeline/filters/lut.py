"""Colour looks from 3D LUT files (Adobe / DaVinci Resolve ``.cube``), applied to 720p in a few milliseconds.

Reading (:func:`read_cube`, :func:`parse_cube`) follows the Adobe Cube LUT Specification 1.0 for 3D
tables: ``TITLE "..."``, ``LUT_3D_SIZE N`` (2..129 here; the spec allows 256, but a 256^3 table is
200 MB of floats for no visible gain), ``DOMAIN_MIN``/``DOMAIN_MAX`` and Resolve's
``LUT_3D_INPUT_RANGE`` (only the default 0..1 domain is supported: other domains are refused, not
silently misread), ``#`` comments, then N^3 rows of "R G B" with red changing fastest. Unknown
upper-case keywords before the table (vendor extensions) are skipped. 1D LUTs (``LUT_1D_SIZE``) are
refused. Output values are clamped to 0..1. Every problem raises :class:`LutError` (a ``ValueError``)
whose message starts with ``file:line:``.

Applying. The textbook way, trilinear interpolation between the 8 lattice points around each
pixel, is some twenty numpy passes over a 1280x720 frame (tens of milliseconds); a fully expanded
2^24-entry table is 64 MB and as slow to index. :func:`compile_lut` instead splits the look in two:

1. **Curves**: for each output channel, the main effect of the same input channel (the LUT averaged
   over the two other inputs), as a 256-entry table per channel. ``cv2.LUT`` applies it exactly.
2. **Residual**: what the curves miss (channel mixing, saturation and hue shifts), sampled at the
   centres of the 65,536 cells of RGB 5-6-5 and looked up per pixel by the pixel's BGR565 code:
   ``cv2.cvtColor(BGR2BGR565)`` computes the code in one pass and ``np.take`` gathers from a 256 kB
   table that stays in cache.

``out = saturate(curves[in] + residual[bgr565(in)])``: five passes, no per-pixel Python. Separable
looks (identity, invert, contrast/gamma curves, per-channel grades) have no residual, skip step 2
and are exact to rounding. Otherwise the error is the change of the residual inside one 8x4x8 cell
(its slope times half a cell), about one level for the shipped looks (tests/pipeline/test_lut.py
measures it against :func:`sample`, the exact trilinear reference). Step 2 keeps the table as
int8 when the residual fits in ±127 and as int16 (a 512 kB table, a little slower) otherwise.

Strength ``s`` blends the look, ``out = in + s * (look(in) - in)``; it is baked into both tables,
so it costs nothing per frame.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.frames import Image

MAX_SIZE = 129
"""Largest LUT_3D_SIZE read (65 is the largest in common use)."""
MAX_FILE_BYTES = 128 * 1024 * 1024
_KEYWORD = re.compile(r"[A-Z][A-Z0-9_]*$")
_DOMAIN_TOLERANCE = 1e-6


class LutError(ValueError):
    """A LUT file that cannot be used. ``str()`` is ``"file:line: problem"`` (``"file: problem"``
    when no line is to blame, e.g. the file cannot be read)."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        super().__init__(f"{source}:{line}: {problem}" if line is not None else f"{source}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Lut3D:
    """A parsed 3D LUT. ``table[b, g, r]`` is the (B, G, R) output in 0..1 for the lattice point
    (r, g, b), each index in 0..size-1 standing for ``index / (size - 1)`` of full scale."""

    table: npt.NDArray[np.float32]
    title: str
    source: str

    @property
    def size(self) -> int:
        return int(self.table.shape[0])


# --- reading ---------------------------------------------------------------------------------------


def read_cube(path: str | os.PathLike[str]) -> Lut3D:
    """Read a ``.cube`` file; :class:`LutError` names the file (and line) of any problem."""
    source = os.fspath(path)
    try:
        size = Path(source).stat().st_size
        if size > MAX_FILE_BYTES:
            raise LutError(source, None, f"{size} bytes is too large for a 3D LUT (at most {MAX_FILE_BYTES})")
        data = Path(source).read_bytes()
    except OSError as error:
        raise LutError(source, None, f"cannot read the LUT file: {error.strerror or error}") from error
    return parse_cube(data.decode("utf-8", errors="replace"), source)


def parse_cube(text: str, source: str = "<string>") -> Lut3D:
    """Parse the text of a ``.cube`` file; ``source`` names it in error messages."""
    size: int | None = None
    title = ""
    values: list[float] = []
    rows = 0
    lines = text.removeprefix("\ufeff").splitlines()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = parts[0]
        if _KEYWORD.match(word):
            if rows:
                raise LutError(source, number, f"keyword {word} after the table rows")
            if word == "TITLE":
                title = line[len(word) :].strip().strip('"')
            elif word == "LUT_3D_SIZE":
                size = _parse_size(parts, source, number)
            elif word in ("LUT_1D_SIZE", "LUT_1D_INPUT_RANGE"):
                raise LutError(source, number, f"{word}: 1D LUTs are not supported, only 3D (LUT_3D_SIZE)")
            elif word in ("DOMAIN_MIN", "DOMAIN_MAX"):
                expected = 0.0 if word == "DOMAIN_MIN" else 1.0
                _check_domain(parts, 3, expected, source, number)
            elif word == "LUT_3D_INPUT_RANGE":
                numbers = _numbers(parts[1:], 2, source, number, word)
                if not _close(numbers, [0.0, 1.0]):
                    raise LutError(source, number, f"{word} {' '.join(parts[1:])}: only the range 0 1 is supported")
            continue
        if size is None:
            raise LutError(source, number, "table row before LUT_3D_SIZE")
        if rows == size**3:
            raise LutError(source, number, f"more than {size}^3 = {size**3} table rows")
        row = line.split("#", 1)[0].split()
        values.extend(_numbers(row, 3, source, number, "a table row (R G B)"))
        rows += 1
    if size is None:
        raise LutError(source, max(1, len(lines)), "no LUT_3D_SIZE line: not a 3D .cube LUT")
    if rows != size**3:
        raise LutError(source, max(1, len(lines)), f"{rows} table rows, LUT_3D_SIZE {size} needs {size**3}")
    rgb = np.clip(np.asarray(values, np.float32).reshape(size, size, size, 3), 0.0, 1.0)
    table = np.ascontiguousarray(rgb[..., ::-1])  # file order is [b][g][r] -> (R, G, B); keep BGR like frames
    table.flags.writeable = False
    return Lut3D(table, title, source)


def _parse_size(parts: list[str], source: str, number: int) -> int:
    if len(parts) != 2 or not parts[1].isdigit():
        raise LutError(source, number, f"LUT_3D_SIZE needs one whole number, got {' '.join(parts[1:])!r}")
    size = int(parts[1])
    if not 2 <= size <= MAX_SIZE:
        raise LutError(source, number, f"LUT_3D_SIZE {size} is outside 2..{MAX_SIZE}")
    return size


def _check_domain(parts: list[str], count: int, expected: float, source: str, number: int) -> None:
    numbers = _numbers(parts[1:], count, source, number, parts[0])
    if not _close(numbers, [expected] * count):
        raise LutError(
            source, number, f"{parts[0]} {' '.join(parts[1:])}: only the domain 0..1 is supported ({expected:g} each)"
        )


def _numbers(tokens: list[str], count: int, source: str, number: int, what: str) -> list[float]:
    if len(tokens) != count:
        raise LutError(source, number, f"{what} needs {count} numbers, found {len(tokens)}: {' '.join(tokens)!r}")
    out = []
    for token in tokens:
        try:
            value = float(token)
        except ValueError:
            raise LutError(source, number, f"{token!r} is not a number") from None
        if not math.isfinite(value):
            raise LutError(source, number, f"{token!r} is not a finite number")
        out.append(value)
    return out


def _close(numbers: list[float], expected: list[float]) -> bool:
    return all(abs(a - b) <= _DOMAIN_TOLERANCE for a, b in zip(numbers, expected, strict=True))


# --- exact reference ---------------------------------------------------------------------------------


def sample(lut: Lut3D, bgr: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """The look at BGR colours (any shape ``(..., 3)``, 0..255, floats allowed) by trilinear
    interpolation: the exact reference :class:`LutLook` approximates. Returns 0..255 floats."""
    n = lut.size
    position = np.clip(np.asarray(bgr, np.float64), 0.0, 255.0) * ((n - 1) / 255.0)
    low = np.minimum(position.astype(np.intp), n - 2)
    frac = position - low
    out = np.zeros(position.shape, np.float64)
    for db in (0, 1):
        for dg in (0, 1):
            for dr in (0, 1):
                weight = (
                    (frac[..., 0] if db else 1 - frac[..., 0])
                    * (frac[..., 1] if dg else 1 - frac[..., 1])
                    * (frac[..., 2] if dr else 1 - frac[..., 2])
                )
                out += weight[..., None] * lut.table[low[..., 0] + db, low[..., 1] + dg, low[..., 2] + dr]
    return (out * 255.0).astype(np.float32)


# --- fast application --------------------------------------------------------------------------------


class Scratch:
    """Work arrays reused from frame to frame by one thread (a fresh multi-megabyte array costs its
    page faults on every frame: measured, 2 ms of a 720p ``np.take`` becomes 8)."""

    __slots__ = ("_arrays",)

    def __init__(self) -> None:
        self._arrays: dict[str, npt.NDArray[Any]] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: npt.DTypeLike) -> npt.NDArray[Any]:
        """The array called ``name``, reallocated only when its shape or type changes."""
        array = self._arrays.get(name)
        if array is None or array.shape != shape or array.dtype != np.dtype(dtype):
            array = self._arrays[name] = np.empty(shape, dtype)
        return array


@dataclass(frozen=True, slots=True)
class LutLook:
    """A :class:`Lut3D` at one strength, ready to apply (see the module docstring). Immutable and
    shareable between threads; the tables are read-only."""

    curves: npt.NDArray[np.uint8]
    """256 x 1 x 3: the per-channel curves for ``cv2.LUT``."""
    residual: npt.NDArray[np.uint8] | None
    """256 x 256 x 3: ``128 + residual / residual_scale`` of the BGR565 cell whose code is
    ``row << 8 | column``; None when the look is separable."""
    residual_scale: int
    """1, or 2 when some residual is beyond ±127 (then stored at half precision)."""
    strength: float

    def apply(self, image: Image, out: Image | None = None, scratch: Scratch | None = None) -> Image:
        """The look applied to a BGR uint8 ``image`` (C-contiguous), written to ``out`` (may be
        ``image`` itself) or to a new array. Pass a :class:`Scratch` to reuse work arrays."""
        if self.residual is None:
            return np.asarray(cv2.LUT(image, self.curves, dst=out), np.uint8)
        work = scratch if scratch is not None else Scratch()
        h, w = image.shape[:2]
        code = cv2.cvtColor(image, cv2.COLOR_BGR2BGR565, dst=work.get("lut.code", (h, w, 2), np.uint8))
        # The two bytes of the code, as an integer (x, y) map, make cv2.remap a table lookup.
        where = work.get("lut.where", (h, w, 2), np.int16)
        np.copyto(where, code)
        delta = cv2.remap(
            self.residual,
            where,
            None,  # type: ignore[call-overload]  # the stubs miss that map2 may be empty
            cv2.INTER_NEAREST,
            dst=work.get("lut.delta", (h, w, 3), np.uint8),
        )
        base = cv2.LUT(image, self.curves, dst=work.get("lut.base", (h, w, 3), np.uint8))
        scale = self.residual_scale
        if out is None:
            out = np.empty_like(image)
        return np.asarray(cv2.addWeighted(base, 1.0, delta, scale, -128.0 * scale, dst=out), np.uint8)


def compile_lut(lut: Lut3D, strength: float = 1.0) -> LutLook:
    """Split ``lut`` into per-channel curves and a BGR565 residual table at ``strength`` (0..1)."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"LUT strength {strength} is outside 0..1")
    n = lut.size
    table = lut.table.astype(np.float64) * 255.0  # [b, g, r, channel]
    nodes = np.linspace(0.0, 255.0, n)
    # The mean over the continuous 0..1 range of a piecewise-linear function is the trapezoid rule.
    trapezoid = np.ones(n)
    trapezoid[[0, -1]] = 0.5
    trapezoid /= trapezoid.sum()
    main = (
        np.einsum("bgr,g,r->b", table[..., 0], trapezoid, trapezoid),
        np.einsum("bgr,b,r->g", table[..., 1], trapezoid, trapezoid),
        np.einsum("bgr,b,g->r", table[..., 2], trapezoid, trapezoid),
    )
    levels = np.arange(256.0)
    curves = np.stack([np.interp(levels, nodes, m) for m in main], axis=-1)
    curves = levels[:, None] + strength * (curves - levels[:, None])
    curves8 = np.clip(np.rint(curves), 0, 255).astype(np.uint8).reshape(256, 1, 3)
    curves8.flags.writeable = False

    # The look at the centres of the BGR565 cells (5 bits of blue and red, 6 of green), by separable
    # linear interpolation (trilinear interpolation is linear along each axis in turn).
    centres5 = np.arange(32) * 8 + 3.5
    centres6 = np.arange(64) * 4 + 1.5
    operands = [_interpolation_matrix(centres5, n), _interpolation_matrix(centres6, n)]
    operands += [_interpolation_matrix(centres5, n), table]
    grid: npt.NDArray[np.float64] = np.einsum("ib,jg,kr,bgrc->ijkc", *operands, optimize=True)
    grid[..., 0] -= np.interp(centres5, nodes, main[0])[:, None, None]
    grid[..., 1] -= np.interp(centres6, nodes, main[1])[None, :, None]
    grid[..., 2] -= np.interp(centres5, nodes, main[2])[None, None, :]
    residual = strength * grid
    if not np.rint(residual).any():
        return LutLook(curves8, None, 1, strength)
    scale = 1 if np.abs(residual).max() <= 127.0 else 2
    # BGR565 code = r5 << 11 | g6 << 5 | b5: order the cells [r][g][b]; row = code >> 8, column = code & 255.
    by_code = residual.transpose(2, 1, 0, 3).reshape(256, 256, 3)
    stored = np.clip(np.rint(128.0 + by_code / scale), 1, 255).astype(np.uint8)
    stored.flags.writeable = False
    return LutLook(curves8, stored, scale, strength)


def _interpolation_matrix(positions: npt.NDArray[np.floating[Any]], n: int) -> npt.NDArray[np.float64]:
    """len(positions) x n weights that linearly interpolate n lattice values (spanning 0..255) at ``positions``."""
    scaled = positions * ((n - 1) / 255.0)
    low = np.minimum(scaled.astype(np.intp), n - 2)
    frac = scaled - low
    matrix = np.zeros((len(positions), n))
    rows = np.arange(len(positions))
    matrix[rows, low] = 1.0 - frac
    matrix[rows, low + 1] = frac
    return matrix
