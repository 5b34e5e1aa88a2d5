"""The pre-flight dialog before Go Live: every check of ``app.preflight`` as a row (a green, amber or red
mark, the title, what was found and how to fix it), "Run again", and "Go Live" — enabled once the checks
are done and none is red; with a red row "Go live anyway" asks first. Going live shows a large 3-2-1
countdown, then emits ``go_live`` (the window starts the live).

The checks run on the pre-flight's own threads (``app.preflight.Preflight``); their rows arrive here
through queued signals as each check finishes, so the GUI thread never waits on a device, the relay or
the encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.preflight import Check, Preflight, PreflightRow, session_checks, worst
from app.session import StudioSession
from plugins.api import Text
from ui.health_dock import LEVEL_COLOURS
from ui.i18n import current_language

PENDING_COLOUR = "#8b8b96"
MARKS = {"ok": "✔", "warning": "▲", "error": "✖"}


class _Relay(QObject):
    """Carries the pre-flight's callbacks from its threads to the GUI thread (queued signals)."""

    rows = Signal(object, str, object)
    done = Signal(object)


class PreflightRowView(QFrame):
    """One row: a coloured mark, the title, the detail and the hint."""

    def __init__(self, row_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_id = row_id
        self.level = "pending"
        self.setObjectName(f"preflight-row-{row_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.mark = QLabel(self)
        self.mark.setFixedWidth(28)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        font = self.mark.font()
        font.setPointSize(font.pointSize() + 4)
        self.mark.setFont(font)
        layout.addWidget(self.mark)
        text = QVBoxLayout()
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: 600;")
        self.detail = QLabel(self)
        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: #5a5a66;")
        for label in (self.title, self.detail, self.hint):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.addWidget(label)
        layout.addLayout(text, 1)

    def show_pending(self, title: str, checking: str) -> None:
        self.level = "pending"
        self.mark.setText("…")
        self.mark.setStyleSheet(f"color: {PENDING_COLOUR};")
        self.title.setText(title)
        self.detail.setText(checking)
        self.hint.hide()

    def show_row(self, row: PreflightRow, language: str, fix: str) -> None:
        self.level = row.level
        self.mark.setText(MARKS[row.level])
        self.mark.setStyleSheet(f"color: {LEVEL_COLOURS[row.level]};")
        self.mark.setToolTip(row.level)
        self.title.setText(row.title.pick(language))
        self.detail.setText(row.detail.pick(language))
        hint = row.hint.pick(language)
        self.hint.setText(fix.replace("%1", hint))
        self.hint.setVisible(bool(hint))


class PreflightDialog(QDialog):
    """Signals: ``go_live()`` after the countdown (the window then starts the live)."""

    go_live = Signal()

    COUNT_FROM = 3

    def __init__(
        self,
        session: StudioSession,
        parent: QWidget | None = None,
        *,
        checks: Callable[[], Sequence[Check]] | None = None,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._checks = checks or (lambda: session_checks(session))
        self.tick_ms = tick_ms
        """Milliseconds each number of the countdown shows."""
        self.preflight: Preflight | None = None
        self.row_views: dict[str, PreflightRowView] = {}
        """The rows shown, by row id (a check's pending row has the check's id)."""
        self._check_ids: dict[str, list[str]] = {}
        self.counted: list[str] = []
        """The numbers the countdown showed (tests read them)."""
        self._relay = _Relay(self)
        self._relay.rows.connect(self._on_rows)
        self._relay.done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._count = 0
        self._shown_all = False
        self.setWindowTitle(self.tr("Before going live"))
        self.setObjectName("preflight-dialog")
        self.resize(680, 620)
        self._build()
        self.run_checks()

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages, 1)

        checks = QWidget(self.pages)
        column = QVBoxLayout(checks)
        column.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(checks)
        self.summary.setObjectName("preflight-summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600;")
        column.addWidget(self.summary)
        scroll = QScrollArea(checks)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._rows_panel = QWidget(scroll)
        self._rows_layout = QVBoxLayout(self._rows_panel)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.addStretch(1)
        scroll.setWidget(self._rows_panel)
        column.addWidget(scroll, 1)
        self.pages.addWidget(checks)

        self.countdown = QLabel(self.pages)
        self.countdown.setObjectName("preflight-countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.countdown.font())
        font.setPointSize(120)
        font.setBold(True)
        self.countdown.setFont(font)
        self.countdown.setStyleSheet(f"color: {LEVEL_COLOURS['error']};")
        self.pages.addWidget(self.countdown)

        buttons = QHBoxLayout()
        self.run_again_button = QPushButton(self.tr("Run again"), self)
        self.run_again_button.setObjectName("preflight-run-again")
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.anyway_button = QPushButton(self.tr("Go live anyway"), self)
        self.anyway_button.setObjectName("preflight-anyway")
        self.anyway_button.setToolTip(self.tr("Go live although a check failed (asks first)"))
        self.go_live_button = QPushButton(self.tr("Go Live"), self)
        self.go_live_button.setObjectName("preflight-go-live")
        self.go_live_button.setStyleSheet(
            "QPushButton { background: #e5243b; color: white; font-weight: 600; padding: 6px 18px; }"
            " QPushButton:disabled { background: #c9c9cf; color: #6b6b75; }"
        )
        buttons.addWidget(self.run_again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.anyway_button)
        buttons.addWidget(self.go_live_button)
        layout.addLayout(buttons)

        self.run_again_button.clicked.connect(self.run_checks)
        self.cancel_button.clicked.connect(self.reject)
        self.anyway_button.clicked.connect(self._go_live_anyway)
        self.go_live_button.clicked.connect(self.start_countdown)

    # --- the checks ------------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return current_language()

    def _pick(self, text: Text) -> str:
        return text.pick(self.language)

    def rows(self) -> list[tuple[str, str, str]]:
        """(row id, level, title) of every row shown, top to bottom (``pending`` for a check running)."""
        items = (self._rows_layout.itemAt(i) for i in range(self._rows_layout.count()))
        views = [item.widget() for item in items if item is not None]
        return [(v.row_id, v.level, v.title.text()) for v in views if isinstance(v, PreflightRowView)]

    @property
    def running(self) -> bool:
        """The checks are running: until the run's last row has arrived here (not just finished there)."""
        return self.preflight is not None and not self._shown_all

    @Slot()
    def run_checks(self) -> None:
        """Start the checks (again): every row goes back to "checking…" until its check answers."""
        if self.preflight is not None:
            self.preflight.cancel()
        for view in self.row_views.values():
            self._rows_layout.removeWidget(view)
            view.deleteLater()
        self.row_views.clear()
        self._check_ids.clear()
        try:
            checks = list(self._checks())
        except Exception as exc:  # the session cannot say what to check (it has not started)
            failed = PreflightRow(
                "preflight",
                "error",
                Text("Pre-flight", "开播前检查"),
                Text(f"The checks could not start: {exc}", f"无法开始检查：{exc}"),
                Text("Wait for the preview to start, then run again", "请等预览画面出现后重新检查"),
            )
            checks = [Check("preflight", failed.title, lambda: [failed])]
        for check in checks:
            view = self._add_view(check.id)
            view.show_pending(self._pick(check.title), self.tr("Checking…"))
            self._check_ids[check.id] = [check.id]
        relay = self._relay
        preflight = Preflight(
            checks,
            on_rows=lambda check_id, rows: relay.rows.emit(preflight, check_id, rows),
            on_done=lambda rows: relay.done.emit(preflight),
        )
        self.preflight = preflight
        self._shown_all = False
        self._update_buttons()
        preflight.start()

    def _add_view(self, row_id: str, before: int | None = None) -> PreflightRowView:
        view = PreflightRowView(row_id, self._rows_panel)
        index = self._rows_layout.count() - 1 if before is None else before  # above the stretch
        self._rows_layout.insertWidget(index, view)
        view.show()  # now, not from the layout's queued show: a row is on screen as soon as it is added
        self.row_views[row_id] = view
        return view

    @Slot(object, str, object)
    def _on_rows(self, preflight: Preflight, check_id: str, rows: list[PreflightRow]) -> None:
        if preflight is not self.preflight:
            return  # an earlier run's answer
        old = self._check_ids.get(check_id, [])
        position = min(
            (self._rows_layout.indexOf(self.row_views[i]) for i in old if i in self.row_views),
            default=self._rows_layout.count() - 1,
        )
        for row_id in old:
            view = self.row_views.pop(row_id, None)
            if view is not None:
                self._rows_layout.removeWidget(view)
                view.deleteLater()
        ids = []
        fix = self.tr("Fix: %1")
        for offset, row in enumerate(rows):
            row_id = row.id if row.id not in self.row_views else f"{check_id}:{row.id}:{offset}"
            view = self._add_view(row_id, position + offset)
            view.show_row(row, self.language, fix)
            ids.append(row_id)
        self._check_ids[check_id] = ids
        self._update_buttons()

    @Slot(object)
    def _on_done(self, preflight: Preflight) -> None:
        if preflight is self.preflight:  # queued after its rows: they are all shown
            self._shown_all = True
            self._update_buttons()

    def levels(self) -> list[str]:
        return [level for _, level, _ in self.rows()]

    def _update_buttons(self) -> None:
        running = self.running
        levels = self.levels()
        red = "error" in levels
        self.run_again_button.setEnabled(not running)
        self.go_live_button.setEnabled(not running and not red)
        self.anyway_button.setVisible(not running and red)
        self.go_live_button.setDefault(not running and not red)
        if running:
            self.summary.setText(self.tr("Checking everything the show needs…"))
            colour = PENDING_COLOUR
        else:
            rows = self.preflight.rows() if self.preflight is not None else []
            level = worst(rows)
            colour = LEVEL_COLOURS[level]
            if level == "error":
                self.summary.setText(self.tr("Something would break the show: fix the red rows, then run again."))
            elif level == "warning":
                self.summary.setText(self.tr("Ready, with warnings: check the amber rows before going live."))
            else:
                self.summary.setText(self.tr("All checks passed: ready to go live."))
        self.summary.setStyleSheet(f"font-weight: 600; color: {colour};")

    # --- going live ------------------------------------------------------------------------------

    def confirm_go_live_anyway(self) -> bool:
        answer = QMessageBox.warning(
            self,
            self.tr("Go live anyway?"),
            self.tr(
                "A check failed (the red rows): viewers may not get the show, or it may look broken. Go live anyway?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def _go_live_anyway(self) -> None:
        if self.confirm_go_live_anyway():
            self.start_countdown()

    @property
    def counting(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def start_countdown(self) -> None:
        """3, 2, 1, shown large; then ``go_live``. Cancel stops it."""
        self._count = self.COUNT_FROM
        self.counted.clear()
        self.pages.setCurrentWidget(self.countdown)
        self.run_again_button.setEnabled(False)
        self.go_live_button.setEnabled(False)
        self.anyway_button.hide()
        self._show_count()
        self._timer.start(self.tick_ms)

    def _show_count(self) -> None:
        self.countdown.setText(str(self._count))
        self.counted.append(str(self._count))

    @Slot()
    def _tick(self) -> None:
        self._count -= 1
        if self._count > 0:
            self._show_count()
            return
        self._timer.stop()
        self.accept()
        self.go_live.emit()

    def done(self, result: int) -> None:
        """Closing (Go Live, Cancel, Esc): stop the countdown and stop listening to the checks."""
        self._timer.stop()
        if self.preflight is not None:
            self.preflight.cancel()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._timer.stop()
        if self.preflight is not None:
            self.preflight.cancel()
        super().closeEvent(event)
