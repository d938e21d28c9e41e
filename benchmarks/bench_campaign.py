"""Benchmark of the campaign engine (not a test): replications per second and peak memory.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_campaign.py [--reps 1000 10000 100000]

Targets (issue 3), on one core of the 2-core reference machine: 10,000 replications of the
30-day base scenario in at most 2 s; at most 1 GB of memory at 100,000 replications (blocks).
Each size runs in a fresh subprocess so that peak memory (ru_maxrss) is its own.
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
from positivesum.model.loader import load_dataset
from positivesum.sim.setup import build_setup
from positivesum.sim.runner import simulate_setup
reps, scenario = int(sys.argv[1]), sys.argv[2]
setup = build_setup(load_dataset().dataset, scenario)
simulate_setup(setup, 256, 0)  # warm-up (imports, caches)
start = time.perf_counter()
result = simulate_setup(setup, reps, 1)
elapsed = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"reps": reps, "seconds": elapsed, "reps_per_s": reps / elapsed, "peak_rss_mb": rss_mb,
                  "p_denied": float((result.data["outcome"].values == "denied").mean())}))
"""


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--scenario", default="taiwan_base")
    args = parser.parse_args()
    import numpy

    print(f"platform : {platform.platform()}")
    print(f"cpu      : {cpu_name()} (pinned to CPU 0; {os.cpu_count()} logical CPUs)")
    print(f"python   : {platform.python_version()}  numpy {numpy.__version__}  threads=1")
    print(f"scenario : {args.scenario} (30 days, half-day steps, parameter uncertainty on)\n")
    print(f"{'replications':>12} {'seconds':>9} {'reps/s':>10} {'peak MB':>9}  target")
    rows = []
    for reps in args.reps:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(reps), args.scenario], capture_output=True, text=True, check=True
        )
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        target = ""
        if reps == 10000:
            target = f"<= 2 s: {'PASS' if row['seconds'] <= 2 else 'MISS'}"
        if reps == 100000:
            target = f"<= 1024 MB: {'PASS' if row['peak_rss_mb'] <= 1024 else 'MISS'}"
        print(f"{reps:>12,} {row['seconds']:>9.2f} {row['reps_per_s']:>10,.0f} {row['peak_rss_mb']:>9.0f}  {target}")


if __name__ == "__main__":
    main()
