"""An HTTP reverse proxy for fault tests: it forwards to a real upstream (a relay) unless the test's rule
answers a request itself, as a proxy restarted in front of a relay does (404 until its upstream is
registered again) or an origin refusing certain files (413, 422).

HTTP only (no WebSocket): the studio's push and plain API calls go through it. Its threads are named
``test-proxy…`` (not ``shopcast-…``: they are the test's, not the product's).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

Rule = Callable[[str, str], int | None]
"""(method, path) → a status to answer instead of forwarding, or None to forward."""

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}


class FaultyProxy:
    def __init__(self, upstream: str, rule: Rule | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.rule: Rule = rule or (lambda method, path: None)
        self.answered: list[tuple[str, str, int]] = []
        """Requests the proxy answered itself: (method, path, status)."""
        self.forwarded: list[tuple[str, str, int]] = []
        """Requests it passed on: (method, path, the upstream's status)."""
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=30)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-proxy", daemon=True)

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._client.close()

    def answered_with(self, status: int) -> list[str]:
        with self._lock:
            return [path for _, path, s in self.answered if s == status]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status = proxy.rule(self.command, self.path)
                if status is not None:
                    with proxy._lock:
                        proxy.answered.append((self.command, self.path, status))
                    message = {"error": "proxy", "message": f"the proxy answered {status}"}
                    self._answer(status, {"Content-Type": "application/json"}, json.dumps(message).encode())
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                try:
                    response = proxy._client.request(
                        self.command, proxy.upstream + self.path, content=body, headers=headers
                    )
                except httpx.HTTPError:
                    self._answer(502, {"Content-Type": "text/plain"}, b"bad gateway")
                    return
                with proxy._lock:
                    proxy.forwarded.append((self.command, self.path, response.status_code))
                kept = {
                    k: v for k, v in response.headers.items() if k.lower() not in _HOP_BY_HOP | {"content-encoding"}
                }
                self._answer(response.status_code, kept, response.content)

            def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay  # noqa: N815 (http.server's names)

        return Handler
