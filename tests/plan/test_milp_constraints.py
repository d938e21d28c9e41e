"""Solved plans respect every constraint: one check per constraint family, made on the extracted
choices without the solver (plan/milp.py, plan/regimes.py).

The inputs are synthetic and small (10 options × 2 actors × 5 years, 2 scenarios × 2 areas), built
directly as :class:`CatalogueArrays` with the catalogue's conventions: an option started in year t
spends ``acquisition[k]`` in year t+k, enters service in year t + ceil(lead time) and then costs its
operating money every year. Every check recomputes what it needs from the arrays.

``synthetic_inputs``, ``check_plan`` and friends are imported by test_regimes.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positivesum.plan.catalogue import CatalogueArrays, build_catalogue
from positivesum.plan.milp import (
    COST_TIEBREAK_PER_MUSD,
    PlanInputs,
    build,
    extract,
    solve,
)
from positivesum.plan.regimes import (
    REGIMES,
    RegimeSpec,
    combine,
    min_cost_for,
    plan_regime,
)
from positivesum.plan.surrogate import Surrogate

ACTORS = ("USA", "JPN")
HORIZON = 5
AREAS = ("air", "sea")
SCENARIOS = ("s1", "s2")
TOL = 1e-6

# id, eligible, acquisition by year from start, operating per year, lead years, personnel, prerequisites, exclusions, q(air, sea)
OPTIONS = (
    ("radar", ("USA", "JPN"), (30, 30), 2, 1, 40, (), (), (0.30, 0.10)),
    ("sam", ("JPN",), (40,), 3, 1.5, 100, ("radar",), (), (0.60, 0.00)),
    ("fighter", ("USA",), (60, 60), 5, 2, 200, (), ("rotation",), (0.90, 0.20)),
    ("rotation", ("USA",), (20,), 10, 0, 0, (), (), (0.40, 0.10)),
    ("ssn", ("USA",), (90, 90, 90), 5, 4, 135, (), (), (0.00, 1.20)),
    ("automation", ("JPN",), (10,), 0, 0, -80, (), (), (0.00, 0.05)),
    ("mines", ("JPN",), (25, 25), 1, 2, 60, ("automation",), (), (0.00, 0.50)),
    ("carrier", ("USA", "JPN"), (50,), 5, 6, 300, (), (), (0.50, 0.50)),  # never in service within 5 years
    ("missiles", ("USA", "JPN"), (35,), 2, 1, 30, (), ("drones",), (0.35, 0.35)),
    ("drones", ("JPN",), (15, 15), 1, 0, 20, (), (), (0.25, 0.25)),
)
NEVER_IN_SERVICE = "carrier"

#: Budgets for new options (A, Y) and cumulative manning headroom (A, Y), tight on purpose.
BUDGET = np.array([[60.0, 80, 80, 80, 80], [40.0, 40, 50, 50, 50]])
HEADROOM = np.array([[150.0, 250, 350, 400, 400], [0.0, 60, 100, 120, 120]])
#: JPN takes part only in scenario s1.
PARTICIPATION = np.array([[1.0, 1.0], [1.0, 0.0]])
WEIGHTS = {"s1": 0.6, "s2": 0.4}


def make_catalogue(options=OPTIONS, actors=ACTORS, horizon=HORIZON, cost_scale=None) -> CatalogueArrays:
    """CatalogueArrays built by hand (independent of build_catalogue)."""
    n = len(options)
    ids = [o[0] for o in options]
    scale = np.ones(n) if cost_scale is None else np.asarray(cost_scale, dtype=float)
    cost = np.zeros((n, horizon, horizon))
    service = np.zeros((n, horizon, horizon))
    for i, (_, _, acq, op, lead, *_rest) in enumerate(options):
        for t in range(1, horizon + 1):
            for k, outlay in enumerate(acq):
                if t + k <= horizon:
                    cost[i, t - 1, t + k - 1] += outlay * scale[i]
            for y in range(t + math.ceil(lead), horizon + 1):
                cost[i, t - 1, y - 1] += op * scale[i]
                service[i, t - 1, y - 1] = 1.0
    prereq = tuple((ids.index(o[0]), ids.index(p)) for o in options for p in o[6])
    excl = tuple(sorted({tuple(sorted((ids.index(o[0]), ids.index(e)))) for o in options for e in o[7]}))
    eligible = np.array([[a in o[1] for a in actors] for o in options], dtype=bool)
    fields = {
        "option_ids": tuple(ids),
        "actors": tuple(actors),
        "horizon_years": horizon,
        "eligible": eligible,
        "cost_musd": cost,
        "in_service": service,
        "personnel": np.array([o[5] for o in options], dtype=float),
        "lead_years": np.array([o[4] for o in options], dtype=float),
        "prerequisites": prereq,
        "exclusions": excl,
        "categories": tuple("air" for _ in options),
        "mission_areas": tuple(AREAS for _ in options),
    }
    if "lifecycle_cost_musd" in CatalogueArrays.__dataclass_fields__:
        # all acquisition (even beyond the horizon) plus operating money within it
        acq = np.array([sum(o[2]) for o in options]) * scale
        op = np.array([o[3] for o in options]) * scale
        fields["lifecycle_cost_musd"] = acq[:, None] + op[:, None] * service.sum(axis=2)
    return CatalogueArrays(**fields)


def lifecycle_cost(inp: PlanInputs, choices) -> float:
    """The money the planner's cost terms (tie-break, min-cost objective) count for a portfolio."""
    cat = inp.cat
    per_start = getattr(cat, "lifecycle_cost_musd", None)
    if per_start is None:
        per_start = cat.cost_musd.sum(axis=2)
    return float(sum(per_start[cat.index(o), t - 1] for _, o, t in choices))


