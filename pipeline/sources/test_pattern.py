"""A moving test picture with the frame number and the wall clock burned in.

The clock (milliseconds) lets anyone read end-to-end latency off a viewer's screen: compare the
burned-in time with the viewer machine's clock; the same time is drawn as a machine-readable code
(pipeline/sources/clock_code.py) at :meth:`TestPattern.clock_code_box`, for programs to do that. A
white square flashes on every whole second, in step with the tone source's beep, for audio/video
sync checks.

It is drawn every frame on the render thread, so it is drawn cheaply (0.5 ms a frame at 720p
instead of 1.5 ms): the label is part of the background, and the clock and the frame number are
put together from characters rendered once (:class:`_Digits`), pixel for pixel what
``cv2.putText`` draws.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.frames import Image
from pipeline.sources import clock_code
from pipeline.sources.base import FrameTime, VideoSource

# SMPTE-like bars, BGR.
_BARS = [
    (192, 192, 192),
    (0, 192, 192),
    (192, 192, 0),
    (0, 192, 0),
    (192, 0, 192),
    (0, 0, 192),
    (192, 0, 0),
]
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_DIGITS = "0123456789"


Pixels = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
"""Rows and columns of some pixels of a line."""


@dataclass(frozen=True, slots=True)
class _Cells:
    """A text line's pixels, for :class:`_Digits`: the line as its template draws it; for each digit
    position the pixels only it changes (a column span and a mask in it) and their values for each
    digit; and for each two neighbouring positions whose anti-aliased edges meet, those pixels and
    their values for each pair of digits."""

    plain: Image
    spans: dict[int, slice]
    masks: dict[int, npt.NDArray[np.bool_]]
    digits: dict[tuple[int, str], Image]
    shared: dict[tuple[int, int], Pixels]
    pairs: dict[tuple[int, int, str, str], Image]


_cells_made: dict[tuple[object, ...], _Cells | None] = {}
"""Cells by template, style and the background under the line: patterns of one size share them."""


class _Digits:
    """One line of text drawn exactly as ``cv2.putText(image, text, org, FONT_HERSHEY_SIMPLEX, scale,
    colour, thickness, LINE_AA)`` draws it over ``background``, but by copying pixels: each digit of
    ``template`` is rendered once per digit in its place, so a frame's text is a few copies instead
    of anti-aliased strokes. The font's digits share one advance, so each keeps its place whatever
    the others are; the other characters never change.

    A pixel that only one position's glyphs change takes that position's value; a pixel where two
    neighbours' edges meet (one or two per pair at some sizes) takes the value for the pair of
    digits. Anything else (glyphs reaching further) fails a check when the line is made, as does the
    whole against putText's own picture; a line that fails, or a text not shaped like ``template``,
    is drawn with ``cv2.putText``."""

    def __init__(
        self,
        background: Image,
        template: str,
        org: tuple[int, int],
        scale: float,
        colour: tuple[int, int, int],
        thickness: int,
    ) -> None:
        self._template = template
        self._org = org
        self._style = (scale, colour, thickness)
        height, width = background.shape[:2]
        (text_w, text_h), baseline = cv2.getTextSize(template, _FONT, scale, thickness)
        margin = thickness + 8
        x, y = org
        rows = max(0, y - text_h - margin), min(height, y + baseline + margin)
        cols = max(0, x - margin), min(width, x + text_w + margin)
        self._area = background[rows[0] : rows[1], cols[0] : cols[1]]
        self._origin = (x - cols[0], y - rows[0])
        self._corner = (cols[0], rows[0])
        key = (template, self._origin, self._style, self._area.shape, self._area.tobytes())
        if key not in _cells_made:
            if len(_cells_made) >= 16:
                _cells_made.clear()
            _cells_made[key] = self._render_cells()
        self._cells = _cells_made[key]
        self._line = self._cells.plain.copy() if self._cells is not None else None
        self._shown = template

    def _put(self, text: str) -> Image:
        area = self._area.copy()
        scale, colour, thickness = self._style
        cv2.putText(area, text, self._origin, _FONT, scale, colour, thickness, cv2.LINE_AA)
        return area

    def _with(self, digits: dict[int, str]) -> str:
        return "".join(digits.get(i, c) for i, c in enumerate(self._template))

    def _render_cells(self) -> _Cells | None:
        positions = [i for i, c in enumerate(self._template) if c in _DIGITS]
        if not positions:
            return None
        cells = _Cells(self._put(self._template), {}, {}, {}, {}, {})
        drawn: dict[int, dict[str, Image]] = {}
        changes: dict[int, npt.NDArray[np.bool_]] = {}  # the pixels each position's glyphs change
        for i in positions:
            drawn[i] = {d: self._put(self._with({i: d})) for d in _DIGITS}
            changes[i] = np.zeros(self._area.shape[:2], bool)
            for picture in drawn[i].values():
                changes[i] |= (picture != cells.plain).any(axis=2)
            if not changes[i].any():
                return None
        owners = sum((m.astype(np.uint8) for m in changes.values()), np.zeros(self._area.shape[:2], np.uint8))
        shared_any = np.zeros(self._area.shape[:2], bool)
        for i, j in itertools.pairwise(positions):
            meet = changes[i] & changes[j]
            if meet.any():
                rows, cols = np.nonzero(meet)
                cells.shared[i, j] = (rows, cols)
                shared_any |= meet
        if (owners > 1).sum() != shared_any.sum():
            return None  # glyphs that reach past their neighbours: leave it to putText
        for i in positions:
            own = changes[i] & ~shared_any
            columns = np.flatnonzero(changes[i].any(axis=0))
            span = slice(int(columns[0]), int(columns[-1]) + 1)
            cells.spans[i], cells.masks[i] = span, own[:, span, None]
            for d, picture in drawn[i].items():
                cells.digits[i, d] = picture[:, span].copy()
        if cells.shared:
            # Every pair of digits for every two neighbours at once: neighbours alternate between a and b.
            for a in _DIGITS:
                for b in _DIGITS:
                    picture = self._put(self._with({i: a if k % 2 else b for k, i in enumerate(positions)}))
                    for (i, j), where in cells.shared.items():
                        first, second = (b, a) if positions.index(i) % 2 == 0 else (a, b)
                        cells.pairs[i, j, first, second] = picture[where]
        for shift in range(len(_DIGITS)):  # texts that use every cell, against putText's own picture
            text = self._with({i: _DIGITS[(int(self._template[i]) + shift + k) % 10] for k, i in enumerate(positions)})
            line = cells.plain.copy()
            _Digits._paint(cells, line, text, None)
            if not np.array_equal(line, self._put(text)):
                return None
        return cells

    @staticmethod
    def _paint(cells: _Cells, line: Image, text: str, shown: str | None) -> None:
        """Bring ``line`` (showing ``shown``, or the template's picture for None) to ``text``."""
        for i, span in cells.spans.items():
            if shown is None or text[i] != shown[i]:
                np.copyto(line[:, span], cells.digits[i, text[i]], where=cells.masks[i])
        for (i, j), where in cells.shared.items():
            if shown is None or text[i] != shown[i] or text[j] != shown[j]:
                line[where] = cells.pairs[i, j, text[i], text[j]]

    @property
    def exact(self) -> bool:
        """Whether texts shaped like the template are drawn from the cells."""
        return self._cells is not None

    def draw(self, image: Image, text: str) -> None:
        """Draw ``text`` into ``image`` (the background's size, the background under the line)."""
        cells, line = self._cells, self._line
        shaped = len(text) == len(self._template) and all(
            a == b or (a in _DIGITS and b in _DIGITS) for a, b in zip(text, self._template, strict=True)
        )
        if cells is None or line is None or not shaped:
            scale, colour, thickness = self._style
            cv2.putText(image, text, self._org, _FONT, scale, colour, thickness, cv2.LINE_AA)
            return
        _Digits._paint(cells, line, text, self._shown)
        self._shown = text
        x, y = self._corner
        image[y : y + line.shape[0], x : x + line.shape[1]] = line


class TestPattern(VideoSource):
    __test__ = False  # not a pytest test class
    description = "test pattern"

    def __init__(self, width: int = 1280, height: int = 720, label: str = "ShopCast test pattern") -> None:
        if width < 64 or height < 64:
            raise ValueError(f"test pattern size {width}x{height} is too small (min 64x64)")
        self.width = width
        self.height = height
        self.label = label
        self._scale = min(width, height) / 720
        self._layout()
        self._background = self._make_background()
        s = self._scale
        self._clock = _Digits(
            self._background, "00:00:00.000", self._clock_org, 2.4 * s, (255, 255, 255), max(1, int(5 * s))
        )
        self._frame = _Digits(
            self._background, "frame 0000000", self._frame_org, 1.3 * s, (120, 220, 255), max(1, int(3 * s))
        )
        self._second = -1
        self._hms = ""

    def _layout(self) -> None:
        """Where the text and the clock code go. Landscape: the clock and the frame number on the left,
        the code and the label on the right. Where the code would be too small there (portrait), all
        four stack on the left, the code under the frame number."""
        w, h, s = self.width, self.height, self._scale
        y0 = int(h * 0.76)
        left = int(30 * s)
        self._clock_org = (left, y0 + int(80 * s))
        self._frame_org = (left, y0 + int(140 * s))
        full_cell = max(2, int(10 * s))
        x = int(w * 0.55)
        self._code = (x, y0 + int(24 * s), max(2, min(int(10 * s), (w - x - 4) // clock_code.CELLS)))
        self._label_org = (x, y0 + int(140 * s))
        stacked_y = y0 + int(170 * s)
        if (w - x - 4) // clock_code.CELLS < full_cell and stacked_y + full_cell <= h:
            cell = max(2, min(full_cell, (w - left - 4) // clock_code.CELLS))
            self._code = (left, stacked_y, cell)
            self._label_org = (left, stacked_y + cell + int(50 * s))

    def clock_code_box(self) -> tuple[int, int, int]:
        """Where the clock code is: (x, y, cell size) in pixels."""
        return self._code

    def _make_background(self) -> Image:
        w, h, s = self.width, self.height, self._scale
        image = np.zeros((h, w, 3), np.uint8)
        bars_h = int(h * 0.62)
        for i, colour in enumerate(_BARS):
            x0, x1 = i * w // len(_BARS), (i + 1) * w // len(_BARS)
            image[:bars_h, x0:x1] = colour
        ramp = np.linspace(0, 255, w, dtype=np.float32).astype(np.uint8)
        image[bars_h : int(h * 0.75)] = ramp[None, :, None]
        image[int(h * 0.75) :] = (40, 24, 16)
        cv2.putText(
            image, self.label, self._label_org, _FONT, 0.9 * s, (200, 200, 200), max(1, int(2 * s)), cv2.LINE_AA
        )
        image.flags.writeable = False
        return image

    def read(self, at: FrameTime) -> Image:
        image = self._background.copy()
        w, h, s = self.width, self.height, self._scale
        # A box sweeping across the bars shows motion (and encoder stress) at a glance.
        period = 4.0
        phase = (at.media % period) / period
        bx = int(phase * (w - int(160 * s)))
        cv2.rectangle(image, (bx, int(h * 0.12)), (bx + int(160 * s), int(h * 0.5)), (255, 255, 255), -1)
        cv2.circle(image, (bx + int(80 * s), int(h * 0.31)), int(50 * s), (30, 30, 220), -1)
        if at.media % 1.0 < 0.1:
            cv2.rectangle(image, (w - int(90 * s), int(10 * s)), (w - int(10 * s), int(90 * s)), (255, 255, 255), -1)
        # Text panel.
        ms = int(at.wall * 1000)
        if ms // 1000 != self._second:  # localtime once a second
            self._second = ms // 1000
            self._hms = time.strftime("%H:%M:%S", time.localtime(self._second))
        self._clock.draw(image, f"{self._hms}.{ms % 1000:03d}")
        self._frame.draw(image, f"frame {at.index:07d}")
        x, y, cell = self._code
        if x + clock_code.width(cell) <= w and y + cell <= h:  # a picture too small for it has none
            clock_code.draw(image, ms, x, y, cell)
        return image
