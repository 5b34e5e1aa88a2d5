"""Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Flags from the environment notes: without the background-networking ones Chromium keeps trying
# to reach Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# WebRTC in headless Chromium (the environment notes): a fake camera (a moving test picture) and
# microphone (a beep), no permission prompt, loopback ICE candidates, and real addresses instead of
# mDNS .local names (aiortc cannot resolve those).
WEBRTC_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


class PhonePages:
    """Pages at a phone's size (:data:`PHONE`), each in a browser context of its own (its own storage, its
    own locale); ``page.errors`` collects the page's uncaught script errors. :meth:`close` closes them."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self._contexts: list[BrowserContext] = []

    def open(self, url: str, locale: str = "en-US", *, ready: str, timeout_ms: float = 10_000) -> Page:
        """``url`` in a new page, once the script expression ``ready`` is true there."""
        context = self._browser.new_context(bypass_csp=True, locale=locale, **PHONE)  # type: ignore[arg-type]
        self._contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(url)
        page.wait_for_function(ready, timeout=timeout_ms)
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


class KillableChromium:
    """A Chromium of our own process, driven through the DevTools protocol, that a test can kill
    (SIGKILL: no page unload, no goodbye on any connection), as a crashed or closed phone browser
    would vanish. Use as a context manager; ``browser`` is the Playwright Browser."""

    def __init__(self, playwright: Playwright, user_data_dir: Path, extra_args: Sequence[str] = ()) -> None:
        self._playwright = playwright
        self._args = [CHROMIUM, *CHROMIUM_ARGS, *extra_args, f"--user-data-dir={user_data_dir}",
                      "--remote-debugging-port=0", "about:blank"]  # fmt: skip
        self.process: subprocess.Popen[str] | None = None
        self.browser: Browser | None = None

    def __enter__(self) -> KillableChromium:
        self.process = subprocess.Popen(self._args, stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert self.process.stderr is not None
        deadline = time.monotonic() + 30
        for line in self.process.stderr:
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                self.browser = self._playwright.chromium.connect_over_cdp(found.group(1))
                threading.Thread(target=self._drain, name="test-chromium-stderr", daemon=True).start()
                return self
            if time.monotonic() > deadline:
                break
        self.kill()
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for _ in self.process.stderr:
            pass

    def kill(self) -> None:
        """SIGKILL the whole browser (every renderer and helper process with it)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def __exit__(self, *exc: object) -> None:
        if self.browser is not None:
            with contextlib.suppress(Exception):
                self.browser.close()
        self.kill()


CSP_TRIPWIRE = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile ? " at " + e.sourceFile + ":" + e.lineNumber + ":" + e.columnNumber : "";
  const what = e.violatedDirective + " " + e.blockedURI + where;
  setTimeout(() => { throw new Error("Content-Security-Policy blocked " + what); });
});
"""
"""An init script that turns anything the pages' Content-Security-Policy blocks into a page error, so a
test asserting ``page.errors == []`` also asserts the policy let the page work (the pages' CSP:
app/relay/security_headers.py)."""


# Tests open their pages with ``bypass_csp=True``: Playwright's string predicates (``wait_for_function``)
# run through ``eval``, which the pages' Content-Security-Policy forbids. The tests that check the pages
# work under that policy open them without it, with CSP_TRIPWIRE, and wait with wait_js.


def wait_js(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Wait until ``expression`` is truthy in ``page``, polling through ``page.evaluate`` (the DevTools
    protocol, which a page's Content-Security-Policy does not govern)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {expression}")
        page.wait_for_timeout(50)


def with_query(url: str, query: str) -> str:
    """``url`` with ``?query`` before its fragment (a co-host invite's token is in the fragment)."""
    address, hash_mark, fragment = url.partition("#")
    return f"{address}?{query}{hash_mark}{fragment}"
