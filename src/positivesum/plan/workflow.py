"""The planning workflow: inputs from the data, surrogate, regimes, re-simulation, cooperation dividend.

Every regime's portfolio is verified by simulation: its effects are applied to
the dataset, each scenario is rebuilt and simulated against the adversary
projected to the plan's last year, and the outcome probabilities reported are
the simulated ones (the surrogate only guides the choice).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..domestic.budget import (
    BudgetPath,
    TargetSpec,
    local_per_usd,
    spec_from_preset,
    spec_from_target,
    target_paths,
)
from ..domestic.fiscal import fiscal_tradeoff
from ..domestic.personnel import personnel_headroom
from ..model.actors import Actor
from ..model.dataset import Dataset
from ..model.errors import InputError
from ..model.forces import year_of_date
from ..model.loader import LoadedDataset
from ..model.planning import PlanningParameters
from .allocation import ScenarioRuns
from .catalogue import build_catalogue
from .effects import effect_items, kappa_table, measure_effects
from .levers import option_item_levels
from .milp import Plan, PlanInputs
from .regimes import RegimeSpec, min_cost_for, plan_regime
from .surrogate import SimMap, Surrogate, fit_surrogate, serial_map, validate
from .verify import verify_portfolio

UNLIMITED_PERSONS = 1e9


@dataclass
class PlanningContext:
    """Inputs shared by every regime, plus what the report needs to explain them."""

    inputs: PlanInputs
    actors: list[str]
    scenarios: list[str]
    threat_factor: float
    budgets: dict[str, dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    transfer_from: dict[str, int] = field(default_factory=dict)
    """Cost-transfer regime: first plan-year index from which a payer's money may be transferred (host-nation
    support agreement not reopened before it expires)."""
    receiver_extra_musd: np.ndarray | None = None
    """Cost-transfer regime: host-nation support the receiver may spend on options, by plan year."""
    host_nation_support: dict[str, Any] | None = None
    """The host-nation-support input as used, for the result."""
    negotiation_opening: dict[str, Any] | None = None
    """The negotiated regime's opening position (preset, shares), for the result."""


def require_planning(ds: Dataset) -> PlanningParameters:
    """The dataset's planning parameters (services.plan checks for them first and explains how to add them)."""
    if ds.planning is None:
        raise ValueError("the dataset has no `planning:` section, so it cannot be planned with")
    return ds.planning


def budget_spec(ds: Dataset, actor: str, override: TargetSpec | None = None) -> TargetSpec:
    """The target an actor's planning money follows: the override (a --target or --preset) or the data's."""
    pp = require_planning(ds)
    return override if override is not None else spec_from_target(pp.budgets[actor], pp.budget_basis)


def preset_spec(ds: Dataset, preset_id: str, actor: str | None = None) -> TargetSpec:
    """A named target preset applied to ``actor`` (default: the preset's own actor), with that actor's catalogue
    share; the caller checks that both exist."""
    pp = require_planning(ds)
    preset = pp.target_presets[preset_id]
    who = actor or preset.actor
    return spec_from_preset(preset_id, preset, pp.budgets[who].catalogue_share, pp.budget_basis)


