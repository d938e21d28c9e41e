"""The regime comparison's MILPs as two waves of independent solves on the Dask executor.

Phase 1 of `compare-regimes` (services/compare.py) solves a dozen MILPs: the three zero-sum regimes, the joint
plan (warm-started from them), the cheapest joint plan at each regime's deterrence, and for every spending target
its national and joint plans. They were solved one after the other in the main process while the cluster's
workers waited. Their dependencies allow two waves:

1. the zero-sum regimes, and every spending target (its two plans, the joint one warm-started from the national
   one, in one job);
2. the joint plan (warm-started from wave 1's regime plans) and the cheapest joint plan at each regime's
   deterrence (its first incumbent that regime's plan).

Each wave runs through :func:`.executor.map_ordered`, so its solves run side by side on the workers (with the
caller's MILP cache), or one after the other here without a cluster. A solve is a pure function of its model,
so the plans are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import defaults
from ..model.errors import InputError
from ..model.loader import LoadedDataset
from ..plan.milp import Plan
from ..plan.regimes import RegimeSpec
from ..plan.surrogate import Surrogate
from ..plan.workflow import PlanningContext, build_context, cheapest_at_equal_deterrence, run_regime
from . import executor
from .plan import need_planning, parse_budgets

#: The zero-sum regimes and the joint one, in the order the comparison reports them.
ZERO_SUM = ("spending-target", "cost-transfer", "negotiated")


@dataclass(frozen=True, eq=False)
class Shared:
    """What every solve needs: the planning context, and for the spending targets the data, seed and surrogate."""

    ctx: PlanningContext
    ld: LoadedDataset
    seed: int
    surrogate: Surrogate


def _solve(shared: Shared, job: tuple) -> Any:
    """One job (module level, so that a Dask worker can unpickle it). An infeasible cheapest plan comes back as
    its problems (an :class:`InputError` is rebuilt from them in the caller)."""
    kind = job[0]
    if kind == "regime":
        return run_regime(shared.ctx, job[1], defaults.MILP_GAP, list(job[2]))
    if kind == "cheapest":
        try:
            return cheapest_at_equal_deterrence(shared.ctx, job[1], defaults.MILP_GAP)
        except InputError as err:
            return ("infeasible", err.problems)
    if kind == "target":
        return plan_target(shared.ld, job[1], seed=shared.seed, surrogate=shared.surrogate)
    raise ValueError(f"unknown job {kind}")


def plan_target(ld: LoadedDataset, pid: str, *, seed: int, surrogate: Surrogate) -> dict[str, Any]:
    """A spending target as a regime, the MILP half: every ally but the receiver at target ``pid`` (the receiver at
    its own), each spending its own money on its own options (the spending-target regime), and the joint plan with
    the same money (warm-started from the national portfolios, which are joint-feasible: never below them on the
    surrogate). The comparison's own surrogate is reused; the simulations are added to its batch
    (services/compare.py ``_target_rows``). The preset is checked by the caller."""
    pp = need_planning(ld)
    items = [f"{a}={pid}" for a in pp.budgets if a in ld.dataset.actors and a != pp.receiver]
    ctx, _ = build_context(ld, budget_overrides=parse_budgets(ld, items), surrogate=surrogate, seed=seed)
    plans: dict[str, Plan] = {}
    for name in ("spending-target", "joint"):
        plans[name] = run_regime(ctx, RegimeSpec(name, receiver=pp.receiver), defaults.MILP_GAP, list(plans.values()))
    return {
        "row": {
            "preset": pid,
            "name": pp.target_presets[pid].name.en,
            "name_ja": pp.target_presets[pid].name.ja,
            "share_of_gdp": pp.target_presets[pid].share_of_gdp.value,
            "applied_to": [i.split("=")[0] for i in items],
            "money_for_options_musd": {a: float(sum(ctx.budgets[a]["for_options_musd"])) for a in ctx.actors},
        },
        "plans": plans,
        "weights": dict(ctx.inputs.weights),
    }


def solve_waves(
    client: Any,
    shared: Shared,
    specs: dict[str, RegimeSpec],
    targets: list[str],
    say: Callable[[str, int, int], None],
) -> tuple[dict[str, Plan], dict[str, Plan | InputError], dict[str, dict[str, Any]]]:
    """The regimes' plans, the cheapest joint plans at equal deterrence (or why none exists) and the spending
    targets' plans, in two waves on ``client`` (None: here)."""
    label = "planning: regimes and spending targets (MILPs)"
    first: list[tuple] = [("regime", specs[n], ()) for n in ZERO_SUM] + [("target", pid) for pid in targets]
    say(label, 0, len(first))
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        say(label, done[0], len(first))

    wave1 = executor.map_ordered(client, _solve, first, tick, shared=shared, cost=_critical)
    plans: dict[str, Plan] = dict(zip(ZERO_SUM, wave1[: len(ZERO_SUM)]))
    target_plans = dict(zip(targets, wave1[len(ZERO_SUM) :]))
    # the joint plan's feasible set contains every other regime's portfolio: warm-started from them, its incumbent
    # is never below theirs on the surrogate, whatever the stated gap (defaults.MILP_GAP)
    label = "planning: joint plan and the cheapest at equal deterrence (MILPs)"
    second: list[tuple] = [("regime", specs["joint"], tuple(plans[n] for n in ZERO_SUM))]
    second += [("cheapest", plans[n]) for n in ZERO_SUM]
    say(label, 0, len(second))
    done[0] = 0

    def tock(n: int) -> None:
        done[0] += n
        say(label, done[0], len(second))

    wave2 = executor.map_ordered(client, _solve, second, tock, shared=shared, cost=_critical)
    plans["joint"] = wave2[0]
    cheapest: dict[str, Plan | InputError] = {}
    for name, found in zip(ZERO_SUM, wave2[1:]):
        cheapest[name] = InputError(found[1]) if isinstance(found, tuple) and found[0] == "infeasible" else found
    return plans, cheapest, target_plans


def _critical(_solve_item: Any) -> float:
    """The comparison's next stage waits for every solve of a wave: they go first on the cluster."""
    return executor.CRITICAL_PATH_COST
