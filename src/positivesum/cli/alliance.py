"""Alliance-study commands: fair-shares, intervention-matrix, roles, command-structures.

Thin: the work is in :mod:`positivesum.services.alliance`, imported when a command runs (it loads the
planner, HiGHS and SciPy, which `positivesum --help` should not pay for).
"""

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
    OverrideOpt,
    PlanningCacheOpt,
    SetOpt,
    _c,
    emit,
    err,
    guarded,
    out,
    print_allocation,
    progress_bar,
    reps_option,
    warn,
    with_surrogate_progress,
)

SeedOpt = Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))]
RepsOpt = Annotated[int, typer.Option("--reps", "-n", help=_c("Replications per scenario simulation."))]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help=_c("Write the result as JSON."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=_c("Print the JSON result instead of tables."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bars."))]


def _context(ld, seed: int, cache_dir: Path, quiet: bool):
    from ..services import plan as plan_services

    return with_surrogate_progress(
        ld, quiet, lambda progress: plan_services.context(ld, None, seed, cache_dir, progress=progress, warn=warn)
    )


def _studies():
    from ..services import alliance as alliance_services

    return alliance_services


def _cached(cache_dir: Path):
    """MILP solutions and units cached in ``--cache-dir``, as compare-regimes does (services/unit_cache.py)."""
    from ..services import unit_cache

    return unit_cache.planning_caches(cache_dir)


def _command_services():
    from ..services import command as command_services

    return command_services


def _need_planning(ld) -> None:
    from ..services import plan as plan_services

    plan_services.need_planning(ld)


def _f(x, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


@guarded
def fair_shares_cmd(
    players: Annotated[
        Optional[str],
        typer.Option(
            "--players",
            help=_c("Comma-separated allies, e.g. USA,JPN,KOR (default: the treaty allies with a planning budget)."),
        ),
    ] = None,
    reps: Annotated[
        int,
        reps_option(
            _c(
                "Nominal replications when simulating each coalition's portfolio (shared out among the scenarios by weight and duration)."
            )
        ),
    ] = defaults.ALLIANCE_REPS,
    seed: SeedOpt = defaults.SEED,
    cache_dir: PlanningCacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    out_file: OutOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    refit: Annotated[
        bool,
        typer.Option(
            "--refit-surrogates",
            help=_c(
                "Fit a surrogate in each coalition's own scenarios (exact planning guidance; about a minute per coalition)."
            ),
        ),
    ] = False,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap",
            help=_c(
                "Bootstrap samples (whole parameter draws resampled) for the intervals of Shapley values, nucleolus "
                "and shares (0: none)."
            ),
        ),
    ] = 200,
    force: ForceOpt = False,
) -> None:
    """Who contributes what to joint deterrence: Shapley, nucleolus, core and Nash shares against GDP and spending shares."""
    from ..services import data as services

    check_reps(reps)
    check_seed(seed)
    check_out_file(out_file, force=force)
    check_cache_dir(cache_dir)
    ld = services.load(data, override, set_)
    _need_planning(ld)
    chosen = _studies().parse_players(ld, players)
    ctx = _context(ld, seed, cache_dir, quiet)
    with _cached(cache_dir), progress_bar() as bar:
        task = bar.add_task(
            _c("planning and simulating every coalition"), total=_studies().fair_share_work(chosen), visible=not quiet
        )
        result = _studies().fair_shares(
            ld,
            ctx,
            players=chosen,
            reps=reps,
            seed=seed,
            refit_surrogates=refit,
            progress=lambda k: bar.advance(task, k),
            bootstrap_samples=max(0, bootstrap),
        )
    emit(result, out_file, as_json, False, _print_fair_shares)


def _print_fair_shares(r: dict) -> None:
    table = Table(
        title=_c("Coalition values v(S) = deterrence added over the non-players alone ({base:.3f})").format(
            base=r["deterrence_without_players"]
        )
    )
    for col in (_c("coalition"), "v(S)", _c("options"), _c("lifecycle cost (M USD)")):
        table.add_column(col, justify="left" if col == _c("coalition") else "right")
    for c in r["coalitions"]:
        table.add_row(
            "+".join(c["members"]) or "∅", _f(c["value"]), str(c["options"]), f"{c['lifecycle_cost_musd']:,.0f}"
        )
    out.print(table)
    shares = Table(title=_c("Shares of v(N) = {v:.3f} (% of the total)").format(v=r["grand_value"]))
    cols = [
        ("shapley_pct", "Shapley"),
        ("nucleolus_pct", _c("nucleolus")),
        ("nash_pct", "Nash"),
        ("proportional_to_gdp_pct", _c("GDP share")),
        ("proportional_to_defence_spending_pct", _c("spending share")),
    ]
    shares.add_column(_c("player"))
    shares.add_column(_c("alone v(i)"), justify="right")
    for _key, head in cols:
        shares.add_column(head, justify="right")
    for row in r["shares"]:
        shares.add_row(row["player"], _f(row["alone"]), *(_f(row.get(k), 1) for k, _h in cols))
    out.print(shares)
    print_allocation(r)
    intervals = (r.get("intervals") or {}).get("rules") or {}
    for rule, by_player in intervals.items():
        out.print(
            _c("{rule} shares with 95% bootstrap intervals: {shares}").format(
                rule=rule,
                shares="; ".join(
                    f"{p} {v['share_pct']:.1f}% [{v['share_pct_ci95'][0]:.1f}, {v['share_pct_ci95'][1]:.1f}]"
                    for p, v in by_player.items()
                    if v.get("share_pct") is not None and None not in v["share_pct_ci95"]
                ),
            ),
            markup=False,
        )
    for name, reasons in (r.get("feasibility") or {}).items():
        for sid, why in reasons.items():
            out.print(
                _c("{coalition} does not fight {scenario}: {why}").format(
                    coalition=name, scenario=sid, why="; ".join(f"{a} {w}" for a, w in why.items())
                ),
                markup=False,
            )
    out.print(
        _c("surplus v(N) − Σ v(i) = {s:+.3f}; core {state} (least-core ε = {e:.3f})").format(
            s=r["surplus"], state=_c("empty") if r["core_empty"] else _c("non-empty"), e=r["least_core_epsilon"]
        ),
        markup=False,
    )
    if r["surplus"] < 0:
        out.print(
            _c(
                "note: the surplus is negative — where one ally alone already denies the adversary, the others' "
                "capabilities are redundant there; Nash bargaining then has no split that beats going alone."
            ),
            markup=False,
        )
    b = r.get("basing_access")
    if b:
        out.print(
            _c(
                "{host}'s basing access is worth {v:+.3f} (95% interval {low} to {high}, paired by replication) of "
                "weighted deterrence to {user} planning alone ({pct} of {host}'s Shapley value)"
            ).format(
                host=b["host"],
                user=b["user"],
                v=b["value"],
                low=_signed((b.get("value_ci95") or [None])[0]),
                high=_signed((b.get("value_ci95") or [None, None])[1]),
                pct="-" if b["share_of_host_shapley_pct"] is None else f"{b['share_of_host_shapley_pct']:.0f}%",
            ),
            markup=False,
        )


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.3f}"


