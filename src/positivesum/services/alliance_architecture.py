"""Alliance-architecture operations: intervention-level matrix, roles matrix, command structures.

Services layer (the CLI and the report call these); the engines live in alliance/, plan/ and sim/.
Every result carries the seed, replications and provenance.
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

import numpy as np

from .alliance.coalitions import coalition_inputs
from .alliance.roles import (
    DEFAULT_PRIMARY_SHARE,
    DEFAULT_SUPPORTING_SHARE,
    capital_by_actor_area,
    derive_roles,
    diff_roles,
    duplicates,
    gaps,
    marginal_value,
)
from .alliance.structures import domain_latencies_hours, initial_response_hours, role_command_problems
from .model.errors import InputError, Location, Problem
from .model.loader import LoadedDataset, validate_tree
from .model.merge import _suggest
from .model.scenarios import INTERVENTION_LEVELS
from .plan.catalogue import apply_portfolio
from .plan.levers import scale_adversary
from .plan.regimes import REGIMES, RegimeSpec, plan_regime
from .plan.surrogate import deterrence, fit_surrogate
from .plan.workflow import PlanningContext, participation, run_regime
from .sim.runner import simulate_setup
from .sim.setup import build_setup

CLI = Location("<command line>", 0)


def _check_id(kind: str, value: str, known, option: str) -> None:
    if value not in known:
        raise InputError(
            [Problem(CLI, option, f"no {kind} '{value}'", f"{_suggest(value, known)} (known: {', '.join(known)})")]
        )


def outcome_row(ds, sid: str, factor: float, reps: int, seed: int, stalemate_weight: float) -> dict[str, float]:
    """Outcome probabilities and deterrence of one scenario (adversary grown by ``factor``)."""
    result = simulate_setup(scale_adversary(build_setup(ds, sid), factor), reps, seed)
    probs = result.outcome_probabilities()
    decided = result.data["decided_day"].values
    decided = decided[np.isfinite(decided)]
    return {
        "deterrence": deterrence(result, stalemate_weight),
        **{k: v["p"] for k, v in probs.items()},
        "decided_day_mean": float(decided.mean()) if decided.size else None,
    }


def with_plan(ld: LoadedDataset, choices, horizon: int):
    """The dataset with the options of a plan that are in service by the last plan year."""
    ds = ld.dataset
    chosen = [(a, o) for a, o, t in choices if t + np.ceil(ds.options[o].lead_time_years) <= horizon]
    if not chosen:
        return ds
    return validate_tree(apply_portfolio(ld.raw, ds, chosen), ld.lines, files=list(ld.files)).dataset


def _portfolio(ds, choices) -> list[dict]:
    return [
        {
            "actor": a,
            "option": o,
            "start_plan_year": t,
            "name": ds.options[o].name.en,
            "name_ja": ds.options[o].name.ja,
            "mission_areas": list(ds.options[o].mission_areas),
            "acquisition_musd": float(sum(ds.options[o].cost.acquisition_musd)),
        }
        for a, o, t in sorted(choices)
    ]


def level_scenarios(ds, base_id: str) -> dict[str, str | None]:
    """For each intervention level, the scenario of the base scenario's family (same theatre, adversary,
    objective) at that level; the base itself where it qualifies, else one with the same basing access."""
    base = ds.scenarios[base_id]
    family = [
        s
        for s, sc in ds.scenarios.items()
        if sc.theatre == base.theatre
        and sc.adversary == base.adversary
        and sc.objective == base.objective
        and sc.intervening_actor == base.intervening_actor
    ]
    out = {}
    for level in INTERVENTION_LEVELS:
        cands = [s for s in family if ds.scenarios[s].us_intervention == level]
        same_access = [s for s in cands if ds.scenarios[s].basing_access == base.basing_access]
        out[level] = base_id if base_id in cands else (same_access or cands or [None])[0]
    return out


def _joining_variant(ld: LoadedDataset, sid: str, base_id: str, actor: str) -> tuple[LoadedDataset, str]:
    """The dataset with a copy of scenario ``sid`` in which ``actor`` takes part as in ``base_id``."""
    tree = copy.deepcopy(ld.raw)
    new_id = f"{sid}__{actor.lower()}_joins"
    sc = copy.deepcopy(tree["scenarios"][sid])
    sc["participants"][actor] = copy.deepcopy(tree["scenarios"][base_id]["participants"][actor])
    tree["scenarios"][new_id] = sc
    return validate_tree(tree, ld.lines, files=list(ld.files)), new_id


def intervention_matrix(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    base_scenario: str,
    actor: str = "JPN",
    reps: int = 300,
    seed: int = 20260101,
    gap: float = 1e-3,
    primary_share: float = DEFAULT_PRIMARY_SHARE,
    progress=None,
) -> dict[str, Any]:
    """For each intervention level: ``actor``'s best portfolio on its own money, its cost, its role by
    mission area, and the simulated outcome with and without the portfolio (DESIGN §3.5)."""
    ds = ld.dataset
    _check_id("scenario", base_scenario, list(ds.scenarios), "--scenario")
    _check_id("planning actor", actor, ctx.actors, "--actor")
    base_part = ds.scenarios[base_scenario].participants.get(actor)
    if base_part is None or base_part.side != "blue":
        raise InputError(
            [
                Problem(
                    CLI,
                    "--scenario",
                    f"{actor} takes no part on the allied side in '{base_scenario}'",
                    f"choose a base scenario in which {actor} is a blue participant, e.g. taiwan_base",
                )
            ]
        )
    pp = ds.planning
    horizon, lam = int(pp.horizon_years.value), pp.stalemate_weight.value
    areas = [m for m in ctx.inputs.sur.areas]
    a_idx = ctx.actors.index(actor)
    money = float(ctx.inputs.budget_musd[a_idx].sum())
    rows = []
    for level, sid in level_scenarios(ds, base_scenario).items():
        if progress:
            progress(1)
        if sid is None:
            rows.append(
                {
                    "level": level,
                    "scenario": None,
                    "note": f"no scenario of this family at level '{level}' in the data — add one with "
                    f"`positivesum new scenario NAME --from {base_scenario}` and set us_intervention: {level}",
                }
            )
            continue
        sc = ds.scenarios[sid]
        note, ld_row, sur, sid_row = "", ld, ctx.inputs.sur, sid
        if not (actor in sc.participants and sc.participants[actor].side == "blue"):
            # In the data the actor stays out at this level; the question is what it should do if it joins.
            ld_row, sid_row = _joining_variant(ld, sid, base_scenario, actor)
            note = (
                f"in the data {actor} stays out at this level; this row is a variant in which {actor} takes part "
                f"with its commitment in {base_scenario}"
            )
        if sid_row not in sur.scenarios:  # a variant, or a scenario without planning weight: fit its surrogate
            sur = fit_surrogate(
                ld_row.dataset,
                [sid_row],
                areas,
                reps=int(pp.surrogate_replications.value),
                seed=seed,
                stalemate_weight=lam,
                threat_factor=ctx.threat_factor,
            )
        sc_row = ld_row.dataset.scenarios[sid_row]
        inp = replace(
            coalition_inputs(ctx.inputs, ctx.actors, frozenset([actor])),
            sur=sur,
            weights={sid_row: 1.0},
            participation=participation(ld_row.dataset, sur.scenarios, ctx.actors)
            * (np.array(ctx.actors) == actor)[None, :],
        )
        saturated = sur.base[sid_row] >= 1.0 - 1e-9
        plan = None if saturated else plan_regime(inp, RegimeSpec("joint"), gap)
        choices = plan.choices if plan else []
        if saturated:
            note = (note + "; " if note else "") + "deterrence is already complete here: no purchase adds any"
        ds_plan = with_plan(ld_row, choices, horizon)
        before = outcome_row(ld_row.dataset, sid_row, ctx.threat_factor, reps, seed, lam)
        after = outcome_row(ds_plan, sid_row, ctx.threat_factor, reps, seed, lam) if choices else before
        blue = [a for a, p in sc_row.participants.items() if p.side == "blue"]
        capital = capital_by_actor_area(ds_plan, blue, areas, sid_row)
        roles, shares = derive_roles(capital, areas, primary_share=primary_share)
        rows.append(
            {
                "level": level,
                "scenario": sid,
                "scenario_name": sc.name.en,
                "scenario_name_ja": sc.name.ja,
                "simulated_scenario": sid_row,
                "actor_in_data": sid_row == sid,
                "portfolio": _portfolio(ds, choices),
                "lifecycle_cost_musd": plan.lifecycle_cost_musd if plan else 0.0,
                "acquisition_musd": float(sum(p["acquisition_musd"] for p in _portfolio(ds, choices))),
                "money_for_options_musd": money,
                "role_by_area": {m: roles[m].get(actor, "none") for m in areas},
                "share_by_area": {m: round(shares[m].get(actor, 0.0), 4) for m in areas},
                "outcome_without_plan": before,
                "outcome_with_plan": after,
                "note": note,
            }
        )
    return {
        "actor": actor,
        "base_scenario": base_scenario,
        "levels": rows,
        "threat_factor": ctx.threat_factor,
        "seed": seed,
        "replications": reps,
        "provenance": ld.provenance(),
    }


def check_role_thresholds(primary_share: float, supporting_share: float = DEFAULT_SUPPORTING_SHARE) -> None:
    if not 0 < supporting_share < primary_share <= 1:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--primary-share",
                    f"{primary_share:g} is not a share above the supporting share ({supporting_share:g}) and at most 1",
                    "give a fraction such as 0.4",
                )
            ]
        )


def roles_matrix(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    regime: str = "joint",
    baseline: str | None = None,
    scenario: str | None = None,
    actors: list[str] | None = None,
    primary_share: float = DEFAULT_PRIMARY_SHARE,
    supporting_share: float = DEFAULT_SUPPORTING_SHARE,
    gap: float = 1e-3,
    split=None,
) -> dict[str, Any]:
    """Roles derived from a regime's plan, diffed against a baseline roles matrix, with gaps and duplicates."""
    ds = ld.dataset
    check_role_thresholds(primary_share, supporting_share)
    if regime not in REGIMES:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--regime",
                    f"unknown regime '{regime}'",
                    f"{_suggest(regime, REGIMES)} (one of: {', '.join(REGIMES)})",
                )
            ]
        )
    baseline = baseline or ("guidelines_2015" if "guidelines_2015" in ds.roles else next(iter(ds.roles), None))
    if baseline is None:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--baseline",
                    "the dataset has no roles matrix",
                    "add a `roles:` section (see docs/reference/schema.md)",
                )
            ]
        )
    _check_id("roles matrix", baseline, list(ds.roles), "--baseline")
    if scenario:
        _check_id("scenario", scenario, list(ds.scenarios), "--scenario")
    base = ds.roles[baseline].roles
    actors = actors or sorted({a for cell in base.values() for a in cell})
    for a in actors:
        _check_id("actor", a, list(ds.actors), "--actors")
    if regime == "negotiated" and not split:
        total = {a: float(sum(ctx.budgets[a]["for_options_musd"])) for a in ctx.actors}
        split = {a: v / (sum(total.values()) or 1.0) for a, v in total.items()}
    plan = run_regime(ctx, RegimeSpec(regime, receiver=ds.planning.receiver, split=split), gap)
    ds_plan = with_plan(ld, plan.choices, int(ds.planning.horizon_years.value))
    areas = list(ds.mission_areas)
    capital = capital_by_actor_area(ds_plan, actors, areas, scenario)
    areas = [m for m in areas if m in base or any(capital[a][m] > 0 for a in actors)]
    derived, shares = derive_roles(capital, areas, primary_share=primary_share, supporting_share=supporting_share)
    value = marginal_value(ctx.inputs.sur, ctx.inputs.weights, plan.levels)
    cells = diff_roles(base, derived, shares, actors, areas)
    return {
        "regime": regime,
        "baseline": baseline,
        "baseline_name": ds.roles[baseline].name.en,
        "baseline_name_ja": ds.roles[baseline].name.ja,
        "scenario": scenario,
        "actors": actors,
        "areas": areas,
        "thresholds": {"primary_share": primary_share, "supporting_share": supporting_share},
        "cells": [{**c.__dict__, "change": c.change} for c in cells],
        "derived": derived,
        "baseline_roles": {m: dict(base.get(m, {})) for m in areas},
        "gaps": {
            "baseline": gaps(
                {m: base.get(m, {}) for m in areas}, [m for m in areas if any(capital[a][m] > 0 for a in actors)]
            ),
            "derived": gaps(derived, [m for m in areas if m in base]),
        },
        "duplicates": {
            "baseline": duplicates({m: base.get(m, {}) for m in areas}, value),
            "derived": duplicates(derived, value),
        },
        "marginal_deterrence_per_level": value,
        "portfolio": _portfolio(ds, plan.choices),
        "seed": ctx.inputs.sur.seed if hasattr(ctx.inputs.sur, "seed") else None,
        "provenance": ld.provenance(),
    }


