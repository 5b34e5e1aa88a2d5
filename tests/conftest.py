from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must never look for a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHOPCAST_LANG", "en")

from playwright.sync_api import Browser, sync_playwright

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, WEBRTC_ARGS
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import RelayProcess
from tests.helpers.servers import PostgresServer, RedisServer


def _ours() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("shopcast-")}


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    """Fail any test that leaves one of ShopCast's threads running."""
    before = _ours()
    yield
    deadline = time.monotonic() + 5
    while (leaked := _ours() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leaked, f"threads left running: {sorted(t.name for t in leaked)}"


@pytest.fixture
def no_devices() -> FakeDevices:
    return FakeDevices()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path / "relay").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def shared_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    # Shared by a module's tests, together thousands of viewers' actions from 127.0.0.1 within a minute or
    # two: the rate limits (set for about a hundred people behind one address) are scaled to that crowd.
    # The limits themselves are tested on relays of their own (tests/app/test_rate_limits.py).
    flags = ("--max-body-mb", "1", "--rate-limit-scale", "50")
    process = RelayProcess(tmp_path_factory.mktemp("relay"), *flags).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session; each test gets a schema of its own (``postgres_dsn``)."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A DSN whose tables live in a fresh schema, dropped after the test."""
    schema = f"t{abs(hash(request.node.nodeid)) % 10**12}_{os.getpid()}"
    postgres_server.psql(f"CREATE SCHEMA {schema}")
    yield f"{postgres_server.dsn}?options=-csearch_path%3D{schema}"
    postgres_server.psql(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for a module's pages (tests/helpers/browser.py)."""
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
