"""Pictures the scene sources hand out: decoding image files, premultiplying alpha, fitting.

Sources deliver BGR pictures, or BGRA with *premultiplied* alpha (pipeline/sources/base.py), and
several of them (a still image, the slideshow, the text, the product card) start from the same few
operations; they live here once. Image files are read as bytes and decoded from memory
(``cv2.imdecode``), because ``cv2.imread`` cannot open every path (non-ASCII ones on Windows), and
16-bit, grey and palette files come out as 8-bit BGR/BGRA like any other.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from pipeline.frames import Image
from pipeline.overlay import Layer

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
"""The still-image files the sources read (what OpenCV decodes everywhere)."""


class ImageFileError(ValueError):
    """An image file that is missing or cannot be decoded; ``missing`` tells which."""

    def __init__(self, message: str, *, missing: bool) -> None:
        super().__init__(message)
        self.missing = missing


def decode_image(data: bytes | np.ndarray, name: str = "image") -> Image:
    """Encoded bytes (PNG, JPEG, WebP, BMP) → BGR (H, W, 3), or premultiplied BGRA (H, W, 4) when the
    file has an alpha channel. ImageFileError when the bytes are not such an image."""
    raw = np.frombuffer(data, np.uint8) if isinstance(data, bytes) else np.asarray(data, np.uint8)
    decoded = cv2.imdecode(raw, cv2.IMREAD_UNCHANGED) if raw.size else None
    if decoded is None:
        raise ImageFileError(f"{name}: not an image file ShopCast can read (PNG, JPEG, WebP, BMP)", missing=False)
    if decoded.dtype != np.uint8:  # 16-bit PNGs and TIFF-like data
        decoded = (decoded / 257).astype(np.uint8)
    if decoded.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(decoded, cv2.COLOR_GRAY2BGR), np.uint8)
    if decoded.shape[2] == 3:
        return np.ascontiguousarray(decoded, np.uint8)
    if decoded.shape[2] == 2:  # grey + alpha
        grey, alpha = decoded[..., 0], decoded[..., 1]
        decoded = np.dstack([grey, grey, grey, alpha])
    bgra = np.asarray(decoded, np.uint8)
    if int(bgra[..., 3].min()) == 255:
        return np.ascontiguousarray(bgra[..., :3])  # an alpha channel that hides nothing
    return premultiply(bgra)


def read_image(path: Path) -> Image:
    """The image file at ``path`` (see :func:`decode_image`); ImageFileError says what is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImageFileError(f"image file not found: {path}", missing=True) from None
    except OSError as exc:
        raise ImageFileError(f"{path}: cannot be read ({exc.strerror or exc})", missing=not path.exists()) from None
    return decode_image(data, str(path))


def premultiply(bgra: Image) -> Image:
    """Straight-alpha BGRA → premultiplied BGRA (colour scaled by alpha, rounded)."""
    alpha = bgra[..., 3:4].astype(np.uint16)
    colour = (bgra[..., :3].astype(np.uint16) * alpha + 127) // 255
    return np.ascontiguousarray(np.concatenate([colour.astype(np.uint8), bgra[..., 3:4]], axis=2))


def from_layer(layer: Layer) -> Image:
    """An overlay :class:`~pipeline.overlay.Layer` (float premultiplied colour and alpha) as a
    premultiplied BGRA picture."""
    alpha = np.rint(layer.alpha * 255.0)
    colour = np.minimum(np.rint(layer.colour), alpha)  # rounding never lifts colour above its alpha
    return np.ascontiguousarray(np.concatenate([colour, alpha], axis=2).clip(0, 255).astype(np.uint8))


def fit_within(image: Image, max_w: int, max_h: int) -> Image:
    """``image`` scaled down (never up) to fit inside max_w x max_h, aspect kept. Premultiplied
    pictures scale correctly as they are."""
    h, w = image.shape[:2]
    scale = min(max_w / w, max_h / h)
    if scale >= 1:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)


def contain(image: Image, width: int, height: int) -> Image:
    """``image`` scaled to fit inside width x height (up or down, aspect kept) and centred on a
    transparent premultiplied BGRA canvas of exactly that size."""
    h, w = image.shape[:2]
    scale = min(width / w, height / h)
    size = (max(1, min(width, round(w * scale))), max(1, min(height, round(h * scale))))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(image, size, interpolation=interpolation)
    if scaled.ndim == 2:
        scaled = scaled[..., None]
    if scaled.shape[2] == 3:
        scaled = np.concatenate([scaled, np.full((*scaled.shape[:2], 1), 255, np.uint8)], axis=2)
    out = np.zeros((height, width, 4), np.uint8)
    x, y = (width - size[0]) // 2, (height - size[1]) // 2
    out[y : y + size[1], x : x + size[0]] = scaled
    return out
