"""The "Prompter" dock (提词器): what the host reads during the show, in type large enough to read
from two metres.

The segment on air (its title and talking points) and the time left of its plan, the countdown
turning amber (20 % or 30 s left) then red (over time), the next segment below in smaller type, and
the live prompts of app/prompter.py, each with its one-click action: Next, Launch (the coupon
armed), Answer (opens the Q&A panel on the question) and Answered (marks every viewer's copy of the
question answered). "Pop out" floats the dock over a second monitor's whole screen (or this one's).

It is redrawn from a timer (4 times a second) from the console's state and the viewer counts of the
owner feed: it never waits on the network; the actions run on the room-actions thread.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.prompter import KIND_LABELS, Prompt, Prompter, PrompterView, format_left
from app.room_client import RoomClient
from ui.i18n import current_language
from ui.panels.base import QtPanel
from ui.qt_console import QtConsole
from ui.session_bridge import QtSessionBridge

REFRESH_MS = 250
BACKGROUND = "#101014"
INK = "#f4f4f4"
DIM = "#9a9aa6"
LEVEL_COLOURS = {"ok": "#2ea043", "amber": "#ffa000", "red": "#e5243b"}
PROMPT_COLOURS = {"info": "#2e86de", "warning": "#ffa000", "error": "#e5243b"}
MIN_POINTS_PX = 28
"""The talking points are never smaller than this (readable from 2 m)."""


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


class PointsLabel(QLabel):
    """The talking points, in the largest type (from :data:`MIN_POINTS_PX` up to ``largest``) at which
    they fit the space the layout gives them; never smaller than the minimum (then the last ones are
    cut rather than made unreadable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: tuple[str, ...] = ()
        self.largest = 72
        self.px = MIN_POINTS_PX
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.setMinimumHeight(MIN_POINTS_PX * 2)

    @staticmethod
    def html(points: tuple[str, ...]) -> str:
        return "".join(
            "<p style='margin: 0 0 0.3em 1.1em; text-indent: -1.1em'>•&nbsp;" + html.escape(p) + "</p>" for p in points
        )

    def set_points(self, points: tuple[str, ...], largest: int) -> None:
        if points == self.points and largest == self.largest:
            return
        self.points, self.largest = points, largest
        self.setText(self.html(points))
        self.fit()

    def fit(self) -> None:
        width, height = self.width(), self.height()
        low, high = MIN_POINTS_PX, max(MIN_POINTS_PX, self.largest)
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setHtml(self.html(self.points))
        document.setTextWidth(width)
        font = QFont(self.font())
        while low < high:  # the largest size that fits
            middle = (low + high + 1) // 2
            font.setPixelSize(middle)
            document.setDefaultFont(font)
            if document.size().height() <= height:
                low = middle
            else:
                high = middle - 1
        self.px = low
        font.setPixelSize(low)
        self.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()


class PromptRow(QFrame):
    """One prompt: its words and its action buttons, a bar in its level's colour on the left."""

    def __init__(self, prompt: Prompt, text: str, px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt = prompt
        self.px = px
        self.setObjectName("prompt")
        colour = PROMPT_COLOURS.get(prompt.level, DIM)
        self.setStyleSheet(
            f"QFrame#prompt {{ background: #1d1d24; border-left: 6px solid {colour}; border-radius: 4px; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.row_layout = layout
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {INK}; font-size: {px}px; background: transparent;")
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.label, 1)
        self.buttons: list[QPushButton] = []
        self.dismiss = QToolButton(self)
        self.dismiss.setText("✕")
        self.dismiss.setAutoRaise(True)
        self.dismiss.setStyleSheet(f"color: {DIM}; font-size: {px}px;")

    def add_button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setStyleSheet(
            f"QPushButton {{ background: #2ea043; color: white; font-size: {self.px * 8 // 10}px; font-weight: 600;"
            " padding: 6px 14px; border: 1px solid #1f7a33; border-radius: 4px; }"
        )
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.row_layout.addWidget(button)
        self.buttons.append(button)
        return button

    def finish(self) -> None:
        self.row_layout.addWidget(self.dismiss)


class PrompterPanel(QtPanel):
    """The prompter (module docstring).

    Signals:
        answer_requested(str): the host wants to answer a question (its id): the window shows the
            Q&A panel on it.
        pop_out_requested(): the Pop out button.
    """

    answer_requested = Signal(str)
    pop_out_requested = Signal()
    sections = ()

    def __init__(self, console: QtConsole, bridge: QtSessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.setObjectName("prompter-panel")
        self.prompter = Prompter()
        self.view: PrompterView | None = None
        self._shown_prompts: list[tuple[str, str, str | None]] = []
        self._px = MIN_POINTS_PX + 2
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"QWidget#prompter-panel {{ background: {BACKGROUND}; }}"
            f" QWidget#prompter-panel QLabel#status {{ color: {DIM}; font-size: 15px; }}"
            " QPushButton#pop-out { background: #2a2a33; color: #dcdce4; border: 1px solid #44444f;"
            " border-radius: 4px; padding: 5px 12px; }"
        )
        self._build()
        bridge.room_message.connect(self._on_message)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.tick()

    def _build(self) -> None:
        head = QHBoxLayout()
        left = QVBoxLayout()
        self.position = QLabel(self)
        self.position.setObjectName("position")
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        left.addWidget(self.position)
        left.addWidget(self.title)
        head.addLayout(left, 1)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.countdown)
        self.layout_.addLayout(head)
        self.points = PointsLabel(self)
        self.points.setObjectName("points")
        self.layout_.addWidget(self.points, 1)
        self.next_label = QLabel(self)
        self.next_label.setObjectName("next")
        self.next_label.setWordWrap(True)
        self.layout_.addWidget(self.next_label)
        self.prompt_box = QVBoxLayout()
        self.prompt_box.setSpacing(6)
        self.layout_.addLayout(self.prompt_box)
        self.rows: list[PromptRow] = []
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.pop_button = QPushButton(self.tr("Pop out ⤢"), self)
        self.pop_button.setObjectName("pop-out")
        self.pop_button.setToolTip(self.tr("Show the prompter on its own, full screen on a second monitor"))
        self.pop_button.clicked.connect(self.pop_out_requested)
        bottom.addWidget(self.pop_button)
        self.layout_.addLayout(bottom)
        self.finish_layout()
        self._apply_sizes()

    # --- sizes --------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        px = max(MIN_POINTS_PX, min(72, self.width() // 22))
        if px != self._px:
            self._px = px
            self._apply_sizes()
            self._shown_prompts = []  # rebuilt at the new size
            self.tick()

    def _apply_sizes(self) -> None:
        px = self._px
        self.position.setStyleSheet(f"color: {DIM}; font-size: {max(16, px * 6 // 10)}px;")
        self.title.setStyleSheet(f"color: {INK}; font-size: {px * 12 // 10}px; font-weight: 700;")
        self.points.setStyleSheet(f"color: {INK};")
        self.points.set_points(self.points.points, px * 3 // 2)
        self.next_label.setStyleSheet(f"color: {DIM}; font-size: {max(18, px * 7 // 10)}px;")
        self._countdown_style(self.view.level if self.view is not None else "ok")

    def points_px(self) -> int:
        """The talking points' type size in pixels."""
        return self.points.px

    def _countdown_style(self, level: str) -> None:
        colour = LEVEL_COLOURS.get(level, INK) if self.view is not None and self.view.running else DIM
        size = self._px * 17 // 10
        self.countdown.setStyleSheet(f"color: {colour}; font-size: {size}px; font-weight: 700;")
        self.countdown.setProperty("level", level)

    # --- input --------------------------------------------------------------------------------

    @Slot(object)
    def _on_message(self, message: dict[str, object]) -> None:
        self.prompter.observe(message)

    # --- drawing ------------------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        """Redraw from the console's state (cheap: nothing here waits)."""
        view = self.prompter.view(self.console.state)
        previous, self.view = self.view, view
        chinese = current_language().startswith("zh")
        if view.running:
            kind = KIND_LABELS.get(view.kind or "")
            kind_text = kind.pick(current_language()) if kind is not None else ""
            self.position.setText(f"{view.number} / {view.segments} · {kind_text}")
            self.title.setText(view.title)
            self.countdown.setText(format_left(view.left_s) if view.left_s is not None else "")
            self.points.set_points(view.points, self._px * 3 // 2)
        else:
            self.position.setText(self.tr("Not running"))
            self.title.setText(self.tr("Press Start ▶ in the Run of show when you begin"))
            self.countdown.setText("")
            self.points.set_points((), self._px * 3 // 2)
        if previous is None or previous.level != view.level or previous.running != view.running:
            self._countdown_style(view.level)
        if view.next_title:
            planned = f" · {_clock(view.next_planned_s)}" if view.next_planned_s else ""
            label = self.tr("Next: %1") if view.running else self.tr("First: %1")
            self.next_label.setText(label.replace("%1", view.next_title) + planned)
        else:
            self.next_label.setText(self.tr("Last segment") if view.running else "")
        self._show_prompts(view.prompts, chinese)

    def _show_prompts(self, prompts: tuple[Prompt, ...], chinese: bool) -> None:
        key = [(p.id, p.text.zh if chinese else p.text.en, p.action) for p in prompts]
        if key == self._shown_prompts:
            return
        self._shown_prompts = key
        for row in self.rows:
            self.prompt_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        px = max(18, self._px * 7 // 10)
        for prompt in prompts:
            row = PromptRow(prompt, prompt.text.zh if chinese else prompt.text.en, px, self)
            self._add_actions(row, prompt)
            row.finish()
            row.dismiss.setToolTip(self.tr("Dismiss"))
            row.dismiss.clicked.connect(lambda _=False, pid=prompt.id: self.dismiss(pid))
            self.prompt_box.addWidget(row)
            self.rows.append(row)

    def _add_actions(self, row: PromptRow, prompt: Prompt) -> None:
        action = prompt.action or ""
        if action == "next":
            button = row.add_button(self.tr("Next ▶"), "prompt-next")
            button.clicked.connect(lambda _=False, pid=prompt.id: self.act_next(pid))
        elif action.startswith("launch:"):
            kind = action.removeprefix("launch:")
            names = {"coupon": self.tr("Issue the coupon"), "flash_sale": self.tr("Launch the flash sale"),
                     "poll": self.tr("Open the poll"), "draw": self.tr("Open the lucky draw")}  # fmt: skip
            button = row.add_button(names.get(kind, self.tr("Launch")), "prompt-launch")
            button.clicked.connect(lambda _=False, pid=prompt.id, k=kind: self.act_launch(pid, k))
        elif action.startswith("answer:"):
            question = action.removeprefix("answer:")
            button = row.add_button(self.tr("Answer…"), "prompt-answer")
            button.setToolTip(self.tr("Open the Q&A panel on this question"))
            button.clicked.connect(lambda _=False, q=question: self.answer_requested.emit(q))
            done = row.add_button(self.tr("Answered ✓"), "prompt-answered")
            done.setToolTip(self.tr("Mark every viewer's copy of this question answered"))
            done.clicked.connect(lambda _=False, pid=prompt.id, q=question: self.act_answered(pid, q))

    # --- actions ------------------------------------------------------------------------------

    def dismiss(self, prompt_id: str) -> None:
        self.prompter.dismiss(prompt_id)
        self.tick()

    def act_next(self, prompt_id: str) -> None:
        self.dismiss(prompt_id)
        run = self.console.state.rundown or {}
        seen = int(run.get("cue") or 0) if run.get("running") else 0  # the prompt's segment, not a later one
        self.run(lambda room: room.next_segment(seen), lambda _: self.tr("Next segment started"))

    def act_launch(self, prompt_id: str, kind: str) -> None:
        self.dismiss(prompt_id)
        self.run(lambda room: room.launch_armed(kind), lambda _: self.tr("Launched"))

    def act_answered(self, prompt_id: str, question_id: str) -> None:
        ids = self.prompter.question_group(self.console.state, question_id)
        self.dismiss(prompt_id)

        def mark(room: RoomClient) -> int:
            for each in ids:
                room.update_question(each, status="answered")
            return len(ids)

        self.run(mark, lambda n: self.tr("%1 questions marked answered").replace("%1", str(n)))


class PrompterDock(QDockWidget):
    """The Prompter dock (objectName ``prompter``) holding a :class:`PrompterPanel`; "Pop out" floats
    it over a whole screen, the second monitor's when there is one."""

    def __init__(self, console: QtConsole, bridge: QtSessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prompter"))
        self.setObjectName("prompter")
        self.panel = PrompterPanel(console, bridge, self)
        self.setWidget(self.panel)
        self.setMinimumWidth(380)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.panel.pop_out_requested.connect(self.toggle_pop_out)
        self.topLevelChanged.connect(self._on_floating)

    @Slot()
    def toggle_pop_out(self) -> None:
        if self.isFloating():
            self.setFloating(False)
            return
        here = self.screen()
        screens = QGuiApplication.screens()
        target = next((s for s in screens if s is not here and s != here), here)
        self.setFloating(True)
        self.setGeometry(target.availableGeometry())

    @Slot(bool)
    def _on_floating(self, floating: bool) -> None:
        self.panel.pop_button.setText(self.tr("Dock it back") if floating else self.tr("Pop out ⤢"))
