"""The tests' fault proxy (tests/helpers/fault_proxy.py) does to a TCP link what it is told, while it runs."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from tests.helpers.fault_proxy import FaultProxy


class _Upstream(socketserver.StreamRequestHandler):
    """``echo``: every byte back until the client closes; ``send N``: N bytes, then close."""

    def handle(self) -> None:
        command = self.rfile.readline().decode().split()
        if command == ["echo"]:
            while data := self.rfile.read1(65536):
                self.request.sendall(data)
        elif command[:1] == ["send"]:
            self.request.sendall(b"x" * int(command[1]))


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), name="test-upstream", daemon=True).start()
    with FaultProxy(server.server_address[1]) as running:
        yield running
    server.shutdown()
    server.server_close()


def connect(proxy: FaultProxy, command: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    sock.sendall(command.encode() + b"\n")
    return sock


def receive(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size and (chunk := sock.recv(65536)):
        data += chunk
    return bytes(data)


def echo(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    return sock.recv(len(data))


def round_trip(proxy: FaultProxy, payload: bytes, times: int = 1) -> list[float]:
    """Seconds for ``payload`` to come back through an echo connection already open, ``times`` times."""
    with connect(proxy, "echo") as sock:
        sock.sendall(b"warm")
        assert receive(sock, 4) == b"warm"
        seconds = []
        for _ in range(times):
            started = time.monotonic()
            sock.sendall(payload)
            assert receive(sock, len(payload)) == payload
            seconds.append(time.monotonic() - started)
        return seconds


def download_seconds(proxy: FaultProxy, size: int) -> float:
    with connect(proxy, f"send {size}") as sock:
        started = time.monotonic()
        assert len(receive(sock, size)) == size
        return time.monotonic() - started


def test_bytes_pass_unchanged_both_ways(proxy: FaultProxy) -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB
    with connect(proxy, "echo") as sock:
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert receive(sock, len(payload)) == payload
        sender.join()
    assert proxy.stats.bytes_down >= len(payload)


def test_latency_and_jitter_delay_each_direction_and_can_be_changed_while_it_runs(proxy: FaultProxy) -> None:
    assert max(round_trip(proxy, b"ping", 3)) < 0.05
    proxy.set_latency(0.1, jitter=0.05)
    times = round_trip(proxy, b"ping", 4)
    assert all(0.2 <= t < 0.45 for t in times), times  # there and back: 2 x (100 ms + up to 50 ms)
    assert max(times) - min(times) > 0.005, "jitter varies the delay"
    proxy.set_latency(0)
    assert max(round_trip(proxy, b"ping", 3)) < 0.05


def test_a_bandwidth_cap_paces_a_direction_and_lifting_it_restores_the_speed(proxy: FaultProxy) -> None:
    proxy.set_cap(100_000, "down")
    assert 1.7 < download_seconds(proxy, 200_000) < 2.6  # 200 kB at 100 kB/s
    assert round_trip(proxy, b"u" * 50_000)[0] < 1.0, "the other direction is not capped"
    proxy.set_cap(None)
    assert download_seconds(proxy, 2_000_000) < 0.5


def test_reset_drops_open_connections_and_new_ones_work(proxy: FaultProxy) -> None:
    with connect(proxy, "echo") as sock:
        sock.sendall(b"a")
        assert receive(sock, 1) == b"a"
        assert proxy.reset_all() == 1
        with pytest.raises(ConnectionResetError):
            echo(sock, b"b")
    assert round_trip(proxy, b"again")[0] < 0.5
    assert proxy.stats.resets == 1


def test_down_refuses_or_blackholes_until_up(proxy: FaultProxy) -> None:
    proxy.down("refuse")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    proxy.up()
    assert round_trip(proxy, b"back")[0] < 0.5

    with connect(proxy, "echo") as open_before:
        proxy.down("blackhole")
        open_before.settimeout(0.5)
        open_before.sendall(b"held")
        with pytest.raises(TimeoutError):
            open_before.recv(4)  # nothing moves
        proxy.up()
        open_before.settimeout(5)
        assert receive(open_before, 4) == b"held", "a stalled connection resumes"

    proxy.down("reset")
    with pytest.raises(ConnectionResetError), connect(proxy, "echo") as sock:
        sock.recv(1)
    proxy.up()
    assert round_trip(proxy, b"fine")[0] < 0.5
