"""Why a plan cannot be made: checks that name the binding constraint, before and after the solver.

With nothing required the planning problem is always feasible (buy nothing), so
infeasibility comes from what the user forces: required options, budgets below
today's spending, or a deterrence floor. Each check reports the constraint
family, the actor and year, the numbers, and how to fix it.
"""

from __future__ import annotations

import numpy as np

from ..model.errors import InputError, Location, Problem
from .milp import PlanInputs

WHERE = Location("<plan>", 0)


def precheck(inp: PlanInputs) -> None:
    """Raise InputError naming every constraint the required options break on their own."""
    cat = inp.cat
    problems: list[Problem] = []
    allowed = cat.eligible if inp.allowed is None else inp.allowed
    req = {(a, o) for a, o in inp.required}
    for a, o in sorted(req):
        actor, oid = cat.actors[a], cat.option_ids[o]
        if not allowed[o, a]:
            problems.append(
                Problem(
                    WHERE,
                    f"require.{actor}.{oid}",
                    f"{actor} may not buy '{oid}' in this regime (eligible: "
                    f"{', '.join(x for i, x in enumerate(cat.actors) if cat.eligible[o, i]) or 'nobody'})",
                    "require it of an eligible actor, or choose another regime",
                )
            )
        if not (cat.in_service[o, :, -1] > 0).any():
            problems.append(
                Problem(
                    WHERE,
                    f"require.{actor}.{oid}",
                    f"lead time {cat.lead_years[o]:g} years: '{oid}' cannot enter "
                    f"service within the {cat.horizon_years}-year plan",
                    "lengthen the horizon or drop the requirement",
                )
            )
        for oo, p in cat.prerequisites:
            if oo == o and (a, p) not in req and not allowed[p, a]:
                problems.append(
                    Problem(
                        WHERE,
                        f"require.{actor}.{oid}",
                        f"needs prerequisite '{cat.option_ids[p]}', which {actor} may not buy",
                        "drop the requirement or allow the prerequisite",
                    )
                )
    for o, e in cat.exclusions:
        if any(oo == o for _, oo in req) and any(oo == e for _, oo in req):
            problems.append(
                Problem(
                    WHERE,
                    "require",
                    f"'{cat.option_ids[o]}' and '{cat.option_ids[e]}' exclude each other",
                    "require only one of them",
                )
            )
    # Cheapest feasible timing of each required option: the latest start that still enters service in
    # the plan (later starts spend less inside the horizon). Cumulative money is a necessary condition.
    latest = {
        o: int(np.nonzero(cat.in_service[o, :, -1] > 0)[0].max())
        for _, o in req
        if (cat.in_service[o, :, -1] > 0).any()
    }
    groups = [(None, list(range(len(cat.actors))))] if inp.pooled_budget else [(a, [a]) for a in range(len(cat.actors))]
    for label, members in groups:
        spend = sum(
            (cat.cost_musd[o, latest[o]] for aa, o in req if aa in members and o in latest), np.zeros(cat.horizon_years)
        )
        cum_budget, cum_spend = np.cumsum(inp.budget_musd[members].sum(axis=0)), np.cumsum(spend)
        over = np.nonzero(cum_spend > cum_budget + 1e-6)[0]
        who = "the alliance fund" if label is None else cat.actors[label]
        key = "alliance_fund" if label is None else cat.actors[label]
        if len(over) and (spend > 0).any():
            y = int(over[-1])
            problems.append(
                Problem(
                    WHERE,
                    f"budget.{key}",
                    f"required options cost {cum_spend[y]:,.0f} M USD by plan year {y + 1} "
                    f"even at their latest start, but {who} has {cum_budget[y]:,.0f} M USD for new options by then",
                    "raise the budget (--budget ACTOR=SHARE@YEAR) or require fewer options",
                )
            )
    for a, actor in enumerate(cat.actors):
        people = sum(
            (cat.personnel[o] * cat.in_service[o, latest[o]] for aa, o in req if aa == a and o in latest),
            np.zeros(cat.horizon_years),
        )
        short = np.nonzero(people > inp.personnel_headroom[a] + 1e-6)[0]
        if len(short) and not (cat.personnel[cat.eligible[:, a]] < 0).any():
            y = int(short[0])
            problems.append(
                Problem(
                    WHERE,
                    f"personnel.{actor}",
                    f"required options need {people[y]:,.0f} persons in plan year {y + 1}, "
                    f"but {actor} can man only {inp.personnel_headroom[a, y]:,.0f} more",
                    "add automation options that free people, or require fewer crewed options",
                )
            )
    if problems:
        raise InputError(problems)


def explain_failure(inp: PlanInputs, status: str) -> InputError:
    """An error for a solver failure, after the prechecks found nothing."""
    what = f"the planner found no feasible plan (solver status: {status})"
    fix = "relax the deterrence floor, the requirements or the budgets"
    if inp.min_deterrence is not None:
        what = (
            f"no plan reaches weighted deterrence {inp.min_deterrence:.3f} within the budgets (solver status: {status})"
        )
        fix = "lower the target or raise the budgets"
    return InputError([Problem(WHERE, "plan", what, fix)])
