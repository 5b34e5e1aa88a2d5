"""Beautify speed: ms per 1280x720 frame for each stage of pipeline/filters/beautify.py, against the
usual naive "beauty filters" (OpenCV's whole-frame edge-preserving filters) in the same run.

    .venv/bin/python benchmarks/beautify.py [--frames 300] [--peer-frames 30]

The picture: skimage.data.astronaut() (512x512, a real face) scaled to 720x720 (bicubic) in the
middle of a 1280x720 canvas whose sides are the same photo enlarged and blurred (sigma 25, like a
video "blur fill"); the face box the detector finds is about 150 px. Every frame moves it by a
sub-pixel translation (up to ±10 px across, ±6 px down; cv2.warpAffine, not timed), so the face
moves and the detection cadence is the live one (a re-detection every 5th frame, a whole-picture
search spread over the other frames every 2 s). Frames are
read-only, as the program's are. The first ``WARMUP`` frames of each row are not counted (the face
is found, confirmed and faded in by then); then each call is timed alone with perf_counter:

* ``detect only``: ``FaceTracker.update``, the detection each frame runs, as it falls on frames;
  ``(no face)`` rows run on the blurred backdrop alone, where the search never stops (one job of
  it on each frame) and the skin stages have nothing to do;
* ``smoothing only``: ``Beautify.process`` with smoothing at its default and every other stage 0;
* ``full default``: ``BeautifyParams()`` (smoothing 0.85, whitening 0.3, rosy 0.2, sharpen 0.2):
  detection, sharpening of the whole frame, skin mask, guided filter, tone curves, blend;
* ``full + LUT``: the same plus assets/luts/warm.cube at strength 1 (a channel-mixing look, so the
  curves + BGR565 residual path of pipeline/filters/lut.py, the slower one);
* ``LUT only``: that look alone;
* ``shaping only``: face slimming and eye enlarging at 0.5 each, every other stage 0: the 68
  landmarks of the tracked face (dlib) and one remap of the box around it
  (pipeline/filters/face_shape.py; the model is loaded before the row starts);
* ``full default + shaping``: the full default chain with that shaping on top;
* peers on the whole frame: ``cv2.bilateralFilter(frame, 9, 75, 75)`` and
  ``cv2.edgePreservingFilter(frame, flags=RECURS_FILTER, sigma_s=60, sigma_r=0.4)``, on
  ``--peer-frames`` frames (they are slow); neither finds faces, masks skin or tones it.

Reported: median and p95 ms, the share of a 30 fps frame (33.3 ms) the median takes, and each
row's median over the full default chain's. The goal the project asks for: full default median
<= 10 ms. OpenCV runs with its default threads (``cv2.getNumThreads()``, printed); the machine's
load average is printed before and after, as other work on it moves the numbers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from skimage.data import astronaut  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402
from pipeline.filters.beautify import Beautify, BeautifyParams, FaceTracker  # noqa: E402
from pipeline.filters.face_shape import LandmarkModel  # noqa: E402

WIDTH, HEIGHT, FPS = 1280, 720, 30
WARMUP = 45
GOAL_MS = 10.0
LOOK = REPO / "assets" / "luts" / "warm.cube"
Frame = npt.NDArray[np.uint8]


def canvas(face: bool = True) -> Frame:
    """The 720p picture; without ``face``, only its blurred backdrop."""
    photo = cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR)
    side = cv2.resize(photo, (WIDTH, WIDTH), interpolation=cv2.INTER_LINEAR)[(WIDTH - HEIGHT) // 2 :][:HEIGHT]
    out = cv2.GaussianBlur(side, (0, 0), 25)
    if not face:
        return np.ascontiguousarray(out)
    x0 = (WIDTH - HEIGHT) // 2
    out[:, x0 : x0 + HEIGHT] = cv2.resize(photo, (HEIGHT, HEIGHT), interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(out)


def frame(base: Frame, n: int) -> Frame:
    shift = np.float32([[1, 0, 10 * np.sin(n / 15)], [0, 1, 6 * np.cos(n / 11)]])
    out = np.ascontiguousarray(cv2.warpAffine(base, shift, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REFLECT))
    out.flags.writeable = False
    return out


def timed(base: Frame, frames: int, work: Callable[[Frame], object], warmup: int = WARMUP) -> list[float]:
    """Milliseconds of ``work`` on each of ``frames`` moving frames after ``warmup`` uncounted ones."""
    spent = []
    for n in range(warmup + frames):
        picture = frame(base, n)
        started = time.perf_counter()
        work(picture)
        if n >= warmup:
            spent.append(1000 * (time.perf_counter() - started))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=300, help="timed frames per row (default 300 = 10 s of 720p30)")
    parser.add_argument("--peer-frames", type=int, default=30, help="timed frames for the slow OpenCV peers")
    args = parser.parse_args()
    if args.frames < 20 or args.peer_frames < 1:
        parser.error("--frames must be at least 20 and --peer-frames at least 1")

    load_before = os.getloadavg()
    base, backdrop = canvas(), canvas(face=False)
    rows: list[tuple[str, list[float]]] = []
    tracker = FaceTracker()
    rows.append(("detect only", timed(base, args.frames, tracker.update)))
    rows.append(("detect only (no face)", timed(backdrop, args.frames, FaceTracker().update)))
    smoothing = BeautifyParams(whitening=0, rosy=0, sharpen=0)
    rows.append(("smoothing only", timed(base, args.frames, Beautify(smoothing).process)))
    full = Beautify()
    rows.append(("full default", timed(base, args.frames, full.process)))
    faces = full.faces
    rows.append(("full default (no face)", timed(backdrop, args.frames, Beautify().process)))
    rows.append(("full + LUT", timed(base, args.frames, Beautify(BeautifyParams(lut=str(LOOK))).process)))
    lut_only = BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=str(LOOK))
    rows.append(("LUT only", timed(base, args.frames, Beautify(lut_only).process)))
    if not LandmarkModel.shared().wait(timeout=60):
        sys.exit(f"the landmark model did not load: {LandmarkModel.shared().error}")
    shaping = BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, slimming=0.5, eyes=0.5)
    rows.append(("shaping only", timed(base, args.frames, Beautify(shaping).process)))
    shaped = BeautifyParams(slimming=0.5, eyes=0.5)
    rows.append(("full default + shaping", timed(base, args.frames, Beautify(shaped).process)))
    rows.append(
        ("cv2.bilateralFilter d=9", timed(base, args.peer_frames, lambda f: cv2.bilateralFilter(f, 9, 75, 75), 2))
    )
    rows.append(
        (
            "cv2.edgePreservingFilter",
            timed(
                base,
                args.peer_frames,
                lambda f: cv2.edgePreservingFilter(f, flags=cv2.RECURS_FILTER, sigma_s=60, sigma_r=0.4),
                2,
            ),
        )
    )
    load_after = os.getloadavg()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
          f"OpenCV {cv2.__version__} ({cv2.getNumThreads()} threads), numpy {np.__version__}")  # fmt: skip
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    print(f"{WIDTH}x{HEIGHT} astronaut() canvas, moving; {args.frames} timed frames per row after {WARMUP} "
          f"({args.peer_frames} after 2 for the peers); faces tracked in the full row: {faces}")  # fmt: skip
    full_median = float(np.median(dict(rows)["full default"]))
    print("| stage                    | median ms | p95 ms | of a 30 fps frame | x full default |")
    print("|--------------------------|----------:|-------:|------------------:|---------------:|")
    for name, spent in rows:
        median, p95 = float(np.median(spent)), float(np.percentile(spent, 95))
        print(f"| {name:<24} | {median:>9.2f} | {p95:>6.2f} | {100 * median * FPS / 1000:>16.0f}% "
              f"| {median / full_median:>14.2f} |")  # fmt: skip
    verdict = "meets" if full_median <= GOAL_MS else "ABOVE"
    print(f"goal full default median <= {GOAL_MS:.0f} ms: {verdict} ({full_median:.2f} ms)")


if __name__ == "__main__":
    main()
