"""Alliance studies: fair shares of joint deterrence, the intervention-level matrix, the roles matrix and
the command-structure comparison (docs/methodology/alliance.md §3–7).

The game of fair shares: players are allies; v(S) is the scenario-weighted deterrence coalition S reaches
planning jointly with its members' money and assets (alliance/coalitions.py). Its allocations (Shapley,
nucleolus, Nash bargaining, the core) are compared with the shares of GDP and of defence spending that
"pay X % of GDP" deals argue about. Every result carries the seed, replications and provenance.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import defaults
from ..alliance.coalitions import coalition_inputs, study_coalitions, study_work
from ..alliance.feasibility import conditions_of
from ..alliance.roles import (
    DEFAULT_PRIMARY_SHARE,
    DEFAULT_SUPPORTING_SHARE,
    capital_by_actor_area,
    derive_roles,
    diff_roles,
    duplicates,
    gaps,
    marginal_value,
)
from ..games.core import in_core
from ..games.games import Game, is_superadditive
from ..games.rules import allocate
from ..model.errors import COMMAND_LINE, InputError, Problem, check_known, suggest
from ..model.loader import LoadedDataset, validate_tree
from ..model.scenarios import INTERVENTION_LEVELS
from ..plan.deterrence import includes_zero
from ..plan.milp import Plan
from ..plan.regimes import REGIMES, RegimeSpec, plan_regime
from ..plan.surrogate import fit_surrogate
from ..plan.verify import dataset_with_portfolio, score_scenario
from ..plan.workflow import PlanningContext, participation, require_planning, run_regime
from . import executor
from .alliance_intervals import access_interval, bootstrap_shares, by_scenario, paired_gain
from .command import command_comparison
from .executor import map_ordered

CLI = COMMAND_LINE
MAX_PLAYERS = 6  # 63 coalitions, each a MILP and a campaign per scenario


def _latest(series: dict) -> float | None:
    if not series:
        return None
    key = max(series, key=lambda k: (int(m.group()) if (m := re.search(r"\d{4}", str(k))) else 0, str(k)))
    return float(series[key].value)


def usd_bn(actor, series: dict) -> float | None:
    """Latest value of a local-currency series in bn USD."""
    value = _latest(series)
    if value is None:
        return None
    rate = actor.local_per_usd.value if actor.local_per_usd is not None else 1.0
    return value / rate


def default_players(ld: LoadedDataset) -> list[str]:
    """Treaty allies (kind: ally) with a budget in the planner, United States and Japan first; partners
    such as Taiwan stay in the scenarios as non-players."""
    ds = ld.dataset
    planners = [a for a in require_planning(ds).budgets if a in ds.actors and ds.actors[a].kind == "ally"]
    return sorted(
        planners, key=lambda a: (a not in ("USA", "JPN"), ("USA", "JPN").index(a) if a in ("USA", "JPN") else 0, a)
    )


def parse_players(ld: LoadedDataset, text: str | None) -> list[str]:
    """Players from ``--players`` (checked before any slow planning step)."""
    if not text:
        return default_players(ld)
    ds = ld.dataset
    known = [a for a in require_planning(ds).budgets if a in ds.actors]
    players = [p.strip() for p in text.split(",") if p.strip()]
    problems = []
    for p in players:
        if p not in known:
            problems.append(
                Problem(
                    CLI,
                    "--players",
                    f"'{p}' is not an actor with a planning budget",
                    f"{suggest(p, known)} (players must be among: {', '.join(known)})",
                )
            )
    if len(set(players)) != len(players):
        problems.append(
            Problem(CLI, "--players", "a player is listed twice", "list each actor once, e.g. --players USA,JPN,TWN")
        )
    if not 2 <= len(players) <= MAX_PLAYERS:
        problems.append(
            Problem(
                CLI,
                "--players",
                f"{len(players)} players given",
                f"give 2 to {MAX_PLAYERS} players (each extra player doubles the planning runs)",
            )
        )
    if problems:
        raise InputError(problems)
    return players


def fair_shares(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    players: list[str],
    reps: int = defaults.ALLIANCE_REPS,
    seed: int = defaults.SEED,
    host: str = "JPN",
    user: str = "USA",
    gap: float = defaults.STUDY_MILP_GAP,
    refit_surrogates: bool = False,
    progress=None,
    bootstrap_samples: int = 200,
    client: Any = None,
) -> dict[str, Any]:
    """Coalition values, allocations of v(N), and their comparison with GDP and spending shares; the coalitions'
    simulations run on ``client`` (a Dask client; None: in this process).

    Shapley values, nucleolus and shares carry 95 % intervals by bootstrap over outer parameter draws (every coalition
    is simulated with the same seed, so replication r of each is resampled together: games/bootstrap.py);
    ``by_scenario`` gives each scenario's coalition values and Shapley shares; ``feasibility`` the members
    that cannot fight a scenario in a coalition (``planning.coalition_conditions``)."""
    ds = ld.dataset
    study = study_coalitions(
        ld,
        ctx,
        players,
        reps=reps,
        seed=seed,
        gap=gap,
        access_host=host,
        access_user=user,
        refit_surrogates=refit_surrogates,
        progress=progress,
        sim_map=executor.sim_map_on(client),
    )
    game = Game.from_function(players, lambda s: study.value(s), kind="value")
    allocations = {rule: allocate(game, rule) for rule in ("shapley", "nucleolus", "nash", "core")}
    gdp = {p: usd_bn(ds.actors[p], ds.actors[p].gdp_local_bn) for p in players}
    spend = {p: usd_bn(ds.actors[p], ds.actors[p].defence_budget_local_bn) for p in players}
    money = {p: float(sum(ctx.budgets[p]["for_options_musd"])) if p in ctx.budgets else 0.0 for p in players}
    for name, weights in (("gdp", gdp), ("defence_spending", spend), ("plan_money", money)):
        if all(v is not None and v >= 0 for v in weights.values()) and sum(v or 0.0 for v in weights.values()) > 0:
            allocations[f"proportional_to_{name}"] = allocate(game, "proportional", weights=weights)
    grand = float(game.grand_value())
    singles = {p: study.value([p]) for p in players}
    rows = []
    for p in players:
        row = {
            "player": p,
            "name": ds.actors[p].name.en,
            "name_ja": ds.actors[p].name.ja,
            "alone": singles[p],
            "gdp_usd_bn": gdp[p],
            "defence_spending_usd_bn": spend[p],
            "plan_money_musd": money[p],
        }
        for rule, alloc in allocations.items():
            row[rule] = alloc[p]
            row[f"{rule}_pct"] = 100 * alloc[p] / grand if grand else None
        rows.append(row)
    coalitions = [
        {
            "members": sorted(o.members),
            "deterrence": o.weighted_deterrence,
            "value": study.value(o.members),
            "options": len(o.choices),
            "portfolio": [{"actor": a, "option": opt, "start_plan_year": t} for a, opt, t in o.choices],
            "lifecycle_cost_musd": o.lifecycle_cost_musd,
            "by_scenario": o.by_scenario,
            "note": o.note,
            "adopted_from": list(o.adopted_from) if o.adopted_from else None,
        }
        for o in study.outcomes.values()
    ]
    access = None
    if "user_alone_with_host_bases" in study.extra:
        with_bases = (
            study.extra["user_alone_with_host_bases"].weighted_deterrence
            - study.outcomes[frozenset()].weighted_deterrence
        )
        alone = singles[user]
        value = with_bases - alone
        # paired by replication (both runs use the same seeds), clustered by parameter draw, stratified by scenario
        paired = access_interval(study, user)
        access = {
            "host": host,
            "user": user,
            "user_alone": alone,
            "user_alone_with_host_bases": with_bases,
            "value": value,
            "value_ci95": paired["ci95"],
            "value_includes_zero": includes_zero(paired["ci95"]),
            "share_of_host_shapley_pct": 100 * value / allocations["shapley"][host]
            if allocations["shapley"][host]
            else None,
            "explanation": f"{user} planning and fighting alone, with {host}'s bases open as in the scenarios, minus "
            f"the same without them: the in-kind value of {host}'s basing access to {user} "
            f"(weighted deterrence).",
        }
    core = allocations["core"]
    intervals = bootstrap_shares(study, players, bootstrap_samples, seed)
    per_scenario = by_scenario(study, players, ctx.scenarios, bootstrap_samples, seed)
    feasibility = {
        "+".join(sorted(o.members)): o.not_fighting for o in study.outcomes.values() if o.members and o.not_fighting
    }
    return {
        "players": players,
        "grand_value": grand,
        "deterrence_without_players": study.outcomes[frozenset()].weighted_deterrence,
        "deterrence_all_players": study.outcomes[frozenset(players)].weighted_deterrence,
        "surplus": grand - sum(singles.values()),
        "alone": singles,
        "coalitions": coalitions,
        "allocations": {k: a.to_dict() for k, a in allocations.items()},
        "shares": rows,
        "core_empty": bool(core.diagnostics["core_empty"]),
        "in_core": {k: in_core(game, a.as_array(), tol=1e-9 * max(1.0, abs(grand))) for k, a in allocations.items()},
        "least_core_epsilon": core.diagnostics["least_core_epsilon"],
        "intervals": intervals,
        "by_scenario": per_scenario,
        "feasibility": feasibility,
        "feasibility_conditions": [
            {k: c.get(k) for k in ("actor", "scenarios", "requires", "decision", "source", "confidence")}
            for c in conditions_of(ld.raw)
        ],
        "superadditive": _superadditive(game),
        "basing_access": access,
        "coalition_surrogates": "refitted per coalition" if refit_surrogates else "the full alliance's",
        "seed": seed,
        "replications": reps,
        "replications_by_scenario": study.runs.to_dict() if study.runs is not None else None,
        "provenance": ld.provenance(),
    }


def _superadditive(game: Game) -> bool:
    return bool(is_superadditive(game, tol=1e-9))


def fair_share_work(players: list[str]) -> int:
    return study_work(players, with_access=True)


def _outcome_unit(args: tuple) -> tuple[dict[str, float], np.ndarray]:
    """Outcome probabilities and deterrence of one scenario (adversary grown by ``factor``;
    :func:`plan.verify.score_scenario`) from one packed argument tuple, and its per-replication deterrence (for
    the paired interval of the portfolio's gain; module level, so that a Dask worker can run it)."""
    ds, sid, factor, reps, seed, lam = args
    scores: dict = {}
    row = score_scenario(ds, sid, threat_factor=factor, reps=reps, seed=seed, stalemate_weight=lam, rep_out=scores)
    return row, np.asarray(scores[sid].deterrence, dtype=float)


def with_plan(ld: LoadedDataset, choices, horizon: int):
    """The dataset with the options of a plan that are in service by the last plan year."""
    del horizon  # the data's planning horizon applies (plan.verify.in_service)
    return dataset_with_portfolio(ld, choices)


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


def check_intervention_options(ld: LoadedDataset, base_scenario: str, actor: str) -> None:
    """``--scenario`` and ``--actor`` of the intervention matrix (checked before any planning)."""
    ds = ld.dataset
    check_known("scenario", base_scenario, list(ds.scenarios), "--scenario")
    check_known("planning actor", actor, [a for a in require_planning(ds).budgets if a in ds.actors], "--actor")
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


@dataclass(frozen=True, eq=False)
class _LevelInputs:
    """What every intervention level's unit shares (sent once to each worker)."""

    ld: LoadedDataset
    ctx: PlanningContext
    base_scenario: str
    actor: str
    reps: int
    seed: int
    gap: float
    primary_share: float


def level_row(shared: _LevelInputs, item: tuple[str, str | None]) -> tuple[dict[str, Any], list[tuple]]:
    """One row of :func:`intervention_matrix`: the actor's plan at one intervention level, its cost and roles, and
    the outcome simulations it needs (without and with the plan), not yet run (module level, so that a Dask
    worker can run it; the level's surrogate fit, if any, runs here, one simulation after the other)."""
    level, sid = item
    ld, ctx, actor, base_scenario = shared.ld, shared.ctx, shared.actor, shared.base_scenario
    ds = ld.dataset
    if sid is None:
        note = (
            f"no scenario of this family at level '{level}' in the data — add one with "
            f"`positivesum new scenario NAME --from {base_scenario}` and set us_intervention: {level}"
        )
        return {"level": level, "scenario": None, "note": note}, []
    pp = require_planning(ds)
    horizon, lam = int(pp.horizon_years.value), pp.stalemate_weight.value
    areas = list(ctx.inputs.sur.areas)
    money = float(ctx.inputs.budget_musd[ctx.actors.index(actor)].sum())
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
            seed=shared.seed,
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
    if inp.kappa is not None and sid_row not in inp.kappa and base_scenario in inp.kappa:
        # a variant the effect measurement did not see: the actor joins with its commitment in the base scenario,
        # so its options count there as in the base scenario (docs/methodology/planning.md §3, effect-based levels)
        inp = replace(inp, kappa={**inp.kappa, sid_row: inp.kappa[base_scenario]})
    saturated = sur.base[sid_row] >= 1.0 - 1e-9
    plan = None if saturated else plan_regime(inp, RegimeSpec("joint"), shared.gap)
    choices = plan.choices if plan else []
    if saturated:
        note = (note + "; " if note else "") + "deterrence is already complete here: no purchase adds any"
    ds_plan = with_plan(ld_row, choices, horizon)
    units = [(ld_row.dataset, sid_row, ctx.threat_factor, shared.reps, shared.seed, lam)]
    if choices:
        units.append((ds_plan, sid_row, ctx.threat_factor, shared.reps, shared.seed, lam))
    blue = [a for a, p in sc_row.participants.items() if p.side == "blue"]
    capital = capital_by_actor_area(ds_plan, blue, areas, sid_row)
    roles, shares = derive_roles(capital, areas, primary_share=shared.primary_share)
    row = {
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
        "outcome_without_plan": None,  # simulated by the caller with every level's, as one batch
        "outcome_with_plan": None,
        "note": note,
    }
    return row, units


def intervention_matrix(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    base_scenario: str,
    actor: str = "JPN",
    reps: int = defaults.ALLIANCE_REPS,
    seed: int = defaults.SEED,
    gap: float = defaults.STUDY_MILP_GAP,
    primary_share: float = DEFAULT_PRIMARY_SHARE,
    progress=None,
    client: Any = None,
) -> dict[str, Any]:
    """For each intervention level: ``actor``'s best portfolio on its own money, its cost, its role by
    mission area, and the simulated outcome with and without the portfolio (docs/methodology/alliance.md).
    Every simulation (surrogate fits of variants, outcomes with and without) runs on ``client`` (None: here)."""
    ds = ld.dataset
    check_intervention_options(ld, base_scenario, actor)
    shared = _LevelInputs(ld, ctx, base_scenario, actor, reps, seed, gap, primary_share)
    levels = list(level_scenarios(ds, base_scenario).items())

    def tick(n: int) -> None:
        if progress:
            progress(n)

    # every level's plan (and, for a variant or a scenario without planning weight, its own surrogate fit) is one
    # unit on the cluster: the levels are planned side by side; then every outcome is simulated, as one batch
    rows: list[dict[str, Any]] = []
    outcome_units: list[tuple] = []
    # a level's unit solves a MILP, and for some levels fits a surrogate first: the longest units of the lane
    level_cost = executor.CRITICAL_PATH_COST / 2
    for row, units in map_ordered(client, level_row, levels, tick, shared=shared, cost=lambda _item: level_cost):
        if units:  # the row holds the index of its two outcomes until they are simulated
            row["outcome_without_plan"] = len(outcome_units)
            row["outcome_with_plan"] = len(outcome_units) + len(units) - 1
            outcome_units += units
        rows.append(row)
    outcomes = map_ordered(
        client, _outcome_unit, outcome_units, cost=lambda u: executor.replication_days(u[0], u[1], u[3])
    )
    for row in rows:
        if "outcome_without_plan" in row:
            (row_without, reps_without), (row_with, reps_with) = (
                outcomes[row["outcome_without_plan"]],
                outcomes[row["outcome_with_plan"]],
            )
            row["outcome_without_plan"], row["outcome_with_plan"] = row_without, row_with
            # no portfolio: the same run twice, so no gain (exactly 0, no interval to speak of)
            row["deterrence_gain"] = paired_gain(reps_without, reps_with, reps)
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


def check_roles_options(
    ld: LoadedDataset,
    regime: str,
    baseline: str | None,
    scenario: str | None,
    primary_share: float = DEFAULT_PRIMARY_SHARE,
    supporting_share: float = DEFAULT_SUPPORTING_SHARE,
) -> str:
    """``--regime``, ``--baseline``, ``--scenario`` and ``--primary-share`` of the roles matrix (checked before
    any planning); returns the baseline roles matrix to use."""
    ds = ld.dataset
    check_role_thresholds(primary_share, supporting_share)
    if regime not in REGIMES:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--regime",
                    f"unknown regime '{regime}'",
                    f"{suggest(regime, REGIMES)} (one of: {', '.join(REGIMES)})",
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
    check_known("roles matrix", baseline, list(ds.roles), "--baseline")
    if scenario:
        check_known("scenario", scenario, list(ds.scenarios), "--scenario")
    return baseline


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
    gap: float = defaults.STUDY_MILP_GAP,
    split=None,
    plan: Plan | None = None,
) -> dict[str, Any]:
    """Roles derived from a regime's plan, diffed against a baseline roles matrix, with gaps and duplicates;
    ``plan``: that regime's plan when the caller has it (the main job: the regime comparison's), else solved."""
    ds = ld.dataset
    baseline = check_roles_options(ld, regime, baseline, scenario, primary_share, supporting_share)
    base = ds.roles[baseline].roles
    actors = actors or sorted({a for cell in base.values() for a in cell})
    for a in actors:
        check_known("actor", a, list(ds.actors), "--actors")
    if regime == "negotiated" and not split:
        total = {a: float(sum(ctx.budgets[a]["for_options_musd"])) for a in ctx.actors}
        split = {a: v / (sum(total.values()) or 1.0) for a, v in total.items()}
    pp = require_planning(ds)
    if plan is None:
        plan = run_regime(ctx, RegimeSpec(regime, receiver=pp.receiver, split=split), gap)
    ds_plan = with_plan(ld, plan.choices, int(pp.horizon_years.value))
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


