"""Benchmark (not a test): what Dask's ``MALLOC_TRIM_THRESHOLD_=65536`` costs the campaign engine (decision 0015).

Run:  python benchmarks/bench_malloc_trim.py [--scenarios taiwan_base,taiwan_blockade] [--reps 1000] [--rounds 3]

Dask's nannies start every worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (``distributed.nanny.pre-spawn-environ``);
``open_client`` in services/executor.py unsets it for the local clusters it starts. This script measures the
difference without Dask: a fresh child process per setting simulates the scenarios in a second thread (as a Dask
worker's compute thread, which gets a malloc arena of its own), once with the variable unset (glibc's own dynamic
thresholds) and once with Dask's value, alternating ``--rounds`` times, and prints the wall, user and kernel
(system) time of each. BLAS runs one thread, as on the workers. The machine is shared: compare within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, os, sys, threading, time
from positivesum.model.loader import load_dataset
from positivesum.sim.runner import simulate_setup
from positivesum.sim.setup import build_setup

scenarios, reps = sys.argv[1].split(","), int(sys.argv[2])
ds = load_dataset().dataset
setups = [build_setup(ds, s) for s in scenarios]
out = {}

def work():
    for setup in setups:  # compile or load the kernels first
        simulate_setup(setup, 64, 0, traced=False)
    t0, r0 = time.perf_counter(), os.times()
    for seed in range(3):
        for setup in setups:
            simulate_setup(setup, reps, seed, traced=False)
    r1 = os.times()
    out.update(wall=time.perf_counter() - t0, user=r1.user - r0.user, system=r1.system - r0.system)

thread = threading.Thread(target=work)
thread.start()
thread.join()
print(json.dumps(out))
"""

SETTINGS = {"glibc's own thresholds (unset)": None, "Dask's MALLOC_TRIM_THRESHOLD_=65536": "65536"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="taiwan_base,taiwan_blockade")
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"# 3 seeds × ({args.scenarios}) at {args.reps} replications, in a second thread of a fresh process\n")
    print("| setting | round | wall s | user s | system s |")
    print("|---|---:|---:|---:|---:|")
    for round_no in range(1, args.rounds + 1):
        for label, value in SETTINGS.items():
            env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
            env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
            if value is not None:
                env["MALLOC_TRIM_THRESHOLD_"] = value
            done = subprocess.run(
                [sys.executable, "-c", CHILD, args.scenarios, str(args.reps)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"| {label} | {round_no} | {r['wall']:.2f} | {r['user']:.2f} | {r['system']:.2f} |")


if __name__ == "__main__":
    main()