def budget_matrix(
    ds: Dataset,
    actors: list[str],
    horizon: int,
    base_year: int,
    overrides: dict[str, TargetSpec] | None = None,
) -> tuple[np.ndarray, dict[str, dict[str, Any]]]:
    """(A, H) money for new options (million USD) from each actor's counted target (domestic/budget.py
    :func:`target_paths`): the catalogue share of the growth of its defence ("core") budget."""
    pp = require_planning(ds)
    out = np.zeros((len(actors), horizon))
    info = {}
    for i, a in enumerate(actors):
        spec = budget_spec(ds, a, (overrides or {}).get(a))
        paths = target_paths(
            a,
            ds.actors[a],
            spec,
            base_year=base_year,
            horizon_years=horizon,
            inflation_per_year=pp.inflation_per_year.value,
        )
        out[i] = paths.for_options_musd()
        increment = np.maximum(paths.total.increment_musd().to_numpy(dtype=float), 0.0)
        info[a] = {
            "target_share_of_gdp": spec.share,
            "target_year": spec.year,
            "reference_gdp_year": spec.reference_gdp_year,
            "preset": spec.preset,
            "budget_basis": spec.basis,
            "counts_related": spec.counts_related,
            "related_share_of_gdp": spec.related_share,
            "base_share_of_gdp": float(paths.total.base_share_of_gdp),
            "base_share_of_target_gdp_by_basis": {k: round(v, 5) for k, v in paths.share_today_by_basis.items()},
            "counted_today_local_bn": {k: round(v, 1) for k, v in paths.counted_today.items()},
            "catalogue_share": spec.catalogue_share,
            "increment_musd": increment.round(1).tolist(),
            "for_options_musd": out[i].round(1).tolist(),
            "fiscal": _fiscal(a, ds.actors[a], paths.total),
        }
    return out, info


def _fiscal(actor_id: str, actor: Actor, path: BudgetPath) -> dict[str, Any] | None:
    """The fiscal trade-off of the budget path (where the data has social-security figures): per year the
    extra defence money, the social-security natural increase, the revenue they need, and the debt ratio
    if bond-financed (domestic/fiscal.py)."""
    if not actor.social_security_local_bn:
        return None
    trade = fiscal_tradeoff(actor_id, actor, path)
    frame = trade.frame
    keep = [
        c
        for c in frame.columns
        if c
        in (
            "year",
            "plan_year",
            "extra_defence_local_bn",
            "social_security_increase_local_bn",
            "funding_need_local_bn",
            "crowding_out_local_bn",
            "debt_ratio_pct",
            "debt_ratio_change_pct_points",
        )
    ]
    return {
        "currency": actor.currency,
        "rows": frame[keep].round(2).to_dict(orient="records"),
        "cumulative_funding_need_local_bn": round(trade.cumulative_funding_need_local_bn, 1),
        "debt_ratio_change_pct_points_by_last_year": round(trade.final_debt_ratio_change_pct_points, 2),
    }


def headroom_matrix(ds: Dataset, actors: list[str], horizon: int, base_year: int) -> tuple[np.ndarray, list[str]]:
    """(A, H) cumulative extra persons an actor can man (never below zero; unlimited without personnel data)."""
    out = np.full((len(actors), horizon), UNLIMITED_PERSONS)
    notes = []
    for i, a in enumerate(actors):
        actor = ds.actors[a]
        if actor.personnel is None or not actor.personnel.recruitment:
            notes.append(f"{a}: no recruitment data, personnel not limited")
            continue
        frame = personnel_headroom(a, actor, base_year=base_year, horizon_years=horizon).frame
        col = (
            "cumulative_headroom_persons"
            if "cumulative_headroom_persons" in frame
            else [str(c) for c in frame if "cumulative" in str(c)][0]
        )
        values = frame[col].to_numpy(dtype=float)[-horizon:]
        out[i] = np.maximum(values, 0.0)
        if (values < 0).any():
            notes.append(
                f"{a}: recruitment does not cover attrition (headroom {values.min():,.0f} persons); "
                "new capabilities must be manned by automation that frees people"
            )
    return out, notes


def production_limits(
    ds: Dataset, actors: list[str], option_ids: list[str], horizon: int, base_year: int | None = None
) -> dict[tuple[int, str], tuple[np.ndarray, float]]:
    """Industrial capacity per (actor, munition): rounds/year that options may add, from the domestic
    engine's ramp ceiling (max_per_year, else the surge rate) less the production of the plan's base year
    (the holding's year-matched rate, ``Holding.production_in``; today's rate without a year)."""
    out = {}
    for mid, mun in ds.munitions.items():
        for i, a in enumerate(actors):
            added = np.zeros(len(option_ids))
            for k, oid in enumerate(option_ids):
                for e in ds.options[oid].effects:
                    parts = e.target.replace("{actor}", a).split(".")
                    if (
                        parts[:2] == ["munitions", mid]
                        and parts[-1] == "production_per_year"
                        and parts[3] == a
                        and e.operation == "add"
                    ):
                        added[k] += e.value
            if not added.any() or a not in mun.holdings:
                continue
            h = mun.holdings[a]
            cap = ds.actors[a].industrial_capacity.get(mid)
            ceiling = cap.max_per_year.value if cap else h.surge_per_year
            out[(i, mid)] = (added, max(0.0, ceiling - h.production_in(base_year)))
    return out


