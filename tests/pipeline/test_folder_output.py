"""The folder output: atomic writes in few system calls, a removed folder made again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.outputs import FolderOutput


def test_files_are_written_whole_and_replaced_whole(tmp_path: Path) -> None:
    out = FolderOutput(tmp_path)
    out.publish(PublishedFile("s/720p/index.m3u8", b"#EXTM3U\n", FileKind.MEDIA_PLAYLIST))
    out.publish(PublishedFile("s/720p/seg_000000.0.m4s", bytes(range(256)) * 1000, FileKind.PART))
    out.publish(PublishedFile("s/720p/index.m3u8", b"#EXTM3U\n#EXT-X-VERSION:7\n", FileKind.MEDIA_PLAYLIST))
    assert (tmp_path / "s/720p/index.m3u8").read_bytes() == b"#EXTM3U\n#EXT-X-VERSION:7\n"
    assert (tmp_path / "s/720p/seg_000000.0.m4s").read_bytes() == bytes(range(256)) * 1000
    assert sorted(p.name for p in (tmp_path / "s/720p").iterdir()) == ["index.m3u8", "seg_000000.0.m4s"], "no temp"
    stats = out.stats()
    assert (stats.state, stats.sent_files, stats.sent_bytes) == ("ok", 3, 8 + 256_000 + 25)
    assert oct((tmp_path / "s/720p/index.m3u8").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_folder_removed_while_live_is_made_again(tmp_path: Path) -> None:
    out = FolderOutput(tmp_path)
    out.publish(PublishedFile("s/audio/init.mp4", b"init", FileKind.INIT))
    shutil.rmtree(tmp_path / "s")
    out.publish(PublishedFile("s/audio/seg_000000.m4s", b"media", FileKind.SEGMENT))
    assert (tmp_path / "s/audio/seg_000000.m4s").read_bytes() == b"media"
    assert out.stats().state == "ok" and out.close(1.0).complete


def test_a_failing_write_is_reported_and_the_stream_goes_on(tmp_path: Path) -> None:
    out = FolderOutput(tmp_path)
    (tmp_path / "s").write_bytes(b"a file where a folder should be")
    out.publish(PublishedFile("s/720p/seg_000000.m4s", b"x", FileKind.SEGMENT))
    out.publish(PublishedFile("t/720p/seg_000000.m4s", b"y", FileKind.SEGMENT))
    stats = out.stats()
    assert (stats.state, stats.sent_files, stats.dropped_files) == ("failed", 1, 1)
    assert (tmp_path / "t/720p/seg_000000.m4s").read_bytes() == b"y"


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "s/../../x", ""])
def test_paths_outside_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="outside the output folder"):
        FolderOutput(tmp_path).publish(PublishedFile(path, b"x", FileKind.SEGMENT))
