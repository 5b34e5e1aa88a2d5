"""What a studio session is asked to do: its sources, its picture and ladder, where it sends the stream.

These are plain frozen records, apart from the session that runs them, so the CLI and the GUI entry point
can build a configuration (and tests can read one) without pulling in the controller and its threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.broadcast import BroadcastSettings
from pipeline.ice import hosts_from_env
from pipeline.program import ProgramSettings


@dataclass(frozen=True, slots=True)
class ExternalRelay:
    """Push to a relay someone else runs: its URL, the room and the room's stream key (and, to run
    the room's commerce console, its owner token)."""

    url: str
    room: str
    stream_key: str
    owner_token: str | None = None


@dataclass(frozen=True, slots=True)
class BundledRelayConfig:
    """Start a relay as a child process and open ``room`` on it."""

    data_dir: Path
    room: str = "demo"
    title: str = "ShopCast demo"
    host: str = "127.0.0.1"
    port: int = 0
    whep_seats: int = 20
    """WebRTC (WHEP) viewers the relay serves at a time; more watch LL-HLS."""
    ice_hosts: tuple[str, ...] = ()
    """Addresses the relay offers WebRTC viewers (default: its SHOPCAST_ICE_HOSTS, else every one)."""


@dataclass(frozen=True, slots=True)
class WhipTarget:
    url: str
    token: str | None = None
    """Sent as ``Authorization: Bearer``."""


@dataclass(frozen=True, slots=True)
class HttpOrigin:
    """A plain HTTP origin the ladder is PUT to as files (a CDN's ingest origin, nginx WebDAV): every
    playlist, init segment, segment and part under ``url``, as the relay gets them."""

    url: str
    token: str | None = None
    """Sent as ``Authorization: Bearer``."""


@dataclass(frozen=True, slots=True)
class SessionConfig:
    source: str | None = None
    """The host camera (``camera[:N]``, ``test``, ``file:PATH``); None keeps the scene collection's,
    or the first camera for a new show."""
    mic: str = "default"
    program: ProgramSettings = field(default_factory=ProgramSettings)
    broadcast: BroadcastSettings = field(default_factory=BroadcastSettings)
    relay: ExternalRelay | BundledRelayConfig | None = None
    record_dir: Path | None = None
    """Also write the stream's HLS files to this folder."""
    recording_dir: Path | None = None
    """Record the top rung and the audio to a fragmented MP4 in this folder (playable after a crash)."""
    rtmp_urls: tuple[str, ...] = ()
    """Also push the top rung and the audio to these RTMP ingests, each with its own reconnect."""
    whip_targets: tuple[WhipTarget, ...] = ()
    """Also push the top rung and the audio to these WHIP endpoints, each with its own reconnect."""
    http_origins: tuple[HttpOrigin, ...] = ()
    """Also PUT the whole ladder (every canvas) to these HTTP origins, each with its own retries."""
    catalog: Path | None = None
    """Import this catalog (JSON or CSV) into the room when it has no products yet, and pin the first."""
    rundown: Path | None = None
    """Save this run-of-show (JSON or CSV, app/rundown.py) in the room when it has none yet."""
    realtime: bool = True
    """When going to a relay, also send it the top rung and the sound as they are made (the realtime
    sample stream its WebRTC viewers are served from, app/relay/whep.py)."""
    ice_servers: tuple[str, ...] = ()
    """STUN/TURN servers (``stun:host:port``, ``turn:user:password@host``) for co-hosts' connections; none by
    default (guests on the same network or reaching the studio directly)."""
    ice_hosts: tuple[str, ...] = field(default_factory=hosts_from_env)
    """Offer only these local addresses to co-hosts (default: every interface; SHOPCAST_ICE_HOSTS)."""
    filters: tuple[tuple[str, dict[str, Any]], ...] = ()
    """Filter and overlay plugins switched on from the start, each with the settings it differs in (plugin id,
    {setting: value}); unknown ids and bad values are refused when the session is made."""
    scenes_file: Path | None = None
    """The scene collection's file: restored at start (the templates when it does not exist yet) and
    saved after every change; None keeps the scenes in memory only."""
    scene: str | None = None
    """Start with this scene on air (its id or name) on every canvas that has one."""
    language: str = "en"
    """The interface language (``en`` or ``zh_CN``): new scenes' names, the words drawn into the picture."""
    keep_on: tuple[str, ...] = ()
    """Video filters and overlays never bypassed under overload (the picture misses frames instead):
    a host who would rather lose frames than be seen without beautify. Not audio filters."""
