"""Compare joint (positive-sum) planning with the zero-sum regimes at equal money: the cooperation dividend.

`positivesum compare-regimes` and the briefing's regimes. Two phases: the MILPs choose every portfolio, then every
simulation those portfolios need runs as one batch (services/portfolio_runs.py), here or on a Dask cluster.
Documented in docs/reference/compare-regimes.md; the measures in decision record 0012.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import defaults
from ..model.errors import InputError, Problem, suggest
from ..model.loader import LoadedDataset
from ..plan.allocation import ScenarioRuns
from ..plan.deterrence import MARGIN_THRESHOLD, RepScores, includes_zero, mean_interval, pinned, stratified_mean
from ..plan.effects import effects_summary
from ..plan.milp import Plan
from ..plan.regimes import REGIMES, RegimeSpec
from ..plan.surrogate import error_summary
from ..plan.workflow import money_saved
from . import executor, unit_cache
from .compare_margins import differing_scenarios, paired_differences, split_replicates, weighted_interval
from .compare_margins import statement as margin_statement
from .compare_milps import Shared as MilpShared
from .compare_milps import solve_waves
from .plan import (
    CLI,
    _surrogate_error,
    check_plan_options,
    context,
    need_planning,
    plan_summary,
)
from .portfolio_runs import Batch, Score, Shared
from .validation import check_reps, check_seed


def compare_regimes(
    ld: LoadedDataset,
    *,
    budgets=None,
    split=None,
    seed=defaults.SEED,
    reps=defaults.PLAN_VERIFY_REPS,
    cache_dir=None,
    progress=None,
    warn: Callable[[str], None] | None = None,
    presets: list[str] | None = None,
    check_seed_value: int | None = None,
    margin_reps: int | None = None,
    margin_threshold: float = MARGIN_THRESHOLD,
    spending_targets: list[str] | None = None,
    stage: Callable[[str, int, int], None] | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    client: Any = None,
    plans_out: dict[str, Plan] | None = None,
    milps_solved: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Every regime at equal money per actor, verified by simulation, with the cooperation dividend.

    Two phases: the MILPs choose every portfolio (regimes, cheapest joint plans at equal deterrence, spending
    targets), then every simulation they need runs as one batch of independent units
    (services/portfolio_runs.py) in this process or on a Dask cluster (``workers`` local worker processes, or
    ``scheduler``'s address; the numbers do not depend on it). ``progress(n)`` counts the surrogate's
    simulations; ``stage(step, done, total)`` follows the MILPs and the batch.

    The negotiated regime's split is the user's ``--split``; without one it opens at the data's
    ``planning.negotiation_opening`` (the US position: allies at 5% of GDP), else each actor's own money.

    Every portfolio is re-simulated at the same seed (common random numbers), so the dividend against each
    regime has a 95 % interval from the paired replications; it is checked again at a second seed
    (``check_seed_value``, default seed + 1). Each regime carries its deterrence measures (decision record 0012:
    D, grade score, growth margin in years of adversary growth with ``margin_reps`` replications per bisection
    point (default the smaller of ``reps`` and 128), 0 = not computed), the adversary's expected cost, money with lifecycle cost, and the surrogate's error.
    ``spending_targets`` (preset ids) adds the spending-target regimes at those targets (:func:`.compare_milps.plan_target`).
    ``client``: a Dask client the caller holds (the main job shares one among its stages); the surrogate's fit,
    if one is needed, runs on the same cluster. ``plans_out`` receives each regime's plan (the joint one as
    adopted), so that the main job's later sections show the same portfolios; ``milps_solved()`` is called once
    every MILP is solved, before the portfolio runs."""
    check_reps(reps)
    check_seed(seed)
    seed2 = seed + 1 if check_seed_value is None else check_seed_value
    check_seed(seed2)
    user_split = check_plan_options(ld, None, budgets=budgets, split=split, cache_dir=cache_dir, presets=presets)
    need_planning(ld)
    check_target_presets(ld, spending_targets)
    with unit_cache.planning_caches(cache_dir), executor.client_for(client, scheduler, workers) as cluster:
        out = _compare_on(
            cluster,
            ld,
            budgets=budgets,
            seed=seed,
            seed2=seed2,
            reps=reps,
            cache_dir=cache_dir,
            progress=progress,
            warn=warn,
            presets=presets,
            user_split=user_split,
            margin_reps=margin_reps,
            margin_threshold=margin_threshold,
            spending_targets=spending_targets,
            stage=stage,
            plans_out=plans_out,
            milps_solved=milps_solved,
        )
    if workers or scheduler:
        out["executor"] = {"scheduler": scheduler, "workers": workers}
    return out