#: The alliance sections of the briefing, in the order the analysis lists them.
ALLIANCE_PARTS = ("fair_shares", "intervention_matrix", "roles", "command")


def alliance_analysis(
    ld: LoadedDataset,
    ctx: PlanningContext,
    *,
    reps: int = defaults.ALLIANCE_REPS,
    seed: int = defaults.SEED,
    players: list[str] | None = None,
    base_scenario: str = "taiwan_base",
    actor: str = "JPN",
    say=None,
    client: Any = None,
    joint_plan: Plan | None = None,
    parts: tuple[str, ...] = ALLIANCE_PARTS,
) -> dict[str, Any]:
    """Everything the report's alliance sections need: fair shares, the intervention-level matrix, the
    roles matrix of the joint plan against the baseline, and the command-structure comparison; their
    simulations run on ``client`` (a Dask client; None: in this process). ``joint_plan``: the regime comparison's
    joint plan, so that the roles matrix shows the portfolio the briefing's regimes show (else it is solved).
    ``parts``: the sections to compute (of :data:`ALLIANCE_PARTS`), so that the main job can run the sections
    that need no plan beside the regime comparison and the roles matrix after it."""
    say = say or (lambda *_a: None)
    ds = ld.dataset
    out: dict[str, Any] = {}
    chosen = players or default_players(ld)
    if "fair_shares" in parts and len(chosen) >= 2:
        say("fair shares: planning and simulating every coalition", 0, 1)
        out["fair_shares"] = fair_shares(ld, ctx, players=chosen, reps=reps, seed=seed, client=client)
    if (
        "intervention_matrix" in parts
        and base_scenario in ds.scenarios
        and actor in ctx.actors
        and ds.scenarios[base_scenario].participants.get(actor)
    ):
        say("intervention-level matrix", 0, 1)
        out["intervention_matrix"] = intervention_matrix(
            ld, ctx, base_scenario=base_scenario, actor=actor, reps=reps, seed=seed, client=client
        )
    if "roles" in parts and ds.roles:
        say("roles matrix of the joint plan", 0, 1)
        out["roles"] = roles_matrix(ld, ctx, regime="joint", plan=joint_plan)
    if "command" in parts and ds.command_structures:
        say("command structures", 0, 1)
        out["command"] = command_comparison(ld, reps=reps, seed=seed, client=client)
    return out
