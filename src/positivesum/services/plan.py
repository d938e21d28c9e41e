"""Planning operations: one regime's plan (`plan`) and the regime comparison (`compare-regimes`).

Each plan is solved on the surrogate, then verified by simulation (:mod:`positivesum.plan.verify`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from .. import defaults
from ..model.errors import COMMAND_LINE, InputError, Location, Problem, suggest
from ..model.loader import LoadedDataset
from ..plan.milp import Plan
from ..plan.regimes import REGIMES, RegimeSpec
from ..plan.surrogate import Surrogate
from ..plan.workflow import PlanningContext, build_context, money_saved, resimulate, run_regime
from .validation import check_reps, check_seed

CLI = COMMAND_LINE


def parse_budgets(ld: LoadedDataset, items: list[str] | None) -> dict[str, tuple[float, float]]:
    """``ACTOR=SHARE@YEAR`` (e.g. JPN=0.035@2035) → {actor: (share, year)}."""
    out, problems = {}, []
    known = ld.dataset.planning.budgets if ld.dataset.planning else {}
    pp = ld.dataset.planning
    first_year = int(pp.base_year.value) if pp else 0
    last_year = (
        first_year + int(pp.horizon_years.value) + 25 if pp else 10**6
    )  # targets may lie beyond the plan's horizon
    for item in items or []:
        m = re.fullmatch(r"\s*([A-Za-z][\w-]*)\s*=\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(%?)\s*@\s*(\d{4})\s*", item)
        if not m:
            problems.append(
                Problem(
                    CLI,
                    "--budget",
                    f"cannot read '{item}'",
                    "write ACTOR=SHARE@YEAR, e.g. --budget JPN=0.035@2035 or JPN=3.5%@2035",
                )
            )
            continue
        actor, share, pct, year = m.group(1), float(m.group(2)), m.group(3), int(m.group(4))
        share = share / 100 if pct else share
        if actor not in known:
            problems.append(
                Problem(
                    CLI,
                    "--budget",
                    f"no budget target for actor '{actor}'",
                    f"{suggest(actor, known)} (actors with targets: {', '.join(known)})",
                )
            )
        elif not 0 < share < 0.2:
            problems.append(
                Problem(
                    CLI,
                    "--budget",
                    f"share {share:g} is not a plausible share of GDP",
                    "give a fraction such as 0.035 or a percentage such as 3.5%",
                )
            )
        elif not first_year < year <= last_year:
            problems.append(
                Problem(
                    CLI,
                    "--budget",
                    f"target year {year} is outside the years the data can plan for ({first_year + 1}–{last_year})",
                    f"give a year after the plan's base year {first_year} and at most {last_year}, e.g. @{min(last_year, first_year + 9)}",
                )
            )
        else:
            out[actor] = (share, year)
    if problems:
        raise InputError(problems)
    return out


def parse_split(ld: LoadedDataset, text: str | None) -> dict[str, float] | None:
    """``USA=0.6,JPN=0.4`` → shares of the alliance total (must sum to 1)."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError([Problem(CLI, "--split", f"cannot read '{part}'", "write e.g. --split USA=0.6,JPN=0.4")])
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise InputError(
                [Problem(CLI, "--split", f"'{v}' is not a number", "write e.g. --split USA=0.6,JPN=0.4")]
            ) from None
    known = list(ld.dataset.planning.budgets) if ld.dataset.planning else []
    unknown = [k for k in out if k not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--split",
                    f"'{k}' is not an actor with a planning budget",
                    f"{suggest(k, known)} (actors with budgets: {', '.join(known)})",
                )
                for k in unknown
            ]
        )
    if any(not math.isfinite(v) for v in out.values()):
        raise InputError(
            [Problem(CLI, "--split", "shares must be finite numbers", "write e.g. --split USA=0.6,JPN=0.4")]
        )
    total = sum(out.values())
    if abs(total - 1) > 1e-6 or any(v < 0 for v in out.values()):
        raise InputError(
            [
                Problem(
                    CLI,
                    "--split",
                    f"shares sum to {total:g}; they must be non-negative and sum to 1",
                    "adjust the shares, e.g. --split USA=0.6,JPN=0.4",
                )
            ]
        )
    return out


def need_planning(ld: LoadedDataset) -> None:
    if ld.dataset.planning is None or not ld.dataset.options:
        raise InputError(
            [
                Problem(
                    Location(ld.files[-1] if ld.files else "<input>", 0),
                    "planning",
                    "the dataset has no `planning:` section or no `options:`",
                    "import positivesum:default or add them",
                )
            ]
        )


def context(
    ld: LoadedDataset, budgets: list[str] | None, seed: int, cache_dir: Path | None, progress=None
) -> PlanningContext:
    """Planning inputs, with the surrogate read from (or written to) a cache keyed by data and seed."""
    need_planning(ld)
    overrides = parse_budgets(ld, budgets)
    key = hashlib.sha256(f"{ld.data_hash}:{seed}".encode()).hexdigest()[:16]
    cached = None
    path = cache_dir / f"surrogate-{key}.json" if cache_dir else None
    if path and path.exists():
        cached = Surrogate.from_dict(json.loads(path.read_text(encoding="utf-8")))
    ctx, sur = build_context(ld, budget_overrides=overrides, surrogate=cached, seed=seed, progress=progress)
    if path and cached is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(sur.to_dict()), encoding="utf-8")
    return ctx


def surrogate_work(ld: LoadedDataset) -> int:
    """Number of surrogate steps (for progress bars)."""
    ds = ld.dataset
    return sum(1 for s in ds.scenarios.values() if s.weight.value > 0) * len(ds.mission_areas) * 3


