"""The Co-hosts panel against a real bundled relay: an invite link with its QR code, the invites list
and revoking, the layout, and the guests list with mute and remove (the media path itself is
tests/e2e/test_cohost_studio.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QPushButton
from pytestqt.qtbot import QtBot

from app.cohost import GuestsChanged
from pipeline.cohost_endpoint import GuestInfo
from pipeline.compositor import Layout
from tests.helpers.fakes import FakeDevices
from tests.helpers.studio import assert_qr_code_of, bundled_studio
from ui.studio_window import StudioWindow

TIMEOUT = 15_000


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    with bundled_studio(qtbot, tmp_path / "relay", no_devices, "duo") as window:
        yield window


def test_an_invite_link_with_its_qr_code_can_be_copied_listed_and_revoked(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["cohost"]
    box = panel.link_box
    assert box.copy_button.isEnabled() is False and box.qr.pixmap().isNull()
    panel.label.setText("小林")
    panel.create_button.click()
    qtbot.waitUntil(lambda: box.link.text().startswith(f"{studio.session.relay_url}/cohost/"), timeout=TIMEOUT)
    assert panel.status.text() == "✓ Invite created: send the link or let the guest scan the code"
    assert_qr_code_of(box.qr, box.link.text())
    box.copy_button.click()
    assert QGuiApplication.clipboard().text() == box.link.text()
    qtbot.waitUntil(lambda: panel.invites.rowCount() == 1, timeout=TIMEOUT)
    assert [panel.invites.item(0, c).text() for c in (0, 1)] == ["小林", "open"]
    page = httpx.get(box.link.text(), timeout=10)
    assert page.status_code == 200, "the link opens the guest page"
    assert invite_check(box.link.text()).status_code == 200, "which is told the invite is open"

    revoke = panel.invites.cellWidget(0, 3)
    assert isinstance(revoke, QPushButton)
    revoke.click()
    qtbot.waitUntil(lambda: panel.invites.item(0, 1).text() == "revoked", timeout=TIMEOUT)
    assert panel.status.text() == "✓ Invite revoked: the link no longer works"
    assert invite_check(box.link.text()).status_code == 410


def invite_check(link: str) -> httpx.Response:
    """What the guest page asks about the invite in its link's fragment (``/cohost/ROOM#t=TOKEN``)."""
    page, token = link.split("#t=", 1)
    base = page.split("/cohost/", 1)[0]
    return httpx.get(f"{base}/api/v1/cohost/invite", headers={"Authorization": f"Bearer {token}"}, timeout=10)


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
