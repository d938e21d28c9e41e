"""Cost-based against effect-based option levels at the joint and spending-target plans (a diagnostic for issue 16).

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/lever_basis.py [--reps 500] [--seed 20260101]
      [--cache-dir .positivesum-cache]

For each ``planning.lever_basis`` (``effect``, then ``cost``) it builds the planning context on the packaged data
(the surrogate read from the cache or fitted; the effects measured when the basis needs them), plans the joint
and the spending-target regimes at a 1 % MIP gap, re-simulates both portfolios (``--reps``, ``--seed``) and
prints the surrogate's and the simulation's weighted deterrence, and per scenario both values. The table in
docs/methodology/planning.md §3 (effect-based levels) comes from this script.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def main() -> None:
    from positivesum.plan import workflow
    from positivesum.plan.deterrence import paired_difference
    from positivesum.plan.regimes import RegimeSpec
    from positivesum.services import data
    from positivesum.services import plan as planning

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--cache-dir", type=Path, default=Path(".positivesum-cache"))
    args = ap.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    print(f"{'levels':8s} {'regime':16s} {'options':>7s} {'cost M USD':>10s} {'surrogate':>9s} {'simulated':>9s}")
    scores: dict[tuple[str, str], dict] = {}
    weights: dict[str, float] = {}
    for basis in ("effect", "cost"):
        ld = data.load([], sets=[f"planning.lever_basis={basis}"])
        ctx = planning.context(ld, None, args.seed, args.cache_dir)
        lam = ld.dataset.planning.stalemate_weight.value
        for regime in ("joint", "spending-target"):
            plan = workflow.run_regime(ctx, RegimeSpec(regime), gap=0.01)
            reps_out: dict = {}
            res = workflow.resimulate(
                ld, plan, ctx.scenarios, ctx.threat_factor, args.reps, args.seed, lam, rep_out=reps_out
            )
            scores[(basis, regime)] = reps_out
            weights = dict(ctx.inputs.weights)
            print(
                f"{basis:8s} {regime:16s} {len(plan.choices):7d} {plan.lifecycle_cost_musd:10,.0f} "
                f"{plan.weighted_deterrence:9.3f} {res['weighted_deterrence']:9.3f}"
            )
            for sid in ctx.scenarios:
                sim = res["scenarios"][sid]["deterrence"]
                print(f"{'':26s}{sid:24s} {plan.deterrence[sid]:9.3f} {sim:9.3f}")
    # paired by replication (the same seed everywhere), clustered by outer draw: plan/deterrence.py
    print("\nweighted simulated deterrence, differences with 95 % intervals (paired replications):")
    for label, a, b in (
        ("effect: joint - spending-target", ("effect", "joint"), ("effect", "spending-target")),
        ("cost:   joint - spending-target", ("cost", "joint"), ("cost", "spending-target")),
        ("joint:  effect - cost", ("effect", "joint"), ("cost", "joint")),
    ):
        first = next(iter(scores[a].values()))
        d = paired_difference(
            {s: r.deterrence for s, r in scores[a].items()},
            {s: r.deterrence for s, r in scores[b].items()},
            weights,
            first.cluster,
        )
        print(f"  {label}: {d['mean']:+.4f} [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}]")


if __name__ == "__main__":
    main()
