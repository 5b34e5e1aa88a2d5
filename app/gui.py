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
