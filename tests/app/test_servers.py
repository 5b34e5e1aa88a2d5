"""The real Redis and PostgreSQL the scale-out tests run on (tests/helpers/servers.py): each starts on a
free loopback port, answers, and is gone (process and folder) when stopped."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.helpers.servers import PostgresServer, RedisServer

pytestmark = pytest.mark.slow


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_a_redis_server_starts_answers_and_stops() -> None:
    server = RedisServer().start()
    try:
        assert server.command("SET", "shopcast:k", "秒杀") == b"+OK\r\n"
        assert server.command("GET", "shopcast:k") == b"$6\r\n" + "秒杀".encode() + b"\r\n"
        assert server.url.startswith("redis://127.0.0.1:")
    finally:
        server.stop()
    assert refused(server.port) and not server.folder.exists()


def test_a_postgres_cluster_starts_as_an_unprivileged_user_answers_and_stops() -> None:
    server = PostgresServer().start()
    try:
        assert server.psql("SELECT current_user, 40 + 2") == "shopcast|42"
        status = Path(f"/proc/{server.pid}/status").read_text().splitlines()
        uid = next(line.split()[1] for line in status if line.startswith("Uid:"))
        assert int(uid) != 0, "PostgreSQL runs as an unprivileged user"
        assert server.psql("SHOW server_version_num").startswith("15")
        server.psql("CREATE TABLE orders (id text PRIMARY KEY); INSERT INTO orders VALUES ('o1')")
        assert server.psql("SELECT count(*) FROM orders") == "1"
    finally:
        server.stop()
    assert refused(server.port) and not server.folder.exists()
