"""Does the kernel warm-up reach every kernel? (not a test) First and second runs of each scenario after it.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/warmup_coverage.py [--warmup 8 128] [--reps 300]

Numba keys its on-disk cache on each source file's path, so for every warm-up size the package is copied to a
fresh temporary folder (an empty cache), ``sim.warmup.warm(N)`` runs there in one process, and a second process
then simulates every scenario's study set-up twice at ``--reps`` replications, printing the CPU of each run. A
first run much slower than the second compiled kernels the warm-up had not reached; each Dask worker of a first
main job would pay the same. Takes a few minutes (each warm-up compiles every kernel it reaches).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import time
from positivesum.model.loader import load_dataset
from positivesum.plan.levers import study_setup
from positivesum.sim.runner import simulate_arrays
ds = load_dataset().dataset
first = second = 0.0
for sid in ds.scenarios:
    s = study_setup(ds, sid, 1.0)
    t = time.process_time(); simulate_arrays(s, REPS, 1, traced=False); a = time.process_time() - t
    t = time.process_time(); simulate_arrays(s, REPS, 2, traced=False); b = time.process_time() - t
    first += a; second += b
    print(f"  {sid}: first {a:.2f} s, second {b:.2f} s")
print(f"  all scenarios: first runs {first:.1f} s, second runs {second:.1f} s of CPU")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, nargs="+", default=[8, 128])
    parser.add_argument("--reps", type=int, default=300)
    args = parser.parse_args()
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    for n in args.warmup:
        with tempfile.TemporaryDirectory(prefix="positivesum-warmup-") as tmp:
            shutil.copytree(src, Path(tmp) / "src", ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
            env["PYTHONPATH"] = str(Path(tmp) / "src")
            warm = f"from positivesum.sim import warmup; warmup.warm({n})"
            subprocess.run([sys.executable, "-c", warm], env=env, check=True)
            print(f"after a warm-up of {n} replications a scenario:")
            sys.stdout.flush()
            subprocess.run([sys.executable, "-c", PROBE.replace("REPS", str(args.reps))], env=env, check=True)


if __name__ == "__main__":
    main()
