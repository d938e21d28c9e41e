"""The persistent run queue: a table (``runs``), a dispatcher thread, and Dask distributed to execute.

Jobs wait in the database with status ``queued``. One dispatcher thread per server claims the oldest
(a conditional UPDATE, so two dispatchers never take the same run) and hands :func:`.jobs.execute` to
Dask distributed — the services' executor, the same as the sweeps' — through :func:`submit_job`: a
``LocalCluster`` of one single-threaded worker *process*, started on first use, so that a run computes
outside the server's process and never holds the interpreter lock its request threads need. The worker
opens the database itself and writes progress into the run's row, where the pages read it (server-sent
events). If the server dies (even kill -9), Dask's worker process exits with it (its parent's pipe closes).

A server killed during a run loses nothing stored: results are written in one transaction at the end, so
a run is either done (with everything) or not. On restart, :func:`recover` puts every run left
``running`` back in the queue (it starts again from the beginning: same seed, same numbers), or marks it
failed with the reason once it has been interrupted :data:`MAX_ATTEMPTS` times. One dispatcher per
database is assumed (one ``positivesum serve`` process); runs whose heartbeat stopped for
:data:`STALE_AFTER` are recovered the same way while the server runs.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import threading
from typing import Any

from sqlalchemy import select, update

from .db import sessions
from .jobs import execute, fail
from .models import Run, now

log = logging.getLogger("positivesum.workspace.queue")
MAX_ATTEMPTS = 3
STALE_AFTER = _dt.timedelta(minutes=10)
EXECUTORS = ("dask", "inline")


def recover(url: str, stale_only: bool = False) -> list[int]:
    """Requeue (or fail, after MAX_ATTEMPTS) the runs a stopped server left ``running``; their ids."""
    touched = []
    with sessions(url).begin() as db:
        stmt = select(Run).where(Run.status == "running")
        if stale_only:
            stmt = stmt.where(Run.heartbeat_at < now() - STALE_AFTER)
        for run in db.scalars(stmt.with_for_update()):
            touched.append(run.id)
            if run.attempts >= MAX_ATTEMPTS:
                run.status, run.finished_at = "failed", now()
                run.error = (
                    f"the server stopped during this run {run.attempts} times (last at "
                    f"{run.progress_text or 'start'}); it is not retried again: submit it anew, with fewer "
                    "replications if it runs out of memory"
                )
                run.progress_text = "failed"
            else:
                run.status, run.progress = "queued", 0.0
                run.progress_text = f"resumed after a server restart (attempt {run.attempts + 1} of {MAX_ATTEMPTS})"
    return touched


def claim(url: str) -> int | None:
    """Take the oldest queued run (status → running); None if the queue is empty."""
    factory = sessions(url)
    for _ in range(5):
        with factory.begin() as db:
            candidate = db.scalar(select(Run.id).where(Run.status == "queued").order_by(Run.id).limit(1))
            if candidate is None:
                return None
            taken = db.execute(
                update(Run)
                .where(Run.id == candidate, Run.status == "queued")
                .values(
                    status="running",
                    started_at=now(),
                    heartbeat_at=now(),
                    attempts=Run.attempts + 1,
                    progress_text="started",
                )
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return candidate
    return None


_stack: contextlib.ExitStack | None = None
_client: Any = None
_client_lock = threading.Lock()


def _execute_item(item: tuple[str, int]) -> str:
    """One run, as a task of :func:`positivesum.services.executor.map_ordered` (module level for the workers)."""
    return execute(*item)


def submit_job(url: str, run_id: int, executor: str = "dask") -> str:
    """Execute run ``run_id`` through Dask distributed — the services' executor
    (:mod:`positivesum.services.executor`) with a local cluster of one worker process, opened on first use
    and kept for the server's life — and return its final status; ``executor="inline"`` runs it here (in
    the dispatcher thread: for tests and debugging)."""
    if executor == "inline":
        return execute(url, run_id)
    from ..services.executor import map_ordered, open_client

    global _client, _stack
    with _client_lock:
        if _client is None:
            stack = contextlib.ExitStack()
            _client = stack.enter_context(open_client(workers=1, processes=True))
            _stack = stack
        client = _client
    return str(map_ordered(client, _execute_item, [(url, run_id)])[0])


def close_executor() -> None:
    global _client, _stack
    with _client_lock:
        if _stack is not None:
            _stack.close()
        _client, _stack = None, None


class RunQueue:
    """The dispatcher: claims queued runs one at a time and executes them."""

    def __init__(self, url: str, executor: str = "dask", poll_seconds: float = 1.0) -> None:
        self.url = url
        self.executor = executor
        self.poll = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        recovered = recover(self.url)
        if recovered:
            log.warning("runs interrupted by a server stop, requeued or failed: %s", recovered)
        self._thread = threading.Thread(target=self._loop, name="positivesum-run-queue", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.executor == "dask":
            close_executor()

    def _loop(self) -> None:
        checks = 0
        while not self._stop.is_set():
            try:
                run_id = claim(self.url)
            except Exception:  # noqa: BLE001 - a database hiccup: try again later
                log.exception("claiming a run failed")
                run_id = None
            if run_id is None:
                checks += 1
                if checks % 60 == 0:
                    recover(self.url, stale_only=True)
                self._wake.wait(self.poll)
                self._wake.clear()
                continue
            try:
                submit_job(self.url, run_id, self.executor)
            except Exception as e:  # noqa: BLE001 - stored with the run
                fail(self.url, run_id, f"{type(e).__name__}: {e}")
