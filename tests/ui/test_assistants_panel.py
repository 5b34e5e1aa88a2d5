"""The Assistants (中控) panel against a real bundled relay: make a link for a named assistant, copy it
(its QR code too), see it listed, and revoke it so it stops working."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.helpers.fakes import FakeDevices
from tests.helpers.studio import assert_qr_code_of, bundled_studio
from ui.panels.assistants_panel import QtAssistantsPanel
from ui.studio_window import StudioWindow

TIMEOUT = 15_000


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    with bundled_studio(qtbot, tmp_path / "relay", no_devices, "duo") as window:
        yield window


def who_is(url: str, relay_url: str) -> httpx.Response:
    token = url.split("#t=", 1)[1]
    return httpx.get(
        f"{relay_url}/api/v1/rooms/duo/assistant", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def text_at(panel: QtAssistantsPanel, row: int, column: int) -> str | None:
    item = panel.links.item(row, column)
    return None if item is None else item.text()


def test_a_link_is_made_copied_listed_and_revoked(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["assistants"]
    assert isinstance(panel, QtAssistantsPanel)
    box = panel.link_box
    assert studio.docks["assistants"].windowTitle() == "Assistants"
    assert not panel.create_button.isEnabled(), "a link is for someone: no name, no link"
    panel.label.setText("小王")
    assert panel.create_button.isEnabled()
    panel.lifetime.setCurrentIndex(panel.lifetime.findData(2 * 3600))
    panel.create_button.click()
    relay_url = studio.session.relay_url
    assert relay_url is not None
    qtbot.waitUntil(lambda: box.link.text().startswith(f"{relay_url}/assist/duo#t="), timeout=TIMEOUT)
    assert panel.status.text() == "✓ Link for 小王 created: send it or let them scan the code"
    assert panel.label.text() == "", "ready for the next assistant"
    assert_qr_code_of(box.qr, box.link.text())
    box.copy_button.click()
    assert QGuiApplication.clipboard().text() == box.link.text()
    url = box.link.text()
    answer = who_is(url, relay_url)
    assert answer.status_code == 200 and answer.json()["label"] == "小王"
    assert abs(answer.json()["expires_at"] - (time.time() + 2 * 3600)) < 60, "valid for the 2 h chosen"

    qtbot.waitUntil(lambda: panel.links.rowCount() == 1, timeout=TIMEOUT)
    assert [text_at(panel, 0, c) for c in (0, 1)] == ["小王", "active"]
    copy = panel.links.cellWidget(0, 3)
    assert isinstance(copy, QPushButton) and copy.text() == "Copy link"
    QGuiApplication.clipboard().setText("")
    copy.click()
    assert QGuiApplication.clipboard().text() == url, "an active link can be copied again from the list"

    revoke = panel.links.cellWidget(0, 4)
    assert isinstance(revoke, QPushButton)
    revoke.click()
    qtbot.waitUntil(lambda: text_at(panel, 0, 1) == "revoked", timeout=TIMEOUT)
    assert panel.status.text() == "✓ 小王's link is revoked: their page stops working now"
    assert box.link.text() == "" and not box.copy_button.isEnabled() and box.qr.pixmap().isNull()
    assert panel.links.cellWidget(0, 4) is None, "nothing left to revoke"
    refused = who_is(url, relay_url)
    assert refused.status_code == 401 and refused.json()["error"] == "assistant_revoked"


def test_the_relay_s_refusal_shows_in_the_panel(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["assistants"]
    assert isinstance(panel, QtAssistantsPanel)
    panel.label.setText("   ")
    assert not panel.create_button.isEnabled()
    panel.create_link()
    assert panel.status.text() == "Say who the link is for: their actions are recorded under this name"
    panel.revoke("ast_000000000000", "nobody")
    qtbot.waitUntil(lambda: panel.status.text().startswith("✗"), timeout=TIMEOUT)
    assert "does not exist" in panel.status.text()
