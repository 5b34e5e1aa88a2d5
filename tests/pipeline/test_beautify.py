"""The beautify filter (pipeline/filters/beautify.py) on a real face, skimage.data.astronaut().

Texture is the mean absolute difference between the luma and its Gaussian blur (sigma 2), weighted
by the skin mask (:func:`skin_mask` with the faces the filter tracks): the fine detail of the skin,
pores, freckles and film grain, including the parts of eyes, lips and hairline the soft mask takes
in. The rest of the picture is compared by SSIM of the luma, averaged where the mask is below 0.05.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from skimage.data import astronaut
from skimage.metrics import structural_similarity

from pipeline.filters.beautify import Beautify, BeautifyParams, FaceTracker, skin_mask

U8 = npt.NDArray[np.uint8]
LUTS = Path(__file__).resolve().parents[2] / "assets" / "luts"
FACE = (177, 67, 93, 93)
"""The astronaut's face as OpenCV's cascade finds it on the full-resolution picture."""
SETTLE = 40
"""Frames of a still picture after which a face is confirmed and fully faded in."""
OFF = BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0)


def read_only(image: U8) -> U8:
    image = np.ascontiguousarray(image)
    image.flags.writeable = False
    return image


@pytest.fixture(scope="module")
def photo() -> U8:
    return read_only(cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))


@pytest.fixture(scope="module")
def settled(photo: U8) -> tuple[Beautify, U8]:
    """A filter at default strengths after SETTLE frames of the photo, and its last output."""
    beautify = Beautify()
    out = photo
    for _ in range(SETTLE):
        out = beautify.process(photo)
    return beautify, out


def luma(image: U8) -> npt.NDArray[np.float64]:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)


def texture(image: U8, mask: npt.NDArray[np.float32]) -> float:
    y = luma(image)
    detail = np.abs(y - cv2.GaussianBlur(y, (0, 0), 2.0))
    return float((detail * mask).sum() / mask.sum())


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def invert_cube(path: Path) -> Path:
    v = np.linspace(0.0, 1.0, 2)
    b, g, r = np.meshgrid(v, v, v, indexing="ij")
    rows = np.stack([1 - r, 1 - g, 1 - b], axis=-1).reshape(-1, 3)
    path.write_text("LUT_3D_SIZE 2\n" + "".join(f"{x} {y} {z}\n" for x, y, z in rows), encoding="utf-8")
    return path


# --- faces and quality ------------------------------------------------------------------------------


def test_finds_the_astronauts_face(settled: tuple[Beautify, U8]) -> None:
    beautify, _ = settled
    assert len(beautify.faces) == 1, beautify.faces
    face = beautify.faces[0]
    assert overlap(face, FACE) >= 0.5, face
    assert abs(face[0] + face[2] / 2 - 223.5) <= 12 and abs(face[1] + face[3] / 2 - 113.5) <= 12, face


def test_tracker_finds_the_face_on_a_moving_720p_frame(photo: U8) -> None:
    canvas = np.zeros((720, 1280, 3), np.uint8)
    canvas[:, 280:1000] = cv2.resize(photo, (720, 720), interpolation=cv2.INTER_CUBIC)
    tracker = FaceTracker()
    for n in range(45):
        shift = np.float32([[1, 0, 8 * np.sin(n / 6)], [0, 1, 4 * np.cos(n / 5)]])
        tracker.update(read_only(cv2.warpAffine(canvas, shift, (1280, 720))))
    assert len(tracker.faces) == 1, tracker.faces
    x, y, w, h = tracker.faces[0]
    expected = (280 + FACE[0] * 720 / 512, FACE[1] * 720 / 512, FACE[2] * 720 / 512)
    assert abs(x + w / 2 - (expected[0] + expected[2] / 2)) <= 20
    assert abs(y + h / 2 - (expected[1] + expected[2] / 2)) <= 20
    assert 0.8 <= w / expected[2] <= 1.35


def test_default_smoothing_removes_skin_texture(photo: U8, settled: tuple[Beautify, U8]) -> None:
    beautify, out = settled
    mask = skin_mask(photo, beautify.faces)
    assert mask.dtype == np.float32 and mask.shape == photo.shape[:2]
    assert mask.min() >= 0.0 and mask.max() <= 1.0
    assert (mask > 0.5).sum() > 0.5 * FACE[2] * FACE[3]  # most of the face is skin
    drop = 1 - texture(out, mask) / texture(photo, mask)
    assert drop >= 0.40, f"skin texture dropped {drop:.1%}"


def test_default_keeps_the_rest_of_the_picture(photo: U8, settled: tuple[Beautify, U8]) -> None:
    beautify, out = settled
    mask = skin_mask(photo, beautify.faces)
    _, similarity = structural_similarity(luma(photo), luma(out), full=True, data_range=255)
    outside = float(similarity[mask < 0.05].mean())
    assert outside >= 0.97, f"SSIM outside the skin {outside:.4f}"


def test_skin_mask_is_skin(photo: U8, settled: tuple[Beautify, U8]) -> None:
    beautify, _ = settled
    mask = skin_mask(photo, beautify.faces)
    assert mask[125, 200] > 0.95 and mask[125, 250] > 0.95  # cheeks
    assert mask[350, 100] == 0 and mask[100, 60] == 0  # the orange suit, the backdrop
    assert mask[480:, :].max() == 0  # far from the face
    assert not skin_mask(photo, ()).any()


def test_no_face_means_no_skin_stages(photo: U8) -> None:
    """The orange suit is skin-coloured; without a face nothing but the sharpening touches it."""
    suit = read_only(photo[300:, :])
    beautify = Beautify()
    for _ in range(SETTLE):
        out = beautify.process(suit)
    assert beautify.faces == ()
    sharpened = Beautify(BeautifyParams(smoothing=0, whitening=0, rosy=0)).process(suit)
    assert np.array_equal(out, sharpened)


def test_whitening_and_rosy_act_on_the_skin(photo: U8, settled: tuple[Beautify, U8]) -> None:
    beautify, _ = settled
    mask = skin_mask(photo, beautify.faces) > 0.9

    def skin_mean(params: BeautifyParams) -> npt.NDArray[np.float64]:
        filter_ = Beautify(params)
        for _ in range(SETTLE):
            out = filter_.process(photo)
        return np.asarray(out[mask].mean(axis=0), np.float64)  # B, G, R

    plain = skin_mean(BeautifyParams(smoothing=0.5, whitening=0, rosy=0, sharpen=0))
    white = skin_mean(BeautifyParams(smoothing=0.5, whitening=1, rosy=0, sharpen=0))
    rosy = skin_mean(BeautifyParams(smoothing=0.5, whitening=0, rosy=1, sharpen=0))
    assert (white - plain).min() > 5  # every channel brighter
    assert rosy[2] - plain[2] > 3 and rosy[1] < plain[1]  # redder, less green


def test_faces_fade_in_without_a_jump(photo: U8) -> None:
    beautify = Beautify()
    outputs = [beautify.process(photo).astype(np.int16) for _ in range(SETTLE)]
    total = np.abs(outputs[-1] - photo).mean()
    steps = [np.abs(b - a).mean() for a, b in itertools.pairwise(outputs)]
    assert max(steps) <= 0.25 * total, (max(steps), total)


# --- strengths and params ----------------------------------------------------------------------------


def test_zero_strengths_return_the_input(photo: U8) -> None:
    for params in (OFF, BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut="x.cube", lut_strength=0)):
        assert params.idle
    beautify = Beautify(OFF)
    for _ in range(3):
        out = beautify.process(photo)
        assert out is photo
    assert beautify.faces == ()


def test_lut_strength_zero_is_idle_even_with_a_look(tmp_path: Path, photo: U8) -> None:
    beautify = Beautify(
        BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=str(invert_cube(tmp_path / "i.cube")))
    )
    assert np.abs(beautify.process(photo).astype(np.int16) - (255 - photo.astype(np.int16))).max() <= 1
    beautify.set_params(
        BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=beautify.params.lut, lut_strength=0)
    )
    assert beautify.process(photo) is photo


@pytest.mark.parametrize("field", ["smoothing", "whitening", "rosy", "sharpen", "lut_strength"])
@pytest.mark.parametrize("value", [-0.01, 1.5, float("nan"), float("inf"), "0.5", True, None])
def test_params_are_validated(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"^BeautifyParams\.{field} must be"):
        BeautifyParams(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "   ", 3])
def test_lut_param_is_validated(value: object) -> None:
    with pytest.raises(ValueError, match=r"^BeautifyParams\.lut must be the path of a \.cube file or None"):
        BeautifyParams(lut=value)  # type: ignore[arg-type]


def test_bounds_are_allowed() -> None:
    BeautifyParams(smoothing=0, whitening=1, rosy=0.0, sharpen=1.0, lut_strength=0)


def test_bad_lut_raises_and_keeps_the_old_look(tmp_path: Path, photo: U8) -> None:
    good = invert_cube(tmp_path / "invert.cube")
    beautify = Beautify(BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=str(good)))
    before = beautify.process(photo)
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 2\n0 0 0\n0 zero 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{bad}:3: 'zero' is not a number"):
        beautify.set_params(BeautifyParams(lut=str(bad)))
    with pytest.raises(ValueError, match="cannot read the LUT file"):
        Beautify(BeautifyParams(lut=str(tmp_path / "missing.cube")))
    assert beautify.params.lut == str(good)
    assert np.array_equal(beautify.process(photo), before)


def test_a_changed_lut_file_is_read_again(tmp_path: Path, photo: U8) -> None:
    path = invert_cube(tmp_path / "look.cube")
    params = BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=str(path))
    beautify = Beautify(params)
    assert np.abs(beautify.process(photo).astype(np.int16) - (255 - photo.astype(np.int16))).max() <= 1
    path.write_text("LUT_3D_SIZE 2\n" + "".join(f"{r} {g} {b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1)))
    beautify.set_params(params)  # same params: the file's new size and time tell it changed
    assert np.abs(beautify.process(photo).astype(np.int16) - photo).max() <= 1


# --- threads and inputs ------------------------------------------------------------------------------


def test_set_params_while_processing(tmp_path: Path, photo: U8) -> None:
    """A UI thread moves sliders and switches looks (some files bad) while frames are processed:
    no exception, every output well-formed, and the last params show in the next frame."""
    frames = [read_only(np.roll(photo, (3 * n, -2 * n), axis=(0, 1))) for n in range(8)]
    looks = [None, *(str(LUTS / f"{name}.cube") for name in ("warm", "fresh", "milky"))]
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 2\n", encoding="utf-8")
    beautify = Beautify()
    stop = threading.Event()
    errors: list[BaseException] = []
    refused = 0

    def slide() -> None:
        nonlocal refused
        rng = np.random.default_rng(3)
        try:
            while not stop.is_set():
                strengths = rng.uniform(0, 1, 5).round(2)
                if rng.uniform() < 0.2:
                    strengths[:4] = 0  # sometimes everything off (idle)
                lut = looks[int(rng.integers(len(looks)))] if rng.uniform() < 0.9 else str(bad)
                params = BeautifyParams(*strengths[:4], lut=lut, lut_strength=float(strengths[4]))
                try:
                    beautify.set_params(params)
                except ValueError:
                    if lut != str(bad):
                        raise
                    refused += 1
        except BaseException as error:
            errors.append(error)

    slider = threading.Thread(target=slide, name="shopcast-test-slider", daemon=True)
    slider.start()
    try:
        for n in range(240):
            frame = frames[n % len(frames)]
            out = beautify.process(frame)
            assert out.shape == frame.shape and out.dtype == np.uint8 and out.flags.c_contiguous
            assert out is frame or not np.shares_memory(out, frame)
    finally:
        stop.set()
        slider.join(timeout=10)
    assert not slider.is_alive()
    assert not errors, errors
    assert refused > 0  # the bad file was tried, and refused each time
    beautify.set_params(
        BeautifyParams(smoothing=0, whitening=0, rosy=0, sharpen=0, lut=str(invert_cube(tmp_path / "i.cube")))
    )
    out = beautify.process(frames[0])
    assert np.abs(out.astype(np.int16) - (255 - frames[0].astype(np.int16))).max() <= 1


def test_process_never_writes_into_its_input(photo: U8) -> None:
    params = BeautifyParams(lut=str(LUTS / "warm.cube"))
    beautify = Beautify(params)
    original = photo.copy()
    view = read_only(photo)[:, ::-1]  # read-only and not C-contiguous
    for _ in range(SETTLE):
        for image in (photo, view):
            out = beautify.process(image)
            assert out.shape == image.shape and not np.shares_memory(out, photo)
    assert np.array_equal(photo, original)
    assert not photo.flags.writeable


def test_rejects_what_is_not_a_bgr_picture() -> None:
    beautify = Beautify()
    for bad in (np.zeros((4, 4), np.uint8), np.zeros((4, 4, 4), np.uint8), np.zeros((4, 4, 3), np.float32)):
        with pytest.raises(ValueError, match="expected an H x W x 3 uint8 BGR image"):
            beautify.process(bad)
