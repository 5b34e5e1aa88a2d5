"""A real relay process for tests: `python -m app relay` on a free loopback port."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from tests.helpers.processes import stop_process

READY = re.compile(r"ShopCast relay ready at (http://\S+)")
REPO = Path(__file__).resolve().parents[2]


class RelayProcess:
    def __init__(
        self,
        data_dir: Path,
        *extra_args: str,
        program: Sequence[str] = (sys.executable, "-m", "app"),
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO,
    ) -> None:
        """``program``: what runs ``shopcast`` (this checkout by default; a built package's executable),
        in ``cwd`` with ``env`` (this process's environment by default)."""
        self.program = tuple(program)
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.data_dir = data_dir
        self.admin_token = "test-admin-" + secrets.token_hex(8)
        self.extra_args = extra_args
        self.url = ""
        self.port = 0
        self.output: list[str] = []
        self._process: subprocess.Popen[str] | None = None

    def start(self, port: int = 0, timeout: float = 20.0) -> RelayProcess:
        command = [*self.program, "relay", "--host", "127.0.0.1", "--port", str(port),
                   "--data", str(self.data_dir), *self.extra_args]  # fmt: skip
        env = {**self.env, "SHOPCAST_ADMIN_TOKEN": self.admin_token, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=self.cwd
        )
        self._process = process
        ready = threading.Event()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self.output.append(line.rstrip())
                match = READY.search(line)
                if match:
                    self.url = match.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=pump, name="test-relay-output", daemon=True).start()
        if not ready.wait(timeout) or not self.url:
            process.kill()
            raise RuntimeError("relay did not start:\n" + "\n".join(self.output))
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def kill(self) -> None:
        """Simulate a crash."""
        assert self._process is not None
        self._process.kill()
        self._process.wait(10)

    def restart(self) -> None:
        self.start(self.port)

    def stop(self) -> None:
        stop_process(self._process)

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.admin_token}"}, timeout=10)

    def create_room(self, room: str, title: str = "") -> dict[str, str]:
        with self.admin() as client:
            response = client.post("/api/v1/rooms", json={"room": room, "title": title or room})
            response.raise_for_status()
            data: dict[str, str] = response.json()
            return data

    def wait_for(self, path: str, timeout: float = 30.0) -> httpx.Response:
        deadline = time.monotonic() + timeout
        while True:
            response = httpx.get(self.url + path, timeout=5)
            if response.status_code == 200 or time.monotonic() > deadline:
                return response
            time.sleep(0.2)


def logged_errors(relay: RelayProcess) -> list[str]:
    """The relay's log lines at the error level, and any request that failed with an exception
    (a warning may carry a traceback on purpose: a malformed playlist it handled, say)."""
    return [
        line
        for line in relay.output
        if line.startswith(("shopcast: error:", "shopcast: critical:")) or "Exception in ASGI application" in line
    ]
