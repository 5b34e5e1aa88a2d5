"""The plugin API: what a plugin declares, and the shapes of the things it makes.

A plugin is one :class:`Plugin` record, published under the ``shopcast.plugins`` entry-point group
(built-in plugins go through the same path, see pyproject.toml), e.g. in a third party's
pyproject.toml::

    [project.entry-points."shopcast.plugins"]
    vintage = "shopcast_vintage:PLUGIN"

The record names the plugin (``id`` prefixed by its distribution: ``shopcast_vintage.sepia``), its
kind, its settings and a factory given as ``"module:callable"``; the module holding the record stays
light (a dataclass and strings), the factory's module — the one that imports numpy, OpenCV, models —
is imported only when the plugin is first switched on. The settings are a frozen dataclass whose
fields carry their range and labels (:func:`setting`); the studio draws each plugin's form from it
and validates every value against it. Like OBS's source/filter/output kinds, but declared as data.

The factory is called as ``factory(settings, context)`` and returns an object with::

    process(x) -> x          # video: a BGR uint8 H x W x 3 picture → a new one of the same shape
                             # audio: an (N, channels) float32 block → the same shape
    update(settings) -> None # new settings while running (from another thread than process)
    latency_samples: int     # audio filters only: the constant delay the filter adds

and optionally ``close()``. The host (plugins/chain.py) isolates each plugin: one that raises is
bypassed and reported, never stopping the stream.

A ``Kind.SOURCE`` plugin's factory returns a :class:`pipeline.sources.base.VideoSource` (not yet
started; the studio starts and stops it) that also has ``update(settings)``. It never raises for a
missing file or an absent device: the source sets its ``problem`` and the scene shows a placeholder.
Sources get the studio's devices, the room's pinned product and the co-hosts from
``context.services``.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # annotations only: this module stays light (the studio reads records at start-up)
    from pipeline.compositor import GuestPicture
    from pipeline.sources.devices import DeviceBackend
    from pipeline.sources.product_card import ProductCard

Image = npt.NDArray[np.uint8]
Samples = npt.NDArray[np.float32]


class Kind(Enum):
    SOURCE = "source"
    VIDEO_FILTER = "video_filter"
    AUDIO_FILTER = "audio_filter"
    OVERLAY = "overlay"
    OUTPUT = "output"


@dataclass(frozen=True, slots=True)
class Text:
    """A label in English and Simplified Chinese."""

    en: str
    zh: str

    def pick(self, language: str) -> str:
        return self.zh if language.lower().startswith("zh") else self.en


@dataclass(frozen=True, slots=True)
class Range:
    minimum: float
    maximum: float
    step: float


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One field of a settings dataclass, as a form draws it."""

    name: str
    type: type
    """bool, int, float or str."""
    default: Any
    label: Text
    range: Range | None = None
    choices: tuple[tuple[str, Text], ...] = ()
    """For a str: the allowed values and their labels (a drop-down)."""
    path: str | None = None
    """For a str that names a file: the file dialog's filter, e.g. "LUT (*.cube)"; "" is "no file"."""
    help: Text | None = None


def setting(
    default: Any,
    en: str,
    zh: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    step: float | None = None,
    choices: tuple[tuple[str, str, str], ...] = (),
    path: str | None = None,
    help_en: str | None = None,
    help_zh: str | None = None,
) -> Any:
    """A settings field: ``x: float = setting(0.5, "Strength", "强度", minimum=0, maximum=1)``."""
    meta = {
        "label": Text(en, zh),
        "range": None if minimum is None or maximum is None else Range(minimum, maximum, step or 0.0),
        "choices": tuple((value, Text(ven, vzh)) for value, ven, vzh in choices),
        "path": path,
        "help": Text(help_en, help_zh or help_en) if help_en else None,
    }
    return dataclasses.field(default=default, metadata={"shopcast": meta})


class SettingsError(ValueError):
    """A settings value outside its declared range or type; the message names the field."""


def specs(settings_type: type) -> tuple[SettingSpec, ...]:
    """The form of a settings dataclass. Raises TypeError for a field the studio cannot draw."""
    if not dataclasses.is_dataclass(settings_type):
        raise TypeError(f"{settings_type.__name__} is not a dataclass")
    hints = typing.get_type_hints(settings_type)
    out = []
    for field in dataclasses.fields(settings_type):
        meta = field.metadata.get("shopcast")
        if meta is None:
            raise TypeError(f"{settings_type.__name__}.{field.name} has no label: declare it with setting(...)")
        kind = hints[field.name]
        if kind not in (bool, int, float, str):
            raise TypeError(f"{settings_type.__name__}.{field.name}: {kind} is not bool, int, float or str")
        out.append(
            SettingSpec(
                field.name,
                kind,
                field.default,
                meta["label"],
                meta["range"],
                meta["choices"],
                meta["path"],
                meta["help"],
            )
        )
    return tuple(out)


