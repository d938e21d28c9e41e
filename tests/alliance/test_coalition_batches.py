"""The coalition study's simulations as batches of independent jobs (alliance/coalitions.py ``study_coalitions``):
the same study in this process and on a two-worker Dask cluster, and sub-coalition portfolios adopted only when
simulation rates them higher.

A small study keeps it quick: two players, a surrogate fitted on two scenarios and two areas with few
replications, every coalition simulated at 16 nominal replications, shared out among the weighted scenarios
(plan/allocation.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.alliance.coalitions import (
    CoalitionJob,
    StudyShared,
    coalition_tree,
    simulate_job,
    study_coalitions,
    study_work,
)
from positivesum.model.loader import load_dataset
from positivesum.plan.allocation import ScenarioRuns
from positivesum.plan.surrogate import fit_surrogate
from positivesum.plan.workflow import build_context
from positivesum.services import executor

PLAYERS = ["USA", "JPN"]


@pytest.fixture(scope="module")
def small():
    ld = load_dataset()
    factor = 1.3
    sur = fit_surrogate(
        ld.dataset, ["taiwan_base", "nansei_seizure"], ["air_defence", "strike"], reps=16, seed=3, threat_factor=factor
    )
    ctx, _ = build_context(ld, surrogate=sur, seed=3)
    return ld, ctx


def _study(small, sim_map=None, steps=None):
    ld, ctx = small
    extra = {} if sim_map is None else {"sim_map": sim_map}
    return study_coalitions(
        ld, ctx, PLAYERS, reps=16, seed=3, gap=1e-2, access_host="JPN", access_user="USA", progress=steps, **extra
    )


@pytest.mark.slow
def test_the_study_is_identical_in_process_and_on_a_dask_cluster(small):
    here_steps: list[int] = []
    here = _study(small, steps=here_steps.append)
    there_steps: list[int] = []
    with executor.open_client(None, 2) as client:
        there = _study(small, executor.sim_map_on(client), there_steps.append)
    assert sum(here_steps) == sum(there_steps) == study_work(PLAYERS, with_access=True)
    assert (
        set(here.outcomes)
        == set(there.outcomes)
        == {frozenset(), *(frozenset([p]) for p in PLAYERS), frozenset(PLAYERS)}
    )
    for key, a in here.outcomes.items():
        b = there.outcomes[key]
        assert (a.choices, a.by_scenario, a.weighted_deterrence, a.note) == (
            b.choices,
            b.by_scenario,
            b.weighted_deterrence,
            b.note,
        )
        for s in a.rep_scores:
            np.testing.assert_array_equal(a.rep_scores[s], b.rep_scores[s])
    assert here.extra["user_alone_with_host_bases"].weighted_deterrence == (
        there.extra["user_alone_with_host_bases"].weighted_deterrence
    )


@pytest.mark.slow
def test_the_grand_coalition_reaches_at_least_every_sub_coalitions_portfolio(small):
    """S can carry out any sub-coalition's portfolio, the empty one (buying nothing) included: the adoption step
    makes its simulated deterrence at least that of each sub-coalition's portfolio simulated in S's own world
    (common random numbers: exact; every job uses the study's allocation of replications and seeds). With 16
    nominal replications here, buying nothing can beat a surrogate-guided plan."""
    ld, ctx = small
    study = _study(small)
    # the study allocates: each scenario at its share of the nominal 16 with a seed of its own, in every coalition
    assert study.runs == ScenarioRuns.for_dataset(ld.dataset, list(ctx.scenarios), 16, 3)
    assert len(set(study.runs.seeds.values())) == len(study.runs.seeds)
    for outcome in study.outcomes.values():
        assert {s: len(r) for s, r in outcome.rep_scores.items()} == study.runs.reps
    grand = study.outcomes[frozenset(PLAYERS)]
    world = coalition_tree(ld.raw, PLAYERS, frozenset(PLAYERS))
    weights = {s: ld.dataset.scenarios[s].weight.value for s in ctx.scenarios}
    lam = ld.dataset.planning.stalemate_weight.value
    for p in PLAYERS:
        sub = study.outcomes[frozenset([p])]
        job = CoalitionJob(
            world, tuple(sub.choices), tuple(ctx.scenarios), weights, ctx.threat_factor, 16, 3, lam, 10, study.runs
        )
        _by_s, in_grand_world, _reps = simulate_job(StudyShared(ld), job)
        assert grand.weighted_deterrence >= in_grand_world - 1e-12
        if grand.adopted_from == (p,):
            assert grand.choices == sub.choices and grand.weighted_deterrence == in_grand_world
