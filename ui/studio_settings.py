"""The studio window's settings, hotkeys, menus and dock layout (installed on it by :class:`StudioSettingsUi`).

- Menus: File → Settings… (Ctrl+,) and Quit; View → the docks (shown or hidden) and Reset layout;
  Show → every hotkey action, so each can be found and its key seen; Help → About ShopCast (the
  versions, ui/about_dialog.py).
- Hotkeys: one QAction per action of ``app.settings_store.HOTKEY_ACTIONS`` on the window, with the key
  sequence saved in the settings and ``Qt.ApplicationShortcut`` context (they work from a floating dock
  too); ``StudioWindow.hotkey_actions`` holds them by id. A key without Ctrl/Alt/Meta (Page Down) is
  left to a focused widget that edits with keys (a text field, a number box, a fader). Go Live presses
  the Go Live / End Live button (so ending still asks); Next segment and Launch promotion call the
  window's ``next_segment()`` and ``launch_promotion()``; Scene N puts scene N of the edited canvas on
  air; Transition runs the studio mode's transition; Mute flips the microphone's mute in the mixer;
  Beautify switches the beautify filter (``shopcast.beautify``).
- Settings: the Settings window (ui/settings_dialog.py) edits the saved settings; on OK they are saved,
  the hotkeys change at once and, when the session was built from the settings, the outputs, ladder
  and preset of the next Go Live follow them.
- Layout: the window's geometry and its docks' arrangement are saved when it closes and restored when
  it opens; View → Reset layout restores the arrangement the studio starts with (taken when the window
  is first shown, once its docks are tabbed, before the saved one is put back).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QDockWidget,
    QKeySequenceEdit,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
)

from app.session import SessionError
from app.settings_store import (
    HOTKEY_ACTIONS,
    Overrides,
    SavedLayout,
    SettingsStore,
    StudioSettings,
    applies_when,
    changed,
    effective,
    next_live_config,
)
from app.studio_show import MIC
from ui.about_dialog import AboutDialog
from ui.settings_dialog import SettingsDialog
from ui.studio_hotkeys import hotkey_label

if TYPE_CHECKING:
    from ui.studio_window import StudioWindow

log = logging.getLogger(__name__)

LAYOUT_VERSION = 1
"""``QMainWindow.saveState``'s version: a saved layout of another version is not restored."""
BEAUTIFY = "shopcast.beautify"


_EDITORS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QAbstractSlider, QKeySequenceEdit)
"""Widgets whose own use of a plain key (Page Down in text, on a fader) wins over a hotkey. Lists are not
among them: after a click on a segment of the run of show, the clicker's Page Down still runs Next."""
_CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


