"""A really full disk for tests, without root: a tiny tmpfs in a mount namespace of its own.

An unprivileged user namespace (``unshare --user --map-root-user --mount``) may mount a tmpfs, so a
child process mounts one of ``size`` over a folder in its own mount namespace and then waits. This
process reaches that tmpfs through the child's root, ``/proc/<child>/root/<folder>``: writes there
fill it and then fail with the kernel's own ``ENOSPC`` ("No space left on device"), exactly as on a
full disk. (The alternatives fake less well: ``RLIMIT_FSIZE`` fails with ``EFBIG`` and limits every
file of the process; a patched ``os.write`` is not the kernel.) The tmpfs goes with the child.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MOUNT = 'mount -t tmpfs -o size="$1" shopcast-small-disk "$2" && echo mounted && exec sleep 3600'


@contextmanager
def small_disk(folder: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of ``size`` (mount's syntax: ``256k``, ``1m``) for the duration; yields the path to
    write to it from this process. Skips the test where the kernel allows no user namespaces."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("util-linux's unshare is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    child = subprocess.Popen(
        [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", MOUNT, "sh", size, str(folder.resolve())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    if child.stdout.readline().strip() != "mounted":
        child.kill()
        child.wait()
        pytest.skip(f"this kernel lets no unprivileged user mount a tmpfs: {child.stderr.read().strip()}")
    try:
        yield Path(f"/proc/{child.pid}/root") / folder.resolve().relative_to("/")
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()
