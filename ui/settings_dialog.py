"""The studio's Settings window, laid out as OBS's: the sections in a list on the left (Stream, Output,
Video, Audio & devices, Hotkeys, Language), the chosen one's page on the right, OK / Cancel / Apply.

It edits a :class:`~app.settings_store.StudioSettings` and hands the result to its ``apply`` callable
(the window saves and applies it); a value that cannot be used is named under the pages and its page
shown, and nothing is saved. Stream keys, owner tokens and bearer tokens are shown as dots, each with
its own "Show" switch, so a screenshot or a shared screen does not give them away. A line under the
pages says when what was changed takes effect: the outputs, ladder and preset at the next Go Live (the
show on air keeps what it started with), the stream, canvas, frame rate, devices and language at the
next start, hotkeys at once. On the Hotkeys page each action has a key sequence editor; a sequence
another action (or a menu command) already has is refused with a message, and the editor goes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.settings_store import (
    BUNDLED,
    DEFAULT_HOTKEYS,
    HOTKEY_ACTIONS,
    PRESETS,
    RESERVED_KEYS,
    DeviceSettings,
    OutputSettings,
    RtmpDestination,
    SettingError,
    StreamSettings,
    StudioSettings,
    VideoSettings,
    WhipDestination,
    applies_when,
    changed,
    default_recording_dir,
    normal_keys,
)
from pipeline.sources import DeviceBackend
from ui.i18n import current_language
from ui.studio_hotkeys import hotkey_label, menu_command_label

log = logging.getLogger(__name__)

SECTIONS = ("stream", "output", "video", "devices", "hotkeys", "language")
"""The pages, in the list's order; a setting's name starts with its page's (``output.rtmp[0].key``)."""

ERROR_STYLE = "color: #e5243b;"
NOTE_STYLE = "color: #b07800;"


def setting_problem(error: SettingError, *, with_field: bool = True) -> str:
    """Why a setting cannot be used, in the interface's language where the message has a Chinese form
    (the English names the field: ``stream.room: …``)."""
    if current_language().startswith("zh") and error.message_zh:
        return error.message_zh
    return str(error) if with_field else error.message


def portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


