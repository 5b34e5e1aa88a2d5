"""The plugin system: discovery through entry points (a real pip install of the sample third-party
plugin), broken plugins reported and skipped, settings validated, and the chain keeping a failing or
slow plugin from hurting the stream."""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from plugins.api import Context, Kind, Plugin, SettingsError, Text, setting, specs, validate
from plugins.chain import WARM_UP, Chain
from plugins.registry import GROUP, Registry, discover

SAMPLE = Path(__file__).parents[1] / "sample_plugin"
CONTEXT = Context(1280, 720, 30.0, 48_000, 2)


@pytest.fixture(scope="module")
def installed_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``pip install`` the sample plugin into a folder of its own and put that folder on sys.path."""
    target = tmp_path_factory.mktemp("site")
    source = tmp_path_factory.mktemp("src") / "sample_plugin"  # pip builds in place: not in our tree
    shutil.copytree(SAMPLE, source)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--no-index", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    for name in [m for m in sys.modules if m.startswith("shopcast_sample_plugin")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def frame(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    image.flags.writeable = False
    return image


# --- discovery -------------------------------------------------------------------------------------


def test_discovery_finds_the_built_ins_and_the_pip_installed_third_party_plugin(installed_sample: Path) -> None:
    registry = discover()
    assert {"shopcast.beautify", "shopcast.denoise", "shopcast_sample_plugin.sepia"} <= set(registry.plugins)
    assert registry.problems == []
    assert list(registry.plugins)[:2] == ["shopcast.beautify", "shopcast.denoise"], "built-ins come first"
    sepia = registry.get("shopcast_sample_plugin.sepia")
    assert sepia.kind is Kind.VIDEO_FILTER and sepia.name.pick("zh_CN") == "怀旧"
    form = {s.name: s for s in specs(sepia.settings)}
    assert form["strength"].range is not None and form["strength"].range.maximum == 1
    assert form["warm"].type is bool and form["warm"].label.zh == "暖色纸张"
    # The factory's module is not imported until the plugin is switched on.
    assert "shopcast_sample_plugin.sepia" not in sys.modules
    chain = Chain(registry, Kind.VIDEO_FILTER, CONTEXT)
    picture = frame()
    assert chain.process(picture) is picture, "nothing on: the picture passes untouched"
    chain.enable("shopcast_sample_plugin.sepia", True)
    sepia_picture = chain.process(picture)
    assert "shopcast_sample_plugin.sepia" in sys.modules
    assert sepia_picture.shape == picture.shape and not np.array_equal(sepia_picture, picture)
    # A settings change reaches the running filter: strength 0 is the identity.
    chain.update("shopcast_sample_plugin.sepia", strength=0)
    assert np.abs(chain.process(picture).astype(int) - picture).max() <= 1
    assert chain.state("shopcast_sample_plugin.sepia").status == "on"


def entry(name: str, value: str) -> importlib.metadata.EntryPoint:
    return importlib.metadata.EntryPoint(name, value, GROUP)


@dataclass(frozen=True, slots=True)
class NoSettings:
    pass


def test_broken_plugins_are_skipped_with_a_message_and_the_others_load(tmp_path: Path) -> None:
    (tmp_path / "broken_plugin.py").write_text("raise ImportError('needs libfoo 2.0')\n")
    (tmp_path / "odd_plugin.py").write_text("PLUGIN = 42\n")
    (tmp_path / "squatter.py").write_text(
        "from plugins.api import Kind, Plugin, Text\n"
        "from tests.plugins.test_plugin_system import NoSettings\n"
        "PLUGIN = Plugin('shopcast.beautify', Kind.VIDEO_FILTER, Text('x', 'x'), NoSettings, 'squatter:make')\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        registry = discover([
            entry("broken", "broken_plugin:PLUGIN"),
            entry("odd", "odd_plugin:PLUGIN"),
            entry("squatter", "squatter:PLUGIN"),
            next(ep for ep in importlib.metadata.entry_points(group=GROUP) if ep.name == "beautify"),
            entry("missing", "no_such_module_here:PLUGIN"),
        ])  # fmt: skip
    finally:
        sys.path.remove(str(tmp_path))
    assert list(registry.plugins) == ["shopcast.beautify"]
    problems = {p.source.split(" =")[0]: p.message for p in registry.problems}
    assert "ImportError: needs libfoo 2.0" in problems["broken"]
    assert "is a int, not a plugins.api.Plugin" in problems["odd"]
    assert "must start with its distribution's name: squatter." in problems["squatter"]
    assert "ModuleNotFoundError" in problems["missing"]


def test_a_plugin_record_is_checked_when_declared() -> None:
    @dataclass(frozen=True)
    class Unlabelled:
        x: float = 1.0

    with pytest.raises(TypeError, match=r"Unlabelled.x has no label"):
        Plugin("a.b", Kind.VIDEO_FILTER, Text("a", "a"), Unlabelled, "m:f")
    with pytest.raises(ValueError, match=r"must look like package.name"):
        Plugin("nodot", Kind.VIDEO_FILTER, Text("a", "a"), NoSettings, "m:f")
    with pytest.raises(ValueError, match=r"must look like 'module:callable'"):
        Plugin("a.b", Kind.VIDEO_FILTER, Text("a", "a"), NoSettings, "m.f")


# --- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GainSettings:
    gain: float = setting(1.0, "Gain", "增益", minimum=0, maximum=2)
    mode: str = setting("a", "Mode", "模式", choices=(("a", "A", "甲"), ("b", "B", "乙")))
    taps: int = setting(3, "Taps", "抽头", minimum=1, maximum=9)


def test_settings_are_validated_against_their_declaration_with_the_field_named() -> None:
    assert validate(GainSettings, {"gain": 2, "mode": "b", "taps": 9}) == GainSettings(2.0, "b", 9)
    for values, message in [
        ({"gain": 2.5}, r"gain must be within 0..2, got 2.5"),
        ({"gain": "loud"}, r"gain must be float, got str 'loud'"),
        ({"gain": True}, r"gain must be float, got bool"),
        ({"mode": "c"}, r"mode must be one of a, b, got 'c'"),
        ({"taps": 1.5}, r"taps must be int, got float"),
        ({"volume": 1}, r"GainSettings has no setting 'volume' \(it has gain, mode, taps\)"),
    ]:
        with pytest.raises(SettingsError, match=message):
            validate(GainSettings, values)


# --- the chain -------------------------------------------------------------------------------------


class Scripted:
    """A test plugin whose behaviour the test sets: multiply, raise, sleep or change shape."""

    behaviour: ClassVar[dict[str, Any]] = {}

    def __init__(self, settings: GainSettings, context: Context) -> None:
        self.settings = settings
        self.latency_samples = int(Scripted.behaviour.get("latency", 0))
        self._delay = np.zeros((self.latency_samples, 2), np.float32)

    def update(self, settings: GainSettings) -> None:
        self.settings = settings

    def process(self, data: np.ndarray) -> np.ndarray:
        b = Scripted.behaviour
        if b.get("raise"):
            raise RuntimeError("the model file is corrupt")
        if b.get("sleep"):
            time.sleep(b["sleep"])
        if b.get("shape"):
            return data[:10]
        if data.dtype == np.float32:  # audio: delay by latency_samples, then the gain
            joined = np.concatenate([self._delay, data])
            self._delay = joined[data.shape[0] :]
            return (joined[: data.shape[0]] * self.settings.gain).astype(np.float32)
        return np.clip(data.astype(np.float32) * self.settings.gain, 0, 255).astype(np.uint8)

    def reset(self) -> None:
        self._delay[:] = 0


def make_scripted(settings: GainSettings, context: Context) -> Scripted:
    return Scripted(settings, context)


def registry_with(kind: Kind) -> Registry:
    plugin = Plugin("tests.gain", kind, Text("Gain", "增益"), GainSettings, f"{__name__}:make_scripted")
    return Registry({plugin.id: plugin})


@pytest.fixture(autouse=True)
def clean_behaviour() -> Iterator[None]:
    Scripted.behaviour = {}
    yield
    Scripted.behaviour = {}


def test_a_plugin_that_raises_is_bypassed_with_a_notice_and_the_picture_goes_through() -> None:
    notices: list[tuple[str, Text]] = []
    chain = Chain(registry_with(Kind.VIDEO_FILTER), Kind.VIDEO_FILTER, CONTEXT, notify=lambda *n: notices.append(n))
    chain.enable("tests.gain", True)
    chain.update("tests.gain", gain=0.5)
    picture = frame()
    assert chain.process(picture).max() <= 128
    Scripted.behaviour = {"raise": True}
    for _ in range(3):
        assert chain.process(picture) is picture
    state = chain.state("tests.gain")
    assert state.status == "failed" and "RuntimeError: the model file is corrupt" in (state.message or "")
    assert notices == [
        (
            "error",
            Text(
                "Gain failed and is bypassed: RuntimeError: the model file is corrupt",
                "「增益」出错，已旁路：RuntimeError: the model file is corrupt",
            ),
        )
    ]
    Scripted.behaviour = {}
    chain.enable("tests.gain", False)
    chain.enable("tests.gain", True)  # switching it off and on retries it
    assert chain.state("tests.gain").status == "on" and chain.process(picture).max() <= 128


def test_a_plugin_returning_the_wrong_shape_is_failed() -> None:
    chain = Chain(registry_with(Kind.VIDEO_FILTER), Kind.VIDEO_FILTER, CONTEXT)
    chain.enable("tests.gain", True)
    Scripted.behaviour = {"shape": True}
    picture = frame()
    assert chain.process(picture) is picture
    assert "returned uint8 (10, 1280, 3) for a uint8 (720, 1280, 3) input" in (chain.state("tests.gain").message or "")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_plugin_is_bypassed_under_overload_and_comes_back_with_a_growing_wait() -> None:
    clock = FakeTime()
    notices: list[tuple[str, Text]] = []
    chain = Chain(registry_with(Kind.VIDEO_FILTER), Kind.VIDEO_FILTER, CONTEXT, notify=lambda *n: notices.append(n),
                  recover_after=10.0, clock=clock)  # fmt: skip
    chain.enable("tests.gain", True)
    picture = frame()[:90, :160]
    Scripted.behaviour = {"sleep": 0.025}  # 25 ms of a 33 ms frame: over the 16.7 ms budget
    for _ in range(round(30 * WARM_UP) - 1):  # its first second is warm-up: not held against it
        clock.now += 1 / 30
        chain.process(picture)
    assert chain.state("tests.gain").status == "on"
    for _ in range(12):
        clock.now += 1 / 30
        chain.process(picture)
    state = chain.state("tests.gain")
    assert (
        state.status == "bypassed"
        and "filters took 2" in (state.message or "")
        and "of a 33 ms frame" in (state.message or "")
    )
    level, text = notices[-1]
    assert level == "warning" and "of a 33 ms frame" in text.en
    assert text.zh.startswith("「增益」已暂时旁路：滤镜用了每帧 33 毫秒中的 2") and "机器空闲后自动恢复" in text.zh
    # Bypassed: frames go through untouched and quickly.
    started = time.perf_counter()
    assert chain.process(picture) is picture
    assert time.perf_counter() - started < 0.02
    # It does not come back while its known cost does not fit...
    clock.now += 11
    chain.process(picture)
    assert chain.state("tests.gain").status == "bypassed"
    # ...and once it fits (the machine has room again: here, the plugin is cheap again) it needs the
    # plugin's last cost to fit; the test lowers it by making the plugin fast and resetting its cost.
    Scripted.behaviour = {}
    chain._slot("tests.gain").last_cost = 0.001
    clock.now += 1
    chain.process(picture)
    assert chain.state("tests.gain").status == "on" and notices[-1] == (
        "info",
        Text("Gain is back on", "「增益」已恢复"),
    )
    # Overloaded again: this time the wait is twice as long.
    Scripted.behaviour = {"sleep": 0.025}
    for _ in range(20):
        clock.now += 1 / 30
        chain.process(picture)
    assert chain.state("tests.gain").status == "bypassed"
    assert chain._slot("tests.gain").bypass_wait == 20.0


def test_the_host_overload_signal_bypasses_a_plugin_even_when_it_is_cheap() -> None:
    clock = FakeTime()
    pressure: list[Text | None] = [None]
    chain = Chain(registry_with(Kind.VIDEO_FILTER), Kind.VIDEO_FILTER, CONTEXT, overloaded=lambda: pressure[0],
                  clock=clock)  # fmt: skip
    chain.enable("tests.gain", True)
    picture = frame()[:90, :160]
    chain.process(picture)
    clock.now += 1
    pressure[0] = Text("the program missed 5 frames in the last half second", "画面在半秒内漏了 5 帧")
    chain.process(picture)
    state = chain.state("tests.gain")
    assert state.status == "bypassed" and "the program missed 5 frames" in (state.message or "")


def test_a_plugin_kept_on_is_never_bypassed_and_a_bypassed_one_kept_on_comes_back_at_once() -> None:
    """The streamer would rather skip frames than be seen without beautify: a kept plugin runs
    through overload (host pressure and its own cost alike)."""
    clock = FakeTime()
    pressure: list[Text | None] = [Text("the program missed 5 frames", "画面漏了 5 帧")]
    chain = Chain(registry_with(Kind.VIDEO_FILTER), Kind.VIDEO_FILTER, CONTEXT, overloaded=lambda: pressure[0],
                  clock=clock)  # fmt: skip
    chain.update("tests.gain", gain=0.5)
    chain.enable("tests.gain", True)
    picture = frame()[:90, :160]
    clock.now += 1
    chain.process(picture)
    assert chain.state("tests.gain").status == "bypassed", "without keeping, pressure bypasses it"
    state = chain.keep_on("tests.gain", True)
    assert state.status == "on" and state.keep_on
    Scripted.behaviour = {"sleep": 0.025}  # over budget as well
    for _ in range(60):
        clock.now += 1 / 30
        out = chain.process(picture)
    assert chain.state("tests.gain").status == "on"
    assert out is not picture and not np.array_equal(out, picture), "the gain is still applied"
    state = chain.keep_on("tests.gain", False)
    assert not state.keep_on
    clock.now += 1
    chain.process(picture)
    assert chain.state("tests.gain").status == "bypassed"


@dataclass(frozen=True, slots=True)
class SleepSettings:
    ms: float = setting(0.0, "Takes (ms)", "耗时（毫秒）", minimum=0, maximum=100)


class Sleeper:
    def __init__(self, settings: SleepSettings, context: Context) -> None:
        self.settings = settings

    def update(self, settings: SleepSettings) -> None:
        self.settings = settings

    def process(self, data: np.ndarray) -> np.ndarray:
        time.sleep(self.settings.ms / 1000)
        return data


def make_sleeper(settings: SleepSettings, context: Context) -> Sleeper:
    return Sleeper(settings, context)


@pytest.mark.parametrize(("kept_ms", "other_ms", "other_bypassed"), [(10, 10, True), (22, 2, False)])
def test_the_others_are_bypassed_only_while_the_kept_plugin_alone_fits(
    kept_ms: float, other_ms: float, other_bypassed: bool
) -> None:
    """Budget 16.7 ms. Kept 10 + other 10: bypassing the other brings the chain back under budget.
    Kept 22 + other 2: the kept one alone is over; bypassing the other would free 2 ms and it would
    never come back, so it stays on (the program misses frames instead)."""
    plugins = {
        pid: Plugin(pid, Kind.VIDEO_FILTER, Text(pid, pid), SleepSettings, f"{__name__}:make_sleeper")
        for pid in ("tests.kept", "tests.other")
    }
    clock = FakeTime()
    chain = Chain(Registry(plugins), Kind.VIDEO_FILTER, CONTEXT, clock=clock)
    for pid, ms in (("tests.kept", kept_ms), ("tests.other", other_ms)):
        chain.update(pid, ms=float(ms))
        chain.enable(pid, True)
    chain.keep_on("tests.kept", True)
    picture = frame()[:90, :160]
    for _ in range(round(30 * WARM_UP) + 12):
        clock.now += 1 / 30
        chain.process(picture)
    assert chain.state("tests.kept").status == "on"
    assert (chain.state("tests.other").status == "bypassed") is other_bypassed


def test_an_audio_filter_cannot_be_kept_on() -> None:
    chain = Chain(registry_with(Kind.AUDIO_FILTER), Kind.AUDIO_FILTER, CONTEXT)
    with pytest.raises(ValueError, match="an audio filter cannot be kept on under overload"):
        chain.keep_on("tests.gain", True)


def test_toggling_an_audio_plugin_keeps_one_constant_delay_and_loses_no_sample() -> None:
    """A delay-only plugin (gain 1, latency 480): on, off, on again, the output is the input delayed
    by exactly 480 samples throughout — the cross-fades mix two identical signals, so any dropped,
    repeated or misaligned sample would show."""
    Scripted.behaviour = {"latency": 480}
    chain = Chain(registry_with(Kind.AUDIO_FILTER), Kind.AUDIO_FILTER, CONTEXT)
    rng = np.random.default_rng(1)
    signal = (rng.standard_normal((1024 * 40, 2)) * 0.1).astype(np.float32)
    out = []
    for i in range(40):
        if i == 5:
            chain.enable("tests.gain", True)
        if i in (15, 16, 30):
            chain.enable("tests.gain", i != 15 and i != 30)
        out.append(chain.process(signal[i * 1024 : (i + 1) * 1024]))
    output = np.concatenate(out)
    # Before the plugin was first made there is no delay; from then on, exactly 480 samples.
    np.testing.assert_array_equal(output[: 5 * 1024], signal[: 5 * 1024])
    np.testing.assert_allclose(output[5 * 1024 + 480 :], signal[5 * 1024 : -480], atol=1e-6)


def test_switching_an_audio_gain_plugin_fades_over_a_block_instead_of_jumping() -> None:
    chain = Chain(registry_with(Kind.AUDIO_FILTER), Kind.AUDIO_FILTER, CONTEXT)
    chain.enable("tests.gain", True)
    chain.update("tests.gain", gain=0.0)  # the plugin mutes: switching it is a 0 dB ↔ -inf step
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(1024 * 12) / 48_000)).astype(np.float32)[:, None].repeat(2, 1)
    out = []
    for i in range(12):
        if i == 6:
            chain.enable("tests.gain", False)
        out.append(chain.process(tone[i * 1024 : (i + 1) * 1024]))
    output = np.concatenate(out)[:, 0]
    step = np.abs(np.diff(output)).max()
    natural = np.abs(np.diff(tone[:, 0])).max()
    assert step <= natural * 1.05, "no click: the output never moves faster than the tone itself"
    # Blocks 0-1: the plugin primes, then fades in; 2-5 muted; 6 fades out; 7 on: the tone again.
    assert np.abs(output[2 * 1024 : 6 * 1024]).max() == 0 and np.abs(output[7 * 1024 :]).max() > 0.49


@pytest.mark.parametrize("kind", [Kind.VIDEO_FILTER, Kind.AUDIO_FILTER, Kind.OVERLAY])
def test_every_built_in_plugin_runs_at_every_corner_of_its_declared_settings(kind: Kind) -> None:
    """A declaration's ranges must be ones its filter accepts: each built-in is switched on and run
    with its defaults, then with every number at its minimum and at its maximum."""
    registry = discover()
    builtins = [p for p in registry.of_kind(kind) if p.package == "shopcast"]
    assert builtins
    context = Context(640, 360, 30.0, 48_000, 2, str(Path(__file__).parents[2] / "assets"))
    data = frame()[:360, :640] if kind is not Kind.AUDIO_FILTER else (
        np.random.default_rng(2).standard_normal((1024, 2)) * 0.1).astype(np.float32)  # fmt: skip
    for plugin in builtins:
        chain = Chain(registry, kind, context)
        chain.enable(plugin.id, True)
        numbers = [s for s in specs(plugin.settings) if s.range is not None]
        for corner in ("minimum", "maximum"):
            chain.update(plugin.id, **{s.name: getattr(s.range, corner) for s in numbers})
            for _ in range(3):
                out = chain.process(data)
                assert out.shape == data.shape and out.dtype == data.dtype
            assert chain.state(plugin.id).status == "on", (plugin.id, corner, chain.state(plugin.id).message)
