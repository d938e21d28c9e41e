"""Planning commands: plan, compare-regimes (service: :mod:`positivesum.services.plan`, imported when a
command runs: it loads HiGHS and SciPy, which `positivesum --help` should not pay for)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults
from ..services.validation import check_cache_dir, check_out_file, check_reps, check_seed
from .common import (
    CacheOpt,
    DataOpt,
    ForceOpt,
    JsonOpt,
    OverrideOpt,
    PlanningCacheOpt,
    QuietOpt,
    SetOpt,
    _c,
    emit,
    guarded,
    out,
    print_allocation,
    reps_option,
    warn,
    with_planning_progress,
    with_surrogate_progress,
)
from .sensitivity import SchedulerOpt, WorkersOpt

BudgetOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--target",
        "--budget",
        help=_c(
            "Spending target ACTOR=SHARE@YEAR, e.g. JPN=5%@2035 or JPN=0.035@2035, counted as the actor's own "
            "target is; or ACTOR=PRESET, e.g. JPN=nato-5 (repeatable)."
        ),
    ),
]
# The presets are data (planning.target_presets, each sourced); tests/test_data_2026.py checks this list.
PresetOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--preset",
        help=_c(
            "Spending-target preset for its actor (Japan), repeatable: jp-2pct-2022 (2% of FY2022 GDP, initial "
            "budgets, by JFY2027); jp-2pct-supplementary (the same, supplementary budgets counted, Japan's JFY2025 "
            "method); us-3pct (3%, Colby 2025); nato-core (3.5% core by 2035); nato-5 (5% = 3.5% core + 1.5% "
            "related by 2035, US NDS 2026); jp-strategy-2026 (pending documents, 2-3.5%)."
        ),
    ),
]


def _with_ci(value: float, ci) -> str:
    """A Monte Carlo estimate as printed: the value and, where there is one, its 95% interval."""
    return f"{value:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci and None not in ci else "")


def _regime_rows(name: str, res: dict) -> list[str]:
    simulated = _with_ci(
        res["simulated"]["weighted_deterrence"], ((res.get("measures") or {}).get("deterrence") or {}).get("ci95")
    )
    return [
        name,
        f"{res['total_cost_musd']:,.0f}",
        str(len(res["portfolio"])),
        f"{res['surrogate']['weighted_deterrence']:.3f}",
        simulated,
    ]


@guarded
def plan(
    regime: Annotated[
        str, typer.Option("--regime", help="joint | spending-target | cost-transfer | negotiated")
    ] = "joint",
    budget: BudgetOpt = None,
    preset: PresetOpt = None,
    split: Annotated[
        Optional[str],
        typer.Option("--split", help=_c("Negotiated regime: shares of the alliance total, e.g. USA=0.6,JPN=0.4.")),
    ] = None,
    receiver: Annotated[
        Optional[str], typer.Option("--receiver", help=_c("Cost-transfer regime: the actor who buys."))
    ] = None,
    reps: Annotated[
        int,
        reps_option(
            _c(
                "Nominal replications when verifying the plan by simulation (shared out among the scenarios by weight and duration)."
            )
        ),
    ] = defaults.PLAN_VERIFY_REPS,
    seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = defaults.SEED,
    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the plan as JSON."))] = None,
    cache_dir: CacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from ..services import data as data_services
    from ..services import plan as plan_services

    check_reps(reps)
    check_seed(seed)
    check_out_file(out_file, force=force)
    check_cache_dir(cache_dir)
    ld = data_services.load(data, override, set_)
    plan_services.check_plan_options(  # before the progress bar and the slow surrogate fit
        ld, regime, budgets=budget, split=split, receiver=receiver, cache_dir=cache_dir, presets=preset
    )
    result = with_surrogate_progress(
        ld,
        quiet,
        lambda progress: plan_services.run_plan(
            ld,
            regime,
            budgets=budget,
            split=split,
            receiver=receiver,
            seed=seed,
            reps=reps,
            cache_dir=cache_dir,
            progress=progress,
            warn=warn,
            presets=preset,
        ),
    )
    emit(result, out_file, as_json, quiet, lambda r: _print_plan(regime, r))


def _print_money_by_payer_and_owner(regime: str, result: dict) -> None:
    """Who pays (each actor's budget for options) and who owns (what is spent on each actor's options):
    in the joint regime the money is pooled, so the two differ and an actor may own nothing."""
    budgets = result.get("budgets") or {}
    spent = result.get("spending_musd") or {}
    table = Table(title=_c("Money over the plan by payer and by owner (M USD)"))
    for col in (_c("actor"), _c("pays (budget for options)"), _c("owns (spent on its options)")):
        table.add_column(col)
    for actor in sorted(set(budgets) | set(spent)):
        paid = sum(budgets.get(actor, {}).get("for_options_musd") or [0.0])
        table.add_row(actor, f"{paid:,.0f}", f"{sum(spent.get(actor) or [0.0]):,.0f}")
    out.print(table)
    if regime == "joint":
        out.print(_c("joint regime: the budgets are pooled; an actor's money may buy options another actor owns."))


def _print_plan(regime: str, result: dict) -> None:
    acquisition = sum(item["acquisition_musd"] for item in result["portfolio"])
    table = Table(
        title=_c(
            "{regime} plan: {n} options; acquisition {acq} M USD (spent within the plan, with operation: {spent} M USD)"
        ).format(
            regime=regime,
            n=len(result["portfolio"]),
            acq=f"{acquisition:,.0f}",
            spent=f"{result['total_cost_musd']:,.0f}",
        )
    )
    for col in (_c("actor (owner)"), _c("option"), _c("start year"), _c("category"), _c("acquisition M USD")):
        table.add_column(col)
    for item in result["portfolio"]:
        table.add_row(
            item["actor"],
            item["option"],
            str(item["start_plan_year"]),
            item["category"],
            f"{item['acquisition_musd']:,.0f}",
        )
    table.add_row(_c("total"), "", "", "", f"{acquisition:,.0f}")
    out.print(table)
    _print_money_by_payer_and_owner(regime, result)
    sim = result["simulated"]
    simulated = _with_ci(sim["weighted_deterrence"], sim.get("weighted_deterrence_ci95"))
    out.print(
        _c("weighted deterrence: surrogate {surrogate}, simulated {simulated}").format(
            surrogate=f"{result['surrogate']['weighted_deterrence']:.3f}", simulated=simulated
        ),
        markup=False,
    )
    print_allocation(result)
    _print_held_out((result.get("surrogate_error") or {}).get("held_out"))
    for note in result["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


def _print_held_out(held: dict | None) -> None:
    """The surrogate's held-out error, with interactions and without (docs/methodology/planning.md §3)."""
    if not held or not held.get("points"):
        return
    for label, model in ((_c("surrogate"), "interaction"), (_c("additive surrogate (no interactions)"), "additive")):
        out.print(
            _c(
                "{model}, error on {points} held-out points (RMSE, largest): {rmse}, {max} against a simulation at "
                "another seed; {same_rmse}, {same_max} at the fit's seed"
            ).format(
                model=label,
                points=held["points"],
                rmse=f"{held[f'{model}_other_seed_rmse']:.3f}",
                max=f"{held[f'{model}_other_seed_max_abs_error']:.3f}",
                same_rmse=f"{held[f'{model}_same_seed_rmse']:.3f}",
                same_max=f"{held[f'{model}_same_seed_max_abs_error']:.3f}",
            ),
            markup=False,
        )
        if held.get(f"{model}_other_seed_objective_rmse") is not None:
            out.print(
                _c(
                    "  error of the weighted objective (scenarios' errors by their squared weights): {rmse} at "
                    "another seed, {same} at the fit's seed"
                ).format(
                    rmse=f"{held[f'{model}_other_seed_objective_rmse']:.3f}",
                    same=f"{held[f'{model}_same_seed_objective_rmse']:.3f}",
                ),
                markup=False,
            )


