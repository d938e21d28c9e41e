"""`positivesum sensitivity` (service: :mod:`positivesum.services.sensitivity`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults
from ..services.validation import check_out_file, check_reps, check_seed
from .common import (
    DataOpt,
    ForceOpt,
    JsonOpt,
    N_c,
    OverrideOpt,
    QuietOpt,
    SetOpt,
    _c,
    guarded,
    out,
    print_json,
    progress_bar,
)

SUFFIXES = (".nc", ".parquet", ".csv", ".json")

WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers", help=_c("Local Dask worker processes (0: run in this process; results do not depend on it).")
    ),
]
SchedulerOpt = Annotated[
    Optional[str],
    typer.Option("--scheduler", help=_c("Address of a running Dask scheduler, e.g. tcp://host:8786 (docs/dask.md).")),
]


def _f(x: float) -> str:
    return "-" if x != x else f"{x:.3f}"


def print_discovery(disc) -> None:
    """The boxes of a scenario discovery as a table (shared with `sweep`)."""
    if disc is None:
        return
    table = Table(
        title=_c("Where {condition} concentrates: {cases} of {points} design points").format(
            condition=disc.condition, cases=disc.n_cases, points=disc.n_points
        )
    )
    for col in (_c("box"), _c("assumptions"), _c("coverage"), _c("density"), _c("mass")):
        table.add_column(col)
    for _, row in disc.table().iterrows():
        table.add_row(str(row["box"]), row["rules"], _f(row["coverage"]), _f(row["density"]), _f(row["mass"]))
    out.print(table)
    if not disc.boxes:
        out.print(disc.note, markup=False)


def _print(result, measure: str) -> None:
    meta = result.meta
    if result.screening is not None and result.screening is not result:
        _print_indices(result.screening, measure, limit=15)
    _print_indices(result, measure, limit=40)
    out.print(
        _c("{runs} model runs of {reps} replications each, seed {seed}; common random numbers: {crn}.").format(
            runs=f"{meta['total_runs']:,}",
            reps=meta["replications_per_point"],
            seed=meta["seed"],
            crn=_c("yes") if meta["common_random_numbers"] else _c("no"),
        ),
        markup=False,
    )
    print_discovery(result.discovery)


def _print_indices(result, measure: str, limit: int) -> None:
    table = result.table(measure)
    meta = result.meta
    if result.method == "morris":
        title = _c("Morris screening of {scenario} on {measure}: {runs} runs, {factors} factors").format(
            scenario=meta.get("scenario", ""), measure=measure, runs=meta["runs"], factors=meta["factors"]
        )
        cols = (_c("factor"), "μ*", _c("95% ±"), "μ", "σ")
        keys = ("mu_star", "mu_star_conf", "mu", "sigma")
    else:
        title = _c("Sobol indices of {scenario} on {measure}: {runs} runs, {factors} factors").format(
            scenario=meta.get("scenario", ""), measure=measure, runs=meta["runs"], factors=meta["factors"]
        )
        cols = (_c("factor"), "S1", _c("95% ±"), "ST", _c("95% ±"))
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    t = Table(title=title)
    for c in cols:
        t.add_column(c)
    shown = table[table[result.main] > 0].head(limit)
    for _, row in shown.iterrows():
        t.add_row(str(row["factor"]), *(_f(float(row[k])) for k in keys))
    out.print(t)
    idle = int((table[result.main] == 0).sum())
    if idle:
        out.print(
            _c("{n} factor(s) had no effect at all on {measure} in this design.").format(n=idle, measure=measure),
            markup=False,
        )


@guarded
def sensitivity(
    scenario: Annotated[str, typer.Argument(help=_c("Scenario id (see `positivesum list scenarios`)."))],
    method: Annotated[
        str, typer.Option("--method", help=_c("morris (screening) or sobol (Morris, then Sobol)."))
    ] = "morris",
    factors: Annotated[
        Optional[list[str]],
        typer.Option(
            "--factors", help=_c("Vary only factors matching this pattern, e.g. 'effectiveness.*' (repeatable).")
        ),
    ] = None,
    ranges: Annotated[
        Optional[list[str]],
        typer.Option("--range", help=_c("Vary a factor over NAME=LOW:HIGH instead of its stated range (repeatable).")),
    ] = None,
    list_factors: Annotated[
        bool, typer.Option("--list-factors", help=_c("List the factors and their ranges, then stop."))
    ] = False,
    trajectories: Annotated[
        int, typer.Option("--trajectories", help=_c("Morris trajectories r: r·(k+1) runs."))
    ] = defaults.SENSITIVITY_TRAJECTORIES,
    levels: Annotated[
        int, typer.Option("--levels", help=_c("Morris grid levels (even)."))
    ] = defaults.SENSITIVITY_LEVELS,
    samples: Annotated[
        int, typer.Option("--samples", help=_c("Sobol base samples N, a power of two: N·(2D+2) runs."))
    ] = defaults.SENSITIVITY_SOBOL_SAMPLES,
    top: Annotated[
        int, typer.Option("--top", help=_c("Sobol indices for the D factors Morris ranks first."))
    ] = defaults.SENSITIVITY_TOP,
    reps: Annotated[
        int, typer.Option("--reps", "-n", help=_c("Replications per design point."))
    ] = defaults.SENSITIVITY_POINT_REPS,
    seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the design and of every run."))] = defaults.SEED,
    batched: Annotated[
        bool,
        typer.Option("--batched", help=_c("Run design points side by side (faster; no common random numbers).")),
    ] = False,
    failure: Annotated[
        Optional[str],
        typer.Option("--failure", help=_c("Scenario discovery: boxes where e.g. 'adversary_victory>0.2' holds.")),
    ] = None,
    measure: Annotated[
        str, typer.Option("--measure", help=_c("Measure shown in the tables."))
    ] = defaults.SENSITIVITY_HEADLINE,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    out_file: Annotated[
        Optional[Path], typer.Option("--out", help=_c("Write the indices (.nc, .parquet, .csv or .json)."))
    ] = None,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from ..model.errors import option_error
    from ..services import data as data_services
    from ..services import sensitivity as sa
    from ..services.executor import check_cluster_options, open_client

    check_out_file(out_file, suffixes=SUFFIXES, force=force)
    check_cluster_options(scheduler, workers)
    if measure not in sa.MEASURES:
        raise option_error("--measure", f"no measure '{measure}'", f"use one of: {', '.join(sa.MEASURES)}")
    if method not in ("morris", "sobol"):
        raise option_error("--method", f"no method '{method}'", "use morris or sobol")
    sa.check_design(trajectories=trajectories, levels=levels, samples=samples if method == "sobol" else None, top=top)
    check_reps(reps)
    check_seed(seed)
    parsed = sa.parse_ranges(ranges)
    if failure:
        sa.parse_condition(failure, list(sa.MEASURES))
    if list_factors:
        chosen = sa.factors_of(data_services.load(data, override, set_), scenario, factors, parsed)
        t = Table(title=_c("{n} factors of {scenario}").format(n=len(chosen), scenario=scenario))
        for c in (_c("factor"), _c("low"), _c("central"), _c("high")):
            t.add_column(c)
        for f in chosen:
            t.add_row(f.name, f"{f.low:g}", f"{f.central:g}", f"{f.high:g}")
        out.print(t)
        return
    # the cluster first: an unreachable scheduler is reported before the data is read
    with open_client(scheduler, workers) as client:
        ld = data_services.load(data, override, set_)
        with progress_bar() as bar:

            def progress(description: str, total: int):
                task = bar.add_task(_c(description), total=total, visible=not quiet)
                return lambda n: bar.advance(task, n)

            result = sa.run(
                ld,
                scenario,
                method,
                factors=factors,
                ranges=parsed,
                trajectories=trajectories,
                levels=levels,
                samples=samples,
                top=top,
                reps=reps,
                seed=seed,
                crn=not batched,
                failure=failure,
                client=client,
                progress=progress,
            )
    if out_file is not None:
        result.export(out_file)
    if as_json:
        print_json(result.to_dict())
    elif not quiet:
        _print(result, measure)
        if out_file is not None:
            out.print(_c("wrote {path}").format(path=out_file), markup=False)


#: The service's progress phases, marked for the catalogue (shown through ``_c``).
PHASES = (N_c("Morris screening"), N_c("Sobol indices"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "Which assumptions decide the outcome: Morris screening of every low–high range of a scenario's data, "
            "then (--method sobol) Sobol first-order and total indices of the factors it ranks first, with 95% "
            "bootstrap intervals; --failure finds the boxes of assumptions where a failure concentrates (PRIM). "
            "Runs in this process, on a local Dask cluster (--workers) or on a cluster (--scheduler)."
        )
    )(sensitivity)
