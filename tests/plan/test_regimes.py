"""Burden-sharing regimes on synthetic inputs (plan/regimes.py, plan/diagnose.py, workflow.money_saved).

At equal money the joint regime is never worse on the surrogate; each zero-sum regime spends only
the money it is given; infeasible requirements are explained by family, without a solver dump.
The synthetic catalogue and the independent checks come from test_milp_constraints.py.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_milp_constraints import (
    ACTORS,
    OPTIONS,
    SPECS,
    check_plan,
    default_min_cost,
    default_regime_plan,
    levels,
    lifecycle_cost,
    make_catalogue,
    regime_budget,
    regime_checks,
    spending,
    synthetic_inputs,
    weighted,
)

from positivesum.model.errors import InputError
from positivesum.plan.diagnose import precheck
from positivesum.plan.milp import COST_TIEBREAK_PER_MUSD, build, extract, solve
from positivesum.plan.regimes import (
    REGIMES,
    RegimeSpec,
    min_cost_for,
    national_weights,
    plan_regime,
)
from positivesum.plan.workflow import PlanningContext, money_saved

USA, JPN = ACTORS.index("USA"), ACTORS.index("JPN")
CAT = make_catalogue()
SOLVER_NOISE = ("Traceback", "HiGHS", "Presolving", "linopy", "Coefficient ranges", "Running")


def _opt(name: str) -> int:
    return CAT.index(name)


# ---------------------------------------------------------------- at equal money


def test_every_regime_gets_the_same_money():
    inp = synthetic_inputs()
    for name in REGIMES:
        money, _, _ = regime_budget(inp, SPECS[name])
        np.testing.assert_allclose(money.sum(axis=0), inp.budget_musd.sum(axis=0), err_msg=name)


@pytest.mark.parametrize("other", [r for r in REGIMES if r != "joint"])
def test_joint_is_at_least_as_good_as_every_other_regime(other):
    joint, plan = default_regime_plan("joint"), default_regime_plan(other)
    assert joint.weighted_deterrence >= plan.weighted_deterrence - 1e-9, (joint.choices, plan.choices)


def test_joint_is_strictly_better_somewhere():
    """The synthetic case is built so that cooperation pays (otherwise the comparison tests nothing)."""
    joint = default_regime_plan("joint").weighted_deterrence
    assert max(joint - default_regime_plan(r).weighted_deterrence for r in REGIMES if r != "joint") > 1e-3


def test_joint_dominates_at_other_budgets():
    inp = synthetic_inputs(budget_scale=(2.0, 0.6), headroom_scale=1.5)
    joint = plan_regime(inp, RegimeSpec("joint"), gap=0.0)
    check_plan(inp, joint, pooled=True)
    for name in ("spending-target", "cost-transfer"):
        other = plan_regime(inp, SPECS[name], gap=0.0)
        assert joint.weighted_deterrence >= other.weighted_deterrence - 1e-9, name


def test_cooperation_dividend_money_saved_is_consistent():
    """money_saved: the cheapest joint plan at a regime's deterrence, and regime cost minus its cost."""
    inp = synthetic_inputs()
    ctx = PlanningContext(inp, list(ACTORS), list(inp.sur.scenarios), 1.0, {})
    plan = default_regime_plan("spending-target")
    out = money_saved(ctx, plan, gap=0.0)
    assert out["regime_cost_musd"] == pytest.approx(plan.total_cost_musd)
    assert out["joint_cost_at_equal_deterrence_musd"] == pytest.approx(
        default_min_cost("spending-target").total_cost_musd, abs=1e-6
    )
    assert out["saved_musd"] == pytest.approx(out["regime_cost_musd"] - out["joint_cost_at_equal_deterrence_musd"])
    assert out["saved_musd"] >= -1e-6
    assert "note" not in out


# ---------------------------------------------------------------- each regime spends only its own money


