"""Replications per scenario: the cost-optimal stratified allocation at the uniform design's worst-case precision.

The planner's objective and its headline numbers are weighted sums over scenarios, D = Σ_s w̃_s D_s (w̃ the
scenario weights normalised to sum 1). Estimated from n_s independent replications of each scenario, its
variance is Σ_s w̃_s² σ_s² / n_s (stratified sampling, the scenarios are the strata: Cochran 1977, *Sampling
Techniques*, 3rd ed., §5.3, eq. 5.6). Simulating every scenario N times spends replications evenly on scenarios
that matter unequally: a weight-0.05 blockade of 140 days costs five times a weight-0.15 invasion of 30 days per
replication yet adds a ninth of its variance. Minimising the cost Σ_s c_s n_s at a fixed variance V gives
n_s ∝ w̃_s σ_s / √c_s (Cochran 1977, §5.5, eq. 5.24: optimum allocation with a linear cost function).

Two choices make this an allocation that cannot lose precision against the uniform one and never depends on
the machine:

* **Worst-case σ.** Every per-replication score here lies in [0, 1], so σ_s ≤ ½ in every scenario and for every
  portfolio. With σ_s = ½ the constraint "variance at most that of N replications everywhere",
  Σ w̃_s²/(4 n_s) ≤ Σ w̃_s²/(4 N), holds for the worst case of every portfolio the planner may propose, so no
  pilot run is needed and the allocation is known before any simulation. (A pilot's σ would save a little
  more, but would make the replication counts depend on the pilot's draws.)
* **Cost from the data.** c_s is the scenario's duration in days (``duration_days``): the engine's cost per
  replication is its half-day steps until the campaign is decided, bounded by the duration. Measured CPU time
  would make the counts, and with them the numbers, depend on the machine.

A floor n_s ≥ ⌈f·N⌉ (f = :data:`FLOOR_FRACTION`) keeps every scenario's own interval within √2 of the uniform
design's (the briefing shows each scenario's deterrence and dividend with its interval); the floors only add
replications, so the worst-case variance stays at or below the uniform design's. The optimum under the floor is
n_s = max(⌈f·N⌉, λ·w̃_s/√c_s) with λ the smallest value meeting the variance bound (the Karush–Kuhn–Tucker
conditions of the convex problem), found by fixing the scenarios whose free optimum falls below the floor and
solving for λ over the rest until no more fall below. Counts are rounded up to multiples of 8 (a study's
replications are each their own parameter draw, sim.setup.MEAN_INNER_REPLICATIONS, so any count is whole
draws; 8 keeps the counts round for the reader), which again only adds precision.

Estimates from an allocated design must treat the scenarios as independent strata: their weighted interval is
√(Σ w̃_s² se_s²), not an interval of per-replication weighted sums (replication r of two scenarios is no longer
a pair). :func:`scenario_seed` gives every scenario a seed of its own so that the strata *are* independent;
within a scenario every portfolio still uses the same seed (common random numbers, so differences between
portfolios stay paired by replication).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..sim.results import Z95

#: Allocated counts are multiples of this (see the module's docstring).
ALLOCATION_UNIT = 8

#: Each scenario keeps at least this fraction of the nominal replications (its own interval at most √2 wider).
FLOOR_FRACTION = 0.5


def allocate_replications(
    weights: Mapping[str, float],
    cost: Mapping[str, float],
    nominal: int,
    floor_fraction: float = FLOOR_FRACTION,
    unit: int = 1,
) -> dict[str, int]:
    """Replications per scenario minimising Σ c_s n_s subject to Σ w̃_s²/n_s ≤ Σ w̃_s²/N and n_s ≥ ⌈f·N⌉
    (module docstring; Cochran 1977, §5.5). ``cost`` must be positive; scenarios of weight 0 get the floor.
    Counts are rounded up to whole multiples of ``unit`` when ``nominal`` is at least one unit (the outer draws
    of the two-level uncertainty, so that no parameter draw is cut short).

    The result never has a larger worst-case variance of the weighted mean than ``nominal`` replications of
    every scenario (tests/plan/test_allocation.py checks this, the exact optimum of a two-scenario case and the
    uniform answer for equal weights and costs)."""
    if nominal < 1:
        raise ValueError("nominal replications must be at least 1")
    if not 0.0 < floor_fraction <= 1.0:
        raise ValueError("floor_fraction must lie in (0, 1]")
    keys = list(weights)
    if any(cost[s] <= 0 for s in keys):
        raise ValueError("every scenario's cost must be positive")
    total = sum(max(0.0, float(weights[s])) for s in keys)
    step = unit if unit > 1 and nominal >= unit else 1

    def up(x: float) -> int:  # whole units, rounded up (only ever adds precision)
        return max(step, step * math.ceil(x / step))

    floor = up(floor_fraction * nominal)
    if total <= 0:
        return {s: nominal for s in keys}
    w = {s: max(0.0, float(weights[s])) / total for s in keys}
    budget = sum(v * v for v in w.values()) / nominal  # the uniform design's Σ w̃²/N
    free = {s for s in keys if w[s] > 0}
    lam = 0.0
    while free:
        fixed_variance = sum(w[s] ** 2 / floor for s in keys if s not in free)
        room = budget - fixed_variance
        if room <= 0:  # the floors alone meet the bound (only if the floor is N itself)
            free = set()
            break
        # Σ_free w²/(λ w/√c) = (Σ_free w √c)/λ = room
        lam = sum(w[s] * math.sqrt(cost[s]) for s in free) / room
        below = {s for s in free if lam * w[s] / math.sqrt(cost[s]) < floor}
        if not below:
            break
        free -= below
    # a relative 1e-12 before rounding up: counts that are whole numbers in exact arithmetic stay whole
    return {s: max(floor, up(lam * w[s] / math.sqrt(cost[s]) * (1 - 1e-12))) if s in free else floor for s in keys}


def scenario_seed(seed: int, scenario_id: str) -> int:
    """A seed of the scenario's own, derived from the run's seed and the scenario's id (its CRC-32 as a second
    entropy word of :class:`numpy.random.SeedSequence`): the same for every portfolio, independent across
    scenarios."""
    word = zlib.crc32(scenario_id.encode("utf-8"))
    return int(np.random.SeedSequence([int(seed), word]).generate_state(1, np.uint64)[0] >> 1)


@dataclass(frozen=True)
class ScenarioRuns:
    """The replications and seed of each scenario of an allocated design (every portfolio uses the same ones)."""

    nominal: int
    seed: int
    reps: dict[str, int]
    seeds: dict[str, int]

    @classmethod
    def for_dataset(cls, ds: Dataset, scenarios: list[str], nominal: int, seed: int) -> ScenarioRuns:
        """The allocation for ``scenarios`` of ``ds``: their weights, their durations as the cost."""
        weights = {s: float(ds.scenarios[s].weight.value) for s in scenarios if s in ds.scenarios}
        cost = {s: max(1.0, float(ds.scenarios[s].duration_days.value)) for s in weights}
        reps = allocate_replications(weights, cost, nominal, unit=ALLOCATION_UNIT)
        return cls(nominal, seed, reps, {s: scenario_seed(seed, s) for s in reps})

    def with_seed(self, seed: int) -> ScenarioRuns:
        """The same replications with every scenario's seed derived from ``seed`` (the check seed)."""
        return ScenarioRuns(self.nominal, seed, dict(self.reps), {s: scenario_seed(seed, s) for s in self.reps})

    def to_dict(self) -> dict[str, Any]:
        return {
            "nominal": self.nominal,
            "by_scenario": dict(self.reps),
            "seed_by_scenario": dict(self.seeds),
            "rule": "cost-optimal stratified allocation at the uniform design's worst-case precision "
            f"(floor {FLOOR_FRACTION:g}·nominal; docs/methodology/planning.md)",
        }


def stratified_interval(per_scenario: Mapping[str, Mapping[str, Any]], weights: Mapping[str, float]) -> dict[str, Any]:
    """Weighted mean Σ w̃_s m_s of independent scenario estimates ``{"mean", "se"}`` (e.g. from
    :func:`positivesum.plan.deterrence.mean_interval`) with its 95 % interval, se = √(Σ w̃_s² se_s²)
    (Cochran 1977, eq. 5.6). Scenarios without a weight or an estimate are left out."""
    keys = [s for s in per_scenario if weights.get(s, 0.0) > 0 and per_scenario[s].get("mean") is not None]
    total = sum(weights[s] for s in keys)
    if not keys or total <= 0:
        return {"mean": None, "ci95": [None, None], "se": None, "n": 0}
    m = sum(weights[s] / total * float(per_scenario[s]["mean"]) for s in keys)
    se = math.sqrt(sum((weights[s] / total) ** 2 * float(per_scenario[s].get("se") or 0.0) ** 2 for s in keys))
    n = int(sum(int(per_scenario[s].get("n", 0)) for s in keys))
    return {"mean": m, "ci95": [m - Z95 * se, m + Z95 * se], "se": se, "n": n}
