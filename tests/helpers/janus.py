"""A WHIP server that is not our code: Debian's Janus WebRTC gateway behind a WHIP front end.

Janus (``janus`` package: libnice for ICE, OpenSSL for DTLS, libsrtp) does all of WebRTC; what runs
here in Python is only the WHIP HTTP semantics in front of Janus's HTTP API, the job Meetecho's
simple-whip-server does (Debian packages it too, but its Node.js dependency conflicts with a
NodeSource Node.js): ``POST /whip/{room}`` with an SDP offer → create a Janus session, attach the
VideoRoom plugin, ``joinandconfigure`` as a publisher with the offer → ``201 Created`` with Janus's
answer and a ``Location``; ``DELETE`` on that location hangs the publisher up.

Each room records what it receives (Janus's ``.mjr`` files in ``<dir>/rec``); :meth:`Janus.recordings`
turns them into media files with ``janus-pp-rec`` so a test can ffprobe what arrived.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from tests.helpers.processes import free_port, stop_process

JANUS = shutil.which("janus") or "/usr/bin/janus"
PP_REC = shutil.which("janus-pp-rec") or "/usr/bin/janus-pp-rec"
LIBDIR = Path("/usr/lib/x86_64-linux-gnu/janus")

MAIN = """
general: {{
  configs_folder = "{dir}"
  plugins_folder = "{libdir}/plugins"
  transports_folder = "{libdir}/transports"
  events_folder = "{libdir}/events"
  loggers_folder = "{libdir}/loggers"
  debug_level = 4
  log_to_file = "{dir}/janus.log"
  session_timeout = 120
  admin_secret = "{secret}"
  protected_folders = []
}}
certificates: {{ }}
media: {{ rtp_port_range = "20000-40000" }}
nat: {{ }}
plugins: {{ disable = "{disabled_plugins}" }}
transports: {{ disable = "{disabled_transports}" }}
events: {{ broadcast = false }}
loggers: {{ disable = "libjanus_jsonlog.so" }}
"""

HTTP = """
general: {{ json = "plain" base_path = "/janus" http = true port = {port} interface = "lo" https = false }}
admin: {{ admin_http = false admin_https = false }}
"""

VIDEOROOM = """
general: {{ }}
room-1: {{
  description = "whip"
  publishers = 4
  bitrate = 8000000
  videocodec = "h264"
  audiocodec = "opus"
  record = true
  rec_dir = "{dir}/rec"
}}
"""


class Janus:
    """Janus on a free port plus the WHIP front end on another; both loopback, both stopped by ``stop``."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.port = 0
        self.whip_port = 0
        self.publishers: list[str] = []
        """Every WHIP session created (its resource id)."""
        self.hung_up: list[str] = []
        """Every WHIP session ended with DELETE."""
        self._process: subprocess.Popen[bytes] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._sessions: dict[str, int] = {}
        self._tx = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def whip_url(self) -> str:
        return f"http://127.0.0.1:{self.whip_port}/whip/1"

    def start(self, timeout: float = 15.0) -> Janus:
        if not Path(JANUS).exists():
            raise RuntimeError(f"{JANUS} is missing: install janus and janus-tools (./test.sh does)")
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "rec").mkdir(exist_ok=True)
        self.port = free_port()
        plugins = sorted(p.name for p in (LIBDIR / "plugins").glob("*.so") if "videoroom" not in p.name)
        transports = sorted(p.name for p in (LIBDIR / "transports").glob("*.so") if "http" not in p.name)
        (self.dir / "janus.jcfg").write_text(
            MAIN.format(
                dir=self.dir,
                libdir=LIBDIR,
                secret=uuid.uuid4().hex,
                disabled_plugins=",".join(plugins),
                disabled_transports=",".join(transports),
            )
        )
        (self.dir / "janus.transport.http.jcfg").write_text(HTTP.format(port=self.port))
        (self.dir / "janus.plugin.videoroom.jcfg").write_text(VIDEOROOM.format(dir=self.dir))
        self._process = subprocess.Popen(
            [JANUS, "--configs-folder", str(self.dir), "--config", str(self.dir / "janus.jcfg"), "--disable-colors"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"janus exited: {self.log()[-3000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"janus did not listen on {self.port} within {timeout} s: {self.log()[-2000:]}")
            time.sleep(0.05)
        self._start_front()
        return self

    def log(self) -> str:
        path = self.dir / "janus.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- the WHIP front end ---------------------------------------------------------------------

    def _start_front(self) -> None:
        ready = threading.Event()
        self.whip_port = free_port()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_post("/whip/{room}", self._publish)
            app.router.add_delete("/whip/resource/{id}", self._hang_up)
            self._runner = web.AppRunner(app)
            loop.run_until_complete(self._runner.setup())
            loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.whip_port).start())
            ready.set()
            loop.run_forever()
            for task in self._tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="janus-whip-front", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the WHIP front end did not start")

    async def _janus(self, http: ClientSession, path: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "transaction": str(next(self._tx))}
        async with http.post(f"http://127.0.0.1:{self.port}/janus{path}", json=body) as reply:
            answer: dict[str, Any] = json.loads(await reply.text())
        if answer.get("janus") == "error":
            raise web.HTTPBadGateway(text=f"janus: {answer['error']}")
        return answer

    async def _publish(self, request: web.Request) -> web.Response:
        if request.content_type != "application/sdp":
            raise web.HTTPUnsupportedMediaType(text="a WHIP offer is application/sdp")
        offer = await request.text()
        room = int(request.match_info["room"])
        async with ClientSession(timeout=ClientTimeout(total=20)) as http:
            session = (await self._janus(http, "", {"janus": "create"}))["data"]["id"]
            handle = (await self._janus(http, f"/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}))[
                "data"
            ]["id"]
            body = {"request": "joinandconfigure", "ptype": "publisher", "room": room, "display": "whip"}
            message = {"janus": "message", "body": body, "jsep": {"type": "offer", "sdp": offer}}
            await self._janus(http, f"/{session}/{handle}", message)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:  # the answer comes as an event on the session's long poll
                async with http.get(f"http://127.0.0.1:{self.port}/janus/{session}?maxev=1") as reply:
                    event = json.loads(await reply.text())
                if event.get("jsep", {}).get("type") == "answer":
                    break
                if event.get("plugindata", {}).get("data", {}).get("error"):
                    raise web.HTTPBadRequest(text=f"janus: {event['plugindata']['data']['error']}")
            else:
                raise web.HTTPGatewayTimeout(text="janus gave no answer")
        resource = uuid.uuid4().hex
        self._sessions[resource] = session
        self.publishers.append(resource)
        self._tasks.add(asyncio.get_running_loop().create_task(self._keep_alive(session)))
        return web.Response(
            status=201,
            text=event["jsep"]["sdp"],
            content_type="application/sdp",
            headers={"Location": f"/whip/resource/{resource}"},
        )

    async def _keep_alive(self, session: int) -> None:
        async with ClientSession() as http:
            while session in self._sessions.values():
                await asyncio.sleep(20)
                try:
                    await self._janus(http, f"/{session}", {"janus": "keepalive"})
                except Exception:
                    return

    async def _hang_up(self, request: web.Request) -> web.Response:
        session = self._sessions.pop(request.match_info["id"], None)
        if session is None:
            raise web.HTTPNotFound(text="no such WHIP session")
        self.hung_up.append(request.match_info["id"])
        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            await self._janus(http, f"/{session}", {"janus": "destroy"})
        return web.Response(status=200)

    # --- what arrived ---------------------------------------------------------------------------

    def recordings(self, out: Path) -> dict[str, Path]:
        """Convert each recorded ``.mjr`` with janus-pp-rec; returns {"video"|"audio": file}."""
        out.mkdir(parents=True, exist_ok=True)
        found: dict[str, Path] = {}
        for mjr in sorted((self.dir / "rec").glob("*.mjr")):
            kind = "video" if "-video" in mjr.name else "audio"
            target = out / (mjr.stem + (".mp4" if kind == "video" else ".opus"))
            subprocess.run([PP_REC, str(mjr), str(target)], capture_output=True, timeout=60, check=False)
            if target.exists() and target.stat().st_size > 0:
                found[kind] = target
        return found

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self._loop = None
        if self._process is not None:
            stop_process(self._process)
            self._process = None