def host_nation_support_terms(
    ds: Dataset, actors: list[str], horizon: int, base_year: int
) -> tuple[dict[str, int], np.ndarray, dict[str, Any] | None]:
    """The cost-transfer regime's host-nation-support input (``planning.host_nation_support``).

    Returns (first plan-year index from which each payer's money may be transferred, the support money the
    receiver may spend on options by plan year 1..H in base-year million USD, a record for the result). The
    support runs at total / term per (fiscal) year up to ``last_year`` and at ``renewal_factor`` times that
    after; ``catalogue_share`` of it may buy options. With ``transfers_after_expiry`` a payer's new money
    reaches the receiver only from the first year after ``last_year``."""
    pp = require_planning(ds)
    hns = pp.host_nation_support
    if hns is None or hns.payer not in actors or hns.receiver not in ds.actors:
        return {}, np.zeros(horizon), None
    first, last = year_of_date(hns.first_year), year_of_date(hns.last_year)
    per_year = hns.total_local_bn.value / max(1, last - first + 1)
    years = np.arange(base_year + 1, base_year + horizon + 1)
    level = np.where(years <= last, per_year, per_year * hns.renewal_factor.value)
    fx = local_per_usd(hns.payer, ds.actors[hns.payer])
    deflator = (1.0 + pp.inflation_per_year.value) ** np.arange(1, horizon + 1)
    extra = hns.catalogue_share.value * level * 1000.0 / fx / deflator
    start = int(np.clip(last + 1 - (base_year + 1), 0, horizon)) if hns.transfers_after_expiry else 0
    record = {
        "payer": hns.payer,
        "receiver": hns.receiver,
        "agreement": f"{hns.first_year}-{hns.last_year}",
        "expires": hns.expires,
        "local_bn_per_year": round(per_year, 1),
        "currency": ds.actors[hns.payer].currency,
        "renewal_factor": hns.renewal_factor.value,
        "catalogue_share": hns.catalogue_share.value,
        "transfers_from_plan_year": start + 1,
        "for_options_musd": extra.round(1).tolist(),
        "source": hns.source,
    }
    return {hns.payer: start}, extra, record


def opening_split(ds: Dataset, actors: list[str], horizon: int, base_year: int) -> dict[str, Any] | None:
    """The negotiated regime's opening position (``planning.negotiation_opening``): every actor but the receiver
    at that preset's target, the receiver at its own; shares of the money for options this gives, and what
    they rest on. ``None`` if the data names no opening."""
    pp = require_planning(ds)
    pid = pp.negotiation_opening
    if pid is None or pid not in pp.target_presets:
        return None
    overrides = {a: preset_spec(ds, pid, a) for a in actors if a != pp.receiver}
    money, _info = budget_matrix(ds, actors, horizon, base_year, overrides)
    sums = money.sum(axis=1)
    total = float(sums.sum()) or 1.0
    return {
        "preset": pid,
        "shares": {a: float(sums[i]) / total for i, a in enumerate(actors)},
        "source": pp.target_presets[pid].source,
    }


def participation(ds: Dataset, scenarios: list[str], actors: list[str]) -> np.ndarray:
    return np.array(
        [
            [
                1.0 if a in ds.scenarios[s].participants and ds.scenarios[s].participants[a].side == "blue" else 0.0
                for a in actors
            ]
            for s in scenarios
        ]
    )


