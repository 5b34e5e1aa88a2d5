"""Which threads ran the session's blocking calls: the studio window must never run them on the GUI thread."""

from __future__ import annotations

import threading

from app.session import StudioSession

BLOCKING = ("start", "connect_relay_now", "go_live_now", "_end_live_now", "switch_video_now")
"""The session methods that wait on devices, the relay or the encoders."""


def record_threads(session: StudioSession) -> dict[str, set[str]]:
    """Wrap the session's blocking methods so each call notes its thread's name; returns those notes."""
    threads: dict[str, set[str]] = {}
    for name in BLOCKING:
        original = getattr(session, name)

        def record(*args: object, _name: str = name, _original: object = original) -> object:
            threads.setdefault(_name, set()).add(threading.current_thread().name)
            return _original(*args)  # type: ignore[operator]

        setattr(session, name, record)
    return threads
