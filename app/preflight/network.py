"""The pre-flight's network part: the relay reachable, the stream key accepted (``GET …/ingest/check``,
app/relay/ingest_check.py) and the upload speed to it (``POST …/ingest/bandwidth``) against what the
stream needs."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx

from app.preflight.rows import NO_HINT, Level, PreflightRow, mbps
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from plugins.api import Text

UPLOAD_HEADROOM = 1.5
PROBE_BYTES = 4 * 1024 * 1024
PROBE_SECONDS = 2.0
"""The upload probe sends at most PROBE_BYTES, and stops adding to them after PROBE_SECONDS."""
_PROBE_CHUNK = 64 * 1024

RELAY_TITLE = Text("Relay", "中继服务器")
KEY_TITLE = Text("Stream key", "推流密钥")
UPLOAD_TITLE = Text("Upload speed", "上行带宽")
_KEY_HINT = Text(
    "Copy the stream key again from the room (or Settings → Stream)",
    "请从直播间重新复制推流密钥（或在 设置 → 推流 中填写）",
)
_UPLOAD_HINT = Text(
    "Lower the ladder (fewer or smaller rungs in Settings → Stream) or use a wired connection",
    "请降低码率阶梯（在 设置 → 推流 中减少或降低档位），或改用有线网络",
)


@dataclass(frozen=True, slots=True)
class UploadNeed:
    """What the show uploads while live, in bits per second, and what it is made of."""

    bps: int
    parts: tuple[tuple[Text, int], ...] = ()

    def words(self) -> Text:
        return Text(
            ", ".join(f"{name.en} {mbps(bps)}" for name, bps in self.parts),
            "，".join(f"{name.zh} {mbps(bps)}" for name, bps in self.parts),
        )


def upload_need(config: SessionConfig, plans: Sequence[BroadcastSettings]) -> UploadNeed:
    """Every canvas's rungs and sound, the realtime copy of the top rung (WebRTC viewers) when going to a
    relay, and each RTMP/WHIP destination's copy of the top rung and sound."""
    parts: list[tuple[Text, int]] = []
    for plan in plans:
        canvas = f" ({plan.canvas})" if len(plans) > 1 and plan.canvas else ""
        rungs = len(plan.rungs)
        parts.append(
            (
                Text(f"{rungs} {'rung' if rungs == 1 else 'rungs'}{canvas}", f"{rungs} 档画面{canvas}"),
                sum(r.bitrate for r in plan.rungs),
            )
        )
        parts.append((Text(f"sound{canvas}", f"声音{canvas}"), plan.audio_bitrate))
    primary = plans[0]
    top = primary.rungs[0].bitrate + primary.audio_bitrate
    if config.relay is not None and config.realtime:
        parts.append((Text("realtime copy", "超低延迟副本"), top))
    for kind, count in (("RTMP", len(config.rtmp_urls)), ("WHIP", len(config.whip_targets))):
        if count:
            parts.append((Text(f"{kind} ×{count}", f"{kind} ×{count}"), top * count))
    return UploadNeed(sum(bps for _, bps in parts), tuple(parts))


def check_relay(
    target: ExternalRelay,
    need: UploadNeed | None,
    *,
    timeout: float = 2.0,
    probe_bytes: int = PROBE_BYTES,
    probe_seconds: float = PROBE_SECONDS,
) -> list[PreflightRow]:
    """Reach the relay, have it check the stream key, then measure the upload speed to it (given
    ``need``, what the stream takes)."""
    url = target.url.rstrip("/")
    room = target.room
    headers = {"Authorization": f"Bearer {target.stream_key}"}
    base = f"{url}/api/v1/rooms/{room}/ingest"
    with httpx.Client(timeout=httpx.Timeout(timeout, read=timeout + probe_seconds + 1), headers=headers) as client:
        try:
            answer = client.get(f"{base}/check")
        except httpx.TransportError as exc:
            return [_unreachable(url, exc)]
        reached = PreflightRow(
            "relay", "ok", RELAY_TITLE, Text(f"The relay at {url} answers", f"中继服务器 {url} 可以连接")
        )
        if answer.status_code >= 500:
            status = answer.status_code
            return [
                PreflightRow(
                    "relay",
                    "error",
                    RELAY_TITLE,
                    Text(f"The relay at {url} answered {status}", f"中继服务器 {url} 返回 {status}"),
                    Text(
                        "Restart the relay, or check its address in Settings → Stream",
                        "请重启中继服务器，或在 设置 → 推流 中检查地址",
                    ),
                )
            ]
        key = _key_row(answer, room)
        rows = [reached, key]
        if key.level != "ok" or need is None:
            return rows
        rows.append(_probe(client, f"{base}/bandwidth", need, probe_bytes, probe_seconds))
        return rows


