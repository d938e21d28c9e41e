"""Burden-sharing regimes compared at equal money per actor (docs/methodology/planning.md §5).

* ``joint`` (positive-sum): one plan for the alliance: each actor pays in the same money as in every other
  regime, pooled into one fund each year, spent on any ally's options for the alliance weights. Its feasible
  set contains every other regime's portfolio, so at equal money it is never worse on the surrogate.
* ``spending-target``: each actor spends its own money on its own options for its national objective
  (the scenarios it takes part in), uncoordinated; the portfolios are then put together.
* ``cost-transfer``: the allies hand their money to the receiving actor (host-nation support or cash);
  only the receiver buys, for its national objective. The host-nation-support agreement is an explicit input
  (``planning.host_nation_support``): a payer's new money reaches the receiver only once the current
  agreement has expired (it is not reopened), and a stated share of the support itself may buy options.
* ``negotiated``: joint planning, but each actor's money is the user's share of the alliance total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .diagnose import explain_failure, precheck
from .milp import Plan, PlanInputs, build, extract, solve, start_vector

Choices = Sequence[tuple[str, str, int]]

REGIMES = ("joint", "spending-target", "cost-transfer", "negotiated")


@dataclass(frozen=True)
class RegimeSpec:
    """How a regime is set up; ``split`` maps actor → share of the alliance total (negotiated)."""

    name: str
    receiver: str = "USA"
    split: dict[str, float] | None = None
    transfer_from: dict[str, int] | None = None
    """Cost-transfer: first plan-year index (0-based) from which each listed payer's money may be transferred."""
    receiver_extra_musd: tuple[float, ...] | None = None
    """Cost-transfer: money the receiver may spend on top of the transfers (host-nation support), by plan year."""


def national_weights(inp: PlanInputs, actor_index: int) -> dict[str, float]:
    """An actor's own weights: the scenario weights of the scenarios it takes part in."""
    part = (
        inp.participation if inp.participation is not None else np.ones((len(inp.sur.scenarios), len(inp.cat.actors)))
    )
    return {s: inp.weights.get(s, 0.0) * part[i, actor_index] for i, s in enumerate(inp.sur.scenarios)}


def _solve(inp: PlanInputs, gap: float, starts: Sequence[Choices] = ()) -> Plan:
    """One MILP; ``starts`` are earlier portfolios: the best one feasible here is HiGHS's first incumbent (a
    portfolio this model cannot hold is ignored, and the plan's ``warm_start`` says why)."""
    precheck(inp)
    model, v = build(inp)
    status = solve(model, gap, starts=[start_vector(model, v, inp, c) for c in starts if c])  # empty: nothing to gain
    if status[0] != "ok" and status[1] not in ("optimal", "time_limit", "suboptimal"):
        raise explain_failure(inp, f"{status[0]}/{status[1]}")
    return extract(model, v, inp, status)


def _sum_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Σ of actor × year frames, added as the built-in ``sum`` adds them (0 + f₁ + f₂ …); ``frames`` is not empty."""
    total = 0 + frames[0]
    for frame in frames[1:]:
        total = total + frame
    return total


def combine(inp: PlanInputs, plans: list[Plan]) -> Plan:
    """Evaluate several actors' separate portfolios as one alliance portfolio (surrogate)."""
    cat, sur = inp.cat, inp.sur
    choices = [c for p in plans for c in p.choices]
    part = inp.participation if inp.participation is not None else np.ones((len(sur.scenarios), len(cat.actors)))
    levels = {s: {m: 0.0 for m in sur.areas} for s in sur.scenarios}
    q = inp.scenario_q()  # (S, O, M)
    for actor, oid, start in choices:
        a, o = cat.actors.index(actor), cat.index(oid)
        if cat.in_service[o, start - 1, -1] <= 0:
            continue
        for i, s in enumerate(sur.scenarios):
            for j, m in enumerate(sur.areas):
                levels[s][m] += part[i, a] * q[i, o, j]
    det = {s: sur.predict(s, levels[s]) for s in sur.scenarios}
    total = sum(inp.weights.get(s, 0.0) for s in sur.scenarios) or 1.0
    spend = _sum_frames([p.spending_musd for p in plans])
    return Plan(
        status=", ".join(sorted({p.status for p in plans})),
        objective=plans[0].objective if len(plans) == 1 else float("nan"),  # several MILPs have no one objective
        choices=choices,
        spending_musd=spend,
        personnel=_sum_frames([p.personnel for p in plans]),
        levels=levels,
        deterrence=det,
        weighted_deterrence=sum(inp.weights.get(s, 0.0) / total * det[s] for s in det),
        total_cost_musd=float(spend.values.sum()),
        budget_slack_musd=spend.rsub(inp.budget_musd),  # budget − spend (a frame, as ndarray − DataFrame gives)
        lifecycle_cost_musd=float(sum(p.lifecycle_cost_musd for p in plans)),
        # the certificate: each part's own (a single plan's objective and bound; for several, the widest gap)
        gap=max((p.gap for p in plans if p.gap is not None), default=None),
        best_bound=plans[0].best_bound if len(plans) == 1 else None,
        gap_target=max((p.gap_target for p in plans if p.gap_target is not None), default=None),
        warm_start="; ".join(sorted({p.warm_start for p in plans if p.warm_start})),
        solve_s=float(sum(p.solve_s for p in plans)),
    )