def _run_side_by_side(
    batches: Sequence[Callable[[Callable[[int], None] | None], Any]],
    progress: Callable[[int], None] | None,
    *,
    on_cluster: bool,
) -> None:
    """Run independent simulation batches (the held-out validation, the effect measurement): on a cluster both at
    once, from two threads, so that one batch's units fill the workers while the other's last, longest units
    finish (one wait instead of two); here one after the other. Each batch's units are pure functions of their
    inputs and each batch writes its own field of the surrogate, so the numbers do not depend on it. The threads
    carry the caller's context (the activated caches are context variables), and progress is counted under a
    lock."""
    if len(batches) < 2 or not on_cluster:
        for batch in batches:
            batch(progress)
        return
    lock = threading.Lock()

    def say(n: int) -> None:
        if progress is not None:
            with lock:
                progress(n)

    with ThreadPoolExecutor(max_workers=len(batches), thread_name_prefix="positivesum-surrogate") as pool:
        futures = [pool.submit(contextvars.copy_context().run, batch, say) for batch in batches]
        for future in futures:
            future.result()


def build_context(
    ld: LoadedDataset,
    *,
    budget_overrides: dict[str, TargetSpec] | None = None,
    surrogate: Surrogate | None = None,
    seed: int = 20260101,
    progress: Callable[[int], None] | None = None,
    sim_map: SimMap = serial_map,
) -> tuple[PlanningContext, Surrogate]:
    """Everything the regimes need; fits the surrogate unless one is given (its simulations through
    ``sim_map``: plan/surrogate.py)."""
    ds = ld.dataset
    pp = require_planning(ds)
    horizon, base_year = int(pp.horizon_years.value), int(pp.base_year.value)
    actors = [a for a in pp.budgets if a in ds.actors]
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    areas = list(ds.mission_areas)
    factor = (1 + pp.adversary_growth_per_year.value) ** horizon
    if surrogate is None:
        nominal = int(pp.surrogate_replications.value)
        surrogate = fit_surrogate(
            ds,
            scenarios,
            areas,
            reps=nominal,
            # the planner maximises Σ w̃_s D̂_s: its fit noise is a stratified estimate's (plan/allocation.py)
            reps_by_scenario=ScenarioRuns.for_dataset(ds, scenarios, nominal, seed).reps,
            seed=seed,
            stalemate_weight=pp.stalemate_weight.value,
            threat_factor=factor,
            progress=progress,
            sim_map=sim_map,
        )
    lam, sur = pp.stalemate_weight.value, surrogate
    batches: list[Callable[[Callable[[int], None] | None], Any]] = []
    if not surrogate.validation:  # held-out error, stored with the surrogate (and so cached with it)
        batches.append(
            lambda say: validate(sur, ds, threat_factor=factor, stalemate_weight=lam, progress=say, sim_map=sim_map)
        )
    cat = build_catalogue(ds, actors, horizon)
    items, q_items = option_item_levels(ds, list(cat.option_ids), surrogate.areas)
    if pp.lever_basis == "effect" and not surrogate.effects:  # measured once per surrogate, and cached with it
        measured = effect_items(ds, surrogate.areas)
        batches.append(
            lambda say: measure_effects(
                sur, ds, measured, threat_factor=factor, stalemate_weight=lam, progress=say, sim_map=sim_map
            )
        )
    # a map that sends units to a cluster says so (services/executor.py sim_map_on); here, one batch at a time
    _run_side_by_side(batches, progress, on_cluster=bool(getattr(sim_map, "concurrent", False)))
    kappa = None
    if pp.lever_basis == "effect":
        kappa = kappa_table(surrogate.effects, items, surrogate.areas)
    budgets, budget_info = budget_matrix(ds, actors, horizon, base_year, budget_overrides)
    headroom, notes = headroom_matrix(ds, actors, horizon, base_year)
    transfer_from, hns_extra, hns_record = host_nation_support_terms(ds, actors, horizon, base_year)
    inputs = PlanInputs(
        cat=cat,
        q=q_items.sum(axis=0) if len(items) else np.zeros((len(cat.option_ids), len(surrogate.areas))),
        sur=surrogate,
        weights={s: ds.scenarios[s].weight.value for s in scenarios},
        budget_musd=budgets,
        personnel_headroom=headroom,
        participation=participation(ds, surrogate.scenarios, actors),
        production_limits=production_limits(ds, actors, list(cat.option_ids), horizon, base_year),
        q_items=q_items if kappa is not None else None,
        kappa=kappa,
    )
    ctx = PlanningContext(
        inputs,
        actors,
        scenarios,
        factor,
        budget_info,
        notes,
        transfer_from=transfer_from,
        receiver_extra_musd=hns_extra,
        host_nation_support=hns_record,
        negotiation_opening=opening_split(ds, actors, horizon, base_year),
    )
    return ctx, surrogate


