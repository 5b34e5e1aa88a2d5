"""The show's picture and sound in the studio: scenes of sources on every canvas, and the mixer.

:class:`StudioShow` puts together what the program renders (pipeline/program.py):

* video — the scene collection (restored from its file, or the commerce templates for a new show:
  app/scene_templates.py), the running sources (plugins/source_pool.py, the Filters dock's video
  filters on the host camera), the renderer with its transitions (pipeline/show.py) and, per canvas,
  the co-hosts composed over a scene that does not place them itself and the overlay plugins;
* sound — the mixer (pipeline/mixer.py): the microphone through the audio filters, each media
  file's sound while its source is on air, each with a fader, mute and meter; the co-hosts are mixed
  in after it (their mix-minus is made from it); and monitoring to the speakers, off by default;
* what sources need from the studio (plugins.api.Services): the devices, the room's pinned product
  for the product card (app/product_card_feed.py, fed by the owner feed) and the co-hosts' pictures.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from app.cohost import Cohosting
from app.paths import assets_dir
from app.product_card_feed import MAX_IMAGE_BYTES, PinnedProduct
from app.scene_templates import HOST, fit_canvases, host_source, template_collection, words
from app.scenes import Scenes, ScenesFileError, load_collection
from app.session_config import SessionConfig
from app.session_events import Notice
from app.stream_health import InputStatus
from pipeline.clock import Clock
from pipeline.filters.meter import MeterLevels
from pipeline.frames import AudioChunk, Image
from pipeline.mixer import Channel, ProgramMixer
from pipeline.program import Program
from pipeline.scene import SceneCollection, SceneError, SourceSpec
from pipeline.show import ShowVideo
from pipeline.sources import (
    DeviceBackend,
    SourceError,
    SystemDevices,
    checked_video_spec,
    open_audio_source,
    parse_video_spec,
)
from pipeline.sources.audio import MicrophoneSource
from pipeline.sources.devices import SpeakerHandle
from plugins.api import Context, Services, Text
from plugins.builtin.source_records import CAMERA
from plugins.chain import Chain
from plugins.registry import Registry
from plugins.source_pool import SourcePool

log = logging.getLogger(__name__)

COHOST_PLUGIN = "shopcast.cohost"
MIC = "mic"
STAND_INS = {"test tone": "测试音", "silence": "静音"}
"""The microphone's stand-ins (pipeline/sources/audio.py) in Chinese; a real device keeps its own name."""


@dataclass(frozen=True, slots=True)
class MixerStrip:
    """One channel of the mixer as the Audio mixer dock shows it."""

    id: str
    """``mic``, ``media:<source id>`` or ``guest:<session>``."""
    name: Text
    kind: str
    """``mic``, ``media`` or ``guest``."""
    gain_db: float
    muted: bool
    levels: MeterLevels | None
    on_air: bool = True


@dataclass(frozen=True, slots=True)
class _OnAir:
    collection: SceneCollection
    sources: frozenset[str]
    """The sources of every canvas's program scene (visible layers)."""
    places_guests: frozenset[str]
    """The canvases whose program scene shows co-host tiles itself."""


