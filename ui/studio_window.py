"""The studio's main window: the program (and, in studio mode, the preview) with the scene editor, the
scene docks (Scenes, Sources, Audio mixer), the commerce console, Go Live / End Live, the viewer link
and the stream's status."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QColor, QDesktopServices, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.analytics.report import ReportError, write_report
from app.paths import data_home
from app.room_client import RoomClient
from app.session import StudioSession
from app.session_events import SessionStats
from app.settings_store import Overrides, SettingsStore
from app.stream_health import fps_level
from pipeline.broadcast import BroadcastReport
from pipeline.sources import SystemDevices
from ui.filters_dock import FiltersDock
from ui.health_dock import LEVEL_COLOURS, HealthDock
from ui.i18n import current_language
from ui.metrics_dock import MetricsDock
from ui.mixer_dock import MixerDock
from ui.panels.assistants_panel import QtAssistantsPanel
from ui.panels.base import select_key
from ui.panels.cohost_panel import QtCohostPanel
from ui.panels.comments_panel import QtCommentsPanel
from ui.panels.coupons_panel import QtCouponsPanel
from ui.panels.draw_panel import QtDrawPanel
from ui.panels.flash_sale_panel import QtFlashSalePanel
from ui.panels.group_buy_panel import QtGroupBuyPanel
from ui.panels.polls_panel import QtPollsPanel
from ui.panels.products_panel import QtProductsPanel
from ui.panels.questions_panel import QtQuestionsPanel
from ui.preflight_dialog import PreflightDialog
from ui.prompter_dock import PrompterDock
from ui.qt_console import QtConsole
from ui.rehearsal_switch import RehearsalSwitch
from ui.rundown_dock import RundownDock
from ui.scene_editing import SceneEditing
from ui.scenes_dock import ScenesDock
from ui.session_bridge import QtSessionBridge
from ui.sources_dock import SourcesDock
from ui.studio_settings import StudioSettingsUi
from ui.studio_view import StudioView

GO_LIVE_STYLE = "QPushButton { background: #e5243b; color: white; font-weight: 600; padding: 6px 18px; }"
END_LIVE_STYLE = "QPushButton { background: #3a3a44; color: white; font-weight: 600; padding: 6px 18px; }"
REHEARSAL_STYLE = "QPushButton { background: #ffa000; color: #1a1200; font-weight: 600; padding: 6px 18px; }"
REHEARSAL_COLOUR = "#ffa000"

NOTICE_COLOURS = {level: QColor(LEVEL_COLOURS[level]) for level in ("warning", "error")}


def format_clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def format_rate(kbps: float) -> str:
    return f"{kbps / 1000:.2f} Mb/s" if kbps >= 1000 else f"{kbps:.0f} kb/s"


class StudioWindow(QMainWindow):
    """Signals:
    next_segment_requested(): the Next segment hotkey (by default Page Down, a clicker's "next") was pressed.
    launch_promotion_requested(): the Launch promotion hotkey (by default Ctrl+Return) was pressed.
    """

    next_segment_requested = Signal()
    launch_promotion_requested = Signal()

    def __init__(
        self,
        session: StudioSession,
        *,
        go_live: bool = False,
        settings: SettingsStore | None = None,
        overrides: Overrides | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.bridge = QtSessionBridge(session)
        self.console = QtConsole(session, self.bridge)
        self.editing = SceneEditing(session, self.bridge)
        self._go_live_when_ready = go_live
        self._live_state = "idle"  # idle, starting, live, ending
        self._relay_ready = False
        self._closing_without_asking = False
        self.watch_url: str | None = None
        self.last_report: Path | None = None
        self.open_reports = True
        """Open each saved post-live report in the browser (tests turn it off)."""
        self.preflight_before_live = True
        """Go Live opens the pre-flight check first (``--go-live`` and the demo go live directly)."""
        self.preflight_dialog: PreflightDialog | None = None
        self.setWindowTitle(self.tr("ShopCast Studio"))
        self.resize(1440, 880)
        self._build()
        self._connect()
        self._set_live_state("idle")
        self.hotkey_actions: dict[str, QAction] = {}
        """The hotkeys' actions by id (app/settings_store.py's HOTKEY_ACTIONS), keys from the settings."""
        self.settings_ui = StudioSettingsUi(self, settings, overrides)
        """Settings, hotkeys, menus and the dock layout (ui/studio_settings.py)."""
        self.rundown_dock.follow_hotkeys(self.hotkey_actions)

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.studio_view = StudioView(self.editing, self.bridge, self)
        self.preview = self.studio_view.program_editor
        """The program's picture (editable outside studio mode)."""
        self.setCentralWidget(self.studio_view)

        toolbar = QToolBar(self.tr("Broadcast"), self)
        toolbar.setObjectName("broadcast-toolbar")
        toolbar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        toolbar.addWidget(QLabel(self.tr("Host camera:") + " ", self))
        self.source_picker = QComboBox(self)
        self.source_picker.setMinimumWidth(200)
        self.source_picker.setToolTip(self.tr("What the host camera source shows, in every scene"))
        self._fill_sources()
        toolbar.addWidget(self.source_picker)
        self._build_view_controls(toolbar)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.rehearsal_switch = RehearsalSwitch(self)
        """Rehearsal (彩排), chosen before going live (ui/rehearsal_switch.py)."""
        self.rehearsal_action = self.rehearsal_switch.action
        toolbar.addAction(self.rehearsal_action)
        self.live_button = QPushButton(self.tr("Go Live"), self)
        self.live_button.setObjectName("live-button")
        toolbar.addWidget(self.live_button)

        dock = QDockWidget(self.tr("Stream"), self)
        dock.setObjectName("stream-dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        panel = QWidget(dock)
        layout = QVBoxLayout(panel)
        layout.addWidget(QLabel(self.tr("Viewer link"), panel))
        self.viewer_url = QLineEdit(panel)
        self.viewer_url.setReadOnly(True)
        self.viewer_url.setPlaceholderText(self.tr("Starting the relay…"))
        layout.addWidget(self.viewer_url)
        self.copy_button = QPushButton(self.tr("Copy link"), panel)
        self.copy_button.setEnabled(False)
        layout.addWidget(self.copy_button)
        self.open_button = QPushButton(self.tr("Open in browser"), panel)
        self.open_button.setEnabled(False)
        layout.addWidget(self.open_button)
        self.report_button = QPushButton(self.tr("Post-live report"), panel)
        self.report_button.setObjectName("report-button")
        self.report_button.setToolTip(self.tr("The show's numbers, segments and comment topics as one page"))
        self.report_button.setEnabled(False)
        layout.addWidget(self.report_button)
        self.relay_status = QLabel(self.tr("Relay: starting…"), panel)
        self.relay_status.setWordWrap(True)
        layout.addWidget(self.relay_status)
        self.room_summary = QLabel(panel)
        self.room_summary.setWordWrap(True)
        layout.addWidget(self.room_summary)
        layout.addWidget(QLabel(self.tr("Messages"), panel))
        self.notices = QListWidget(panel)
        self.notices.setWordWrap(True)
        layout.addWidget(self.notices, 1)
        dock.setWidget(panel)
        dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._build_scene_docks()
        self._build_room_docks(dock)
        self._build_health_dock(dock)
        self._build_filters_dock()
        self.metrics_dock = MetricsDock(self.bridge, self)
        self.metrics_dock.setMinimumWidth(300)
        self.metrics_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.docks["metrics"] = self.metrics_dock
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.metrics_dock)
        # Hidden until they are tabbed (at the first show): stacked under the Stream dock they would
        # make the right column, and so the window, taller than a laptop's screen.
        for tabbed_later in (self.health_dock, self.filters_dock, self.metrics_dock):
            tabbed_later.hide()

        status = self.statusBar()
        self.state_label = QLabel(self)
        self.fps_label = QLabel(self)
        self.rungs_label = QLabel(self)
        self.push_label = QLabel(self)
        for label in (self.state_label, self.fps_label, self.rungs_label, self.push_label):
            status.addPermanentWidget(label)

        self.quit_action = QAction(self.tr("Quit"), self)
        self.quit_action.setShortcut("Ctrl+Q")
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)

    def _build_view_controls(self, toolbar: QToolBar) -> None:
        """Studio mode, the safe-zone guide and, in dual format, which canvas the views show."""
        toolbar.addSeparator()
        self.studio_mode_action = QAction(self.tr("Studio mode"), self)
        self.studio_mode_action.setObjectName("studio-mode")
        self.studio_mode_action.setCheckable(True)
        self.studio_mode_action.setEnabled(False)
        self.studio_mode_action.setToolTip(
            self.tr("Prepare the next scene in the preview, then put it on air with a transition")
        )
        toolbar.addAction(self.studio_mode_action)
        self.safe_zone_action = QAction(self.tr("Safe zone"), self)
        self.safe_zone_action.setObjectName("safe-zone")
        self.safe_zone_action.setCheckable(True)
        self.safe_zone_action.setChecked(True)
        self.safe_zone_action.setToolTip(
            self.tr("Shade what the phone apps cover: the top bar, the buttons on the right, the comments below")
        )
        toolbar.addAction(self.safe_zone_action)
        self.canvas_label = QLabel(" " + self.tr("Canvas:") + " ", self)
        self.canvas_picker = QComboBox(self)
        self.canvas_picker.setObjectName("canvas-picker")
        self.canvas_picker.setToolTip(self.tr("Which format the views, the Scenes and the Sources docks show"))
        for canvas in self.editing.canvases:
            self.canvas_picker.addItem(self.canvas_text(canvas.name, canvas.width, canvas.height), canvas.name)
        dual = len(self.editing.canvases) > 1
        self.canvas_label_action = toolbar.addWidget(self.canvas_label)
        self.canvas_picker_action = toolbar.addWidget(self.canvas_picker)
        self.canvas_label_action.setVisible(dual)
        self.canvas_picker_action.setVisible(dual)

    def canvas_text(self, name: str, width: int, height: int) -> str:
        size = f"{width}×{height}"
        if name == "portrait":
            return self.tr("Portrait %1").replace("%1", size)
        if name == "landscape":
            return self.tr("Landscape %1").replace("%1", size)
        return size

    def _build_scene_docks(self) -> None:
        """Scenes, Sources and the audio mixer side by side along the bottom, as in OBS."""
        self.scenes_dock = ScenesDock(self.editing, self)
        self.sources_dock = SourcesDock(self.editing, self.session, self)
        self.mixer_dock = MixerDock(self.session, self)
        # The row runs under the selling column on the left too; the right column (stream, live data,
        # comments) keeps the window's full height, which its docks need on a 900-pixel screen.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        row = (self.scenes_dock, self.sources_dock, self.mixer_dock)
        for dock in row:
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.scenes_dock)
        self.splitDockWidget(self.scenes_dock, self.sources_dock, Qt.Orientation.Horizontal)
        self.splitDockWidget(self.sources_dock, self.mixer_dock, Qt.Orientation.Horizontal)

    def _build_room_docks(self, stream_dock: QDockWidget) -> None:
        """The commerce console: selling on the left, talking with viewers on the right."""
        self.panels = {
            "products": QtProductsPanel(self.console),
            "flash_sale": QtFlashSalePanel(self.console),
            "coupons": QtCouponsPanel(self.console),
            "group_buy": QtGroupBuyPanel(self.console),
            "comments": QtCommentsPanel(self.console),
            "questions": QtQuestionsPanel(self.console),
            "polls": QtPollsPanel(self.console),
            "draw": QtDrawPanel(self.console),
            "cohost": QtCohostPanel(self.console, self.bridge),
            "assistants": QtAssistantsPanel(self.console),
        }
        titles = {
            "products": self.tr("Products"),
            "flash_sale": self.tr("Flash sale"),
            "coupons": self.tr("Coupons"),
            "group_buy": self.tr("Group-buy"),
            "comments": self.tr("Comments"),
            "questions": self.tr("Q&&A"),  # && shows one &: a single & marks a keyboard shortcut
            "polls": self.tr("Polls"),
            "draw": self.tr("Lucky draw"),
            "cohost": self.tr("Co-hosts"),
            "assistants": self.tr("Assistants"),
        }
        self.docks: dict[str, QDockWidget] = {
            "scenes": self.scenes_dock,
            "sources": self.sources_dock,
            "mixer": self.mixer_dock,
        }
        for name, widget in self.panels.items():
            dock = QDockWidget(titles[name], self)
            dock.setMinimumWidth(380)
            dock.setObjectName(f"{name}-dock")
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            if name in ("cohost", "assistants"):  # taller than a dock usually is (a QR code, lists): let it scroll
                scroll = QScrollArea(dock)
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QFrame.Shape.NoFrame)
                scroll.setWidget(widget)
                dock.setWidget(scroll)
            else:
                dock.setWidget(widget)
            self.docks[name] = dock
        self._build_show_docks()
        # Left, running the show and selling: the run of show first (it drives the show), then the
        # products and the deals. Right, talking with viewers, the prompter beside them. The people
        # invited by link (co-hosts on camera, assistants behind it) join the stream's tabs above.
        # At most five tabs a group, so no tab's name is cut short.
        left = [self.docks[n] for n in ("rundown", "products", "flash_sale", "coupons", "group_buy")]
        right = [self.docks[n] for n in ("comments", "questions", "polls", "draw", "prompter")]
        self._guest_docks = [self.docks["cohost"], self.docks["assistants"]]
        for dock in left:
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        for dock in [*right, *self._guest_docks]:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        for dock in self._guest_docks:
            dock.hide()
        self.splitDockWidget(stream_dock, right[0], Qt.Orientation.Vertical)
        self._room_groups = (left, right)
        for group in self._room_groups:  # tabbed at the first show, like the stream dock's tabs
            for dock in group[1:]:
                dock.hide()
        self.console.section_changed.connect(self._on_room_section)

    def _build_show_docks(self) -> None:
        """The run of show (直播脚本: ui/rundown_dock.py) and the prompter (提词器: ui/prompter_dock.py),
        tabbed with the selling and the talking docks; the Next and Launch hotkeys drive the run."""
        self.rundown_dock = RundownDock(self.console, self.editing, self)
        self.prompter_dock = PrompterDock(self.console, self.bridge, self)
        self.docks["rundown"] = self.rundown_dock
        self.docks["prompter"] = self.prompter_dock
        self.next_segment_requested.connect(self.rundown_dock.panel.next_segment)
        self.launch_promotion_requested.connect(self.rundown_dock.panel.launch_promotion)
        self.prompter_dock.panel.answer_requested.connect(self.show_question)

    @Slot(str)
    def show_question(self, question_id: str) -> None:
        """The Q&A panel, raised, with ``question_id`` selected (the prompter's Answer)."""
        dock = self.docks["questions"]
        dock.show()
        dock.raise_()
        panel = self.panels["questions"]
        if isinstance(panel, QtQuestionsPanel):
            select_key(panel.table, question_id)

    def _build_health_dock(self, stream_dock: QDockWidget) -> None:
        """Stream health (OBS's stats dock), fed by ``_on_stats``: a tab next to the stream dock."""
        self.health_dock = HealthDock(self)
        self.health_dock.setMinimumWidth(300)
        self.health_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.docks["health"] = self.health_dock
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.health_dock)
        self._stream_dock = stream_dock
        self._health_tabbed = False

    def _build_filters_dock(self) -> None:
        """Filter and overlay plugins and the microphone meters: a tab beside Stream and Stream health."""
        s = self.session
        self.filters_dock = FiltersDock(
            s.video_filters,
            s.audio_filters,
            s.plugins.problems,
            levels=s.audio_levels,
            parent=self,
            overlays=s.overlays,
        )
        self.filters_dock.setMinimumWidth(300)  # a tab beside the audio mixer, as OBS keeps them near
        self.filters_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.docks["filters"] = self.filters_dock
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.filters_dock)

    def _tab_health_dock(self) -> None:
        # Tabbed once the window is shown: tabbing into a split dock area before that leaves a stale
        # copy of the tab bar on the window, visible once it is resized (Qt 6.11, xcb and offscreen).
        if not self._health_tabbed:
            self._health_tabbed = True
            for group in self._room_groups:
                for dock in group[1:]:
                    self.tabifyDockWidget(group[0], dock)
                    dock.show()
                group[0].raise_()
            self.tabifyDockWidget(self._stream_dock, self.health_dock)
            self.tabifyDockWidget(self.health_dock, self.metrics_dock)
            self.tabifyDockWidget(self.mixer_dock, self.filters_dock)
            previous: QDockWidget = self.metrics_dock
            for dock in self._guest_docks:
                self.tabifyDockWidget(previous, dock)
                previous = dock
            for dock in (self.health_dock, self.filters_dock, self.metrics_dock, *self._guest_docks):
                dock.show()
            self._stream_dock.raise_()
            self.mixer_dock.raise_()
            row = [self.scenes_dock, self.sources_dock, self.mixer_dock]
            self.resizeDocks(row, [215, 545, 300], Qt.Orientation.Horizontal)
            self.resizeDocks(row[:1], [245], Qt.Orientation.Vertical)
            for bar in self.findChildren(QTabBar):  # the docks' tabs: whole names, arrows when crowded
                bar.setElideMode(Qt.TextElideMode.ElideNone)
                bar.setUsesScrollButtons(True)

    @Slot(str)
    def _on_room_section(self, section: str) -> None:
        if section not in ("online", "likes", "orders", "products"):
            return
        state = self.console.state
        payments = self.tr("test mode — orders are not charged") if state.test_mode else self.tr("live")
        paid = sum(1 for o in state.orders if o["status"] == "paid")
        self.room_summary.setText(
            self.tr("Watching: %1 · Likes: %2 · Paid orders: %3")
            .replace("%1", str(state.online))
            .replace("%2", str(state.likes))
            .replace("%3", str(paid))
            + "\n"
            + self.tr("Payments: %1").replace("%1", payments)
        )

    def _fill_sources(self) -> None:
        picker = self.source_picker
        devices = self.session.devices or SystemDevices()
        for camera in devices.cameras():
            picker.addItem(self.tr("Camera %1").replace("%1", str(camera.index)), f"camera:{camera.index}")
        picker.addItem(self.tr("Test pattern"), "test")
        picker.addItem(self.tr("Media file…"), "file")

    def _connect(self) -> None:
        b = self.bridge
        b.stats.connect(self._on_stats)
        b.notice.connect(self._on_notice)
        b.relay_ready.connect(self._on_relay_ready)
        b.relay_failed.connect(self._on_relay_failed)
        b.source_changed.connect(self._on_source_changed)
        b.live_started.connect(self._on_live_started)
        b.live_failed.connect(self._on_live_failed)
        b.live_ended.connect(self._on_live_ended)
        self.live_button.clicked.connect(self._on_live_clicked)
        self.copy_button.clicked.connect(self.copy_viewer_url)
        self.open_button.clicked.connect(self.open_viewer_page)
        self.report_button.clicked.connect(self.write_report)
        b.room_action_done.connect(self._on_report_done)
        b.room_action_failed.connect(self._on_report_failed)
        self.source_picker.activated.connect(self._on_source_picked)
        self.studio_mode_action.toggled.connect(self._on_studio_mode)
        self.safe_zone_action.toggled.connect(self.studio_view.set_safe_zone_shown)
        self.canvas_picker.activated.connect(self._on_canvas_picked)
        self.rehearsal_switch.state_shown.connect(self._on_rehearsal_shown)
        self.editing.changed.connect(self._on_scenes)
        self.editing.refused.connect(self._on_refused)

    # --- scenes ----------------------------------------------------------------------------------

    @Slot(bool)
    def _on_studio_mode(self, on: bool) -> None:
        scenes = self.editing.scenes
        if scenes is not None and scenes.studio_mode != on:
            scenes.set_studio_mode(on)

    @Slot()
    def _on_scenes(self) -> None:
        self.studio_mode_action.setEnabled(self.editing.scenes is not None)
        studio = self.editing.studio_mode
        if self.studio_mode_action.isChecked() != studio:
            self.studio_mode_action.blockSignals(True)
            self.studio_mode_action.setChecked(studio)
            self.studio_mode_action.blockSignals(False)

    @Slot(int)
    def _on_canvas_picked(self, index: int) -> None:
        self.editing.set_canvas(self.canvas_picker.itemData(index))

    @Slot(str)
    def _on_refused(self, message: str) -> None:
        self._add_notice("warning", self.tr("Not changed: %1").replace("%1", message))

    # --- start and stop ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the session: program first (preview), then the relay. Nothing here blocks."""
        self.session.start_async()
        if self.session.config.relay is not None:
            self.session.connect_relay()
        else:
            self.relay_status.setText(self.tr("Relay: none configured"))

    def shutdown(self) -> None:
        """Stop everything the session started (ends the live if needed)."""
        self.session.close()

    def close_without_asking(self) -> None:
        """Close even while live (Ctrl-C, SIGTERM, system shutdown): the live ends cleanly."""
        self._closing_without_asking = True
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tab_health_dock()
        self.settings_ui.window_shown()  # the default dock layout taken, then the saved one restored

    def closeEvent(self, event: QCloseEvent) -> None:
        asking = not self._closing_without_asking
        if asking and self._live_state in ("live", "starting") and not self.confirm_end_live():
            event.ignore()
            return
        self.settings_ui.save_layout()
        event.accept()

    # --- hotkeys for the run of show ----------------------------------------------------------------

    def next_segment(self) -> None:
        """The Next segment hotkey: ends the current segment of the run of show and starts the next."""
        self.next_segment_requested.emit()

    def launch_promotion(self) -> None:
        """The Launch promotion hotkey: launches the current segment's armed promotion."""
        self.launch_promotion_requested.emit()

    def confirm_end_live(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("End the live stream?"),
            self.tr("Viewers will see that the live stream has ended."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- live ----------------------------------------------------------------------------------

    def _set_live_state(self, state: str) -> None:
        self._live_state = state
        button = self.live_button
        if state == "live":
            button.setText(self.tr("End Live"))
            button.setStyleSheet(END_LIVE_STYLE)
            button.setEnabled(True)
        elif state == "idle":
            button.setText(self.tr("Start rehearsal") if self.rehearsal else self.tr("Go Live"))
            button.setStyleSheet(REHEARSAL_STYLE if self.rehearsal else GO_LIVE_STYLE)
            button.setEnabled(True)
            self.state_label.setText(self.tr("Rehearsal: ready") if self.rehearsal else self.tr("Ready"))
            self.rungs_label.clear()
            self.push_label.clear()
        else:
            button.setText(self.tr("Going live…") if state == "starting" else self.tr("Ending…"))
            button.setEnabled(False)
            self.state_label.setText(button.text())
        self.rehearsal_switch.enable()

    @property
    def live_state(self) -> str:
        return self._live_state

    @Slot()
    def _on_live_clicked(self) -> None:
        if self._live_state == "idle":
            if self.preflight_before_live:
                self.open_preflight()
            else:
                self._start_live()
        elif self._live_state == "live" and self.confirm_end_live():
            self._set_live_state("ending")
            self.session.end_live()

    def open_preflight(self) -> PreflightDialog:
        """The pre-flight check (ui/preflight_dialog.py); its Go Live counts down 3-2-1 and goes live."""
        dialog = self.preflight_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            return dialog
        dialog = PreflightDialog(self.session, self)
        dialog.go_live.connect(self._start_live)
        self.preflight_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _start_live(self) -> None:
        if self._live_state == "idle":
            self._set_live_state("starting")
            self.session.go_live()

    @Slot(str)
    def _on_live_started(self, stream_id: str) -> None:
        self._set_live_state("live")
        self.metrics_dock.raise_()  # on air, the numbers are what the streamer watches
        self.state_label.setText(self._on_air_text(0))
        if self.rehearsal:
            self._add_notice("info", self.tr("Rehearsing: the room is unlisted and orders are test orders."))
        else:
            self._add_notice("info", self.tr("You are live."))

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        self._set_live_state("idle")
        self._add_notice("error", self.tr("Could not go live: %1").replace("%1", message))

    @Slot(object)
    def _on_live_ended(self, report: BroadcastReport) -> None:
        self._set_live_state("idle")
        if self.session.room is not None:
            self.report_button.setEnabled(True)
            self.report_button.setDefault(True)
        if self.rehearsal:
            self._add_notice(
                "info",
                self.tr("Rehearsal run ended. Switch Rehearsal off to cancel its test orders before the real show."),
            )
        if report.complete:
            text = self.tr("Live ended: %1 segments delivered.").replace("%1", str(report.segments))
            self._add_notice("info", text)
        else:
            details = "; ".join(o.message for o in report.outputs if not o.complete)
            self._add_notice(
                "error", self.tr("Live ended, but not everything was delivered: %1").replace("%1", details)
            )

    # --- rehearsal (彩排: ui/rehearsal_switch.py) ------------------------------------------------

    @property
    def rehearsal(self) -> bool:
        """The room is rehearsing (as the owner feed last said)."""
        return self.rehearsal_switch.on

    @Slot(bool)
    def _on_rehearsal_shown(self, _on: bool) -> None:
        if self._live_state == "idle":
            self._set_live_state("idle")  # the button and the state read rehearsal (or not)

    def _on_air_text(self, seconds: float) -> str:
        if self.rehearsal:
            label = "● " + self.tr("REHEARSAL") + " " + format_clock(seconds)
            return f"<span style='color:{REHEARSAL_COLOUR}'>{label}</span>"
        return "● " + self.tr("LIVE") + " " + format_clock(seconds)

    # --- the post-live report --------------------------------------------------------------------

    REPORT_TAG = "studio:report"

    @Slot()
    def write_report(self) -> None:
        """Build the last show's report (复盘) from the relay's event log, save it and open it."""
        room = self.session.room
        if room is None:
            return
        lang = "zh_CN" if current_language().startswith("zh") else "en"
        out = data_home() / "reports" / f"{room.room}-{time.strftime('%Y%m%d-%H%M%S')}.html"

        def action(client: RoomClient) -> str:
            try:
                return str(write_report(client.base_url, client.room, client.owner_token, out, lang))
            except ReportError as exc:
                raise ValueError(str(exc)) from exc

        self.report_button.setEnabled(False)
        self._add_notice("info", self.tr("Writing the post-live report…"))
        self.session.room_action(self.REPORT_TAG, action)

    @Slot(str, object)
    def _on_report_done(self, tag: str, result: object) -> None:
        if tag != self.REPORT_TAG:
            return
        self.report_button.setEnabled(True)
        self.last_report = Path(str(result))
        self._add_notice("info", self.tr("Post-live report saved: %1").replace("%1", str(result)))
        if self.open_reports:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result)))

    @Slot(str, str)
    def _on_report_failed(self, tag: str, message: str) -> None:
        if tag == self.REPORT_TAG:
            self.report_button.setEnabled(True)
            self._add_notice("error", self.tr("Could not write the post-live report: %1").replace("%1", message))

    # --- relay -----------------------------------------------------------------------------------

    @Slot(str, str)
    def _on_relay_ready(self, relay_url: str, watch_url: str) -> None:
        self._relay_ready = True
        self.report_button.setEnabled(self.session.room is not None)
        self.rehearsal_switch.enable()
        self.watch_url = watch_url
        self.viewer_url.setText(watch_url)
        self.copy_button.setEnabled(True)
        self.open_button.setEnabled(True)
        self.relay_status.setText(self.tr("Relay: ready at %1").replace("%1", relay_url))
        if self._go_live_when_ready and self._live_state == "idle":
            self._go_live_when_ready = False
            self._set_live_state("starting")
            self.session.go_live()

    @Slot(str)
    def _on_relay_failed(self, message: str) -> None:
        self.relay_status.setText(self.tr("Relay: not available"))
        self._add_notice("error", self.tr("The relay could not start: %1").replace("%1", message))

    @Slot()
    def open_viewer_page(self) -> None:
        if self.watch_url:
            QDesktopServices.openUrl(QUrl(self.watch_url))

    @Slot()
    def copy_viewer_url(self) -> None:
        if self.watch_url:
            QGuiApplication.clipboard().setText(self.watch_url)
            self.statusBar().showMessage(self.tr("Viewer link copied"), 3000)

    # --- sources -------------------------------------------------------------------------------

    @Slot(int)
    def _on_source_picked(self, index: int) -> None:
        spec = self.source_picker.itemData(index)
        if spec == "file":
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Choose a video"),
                str(Path.home()),
                self.tr("Videos (*.mp4 *.mov *.mkv *.webm *.flv *.ts)"),
            )
            if not path:
                return
            spec = f"file:{path}"
        self.session.switch_video(spec)

    @Slot(str)
    def _on_source_changed(self, description: str) -> None:
        if description == "test pattern":
            self.source_picker.setCurrentIndex(self.source_picker.findData("test"))
        elif description.startswith("camera "):
            index = self.source_picker.findData("camera:" + description.removeprefix("camera "))
            if index >= 0:
                self.source_picker.setCurrentIndex(index)
        self.statusBar().showMessage(self.tr("Source: %1").replace("%1", description), 4000)

    # --- stats and notices ---------------------------------------------------------------------

    @Slot(object)
    def _on_stats(self, stats: SessionStats) -> None:
        target = float(self.session.config.program.fps)
        fps = stats.program.fps
        colour = LEVEL_COLOURS[fps_level(fps, target)]
        self.fps_label.setText(f"<span style='color:{colour}'>{fps:.1f} fps</span>")
        broadcast = stats.broadcast
        live = broadcast is not None and self._live_state == "live"
        if stats.health is not None:
            self.health_dock.update_report(stats.health)
        if broadcast is None or not live:
            return
        self.state_label.setText(self._on_air_text(broadcast.live_seconds))
        self.rungs_label.setText(" · ".join(f"{r.name} {format_rate(r.kbps)}" for r in broadcast.rungs))
        pushes = []
        for output in broadcast.outputs:
            if output.state == "retrying" and output.retry_in is not None:
                state = self.tr("reconnecting in %1 s").replace("%1", f"{output.retry_in:.0f}")
            elif output.state == "failed":
                state = self.tr("failed")
            else:
                state = self.tr("OK")
            pushes.append(f"{output.name}: {state}")
        skipped = broadcast.frames_skipped
        if skipped:
            pushes.append(self.tr("skipped %1 frames").replace("%1", str(skipped)))
        self.push_label.setText(" · ".join(pushes))

    @Slot(str, str)
    def _on_notice(self, level: str, message: str) -> None:
        self._add_notice(level, message)

    def _add_notice(self, level: str, message: str) -> None:
        item = QListWidgetItem(f"{time.strftime('%H:%M:%S')}  {message}")
        if level in NOTICE_COLOURS:
            item.setForeground(NOTICE_COLOURS[level])
        self.notices.addItem(item)
        self.notices.scrollToBottom()
        if level != "info":
            self.statusBar().showMessage(message, 8000)
