"""Interface language: English built in, Simplified Chinese from Qt translation files."""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.paths import assets_dir

log = logging.getLogger(__name__)

SUPPORTED = ("en", "zh_CN")


def choose_language(explicit: str | None = None) -> str:
    """``explicit`` wins, then ``SHOPCAST_LANG``, then the system locale; anything Chinese → zh_CN."""
    wanted = explicit or os.environ.get("SHOPCAST_LANG") or QLocale.system().name()
    return "zh_CN" if wanted.lower().startswith("zh") else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load ShopCast's and Qt's own translations; return them (they must stay alive)."""
    if language == "en":
        QLocale.setDefault(QLocale("en_US"))  # also what current_language() says on a Chinese system
        return []
    installed = []
    ours = QTranslator(app)
    path = assets_dir() / "translations" / f"shopcast_{language}.qm"
    if ours.load(str(path)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no %s translation at %s (run the setup to build it); using English", language, path)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(language))
    return installed


def current_language() -> str:
    """The interface language in use (``en_US``, ``zh_CN``, ...): install_translators sets it."""
    return QLocale().name()
