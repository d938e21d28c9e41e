"""Benchmark of sensitivity designs on Dask (not a test): a Sobol design of at least 4,096 campaign runs on
taiwan_base, timed in this process and on local Dask clusters of 1 and 2 workers; prints the scaling ratio.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sensitivity.py [--samples 256] [--factors 7] [--reps 32]
      [--batched] [--workers 0 1 2]
      python benchmarks/bench_sensitivity.py --quick     # a smoke run of the same code (seconds, not a measurement)

The design: the first ``--factors`` scenario, participant and model-form factors of taiwan_base, Saltelli's design
of N = ``--samples`` base points: N·(2D+2) runs (256 · 16 = 4,096 by default). Each run is one design point of
``--reps`` replications with common random numbers (every point separately, the master seed), or with
``--batched`` 64 points side by side per block (32 replications each). The numbers of every configuration are
checked to be identical (same design, same seeds). Wall-clock times include starting the cluster. A design of
fewer than 4,096 runs is refused (the README's figure is for at least that many) unless ``--quick``, which runs a
tiny design (N = 4, D = 2, 4 replications: 24 runs) at 1 and 2 workers to check that the benchmark works.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

from positivesum.services import data as data_services  # noqa: E402
from positivesum.services import sensitivity as sa  # noqa: E402
from positivesum.services.executor import open_client  # noqa: E402
from positivesum.sim.setup import build_setup  # noqa: E402

#: The benchmark's size: a Sobol design of at least this many model runs (issue 17).
MIN_RUNS = 4096


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--factors", type=int, default=7)
    ap.add_argument("--reps", type=int, default=32)
    ap.add_argument("--batched", action="store_true")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--quick", action="store_true", help="a smoke run: a tiny design, not a measurement")
    args = ap.parse_args()
    if args.quick:
        args.samples, args.factors, args.reps = 4, 2, 4
    if any(w < 0 for w in args.workers) or args.samples < 1 or args.factors < 1 or args.reps < 1:
        ap.error("--samples, --factors and --reps must be at least 1, --workers at least 0")
    ld = data_services.load()
    setup = build_setup(ld.dataset, "taiwan_base")
    chosen = sa.select_factors(ld, "taiwan_base", setup, ["scenario.*", "participant.*", *sa.MODEL_FORM])
    factors = chosen[: args.factors]
    model = sa.CampaignModel(setup, factors, reps=args.reps, seed=20260101, crn=not args.batched)
    runs = args.samples * (2 * len(factors) + 2)
    if runs < MIN_RUNS and not args.quick:
        sys.exit(
            f"error: the design has {runs:,} runs (N = {args.samples}, D = {len(factors)}), fewer than the "
            f"benchmark's {MIN_RUNS:,}: raise --samples (a power of two) or --factors, or use --quick for a smoke run"
        )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
    print(
        f"Sobol design on taiwan_base: D = {len(factors)} factors, N = {args.samples}: {runs:,} runs of "
        f"{args.reps if not args.batched else sa.BATCH_REPS} replications "
        f"({'batched, 64 points per block' if args.batched else 'common random numbers, one point per run'})"
    )
    times: dict[int, float] = {}
    reference = None
    identical = True
    for workers in args.workers:
        start = time.perf_counter()
        with open_client(None, workers) as client:
            result = sa.sobol(model, factors, samples=args.samples, seed=20260101, client=client)
        times[workers] = time.perf_counter() - start
        y = result.design["y"].values
        if reference is None:
            reference = y
        same = np.array_equal(reference, y)
        identical = identical and same
        print(
            f"  workers {workers} ({'in process' if workers == 0 else 'local Dask cluster'}): "
            f"{times[workers]:7.1f} s, {runs / times[workers]:6.1f} runs/s, identical: {same}"
        )
    base = times.get(1, next(iter(times.values())))
    for workers, seconds in times.items():
        if workers > 1:
            print(f"  scaling 1 → {workers} workers: {base / seconds:.2f}× (ideal {workers}×)")
    if args.quick:
        print("  (--quick: a smoke run of a tiny design; the times measure start-up, not the scaling)")
    if not identical:
        sys.exit("error: the numbers differ between worker counts (the determinism contract is broken)")
    st = result.table(sa.HEADLINE)[["factor", "S1", "S1_conf", "ST", "ST_conf"]]
    print(st.to_string(index=False, float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
