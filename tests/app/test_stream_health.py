"""Stream health: OBS's thresholds over a sliding window, and the verdict naming the bottleneck."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from app.stream_health import HealthReport, HealthTracker, InputStatus, fps_level
from pipeline.broadcast import BroadcastStats, RungStats
from pipeline.outputs.base import OutputStats
from pipeline.program import ProgramStats

FPS = 30


@dataclass
class Feed:
    """Drives a HealthTracker one second at a time with counters that add up like the real ones."""

    cpu_per_second: float = 0.5
    cores: int = 4
    now: float = 0.0
    cpu: float = 0.0
    rendered: int = 0
    lagged: int = 0
    frames_in: int = 0
    skipped: int = 0
    outputs: dict[str, OutputStats] = field(default_factory=lambda: {"relay": OutputStats("relay", "ok")})
    tracker: HealthTracker = field(init=False)

    def __post_init__(self) -> None:
        self.tracker = HealthTracker(FPS, clock=lambda: self.now, cpu_seconds=lambda: self.cpu, cpu_count=self.cores)

    def second(
        self,
        *,
        fps: float = FPS,
        render_ms: float = 5.0,
        lagged: int = 0,
        skipped: int = 0,
        encode_ms: tuple[float, float, float] = (8.0, 5.0, 3.0),
        live: bool = True,
        sent: int = 12,
        dropped: int = 0,
        stream_id: str = "s1",
        **outputs: OutputStats,
    ) -> HealthReport:
        self.now += 1.0
        self.cpu += self.cpu_per_second
        self.rendered += round(fps)
        self.lagged += lagged
        program = ProgramStats(self.rendered, self.lagged, render_ms, fps, 0)
        if not live:
            return self.tracker.update(program, None)
        self.frames_in += round(fps)
        self.skipped += skipped
        for name, previous in {**outputs, **self.outputs}.items():
            # Given: as given; otherwise a plain second for this output: it sends (and maybe drops) files.
            self.outputs[name] = outputs.get(name) or replace(
                previous, sent_files=previous.sent_files + sent, dropped_files=previous.dropped_files + dropped
            )
        rungs = tuple(
            RungStats(name, w, h, self.frames_in, kbps, ms, 0)
            for (name, w, h, kbps), ms in zip(
                (("720p", 1280, 720, 2500.0), ("480p", 854, 480, 1200.0), ("360p", 640, 360, 700.0)),
                encode_ms,
                strict=True,
            )
        )
        broadcast = BroadcastStats(
            stream_id, self.now, self.frames_in, self.skipped, rungs, 128.0, 0, tuple(self.outputs.values())
        )
        return self.tracker.update(program, broadcast)


def test_a_healthy_stream_is_all_good_with_every_row_in_units() -> None:
    feed = Feed()
    report = feed.second()
    report = feed.second()
    assert report.overloaded is None and report.verdict == "All good"
    assert report.level == "ok"
    assert report.keys() == [
        "fps",
        "render_time",
        "frames_missed",
        "frames_skipped",
        "encode_time:720p",
        "encode_time:480p",
        "encode_time:360p",
        "bitrate:720p",
        "bitrate:480p",
        "bitrate:360p",
        "audio_bitrate",
        "output:relay",
        "output_queue:relay",
        "output_dropped:relay",
        "cpu",
    ]
    assert report.row("fps").value == "30.0 / 30 fps"
    assert report.row("render_time").value == "5.0 ms"
    assert report.row("frames_skipped").value == "0 / 30 (0.0 %)"
    assert report.row("encode_time", "720p").value == "8.0 ms"
    assert report.row("bitrate", "480p").value == "1200 kb/s"
    assert report.row("audio_bitrate").value == "128 kb/s"
    assert report.row("output", "relay").value == "OK"
    assert report.row("output_queue", "relay").value == "0 files (0 B)"
    assert report.row("cpu").value == "12 %"  # 0.5 s of CPU a second on 4 cores
    assert report.row("encode_time", "720p").label == "Encode time, 720p"


def test_not_live_shows_program_rows_only() -> None:
    feed = Feed()
    feed.second(live=False)
    report = feed.second(live=False)
    assert not report.live
    assert report.keys() == ["fps", "render_time", "frames_missed", "cpu"]


def test_the_first_report_has_no_cpu_figure_yet() -> None:
    report = Feed().second()
    assert report.row("cpu").value == "—" and report.row("cpu").level == "ok"


# --- frame rate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fps", "level"), [(30.0, "ok"), (28.5, "ok"), (28.4, "warning"), (24.0, "warning"), (23.9, "error")]
)
def test_frame_rate_warns_below_95_percent_and_errs_below_80(fps: float, level: str) -> None:
    assert fps_level(fps, FPS) == level
    report = Feed().second(fps=fps)
    assert report.row("fps").level == level
    if level != "ok":
        assert report.overloaded is not None and report.overloaded.code == "rendering.fps"
        assert report.overloaded.detail == f"{fps:.1f} fps instead of 30"


# --- rendering -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ms", "level"), [(26.0, "ok"), (27.0, "warning"), (33.3, "warning"), (33.4, "error")])
def test_render_time_against_the_frame_budget(ms: float, level: str) -> None:
    report = Feed().second(render_ms=ms)
    assert report.row("render_time").level == level
    if level == "error":
        assert report.verdict == f"Rendering is overloaded: a frame takes {ms:.1f} ms to render (budget 33.3 ms)"
    elif level == "warning":
        assert report.verdict.startswith("Rendering is struggling: a frame takes")


def test_frames_missed_due_to_rendering_lag_over_the_last_ten_seconds() -> None:
    feed = Feed()
    for _ in range(60):
        report = feed.second()
    assert report.row("frames_missed").level == "ok"
    # 1 tick missed a second: 1 of 31 ticks, 3.2 %.
    for _ in range(10):
        report = feed.second(fps=30, lagged=1)
    row = report.row("frames_missed")
    assert row.value == "10 / 310 (3.2 %)" and row.level == "warning"
    assert report.overloaded is not None
    assert report.verdict == "Rendering is struggling: 3.2 % of frames missed in the last 10 s"
    for _ in range(10):
        report = feed.second(fps=24, lagged=6)
    assert report.row("frames_missed").level == "error"
    assert report.verdict.startswith("Rendering is overloaded")
    for _ in range(10):
        report = feed.second()
    assert report.row("frames_missed").value == "0 / 300 (0.0 %)", "the window forgets what is older than 10 s"


# --- encoding --------------------------------------------------------------------------------------


def test_three_percent_skipped_in_the_last_ten_seconds_warns_after_a_clean_minute() -> None:
    feed = Feed()
    for _ in range(60):
        report = feed.second()
    assert report.row("frames_skipped").value == "0 / 300 (0.0 %)"
    for _ in range(10):
        report = feed.second(skipped=1)  # 1 of 30 a second: 3.3 %; since the start it is only 10 of 2100
    row = report.row("frames_skipped")
    assert row.value == "10 / 300 (3.3 %)"
    assert row.level == "warning"
    assert report.overloaded is not None and report.overloaded.code == "encoding.skipped"
    assert report.verdict == "Encoding is struggling: 3.3 % of frames skipped in the last 10 s"


@pytest.mark.parametrize(("skipped", "level"), [(0, "ok"), (3, "ok"), (4, "warning"), (15, "warning"), (16, "error")])
def test_skipped_frames_thresholds(skipped: int, level: str) -> None:
    feed = Feed()
    for _ in range(10):
        feed.second()
    report = feed.second(skipped=skipped)  # the window: the last 10 s, 300 frames
    # in 300 frames: 3 = 1.0 % (not above), 4 = 1.3 %, 15 = 5.0 % (not above), 16 = 5.3 %
    assert report.row("frames_skipped").level == level


def test_a_slow_rung_is_named() -> None:
    report = Feed().second(encode_ms=(41.0, 20.0, 12.0))
    assert report.row("encode_time", "720p").level == "error"
    assert report.row("encode_time", "480p").level == "ok"
    assert report.overloaded is not None and report.overloaded.subject == "720p"
    assert report.verdict == "Encoding is overloaded: the 720p rung takes 41.0 ms a frame (budget 33.3 ms)"


def test_the_slowest_of_two_slow_rungs_is_named_and_near_budget_warns() -> None:
    report = Feed().second(encode_ms=(28.0, 30.0, 12.0))
    assert report.row("encode_time", "720p").level == "warning"
    assert report.verdict == "Encoding is struggling: the 480p rung takes 30.0 ms a frame (budget 33.3 ms)"


def test_encoding_is_blamed_before_rendering_it_slows_down() -> None:
    # A slow encoder holds the render thread at keyframes: both show, encoding is the cause.
    report = Feed().second(render_ms=40.0, encode_ms=(45.0, 20.0, 12.0))
    assert report.row("render_time").level == "error"
    assert report.overloaded is not None and report.overloaded.stage == "encoding"


# --- network ---------------------------------------------------------------------------------------


def test_an_output_retrying_shows_the_reconnect_countdown() -> None:
    feed = Feed()
    feed.second()
    retrying = OutputStats("relay", "retrying", retries=3, last_error="cannot reach", retry_in=3.2)
    report = feed.second(relay=retrying)
    row = report.row("output", "relay")
    assert row.value == "Reconnecting in 4 s" and row.level == "warning"
    assert (row.code, row.args) == ("output.retrying", ("4",))
    assert report.verdict == "The network is struggling: relay cannot deliver, reconnecting in 4 s"
    report = feed.second(relay=replace(retrying, retry_in=0.0))
    assert report.row("output", "relay").value == "Reconnecting…"


def test_a_failed_output_is_an_error_with_its_reason() -> None:
    feed = Feed()
    failed = OutputStats("relay", "failed", last_error="HTTP 401 wrong stream key")
    report = feed.second(relay=failed, encode_ms=(30.0, 5.0, 3.0))
    row = report.row("output", "relay")
    assert row.level == "error" and row.value == "Failed: HTTP 401 wrong stream key"
    assert report.verdict == "The network is failing: relay stopped: HTTP 401 wrong stream key", (
        "an error outranks an encoding warning"
    )


def test_a_relay_refusing_for_a_full_disk_is_an_error_that_says_so() -> None:
    feed = Feed()
    feed.second()
    full = OutputStats(
        "relay", "retrying", queued_files=40, queued_bytes=900_000, last_status=507, retry_in=0.5,
        last_error="seg_000004.m4s: HTTP 507 the relay's disk is below its free-space floor (1 bytes)",
    )  # fmt: skip
    report = feed.second(relay=full)
    row = report.row("output", "relay")
    assert (row.value, row.level, row.code) == ("Refused: the relay's disk is full", "error", "output.storage_full")
    assert report.verdict == (
        "The relay refuses the stream: relay's disk is full: it refuses the stream, which waits here and is retried"
    )
    assert report.overloaded is not None and report.overloaded.code == "relay.storage_full"
    report = feed.second(relay=replace(full, last_status=503))  # a proxy's upstream down: just reconnecting
    assert report.row("output", "relay").code == "output.retrying"


def test_a_recording_whose_disk_fails_blames_the_disk_not_the_network() -> None:
    feed = Feed()
    feed.second()
    error = "recording to /r/shopcast.mp4 failed: the disk is full (No space left on device)"
    failed = OutputStats("recording", "failed", dropped_files=5, last_error=error, medium="disk")
    report = feed.second(recording=failed)
    assert report.row("output", "recording").level == "error"
    assert (
        report.verdict == f"Writing to this computer's disk failed: recording stopped: {error}; the live stream goes on"
    )
    assert report.row("output", "relay").level == "ok"


def test_a_lost_microphone_or_camera_on_air_warns_and_one_off_air_is_only_shown() -> None:
    feed = Feed()
    program = ProgramStats(30, 0, 5.0, 30.0, 0)
    fine = (InputStatus("microphone", "microphone", False), InputStatus("camera", "Host camera", False))
    report = feed.tracker.update(program, None, inputs=fine)
    assert [(r.id, r.value, r.level) for r in report.rows if r.key == "input"] == [
        ("input:microphone", "OK", "ok"),
        ("input:Host camera", "OK", "ok"),
    ]
    assert report.row("input", "microphone").label == "Input microphone"
    lost = (InputStatus("microphone", "microphone", True), InputStatus("camera", "Host camera", False))
    report = feed.tracker.update(program, None, inputs=lost)
    row = report.row("input", "microphone")
    assert (row.value, row.level) == ("No sound: sending silence", "warning")
    assert (
        report.verdict == "An input is lost: the microphone sends no sound: the stream carries silence until it is back"
    )
    off_air = (InputStatus("camera", "Close-up camera", True, on_air=False),)
    report = feed.tracker.update(program, None, inputs=off_air)
    assert report.row("input", "Close-up camera").value == "No picture: placeholder shown"
    assert report.row("input", "Close-up camera").level == "ok" and report.overloaded is None
    on_air = (InputStatus("camera", "Host camera", True),)
    assert feed.tracker.update(program, None, inputs=on_air).verdict == (
        "An input is lost: Host camera sends no picture: viewers see its placeholder until it is back"
    )


def test_dropped_files_over_the_window() -> None:
    feed = Feed()
    for _ in range(30):
        feed.second()
    for _ in range(10):
        report = feed.second(sent=11, dropped=1)  # 1 of 12 a second: 8.3 %
    row = report.row("output_dropped", "relay")
    assert row.value == "10 / 120 (8.3 %)" and row.level == "error"
    assert report.verdict == "The network is failing: relay dropped 8.3 % of its files in the last 10 s"
    for _ in range(10):
        report = feed.second()
    assert report.row("output_dropped", "relay").level == "ok"


def test_a_growing_queue_warns_and_a_long_one_is_an_error() -> None:
    feed = Feed()
    feed.second()
    # The stream is 2500 + 1200 + 700 + 128 kb/s = 4528 kb/s, about 566 kB a second.
    queued = 0
    for n in range(4):
        queued += 400_000
        report = feed.second(relay=OutputStats("relay", "ok", queued_files=10 * (n + 1), queued_bytes=queued))
    row = report.row("output_queue", "relay")
    assert row.value == "40 files (1.6 MB)" and row.level == "warning"  # ~2.8 s of stream, growing
    assert report.verdict == "The network is struggling: relay cannot keep up: 1.6 MB waiting to be sent"
    for _ in range(12):  # the same backlog, no longer growing: fine
        report = feed.second(relay=OutputStats("relay", "ok", queued_files=40, queued_bytes=queued))
    assert report.row("output_queue", "relay").level == "ok"
    report = feed.second(relay=OutputStats("relay", "ok", queued_files=300, queued_bytes=6_000_000))
    assert report.row("output_queue", "relay").level == "error"  # > 10 s of stream


def test_a_new_broadcast_starts_a_new_window() -> None:
    feed = Feed()
    for _ in range(5):
        report = feed.second(skipped=10)
    assert report.row("frames_skipped").level == "error"
    feed.second(live=False)
    feed.frames_in = feed.skipped = 0
    report = feed.second(stream_id="s2")
    assert report.row("frames_skipped").value == "0 / 0 (0.0 %)"
    report = feed.second(stream_id="s2")
    assert report.row("frames_skipped").value == "0 / 30 (0.0 %)"


# --- CPU -------------------------------------------------------------------------------------------


def test_cpu_share_of_all_cores_warns_above_90_percent() -> None:
    feed = Feed(cpu_per_second=3.7, cores=4)  # 92.5 %
    feed.second()
    report = feed.second()
    assert report.row("cpu").value == "92 %" and report.row("cpu").level == "warning"
    assert report.verdict == "The CPU is overloaded: ShopCast uses 92 % of all CPU cores"
    busy_but_fine = Feed(cpu_per_second=3.5, cores=4)  # 87.5 %
    busy_but_fine.second()
    assert busy_but_fine.second().row("cpu").level == "ok"


def test_the_cpu_is_blamed_last() -> None:
    feed = Feed(cpu_per_second=3.9, cores=4)
    feed.second()
    report = feed.second(encode_ms=(30.0, 5.0, 3.0))
    assert report.overloaded is not None and report.overloaded.stage == "encoding"


def test_the_real_cpu_clock_is_read_by_default() -> None:
    tracker = HealthTracker(FPS)
    program = ProgramStats(30, 0, 5.0, 30.0, 0)
    tracker.update(program, None)
    sum(i * i for i in range(200_000))
    report = tracker.update(program, None)
    assert report.row("cpu").value.endswith(" %")


def test_dual_format_shows_each_canvas_encoders_and_blames_the_right_one() -> None:
    """Two canvases: the second canvas's rows name it, and its slow rung is the one blamed."""
    tracker = HealthTracker(FPS, clock=lambda: now, cpu_seconds=lambda: 0.0, cpu_count=2)

    def broadcast(canvas: str, frames: int, skipped: int, slow_ms: float) -> BroadcastStats:
        rungs = (
            RungStats("720p", 720, 1280, frames, 2500.0, slow_ms, 0),
            RungStats("480p", 480, 854, frames, 1000.0, 4.0, 0),
        )
        outputs = (OutputStats(f"relay ({canvas})" if canvas != "portrait" else "relay", "ok"),)
        return BroadcastStats(f"s-{canvas}", 1.0, frames, skipped, rungs, 128.0, 0, outputs, canvas=canvas)

    report = None
    for second in range(1, 4):
        now = float(second)
        program = ProgramStats(30 * second, 0, 5.0, 30.0, 0)
        report = tracker.update(
            program, broadcast("portrait", 30 * second, 0, 6.0), [broadcast("landscape", 30 * second, 3 * second, 40.0)]
        )
    assert report is not None
    keys = report.keys()
    assert "encode_time:720p" in keys and "encode_time:landscape 720p" in keys
    assert "format_frames_skipped:landscape" in keys and "audio_bitrate" in keys
    assert report.row("format_frames_skipped", "landscape").label == (
        "Frames skipped due to encoding lag, landscape (last 10 s)"
    )
    assert report.overloaded is not None and report.overloaded.subject == "landscape 720p"
    assert "landscape 720p rung takes 40.0 ms" in report.verdict
    # Back to one canvas: the second one's rows go.
    now = 4.0
    report = tracker.update(ProgramStats(120, 0, 5.0, 30.0, 0), broadcast("portrait", 120, 0, 6.0))
    keys = report.keys()
    assert not any("landscape" in key for key in keys)
