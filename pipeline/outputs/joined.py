"""Several renditions' CMAF files joined into one fragmented-MP4 byte stream (recording, RTMP)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.cmaf_packager import INIT_NAME, FileKind, PublishedFile
from pipeline.fmp4 import combine_inits, renumber_fragments


class TrackJoiner:
    """Rendition N of ``renditions`` (by folder name) becomes track N+1 of one stream.

    :meth:`take` answers each published file: the combined init segment once every rendition's
    init has arrived, a media segment with its fragments renumbered to its track, or None for what
    the joined stream does not carry (parts repeat their segment's bytes; playlists; other
    renditions). Not thread-safe: callers hold their own lock. Raises ``Fmp4Error`` on bad input.
    """

    def __init__(self, renditions: Sequence[str]) -> None:
        self.renditions = tuple(renditions)
        self._inits: dict[str, bytes] = {}

    def carries(self, item: PublishedFile) -> bool:
        """Whether ``item`` belongs in the joined stream (an init or segment of one of its renditions)."""
        return (
            item.kind in (FileKind.INIT, FileKind.SEGMENT)
            and "/" in item.path
            and item.path.split("/")[-2] in self.renditions
        )

    def take(self, item: PublishedFile) -> tuple[str, bytes] | None:
        if not self.carries(item):
            return None
        rendition = item.path.split("/")[-2]
        if item.kind is FileKind.INIT:
            if not item.path.endswith(INIT_NAME):
                return None
            self._inits[rendition] = item.data
            if len(self._inits) < len(self.renditions):
                return None
            return "init", combine_inits([self._inits[r] for r in self.renditions])
        return "media", renumber_fragments(item.data, self.renditions.index(rendition) + 1)
