"""Effect-based levels (plan/effects.py, planning.md §3 (effect-based levels)): the planner weighs each class or munition an option
adds by its measured effect in each scenario.

* The MILP with effect-based levels is the cost-based MILP when every factor κ is 1, and with other factors its
  plans respect every constraint and its deterrence is the surrogate at the κ-weighted levels.
* An item a scenario does not commit (κ = 0 there) adds nothing to that scenario's levels.
* The empirical-Bayes shrinkage of η̂ is checked against its formula on hand-made numbers.
* On the packaged data, one scenario's measurement is recomputed by hand: η̂ from two simulations, κ from the
  committed shares.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_milp_constraints import SCENARIOS, check_plan, solve_raw, synthetic_inputs

from positivesum.model.loader import load_dataset
from positivesum.plan import effects
from positivesum.plan.levers import OTHER_ITEM, option_item_levels, option_levels, study_setup
from positivesum.plan.regimes import RegimeSpec, combine, plan_regime
from positivesum.plan.surrogate import Surrogate, fit_surrogate
from positivesum.sim.grading import DENIED, STALEMATE
from positivesum.sim.stack import simulate_stack

# ---------------------------------------------------------------------------------------------- the item split


def test_the_item_levels_add_up_to_the_option_levels():
    ds = load_dataset().dataset
    areas = list(ds.mission_areas)
    ids = list(ds.options)
    items, q = option_item_levels(ds, ids, areas)
    np.testing.assert_allclose(q.sum(axis=0), option_levels(ds, ids, areas), rtol=1e-12, atol=1e-15)
    assert all(i == OTHER_ITEM or i.split(":")[0] in ("class", "munition") for i in items)
    f35 = items.index("class:f35a")
    o = ids.index("usa_f35a_kadena_sqn1")
    assert q[f35, o].any() and not np.delete(q[:, o], f35, axis=0).any()  # the squadron is all F-35A


# ---------------------------------------------------------------------------------------------- the MILP


def _split_inputs(kappa: dict[str, np.ndarray] | None, **kw):
    """The synthetic problem with each option's level split into two items (30 % and 70 %)."""
    inp = synthetic_inputs(**kw)
    q_items = np.stack([0.3 * inp.q, 0.7 * inp.q])
    return replace(inp, q_items=q_items, kappa=kappa)


def test_unit_factors_give_the_cost_based_plan():
    ones = {s: np.ones((2, 2)) for s in SCENARIOS}
    _, _, status_c, cost_based = solve_raw(synthetic_inputs())
    _, _, status_e, effect_based = solve_raw(_split_inputs(ones))
    assert status_c[1] == status_e[1] == "optimal"
    assert sorted(effect_based.choices) == sorted(cost_based.choices)
    assert effect_based.objective == pytest.approx(cost_based.objective, abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_effect_based_plans_respect_every_constraint_and_score_on_the_weighted_levels(seed):
    rng = np.random.default_rng(seed)
    kappa = {s: rng.uniform(0.0, 2.0, size=(2, 2)) for s in SCENARIOS}
    inp = _split_inputs(kappa)
    _, _, status, plan = solve_raw(inp)
    assert status[1] == "optimal"
    check_plan(inp, plan)  # recomputes the levels from scenario_q, i.e. Σ_i κ[s,i,m] q_i[o,m]
    again = combine(inp, [plan])
    assert again.weighted_deterrence == pytest.approx(plan.weighted_deterrence, abs=1e-9)
    for regime in ("joint", "spending-target"):
        check_plan(inp, plan_regime(inp, RegimeSpec(regime)), pooled=regime == "joint")


def test_an_item_the_scenario_does_not_commit_adds_nothing_there():
    kappa = {"s1": np.ones((2, 2)), "s2": np.zeros((2, 2))}
    _, _, status, plan = solve_raw(_split_inputs(kappa))
    assert status[1] == "optimal" and plan.choices
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in plan.levels["s2"].values())
    assert any(v > 0 for v in plan.levels["s1"].values())


def test_a_scenario_without_factors_counts_the_cost_based_level():
    inp = _split_inputs({"s1": np.zeros((2, 2))})  # s2 was not measured
    q = inp.scenario_q()
    assert not q[0].any()
    np.testing.assert_allclose(q[1], inp.q)


# ---------------------------------------------------------------------------------------------- shrinkage


def test_shrinkage_follows_the_empirical_bayes_formula():
    est = np.array([0.2, 0.5, 0.9, 1.4])
    se = np.full(4, 0.2)
    post, mu, tau2 = effects.shrink(est, se)
    assert mu == pytest.approx(est.mean())  # equal precisions: the plain mean
    assert tau2 == pytest.approx(np.var(est, ddof=1) - 0.04)
    b = 0.04 / (0.04 + tau2)  # the weight on the prior mean
    np.testing.assert_allclose(post, (1 - b) * est + b * mu, rtol=1e-12)