class SecretEdit(QWidget):
    """A stream key or token: dots until the streamer presses Show (a screenshot shows none of it)."""

    def __init__(self, text: str = "", placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(text, self)
        self.edit.setObjectName("secret")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.show_button = QToolButton(self)
        self.show_button.setObjectName("show-secret")
        self.show_button.setCheckable(True)
        self.show_button.setText(self.tr("Show"))
        self.show_button.setToolTip(self.tr("Show or hide it (it is hidden so a screenshot does not give it away)"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.show_button)
        self.show_button.toggled.connect(self._shown)

    @Slot(bool)
    def _shown(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_button.setText(self.tr("Hide") if shown else self.tr("Show"))

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class DestinationList(QWidget):
    """RTMP or WHIP destinations: a row each (URL, key or token, remove), and a button adding one.

    Signals:
        changed(): a row was added, removed or edited.
    """

    changed = Signal()

    def __init__(
        self, url_hint: str, secret_hint: str, add_text: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._url_hint, self._secret_hint = url_hint, secret_hint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(2)
        layout.addLayout(self.rows_layout)
        self.rows: list[tuple[QWidget, QLineEdit, SecretEdit]] = []
        self.add_button = QPushButton(add_text, self)
        self.add_button.setObjectName(f"add-{name}")
        self.add_button.clicked.connect(lambda _checked=False: self.add_row())
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def add_row(self, url: str = "", secret: str = "") -> tuple[QLineEdit, SecretEdit]:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        url_edit = QLineEdit(url, row)
        url_edit.setObjectName("url")
        url_edit.setPlaceholderText(self._url_hint)
        secret_edit = SecretEdit(secret, self._secret_hint, row)
        remove = QToolButton(row)
        remove.setObjectName("remove")
        remove.setText("−")
        remove.setToolTip(self.tr("Remove this destination"))
        layout.addWidget(url_edit, 3)
        layout.addWidget(secret_edit, 2)
        layout.addWidget(remove)
        self.rows_layout.addWidget(row)
        self.rows.append((row, url_edit, secret_edit))
        url_edit.textChanged.connect(self.changed)
        secret_edit.edit.textChanged.connect(self.changed)
        remove.clicked.connect(lambda: self.remove_row(row))
        self.changed.emit()
        return url_edit, secret_edit

    def remove_row(self, row: QWidget) -> None:
        self.rows = [r for r in self.rows if r[0] is not row]
        self.rows_layout.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def values(self) -> list[tuple[str, str]]:
        """(URL, key or token) of every row with something in it."""
        return [(u.text().strip(), s.text()) for _, u, s in self.rows if u.text().strip() or s.text()]


def _combo_value(combo: QComboBox) -> str:
    """An editable drop-down's value: the chosen entry's data, or what was typed."""
    index = combo.currentIndex()
    if index >= 0 and combo.currentText() == combo.itemText(index) and combo.itemData(index) is not None:
        return str(combo.itemData(index))
    return combo.currentText().strip()


def _set_combo(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0:
        index = combo.findText(value)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(value)


class SettingsDialog(QDialog):
    """Settings (module docstring). ``apply`` saves and applies the settings it is given; it raises
    :class:`~app.settings_store.SettingError` or OSError when it cannot, and the dialog says why.

    Signals:
        applied(object): the settings (``StudioSettings``) were applied (OK or Apply).
    """

    applied = Signal(object)

    def __init__(
        self,
        settings: StudioSettings,
        apply: Callable[[StudioSettings], None],
        *,
        live: bool = False,
        overridden: Sequence[str] = (),
        applies_to_session: bool = True,
        devices: DeviceBackend | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings-dialog")
        self.setWindowTitle(self.tr("Settings"))
        self.resize(820, 560)
        self._saved = settings
        self._apply = apply
        self.live = live
        self._overridden = list(overridden)
        self._applies_to_session = applies_to_session
        self._filling = False

        self.sections = QListWidget(self)
        self.sections.setObjectName("sections")
        self.sections.setMaximumWidth(180)
        self.pages = QStackedWidget(self)
        titles = (
            self.tr("Stream"),
            self.tr("Output"),
            self.tr("Video"),
            self.tr("Audio & devices"),
            self.tr("Hotkeys"),
            self.tr("Language"),
        )
        builders: tuple[Callable[[], QWidget], ...] = (
            self._stream_page,
            self._output_page,
            self._video_page,
            lambda: self._devices_page(devices),
            self._hotkeys_page,
            self._language_page,
        )
        for name, title, build in zip(SECTIONS, titles, builders, strict=True):
            self.sections.addItem(title)
            page = build()
            page.setObjectName(f"{name}-page")
            self.pages.addWidget(page)
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)

        self.note = QLabel(self)
        self.note.setObjectName("apply-note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply_button.clicked.connect(self.apply_now)

        top = QHBoxLayout()
        top.addWidget(self.sections)
        top.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.fill(settings)
        self.sections.setCurrentRow(0)

    # --- pages -----------------------------------------------------------------------------------

    def _form_page(self) -> tuple[QWidget, QFormLayout]:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return page, form

    def _hint(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        label.setStyleSheet("color: palette(mid);")
        return label

    def _stream_page(self) -> QWidget:
        page, form = self._form_page()
        self.relay_kind = QComboBox(page)
        self.relay_kind.setObjectName("relay-kind")
        self.relay_kind.addItem(self.tr("Bundled (the studio starts its own)"), BUNDLED)
        self.relay_kind.addItem(self.tr("External relay"), "external")
        self.relay_url = QLineEdit(page)
        self.relay_url.setObjectName("relay-url")
        self.relay_url.setPlaceholderText("https://relay.example.com")
        self.room = QLineEdit(page)
        self.room.setObjectName("room")
        self.stream_key = SecretEdit("", self.tr("The room's stream key"), page)
        self.stream_key.setObjectName("stream-key")
        self.owner_token = SecretEdit("", self.tr("The room's owner token (for the commerce panels)"), page)
        self.owner_token.setObjectName("owner-token")
        form.addRow(self.tr("Relay"), self.relay_kind)
        form.addRow(self.tr("Relay URL"), self.relay_url)
        form.addRow(self.tr("Room"), self.room)
        form.addRow(self.tr("Stream key"), self.stream_key)
        form.addRow(self.tr("Owner token"), self.owner_token)
        form.addRow(
            self._hint(
                self.tr(
                    "The bundled relay makes the room and its keys itself; an external relay's admin gives you"
                    " the room's stream key and owner token."
                ),
                page,
            )
        )
        self.relay_kind.currentIndexChanged.connect(self._relay_kind_changed)
        for edit in (self.relay_url, self.room, self.stream_key.edit, self.owner_token.edit):
            edit.textChanged.connect(self._changed)
        return page

    @Slot()
    def _relay_kind_changed(self) -> None:
        external = self.relay_kind.currentData() != BUNDLED
        for widget in (self.relay_url, self.stream_key, self.owner_token):
            widget.setEnabled(external)
        self._changed()

    def _output_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        recording = QGroupBox(self.tr("Recording"), page)
        rec_layout = QVBoxLayout(recording)
        self.record = QCheckBox(self.tr("Record the show (the top rung and the sound, an MP4 that survives a crash)"))
        self.record.setObjectName("record")
        folder_row = QHBoxLayout()
        self.recording_dir = QLineEdit(recording)
        self.recording_dir.setObjectName("recording-dir")
        self.recording_dir.setPlaceholderText(str(default_recording_dir()))
        browse = QPushButton(self.tr("Browse…"), recording)
        browse.clicked.connect(self._browse_recordings)
        folder_row.addWidget(QLabel(self.tr("Folder"), recording))
        folder_row.addWidget(self.recording_dir, 1)
        folder_row.addWidget(browse)
        rec_layout.addWidget(self.record)
        rec_layout.addLayout(folder_row)
        layout.addWidget(recording)

        rtmp = QGroupBox(self.tr("RTMP destinations (platforms' ingests)"), page)
        rtmp_layout = QVBoxLayout(rtmp)
        self.rtmp = DestinationList(
            "rtmp://live.example.com/app", self.tr("Stream key"), self.tr("Add an RTMP destination"), "rtmp", rtmp
        )
        rtmp_layout.addWidget(self.rtmp)
        layout.addWidget(rtmp)
        whip = QGroupBox(self.tr("WHIP destinations (WebRTC)"), page)
        whip_layout = QVBoxLayout(whip)
        self.whip = DestinationList(
            "https://whip.example.com/live", self.tr("Bearer token (if any)"), self.tr("Add a WHIP destination"),
            "whip", whip,
        )  # fmt: skip
        whip_layout.addWidget(self.whip)
        layout.addWidget(whip)
        layout.addStretch(1)
        self.record.toggled.connect(self._changed)
        self.recording_dir.textChanged.connect(self._changed)
        self.rtmp.changed.connect(self._changed)
        self.whip.changed.connect(self._changed)
        return page

    @Slot()
    def _browse_recordings(self) -> None:
        start = self.recording_dir.text() or str(default_recording_dir())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where recordings go"), start)
        if folder:
            self.recording_dir.setText(folder)

    def _video_page(self) -> QWidget:
        page, form = self._form_page()

        def editable(name: str, items: Sequence[str]) -> QComboBox:
            combo = QComboBox(page)
            combo.setObjectName(name)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItems(list(items))
            combo.currentTextChanged.connect(self._changed)
            return combo

        self.canvas = editable("canvas", ("portrait", "landscape", "portrait,landscape", "1080x1920"))
        self.canvas.setToolTip(
            self.tr("portrait (720x1280), landscape (1280x720), WIDTHxHEIGHT, or two with a comma for dual format")
        )
        self.ladder = editable("ladder", ("720p,480p,360p", "720p,480p", "1080p,720p,480p,360p", "720p"))
        self.ladder.setToolTip(self.tr("The rungs viewers can get, highest first, e.g. 720p,480p,360p"))
        self.fps = editable("fps", ("30", "25", "24", "60", "30000/1001"))
        self.preset = QComboBox(page)
        self.preset.setObjectName("preset")
        for preset in PRESETS:
            self.preset.addItem(self.tr("auto (measured before going live)") if preset == "auto" else preset, preset)
        self.preset.currentIndexChanged.connect(self._changed)
        form.addRow(self.tr("Canvas"), self.canvas)
        form.addRow(self.tr("Ladder"), self.ladder)
        form.addRow(self.tr("Frame rate"), self.fps)
        form.addRow(self.tr("x264 preset"), self.preset)
        return page

    def _devices_page(self, devices: DeviceBackend | None) -> QWidget:
        page, form = self._form_page()
        self.mic = QComboBox(page)
        self.mic.setObjectName("mic")
        self.mic.setEditable(True)
        self.mic.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.mic.addItem(self.tr("The system's default microphone"), "default")
        self.camera = QComboBox(page)
        self.camera.setObjectName("camera")
        self.camera.setEditable(True)
        self.camera.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.camera.addItem(self.tr("As the scenes have it"), "")
        try:
            for mic in devices.microphones() if devices is not None else []:
                self.mic.addItem(f"{mic.index}: {mic.name}", str(mic.index))
            for camera in devices.cameras() if devices is not None else []:
                self.camera.addItem(self.tr("Camera %1").replace("%1", str(camera.index)), f"camera:{camera.index}")
        except Exception as exc:  # a device listing must never keep the settings from opening
            log.warning("could not list the devices for the settings: %s", exc)
        self.mic.addItem(self.tr("A test tone"), "tone")
        self.mic.addItem(self.tr("None (silence)"), "none")
        self.camera.addItem(self.tr("Test pattern"), "test")
        self.mic.currentTextChanged.connect(self._changed)
        self.camera.currentTextChanged.connect(self._changed)
        self.camera.setToolTip(self.tr("camera, camera:N, test or file:PATH"))
        form.addRow(self.tr("Microphone"), self.mic)
        form.addRow(self.tr("Host camera"), self.camera)
        form.addRow(self._hint(self.tr("The toolbar's host camera switches it during the show."), page))
        return page

    def _hotkeys_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.hotkey_table = QTableWidget(len(HOTKEY_ACTIONS), 2, page)
        self.hotkey_table.setObjectName("hotkeys")
        self.hotkey_table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Key")])
        self.hotkey_table.verticalHeader().hide()
        self.hotkey_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.hotkey_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.hotkey_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.key_edits: dict[str, QKeySequenceEdit] = {}
        self._keys: dict[str, str] = {}
        """Each action's sequence as it stands (portable text)."""
        self._before: dict[str, str] = {}
        """An action's sequence before its editor was cleared, to go back to when what follows is refused."""
        for row, action in enumerate(HOTKEY_ACTIONS):
            item = QTableWidgetItem(hotkey_label(action))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.hotkey_table.setItem(row, 0, item)
            edit = QKeySequenceEdit(self.hotkey_table)
            edit.setObjectName(f"key:{action}")
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.keySequenceChanged.connect(lambda sequence, a=action: self._key_set(a, sequence))
            self.hotkey_table.setCellWidget(row, 1, edit)
            self.key_edits[action] = edit
        self.hotkey_message = QLabel(page)
        self.hotkey_message.setObjectName("hotkey-message")
        self.hotkey_message.setWordWrap(True)
        self.hotkey_message.setStyleSheet(ERROR_STYLE)
        defaults = QPushButton(self.tr("Restore the default hotkeys"), page)
        defaults.setObjectName("default-hotkeys")
        defaults.clicked.connect(lambda: self._show_hotkeys(DEFAULT_HOTKEYS))
        layout.addWidget(self.hotkey_table, 1)
        layout.addWidget(self.hotkey_message)
        layout.addWidget(
            self._hint(
                self.tr(
                    'A presentation clicker\'s "next" sends Page Down: by default it starts the next segment.'
                    " Hotkeys work wherever the studio has the focus."
                ),
                page,
            )
        )
        layout.addWidget(defaults, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _language_page(self) -> QWidget:
        page, form = self._form_page()
        self.language = QComboBox(page)
        self.language.setObjectName("language")
        self.language.addItem(self.tr("The system's"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        self.language.currentIndexChanged.connect(self._changed)
        form.addRow(self.tr("Interface language"), self.language)
        form.addRow(self._hint(self.tr("The language changes the next time the studio starts."), page))
        return page

    # --- values ----------------------------------------------------------------------------------

    def fill(self, settings: StudioSettings) -> None:
        """Show ``settings`` in every page."""
        self._filling = True
        try:
            s = settings.stream
            self.relay_kind.setCurrentIndex(0 if s.bundled else 1)
            self.relay_url.setText("" if s.bundled else s.relay)
            self.room.setText(s.room)
            self.stream_key.setText(s.stream_key)
            self.owner_token.setText(s.owner_token)
            self._relay_kind_changed()
            o = settings.output
            self.record.setChecked(o.record)
            self.recording_dir.setText(o.recording_dir)
            for rtmp in o.rtmp:
                self.rtmp.add_row(rtmp.url, rtmp.key)
            for whip in o.whip:
                self.whip.add_row(whip.url, whip.token)
            v = settings.video
            _set_combo(self.canvas, v.canvas)
            _set_combo(self.ladder, v.ladder)
            _set_combo(self.fps, v.fps)
            self.preset.setCurrentIndex(max(0, self.preset.findData(v.preset)))
            _set_combo(self.mic, settings.devices.mic)
            _set_combo(self.camera, settings.devices.camera)
            self._show_hotkeys(settings.hotkeys)
            self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        finally:
            self._filling = False
        self._changed()

    def _show_hotkeys(self, hotkeys: Mapping[str, str]) -> None:
        for action, edit in self.key_edits.items():
            keys = hotkeys.get(action, "")
            self._keys[action] = portable(QKeySequence(keys)) if keys else ""
            edit.blockSignals(True)
            edit.setKeySequence(QKeySequence(self._keys[action]))
            edit.blockSignals(False)
        self._before.clear()
        self.hotkey_message.clear()
        self._changed()

    def settings(self) -> StudioSettings:
        """The settings as the pages show them (not checked)."""
        external = self.relay_kind.currentData() != BUNDLED
        stream = StreamSettings(
            relay=self.relay_url.text().strip().rstrip("/") if external else BUNDLED,
            room=self.room.text().strip(),
            stream_key=self.stream_key.text() if external else self._saved.stream.stream_key,
            owner_token=self.owner_token.text() if external else self._saved.stream.owner_token,
        )
        output = OutputSettings(
            record=self.record.isChecked(),
            recording_dir=self.recording_dir.text().strip(),
            rtmp=tuple(RtmpDestination(url, key) for url, key in self.rtmp.values()),
            whip=tuple(WhipDestination(url, token) for url, token in self.whip.values()),
        )
        video = VideoSettings(
            canvas=self.canvas.currentText().strip(),
            ladder=self.ladder.currentText().strip(),
            fps=self.fps.currentText().strip(),
            preset=str(self.preset.currentData()),
        )
        devices = DeviceSettings(mic=_combo_value(self.mic), camera=_combo_value(self.camera))
        return StudioSettings(
            stream=stream,
            output=output,
            video=video,
            devices=devices,
            hotkeys=dict(self._keys),
            language=str(self.language.currentData()),
        )

    # --- hotkeys ---------------------------------------------------------------------------------

    def _key_set(self, action: str, sequence: QKeySequence) -> None:
        """An editor's sequence changed: cleared (its clear button, or the start of a new recording,
        which ends in another change), or a new sequence, kept unless another action has it."""
        keys = portable(sequence)
        if not keys:
            self._before.setdefault(action, self._keys[action])
            self._keys[action] = ""
            self._changed()
            return
        before = self._before.pop(action, self._keys[action])
        wanted = normal_keys(keys)
        shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        taken = next((a for a, k in self._keys.items() if a != action and k and normal_keys(k) == wanted), None)
        reserved = next((what for k, what in RESERVED_KEYS.items() if normal_keys(k) == wanted), None)
        if taken is None and reserved is None:
            self._keys[action] = keys
            self.hotkey_message.clear()
            self._changed()
            return
        if taken is not None:
            message = (
                self.tr("%1 is already the hotkey of “%2”: not changed.")
                .replace("%1", shown)
                .replace("%2", hotkey_label(taken))
            )
        else:
            message = (
                self.tr("%1 is the shortcut of the menu command “%2”: not changed.")
                .replace("%1", shown)
                .replace("%2", menu_command_label(reserved or ""))
            )
        self.hotkey_message.setText(message)
        self._keys[action] = before
        edit = self.key_edits[action]
        edit.blockSignals(True)
        edit.setKeySequence(QKeySequence(before))
        edit.blockSignals(False)
        self._changed()

    # --- applying --------------------------------------------------------------------------------

    @Slot()
    def _changed(self) -> None:
        if self._filling:
            return
        self.note.setText(self.when_text(changed(self._saved, self.settings())))

    def when_text(self, names: set[str]) -> str:
        """When the changes ``names`` take effect, in a sentence or three."""
        labels = {
            "stream": self.tr("the stream"),
            "video.canvas": self.tr("the canvas"),
            "video.fps": self.tr("the frame rate"),
            "devices.mic": self.tr("the microphone"),
            "devices.camera": self.tr("the host camera"),
            "output": self.tr("the outputs"),
            "video.ladder": self.tr("the ladder"),
            "video.preset": self.tr("the preset"),
        }

        def named(kind: str) -> list[str]:
            found: list[str] = []
            for name in sorted(names):
                if applies_when(name) != kind or name == "language":
                    continue
                label = labels.get(name) or labels.get(name.split(".")[0]) or name
                if label not in found:
                    found.append(label)
            return found

        lines = []
        if self._overridden:
            lines.append(
                self.tr("For this run the command line's %1 override the saved settings.").replace(
                    "%1", ", ".join(self._overridden)
                )
            )
        if not self._applies_to_session:
            lines.append(
                self.tr(
                    "This demo streams with its own options: the Stream, Output, Video and device settings are"
                    " for `shopcast studio`."
                )
            )
        later = named("next_start")
        if later:
            lines.append(self.tr("Applies the next time the studio starts: %1.").replace("%1", ", ".join(later)))
        if "language" in names:
            lines.append(self.tr("The language changes the next time the studio starts."))
        next_live = named("next_live")
        if next_live and self._applies_to_session:
            text = (
                self.tr("You are live: %1 apply at the next Go Live; the show on air keeps its settings.")
                if self.live
                else self.tr("Applies at the next Go Live: %1.")
            )
            lines.append(text.replace("%1", ", ".join(next_live)))
        if any(name.startswith("hotkeys.") for name in names):
            lines.append(self.tr("Hotkeys apply at once."))
        return "\n".join(lines)

    @Slot()
    def apply_now(self) -> bool:
        """Check, save and apply what the pages show; False (and the problem shown) when it cannot be."""
        settings = self.settings()
        try:
            self._apply(settings)
        except SettingError as exc:
            section = exc.field.split(".")[0].split("[")[0]
            if section in SECTIONS:
                self.sections.setCurrentRow(SECTIONS.index(section))
            self.error.setText(self.tr("Not saved: %1").replace("%1", setting_problem(exc)))
            self.error.show()
            return False
        except OSError as exc:
            self.error.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            self.error.show()
            return False
        self.error.hide()
        self._saved = settings
        self._changed()
        self.applied.emit(settings)
        return True

    @Slot()
    def _ok(self) -> None:
        if self.apply_now():
            self.accept()
