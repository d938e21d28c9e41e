"""Frozen copy of the planner's MILP build as it was before issue 15 (linopy model, solved by HiGHS through
linopy), kept importable only inside benchmarks/ so that bench_milp.py can time the old and the new build
side by side in the same run and check that both write the same model. Copied from
src/positivesum/plan/milp.py (working tree of 2026-12, before the issue-15 change) with the package's
relative imports made absolute; ``PlanInputs`` and ``Plan`` are the package's own. Not part of the package;
not maintained. The original module docstring follows.


Decision: y[a, o, t] = 1 if actor a starts option o in plan year t. Capability
levels x[m] = Σ q[o,m]·y (options in service by the last plan year) feed the
concave surrogate through hypograph variables h[s,m] ≤ v_k + slope_k·(x_m − l_k);
deterrence d_s ≤ D_s(0) + Σ_m h[s,m], d_s ≤ 1. Objective: max Σ_s w_s d_s, with a
tiny cost penalty so that money is not spent for nothing. One function per
constraint family (PyPSA style). Equations: docs/methodology/planning.md §4.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from typing import TypedDict

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from positivesum.plan.milp import Plan, PlanInputs

COST_TIEBREAK_PER_MUSD = 1e-9
logging.getLogger("linopy").setLevel(logging.ERROR)  # solver outcomes are reported by diagnose.py, not as log noise


class ModelParts(TypedDict, total=False):
    """The named parts of a built model that later families, the objective and :func:`extract` read."""

    y: linopy.Variable  # (actor, option, start) binary: start option o in year t
    mask: xr.DataArray  # (actor, option, start) starts that are possible at all
    spend: linopy.LinearExpression  # (actor, year) money spent
    z: linopy.Variable  # (actor, area) level each actor adds
    x: linopy.Variable  # (scenario, area) capability level
    h: linopy.Variable  # (scenario, area) surrogate gain
    d: linopy.Variable  # (scenario,) deterrence
    cost: linopy.LinearExpression  # lifecycle cost
    score: linopy.LinearExpression  # weighted deterrence


def _coords(inp: PlanInputs) -> tuple[pd.Index[str], pd.Index[str], pd.Index[int], pd.Index[int]]:
    cat = inp.cat
    return (
        pd.Index(list(cat.actors), name="actor"),
        pd.Index(list(cat.option_ids), name="option"),
        pd.Index(np.arange(1, cat.horizon_years + 1), name="start"),
        pd.Index(np.arange(1, cat.horizon_years + 1), name="year"),
    )


def build(inp: PlanInputs) -> tuple[linopy.Model, ModelParts]:
    """Build the model: variables, then each constraint family, then the objective."""
    with warnings.catch_warnings():
        # Masked (impossible) starts count as zero in sums: linopy's legacy semantics, which we rely on.
        warnings.filterwarnings("ignore", category=getattr(linopy, "LinopySemanticsWarning", UserWarning))
        warnings.filterwarnings("ignore", message=".*semantics.*")
        return _build(inp)


def _build(inp: PlanInputs) -> tuple[linopy.Model, ModelParts]:
    actors, options, starts, years = _coords(inp)
    cat = inp.cat
    allowed = cat.eligible if inp.allowed is None else inp.allowed
    h = cat.horizon_years
    # An option may start only if it is allowed for the actor and enters service within the horizon.
    enters = cat.in_service[:, :, -1] > 0  # (O, T)
    mask = xr.DataArray(allowed.T[:, :, None] & enters[None, :, :], coords=[actors, options, starts])
    m = linopy.Model()
    y = m.add_variables(binary=True, coords=[actors, options, starts], name="y", mask=mask)
    v: ModelParts = {"y": y, "mask": mask}
    define_choice_constraints(m, v, inp)
    define_requirement_constraints(m, v, inp)
    define_budget_constraints(m, v, inp)
    define_personnel_constraints(m, v, inp)
    define_production_constraints(m, v, inp)
    define_prerequisite_constraints(m, v, inp)
    define_exclusion_constraints(m, v, inp)
    define_capability_constraints(m, v, inp)
    define_surrogate_constraints(m, v, inp)
    cost = _total_cost(v, inp)
    w = _weights(inp)
    scen = pd.Index(inp.sur.scenarios, name="scenario")
    score = (v["d"] * xr.DataArray([w[s] for s in inp.sur.scenarios], coords=[scen])).sum()
    if inp.min_deterrence is None:
        m.add_objective(score - COST_TIEBREAK_PER_MUSD * cost, sense="max")
    else:
        m.add_constraints(score >= inp.min_deterrence, name="deterrence_floor")
        m.add_objective(cost, sense="min")
    v["cost"], v["score"] = cost, score
    del h
    return m, v


def _weights(inp: PlanInputs) -> dict[str, float]:
    total = sum(inp.weights.get(s, 0.0) for s in inp.sur.scenarios) or 1.0
    return {s: inp.weights.get(s, 0.0) / total for s in inp.sur.scenarios}


def _cost_da(inp: PlanInputs) -> xr.DataArray:
    _, options, starts, years = _coords(inp)
    return xr.DataArray(inp.cat.cost_musd, coords=[options, starts, years])


def _total_cost(v: ModelParts, inp: PlanInputs) -> linopy.LinearExpression:
    """Lifecycle money (all acquisition, even after the horizon, plus operating within it): the tie-break
    and the min-cost objective must not reward starting late just to push costs past the horizon."""
    _, options, starts, _ = _coords(inp)
    return (v["y"] * xr.DataArray(inp.cat.lifecycle_cost_musd, coords=[options, starts])).sum()


def define_choice_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Each actor buys each option at most once."""
    m.add_constraints(v["y"].sum("start") <= 1, name="choose_once")