def test_estimates_within_their_noise_all_get_the_prior_mean():
    est = np.array([0.4, 0.5, 0.6])
    post, mu, tau2 = effects.shrink(est, np.full(3, 1.0))  # spread far below the noise
    assert tau2 == 0.0
    np.testing.assert_allclose(post, mu)


def test_an_exact_estimate_is_kept_and_does_not_decide_the_prior_mean():
    # an item that changes no replication has η̂ = 0 with σ = 0: exact, so kept; the prior mean stays the plain
    # mean (a precision weight would make it 0 for every other item)
    est, se = np.array([0.0, 0.5, 0.6, 0.7]), np.array([0.0, 1.0, 1.0, 1.0])
    post, mu, tau2 = effects.shrink(est, se)
    assert mu == pytest.approx(0.45) and tau2 == 0.0
    np.testing.assert_allclose(post, [0.0, 0.45, 0.45, 0.45])


def test_precise_estimates_are_kept_and_too_few_are_not_shrunk():
    est = np.array([0.1, 1.0, 2.0])
    post, _, _ = effects.shrink(est, np.full(3, 1e-6))
    np.testing.assert_allclose(post, est, rtol=1e-6)
    post, mu, tau2 = effects.shrink(np.array([0.3, 0.9]), np.array([0.1, 0.1]))
    np.testing.assert_allclose(post, [0.3, 0.9])
    assert mu == pytest.approx(0.6) and tau2 == float("inf")
    assert effects.shrink(np.array([]), np.array([]))[1] == 1.0


# ---------------------------------------------------------------------------------------------- the measurement


@pytest.fixture(scope="module")
def measured():
    ds = load_dataset().dataset
    sid, areas, reps, seed = "taiwan_base", ["maritime_defence", "strike"], 60, 11
    sur = fit_surrogate(ds, [sid], areas, reps=reps, seed=seed, interactions=[])
    items = ["munition:harpoon", "class:aegis_destroyer", "class:garrison_company"]
    table = effects.measure_effects(sur, ds, items, threat_factor=1.0)
    return ds, sid, sur, table


def test_each_measured_ratio_is_the_simulated_over_the_surrogate_gain(measured):
    ds, sid, sur, table = measured
    setup = study_setup(ds, sid, 1.0)  # as the measurement simulates it: one replication per parameter draw

    def score(arrays):
        oc = arrays["outcome"]
        return float(np.mean((oc == DENIED) + 0.5 * (oc == STALEMATE)))

    rows = table["scenarios"][sid]["items"]
    # as the measurement runs them: the measured items in order, then the origin, stacked (plan/stacking.py)
    measured_items = [item for item, row in rows.items() if row["status"] == "measured"]
    variants = [effects.scale_item(setup, item, rows[item]["factor"]) for item in measured_items] + [setup]
    runs = dict(zip(measured_items + [None], simulate_stack(variants, sur.reps, sur.seed)))
    done = 0
    for item, row in rows.items():
        if row["status"] != "measured":
            continue
        done += 1
        gain = score(runs[item]) - score(runs[None])
        assert row["simulated_gain"] == pytest.approx(gain, abs=1e-12)
        assert row["eta_estimate"] == pytest.approx(gain / row["surrogate_gain"], rel=1e-9)
        predicted = sur.predict(sid, row["levels"]) - sur.predict(sid, {})
        assert row["surrogate_gain"] == pytest.approx(predicted, abs=1e-12)
        # the reference level before rounding to whole units (a unit more or less moves it by a few per cent)
        assert max(row["levels"].values()) <= 1.25 * effects.REFERENCE_LEVEL
        assert 0.0 <= row["eta"] <= effects.MAX_ETA
    assert done, "at least one item should be measured in taiwan_base"


def test_the_factor_is_eta_times_the_committed_shares(measured):
    ds, sid, sur, table = measured
    tab = table["scenarios"][sid]
    for item, row in tab["items"].items():
        for m, k in row["kappa"].items():
            share = tab["area_committed_share"][m]
            if row["committed_share"] is None or share == 0:
                assert k == 1.0
            else:
                assert k == pytest.approx(row["eta"] * row["committed_share"] / share, rel=1e-12)
        if row["status"] == "not committed":
            assert all(k == 0.0 for k in row["kappa"].values()), item


def test_the_measurement_travels_with_the_surrogate(measured):
    _, sid, sur, table = measured
    again = Surrogate.from_dict(sur.to_dict())
    assert again.effects == table
    kappa = effects.kappa_table(table, ["munition:harpoon", OTHER_ITEM], sur.areas)
    assert set(kappa) == {sid}
    assert (kappa[sid][1] == 1.0).all()  # the other effects keep their cost-based level
