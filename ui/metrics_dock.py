"""The live metrics sidebar: the room's numbers as the relay computes them from the event log (the
owner feed's ``metrics`` message, at least every 2 s), each with a per-minute sparkline and how the
last 5 minutes compare with the 5 before, and the pinned product's live funnel.

The numbers are the relay's (app/analytics/metrics.py): the sidebar formats and draws, it does not
count, so it always agrees with the post-live report and with a recount of the log.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QTimer, Slot
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import current_language
from ui.session_bridge import QtSessionBridge

SHOWN = (
    "online",
    "peak_online",
    "viewers",
    "avg_watch_time",
    "comments",
    "likes",
    "interaction_rate",
    "product_click_people",
    "orders",
    "gmv",
    "viewer_conversion",
    "gpm",
)
"""The sidebar's metrics, in order (keys of the relay's ``metrics`` message)."""

UP, DOWN, FLAT = "#2ea043", "#e5243b", "#808080"


def format_value(value: float, unit: str) -> str:
    """A metric's value as the sidebar shows it (money in yuan, rates in percent, time as m:ss)."""
    if unit in ("cents", "cents_per_1000_views", "cents_per_viewer"):
        return f"¥{value / 100:,.2f}"
    if unit == "ratio":
        return f"{100 * value:.1f}%"
    if unit == "seconds":
        seconds = round(value)
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{round(value):,}"


