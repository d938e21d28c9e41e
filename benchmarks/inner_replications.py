"""How much of the deterrence score's variance lies between parameter draws (not a test): the measurement behind
one replication per outer draw in the planning and alliance studies (decision record 0017).

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/inner_replications.py [--reps 1024] [--level 0.1] [--seed 7]

For every default scenario it simulates ``--reps`` replications in outer draws of 32 (the two-level run of
``simulate``) at the scenario as it is and with every mission area raised by ``--level`` (the planner's scaling,
plan/levers.scale_setup), with the same seed (common random numbers), and splits the variance of the per-replication
deterrence score y = 1[denied] + ½·1[stalemate], and of the paired difference between the two set-ups, into its
parts between draws (σ_b²) and within them (σ_w²) by the one-way analysis of variance (method of moments):

    σ_w² = mean of the draws' sample variances,   σ_b² = max(0, var(draw means) − σ_w² / n),   ρ = σ_b² / (σ_b² + σ_w²).

A mean over m draws of n replications has variance σ_b²/m + σ_w²/(m·n) = (σ_b² + σ_w²)·(1 + (n − 1)·ρ)/N for
N = m·n replications (the design effect, Kish 1965, *Survey Sampling* §5.4), smallest at n = 1. The last columns
compare the variance of the studies' estimates before (N_old replications in draws of 32) and after (N_new
replications, one draw each): ``ratio`` = new / old = (1/N_new) / ((1 + 31ρ)/N_old); below 1 the new design is
the more precise. Each scenario is printed as it finishes.
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

#: (study, replications per scenario before, nominal after): the verification, the alliance studies, the
#: surrogate's points and the growth margins' bisection points.
STUDIES = (("verification", 1000, 256), ("alliance", 500, 128), ("surrogate", 200, 64), ("margin", 320, 128))


def components(y, draws):
    """σ_b², σ_w² and ρ of ``y`` grouped by ``draws`` (equal groups)."""
    import numpy as np

    ids = np.unique(draws)
    n = len(y) // len(ids)
    means = np.array([y[draws == k].mean() for k in ids])
    within = float(np.mean([y[draws == k].var(ddof=1) for k in ids]))
    between = max(0.0, float(means.var(ddof=1)) - within / n)
    total = between + within
    return between, within, (between / total if total > 0 else float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1024, help="replications per set-up (draws of 32)")
    parser.add_argument("--level", type=float, default=0.1, help="level of every mission area in the raised set-up")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from positivesum.model.loader import load_dataset
    from positivesum.plan.levers import scale_setup
    from positivesum.sim.grading import DENIED, STALEMATE
    from positivesum.sim.runner import simulate_arrays
    from positivesum.sim.setup import build_setup

    ds = load_dataset().dataset
    head = " | ".join(f"{name} ratio" for name, _, _ in STUDIES)
    print(f"{args.reps} replications in draws of 32, mission areas raised by {args.level}, seed {args.seed}\n")
    print(f"| scenario | D | ρ level | ΔD | ρ difference | design effect of 32 (difference) | {head} |")
    print("|---|---|---|---|---|---|" + "---|" * len(STUDIES))
    for sid in ds.scenarios:
        setup = build_setup(ds, sid)
        raised = scale_setup(setup, ds, {m: args.level for m in ds.mission_areas})
        scores = []
        for s in (setup, raised):
            arrays, _ = simulate_arrays(s, args.reps, args.seed, traced=False)
            scores.append((arrays["outcome"] == DENIED) + 0.5 * (arrays["outcome"] == STALEMATE))
        draws = arrays["outer"]
        rho_level = components(scores[0].astype(float), draws)[2]
        rho = components((scores[1] - scores[0]).astype(float), draws)[2]
        deff = 1 + 31 * rho
        ratios = " | ".join(f"{(1 / new) / (deff / old):.2f}" for _, old, new in STUDIES)
        print(
            f"| {sid} | {scores[0].mean():.3f} | {rho_level:.2f} | {(scores[1] - scores[0]).mean():+.3f} "
            f"| {rho:.2f} | {deff:.1f} | {ratios} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
