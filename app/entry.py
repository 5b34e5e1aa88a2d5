"""The program's entry point, from source (``python -m app``) and in a build (packaging/shopcast.py).

A PyInstaller build is one executable: it is the studio, the relay the studio starts for itself
(:func:`app_command`) and the workers the pipeline starts (``pipeline.child_process``), told apart by
its arguments.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

from pipeline.child_process import RUN_MODULE_FLAG, WORKER_MODULES, frozen


def app_command(*args: str) -> list[str]:
    """The command that runs ``shopcast ARGS`` in a child process: this interpreter with ``-m app``
    from source, the build's own executable in a build."""
    if frozen():
        return [sys.executable, *args]
    return [sys.executable, "-m", "app", *args]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [RUN_MODULE_FLAG]:
        if len(args) < 2 or args[1] not in WORKER_MODULES:
            print(f"{RUN_MODULE_FLAG} takes one of: {', '.join(WORKER_MODULES)}", file=sys.stderr)
            return 2
        sys.argv = [sys.argv[0], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0  # a worker that ends by returning (its own sys.exit carries its code through)
    from app.cli import main as cli_main

    return cli_main(args)
