"""Face slimming and eye enlarging (pipeline/filters/face_shape.py) on a real face, astronaut().

Shapes are measured with the landmark model itself, run afresh on the output picture: the width of
the jaw (points 4 to 12, where the slimming pushes), the eyes' openings (lid to lid) and widths,
and the distance between the outer eye corners (which neither effect should move much).
"""

from __future__ import annotations

import time

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from skimage.data import astronaut

from pipeline.filters import face_shape
from pipeline.filters.beautify import Beautify, BeautifyParams
from pipeline.filters.face_shape import RAMP_FRAMES, FaceShaper, LandmarkModel

U8 = npt.NDArray[np.uint8]
FACE = (177, 67, 93, 93)
"""The astronaut's face as OpenCV's cascade finds it."""
SHAPE_ONLY = BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0)


@pytest.fixture(scope="module")
def photo() -> U8:
    image = np.ascontiguousarray(cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    image.flags.writeable = False
    return image


@pytest.fixture(scope="module")
def model() -> LandmarkModel:
    model = LandmarkModel.shared()
    assert model.wait(timeout=60), model.error
    return model


def landmarks(model: LandmarkModel, image: U8) -> npt.NDArray[np.float32]:
    grey = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    points = model.predict(grey, FACE)
    assert points is not None
    return points


def jaw(points: npt.NDArray[np.float32]) -> float:
    return float(np.hypot(*(points[12] - points[4])))


def eye_opening(points: npt.NDArray[np.float32]) -> float:
    """Mean lid-to-lid distance of both eyes."""
    pairs = ((37, 41), (38, 40), (43, 47), (44, 46))
    return float(np.mean([np.hypot(*(points[a] - points[b])) for a, b in pairs]))


def eye_width(points: npt.NDArray[np.float32]) -> float:
    return float(np.mean([np.hypot(*(points[39] - points[36])), np.hypot(*(points[45] - points[42]))]))


def eye_span(points: npt.NDArray[np.float32]) -> float:
    return float(np.hypot(*(points[45] - points[36])))


def shaped(photo: U8, slimming: float, eyes: float, frames: int = 12) -> U8:
    shaper = FaceShaper()
    out = photo
    for _ in range(frames):
        out = shaper.apply(photo, [(FACE, 1.0)], slimming, eyes)
    return out


def test_the_landmarks_sit_on_the_face(model: LandmarkModel, photo: U8) -> None:
    points = landmarks(model, photo)
    assert points.shape == (68, 2)
    x, y, w, h = FACE
    assert (points[:, 0] > x - 0.2 * w).all() and (points[:, 0] < x + 1.2 * w).all()
    assert (points[:, 1] > y).all() and (points[:, 1] < y + 1.3 * h).all()  # brows to chin
    assert points[36:48, 1].mean() < points[30, 1] < points[62, 1] < points[8, 1]  # eyes, nose, mouth, chin
    assert face_shape.plausible(points, FACE)


def test_slimming_narrows_the_jaw_and_leaves_the_eyes(model: LandmarkModel, photo: U8) -> None:
    before = landmarks(model, photo)
    after = landmarks(model, shaped(photo, 1.0, 0.0))
    narrower = 1 - jaw(after) / jaw(before)
    assert narrower >= 0.06, f"jaw {narrower:.1%} narrower"
    assert abs(eye_span(after) / eye_span(before) - 1) <= 0.02
    half = landmarks(model, shaped(photo, 0.5, 0.0))
    assert jaw(after) < jaw(half) < jaw(before)  # the strength is a dial, not a switch


def test_eye_enlarging_opens_the_eyes_and_leaves_the_jaw(model: LandmarkModel, photo: U8) -> None:
    before = landmarks(model, photo)
    after = landmarks(model, shaped(photo, 0.0, 1.0))
    assert eye_opening(after) / eye_opening(before) >= 1.12, (eye_opening(before), eye_opening(after))
    assert eye_width(after) / eye_width(before) >= 1.05
    assert abs(jaw(after) / jaw(before) - 1) <= 0.02


def test_shaping_touches_nothing_away_from_the_face(model: LandmarkModel, photo: U8) -> None:
    out = shaped(photo, 1.0, 1.0)
    changed = np.argwhere(np.any(out != photo, axis=2))
    assert len(changed) > 0
    x, y, w, h = FACE
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    assert left >= x - 0.5 * w and right <= x + 1.5 * w, (left, right)
    assert top >= y - 0.2 * h and bottom <= y + 1.6 * h, (top, bottom)


def test_shaping_fades_in_without_a_jump(model: LandmarkModel, photo: U8) -> None:
    shaper = FaceShaper()
    outs = [shaper.apply(photo, [(FACE, 1.0)], 1.0, 0.0) for _ in range(12)]
    total = np.abs(outs[-1].astype(np.int16) - photo).mean()
    steps = [np.abs(b.astype(np.int16) - a).mean() for a, b in zip([photo, *outs], outs, strict=False)]
    assert total > 0.5
    assert max(steps) <= 0.35 * total, (steps, total)


def test_beautify_shapes_the_tracked_face_and_rejects_bad_strengths(model: LandmarkModel, photo: U8) -> None:
    beautify = Beautify(BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, slimming=1.0))
    out = photo
    for _ in range(40):
        out = beautify.process(photo)
    assert len(beautify.shaper.landmarks) == 1
    assert 1 - jaw(landmarks(model, out)) / jaw(landmarks(model, photo)) >= 0.05
    beautify.set_params(SHAPE_ONLY)  # switched off: the next frame is the picture as it came
    assert beautify.process(photo) is photo
    for field in ("slimming", "eyes"):
        for bad in (-0.1, 1.5, float("nan"), True):
            with pytest.raises(ValueError, match=field):
                BeautifyParams(**{field: bad})  # type: ignore[arg-type]