def _gain_text(gain: dict | None) -> str:
    """The portfolio's paired gain interval after "before → after" (nothing where nothing was bought)."""
    if not gain or gain["ci95"][0] is None or gain["ci95"][0] == gain["ci95"][1] == 0.0:
        return ""
    return f" [{_signed(gain['ci95'][0])}, {_signed(gain['ci95'][1])}]"


@guarded
def intervention_matrix_cmd(
    scenario: Annotated[
        str, typer.Option("--scenario", help=_c("Base scenario whose family spans the intervention levels."))
    ] = "taiwan_base",
    actor: Annotated[str, typer.Option("--actor", help=_c("Whose best portfolio and role to show."))] = "JPN",
    reps: RepsOpt = defaults.ALLIANCE_REPS,
    seed: SeedOpt = defaults.SEED,
    cache_dir: PlanningCacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    out_file: OutOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """For each US intervention level: Japan's best portfolio, its cost, its role by mission area, and the outcome."""
    from ..services import data as services

    check_reps(reps)
    check_seed(seed)
    check_out_file(out_file, force=force)
    check_cache_dir(cache_dir)
    ld = services.load(data, override, set_)
    _need_planning(ld)
    _studies().check_intervention_options(ld, scenario, actor)  # before the slow planning step
    ctx = _context(ld, seed, cache_dir, quiet)
    with _cached(cache_dir), progress_bar() as bar:
        task = bar.add_task(_c("planning for each intervention level"), total=5, visible=not quiet)
        result = _studies().intervention_matrix(
            ld, ctx, base_scenario=scenario, actor=actor, reps=reps, seed=seed, progress=lambda k: bar.advance(task, k)
        )
    emit(result, out_file, as_json, False, _print_intervention)


def _print_intervention(r: dict) -> None:
    table = Table(
        title=_c("Intervention-level matrix: {actor}'s best portfolio by US intervention level").format(
            actor=r["actor"]
        )
    )
    for col in (
        _c("level"),
        _c("scenario"),
        _c("options"),
        _c("lifecycle cost (M USD)"),
        _c("primary in"),
        _c("deterrence before → after [95% interval of the gain]"),
    ):
        table.add_column(col, overflow="fold")
    for row in r["levels"]:
        if row.get("simulated_scenario") is None:
            table.add_row(row["level"], "-", "-", "-", "-", row["note"])
            continue
        primary = [m for m, role in row["role_by_area"].items() if role == "primary"]
        table.add_row(
            row["level"],
            row["simulated_scenario"],
            str(len(row["portfolio"])),
            f"{row['lifecycle_cost_musd']:,.0f}",
            ", ".join(primary) or "-",
            f"{row['outcome_without_plan']['deterrence']:.2f} → {row['outcome_with_plan']['deterrence']:.2f}"
            + _gain_text(row.get("deterrence_gain")),
        )
    out.print(table)
    for row in r["levels"]:
        if row.get("note"):
            out.print(f"{row['level']}: {row['note']}", markup=False)


@guarded
def roles_cmd(
    regime: Annotated[
        str,
        typer.Option(
            "--regime", help=_c("Plan whose roles to derive: joint | spending-target | cost-transfer | negotiated.")
        ),
    ] = "joint",
    baseline: Annotated[
        Optional[str], typer.Option("--baseline", help=_c("Roles matrix to compare with (default: guidelines_2015)."))
    ] = None,
    scenario: Annotated[
        Optional[str], typer.Option("--scenario", help=_c("Count only the forces committed to this scenario."))
    ] = None,
    primary_share: Annotated[
        Optional[float],
        typer.Option(
            "--primary-share", help=_c("Share of an area's capital that makes an actor primary (default 0.4).")
        ),
    ] = None,
    seed: SeedOpt = defaults.SEED,
    cache_dir: CacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    out_file: OutOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Derive primary/supporting roles per mission area from a plan and diff them against the 2015 Guidelines."""
    from ..services import data as services

    check_seed(seed)
    check_out_file(out_file, force=force)
    check_cache_dir(cache_dir)
    ld = services.load(data, override, set_)
    _need_planning(ld)
    arch = _studies()
    primary_share = arch.DEFAULT_PRIMARY_SHARE if primary_share is None else primary_share
    arch.check_roles_options(ld, regime, baseline, scenario, primary_share)  # before the slow planning step
    ctx = _context(ld, seed, cache_dir, quiet)
    result = _studies().roles_matrix(
        ld, ctx, regime=regime, baseline=baseline, scenario=scenario, primary_share=primary_share
    )
    emit(result, out_file, as_json, False, _print_roles)


def _print_roles(r: dict) -> None:
    table = Table(
        title=_c("Roles from the {regime} plan against {baseline}").format(regime=r["regime"], baseline=r["baseline"])
    )
    table.add_column(_c("mission area"))
    for a in r["actors"]:
        table.add_column(a)
    for m in r["areas"]:
        cells = {c["actor"]: c for c in r["cells"] if c["area"] == m}
        table.add_row(
            m,
            *(
                f"{cells[a]['baseline']} → {cells[a]['derived']} ({cells[a]['share']:.0%})"
                if cells[a]["change"] != "same"
                else f"{cells[a]['derived']} ({cells[a]['share']:.0%})"
                for a in r["actors"]
            ),
        )
    out.print(table)
    for which in ("baseline", "derived"):
        if r["gaps"][which]:
            out.print(
                _c("gaps ({which}): no primary actor in {areas}").format(
                    which=which, areas=", ".join(r["gaps"][which])
                ),
                markup=False,
            )
        for d in r["duplicates"][which]:
            state = _c("needed") if d["needed"] else _c("not needed: more capability adds no deterrence")
            out.print(
                _c("duplicate ({which}): {actors} all primary in {area} — {state}").format(
                    which=which, actors=", ".join(d["actors"]), area=d["area"], state=state
                ),
                markup=False,
            )


@guarded
def command_structures_cmd(
    structures: Annotated[
        Optional[list[str]], typer.Option("--structure", help=_c("Structure id (repeatable; default: all)."))
    ] = None,
    scenarios: Annotated[
        Optional[list[str]],
        typer.Option("--scenario", help=_c("Scenario id (repeatable; default: every weighted scenario).")),
    ] = None,
    reps: RepsOpt = defaults.ALLIANCE_REPS,
    seed: SeedOpt = defaults.SEED,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    out_file: OutOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Compare command structures: initial-response latency, simulated outcomes, and a command path for every primary role."""
    from ..services import data as services

    check_reps(reps)
    check_seed(seed)
    check_out_file(out_file, force=force)
    ld = services.load(data, override, set_)
    structures, scenarios, _roles = _command_services().check_command_options(
        ld, structures, scenarios
    )  # before the bar
    n = len(structures) * len(scenarios)
    with progress_bar() as bar:
        task = bar.add_task(_c("simulating each structure"), total=n, visible=not quiet)
        result = _command_services().command_comparison(
            ld,
            structures=structures,
            scenarios=scenarios,
            reps=reps,
            seed=seed,
            progress=lambda k: bar.advance(task, k),
        )
    emit(result, out_file, as_json, False, _print_command)


def _print_command(r: dict) -> None:
    table = Table(
        title=_c("Command structures ({n} scenarios, {reps:,} replications, seed {seed})").format(
            n=len(r["scenarios"]), reps=r["replications"], seed=r["seed"]
        )
    )
    actors = sorted({a for s in r["structures"] for a in s["initial_response"]})
    table.add_column(_c("structure"), no_wrap=True)
    for a in actors:
        table.add_column(_c("{actor} initial response (h)").format(actor=a), justify="right")
    table.add_column(_c("roles without a command path"), justify="right")
    for s in r["structures"]:
        problems = sum(len(v) for v in s["role_command_problems"].values())
        table.add_row(
            s["structure"], *(_f(s["initial_response"].get(a, {}).get("hours"), 0) for a in actors), str(problems)
        )
    out.print(table)
    outcomes = Table(
        title=_c("Weighted deterrence, and its difference from {first} (paired by replication)").format(
            first=r.get("reference_structure")
        )
    )
    outcomes.add_column(_c("structure"), no_wrap=True)
    outcomes.add_column(_c("weighted deterrence"), justify="right")
    outcomes.add_column(_c("95% interval"), justify="right", no_wrap=True)
    outcomes.add_column(_c("difference"), justify="right")
    outcomes.add_column(_c("95% interval"), justify="right", no_wrap=True)
    for s in r["structures"]:
        ci = s.get("weighted_deterrence_ci95") or [None, None]
        diff = s.get("difference_from_reference")
        outcomes.add_row(
            s["structure"],
            _f(s["weighted_deterrence"]),
            f"[{_f(ci[0])}, {_f(ci[1])}]",
            "—" if not diff else f"{diff['mean']:+.3f}",
            "" if not diff else f"[{diff['ci95'][0]:+.3f}, {diff['ci95'][1]:+.3f}]",
        )
    out.print(outcomes)
    within = [
        s["structure"] for s in r["structures"] if (s.get("difference_from_reference") or {}).get("includes_zero")
    ]
    if within:
        out.print(
            _c(
                "The interval of the difference includes zero for: {structures} (no difference the simulation can show)."
            ).format(structures=", ".join(within)),
            markup=False,
        )
    for s in r["structures"]:
        for roles_id, problems in s["role_command_problems"].items():
            for p in problems:
                err.print(f"{s['structure']} / {roles_id}: {p['problem']} — {p['fix']}", markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        "fair-shares",
        help=_c(
            "Who contributes what to joint deterrence: Shapley, nucleolus, core and Nash shares against GDP and spending shares."
        ),
    )(fair_shares_cmd)
    app.command(
        "intervention-matrix",
        help=_c(
            "For each US intervention level: Japan's best portfolio, its cost, its role by mission area, and the outcome."
        ),
    )(intervention_matrix_cmd)
    app.command(
        "roles",
        help=_c(
            "Derive primary/supporting roles per mission area from a plan and diff them against the 2015 Guidelines."
        ),
    )(roles_cmd)
    app.command(
        "command-structures",
        help=_c(
            "Compare command structures: initial-response latency, simulated outcomes, and a command path for every primary role."
        ),
    )(command_structures_cmd)
