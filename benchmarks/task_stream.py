"""Where the workers of `compare-regimes` wait (not a test): a Dask task stream of one cold run.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/task_stream.py [--window 2]

Runs `positivesum compare-regimes --workers 2` in this process, cold (a temporary --cache-dir), with
``distributed.get_task_stream`` recording every task the two workers compute, and prints the run's wall time, the
worker-seconds busy in each window of ``--window`` seconds (at most 2 × window: both workers busy), and each task
function's worker time and span. Before the run it times broadcasting the surrogate's shared object (the dataset and
every scenario's set-up) to the idle workers, twice (the first includes the workers' start). Windows well below
2 × window are the critical path's gaps: the calling process working while the workers wait. The machine is shared:
compare windows within one run.
"""

from __future__ import annotations

import collections
import contextlib
import os
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def _broadcast_times() -> list[float]:
    from positivesum.plan.levers import study_setup
    from positivesum.plan.surrogate import DesignBases
    from positivesum.services import data, executor

    ds = data.load().dataset
    bases = DesignBases(ds, {sid: study_setup(ds, sid, 1.0) for sid in ds.scenarios})
    times = []
    with executor.open_client(None, 2) as client:
        for _ in range(2):
            start = time.perf_counter()
            handle = client.scatter([bases], broadcast=True, hash=False)
            times.append(time.perf_counter() - start)
            client.cancel(handle)
    return times


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=2.0)
    args = parser.parse_args()
    from distributed import get_task_stream
    from typer.testing import CliRunner

    from positivesum.cli import app
    from positivesum.services import executor

    print(
        "broadcast of the surrogate's set-ups to 2 idle workers: " + ", ".join(f"{t:.2f} s" for t in _broadcast_times())
    )
    real = executor.open_client
    recorded: dict[str, list] = {}

    @contextlib.contextmanager
    def recording(*a, **k):
        with real(*a, **k) as client:
            with get_task_stream(client=client) as stream:
                yield client
            recorded["tasks"] = stream.data

    executor.open_client = recording
    with tempfile.TemporaryDirectory() as tmp:
        start = time.time()
        result = CliRunner().invoke(
            app, ["compare-regimes", "--workers", "2", "--cache-dir", tmp, "--out", str(Path(tmp) / "out.json")]
        )
        wall = time.time() - start
    executor.open_client = real
    print(f"compare-regimes, cold, in this process: {wall:.1f} s (exit {result.exit_code})")
    w = args.window
    busy: collections.Counter[int] = collections.Counter()
    by_fn: dict[str, list[float]] = {}
    for task in recorded.get("tasks", []):
        name = str(task["key"]).split("-")[1] if str(task["key"]).startswith("positivesum-") else str(task["key"])
        for ss in task["startstops"]:
            if ss["action"] != "compute":
                continue
            a, b = ss["start"] - start, ss["stop"] - start
            row = by_fn.setdefault(name, [0.0, a, b])
            row[0] += b - a
            row[1], row[2] = min(row[1], a), max(row[2], b)
            s = a
            while s < b:
                e = min(b, (int(s // w) + 1) * w)
                busy[int(s // w)] += e - s
                s = e
    print(f"worker-seconds busy per {w:g} s window (at most {2 * w:g}):")
    print(" ".join(f"{k * w:g}:{busy[k]:.1f}" for k in range(int(wall // w) + 1)))
    for name, (total, first, last) in sorted(by_fn.items(), key=lambda kv: -kv[1][0]):
        print(f"{name}: {total:.1f} worker-s, from {first:.1f} to {last:.1f} s")


if __name__ == "__main__":
    main()
