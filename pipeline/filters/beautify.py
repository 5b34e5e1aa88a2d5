"""The beautify video filter: face-aware skin smoothing, whitening and rosy tone, sharpening and a
colour look, each with a strength, all adjustable while the picture runs.

Per 1280x720 frame (``Beautify.process``), in this order:

1. **Sharpen** the whole picture: unsharp mask, ``in + k * (in - GaussianBlur3x3(in))``.
2. **Skin**, inside a region around each tracked face (never the rest of the picture):
   * a soft skin mask (:func:`skin_mask`): the face's own skin colour (median Cr/Cb of its cheeks
     and nose) with a tolerance from its spread, times a luma gate (brows, lashes, nostrils, hair
     and shadows are darker than skin), times a soft ellipse over face, forehead and upper neck;
     then made solid (blurred and pushed toward 0 or 1), so freckles and pores that fail the colour
     test are inside it rather than holes in it;
   * **smoothing**: a fast guided filter (He & Sun 2015) with the picture as its own guide, built
     from ``cv2.boxFilter``: the local mean/variance coefficients ``a = var / (var + eps)``,
     ``b = (1 - a) * mean`` are computed on the region scaled so the face is 64 px wide, upscaled,
     and applied to the full-resolution pixels (``a * in + b``), so flat skin loses its texture
     while eyes, brows, lips, teeth and hair strands (high local variance) keep their edges at full
     resolution. The strength blends the filtered and original pixels, folded into ``a`` and ``b``;
   * **whitening** (a log brightening curve) and **rosy** tone (red lifted and green lowered by
     gamma curves that keep black and white) as one 256-entry table per channel (``cv2.LUT``);
   * the result is blended over the sharpened picture through the mask (``cv2.blendLinear``), so
     skin is smoothed, not sharpened.
3. **Look**: a ``.cube`` 3D LUT at its strength on the whole picture (pipeline/filters/lut.py).
4. **Shape** (when slimming or eyes is on): face slimming and eye enlarging as local warps around
   68 landmarks of each tracked face (pipeline/filters/face_shape.py), in place on the result. The
   landmarks are asked for before step 1 and predicted by another process while 1-3 run.

Faces come from OpenCV's Haar cascade ``haarcascade_frontalface_default.xml`` (it ships inside
opencv-python-headless), on grey pictures scaled to 240 lines, so faces from 1/10 of the picture
height (72 px at 720p). Detection is the expensive part: a whole-picture search costs 15-35 ms here,
a frame's budget. So no frame runs more than about 2 ms of it (:class:`FaceTracker`):

* every 5th frame each tracked face is re-detected in a window twice its size, scaled so the face
  is 48 px (minNeighbors 3);
* the whole-picture search is cut into some 17 jobs of about equal cost (strips of the smallest
  scales, groups of larger ones on the picture shrunk 2, 4, 8 times) and runs one job on each of
  the other frames: continuously while no face is tracked, once every 2 s while one is (new faces).

A face counts after its re-detection confirms it (a stray hit never shows), is dropped after 3
missed re-detections (half a second), and fades in and out over 8 frames; the box drawn eases
toward the last detection every frame. So a head turn or a lost detection never makes the effect
pop. A blonde fringe over the forehead has skin chroma and brightness, and inside the ellipse it
is softened a little; telling it apart needs landmarks or segmentation.

When no face is found the skin stages do nothing. A skin-colour mask over the whole frame (YCrCb)
was the alternative and is worse for live commerce: the product on screen must keep its texture,
and beige, orange, wooden, leather and cardboard things are "skin" by colour (astronaut()'s orange
suit is); it would also cost a full-frame filter. Sharpening and the look do not need faces.

Live adjustment: :meth:`Beautify.set_params` builds everything a frame needs (tone tables, the
compiled LUT, read from disk only when the file changed) into one immutable ``_Look`` and swaps a
single reference, so ``process`` on the program thread reads either the old look or the new one,
never a mixture. A bad LUT file raises and leaves the old look in place. All strengths zero
returns the input array itself.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.filters.face_shape import FaceShaper
from pipeline.filters.lut import Lut3D, LutLook, Scratch, compile_lut, read_cube
from pipeline.frames import Image

Box = tuple[int, int, int, int]
"""A face (x, y, width, height) in image pixels."""
Mask = npt.NDArray[np.float32]

CASCADE = "haarcascade_frontalface_default.xml"
SCAN_HEIGHT = 240
"""Lines of the grey picture a full scan searches (faces from 24 of them: 1/10 of the height)."""
SCAN_STEP = 1.1
"""Scale step of the search pyramid (1.2 misses faces near the smallest window of a shrunk image)."""
SCAN_NEIGHBOURS = 1
"""Search neighbours (OpenCV minNeighbors: 1 = two overlapping hits): low, because each job sees
only a few scales. A face still needs its re-detection (minNeighbors 3) to count."""
SHRUNK_WINDOW = 26
"""Smallest window on a shrunk scan image: the cascade misses faces right at its 24 px size."""
SCAN_JOB_SHARE = 0.5
"""Cost of one frame's search job, in scan-image areas (the first pyramid level is 1)."""
SCAN_EVERY_TRACKING = 60
"""Frames between the starts of two full searches while a face is tracked (new faces)."""
TRACK_EVERY = 5
"""Frames between re-detections of each tracked face."""
TRACK_FACE_PX = 48
"""Face width the re-detection window is scaled to."""
MAX_MISSES = 3
CONFIRM_HITS = 2
FADE_FRAMES = 8
EASE = 0.35
"""Share of the way to the last detection the drawn box moves each frame."""
WORK_FACE_PX = 64
"""Face width at which the guided filter's coefficients and the mask are computed."""
GUIDED_RADIUS = 2
"""Box radius of the guided filter at that scale (5 x 5 windows: a freckle, not an eye)."""
GUIDED_SIGMA = 40.0
"""Local standard deviation (0..255) below which the guided filter flattens. Skin texture (pores,
freckles, grain: 5..30) is mostly below it; eyes, brows, lips, teeth and hair strands are above."""
SHARPEN_GAIN = 1.5
"""Unsharp-mask amount at sharpen = 1."""
WHITEN_BETA = 3.0
"""Bend of the log whitening curve at whitening = 1 (mid grey 128 -> 169)."""
ROSY_RED = 0.25
ROSY_GREEN = 0.08
SKIN_CR = (128.0, 185.0)
SKIN_CB = (70.0, 135.0)
"""Plausible skin chroma (YCrCb) of a face's cheeks; outside it the detection is not a face."""
CHROMA_SPREAD = (6.0, 10.0)
"""Bounds of the skin chroma tolerance (robust spread of the cheeks' Cr and Cb, in levels)."""
CHROMA_IN, CHROMA_OUT = 2.0, 4.0
"""Chroma distance (in spreads) up to which a pixel is skin, and from which it is not."""
LUMA_OUT, LUMA_IN = 0.55, 0.8
"""Luma (share of the cheeks') below which a pixel is not skin, and from which it is: brows,
lashes, nostrils, hair and deep shadows are darker."""
ELLIPSE = (0.5, 0.55, 0.62, 0.6, 0.85)
"""Face ellipse in face-box units: centre x, centre y, half width, half height above and below the
centre (the top stops short of the hairline, the bottom takes the chin and upper neck)."""


