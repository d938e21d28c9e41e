"""95 % intervals of the surrogate's held-out error (not a test): the figures the README quotes with their intervals.

Run:  python benchmarks/surrogate_error_intervals.py [--cache-dir .positivesum-cache] [--resamples 2000] [--seed 1]

Reads every cached surrogate (``surrogate-*.json`` in ``--cache-dir``, as `positivesum report` or `compare-regimes`
left it) and, from its held-out validation samples (plan/surrogate.py ``validate``), prints the RMSE per point and
the error of the planner's weighted objective √(Σ w̃² MSE) (``_objective_rmse``), for the surrogate with its pairs
and for the additive refit, at the fit's seed and at seed + 1. Intervals: percentile bootstrap over the held-out
points, resampled within each scenario (each scenario keeps its number of points, so the objective's weights stay
those of the fit; Efron and Tibshirani 1993, ch. 13). The weights are the surrogate's scenarios' weights in the
packaged data.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def _stats(errors: dict[str, np.ndarray], weights: dict[str, float]) -> tuple[float, float]:
    """(RMSE over every point, √(Σ w̃² MSE_s)) of per-scenario error arrays."""
    every = np.concatenate(list(errors.values()))
    total = sum(weights.get(s, 0.0) for s in errors)
    objective = np.sqrt(sum((weights.get(s, 0.0) / total) ** 2 * float(np.mean(e**2)) for s, e in errors.items()))
    return float(np.sqrt(np.mean(every**2))), float(objective)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path(".positivesum-cache"))
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from positivesum.model.loader import load_dataset

    ds = load_dataset().dataset
    files = sorted(args.cache_dir.glob("surrogate-*.json"))
    if not files:
        raise SystemExit(
            f"no surrogate-*.json in {args.cache_dir}: run `positivesum report` or `compare-regimes` first"
        )
    for path in files:
        samples = json.loads(path.read_text(encoding="utf-8")).get("validation", {}).get("samples", [])
        if not samples:
            continue
        weights = {s["scenario"]: float(ds.scenarios[s["scenario"]].weight.value) for s in samples}
        print(f"\n{path.name}: {len(samples)} held-out points in {len(weights)} scenarios")
        print("| model | seed | RMSE per point [95 %] | weighted objective error [95 %] |")
        print("|---|---|---|---|")
        rng = np.random.default_rng(args.seed)
        for model in ("interaction", "additive"):
            for key in ("same_seed", "other_seed"):
                errors: dict[str, list[float]] = {}
                for s in samples:
                    errors.setdefault(s["scenario"], []).append(s["predicted"][model] - s["simulated"][key])
                arrays = {sid: np.asarray(v) for sid, v in errors.items()}
                point = _stats(arrays, weights)
                boot = np.array(
                    [
                        _stats({sid: e[rng.integers(0, len(e), len(e))] for sid, e in arrays.items()}, weights)
                        for _ in range(args.resamples)
                    ]
                )
                low, high = np.percentile(boot, [2.5, 97.5], axis=0)
                print(
                    f"| {model} | {key.replace('_', ' ')} | {point[0]:.3f} [{low[0]:.3f}, {high[0]:.3f}] "
                    f"| {point[1]:.3f} [{low[1]:.3f}, {high[1]:.3f}] |"
                )


if __name__ == "__main__":
    main()