def test_cost_transfer_buys_only_the_receivers_options():
    plan = default_regime_plan("cost-transfer")
    assert plan.choices and {a for a, _, _ in plan.choices} == {"USA"}
    inp = synthetic_inputs()
    spend = spending(inp, plan.choices)
    assert (spend[JPN] == 0).all()
    assert (spend[USA] <= inp.budget_musd.sum(axis=0) + 1e-6).all()
    assert all(CAT.eligible[_opt(o), USA] for _, o, _ in plan.choices)


def test_cost_transfer_to_another_receiver():
    inp = synthetic_inputs()
    spec = RegimeSpec("cost-transfer", receiver="JPN")
    plan = plan_regime(inp, spec, gap=0.0)
    assert plan.choices and {a for a, _, _ in plan.choices} == {"JPN"}
    check_plan(inp, plan, **regime_checks(inp, spec))


def test_spending_target_uses_each_actors_own_budget_and_options():
    inp = synthetic_inputs()
    plan = default_regime_plan("spending-target")
    spend = spending(inp, plan.choices)
    assert (spend <= inp.budget_musd + 1e-6).all(), spend
    assert all(CAT.eligible[_opt(o), ACTORS.index(a)] for a, o, _ in plan.choices)
    # each actor's part is its own national plan: as good, for its weights, as what it buys alone with its money
    # (the same value; equally good portfolios, e.g. the same option started in another year at the same
    # lifecycle cost, may be picked by either solve)
    for a, actor in enumerate(ACTORS):
        own = CAT.eligible & (np.arange(len(ACTORS)) == a)[None, :]
        budget = np.zeros_like(inp.budget_musd)
        budget[a] = inp.budget_musd[a]
        national = replace(inp, allowed=own, budget_musd=budget, weights=national_weights(inp, a))
        alone = plan_regime(national, RegimeSpec("joint"), gap=0.0)
        part = [c for c in plan.choices if c[0] == actor]
        lv = levels(national, part)
        value = weighted(national, {s: national.sur.predict(s, lv[s]) for s in national.sur.scenarios})
        value -= COST_TIEBREAK_PER_MUSD * lifecycle_cost(national, part)
        assert value == pytest.approx(alone.objective, abs=1e-6), actor


def test_national_weights_follow_participation():
    inp = synthetic_inputs()
    assert national_weights(inp, USA) == {"s1": 0.6, "s2": 0.4}
    assert national_weights(inp, JPN) == {"s1": 0.6, "s2": 0.0}  # JPN takes no part in s2


def test_negotiated_uses_the_split():
    inp = synthetic_inputs()
    total = inp.budget_musd.sum(axis=0)
    plan = default_regime_plan("negotiated")
    spend = spending(inp, plan.choices)
    for a, actor in enumerate(ACTORS):
        assert (spend[a] <= SPECS["negotiated"].split[actor] * total + 1e-6).all(), actor
    everything_to_usa = plan_regime(inp, RegimeSpec("negotiated", split={"USA": 1.0, "JPN": 0.0}), gap=0.0)
    assert everything_to_usa.choices and {a for a, _, _ in everything_to_usa.choices} == {"USA"}
    assert (spending(inp, everything_to_usa.choices)[USA] <= total + 1e-6).all()


def test_unknown_regime():
    with pytest.raises(ValueError, match="unknown regime 'jointt'"):
        plan_regime(synthetic_inputs(), RegimeSpec("jointt"))


# ---------------------------------------------------------------- infeasible requirements: the binding family, in words


def _required(pairs, **kw):
    return synthetic_inputs(required=[(ACTORS.index(a), _opt(o)) for a, o in pairs], **kw)


