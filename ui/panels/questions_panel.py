"""Q&A: the viewers' questions in order; answer, pin an answer for everyone, or dismiss."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from ui.panels.base import QtPanel, fill, selected_key, table
from ui.qt_console import QtConsole


class QtQuestionsPanel(QtPanel):
    sections = ("questions",)

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.table = table(self, [self.tr("From"), self.tr("Question"), self.tr("State"), self.tr("Answer")], stretch=1)
        self.layout_.addWidget(self.table, 1)
        self.answer = QLineEdit(self)
        self.answer.setPlaceholderText(self.tr("Answer (shown to everyone when pinned)"))
        self.layout_.addWidget(self.answer)
        buttons = QHBoxLayout()
        self.answered_button = QPushButton(self.tr("Mark answered"), self)
        self.pin_button = QPushButton(self.tr("Pin with answer"), self)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        for button in (self.answered_button, self.pin_button, self.dismiss_button):
            buttons.addWidget(button)
        self.layout_.addLayout(buttons)
        self.finish_layout()
        self.answered_button.clicked.connect(lambda: self._update(status="answered"))
        self.pin_button.clicked.connect(lambda: self._update(pinned=True))
        self.dismiss_button.clicked.connect(lambda: self._update(status="dismissed"))

    def refresh(self) -> None:
        states = {"open": self.tr("waiting"), "answered": self.tr("answered"), "dismissed": self.tr("dismissed")}
        questions = sorted(
            self.console.state.questions.values(), key=lambda q: (q["status"] != "open", q["created_at"])
        )
        rows = []
        for q in questions:
            state = states.get(q["status"], q["status"]) + (" ●" if q["pinned"] else "")
            rows.append((q["id"], [q["nickname"], q["text"], state, q["answer"] or ""]))
        fill(self.table, rows)

    @Slot()
    def _update(self, *, status: str | None = None, pinned: bool | None = None) -> None:
        question_id = selected_key(self.table)
        if question_id is None:
            self.show_status(self.tr("Select a question first"), ok=False)
            return
        answer = self.answer.text().strip() or None
        self.run(
            lambda room: room.update_question(question_id, status=status, pinned=pinned, answer=answer),
            lambda _: self.tr("Question updated"),
        )
        self.answer.clear()
