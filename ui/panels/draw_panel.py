"""Lucky draws (福袋): prize, winners, optional comment keyword, duration → open; close and show winners."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from ui.panels.base import QtPanel
from ui.qt_console import QtConsole


class QtDrawPanel(QtPanel):
    sections = ("draws",)

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        form = QFormLayout()
        self.prize = QLineEdit(self)
        self.winners = QSpinBox(self)
        self.winners.setRange(1, 100)
        self.keyword = QLineEdit(self)
        self.keyword.setPlaceholderText(self.tr("optional, e.g. 抽奖"))
        self.duration = QSpinBox(self)
        self.duration.setRange(10, 3600)
        self.duration.setValue(120)
        self.duration.setSuffix(" s")
        form.addRow(self.tr("Prize"), self.prize)
        form.addRow(self.tr("Winners"), self.winners)
        form.addRow(self.tr("Comment keyword"), self.keyword)
        form.addRow(self.tr("Open for"), self.duration)
        self.layout_.addLayout(form)
        self.open_button = QPushButton(self.tr("Open lucky draw"), self)
        self.layout_.addWidget(self.open_button)
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.current, 1)
        self.close_button = QPushButton(self.tr("Draw now"), self)
        self.layout_.addWidget(self.close_button)
        self.finish_layout()
        self.open_button.clicked.connect(self.open_draw)
        self.close_button.clicked.connect(self.close_draw)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self.refresh)
        self._clock.start(1000)

    def _latest(self) -> dict[str, object] | None:
        draws = sorted(self.console.state.draws.values(), key=lambda d: d["opens_at"])
        return draws[-1] if draws else None

    def refresh(self) -> None:
        draw = self._latest()
        if draw is None:
            self.current.setText(self.tr("No lucky draw yet"))
            self.close_button.setEnabled(False)
            return
        lines = [f"{draw['prize']} · " + self.tr("%1 entered").replace("%1", str(draw["entrants"])),
                 self.tr("Seed hash: %1").replace("%1", str(draw["seed_hash"]))]  # fmt: skip
        if draw["status"] == "open":
            left = max(0, int(float(draw["closes_at"]) - self.console.state.server_now()))  # type: ignore[arg-type]
            lines.append(self.tr("Draws in %1 s").replace("%1", str(left)))
        else:
            winners = ", ".join(w["nickname"] for w in draw["winner_list"] or []) or self.tr("nobody entered")  # type: ignore[attr-defined]
            lines.append(self.tr("Winners: %1").replace("%1", winners))
            lines.append(self.tr("Seed: %1").replace("%1", str(draw["seed"])))
        self.current.setText("\n".join(lines))
        self.close_button.setEnabled(draw["status"] == "open")

    @Slot()
    def open_draw(self) -> None:
        prize = self.prize.text().strip()
        winners, keyword, duration = self.winners.value(), self.keyword.text().strip() or None, self.duration.value()
        self.run(lambda room: room.open_draw(prize, winners, keyword, duration), lambda _: self.tr("Lucky draw opened"))

    @Slot()
    def close_draw(self) -> None:
        draw = self._latest()
        if draw is None or draw["status"] != "open":
            self.show_status(self.tr("No lucky draw is open"), ok=False)
            return
        draw_id = str(draw["id"])
        self.run(
            lambda room: room.close_draw(draw_id),
            lambda result: self.tr("Drawn: %1 winner(s)").replace("%1", str(len(result["winner_list"] or []))),
        )