INFEASIBLE = {
    # name: (required pairs, inputs, key path of the problem, message fragments)
    "budget": (
        [("USA", "ssn")],
        {"budget_scale": (0.3, 0.3)},
        "budget.",
        ("required options cost", "M USD by plan year"),
    ),
    "personnel": (
        [("USA", "fighter")],
        {"headroom_scale": 0.0},
        "personnel.USA",
        ("can man only", "persons in plan year"),
    ),
    "exclusion": (
        [("USA", "fighter"), ("USA", "rotation")],
        {"budget_scale": (3.0, 3.0)},
        "require",
        ("exclude each other", "'fighter'", "'rotation'"),
    ),
    "ineligible": ([("USA", "sam")], {}, "require.USA.sam", ("may not buy", "'sam'", "eligible: JPN")),
    "lead_time": (
        [("JPN", "carrier")],
        {"budget_scale": (3.0, 3.0)},
        "require.JPN.carrier",
        ("cannot enter service", "lead time 6"),
    ),
}


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_infeasible_requirement_names_the_binding_family(case, capfd):
    pairs, kw, key, fragments = INFEASIBLE[case]
    inp = _required(pairs, **kw)
    with pytest.raises(InputError) as info:
        plan_regime(inp, RegimeSpec("joint"))
    err = info.value
    assert any(p.key_path.startswith(key) for p in err.problems), err.render()
    text = err.render()
    for fragment in fragments:
        assert fragment in text, text
    for noise in SOLVER_NOISE:
        assert noise not in text
    assert all(p.fix for p in err.problems)
    out, errout = capfd.readouterr()
    assert out == "" and errout == ""  # diagnosed before the solver: nothing printed


def test_precheck_collects_every_problem_at_once():
    inp = _required([("USA", "sam"), ("JPN", "carrier"), ("USA", "fighter"), ("USA", "rotation")], headroom_scale=0.0)
    with pytest.raises(InputError) as info:
        precheck(inp)
    text = info.value.render()
    for fragment in ("may not buy", "cannot enter service", "exclude each other", "can man only"):
        assert fragment in text


def test_solver_infeasibility_is_explained_without_a_dump(capfd):
    """A requirement the prechecks cannot see (an industrial limit of zero) fails in the solver;
    the error says what failed and how to fix it, and nothing of the solver's log reaches the user."""
    added = np.zeros(len(OPTIONS))
    added[_opt("rotation")] = 10.0
    inp = _required([("USA", "rotation")], production_limits={(USA, "sm6"): (added, 0.0)})
    with pytest.raises(InputError) as info:
        plan_regime(inp, RegimeSpec("joint"))
    text = info.value.render()
    assert "no feasible plan" in text and "infeasible" in text and "relax" in text
    for noise in SOLVER_NOISE:
        assert noise not in text
    out, errout = capfd.readouterr()
    assert out == "" and errout == ""


def test_unreachable_deterrence_floor():
    inp = synthetic_inputs()
    with pytest.raises(InputError, match="no plan reaches weighted deterrence 0.990"):
        min_cost_for(inp, 0.99)


def test_money_saved_with_an_unreachable_floor_returns_none_and_a_note():
    inp = synthetic_inputs()
    ctx = PlanningContext(inp, list(ACTORS), list(inp.sur.scenarios), 1.0, {})
    plan = replace(default_regime_plan("cost-transfer"), weighted_deterrence=0.99)  # more than any plan can reach
    out = money_saved(ctx, plan)
    assert out["saved_musd"] is None and out["joint_cost_at_equal_deterrence_musd"] is None
    assert out["regime_cost_musd"] == pytest.approx(plan.total_cost_musd)
    assert "no plan reaches weighted deterrence" in out["note"] and "lower the target" in out["note"]


# ---------------------------------------------------------------- requirements across regimes


def test_spending_target_accepts_requirements():
    inp = _required([("JPN", "automation")])
    plan = plan_regime(inp, RegimeSpec("spending-target"), gap=0.0)
    assert ("JPN", "automation") in {(a, o) for a, o, _ in plan.choices}


def _feasible_in_the_milp(inp) -> bool:
    model, v = build(inp)
    status = solve(model, 0.0)
    plan = extract(model, v, inp, status)
    return status[1] == "optimal" and all(
        (inp.cat.actors[a], inp.cat.option_ids[o]) in {(x, y) for x, y, _ in plan.choices} for a, o in inp.required
    )


