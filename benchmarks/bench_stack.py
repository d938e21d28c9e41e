"""Stacked blocks (sim/stack.py) against runs alone (not a test): what sharing the engine's blocks saves.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_stack.py [--scenarios taiwan_base,korea_contingency]
      [--variants 31] [--reps 64] [--rounds 3]

Two tables, CPU time of this process (best of ``--rounds``; the machine is shared, ratios are taken in one run):

1. CPU per replication of one study set-up (one replication per draw) by block size: why a stacked block holds
   at most ``STACK_REPS`` replications (the cost per replication falls steeply with the block up to about 512 and
   little or not at all beyond).
2. A surrogate-like design — the origin and ``--variants`` − 1 points raising three random areas each by 25, 50
   or 100 % — simulated variant by variant (``runner.simulate_arrays``, untraced) and as stacks
   (``stack.simulate_stack``): CPU of each, the ratio, how many compatible groups the variants fell into, and
   the mean deterrence of the variants both ways (they agree in distribution, not in the last digit: the
   stacked variants share the block's chance draws).
"""

from __future__ import annotations

import argparse
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def _best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="taiwan_base,taiwan_blockade,korea_contingency")
    parser.add_argument("--variants", type=int, default=31)
    parser.add_argument("--reps", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import numpy as np

    from positivesum.model.loader import load_dataset
    from positivesum.plan.levers import scale_setup, study_setup
    from positivesum.sim.grading import DENIED, STALEMATE
    from positivesum.sim.runner import simulate_arrays
    from positivesum.sim.stack import STACK_REPS, partition, simulate_stack

    ds = load_dataset().dataset
    scenarios = args.scenarios.split(",")
    print(f"STACK_REPS = {STACK_REPS}\n")
    print("| scenario | " + " | ".join(f"{n} reps (µs/rep)" for n in (64, 256, 512, 1024, 2048)) + " |")
    print("|---|" + "---|" * 5)
    for sid in scenarios:
        setup = study_setup(ds, sid, 1.0)
        simulate_arrays(setup, 1024, 0, traced=False)  # compiled kernels, per-set-up constants
        cells = []
        for n in (64, 256, 512, 1024, 2048):
            cpu = _best(lambda s=setup, n=n: simulate_arrays(s, n, 1, traced=False), args.rounds)
            cells.append(f"{cpu * 1e6 / n:,.0f}")
        print(f"| {sid} | " + " | ".join(cells) + " |")

    def deterrence(arrays: dict) -> float:
        oc = arrays["outcome"]
        return float((oc == DENIED).mean() + 0.5 * (oc == STALEMATE).mean())

    print(f"\n{args.variants} variants of {args.reps} replications each (seed 7)\n")
    print("| scenario | groups | alone (s CPU) | stacked (s CPU) | ratio | mean D alone | mean D stacked |")
    print("|---|---|---|---|---|---|---|")
    areas = list(ds.mission_areas)
    for sid in scenarios:
        base = study_setup(ds, sid, 1.0)
        rng = np.random.default_rng(0)
        variants = [base] + [
            scale_setup(base, ds, {str(a): float(rng.choice([0.25, 0.5, 1.0])) for a in rng.choice(areas, 3, False)})
            for _ in range(args.variants - 1)
        ]
        alone_out: list = []
        stacked_out: list = []

        def alone(out: list = alone_out, vs: list = variants) -> None:
            out[:] = [simulate_arrays(v, args.reps, 7, traced=False)[0] for v in vs]

        def stacked(out: list = stacked_out, vs: list = variants) -> None:
            out[:] = simulate_stack(vs, args.reps, 7)

        t_alone = _best(alone, args.rounds)
        t_stacked = _best(stacked, args.rounds)
        d_alone = np.mean([deterrence(a) for a in alone_out])
        d_stacked = np.mean([deterrence(a) for a in stacked_out])
        print(
            f"| {sid} | {len(partition(variants))} | {t_alone:.2f} | {t_stacked:.2f} | {t_alone / t_stacked:.1f}× "
            f"| {d_alone:.3f} | {d_stacked:.3f} |"
        )


if __name__ == "__main__":
    main()