def validate(settings_type: type, values: dict[str, Any]) -> Any:
    """``settings_type(**values)`` after checking every value against its spec; SettingsError otherwise."""
    known = {s.name: s for s in specs(settings_type)}
    for name in values:
        if name not in known:
            raise SettingsError(f"{settings_type.__name__} has no setting {name!r} (it has {', '.join(known)})")
    values = dict(values)
    for name, given in list(values.items()):
        spec = known[name]
        value: Any = float(given) if spec.type is float and type(given) is int else given
        values[name] = value
        if not isinstance(value, spec.type) or (spec.type is not bool and isinstance(value, bool)):
            raise SettingsError(f"{name} must be {spec.type.__name__}, got {type(value).__name__} {value!r}")
        if spec.range is not None and not spec.range.minimum <= typing.cast(float, value) <= spec.range.maximum:
            raise SettingsError(f"{name} must be within {spec.range.minimum:g}..{spec.range.maximum:g}, got {value!r}")
        if spec.choices and value not in {c for c, _ in spec.choices}:
            allowed = ", ".join(c for c, _ in spec.choices)
            raise SettingsError(f"{name} must be one of {allowed}, got {value!r}")
    try:
        return settings_type(**values)
    except (TypeError, ValueError) as exc:
        raise SettingsError(str(exc)) from exc


def parse_values(settings_type: type, text: str) -> dict[str, Any]:
    """Settings written as ``name=value,name=value`` (a command line's), typed by their declaration:
    numbers, ``true``/``false`` (also ``on``/``off``, ``yes``/``no``, ``1``/``0``), text. Only
    checks names and types; :func:`validate` checks ranges and choices. SettingsError otherwise."""
    known = {s.name: s for s in specs(settings_type)}
    values: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, raw = (part.strip() for part in item.partition("="))
        if not equals:
            raise SettingsError(f"{item!r} is not name=value")
        spec = known.get(name)
        if spec is None:
            raise SettingsError(f"{settings_type.__name__} has no setting {name!r} (it has {', '.join(known)})")
        try:
            if spec.type is bool:
                flags = {"true": True, "on": True, "yes": True, "1": True, "false": False, "off": False, "no": False}
                values[name] = flags[raw.lower()]
            elif spec.type in (int, float):
                values[name] = spec.type(raw)
            else:
                values[name] = raw
        except (KeyError, ValueError):
            raise SettingsError(f"{name} must be {spec.type.__name__}, got {raw!r}") from None
    return values


class ProductFeed(Protocol):
    """The room's product being explained (讲解中), for sources that draw it (the product card)."""

    def card(self) -> ProductCard | None:
        """The pinned product now, or None while nothing is pinned (or the room is not connected)."""
        ...


class GuestFeed(Protocol):
    """The co-hosts' pictures, for the co-host tile sources."""

    def guest(self, slot: int) -> GuestPicture | None:
        """The ``slot``-th guest (1-based, in the order they joined), or None when there is none."""
        ...


@dataclass(frozen=True, slots=True)
class Services:
    """What the studio lends source plugins; each may be None (headless tools, tests)."""

    devices: DeviceBackend | None = None
    """Cameras and microphones (the hardware seam: tests pass fakes)."""
    products: ProductFeed | None = None
    guests: GuestFeed | None = None
    language: str = "en"
    """The interface language, for words a source draws into the picture (``en`` or ``zh_CN``)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a factory learns about where its plugin runs."""

    width: int
    height: int
    fps: float
    sample_rate: int
    channels: int
    assets_dir: str = ""
    """ShopCast's assets folder (LUTs, models that ship with it)."""
    services: Services = Services()
    """For source plugins: devices, the room's pinned product, the co-hosts."""


class Filter(Protocol):
    def process(self, data: Any, /) -> Any: ...

    def update(self, settings: Any, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Plugin:
    """A plugin's declaration (see the module docstring)."""

    id: str
    kind: Kind
    name: Text
    settings: type
    factory: str
    """``"module:callable"``, imported when the plugin is first switched on."""
    description: Text = Text("", "")
    enabled_by_default: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.kind, Kind):
            raise TypeError(f"plugin {self.id!r}: kind must be a plugins.api.Kind, got {self.kind!r}")
        prefix, dot, rest = self.id.partition(".")
        if not dot or not prefix or not rest or not all(part.isidentifier() for part in self.id.split(".")):
            raise ValueError(f"plugin id {self.id!r} must look like package.name (letters, digits, _)")
        module, colon, attribute = self.factory.partition(":")
        if not colon or not module or not attribute:
            raise ValueError(f"plugin {self.id!r}: factory {self.factory!r} must look like 'module:callable'")
        specs(self.settings)  # a settings type the studio cannot draw is refused now, not when drawn

    @property
    def package(self) -> str:
        return self.id.partition(".")[0]

    def defaults(self) -> Any:
        return self.settings()

    def load_factory(self) -> Callable[[Any, Context], Filter]:
        module, _, attribute = self.factory.partition(":")
        factory = getattr(importlib.import_module(module), attribute)
        if not callable(factory):
            raise TypeError(f"{self.factory} is not callable")
        return typing.cast(Callable[[Any, Context], Filter], factory)