def test_precheck_accepts_a_requirement_funded_later():
    """Regression: precheck once priced required options as if started in year 1, rejecting money that comes later."""
    inp = replace(_required([("USA", "rotation")]), budget_musd=np.array([[0.0, 0, 0, 0, 40], [40, 40, 50, 50, 50]]))
    assert _feasible_in_the_milp(inp)  # start in year 5: 20 + 10 ≤ 40
    precheck(inp)


def test_precheck_accepts_a_requirement_manned_later():
    """Regression: precheck once counted persons as if required options started in year 1."""
    inp = replace(
        _required([("JPN", "drones")], budget_scale=(1.0, 3.0)),
        personnel_headroom=np.array([[150.0, 250, 350, 400, 400], [0, 0, 0, 0, 20]]),
    )
    assert _feasible_in_the_milp(inp)  # drones (20 persons, lead 0) started in year 5
    precheck(inp)


def test_joint_precheck_uses_the_pooled_money():
    """Regression: precheck once checked each actor's own money although the joint regime pools it."""
    inp = _required([("JPN", "missiles")], budget_scale=(3.0, 0.0))
    assert _feasible_in_the_milp(replace(inp, pooled_budget=True))
    plan = plan_regime(inp, RegimeSpec("joint"), gap=0.0)
    assert ("JPN", "missiles") in {(a, o) for a, o, _ in plan.choices}


CROSS = tuple(
    (o[0], ("USA",) if o[0] == "missiles" else o[1], *o[2:])
    for o in OPTIONS
    if o[0] in ("missiles", "drones", "rotation")
)


def test_spending_target_respects_exclusions_across_actors():
    """USA may buy 'missiles', JPN 'drones'; the two exclude each other."""
    inp = synthetic_inputs(options=CROSS)
    joint = plan_regime(inp, RegimeSpec("joint"), gap=0.0)
    national = plan_regime(inp, RegimeSpec("spending-target"), gap=0.0)
    bought = {o for _, o, _ in national.choices}
    assert not {"missiles", "drones"} <= bought, national.choices
    assert joint.weighted_deterrence >= national.weighted_deterrence - 1e-9


def test_two_allies_may_buy_the_same_option_that_excludes_another():
    """'missiles' (USA or JPN) excludes 'drones'. Nothing forbids both allies buying missiles: the
    national plans do, and the joint plan, whose feasible set should contain theirs, must be able to."""
    inp = synthetic_inputs(
        options=tuple(o for o in OPTIONS if o[0] in ("missiles", "drones")), budget_scale=(3.0, 3.0), headroom_scale=3.0
    )
    national = plan_regime(inp, RegimeSpec("spending-target"), gap=0.0)
    assert sorted(a for a, o, _ in national.choices if o == "missiles") == ["JPN", "USA"]
    check_plan(inp, national, **regime_checks(inp, SPECS["spending-target"]))
    joint = plan_regime(inp, RegimeSpec("joint"), gap=0.0)
    assert joint.weighted_deterrence >= national.weighted_deterrence - 1e-9, (joint.choices, national.choices)


def test_money_saved_is_not_negative_when_a_regime_defers_acquisition():
    """JPN (20 a year) can only afford 'late_big' started in year 5 (10 now, 100 after the plan); the pooled joint
    fund buys 'cheap_now' (60, same capability), cheaper over its life but dearer inside the plan."""
    opts = (
        ("late_big", ("JPN",), (10, 100), 0, 0, 0, (), (), (0.5, 0.5)),
        ("cheap_now", ("JPN",), (60,), 0, 0, 0, (), (), (0.5, 0.5)),
        ("usa_dear", ("USA",), (1000,), 0, 0, 0, (), (), (0.0, 0.0)),
    )
    inp = replace(synthetic_inputs(options=opts), budget_musd=np.array([[50.0] * 5, [20.0] * 5]))
    plan = plan_regime(inp, RegimeSpec("spending-target"), gap=0.0)
    assert plan.choices == [("JPN", "late_big", 5)]
    out = money_saved(PlanningContext(inp, list(ACTORS), list(inp.sur.scenarios), 1.0, {}), plan, gap=0.0)
    assert out["saved_musd"] >= 0, out