def resimulate(
    ld: LoadedDataset,
    plan: Plan,
    scenarios: list[str],
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    in_service_only: bool = True,
    detail: bool = False,
    rep_out: dict[str, Any] | None = None,
    runs: ScenarioRuns | None = None,
) -> dict[str, Any]:
    """Apply a plan's options to the data and simulate every scenario (:func:`.verify.verify_portfolio`);
    ``detail``, ``rep_out`` and ``runs`` as there (other measures with intervals; per-replication scores; each
    scenario's replications and seed)."""
    return verify_portfolio(
        ld,
        plan.choices,
        scenarios,
        threat_factor=threat_factor,
        reps=reps,
        seed=seed,
        stalemate_weight=stalemate_weight,
        in_service_only=in_service_only,
        detail=detail,
        rep_out=rep_out,
        runs=runs,
    )


def run_regime(ctx: PlanningContext, spec: RegimeSpec, gap: float = 1e-4, starts: Sequence[Plan] = ()) -> Plan:
    """One regime's plan; the cost-transfer regime gets the host-nation-support terms if its receiver is the
    agreement's receiver. ``starts``: earlier plans, used as warm starts where feasible (regimes.plan_regime)."""
    hns = ctx.host_nation_support
    if spec.name == "cost-transfer" and hns is not None and hns["receiver"] == spec.receiver:
        extra = ctx.receiver_extra_musd
        spec = replace(
            spec,
            transfer_from=dict(ctx.transfer_from),
            receiver_extra_musd=None if extra is None else tuple(float(x) for x in extra),
        )
    return plan_regime(ctx.inputs, spec, gap, starts)


def cheapest_at_equal_deterrence(ctx: PlanningContext, regime_plan: Plan, gap: float = 1e-4) -> Plan:
    """The cheapest joint plan whose surrogate deterrence reaches the regime's (raises InputError if none)."""
    # the regime's own portfolio reaches its deterrence: a feasible first incumbent (ignored if it is not)
    return min_cost_for(ctx.inputs, regime_plan.weighted_deterrence - 1e-6, gap, starts=[regime_plan])


def money_saved(
    ctx: PlanningContext, regime_plan: Plan, gap: float = 1e-4, cheapest: Plan | InputError | None = None
) -> dict[str, Any]:
    """Cheapest joint plan matching a regime's (surrogate) deterrence, and the money it saves; ``cheapest`` is
    that plan (or the error saying it does not exist) when the caller has already solved for it."""
    # One cost measure throughout: lifecycle cost, which is what the min-cost plan minimises.
    try:
        if cheapest is None:
            cheapest = cheapest_at_equal_deterrence(ctx, regime_plan, gap)
        if isinstance(cheapest, InputError):
            raise cheapest
    except InputError as err:
        return {
            "regime_cost_musd": regime_plan.lifecycle_cost_musd,
            "joint_cost_at_equal_deterrence_musd": None,
            "saved_musd": None,
            "note": err.render(),
        }
    return {
        "regime_cost_musd": regime_plan.lifecycle_cost_musd,
        "joint_cost_at_equal_deterrence_musd": cheapest.lifecycle_cost_musd,
        "saved_musd": max(0.0, regime_plan.lifecycle_cost_musd - cheapest.lifecycle_cost_musd),
    }