def plan_summary(ld: LoadedDataset, ctx: PlanningContext, plan: Plan, simulated: dict) -> dict[str, Any]:
    ds = ld.dataset
    portfolio = [
        {
            "actor": a,
            "option": o,
            "start_plan_year": t,
            "category": ds.options[o].category,
            "name": ds.options[o].name.en,
            "name_ja": ds.options[o].name.ja,
            "mission_areas": list(ds.options[o].mission_areas),
            "acquisition_musd": sum(ds.options[o].cost.acquisition_musd),
            "personnel": ds.options[o].personnel,
            "lead_time_years": ds.options[o].lead_time_years,
        }
        for a, o, t in sorted(plan.choices)
    ]
    by_area: dict[str, dict[str, float]] = {}
    for item in portfolio:
        for m in item["mission_areas"] or ["(none)"]:
            by_area.setdefault(item["actor"], {}).setdefault(m, 0.0)
            by_area[item["actor"]][m] += item["acquisition_musd"] / max(1, len(item["mission_areas"]))
    return {
        "portfolio": portfolio,
        "acquisition_by_actor_and_area_musd": by_area,
        "spending_musd": {a: [round(x, 1) for x in row] for a, row in plan.spending_musd.iterrows()},
        "personnel_in_service": {a: [round(x) for x in row] for a, row in plan.personnel.iterrows()},
        "total_cost_musd": plan.total_cost_musd,
        "surrogate": {"weighted_deterrence": plan.weighted_deterrence, "by_scenario": plan.deterrence},
        "simulated": simulated,
        "solver_status": plan.status,
    }


def run_plan(
    ld: LoadedDataset,
    regime: str,
    *,
    budgets=None,
    split=None,
    receiver=None,
    seed=defaults.SEED,
    reps=defaults.PLAN_VERIFY_REPS,
    cache_dir=None,
    progress=None,
) -> dict[str, Any]:
    """One regime: plan, then verify by simulation."""
    check_reps(reps)
    check_seed(seed)
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
    spec = RegimeSpec(
        regime,
        receiver=receiver or ld.dataset.planning.receiver if ld.dataset.planning else "USA",
        split=parse_split(ld, split),
    )
    if regime == "negotiated" and spec.split is None:
        raise InputError(
            [Problem(CLI, "--split", "the negotiated regime needs a split", "add e.g. --split USA=0.6,JPN=0.4")]
        )
    ctx = context(ld, budgets, seed, cache_dir, progress)
    plan = run_regime(ctx, spec)
    sim = resimulate(ld, plan, ctx.scenarios, ctx.threat_factor, reps, seed, ld.dataset.planning.stalemate_weight.value)
    return {
        "regime": regime,
        "budgets": ctx.budgets,
        "notes": ctx.notes,
        "threat_factor": ctx.threat_factor,
        **plan_summary(ld, ctx, plan, sim),
        "provenance": ld.provenance(),
        "seed": seed,
        "replications": reps,
    }


def compare_regimes(
    ld: LoadedDataset,
    *,
    budgets=None,
    split=None,
    seed=defaults.SEED,
    reps=defaults.PLAN_VERIFY_REPS,
    cache_dir=None,
    progress=None,
) -> dict[str, Any]:
    """Every regime at equal money per actor, verified by simulation, with the cooperation dividend."""
    check_reps(reps)
    check_seed(seed)
    user_split = parse_split(ld, split)  # check the command line before the (slow) surrogate fit
    parse_budgets(ld, budgets)
    ctx = context(ld, budgets, seed, cache_dir, progress)
    actors = ctx.actors
    split_shares = user_split or {a: float(sum(ctx.budgets[a]["for_options_musd"])) for a in actors}
    total = sum(split_shares.values()) or 1.0
    split_shares = {a: v / total for a, v in split_shares.items()}
    results, plans = {}, {}
    for name in REGIMES:
        spec = RegimeSpec(name, receiver=ld.dataset.planning.receiver, split=split_shares)
        plans[name] = run_regime(ctx, spec)
        sim = resimulate(
            ld, plans[name], ctx.scenarios, ctx.threat_factor, reps, seed, ld.dataset.planning.stalemate_weight.value
        )
        results[name] = plan_summary(ld, ctx, plans[name], sim)
    # Verification: the joint plan's feasible set contains every other regime's portfolio, so if simulation
    # (not the surrogate) rates another portfolio higher, the joint planner adopts it and says so.
    best = max(REGIMES, key=lambda n: results[n]["simulated"]["weighted_deterrence"])
    if (
        best != "joint"
        and results[best]["simulated"]["weighted_deterrence"] > results["joint"]["simulated"]["weighted_deterrence"]
    ):
        adopted = dict(results[best])
        adopted["adopted_from"] = best
        adopted["milp_plan_simulated"] = results["joint"]["simulated"]
        results["joint"], plans["joint"] = adopted, plans[best]
    joint = results["joint"]["simulated"]["weighted_deterrence"]
    dividend = {}
    for name in REGIMES:
        if name == "joint":
            continue
        other = results[name]["simulated"]["weighted_deterrence"]
        dividend[name] = {"deterrence_gain_at_equal_money": joint - other, **money_saved(ctx, plans[name])}
    return {
        "budgets": ctx.budgets,
        "notes": ctx.notes,
        "threat_factor": ctx.threat_factor,
        "split_for_negotiated": split_shares,
        "regimes": results,
        "cooperation_dividend": dividend,
        "provenance": ld.provenance(),
        "seed": seed,
        "replications": reps,
    }