@dataclass(frozen=True, slots=True)
class BeautifyParams:
    """Strengths of each stage, 0 (off) to 1 (strongest)."""

    smoothing: float = 0.85
    """Skin smoothing."""
    whitening: float = 0.3
    """Brightening of the skin."""
    rosy: float = 0.2
    """Rosy (ruddy) tone on the skin."""
    sharpen: float = 0.2
    """Unsharp mask on the whole picture."""
    lut: str | None = None
    """Path of a ``.cube`` 3D LUT, or None for no look."""
    lut_strength: float = 1.0
    """Blend of the look."""
    slimming: float = 0.0
    """Face slimming (pipeline/filters/face_shape.py)."""
    eyes: float = 0.0
    """Eye enlarging."""

    def __post_init__(self) -> None:
        for name in ("smoothing", "whitening", "rosy", "sharpen", "lut_strength", "slimming", "eyes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"BeautifyParams.{name} must be a number in 0..1, got {value!r}")
            if not 0.0 <= value <= 1.0:  # also refuses NaN
                raise ValueError(f"BeautifyParams.{name} must be in 0..1, got {value!r}")
        if self.lut is not None and (not isinstance(self.lut, str) or not self.lut.strip()):
            raise ValueError(f"BeautifyParams.lut must be the path of a .cube file or None, got {self.lut!r}")

    @property
    def skin(self) -> bool:
        """Whether any skin stage is on (and faces are needed)."""
        return self.smoothing > 0 or self.whitening > 0 or self.rosy > 0

    @property
    def shape(self) -> bool:
        """Whether face shaping (slimming, eyes) is on (and landmarks are needed)."""
        return self.slimming > 0 or self.eyes > 0

    @property
    def idle(self) -> bool:
        """Whether every stage is off: the picture passes through untouched."""
        return not self.skin and not self.shape and self.sharpen == 0 and (self.lut is None or self.lut_strength == 0)


DEFAULT_PARAMS = BeautifyParams()


@dataclass(frozen=True, slots=True)
class _LutFile:
    path: str
    stamp: tuple[int, int]
    """(mtime_ns, size) when read: a changed file is read again."""
    lut: Lut3D


@dataclass(frozen=True, slots=True)
class _Look:
    """Everything ``process`` needs for one set of params, built off the program thread."""

    params: BeautifyParams
    tone: npt.NDArray[np.uint8] | None
    """256 x 1 x 3 whitening + rosy table for the skin, None when both are off."""
    lut_file: _LutFile | None
    lut: LutLook | None

    @staticmethod
    def build(params: BeautifyParams, previous: _Look | None) -> _Look:
        lut_file: _LutFile | None = None
        look: LutLook | None = None
        if params.lut is not None:
            lut_file = _read_lut(params.lut, previous.lut_file if previous else None)
            compiled = previous.lut if previous is not None and previous.lut_file is lut_file else None
            if compiled is not None and compiled.strength == params.lut_strength:
                look = compiled  # a slider moved elsewhere: nothing to recompute
            elif params.lut_strength > 0:
                look = compile_lut(lut_file.lut, params.lut_strength)
        return _Look(params, _tone_table(params.whitening, params.rosy), lut_file, look)


def _read_lut(path: str, cached: _LutFile | None) -> _LutFile:
    try:
        stat = Path(path).stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, -1)  # read_cube raises the error, naming the file
    if cached is not None and cached.path == path and cached.stamp == stamp:
        return cached
    return _LutFile(path, stamp, read_cube(path))