def make_surrogate(pairs: bool = True) -> Surrogate:
    """Two scenarios, two areas, concave non-decreasing pieces on breakpoints 0, 0.5, 1, 2, and (``pairs``) the
    air×sea complement h(min(x_air, x_sea)) on breakpoints 0, 0.5, 2."""
    levels = np.array([0.0, 0.5, 1.0, 2.0])
    values = {
        "s1": {"air": np.array([0.0, 0.15, 0.25, 0.35]), "sea": np.array([0.0, 0.10, 0.18, 0.30])},
        "s2": {"air": np.array([0.0, 0.05, 0.08, 0.10]), "sea": np.array([0.0, 0.20, 0.30, 0.38])},
    }
    return Surrogate(
        list(SCENARIOS),
        list(AREAS),
        levels,
        {"s1": 0.30, "s2": 0.40},
        values,
        {s: {m: list(v) for m, v in d.items()} for s, d in values.items()},
        reps=0,
        seed=0,
        pairs=[("air", "sea")] if pairs else [],
        pair_levels=np.array([0.0, 0.5, 2.0]),
        pair_values={"s1": {"air__sea": np.array([0.0, 0.06, 0.09])}, "s2": {"air__sea": np.array([0.0, 0.03, 0.05])}}
        if pairs
        else {},
    )


def synthetic_inputs(budget_scale=(1.0, 1.0), headroom_scale=1.0, cost_scale=None, options=OPTIONS, **kw) -> PlanInputs:
    cat = make_catalogue(options, cost_scale=cost_scale)
    q = np.array([o[8] for o in options], dtype=float)
    return PlanInputs(
        cat=cat,
        q=q,
        sur=make_surrogate(),
        weights=dict(WEIGHTS),
        budget_musd=BUDGET * np.asarray(budget_scale, dtype=float)[:, None],
        personnel_headroom=HEADROOM * headroom_scale,
        participation=PARTICIPATION.copy(),
        **kw,
    )


# ---------------------------------------------------------------- independent checks


def spending(inp: PlanInputs, choices) -> np.ndarray:
    """(A, Y) money spent, recomputed from cost_musd."""
    cat = inp.cat
    out = np.zeros((len(cat.actors), cat.horizon_years))
    for a, o, t in choices:
        out[cat.actors.index(a)] += cat.cost_musd[cat.index(o), t - 1]
    return out


def manning(inp: PlanInputs, choices) -> np.ndarray:
    """(A, Y) persons in service, recomputed: an option counts only once in service."""
    cat = inp.cat
    out = np.zeros((len(cat.actors), cat.horizon_years))
    for a, o, t in choices:
        i = cat.index(o)
        out[cat.actors.index(a)] += cat.personnel[i] * cat.in_service[i, t - 1]
    return out


