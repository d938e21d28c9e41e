"""The replication allocation (plan/allocation.py): exact answers, its precision guarantee, independent strata."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.model.loader import load_dataset
from positivesum.plan.allocation import (
    ALLOCATION_UNIT,
    ScenarioRuns,
    allocate_replications,
    scenario_seed,
    stratified_interval,
)


def _worst_variance(weights: dict[str, float], reps: dict[str, int]) -> float:
    total = sum(weights.values())
    return sum((w / total) ** 2 * 0.25 / reps[s] for s, w in weights.items())


def test_equal_weights_and_costs_give_the_uniform_design():
    weights = {"a": 1.0, "b": 1.0, "c": 1.0}
    assert allocate_replications(weights, {"a": 3.0, "b": 3.0, "c": 3.0}, 1000) == {"a": 1000, "b": 1000, "c": 1000}


def test_two_scenarios_match_the_closed_form_optimum():
    # weights 0.8/0.2, costs 1/4, no floor binding: n_s = λ w_s/√c_s with Σ w²/n = Σ w²/N.
    # n_a = λ·0.8, n_b = λ·0.1; 0.64/(0.8λ) + 0.04/(0.1λ) = 1.2/λ = 0.68/N → λ = 1.2N/0.68.
    n = 6800
    got = allocate_replications({"a": 0.8, "b": 0.2}, {"a": 1.0, "b": 4.0}, n, floor_fraction=0.01)
    lam = 1.2 * n / 0.68
    assert got == {"a": math.ceil(lam * 0.8 - 1e-6), "b": math.ceil(lam * 0.1 - 1e-6)}
    assert got == {"a": 9600, "b": 1200}


def test_the_floor_binds_and_the_rest_make_up_the_precision():
    got = allocate_replications({"a": 0.9, "b": 0.1}, {"a": 1.0, "b": 100.0}, 1000, floor_fraction=0.5)
    assert got["b"] == 500  # free optimum far below the floor
    # the free scenario alone carries the remaining variance budget: 0.81/n_a = 0.82/1000 - 0.01/500
    assert got["a"] == math.ceil(0.81 / (0.82 / 1000 - 0.01 / 500))


def test_whole_parameter_draws():
    got = allocate_replications({"a": 0.7, "b": 0.3}, {"a": 1.0, "b": 5.0}, 1000, unit=32)
    assert all(v % 32 == 0 for v in got.values())
    assert _worst_variance({"a": 0.7, "b": 0.3}, got) <= _worst_variance({"a": 0.7, "b": 0.3}, {"a": 1000, "b": 1000})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 5.0), st.floats(0.5, 500.0)),
        min_size=1,
        max_size=12,
    ),
    st.integers(1, 5000),
    st.sampled_from([1, 32]),
)
def test_never_less_precise_than_the_uniform_design(rows, nominal, unit):
    weights = {f"s{i}": w for i, (w, _c) in enumerate(rows)}
    cost = {f"s{i}": c for i, (_w, c) in enumerate(rows)}
    got = allocate_replications(weights, cost, nominal, unit=unit)
    assert set(got) == set(weights)
    floor = max(1, math.ceil(0.5 * nominal))
    assert all(v >= floor for v in got.values())
    if sum(weights.values()) > 0:
        uniform = _worst_variance(weights, dict.fromkeys(weights, nominal))
        assert _worst_variance(weights, got) <= uniform * (1 + 1e-9)
        # and never more expensive than the uniform design by more than the rounding to whole units
        spent = sum(cost[s] * got[s] for s in got)
        assert spent <= sum(cost.values()) * (nominal + unit)


def test_bad_arguments():
    with pytest.raises(ValueError):
        allocate_replications({"a": 1.0}, {"a": 1.0}, 0)
    with pytest.raises(ValueError):
        allocate_replications({"a": 1.0}, {"a": 0.0}, 10)
    with pytest.raises(ValueError):
        allocate_replications({"a": 1.0}, {"a": 1.0}, 10, floor_fraction=0.0)


def test_scenario_seeds_are_stable_and_distinct():
    a, b = scenario_seed(20260101, "taiwan_base"), scenario_seed(20260101, "korea_contingency")
    assert a != b
    assert a == scenario_seed(20260101, "taiwan_base")
    assert a != scenario_seed(20260102, "taiwan_base")
    assert 0 <= a < 2**63


def test_default_data_allocation():
    ds = load_dataset().dataset
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    runs = ScenarioRuns.for_dataset(ds, scenarios, 256, 20260101)
    weights = {s: ds.scenarios[s].weight.value for s in scenarios}
    assert _worst_variance(weights, runs.reps) <= _worst_variance(weights, dict.fromkeys(scenarios, 256))
    # the heaviest scenario gets the most, a 140-day blockade of small weight the floor (half the nominal)
    heaviest = max(scenarios, key=lambda s: weights[s])
    assert runs.reps[heaviest] == max(runs.reps.values()) > 256
    long = [s for s in scenarios if ds.scenarios[s].duration_days.value > 100 and weights[s] <= 0.1]
    assert long and all(runs.reps[s] == 128 for s in long)
    assert all(n % ALLOCATION_UNIT == 0 for n in runs.reps.values())
    assert runs.with_seed(7).reps == runs.reps and runs.with_seed(7).seeds != runs.seeds


def test_stratified_interval_matches_the_closed_form():
    per = {"a": {"mean": 0.5, "se": 0.02, "n": 100}, "b": {"mean": 0.1, "se": 0.04, "n": 50}, "c": {"mean": 1.0}}
    got = stratified_interval(per, {"a": 3.0, "b": 1.0, "c": 0.0})
    assert got["mean"] == pytest.approx(0.75 * 0.5 + 0.25 * 0.1)
    assert got["se"] == pytest.approx(math.sqrt(0.75**2 * 0.02**2 + 0.25**2 * 0.04**2))
    assert got["ci95"][1] - got["ci95"][0] == pytest.approx(2 * 1.959963984540054 * got["se"])
    assert got["n"] == 150


def test_stratified_interval_covers_on_independent_strata():
    """Independent strata of unequal sizes: the 95 % interval covers the true weighted mean ~95 % of the time."""
    rng = np.random.default_rng(5)
    p = {"a": 0.3, "b": 0.8, "c": 0.55}
    n = {"a": 400, "b": 60, "c": 150}
    w = {"a": 0.5, "b": 0.2, "c": 0.3}
    truth = sum(w[s] * p[s] for s in p)
    hits = 0
    trials = 2000
    for _ in range(trials):
        per = {}
        for s in p:
            x = rng.random(n[s]) < p[s]
            per[s] = {"mean": x.mean(), "se": x.std(ddof=1) / math.sqrt(n[s]), "n": n[s]}
        lo, hi = stratified_interval(per, w)["ci95"]
        hits += lo <= truth <= hi
    assert 0.93 <= hits / trials <= 0.97


def test_objective_rmse_weighs_scenarios_by_their_squared_weights():
    from positivesum.plan.surrogate import _objective_rmse

    errors = [0.1, -0.1, 0.3, 0.0]
    scenarios = ["a", "a", "b", "b"]
    # MSE_a = 0.01, MSE_b = 0.045; weights 3:1 → (0.75² · 0.01 + 0.25² · 0.045)^½
    got = _objective_rmse(errors, scenarios, {"a": 3.0, "b": 1.0})
    assert got == pytest.approx(math.sqrt(0.5625 * 0.01 + 0.0625 * 0.045))
    assert math.isnan(_objective_rmse([], [], {}))