def _tone_table(whitening: float, rosy: float) -> npt.NDArray[np.uint8] | None:
    """Per-channel (B, G, R) curves: log whitening, then rosy gamma curves."""
    if whitening == 0 and rosy == 0:
        return None
    v = np.arange(256.0) / 255.0
    white = np.log1p(WHITEN_BETA * v) / math.log1p(WHITEN_BETA)
    v = v + whitening * (white - v)
    red = v ** (1.0 / (1.0 + ROSY_RED * rosy))
    green = v ** (1.0 + ROSY_GREEN * rosy)
    table = np.stack([v, green, red], axis=-1) * 255.0
    out = np.clip(np.rint(table), 0, 255).astype(np.uint8).reshape(256, 1, 3)
    out.flags.writeable = False
    return out


# --- faces -----------------------------------------------------------------------------------------


def _u8(array: object) -> Image:
    """An OpenCV result as the uint8 array it is (for the type checker; no copy)."""
    return np.asarray(array, np.uint8)


def _f32(array: object) -> Mask:
    """An OpenCV result as the float32 array it is (for the type checker; no copy)."""
    return np.asarray(array, np.float32)


def _downscale(image: Image, size: tuple[int, int]) -> Image:
    """``image`` shrunk to ``size`` (width, height): halved by ``cv2.pyrDown`` while it is at least
    twice as large, then linear. (``INTER_AREA`` takes 1-2 ms for a non-integer ratio from 720p.)"""
    w, h = size
    while image.shape[1] >= 2 * w and image.shape[0] >= 2 * h:
        image = _u8(cv2.pyrDown(image))
    if (image.shape[1], image.shape[0]) != size:
        image = _u8(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR))
    return image


