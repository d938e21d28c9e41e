"""Where the surrogate and the simulation part at the joint plan (a diagnostic for issue 16, not a test).

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/surrogate_at_plan.py [--cache-dir .positivesum-cache]
      [--reps 1000] [--seed 20260101]

On the packaged data, it plans the joint regime (the surrogate is read from the cache, or fitted and cached) and
prints, per weighted scenario:

* the surrogate's gain over its baseline, D̂_s(x) − b_s, and the simulated gain D_s − b_s at the plan's portfolio
  (``--reps`` replications, the seed given), and their ratio ρ_s (the multiplicative, "β", correction of
  surrogate-based optimisation: Haftka 1991, AIAA Journal 29(9), 1523–1525);
* per mission area, the level x the MILP credits the portfolio with (plan/levers.py ``option_levels``, capital
  added / all allied capital in the area) against the level measured in the built scenario (allied capital of the
  area in the scenario's set-up with the portfolio over that without it, minus one: what ``scale_setup`` scales);

then re-solves once with each scenario's gains scaled by ρ_s and says whether the portfolio changes. Findings are
in docs/decisions/0013-interaction-surrogate.md ("Open problem").
"""

from __future__ import annotations

import argparse
import copy
import os
from dataclasses import replace
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def capital_musd(setup, ds, area: str) -> float:
    """Allied capital of an area in a built scenario: units (at start and arriving) and munition stocks at cost."""
    from positivesum.plan.effects import committed_capital_musd
    from positivesum.plan.levers import area_classes, area_munitions

    return committed_capital_musd(setup, ds, area_classes(ds, area), area_munitions(ds, area))


def main() -> None:
    import numpy as np

    from positivesum import defaults
    from positivesum.plan import workflow
    from positivesum.plan.levers import scale_adversary, scale_setup
    from positivesum.plan.regimes import RegimeSpec
    from positivesum.plan.surrogate import deterrence
    from positivesum.plan.verify import dataset_with_portfolio
    from positivesum.services import data
    from positivesum.services import plan as planning
    from positivesum.sim.runner import simulate_setup
    from positivesum.sim.setup import build_setup

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache-dir", type=Path, default=defaults.CACHE_DIR)
    ap.add_argument("--reps", type=int, default=defaults.PLAN_VERIFY_REPS)
    ap.add_argument("--seed", type=int, default=defaults.SEED)
    args = ap.parse_args()
    ld = data.load()
    ds = ld.dataset
    ctx = planning.context(ld, None, args.seed, args.cache_dir)
    pp = planning.need_planning(ld)
    lam, sur = pp.stalemate_weight.value, ctx.inputs.sur
    spec = RegimeSpec("joint", receiver=pp.receiver)
    plan = workflow.run_regime(ctx, spec, defaults.MILP_GAP)
    sim = workflow.resimulate(ld, plan, ctx.scenarios, ctx.threat_factor, args.reps, args.seed, lam)
    with_plan = dataset_with_portfolio(ld, plan.choices)
    print(
        f"joint plan: {len(plan.choices)} options; weighted D: surrogate {plan.weighted_deterrence:.3f}, simulated "
        f"{sim['weighted_deterrence']:.3f} ({args.reps} replications, seed {args.seed})\n"
    )
    rho = {}
    for s in sur.scenarios:
        b = sur.base[s]
        pred, got = plan.deterrence[s] - b, sim["scenarios"][s]["deterrence"] - b
        rho[s] = float(np.clip(got / pred, 0.0, 2.0)) if pred > 0.02 else 1.0
        print(f"{s:24s} b={b:.3f}  surrogate gain {pred:+.3f}  simulated gain {got:+.3f}  ρ={rho[s]:.2f}")
        before, after = build_setup(ds, s), build_setup(with_plan, s)
        balanced = {}
        for m in sur.areas:
            x = plan.levels[s].get(m, 0.0)
            c0, c1 = capital_musd(before, ds, m), capital_musd(after, with_plan, m)
            measured = c1 / c0 - 1.0 if c0 > 0 else float("nan")
            if c0 > 0 and measured > 1e-3:
                balanced[m] = measured
            if x > 1e-3 or abs(measured) > 1e-3:
                print(f"    {m:26s} level credited {x:6.3f}   measured in the scenario {measured:6.3f}")
        grown = scale_adversary(before, ctx.threat_factor)
        d0 = deterrence(simulate_setup(grown, args.reps, args.seed), lam)
        d_bal = deterrence(simulate_setup(scale_setup(grown, ds, balanced), args.reps, args.seed), lam)
        print(f"    balanced increase at the measured levels: simulated gain {d_bal - d0:+.3f} (over D(0) = {d0:.3f})")
    corrected = copy.deepcopy(sur)
    for s in corrected.scenarios:
        corrected.values[s] = {m: np.asarray(v) * rho[s] for m, v in corrected.values[s].items()}
        corrected.pair_values[s] = {p: np.asarray(v) * rho[s] for p, v in corrected.pair_values[s].items()}
    ctx.inputs = replace(ctx.inputs, sur=corrected)
    again = workflow.run_regime(ctx, spec, defaults.MILP_GAP)
    same = sorted(again.choices) == sorted(plan.choices)
    print(
        f"\nre-solved with each scenario's gains scaled by ρ: surrogate {again.weighted_deterrence:.3f}; "
        f"portfolio {'unchanged' if same else 'changed: ' + str(len(again.choices)) + ' options'}"
    )


if __name__ == "__main__":
    main()
