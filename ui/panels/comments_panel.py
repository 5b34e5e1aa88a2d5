"""Comments with moderation: delete, mute the viewer, and the room's blocked words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QWidget

from ui.panels.base import QtPanel
from ui.qt_console import QtConsole


class QtCommentsPanel(QtPanel):
    sections = ("comments",)

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.layout_.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.mute_button = QPushButton(self.tr("Mute 10 min"), self)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.mute_button)
        self.layout_.addLayout(buttons)
        words = QHBoxLayout()
        self.words = QLineEdit(self)
        self.words.setPlaceholderText(self.tr("Blocked words, comma separated"))
        self.save_words = QPushButton(self.tr("Save"), self)
        words.addWidget(self.words, 1)
        words.addWidget(self.save_words)
        self.layout_.addLayout(words)
        self.finish_layout()
        self.delete_button.clicked.connect(self.delete_selected)
        self.mute_button.clicked.connect(self.mute_selected)
        self.save_words.clicked.connect(self.save_blocked_words)

    def refresh(self) -> None:
        at_bottom = self.list.verticalScrollBar().value() == self.list.verticalScrollBar().maximum()
        selected = self._selected()
        self.list.clear()
        for comment in self.console.state.comments[-200:]:
            item = QListWidgetItem(f"{comment['nickname']}: {comment['text']}")
            item.setData(Qt.ItemDataRole.UserRole, comment)
            self.list.addItem(item)
            if selected is not None and comment["id"] == selected["id"]:
                item.setSelected(True)
        if not self.words.hasFocus():
            self.words.setText(", ".join(self.console.state.blocked_words))
        if at_bottom:
            self.list.scrollToBottom()

    def _selected(self) -> dict[str, object] | None:
        items = self.list.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    @Slot()
    def delete_selected(self) -> None:
        comment = self._selected()
        if comment is None:
            self.show_status(self.tr("Select a comment first"), ok=False)
            return
        comment_id = int(comment["id"])  # type: ignore[call-overload]
        self.run(lambda room: room.delete_comment(comment_id), lambda _: self.tr("Comment deleted"))

    @Slot()
    def mute_selected(self) -> None:
        comment = self._selected()
        if comment is None or "viewer_id" not in comment:
            self.show_status(self.tr("Select a comment first"), ok=False)
            return
        viewer, name = str(comment["viewer_id"]), str(comment["nickname"])
        self.run(lambda room: room.mute(viewer, 10), lambda _: self.tr("%1 is muted for 10 min").replace("%1", name))

    @Slot()
    def save_blocked_words(self) -> None:
        words = [w.strip() for w in self.words.text().replace("，", ",").split(",") if w.strip()]
        self.console.state.blocked_words = words
        self.run(
            lambda room: room.set_blocked_words(words),
            lambda saved: self.tr("%1 blocked words saved").replace("%1", str(len(saved["words"]))),
        )