def _load_cascade() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(f"cannot load the face detector {path} (opencv-python-headless 4.x ships it)")
    return cascade


@dataclass(slots=True)
class _Track:
    target: npt.NDArray[np.float64]
    """The last detection (x, y, w, h)."""
    box: npt.NDArray[np.float64]
    """The box drawn, easing toward ``target``."""
    hits: int = 1
    misses: int = 0
    alpha: float = 0.0

    @property
    def confirmed(self) -> bool:
        return self.hits >= CONFIRM_HITS

    @property
    def alive(self) -> bool:
        return self.misses < MAX_MISSES

    def drawn(self) -> Box:
        x, y, w, h = (round(float(v)) for v in self.box)
        return x, y, max(1, w), max(1, h)


def _overlap(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return float(inter / (a[2] * a[3] + b[2] * b[3] - inter))


@dataclass(frozen=True, slots=True)
class _ScanJob:
    """One frame's share of a full search: window sizes ``min_size..max_size`` on the columns
    ``x0..x1`` of the scan image (``SCAN_HEIGHT`` lines) shrunk ``shrink`` times."""

    shrink: int
    min_size: int
    max_size: int
    x0: int
    x1: int


def _scan_plan(width: int, height: int) -> tuple[_ScanJob, ...]:
    """Split a full search of a ``width`` x ``height`` scan image into jobs of about equal cost.

    The cascade's cost is its number of window positions. OpenCV slides the 24 px window by 2 px
    on pyramid levels up to twice the window and by 1 px beyond (4x the positions), so windows
    above 2x run on the scan image shrunk 2, 4, 8... times instead, all with the 2 px step; a level
    then costs about its area / 4. Consecutive levels are grouped up to ``SCAN_JOB_SHARE`` of the
    first level's cost; a level above it (the first alone is 30 % of the search) is split into
    vertical strips overlapping by the largest window, so that any face lies whole in one strip."""
    levels: list[tuple[int, int, float]] = []  # (shrink, window on the shrunk image, cost)
    shrink = 1
    while 24 * shrink <= min(width, height):
        k = 0
        smallest = 24 if shrink == 1 else SHRUNK_WINDOW
        while (window := round(smallest * SCAN_STEP**k)) < 48 and window * shrink <= min(width, height):
            levels.append((shrink, window, (width / shrink * 24 / window) * (height / shrink * 24 / window) / 4))
            k += 1
        shrink *= 2
    budget = SCAN_JOB_SHARE * width * height / 4
    jobs: list[_ScanJob] = []
    i = 0
    while i < len(levels):
        shrink, cost, j = levels[i][0], 0.0, i
        while j < len(levels) and levels[j][0] == shrink and (j == i or cost + levels[j][2] <= budget):
            cost += levels[j][2]
            j += 1
        low, high = levels[i][1], levels[j - 1][1]
        strips = max(1, math.ceil(cost / budget - 0.05))
        step = width / strips
        for n in range(strips):
            x0 = int(n * step)
            x1 = width if n == strips - 1 else min(width, math.ceil((n + 1) * step) + high * shrink)
            jobs.append(_ScanJob(shrink, low, high, x0, x1))
        i = j
    return tuple(jobs)


class FaceTracker:
    """Faces in a stream of pictures, found by rationed Haar detection (module docstring): every
    frame runs at most a few milliseconds of detection, either the re-detection of the tracked
    faces (every ``TRACK_EVERY`` frames) or one job of a full search spread over frames (all the
    time while no face is tracked, one search every ``SCAN_EVERY_TRACKING`` frames otherwise).
    Not thread-safe: one thread calls :meth:`update`."""

    def __init__(self) -> None:
        self._cascade = _load_cascade()
        self._tracks: list[_Track] = []
        self._frame = 0
        self._shape: tuple[int, ...] = ()
        self._scale = 1.0
        self._plan: tuple[_ScanJob, ...] = ()
        self._job = 0
        self._search_started = 0

    def reset(self) -> None:
        """Forget every face (the next frame starts a new search)."""
        self._tracks = []
        self._frame = 0
        self._shape = ()

    @property
    def faces(self) -> tuple[Box, ...]:
        """The confirmed faces being tracked, as drawn."""
        return tuple(t.drawn() for t in self._tracks if t.confirmed and t.alive)

    @property
    def shown(self) -> tuple[tuple[Box, float], ...]:
        """(face, opacity 0..1) of every face the skin stages work on, fading ones included."""
        return tuple((t.drawn(), t.alpha) for t in self._tracks if t.alpha > 0)

    def update(self, image: Image) -> None:
        """Take the next frame: detect as rationed, then ease, confirm, fade and drop tracks."""
        if image.shape != self._shape:
            self.reset()
            self._shape = image.shape
            h, w = image.shape[:2]
            self._scale = min(1.0, SCAN_HEIGHT / h)
            self._plan = _scan_plan(max(1, round(w * self._scale)), max(1, round(h * self._scale)))
            self._job = len(self._plan)
        n = self._frame
        self._frame += 1
        if self._tracks and n % TRACK_EVERY == 0:
            for track in self._tracks:
                self._redetect(image, track)
        else:
            tracking = any(t.confirmed and t.alive for t in self._tracks)
            if self._job >= len(self._plan) and (not tracking or n - self._search_started >= SCAN_EVERY_TRACKING):
                self._job, self._search_started = 0, n
            if self._job < len(self._plan):
                for found in self._scan(image, self._plan[self._job]):
                    if all(_overlap(found, t.target) < 0.2 and _overlap(found, t.box) < 0.2 for t in self._tracks):
                        self._tracks.append(_Track(found, found.copy()))
                self._job += 1
        step = 1.0 / FADE_FRAMES
        kept = []
        for track in self._tracks:
            track.box += EASE * (track.target - track.box)
            shown = track.confirmed and track.alive
            track.alpha = min(1.0, track.alpha + step) if shown else max(0.0, track.alpha - step)
            if track.alive or track.alpha > 0:
                kept.append(track)
        # Two tracks on one face (after a fast move): keep the older.
        self._tracks = [t for i, t in enumerate(kept) if all(_overlap(t.box, o.box) < 0.4 for o in kept[:i])]

    def _scan(self, image: Image, job: _ScanJob) -> list[npt.NDArray[np.float64]]:
        h, w = image.shape[:2]
        scale = self._scale / job.shrink
        x0, x1 = int(job.x0 / self._scale), min(w, math.ceil(job.x1 / self._scale))
        grey = _u8(cv2.cvtColor(image[:, x0:x1], cv2.COLOR_BGR2GRAY))
        if scale < 1.0:
            grey = _downscale(grey, (max(1, round((x1 - x0) * scale)), max(1, round(h * scale))))
        found = self._cascade.detectMultiScale(
            grey,
            scaleFactor=SCAN_STEP,
            minNeighbors=SCAN_NEIGHBOURS,
            minSize=(job.min_size, job.min_size),
            maxSize=(job.max_size, job.max_size),
        )
        return [np.asarray(box, np.float64) / scale + (x0, 0, 0, 0) for box in found]

    def _redetect(self, image: Image, track: _Track) -> None:
        h, w = image.shape[:2]
        x, y, fw, fh = track.target
        x0, y0 = max(0, int(x - 0.5 * fw)), max(0, int(y - 0.5 * fh))
        x1, y1 = min(w, math.ceil(x + 1.5 * fw)), min(h, math.ceil(y + 1.5 * fh))
        scale = min(1.0, TRACK_FACE_PX / fw)
        found: Sequence[Sequence[int]] = ()
        if x1 - x0 >= 24 and y1 - y0 >= 24:
            grey = _u8(cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY))
            if scale < 1.0:
                grey = _downscale(grey, (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))))
            face = fw * scale
            low, high = max(24, int(face / 1.4)), max(25, math.ceil(face * 1.4))
            found = self._cascade.detectMultiScale(
                grey, scaleFactor=1.1, minNeighbors=3, minSize=(low, low), maxSize=(high, high)
            )
        if len(found) == 0:
            track.misses += 1
            return
        centre = np.array([x + fw / 2, y + fh / 2])
        boxes = [np.array([x0, y0, 0, 0]) + np.asarray(b, np.float64) / scale for b in found]
        best = min(boxes, key=lambda b: float(np.hypot(*(b[:2] + b[2:] / 2 - centre))))
        # Average with the previous detection: Haar boxes jitter by a few pixels from frame to frame.
        track.target = best if _overlap(best, track.target) < 0.3 else (best + track.target) / 2
        track.hits += 1
        track.misses = 0


