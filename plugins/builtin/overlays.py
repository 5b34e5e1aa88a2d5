"""Factories of the built-in overlays: a text and an image over the program picture."""

from __future__ import annotations

import threading

from pipeline.overlay import Layer, blend, image_layer, parse_colour, place, text_layer
from plugins.api import Context, Image
from plugins.builtin.records import ImageOverlaySettings, TextOverlaySettings


class _Overlay:
    """Holds the rendered layer; a settings change renders the next one (off the render thread's
    way: the old layer stays until the new one is ready) and is refused whole if it cannot be."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._layer: tuple[Layer, str, int] | None = None

    def _show(self, layer: Layer | None, position: str, margin: int) -> None:
        with self._lock:
            self._layer = None if layer is None else (layer, position, margin)

    def process(self, image: Image) -> Image:
        with self._lock:
            placed = self._layer
        if placed is None:
            return image
        layer, position, margin = placed
        # Placed on the picture it is given: in dual format one overlay draws on both canvases.
        x, y = place(layer.size, (image.shape[1], image.shape[0]), position, margin)
        return blend(image, layer, x, y)


class TextOverlay(_Overlay):
    def __init__(self, settings: TextOverlaySettings, context: Context) -> None:
        super().__init__(context)
        self.update(settings)

    def update(self, settings: TextOverlaySettings) -> None:
        colour = parse_colour(settings.colour)
        layer = text_layer(
            settings.text.replace("\\n", "\n"),
            size=settings.size,
            colour=colour,
            background=settings.background,
            opacity=settings.opacity,
        )
        self._show(layer, settings.position, settings.margin)


class ImageOverlay(_Overlay):
    def __init__(self, settings: ImageOverlaySettings, context: Context) -> None:
        super().__init__(context)
        self.update(settings)

    def update(self, settings: ImageOverlaySettings) -> None:
        layer = image_layer(settings.file, width=settings.width, opacity=settings.opacity) if settings.file else None
        self._show(layer, settings.position, settings.margin)


def make_text(settings: TextOverlaySettings, context: Context) -> TextOverlay:
    return TextOverlay(settings, context)


def make_image(settings: ImageOverlaySettings, context: Context) -> ImageOverlay:
    return ImageOverlay(settings, context)
