"""The first-run setup: what ``shopcast studio`` shows instead of the studio when there are no saved
settings yet (no ``studio.json`` in the config folder), modelled on OBS's Auto-Configuration Wizard but
shorter — two pages:

1. Language (the system's, English or 简体中文: the setup switches to it at once) and canvas (portrait
   for phones, or landscape: ``pipeline.canvas``'s named canvases).
2. Relay: the bundled one (the default: the studio starts its own) or an external relay's URL with the
   room, its stream key and owner token, checked as the Settings window checks them
   (``app.settings_store.validate``: a value that cannot be used is named, and the setup stays open).

Finish saves the settings (everything else keeps its default) and the studio opens with them, not live;
Cancel saves nothing, so the next start asks again. Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QTranslator, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.settings_store import SettingError, SettingsStore, StreamSettings, StudioSettings
from pipeline.canvas import LANDSCAPE, PORTRAIT
from ui.i18n import choose_language, install_translators
from ui.settings_dialog import ERROR_STYLE, SecretEdit, setting_problem

LANGUAGE_CHOICES = ("system", "en", "zh_CN")
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
"""Each language's name in itself (never translated)."""
CANVAS_CHOICES = (PORTRAIT, LANDSCAPE)
FIELD_ERROR_STYLE = "QLineEdit { border: 1px solid #e5243b; }"


def _choice_box(
    parent: QWidget, kind: str, names: tuple[str, ...]
) -> tuple[QGroupBox, QButtonGroup, dict[str, QRadioButton]]:
    """A group box of radio buttons, one per name (``<kind>-<name>`` as its object name; the texts
    come from ``FirstRunSetup.retranslate``), their button group and the buttons by name."""
    box = QGroupBox(parent)
    column = QVBoxLayout(box)
    group = QButtonGroup(parent)
    buttons: dict[str, QRadioButton] = {}
    for i, name in enumerate(names):
        button = QRadioButton(box)
        button.setObjectName(f"{kind}-{name}")
        group.addButton(button, i)
        buttons[name] = button
        column.addWidget(button)
    return box, group, buttons


class _ChoicesPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choices-page")
        layout = QVBoxLayout(self)
        self.language_box, self.languages, self.language_buttons = _choice_box(self, "language", LANGUAGE_CHOICES)
        layout.addWidget(self.language_box)
        canvases = tuple(canvas.name for canvas in CANVAS_CHOICES)
        self.canvas_box, self.canvases, self.canvas_buttons = _choice_box(self, "canvas", canvases)
        self.canvas_buttons[PORTRAIT.name].setChecked(True)
        layout.addWidget(self.canvas_box)
        layout.addStretch(1)


class _RelayPage(QWizardPage):
    def __init__(self, setup: FirstRunSetup) -> None:
        super().__init__(setup)
        self.setup = setup
        self.setObjectName("relay-page")
        layout = QVBoxLayout(self)
        self.bundled = QRadioButton(self)
        self.bundled.setObjectName("relay-bundled")
        self.bundled.setChecked(True)
        self.external = QRadioButton(self)
        self.external.setObjectName("relay-external")
        layout.addWidget(self.bundled)
        layout.addWidget(self.external)
        self.external_box = QWidget(self)
        form = QFormLayout(self.external_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.relay_url = QLineEdit(self.external_box)
        self.relay_url.setObjectName("relay-url")
        self.relay_url.setPlaceholderText("https://relay.example.com")
        self.room = QLineEdit(self.external_box)
        self.room.setObjectName("room")
        self.stream_key = SecretEdit(parent=self.external_box)
        self.stream_key.setObjectName("stream-key")
        self.owner_token = SecretEdit(parent=self.external_box)
        self.owner_token.setObjectName("owner-token")
        self.labels = [QLabel(self.external_box) for _ in range(4)]
        for label, field in zip(
            self.labels, (self.relay_url, self.room, self.stream_key, self.owner_token), strict=True
        ):
            form.addRow(label, field)
        layout.addWidget(self.external_box)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.hint)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.external.toggled.connect(self._kind_changed)
        self._kind_changed()

    @Slot()
    def _kind_changed(self) -> None:
        self.external_box.setEnabled(self.external.isChecked())
        self.clear_error()

    def stream(self) -> StreamSettings:
        if not self.external.isChecked():
            return StreamSettings()
        return StreamSettings(
            relay=self.relay_url.text().strip().rstrip("/"),
            room=self.room.text().strip(),
            stream_key=self.stream_key.text(),
            owner_token=self.owner_token.text(),
        )

    def fields(self) -> dict[str, QLineEdit]:
        return {
            "stream.relay": self.relay_url,
            "stream.room": self.room,
            "stream.stream_key": self.stream_key.edit,
            "stream.owner_token": self.owner_token.edit,
        }

    def clear_error(self) -> None:
        self.error.hide()
        for edit in self.fields().values():
            edit.setStyleSheet("")

    def show_error(self, field: str, text: str) -> None:
        self.clear_error()
        self.error.setText(text)
        self.error.show()
        edit = self.fields().get(field)
        if edit is not None:
            edit.setStyleSheet(FIELD_ERROR_STYLE)
            edit.setFocus()

    def validatePage(self) -> bool:
        return self.setup.finish()


