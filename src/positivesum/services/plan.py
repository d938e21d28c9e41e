"""Planning operations: one regime's plan (`plan`) and the regime comparison (`compare-regimes`).

Each plan is solved on the surrogate, then verified by simulation (:mod:`positivesum.plan.verify`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import defaults
from ..domestic.budget import TargetSpec
from ..model.errors import COMMAND_LINE, InputError, Location, Problem, check_known, suggest
from ..model.loader import LoadedDataset
from ..model.planning import PlanningParameters
from ..plan.allocation import ScenarioRuns
from ..plan.deterrence import stratified_mean
from ..plan.effects import effect_items
from ..plan.milp import Plan
from ..plan.regimes import REGIMES, RegimeSpec
from ..plan.surrogate import HELD_OUT_POINTS, Surrogate, error_summary
from ..plan.workflow import (
    PlanningContext,
    budget_spec,
    build_context,
    preset_spec,
    resimulate,
    run_regime,
)
from . import executor
from .outputs import write_text_atomic
from .validation import check_cache_dir, check_reps, check_seed

CLI = COMMAND_LINE


def parse_budgets(
    ld: LoadedDataset, items: list[str] | None, presets: list[str] | None = None
) -> dict[str, TargetSpec]:
    """Budget targets from the command line, by actor.

    ``--target``/``--budget ACTOR=SHARE@YEAR`` (e.g. JPN=0.035@2035 or JPN=3.5%@2035) changes the share and year
    of the actor's own target (its counting rules stay: Japan's is a share of FY2022 GDP, defence + related);
    ``ACTOR=PRESET`` (e.g. JPN=nato-5) and ``--preset PRESET`` (for the preset's own actor) apply a named,
    sourced preset with its own counting rules (``planning.target_presets``)."""
    out: dict[str, TargetSpec] = {}
    problems: list[Problem] = []
    pp = ld.dataset.planning
    known = pp.budgets if pp else {}
    catalogue = pp.target_presets if pp else {}
    first_year = int(pp.base_year.value) if pp else 0
    last_year = (
        first_year + int(pp.horizon_years.value) + 25 if pp else 10**6
    )  # targets may lie beyond the plan's horizon
    preset_list = ", ".join(catalogue) or "none in this data"

    def unknown_actor(flag: str, actor: str) -> Problem:
        return Problem(
            CLI,
            flag,
            f"no budget target for actor '{actor}'",
            f"{suggest(actor, known)} (actors with targets: {', '.join(known)})",
        )

    def apply_preset(flag: str, actor: str | None, name: str) -> None:
        if name not in catalogue:
            problems.append(
                Problem(CLI, flag, f"no target preset '{name}'", f"{suggest(name, catalogue)} (presets: {preset_list})")
            )
            return
        who = actor or catalogue[name].actor
        if who not in known:
            problems.append(unknown_actor(flag, who))
            return
        assert pp is not None
        out[who] = preset_spec(ld.dataset, name, who)

    for item in items or []:
        m = re.fullmatch(r"\s*([A-Za-z][\w-]*)\s*=\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(%?)\s*@\s*(\d{4})\s*", item)
        named = re.fullmatch(r"\s*([A-Za-z][\w-]*)\s*=\s*([A-Za-z][\w-]*)\s*", item)
        if named and named.group(2) in catalogue:
            apply_preset("--target", named.group(1), named.group(2))
            continue
        if not m:
            problems.append(
                Problem(
                    CLI,
                    "--target",
                    f"cannot read '{item}'",
                    "write ACTOR=SHARE@YEAR, e.g. --target JPN=0.035@2035 or JPN=3.5%@2035 (also --budget), "
                    f"or ACTOR=PRESET with a preset of the data ({preset_list})",
                )
            )
            continue
        actor, share, pct, year = m.group(1), float(m.group(2)), m.group(3), int(m.group(4))
        share = share / 100 if pct else share
        if actor not in known:
            problems.append(unknown_actor("--target", actor))
        elif not 0 < share < 0.2:
            problems.append(
                Problem(
                    CLI,
                    "--target",
                    f"share {share:g} is not a plausible share of GDP",
                    "give a fraction such as 0.035 or a percentage such as 3.5%",
                )
            )
        elif not first_year < year <= last_year:
            problems.append(
                Problem(
                    CLI,
                    "--target",
                    f"target year {year} is outside the years the data can plan for ({first_year + 1}–{last_year})",
                    f"give a year after the plan's base year {first_year} and at most {last_year}, e.g. @{min(last_year, first_year + 9)}",
                )
            )
        elif pp is not None and related_above(budget_spec(ld.dataset, actor), share):
            problems.append(
                Problem(
                    CLI,
                    "--target",
                    f"share {share:g} is below the related-spending part of {actor}'s target",
                    "give a larger share, or use a preset",
                )
            )
        else:
            out[actor] = replace(budget_spec(ld.dataset, actor), share=share, year=year, preset=None)
    for name in presets or []:
        apply_preset("--preset", None, name.strip())
    if problems:
        raise InputError(problems)
    return out


def related_above(spec: TargetSpec, share: float) -> bool:
    """True if a target share would be smaller than the related-spending part the target keeps."""
    return spec.related_share is not None and spec.related_share > share


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


def need_planning(ld: LoadedDataset) -> PlanningParameters:
    """The dataset's planning parameters; an error unless it has them and an options catalogue."""
    pp = ld.dataset.planning
    if pp is None or not ld.dataset.options:
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
    return pp


def cache_path(ld: LoadedDataset, seed: int, cache_dir: Path) -> Path:
    """Where the surrogate fitted for this data and seed is cached."""
    key = hashlib.sha256(f"{ld.data_hash}:{seed}".encode()).hexdigest()[:16]
    return Path(cache_dir) / f"surrogate-{key}.json"


def _check_cached(sur: Surrogate, ld: LoadedDataset, seed: int) -> None:
    """Raise ValueError unless a cached surrogate is whole and fits this data and seed."""
    ds = ld.dataset
    scenarios = {s for s, sc in ds.scenarios.items() if sc.weight.value > 0}
    if set(sur.scenarios) != scenarios or set(sur.areas) != set(ds.mission_areas) or sur.seed != seed:
        raise ValueError("its scenarios, mission areas or seed differ from this run's")
    levels = np.asarray(sur.levels, dtype=float)
    if levels.ndim != 1 or len(levels) < 2 or not np.all(np.isfinite(levels)) or np.any(np.diff(levels) <= 0):
        raise ValueError("its levels are not an increasing list of numbers")
    for s in sur.scenarios:
        if not math.isfinite(float(sur.base[s])):
            raise ValueError(f"its baseline for {s} is not a number")
        for m in sur.areas:
            values = np.asarray(sur.values[s][m], dtype=float)
            if values.shape != levels.shape or not np.all(np.isfinite(values)):
                raise ValueError(f"its values for {s}/{m} do not match its levels")
        for pair in sur.pairs:
            values = np.asarray(sur.pair_curve(s, pair), dtype=float)
            if not set(pair) <= set(sur.areas) or values.shape != np.shape(sur.pair_levels):
                raise ValueError(f"its interaction {'/'.join(pair)} in {s} does not match its areas or levels")
            if not np.all(np.isfinite(values)):
                raise ValueError(f"its interaction values for {s}/{'/'.join(pair)} are not numbers")


def read_cache(path: Path, ld: LoadedDataset, seed: int) -> tuple[Surrogate | None, str | None]:
    """The surrogate cached in ``path``, or (None, why it was discarded) if the file is truncated, garbage or
    does not fit this data and seed; (None, None) if there is no such file."""
    if not path.exists():
        return None, None
    try:
        sur = Surrogate.from_dict(json.loads(path.read_text(encoding="utf-8")))
        _check_cached(sur, ld, seed)
    except (json.JSONDecodeError, UnicodeDecodeError):
        why = "it is not valid JSON (truncated or garbage)"
    except ValueError as e:
        why = str(e)
    except (OSError, KeyError, TypeError, AttributeError, IndexError) as e:
        why = f"it cannot be read ({type(e).__name__}: {e})"
    else:
        return sur, None
    return None, f"discarded the surrogate cache file {path}: {why}; the surrogate is fitted again"


def context(
    ld: LoadedDataset,
    budgets: list[str] | None,
    seed: int,
    cache_dir: Path | None,
    progress=None,
    warn: Callable[[str], None] | None = None,
    presets: list[str] | None = None,
    client: Any = None,
) -> PlanningContext:
    """Planning inputs, with the surrogate read from (or written to) a cache keyed by data and seed; a surrogate
    that must be fitted runs its simulations on ``client`` (a Dask client; None: in this process).

    A cache file that cannot be used (truncated, garbage, not this data's) is discarded and the surrogate
    refitted: a note in ``ctx.notes`` (and so in the result's ``notes``) and ``warn(note)`` say so. The cache
    is written atomically (temporary sibling, then ``os.replace``), so a killed run leaves no partial file."""
    need_planning(ld)
    check_cache_dir(cache_dir)
    overrides = parse_budgets(ld, budgets, presets)
    path = cache_path(ld, seed, cache_dir) if cache_dir else None
    cached, note = read_cache(path, ld, seed) if path else (None, None)
    ctx, sur = build_context(
        ld,
        budget_overrides=overrides,
        surrogate=cached,
        seed=seed,
        progress=progress,
        sim_map=executor.sim_map_on(client),
    )
    if path and cached is None:
        try:
            write_text_atomic(path, json.dumps(sur.to_dict()))
        except OSError as e:
            note = f"could not write the surrogate cache file {path} ({e.strerror or e}); the next run fits it again"
    if note:
        ctx.notes.append(note)
        if warn:
            warn(note)
    return ctx


def surrogate_work(ld: LoadedDataset) -> int:
    """Number of surrogate steps (for progress bars): per weighted scenario, 3 per area for the fit, one per
    held-out simulation (plan/surrogate.py) and, with effect-based levels, one per item measured (plan/effects.py)."""
    ds = ld.dataset
    per_scenario = len(ds.mission_areas) * 3 + 2 * HELD_OUT_POINTS
    if ds.planning is not None and ds.planning.lever_basis == "effect":
        per_scenario += len(effect_items(ds, list(ds.mission_areas)))
    return sum(1 for s in ds.scenarios.values() if s.weight.value > 0) * per_scenario


def plan_summary(ld: LoadedDataset, ctx: PlanningContext, plan: Plan, simulated: dict) -> dict[str, Any]:
    ds = ld.dataset
    portfolio: list[dict[str, Any]] = [
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


def check_plan_options(
    ld: LoadedDataset,
    regime: str | None,
    *,
    budgets: list[str] | None = None,
    split: str | None = None,
    receiver: str | None = None,
    cache_dir: Path | None = None,
    presets: list[str] | None = None,
) -> dict[str, float] | None:
    """Every option of `plan` (``regime``) or `compare-regimes` (``regime=None``) that depends on the data,
    checked before any planning (fitting the surrogate takes minutes): the dataset's planning section,
    ``--regime``, ``--receiver``, ``--split`` (returned, parsed), ``--budget``/``--target``, ``--preset`` and
    ``--cache-dir``."""
    pp = need_planning(ld)
    if regime is not None and regime not in REGIMES:
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
    if receiver is not None:
        check_known("planning actor", receiver, list(pp.budgets), "--receiver")
    user_split = parse_split(ld, split)
    if regime == "negotiated" and user_split is None:
        raise InputError(
            [Problem(CLI, "--split", "the negotiated regime needs a split", "add e.g. --split USA=0.6,JPN=0.4")]
        )
    parse_budgets(ld, budgets, presets)
    check_cache_dir(cache_dir)
    return user_split


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
    warn: Callable[[str], None] | None = None,
    presets: list[str] | None = None,
) -> dict[str, Any]:
    """One regime: plan, then verify by simulation."""
    check_reps(reps)
    check_seed(seed)
    user_split = check_plan_options(
        ld, regime, budgets=budgets, split=split, receiver=receiver, cache_dir=cache_dir, presets=presets
    )
    spec = RegimeSpec(
        regime,
        receiver=receiver or ld.dataset.planning.receiver if ld.dataset.planning else "USA",
        split=user_split,
    )
    ctx = context(ld, budgets, seed, cache_dir, progress, warn, presets)
    plan = run_regime(ctx, spec, defaults.MILP_GAP)
    runs = ScenarioRuns.for_dataset(ld.dataset, list(ctx.scenarios), reps, seed)  # as compare-regimes allocates
    lam = need_planning(ld).stalemate_weight.value
    scores: dict[str, Any] = {}
    sim = resimulate(
        ld, plan, ctx.scenarios, ctx.threat_factor, reps, seed, lam, detail=True, rep_out=scores, runs=runs
    )
    # the weighted deterrence's 95% interval, as compare-regimes gives it (strata = scenarios, clustered by draw)
    sim["weighted_deterrence_ci95"] = stratified_mean(scores, dict(ctx.inputs.weights))["ci95"]
    summary = plan_summary(ld, ctx, plan, sim)
    return {
        "regime": regime,
        "budgets": ctx.budgets,
        **({"host_nation_support": ctx.host_nation_support} if regime == "cost-transfer" else {}),
        "notes": ctx.notes,
        "threat_factor": ctx.threat_factor,
        **summary,
        "money": {"total_cost_musd": plan.total_cost_musd, "lifecycle_cost_musd": plan.lifecycle_cost_musd},
        "surrogate_error": _surrogate_error(ctx, summary),
        "provenance": ld.provenance(),
        "seed": seed,
        "replications": reps,
        "replications_by_scenario": runs.to_dict(),
    }


def _surrogate_error(ctx: PlanningContext, res: dict[str, Any]) -> dict[str, Any]:
    val = ctx.inputs.sur.validation or {}
    return {
        "validation_rmse": val.get("rmse"),
        "validation_max_abs_error": val.get("max_abs_error"),
        "held_out": error_summary(val),  # interaction vs additive surrogate, at the fit's seed and another
        "this_plan_surrogate_minus_simulated": res["surrogate"]["weighted_deterrence"]
        - res["simulated"]["weighted_deterrence"],
    }
