""".cube 3D LUTs (pipeline/filters/lut.py): reading, refusing bad files with file:line, and the fast
curves + BGR565-residual application measured against exact trilinear interpolation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from skimage.data import astronaut

from pipeline.filters.lut import LutError, Scratch, compile_lut, parse_cube, read_cube, sample

LUTS = Path(__file__).resolve().parents[2] / "assets" / "luts"
F = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
Look = Callable[[F, F, F], tuple[object, ...]]


def cube_text(look: Look, size: int = 17, header: str = "") -> str:
    """A .cube file of ``look`` (r, g, b in 0..1 -> R, G, B) on a size^3 lattice, red fastest."""
    v = np.linspace(0.0, 1.0, size)
    b, g, r = np.meshgrid(v, v, v, indexing="ij")
    rows = np.stack(np.broadcast_arrays(*look(r, g, b)), axis=-1).reshape(-1, 3)
    lines = [f"LUT_3D_SIZE {size}", *([header] if header else [])]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in rows]
    return "\n".join(lines) + "\n"


def identity(r: F, g: F, b: F) -> tuple[object, ...]:
    return r, g, b


def invert(r: F, g: F, b: F) -> tuple[object, ...]:
    return 1 - r, 1 - g, 1 - b


def mono(r: F, g: F, b: F) -> tuple[object, ...]:
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return y, y, y


def swap(r: F, g: F, b: F) -> tuple[object, ...]:
    return b, g, r


def swap_hard(r: F, g: F, b: F) -> tuple[object, ...]:
    """Red and blue swapped with more contrast: residuals beyond ±127, the half-precision table."""
    return np.clip(1.5 * b - 0.25, 0, 1), g, np.clip(1.5 * r - 0.25, 0, 1)


@pytest.fixture(scope="module")
def pictures() -> list[U8]:
    """A real photo and uniform noise (every colour, no spatial coherence)."""
    photo = np.ascontiguousarray(cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    noise = np.random.default_rng(7).integers(0, 256, (256, 384, 3), dtype=np.uint8)
    for picture in (photo, noise):
        picture.flags.writeable = False
    return [photo, noise]


def error(picture: U8, out: U8, expected: npt.ArrayLike) -> F:
    assert out.shape == picture.shape and out.dtype == np.uint8
    return np.abs(out.astype(np.float64) - np.asarray(expected, np.float64))


@pytest.mark.parametrize("size", [2, 17, 33])
def test_identity_returns_the_input(pictures: list[U8], size: int) -> None:
    look = compile_lut(parse_cube(cube_text(identity, size)))
    assert look.residual is None  # separable: curves only
    for picture in pictures:
        assert error(picture, look.apply(picture), picture).max() <= 1


def test_invert_inverts(pictures: list[U8]) -> None:
    look = compile_lut(parse_cube(cube_text(invert)))
    for picture in pictures:
        assert error(picture, look.apply(picture), 255 - picture.astype(np.int16)).max() <= 1


def test_strength_blends_the_look(pictures: list[U8]) -> None:
    lut = parse_cube(cube_text(invert))
    for picture in pictures:
        assert error(picture, compile_lut(lut, 0.5).apply(picture), np.full(picture.shape, 127.5)).max() <= 1
        assert error(picture, compile_lut(lut, 0.0).apply(picture), picture).max() == 0
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        compile_lut(lut, 1.5)


@pytest.mark.parametrize(
    ("look", "scale", "max_error", "mean_error"), [(mono, 1, 4, 1.2), (swap, 1, 5, 2.0), (swap_hard, 2, 7, 2.0)]
)
def test_channel_mixing_looks_match_trilinear_interpolation(
    pictures: list[U8], look: Look, scale: int, max_error: float, mean_error: float
) -> None:
    lut = parse_cube(cube_text(look))
    compiled = compile_lut(lut)
    assert compiled.residual is not None and compiled.residual_scale == scale
    for picture in pictures:
        diff = error(picture, compiled.apply(picture), sample(lut, picture))
        assert diff.max() <= max_error, look.__name__
        assert diff.mean() <= mean_error, look.__name__


def test_sample_is_exact_on_the_lattice() -> None:
    lut = parse_cube(cube_text(mono, 5))
    lattice = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]], np.float64)
    y = 0.299 * lattice[:, 2] + 0.587 * lattice[:, 1] + 0.114 * lattice[:, 0]
    assert np.allclose(sample(lut, lattice), np.stack([y, y, y], axis=-1), atol=1e-3)


def test_apply_in_place_and_with_scratch(pictures: list[U8]) -> None:
    look = compile_lut(parse_cube(cube_text(mono)))
    scratch = Scratch()
    for picture in pictures:
        expected = look.apply(picture)
        again = look.apply(picture, scratch=scratch)
        target = picture.copy()
        same = look.apply(target, out=target, scratch=scratch)
        assert same is target
        assert np.array_equal(again, expected) and np.array_equal(target, expected)


def test_header_variants_are_read(tmp_path: Path) -> None:
    text = cube_text(identity, 3, header="LUT_3D_INPUT_RANGE 0.0 1.0")
    text = (
        '\ufeff# made by hand\nTITLE "My look"\n\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1.0 1.0 1.0\nLUT_IN_VIDEO_RANGE\n'
        + text.replace("\n", "\r\n")
    )
    path = tmp_path / "variants.cube"
    path.write_text(text, encoding="utf-8", newline="")
    lut = read_cube(path)
    assert lut.title == "My look" and lut.size == 3 and lut.source == str(path)
    assert lut.table.shape == (3, 3, 3, 3) and not lut.table.flags.writeable
    # table[b, g, r] holds (B, G, R): at r = 1, g = 0, b = 0.5 the output is (0.5, 0, 1).
    assert np.allclose(lut.table[1, 0, 2], [0.5, 0.0, 1.0])


def test_values_outside_0_1_are_clamped() -> None:
    lut = parse_cube("LUT_3D_SIZE 2\n" + "1.2 -0.1 0.5\n" * 8)
    assert np.allclose(lut.table[0, 0, 0], [0.5, 0.0, 1.0])


GOOD_HEADER = "LUT_3D_SIZE 2\n"
GOOD_ROWS = "0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD_ROWS, 1, "before LUT_3D_SIZE"),
        ('TITLE "x"\n# nothing else\n', 2, "no LUT_3D_SIZE"),
        (GOOD_HEADER + GOOD_ROWS.replace("1 1 1\n", ""), 8, "7 table rows, LUT_3D_SIZE 2 needs 8"),
        (GOOD_HEADER + GOOD_ROWS + "0.5 0.5 0.5\n", 10, "more than 2^3 = 8 table rows"),
        (GOOD_HEADER + GOOD_ROWS.replace("0 1 1", "0 one 1"), 8, "'one' is not a number"),
        (GOOD_HEADER + GOOD_ROWS.replace("0 1 1", "0 1,0 1"), 8, "'1,0' is not a number"),
        (GOOD_HEADER + GOOD_ROWS.replace("0 1 1", "0 nan 1"), 8, "not a finite number"),
        (GOOD_HEADER + GOOD_ROWS.replace("0 1 1", "0 1"), 8, "needs 3 numbers, found 2"),
        (GOOD_HEADER + GOOD_ROWS.replace("0 1 1", "0 1 1 1"), 8, "needs 3 numbers, found 4"),
        ("LUT_3D_SIZE 1\n0 0 0\n", 1, "LUT_3D_SIZE 1 is outside 2..129"),
        ("LUT_3D_SIZE 300\n", 1, "LUT_3D_SIZE 300 is outside 2..129"),
        ("LUT_3D_SIZE 17.5\n", 1, "needs one whole number"),
        ("LUT_3D_SIZE\n", 1, "needs one whole number"),
        ("DOMAIN_MIN -0.1 0 0\n" + GOOD_HEADER + GOOD_ROWS, 1, "only the domain 0..1"),
        (GOOD_HEADER + "DOMAIN_MAX 1 1 2\n" + GOOD_ROWS, 2, "only the domain 0..1"),
        (GOOD_HEADER + "DOMAIN_MAX 1 1\n" + GOOD_ROWS, 2, "needs 3 numbers"),
        ("LUT_3D_INPUT_RANGE 0 4095\n" + GOOD_HEADER + GOOD_ROWS, 1, "only the range 0 1"),
        ("LUT_1D_SIZE 1024\n", 1, "1D LUTs are not supported"),
        (GOOD_HEADER + "0 0 0\nDOMAIN_MIN 0 0 0\n" + GOOD_ROWS[6:], 3, "keyword DOMAIN_MIN after the table rows"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad look.cube"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:  # the message is checked below
        read_cube(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message, message
    assert isinstance(caught.value, LutError) and caught.value.line == line and caught.value.source == str(path)


def test_unreadable_file_is_a_lut_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.cube"
    with pytest.raises(ValueError, match=r"missing\.cube: cannot read the LUT file") as caught:
        read_cube(missing)
    assert isinstance(caught.value, LutError) and caught.value.line is None
    with pytest.raises(LutError, match="cannot read"):
        read_cube(tmp_path)  # a folder


@pytest.mark.parametrize("name", ["warm", "fresh", "milky"])
def test_shipped_looks_parse_and_apply(pictures: list[U8], name: str) -> None:
    path = LUTS / f"{name}.cube"
    lut = read_cube(path)
    assert lut.size == 17 and lut.title == f"ShopCast {name}"
    look = compile_lut(lut)
    photo = pictures[0]
    out = look.apply(photo)
    diff = error(photo, out, sample(lut, photo))
    assert diff.max() <= 3 and diff.mean() <= 0.5
    assert np.abs(out.astype(np.int16) - photo).mean() > 3  # a visible look, not the identity


def test_shipped_looks_are_the_only_cube_files() -> None:
    assert sorted(p.name for p in LUTS.glob("*.cube")) == ["fresh.cube", "milky.cube", "warm.cube"]
