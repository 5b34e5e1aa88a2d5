"""The startup report: when ``$SHOPCAST_STARTUP_REPORT`` names a file, the studio writes it once, when
its first window (the first-run setup or the studio window) has been painted for the first time.

The packaging test and the launch-time benchmark read it: which window (``setup`` or ``studio``), when it
was first painted (``shown_at``, ``time.time()``), the interface language (``en`` or ``zh_CN``), whether
ShopCast's translation is installed and translating, the version, and the About box's text. Written
atomically (a temporary file, then ``os.replace``), so a reader never sees half of it. Without the
variable nothing is watched.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget

from app import __version__
from ui.about_dialog import AboutDialog
from ui.i18n import current_language

log = logging.getLogger(__name__)

ENVIRONMENT = "SHOPCAST_STARTUP_REPORT"
WINDOWS = ("setup", "studio")
_KNOWN = ("AboutDialog", "About ShopCast")
"""A string of ours the Chinese translation has: translated, it differs."""


def interface_language() -> str:
    """``zh_CN`` or ``en``: the language the interface is in (``ui.i18n.install_translators`` set it)."""
    return "zh_CN" if current_language().lower().startswith("zh") else "en"


def translating() -> bool:
    """True when a ShopCast translation is installed and translates our strings."""
    context, source = _KNOWN
    return QCoreApplication.translate(context, source) != source


def report(window: str, shown_at: float) -> dict[str, object]:
    return {
        "window": window,
        "shown_at": shown_at,
        "language": interface_language(),
        "translated": translating(),
        "version": __version__,
        "about": about_box_text(),
    }


def about_box_text() -> str:
    """What Help → About shows: the dialog's title, then its text (a dialog made and read, not shown)."""
    dialog = AboutDialog()
    try:
        return f"{dialog.windowTitle()}\n{dialog.text()}"
    finally:
        dialog.deleteLater()


def write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _FirstPaint(QObject):
    """Waits for ``widget``'s first paint, then (once that paint is done) writes the report."""

    written: ClassVar[bool] = False
    """Set once a report was written in this process: the first window to be painted writes it."""

    def __init__(self, widget: QWidget, window: str, path: Path) -> None:
        super().__init__(widget)
        self.widget = widget
        self.window = window
        self.path = path
        self._painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self._write)  # after this paint has been drawn and flushed
        return False

    @Slot()
    def _write(self) -> None:
        self.deleteLater()
        if _FirstPaint.written:
            return
        _FirstPaint.written = True
        shown_at = time.time()
        try:
            data = json.dumps(report(self.window, shown_at), ensure_ascii=False, indent=2) + "\n"
            write_atomically(self.path, data.encode("utf-8"))
        except OSError as exc:
            log.warning("could not write the startup report to %s: %s", self.path, exc)


def watch(widget: QWidget, window: str) -> None:
    """Write the startup report when ``widget`` (``window``: ``setup`` or ``studio``) is first painted,
    if ``$SHOPCAST_STARTUP_REPORT`` names a file and no report was written yet."""
    assert window in WINDOWS
    given = os.environ.get(ENVIRONMENT)
    if not given or _FirstPaint.written:
        return
    _FirstPaint(widget, window, Path(given))