def test_a_missing_model_is_a_clear_error_and_the_rest_still_runs(monkeypatch: pytest.MonkeyPatch, photo: U8) -> None:
    monkeypatch.setattr(face_shape, "MODEL_PACKAGE", "no_such_models_package")
    monkeypatch.setattr(LandmarkModel, "_shared", None)
    beautify = Beautify(BeautifyParams(sharpen=0.5, slimming=0.5))
    beautify.shaper.model.wait(timeout=10)
    assert beautify.shaper.model.error is not None
    out = beautify.process(photo)  # the stream goes on: sharpening still runs, shaping does nothing
    assert out.shape == photo.shape and not np.array_equal(out, photo)
    with pytest.raises(ValueError, match="face shaping needs the package no_such_models_package"):
        beautify.set_params(BeautifyParams(slimming=0.8))
    beautify.set_params(BeautifyParams(slimming=0.0))  # shaping off is always accepted


def test_loading_the_model_does_not_hold_up_the_other_threads() -> None:
    """dlib holds the GIL while it reads its 100 MB model (half a second here): the model loads in
    a process of its own, so a thread of ours (the program's render loop) keeps its pace."""
    model = LandmarkModel()
    try:
        model.request()
        gaps, last = [], time.perf_counter()
        while not model.wait(timeout=0.005) and model.error is None and len(gaps) < 20_000:
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        assert model.ready, model.error
        assert len(gaps) > 20 and max(gaps) < 0.2, f"{len(gaps)} ticks, longest {max(gaps, default=0):.3f} s"
    finally:
        model.close()


def test_a_crashed_landmark_process_pauses_shaping_and_is_started_again(
    monkeypatch: pytest.MonkeyPatch, photo: U8
) -> None:
    model = LandmarkModel()
    monkeypatch.setattr(LandmarkModel, "RESTART_AFTER", 0.5)
    try:
        assert model.wait(timeout=60), model.error
        shaper = FaceShaper(model)
        assert shaper.apply(photo, [(FACE, 1.0)], 1.0, 0.0) is not photo
        assert model._process is not None
        model._process.kill()  # the worker dies mid-show
        assert shaper.apply(photo, [(FACE, 1.0)], 1.0, 0.0) is photo  # no shaping, no exception
        assert not model.ready and model.error is None
        assert shaper.apply(photo, [(FACE, 1.0)], 1.0, 0.0) is photo  # not yet: it waits RESTART_AFTER
        time.sleep(0.6)
        model.request()
        assert model.wait(timeout=60)
        for _ in range(RAMP_FRAMES):
            out = shaper.apply(photo, [(FACE, 1.0)], 1.0, 0.0)
        assert out is not photo and 1 - jaw(landmarks(model, out)) / jaw(landmarks(model, photo)) >= 0.06
    finally:
        model.close()


def test_slimming_pulls_the_cheeks_across_and_never_drags_the_neck(model: LandmarkModel, photo: U8) -> None:
    """Both sides move toward each other along the face's left-right axis: below the chin, where the
    two pulls meet, they cancel (pulled toward the nose, they would add up and drag the collar up)."""
    points = landmarks(model, photo)
    width = float(np.hypot(*(points[16] - points[0])))
    circles = face_shape.warps(points, 1.0, 0.0)
    chin = points[8]
    below = np.arange(chin[1] + 2, chin[1] + 0.3 * width, dtype=np.float32)
    dx, dy = face_shape._displacement(circles, np.array([chin[0]], np.float32), below)
    assert np.abs(dy).max() < 0.05 * np.abs(dx).max() + 0.5, (dx.ravel(), dy.ravel())
    # Where the jaw is, the picture is read from further out: the cheek moves in by ~SLIM_MAX of the face.
    for jaw, sign in ((points[4], -1), (points[12], 1)):
        dx, dy = face_shape._displacement(circles, np.array([jaw[0]], np.float32), np.array([jaw[1]], np.float32))
        assert sign * dx[0, 0] >= 0.8 * face_shape.SLIM_MAX * width and abs(dy[0, 0]) < 0.3 * abs(dx[0, 0])