# --- skin ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Region:
    """The part of the picture one face's skin stages touch, and its size at work scale."""

    x0: int
    y0: int
    x1: int
    y1: int
    small: tuple[int, int]
    """(width, height) at work scale (face about WORK_FACE_PX wide)."""
    face: tuple[float, float, float, float]
    """The face box in work-scale coordinates of the region."""

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    @property
    def size(self) -> tuple[int, int]:
        return self.x1 - self.x0, self.y1 - self.y0

    @staticmethod
    def of(face: Box, width: int, height: int) -> _Region | None:
        x, y, w, h = face
        x0, x1 = max(0, int(x - 0.35 * w)), min(width, math.ceil(x + 1.35 * w))
        y0, y1 = max(0, int(y - 0.5 * h)), min(height, math.ceil(y + 1.6 * h))
        if x1 - x0 < 8 or y1 - y0 < 8 or w < 8 or h < 8:
            return None
        scale = min(1.0, WORK_FACE_PX / w)
        sw, sh = max(4, round((x1 - x0) * scale)), max(4, round((y1 - y0) * scale))
        fx, fy = sw / (x1 - x0), sh / (y1 - y0)
        return _Region(x0, y0, x1, y1, (sw, sh), ((x - x0) * fx, (y - y0) * fy, w * fx, h * fy))


