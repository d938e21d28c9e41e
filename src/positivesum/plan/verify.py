"""Apply a portfolio, re-simulate, score: the one place where a plan meets the campaign engine.

Every study that asks "what does this portfolio buy?" — a regime's plan, a coalition's plan, the
intervention-level matrix, the command-structure comparison — goes through these functions, so that
the same portfolio under the same seed always gets the same score (common random numbers: the
campaign's streams depend only on the seed and the replication block, docs/methodology/campaign.md).

Scoring (docs/methodology/planning.md §2): for scenario s, D_s = P(denied) + λ·P(stalemate); the
alliance's weighted deterrence is D = Σ_s w_s D_s / Σ_s w_s over the scenarios considered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..model.loader import LoadedDataset, validate_tree
from .allocation import ScenarioRuns
from .catalogue import apply_portfolio
from .deterrence import RepScores, simulate_scores, summarise
from .surrogate import deterrence

Choice = tuple[str, str, int]
"""(actor, option id, start plan year) as the MILP returns it."""


def in_service(ds: Dataset, choices: Iterable[Choice], horizon_years: int) -> list[tuple[str, str]]:
    """The (actor, option) pairs of a plan whose lead time ends within the horizon: start + ⌈lead⌉ ≤ horizon."""
    return [(a, o) for a, o, t in choices if t + np.ceil(ds.options[o].lead_time_years) <= horizon_years]


def dataset_with_portfolio(
    ld: LoadedDataset,
    choices: Iterable[Choice],
    *,
    tree: dict[str, Any] | None = None,
    note: str = "",
    in_service_only: bool = True,
) -> Dataset:
    """The dataset (or ``tree``, a modified raw tree of it) with the plan's options applied and re-validated."""
    ds = ld.dataset
    horizon = int(ds.planning.horizon_years.value) if ds.planning else 10**6
    chosen = in_service(ds, choices, horizon) if in_service_only else [(a, o) for a, o, _t in choices]
    if chosen:
        raw = apply_portfolio(tree if tree is not None else ld.raw, ds, chosen, note=note)
    elif tree is not None:
        raw = tree
    else:
        return ds
    return validate_tree(raw, ld.lines, files=list(ld.files)).dataset


def weighted_mean(
    values: Mapping[str, float], weights: Mapping[str, float], scenarios: Iterable[str] | None = None
) -> float:
    """Σ_s w_s v_s / Σ_s w_s over ``scenarios`` (default: every key of ``values``); 0 weights total → plain 0."""
    keys = list(values) if scenarios is None else list(scenarios)
    total = sum(weights.get(s, 0.0) for s in keys)
    if total <= 0:
        return 0.0
    return sum(weights.get(s, 0.0) / total * values[s] for s in keys)


def score_scenario(
    ds: Dataset,
    scenario_id: str,
    *,
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    detail: bool = False,
    rep_out: dict[str, RepScores] | None = None,
) -> dict[str, Any]:
    """Outcome probabilities, deterrence and mean decided day of one scenario, adversary grown by ``threat_factor``.

    ``detail`` adds the other measures with intervals (plan/deterrence.py: grade score, adversary cost,
    deterrence interval); ``rep_out[scenario_id]`` receives the per-replication scores (for paired intervals)."""
    result, scores = simulate_scores(
        ds, scenario_id, threat_factor=threat_factor, reps=reps, seed=seed, stalemate_weight=stalemate_weight
    )
    probs = result.outcome_probabilities()
    decided = result.data["decided_day"].values
    decided = decided[np.isfinite(decided)]
    row: dict[str, Any] = {
        "deterrence": deterrence(result, stalemate_weight),
        **{k: v["p"] for k, v in probs.items()},
        "decided_day_mean": float(decided.mean()) if decided.size else None,
    }
    if detail:
        row.update(summarise(scores))
    if rep_out is not None:
        rep_out[scenario_id] = scores
    return row


def score_dataset(
    ds: Dataset,
    scenarios: Iterable[str],
    weights: Mapping[str, float],
    *,
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    absent_deterrence: float = 0.0,
    detail: bool = False,
    rep_out: dict[str, RepScores] | None = None,
    runs: ScenarioRuns | None = None,
) -> dict[str, Any]:
    """Score every scenario of ``ds``; a scenario missing from ``ds`` (nobody left to oppose the adversary in a
    coalition's world) scores ``absent_deterrence``. Returns ``{"scenarios": {id: row}, "weighted_deterrence": D}``;
    ``rep_out`` receives each scenario's per-replication scores. ``runs`` (plan/allocation.py) gives each scenario
    its own replications and seed instead of ``reps`` and ``seed`` for all; its estimates are then independent
    strata (weighted intervals by :func:`.allocation.stratified_interval`)."""
    rows: dict[str, dict[str, Any]] = {}
    for sid in scenarios:
        n = runs.reps.get(sid, reps) if runs is not None else reps
        if sid not in ds.scenarios:
            rows[sid] = {"deterrence": absent_deterrence, "absent": True}
            if rep_out is not None:
                rep_out[sid] = RepScores.absent(n, absent_deterrence)
            continue
        rows[sid] = score_scenario(
            ds,
            sid,
            threat_factor=threat_factor,
            reps=n,
            seed=runs.seeds.get(sid, seed) if runs is not None else seed,
            stalemate_weight=stalemate_weight,
            detail=detail,
            rep_out=rep_out,
        )
    by_scenario = {s: r["deterrence"] for s, r in rows.items()}
    return {"scenarios": rows, "weighted_deterrence": weighted_mean(by_scenario, weights)}


def verify_portfolio(
    ld: LoadedDataset,
    choices: Iterable[Choice],
    scenarios: Iterable[str],
    *,
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    weights: Mapping[str, float] | None = None,
    tree: dict[str, Any] | None = None,
    note: str = "",
    in_service_only: bool = True,
    detail: bool = False,
    rep_out: dict[str, RepScores] | None = None,
    runs: ScenarioRuns | None = None,
) -> dict[str, Any]:
    """Apply a portfolio, re-simulate every scenario, score: the plan's verified deterrence.

    ``weights`` default to the scenarios' own weights in the data; ``tree`` replaces the dataset's raw tree
    (a coalition's world)."""
    scenarios = list(scenarios)
    ds = dataset_with_portfolio(ld, choices, tree=tree, note=note, in_service_only=in_service_only)
    if weights is None:
        weights = {s: ld.dataset.scenarios[s].weight.value for s in scenarios}
    return score_dataset(
        ds,
        scenarios,
        weights,
        threat_factor=threat_factor,
        reps=reps,
        seed=seed,
        stalemate_weight=stalemate_weight,
        detail=detail,
        rep_out=rep_out,
        runs=runs,
    )
