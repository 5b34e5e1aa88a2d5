"""The Co-hosts panel against a real bundled relay: an invite link with its QR code, the invites list
and revoking, the layout, and the guests list with mute and remove (the media path itself is
tests/e2e/test_cohost_studio.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import segno
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QPushButton
from pytestqt.qtbot import QtBot

from app.cohost import GuestsChanged
from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from pipeline.cohost_endpoint import GuestInfo
from pipeline.compositor import Layout
from tests.helpers.fakes import FakeDevices
from ui.studio_window import StudioWindow

TIMEOUT = 15_000


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    config = SessionConfig(source="test", mic="none", relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="duo"))
    window = StudioWindow(StudioSession(config, devices=no_devices))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.console.state.ready, timeout=30_000)
    yield window
    window.shutdown()


def test_an_invite_link_with_its_qr_code_can_be_copied_listed_and_revoked(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["cohost"]
    assert panel.copy_button.isEnabled() is False and panel.qr.pixmap().isNull()
    panel.label.setText("小林")
    panel.create_button.click()
    qtbot.waitUntil(lambda: panel.link.text().startswith(f"{studio.session.relay_url}/cohost/"), timeout=TIMEOUT)
    assert panel.status.text() == "✓ Invite created: send the link or let the guest scan the code"
    # The QR code encodes exactly the link (compare with segno's own rendering of it).
    image = panel.qr.pixmap().toImage()
    modules = len(segno.make(panel.link.text(), error="m").matrix) + 8
    assert image.width() == image.height() and image.width() % modules == 0
    panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == panel.link.text()
    qtbot.waitUntil(lambda: panel.invites.rowCount() == 1, timeout=TIMEOUT)
    assert [panel.invites.item(0, c).text() for c in (0, 1)] == ["小林", "open"]
    page = httpx.get(panel.link.text(), timeout=10)
    assert page.status_code == 200, "the link opens the guest page"

    revoke = panel.invites.cellWidget(0, 3)
    assert isinstance(revoke, QPushButton)
    revoke.click()
    qtbot.waitUntil(lambda: panel.invites.item(0, 1).text() == "revoked", timeout=TIMEOUT)
    assert panel.status.text() == "✓ Invite revoked: the link no longer works"
    assert httpx.get(panel.link.text(), timeout=10).status_code == 410


def test_the_guests_list_mutes_removes_and_the_layout_reaches_the_compositor(
    qtbot: QtBot, studio: StudioWindow
) -> None:
    panel = studio.panels["cohost"]
    panel.layout_picker.setCurrentIndex(panel.layout_picker.findData("grid"))
    assert studio.session.cohosting.compositor.layout is Layout.GRID
    # Guests as the session reports them (joining is the e2e test's): a row each, with mute and remove.
    guests = (
        GuestInfo("cs_1", "Mei", "live", False, 0.0, 90, 0),
        GuestInfo("cs_2", "阿强", "connecting", False, 0.0, 0, 0),
    )
    studio.session._emit(GuestsChanged(guests))
    qtbot.waitUntil(lambda: panel.guests.rowCount() == 2, timeout=TIMEOUT)
    assert [panel.guests.item(r, 1).text() for r in range(2)] == ["on air", "connecting"]
    mute = panel.guests.cellWidget(0, 2)
    assert isinstance(mute, QCheckBox)
    mute.setChecked(True)  # not connected in this session: the panel says so instead of failing silently
    assert panel.status.text() == "That guest has left"
    remove = panel.guests.cellWidget(1, 3)
    assert isinstance(remove, QPushButton)
    remove.click()
    assert panel.status.text() == "That guest has left"
    studio.session._emit(GuestsChanged(()))
    qtbot.waitUntil(lambda: panel.guests.rowCount() == 0, timeout=TIMEOUT)
