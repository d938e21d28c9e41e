"""A server killed with SIGKILL during a run loses no stored object: the database is intact, every
scenario, version, dataset and comment is as before, and on restart the interrupted run is resumed (it
starts again: same seed, same numbers) or, after too many interruptions, failed with the reason."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import select, text

from positivesum.workspace import db as wdb
from positivesum.workspace import queue
from positivesum.workspace.models import Comment, Dataset, Run, Scenario, ScenarioVersion

from .conftest import ORGS, populate, scenario_text

SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(SRC), OPENBLAS_NUM_THREADS="1")
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "positivesum.cli",
                "serve",
                "--db",
                url,
                "--port",
                str(port),
                "--secure-cookies",
                "never",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"server did not start: {log.read_text()[-2000:]}")


def snapshot(url: str) -> str:
    """A digest of every stored object but the runs' own progress columns."""
    h = hashlib.sha256()
    with wdb.sessions(url)() as s:
        for model in (Scenario, ScenarioVersion, Dataset, Comment):
            for row in s.scalars(select(model).order_by(model.id)):
                h.update(repr(sorted((k, str(v)) for k, v in vars(row).items() if not k.startswith("_"))).encode())
    return h.hexdigest()


def test_kill_during_a_run_then_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    people = populate(url)
    us = people[("USA", "analyst")]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    proc = start_server(url, port, log)
    try:
        with httpx.Client(base_url=base, headers=us.headers, timeout=60) as c:
            sid = c.post(
                "/api/scenarios", json={"title": "kept", "text": scenario_text(5), "marking": "USA ONLY"}
            ).json()["id"]
            assert c.put(f"/api/scenarios/{sid}", json={"text": scenario_text(4), "message": "v2"}).status_code == 200
            assert c.post(f"/api/scenarios/{sid}/comments", json={"body": "kept too"}).status_code == 201
            assert (
                c.post(
                    "/api/datasets", json={"name": "kept.yaml", "text": "sources: {}\n", "marking": "PUBLIC"}
                ).status_code
                == 201
            )
            rid = c.post("/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 2048}}).json()[
                "id"
            ]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                row = c.get(f"/api/runs/{rid}").json()
                if row["status"] == "running" and row["progress_text"] != "started":  # simulating
                    break
                time.sleep(0.1)
            assert row["status"] == "running", row
        before = snapshot(url)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    wdb.dispose(url)
    with wdb.engine_for(url).connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert snapshot(url) == before
    with wdb.sessions(url)() as s:
        assert s.get(Run, rid).status == "running"  # left behind by the killed server
    proc = start_server(url, port, log)
    try:
        with httpx.Client(base_url=base, headers=us.headers, timeout=60) as c:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                row = c.get(f"/api/runs/{rid}").json()
                if row["status"] in ("done", "failed"):
                    break
                time.sleep(0.2)
            assert row["status"] == "done", (row, log.read_text()[-2000:])
            assert row["attempts"] == 2 and row["result"]["meta"]["replications"] == 2048
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    assert snapshot(url) == before
    wdb.dispose(url)


def test_runs_interrupted_too_often_fail_with_the_reason(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    populate(url)
    with wdb.sessions(url).begin() as s:
        from positivesum.workspace.access import marking_id
        from positivesum.workspace.markings import public

        mid = marking_id(s, public())
        for attempts in (1, queue.MAX_ATTEMPTS):
            s.add(
                Run(
                    kind="simulate",
                    title="t",
                    status="running",
                    progress=0.5,
                    progress_text="simulating",
                    params={},
                    inputs={},
                    marking_id=mid,
                    owner_org_id=1,
                    created_by=1,
                    attempts=attempts,
                    error="",
                    provenance={},
                )
            )
    assert queue.recover(url) == [1, 2]
    with wdb.sessions(url)() as s:
        first, second = s.get(Run, 1), s.get(Run, 2)
        assert first.status == "queued" and "resumed after a server restart" in first.progress_text
        assert second.status == "failed" and f"stopped during this run {queue.MAX_ATTEMPTS} times" in second.error
    assert len(ORGS) == 3
    wdb.dispose(url)