def _compare_on(
    client: Any,
    ld: LoadedDataset,
    *,
    budgets,
    seed: int,
    seed2: int,
    reps: int,
    cache_dir,
    progress,
    warn,
    presets,
    user_split,
    margin_reps: int | None,
    margin_threshold: float,
    spending_targets: list[str] | None,
    stage,
    plans_out: dict[str, Plan] | None = None,
    milps_solved: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """:func:`compare_regimes` after its checks, on ``client`` (None: in this process)."""
    pp = need_planning(ld)
    ctx = context(ld, budgets, seed, cache_dir, progress, warn, presets, client=client)
    actors = ctx.actors
    opening = ctx.negotiation_opening
    if user_split:
        split_shares, split_basis = user_split, "--split"
    elif opening is not None:
        split_shares = dict(opening["shares"])
        # the shares are of the money for new options (plan/workflow.opening_split), not of defence budgets: say so
        split_basis = (
            f"opening position: preset {opening['preset']} for every ally but {pp.receiver}, {pp.receiver} on its"
            " own budget path"
        )
    else:
        split_shares = {a: float(sum(ctx.budgets[a]["for_options_musd"])) for a in actors}
        split_basis = "each actor's own money"
    total = sum(split_shares.values()) or 1.0
    split_shares = {a: v / total for a, v in split_shares.items()}
    lam = pp.stalemate_weight.value
    weights = dict(ctx.inputs.weights)
    say = stage or (lambda *_a: None)
    # 1. The MILPs, in two waves of independent solves on the cluster (services/compare_milps.py): the zero-sum
    # regimes and the spending targets, then the joint plan (warm-started from every other regime's portfolio: its
    # feasible set contains them, so its incumbent is never below theirs on the surrogate, whatever the stated gap,
    # defaults.MILP_GAP) and the cheapest joint plans at equal deterrence (solved once: for the money saved and for
    # its re-simulated check).
    specs = {name: RegimeSpec(name, receiver=pp.receiver, split=split_shares) for name in REGIMES}
    plans, cheapest, targets = solve_waves(
        client,
        MilpShared(ctx, ld, seed, ctx.inputs.sur),
        specs,
        list(spending_targets or []),
        say,
    )
    if milps_solved is not None:  # the main job starts its alliance lane now (services/report.py)
        milps_solved()
    m_reps = min(reps, DEFAULT_MARGIN_REPS) if margin_reps is None else margin_reps
    # 2. Every simulation those portfolios need, as one batch (identical units run once), here or on a cluster.
    # Each scenario at its own replications (the cost-optimal allocation at the uniform design's worst-case
    # precision) and its own seed, the same for every portfolio: plan/allocation.py.
    runs = ScenarioRuns.for_dataset(ld.dataset, list(ctx.scenarios), reps, seed)
    runs2 = runs.with_seed(seed2)
    batch = Batch()
    first = {n: batch.score_portfolio(plans[n].choices, ctx.scenarios, runs, detail=True) for n in REGIMES}
    second = {n: batch.score_portfolio(plans[n].choices, ctx.scenarios, runs2) for n in REGIMES}
    at_equal = {
        n: batch.score_portfolio(c.choices, ctx.scenarios, runs)
        for n, c in cheapest.items()
        if not isinstance(c, InputError)
    }
    margin_units = {
        n: batch.margins(plans[n].choices, ctx.scenarios, m_reps, seed, margin_threshold) if m_reps > 0 else []
        for n in REGIMES
    }
    for t in targets.values():
        t["units"] = {
            name: batch.score_portfolio(plan.choices, ctx.scenarios, runs) for name, plan in t["plans"].items()
        }
    shared = Shared(ld, ctx.threat_factor, lam, pp.adversary_growth_per_year.value)
    total, done = batch.work, [0]

    def tick(n: int) -> None:
        done[0] += n
        say(f"simulating {len(batch)} portfolio runs", done[0], total)

    say(f"simulating {len(batch)} portfolio runs", 0, total)
    batch.run(client, shared, tick)
    # 3. Assemble.
    results: dict[str, Any] = {}
    scores: dict[str, dict[str, RepScores]] = {}
    for name in REGIMES:
        scores[name] = {}
        sim = batch.resimulated(first[name], weights, rep_out=scores[name])
        results[name] = plan_summary(ld, ctx, plans[name], sim)
    # Verification: the joint plan's feasible set contains every other regime's portfolio, so if simulation
    # (not the surrogate) rates another portfolio higher, the joint planner adopts it and says so.
    adopted_from = "joint"
    best = max(REGIMES, key=lambda n: results[n]["simulated"]["weighted_deterrence"])
    if (
        best != "joint"
        and results[best]["simulated"]["weighted_deterrence"] > results["joint"]["simulated"]["weighted_deterrence"]
    ):
        adopted = dict(results[best])
        adopted["adopted_from"] = best
        adopted["milp_plan_simulated"] = results["joint"]["simulated"]
        results["joint"], plans["joint"], scores["joint"] = adopted, plans[best], scores[best]
        adopted_from = best
    joint = results["joint"]["simulated"]["weighted_deterrence"]
    # The second seed: every regime's portfolio re-simulated with other random streams.
    scores2: dict[str, dict[str, RepScores]] = {}
    for name in REGIMES:
        scores2[name] = {}
        batch.resimulated(second[adopted_from if name == "joint" else name], weights, rep_out=scores2[name])
    dividend = {}
    for name in REGIMES:
        if name == "joint":
            continue
        other = results[name]["simulated"]["weighted_deterrence"]
        gain = _paired(scores["joint"], scores[name], weights)
        gain2 = _paired(scores2["joint"], scores2[name], weights)
        saved = money_saved(ctx, plans[name], defaults.MILP_GAP, cheapest=cheapest[name])
        dividend[name] = {
            "deterrence_gain_at_equal_money": joint - other,
            "deterrence_gain_at_equal_money_ci95": gain["ci95"],
            "deterrence_gain_includes_zero": gain["includes_zero"],
            "deterrence_gain_check_seed": {"seed": seed2, **gain2},
            "deterrence_gain_by_scenario": _paired_by_scenario(scores["joint"], scores[name], weights),
            **saved,
            "equal_deterrence_check": _equal_deterrence_check(
                cheapest[name], batch, at_equal.get(name), scores[name], weights
            ),
            "statement": _dividend_statement(name, gain, gain2, seed, seed2),
        }
    by_regime = {n: {s: r["deterrence"] for s, r in results[n]["simulated"]["scenarios"].items()} for n in REGIMES}
    stuck = pinned(by_regime)
    margin_sets = {}
    for name in REGIMES:
        own = adopted_from if name == "joint" else name
        margins, margin_boot = margin_sets[name] = split_replicates(
            {u.scenario: batch.result(u) for u in margin_units[own]}
        )
        results[name]["measures"] = _measures(scores[name], weights, margins, margin_threshold)
        if "growth_margin_years" in results[name]["measures"]:
            results[name]["measures"]["growth_margin_years"]["weighted_ci95"] = weighted_interval(margin_boot, weights)
        results[name]["money"] = {
            "total_cost_musd": plans[name].total_cost_musd,
            "lifecycle_cost_musd": plans[name].lifecycle_cost_musd,
        }
        results[name]["surrogate_error"] = _surrogate_error(ctx, results[name])
        if name != "joint":
            results[name]["dividend_of_joint"] = {
                k: dividend[name][k]
                for k in (
                    "deterrence_gain_at_equal_money",
                    "deterrence_gain_at_equal_money_ci95",
                    "deterrence_gain_includes_zero",
                    "statement",
                )
            }
    margin_differences = {
        name: paired_differences(margin_sets["joint"], margin_sets[name], weights)
        for name in REGIMES
        if name != "joint"
    }
    for name, diff in margin_differences.items():
        dividend[name]["growth_margin_difference"] = diff
        results[name]["dividend_of_joint"]["growth_margin_difference"] = diff
    differing = differing_scenarios(margin_differences)
    out: dict[str, Any] = {
        # None when the margins were not computed (--margin-reps 0): nothing is claimed either way
        "growth_margin_differs": differing if m_reps > 0 else None,
        "growth_margin_statement": margin_statement(differing) if m_reps > 0 else None,
        "budgets": ctx.budgets,
        "notes": ctx.notes,
        "threat_factor": ctx.threat_factor,
        "adversary_growth_per_year": pp.adversary_growth_per_year.value,
        "split_for_negotiated": split_shares,
        "split_basis": split_basis,
        "host_nation_support": ctx.host_nation_support,
        "regimes": results,
        "cooperation_dividend": dividend,
        "pinned_scenarios": stuck,
        "pinned_statement": _pinned_statement(stuck),
        "option_levels": effects_summary(ctx.inputs.sur.effects, pp.lever_basis),
        "surrogate_validation": {
            **{k: ctx.inputs.sur.validation.get(k) for k in ("rmse", "max_abs_error") if ctx.inputs.sur.validation},
            "held_out": error_summary(ctx.inputs.sur.validation),
        },
        "provenance": ld.provenance(),
        "seed": seed,
        "check_seed": seed2,
        "replications": reps,
        "replications_by_scenario": runs.to_dict(),
        "margin_replications": m_reps,
    }
    if spending_targets:
        out["spending_targets"] = _target_rows(targets, batch, lam)
    if plans_out is not None:
        plans_out.update(plans)
    return out


DEFAULT_MARGIN_REPS = 128
"""Replications per bisection point of the growth margin (at most the verification's), each its own parameter draw
(sim.setup.MEAN_INNER_REPLICATIONS): P(victory) near the threshold to ±0.09 (95 %). The earlier 320 were ten draws of
32 replications; with the measured share of the variance between draws (ρ ≥ 0.35 for differences, decision record
0017) they estimated P(victory) no better than 320/(1 + 31ρ) ≤ 27 independent replications."""


def _paired_by_scenario(
    a: dict[str, RepScores], b: dict[str, RepScores], weights: dict[str, float]
) -> dict[str, dict[str, Any]]:
    """Each scenario's deterrence of ``a`` minus ``b`` with its paired 95 % interval (clustered by parameter draw):
    where the weighted gain comes from, and whether any one scenario's difference is established on its own."""
    out = {}
    for sid in a:
        if sid not in b:
            continue
        d = mean_interval(np.asarray(a[sid].deterrence) - np.asarray(b[sid].deterrence), a[sid].cluster)
        out[sid] = {
            "weight": weights.get(sid, 0.0),
            "difference": d["mean"],
            "ci95": d["ci95"],
            "includes_zero": includes_zero(d["ci95"]),
        }
    return out


def _paired(a: dict[str, RepScores], b: dict[str, RepScores], weights: dict[str, float]) -> dict[str, Any]:
    """Weighted deterrence of ``a`` minus ``b``: paired by replication within each scenario (same seed), the
    scenarios independent strata of their own replications and seeds (plan/allocation.py)."""
    return stratified_mean(a, weights, minus=b)


def _dividend_statement(name: str, gain: dict, gain2: dict, seed: int, seed2: int) -> str:
    lo, hi = gain["ci95"]
    text = f"joint vs {name}: {gain['mean']:+.4f} deterrence at equal money (95% interval {lo:+.4f} to {hi:+.4f})"
    if gain["includes_zero"]:
        text += "; the interval includes zero: no dividend is shown at these replications"
    lo2, hi2 = gain2["ci95"]
    text += f"; at seed {seed2} {gain2['mean']:+.4f} ({lo2:+.4f} to {hi2:+.4f})"
    if gain["includes_zero"] != gain2["includes_zero"]:
        text += f", which {'includes' if gain2['includes_zero'] else 'excludes'} zero: the seeds disagree"
    return text


def _equal_deterrence_check(
    cheapest: Plan | InputError,
    batch: Batch,
    units: list[Score] | None,
    regime_scores: dict[str, RepScores],
    weights: dict[str, float],
) -> dict[str, Any] | None:
    """Money saved at equal deterrence, re-simulated: the cheapest joint plan matching the regime's surrogate
    deterrence (``cheapest``, or the error saying there is none) simulated at the same seed (``units`` of the
    batch), and its deterrence compared (paired) with the regime's."""
    if isinstance(cheapest, InputError) or units is None:
        return {"note": cheapest.render() if isinstance(cheapest, InputError) else "not simulated"}
    mine: dict[str, RepScores] = {}
    sim = batch.resimulated(units, weights, rep_out=mine)
    diff = _paired(mine, regime_scores, weights)
    return {
        "joint_plan_options": len(cheapest.choices),
        "joint_lifecycle_cost_musd": cheapest.lifecycle_cost_musd,
        "joint_simulated_deterrence": sim["weighted_deterrence"],
        "deterrence_difference": diff["mean"],
        "deterrence_difference_ci95": diff["ci95"],
        "equal_within_interval": diff["includes_zero"] or diff["ci95"][0] > 0,
        "explanation": "cheapest joint plan reaching the regime's surrogate deterrence, re-simulated at the same "
        "seed; the difference is joint minus regime (paired replications). The money saved holds if the "
        "difference is not significantly negative.",
    }


def _measures(
    scores: dict[str, RepScores],
    weights: dict[str, float],
    margins: dict[str, Any],
    threshold: float,
) -> dict[str, Any]:
    """Deterrence measures of one portfolio (decision record 0012), weighted and by scenario, with intervals;
    ``margins`` are its growth margins by scenario (empty: not computed)."""
    total = sum(weights.get(s, 0.0) for s in scores) or 1.0

    def weighted(field: str) -> dict[str, Any]:  # independent strata (plan/allocation.py)
        return stratified_mean(scores, weights, field)

    by_scenario: dict[str, Any] = {}
    for s, r in scores.items():
        by_scenario[s] = {
            "deterrence": mean_interval(r.deterrence, r.cluster),
            "grade_score": mean_interval(r.grade_score, r.cluster),
            "p_adversary_victory": mean_interval(r.victory, r.cluster),
            "adversary_losses_musd": mean_interval(r.adversary_loss_musd, r.cluster),
            "adversary_casualties": mean_interval(r.adversary_casualties, r.cluster),
        }
        if s in margins:
            by_scenario[s]["growth_margin_years"] = margins[s]
    out: dict[str, Any] = {
        "maximised_by_planner": "deterrence",
        "deterrence": weighted("deterrence"),
        "grade_score": weighted("grade_score"),
        "p_adversary_victory": weighted("victory"),
        "adversary_losses_musd": weighted("adversary_loss_musd"),
        "by_scenario": by_scenario,
    }
    if margins:
        finite = {s: m["years"] for s, m in margins.items()}
        worst = min(finite, key=lambda s: finite[s])
        out["growth_margin_years"] = {
            "weighted": sum(weights.get(s, 0.0) / total * y for s, y in finite.items()),
            "weakest_scenario": worst,
            "weakest_years": finite[worst],
            "censored": sorted(s for s, m in margins.items() if m["censored"]),
            "threshold_p_victory": threshold,
            "explanation": "years of adversary growth at the data's rate (planning.adversary_growth_per_year, the "
            "PLA's, applied to every adversary as a proxy) beyond the plan's last year at which P(adversary victory) "
            "reaches the threshold (bisection, same seed at every point); a censored scenario's margin is beyond "
            "the search range and counted at its end (decision record 0012)",
        }
    return out


def _pinned_statement(stuck: dict[str, str]) -> str:
    if not stuck:
        return "no scenario's deterrence is at the ceiling or the floor in every regime"
    return "; ".join(
        f"{s}: deterrence at the {kind} in every regime (D does not discriminate there; see its growth margin)"
        for s, kind in sorted(stuck.items())
    )


#: The spending targets compared as regimes (issue 16): 2 %, 3 %, 3.5 % core and 5 % of GDP, presets of the data.
DEFAULT_TARGET_PRESETS = ("jp-2pct-2022", "us-3pct", "nato-core", "nato-5")


def parse_spending_targets(ld: LoadedDataset, text: str | None) -> list[str]:
    """``--spending-targets``: comma-separated preset ids; ``none`` for none; default :data:`DEFAULT_TARGET_PRESETS`
    (those the data has)."""
    catalogue = need_planning(ld).target_presets
    if text is None:
        return [p for p in DEFAULT_TARGET_PRESETS if p in catalogue]
    if text.strip().lower() == "none":
        return []
    ids = [p.strip() for p in text.split(",") if p.strip()]
    check_target_presets(ld, ids)
    return ids


def check_target_presets(ld: LoadedDataset, presets: list[str] | None) -> None:
    """``--spending-targets``: every id is a preset of the data."""
    catalogue = need_planning(ld).target_presets
    bad = [p for p in presets or [] if p not in catalogue]
    if bad:
        raise InputError(
            [
                Problem(
                    CLI,
                    "--spending-targets",
                    f"no target preset '{p}'",
                    f"{suggest(p, catalogue)} (presets: {', '.join(catalogue)})",
                )
                for p in bad
            ]
        )


def _target_rows(targets: dict[str, dict[str, Any]], batch: Batch, lam: float) -> dict[str, Any]:
    """Spending targets as regimes, the reporting half: what each target buys and the joint plan's deterrence
    margin over it at equal money, both verified by simulation at the same seed (paired 95 % interval)."""
    del lam  # the batch's units were simulated with the comparison's stalemate weight
    out: dict[str, Any] = {}
    for pid, t in targets.items():
        row, weights = dict(t["row"]), t["weights"]
        scores: dict[str, dict[str, RepScores]] = {}
        for name, plan in t["plans"].items():
            scores[name] = {}
            sim = batch.resimulated(t["units"][name], weights, rep_out=scores[name])
            row[name] = {
                "options": [{"actor": a, "option": o, "start_plan_year": y} for a, o, y in sorted(plan.choices)],
                "total_cost_musd": plan.total_cost_musd,
                "lifecycle_cost_musd": plan.lifecycle_cost_musd,
                "surrogate_deterrence": plan.weighted_deterrence,
                "simulated_deterrence": sim["weighted_deterrence"],
            }
        milp_gain = _paired(scores["joint"], scores["spending-target"], weights)
        if row["spending-target"]["simulated_deterrence"] > row["joint"]["simulated_deterrence"]:
            # as in compare-regimes: the national portfolios are joint-feasible, so the joint planner adopts them
            # when simulation rates them higher (the surrogate misguided its own choice), and says so
            row["joint_milp"] = row["joint"]
            row["joint"] = {**row["spending-target"], "adopted_from": "spending-target"}
            scores["joint"] = scores["spending-target"]
        gain = _paired(scores["joint"], scores["spending-target"], weights)
        row["joint_margin_at_equal_money"] = {
            "mean": gain["mean"],
            "ci95": gain["ci95"],
            "includes_zero": gain["includes_zero"],
        }
        row["joint_milp_margin_at_equal_money"] = {
            "mean": milp_gain["mean"],
            "ci95": milp_gain["ci95"],
            "includes_zero": milp_gain["includes_zero"],
            "explanation": "the joint MILP's own portfolio against the national ones, before adoption: negative "
            "where the surrogate misguided the joint choice",
        }
        out[pid] = row
    return out