def _unreachable(url: str, exc: httpx.TransportError) -> PreflightRow:
    if isinstance(exc, httpx.TimeoutException):
        en, zh = "did not answer in time", "没有及时响应"
    elif isinstance(exc, httpx.ConnectError):
        reason = str(exc)
        refused = "refused" in reason.lower() or "111" in reason
        en, zh = (
            ("refused the connection", "拒绝连接")
            if refused
            else (f"cannot be reached ({reason})", f"无法连接（{reason}）")
        )
    else:
        en, zh = f"cannot be reached ({exc})", f"无法连接（{exc}）"
    return PreflightRow(
        "relay",
        "error",
        RELAY_TITLE,
        Text(f"The relay at {url} {en}", f"中继服务器 {url} {zh}"),
        Text(
            f"Start the relay (shopcast relay) at {url}, or check the relay's address in Settings → Stream",
            f"请启动 {url} 上的中继服务器（shopcast relay），或在 设置 → 推流 中检查中继服务器地址",
        ),
    )


def _key_row(answer: httpx.Response, room: str) -> PreflightRow:
    status = answer.status_code
    try:
        body = answer.json() if answer.content else {}
    except ValueError:
        body = {}
    code = body.get("error") if isinstance(body, dict) else None
    if status == 204:
        return PreflightRow(
            "stream-key", "ok", KEY_TITLE, Text(f"Room {room} accepts the stream key", f"直播间 {room} 接受此推流密钥")
        )
    if status == 401:
        return PreflightRow(
            "stream-key",
            "error",
            KEY_TITLE,
            Text(f"The relay refuses the stream key for room {room}", f"中继服务器拒绝了直播间 {room} 的推流密钥"),
            _KEY_HINT,
        )
    if status == 404 and code == "room_not_found":
        return PreflightRow(
            "stream-key",
            "error",
            KEY_TITLE,
            Text(f"The relay has no room {room}", f"中继服务器上没有直播间 {room}"),
            Text(
                "Check the room's name in Settings → Stream, or create the room on the relay",
                "请在 设置 → 推流 中检查直播间名称，或在中继服务器上创建该直播间",
            ),
        )
    if status in (404, 405):
        return PreflightRow(
            "stream-key",
            "warning",
            KEY_TITLE,
            Text(
                "This relay cannot check the stream key in advance (an older version): it is checked on going live",
                "此中继服务器版本较旧，无法提前检查推流密钥：开播时才会检查",
            ),
            Text("Update the relay to check everything before going live", "请升级中继服务器，以便开播前完成全部检查"),
        )
    return PreflightRow(
        "stream-key",
        "error",
        KEY_TITLE,
        Text(f"The relay answered {status} to the key check", f"检查推流密钥时中继服务器返回 {status}"),
        _KEY_HINT,
    )


def upload_level(rate_bps: float, need_bps: float) -> Level:
    """Under what the stream needs: error; under 1.5x that: warning."""
    if rate_bps < need_bps:
        return "error"
    return "warning" if rate_bps < UPLOAD_HEADROOM * need_bps else "ok"


def _probe(client: httpx.Client, url: str, need: UploadNeed, probe_bytes: int, probe_seconds: float) -> PreflightRow:
    started = time.perf_counter()

    def body() -> Iterator[bytes]:
        chunk = bytes(_PROBE_CHUNK)
        sent = 0
        while sent < probe_bytes and time.perf_counter() - started < probe_seconds:
            piece = chunk[: min(_PROBE_CHUNK, probe_bytes - sent)]
            sent += len(piece)
            yield piece

    try:
        answer = client.post(url, content=body(), headers={"Content-Type": "application/octet-stream"})
    except httpx.TransportError as exc:
        return PreflightRow(
            "upload",
            "error",
            UPLOAD_TITLE,
            Text(
                f"The upload test failed: {exc or type(exc).__name__}", f"上行带宽测试失败：{exc or type(exc).__name__}"
            ),
            _UPLOAD_HINT,
        )
    elapsed = max(time.perf_counter() - started, 1e-6)
    if answer.status_code != 200:
        status = answer.status_code
        return PreflightRow(
            "upload",
            "warning",
            UPLOAD_TITLE,
            Text(f"The relay cannot measure the upload speed ({status})", f"中继服务器无法测量上行带宽（{status}）"),
            Text("Update the relay to measure the upload speed", "请升级中继服务器以测量上行带宽"),
        )
    received = int(answer.json().get("bytes", 0))
    rate = received * 8 / elapsed
    level = upload_level(rate, need.bps)
    parts = need.words()
    detail = Text(
        f"Upload to the relay: {mbps(rate)} ({received / 1e6:.1f} MB in {elapsed:.2f} s); the stream needs"
        f" {mbps(need.bps)} ({parts.en})",
        f"到中继服务器的上行速度：{mbps(rate)}（{elapsed:.2f} 秒 {received / 1e6:.1f} MB）；"
        f"直播需要 {mbps(need.bps)}（{parts.zh}）",
    )
    if level == "warning":
        detail = Text(
            detail.en + f": less than {UPLOAD_HEADROOM:g}x, little room for a busy network",
            detail.zh + f"：不足 {UPLOAD_HEADROOM:g} 倍，网络波动时余量很小",
        )
    elif level == "error":
        detail = Text(detail.en + ": viewers will stall", detail.zh + "：观众会卡顿")
    return PreflightRow("upload", level, UPLOAD_TITLE, detail, _UPLOAD_HINT if level != "ok" else NO_HINT)
