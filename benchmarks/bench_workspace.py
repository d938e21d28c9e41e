"""Load test of the shared workspace on loopback (not a test): 20 users browsing while 4 runs are queued.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_workspace.py [--users 20] [--requests 40] [--runs 4]

Starts `positivesum serve` on a free port of 127.0.0.1 with a fresh SQLite database in a temporary folder
(three organisations, one analyst each, a few scenarios of each marking), queues ``--runs`` simulate runs of
``--reps`` replications, and lets ``--users`` users (threads, each with its own session token) browse: the
scenario list, a scenario's page, its diff, the run list, a run's page, datasets, search and the JSON list,
with a short pause between pages. Every request goes to 127.0.0.1 only; the test is bounded (``--requests``
per user, and ``--timeout`` seconds in all) and stops by itself, then stops the server. Prints the p50, p95
and maximum page latency, errors, and how many runs finished while the users browsed. The README reports
the numbers (with the machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = """import: [positivesum:default]
scenarios:
  taiwan_base:
    warning_days: {value: DAYS, estimate: "load test"}
"""
ORGS = ("USA", "JPN", "THINK")
MARKINGS = ("PUBLIC", "REL TO {org}, {other}", "{org} ONLY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(url: str) -> dict[str, str]:
    """Organisations, one analyst each with an API token."""
    sys.path.insert(0, str(ROOT / "src"))
    from positivesum.workspace import auth
    from positivesum.workspace import db as wdb

    wdb.migrate(url)
    tokens = {}
    with wdb.sessions(url).begin() as s:
        for code in ORGS:
            auth.add_organisation(s, code, code)
            user = auth.add_user(s, f"{code.lower()}-analyst", "load test password", code, "analyst")
            tokens[code] = auth.new_token(s, user, "bench")
    wdb.dispose(url)
    return tokens


def start(url: str, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OPENBLAS_NUM_THREADS="1")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "positivesum.cli", "serve", "--db", url, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=40, help="pages per user")
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--reps", type=int, default=2048, help="replications of each queued simulate run")
    ap.add_argument("--timeout", type=float, default=600, help="stop after this many seconds in all")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="positivesum-bench-ws-"))
    url = f"sqlite:///{folder / 'ws.sqlite3'}"
    tokens = setup(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(url, port, folder / "server.log")
    try:
        scenarios: dict[str, list[int]] = {org: [] for org in ORGS}
        with httpx.Client(base_url=base, timeout=120) as c:
            for i, org in enumerate(ORGS):
                for j, marking in enumerate(MARKINGS):
                    r = c.post(
                        "/api/scenarios",
                        json={
                            "title": f"{org} scenario {j}",
                            "text": SCENARIO.replace("DAYS", str(3 + i + j)),
                            "marking": marking.format(org=org, other=ORGS[(i + 1) % len(ORGS)]),
                        },
                        headers={"Authorization": f"Bearer {tokens[org]}"},
                    )
                    if r.status_code != 201:
                        raise SystemExit(f"cannot add a scenario: {r.text}")
                    sid = r.json()["id"]
                    scenarios[org].append(sid)
                    c.put(
                        f"/api/scenarios/{sid}",
                        json={"text": SCENARIO.replace("DAYS", str(4 + i + j)), "message": "v2"},
                        headers={"Authorization": f"Bearer {tokens[org]}"},
                    ).raise_for_status()
            runs = []
            for k in range(args.runs):
                org = ORGS[k % len(ORGS)]
                r = c.post(
                    "/api/runs",
                    json={"kind": "simulate", "scenario": scenarios[org][0], "options": {"reps": args.reps, "seed": k}},
                    headers={"Authorization": f"Bearer {tokens[org]}"},
                )
                r.raise_for_status()
                runs.append(r.json()["id"])
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.timeout

        def user(n: int) -> None:
            org = ORGS[n % len(ORGS)]
            rng = random.Random(n)
            own = scenarios[org]
            pages = [
                "/scenarios",
                "/scenarios/{sid}",
                "/scenarios/{sid}/diff",
                "/runs",
                "/runs/{rid}",
                "/datasets",
                "/search?q=scenario",
                "/api/scenarios",
            ]
            with httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {tokens[org]}"}) as c:
                for _ in range(args.requests):
                    if time.monotonic() > stop_at:
                        return
                    path = rng.choice(pages).format(sid=rng.choice(own), rid=rng.choice(runs))
                    t0 = time.perf_counter()
                    try:
                        r = c.get(path)
                        ok = r.status_code in (200, 404)  # a run of another organisation: 404 by design
                    except httpx.HTTPError as e:
                        ok, r = False, None
                        with lock:
                            errors.append(f"{path}: {type(e).__name__}")
                    dt = time.perf_counter() - t0
                    with lock:
                        latencies.append(dt)
                        if not ok and r is not None:
                            errors.append(f"{path}: {r.status_code}")
                    time.sleep(rng.uniform(0.1, 0.5))

        started = time.monotonic()
        threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        browsing = time.monotonic() - started
        with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {tokens['USA']}"}) as c:
            states = [c.get(f"/api/runs/{rid}").json().get("status", "hidden") for rid in runs if rid]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    latencies.sort()
    p95 = latencies[max(0, int(0.95 * len(latencies)) - 1)]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{args.users} users × {args.requests} pages, {args.runs} simulate runs of {args.reps:,} replications queued")
    print(f"requests: {len(latencies)} in {browsing:.1f} s, errors: {len(errors)} {errors[:5]}")
    print(
        f"page latency: p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"runs (as seen by the USA analyst; other organisations' runs are hidden): {states}")


if __name__ == "__main__":
    main()