def levels(inp: PlanInputs, choices) -> dict[str, dict[str, float]]:
    """Capability levels by the last plan year, counting only options in service and participating actors."""
    cat, sur = inp.cat, inp.sur
    part = inp.participation if inp.participation is not None else np.ones((len(sur.scenarios), len(cat.actors)))
    q = inp.scenario_q()  # (S, O, M): the same q in every scenario unless the levels are effect-based
    out = {s: {m: 0.0 for m in sur.areas} for s in sur.scenarios}
    for a, o, t in choices:
        i, j = cat.index(o), cat.actors.index(a)
        enters = t + math.ceil(cat.lead_years[i])
        if enters > cat.horizon_years:
            continue
        for si, s in enumerate(sur.scenarios):
            for mi, m in enumerate(sur.areas):
                out[s][m] += part[si, j] * q[si, i, mi]
    return out


def weighted(inp: PlanInputs, det: dict[str, float]) -> float:
    total = sum(inp.weights.get(s, 0.0) for s in inp.sur.scenarios)
    return sum(inp.weights.get(s, 0.0) / total * det[s] for s in inp.sur.scenarios)


def check_plan(
    inp: PlanInputs, plan, *, budget: np.ndarray | None = None, pooled: bool = False, allowed: np.ndarray | None = None
) -> None:
    """Every constraint family, checked on the plan's choices against the arrays."""
    cat = inp.cat
    budget = inp.budget_musd if budget is None else budget
    allowed = cat.eligible if allowed is None else allowed
    choices = plan.choices
    pairs = [(a, o) for a, o, _ in choices]
    # choice: each (actor, option) at most once; start years inside the plan
    assert len(pairs) == len(set(pairs)), f"an option bought twice by one actor: {sorted(pairs)}"
    assert all(1 <= t <= cat.horizon_years for _, _, t in choices)
    for a, o, t in choices:
        i = cat.index(o)
        # eligibility / regime: only allowed options; in service by the last year
        assert allowed[i, cat.actors.index(a)], f"{a} may not buy {o}"
        assert cat.in_service[i, t - 1, -1] == 1, (
            f"{o} started in year {t} is not in service by year {cat.horizon_years}"
        )
        assert t + math.ceil(cat.lead_years[i]) <= cat.horizon_years
    # budget: per actor per year, or the pooled total per year
    spend = spending(inp, choices)
    np.testing.assert_allclose(plan.spending_musd.to_numpy(), spend, atol=TOL)
    if pooled:
        assert (spend.sum(axis=0) <= budget.sum(axis=0) + TOL).all(), (spend, budget)
    else:
        assert (spend <= budget + TOL).all(), f"spending {spend} over budget {budget}"
    assert plan.total_cost_musd == pytest.approx(spend.sum(), abs=TOL)
    # personnel: persons in service ≤ headroom, per actor and year
    people = manning(inp, choices)
    np.testing.assert_allclose(plan.personnel.to_numpy(), people, atol=TOL)
    assert (people <= inp.personnel_headroom + TOL).all(), f"persons {people} over headroom {inp.personnel_headroom}"
    # prerequisites: bought by the same actor, started no later
    start = {(a, o): t for a, o, t in choices}
    for o, p in cat.prerequisites:
        for a in cat.actors:
            if (a, cat.option_ids[o]) in start:
                assert (a, cat.option_ids[p]) in start, f"{a} bought {cat.option_ids[o]} without {cat.option_ids[p]}"
                assert start[(a, cat.option_ids[p])] <= start[(a, cat.option_ids[o])]
    # exclusions: never both, whichever allies buy them (they describe one posture)
    bought = {o for _, o in pairs}
    for o, e in cat.exclusions:
        assert not {cat.option_ids[o], cat.option_ids[e]} <= bought, (
            f"{cat.option_ids[o]} and {cat.option_ids[e]} both bought"
        )
    # production: rounds/year an actor's options add to one munition ≤ its industry's headroom
    for (a, munition), (added, headroom) in inp.production_limits.items():
        total = sum(added[cat.index(o)] for aa, o in pairs if aa == cat.actors[a])
        assert total <= headroom + TOL, (
            f"{cat.actors[a]} adds {total} rounds/year of {munition}, industry can add {headroom}"
        )
    # requirements
    for a, o in inp.required:
        assert (cat.actors[a], cat.option_ids[o]) in pairs, f"required {cat.actors[a]}/{cat.option_ids[o]} not bought"
    # capability: only options in service count; surrogate deterrence = predict(recomputed levels)
    lv = levels(inp, choices)
    for s in inp.sur.scenarios:
        for m in inp.sur.areas:
            assert plan.levels[s][m] == pytest.approx(lv[s][m], abs=TOL), (s, m)
        assert plan.deterrence[s] == pytest.approx(inp.sur.predict(s, lv[s]), abs=TOL)
    assert plan.weighted_deterrence == pytest.approx(
        weighted(inp, {s: inp.sur.predict(s, lv[s]) for s in inp.sur.scenarios}), abs=TOL
    )


