"""``shopcast`` command line: relay, broadcast, studio, demo, report, simulate, plugins."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from app.about import UNAVAILABLE, components
from app.about import version_text as about_version_text
from app.paths import assets_dir, data_home
from app.relay.rate_limits import CONNECTIONS_PER_ADDRESS
from app.relay_client import RelayError
from app.room_client import RoomClient
from app.rundown import RundownError, rundown_from_json
from app.rundown_player import RundownPlayer, read_rundown_file
from app.secret_flags import (
    ADMIN_TOKEN,
    OWNER_TOKEN,
    PAYMENT_WEBHOOK_SECRET,
    SIMULATED_STREAM_KEY,
    STREAM_KEY,
    add_secret_option,
    at_file,
    has_password,
    read_secret_files,
)
from app.session import SessionError, StudioSession
from app.session_config import BundledRelayConfig, ExternalRelay, HttpOrigin, SessionConfig, WhipTarget
from app.settings_store import (
    SCENES_FILE_NAME,
    Overrides,
    SettingError,
    SettingsStore,
    effective,
    parse_fps,
    recording_dir,
    whip_targets,
)
from app.settings_store import validate as check_settings
from pipeline.broadcast import BroadcastSettings, BroadcastStats
from pipeline.canvas import parse_canvases
from pipeline.cmaf_packager import PackagerSettings
from pipeline.encoders import X264_PRESETS, parse_ladder
from pipeline.ice import check_ice_host, hosts_from_env, parse_ice_server
from pipeline.outputs.rtmp import check_rtmp_url
from pipeline.outputs.whip import check_whip_url
from pipeline.program import ProgramSettings
from pipeline.sources import SourceError, parse_audio_spec, parse_video_spec
from plugins.api import Kind, SettingsError, parse_values, specs, validate
from plugins.chain import CHAINED_KINDS
from plugins.registry import Registry, discover

log = logging.getLogger("shopcast")

DEFAULT_PORT = 8787
DEMO_TITLE = "ShopCast 演示直播间 · Demo room"


_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s'\"]+")


class _Formatter(logging.Formatter):
    """``shopcast: level: message``; a bearer token a library put in a line (request headers, at the
    debug level) is masked: a stream key or owner token never reaches the log."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"shopcast: {record.levelname.lower()}: {record.getMessage()}" + (
            "\n" + self.formatException(record.exc_info) if record.exc_info else ""
        )
        return _BEARER.sub(r"\1…", text)


def setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # websockets logs every frame and, at the debug level, the handshake's headers (a stream key's bearer).
    for noisy in ("httpx", "httpcore", "uvicorn.access", "aioice", "aiortc", "websockets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# --- argument types ------------------------------------------------------------------------------


def _checked_by(parse: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type that keeps the text but refuses what ``parse`` refuses, with its message."""

    def check(value: str) -> str:
        try:
            parse(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return check


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < seconds <= 7 * 24 * 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most a week")
    return seconds


def _segment_seconds(value: str) -> float:
    seconds = _positive_seconds(value)
    if not 0.1 <= seconds <= 10:
        raise argparse.ArgumentTypeError("segments must be 0.1 to 10 seconds long")
    return seconds


def _part_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if seconds != 0 and not 0.05 <= seconds <= 5:
        raise argparse.ArgumentTypeError("LL-HLS parts must be 0.05 to 5 seconds long (0 turns them off)")
    return seconds


def _rtmp_url(value: str) -> str:
    try:
        return check_rtmp_url(at_file(value, "RTMP URL"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _WhipAction(argparse.Action):
    """``--whip URL [TOKEN]``: an endpoint and, optionally, its bearer token (OBS asks for the same two)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:  # fmt: skip
        assert isinstance(values, list)
        if len(values) > 2:
            parser.error(f"--whip takes an endpoint URL and at most a bearer token, got {len(values)} values")
        try:
            url = check_whip_url(values[0])
        except ValueError as exc:
            parser.error(f"--whip: {exc}")
        try:
            token = at_file(values[1], "bearer token") if len(values) > 1 else None
        except ValueError as exc:
            parser.error(f"--whip: {exc}")
        earlier = getattr(namespace, self.dest, None) or []
        setattr(namespace, self.dest, [*earlier, WhipTarget(url, token)])


class _OriginAction(argparse.Action):
    """``--http-origin URL [TOKEN]``: a plain HTTP origin the ladder is PUT to, and its bearer token."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:  # fmt: skip
        assert isinstance(values, list)
        if len(values) > 2:
            parser.error(f"--http-origin takes a URL and at most a bearer token, got {len(values)} values")
        url = values[0]
        if not url.startswith(("http://", "https://")) or len(url) < 10:
            parser.error(f"--http-origin: {url!r} is not an http:// or https:// URL")
        try:
            token = at_file(values[1], "bearer token") if len(values) > 1 else None
        except ValueError as exc:
            parser.error(f"--http-origin: {exc}")
        earlier = getattr(namespace, self.dest, None) or []
        setattr(namespace, self.dest, [*earlier, HttpOrigin(url, token)])


def _seats(value: str) -> int:
    if not value.isdigit() or int(value) > 10_000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seats (0-10000)")
    return int(value)


def _show_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a show is numbered 1, 2, ...; got {value!r}")
    return int(value)


def _speed(value: str) -> float:
    try:
        speed = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.1 <= speed <= 100:
        raise argparse.ArgumentTypeError(f"the speed must be between 0.1 and 100, got {value}")
    return speed


def _ice_server(value: str) -> str:
    try:
        parse_ice_server(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value.strip()


def _ice_host(value: str) -> str:
    try:
        return check_ice_host(value.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535; 0 picks a free port)")
    return int(value)


def _fps(value: str) -> Fraction:
    try:
        return parse_fps(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_media_options(p: argparse.ArgumentParser, mic: str, *, scenes_default: str = "not saved") -> None:
    g = p.add_argument_group("media")
    g.add_argument(
        "--source",
        type=_checked_by(parse_video_spec),
        help="the host camera: test | camera[:N] | file:PATH (default: the scene collection's, else camera)",
    )
    g.add_argument(
        "--canvas",
        type=_checked_by(parse_canvases),
        default="portrait",
        help="the program's picture: portrait (720x1280), landscape (1280x720) or WIDTHxHEIGHT; two with a comma"
        " for dual format, e.g. portrait,landscape (default %(default)s)",
    )
    g.add_argument(
        "--scenes",
        type=Path,
        metavar="FILE",
        help="the scene collection: restored from FILE at start (the commerce templates when it does not exist)"
        " and saved there after every change" + f" (default: {scenes_default})",
    )
    g.add_argument("--scene", metavar="NAME", help="start with this scene on air (its name or id, e.g. showcase)")
    g.add_argument(
        "--mic", type=_checked_by(parse_audio_spec), default=mic, help="none | tone | default | N (default %(default)s)"
    )
    g.add_argument(
        "--ladder",
        type=_checked_by(parse_ladder),
        default="720p,480p,360p",
        help="rungs, highest first (default %(default)s)",
    )
    g.add_argument(
        "--preset",
        choices=("auto", *X264_PRESETS),
        default="auto",
        help="x264 preset; auto measures the machine before going live and adapts while live (default %(default)s)",
    )
    g.add_argument("--fps", type=_fps, default=Fraction(30), help="frame rate (default 30)")
    g.add_argument(
        "--segment", type=_segment_seconds, default=1.0, help="segment and GOP length in seconds (default 1)"
    )
    g.add_argument(
        "--fixed-preset",
        action="store_true",
        help="keep the x264 preset for the whole stream (by default it steps faster when encoding lags, and back)",
    )
    g.add_argument(
        "--part",
        type=_part_seconds,
        default=1 / 3,
        help="LL-HLS part length in seconds, 0 for plain HLS (default 0.333)",
    )
    g.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="record the top rung and the sound to DIR/shopcast-<time>.mp4 (plays even after a crash)",
    )
    g.add_argument(
        "--rtmp",
        type=_rtmp_url,
        action="append",
        default=[],
        metavar="URL",
        help="also push to this RTMP ingest, e.g. rtmp://live.example.com/app/KEY, or @FILE holding that URL"
        " (keeps the key off the command line; repeat for more)",
    )
    g.add_argument(
        "--filter",
        dest="filters",
        action="append",
        default=[],
        metavar="ID[:NAME=VALUE,...]",
        help="switch on a filter plugin, with settings, e.g. shopcast.beautify:smoothing=0.9,slimming=0.3"
        " (repeat for more; `shopcast plugins` lists them)",
    )
    g.add_argument(
        "--beautify",
        dest="filters",
        action="append_const",
        const="shopcast.beautify",
        help="switch on beautify (美颜) at its defaults; the same as --filter shopcast.beautify",
    )
    g.add_argument(
        "--denoise",
        dest="filters",
        action="append_const",
        const="shopcast.denoise",
        help="switch on noise suppression (降噪) at its defaults; the same as --filter shopcast.denoise",
    )
    g.add_argument(
        "--overlay",
        dest="filters",
        action="append",
        metavar="ID[:NAME=VALUE,...]",
        help="draw an overlay plugin over the program, e.g. shopcast.text_overlay:text=全场包邮,position=bottom"
        " or shopcast.image_overlay:file=logo.png (repeat for more)",
    )
    g.add_argument(
        "--keep-filters-on",
        action="store_true",
        help="never bypass the video filters and overlays switched on here when the machine is short of CPU:"
        " the picture misses frames instead (by default the costliest one is bypassed until there is room)",
    )
    g.add_argument(
        "--whip",
        action=_WhipAction,
        nargs="+",
        default=[],
        metavar=("URL", "TOKEN"),
        help="also push over WebRTC to this WHIP endpoint, with an optional bearer token (@FILE: read from FILE,"
        " off the command line; repeat for more)",
    )
    g.add_argument(
        "--http-origin",
        action=_OriginAction,
        nargs="+",
        default=[],
        metavar=("URL", "TOKEN"),
        help="also PUT the whole ladder (playlists, segments, parts) under this plain HTTP origin, e.g. a"
        " CDN's ingest or nginx WebDAV, with an optional bearer token (@FILE: read from FILE; repeat for more)",
    )


def _add_webrtc_options(p: argparse.ArgumentParser, who: str) -> None:
    p.add_argument(
        "--whep-seats",
        type=_seats,
        default=20,
        metavar="N",
        help="WebRTC (ultra-low latency) viewers at a time; more are sent to LL-HLS (default %(default)s)",
    )
    p.add_argument(
        "--ice-host",
        type=_ice_host,
        action="append",
        default=[],
        metavar="ADDR",
        help=f"offer only this local address to {who} (repeat for more; default: $SHOPCAST_ICE_HOSTS,"
        " comma-separated, else every interface)",
    )


def _session_config(
    args: argparse.Namespace, relay: ExternalRelay | BundledRelayConfig | None, language: str = "en"
) -> SessionConfig:
    rungs = parse_ladder(args.ladder)
    return SessionConfig(
        source=args.source,
        mic=args.mic,
        program=ProgramSettings(canvases=parse_canvases(args.canvas), fps=args.fps),
        scenes_file=args.scenes or (args.data / SCENES_FILE_NAME if getattr(args, "data", None) else None),
        scene=args.scene,
        language=language,
        broadcast=BroadcastSettings(
            rungs=rungs,
            fps=args.fps,
            preset=args.preset,
            adaptive=not args.fixed_preset,
            packaging=PackagerSettings(segment_seconds=args.segment, part_seconds=args.part or None),
        ),
        relay=relay,
        record_dir=getattr(args, "out", None),
        recording_dir=args.record,
        rtmp_urls=tuple(args.rtmp),
        whip_targets=tuple(args.whip),
        http_origins=tuple(getattr(args, "http_origin", [])),
        catalog=getattr(args, "catalog", None),
        rundown=getattr(args, "rundown_file", None),
        filters=args.filters,
        keep_on=args.keep_on,
        **_ice_options(args),
    )


def _ice_options(args: argparse.Namespace) -> dict[str, Any]:
    """The studio's ICE settings from ``--ice-host`` / ``--ice-server`` (where the command has them)."""
    options: dict[str, Any] = {}
    if getattr(args, "ice_host", None):
        options["ice_hosts"] = tuple(args.ice_host)
    if getattr(args, "ice_server", None):
        options["ice_servers"] = tuple(args.ice_server)
    return options


def resolve_filters(given: Sequence[str], registry: Registry) -> tuple[tuple[str, dict[str, Any]], ...]:
    """``--filter`` / ``--overlay`` values (``ID[:name=value,...]``) as (plugin id, typed settings), checked against
    each plugin's declaration; a later one for the same plugin adds to and overrides an earlier one.
    ValueError names what is wrong."""
    chosen: dict[str, dict[str, Any]] = {}
    for text in given:
        plugin_id, _, values = text.partition(":")
        plugin_id = plugin_id.strip()
        plugin = registry.plugins.get(plugin_id)
        if plugin is None:
            filters = [p.id for p in registry.plugins.values() if p.kind in CHAINED_KINDS]
            raise ValueError(f"{text}: no filter or overlay plugin {plugin_id!r} (there are: {', '.join(filters)})")
        if plugin.kind not in CHAINED_KINDS:
            raise ValueError(f"{text}: {plugin_id} is a {plugin.kind.value} plugin, not a filter or an overlay")
        try:
            merged = {**chosen.get(plugin_id, {}), **parse_values(plugin.settings, values)}
            validate(plugin.settings, merged)
        except SettingsError as exc:
            raise ValueError(f"{text}: {exc}") from None
        chosen[plugin_id] = merged
    return tuple(chosen.items())


# --- relay ---------------------------------------------------------------------------------------


def _watch_parent() -> None:
    """Exit when the parent process closes our stdin (it died or stopped us)."""

    def run() -> None:
        sys.stdin.read()
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=run, name="shopcast-parent-watch", daemon=True).start()


def cmd_relay(args: argparse.Namespace) -> int:
    from app.commerce.payments import WEBHOOK_SECRET_ENV
    from app.commerce.store import StoreError
    from app.relay.context import RelaySettings
    from app.relay.rooms import RoomFileError
    from app.relay.server import ADMIN_TOKEN_FILE, bind_socket, load_admin_token, serve

    data: Path = args.data
    given = args.admin_token or os.environ.get("SHOPCAST_ADMIN_TOKEN")
    for flag, url, env in (("--postgres", args.postgres, "SHOPCAST_POSTGRES"),
                           ("--redis", args.redis, "SHOPCAST_REDIS")):  # fmt: skip
        if url and has_password(url):
            log.error("%s would put a password on the command line, where any user of this machine can read it:"
                      " give the URL in $%s instead", flag, env)  # fmt: skip
            return 2
    try:
        token, came = load_admin_token(data, given)
        settings = RelaySettings(
            data_dir=data,
            admin_token=token,
            max_body_bytes=args.max_body_mb * 1024 * 1024,
            public_url=args.public_url,
            live_timeout=args.live_timeout,
            part_retention=args.part_retention,
            keep_days=args.keep_days,
            min_free_mb=args.min_free_mb,
            # WebRTC viewers (WHEP): the seat limit, and the addresses offered as ICE candidates.
            whep_seats=args.whep_seats,
            ice_hosts=tuple(args.ice_host) or hosts_from_env(),
            postgres=args.postgres or os.environ.get("SHOPCAST_POSTGRES") or None,
            redis=args.redis or os.environ.get("SHOPCAST_REDIS") or None,
            allowed_origins=tuple(args.allow_origin),
            trusted_proxies=tuple(args.trusted_proxy),
            connections_per_address=args.max_connections_per_address,
            rate_limit_scale=args.rate_limit_scale,
            # Outside test mode the relay does not start without the webhook secret (app/commerce/payments.py).
            payment_provider=args.payment_provider,
            payment_webhook_secret=args.payment_webhook_secret or os.environ.get(WEBHOOK_SECRET_ENV) or None,
        )
        sock = bind_socket(args.host, args.port)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", args.host, args.port, exc.strerror or exc)
        return 2
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    saved = data / ADMIN_TOKEN_FILE
    if came == "generated":
        print(f"admin token (shown this once; only its hash is kept, in {saved}): {token}", flush=True)
    elif came == "hashed":
        print(f"admin token (saved in clear by an older ShopCast; now only its hash is kept, in {saved}; shown this"
              f" last time): {token}", flush=True)  # fmt: skip
    elif came == "saved":
        print(f"admin token: the one shown when it was generated (its hash is in {saved}; to make a new one, delete"
              " that file and start the relay again)", flush=True)  # fmt: skip
    if args.exit_with_parent:
        _watch_parent()
    try:
        serve(
            settings,
            sock,
            access_log=args.access_log,
            on_started=lambda: print(f"ShopCast relay ready at {url}  (data: {data})", flush=True),
        )
    except (RoomFileError, StoreError) as exc:
        log.error("%s", exc)
        return 2
    return 0


# --- broadcast -----------------------------------------------------------------------------------


def format_stats(stats: BroadcastStats) -> str:
    live = int(stats.live_seconds)
    parts = [f"live {live // 3600:02d}:{live % 3600 // 60:02d}:{live % 60:02d}"]
    parts += [f"{r.name} {r.kbps:.0f} kb/s" for r in stats.rungs]
    parts.append(f"skipped {stats.frames_skipped}")
    for o in stats.outputs:
        parts.append(f"{o.name} {o.state} (queue {o.queued_files})")
    return " · ".join(parts)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


def _run_live(
    session: StudioSession,
    duration: float | None,
    stop: threading.Event,
    quiet: bool,
    rundown: RundownPlayer | None = None,
) -> int:
    """Go live, print progress until ``duration`` passes, a signal arrives or the run-of-show has
    played, then end cleanly."""
    going_live = time.time()
    started = session.go_live_now()
    if started.watch_url:
        print(f"Viewer URL: {started.watch_url}", flush=True)
    if rundown is not None:
        try:
            rundown.start(going_live)
        except RelayError as exc:
            log.error("cannot start the run-of-show: %s", exc)
            stop.set()
    deadline = session.clock.monotonic() + duration if duration else None
    next_print = session.clock.monotonic() + 5
    while not stop.is_set():
        now = session.clock.monotonic()
        if deadline is not None and now >= deadline:
            break
        if rundown is not None and rundown.finished():
            print("Run-of-show: played to the end.", flush=True)
            break
        stop.wait(min(0.5, deadline - now) if deadline is not None else 0.5)
        if not quiet and session.clock.monotonic() >= next_print:
            stats = session.stats().broadcast
            if stats:
                print(format_stats(stats), flush=True)
            next_print += 5
    final = session.stats()
    report = session.end_live_now()
    print(f"Stream {report.stream_id} ended after {report.segments} segments.", flush=True)
    for canvas in final.formats:
        share = canvas.frames_skipped / max(1, canvas.frames_in)
        which = f" ({canvas.canvas}, {len(canvas.rungs)} rungs)" if len(final.formats) > 1 else ""
        print(
            f"  frames{which}: {canvas.frames_in} rendered, {canvas.frames_skipped} skipped due to encoding lag "
            f"({share:.1%}); x264 preset at the end: {canvas.preset}",
            flush=True,
        )
    if final.formats:
        print(f"  program: {final.program.frames_lagged} frames missed due to rendering lag", flush=True)
    for output in report.outputs:
        print(f"  {output.name}: {output.message}", flush=True)
    return 0 if report.complete else 1


class _Rehearsal:
    """``shopcast broadcast --rehearsal``: the room rehearses (unlisted, test orders) from before the
    broadcast until after it; ending it cancels the rehearsal's orders and ends its campaigns."""

    def __init__(self, relay: ExternalRelay, owner_token: str) -> None:
        self.client = RoomClient(relay.url, relay.room, owner_token)

    def start(self) -> None:
        self.client.set_rehearsal(True)
        print("Rehearsal: the room is unlisted and its orders are test orders.", flush=True)

    def end(self) -> bool:
        try:
            ended = self.client.set_rehearsal(False)
        except RelayError as exc:
            log.error("the rehearsal could not be ended (%s): switch it off in the studio or with"
                      " PUT /api/v1/rooms/%s/rehearsal {\"on\": false}", exc, self.client.room)  # fmt: skip
            return False
        finally:
            self.client.close()
        print(f"Rehearsal ended: {ended.get('orders_cancelled', 0)} test orders cancelled (stock put back),"
              f" {ended.get('campaigns_ended', 0)} campaigns ended.", flush=True)  # fmt: skip
        return True


def _warn_if_rehearsing(relay: ExternalRelay) -> None:
    import httpx

    try:
        info = httpx.get(f"{relay.url}/api/v1/rooms/{relay.room}", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return
    if isinstance(info, dict) and info.get("rehearsal") is True:
        log.warning("room %s is rehearsing: this broadcast is unlisted and its orders are test orders"
                    " (end the rehearsal before the real show)", relay.room)  # fmt: skip


def cmd_broadcast(args: argparse.Namespace) -> int:
    key = args.key or os.environ.get("SHOPCAST_STREAM_KEY")
    owner = args.owner_token or os.environ.get("SHOPCAST_OWNER_TOKEN")
    relay: ExternalRelay | None = None
    if args.rehearsal and not (args.relay and owner):
        log.error("--rehearsal needs the room on a relay and its owner token: --relay URL --room R --key-file K"
                  " --owner-token-file T")  # fmt: skip
        return 2
    if args.relay:
        missing = [flag for flag, value in (("--room", args.room), ("--key-file", key)) if not value]
        if missing or key is None:
            log.error("pushing to a relay needs %s", " and ".join(missing))
            return 2
        if not args.relay.startswith(("http://", "https://")):
            log.error("--relay must be an http:// or https:// URL, got %r", args.relay)
            return 2
        # With the owner token the session follows the room's feed: a cue switches the scene.
        relay = ExternalRelay(args.relay.rstrip("/"), args.room, key, owner)
    elif args.rundown is not None:
        log.error("--rundown plays the run-of-show in a room: it needs --relay URL --room R --key-file K")
        return 2
    elif args.out is None and args.record is None and not args.rtmp and not args.whip and not args.http_origin:
        log.error(
            "say where to send the stream: --relay URL --room R --key-file K, --out DIR, --record DIR,"
            " --rtmp URL, --whip URL or --http-origin URL"
        )
        return 2
    player: RundownPlayer | None = None
    if args.rundown is not None and relay is not None:
        player = _rundown_player(args.rundown, relay, owner)
        if player is None:
            return 2
    try:
        session = StudioSession(_session_config(args, relay))
    except SessionError as exc:
        log.error("%s", exc)
        return 2
    stop = _stop_on_signals()
    try:
        session.start()
    except (SourceError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    rehearsal: _Rehearsal | None = None
    try:
        if relay is not None and owner and args.rehearsal:
            rehearsal = _Rehearsal(relay, owner)
            rehearsal.start()
        elif relay is not None:
            _warn_if_rehearsing(relay)
        if args.out is not None:
            print(f"Writing HLS to {args.out}/master.m3u8", flush=True)
        result = _run_live(session, args.duration, stop, args.quiet, player)
    except (SessionError, RelayError) as exc:
        log.error("%s", exc)
        result = 1
    finally:
        session.close()
        if player is not None:
            player.close()
    if rehearsal is not None and not rehearsal.end():
        result = result or 1
    return result


def _rundown_player(path: Path, relay: ExternalRelay, owner_token: str | None) -> RundownPlayer | None:
    """The run-of-show in ``path`` saved in the room, ready to start; None (the reason logged) if not."""
    if not owner_token:
        log.error("--rundown runs the room's commerce side: it needs the owner token (--owner-token-file T"
                  " or $SHOPCAST_OWNER_TOKEN)")  # fmt: skip
        return None
    try:
        rundown = read_rundown_file(path)
    except RundownError as exc:
        log.error("%s: %s", path, exc)
        return None
    if not rundown.segments:
        log.error("%s has no segments to play", path)
        return None
    player = RundownPlayer(RoomClient(relay.url, relay.room, owner_token), rundown)
    try:
        player.upload()
    except RelayError as exc:
        player.close()
        log.error("the relay refused the run-of-show: %s", exc)
        return None
    print(f"Run-of-show: {len(rundown.segments)} segments, {rundown.planned_s:.0f} s planned", flush=True)
    return player


# --- the post-live report and the simulated show -------------------------------------------------


def _interface_language(given: str | None) -> str:
    """The studio's language: ``--lang``, else $SHOPCAST_LANG or the locale (zh_CN or en)."""
    return _report_language(given)


def _report_language(given: str | None) -> str:
    """``--lang``, else $SHOPCAST_LANG or the locale: anything Chinese is zh_CN, the rest en."""
    wanted = given or os.environ.get("SHOPCAST_LANG") or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh_CN" if wanted.lower().startswith("zh") else "en"


def _writable(path: Path) -> str | None:
    """Why ``path`` cannot be written, or None."""
    if path.is_dir():
        return f"{path} is a folder; give a file name"
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{path} cannot be written (permission denied)"
    return None


def cmd_report(args: argparse.Namespace) -> int:
    import json

    from app.analytics.report import ReportError, build_report, events_from_data, events_from_relay, report_json

    out: Path = args.out
    kind = out.suffix.lower()
    problem = _writable(out)
    if problem is not None:
        log.error("%s", problem)
        return 2
    if kind not in (".html", ".htm", ".json"):
        log.error("--out must end in .html (the report page) or .json (its numbers), not %r", out.name)
        return 2
    lang = _report_language(args.lang)
    try:
        if args.relay:
            token = args.owner_token or os.environ.get("SHOPCAST_OWNER_TOKEN")
            if not token:
                log.error("reading from a relay needs the room's owner token: --owner-token-file T"
                          " or $SHOPCAST_OWNER_TOKEN")  # fmt: skip
                return 2
            title, events = events_from_relay(args.relay, args.room, token)
        elif args.data:
            title, events = events_from_data(args.data, args.room)
        else:
            log.error("say where the room's event log is: --relay URL --owner-token-file T, or --data DIR")
            return 2
    except ReportError as exc:
        log.error("%s", exc)
        return 1
    if not events:
        log.error("room %r has no events yet: there is nothing to report", args.room)
        return 1
    try:
        report = build_report(events, args.room, title, show=args.show)
    except ValueError as exc:
        log.error("%s", exc)
        return 1
    if kind == ".json":
        text = json.dumps(report_json(report), ensure_ascii=False, indent=1) + "\n"
    else:
        from app.analytics.report_html import render_html

        text = render_html(report, lang)
    temporary = out.with_name(f".{out.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(out)
        if args.csv is not None:
            from app.analytics.report_html import write_tables_csv

            write_tables_csv(report, args.csv, lang)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        log.error("cannot write the report: %s", exc)
        return 1
    m = report.metrics
    print(
        f"{out}: {args.room}, show {report.show or '(no broadcast)'}, "
        f"{int(m['viewers'].value)} viewers, {int(m['orders'].value)} orders, GMV ¥{m['gmv'].value / 100:,.2f}"
        + (f"; tables in {args.csv}" if args.csv is not None else ""),
        flush=True,
    )
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from app.analytics.simulate import EngineDriver, Outcome, RelayDriver, scripted_show, truth, write_truth

    steps = scripted_show()
    outcome: Outcome
    if args.relay:
        token = args.owner_token or os.environ.get("SHOPCAST_OWNER_TOKEN")
        if not token:
            log.error("a simulation on a relay needs the room's owner token: --owner-token-file T"
                      " or $SHOPCAST_OWNER_TOKEN")  # fmt: skip
            return 2
        if args.stream_key is None:
            # Without a stream of its own the show is the room's current broadcast (a studio's, say):
            # everything counts there, so the tail meant to come after the end is left out.
            steps = [s for s in steps if s.t < 600]
        problem = _check_room(args.relay, args.room, token)
        if problem is not None:
            log.error("%s", problem)
            return 1
        driver = RelayDriver(args.relay, args.room, token, speed=args.speed, stream_key=args.stream_key,
                             log=lambda line: log.warning("%s", line))  # fmt: skip
        print(f"simulating a {steps[-1].t / 60:.0f}-minute show in room {args.room!r} at {args.speed:g}x"
              f" ({(steps[-1].t - steps[0].t) / args.speed:.0f} s; Ctrl-C stops)", flush=True)  # fmt: skip
        try:
            outcome = driver.run(steps)
        except (RuntimeError, OSError) as exc:
            log.error("the simulation stopped: %s", exc)
            return 1
        except KeyboardInterrupt:
            return 130
    else:
        if args.data is None:
            log.error("say where to run the show: --data DIR (in-process, into a relay data folder) or"
                      " --relay URL --owner-token-file T")  # fmt: skip
            return 2
        try:
            engine_driver = EngineDriver(args.data, room=args.room)
        except (OSError, RuntimeError) as exc:
            log.error("cannot open the store in %s: %s", args.data, exc)
            return 1
        try:
            if engine_driver.engine.events(args.room, 0, 1):
                log.error("room %r in %s already has events: the truth is for a fresh room (choose another"
                          " --room or folder)", args.room, args.data)  # fmt: skip
                return 1
            engine_driver.register_room()
            outcome = engine_driver.run(steps)
        finally:
            engine_driver.close()
    result = truth(outcome)
    m = result["metrics"]
    print(f"simulated show in room {args.room!r}: {m['viewers']} viewers, {m['views']} views, {m['orders']} orders,"
          f" GMV ¥{m['gmv'] / 100:,.2f} ({result['timing']} times)", flush=True)  # fmt: skip
    if args.truth is not None:
        try:
            write_truth(args.truth, result)
        except OSError as exc:
            log.error("cannot write the truth: %s", exc)
            return 1
        print(f"truth: {args.truth}", flush=True)
    if args.data is not None and not args.relay:
        print(f"report: shopcast report {args.room} --data {args.data} --out report.html", flush=True)
    return 0


def _check_room(base_url: str, room: str, token: str) -> str | None:
    import httpx

    try:
        response = httpx.get(f"{base_url.rstrip('/')}/api/v1/rooms/{room}/events", params={"limit": 1},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    except httpx.HTTPError as exc:
        return f"cannot reach the relay at {base_url}: {exc}"
    if response.status_code >= 400:
        try:
            message = response.json().get("message")
        except ValueError:
            message = response.text[:200]
        return f"the relay refused: {message}"
    return None


# --- plugins -------------------------------------------------------------------------------------


def cmd_plugins(args: argparse.Namespace) -> int:
    registry = discover()
    for plugin in registry.plugins.values():
        print(f"{plugin.id}  ({plugin.kind.value}) {plugin.name.pick(args.lang)}")
        if plugin.description.en:
            print(f"    {plugin.description.pick(args.lang)}")
        for spec in specs(plugin.settings):
            allowed = ""
            if spec.range is not None:
                allowed = f" {spec.range.minimum:g}..{spec.range.maximum:g}"
            elif spec.choices:
                allowed = " " + "|".join(value for value, _ in spec.choices)
            elif spec.path is not None:
                allowed = " (a file path)"
            default = str(spec.default).lower() if spec.type is bool else repr(spec.default)
            print(f"    {spec.name}={default}  {spec.type.__name__}{allowed}  {spec.label.pick(args.lang)}")
    for problem in registry.problems:
        print(f"not loaded: {problem.source}: {problem.message}")
    return 1 if registry.problems else 0


# --- studio and demo -----------------------------------------------------------------------------


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def _preferred_port(host: str, port: int) -> int:
    """``port`` if it is free, else 0 (any free port)."""
    if port == 0:
        return 0
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            log.info("port %d is taken; the relay will use a free port", port)
            return 0
    return port


def _bundled(args: argparse.Namespace, data: Path, title: str) -> BundledRelayConfig:
    return BundledRelayConfig(
        data_dir=data,
        room=args.room,
        title=title,
        host=args.host,
        port=_preferred_port(args.host, args.port),
        whep_seats=args.whep_seats,
        ice_hosts=tuple(args.ice_host),
    )


@dataclass(frozen=True, slots=True)
class StudioLaunch:
    """What ``shopcast studio`` opens the window with."""

    config: SessionConfig
    store: SettingsStore
    overrides: Overrides
    language: str | None
    """The interface language asked for (None: the system's)."""


SETTINGS_FLAGS = ("source", "canvas", "mic", "ladder", "preset", "fps", "record", "rtmp", "whip", "room", "relay",
                  "key_file", "owner_token_file", "lang")  # fmt: skip
"""The studio's options that override a saved setting for one run (app/settings_store.py)."""


def _defaults_from_settings(p: argparse.ArgumentParser) -> None:
    """For the studio, these options default to the saved settings: not given, they are None."""
    for action in p._actions:
        if action.dest in SETTINGS_FLAGS:
            help_text = re.sub(r"\s*\(default(?:[^()]|\([^()]*\))*\)", "", action.help or "")  # "(default %(default)s)"
            action.help = help_text + " (default: as saved in the studio's Settings)"
            action.default = None


def _studio_overrides(args: argparse.Namespace) -> Overrides:
    return Overrides(
        relay=args.relay.rstrip("/") if args.relay else None,
        room=args.room,
        stream_key=args.key,
        owner_token=args.owner_token,
        recording_dir=args.record,
        rtmp=None if args.rtmp is None else tuple(args.rtmp),
        whip=None if args.whip is None else tuple(args.whip),
        canvas=args.canvas,
        ladder=args.ladder,
        fps=None if args.fps is None else str(args.fps),
        preset=args.preset,
        mic=args.mic,
        camera=args.source,
        language=args.lang,
    )


def studio_launch(args: argparse.Namespace, store: SettingsStore | None = None) -> StudioLaunch:
    """The studio's session configuration: the saved settings (``store``, by default the user's file,
    set aside with a warning when it cannot be used) with the command line's options over them for
    this run only. SessionError says what is missing."""
    if store is None:
        store = SettingsStore.default()
        store.load()
    overrides = _studio_overrides(args)
    settings = effective(store.settings, overrides)
    stream = settings.stream
    # $SHOPCAST_STREAM_KEY / $SHOPCAST_OWNER_TOKEN fill in what neither the flags nor the settings give.
    stream = replace(
        stream,
        stream_key=stream.stream_key or os.environ.get("SHOPCAST_STREAM_KEY", ""),
        owner_token=stream.owner_token or os.environ.get("SHOPCAST_OWNER_TOKEN", ""),
    )
    settings = replace(settings, stream=stream)
    try:
        check_settings(settings)
    except SettingError as exc:
        if exc.field == "stream.stream_key" and not stream.stream_key:
            raise SessionError(
                "an external relay needs the room's stream key: --key-file K, $SHOPCAST_STREAM_KEY or the"
                " studio's Settings → Stream"
            ) from None
        raise SessionError(f"the settings for this run cannot be used: {exc}") from None
    args.room = stream.room
    args.canvas, args.ladder, args.preset = settings.video.canvas, settings.video.ladder, settings.video.preset
    args.fps = parse_fps(settings.video.fps)
    args.mic, args.source = settings.devices.mic, settings.devices.camera or None
    args.record = recording_dir(settings)
    args.rtmp = [r.full_url for r in settings.output.rtmp]
    args.whip = list(whip_targets(settings))
    args.scenes = args.scenes or store.scenes_path  # beside the settings
    relay: ExternalRelay | BundledRelayConfig
    if stream.bundled:
        relay = _bundled(args, args.data, args.title)
    else:
        if not stream.owner_token:
            log.warning("no owner token: the commerce panels stay empty (the stream still works)")
        relay = ExternalRelay(stream.relay.rstrip("/"), stream.room, stream.stream_key, stream.owner_token or None)
    language = None if settings.language == "system" else settings.language
    return StudioLaunch(_session_config(args, relay, _interface_language(language)), store, overrides, language)


def cmd_studio(args: argparse.Namespace) -> int:
    """The studio on the saved settings. The first time (no settings file yet) the first-run setup
    comes first: finished, its choices are saved and the studio opens on them, not live even with
    --go-live; cancelled, nothing is saved and the command ends (0). The command line is checked before
    the setup shows: options that cannot work are refused first."""
    store = SettingsStore.default()
    first_run = store.path is not None and not store.path.exists()
    store.load()
    go_live = args.go_live
    try:
        launch = studio_launch(argparse.Namespace(**vars(args)) if first_run else args, store)
    except SessionError as exc:
        log.error("%s", exc)
        return 2
    if first_run:
        from app.gui import first_run_setup

        if not first_run_setup(store, language=launch.language):
            log.info("the setup was cancelled: nothing saved")
            return 0
        go_live = False
        try:
            launch = studio_launch(args, store)
        except SessionError as exc:
            log.error("%s", exc)
            return 2
    if launch.config.scenes_file == store.scenes_path and args.data == default_data("studio"):
        store.adopt_scenes(args.data / SCENES_FILE_NAME)  # where earlier builds kept it
    from app.gui import run_studio

    return run_studio(
        launch.config,
        go_live=go_live,
        language=launch.language,
        settings=launch.store,
        overrides=launch.overrides,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    relay = _bundled(args, args.data, DEMO_TITLE)
    config = _session_config(args, relay, _interface_language(args.lang))
    if has_display() and not args.headless:
        from app.gui import run_studio

        # The demo's stream is its own (bundled relay, demo room, these options): of the saved
        # settings only the hotkeys, the window layout and the language apply to it.
        store = SettingsStore.default()
        store.load()
        saved = store.settings.language
        language = args.lang or (None if saved == "system" else saved)
        return run_studio(config, go_live=True, language=language, settings=store)
    print("No display: running the demo headless (Ctrl-C to stop).", flush=True)
    try:
        session = StudioSession(config)
    except SessionError as exc:
        log.error("%s", exc)
        return 2
    stop = _stop_on_signals()
    player: RundownPlayer | None = None
    try:
        session.start()
        ready = session.connect_relay_now()
        print(f"Relay: {ready.relay_url}  (data: {args.data})", flush=True)
        player = _demo_rundown(session)
        return _run_live(session, args.duration, stop, args.quiet, player)
    except (SessionError, SourceError, OSError, RuntimeError) as exc:
        log.error("%s", exc)
        return 1
    finally:
        session.close()
        if player is not None:
            player.close()


def _demo_rundown(session: StudioSession) -> RundownPlayer | None:
    """The headless demo plays the room's run-of-show with timed auto-advance (nobody is there to
    press Next), so a viewer sees the products come and go."""
    room = session.room
    if room is None:
        return None
    try:
        saved = room.rundown()["rundown"]
        if saved is None:
            return None
        player = RundownPlayer(RoomClient(room.base_url, room.room, room.owner_token), rundown_from_json(saved))
        player.upload()
    except (RelayError, RundownError) as exc:
        log.warning("the demo's run-of-show will not play: %s", exc)
        return None
    return player


# --- parser --------------------------------------------------------------------------------------


def version_text() -> str:
    """``shopcast --version``: ``shopcast X.Y.Z`` and a line per component (app/about.py), as the
    studio's About box lists them."""
    try:
        from app.gui import toolkit_versions

        qt, pyside = toolkit_versions()
    except (ImportError, OSError):  # no Qt here (a relay server without its libraries): still a version
        qt = pyside = UNAVAILABLE
    return about_version_text(components(qt=qt, pyside=pyside))


class _VersionAction(argparse.Action):
    """``--version``: the versions are looked up only when asked (x264's takes an encode)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:  # fmt: skip
        print(version_text(), flush=True)
        parser.exit()


def default_data(command: str) -> Path:
    """``shopcast studio``'s or ``demo``'s data folder (the bundled relay's) when --data is not given."""
    return data_home() / command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopcast", description="ShopCast live-commerce broadcasting")
    parser.add_argument("--version", action=_VersionAction, help="show the version and those of the parts it runs on")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("relay", help="run the relay / viewer server")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (default %(default)s; 0 = any free port)")
    p.add_argument("--data", type=Path, default=data_home() / "relay", help="data folder (default %(default)s)")
    add_secret_option(p, ADMIN_TOKEN, "the management API's token (else the one generated at the first start)")
    p.add_argument(
        "--payment-provider",
        default="test",
        metavar="NAME",
        help="who charges orders: test (test mode, paid at once; the default), test-async (test mode, paid when its"
        " signed webhook comes) or a real provider, which needs its webhook secret",
    )
    add_secret_option(p, PAYMENT_WEBHOOK_SECRET, "the payment provider's webhook secret (required outside test mode)")
    p.add_argument("--max-body-mb", type=int, default=32, help="largest ingest body in MiB (default %(default)s)")
    p.add_argument("--public-url", help="base URL viewers use, when behind a proxy")
    p.add_argument(
        "--live-timeout",
        type=_positive_seconds,
        default=15.0,
        help="seconds without ingest before a stream counts as offline",
    )
    p.add_argument(
        "--part-retention",
        type=_positive_seconds,
        default=60.0,
        help="seconds LL-HLS parts are kept once their segment is complete (default %(default)g)",
    )
    p.add_argument(
        "--keep-days",
        type=float,
        default=30.0,
        help="days a finished show's media is kept for its replay; a live show is never deleted (default %(default)g)",
    )
    p.add_argument(
        "--min-free-mb",
        type=int,
        default=0,
        help="ingest answers 507 below this much free disk, keeping room for the order database (default %(default)s)",
    )
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="another site whose pages may open rooms' live feeds, e.g. https://shop.example.com (repeatable;"
        " the relay's own address and --public-url always may)",
    )
    p.add_argument(
        "--max-connections-per-address",
        type=int,
        default=CONNECTIONS_PER_ADDRESS,
        metavar="N",
        help="live-feed WebSockets one client address may hold open on this relay (default %(default)s)",
    )
    p.add_argument(
        "--rate-limit-scale",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="multiply every viewer rate limit by this: for a show simulated at --speed FACTOR, or a load test"
        " (default 1; keep 1 in production)",
    )
    p.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a proxy (address or CIDR block, e.g. 127.0.0.1 or 10.0.0.0/8) whose X-Forwarded-For names the client"
        " that rate limits count (repeatable; default: none, the connecting address is the client)",
    )
    p.add_argument(
        "--postgres",
        metavar="DSN",
        help="keep rooms' orders and event log in PostgreSQL, shared with other relays (default: $SHOPCAST_POSTGRES,"
        " else SQLite in the data folder; the environment keeps a password out of the process list)",
    )
    p.add_argument(
        "--redis",
        metavar="URL",
        help="share the live feed, online counts and timers with other relays through Redis (default: $SHOPCAST_REDIS)",
    )
    _add_webrtc_options(p, "WebRTC (ultra-low latency) viewers")
    p.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_relay)

    p = sub.add_parser("broadcast", help="stream without a window")
    p.add_argument("--room", help="room name on the relay")
    p.add_argument("--relay", help="relay base URL, e.g. http://127.0.0.1:8787")
    add_secret_option(p, STREAM_KEY, "the room's stream key")
    add_secret_option(p, OWNER_TOKEN, "the room's owner token, for --rehearsal and --rundown")
    p.add_argument(
        "--rehearsal",
        action="store_true",
        help="rehearse (彩排): the room is unlisted and its orders are test orders during the broadcast; at the"
        " end its test orders are cancelled (stock back) and its campaigns ended. Needs the owner token",
    )
    p.add_argument("--out", type=Path, help="also (or only) write the HLS ladder to this folder")
    p.add_argument("--duration", type=_positive_seconds, help="stop after this many seconds (default: until Ctrl-C)")
    p.add_argument("--quiet", action="store_true", help="do not print stats every 5 s")
    p.add_argument(
        "--rundown",
        type=Path,
        metavar="FILE",
        help="play this run-of-show (JSON or CSV, docs/rundown.md) with timed auto-advance; the broadcast ends"
        " after its last segment. Needs the owner token",
    )
    _add_media_options(p, mic="default")
    p.set_defaults(func=cmd_broadcast)

    p = sub.add_parser("report", help="the post-live report (复盘) of a room's show, from its event log")
    p.add_argument("room", help="room name")
    p.add_argument("--out", type=Path, required=True, help="FILE.html (the report page) or FILE.json (its numbers)")
    p.add_argument("--relay", help="read the log from this relay, e.g. http://127.0.0.1:8787")
    add_secret_option(p, OWNER_TOKEN, "the room's owner token for --relay")
    p.add_argument("--data", type=Path, help="or read it from a relay's data folder (the relay need not run)")
    p.add_argument("--show", type=_show_number, help="which broadcast of the room (1, 2, ...; default: the last)")
    p.add_argument("--lang", choices=("zh_CN", "en"), help="report language (default: $SHOPCAST_LANG or the locale)")
    p.add_argument("--csv", type=Path, metavar="DIR", help="also write every table as CSV into DIR")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("simulate", help="a scripted show with a known truth (demos and tests)")
    p.add_argument("--data", type=Path, help="run it in-process on a simulated clock into this relay data folder")
    p.add_argument("--relay", help="or run it against this relay, e.g. http://127.0.0.1:8787 (real time)")
    add_secret_option(p, OWNER_TOKEN, "the room's owner token for --relay")
    add_secret_option(p, SIMULATED_STREAM_KEY, "--relay: also start and end a stream with the room's stream key"
                      " (leave out while a studio streams)")  # fmt: skip
    p.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="--relay: this many times real time (default 1; above about 5, start that relay with --rate-limit-scale"
        " SPEED, or its viewers' rate limits refuse the quickened viewers)",
    )
    p.add_argument("--room", default="sim", help="room name (default %(default)s; must exist for --relay)")
    p.add_argument("--truth", type=Path, help="write every number the report should show to this JSON file")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("plugins", help="list the plugins and their settings")
    p.add_argument("--lang", choices=("en", "zh_CN"), default="en", help="label language (default %(default)s)")
    p.set_defaults(func=cmd_plugins)

    for name, help_text in (("studio", "open the studio window"), ("demo", "bundled relay + demo room + studio")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host", default="127.0.0.1", help="bundled relay address (default %(default)s)")
        p.add_argument("--port", type=_port, default=DEFAULT_PORT, help="bundled relay port (default %(default)s)")
        p.add_argument("--data", type=Path, default=default_data(name), help="bundled relay data (default %(default)s)")
        p.add_argument("--room", default="demo", help="room name (default %(default)s)")
        p.add_argument("--lang", choices=("en", "zh_CN"), help="interface language (default: the system's)")
        _add_webrtc_options(p, "co-hosts and the bundled relay's WebRTC (ultra-low latency) viewers")
        p.add_argument(
            "--ice-server",
            type=_ice_server,
            action="append",
            default=[],
            metavar="URL",
            help="a STUN or TURN server for co-hosts' connections, e.g. stun:stun.example.com:3478"
            " or turn:user:pass@turn.example.com (repeat)",
        )
        p.add_argument(
            "--catalog",
            type=Path,
            default=assets_dir() / "demo" / "catalog.json" if name == "demo" else None,
            help="products (JSON or CSV) to put in the room if it has none yet"
            + (" (default: the demo catalog)" if name == "demo" else ""),
        )
        p.add_argument(
            "--rundown",
            dest="rundown_file",
            type=Path,
            metavar="FILE",
            default=assets_dir() / "demo" / "rundown.json" if name == "demo" else None,
            help="a run-of-show (JSON or CSV, docs/rundown.md) to put in the room if it has none yet"
            + (" (default: the demo's)" if name == "demo" else ""),
        )
        _add_media_options(
            p,
            mic="default",
            scenes_default=SCENES_FILE_NAME + (" beside the settings" if name == "studio" else " in --data"),
        )
        if name == "studio":
            p.add_argument("--title", default="ShopCast live", help="room title (default %(default)s)")
            p.add_argument("--relay", help="use this relay instead of the bundled one")
            add_secret_option(p, STREAM_KEY, "stream key for --relay")
            add_secret_option(p, OWNER_TOKEN, "owner token for --relay's commerce API")
            p.add_argument("--go-live", action="store_true", help="go live as soon as the relay is ready")
            _defaults_from_settings(p)
            p.set_defaults(func=cmd_studio)
        else:
            p.add_argument("--headless", action="store_true", help="no window even if a display exists")
            p.add_argument("--duration", type=_positive_seconds, help="headless: stop after this many seconds")
            p.add_argument("--quiet", action="store_true", help="headless: do not print stats every 5 s")
            p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    read_secret_files(parser, args)  # --key-file and the like: the secret where --key put it
    part, segment = getattr(args, "part", 0), getattr(args, "segment", 1.0)
    if part and part > segment / 2:
        parser.error(f"--part {part:g} is longer than half a segment ({segment / 2:g} s); use 0 for plain HLS")
    try:
        hosts_from_env()  # a bad SHOPCAST_ICE_HOSTS is named before anything starts
    except ValueError as exc:
        parser.error(str(exc))
    if hasattr(args, "filters"):
        registry = discover()
        try:
            args.filters = resolve_filters(args.filters, registry)
        except ValueError as exc:
            parser.error(str(exc))
        # Sound cannot skip a frame the way a picture can: audio filters are never kept on.
        args.keep_on = tuple(
            plugin_id
            for plugin_id, _ in args.filters
            if args.keep_filters_on and registry.get(plugin_id).kind is not Kind.AUDIO_FILTER
        )
        if args.keep_filters_on and not args.keep_on:
            parser.error("--keep-filters-on keeps the video filters and overlays switched on here, and none is:"
                         " add --beautify, --filter ID or --overlay ID")  # fmt: skip
    setup_logging(args.verbose)
    result: int = args.func(args)
    return result
