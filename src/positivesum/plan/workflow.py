"""The planning workflow: inputs from the data, surrogate, regimes, re-simulation, cooperation dividend.

Every regime's portfolio is verified by simulation: its effects are applied to
the dataset, each scenario is rebuilt and simulated against the adversary
projected to the plan's last year, and the outcome probabilities reported are
the simulated ones (the surrogate only guides the choice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..domestic.budget import budget_path_share_of_gdp
from ..domestic.fiscal import fiscal_tradeoff
from ..domestic.personnel import personnel_headroom
from ..model.dataset import Dataset
from ..model.errors import InputError
from ..model.loader import LoadedDataset
from .catalogue import build_catalogue
from .levers import option_levels
from .milp import Plan, PlanInputs
from .regimes import RegimeSpec, min_cost_for, plan_regime
from .surrogate import Surrogate, fit_surrogate, validate
from .verify import verify_portfolio

UNLIMITED_PERSONS = 1e9


@dataclass
class PlanningContext:
    """Inputs shared by every regime, plus what the report needs to explain them."""

    inputs: PlanInputs
    actors: list[str]
    scenarios: list[str]
    threat_factor: float
    budgets: dict[str, dict]
    notes: list[str] = field(default_factory=list)


def budget_matrix(
    ds: Dataset,
    actors: list[str],
    horizon: int,
    base_year: int,
    overrides: dict[str, tuple[float, float]] | None = None,
) -> tuple[np.ndarray, dict[str, dict]]:
    """(A, H) money for new options (million USD) from each actor's budget path and catalogue share."""
    out = np.zeros((len(actors), horizon))
    info = {}
    for i, a in enumerate(actors):
        target = ds.planning.budgets[a]
        share, year = (
            overrides.get(a, (target.target_share_of_gdp, target.target_year))
            if overrides
            else (target.target_share_of_gdp, target.target_year)
        )
        path = budget_path_share_of_gdp(
            a,
            ds.actors[a],
            target_share=share,
            target_year=int(year),
            base_year=base_year,
            horizon_years=horizon,
            inflation_per_year=ds.planning.inflation_per_year.value,
            reference_gdp_year=int(target.reference_gdp_year) if target.reference_gdp_year else None,
        )
        increment = np.maximum(path.increment_musd().to_numpy(dtype=float), 0.0)
        out[i] = increment * target.catalogue_share
        info[a] = {
            "target_share_of_gdp": share,
            "target_year": int(year),
            "base_share_of_gdp": float(path.base_share_of_gdp),
            "catalogue_share": target.catalogue_share,
            "increment_musd": increment.round(1).tolist(),
            "for_options_musd": out[i].round(1).tolist(),
            "fiscal": _fiscal(a, ds.actors[a], path),
        }
    return out, info


def _fiscal(actor_id: str, actor, path) -> dict | None:
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
            else [c for c in frame if "cumulative" in c][0]
        )
        values = frame[col].to_numpy(dtype=float)[-horizon:]
        out[i] = np.maximum(values, 0.0)
        if (values < 0).any():
            notes.append(
                f"{a}: recruitment does not cover attrition (headroom {values.min():,.0f} persons); "
                "new capabilities must be manned by automation that frees people"
            )
    return out, notes


def production_limits(ds: Dataset, actors: list[str], option_ids: list[str], horizon: int) -> dict:
    """Industrial capacity per (actor, munition): rounds/year that options may add, from the domestic
    engine's ramp ceiling (max_per_year, else the surge rate) less today's production."""
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
            out[(i, mid)] = (added, max(0.0, ceiling - h.production_per_year))
    return out


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


def build_context(
    ld: LoadedDataset, *, budget_overrides=None, surrogate: Surrogate | None = None, seed: int = 20260101, progress=None
) -> tuple[PlanningContext, Surrogate]:
    """Everything the regimes need; fits the surrogate unless one is given."""
    ds = ld.dataset
    pp = ds.planning
    horizon, base_year = int(pp.horizon_years.value), int(pp.base_year.value)
    actors = [a for a in pp.budgets if a in ds.actors]
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    areas = list(ds.mission_areas)
    factor = (1 + pp.adversary_growth_per_year.value) ** horizon
    if surrogate is None:
        surrogate = fit_surrogate(
            ds,
            scenarios,
            areas,
            reps=int(pp.surrogate_replications.value),
            seed=seed,
            stalemate_weight=pp.stalemate_weight.value,
            threat_factor=factor,
            progress=progress,
        )
    if not surrogate.validation:
        validate(
            surrogate,
            ds,
            samples=2,
            rng=np.random.default_rng(seed),
            threat_factor=factor,
            stalemate_weight=pp.stalemate_weight.value,
        )
    cat = build_catalogue(ds, actors, horizon)
    budgets, budget_info = budget_matrix(ds, actors, horizon, base_year, budget_overrides)
    headroom, notes = headroom_matrix(ds, actors, horizon, base_year)
    inputs = PlanInputs(
        cat=cat,
        q=option_levels(ds, list(cat.option_ids), surrogate.areas),
        sur=surrogate,
        weights={s: ds.scenarios[s].weight.value for s in scenarios},
        budget_musd=budgets,
        personnel_headroom=headroom,
        participation=participation(ds, surrogate.scenarios, actors),
        production_limits=production_limits(ds, actors, list(cat.option_ids), horizon),
    )
    return PlanningContext(inputs, actors, scenarios, factor, budget_info, notes), surrogate


def resimulate(
    ld: LoadedDataset,
    plan: Plan,
    scenarios: list[str],
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    in_service_only: bool = True,
) -> dict:
    """Apply a plan's options to the data and simulate every scenario (:func:`.verify.verify_portfolio`)."""
    return verify_portfolio(
        ld,
        plan.choices,
        scenarios,
        threat_factor=threat_factor,
        reps=reps,
        seed=seed,
        stalemate_weight=stalemate_weight,
        in_service_only=in_service_only,
    )


def run_regime(ctx: PlanningContext, spec: RegimeSpec, gap: float = 1e-4) -> Plan:
    return plan_regime(ctx.inputs, spec, gap)


def money_saved(ctx: PlanningContext, regime_plan: Plan, gap: float = 1e-4) -> dict:
    """Cheapest joint plan matching a regime's (surrogate) deterrence, and the money it saves."""
    # One cost measure throughout: lifecycle cost, which is what the min-cost plan minimises.
    try:
        cheapest = min_cost_for(ctx.inputs, regime_plan.weighted_deterrence - 1e-6, gap)
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
