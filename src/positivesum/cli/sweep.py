"""`positivesum sweep` (service: :mod:`positivesum.services.sweep`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults
from ..services.validation import check_cache_dir, check_out_file
from .common import (
    CacheOpt,
    DataOpt,
    ForceOpt,
    JsonOpt,
    OverrideOpt,
    QuietOpt,
    SetOpt,
    _c,
    guarded,
    out,
    print_json,
    progress_bar,
)
from .sensitivity import SchedulerOpt, WorkersOpt

SHOWN = ("p_adversary_victory", "p_adversary_defeat", "expected_grade", "campaign_days", "share_held_end")
PLAN_SHOWN = (
    "options",
    "total_cost_musd",
    "surrogate_weighted_deterrence",
    "simulated_weighted_deterrence",
    "simulated_ci95_low",
    "simulated_ci95_high",
    "milp_gap",
)


def _cell(value) -> str:
    if value is None or value != value:
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"
    return str(value)


def _print_plans(frame, design) -> None:
    assert design.plan is not None
    table = Table(
        title=_c(
            "Planning sweep {file}: {points} variants, {regime} regime, {reps} replications to verify each"
        ).format(file=design.file, points=len(design.variants), regime=design.plan.regime, reps=design.plan.reps)
    )
    factor_cols = [c for c in frame.columns if c.startswith("set:")]
    for c in ["point", *factor_cols, *PLAN_SHOWN]:
        table.add_column(c.removeprefix("set:"))
    for _, row in frame.head(50).iterrows():
        cells = [str(row["point"])]
        cells += [f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in factor_cols]
        cells += [_cell(row[c]) for c in PLAN_SHOWN]
        table.add_row(*cells)
    out.print(table)


def _print(frame, design) -> None:
    if design.run == "plan":
        _print_plans(frame, design)
        return
    table = Table(
        title=_c("Sweep {file}: {points} variants × {scenarios} scenario(s), {reps} replications each").format(
            file=design.file, points=len(design.variants), scenarios=len(design.scenarios), reps=design.replications
        )
    )
    factor_cols = [c for c in frame.columns if c.startswith("set:")]
    for c in ["point", "scenario", *factor_cols, *SHOWN]:
        table.add_column(c.removeprefix("set:"))
    for _, row in frame.head(50).iterrows():
        cells = [str(row["point"]), str(row["scenario"])]
        cells += [f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in factor_cols]
        cells += [f"{row[c]:.3f}" if row[c] == row[c] else "-" for c in SHOWN]
        table.add_row(*cells)
    out.print(table)


@guarded
def sweep(
    design_file: Annotated[Path, typer.Argument(metavar="DESIGN.yaml", help=_c("Design file (docs/dask.md)."))],
    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the table (.csv or .parquet)."))] = None,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    cache_dir: CacheOpt = defaults.CACHE_DIR,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from ..services import data as data_services
    from ..services import sweep as sweeps
    from ..services.executor import check_cluster_options, open_client
    from ..services.simulate import need_engine

    """Run a design of scenario variants through simulate (default) or plan (`run: plan` in the design).

    A planning sweep fits a deterrence surrogate for every variant's data (minutes each at the data's default
    settings; cached by data and seed under --cache-dir, so a second run reads them), then solves and verifies
    one plan per variant: docs/dask.md and docs/methodology/sensitivity.md §8."""
    check_out_file(out_file, suffixes=(".csv", ".parquet"), force=force)
    check_cluster_options(scheduler, workers)
    check_cache_dir(cache_dir)
    design = sweeps.load_design(design_file)  # its form first: a malformed design costs no data loading
    with open_client(scheduler, workers) as client:  # an unreachable scheduler is reported before any work
        ld = data_services.load(data, override, set_)
        sweeps.check_against(design, ld)  # the design's own errors (and missing planning data) first
        need_engine(ld)
        what = _c("planning the variants") if design.run == "plan" else _c("simulating the variants")
        with progress_bar() as bar:
            task = bar.add_task(what, total=design.runs, visible=not quiet)
            frame = sweeps.run(design, ld, client=client, progress=lambda n: bar.advance(task, n), cache_dir=cache_dir)
    if out_file is not None:
        sweeps.write_table(frame, out_file)
    if as_json:
        print_json(frame.to_dict(orient="records"))
    elif not quiet:
        _print(frame, design)
        if out_file is not None:
            out.print(_c("wrote {path}").format(path=out_file), markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "Simulate or plan a design of scenario variants (factorial, Latin hypercube or a list of --set patches) "
            "and write one tidy table; in this process, on a local Dask cluster (--workers) or on a cluster "
            "(--scheduler). A planning sweep (run: plan) fits a surrogate per variant: minutes each, cached in "
            "--cache-dir."
        )
    )(sweep)