class FirstRunSetup(QWizard):
    """The first-run setup (module docstring). ``store``: where Finish saves the settings; ``language``:
    the language asked for on the command line (None: the system's), the setup's first choice."""

    def __init__(self, store: SettingsStore, *, language: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first-run-setup")
        self.store = store
        self.saved: StudioSettings | None = None
        """The settings Finish saved (None until then)."""
        self.translators: list[QTranslator] = []
        self.language = ""
        """The language the setup is shown in (``en`` or ``zh_CN``)."""
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.choices = _ChoicesPage(self)
        self.relay = _RelayPage(self)
        self.addPage(self.choices)
        self.addPage(self.relay)
        self.resize(640, 480)
        first = language if language is not None and language in LANGUAGE_CHOICES else "system"
        self.choices.language_buttons[first].setChecked(True)
        self.choices.languages.idToggled.connect(self._language_toggled)
        self.set_language(self.chosen_language())

    # --- language --------------------------------------------------------------------------------

    def chosen_language(self) -> str:
        """``system``, ``en`` or ``zh_CN``, as the language choice shows."""
        return LANGUAGE_CHOICES[max(0, self.choices.languages.checkedId())]

    @Slot(int, bool)
    def _language_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.set_language(self.chosen_language())

    def set_language(self, choice: str) -> None:
        """Show the setup in ``choice`` (``system``: the system's language) from now on."""
        language = choose_language(None if choice == "system" else choice)
        if language == self.language:
            return
        self.remove_translators()
        app = QCoreApplication.instance()
        if app is not None:
            self.translators = install_translators(app, language)
        self.language = language
        self.retranslate()

    def remove_translators(self) -> None:
        """Take the setup's translations out of the application (the studio installs its own)."""
        app = QCoreApplication.instance()
        for translator in self.translators:
            if app is not None:
                app.removeTranslator(translator)
            translator.deleteLater()
        self.translators = []

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Set up ShopCast"))
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< Back")),
            (QWizard.WizardButton.NextButton, self.tr("Next >")),
            (QWizard.WizardButton.FinishButton, self.tr("Finish")),
            (QWizard.WizardButton.CancelButton, self.tr("Cancel")),
        ):
            self.setButtonText(button, text)
        c = self.choices
        c.setTitle(self.tr("Welcome to ShopCast"))
        c.setSubTitle(self.tr("Two quick choices, then the relay. You can change all of it later in Settings."))
        c.language_box.setTitle(self.tr("Language"))
        system = LANGUAGE_NAMES[choose_language(None)]
        c.language_buttons["system"].setText(self.tr("The system's (%1)").replace("%1", system))
        for code, name in LANGUAGE_NAMES.items():
            c.language_buttons[code].setText(name)
        c.canvas_box.setTitle(self.tr("Canvas"))
        size = f"{PORTRAIT.width}×{PORTRAIT.height}"
        c.canvas_buttons[PORTRAIT.name].setText(
            self.tr("Portrait %1: for phones (Douyin, Kuaishou, Channels) — recommended").replace("%1", size)
        )
        size = f"{LANDSCAPE.width}×{LANDSCAPE.height}"
        c.canvas_buttons[LANDSCAPE.name].setText(self.tr("Landscape %1: for computers and TVs").replace("%1", size))
        r = self.relay
        r.setTitle(self.tr("Relay"))
        r.setSubTitle(self.tr("Where the studio sends the show and where viewers watch and buy."))
        r.bundled.setText(self.tr("Bundled: the studio starts its own relay on this computer (recommended)"))
        r.external.setText(self.tr("An external relay, at a URL"))
        for label, text in zip(
            r.labels,
            (self.tr("Relay URL"), self.tr("Room"), self.tr("Stream key"), self.tr("Owner token")),
            strict=True,
        ):
            label.setText(text)
        r.stream_key.edit.setPlaceholderText(self.tr("The room's stream key"))
        r.owner_token.edit.setPlaceholderText(self.tr("The room's owner token (for the commerce panels)"))
        for secret in (r.stream_key, r.owner_token):
            secret.show_button.setText(self.tr("Hide") if secret.show_button.isChecked() else self.tr("Show"))
        r.hint.setText(
            self.tr(
                "The relay's admin gives you the room's stream key and owner token. Going live waits until you"
                " press Go Live."
            )
        )
        r.clear_error()

    # --- the settings ----------------------------------------------------------------------------

    def chosen_canvas(self) -> str:
        return CANVAS_CHOICES[max(0, self.choices.canvases.checkedId())].name

    def settings(self) -> StudioSettings:
        """The settings the setup's choices make (not checked); the rest are the defaults."""
        base = self.store.settings
        return replace(
            base,
            stream=self.relay.stream(),
            video=replace(base.video, canvas=self.chosen_canvas()),
            language=self.chosen_language(),
        )

    def finish(self) -> bool:
        """Check and save the choices; False, with the field's problem shown, when they cannot be used."""
        settings = self.settings()
        try:
            self.store.save(settings)
        except SettingError as exc:
            label = {
                "stream.relay": self.tr("Relay URL"),
                "stream.room": self.tr("Room"),
                "stream.stream_key": self.tr("Stream key"),
                "stream.owner_token": self.tr("Owner token"),
            }.get(exc.field, exc.field)
            problem = setting_problem(exc, with_field=False)
            self.relay.show_error(exc.field, self.tr("%1: %2").replace("%1", label).replace("%2", problem))
            return False
        except OSError as exc:
            self.relay.show_error("", self.tr("The settings could not be saved: %1").replace("%1", str(exc)))
            return False
        self.saved = settings
        return True