def regime_checks(inp: PlanInputs, spec: RegimeSpec) -> dict:
    """check_plan's arguments for a regime's plan."""
    money, pooled, allowed = regime_budget(inp, spec)
    return {"budget": money, "pooled": pooled, "allowed": allowed}


def regime_budget(inp: PlanInputs, spec: RegimeSpec) -> tuple[np.ndarray, bool, np.ndarray]:
    """(money per actor and year, pooled?, allowed options) a regime gives the planner."""
    cat = inp.cat
    if spec.name == "joint":
        return inp.budget_musd, True, cat.eligible
    if spec.name == "spending-target":
        return inp.budget_musd, False, cat.eligible
    if spec.name == "cost-transfer":
        r = cat.actors.index(spec.receiver)
        money = np.zeros_like(inp.budget_musd)
        money[r] = inp.budget_musd.sum(axis=0)
        return money, False, cat.eligible & (np.arange(len(cat.actors)) == r)[None, :]
    shares = np.array([spec.split.get(a, 0.0) for a in cat.actors])
    return shares[:, None] * inp.budget_musd.sum(axis=0)[None, :], False, cat.eligible


SPECS = {
    "joint": RegimeSpec("joint"),
    "spending-target": RegimeSpec("spending-target"),
    "cost-transfer": RegimeSpec("cost-transfer", receiver="USA"),
    "negotiated": RegimeSpec("negotiated", split={"USA": 0.55, "JPN": 0.45}),
}


def solve_raw(inp: PlanInputs, gap: float = 0.0):
    model, v = build(inp)
    status = solve(model, gap)
    return model, v, status, extract(model, v, inp, status)


# ---------------------------------------------------------------- tests


