"""Start the studio: QApplication, translations, the window, the session; and the first-run setup
(ui/first_run.py) that ``shopcast studio`` shows before it when nothing is saved yet."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from app.paths import assets_dir
from app.session import SessionError, StudioSession
from app.session_config import SessionConfig
from app.settings_store import Overrides, SettingsStore
from ui import startup_report
from ui.about_dialog import toolkit_versions
from ui.first_run import FirstRunSetup
from ui.i18n import choose_language, install_translators
from ui.studio_window import StudioWindow

__all__ = ["run", "run_setup", "toolkit_versions"]
"""What app/gui.py (the GUI entry point) calls."""

log = logging.getLogger(__name__)


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ShopCast Studio")
    app.setOrganizationName("ShopCast")
    # The desktop entry's name (packaging/shopcast-studio.desktop): Wayland's app id, so the dock shows
    # the entry's icon and name; X11 matches its StartupWMClass, the executable's name.
    app.setDesktopFileName("shopcast-studio")
    app.setWindowIcon(QIcon(str(assets_dir() / "web" / "icon.svg")))
    return app


@contextmanager
def _closing_on_signals(close: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C / SIGTERM call ``close`` (on the GUI thread) instead of killing the process."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: close())
    wake = QTimer()
    wake.timeout.connect(lambda: None)  # gives Python a chance to run signal handlers
    wake.start(200)
    try:
        yield
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        wake.stop()


def run_setup(store: SettingsStore, *, language: str | None = None) -> bool:
    """Show the first-run setup; True when it was finished (the settings are then saved in ``store``),
    False when it was cancelled or closed (nothing saved)."""
    app = _application()
    setup = FirstRunSetup(store, language=language)
    startup_report.watch(setup, "setup")
    # The setup is the only window for now: closing it must not end the application the studio's
    # window is about to run in.
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    try:
        with _closing_on_signals(setup.reject):
            finished = setup.exec() == QDialog.DialogCode.Accepted
        return finished and setup.saved is not None
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
        setup.remove_translators()
        setup.deleteLater()
        app.processEvents()


def run(
    config: SessionConfig,
    *,
    go_live: bool = False,
    language: str | None = None,
    settings: SettingsStore | None = None,
    overrides: Overrides | None = None,
) -> int:
    app = _application()
    translators = install_translators(app, choose_language(language))
    try:
        session = StudioSession(config)
    except SessionError as exc:
        log.error("%s", exc)
        for translator in translators:
            app.removeTranslator(translator)
        return 2
    window = StudioWindow(session, go_live=go_live, settings=settings, overrides=overrides)
    startup_report.watch(window, "studio")
    window.show()
    window.start()
    try:
        # Ctrl-C / SIGTERM end the live cleanly (playlists closed, queue drained) instead of killing it.
        with _closing_on_signals(window.close_without_asking):
            return app.exec()
    finally:
        window.shutdown()
        # Tear Qt objects down in a known order while the application still exists, rather than
        # leaving them to the garbage collector during interpreter shutdown.
        window.deleteLater()
        app.processEvents()
        for translator in translators:
            app.removeTranslator(translator)
        translators.clear()
        gc.collect()
