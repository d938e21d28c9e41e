"""Every simulation a regime comparison needs, as one batch of independent units on the Dask executor.

`compare-regimes` (and the briefing's regimes) re-simulate each regime's portfolio in every planning scenario at
two seeds, the cheapest joint plans at equal deterrence, the spending-target portfolios, and bisect each
portfolio's growth margin: several hundred campaign runs that do not depend on one another once the MILPs
have chosen the portfolios. They are collected here as units, identical units are run once (the joint planner
often adopts another regime's portfolio), and the batch goes through :func:`.executor.map_ordered` — in this
process, or on the workers of a local or remote Dask cluster (``--workers``, ``--scheduler``; docs/dask.md).

Numbers do not depend on where a unit runs: a unit is a pure function of the dataset, the portfolio, the
scenario, the replications and the seed (the campaign's random streams derive from the seed and the
replication block only, sim/runner.py), and results are assembled in the order of the units.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.loader import LoadedDataset
from ..plan.allocation import ScenarioRuns
from ..plan.deterrence import RepScores, growth_margin
from ..plan.verify import Choice, dataset_with_portfolio, score_scenario, weighted_mean
from . import executor


@dataclass(frozen=True, eq=False)  # hashed by identity: the key of the per-worker dataset cache
class Shared:
    """What every unit needs and no unit changes (sent once to each worker)."""

    ld: LoadedDataset
    threat_factor: float
    stalemate_weight: float
    growth_per_year: float


@dataclass(frozen=True)
class Score:
    """Re-simulate one portfolio in one scenario: its row (docs/reference/compare-regimes.md) and per-replication
    scores. ``detail`` adds the other measures with intervals."""

    choices: tuple[Choice, ...]
    scenario: str
    reps: int
    seed: int
    detail: bool = False


@dataclass(frozen=True)
class Margin:
    """The growth margin of one portfolio in one scenario (plan/deterrence.py :func:`growth_margin`)."""

    choices: tuple[Choice, ...]
    scenario: str
    reps: int
    seed: int
    threshold: float


Unit = Score | Margin


def portfolio_key(choices: Iterable[Choice]) -> tuple[Choice, ...]:
    """A portfolio as a hashable, order-free key: the same options in any order are the same units."""
    return tuple(sorted((str(a), str(o), int(t)) for a, o, t in choices))


@functools.lru_cache(maxsize=32)
def _dataset(shared: Shared, choices: tuple[Choice, ...]):
    # Applying a portfolio copies and re-validates the whole tree (30-40 ms). A cluster hands out the units longest
    # first (replication-days), not portfolio by portfolio, so a worker meets the batch's portfolios interleaved:
    # with room for 8 of the main job's 11 (4 regimes, 3 cheapest joint plans, 4 spending targets), most units
    # re-validated theirs (py-spy of a cold main job: ~8 s of the workers' CPU). 32 datasets take ~90 MB (2.7 MB
    # each, tracemalloc) and hold a whole batch.
    return dataset_with_portfolio(shared.ld, choices)


def run_unit(shared: Shared, unit: Unit) -> Any:
    """One unit (module level, so that a Dask worker can unpickle it; a retry repeats it exactly)."""
    ds = _dataset(shared, unit.choices)
    if isinstance(unit, Margin):
        return growth_margin(
            ds,
            unit.scenario,
            base_factor=shared.threat_factor,
            growth_per_year=shared.growth_per_year,
            reps=unit.reps,
            seed=unit.seed,
            threshold=unit.threshold,
        )
    scores: dict[str, RepScores] = {}
    row = score_scenario(
        ds,
        unit.scenario,
        threat_factor=shared.threat_factor,
        reps=unit.reps,
        seed=unit.seed,
        stalemate_weight=shared.stalemate_weight,
        detail=unit.detail,
        rep_out=scores,
    )
    return row, scores[unit.scenario]


def _work(unit: Unit) -> int:
    """Relative cost of a unit for the progress bar: replications run (a bisection runs about eight points)."""
    return unit.reps * (8 if isinstance(unit, Margin) else 1)


class Batch:
    """Collect units, run each distinct one once, then read the results back by unit."""

    def __init__(self) -> None:
        self._units: dict[Unit, int] = {}
        self._results: list[Any] | None = None

    def add(self, unit: Unit) -> Unit:
        self._units.setdefault(unit, len(self._units))
        return unit

    def score_portfolio(
        self, choices: Iterable[Choice], scenarios: Sequence[str], runs: ScenarioRuns, detail: bool = False
    ) -> list[Score]:
        """Score units of one portfolio, each scenario at its allocated replications and own seed (``runs``)."""
        key = portfolio_key(choices)
        return [self.add(Score(key, s, runs.reps[s], runs.seeds[s], detail)) for s in scenarios]  # type: ignore[misc]

    def margins(
        self, choices: Iterable[Choice], scenarios: Sequence[str], reps: int, seed: int, threshold: float
    ) -> list[Margin]:
        key = portfolio_key(choices)
        return [self.add(Margin(key, s, reps, seed, threshold)) for s in scenarios]  # type: ignore[misc]

    @property
    def work(self) -> int:
        return sum(_work(u) for u in self._units)

    def __len__(self) -> int:
        return len(self._units)

    def run(self, client: Any, shared: Shared, progress: Callable[[int], None] | None = None) -> None:
        units = list(self._units)  # insertion order: the same order on every run and every cluster
        scenarios = shared.ld.dataset.scenarios

        def cost(unit: Unit) -> float:  # replication-days: a 140-day blockade costs ~5x a 30-day invasion
            return _work(unit) * float(scenarios[unit.scenario].duration_days.value)

        self._results = executor.map_ordered(client, run_unit, units, progress, shared=shared, weight=_work, cost=cost)

    def result(self, unit: Unit) -> Any:
        if self._results is None:
            raise RuntimeError("Batch.result before Batch.run")
        return self._results[self._units[unit]]

    def resimulated(
        self, units: Sequence[Score], weights: dict[str, float], rep_out: dict[str, RepScores] | None = None
    ) -> dict[str, Any]:
        """The shape :func:`positivesum.plan.verify.score_dataset` returns, from a portfolio's score units."""
        rows: dict[str, dict[str, Any]] = {}
        for unit in units:
            row, scores = self.result(unit)
            rows[unit.scenario] = row
            if rep_out is not None:
                rep_out[unit.scenario] = scores
        by_scenario = {s: r["deterrence"] for s, r in rows.items()}
        return {"scenarios": rows, "weighted_deterrence": weighted_mean(by_scenario, weights)}
