"""Benchmark of the deterrence surrogate (not a test): CPU time of the fit and of its held-out validation, and the
held-out error of the surrogate with interactions against the additive one (docs/methodology/planning.md §3).

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_surrogate.py [--seed 20260101] [--reps N] [--out FILE]

It fits the surrogate of the packaged data as ``plan.workflow.build_context`` does (every weighted scenario, every
mission area, the data's interaction pairs, ``planning.surrogate_replications`` replications, the adversary
projected to the plan's last year), then runs ``validate``, and prints the CPU seconds of each step, the held-out
RMSE and largest error (interaction and additive, at the fit's seed and at seed + 1) and the fitted pair terms.
``--out`` writes the surrogate as the CLI caches it. CPU seconds are printed because the reference machine is
shared: wall time on a busy machine is longer, CPU time barely changes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from positivesum.model.loader import load_dataset
from positivesum.plan.surrogate import error_summary, fit_surrogate, validate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--reps", type=int, default=None, help="replications (default: the data's)")
    parser.add_argument("--out", type=Path, default=None, help="write the fitted surrogate (JSON) here")
    args = parser.parse_args()
    ds = load_dataset().dataset
    pp = ds.planning
    assert pp is not None
    factor = (1 + pp.adversary_growth_per_year.value) ** int(pp.horizon_years.value)
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    reps = args.reps or int(pp.surrogate_replications.value)
    t0, w0 = time.process_time(), time.perf_counter()
    sur = fit_surrogate(
        ds,
        scenarios,
        list(ds.mission_areas),
        reps=reps,
        seed=args.seed,
        stalemate_weight=pp.stalemate_weight.value,
        threat_factor=factor,
    )
    t1, w1 = time.process_time(), time.perf_counter()
    validate(sur, ds, threat_factor=factor, stalemate_weight=pp.stalemate_weight.value)
    t2, w2 = time.process_time(), time.perf_counter()
    sims = sum(len(sur.points[s]["simulated"]) for s in scenarios)
    print(f"fit: {t1 - t0:.1f} CPU s ({w1 - w0:.1f} s wall), {sims} simulations of {reps} replications")
    print(f"held-out validation: {t2 - t1:.1f} CPU s ({w2 - w1:.1f} s wall)")
    print(json.dumps(error_summary(sur.validation), indent=1))
    for s in scenarios:
        terms = {p: [round(float(v), 3) for v in vals] for p, vals in sur.pair_values[s].items() if vals.any()}
        print(f"{s}: b = {sur.base[s]:.3f}, censored {sur.points[s]['censored']}, pair terms {terms}")
    if args.out:
        args.out.write_text(json.dumps(sur.to_dict()), encoding="utf-8")


if __name__ == "__main__":
    main()
