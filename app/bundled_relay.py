"""The relay the studio starts for itself: a child process, supervised and restarted if it dies.

A separate process keeps the relay's serving work off the studio's GIL, and a relay crash cannot
take the studio down; the studio's push output buffers through the restart.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from app.entry import app_command

log = logging.getLogger(__name__)

READY = re.compile(r"ShopCast relay ready at (http://\S+)")
# The relay child logs through the same formatter as we do ("shopcast: warning: ..."): its lines are
# logged again here at their own level, with their prefix replaced by "relay: ".
_CHILD_LINE = re.compile(r"^shopcast: (debug|info|warning|error|critical): (.*)$")


def log_child_line(line: str) -> None:
    """Log one line of the relay child's output at the level it was written with."""
    match = _CHILD_LINE.match(line)
    if match is None:
        log.info("relay: %s", line)
        return
    log.log(logging.getLevelNamesMapping()[match.group(1).upper()], "relay: %s", match.group(2))


class RelayStartError(RuntimeError):
    pass


class BundledRelay:
    def __init__(
        self,
        data_dir: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        on_restart: Callable[[str], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.data_dir = data_dir
        self.extra_args = tuple(extra_args)
        """More ``shopcast relay`` options (e.g. ``--whep-seats 5``)."""
        self.host = host
        self.port = port
        self.admin_token = secrets.token_urlsafe(32).lstrip("-")
        self.url: str | None = None
        self._on_restart = on_restart
        self._on_failed = on_failed
        self._process: subprocess.Popen[str] | None = None
        self._stopping = threading.Event()
        self._monitor: threading.Thread | None = None
        self._output: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = 20.0) -> str:
        """Start the relay and return its base URL once it serves."""
        self.url = self._spawn(self.port, timeout)
        self._monitor = threading.Thread(target=self._watch, name="shopcast-relay-monitor", daemon=True)
        self._monitor.start()
        return self.url

    def _spawn(self, port: int, timeout: float) -> str:
        command = app_command(
            "relay",
            "--host", self.host, "--port", str(port), "--data", str(self.data_dir), "--exit-with-parent",
            *self.extra_args,
        )  # fmt: skip
        env = {**os.environ, "SHOPCAST_ADMIN_TOKEN": self.admin_token, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=str(Path(__file__).resolve().parents[1]),
            # Its own session: Ctrl-C in the terminal stops the studio, which ends the live (the relay
            # still receiving) and then stops the relay; the relay exits with us via its stdin pipe.
            start_new_session=True,
        )
        self._process = process
        found: list[str] = []
        ready = threading.Event()

        def read_output() -> None:
            assert process.stdout is not None
            for raw in process.stdout:
                line = raw.rstrip()
                self._output = [*self._output[-50:], line]
                match = READY.search(line)
                if match and not ready.is_set():
                    found.append(match.group(1))
                    ready.set()
                elif line:
                    log_child_line(line)
            ready.set()

        self._reader = threading.Thread(target=read_output, name="shopcast-relay-output", daemon=True)
        self._reader.start()
        if not ready.wait(timeout) or not found:
            process.kill()
            process.wait()
            tail = "\n".join(self._output[-10:])
            raise RelayStartError(f"the bundled relay did not start:\n{tail}")
        return found[0]

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.poll()
            if code is None:
                self._stopping.wait(0.5)
                continue
            if self._stopping.is_set():
                return
            log.error("the bundled relay exited with code %s; restarting it", code)
            assert self.url is not None
            port = int(self.url.rsplit(":", 1)[1])
            for attempt in range(20):
                try:
                    self._spawn(port, 20.0)
                    if self._on_restart is not None:
                        self._on_restart(f"the relay stopped (code {code}) and was restarted")
                    break
                except RelayStartError:
                    if self._stopping.wait(min(5.0, 0.5 * (attempt + 1))):
                        return
            else:
                message = "the bundled relay stopped and could not be restarted: " + " / ".join(self._output[-3:])
                log.error("%s", message)
                if self._on_failed is not None:
                    self._on_failed(message)
                return

    @property
    def pid(self) -> int | None:
        """The relay process's id (benchmarks measure its CPU), while it runs."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """Kill the relay process abruptly (tests use this to simulate a crash)."""
        if self._process is not None:
            self._process.kill()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._monitor is not None:
            # Let a restart in progress finish first, so the process it starts is the one stopped.
            self._monitor.join(25.0)
            self._monitor = None
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdin is not None:
            process.stdin.close()
        if self._reader is not None:
            self._reader.join(timeout)
            self._reader = None
