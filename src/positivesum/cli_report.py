"""`positivesum report`: the briefing (HTML, PDF, Excel, tables) in English or Japanese, one command.

Registered on the Typer ``app`` of :mod:`positivesum.cli` by importing this module there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import i18n, services
from . import cli
from .cli import _c
from .cli import DataOpt, OverrideOpt, SetOpt, err, guarded, out
from .model.errors import InputError, Location, Problem


def report_services():
    """The report's services, imported when `report` runs (they load the planner, Altair and Jinja2)."""
    from . import report_services as module

    return module


def key_numbers(analysis: dict) -> dict:
    """Headline numbers for --json: outcome probabilities per scenario and the cooperation dividend."""
    scen = {sid: {k: v["p"] for k, v in e["summary"]["outcomes"].items()} for sid, e in analysis["scenarios"].items()}
    reg = analysis.get("regimes") or {}
    deterrence = {k: v["simulated"]["weighted_deterrence"] for k, v in (reg.get("regimes") or {}).items()}
    dividend = {k: {"deterrence_gain_at_equal_money": d["deterrence_gain_at_equal_money"], "saved_musd": d.get("saved_musd")}
                for k, d in (reg.get("cooperation_dividend") or {}).items()}
    cal = analysis.get("calibration") or {}
    return {"outcomes": scen, "weighted_deterrence": deterrence, "cooperation_dividend": dividend,
            "calibration_within_band": [sum(r["ok"] for r in cal.get("rows", [])), len(cal.get("rows", []))] if cal else None}


@guarded
def report(scenarios: Annotated[Optional[list[str]], typer.Option("--scenarios", "--scenario", help=_c("Scenario id to include (repeatable; default: every scenario)."))] = None,
           lang: Annotated[Optional[str], typer.Option("--lang", help=_c("en | ja (default: $POSITIVESUM_LANG, else ja if $LANG starts with ja, else en)."))] = None,
           out_dir: Annotated[Path, typer.Option("--out", help=_c("Output directory."))] = Path("out/report"),
           reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications per scenario."))] = 2000,
           seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams (same seed, same numbers)."))] = 20260101,
           cache_dir: Annotated[Path, typer.Option("--cache-dir", help=_c("Where fitted planning surrogates are cached."))] = Path(".positivesum-cache"),
           data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bars."))] = False,
           alliance: Annotated[bool, typer.Option("--alliance/--no-alliance", help=_c("Include the alliance analysis (fair shares, intervention-level matrix, roles, command structures; several minutes)."))] = True,
           as_json: Annotated[bool, typer.Option("--json", help=_c("Print the written paths and key numbers as JSON."))] = False) -> None:
    """Write a briefing: outcomes, losses, budgets, regimes, cooperation dividend, fair shares, intervention levels, roles, command, sources.

    Files in --out: briefing.html (self-contained), briefing.pdf, briefing.xlsx, tables/*.csv|parquet, analysis.json.
    """
    language = i18n.resolve_language(lang)
    if reps < 1:
        raise InputError([Problem(Location("<command line>", 0), "--reps", f"must be at least 1, got {reps}", "use e.g. --reps 2000")])
    ld = services.load(data, override, set_)
    report_services()._check_scenarios(ld, scenarios)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  transient=True, disable=quiet) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            kind = "planning" if step.startswith("planning") else "simulating"
            if kind not in tasks:
                tasks[kind] = bar.add_task(step, total=total)
            bar.update(tasks[kind], description=step, completed=done, total=total)

        analysis = report_services().build_analysis(ld, scenarios, reps, seed, progress, cache_dir=cache_dir,
                                                  command_line=["positivesum", *sys.argv[1:]], alliance_sections=alliance)
        write = bar.add_task(_c("writing the report (HTML, Excel, tables, PDF)"), total=None)
        try:
            paths = report_services().write_report(analysis, language, out_dir)
        finally:
            bar.remove_task(write)
    if as_json:
        payload = {"lang": language, "paths": {k: str(v) for k, v in paths.items()}, "key_numbers": key_numbers(analysis)}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n")
        return
    out.print(_c("Report ({lang}): {html} (also {pdf}, {xlsx}, {tables}/, {analysis} in {out})").format(
        lang=language, html=paths["html"], pdf=paths["pdf"].name, xlsx=paths["xlsx"].name, tables=paths["tables"].name,
        analysis=paths["analysis"].name, out=out_dir), markup=False)


def _register() -> None:
    """Add `report` to the CLI's app, and to the running copy when the CLI runs as ``python -m positivesum.cli``
    (that copy is the module ``__main__``, a different object from ``positivesum.cli``)."""
    apps = [cli.app]
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name == "positivesum.cli" and getattr(main, "app", None) is not None:
        apps.append(main.app)
    for target in apps:
        if not any(getattr(c, "name", None) == "report" or getattr(c.callback, "__name__", "") == "report"
                   for c in target.registered_commands):
            target.command("report", help=_c("Write a briefing: outcomes, losses, budgets, regimes, cooperation dividend, fair "
                                              "shares, intervention levels, roles, command, sources. Files in --out: "
                                              "briefing.html (self-contained), briefing.pdf, briefing.xlsx, "
                                              "tables/*.csv|parquet, analysis.json."))(report)


_register()
