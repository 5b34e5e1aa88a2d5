"""The show's pictures: every canvas's scene on air, its transitions, and the studio mode's preview.

:class:`ShowVideo` is the program's video producer (:class:`pipeline.program.VideoProducer`). Each
frame it renders, for every canvas of the scene collection, the canvas's program scene — or, during a
transition, the scene it leaves and the scene it goes to, blended — and then the canvas's post stages
(co-hosts composed over the scene, overlays). The studio changes what is on air by handing it a new
collection (and the transitions to run) in one assignment: the next frame renders it, so a switch
from a hotkey or a click takes effect on the next frame, and a transition's frames follow the
program's own frame count, so a fade never drops or repeats a frame.

Studio mode (OBS's): while it is on for a canvas, the scene in preview is rendered too, every
``preview_every`` frames (the preview is for the host's eyes, not for the stream), as the extra
picture ``preview:<canvas>``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import cv2
import numpy as np

from pipeline.frames import Image
from pipeline.scene import SceneCollection, Transition, TransitionKind
from pipeline.scene_render import SceneRenderer, SourceFrames
from pipeline.sources.base import FrameTime

PostStage = Callable[[Image], Image]
"""A canvas's picture in, the picture with more on it out (co-hosts, overlays); must not raise."""


def preview_name(canvas: str) -> str:
    """The name of a canvas's studio-mode preview picture among the program's pictures."""
    return f"preview:{canvas}"


@dataclass(frozen=True, slots=True, eq=False)
class Fade:
    """A transition in progress on one canvas: from ``from_scene`` to the canvas's program scene."""

    from_scene: str
    frames: int
    """Frames the blend lasts (the frame after them shows the new scene alone)."""


@dataclass(frozen=True, slots=True)
class _State:
    collection: SceneCollection
    fades: Mapping[str, Fade] = field(default_factory=dict)
    """Canvas name → the transition started with this state."""


@dataclass(slots=True)
class _Running:
    fade: Fade
    start: int
    """The program frame index of the fade's first frame."""


def fade_frames(transition: Transition, fps: Fraction) -> int:
    """How many frames a transition blends for at ``fps`` (0 for a cut)."""
    if transition.kind is TransitionKind.CUT or transition.duration_ms == 0:
        return 0
    return max(1, round(transition.duration_ms * fps / 1000))


class ShowVideo:
    """Renders the show (module docstring). ``render`` runs on the program thread; the rest from any."""

    def __init__(
        self, collection: SceneCollection, frames: SourceFrames, fps: Fraction, preview_every: int = 3
    ) -> None:
        self.fps = fps
        self.frames = frames
        self.preview_every = preview_every
        self._state = _State(collection)
        self._renderers = {c.canvas.name: SceneRenderer(c.canvas.width, c.canvas.height) for c in collection.canvases}
        self._preview_renderers = {
            c.canvas.name: SceneRenderer(c.canvas.width, c.canvas.height) for c in collection.canvases
        }
        self._post: dict[str, tuple[PostStage, ...]] = {}
        self._studio_mode: frozenset[str] = frozenset()
        self._running: dict[str, _Running] = {}
        self._seen_fades: dict[str, Fade] = {}
        self._on_air: dict[str, str] = {c.canvas.name: c.program for c in collection.canvases}
        self._lock = threading.Lock()
        self.switched_at: dict[str, int] = {}
        """Canvas → the program frame index at which its last scene change (cut or fade start) was drawn."""

    @property
    def collection(self) -> SceneCollection:
        return self._state.collection

    def show(self, collection: SceneCollection, transitions: Mapping[str, Transition] | None = None) -> None:
        """Put ``collection`` on air from the next frame. A canvas whose program scene changes cuts to it,
        or blends into it over ``transitions[canvas]``."""
        if [c.canvas for c in collection.canvases] != [c.canvas for c in self._state.collection.canvases]:
            raise ValueError("the canvases of a show cannot change while it runs")
        with self._lock:  # two callers must not both read the old state and lose one's fade
            old = self._state
            fades: dict[str, Fade] = {}
            for canvas in collection.canvases:
                name = canvas.canvas.name
                before = old.collection.canvas(name).program
                wanted = (transitions or {}).get(name)
                if canvas.program != before and wanted is not None:
                    frames = fade_frames(wanted, self.fps)
                    if frames:
                        fades[name] = Fade(before, frames)
                elif name in old.fades and canvas.program == before:
                    fades[name] = old.fades[name]  # an edit during a fade lets it finish
            self._state = _State(collection, fades)

    def set_post(self, canvas: str, stages: tuple[PostStage, ...]) -> None:
        """Run ``stages`` over the canvas's scene picture, in order, every frame."""
        self._post = {**self._post, canvas: stages}

    def set_studio_mode(self, canvases: frozenset[str]) -> None:
        """Render the preview scene of these canvases too (``preview:<canvas>`` pictures)."""
        self._studio_mode = canvases

    # --- the program thread ----------------------------------------------------------------------

    def render(self, at: FrameTime) -> dict[str, Image]:
        state = self._state
        pictures: dict[str, Image] = {}
        for canvas in state.collection.canvases:
            name = canvas.canvas.name
            image = self._program_picture(state, name, at)
            for stage in self._post.get(name, ()):
                image = stage(image)
            pictures[name] = image
            if name in self._studio_mode and at.index % self.preview_every == 0:
                scene = canvas.preview_scene
                pictures[preview_name(name)] = self._preview_renderers[name].render(scene, self.frames, at)
        return pictures

    def _program_picture(self, state: _State, canvas: str, at: FrameTime) -> Image:
        scenes = state.collection.canvas(canvas)
        renderer = self._renderers[canvas]
        target = scenes.program_scene
        fade = state.fades.get(canvas)
        if fade is not None and self._seen_fades.get(canvas) is not fade:
            self._seen_fades[canvas] = fade
            self._running[canvas] = _Running(fade, at.index)
        if self._on_air.get(canvas) != target.id:
            self._on_air[canvas] = target.id
            self.switched_at[canvas] = at.index
        running = self._running.get(canvas)
        if running is not None:
            step = at.index - running.start
            if step >= running.fade.frames or running.fade.from_scene == target.id:
                del self._running[canvas]
            else:
                try:
                    leaving = scenes.scene(running.fade.from_scene)
                except ValueError:  # removed meanwhile: nothing to leave from
                    del self._running[canvas]
                else:
                    # Frame k of n shows (k + 1) / (n + 1) of the new scene: the first frame already
                    # differs from the old scene and the last one from the new.
                    share = (step + 1) / (running.fade.frames + 1)
                    old = renderer.render(leaving, self.frames, at)
                    new = renderer.render(target, self.frames, at)
                    renderer.retain({leaving.id, target.id})
                    return np.asarray(cv2.addWeighted(old, 1.0 - share, new, share, 0.0), np.uint8)
        picture = renderer.render(target, self.frames, at)
        renderer.retain({target.id})
        return picture