@guarded
def compare_regimes(
    budget: BudgetOpt = None,
    preset: PresetOpt = None,
    split: Annotated[
        Optional[str],
        typer.Option(
            "--split",
            help=_c(
                "Negotiated regime's split, e.g. USA=0.6,JPN=0.4 (default: the US opening position, every ally at "
                "5% of GDP by 2035)."
            ),
        ),
    ] = None,
    reps: Annotated[
        int,
        reps_option(
            _c(
                "Nominal replications when verifying each plan by simulation (shared out among the scenarios by weight and duration)."
            )
        ),
    ] = defaults.PLAN_VERIFY_REPS,
    seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = defaults.SEED,
    check_seed_opt: Annotated[
        Optional[int],
        typer.Option(
            "--check-seed",
            help=_c(
                "Second seed at which every portfolio is simulated again to check the dividend (default: seed + 1)."
            ),
        ),
    ] = None,
    margin_reps: Annotated[
        Optional[int],
        typer.Option(
            "--margin-reps",
            help=_c(
                "Replications per point of the growth-margin bisection (default: the smaller of --reps and 128; "
                "0: no margin)."
            ),
        ),
    ] = None,
    spending_targets: Annotated[
        Optional[str],
        typer.Option(
            "--spending-targets",
            help=_c(
                "Spending targets compared as regimes, preset ids separated by commas, e.g. "
                "jp-2pct-2022,us-3pct,nato-core,nato-5 ('none' to skip; default: those four)."
            ),
        ),
    ] = None,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the comparison as JSON."))] = None,
    cache_dir: PlanningCacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from ..services import compare as compare_services
    from ..services import data as data_services
    from ..services import plan as plan_services
    from ..services.executor import check_cluster_options

    check_reps(reps)
    check_seed(seed)
    if check_seed_opt is not None:
        check_seed(check_seed_opt)
    if margin_reps is not None and margin_reps != 0:
        check_reps(margin_reps, "--margin-reps")
    check_cluster_options(scheduler, workers)
    check_out_file(out_file, force=force)
    check_cache_dir(cache_dir)
    ld = data_services.load(data, override, set_)
    plan_services.check_plan_options(ld, None, budgets=budget, split=split, cache_dir=cache_dir, presets=preset)
    targets = compare_services.parse_spending_targets(ld, spending_targets)
    result = with_planning_progress(
        ld,
        quiet,
        lambda progress, stage: compare_services.compare_regimes(
            ld,
            budgets=budget,
            split=split,
            seed=seed,
            reps=reps,
            cache_dir=cache_dir,
            progress=progress,
            warn=warn,
            presets=preset,
            check_seed_value=check_seed_opt,
            margin_reps=margin_reps,
            spending_targets=targets,
            stage=stage,
            workers=workers,
            scheduler=scheduler,
        ),
    )
    emit(result, out_file, as_json, quiet, print_regimes)


def print_regimes(result: dict) -> None:
    table = Table(
        title=_c("Regimes at equal money per actor (deterrence = P(denied) + ½·P(stalemate), scenario-weighted)")
    )
    for i, col in enumerate((_c("regime"), _c("cost M USD"), _c("options"), _c("surrogate"), _c("simulated"))):
        table.add_column(col, justify="right" if i else "left")
    for name, res in result["regimes"].items():
        table.add_row(*_regime_rows(name + (f" (= {res['adopted_from']})" if res.get("adopted_from") else ""), res))
    out.print(table)
    div = Table(title=_c("Cooperation dividend of joint planning"))
    for i, col in enumerate(
        (
            _c("vs regime"),
            _c("deterrence gained at equal money"),
            _c("money saved at equal deterrence (M USD)"),
            _c("growth margin gained (years)"),
        )
    ):
        div.add_column(col, justify="right" if i else "left")
    for name, d in result["cooperation_dividend"].items():
        lo, hi = d.get("deterrence_gain_at_equal_money_ci95") or (None, None)
        margin = (d.get("growth_margin_difference") or {}).get("weighted") or {}
        m_lo, m_hi = margin.get("ci95") or (None, None)
        div.add_row(
            name,
            f"{d['deterrence_gain_at_equal_money']:+.3f}"
            + ("" if lo is None or hi is None else f" [{lo:+.3f}, {hi:+.3f}]"),
            "-" if d["saved_musd"] is None else f"{d['saved_musd']:,.0f}",
            "-"
            if margin.get("difference_years") is None
            else f"{margin['difference_years']:+.1f}" + ("" if m_lo is None else f" [{m_lo:+.1f}, {m_hi:+.1f}]"),
        )
    out.print(div)
    for d in result["cooperation_dividend"].values():
        if d.get("statement"):
            out.print(d["statement"], markup=False)
    if result.get("growth_margin_statement"):
        out.print(result["growth_margin_statement"], markup=False)
    if result.get("pinned_statement"):
        out.print(result["pinned_statement"], markup=False)
    if result.get("split_basis"):
        out.print(
            _c("Negotiated split of the money for new options ({basis}): {shares}").format(
                basis=result["split_basis"],
                shares=", ".join(f"{a} {v:.0%}" for a, v in result["split_for_negotiated"].items()),
            ),
            markup=False,
        )
    for actor, info in result.get("budgets", {}).items():
        by_basis = info.get("base_share_of_target_gdp_by_basis") or {}
        if len(set(by_basis.values())) > 1:
            out.print(
                _c(
                    "{actor} today, as its target counts: {initial} of GDP on initial budgets, {supplementary} with "
                    "supplementary budgets counted (basis in use: {basis})"
                ).format(
                    actor=actor,
                    initial=f"{by_basis.get('initial', 0):.2%}",
                    supplementary=f"{by_basis.get('initial_plus_supplementary', 0):.2%}",
                    basis=info.get("budget_basis"),
                ),
                markup=False,
            )
        fiscal = info.get("fiscal")
        if fiscal:
            out.print(
                _c(
                    "{actor} budget to {share} of GDP by {year}: over the plan, defence growth plus social-security "
                    "increase need {need} bn {currency} of revenue; bond-financed, the debt ratio rises {points} points"
                ).format(
                    actor=actor,
                    share=f"{info['target_share_of_gdp']:.1%}",
                    year=info["target_year"],
                    need=f"{fiscal['cumulative_funding_need_local_bn']:,.0f}",
                    currency=fiscal["currency"],
                    points=f"{fiscal['debt_ratio_change_pct_points_by_last_year']:+.1f}",
                ),
                markup=False,
            )
    print_allocation(result)
    _print_held_out((result.get("surrogate_validation") or {}).get("held_out"))
    for note in result["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(help=_c("Plan ten years of investment under one burden-sharing regime, then verify it by simulation."))(
        plan
    )
    app.command(
        "compare-regimes",
        help=_c(
            "Compare joint (positive-sum) planning with zero-sum regimes at equal money: the cooperation dividend."
        ),
    )(compare_regimes)