class StudioShow:
    """The program's video producer and audio source for one studio session (module docstring)."""

    def __init__(
        self,
        config: SessionConfig,
        *,
        registry: Registry,
        clock: Clock,
        devices: DeviceBackend | None,
        video_filters: Chain,
        audio_filters: Chain,
        overlays: Chain,
        cohosting: Cohosting,
        emit: Callable[[object], None],
        background: Callable[[Callable[[], None]], None],
        relay_url: Callable[[], str | None],
    ) -> None:
        self.config = config
        self._clock = clock
        self._devices = devices
        self._emit = emit
        self._relay_url = relay_url
        self._cohosting = cohosting
        self._overlays = overlays
        self._images = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopcast-product-images")
        self.pinned = PinnedProduct(self._fetch_image, self._images)
        self._cue_seen: tuple[Any, ...] | None = None
        """The product card's data, from the owner feed."""
        p = config.program
        self.language = config.language
        services = Services(devices=devices, products=self.pinned, guests=cohosting, language=config.language)
        context = Context(p.width, p.height, float(p.fps), p.sample_rate, p.channels, str(assets_dir()), services)
        self.pool = SourcePool(registry, context, video_filter=video_filters.process, notify=self._notify)
        self._audio_filters = audio_filters
        self.mixer = ProgramMixer(p.sample_rate, p.channels)
        self._on_air: _OnAir | None = None
        self._monitor_lock = threading.Lock()
        self.monitoring = False
        self._speaker: SpeakerHandle | None = None
        collection = self._initial_collection()
        self.pool.sync(collection.sources)
        self.video = ShowVideo(collection, self.pool, p.fps)
        for canvas in collection.canvases:
            name = canvas.canvas.name
            self.video.set_post(name, (self._cohosts_over(name), overlays.process))
        self.scenes = Scenes(
            collection,
            self.video,
            path=config.scenes_file,
            sync_sources=self._sync_sources,
            background=background,
            emit=self._emit,
        )
        self._refresh_media_channels()

    # --- the collection ----------------------------------------------------------------------------

    def _initial_collection(self) -> SceneCollection:
        c = self.config
        canvases = c.program.canvases
        w = words(self.language)
        collection: SceneCollection | None = None
        path = c.scenes_file
        if path is not None and path.exists():
            try:
                collection = fit_canvases(load_collection(path), canvases, self.language)
            except (ScenesFileError, SceneError) as exc:
                kept = path.with_name(path.name + ".unreadable")
                try:
                    path.replace(kept)
                except OSError:
                    kept = path
                self._emit(
                    Notice(
                        "warning",
                        f"could not read the scene collection ({exc}); starting from the templates"
                        f" (the file is kept as {kept.name})",
                        f"无法读取场景集合（{exc}）；已改用模板场景（原文件保存为 {kept.name}）",
                    )
                )
        if collection is None:
            host = host_source(self._available(c.source or "camera"), w["host"])
            second = len(self._cameras()) > 1
            collection = template_collection(canvases, host, second_camera=second, language=self.language)
        elif c.source is not None:
            collection = collection.with_source(host_source(self._available(c.source), self._host_name(collection)))
        if c.scene is not None:
            collection = self._scene_on_air(collection, c.scene)
        return collection

    @staticmethod
    def _host_name(collection: SceneCollection) -> str:
        return next((s.name for s in collection.sources if s.id == HOST), HOST)

    @staticmethod
    def _scene_on_air(collection: SceneCollection, wanted: str) -> SceneCollection:
        found = False
        for canvas in collection.canvases:
            for scene in canvas.scenes:
                if wanted in (scene.id, scene.name):
                    collection = collection.on_air(canvas.canvas.name, scene.id)
                    found = True
                    break
        if not found:
            names = ", ".join(dict.fromkeys(s.id for c in collection.canvases for s in c.scenes))
            raise SceneError(f"no scene {wanted!r} (the scenes: {names})")
        return collection

    def _cameras(self) -> list[int]:
        try:
            return [d.index for d in (self._devices or SystemDevices()).cameras()]
        except Exception:  # a device listing must never stop the studio from starting
            return []

    def _available(self, spec: str) -> str:
        """``spec``, or the test pattern (with a warning) when it names a camera this machine lacks: a
        new show starts with a picture. (A camera lost later shows its placeholder and comes back.)
        A file the host named must exist: SourceError says what is wrong with it."""
        checked, fallback = checked_video_spec(spec, self._devices)
        if fallback is not None:
            self._emit(Notice("warning", fallback.en, fallback.zh))
        return checked

    def _sync_sources(self, sources: tuple[SourceSpec, ...]) -> None:
        self.pool.sync(sources)
        self._refresh_media_channels()

    def _notify(self, level: str, text: Text) -> None:
        self._emit(Notice(level, text.en, text.zh))

    # --- the host camera (the toolbar's source picker) ------------------------------------------------

    def host_description(self) -> str:
        source = self.pool.source(HOST)
        return source.description if source is not None else "none"

    def switch_host(self, spec: str) -> str:
        """Show ``spec`` (``camera[:N]``, ``test``, ``file:PATH``) as the host camera, in every scene."""
        if parse_video_spec(spec)[0] == "file":
            checked_video_spec(spec)  # SourceError for a file that cannot be read: the host named it
        current = self.scenes.collection  # a camera not plugged in yet shows its placeholder until it is
        updated = current.with_source(host_source(spec, self._host_name(current)))
        self.scenes.edit(lambda _: updated)
        self._sync_sources(updated.sources)  # on the caller's (control) thread: the description is current
        return self.host_description()

    # --- video: the co-hosts over a scene without their tiles -------------------------------------

    def _cohosts_over(self, canvas: str) -> Callable[[Image], Image]:
        def stage(image: Image) -> Image:
            if self._places_guests(canvas):
                return image
            return self._cohosting.compose(image)

        return stage

    def _places_guests(self, canvas: str) -> bool:
        return canvas in self._now_on_air().places_guests

    def _now_on_air(self) -> _OnAir:
        """What the collection on air implies, worked out once per collection: the render and audio
        threads ask every frame and every block."""
        collection = self.scenes.collection
        known = self._on_air
        if known is None or known.collection is not collection:
            plugins = {s.id: s.plugin for s in collection.sources}
            shown = {
                c.canvas.name: [la.source for la in c.program_scene.layers if la.visible] for c in collection.canvases
            }
            known = _OnAir(
                collection,
                frozenset(source for sources in shown.values() for source in sources),
                frozenset(
                    name for name, sources in shown.items() if any(plugins.get(i) == COHOST_PLUGIN for i in sources)
                ),
            )
            self._on_air = known
        return known

    # --- sound ----------------------------------------------------------------------------------------

    def open_microphone(self) -> None:
        """Open the microphone (or its stand-in) as the mixer's first channel."""
        c, p = self.config, self.config.program
        warn = self._source_warning
        mic = open_audio_source(c.mic, sample_rate=p.sample_rate, channels=p.channels, devices=self._devices, warn=warn)
        self.mixer.add(Channel(MIC, mic.description, mic, filter=self._audio_filters.process))

    def _source_warning(self, message: str) -> None:
        self._emit(Notice("warning", message, f"输入源问题：{message}"))

    def _media_on_air(self, source_id: str) -> bool:
        return source_id in self._now_on_air().sources

    def _refresh_media_channels(self) -> None:
        sources = {s.id: s for s in self.scenes.collection.sources}
        audio = self.pool.audio()
        for channel in self.mixer.channels_now:
            if channel.id.startswith("media:") and channel.id[6:] not in audio:
                self.mixer.remove(channel.id)
        for source_id, track in audio.items():
            channel_id = f"media:{source_id}"
            existing = next((ch for ch in self.mixer.channels_now if ch.id == channel_id), None)
            if existing is not None and existing.source is track:
                continue
            name = sources[source_id].name if source_id in sources else source_id
            self.mixer.add(Channel(channel_id, name, track, on_air=functools.partial(self._media_on_air, source_id)))

    def inputs(self) -> tuple[InputStatus, ...]:
        """The microphone (a device: its stand-ins, a tone or silence, cannot be lost) and every camera
        of the collection, lost or not, for the stream health."""
        found: list[InputStatus] = []
        mic = next((c.source for c in self.mixer.channels_now if c.id == MIC), None)
        if isinstance(mic, MicrophoneSource):
            found.append(InputStatus("microphone", "microphone", mic.problem is not None))
        on_air = self._now_on_air().sources
        for spec in self.scenes.collection.sources:
            if spec.plugin == CAMERA.id:
                source = self.pool.source(spec.id)
                lost = source is not None and source.problem is not None
                found.append(InputStatus("camera", spec.name, lost, spec.id in on_air))
        return tuple(found)

    def strips(self) -> list[MixerStrip]:
        """Every channel of the mixer, the co-hosts last, as the Audio mixer dock lists them."""
        strips = []
        for channel in self.mixer.channels_now:
            if channel.id == MIC:
                zh = STAND_INS.get(channel.name, channel.name)
                name = Text(f"Microphone ({channel.name})", f"麦克风（{zh}）")
                kind, on_air = "mic", True
            else:
                name = Text(channel.name, channel.name)
                kind, on_air = "media", self._media_on_air(channel.id.removeprefix("media:"))
            strips.append(
                MixerStrip(channel.id, name, kind, channel.gain_db, channel.muted, channel.meter.levels(), on_air)
            )
        levels = self._cohosting.levels()
        for guest in self._cohosting.guests():
            if guest.state == "gone":
                continue
            strips.append(
                MixerStrip(
                    f"guest:{guest.id}",
                    Text(f"Co-host {guest.name}", f"连麦 {guest.name}"),
                    "guest",
                    guest.gain_db,
                    guest.muted,
                    levels.get(guest.id),
                )
            )
        return strips

    def set_gain(self, strip_id: str, db: float) -> None:
        if strip_id.startswith("guest:"):
            self._cohosting.set_gain(strip_id.removeprefix("guest:"), db)
        else:
            self.mixer.set_gain(strip_id, db)

    def set_muted(self, strip_id: str, muted: bool) -> None:
        if strip_id.startswith("guest:"):
            self._cohosting.set_muted(strip_id.removeprefix("guest:"), muted)
        else:
            self.mixer.set_muted(strip_id, muted)

    def set_monitoring(self, on: bool) -> None:
        """Play the program's sound on this machine's speakers (off by default: a live mic would feed back)."""
        with self._monitor_lock:
            if on == self.monitoring:
                return
            if on:
                p = self.config.program
                devices = self._devices or SystemDevices()
                try:
                    self._speaker = devices.open_speaker(None, p.sample_rate, p.channels)
                except (SourceError, AttributeError, NotImplementedError) as exc:  # no output, or no way to one
                    self._emit(Notice("warning", f"Monitoring is unavailable: {exc}", f"无法监听：{exc}"))
                    return
                self.monitoring = True
            else:
                speaker, self._speaker, self.monitoring = self._speaker, None, False
                if speaker is not None:
                    speaker.close()

    def monitor(self, chunk: AudioChunk) -> None:
        """An audio sink: the program's sound to the speakers while monitoring."""
        speaker = self._speaker
        if speaker is not None:
            speaker.write(chunk.samples)

    # --- the room ---------------------------------------------------------------------------------------

    def on_room_message(self, message: dict[str, Any]) -> None:
        self.pinned.on_feed(message)
        if message.get("type") == "snapshot":
            state = message.get("rundown")
            if isinstance(state, dict):
                self._cue_seen = _cue_key(state)  # where the show already is: not a new cue
        elif message.get("type") == "batch":
            for event in message.get("events", []):
                if event.get("type") == "rundown" and isinstance(event.get("state"), dict):
                    self._follow_cue(event["state"])

    def _follow_cue(self, state: dict[str, Any]) -> None:
        """A new cue of the run-of-show puts its segment's scene on air on every canvas that has it
        (with the collection's transition); a scene no canvas has is told as a notice."""
        key = _cue_key(state)
        if key == self._cue_seen:
            return
        self._cue_seen = key
        segment = state.get("segment")
        wanted = segment.get("scene") if state.get("running") and isinstance(segment, dict) else None
        if not isinstance(wanted, str):
            return
        found = False
        for canvas in self.scenes.collection.canvases:
            scene = next((s for s in canvas.scenes if wanted in (s.id, s.name)), None)
            if scene is not None:
                found = True
                self.scenes.switch(canvas.canvas.name, scene.id)
        if not found:
            self._notify("warning", Text(f"The run-of-show asks for scene {wanted!r}, which this show does not have",
                                         f"直播脚本要求的场景“{wanted}”在本场直播中不存在"))  # fmt: skip

    def _fetch_image(self, url: str) -> bytes | None:
        """A product picture: a path on the relay (``/static/…``) or an http(s) URL; at most MAX_IMAGE_BYTES."""
        if url.startswith("/"):
            base = self._relay_url()
            if base is None:
                return None
            url = base.rstrip("/") + url
        elif not url.startswith(("http://", "https://")):
            return None
        with httpx.stream("GET", url, timeout=5.0, follow_redirects=True) as response:
            if response.status_code != 200:
                return None
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_IMAGE_BYTES:
                    return None
            return bytes(data)

    # --- lifecycle --------------------------------------------------------------------------------------

    def program(self) -> Program:
        """A program (not started) rendering this show and mixing its sound."""
        program = Program(self.config.program, self._clock, self.video, self.mixer)
        program.set_mixer(self._cohosting.mix)
        program.add_audio_sink(self.monitor)
        return program

    def close(self) -> None:
        self.set_monitoring(False)
        self.scenes.close()
        self.pool.close()
        self.mixer.stop()
        self._images.shutdown(wait=True, cancel_futures=True)


def _cue_key(state: dict[str, Any]) -> tuple[Any, ...]:
    """What tells one cue of a run-of-show from another (a repeated message is the same cue)."""
    return (state.get("running"), state.get("cue"), state.get("index"), state.get("started_at"))
