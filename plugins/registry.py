"""Finding plugins: every ``shopcast.plugins`` entry point, built-in or third-party, the same way.

A plugin that cannot be imported, is not a :class:`~plugins.api.Plugin`, has an id that does not
start with its distribution's name, or repeats an id already taken is not loaded: it becomes a
:class:`Problem` (logged, and shown by the studio) and every other plugin loads as usual.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plugins.api import Kind, Plugin

log = logging.getLogger(__name__)

GROUP = "shopcast.plugins"


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    """The entry point, as ``name = module:attribute (distribution)``."""
    message: str


@dataclass(slots=True)
class Registry:
    plugins: dict[str, Plugin] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[Plugin]:
        return [p for p in self.plugins.values() if p.kind is kind]

    def get(self, plugin_id: str) -> Plugin:
        try:
            return self.plugins[plugin_id]
        except KeyError:
            raise KeyError(f"no plugin {plugin_id!r} (loaded: {', '.join(self.plugins) or 'none'})") from None


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def discover(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None) -> Registry:
    """Load every plugin of the ``shopcast.plugins`` group (or of ``entry_points``)."""
    registry = Registry()
    found = importlib.metadata.entry_points(group=GROUP) if entry_points is None else entry_points
    # Built-in plugins first, then the others in a stable order.
    ordered = sorted(found, key=lambda ep: (ep.dist is None or _normalise(ep.dist.name) != "shopcast", ep.value))
    for ep in ordered:
        distribution = ep.dist.name if ep.dist is not None else ep.module.partition(".")[0]
        source = f"{ep.name} = {ep.value} ({distribution})"
        try:
            plugin = ep.load()
        except Exception as exc:  # a third party's import error is theirs: report it and go on
            _problem(registry, source, f"cannot be imported: {type(exc).__name__}: {exc}")
            continue
        if not isinstance(plugin, Plugin):
            _problem(registry, source, f"is a {type(plugin).__name__}, not a plugins.api.Plugin record")
            continue
        if _normalise(plugin.package) != _normalise(distribution):
            _problem(registry, source, f"id {plugin.id!r} must start with its distribution's name: {distribution}.")
            continue
        if plugin.id in registry.plugins:
            _problem(registry, source, f"id {plugin.id!r} is already taken by another plugin")
            continue
        registry.plugins[plugin.id] = plugin
    return registry


def _problem(registry: Registry, source: str, message: str) -> None:
    log.warning("plugin %s %s; skipped", source, message)
    registry.problems.append(Problem(source, message))