def _small(image: Image, region: _Region) -> Image:
    crop = image[region.slices]
    if region.small == region.size:
        return np.ascontiguousarray(crop)
    return _downscale(crop, region.small)


def _skin_weights(small: Image, face: tuple[float, float, float, float]) -> Mask:
    """0..1 skin weight of each pixel of ``small`` (a face region at work scale; ``face`` is the
    face box in it).

    The product of: the face's own skin chroma (median Cr/Cb of the cheeks and nose, so any skin
    tone and white balance) within a tolerance from their spread; a luma gate; a soft face ellipse.
    That product is blurred and pushed toward 0 or 1 (smoothstep), then blurred a little again: a
    blend through a patchy mask would leave the freckles and pores that fail the colour test (the
    blemishes) as they are, and keep half the texture where it is half on."""
    h, w = small.shape[:2]
    fx, fy, fw, fh = face
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)
    cheeks = ycc[int(fy + 0.5 * fh) : int(fy + 0.75 * fh) + 1, int(fx + 0.2 * fw) : int(fx + 0.8 * fw) + 1]
    cheeks = cheeks.reshape(-1, 3).astype(np.float32)
    if len(cheeks) == 0:
        return np.zeros((h, w), np.float32)
    ref = np.median(cheeks, axis=0)
    if not (SKIN_CR[0] <= ref[1] <= SKIN_CR[1] and SKIN_CB[0] <= ref[2] <= SKIN_CB[1]):
        return np.zeros((h, w), np.float32)  # not skin-coloured: a false detection, a mask, a hand
    spread = np.clip(1.4826 * np.median(np.abs(cheeks[:, 1:] - ref[1:]), axis=0), *CHROMA_SPREAD)
    planes = ycc.astype(np.float32)
    distance = np.sqrt(
        np.square((planes[..., 1] - ref[1]) / spread[0]) + np.square((planes[..., 2] - ref[2]) / spread[1])
    )
    weights = np.clip((CHROMA_OUT - distance) / (CHROMA_OUT - CHROMA_IN), 0.0, 1.0)
    weights *= np.clip((planes[..., 0] / max(ref[0], 1.0) - LUMA_OUT) / (LUMA_IN - LUMA_OUT), 0.0, 1.0)
    cx, cy, rx, up, down = ELLIPSE
    rows, cols = np.ogrid[0:h, 0:w]
    ex = (cols + 0.5 - (fx + cx * fw)) / (rx * fw)
    dy = rows + 0.5 - (fy + cy * fh)
    ey = dy / (np.where(dy < 0, up, down) * fh)
    weights *= np.clip((1.25 - np.sqrt(ex * ex + ey * ey)) / 0.35, 0.0, 1.0)  # 1 inside 0.9, 0 beyond 1.25
    weights = _f32(cv2.GaussianBlur(weights.astype(np.float32), (0, 0), 1.5))
    t = np.clip((weights - 0.3) / 0.3, 0.0, 1.0)
    return _f32(cv2.GaussianBlur(t * t * (3.0 - 2.0 * t), (0, 0), 0.8))


