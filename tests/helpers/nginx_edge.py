"""A caching edge for tests: Debian's nginx with packaging/nginx/edge.conf (the configuration a deployment
uses, its placeholders filled in) in front of a relay, on a free loopback port."""

from __future__ import annotations

import collections
import subprocess
from pathlib import Path

from tests.helpers.nginx_rtmp import start_nginx
from tests.helpers.processes import free_port, stop_process
from tests.helpers.relay import REPO

TEMPLATE = REPO / "packaging" / "nginx" / "edge.conf"


class NginxEdge:
    def __init__(self, directory: Path, origin: str) -> None:
        """``origin``: host:port of the relay."""
        self.dir = directory
        self.origin = origin
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> NginxEdge:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        conf = self.dir / "edge.conf"
        text = TEMPLATE.read_text(encoding="utf-8")
        fill = {"@DIR@": str(self.dir), "@LISTEN@": f"127.0.0.1:{self.port}", "@ORIGIN@": self.origin}
        for name, value in fill.items():
            text = text.replace(name, value)
        conf.write_text(text, encoding="utf-8")
        self._process = start_nginx(self.dir, conf, self.port, timeout)
        return self

    def log(self) -> list[tuple[str, str, str]]:
        """(request URI, cache status, HTTP status) of every request the edge answered, in order."""
        return [(uri, cache, status) for _, uri, cache, status, _ in self.log_lines()]

    def log_lines(self) -> list[tuple[float, str, str, str, str]]:
        """(time, request URI, cache status, HTTP status, the origin's Cache-Control) per request."""
        path = self.dir / "access.log"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        found = []
        for line in lines:
            fields = line.split(" ", 4)
            if len(fields) == 5:
                found.append((float(fields[0]), fields[1], fields[2], fields[3], fields[4].strip('"')))
        return found

    def origin_requests(self) -> collections.Counter[str]:
        """How many times the edge asked the origin for each /live/ URI (every answer not from its cache)."""
        return collections.Counter(uri for uri, cache, _ in self.log() if uri.startswith("/live/") and cache != "HIT")

    def stop(self) -> None:
        stop_process(self._process)
