"""The sparse MILP build and its HiGHS solve (plan/milp_matrix.py, plan/milp_highs.py): the optimum equals an
exhaustive reference, every solve states its certificate (objective, bound, gap), warm starts are used when
feasible and ignored safely when not, and tiny models build in milliseconds.

The reference enumerates every portfolio of the tiny golden problem (tests/plan/golden_lp.py: 10 possible
starts, 216 portfolios) and checks each family with the independent arithmetic of test_milp_constraints.py,
without the constraint matrix or the solver.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import replace

import golden_lp
import numpy as np
import pytest
from test_milp_constraints import (
    SPECS,
    check_plan,
    levels,
    lifecycle_cost,
    manning,
    spending,
    synthetic_inputs,
    weighted,
)

from positivesum.plan.milp import COST_TIEBREAK_PER_MUSD, PlanInputs, build, extract, solve, start_vector
from positivesum.plan.milp_highs import check_start, relative_gap, solve_model
from positivesum.plan.regimes import min_cost_for, plan_regime

TOL = 1e-6


# ---------------------------------------------------------------- the exhaustive reference


def portfolios(inp: PlanInputs):
    """Every portfolio: for each (actor, option) that may start at all, no start or one possible start year."""
    cat = inp.cat
    allowed = cat.eligible if inp.allowed is None else inp.allowed
    menus = []
    for a, actor in enumerate(cat.actors):
        for o, oid in enumerate(cat.option_ids):
            years = [t + 1 for t in range(cat.horizon_years) if allowed[o, a] and cat.in_service[o, t, -1] > 0]
            if years:
                menus.append([None] + [(actor, oid, t) for t in years])
    for pick in itertools.product(*menus):
        yield [c for c in pick if c is not None]


def feasible(inp: PlanInputs, choices) -> bool:
    """Every constraint family, recomputed from the arrays (test_milp_constraints.check_plan as a predicate)."""
    cat = inp.cat
    spend = spending(inp, choices)
    if inp.pooled_budget:
        if (spend.sum(axis=0) > inp.budget_musd.sum(axis=0) + TOL).any():
            return False
    elif (spend > inp.budget_musd + TOL).any():
        return False
    if (manning(inp, choices) > inp.personnel_headroom + TOL).any():
        return False
    start = {(a, o): t for a, o, t in choices}
    for o, p in cat.prerequisites:
        for a in cat.actors:
            if (a, cat.option_ids[o]) in start and start.get((a, cat.option_ids[p]), math.inf) > start[
                (a, cat.option_ids[o])
            ]:
                return False
    bought = {o for _, o, _ in choices}
    if any({cat.option_ids[o], cat.option_ids[e]} <= bought for o, e in cat.exclusions):
        return False
    for (a, _munition), (added, headroom) in inp.production_limits.items():
        if sum(added[cat.index(o)] for aa, o, _ in choices if aa == cat.actors[a]) > headroom + TOL:
            return False
    pairs = {(a, o) for a, o, _ in choices}
    return all((cat.actors[a], cat.option_ids[o]) in pairs for a, o in inp.required)


def score(inp: PlanInputs, choices) -> float:
    """The objective: weighted surrogate deterrence − tie-break (max), or lifecycle cost (min-cost variant)."""
    if inp.min_deterrence is not None:
        return lifecycle_cost(inp, choices)
    lv = levels(inp, choices)
    det = {s: inp.sur.predict(s, lv[s]) for s in inp.sur.scenarios}
    return weighted(inp, det) - COST_TIEBREAK_PER_MUSD * lifecycle_cost(inp, choices)


def reaches_floor(inp: PlanInputs, choices) -> bool:
    lv = levels(inp, choices)
    return weighted(inp, {s: inp.sur.predict(s, lv[s]) for s in inp.sur.scenarios}) >= inp.min_deterrence - TOL


def reference_optimum(inp: PlanInputs) -> float:
    best = -math.inf if inp.min_deterrence is None else math.inf
    for choices in portfolios(inp):
        if not feasible(inp, choices) or (inp.min_deterrence is not None and not reaches_floor(inp, choices)):
            continue
        value = score(inp, choices)
        best = max(best, value) if inp.min_deterrence is None else min(best, value)
    return best


VARIANTS = {
    "per-actor budgets": {},
    "pooled budget": {"pooled_budget": True},
    "more money, no requirement": {"budget_musd": golden_lp.BUDGET * 2.0, "required": []},
    "less money, no requirement": {"budget_musd": golden_lp.BUDGET * 0.6, "required": []},
    "no manning headroom": {"personnel_headroom": golden_lp.HEADROOM * 0.0, "required": []},
    "minimum cost": {"min_deterrence": golden_lp.MIN_DETERRENCE, "pooled_budget": True},
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_optimum_equals_the_exhaustive_reference(variant):
    inp = golden_lp.inputs(**VARIANTS[variant])
    expected = reference_optimum(inp)
    model, v = build(inp)
    status = solve(model, gap=0.0)
    plan = extract(model, v, inp, status)
    assert status == ("ok", "optimal")
    assert feasible(inp, plan.choices)
    assert plan.objective == pytest.approx(expected, abs=1e-6)  # HiGHS's absolute gap tolerance is 1e-6
    assert score(inp, plan.choices) == pytest.approx(plan.objective, abs=1e-9)


@pytest.mark.parametrize("variant", ["per-actor budgets", "minimum cost"])
def test_the_kernel_search_path_reaches_the_same_optimum(variant, monkeypatch):
    """Kernel sub-MILPs run only on large models (milp_highs.KERNEL_MIN_BINARIES); forced onto the golden
    problem with kernels of 1–3 free zero binaries, the solve still ends at the exhaustive optimum."""
    import positivesum.plan.milp_highs as milp_highs

    monkeypatch.setattr(milp_highs, "KERNEL_MIN_BINARIES", 0)
    monkeypatch.setattr(milp_highs, "KERNEL_FREE", (1, 2, 3))
    calls = []
    kernel = milp_highs._kernel
    monkeypatch.setattr(milp_highs, "_kernel", lambda *a: calls.append(a[-1]) or kernel(*a))
    inp = golden_lp.inputs(**VARIANTS[variant])
    model, v = build(inp)
    status = solve(model, gap=0.0)
    plan = extract(model, v, inp, status)
    assert calls, "the kernel path did not run"
    assert status == ("ok", "optimal")
    assert plan.objective == pytest.approx(reference_optimum(inp), abs=1e-6)


@pytest.mark.parametrize("gap", [0.05, 0.3])
def test_a_looser_gap_is_kept_and_certified(gap):
    """At a stated gap the plan is feasible, its objective within that gap of the true optimum, and the bound
    it reports lies beyond the true optimum (it is a proof, not an estimate)."""
    inp = golden_lp.inputs(budget_musd=golden_lp.BUDGET * 2.0, required=[])
    optimum = reference_optimum(inp)
    model, v = build(inp)
    plan = extract(model, v, inp, solve(model, gap=gap))
    assert feasible(inp, plan.choices)
    assert plan.best_bound >= optimum - 1e-9 >= plan.objective - 2e-9
    assert plan.gap == pytest.approx(relative_gap(plan.objective, plan.best_bound))
    assert plan.gap <= gap and plan.gap_target == gap
    assert optimum - plan.objective <= gap * plan.objective + 1e-6


# ---------------------------------------------------------------- the certificate


def test_every_plan_states_its_certificate():
    inp = synthetic_inputs()
    model, v = build(inp)
    plan = extract(model, v, inp, solve(model, gap=1e-4))
    check_plan(inp, plan)
    assert plan.status == "optimal"
    assert plan.objective <= plan.best_bound + 1e-9  # maximising: the bound is above
    assert plan.gap is not None and plan.gap <= 1e-4
    assert plan.gap_target == 1e-4 and plan.warm_start == "" and plan.solve_s > 0
    assert model.result.certified_by in ("LP relaxation", "branch and bound")


def test_regime_plans_carry_the_certificate():
    plan = plan_regime(synthetic_inputs(), SPECS["joint"], gap=1e-3)
    assert plan.status == "optimal" and plan.gap <= 1e-3 and plan.best_bound >= plan.objective - 1e-9
    several = plan_regime(synthetic_inputs(), SPECS["spending-target"], gap=1e-3)
    assert several.gap <= 1e-3 and math.isnan(several.objective) and several.best_bound is None


def test_the_time_limit_is_reported_never_passed_off_as_optimal():
    """With no time at all, a given feasible start is all there is: the result says time_limit, keeps the
    start, and does not claim a gap it has not proven."""
    inp = synthetic_inputs()
    model, v = build(inp)
    best = extract(model, v, inp, solve(model, gap=0.0))
    start = [c for c in best.choices if c[0] == "USA"]  # feasible: dropping JPN's part frees only JPN's rows
    model, v = build(inp)
    status = solve(model, gap=0.0, time_limit_s=0.0, starts=[start_vector(model, v, inp, start)])
    assert status == ("ok", "time_limit")
    plan = extract(model, v, inp, status)
    assert sorted(plan.choices) == sorted(start)
    assert plan.status == "time_limit" and not (plan.gap is not None and plan.gap <= 0.0)


def test_an_infeasible_model_is_reported_as_such():
    """A deterrence floor above what any portfolio reaches (the tiny problem's best is below 0.99)."""
    inp = golden_lp.inputs(min_deterrence=0.99, required=[])
    model, v = build(inp)
    status = solve(model, gap=1e-4)
    assert status[0] != "ok" and status[1] in ("infeasible", "infeasible_or_unbounded")
    assert model.solution is None


# ---------------------------------------------------------------- warm starts


def test_a_feasible_warm_start_is_used_and_the_optimum_is_unchanged():
    inp = synthetic_inputs()
    cold = plan_regime(inp, SPECS["joint"], gap=0.0)
    other = plan_regime(inp, SPECS["spending-target"], gap=0.0)  # feasible for the pooled joint problem
    warm = plan_regime(inp, SPECS["joint"], gap=0.0, starts=[other])
    assert warm.warm_start == "used"
    assert warm.objective == pytest.approx(cold.objective, abs=1e-6)
    check_plan(inp, warm, pooled=True)


def test_min_cost_starts_from_the_regime_plan():
    inp = synthetic_inputs()
    regime = plan_regime(inp, SPECS["negotiated"], gap=0.0)
    target = regime.weighted_deterrence - 1e-6
    warm = min_cost_for(inp, target, gap=0.0, starts=[regime])
    cold = min_cost_for(inp, target, gap=0.0)
    assert warm.warm_start == "used"
    assert warm.objective == pytest.approx(cold.objective, abs=1e-6)
    assert warm.objective <= lifecycle_cost(inp, regime.choices) + 1e-6


@pytest.mark.parametrize(
    "start, why",
    [
        ([("USA", "ssn", 1), ("USA", "fighter", 1), ("USA", "radar", 1)], "breaks row"),  # far over budget
        ([("USA", "fighter", 2), ("USA", "rotation", 2)], "breaks row"),  # mutually exclusive
        ([("JPN", "mines", 1)], "breaks row"),  # without its prerequisite 'automation'
        ([("USA", "sam", 1)], "no variable"),  # JPN-only option
        ([("USA", "carrier", 1)], "no variable"),  # never in service within the plan
        ([("KOR", "radar", 1)], "no variable"),  # an actor of another plan
    ],
)
def test_an_infeasible_warm_start_is_ignored_safely(start, why):
    inp = synthetic_inputs()
    model, v = build(inp)
    x = start_vector(model, v, inp, start)
    assert why in check_start(model, x)
    plan = extract(model, v, inp, solve(model, gap=0.0, starts=[x]))
    assert plan.warm_start.startswith("ignored: ") and why in plan.warm_start
    check_plan(inp, plan)
    cold_model, cold_v = build(inp)
    cold = extract(cold_model, cold_v, inp, solve(cold_model, gap=0.0))
    assert plan.objective == pytest.approx(cold.objective, abs=1e-6)


def test_the_best_of_several_starts_is_taken():
    inp = synthetic_inputs()
    model, v = build(inp)
    good = extract(model, v, inp, solve(model, gap=0.0)).choices
    starts = [start_vector(model, v, inp, c) for c in ([], good, [("USA", "sam", 1)])]
    res = solve_model(model, gap=1.0, time_limit_s=0.0, starts=starts)  # no time: the start is the answer
    assert res.warm_start == "used"
    assert res.objective == pytest.approx(float(model.cost() @ starts[1]))


def test_start_vector_is_feasible_and_scores_the_portfolio():
    """The continuous parts of a start (levels, hypograph, deterrence) are what the portfolio implies."""
    inp = synthetic_inputs()
    choices = plan_regime(inp, SPECS["joint"], gap=0.0).choices
    joint = replace(inp, pooled_budget=True)
    model, v = build(joint)
    x = start_vector(model, v, joint, choices)
    assert check_start(model, x) == ""
    assert float(model.cost() @ x) == pytest.approx(score(joint, choices), abs=1e-9)


# ---------------------------------------------------------------- build speed and size


def test_tiny_models_build_in_milliseconds():
    """linopy took 1–2 s for any model (issue 15); the sparse build of the tiny problem takes milliseconds."""
    inp = synthetic_inputs()
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        build(inp)
        best = min(best, time.perf_counter() - start)
    assert best < 0.1, f"building a 10-option model took {best:.3f} s"


def test_matrix_and_lp_text_hold_the_same_terms():
    model, _ = build(golden_lp.inputs())
    mat = model.matrix()
    body = model.lp_text().split("s.t.")[1].split("bounds")[0]
    terms = [ln for ln in body.splitlines() if ln[:1] in "+-" and " " in ln]
    assert len(terms) == mat.nnz
    lo, hi = model.row_bounds()
    assert mat.shape == (model.n_rows, model.n_cols) == (len(lo), len(np.r_[model.col_bounds()[0]]))
    assert (lo <= hi).all()


# ---------------------------------------------------------------- complementary pairs (surrogate interactions)

# one actor, one scenario, three options of which the money buys two: two air options, or one air and one sea
PAIR_OPTIONS = (
    ("air_a", ("USA",), (10,), 0, 0, 0, (), (), (0.5, 0.0)),
    ("air_b", ("USA",), (10,), 0, 0, 0, (), (), (0.5, 0.0)),
    ("sea_a", ("USA",), (10,), 0, 0, 0, (), (), (0.0, 0.4)),
)


def pair_inputs(with_pair: bool) -> PlanInputs:
    """Additively, air + air (g_air(1) = 0.3) beats air + sea (0.2 + 0.08); the air×sea complement
    h(min(x_air, x_sea)) adds 0.24 to the second, which then wins."""
    from test_milp_constraints import make_catalogue

    from positivesum.plan.surrogate import Surrogate

    cat = make_catalogue(PAIR_OPTIONS, actors=("USA",), horizon=2)
    sur = Surrogate(
        ["s1"],
        ["air", "sea"],
        np.array([0.0, 0.5, 1.0, 2.0]),
        {"s1": 0.2},
        {"s1": {"air": np.array([0.0, 0.2, 0.3, 0.4]), "sea": np.array([0.0, 0.1, 0.15, 0.2])}},
        {},
        reps=0,
        seed=0,
        pairs=[("air", "sea")] if with_pair else [],
        pair_levels=np.array([0.0, 0.5, 2.0]),
        pair_values={"s1": {"air__sea": np.array([0.0, 0.3, 0.3])}} if with_pair else {},
    )
    return PlanInputs(
        cat=cat,
        q=np.array([o[8] for o in PAIR_OPTIONS], dtype=float),
        sur=sur,
        weights={"s1": 1.0},
        budget_musd=np.array([[20.0, 0.0]]),
        personnel_headroom=np.array([[0.0, 0.0]]),
        participation=np.ones((1, 1)),
    )


@pytest.mark.parametrize("with_pair", [False, True])
def test_an_interaction_changes_the_optimum_and_the_milp_finds_it(with_pair):
    inp = pair_inputs(with_pair)
    best = max((score(inp, c), sorted(c)) for c in portfolios(inp) if feasible(inp, c))
    model, v = build(inp)
    plan = extract(model, v, inp, solve(model, gap=0.0))
    assert plan.objective == pytest.approx(best[0], abs=1e-9)
    assert score(inp, plan.choices) == pytest.approx(best[0], abs=1e-9)
    bought = sorted(o for _, o, _ in plan.choices)  # air_a and air_b are alike: either may be the air option
    assert bought in (["air_a", "sea_a"], ["air_b", "sea_a"]) if with_pair else bought == ["air_a", "air_b"]


@pytest.mark.parametrize("budget", [0.5, 1.0, 2.0])
def test_the_milp_objective_is_the_surrogate_prediction_exactly(budget):
    """The deterrence the MILP maximises (Σ w·d) equals Surrogate.predict at the levels of the chosen portfolio,
    pairs included; and the pair variables hold min(x_i, x_j) and h(min) wherever the pair gains."""
    inp = golden_lp.inputs(budget_musd=golden_lp.BUDGET * budget, required=[])
    assert inp.sur.pairs
    model, v = build(inp)
    plan = extract(model, v, inp, solve(model, gap=0.0))
    lv = levels(inp, plan.choices)
    predicted = weighted(inp, {s: inp.sur.predict(s, lv[s]) for s in inp.sur.scenarios})
    tie = COST_TIEBREAK_PER_MUSD * lifecycle_cost(inp, plan.choices)
    assert plan.objective + tie == pytest.approx(predicted, abs=1e-9)
    assert plan.weighted_deterrence == pytest.approx(predicted, abs=1e-12)
    w, hp = model.value(v["w"]), model.value(v["hp"])
    for i, s in enumerate(inp.sur.scenarios):
        both = min(lv[s]["air"], lv[s]["sea"])
        gain = float(np.interp(both, inp.sur.pair_levels, inp.sur.pair_curve(s, ("air", "sea"))))
        assert hp[i, 0] == pytest.approx(gain, abs=1e-9) or model.value(v["d"])[i] >= 1 - 1e-9
        assert w[i, 0] <= both + 1e-9
    if budget == 2.0:
        assert hp.max() > 0.01  # the interaction is active in this plan: the check above compares something