def plan_regime(inp: PlanInputs, spec: RegimeSpec, gap: float = 1e-4, starts: Sequence[Plan] = ()) -> Plan:
    """Solve one regime at the budgets in ``inp`` (each actor's money for new options); ``starts`` (earlier
    regimes' plans) warm-start each MILP where they are feasible for it."""
    cat = inp.cat
    portfolios = [p.choices for p in starts]
    if spec.name == "joint":
        return combine(inp, [_solve(replace(inp, pooled_budget=True), gap, portfolios)])
    if spec.name == "spending-target":
        plans = []
        taken: set[int] = set()
        for a, _actor in enumerate(cat.actors):
            own = cat.eligible & (np.arange(len(cat.actors)) == a)[None, :]
            # Uncoordinated but physically consistent: an actor cannot buy what excludes an ally's earlier choice
            # (exclusions describe one posture, e.g. Marines on Okinawa or on Guam). Actors plan in budget order.
            for o, e in cat.exclusions:
                if o in taken:
                    own[e] = False
                if e in taken:
                    own[o] = False
            budget = np.zeros_like(inp.budget_musd)
            budget[a] = inp.budget_musd[a]
            mine = [(ra, ro) for ra, ro in inp.required if ra == a]  # each actor plans only its own requirements
            own_starts = [[c for c in p if c[0] == _actor] for p in portfolios]  # its own part of earlier plans
            plans.append(
                _solve(
                    replace(inp, allowed=own, budget_musd=budget, weights=national_weights(inp, a), required=mine),
                    gap,
                    own_starts,
                )
            )
            taken |= {cat.index(oid) for _, oid, _ in plans[-1].choices}
        return combine(inp, plans)
    if spec.name == "cost-transfer":
        r = cat.actors.index(spec.receiver)
        own = cat.eligible & (np.arange(len(cat.actors)) == r)[None, :]
        budget = np.zeros_like(inp.budget_musd)
        transferable = inp.budget_musd.copy()
        for payer, start in (spec.transfer_from or {}).items():
            if payer in cat.actors and payer != spec.receiver:
                transferable[cat.actors.index(payer), :start] = 0.0  # no new transfer before the agreement expires
        budget[r] = transferable.sum(axis=0)
        if spec.receiver_extra_musd is not None:
            budget[r] = budget[r] + np.asarray(spec.receiver_extra_musd, dtype=float)[: budget.shape[1]]
        receiver_starts = [[c for c in p if c[0] == spec.receiver] for p in portfolios]
        return combine(
            inp,
            [
                _solve(
                    replace(inp, allowed=own, budget_musd=budget, weights=national_weights(inp, r)),
                    gap,
                    receiver_starts,
                )
            ],
        )
    if spec.name == "negotiated":
        split = spec.split or {}
        shares = np.array([split.get(a, 0.0) for a in cat.actors])
        budget = shares[:, None] * inp.budget_musd.sum(axis=0)[None, :]
        return combine(inp, [_solve(replace(inp, budget_musd=budget), gap, portfolios)])
    raise ValueError(f"unknown regime '{spec.name}' — use one of: {', '.join(REGIMES)}")


def min_cost_for(inp: PlanInputs, target: float, gap: float = 1e-4, starts: Sequence[Plan] = ()) -> Plan:
    """The cheapest joint plan reaching a weighted deterrence (money saved at equal deterrence); a regime's
    plan that reaches ``target`` is a feasible start (``starts``), and HiGHS improves on it."""
    pooled = replace(inp, min_deterrence=target, pooled_budget=True)
    return _solve(pooled, gap, [p.choices for p in starts])
