"""A co-host (连麦) slot as a scene source: the guest's latest picture with their name in a label
band, so a scene can put a guest anywhere (beside the host, in a corner, in a grid of its own).

Drawn the way the compositor draws its guest tiles (pipeline/compositor.py: ``paint_guest``,
``label``): the picture as it comes (or cover-fit into a fixed width x height), and a dark tile
with "name · connecting…" while the guest has not sent a picture yet or their picture is older than
``compositor.STALE_SECONDS`` (a stalled connection), never a frozen face. A slot with no guest is
not :attr:`present`: its layer disappears until someone joins. The feed is read each frame (an
in-memory lookup of the co-hosts' latest pictures); a tile is drawn only when the guest's picture,
name or liveness changed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.compositor import GuestPicture, guest_caption, is_live, label, paint_guest
from pipeline.frames import Image
from pipeline.sources.base import FrameTime, VideoSource

LABEL_SHARE = 0.08
"""The name band's height as a share of the tile's height."""
CONNECTING = {"en": "connecting…", "zh": "连接中…"}
DEFAULT_SIZE = (640, 360)
"""The tile's size while a guest has no picture yet and no size is set."""


class GuestTileSource(VideoSource):
    """Guest ``slot`` (1-based, in joining order) from ``feed``. ``width`` x ``height``: the tile's
    size (the guest's picture is cover-fit into it); 0 x 0: the guest's own picture size."""

    def __init__(
        self,
        feed: Callable[[int], GuestPicture | None],
        slot: int,
        *,
        width: int = 0,
        height: int = 0,
        language: str = "en",
    ) -> None:
        if slot < 1:
            raise ValueError(f"co-host slot {slot} must be 1 or more")
        self.feed, self.slot, self.width, self.height = feed, slot, width, height
        self.connecting = CONNECTING["zh" if language.lower().startswith("zh") else "en"]
        self.description = f"co-host {slot}"
        self.present = False
        self._key: tuple[object, ...] | None = None
        self._image: Image | None = None  # the picture the key names, kept so its id stays unique
        self._size = (width, height) if width > 0 and height > 0 else DEFAULT_SIZE

    def start(self) -> None:
        self._key = None  # draw again after a restart

    def read(self, at: FrameTime) -> Image | None:
        guest = self.feed(self.slot)
        if guest is None:
            self.present = False
            self._key, self._image = None, None
            return None
        self.present = True
        live = is_live(guest)
        key = (guest.id, guest.name, live, id(guest.image) if live else None)
        if key == self._key:
            return None
        self._key, self._image = key, guest.image if live else None
        if live and guest.image is not None and not (self.width > 0 and self.height > 0):
            self._size = (int(guest.image.shape[1]), int(guest.image.shape[0]))
        w, h = self._size
        tile = np.empty((h, w, 3), np.uint8)
        shown = paint_guest(tile, guest)
        label(tile, guest_caption(guest, shown, self.connecting), max(12, round(h * LABEL_SHARE)))
        tile.flags.writeable = False
        return tile
