"""Laying words out in a box for the drawn sources (placeholder, slate, product card): wrapping,
ellipsis, centred blocks, in any script.

The glyphs come from :func:`pipeline.text.font` (a CJK-capable font), drawn with Pillow; this module
only decides where lines break. Latin words are kept whole and break at spaces; Chinese breaks between
any two characters, as it is typeset; a word too long for the line breaks between characters too.
"""

from __future__ import annotations

import re

from PIL import ImageDraw

from pipeline.text import font

_TOKENS = re.compile(r"\s+|[0-9A-Za-z_'’.,:;!?()%/#@&+\-¥$€£]+|.", re.DOTALL)

ELLIPSIS = "…"


def text_width(text: str, size: int) -> float:
    return float(font(size).getlength(text))


def line_height(size: int) -> int:
    """Pixels from one baseline to the next at ``size``."""
    return round(size * 1.25)


def wrap(text: str, size: int, max_width: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` at ``size`` (newlines kept)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            if not line and token.isspace():
                continue
            if text_width(line + token, size) <= max_width:
                line += token
                continue
            if line.strip():
                lines.append(line.rstrip())
                line = ""
            if token.isspace():
                continue
            for char in token:  # a token wider than the line: break it between characters
                if line and text_width(line + char, size) > max_width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line.rstrip())
    return lines


def clip_lines(text: str, size: int, max_width: float, max_lines: int) -> list[str]:
    """At most ``max_lines`` wrapped lines; when the text is longer, the last one ends with "…"."""
    lines = wrap(text, size, max_width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + ELLIPSIS, size) > max_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept


def fit_size(text: str, size: int, max_width: float, minimum: int = 8) -> int:
    """The largest size ≤ ``size`` at which ``text`` (one line) fits ``max_width``."""
    while size > minimum and text_width(text, size) > max_width:
        size = max(minimum, int(size * 0.92))
    return size


def draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    box: tuple[int, int, int, int],
    size: int,
    fill: tuple[int, ...],
    *,
    align: str = "center",
) -> int:
    """Draw ``lines`` at ``size`` from the top of ``box`` (x0, y0, x1, y1), aligned ``left`` or
    ``center``; returns the y below the last line."""
    x0, y, x1, _ = box
    face = font(size)
    step = line_height(size)
    for line in lines:
        width = text_width(line, size)
        x = x0 if align == "left" else x0 + (x1 - x0 - width) / 2
        draw.text((x, y), line, font=face, fill=fill)
        y += step
    return y
