"""nginx as the load balancer in front of several relays, for tests: packaging/nginx/relays.conf (the
configuration a deployment uses, its placeholders filled in) on a free loopback port."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.helpers.nginx_rtmp import start_nginx
from tests.helpers.processes import free_port, stop_process
from tests.helpers.relay import REPO

TEMPLATE = REPO / "packaging" / "nginx" / "relays.conf"


class NginxRelays:
    def __init__(self, directory: Path, relays: list[str]) -> None:
        """``relays``: host:port of each relay."""
        self.dir = directory
        self.relays = relays
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> NginxRelays:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        servers = "\n".join(f"        server {relay} max_fails=1 fail_timeout=5s;" for relay in self.relays)
        fill = {"@DIR@": str(self.dir), "@LISTEN@": f"127.0.0.1:{self.port}"}
        text = re.sub(r"(?m)^\s+@RELAYS@$", servers, TEMPLATE.read_text(encoding="utf-8"))
        for name, value in fill.items():
            text = text.replace(name, value)
        conf = self.dir / "relays.conf"
        conf.write_text(text, encoding="utf-8")
        self._process = start_nginx(self.dir, conf, self.port, timeout)
        return self

    def upstreams(self, prefix: str) -> list[str]:
        """The relay (host:port) that answered each request whose URI starts with ``prefix``, in order."""
        path = self.dir / "access.log"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        found = []
        for line in lines:
            fields = line.split(" ")
            if len(fields) >= 5 and fields[2].startswith(prefix):
                found.append(fields[4])
        return found

    def stop(self) -> None:
        stop_process(self._process)
