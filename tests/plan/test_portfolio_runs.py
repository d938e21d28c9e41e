"""The regime comparison's batch of simulations (services/portfolio_runs.py): the same numbers as scoring each
portfolio directly, identical units run once, and the same numbers in this process and on a Dask cluster."""

from __future__ import annotations

import numpy as np
import pytest

from positivesum import services
from positivesum.plan.allocation import ScenarioRuns
from positivesum.plan.verify import verify_portfolio
from positivesum.services import executor
from positivesum.services.portfolio_runs import Batch, Shared

SCENARIOS = ["taiwan_base", "korea_contingency"]
REPS = 48
SEED = 5


@pytest.fixture(scope="module")
def loaded():
    return services.load(None, None, [])


def _runs(ld) -> ScenarioRuns:
    return ScenarioRuns.for_dataset(ld.dataset, SCENARIOS, REPS, SEED)


def _batch(ld):
    ds = ld.dataset
    option = next(iter(ds.options))  # any option of the data: the test is about plumbing, not value
    actor = next(a for a in ds.planning.budgets if a in ds.actors)
    choices = [(actor, option, 0)]
    batch = Batch()
    runs = _runs(ld)
    units = batch.score_portfolio(choices, SCENARIOS, runs, detail=True)
    again = batch.score_portfolio(list(reversed(choices)), SCENARIOS, runs, detail=True)
    empty = batch.score_portfolio([], SCENARIOS, runs)
    margins = batch.margins([], SCENARIOS[:1], 32, SEED, 0.5)
    return batch, choices, units, again, empty, margins


def test_batch_matches_direct_scoring_and_runs_identical_units_once(loaded):
    batch, choices, units, again, empty, margins = _batch(loaded)
    assert units == again and len(batch) == len(SCENARIOS) * 2 + 1  # the repeated portfolio is not run twice
    shared = Shared(loaded, 1.0, 0.5, 0.027)
    batch.run(None, shared)
    weights = {s: loaded.dataset.scenarios[s].weight.value for s in SCENARIOS}
    mine: dict = {}
    got = batch.resimulated(units, weights, rep_out=mine)
    direct: dict = {}
    want = verify_portfolio(
        loaded,
        choices,
        SCENARIOS,
        threat_factor=1.0,
        reps=REPS,
        seed=SEED,
        stalemate_weight=0.5,
        detail=True,
        rep_out=direct,
        runs=_runs(loaded),
    )
    assert got["weighted_deterrence"] == want["weighted_deterrence"]
    # the two scenarios ran at their allocated replications and own seeds
    assert {u.scenario: (u.reps, u.seed) for u in units} == {
        s: (_runs(loaded).reps[s], _runs(loaded).seeds[s]) for s in SCENARIOS
    }
    assert len(mine["taiwan_base"].deterrence) == _runs(loaded).reps["taiwan_base"] != REPS
    for s in SCENARIOS:
        assert got["scenarios"][s] == want["scenarios"][s]
        np.testing.assert_array_equal(mine[s].deterrence, direct[s].deterrence)
    margin = batch.result(margins[0])
    assert margin["replications"] == 32 and "years" in margin


@pytest.mark.slow
def test_batch_is_identical_on_a_local_dask_cluster(loaded):
    here, *_ = _batch(loaded)
    there, _c, units, _a, empty, margins = _batch(loaded)
    shared = Shared(loaded, 1.0, 0.5, 0.027)
    here.run(None, shared)
    with executor.open_client(None, 2) as client:
        there.run(client, shared)
    weights = {s: 1.0 for s in SCENARIOS}
    for u in (units, empty):
        a, b = here.resimulated(u, weights), there.resimulated(u, weights)
        assert a == b
    assert here.result(margins[0]) == there.result(margins[0])
