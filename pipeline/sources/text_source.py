"""Text as a scene source: a price tag, a slogan, shipping terms, in any script, on its own layer.

The text overlay plugin already renders text the way the show needs it (Pillow with a CJK font,
an optional rounded box, premultiplied colour: pipeline/overlay.text_layer); this source renders
with the same function once per settings change and hands the result out as premultiplied BGRA.
Where it sits and how big it is on the canvas is the layer's business, not the source's.
"""

from __future__ import annotations

from pipeline.overlay import text_layer
from pipeline.sources.pictures import from_layer
from pipeline.sources.static import StaticSource


class TextSource(StaticSource):
    """``text`` (``\\n`` starts a new line) at ``size`` px in ``rgb``, on a dark rounded box of
    ``background`` opacity (0: no box, a soft shadow), the whole at ``opacity``. Empty text is not
    :attr:`present`."""

    description = "text"

    def __init__(
        self,
        text: str,
        *,
        size: int = 48,
        rgb: tuple[int, int, int] = (255, 255, 255),
        background: float = 0.45,
        opacity: float = 1.0,
    ) -> None:
        self.text = text
        layer = text_layer(text, size=size, colour=rgb, background=background, opacity=opacity)
        self.present = layer is not None
        super().__init__(from_layer(layer) if layer is not None else None)