class _EditorsKeepTheirKeys(QObject):
    """A hotkey without Ctrl, Alt or Meta (Page Down, a clicker's "next") is left to the widget with
    the focus when that widget edits with keys — a text field, a number box, a fader — so typing
    never runs the show; anywhere else it runs its action."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & _CHORD
            and isinstance(watched, _EDITORS)
        ):
            event.accept()  # the focus widget takes the key (it is not a shortcut here)
        return False


class StudioSettingsUi(QObject):
    """Settings, hotkeys, menus and layout of one studio window (module docstring)."""

    def __init__(self, window: StudioWindow, store: SettingsStore | None, overrides: Overrides | None) -> None:
        super().__init__(window)
        self.window = window
        self.store = store if store is not None else SettingsStore(None)
        self.overrides = overrides
        """The command line's options, when the session was built from the settings (None: it was not)."""
        self.dialog: SettingsDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.default_state: QByteArray | None = None
        self._shown = False
        self._build_menus()
        self._build_hotkeys()
        self._editor_keys = _EditorsKeepTheirKeys(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self._editor_keys)
        self.apply_hotkeys(self.store.settings)
        saved = self.store.load_layout()
        self._saved_layout = saved
        if saved is not None:
            window.restoreGeometry(QByteArray(saved.geometry))
        problem = self.store.problem
        if problem is not None:
            kept = problem.kept.name if problem.kept is not None else "-"
            text = self.tr("The settings file could not be used (%1); the defaults apply. It is kept as %2.")
            window._add_notice("warning", text.replace("%1", f"{problem.field}: {problem.message}").replace("%2", kept))

    # --- menus -----------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.file_menu.setObjectName("file-menu")
        self.settings_action = QAction(self.tr("&Settings…"), w)
        self.settings_action.setObjectName("settings-action")
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        self.file_menu.addAction(self.settings_action)
        quit_action = getattr(w, "quit_action", None)
        if isinstance(quit_action, QAction):
            self.file_menu.addSeparator()
            self.file_menu.addAction(quit_action)

        self.view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu.setObjectName("view-menu")
        self.docks_menu = self.view_menu.addMenu(self.tr("Docks"))
        self.docks_menu.setObjectName("docks-menu")
        self.docks_menu.aboutToShow.connect(self._fill_docks_menu)
        self.view_menu.addSeparator()
        self.reset_layout_action = QAction(self.tr("Reset layout"), w)
        self.reset_layout_action.setObjectName("reset-layout")
        self.reset_layout_action.setToolTip(self.tr("Put every dock back where the studio starts with it"))
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.view_menu.addAction(self.reset_layout_action)

        self.show_menu = bar.addMenu(self.tr("&Show"))
        self.show_menu.setObjectName("show-menu")

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.help_menu.setObjectName("help-menu")
        self.about_action = QAction(self.tr("About ShopCast"), w)
        self.about_action.setObjectName("about-action")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.open_about)
        self.help_menu.addAction(self.about_action)

    @Slot()
    def open_about(self) -> AboutDialog:
        """Open the About box (one at a time)."""
        if self.about_dialog is not None and self.about_dialog.isVisible():
            self.about_dialog.raise_()
            return self.about_dialog
        self.about_dialog = AboutDialog(self.window)
        self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog.destroyed.connect(self._about_gone)
        self.about_dialog.open()
        return self.about_dialog

    @Slot()
    def _about_gone(self) -> None:
        self.about_dialog = None

    @Slot()
    def _fill_docks_menu(self) -> None:
        """Every dock, whoever added it, with its show / hide switch."""
        self.docks_menu.clear()
        docks = sorted(self.window.findChildren(QDockWidget), key=lambda d: d.windowTitle().lower())
        for dock in docks:
            if dock.objectName():
                self.docks_menu.addAction(dock.toggleViewAction())

    # --- hotkeys ---------------------------------------------------------------------------------

    def _build_hotkeys(self) -> None:
        w = self.window
        scenes = QMenu(self.tr("Scenes"), self.show_menu)
        for action_id in HOTKEY_ACTIONS:
            action = QAction(hotkey_label(action_id), w)
            action.setObjectName(f"hotkey:{action_id}")
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.setAutoRepeat(False)  # a held key (or a clicker that repeats) is one press
            action.triggered.connect(lambda _checked=False, a=action_id: self.run_hotkey(a))
            w.addAction(action)
            w.hotkey_actions[action_id] = action
            (scenes if action_id.startswith("scene_") else self.show_menu).addAction(action)
        self.show_menu.addMenu(scenes)

    def apply_hotkeys(self, settings: StudioSettings) -> None:
        for action_id, action in self.window.hotkey_actions.items():
            action.setShortcut(QKeySequence(settings.hotkeys.get(action_id, "")))

    def run_hotkey(self, action_id: str) -> None:
        """Do what the hotkey ``action_id`` does (module docstring)."""
        w = self.window
        if action_id == "go_live":
            if w.live_button.isEnabled():
                w.live_button.click()
        elif action_id == "next_segment":
            w.next_segment()
        elif action_id == "launch_promotion":
            w.launch_promotion()
        elif action_id.startswith("scene_"):
            w.scenes_dock.put_on_air(int(action_id.removeprefix("scene_")))
        elif action_id == "studio_transition":
            self._transition()
        elif action_id == "mute_mic":
            self._mute_mic()
        elif action_id == "beautify_toggle":
            self._toggle_beautify()

    def _transition(self) -> None:
        w = self.window
        if not w.editing.studio_mode:
            w.statusBar().showMessage(self.tr("Studio mode is off: the transition puts the preview on air"), 4000)
            return
        canvas = w.editing.canvas
        w.editing.run(lambda s: s.transition(canvas, None))

    def _mute_mic(self) -> None:
        w = self.window
        try:
            show = w.session.show
        except SessionError:
            return
        strip = next((s for s in show.strips() if s.id == MIC), None)
        if strip is None:
            return
        with suppress(KeyError, ValueError):
            show.set_muted(MIC, not strip.muted)
            w.statusBar().showMessage(self.tr("Microphone on") if strip.muted else self.tr("Microphone muted"), 3000)

    def _toggle_beautify(self) -> None:
        w = self.window
        chain = w.session.video_filters
        if BEAUTIFY not in chain.ids:
            w.statusBar().showMessage(self.tr("Beautify is not installed"), 4000)
            return
        on = not chain.state(BEAUTIFY).enabled
        try:
            chain.enable(BEAUTIFY, on)
        except Exception as exc:  # the chain marked it failed; say why
            w._add_notice("error", self.tr("Beautify could not be switched: %1").replace("%1", str(exc)))
            return
        w.statusBar().showMessage(self.tr("Beautify on") if on else self.tr("Beautify off"), 3000)

    # --- settings --------------------------------------------------------------------------------

    @Slot()
    def open_settings(self) -> SettingsDialog:
        """Open the Settings window (window-modal: hotkeys wait while it is open)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        w = self.window
        self.dialog = SettingsDialog(
            self.store.settings,
            self.apply,
            live=w.live_state != "idle",
            overridden=self.overrides.given() if self.overrides is not None else [],
            applies_to_session=self.overrides is not None,
            devices=w.session.devices,
            parent=w,
        )
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._dialog_gone)
        self.dialog.open()
        return self.dialog

    @Slot()
    def _dialog_gone(self) -> None:
        self.dialog = None

    def apply(self, settings: StudioSettings) -> None:
        """Save ``settings`` and apply what can be now (raises SettingError / OSError: nothing changed)."""
        w = self.window
        before = self.store.settings
        self.store.save(settings)
        self.apply_hotkeys(settings)
        if self.overrides is not None:
            w.session.config = next_live_config(w.session.config, effective(settings, self.overrides))
        names = changed(before, settings)
        if not names:
            return
        w._add_notice("info", self.tr("Settings saved."))
        when = {applies_when(n) for n in names if n != "language"}
        if "language" in names:
            w._add_notice("info", self.tr("The language changes the next time the studio starts."))
        if "next_start" in when:
            w._add_notice("info", self.tr("Some of the changes apply the next time the studio starts."))
        if "next_live" in when and self.overrides is not None and w.live_state != "idle":
            w._add_notice("info", self.tr("The output and video changes apply at the next Go Live."))

    # --- layout ----------------------------------------------------------------------------------

    def window_shown(self) -> None:
        """The window is shown (its docks tabbed): take the default arrangement, then put the saved one back."""
        if self._shown:
            return
        self._shown = True
        self.default_state = self.window.saveState(LAYOUT_VERSION)
        if self._saved_layout is not None and not self.window.restoreState(
            QByteArray(self._saved_layout.state), LAYOUT_VERSION
        ):
            log.warning("the saved dock layout could not be restored; using the default one")

    def save_layout(self) -> None:
        w = self.window
        layout = SavedLayout(bytes(w.saveGeometry().data()), bytes(w.saveState(LAYOUT_VERSION).data()))
        try:
            self.store.save_layout(layout)
        except OSError as exc:
            log.warning("could not save the window layout: %s", exc)

    @Slot()
    def reset_layout(self) -> None:
        if self.default_state is not None:
            self.window.restoreState(self.default_state, LAYOUT_VERSION)
