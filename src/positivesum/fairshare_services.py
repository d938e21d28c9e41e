"""Alliance fair shares from the planner (issue 5 item 4; docs/methodology/alliance.md §3–4).

The game: players are allies; v(S) is the scenario-weighted deterrence coalition S reaches
planning jointly with its members' money and assets (alliance/coalitions.py). Its allocations
(Shapley, nucleolus, Nash bargaining, the core) are compared with the shares of GDP and of
defence spending that "pay X % of GDP" deals argue about.
"""

from __future__ import annotations

import re
from typing import Any


from .alliance.coalitions import study_coalitions, study_work
from .alliance.core import in_core
from .alliance.games import Game
from .alliance.rules import allocate
from .model.errors import InputError, Location, Problem
from .model.loader import LoadedDataset
from .model.merge import _suggest
from .plan.workflow import PlanningContext

CLI = Location("<command line>", 0)
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
    planners = [a for a in ds.planning.budgets if a in ds.actors and ds.actors[a].kind == "ally"]
    return sorted(planners, key=lambda a: (a not in ("USA", "JPN"), ("USA", "JPN").index(a) if a in ("USA", "JPN") else 0, a))


def parse_players(ld: LoadedDataset, text: str | None) -> list[str]:
    """Players from ``--players`` (checked before any slow planning step)."""
    if not text:
        return default_players(ld)
    ds = ld.dataset
    known = [a for a in ds.planning.budgets if a in ds.actors]
    players = [p.strip() for p in text.split(",") if p.strip()]
    problems = []
    for p in players:
        if p not in known:
            problems.append(Problem(CLI, "--players", f"'{p}' is not an actor with a planning budget",
                                    f"{_suggest(p, known)} (players must be among: {', '.join(known)})"))
    if len(set(players)) != len(players):
        problems.append(Problem(CLI, "--players", "a player is listed twice", "list each actor once, e.g. --players USA,JPN,TWN"))
    if not 2 <= len(players) <= MAX_PLAYERS:
        problems.append(Problem(CLI, "--players", f"{len(players)} players given",
                                f"give 2 to {MAX_PLAYERS} players (each extra player doubles the planning runs)"))
    if problems:
        raise InputError(problems)
    return players


def fair_shares(ld: LoadedDataset, ctx: PlanningContext, *, players: list[str], reps: int = 300, seed: int = 20260101,
                host: str = "JPN", user: str = "USA", gap: float = 1e-3, refit_surrogates: bool = False,
                progress=None) -> dict[str, Any]:
    """Coalition values, allocations of v(N), and their comparison with GDP and spending shares."""
    ds = ld.dataset
    study = study_coalitions(ld, ctx, players, reps=reps, seed=seed, gap=gap, access_host=host, access_user=user,
                             refit_surrogates=refit_surrogates, progress=progress)
    game = Game.from_function(players, lambda s: study.value(s), kind="value")
    allocations = {rule: allocate(game, rule) for rule in ("shapley", "nucleolus", "nash", "core")}
    gdp = {p: usd_bn(ds.actors[p], ds.actors[p].gdp_local_bn) for p in players}
    spend = {p: usd_bn(ds.actors[p], ds.actors[p].defence_budget_local_bn) for p in players}
    money = {p: float(sum(ctx.budgets[p]["for_options_musd"])) if p in ctx.budgets else 0.0 for p in players}
    for name, weights in (("gdp", gdp), ("defence_spending", spend), ("plan_money", money)):
        if all(v is not None and v >= 0 for v in weights.values()) and sum(weights.values()) > 0:
            allocations[f"proportional_to_{name}"] = allocate(game, "proportional", weights=weights)
    grand = float(game.grand_value())
    singles = {p: study.value([p]) for p in players}
    rows = []
    for p in players:
        row = {"player": p, "name": ds.actors[p].name.en, "name_ja": ds.actors[p].name.ja, "alone": singles[p],
               "gdp_usd_bn": gdp[p], "defence_spending_usd_bn": spend[p], "plan_money_musd": money[p]}
        for rule, alloc in allocations.items():
            row[rule] = alloc[p]
            row[f"{rule}_pct"] = 100 * alloc[p] / grand if grand else None
        rows.append(row)
    coalitions = [{"members": sorted(o.members), "deterrence": o.weighted_deterrence, "value": study.value(o.members), "options": len(o.choices),
                   "portfolio": [{"actor": a, "option": opt, "start_plan_year": t} for a, opt, t in o.choices],
                   "lifecycle_cost_musd": o.lifecycle_cost_musd, "by_scenario": o.by_scenario, "note": o.note, "adopted_from": list(o.adopted_from) if o.adopted_from else None}
                  for o in study.outcomes.values()]
    access = None
    if "user_alone_with_host_bases" in study.extra:
        with_bases = study.extra["user_alone_with_host_bases"].weighted_deterrence - study.outcomes[frozenset()].weighted_deterrence
        alone = singles[user]
        value = with_bases - alone
        access = {"host": host, "user": user, "user_alone": alone, "user_alone_with_host_bases": with_bases,
                  "value": value, "share_of_host_shapley_pct": 100 * value / allocations["shapley"][host]
                  if allocations["shapley"][host] else None,
                  "explanation": f"{user} planning and fighting alone, with {host}'s bases open as in the scenarios, minus "
                                 f"the same without them: the in-kind value of {host}'s basing access to {user} "
                                 f"(weighted deterrence)."}
    core = allocations["core"]
    return {"players": players, "grand_value": grand, "deterrence_without_players": study.outcomes[frozenset()].weighted_deterrence,
            "deterrence_all_players": study.outcomes[frozenset(players)].weighted_deterrence, "surplus": grand - sum(singles.values()),
            "alone": singles, "coalitions": coalitions, "allocations": {k: a.to_dict() for k, a in allocations.items()},
            "shares": rows, "core_empty": bool(core.diagnostics["core_empty"]),
            "in_core": {k: in_core(game, a.as_array(), tol=1e-9 * max(1.0, abs(grand))) for k, a in allocations.items()},
            "least_core_epsilon": core.diagnostics["least_core_epsilon"],
            "superadditive": _superadditive(game), "basing_access": access,
            "coalition_surrogates": "refitted per coalition" if refit_surrogates else "the full alliance's",
            "seed": seed, "replications": reps, "provenance": ld.provenance()}


def _superadditive(game: Game) -> bool:
    from .alliance.games import is_superadditive

    return bool(is_superadditive(game, tol=1e-9))


def fair_share_work(players: list[str]) -> int:
    return study_work(players, with_access=True)


__all__ = ["fair_shares", "parse_players", "default_players", "fair_share_work"]
