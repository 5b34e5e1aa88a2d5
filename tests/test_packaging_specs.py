"""The Windows and macOS builds that cannot be made here: their PyInstaller specs run against recording
stand-ins for PyInstaller's build steps (so they must wire bundle.py's lists, the icons and the version
as a real build would take them), the macOS entitlements and Info.plist strings, the icon files
(packaging/icons.py) and the runtime hook that opens the studio from a desktop start."""

from __future__ import annotations

import plistlib
import re
import runpy
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app import __version__

ROOT = Path(__file__).resolve().parents[1]
PYINSTALLER = ROOT / "packaging" / "pyinstaller"
MACOS = ROOT / "packaging" / "macos"

sys.path[:0] = [str(PYINSTALLER), str(ROOT / "packaging")]
import bundle  # noqa: E402
import icons  # noqa: E402
import release  # noqa: E402

del sys.path[:2]


class Step:
    """A stand-in for one of PyInstaller's build steps: it keeps what the spec gave it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        # What Analysis exposes to the later steps: TOCs (one module, one data file) the test follows through.
        self.pure: list[tuple[str, str, str]] = [("app.entry", "app/entry.py", "PYMODULE")]
        self.scripts = "scripts"
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = [("jieba/lac_small/model.pdparams", "x", "DATA")]


def run_spec(name: str, workpath: Path) -> dict[str, list[Step]]:
    """Execute packaging/pyinstaller/NAME as PyInstaller does, with its steps recorded."""
    steps: dict[str, list[Step]] = {kind: [] for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}

    def recorder(kind: str) -> type[Step]:
        class Recorded(Step):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                steps[kind].append(self)

        return Recorded

    path = PYINSTALLER / name
    namespace: dict[str, Any] = {"SPECPATH": str(PYINSTALLER), "workpath": str(workpath), "__file__": str(path)}
    namespace.update({kind: recorder(kind) for kind in steps})
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return steps


@pytest.fixture(autouse=True)
def spec_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec puts its folders first on sys.path: leave it as it was."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.fixture
def windows_versioninfo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """PyInstaller's version-resource classes import two Windows-only names at the top of their module
    (pefile, win32api) without using them to build a resource; stand-ins let it load here."""
    import PyInstaller.compat

    module = "PyInstaller.utils.win32.versioninfo"
    monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, module, raising=False)
    yield
    sys.modules.pop(module, None)  # loaded with the stand-ins: not for anyone else


def assert_bundle_lists(analysis: Step, extra_datas: list[tuple[str, str]]) -> None:
    assert analysis.args == ([bundle.ENTRY],)
    assert analysis.kwargs["datas"] == [*bundle.datas(), *extra_datas]
    assert analysis.kwargs["hiddenimports"] == bundle.hiddenimports()
    assert analysis.kwargs["excludes"] == bundle.EXCLUDES
    assert analysis.kwargs["runtime_hooks"] == [str(PYINSTALLER / "rthook_studio_default.py")]


def test_every_spec_is_python() -> None:
    for spec in sorted(PYINSTALLER.glob("*.spec")):
        compile(spec.read_text(encoding="utf-8"), str(spec), "exec")


@pytest.mark.usefixtures("windows_versioninfo")
def test_windows_spec_builds_a_windowed_studio_and_a_console_command_in_one_folder(tmp_path: Path) -> None:
    steps = run_spec("shopcast-windows.spec", tmp_path / "work")

    (analysis,) = steps["Analysis"]
    assert_bundle_lists(analysis, [])
    (pyz,) = steps["PYZ"]
    assert pyz.args == (analysis.pure,)
    (collect,) = steps["COLLECT"]
    shipped = [dest for dest, _, _ in collect.args[3]]
    assert "jieba/lac_small/model.pdparams" not in shipped, "unused data is left out"
    assert any(dest.startswith("shopcast") and dest.endswith("entry_points.txt") for dest in shipped)
    exes = {exe.kwargs["name"]: exe for exe in steps["EXE"]}
    assert sorted(exes) == ["shopcast", "shopcast-studio"]
    assert exes["shopcast-studio"].kwargs["console"] is False
    assert exes["shopcast"].kwargs["console"] is True
    (collect,) = steps["COLLECT"]
    assert collect.args[:2] == (exes["shopcast-studio"], exes["shopcast"])
    assert collect.kwargs["name"] == bundle.NAME

    major, minor, patch = release.release_numbers()
    for name, exe in exes.items():
        assert exe.args[:2] == (pyz, "scripts")
        assert exe.kwargs["exclude_binaries"] is True
        with Image.open(exe.kwargs["icon"]) as ico:
            assert ico.format == "ICO"
            assert {(16, 16), (32, 32), (256, 256)} <= ico.info["sizes"]
        resource = exe.kwargs["version"]
        assert resource.ffi.fileVersionMS == resource.ffi.productVersionMS == major << 16 | minor
        assert resource.ffi.fileVersionLS == resource.ffi.productVersionLS == patch << 16
        string_tables = resource.kids[0].kids
        assert [table.name for table in string_tables] == ["040904B0", "080404B0"]  # English, Chinese
        for table in string_tables:
            strings = {entry.name: entry.val for entry in table.kids}
            assert strings["ProductVersion"] == strings["FileVersion"] == __version__
            assert strings["OriginalFilename"] == f"{name}.exe"
        chinese = {entry.name: entry.val for entry in string_tables[1].kids}
        assert re.search(r"[\u4e00-\u9fff]", chinese["FileDescription"])
        assert resource.toRaw()  # serialises (the Chinese included)


def test_macos_spec_builds_an_app_bundle_with_the_prompts_and_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPCAST_CODESIGN_IDENTITY", "Developer ID Application: ShopCast (TEAM123456)")
    steps = run_spec("shopcast-macos.spec", tmp_path / "work")

    strings = MACOS / "zh-Hans.lproj" / "InfoPlist.strings"
    (analysis,) = steps["Analysis"]
    assert_bundle_lists(analysis, [(str(strings), "zh-Hans.lproj")])
    (exe,) = steps["EXE"]
    assert exe.kwargs["name"] == bundle.NAME
    assert exe.kwargs["console"] is False
    assert exe.kwargs["codesign_identity"] == "Developer ID Application: ShopCast (TEAM123456)"
    assert Path(exe.kwargs["entitlements_file"]) == MACOS / "entitlements.plist"
    (collect,) = steps["COLLECT"]
    assert collect.args[0] is exe
    (app,) = steps["BUNDLE"]
    assert app.args == (collect,)
    assert app.kwargs["name"].endswith(".app")
    assert app.kwargs["bundle_identifier"] == "com.shopcast.studio"
    with Image.open(app.kwargs["icon"]) as icns:
        assert icns.format == "ICNS"
        assert (512, 512, 2) in icns.info["sizes"]

    info = app.kwargs["info_plist"]
    version = info["CFBundleVersion"]
    assert app.kwargs["version"] == info["CFBundleShortVersionString"] == version
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert __version__.startswith(version), "from app.__version__"
    assert info["NSHighResolutionCapable"] is True
    assert re.fullmatch(r"\d+\.\d+", info["LSMinimumSystemVersion"])
    assert "camera" in info["NSCameraUsageDescription"]
    assert "microphone" in info["NSMicrophoneUsageDescription"]
    assert "zh-Hans" in info["CFBundleLocalizations"]
    plistlib.dumps(info)  # what BUNDLE writes as Contents/Info.plist

    localised = dict(re.findall(r'^(\w+) = "(.*)";$', strings.read_text(encoding="utf-8"), re.MULTILINE))
    assert {"NSCameraUsageDescription", "NSMicrophoneUsageDescription"} <= set(localised)
    assert set(localised) <= set(info), "a localised key the Info.plist does not have is never shown"
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in localised.values())


def test_macos_spec_signs_ad_hoc_without_an_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPCAST_CODESIGN_IDENTITY", raising=False)
    (exe,) = run_spec("shopcast-macos.spec", tmp_path / "work")["EXE"]
    assert exe.kwargs["codesign_identity"] is None


def test_entitlements_grant_camera_and_microphone_under_the_hardened_runtime() -> None:
    with (MACOS / "entitlements.plist").open("rb") as file:
        entitlements = plistlib.load(file)
    assert entitlements["com.apple.security.device.camera"] is True
    assert entitlements["com.apple.security.device.audio-input"] is True
    assert all(value is True for value in entitlements.values()), "Apple: list an entitlement only when true"


def test_icons_cover_every_size_drawn_from_the_svg(tmp_path: Path) -> None:
    icons.write_icons(tmp_path)

    for size in icons.HICOLOR_SIZES:
        with Image.open(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "shopcast.png") as png:
            assert png.format == "PNG"
            assert png.size == (size, size)
            picture = png.convert("RGBA")
        assert picture.getpixel((size // 2, size // 2))[3] == 255, f"{size} px: the centre is drawn"
        assert picture.getpixel((0, 0))[3] == 0, f"{size} px: outside the rounded square is transparent"
        assert picture.getpixel((size // 2, 1))[:3] == (0xFF, 0x2D, 0x55), f"{size} px: the icon's red"
    svg = tmp_path / "hicolor" / "scalable" / "apps" / "shopcast.svg"
    assert svg.read_bytes() == (ROOT / "assets" / "web" / "icon.svg").read_bytes()

    with Image.open(tmp_path / "shopcast.ico") as ico:
        assert ico.info["sizes"] == {(size, size) for size in icons.ICO_SIZES}
        ico.size = (16, 16)
        smallest = ico.convert("RGBA")
    assert smallest.size == (16, 16)
    assert smallest.getpixel((8, 8))[3] == 255

    with Image.open(tmp_path / "shopcast.icns") as icns:
        assert {(16, 16, 2), (128, 128, 1), (512, 512, 2)} <= set(icns.info["sizes"])
        largest = icns.convert("RGBA")
    assert largest.size == (1024, 1024)
    assert largest.getpixel((512, 512))[3] == 255
    assert largest.getpixel((512, 60))[3] == 0, "macOS's grid: an empty margin round the body"
    assert largest.getpixel((512, 110))[3] == 255


@pytest.mark.parametrize(
    ("argv", "stdin", "expected"),
    [
        (["shopcast-studio.exe"], None, ["shopcast-studio.exe", "studio"]),  # Windows, windowed: no stdin
        (["shopcast"], "not a terminal", ["shopcast", "studio"]),  # Finder: stdin is /dev/null
        (["shopcast"], "terminal", ["shopcast"]),  # typed in a terminal: the usage, as ever
        (["shopcast", "relay"], None, ["shopcast", "relay"]),  # the studio's own children
    ],
)
def test_runtime_hook_opens_the_studio_only_from_a_desktop_start(
    argv: list[str], stdin: str | None, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin:
        def isatty(self) -> bool:
            return stdin == "terminal"

    monkeypatch.setattr(sys, "argv", list(argv))
    monkeypatch.setattr(sys, "stdin", None if stdin is None else Stdin())
    runpy.run_path(str(PYINSTALLER / "rthook_studio_default.py"))
    assert sys.argv == expected


def test_release_numbers_are_what_windows_and_macos_accept() -> None:
    assert release.release_numbers("0.1.0") == (0, 1, 0)
    assert release.release_numbers("1.2rc1", count=4) == (1, 2, 0, 0)
    assert release.release_numbers("2.0.0.1.5", count=4) == (2, 0, 0, 1)
    assert release.release_string("3.1.dev2") == "3.1.0"
    with pytest.raises(ValueError, match="release number"):
        release.release_numbers("v1")
