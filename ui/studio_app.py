"""Start the studio: QApplication, translations, the window, the session."""

from __future__ import annotations

import gc
import logging
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.paths import assets_dir
from app.session import SessionError, StudioSession
from app.session_config import SessionConfig
from app.settings_store import Overrides, SettingsStore
from ui.i18n import choose_language, install_translators
from ui.studio_window import StudioWindow

log = logging.getLogger(__name__)


def run(
    config: SessionConfig,
    *,
    go_live: bool = False,
    language: str | None = None,
    settings: SettingsStore | None = None,
    overrides: Overrides | None = None,
) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ShopCast Studio")
    app.setOrganizationName("ShopCast")
    app.setWindowIcon(QIcon(str(assets_dir() / "web" / "icon.svg")))
    translators = install_translators(app, choose_language(language))
    try:
        session = StudioSession(config)
    except SessionError as exc:
        log.error("%s", exc)
        translators.clear()
        return 2
    window = StudioWindow(session, go_live=go_live, settings=settings, overrides=overrides)
    window.show()
    window.start()
    # Ctrl-C / SIGTERM end the live cleanly (playlists closed, queue drained) instead of killing it.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close_without_asking())
    wake = QTimer()
    wake.timeout.connect(lambda: None)  # gives Python a chance to run signal handlers
    wake.start(200)
    try:
        return app.exec()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        wake.stop()
        window.shutdown()
        # Tear Qt objects down in a known order while the application still exists, rather than
        # leaving them to the garbage collector during interpreter shutdown.
        window.deleteLater()
        app.processEvents()
        translators.clear()
        gc.collect()
