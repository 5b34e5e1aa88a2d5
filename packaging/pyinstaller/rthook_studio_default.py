"""PyInstaller runtime hook of the Windows and macOS builds (their specs name it): started with no
arguments and no terminal (Finder, the Start menu, a double click), the program opens the studio as
``shopcast studio`` does; from a terminal it still prints its usage. Linux's desktop entry passes
``studio`` itself (packaging/shopcast-studio.desktop)."""

import sys

if len(sys.argv) == 1 and not (sys.stdin is not None and sys.stdin.isatty()):
    sys.argv.append("studio")