def skin_mask(image: Image, faces: Sequence[Box]) -> Mask:
    """The 0..1 skin mask the skin stages blend through, for the whole of ``image`` (H x W float32),
    given face boxes (e.g. :attr:`Beautify.faces`); zero away from faces. Where regions overlap the
    mask is the larger weight. (``process`` also fades a face's mask in and out.)"""
    height, width = image.shape[:2]
    mask = np.zeros((height, width), np.float32)
    for face in faces:
        region = _Region.of(face, width, height)
        if region is None:
            continue
        weights = _f32(cv2.resize(_skin_weights(_small(image, region), region.face), region.size))
        np.maximum(mask[region.slices], weights, out=mask[region.slices])
    return mask


def _guided_coefficients(small: Image, radius: int, strength: float) -> tuple[Mask, Mask]:
    """The self-guided filter's (a, b) at work scale, blended with the identity (a = 1, b = 0) by
    ``strength``: the filtered picture is ``a * in + b``."""
    p = small.astype(np.float32)
    window = (2 * radius + 1, 2 * radius + 1)
    mean = cv2.boxFilter(p, -1, window)
    variance = cv2.sqrBoxFilter(p, -1, window) - mean * mean
    a = variance / (variance + GUIDED_SIGMA * GUIDED_SIGMA)
    mean_a = _f32(cv2.boxFilter(a, -1, window))
    mean_b = _f32(cv2.boxFilter(mean - a * mean, -1, window))
    return _f32(strength * mean_a + (1.0 - strength)), _f32(strength * mean_b)


# --- the filter ------------------------------------------------------------------------------------