def command_comparison(
    ld: LoadedDataset,
    *,
    structures: list[str] | None = None,
    scenarios: list[str] | None = None,
    roles: list[str] | None = None,
    reps: int = 300,
    seed: int = 20260101,
    progress=None,
) -> dict[str, Any]:
    """Each command structure's initial-response latency, simulated outcomes (common random numbers), and
    whether every primary role in each roles matrix has a command path."""
    ds = ld.dataset
    structures = structures or list(ds.command_structures)
    scenarios = scenarios or [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    roles = roles or list(ds.roles)
    for s in structures:
        _check_id("command structure", s, list(ds.command_structures), "--structures")
    for s in scenarios:
        _check_id("scenario", s, list(ds.scenarios), "--scenarios")
    for r in roles:
        _check_id("roles matrix", r, list(ds.roles), "--roles")
    lam = ds.planning.stalemate_weight.value if ds.planning else 0.5
    weights = {s: ds.scenarios[s].weight.value for s in scenarios}
    total_w = sum(weights.values()) or 1.0
    allied = [a for a, act in ds.actors.items() if act.kind in ("ally", "partner")]
    out = []
    for st_id in structures:
        st = ds.command_structures[st_id]
        tree = copy.deepcopy(ld.raw)
        for s in scenarios:
            tree["scenarios"][s]["command_structure"] = st_id
        ds_st = validate_tree(tree, ld.lines, files=list(ld.files)).dataset
        by_scenario = {}
        for s in scenarios:
            by_scenario[s] = outcome_row(ds_st, s, 1.0, reps, seed, lam)
            if progress:
                progress(1)
        initial = {}
        for a in allied:
            if any(n.actor == a for n in st.nodes.values()):
                hours, limiting = initial_response_hours(ds, st, a)
                initial[a] = {"hours": hours if math.isfinite(hours) else None, "limiting_domain": limiting}
        out.append(
            {
                "structure": st_id,
                "name": st.name.en,
                "name_ja": st.name.ja,
                "initial_response": initial,
                "domain_latency_hours": {
                    a: {d: (h if math.isfinite(h) else None) for d, h in v.items()}
                    for a, v in domain_latencies_hours(st).items()
                    if a in allied
                },
                "weighted_deterrence": sum(weights[s] / total_w * by_scenario[s]["deterrence"] for s in scenarios),
                "scenarios": by_scenario,
                "role_command_problems": {r: role_command_problems(ds, st, ds.roles[r].roles) for r in roles},
            }
        )
    return {
        "structures": out,
        "scenarios": scenarios,
        "roles": roles,
        "seed": seed,
        "replications": reps,
        "provenance": ld.provenance(),
    }


def alliance_analysis(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    reps: int = 300,
    seed: int = 20260101,
    players: list[str] | None = None,
    base_scenario: str = "taiwan_base",
    actor: str = "JPN",
    say=None,
) -> dict[str, Any]:
    """Everything the report's alliance sections need: fair shares, the intervention-level matrix, the
    roles matrix of the joint plan against the baseline, and the command-structure comparison."""
    from . import fairshare_services as fair

    say = say or (lambda *_a: None)
    ds = ld.dataset
    out: dict[str, Any] = {}
    chosen = players or fair.default_players(ld)
    if len(chosen) >= 2:
        say("fair shares: planning and simulating every coalition", 0, 1)
        out["fair_shares"] = fair.fair_shares(ld, ctx, players=chosen, reps=reps, seed=seed)
    if base_scenario in ds.scenarios and actor in ctx.actors and ds.scenarios[base_scenario].participants.get(actor):
        say("intervention-level matrix", 0, 1)
        out["intervention_matrix"] = intervention_matrix(
            ld, ctx, base_scenario=base_scenario, actor=actor, reps=reps, seed=seed
        )
    if ds.roles:
        say("roles matrix of the joint plan", 0, 1)
        out["roles"] = roles_matrix(ld, ctx, regime="joint")
    if ds.command_structures:
        say("command structures", 0, 1)
        out["command"] = command_comparison(ld, reps=reps, seed=seed)
    return out
