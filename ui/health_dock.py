"""The "Stream health" dock: a verdict on top, then every measure with its value, coloured by level.

The rows and the verdict come from ``app.stream_health`` (a ``HealthReport``); this dock only words
them in the user's language: labels by row key, values and verdicts by their codes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.stream_health import HealthReport, HealthRow, Overload, fill

LEVEL_COLOURS = {"ok": "#2ea043", "warning": "#e0a100", "error": "#e5243b"}
"""Green, amber, red: the studio's status bar and this dock."""

LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1
"""Table items keep their row's level here (and the row id in UserRole on the first column)."""


class HealthDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self.tr("Stream health")
        self.setWindowTitle(self.title)
        self.setObjectName("health-dock")
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        self.verdict = QLabel(panel)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.table = QTableWidget(0, 2, panel)
        self.table.setHorizontalHeaderLabels([self.tr("Measure"), self.tr("Value")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.setWidget(panel)
        self.report: HealthReport | None = None

        self._labels = {
            "fps": self.tr("Frame rate"),
            "render_time": self.tr("Average time to render a frame"),
            "frames_missed": self.tr("Frames missed due to rendering lag (last 10 s)"),
            "frames_skipped": self.tr("Frames skipped due to encoding lag (last 10 s)"),
            "format_frames_skipped": self.tr("Frames skipped due to encoding lag, %1 (last 10 s)"),
            "encode_time": self.tr("Encode time, %1"),
            "bitrate": self.tr("Bitrate, %1"),
            "audio_bitrate": self.tr("Audio bitrate"),
            "output": self.tr("Output %1"),
            "output_queue": self.tr("Output %1: queue"),
            "output_dropped": self.tr("Output %1: dropped files (last 10 s)"),
            "input": self.tr("Input %1"),
            "cpu": self.tr("CPU usage (all cores)"),
        }
        self._values = {
            "output.ok": self.tr("OK"),
            "output.connecting": self.tr("Connecting…"),
            "output.retrying": self.tr("Reconnecting in %1 s"),
            "output.reconnecting": self.tr("Reconnecting…"),
            "output.failed": self.tr("Failed: %1"),
            "output.closed": self.tr("Closed"),
            "output.storage_full": self.tr("Refused: the relay's disk is full"),
            "queue": self.tr("%1 files (%2)"),
            "input.ok": self.tr("OK"),
            "input.no_sound": self.tr("No sound: sending silence"),
            "input.no_picture": self.tr("No picture: placeholder shown"),
        }
        self._headlines = {
            ("rendering", "error"): self.tr("Rendering is overloaded"),
            ("rendering", "warning"): self.tr("Rendering is struggling"),
            ("encoding", "error"): self.tr("Encoding is overloaded"),
            ("encoding", "warning"): self.tr("Encoding is struggling"),
            ("network", "error"): self.tr("The network is failing"),
            ("network", "warning"): self.tr("The network is struggling"),
            ("relay", "error"): self.tr("The relay refuses the stream"),
            ("disk", "error"): self.tr("Writing to this computer's disk failed"),
            ("input", "error"): self.tr("An input is lost"),
            ("input", "warning"): self.tr("An input is lost"),
            ("cpu", "error"): self.tr("The CPU is overloaded"),
            ("cpu", "warning"): self.tr("The CPU is overloaded"),
        }
        self._details = {
            "encoding.slow": self.tr("the %1 rung takes %2 a frame (budget %3)"),
            "encoding.skipped": self.tr("%1 of frames skipped in the last %2 s"),
            "encoding.format_skipped": self.tr("%1 of the %3 canvas's frames skipped in the last %2 s"),
            "rendering.slow": self.tr("a frame takes %1 to render (budget %2)"),
            "rendering.missed": self.tr("%1 of frames missed in the last %2 s"),
            "rendering.fps": self.tr("%1 fps instead of %2"),
            "network.failed": self.tr("%1 stopped: %2"),
            "relay.storage_full": self.tr("%1's disk is full: it refuses the stream, which waits here and is retried"),
            "disk.failed": self.tr("%1 stopped: %2; the live stream goes on"),
            "network.retrying": self.tr("%1 cannot deliver, reconnecting in %2 s"),
            "network.reconnecting": self.tr("%1 cannot deliver, reconnecting…"),
            "network.dropped": self.tr("%1 dropped %2 of its files in the last %3 s"),
            "network.backlog": self.tr("%1 cannot keep up: %2 waiting to be sent"),
            "input.microphone": self.tr("the %1 sends no sound: the stream carries silence until it is back"),
            "input.camera": self.tr("%1 sends no picture: viewers see its placeholder until it is back"),
            "cpu.busy": self.tr("ShopCast uses %1 of all CPU cores"),
        }
        self._outputs = {
            "relay": self.tr("relay"),
            "folder": self.tr("folder"),
            "recording": self.tr("recording"),
            "microphone": self.tr("microphone"),
        }
        self._canvases = {"portrait": self.tr("portrait"), "landscape": self.tr("landscape")}
        self._show_verdict(None, waiting=True)

    # --- wording ---------------------------------------------------------------------------------

    def _words(self, subject: str) -> str:
        """A subject in the interface's words: an output ("relay", "relay (landscape)"), a canvas's rung
        ("landscape 720p") or a canvas."""
        base, bracket, rest = subject.partition(" (")
        if bracket and rest.endswith(")"):
            return f"{self._words(base)} ({self._canvases.get(rest[:-1], rest[:-1])})"
        words = subject.split(" ")
        return " ".join(self._outputs.get(w, self._canvases.get(w, w)) for w in words)

    def _subject(self, row: HealthRow) -> str:
        return self._words(row.subject)

    def label_text(self, row: HealthRow) -> str:
        return fill(self._labels.get(row.key, row.key), (self._subject(row),))

    def value_text(self, row: HealthRow) -> str:
        template = self._values.get(row.code)
        return fill(template, row.args) if template is not None else row.value

    def verdict_text(self, overload: Overload | None) -> str:
        if overload is None:
            return self.tr("All good")
        args = overload.args
        if args and (overload.stage in ("network", "relay", "disk", "input") or overload.code == "encoding.slow"):
            args = (self._words(args[0]), *args[1:])
        elif overload.code == "encoding.format_skipped":
            args = (*args[:2], self._words(args[2]))
        headline = self._headlines.get((overload.stage, overload.level), overload.headline)
        detail = fill(self._details.get(overload.code, overload.detail), args)
        return self.tr("%1: %2").replace("%1", headline).replace("%2", detail)

    # --- showing a report ------------------------------------------------------------------------

    def _show_verdict(self, overload: Overload | None, *, waiting: bool = False) -> None:
        if waiting:
            self.verdict.setText(self.tr("Waiting for the first measurements…"))
            self.verdict.setStyleSheet("font-weight: 600;")
            self.verdict.setProperty("level", "")
            return
        level = overload.level if overload else "ok"
        self.verdict.setText(self.verdict_text(overload))
        self.verdict.setStyleSheet(f"font-weight: 600; color: {LEVEL_COLOURS[level]};")
        self.verdict.setProperty("level", level)

    def update_report(self, report: HealthReport) -> None:
        self.report = report
        self._show_verdict(report.overloaded)
        # A tabbed dock shows only its title: a sign there tells the streamer to look.
        self.setWindowTitle(self.title + (" ⚠" if report.overloaded else ""))
        table = self.table
        table.setRowCount(len(report.rows))
        for r, row in enumerate(report.rows):
            colour = QColor(LEVEL_COLOURS[row.level])
            for c, text in enumerate((self.label_text(row), self.value_text(row))):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(r, c, item)
                item.setText(text)
                item.setData(LEVEL_ROLE, row.level)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.id)
                    item.setToolTip(text)
                else:
                    item.setForeground(colour)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setToolTip(text)

    def clear_report(self) -> None:
        self.report = None
        self.setWindowTitle(self.title)
        self.table.setRowCount(0)
        self._show_verdict(None, waiting=True)

    # --- for tests and screenshots ---------------------------------------------------------------

    def _item(self, r: int, c: int) -> QTableWidgetItem:
        item = self.table.item(r, c)
        assert item is not None
        return item

    def row_ids(self) -> list[str]:
        return [self._item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]

    def cells(self, row_id: str) -> tuple[str, str, str]:
        """(label, value, value colour) of a row."""
        for r in range(self.table.rowCount()):
            if self._item(r, 0).data(Qt.ItemDataRole.UserRole) == row_id:
                value = self._item(r, 1)
                return self._item(r, 0).text(), value.text(), value.foreground().color().name()
        raise KeyError(row_id)
