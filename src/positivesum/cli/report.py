"""The main job: `positivesum report` (the briefing in HTML, PDF, Excel and tables, in English or Japanese)
and `positivesum demo` (a quick run without the briefing). Service: :mod:`positivesum.services.report`,
imported when the command runs (it loads the planner, Altair and Jinja2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults, i18n
from ..services.outputs import check_can_publish_folder, check_can_write_file, write_json
from ..services.validation import check_cache_dir, check_out_dir, check_reps, check_seed
from .common import REFRESH_PER_SECOND, DataOpt, OverrideOpt, SetOpt, _c, err, guarded, out, progress_bar
from .sensitivity import SchedulerOpt


def key_numbers(analysis: dict) -> dict:
    """Headline numbers for --json: outcome probabilities per scenario, the regimes' simulated weighted deterrence
    and the cooperation dividend, the last two with their 95% intervals."""
    scen = {sid: {k: v["p"] for k, v in e["summary"]["outcomes"].items()} for sid, e in analysis["scenarios"].items()}
    reg = analysis.get("regimes") or {}
    regimes = reg.get("regimes") or {}
    deterrence = {k: v["simulated"]["weighted_deterrence"] for k, v in regimes.items()}
    # each Monte Carlo number with its 95% interval (analysis.json has the rest)
    deterrence_ci = {k: ((v.get("measures") or {}).get("deterrence") or {}).get("ci95") for k, v in regimes.items()}
    dividend = {
        k: {
            "deterrence_gain_at_equal_money": d["deterrence_gain_at_equal_money"],
            "deterrence_gain_at_equal_money_ci95": d.get("deterrence_gain_at_equal_money_ci95"),
            "saved_musd": d.get("saved_musd"),
            # whether the cheaper joint plan, re-simulated, still deters as much (a refuted saving is no saving)
            "saved_holds_when_resimulated": (d.get("equal_deterrence_check") or {}).get("equal_within_interval"),
        }
        for k, d in (reg.get("cooperation_dividend") or {}).items()
    }
    cal = analysis.get("calibration") or {}
    return {
        "outcomes": scen,
        "weighted_deterrence": deterrence,
        "weighted_deterrence_ci95": deterrence_ci,
        "cooperation_dividend": dividend,
        "calibration_within_band": [sum(r["ok"] for r in cal.get("rows", [])), len(cal.get("rows", []))]
        if cal
        else None,
    }


@guarded
def report(
    scenarios: Annotated[
        Optional[list[str]],
        typer.Option(
            "--scenarios", "--scenario", help=_c("Scenario id to include (repeatable; default: every scenario).")
        ),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang", help=_c("en | ja (default: $POSITIVESUM_LANG, else ja if $LANG starts with ja, else en).")
        ),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help=_c("Output directory."))] = defaults.REPORT_OUT_DIR,
    reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications per scenario."))] = defaults.REPORT_REPS,
    plan_reps: Annotated[
        int,
        typer.Option("--plan-reps", help=_c("Replications verifying each regime's plan (as compare-regimes --reps).")),
    ] = defaults.PLAN_VERIFY_REPS,
    alliance_reps: Annotated[
        int,
        typer.Option(
            "--alliance-reps",
            help=_c("Replications of each simulation in the alliance studies (as fair-shares --reps)."),
        ),
    ] = defaults.ALLIANCE_REPS,
    seed: Annotated[
        int, typer.Option("--seed", help=_c("Seed of the random streams (same seed, same numbers)."))
    ] = defaults.SEED,
    cache_dir: Annotated[
        Path,
        typer.Option(
            "--cache-dir",
            help=_c(
                "Where fitted surrogates, simulations and MILP solutions are cached (a second run on the same data computes nothing again)."
            ),
        ),
    ] = defaults.CACHE_DIR,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help=_c(
                "Local Dask worker processes for every stage's simulations (default: one per core; 0: run in this "
                "process; results do not depend on it)."
            ),
        ),
    ] = defaults.MAIN_JOB_WORKERS,
    scheduler: SchedulerOpt = None,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bars."))] = False,
    alliance: Annotated[
        bool,
        typer.Option(
            "--alliance/--no-alliance",
            help=_c(
                "Include the alliance analysis (fair shares, intervention-level matrix, roles, command structures; several minutes)."
            ),
        ),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help=_c("Print the written paths and key numbers as JSON."))
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help=_c("Replace a previous report in --out (all files at once)."))
    ] = False,
) -> None:
    """Write a briefing: outcomes, losses, budgets, regimes, cooperation dividend, fair shares, intervention levels, roles, command, sources.

    Files in --out: briefing.html (self-contained), briefing.pdf, briefing.xlsx, tables/*.csv|parquet, analysis.json.
    """
    from ..services import data as data_services
    from ..services import report as report_services
    from ..services.executor import check_cluster_options
    from ..services.simulate import need_engine

    language = i18n.resolve_language(lang)
    check_reps(reps)
    check_reps(plan_reps, "--plan-reps")
    check_reps(alliance_reps, "--alliance-reps")
    check_seed(seed)
    check_cluster_options(scheduler, workers)
    check_out_dir(out_dir)
    check_cache_dir(cache_dir)
    check_can_publish_folder(out_dir, force)  # before the long run: never replace a user's files
    ld = data_services.load(data, override, set_)
    report_services.check_scenarios(ld, scenarios)
    need_engine(ld)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        refresh_per_second=REFRESH_PER_SECOND,
        disable=quiet,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            # one bar per lane of the main job (they run side by side): planning, alliance, the rest
            kind = next((k for k in ("planning", "alliance") if step.startswith(k)), "simulating")
            if kind not in tasks:
                tasks[kind] = bar.add_task(step, total=total)
            bar.update(tasks[kind], description=step, completed=done, total=total)

        analysis = report_services.build_analysis(
            ld,
            scenarios,
            reps,
            seed,
            progress,
            plan_reps=plan_reps,
            alliance_reps=alliance_reps,
            cache_dir=cache_dir,
            command_line=["positivesum", *sys.argv[1:]],
            alliance_sections=alliance,
            workers=workers,
            scheduler=scheduler,
        )
        write = bar.add_task(_c("writing the report (HTML, Excel, tables, PDF)"), total=None)
        try:
            paths = report_services.write_report(analysis, language, out_dir, force=force)
        finally:
            bar.remove_task(write)
    if as_json:
        payload = {
            "lang": language,
            "paths": {k: str(v) for k, v in paths.items()},
            "key_numbers": key_numbers(analysis),
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n")
        return
    out.print(
        _c("Report ({lang}): {html} (also {pdf}, {xlsx}, {tables}/, {analysis} in {out})").format(
            lang=language,
            html=paths["html"],
            pdf=paths["pdf"].name,
            xlsx=paths["xlsx"].name,
            tables=paths["tables"].name,
            analysis=paths["analysis"].name,
            out=out_dir,
        ),
        markup=False,
    )


@guarded
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help=_c("Output directory."))] = Path("out"),
    reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications per scenario."))] = defaults.REPORT_REPS,
    plan_reps: Annotated[
        int,
        typer.Option("--plan-reps", help=_c("Replications verifying each regime's plan (as compare-regimes --reps).")),
    ] = defaults.PLAN_VERIFY_REPS,
    seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = defaults.SEED,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_c("Replace summary.json and regimes.json in --out."))] = False,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..services import compare as compare_services
    from ..services import data as data_services
    from ..services import plan as plan_services
    from ..services.simulate import need_engine
    from ..services.simulate import simulate as simulate_scenario
    from .plan import print_regimes

    check_reps(reps)
    check_reps(plan_reps, "--plan-reps")
    check_seed(seed)
    check_out_dir(out_dir)
    for name in ("summary.json", "regimes.json"):
        check_can_write_file(out_dir / name, force)
    ld = data_services.load(data, override, set_)
    need_engine(ld)
    summary = data_services.summary(ld)
    scenarios = list(ld.dataset.scenarios)
    results = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        refresh_per_second=REFRESH_PER_SECOND,
    ) as bar:
        task = bar.add_task(_c("simulating the default scenarios"), total=reps * len(scenarios))
        for sid in scenarios:
            bar.update(task, description=_c("simulating {scenario}").format(scenario=sid))
            results[sid] = simulate_scenario(ld, sid, reps, seed, progress=lambda n: bar.advance(task, n)).summary()
    table = Table(
        title=_c("{title}: {n} scenarios, {reps} replications each, seed {seed}").format(
            title=ld.dataset.title, n=len(scenarios), reps=f"{reps:,}", seed=seed
        )
    )
    table.add_column(_c("scenario"), no_wrap=True)
    for col in (_c("P(success)"), _c("P(fait accompli)"), _c("P(denied)"), _c("P(stalemate)"), _c("day decided")):
        table.add_column(col, justify="right")
    for sid, res in results.items():
        oc = res["outcomes"]
        day = res["decided_day"]
        table.add_row(
            sid,
            *(f"{oc[k]['p']:.2f}" for k in ("adversary_success", "fait_accompli", "denied", "stalemate")),
            "-" if not day["n"] else f"{day['mean']:.1f}",
        )
    out.print(table)
    write_json(
        out_dir / "summary.json",
        {"dataset": summary, "seed": seed, "replications": reps, "plan_replications": plan_reps, "scenarios": results},
    )
    with progress_bar() as bar:
        task = bar.add_task(_c("planning: fitting the deterrence surrogate"), total=plan_services.surrogate_work(ld))
        regimes = compare_services.compare_regimes(
            ld, seed=seed, reps=plan_reps, cache_dir=out_dir / "cache", progress=lambda k: bar.advance(task, k)
        )
    print_regimes(regimes)
    write_json(out_dir / "regimes.json", regimes)
    out.print(
        _c("Output: {summary} (scenarios), {regimes} (regime comparison)").format(
            summary=out_dir / "summary.json", regimes=out_dir / "regimes.json"
        ),
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "A quick run without the briefing: validate, simulate every scenario, compare burden-sharing regimes (JSON in --out). The full analysis and briefing: `positivesum report`."
        )
    )(demo)
    app.command(
        "report",
        help=_c(
            "Write a briefing: outcomes, losses, budgets, regimes, cooperation dividend, fair "
            "shares, intervention levels, roles, command, sources. Files in --out: "
            "briefing.html (self-contained), briefing.pdf, briefing.xlsx, "
            "tables/*.csv|parquet, analysis.json."
        ),
    )(report)
