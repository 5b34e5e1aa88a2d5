"""The GUI entry point: the one place outside ``ui`` that imports it (declared in the layer contract)."""

from __future__ import annotations

from app.session_config import SessionConfig
from app.settings_store import Overrides, SettingsStore


def run_studio(
    config: SessionConfig,
    *,
    go_live: bool = False,
    language: str | None = None,
    settings: SettingsStore | None = None,
    overrides: Overrides | None = None,
) -> int:
    """Open the studio window on ``config``. ``settings``: the saved settings (the Settings window edits
    them; hotkeys and the window's layout come from them); ``overrides``: the command line's options
    over them, when ``config`` was built from them (None: it was not, as for the demo)."""
    from ui.studio_app import run

    return run(config, go_live=go_live, language=language, settings=settings, overrides=overrides)


def first_run_setup(settings: SettingsStore, *, language: str | None = None) -> bool:
    """Show the first-run setup (``shopcast studio`` with no saved settings yet): True when the user
    finished it, its choices then saved in ``settings``; False when cancelled, nothing saved.
    ``language``: the one asked for on the command line (None: the system's)."""
    from ui.studio_app import run_setup

    return run_setup(settings, language=language)


def toolkit_versions() -> tuple[str, str]:
    """The Qt library's version and PySide6's (``shopcast --version``; importing ui is this module's
    privilege). ImportError or OSError when Qt cannot be loaded."""
    from ui.studio_app import toolkit_versions as versions

    return versions()