def test_synthetic_catalogue_matches_build_catalogue_conventions():
    """Sanity of the hand-built arrays: spending and service of one start, by hand."""
    cat = make_catalogue()
    sam = cat.index("sam")  # acquisition 40 in its start year, lead 1.5 → in service 2 years later, operating 3
    np.testing.assert_array_equal(cat.cost_musd[sam, 0], [40, 0, 3, 3, 3])
    np.testing.assert_array_equal(cat.in_service[sam, 0], [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(cat.cost_musd[sam, 3], [0, 0, 0, 40, 0])  # start in year 4: never in service
    assert not (cat.in_service[cat.index(NEVER_IN_SERVICE)] > 0).any()
    assert cat.exclusions == (
        (cat.index("fighter"), cat.index("rotation")),
        (cat.index("missiles"), cat.index("drones")),
    )


def test_synthetic_catalogue_equals_build_catalogue():
    """The hand-built arrays are what build_catalogue makes of the same options (a duck-typed dataset)."""
    opts = {
        o[0]: SimpleNamespace(
            lead_time_years=o[4],
            cost=SimpleNamespace(acquisition_musd=list(o[2]), operating_musd_per_year=o[3]),
            eligible_actors=list(o[1]),
            personnel=o[5],
            prerequisites=list(o[6]),
            exclusions=list(o[7]),
            category="air",
            mission_areas=list(AREAS),
        )
        for o in OPTIONS
    }
    real = build_catalogue(SimpleNamespace(options=opts), list(ACTORS), HORIZON)
    mine = make_catalogue()
    assert real.option_ids == mine.option_ids and real.actors == mine.actors
    for name in ("eligible", "cost_musd", "in_service", "personnel", "lead_years"):
        np.testing.assert_array_equal(getattr(real, name), getattr(mine, name), err_msg=name)
    assert sorted(real.prerequisites) == sorted(mine.prerequisites) and real.exclusions == mine.exclusions


def test_raw_milp_respects_every_constraint_and_its_objective_is_the_surrogate():
    inp = synthetic_inputs()
    model, v, status, plan = solve_raw(inp)
    assert status[1] == "optimal"
    check_plan(inp, plan)
    assert plan.choices, "the synthetic budgets should buy something"
    # the hypograph is tight at the optimum: d_s = predict(x_s) and the objective is Σ w d − tiny·cost
    d = model.value(v["d"])
    for i, s in enumerate(inp.sur.scenarios):
        assert d[i] == pytest.approx(plan.deterrence[s], abs=TOL)
    assert model.result.objective == pytest.approx(
        plan.weighted_deterrence - COST_TIEBREAK_PER_MUSD * lifecycle_cost(inp, plan.choices), abs=1e-9
    )
    assert NEVER_IN_SERVICE not in {o for _, o, _ in plan.choices}


def rounds(**added) -> np.ndarray:
    """(O,) rounds/year each option adds to a munition's production."""
    out = np.zeros(len(OPTIONS))
    for name, value in added.items():
        out[[o[0] for o in OPTIONS].index(name)] = value
    return out


def test_raw_milp_with_requirements_and_production_limits():
    cat = make_catalogue()
    usa, jpn = ACTORS.index("USA"), ACTORS.index("JPN")
    # industry: JPN can add 150 rounds/year of 'sm6': 'missiles' adds 100 and 'mines' 80, so not both; USA can add none
    limits = {(jpn, "sm6"): (rounds(missiles=100, mines=80), 150.0), (usa, "sm6"): (rounds(missiles=100), 0.0)}
    inp = synthetic_inputs(
        budget_scale=(2.0, 2.0),
        required=[(jpn, cat.index("mines")), (usa, cat.index("rotation"))],
        production_limits=limits,
    )
    _, _, status, plan = solve_raw(inp)
    assert status[1] == "optimal"
    check_plan(inp, plan)
    bought = {(a, o) for a, o, _ in plan.choices}
    assert {("JPN", "mines"), ("JPN", "automation"), ("USA", "rotation")} <= bought  # mines needs automation first
    assert "fighter" not in {o for _, o in bought}  # excluded by the required rotation
    assert "missiles" not in {o for _, o in bought}  # no industrial headroom left


def test_production_limit_binds_where_it_should():
    """Without the industrial limit JPN buys 'missiles'; with a headroom below one option's output it cannot."""
    jpn = ACTORS.index("JPN")
    free = solve_raw(synthetic_inputs(budget_scale=(0.0, 2.0)))[3]
    assert ("JPN", "missiles") in {(a, o) for a, o, _ in free.choices}
    inp = synthetic_inputs(budget_scale=(0.0, 2.0), production_limits={(jpn, "sm6"): (rounds(missiles=100), 99.0)})
    limited = solve_raw(inp)[3]
    check_plan(inp, limited)
    assert ("JPN", "missiles") not in {(a, o) for a, o, _ in limited.choices}


def test_personnel_freed_by_automation_lets_crewed_options_in():
    """JPN has no headroom in year 1: a crewed option in service in year 1 is possible only with automation."""
    inp = synthetic_inputs(budget_scale=(0.0, 3.0), headroom_scale=0.0)
    _, _, _, plan = solve_raw(inp)
    check_plan(inp, plan)
    people = manning(inp, plan.choices)
    assert (people <= 1e-6).all()
    if any(o == "drones" for _, o, _ in plan.choices):
        assert any(o == "automation" for _, o, _ in plan.choices)


def test_option_never_in_service_is_never_bought_even_when_it_is_the_best():
    q = [o if o[0] != NEVER_IN_SERVICE else (*o[:8], (5.0, 5.0)) for o in OPTIONS]
    inp = synthetic_inputs(budget_scale=(5.0, 5.0), options=tuple(q))
    _, _, _, plan = solve_raw(inp)
    check_plan(inp, plan)
    assert NEVER_IN_SERVICE not in {o for _, o, _ in plan.choices}


def test_combine_counts_only_options_in_service():
    """A portfolio evaluated by combine(): an option that enters service after the horizon adds nothing."""
    inp = synthetic_inputs()
    empty = solve_raw(synthetic_inputs(budget_scale=(0.0, 0.0)))[3]
    assert empty.choices == []
    assert combine(inp, [empty]).weighted_deterrence == pytest.approx(weighted(inp, inp.sur.base), abs=TOL)
    # radar started in year 5 (lead 1) and the carrier (lead 6) are not in service by year 5; rotation (lead 0) is
    late = replace(empty, choices=[("USA", "radar", 5), ("USA", NEVER_IN_SERVICE, 1), ("USA", "rotation", 5)])
    out = combine(inp, [late])
    q_rot = inp.q[inp.cat.index("rotation")]
    assert out.levels["s1"] == pytest.approx({"air": q_rot[0], "sea": q_rot[1]}, abs=TOL)
    expected = levels(inp, late.choices)
    for sc in inp.sur.scenarios:
        assert out.levels[sc] == pytest.approx(expected[sc], abs=TOL)
    assert out.deterrence["s1"] == pytest.approx(inp.sur.predict("s1", out.levels["s1"]), abs=TOL)


@cache
def default_regime_plan(name: str):
    """Each regime on the default synthetic inputs, solved to optimality once (shared with test_regimes.py)."""
    return plan_regime(synthetic_inputs(), SPECS[name], gap=0.0)


@cache
def default_min_cost(name: str):
    """The cheapest joint plan reaching that regime's surrogate deterrence."""
    return min_cost_for(synthetic_inputs(), default_regime_plan(name).weighted_deterrence - 1e-6, gap=0.0)


@pytest.mark.parametrize("name", REGIMES)
def test_each_regime_respects_every_constraint(name):
    inp = synthetic_inputs()
    plan = default_regime_plan(name)
    check_plan(inp, plan, **regime_checks(inp, SPECS[name]))
    assert plan.choices


@pytest.mark.parametrize("name", REGIMES)
def test_min_cost_for_reaches_the_target_no_dearer_than_the_regime(name):
    """The regime's portfolio is feasible for the pooled joint problem, so the cheapest plan at its
    deterrence costs at most as much, in the money min_cost_for minimises (solved to optimality: gap 0)."""
    inp = synthetic_inputs()
    plan, cheapest = default_regime_plan(name), default_min_cost(name)
    check_plan(inp, cheapest, pooled=True)
    assert cheapest.weighted_deterrence >= plan.weighted_deterrence - 1e-5
    assert lifecycle_cost(inp, cheapest.choices) <= lifecycle_cost(inp, plan.choices) + 1e-6


budgets = st.tuples(st.floats(0.2, 2.5), st.floats(0.2, 2.5))
costs = st.lists(st.floats(0.5, 1.5), min_size=len(OPTIONS), max_size=len(OPTIONS))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    budget_scale=budgets, cost_scale=costs, headroom_scale=st.floats(0.0, 2.0), how=st.sampled_from(("raw", *REGIMES))
)
def test_random_inputs_every_constraint_family(budget_scale, cost_scale, headroom_scale, how):
    """Random budgets, costs and manning headroom; the raw MILP (per-actor budgets) or one regime."""
    inp = synthetic_inputs(budget_scale=budget_scale, cost_scale=cost_scale, headroom_scale=headroom_scale)
    if how == "raw":
        model, _, status, plan = solve_raw(inp)
        assert status[1] == "optimal"
        check_plan(inp, plan)
        assert model.result.objective == pytest.approx(
            plan.weighted_deterrence - COST_TIEBREAK_PER_MUSD * lifecycle_cost(inp, plan.choices), abs=1e-9
        )
        return
    spec = SPECS[how]
    plan = plan_regime(inp, spec, gap=0.0)
    check_plan(inp, plan, **regime_checks(inp, spec))
