"""Benchmark of the campaign engine (not a test): replications per second and peak memory, new against old.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_campaign.py [--reps 200 1000 10000 100000] [--rounds 2] [--numpy]

Targets (issue 3), on one core of the 2-core reference machine: 10,000 replications of the
30-day base scenario in at most 2 s; at most 1 GB of memory at 100,000 replications (blocks).
Issue 14: the new engine (graded outcomes, kill chains both ways, two-level uncertainty) may not be slower
per replication than the engine it replaced. The old engine is kept, frozen, in benchmarks/legacy_engine/
(importable only from here; its engine parameters pinned as they were): each size runs both engines in
fresh subprocesses, alternating, ``--rounds`` times, and the best time of each is compared (the ratio is
new/old replications per second; above 1 the new engine is faster). Peak memory (ru_maxrss) is per process.
Issue 15 (a faster engine): 10,000 replications in at most 2 s of CPU on one core, a 200-replication run in
at most 80 ms, at most 1 GB at 100,000 replications. ``--numpy`` also runs the new engine with its compiled
kernels switched off (POSITIVESUM_NO_NUMBA=1), as the engine "numpy".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

CHILD = r"""
import json, os, resource, sys, time
os.sched_setaffinity(0, {0})
reps, scenario, engine = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if engine == "numpy":  # read when the engine is imported
    os.environ["POSITIVESUM_NO_NUMBA"] = "1"
from positivesum.model.loader import load_dataset
if engine == "old":
    sys.path.insert(0, sys.argv[4])
    from legacy_engine.setup import build_setup
    from legacy_engine.runner import simulate_setup
else:
    from positivesum.sim.setup import build_setup
    from positivesum.sim.runner import simulate_setup
setup = build_setup(load_dataset().dataset, scenario)
simulate_setup(setup, 256, 0)  # warm-up (imports, caches)
# the best of several timed runs for the small sizes (as timeit does: the machine's noise only adds time)
elapsed = float("inf")
for _ in range(max(1, 2000 // reps)):
    start = time.process_time()
    result = simulate_setup(setup, reps, 1)
    elapsed = min(elapsed, time.process_time() - start)
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"reps": reps, "seconds": elapsed, "reps_per_s": reps / elapsed, "peak_rss_mb": rss_mb,
                  "p_denied": float((result.data["outcome"].values == "denied").mean())}))
"""
HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run(engine: str, reps: int, scenario: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(reps), scenario, engine, HERE], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="+", default=[200, 1000, 10000, 100000])
    parser.add_argument("--scenario", default="taiwan_base")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each engine per size (best time kept)")
    parser.add_argument("--numpy", action="store_true", help="also run the new engine without its compiled kernels")
    args = parser.parse_args()
    import numpy

    print(f"platform : {platform.platform()}")
    print(f"cpu      : {cpu_name()} (pinned to CPU 0; {os.cpu_count()} logical CPUs)")
    print(f"python   : {platform.python_version()}  numpy {numpy.__version__}  threads=1")
    print(
        f"scenario : {args.scenario} (parameter uncertainty on; CPU time of the simulation, best of {args.rounds} "
        "processes, each the best of max(1, 2000 // replications) runs)\n"
    )
    print(f"{'replications':>12} {'engine':>6} {'seconds':>9} {'reps/s':>10} {'peak MB':>9}  note")
    for reps in args.reps:
        engines = ("old", "new", "numpy") if args.numpy else ("old", "new")
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for engine in engines:  # alternate, so that a busy machine slows both alike
                row = run(engine, reps, args.scenario)
                if engine not in best or row["seconds"] < best[engine]["seconds"]:
                    best[engine] = row
        for engine in engines:
            row = best[engine]
            note = ""
            if engine == "new" and reps == 200:
                note = f"<= 80 ms: {'PASS' if row['seconds'] <= 0.08 else 'MISS'}"
            if engine == "new" and reps == 10000:
                note = f"<= 2 s: {'PASS' if row['seconds'] <= 2 else 'MISS'}"
            if engine == "new" and reps == 100000:
                note = f"<= 1024 MB: {'PASS' if row['peak_rss_mb'] <= 1024 else 'MISS'}"
            print(
                f"{reps:>12,} {engine:>6} {row['seconds']:>9.2f} {row['reps_per_s']:>10,.0f} "
                f"{row['peak_rss_mb']:>9.0f}  {note}"
            )
        ratio = best["new"]["reps_per_s"] / best["old"]["reps_per_s"]
        print(f"{'':>12} {'ratio':>6} {'':>9} {ratio:>10.2f}  new/old replications per second")
        if args.numpy:
            ratio = best["new"]["reps_per_s"] / best["numpy"]["reps_per_s"]
            print(f"{'':>12} {'ratio':>6} {'':>9} {ratio:>10.2f}  new/numpy (compiled kernels on/off)")


if __name__ == "__main__":
    main()
