"""Intervals of the alliance studies (docs/methodology/alliance.md, "Intervals").

Every coalition, and every with/without pair of the basing and intervention studies, is simulated with the same
seeds, so their per-replication scores are paired. The unit of resampling is the outer parameter draw
(:func:`positivesum.plan.levers.study_draw_ids`): the replications of a draw share its parameters, so they are not
independent (Cameron and Miller 2015). The studies simulate one replication per draw (decision record 0017), so
a draw is a replication; the code keeps the draw as its unit for any study simulated otherwise. Shapley values, nucleolus and shares get percentile intervals by a
bootstrap over whole draws (games/bootstrap.py); paired differences get cluster-robust intervals
(plan/deterrence.py ``mean_interval``).

The coalition study allocates its replications across scenarios (plan/allocation.py): each scenario has its own
count and seed, so the scenarios are independent strata. The weighted game's bootstrap then resamples each
scenario's draws on its own (games/bootstrap.py :func:`stratified_bootstrap_allocations`), and a weighted paired
difference has the stratified interval √(Σ w̃_s² se_s²) of its scenarios' clustered ones. A study simulated with one
count and seed for every scenario (``study.runs`` None) keeps the joint resampling of replication r.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from ..alliance.coalitions import CoalitionStudy
from ..games.bootstrap import bootstrap_allocations, stratified_bootstrap_allocations
from ..games.games import Game
from ..games.rules import allocate
from ..plan.allocation import stratified_interval
from ..plan.deterrence import includes_zero, mean_interval
from ..plan.levers import study_draw_ids


def access_interval(study: CoalitionStudy, user: str) -> dict[str, Any]:
    """The weighted deterrence of ``user`` alone with the host's bases open minus without them, with its 95 %
    interval: paired by replication within each scenario and clustered by parameter draw; stratified over the
    scenarios when the study allocates them (``study.runs``), else of the per-replication weighted sums."""
    if study.runs is None:
        return mean_interval(access_reps(study, user), study_draw_ids(study.reps))
    with_bases = study.extra["user_alone_with_host_bases"].rep_scores
    alone = study.outcomes[frozenset([user])].rep_scores
    per_scenario = {
        s: mean_interval(
            np.asarray(with_bases[s], dtype=float) - np.asarray(alone[s], dtype=float),
            study_draw_ids(study.scenario_reps(s)),
        )
        for s in study.weights
        if study.weights.get(s, 0.0) > 0
    }
    return stratified_interval(per_scenario, study.weights)


def access_reps(study: CoalitionStudy, user: str) -> np.ndarray:
    """Per replication, the weighted deterrence of ``user`` alone with the host's bases open minus without them
    (a study with one replication count for every scenario: replication r paired across scenarios)."""
    keys = list(study.weights)
    total = sum(study.weights.get(s, 0.0) for s in keys) or 1.0
    with_bases = study.extra["user_alone_with_host_bases"].rep_scores
    alone = study.outcomes[frozenset([user])].rep_scores
    out: np.ndarray = sum(
        (study.weights.get(s, 0.0) / total) * (np.asarray(with_bases[s]) - np.asarray(alone[s])) for s in keys
    )
    return np.asarray(out, dtype=float)


def bootstrap_shares(study: CoalitionStudy, players: list[str], samples: int, seed: int) -> dict[str, Any] | None:
    """Shapley value, nucleolus and shares with 95 % bootstrap intervals over whole outer parameter draws.

    Whole outer draws are resampled (games/bootstrap.py ``cluster``): the replications of one draw share its
    parameter values, so they are not independent, and resampling them one by one would make the intervals
    too narrow (with 500 replications, 16 draws are the sampling unit, not 500 replications). A study that allocates
    its replications across scenarios is bootstrapped stratum by stratum (each scenario's draws resampled on its own,
    the same resample for every coalition within it)."""
    if study.runs is not None:
        return _stratified_shares(study, players, samples, seed)
    reps = study.rep_values()
    if samples <= 0 or not reps or any(len(v) < 2 for v in reps.values()):
        return None
    draws = study_draw_ids(study.reps)
    # one parameter draw: the replications are the only unit there is
    cluster = draws if len(np.unique(draws)) >= 2 else None
    out = bootstrap_allocations(
        players, reps, ("shapley", "nucleolus"), samples=samples, rng=np.random.default_rng(seed), cluster=cluster
    )
    out["method"] = (
        "percentile bootstrap over outer parameter draws (whole draws resampled; one replication each, decision "
        "record 0017), the same resample for every coalition (common random numbers); v(S) = mean over "
        "replications of the weighted deterrence added"
        if cluster is not None
        else "percentile bootstrap over replications, the same resample for every coalition (common random "
        "numbers); v(S) = mean over replications of the weighted deterrence added"
    )
    out["resampled_units"] = int(len(np.unique(cluster))) if cluster is not None else int(study.reps)
    return out


def _stratified_shares(study: CoalitionStudy, players: list[str], samples: int, seed: int) -> dict[str, Any] | None:
    strata = study.strata()
    if samples <= 0 or not strata or any(len(next(iter(st.reps.values()))) < 2 for st in strata):
        return None
    out = stratified_bootstrap_allocations(
        players, strata, ("shapley", "nucleolus"), samples=samples, rng=np.random.default_rng(seed)
    )
    out["method"] = (
        "stratified percentile bootstrap: each scenario's outer parameter draws (one replication each, decision "
        "record 0017) resampled on its own (the scenarios "
        "are independent strata, each at its allocated replications and own seed), the same resample for every "
        "coalition within a scenario (common random numbers); v(S) = Σ_s w̃_s · mean over replications of the "
        "deterrence added in scenario s"
    )
    out["resampled_units"] = int(sum(len(np.unique(st.cluster)) for st in strata if st.cluster is not None))
    out["strata"] = len(strata)
    return out


def by_scenario(
    study: CoalitionStudy, players: list[str], scenarios: list[str], samples: int = 0, seed: int = 0
) -> dict[str, Any]:
    """Each scenario's coalition values v_s(S) = D_s(S) − D_s(∅) and the Shapley shares of v_s(N); with
    ``samples``, their 95 % intervals by the same bootstrap over whole parameter draws as the weighted game's."""
    out: dict[str, Any] = {}
    empty = study.outcomes[frozenset()].rep_scores
    for sid in scenarios:
        draws = study_draw_ids(study.scenario_reps(sid))
        cluster = draws if len(np.unique(draws)) >= 2 else None
        values = {"+".join(sorted(k)) or "(none)": study.scenario_value(k, sid) for k in study.outcomes if k}
        game = Game.from_function(players, partial(study.scenario_value, scenario=sid), kind="value")
        phi = allocate(game, "shapley")
        grand = float(game.grand_value())
        out[sid] = {
            "weight": study.weights.get(sid, 0.0),
            "deterrence_without_players": study.outcomes[frozenset()].by_scenario[sid],
            "coalition_values": values,
            "shapley": {p: phi[p] for p in players},
            "shapley_pct": {p: (100 * phi[p] / grand if abs(grand) > 1e-12 else None) for p in players},
        }
        reps = {
            k: np.asarray(o.rep_scores[sid], dtype=float) - np.asarray(empty[sid], dtype=float)
            for k, o in study.outcomes.items()
            if k and sid in o.rep_scores
        }
        if samples > 0 and sid in empty and len(reps) == len(study.outcomes) - 1:
            rows = bootstrap_allocations(
                players, reps, ("shapley",), samples=samples, rng=np.random.default_rng(seed), cluster=cluster
            )["rules"]["shapley"]
            out[sid]["shapley_ci95"] = {p: rows[p]["ci95"] for p in players}
            out[sid]["shapley_pct_ci95"] = {p: rows[p]["share_pct_ci95"] for p in players}
    return out


def paired_gain(without: np.ndarray, with_portfolio: np.ndarray, reps: int) -> dict[str, Any]:
    """Deterrence with the portfolio minus without, paired by replication (the same seed), with its 95 % interval
    clustered by parameter draw (plan/deterrence.py ``mean_interval``)."""
    out = mean_interval(with_portfolio - without, study_draw_ids(reps))
    return {"mean": out["mean"], "ci95": out["ci95"], "includes_zero": includes_zero(out["ci95"])}
