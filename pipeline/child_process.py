"""How a worker script of this package starts in a process of its own: from source or from a build.

From source a worker is ``python pipeline/outputs/rtmp_child.py`` (``-I`` for one that must not see
the user's site packages or PYTHON* variables). A PyInstaller build has no Python to run a file with,
only its own executable, so there the command is that executable with :data:`RUN_MODULE_FLAG` and the
worker's module name; the build's entry point (app/entry.py) runs the module as ``__main__``. Only the
modules in :data:`WORKER_MODULES` may be run that way, and the build's spec names them as hidden
imports (not every one is imported by the code that starts it).
"""

from __future__ import annotations

import sys
from pathlib import Path

RUN_MODULE_FLAG = "--shopcast-run-worker"
WORKER_MODULES = (
    "pipeline.outputs.rtmp_child",
    "pipeline.outputs.whip_child",
    "pipeline.filters.landmark_worker",
)
"""Every worker a build may start: the spec bundles them, the entry point refuses any other name."""

_ROOT = Path(__file__).resolve().parent.parent


def frozen() -> bool:
    """Whether this is a PyInstaller build (its bootloader sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def worker_command(script: Path, *, isolated: bool = False) -> list[str]:
    """The command that runs ``script`` (a file of :data:`WORKER_MODULES`) in a child process;
    ``isolated``: with Python's ``-I`` when run from source (a build is isolated anyway)."""
    module = ".".join(script.resolve().relative_to(_ROOT).with_suffix("").parts)
    if module not in WORKER_MODULES:
        raise ValueError(f"{module} is not a worker a build can start (pipeline/child_process.py)")
    if frozen():
        return [sys.executable, RUN_MODULE_FLAG, module]
    return [sys.executable, *(["-I"] if isolated else []), str(script)]
