"""Real Redis and PostgreSQL from Debian's packages for tests (issue 17): each started on a free loopback
port in a folder of its own, and stopped (and its folder removed) by the test that started it.

PostgreSQL's ``initdb`` and ``postgres`` refuse to run as root: as root, both run as the ``postgres``
user the Debian package creates (``setpriv``, which execs: a stop signal reaches the server itself),
in a folder given to that user; as anyone else, as that user. The cluster trusts loopback
connections (a test database, never a user's) and skips fsync.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.helpers.processes import free_port, stop_process

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGRES_USER = "postgres"
"""The unprivileged system user PostgreSQL's Debian package creates."""


def _wait(ready: Callable[[], bool], seconds: float, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready")
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} was not ready within {seconds:.0f} s")


class RedisServer:
    """``redis-server`` on 127.0.0.1, no persistence (``url`` for clients)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="shopcast-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self, *args: str) -> bytes:
        """One command in RESP, its raw reply (enough to check the server without a client library)."""
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = arg.encode()
            parts.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"".join(parts))
            return sock.recv(65536)

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/setup.sh test (Debian's redis-server)")
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        options += ["--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")]
        self._process = subprocess.Popen([binary, *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def ready() -> bool:
            try:
                return self.command("PING") == b"+PONG\r\n"
            except OSError:
                return False

        _wait(ready, 15, "redis-server", self._process)
        return self

    def stop(self) -> None:
        stop_process(self._process)
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1 (``dsn`` for clients; user ``shopcast``, trusted)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="shopcast-postgres-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://shopcast@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def _as_owner(self, *args: str) -> list[str]:
        if os.geteuid() != 0:
            return list(args)
        return ["setpriv", f"--reuid={POSTGRES_USER}", f"--regid={POSTGRES_USER}", "--clear-groups", *args]

    def psql(self, sql: str) -> str:
        """``sql`` run by Debian's ``psql`` (no client library needed), its unaligned output."""
        command = ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.dsn, "-c", sql]
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout.strip()

    def start(self) -> PostgresServer:
        if not (POSTGRES_BIN / "initdb").is_file():
            raise RuntimeError("PostgreSQL 15 is not installed: run scripts/setup.sh test (Debian's postgresql)")
        data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, POSTGRES_USER, POSTGRES_USER)
        init = ["-D", str(data), "-U", "shopcast", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"]
        initdb = self._as_owner(str(POSTGRES_BIN / "initdb"), *init)
        subprocess.run(initdb, check=True, capture_output=True, timeout=120)
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
        }
        options = ["-D", str(data), "-p", str(self.port)]
        for name, value in settings.items():
            options += ["-c", f"{name}={value}"]
        self._process = subprocess.Popen(
            self._as_owner(str(POSTGRES_BIN / "postgres"), *options),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def ready() -> bool:
            probe = [str(POSTGRES_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            return subprocess.run(probe, check=False, timeout=10).returncode == 0

        _wait(ready, 60, "postgres", self._process)
        return self

    def stop(self) -> None:
        stop_process(self._process, timeout=20)  # SIGTERM: PostgreSQL's "smart" shutdown
        shutil.rmtree(self.folder, ignore_errors=True)
