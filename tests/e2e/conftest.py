from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, WEBRTC_ARGS


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def webrtc_browser() -> Iterator[Browser]:
    """Chromium with a fake camera and microphone, for the pages that ask for them (the co-host guest page).
    A module uses this or ``browser``, not both: one sync Playwright per thread."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBRTC_ARGS, headless=True)
        yield instance
        instance.close()
