"""The executable's entry script for PyInstaller builds (packaging/pyinstaller/*.spec): the same
entry point as ``python -m app``."""

import sys

from app.entry import main

sys.exit(main())
