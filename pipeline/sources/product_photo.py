"""The pinned product's photo as a source: the product close-up when there is no second camera.

In the product showcase scene the product is shown large; a room with one camera shows the
catalog's picture of the product being explained (讲解中). It follows the pin like the product card
does (the same :class:`~pipeline.sources.product_card.ProductCard` feed), and has nothing to show
(its layers are skipped) while nothing is pinned or the product has no picture.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, VideoSource
from pipeline.sources.product_card import ProductCard

CardFeed = Callable[[], ProductCard | None]


class ProductPhotoSource(VideoSource):
    description = "product photo"

    def __init__(self, feed: CardFeed) -> None:
        self._feed = feed
        self._shown: Image | None = None
        self.present = False

    def read(self, at: FrameTime) -> Image | None:
        card = self._feed()
        image = card.image if card is not None else None
        self.present = image is not None
        if image is self._shown:
            return None
        self._shown = image
        return image
