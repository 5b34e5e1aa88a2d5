"""Several renditions' CMAF files joined into one fragmented-MP4 byte stream (recording, RTMP, WHIP)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.cmaf_packager import INIT_NAME, FileKind, PublishedFile
from pipeline.fmp4 import combine_inits, renumber_fragments


class TrackJoiner:
    """Rendition N of ``renditions`` (by folder name) becomes track N+1 of one stream.

    :meth:`take` answers each published file: the combined init segment once every rendition's
    init has arrived, a media segment (or, with ``parts``, an LL-HLS part) with its fragments
    renumbered to its track, or None for what the joined stream does not carry (a segment's parts
    repeat its bytes, so one of the two; playlists; other renditions). Not thread-safe: callers hold
    their own lock. Raises ``Fmp4Error`` on bad input.
    """

    def __init__(self, renditions: Sequence[str], *, parts: bool = False) -> None:
        self.renditions = tuple(renditions)
        self._media = FileKind.PART if parts else FileKind.SEGMENT
        self._inits: dict[str, bytes] = {}

    def carries(self, item: PublishedFile) -> bool:
        """Whether ``item`` belongs in the joined stream (an init or media file of one of its renditions)."""
        return (
            item.kind in (FileKind.INIT, self._media)
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
