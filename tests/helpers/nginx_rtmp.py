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


def start_nginx(directory: Path, conf: Path, port: int, timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """Debian's nginx on ``conf`` (prefix and error log in ``directory``), in the foreground as one process
    (as root its workers would be "nobody", without the test's folder), once it listens on ``port``."""
    command = [NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")]
    command += ["-g", "daemon off; master_process off;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(directory / 'error.log').read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    stop_process(process)
    raise RuntimeError(f"nginx did not listen on {port} within {timeout} s")


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
        self._process = start_nginx(self.dir, conf, self.port, timeout)
        return self

    def kill(self) -> None:
        """Die at once, as a crashed or unreachable ingest would."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)

    def stop(self) -> None:
        stop_process(self._process)