def define_requirement_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Options the user requires are bought (by the named actor)."""
    for a, o in inp.required:
        m.add_constraints(
            v["y"].sel(actor=inp.cat.actors[a], option=inp.cat.option_ids[o]).sum() == 1,
            name=f"require_{inp.cat.actors[a]}_{inp.cat.option_ids[o]}",
        )


def define_budget_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Spending of each actor in each year ≤ its money for new options (pooled: the alliance's total each year)."""
    actors, _, _, years = _coords(inp)
    spend = (v["y"] * _cost_da(inp)).sum(["option", "start"])
    limit = xr.DataArray(inp.budget_musd, coords=[actors, years])
    if inp.pooled_budget:  # one alliance fund: each actor still pays in its own money, spent where it deters most
        m.add_constraints(spend.sum("actor") <= limit.sum("actor"), name="budget")
    else:
        m.add_constraints(spend <= limit, name="budget")
    v["spend"] = spend


def define_personnel_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """People in service for new options ≤ the actor's manning headroom that year (automation frees people)."""
    actors, options, starts, years = _coords(inp)
    people = xr.DataArray(inp.cat.personnel[:, None, None] * inp.cat.in_service, coords=[options, starts, years])
    m.add_constraints(
        (v["y"] * people).sum(["option", "start"]) <= xr.DataArray(inp.personnel_headroom, coords=[actors, years]),
        name="personnel",
    )


def define_production_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Industrial capacity: added production of a munition by one actor ≤ what its industry can still add."""
    _, options, _, _ = _coords(inp)
    for (a, munition), (added, headroom) in inp.production_limits.items():
        coeff = xr.DataArray(added, coords=[options])
        m.add_constraints(
            (v["y"].sel(actor=inp.cat.actors[a]) * coeff).sum() <= headroom,
            name=f"industry_{inp.cat.actors[a]}_{munition}",
        )


def _pair_matrix(inp: PlanInputs, pairs: tuple[tuple[int, int], ...], sign_second: float) -> xr.DataArray:
    """(option, pair) matrix with +1 for each pair's first option and ``sign_second`` for its second."""
    ids = list(inp.cat.option_ids)
    mat = np.zeros((len(ids), len(pairs)))
    for r, (a, b) in enumerate(pairs):
        mat[a, r] += 1.0
        mat[b, r] += sign_second
    names = [f"{ids[a]}__{ids[b]}" for a, b in pairs]
    return xr.DataArray(mat, coords=[pd.Index(ids, name="option"), pd.Index(names, name="pair")])


def define_prerequisite_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """An option starts no earlier than its prerequisite (same actor): Σ_{t'≤t} y[o,t'] ≤ Σ_{t'≤t} y[p,t'] for all t."""
    if not inp.cat.prerequisites:
        return
    diff = (v["y"] * _pair_matrix(inp, inp.cat.prerequisites, -1.0)).sum("option")
    m.add_constraints(diff.cumsum("start") <= 0, name="prerequisite")


