"""The About box (Help → About ShopCast): the icon, the name, the version and the versions of what the
studio runs on (``app.about.components``: Python, Qt, PySide6, FFmpeg, x264, aiortc, PyAV, OpenCV,
numpy), with a Copy button that puts the same text on the clipboard for a bug report.

:func:`about_text` is the box's text as plain text, in the interface language; the box shows it line for
line and the startup report (``ui/startup_report.py``) writes it.
"""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, Slot, qVersion
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.about import NAME, components
from app.paths import assets_dir


def studio_components() -> list[tuple[str, str]]:
    """``app.about.components`` with the Qt in use and PySide6's version."""
    return components(qt=qVersion(), pyside=PySide6.__version__)


def toolkit_versions() -> tuple[str, str]:
    """The Qt library in use and PySide6's version (``shopcast --version`` asks through ``app.gui``)."""
    return qVersion(), PySide6.__version__


def heading() -> tuple[str, str, str]:
    """The box's name, version and description lines, in the interface language."""
    translate = QCoreApplication.translate
    return (
        translate("AboutDialog", "ShopCast Studio"),
        translate("AboutDialog", "Version %1").replace("%1", __version__),
        translate("AboutDialog", "Live-commerce broadcasting: the studio, its relay and the viewers' shop"),
    )


def about_text(versions: list[tuple[str, str]] | None = None) -> str:
    """The About box's text: name, version, description, then ``Name: version`` a line per component."""
    versions = studio_components() if versions is None else versions
    lines = [*heading(), ""]
    lines += [f"{name}: {version}" for name, version in versions if name != NAME]
    return "\n".join(lines)


class AboutDialog(QDialog):
    """Help → About ShopCast (module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about-dialog")
        self.setWindowTitle(self.tr("About ShopCast"))
        self.versions = studio_components()
        name, version, description = heading()

        self.icon_label = QLabel(self)
        self.icon_label.setObjectName("about-icon")
        self.icon_label.setPixmap(QIcon(str(assets_dir() / "web" / "icon.svg")).pixmap(72, 72))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.name_label = QLabel(name, self)
        self.name_label.setObjectName("about-name")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.version_label = QLabel(version, self)
        self.version_label.setObjectName("about-version")
        self.description_label = QLabel(description, self)
        self.description_label.setWordWrap(True)
        titles = QVBoxLayout()
        for label in (self.name_label, self.version_label, self.description_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            titles.addWidget(label)
        titles.addStretch(1)  # the lines together at the top, not spread down the icon's height
        top = QHBoxLayout()
        top.addWidget(self.icon_label)
        top.addLayout(titles, 1)

        form = QFormLayout()
        self.component_labels: dict[str, QLabel] = {}
        for component, value in self.versions:
            if component == NAME:
                continue
            label = QLabel(value, self)
            label.setObjectName(f"version-{component}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{component}:", label)
            self.component_labels[component] = label

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = self.buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("about-copy")
        self.copy_button.setToolTip(self.tr("Copy these versions, for a bug report"))
        self.copy_button.clicked.connect(self.copy)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        # Wrapped labels ask for height by width: the box takes the height its width needs, no more.
        for label in (self.description_label, *self.component_labels.values()):
            label.setMinimumWidth(400)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def text(self) -> str:
        """What the box shows, as plain text (what Copy copies)."""
        return about_text(self.versions)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