class Beautify:
    """The beautify filter (module docstring). ``process`` runs on one thread at a time (the program
    thread; concurrent calls are serialised); ``set_params`` may be called from any thread."""

    def __init__(self, params: BeautifyParams = DEFAULT_PARAMS) -> None:
        self._look = _Look.build(params, None)
        self._tracker = FaceTracker()
        self._shaper = FaceShaper()
        self._scratch = Scratch()
        self._faces: tuple[Box, ...] = ()
        self._lock = threading.Lock()
        self._params_lock = threading.Lock()

    @property
    def params(self) -> BeautifyParams:
        return self._look.params

    def set_params(self, params: BeautifyParams) -> None:
        """Use ``params`` from the next frame on. Reads the LUT file if it is new or changed; a bad
        file raises :class:`~pipeline.filters.lut.LutError` (a ``ValueError``) and keeps the old look."""
        if params.shape:
            model = self._shaper.model
            model.request()  # loads on a background thread; shaping fades in when it is ready
            if model.error is not None:
                raise ValueError(str(model.error))
        with self._params_lock:  # two setters must not both build from the same previous look
            self._look = _Look.build(params, self._look)

    @property
    def faces(self) -> tuple[Box, ...]:
        """Face boxes (x, y, w, h) in image coordinates as of the last frame: the confirmed,
        tracked faces the skin and shaping stages work on (empty while those stages are off)."""
        return self._faces

    @property
    def shaper(self) -> FaceShaper:
        """The face shaping stage (its landmark model and the landmarks of the last frame)."""
        return self._shaper

    def process(self, image: Image) -> Image:
        """The filtered picture: a new BGR uint8 array of ``image``'s shape (``image`` itself when
        every stage is off). ``image`` is only read."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an H x W x 3 uint8 BGR image, got {image.dtype} {image.shape}")
        look = self._look
        params = look.params
        if params.idle:
            self._reset_faces()
            return image
        with self._lock:
            return self._render(np.ascontiguousarray(image), look)

    def _reset_faces(self) -> None:
        with self._lock:
            self._tracker.reset()
            self._shaper.reset()
            self._faces = ()

    def _render(self, image: Image, look: _Look) -> Image:
        params = look.params
        if params.skin or params.shape:
            self._tracker.update(image)
            self._faces = self._tracker.faces
        else:
            self._tracker.reset()
            self._faces = ()
        if not params.shape:
            self._shaper.reset()
            return self._filter(image, look)
        # The landmark process predicts while this thread sharpens and smooths; the warp then moves
        # the smoothed, toned skin with the face.
        self._shaper.begin(image, self._tracker.shown)
        out = image
        try:
            out = self._filter(image, look)
        finally:
            if out is image:  # _filter raised: still give the landmark model back
                out = image.copy()
            self._shaper.finish(out, params.slimming, params.eyes)
        return out

    def _filter(self, image: Image, look: _Look) -> Image:
        """Sharpening, the skin stages and the look of one frame: a new array."""
        params = look.params
        out = np.empty_like(image)
        if params.sharpen > 0:
            blur = cv2.GaussianBlur(image, (3, 3), 0.0, dst=self._scratch.get("blur", image.shape, np.uint8))
            amount = SHARPEN_GAIN * params.sharpen
            cv2.addWeighted(image, 1.0 + amount, blur, -amount, 0.0, dst=out)
        else:
            np.copyto(out, image)
        if params.skin:
            for face, alpha in self._tracker.shown:
                self._skin(image, out, face, alpha, look)
        if look.lut is not None:
            look.lut.apply(out, out=out, scratch=self._scratch)
        return out

    def _skin(self, image: Image, out: Image, face: Box, alpha: float, look: _Look) -> None:
        """Blend the smoothed, toned skin of one face region of ``image`` into ``out``."""
        region = _Region.of(face, image.shape[1], image.shape[0])
        if region is None:
            return
        small = _small(image, region)
        weights = _skin_weights(small, region.face)
        if not weights.any():
            return
        params = look.params
        size = region.size
        original = image[region.slices]
        if params.smoothing > 0:
            radius = max(1, round(GUIDED_RADIUS * region.face[2] / WORK_FACE_PX))
            a, b = _guided_coefficients(small, radius, params.smoothing)
            if region.small != size:
                a = _f32(cv2.resize(a, size, interpolation=cv2.INTER_LINEAR))
                b = _f32(cv2.resize(b, size, interpolation=cv2.INTER_LINEAR))
            skin = _u8(cv2.convertScaleAbs(cv2.add(cv2.multiply(original.astype(np.float32), a), b)))
        else:
            skin = np.ascontiguousarray(original)
        if look.tone is not None:
            skin = _u8(cv2.LUT(skin, look.tone))
        mask = _f32(cv2.resize(weights, size, interpolation=cv2.INTER_LINEAR)) if region.small != size else weights
        if alpha < 1.0:
            mask = mask * np.float32(alpha)
        target = out[region.slices]
        target[...] = cv2.blendLinear(skin, np.ascontiguousarray(target), mask, 1.0 - mask)