def define_exclusion_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Mutually exclusive options o and e are not both in the alliance's portfolio (they describe one posture),
    though several allies may each buy o: a binary u per pair picks the side, Σ_t y[a,o,t] ≤ u and
    Σ_t y[a,e,t] ≤ 1 − u for every actor a."""
    if not inp.cat.exclusions:
        return
    pairs = inp.cat.exclusions
    names = pd.Index([f"{inp.cat.option_ids[a]}__{inp.cat.option_ids[b]}" for a, b in pairs], name="pair")
    ids = pd.Index(list(inp.cat.option_ids), name="option")
    first = np.zeros((len(ids), len(pairs)))
    second = np.zeros_like(first)
    for r, (a, b) in enumerate(pairs):
        first[a, r], second[b, r] = 1.0, 1.0
    u = m.add_variables(binary=True, coords=[names], name="exclusion_side")
    m.add_constraints(
        (v["y"] * xr.DataArray(first, coords=[ids, names])).sum(["option", "start"]) - u <= 0, name="exclusion_first"
    )
    m.add_constraints(
        (v["y"] * xr.DataArray(second, coords=[ids, names])).sum(["option", "start"]) + u <= 1, name="exclusion_second"
    )


def define_capability_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """x[s,m] = Σ_a part[s,a] Σ_{o,t} q[o,m] · y[a,o,t] for options in service by the last plan year.

    An actor's purchases count in a scenario only if it takes part in it on the allied side.
    """
    actors, options, starts, _ = _coords(inp)
    scen = pd.Index(inp.sur.scenarios, name="scenario")
    areas = pd.Index(inp.sur.areas, name="area")
    part = inp.participation if inp.participation is not None else np.ones((len(scen), len(actors)))
    # z[a,m]: what each actor adds to each area (few dense rows); x[s,m] then sums the participants'
    # z (sparse rows). Writing x directly from y would repeat every dense row once per scenario.
    z = m.add_variables(lower=0, coords=[actors, areas], name="z")
    contrib = xr.DataArray(
        inp.q[:, None, :] * inp.cat.in_service[:, :, -1][:, :, None], coords=[options, starts, areas]
    )
    m.add_constraints(z - (v["y"] * contrib).sum(["option", "start"]) == 0, name="actor_capability")
    x = m.add_variables(lower=0, coords=[scen, areas], name="x")
    m.add_constraints(x - (z * xr.DataArray(part, coords=[scen, actors])).sum("actor") == 0, name="capability")
    v["x"], v["z"] = x, z


def define_surrogate_constraints(m: linopy.Model, v: ModelParts, inp: PlanInputs) -> None:
    """Hypograph of each concave piece, capped at its last breakpoint; d_s ≤ D_s(0) + Σ h, d_s ≤ 1.

    For breakpoints l_k with values g_k: h ≤ g_k + slope_k (x − l_k) for every segment k, and
    h ≤ g_K (no credit beyond the fitted range).
    """
    sur = inp.sur
    scen = pd.Index(sur.scenarios, name="scenario")
    areas = pd.Index(sur.areas, name="area")
    levels = sur.levels
    n_pieces = len(levels)  # segments plus the cap
    slope = np.zeros((len(scen), len(areas), n_pieces))
    intercept = np.zeros_like(slope)
    for i, s in enumerate(sur.scenarios):
        for j, a in enumerate(sur.areas):
            vals = sur.values[s][a]
            sl = np.diff(vals) / np.diff(levels)
            slope[i, j, :-1] = sl
            intercept[i, j, :-1] = vals[:-1] - sl * levels[:-1]
            intercept[i, j, -1] = vals[-1]
    piece = pd.Index(np.arange(n_pieces), name="piece")
    h = m.add_variables(lower=0, coords=[scen, areas], name="h")
    m.add_constraints(
        h - xr.DataArray(slope, coords=[scen, areas, piece]) * v["x"]
        <= xr.DataArray(intercept, coords=[scen, areas, piece]),
        name="surrogate_piece",
    )
    d = m.add_variables(lower=0, upper=1, coords=[scen], name="d")
    base = xr.DataArray([sur.base[s] for s in sur.scenarios], coords=[scen])
    m.add_constraints(d - h.sum("area") <= base, name="deterrence")
    v["h"], v["d"] = h, d


@contextlib.contextmanager
def _silenced_stdout() -> Iterator[None]:
    """HiGHS prints a banner from C code even with output_flag off; keep the CLI's stdout clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def solve(m: linopy.Model, gap: float = 1e-4, time_limit_s: float = 60.0) -> tuple[str, str]:
    """Solve with HiGHS to a relative MIP gap; returns linopy's (status, condition)."""
    with _silenced_stdout():
        return m.solve(solver_name="highs", mip_rel_gap=gap, time_limit=time_limit_s, output_flag=False)


def extract(m: linopy.Model, v: ModelParts, inp: PlanInputs, status: tuple[str, str]) -> Plan:
    """Read the solution into a :class:`Plan`."""
    cat = inp.cat
    ysol = v["y"].solution.fillna(0).values > 0.5
    choices = [(cat.actors[a], cat.option_ids[o], int(t + 1)) for a, o, t in zip(*np.nonzero(ysol))]
    years = np.arange(1, cat.horizon_years + 1)
    spend = np.zeros((len(cat.actors), len(years)))
    people = np.zeros_like(spend)
    for a, o, t in zip(*np.nonzero(ysol)):
        spend[a] += cat.cost_musd[o, t]
        people[a] += cat.personnel[o] * cat.in_service[o, t]
    xs = v["x"].solution.values
    levels = {s: {a: float(xs[i, j]) for j, a in enumerate(inp.sur.areas)} for i, s in enumerate(inp.sur.scenarios)}
    det = {s: inp.sur.predict(s, levels[s]) for s in inp.sur.scenarios}
    w = _weights(inp)

    def frame(arr: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(arr, index=pd.Index(cat.actors, name="actor"), columns=pd.Index(years, name="year"))

    return Plan(
        status=status[1],
        objective=float(m.objective.value) if m.objective.value is not None else float("nan"),
        choices=choices,
        spending_musd=frame(spend),
        personnel=frame(people),
        levels=levels,
        deterrence=det,
        weighted_deterrence=sum(w[s] * det[s] for s in det),
        total_cost_musd=float(spend.sum()),
        budget_slack_musd=frame(inp.budget_musd - spend),
        lifecycle_cost_musd=float(sum(cat.lifecycle_cost_musd[o, t] for _, o, t in zip(*np.nonzero(ysol)))),
    )
