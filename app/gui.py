"""The GUI entry point: the one place outside ``ui`` that imports it (declared in the layer contract)."""

from __future__ import annotations

from app.session_config import SessionConfig


def run_studio(config: SessionConfig, *, go_live: bool = False, language: str | None = None) -> int:
    from ui.studio_app import run

    return run(config, go_live=go_live, language=language)
