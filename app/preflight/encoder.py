"""The pre-flight's CPU part: the x264 pre-flight the session runs before going live
(pipeline/adaptive.py), and its verdict in the words the studio uses (a notice, and a pre-flight row)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from app.preflight.rows import NO_HINT, Level, PreflightRow
from pipeline.adaptive import FormatsPlan, PreflightResult, preflight, preflight_formats
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import ADAPTIVE_PRESETS
from pipeline.frames import Image
from plugins.api import Text

if TYPE_CHECKING:
    from pipeline.canvas import Canvas

ENCODER_TITLE = Text("CPU and x264 preset", "CPU 与 x264 预设")
_ENCODER_HINT = Text(
    "Use fewer or smaller rungs (Settings → Stream), close other programs, or turn off beautify",
    "请减少或降低码率档位（设置 → 推流）、关闭其他程序，或关闭美颜",
)


@dataclass(frozen=True, slots=True)
class EncodeVerdict:
    """The x264 pre-flight's verdict as the studio words it (a notice, and a pre-flight row)."""

    notice: str
    """``info``, or ``warning`` when the machine is short or rungs were dropped."""
    text: Text
    fits: bool
    """The chosen configuration runs at the headroom (1.25x the frame rate)."""
    fps: float
    """The frames per second the chosen configuration reached."""


def ladder_verdict(result: PreflightResult) -> EncodeVerdict:
    measured = ", ".join(f"{preset} {fps:.0f} fps" for preset, fps in result.fps.items())
    en = (
        f"pre-flight: the ladder encodes at {measured}; going live with {result.preset} (needs {result.target:.0f} fps)"
    )
    zh = f"开播前测速：码率阶梯编码速度 {measured}；使用 {result.preset} 预设（需要 {result.target:.0f} fps）"
    reached = result.fps[result.preset]
    short = reached < result.target
    if short:
        en += ": this machine is short of CPU for this ladder; expect skipped frames or use fewer rungs"
        zh += "：本机 CPU 不足，可能跳帧，建议减少码率档位"
    return EncodeVerdict("warning" if short else "info", Text(en, zh), not short, reached)


def formats_verdict(
    canvases: Sequence[Canvas], plans: Sequence[BroadcastSettings], plan: FormatsPlan
) -> tuple[EncodeVerdict, list[BroadcastSettings]]:
    """Dual format: the verdict, and each canvas's settings with the preset and rungs chosen."""
    chosen = [replace(p, preset=plan.preset, rungs=p.rungs[:n]) for p, n in zip(plans, plan.rungs, strict=True)]
    ladders = "; ".join(
        f"{c.name} {len(p.rungs)} rung{'s' if len(p.rungs) > 1 else ''} ({', '.join(r.name for r in p.rungs)})"
        for c, p in zip(canvases, chosen, strict=True)
    )
    best = max(fps for preset, counts, fps in plan.tried if (preset, counts) == (plan.preset, plan.rungs))
    measured = f"{best:.0f} fps, needs {plan.target:.0f}"
    zh_ladders = "；".join(f"{c.name} {len(p.rungs)} 档" for c, p in zip(canvases, chosen, strict=True))
    if plan.fits:
        full = plan.rungs == tuple(len(p.rungs) for p in plans)
        en = f"pre-flight, dual format: both ladders fit at {plan.preset} ({measured}): {ladders}"
        zh = f"开播前测速（双画幅）：两路码率阶梯可用 {plan.preset} 预设同时编码（{measured}）：{zh_ladders}"
        if not full:
            en += "; fewer rungs than asked, to keep up"
            zh += "；为保证流畅已减少档位"
        level = "info" if full else "warning"
    else:
        en = (
            f"pre-flight, dual format: this machine cannot encode both ladders in real time even at"
            f" {plan.preset} with one rung each ({measured}); expect skipped frames, or stream one canvas"
        )
        zh = (
            f"开播前测速（双画幅）：本机即使每路只留一档、使用 {plan.preset} 预设也无法实时编码"
            f"（{measured}）；可能跳帧，建议只推一个画幅"
        )
        level = "warning"
    return EncodeVerdict(level, Text(en, zh), plan.fits, best), chosen


def check_encoder(
    plans: Sequence[BroadcastSettings],
    pictures: Sequence[Image],
    canvases: Sequence[Canvas] = (),
    *,
    measure: Callable[[str], float] | None = None,
) -> list[PreflightRow]:
    """The session's x264 pre-flight on the current pictures: with ``--preset auto`` the best preset
    with headroom, else how the preset chosen does. ``measure`` (tests) replaces the encoding."""
    fixed = plans[0].preset
    presets = ADAPTIVE_PRESETS if fixed == "auto" else (fixed,)
    fps: Fraction = plans[0].fps
    if len(plans) > 1:
        plan = preflight_formats([p.rungs for p in plans], fps, pictures, presets=presets)
        verdict, _ = formats_verdict(canvases, plans, plan)
    else:
        verdict = ladder_verdict(preflight(plans[0].rungs, fps, pictures[0], presets=presets, measure=measure))
    if verdict.fits:
        level: Level = "ok" if verdict.notice == "info" else "warning"
    else:  # short of the headroom: still real time is a warning, below the frame rate an error
        level = "warning" if verdict.fps >= float(fps) else "error"
    return [PreflightRow("encoder", level, ENCODER_TITLE, verdict.text, _ENCODER_HINT if level != "ok" else NO_HINT)]
