"""Running the pre-flight's checks: all at once, each on its own thread with its own timeout."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from app.preflight.rows import Check, PreflightRow
from plugins.api import Text

log = logging.getLogger(__name__)


class Preflight:
    """Runs ``checks`` all at once, each on its own ``shopcast-preflight-*`` thread.

    ``on_rows(check_id, rows)`` is called (on the runner's thread) as each check finishes, in the order
    they finish; ``on_done(rows)`` once all have, with every row in the checks' order. After
    :meth:`cancel` neither is called any more. A check still running past its timeout is reported as
    an error and left to end on its own (each one's waits are bounded).
    """

    def __init__(
        self,
        checks: Sequence[Check],
        on_rows: Callable[[str, list[PreflightRow]], None] | None = None,
        on_done: Callable[[list[PreflightRow]], None] | None = None,
    ) -> None:
        ids = [c.id for c in checks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"check ids must differ: {ids}")
        self.checks = tuple(checks)
        self._on_rows = on_rows
        self._on_done = on_done
        self._results: dict[str, list[PreflightRow]] = {}
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None
        self.seconds: float | None = None
        """How long the whole run took (once done)."""

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a pre-flight runs once; make a new one to run again")
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="shopcast-preflight", daemon=True)
        self._thread.start()

    def run(self) -> list[PreflightRow]:
        """Run every check and wait for the rows (headless callers and tests)."""
        self.start()
        self.join()
        return self.rows()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True when it has."""
        return self._finished.wait(timeout)

    def cancel(self) -> None:
        """Stop reporting (a dialog closed): the checks still running end on their own."""
        self._cancelled.set()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def results(self) -> dict[str, list[PreflightRow]]:
        """The rows of each check finished so far."""
        with self._lock:
            return dict(self._results)

    def rows(self) -> list[PreflightRow]:
        """Every row so far, in the checks' order."""
        results = self.results()
        return [row for check in self.checks for row in results.get(check.id, [])]

    def _run(self) -> None:
        started = time.monotonic()
        checks = {c.id: c for c in self.checks}
        pool = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="shopcast-preflight-check")
        futures: dict[Future[list[PreflightRow]], Check] = {pool.submit(_guarded, c): c for c in self.checks}
        deadlines = {f: started + c.timeout for f, c in futures.items()}
        pending = set(futures)
        try:
            while pending and not self._cancelled.is_set():
                next_deadline = min(deadlines[f] for f in pending)
                done, pending = wait(
                    pending, timeout=max(0.0, next_deadline - time.monotonic()), return_when=FIRST_COMPLETED
                )
                for future in done:
                    self._deliver(futures[future], future.result())
                now = time.monotonic()
                for future in [f for f in pending if deadlines[f] <= now]:
                    pending.discard(future)
                    check = futures[future]
                    self._deliver(check, [_timed_out(check)])
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            self.seconds = time.monotonic() - started
            self._finished.set()
        if not self._cancelled.is_set() and self._on_done is not None:
            try:
                self._on_done(self.rows())
            except Exception:
                log.exception("the pre-flight's listener failed")

    def _deliver(self, check: Check, rows: list[PreflightRow]) -> None:
        with self._lock:
            self._results[check.id] = rows
        if self._on_rows is not None and not self._cancelled.is_set():
            try:
                self._on_rows(check.id, rows)
            except Exception:
                log.exception("the pre-flight's listener failed")


def _guarded(check: Check) -> list[PreflightRow]:
    try:
        return list(check.run())
    except Exception as exc:
        log.warning("pre-flight check %s failed: %s", check.id, exc, exc_info=True)
        reason = str(exc) or type(exc).__name__
        return [
            PreflightRow(
                check.id,
                "error",
                check.title,
                Text(f"The check failed: {reason}", f"检查失败：{reason}"),
                Text(
                    "Run the check again; if it keeps failing, see the Messages list",
                    "请重新检查；如仍失败，请查看消息列表",
                ),
            )
        ]


def _timed_out(check: Check) -> PreflightRow:
    return PreflightRow(
        check.id,
        "error",
        check.title,
        Text(f"No answer within {check.timeout:g} s", f"{check.timeout:g} 秒内没有结果"),
        Text("Run the check again", "请重新检查"),
    )
