"""A real RTMP ingest for tests: Debian's nginx with libnginx-mod-rtmp, on a free loopback port.

Each server records every stream it receives to ``<dir>/<stream key>.flv`` so a test can read back
what arrived after the server is gone.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.helpers.processes import free_port, stop_process

MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = """
daemon off;
master_process off;
error_log {dir}/error.log info;
pid {dir}/nginx.pid;
load_module {module};
events {{ worker_connections 64; }}
rtmp {{
  server {{
    listen 127.0.0.1:{port};
    application live {{
      live on;
      record all;
      record_path {dir};
      record_unique off;
    }}
  }}
}}
"""


class NginxRtmp:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, key: str) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{key}"

    def recorded(self, key: str) -> Path:
        return self.dir / f"{key}.flv"

    def start(self, timeout: float = 10.0) -> NginxRtmp:
        if not MODULE.exists():
            raise RuntimeError(f"{MODULE} is missing: install libnginx-mod-rtmp (./test.sh does)")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        conf = self.dir / "nginx.conf"
        conf.write_text(CONFIG.format(dir=self.dir, module=MODULE, port=self.port))
        self._process = subprocess.Popen(
            [NGINX, "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.dir / 'error.log').read_text()[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port} within {timeout} s")

    def kill(self) -> None:
        """Die at once, as a crashed or unreachable ingest would."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)

    def stop(self) -> None:
        stop_process(self._process)
