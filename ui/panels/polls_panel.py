"""Polls: open a question with 2-6 options, watch the bars move, close it."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QWidget

from ui.panels.base import QtPanel
from ui.qt_console import QtConsole


class QtPollsPanel(QtPanel):
    sections = ("polls",)

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        form = QFormLayout()
        self.question = QLineEdit(self)
        self.options = QPlainTextEdit(self)
        self.options.setPlaceholderText(self.tr("One option per line (2 to 6)"))
        self.options.setMaximumHeight(90)
        form.addRow(self.tr("Question"), self.question)
        form.addRow(self.tr("Options"), self.options)
        self.layout_.addLayout(form)
        self.open_button = QPushButton(self.tr("Open poll"), self)
        self.layout_.addWidget(self.open_button)
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.layout_.addWidget(self.current)
        self.results = QWidget(self)
        self.results_layout = QFormLayout(self.results)
        self.layout_.addWidget(self.results, 1)
        self.close_button = QPushButton(self.tr("Close poll"), self)
        self.layout_.addWidget(self.close_button)
        self.finish_layout()
        self.bars: list[QProgressBar] = []
        self.open_button.clicked.connect(self.open_poll)
        self.close_button.clicked.connect(self.close_poll)

    def _latest(self) -> dict[str, object] | None:
        polls = list(self.console.state.polls.values())
        open_polls = [p for p in polls if p["status"] == "open"]
        candidates = open_polls or polls
        return candidates[-1] if candidates else None

    def refresh(self) -> None:
        poll = self._latest()
        while self.results_layout.rowCount():
            self.results_layout.removeRow(0)
        self.bars = []
        if poll is None:
            self.current.setText(self.tr("No poll yet"))
            self.close_button.setEnabled(False)
            return
        state = self.tr("open") if poll["status"] == "open" else self.tr("closed")
        total = int(poll["total"])  # type: ignore[call-overload]
        self.current.setText(f"{poll['question']} · {state} · " + self.tr("%1 votes").replace("%1", str(total)))
        for option in poll["options"]:  # type: ignore[attr-defined]
            bar = QProgressBar(self.results)
            bar.setRange(0, max(1, total))
            bar.setValue(option["votes"])
            bar.setFormat(f"{option['votes']}")
            self.results_layout.addRow(option["text"], bar)
            self.bars.append(bar)
        self.close_button.setEnabled(poll["status"] == "open")

    @Slot()
    def open_poll(self) -> None:
        question = self.question.text().strip()
        options = [line.strip() for line in self.options.toPlainText().splitlines() if line.strip()]
        self.run(lambda room: room.open_poll(question, options), lambda _: self.tr("Poll opened"))

    @Slot()
    def close_poll(self) -> None:
        poll = self._latest()
        if poll is None or poll["status"] != "open":
            self.show_status(self.tr("No poll is open"), ok=False)
            return
        poll_id = str(poll["id"])
        self.run(lambda room: room.close_poll(poll_id), lambda _: self.tr("Poll closed"))
