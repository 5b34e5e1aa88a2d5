"""The scene sources: each one's picture (shape, premultiplied alpha, content), problems instead of
exceptions, the camera surviving an unplug, a media file's sound, and screen capture of a real X
server (Xvfb)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from pipeline.compositor import STALE_SECONDS, GuestPicture
from pipeline.frames import Image
from pipeline.sources.base import FrameTime, VideoSource
from pipeline.sources.camera import CameraSource
from pipeline.sources.colour import ColourSource
from pipeline.sources.guest_tile import GuestTileSource
from pipeline.sources.image import ImageSource
from pipeline.sources.media_file import MediaFileSource, file_problem
from pipeline.sources.pictures import decode_image
from pipeline.sources.placeholder import draw_placeholder
from pipeline.sources.product_card import (
    CARD_BACKGROUND,
    COUNTDOWN_BOX,
    PRICE_BOX,
    STOCK_BOX,
    ProductCard,
    ProductCardSource,
    box_pixels,
    format_price,
)
from pipeline.sources.screen import ScreenSource
from pipeline.sources.slate import SlateSource
from pipeline.sources.slideshow import SlideshowSource
from pipeline.sources.text_source import TextSource
from tests.helpers.fakes import FakeDevices


def at(seconds: float, index: int = 0) -> FrameTime:
    return FrameTime(index, seconds, time.time())


def premultiplied(picture: Image) -> bool:
    """Every colour channel at most its alpha (the mark of premultiplied BGRA)."""
    return picture.ndim == 3 and picture.shape[2] == 4 and bool((picture[..., :3] <= picture[..., 3:4]).all())


def wait_for(condition: Callable[[], object], timeout: float = 5.0, step: float = 0.01) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if isinstance(value, np.ndarray) or value:
            return value
        time.sleep(step)
    return condition()


def first_picture(source: VideoSource, when: float = 0.0, timeout: float = 5.0) -> Image:
    picture = wait_for(lambda: source.read(at(when)), timeout)
    assert isinstance(picture, np.ndarray), f"{source.description} gave no picture"
    return picture


@contextlib.contextmanager
def started(source: VideoSource) -> Iterator[VideoSource]:
    source.start()
    try:
        yield source
    finally:
        source.stop()


def write_png(path: Path, bgra: Image) -> None:
    ok, data = cv2.imencode(".png", bgra)
    assert ok
    path.write_bytes(data.tobytes())


# --- placeholder and slate ---------------------------------------------------------------------------


def test_the_placeholder_is_a_dark_slate_with_the_words_in_any_script() -> None:
    plain = draw_placeholder(640, 360, "Camera 0", "")
    worded = draw_placeholder(640, 360, "摄像头 0", "摄像头 0 没有画面，正在重新连接…")
    assert plain.shape == worded.shape == (360, 640, 3) and plain.dtype == np.uint8
    assert np.median(plain) < 60, "a dark slate"
    assert (worded > 200).sum() > 500, "the title and message are drawn in light text"
    assert not np.array_equal(plain[240:], worded[240:]), "the message is drawn below the title"
    assert draw_placeholder(640, 360, "Camera 0", "") is plain, "drawn once, then kept"
    assert not plain.flags.writeable
    assert draw_placeholder(8, 8, "x", "y").shape == (8, 8, 3), "any size, even a tiny one"


def test_the_slate_is_drawn_once_with_its_title() -> None:
    slate = SlateSource(720, 1280, "马上回来", "稍后继续")
    with started(slate):
        picture = first_picture(slate)
        assert picture.shape == (1280, 720, 3)
        assert slate.read(at(0.1)) is None, "unchanged: the renderer keeps its copy"
    middle = picture[500:780]
    assert (middle.min(axis=2) > 230).sum() > 1000, "white title in the middle"
    assert picture[0, 0].tolist() != picture[-1, -1].tolist(), "a gradient"


# --- colour and text ---------------------------------------------------------------------------------


def test_a_colour_is_its_colour_opaque_or_premultiplied() -> None:
    opaque = ColourSource(64, 32, (255, 128, 0))
    picture = first_picture(opaque)
    assert picture.shape == (32, 64, 3) and (picture == (0, 128, 255)).all()
    assert opaque.read(at(1)) is None
    opaque.start()
    assert opaque.read(at(2)) is picture, "a restart hands the picture out again"
    half = first_picture(ColourSource(8, 8, (200, 100, 50), opacity=0.5))
    assert half.shape == (8, 8, 4) and premultiplied(half)
    assert half[0, 0].tolist() == [25, 50, 100, 128]


def test_the_text_source_draws_chinese_glyphs_premultiplied() -> None:
    chinese = first_picture(TextSource("全场包邮", size=48, rgb=(255, 255, 255), background=0))
    assert chinese.ndim == 3 and chinese.shape[2] == 4 and premultiplied(chinese)
    assert chinese.shape[1] > 4 * 40, "four full-width glyphs at 48 px"
    solid = chinese[..., 3] == 255
    assert solid.sum() > 400 and (chinese[solid][:, :3] >= 250).all(), "white strokes, fully covered"
    quan, chang = (first_picture(TextSource(c, size=48, background=0)) for c in "全场")
    h, w = min(quan.shape[0], chang.shape[0]), min(quan.shape[1], chang.shape[1])
    differ = np.abs(quan[:h, :w, 3].astype(int) - chang[:h, :w, 3]).mean()
    assert differ > 20, "real glyphs (missing ones are alike boxes)"
    two_lines = first_picture(TextSource("全场包邮\n七天无理由", size=48, background=0.5))
    assert two_lines.shape[0] > 1.6 * chinese.shape[0], "\\n starts a second line"
    assert (two_lines[16:-16, 16:-16, 3] >= 127).all(), "a half-opaque box behind the words"
    assert not TextSource("   ").present, "no words, nothing to draw"


# --- image -------------------------------------------------------------------------------------------


def test_an_image_keeps_its_alpha_premultiplied_from_a_non_ascii_path(tmp_path: Path) -> None:
    bgra = np.zeros((20, 30, 4), np.uint8)
    bgra[..., :3] = (0, 0, 255)  # red
    bgra[:, :15, 3] = 255  # left half opaque
    bgra[:, 15:, 3] = 64  # right half mostly clear
    path = tmp_path / "产品 图片.png"
    write_png(path, bgra)
    source = ImageSource(path)
    with started(source):
        picture = first_picture(source)
    assert picture.shape == (20, 30, 4) and premultiplied(picture)
    assert picture[0, 0].tolist() == [0, 0, 255, 255]
    assert picture[0, 20].tolist() == [0, 0, 64, 64], "colour scaled by alpha"
    jpeg = tmp_path / "photo.jpg"
    jpeg.write_bytes(cv2.imencode(".jpg", np.full((10, 10, 3), 200, np.uint8))[1].tobytes())
    assert decode_image(jpeg.read_bytes()).shape == (10, 10, 3), "no alpha: plain BGR"


def test_an_image_is_read_again_when_its_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    write_png(path, np.full((8, 8, 4), (255, 0, 0, 255), np.uint8))
    source = ImageSource(path, check_every=0.05)
    with started(source):
        assert first_picture(source)[0, 0].tolist() == [255, 0, 0]
        assert source.read(at(0.1)) is None
        write_png(path, np.full((8, 8, 4), (0, 255, 0, 255), np.uint8))
        newer = time.time() + 5  # a new mtime even on coarse-grained file systems
        os.utime(path, (newer, newer))
        assert first_picture(source, 0.2)[0, 0].tolist() == [0, 255, 0]
        assert source.loads == 2


def test_a_missing_or_broken_image_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    missing = ImageSource(tmp_path / "nope.png", check_every=0.05)
    with started(missing):
        missing.wait_loaded()
        assert missing.problem is not None and "nope.png" in missing.problem.en and "找不到" in missing.problem.zh
        assert missing.read(at(0)) is None
        write_png(tmp_path / "nope.png", np.full((4, 4, 4), 255, np.uint8))
        assert first_picture(missing).shape == (4, 4, 3)
        assert missing.problem is None, "the problem clears once the file is there"
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a picture")
    broken = ImageSource(junk)
    with started(broken):
        broken.wait_loaded()
        assert broken.problem is not None and "junk.png" in broken.problem.en
    unset = ImageSource("")
    assert unset.problem is not None and unset.problem.en == "No image file chosen"


# --- slideshow ---------------------------------------------------------------------------------------


def solid(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> Image:
    picture = np.zeros((size[1], size[0], 4), np.uint8)
    picture[...] = (*colour, 255)
    return picture


def test_the_slideshow_advances_at_its_interval_cross_fades_skips_bad_files_and_loops(tmp_path: Path) -> None:
    write_png(tmp_path / "a.png", solid((255, 0, 0), (40, 20)))
    (tmp_path / "b.png").write_bytes(b"broken")
    write_png(tmp_path / "c.png", solid((0, 255, 0)))
    write_png(tmp_path / "d.PNG", solid((0, 0, 255), (30, 40)))
    (tmp_path / "notes.txt").write_text("not a picture")
    show = SlideshowSource(tmp_path, 80, 60, interval=2.0, crossfade=1.0)
    with started(show):
        assert show.wait_ready()
        first = show.read(at(10.0))  # the program's media time, whatever it is
        assert first is not None and first.shape == (60, 80, 4) and premultiplied(first)
        assert first[30, 40].tolist() == [255, 0, 0, 255]
        assert first[2, 40].tolist() == [0, 0, 0, 0], "fitted inside, transparent above and below"
        assert show.read(at(11.0)) is None, "unchanged within the interval"
        wait_for(lambda: len(show._cache) == 2)  # the next one (c: b cannot be read) is decoded ahead
        start = show.read(at(12.0))
        assert start is not None and start[30, 40].tolist() == [255, 0, 0, 255], "the fade starts at a"
        half = show.read(at(12.5))
        assert half is not None and abs(int(half[30, 40, 0]) - 128) <= 2 and abs(int(half[30, 40, 1]) - 128) <= 2
        end = show.read(at(13.0))
        assert end is not None and end[30, 40].tolist() == [0, 255, 0, 255], "c after the fade"
        assert show.read(at(13.5)) is None
        assert show.paths[show.index or 0].name == "c.png"
        wait_for(lambda: 3 in show._cache)
        show.read(at(14.0))
        blue = show.read(at(15.0))
        assert blue is not None and blue[30, 40].tolist() == [0, 0, 255, 255] and show.index == 3
        wait_for(lambda: 0 in show._cache)
        show.read(at(16.0))
        again = show.read(at(17.0))
        assert again is not None and again[30, 40].tolist() == [255, 0, 0, 255] and show.index == 0, "loops"
        assert show.problem is None, "one bad file is skipped, not a problem"


def test_a_slideshow_with_nothing_readable_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"broken")
    (tmp_path / "b.jpg").write_bytes(b"broken too")
    broken = SlideshowSource(tmp_path, 80, 60)
    missing = SlideshowSource(tmp_path / "gone", 80, 60)
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    empty = SlideshowSource(empty_dir, 80, 60)
    with started(broken), started(missing), started(empty):
        for source, words in ((broken, "None of the 2"), (missing, "Folder not found"), (empty, "No pictures")):
            problem = wait_for(lambda source=source: source.problem)
            assert problem is not None and words in source.problem.en, source.description  # type: ignore[union-attr]
            assert source.read(at(0)) is None


# --- product card ------------------------------------------------------------------------------------


class Feed:
    def __init__(self, card: ProductCard | None = None) -> None:
        self.card = card
        self.calls = 0

    def __call__(self) -> ProductCard | None:
        self.calls += 1
        return self.card


def region(picture: Image, box: tuple[float, float, float, float]) -> Image:
    x0, y0, x1, y1 = box_pixels(box, picture.shape[1], picture.shape[0])
    return picture[y0:y1, x0:x1]


def red_pixels(area: Image) -> int:
    b, g, r = (area[..., i].astype(int) for i in range(3))
    return int(((r > 180) & (g < 90) & (b < 90)).sum())


def test_the_product_card_redraws_when_the_pin_changes_and_hides_without_one() -> None:
    photo = np.zeros((200, 300, 3), np.uint8)
    photo[:] = (40, 160, 60)
    feed = Feed(ProductCard("tee", "纯棉短袖T恤 男女同款 宽松百搭 夏季新款 透气吸汗", 5990, 12, photo))
    card = ProductCardSource(feed, 640, 240, "zh_CN", clock=lambda: 1000.0)
    card.refresh()
    assert card.present
    tee = card.read(at(0))
    assert tee is not None and tee.shape == (240, 640, 4) and premultiplied(tee)
    assert (tee[..., 3] == 0)[0, 0], "rounded corners: transparent outside"
    background = (tee[..., :3] == CARD_BACKGROUND).all(axis=2) & (tee[..., 3] == 255)
    assert background.mean() > 0.3, "the card's face is its known colour"
    assert red_pixels(region(tee, PRICE_BOX)) > 300, "the price in red"
    assert card.read(at(0.04)) is None and card.refresh() and card.renders == 1, "nothing changed: no redraw"
    feed.card = ProductCard("mug", "Ceramic mug", 3900, 0)
    card.refresh()
    mug = card.read(at(1))
    assert mug is not None and card.renders == 2
    assert not np.array_equal(region(tee, PRICE_BOX), region(mug, PRICE_BOX)), "¥59.90 → ¥39.00"
    assert red_pixels(region(mug, STOCK_BOX)) > 20, "已售罄 in red at 0 left"
    feed.card = None
    card.refresh()
    assert not card.present, "nothing pinned: the layer disappears"
    assert card.read(at(2)) is None
    assert format_price(5990) == "¥59.90" and format_price(5) == "¥0.05"


def test_the_flash_sale_countdown_ticks_each_second_then_counts_to_the_close() -> None:
    now = [1000.2]
    feed = Feed(ProductCard("tee", "Tee", 5990, 50, None, 990, 1010.0, 1130.0, 20))
    card = ProductCardSource(feed, 640, 240, "en", clock=lambda: now[0])
    card.refresh()
    opening = card.read(at(0))
    assert opening is not None
    now[0] = 1000.7  # the same second (9.3 s → "00:10")
    card.refresh()
    assert card.read(at(0.5)) is None and card.renders == 1
    now[0] = 1001.3  # 8.7 s → "00:09"
    wait = card.refresh()
    ticked = card.read(at(1.1))
    assert ticked is not None and card.renders == 2
    assert not np.array_equal(region(opening, COUNTDOWN_BOX), region(ticked, COUNTDOWN_BOX)), "the second changed"
    assert np.array_equal(region(opening, PRICE_BOX), region(ticked, PRICE_BOX)), "only the countdown moved"
    assert wait == 0.25
    now[0] = 1001.9  # the next tick is 0.1 s away: the thread looks again right after it
    assert card.refresh() == pytest.approx(0.105)
    now[0] = 1012.0  # open: counting to the close, flash stock
    card.refresh()
    closing = card.read(at(12))
    assert closing is not None and not np.array_equal(region(ticked, STOCK_BOX), region(closing, STOCK_BOX))
    now[0] = 1131.0  # over: the plain price again, no badge
    card.refresh()
    over = card.read(at(131))
    assert over is not None
    assert not np.array_equal(region(closing, PRICE_BOX), region(over, PRICE_BOX)), "¥9.90 → ¥59.90"
    assert red_pixels(region(over, COUNTDOWN_BOX)) == 0, "no badge after the sale"


def test_the_product_card_thread_reads_the_feed_and_stops() -> None:
    feed = Feed(ProductCard("tee", "Tee", 5990, 3))
    card = ProductCardSource(feed, 320, 120)
    with started(card):
        assert first_picture(card).shape == (120, 320, 4)
        time.sleep(0.6)
    assert 2 <= feed.calls <= 6, "a few times a second"


# --- co-host tile ------------------------------------------------------------------------------------


def test_a_guest_tile_shows_the_guest_with_a_label_or_connecting_and_hides_an_empty_slot() -> None:
    guests: dict[int, GuestPicture] = {}
    tile = GuestTileSource(guests.get, 1, language="zh_CN")
    assert tile.read(at(0)) is None and not tile.present
    face = np.full((360, 640, 3), (30, 160, 240), np.uint8)
    guests[1] = GuestPicture("g1", "小美", face, 0.1)
    live = tile.read(at(0.1))
    assert tile.present and live is not None and live.shape == (360, 640, 3)
    assert live[100, 320].tolist() == [30, 160, 240], "the guest's picture"
    band = live[-20:]
    assert band.max() > 200 and np.median(band) < 120, "a darkened band with the name in light text"
    assert tile.read(at(0.2)) is None, "the same picture: nothing new"
    guests[1] = GuestPicture("g1", "小美", face, STALE_SECONDS + 1)
    stale = tile.read(at(0.3))
    assert stale is not None and stale.shape == (360, 640, 3) and stale[100, 320].tolist() != [30, 160, 240]
    assert np.median(stale[:300]) < 60, "a dark tile while connecting"
    fixed = GuestTileSource(guests.get, 1, width=200, height=300)
    guests[1] = GuestPicture("g1", "May", face, 0.0)
    picture = fixed.read(at(0))
    assert picture is not None and picture.shape == (300, 200, 3), "cover-fit into a set size"
    del guests[1]
    assert tile.read(at(0.4)) is None and not tile.present


# --- camera ------------------------------------------------------------------------------------------


def test_an_unplugged_camera_is_a_problem_within_a_second_and_comes_back_when_replugged() -> None:
    devices = FakeDevices(cameras=1)
    camera = CameraSource(devices, 0, 640, 480, 30, wait_for_device=True)
    with started(camera):
        assert first_picture(camera).shape == (480, 640, 3) and camera.problem is None
        devices.unplug(0)
        pulled = time.monotonic()
        assert wait_for(lambda: camera.problem, timeout=3)
        assert time.monotonic() - pulled < 1.0, "noticed within a second"
        assert camera.problem is not None and "Camera 0 is not sending pictures" in camera.problem.en
        assert "摄像头 0" in camera.problem.zh
        assert devices.opened_cameras[0].closed, "the dead handle is closed"
        time.sleep(1.5)
        assert len(devices.opened_cameras) == 1, "not reopened while it is not listed"
        camera.read(at(0))  # drain
        devices.replug(0)
        back = time.monotonic()
        assert wait_for(lambda: camera.problem is None and camera.read(at(1)) is not None, timeout=4)
        assert time.monotonic() - back < 2.5, "reopened within about a second of being listed"
        assert camera.reconnects == 1 and len(devices.opened_cameras) == 2


def test_a_camera_missing_at_start_is_waited_for() -> None:
    devices = FakeDevices(cameras=1)
    devices.unplug(0)
    camera = CameraSource(devices, 0, 640, 480, 30, wait_for_device=True)
    with started(camera):
        assert camera.problem is not None and "not connected" in camera.problem.en
        assert camera.read(at(0)) is None
        devices.replug(0)
        assert first_picture(camera, timeout=4).shape == (480, 640, 3)
        assert camera.problem is None


def test_a_camera_whose_reads_raise_reconnects_too() -> None:
    devices = FakeDevices(cameras=1)
    camera = CameraSource(devices, 0, 640, 480, 30, wait_for_device=True)
    with started(camera):
        first_picture(camera)

        def broken() -> Image:
            raise OSError("device gone")

        devices.opened_cameras[0].read = broken  # type: ignore[method-assign]
        assert wait_for(lambda: camera.problem, timeout=1.0)
        assert wait_for(lambda: camera.problem is None and camera.reconnects == 1, timeout=4)


# --- media file with sound ---------------------------------------------------------------------------


def make_clip_with_tone(path: Path, seconds: float = 2.0, tone: float = 1000.0, rate: int = 44_100) -> None:
    """A moving box (x264) and a sine ``tone`` at ``rate`` Hz (AAC, stereo)."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        audio = container.add_stream("aac", rate=rate)
        audio.layout = "stereo"
        frames = int(seconds * 30)
        for i in range(frames):
            image = np.zeros((240, 320, 3), np.uint8)
            x = i * (320 - 40) // frames
            image[100:140, x : x + 40] = 255
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        n = 1024
        for k in range(int(seconds * rate) // n):
            t = (np.arange(n) + k * n) / rate
            wave = (0.5 * np.sin(2 * np.pi * tone * t)).astype(np.float32)
            block = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
            block.sample_rate, block.pts, block.time_base = rate, k * n, Fraction(1, rate)
            container.mux(audio.encode(block))
        container.mux(audio.encode(None))


def dominant(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


def test_a_media_file_plays_its_sound_resampled_beside_its_moving_picture(tmp_path: Path) -> None:
    clip = tmp_path / "ad.mp4"
    make_clip_with_tone(clip, seconds=1.0)
    source = MediaFileSource(clip, 320, 240, sample_rate=48_000, channels=2)
    assert source.audio is not None and source.audio.sample_rate == 48_000
    heard: list[np.ndarray] = []
    pictures: list[Image] = []
    with started(source):
        position = 0
        for n in range(75):  # 2.5 s of program at 30 fps: the 1 s clip loops
            picture = wait_for(lambda n=n: source.read(at(n / 30, n)), timeout=2) if n < 3 else source.read(at(n / 30))
            if isinstance(picture, np.ndarray):
                pictures.append(picture)
            block = source.audio.read(1600, position)
            position += 1600
            assert block.shape == (1600, 2) and block.dtype == np.float32
            heard.append(block)
            time.sleep(1 / 60)
    sound = np.concatenate(heard)[:, 0]
    loud = sound[np.abs(sound) > 0.05]
    assert loud.size > 48_000, "over a second of the tone came through"
    start = int(np.argmax(np.abs(sound) > 0.05))
    assert dominant(sound[start : start + 16384], 48_000) == pytest.approx(1000, abs=10), "resampled, same pitch"
    assert np.abs(sound).max() == pytest.approx(0.5, abs=0.08)
    assert len(pictures) > 30 and not np.array_equal(pictures[0], pictures[10]), "the picture moves"


def test_a_file_without_sound_has_no_audio_and_a_missing_one_is_a_problem(tmp_path: Path) -> None:
    from tests.pipeline.test_sources import make_clip

    silent = tmp_path / "silent.mp4"
    make_clip(silent, seconds=0.2)
    assert MediaFileSource(silent, 320, 240).audio is None
    assert file_problem(silent) is None
    problem = file_problem(tmp_path / "gone.mp4")
    assert problem is not None and "gone.mp4" in problem.en and "找不到" in problem.zh
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"no video here")
    assert file_problem(junk) is not None


# --- screen capture (Xvfb) ---------------------------------------------------------------------------


def free_display() -> int:
    for number in range(137, 400):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    number = free_display()
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "320x240x24", "-nolisten", "tcp", "-wr", "-noreset"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), timeout=10), "Xvfb did not start"
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fill_rectangle(display: str, rgb: int, x: int, y: int, w: int, h: int) -> None:
    """Paint a rectangle on the root window of ``display`` with Xlib (through ctypes)."""
    name = ctypes.util.find_library("X11")
    if name is None:
        pytest.skip("libX11 is not installed")
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XCreateGC.restype = ctypes.c_void_p
    x11.XCreateGC.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_void_p]
    x11.XSetForeground.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong]
    x11.XFillRectangle.argtypes = (
        [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p] + [ctypes.c_int] * 2 + [ctypes.c_uint] * 2
    )
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XFreeGC.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    assert connection, f"cannot open {display}"
    root = x11.XDefaultRootWindow(connection)
    gc = x11.XCreateGC(connection, root, 0, None)
    x11.XSetForeground(connection, gc, rgb)
    x11.XFillRectangle(connection, root, gc, x, y, w, h)
    x11.XSync(connection, 0)
    x11.XFreeGC(connection, gc)
    x11.XCloseDisplay(connection)


