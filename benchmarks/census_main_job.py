"""Census of the main job's simulation work (not a test): where a cold `positivesum report` spends its CPU.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/census_main_job.py [--top 25]

Runs the default analysis cold, in this one process (no Dask cluster: every block runs here, so the engine can
be wrapped), and wraps the engine's block function (``sim.campaign.run_block``; a stacked block of several
variants, sim/stack.py, is one run). Each block run is charged to
the stage that asked for it (and to the study: the outermost service frame) — the innermost ``positivesum`` frame outside ``sim/`` and ``services/executor.py``
— with its scenario, replications, steps and the CPU time of its thread (the three lanes run as threads here,
so thread CPU time, not process time, is what a block cost). It prints the CPU by stage and by scenario, and the
part of the run's CPU that was not spent in blocks (MILPs, surrogate fits, bookkeeping), and each scenario's
fixed and per-replication cost (a least-squares fit over its runs). The README's census
comes from it; one core, so the total is what the two Dask workers share in a real run. The kernels are compiled
(or loaded from Numba's cache) before the census starts, so compilation is not charged to the first blocks.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"


def _caller() -> str:
    """The innermost positivesum frame outside the engine and the executor: the stage that asked for the run."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        if "/positivesum/" in path and "/positivesum/sim/" not in path and not path.endswith("executor.py"):
            module = path.split("/positivesum/", 1)[1].removesuffix(".py")
            return f"{module}:{frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


def _study() -> str:
    """The outermost positivesum frame in ``services/`` or ``plan/``: the study a block run belongs to (the regimes'
    comparison, the fair shares, the intervention matrix…), whatever helper asked for it."""
    frame = sys._getframe(2)
    found = "?"
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        if "/positivesum/services/" in path and not path.endswith(("executor.py", "report.py", "unit_cache.py")):
            found = f"{path.split('/positivesum/', 1)[1].removesuffix('.py')}:{frame.f_code.co_name}"
        frame = frame.f_back
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25, help="rows of the stage table")
    args = parser.parse_args()

    from positivesum.services import data, report
    from positivesum.sim import campaign, runner, stack, warmup

    # Compile (or load from Numba's on-disk cache) every kernel first: on a fresh clone the first block runs would
    # otherwise be charged about a minute of compilation (a census of 2026-12-07 charged it to the surrogate's fit).
    warm_start = time.perf_counter()
    warmup.warm()
    print(f"kernels compiled or loaded before the census: {time.perf_counter() - warm_start:.1f} s")

    lock = threading.Lock()
    rows: list[tuple[str, str, int, int, float, str]] = []
    original = campaign.run_block

    def wrapped(setup, reps, *args, **kw):
        start = time.thread_time()
        out = original(setup, reps, *args, **kw)
        spent = time.thread_time() - start
        with lock:
            rows.append((_caller(), setup.scenario_id, int(reps), int(setup.steps), spent, _study()))
        return out

    # the runner and the stacks (sim/stack.py) hold their own names for the block function; the sensitivity study
    # imports it when it runs. A stacked block is one run of all its variants' replications.
    runner.run_block = stack.run_block = campaign.run_block = wrapped
    ld = data.load()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report.build_analysis(ld, cache_dir=Path(tmp), workers=0)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    in_blocks = sum(r[4] for r in rows)
    print(f"run: {wall:.1f} s wall, {cpu:.1f} s CPU; {len(rows)} block runs, {sum(r[2] for r in rows):,} replications")
    print(f"CPU in blocks {in_blocks:.1f} s ({in_blocks / cpu:.0%}); outside blocks {cpu - in_blocks:.1f} s")
    for title, key in (("stage", 0), ("study (outermost service)", 5), ("scenario", 1)):
        cpu_by: dict[str, float] = collections.defaultdict(float)
        reps_by: dict[str, int] = collections.defaultdict(int)
        runs_by: dict[str, int] = collections.defaultdict(int)
        for r in rows:
            cpu_by[r[key]] += r[4]
            reps_by[r[key]] += r[2]
            runs_by[r[key]] += 1
        print(f"\n| {title} | block runs | replications | CPU s | share | ms per replication |")
        print("|---|---|---|---|---|---|")
        for name, spent in sorted(cpu_by.items(), key=lambda kv: -kv[1])[: args.top]:
            share = spent / in_blocks
            print(
                f"| {name} | {runs_by[name]} | {reps_by[name]:,} | {spent:.1f} | {share:.1%} "
                f"| {1000 * spent / reps_by[name]:.3f} |"
            )
    _fixed_costs(rows, in_blocks)


def _fixed_costs(rows: list[tuple[str, str, int, int, float, str]], in_blocks: float) -> None:
    """Each scenario's block CPU fitted to a + b·replications over its runs (least squares): ``a`` is what a run
    costs whatever its replications (the Python driving each step around the compiled phases), ``b`` what each
    replication adds. The fixed part of the job's block CPU is Σ a over the runs."""
    import numpy as np

    by: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
    for r in rows:
        by[r[1]].append((r[2], r[4]))
    print("\n| scenario | block runs | median replications | fixed a (ms a run) | b (ms a replication) | fixed CPU s |")
    print("|---|---|---|---|---|---|")
    fixed_total = 0.0
    for name, runs in sorted(by.items()):
        data = np.array(runs, dtype=float)
        if len(data) < 2 or np.ptp(data[:, 0]) == 0:  # one size only: a and b cannot be told apart
            continue
        (a, b), *_ = np.linalg.lstsq(np.c_[np.ones(len(data)), data[:, 0]], data[:, 1], rcond=None)
        fixed_total += a * len(data)
        print(
            f"| {name} | {len(data)} | {np.median(data[:, 0]):.0f} | {1000 * a:.1f} | {1000 * b:.3f} "
            f"| {a * len(data):.1f} |"
        )
    print(f"fixed part of the block CPU: {fixed_total:.1f} s of {in_blocks:.1f} s ({fixed_total / in_blocks:.0%})")


if __name__ == "__main__":
    main()