class Sparkline(QWidget):
    """A small line of per-minute values (the newest at the right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.setMinimumHeight(26)
        self.setMaximumHeight(26)

    def set_values(self, values: Sequence[float]) -> None:
        self.values = [float(v) for v in values][-60:]
        self.update()

    def paintEvent(self, event: object) -> None:
        if len(self.values) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        low, high = min(self.values), max(self.values)
        span = (high - low) or 1.0
        step = rect.width() / (len(self.values) - 1)
        path = QPainterPath()
        for i, value in enumerate(self.values):
            point = QPointF(rect.left() + i * step, rect.bottom() - (value - low) / span * rect.height())
            if i == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(QPen(QColor("#ff2d55"), 1.5))
        painter.drawPath(path)
        painter.end()


class MetricTile(QFrame):
    """One metric: its name (people or times), value, trend arrow and sparkline."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"metric:{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(1)
        self.label = QLabel(self)
        self.label.setStyleSheet("color: #888; font-size: 11px;")
        self.value = QLabel("—", self)
        self.value.setObjectName("value")
        self.value.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.trend = QLabel(self)
        self.trend.setObjectName("trend")
        self.trend.setStyleSheet("font-size: 11px;")
        self.sparkline = Sparkline(self)
        for widget in (self.label, self.value, self.trend, self.sparkline):
            layout.addWidget(widget)

    def show_metric(self, metric: dict[str, Any]) -> None:
        chinese = current_language().startswith("zh")
        label = metric.get("label_zh" if chinese else "label_en") or self.key
        counted = {"people": self.tr("people"), "times": self.tr("times")}.get(str(metric.get("unit")), "")
        self.label.setText(f"{label} · {counted}" if counted else str(label))
        self.value.setText(format_value(float(metric.get("value") or 0), str(metric.get("unit"))))
        self.sparkline.set_values(metric.get("minutes") or [])
        last, previous = metric.get("last5"), metric.get("prev5")
        self.trend.setText(self.describe_trend(last, previous))

    def describe_trend(self, last: Any, previous: Any) -> str:
        """ "▲ 12% vs the 5 min before", in its colour."""
        if last is None or previous is None:
            self.trend.setStyleSheet(f"font-size: 11px; color: {FLAT};")
            return ""
        last, previous = float(last), float(previous)
        if previous == 0:
            arrow, colour = ("▲", UP) if last > 0 else ("—", FLAT)
            change = ""
        else:
            ratio = last / previous - 1
            arrow, colour = ("▲", UP) if ratio > 0.005 else ("▼", DOWN) if ratio < -0.005 else ("—", FLAT)
            change = f" {abs(100 * ratio):.0f}%"
        self.trend.setStyleSheet(f"font-size: 11px; color: {colour};")
        return arrow + change + " " + self.tr("last 5 min vs the 5 before")


class MetricsDock(QDockWidget):
    """The live metrics sidebar (module docstring). Fed by the bridge's room messages."""

    def __init__(self, bridge: QtSessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Live data"), parent)
        self.setObjectName("metrics-dock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.updated = QLabel(self.tr("Waiting for the room's numbers…"), body)
        self.updated.setObjectName("updated")
        self.updated.setStyleSheet("color: #888;")
        layout.addWidget(self.updated)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.tiles: dict[str, MetricTile] = {}
        for i, key in enumerate(SHOWN):
            tile = MetricTile(key, body)
            self.tiles[key] = tile
            grid.addWidget(tile, i // 2, i % 2)
        layout.addLayout(grid)
        self.funnel_title = QLabel(self.tr("Pinned product: none"), body)
        self.funnel_title.setObjectName("funnel-title")
        self.funnel_title.setStyleSheet("font-weight: 600; margin-top: 6px;")
        layout.addWidget(self.funnel_title)
        self.funnel = QWidget(body)
        self.funnel_layout = QGridLayout(self.funnel)
        self.funnel_layout.setContentsMargins(0, 0, 0, 0)
        self.funnel_rows: dict[str, tuple[QLabel, QProgressBar, QLabel]] = {}
        steps = (
            ("exposure_people", self.tr("Saw it")),
            ("click_people", self.tr("Clicked")),
            ("cart_people", self.tr("Added to cart")),
            ("buyers", self.tr("Bought")),
        )
        for row, (key, text) in enumerate(steps):
            name, bar, rate = QLabel(text, self.funnel), QProgressBar(self.funnel), QLabel(self.funnel)
            bar.setTextVisible(True)
            bar.setMaximumHeight(16)
            rate.setMinimumWidth(48)
            self.funnel_layout.addWidget(name, row, 0)
            self.funnel_layout.addWidget(bar, row, 1)
            self.funnel_layout.addWidget(rate, row, 2)
            self.funnel_rows[key] = (name, bar, rate)
        layout.addWidget(self.funnel)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.last: dict[str, Any] | None = None
        self._received = 0.0
        bridge.room_message.connect(self.on_message)
        self._ageing = QTimer(self)
        self._ageing.setInterval(1000)
        self._ageing.timeout.connect(self._show_age)
        self._ageing.start()

    @Slot(object)
    def on_message(self, message: dict[str, Any]) -> None:
        found = _metrics_in(message)
        if found is not None:
            self.show_metrics(found)

    def show_metrics(self, message: dict[str, Any]) -> None:
        self.last = message
        self._received = time.monotonic()
        metrics = message.get("metrics") or {}
        for key, tile in self.tiles.items():
            if key in metrics:
                tile.show_metric(metrics[key])
        self._show_funnel(message.get("pinned"))
        self._show_age()

    def _show_funnel(self, pinned: dict[str, Any] | None) -> None:
        if not pinned:
            self.funnel_title.setText(self.tr("Pinned product: none"))
            self.funnel.setHidden(True)
            return
        self.funnel.setHidden(False)
        title = pinned.get("title") or pinned.get("sku") or ""
        self.funnel_title.setText(self.tr("Pinned product: %1").replace("%1", str(title)))
        funnel = pinned.get("funnel") or {}
        top = max(1, int(funnel.get("exposure_people") or 0))
        previous: int | None = None
        for key, (_, bar, rate) in self.funnel_rows.items():
            count = int(funnel.get(key) or 0)
            bar.setRange(0, top)
            bar.setValue(min(count, top))
            bar.setFormat(f"{count:,}")
            rate.setText("" if previous is None else (f"{100 * count / previous:.0f}%" if previous else "—"))
            previous = count

    def _show_age(self) -> None:
        if self.last is None:
            return
        age = time.monotonic() - self._received
        self.updated.setText(self.tr("Updated %1 s ago").replace("%1", str(int(age))))
        self.updated.setStyleSheet(f"color: {'#888' if age < 6 else DOWN};")


def _metrics_in(message: dict[str, Any]) -> dict[str, Any] | None:
    """The ``metrics`` message in an owner-feed message (alone, in a batch, or in the snapshot)."""
    if message.get("type") == "metrics":
        return message
    found: dict[str, Any] | None = None
    for event in message.get("events") or []:
        if isinstance(event, dict) and event.get("type") == "metrics":
            found = event
    if found is None and isinstance(message.get("metrics"), dict) and message.get("type") == "snapshot":
        inner = message["metrics"]
        found = inner if "metrics" in inner else None
    return found