def test_screen_capture_grabs_an_area_of_the_display(xvfb: str) -> None:
    fill_rectangle(xvfb, 0xFF0000, 100, 50, 100, 60)  # red on the white root window
    screen = ScreenSource(xvfb, 60, 30, 160, 120, fps=10, cursor=False)
    with started(screen):
        picture = first_picture(screen, timeout=10)
        assert screen.problem is None
    assert picture.shape == (120, 160, 3)
    assert picture[50, 80].tolist() == [0, 0, 255], "the red rectangle, offset by the area's corner"
    assert picture[5, 5].tolist() == [255, 255, 255] and picture[110, 150].tolist() == [255, 255, 255]
    whole = ScreenSource(xvfb, fps=5, cursor=False)
    with started(whole):
        assert first_picture(whole, timeout=10).shape == (240, 320, 3), "0 x 0: the whole screen"


def test_screen_capture_without_a_display_is_a_problem() -> None:
    gone = ScreenSource(f":{free_display()}")
    with started(gone):
        assert wait_for(lambda: gone.problem, timeout=5)
        assert gone.read(at(0)) is None
    assert gone.problem is not None and "Cannot capture the screen" in gone.problem.en
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DISPLAY", raising=False)
        unset = ScreenSource()
        assert unset.problem is not None and "DISPLAY is not set" in unset.problem.en
