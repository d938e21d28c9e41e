"""`positivesum simulate` (service: :mod:`positivesum.services.simulate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults
from ..services.validation import check_out_file, check_reps, check_seed
from .common import (
    REFRESH_PER_SECOND,
    DataOpt,
    ForceOpt,
    JsonOpt,
    OverrideOpt,
    SetOpt,
    _c,
    err,
    guarded,
    out,
    print_json,
)
from .sensitivity import SchedulerOpt, WorkersOpt


def _fmt_ci(stat: dict, digits: int = 0) -> str:
    if stat.get("n", 1) == 0 or stat["mean"] != stat["mean"]:
        return "-"
    return f"{stat['mean']:.{digits}f} [{stat['p05']:.{digits}f}–{stat['p95']:.{digits}f}]"


def _fmt_share(p: float, n: int | None) -> str:
    """A share of replications with its Wilson 95% interval (as the outcome probabilities have theirs)."""
    if not n:
        return f"{p:.2f}"
    from ..sim.results import wilson_interval  # here, not at import: the command tree stays light (test_cli_startup)

    low, high = wilson_interval(p * n, int(n))
    return f"{p:.2f} [{low:.2f}–{high:.2f}]"


def _print_summary(summary: dict) -> None:
    meta, oc = summary["meta"], summary["outcomes"]
    table = Table(
        title=_c("{scenario}: {reps} replications, seed {seed}").format(
            scenario=meta["scenario"], reps=f"{meta['replications']:,}", seed=meta["seed"]
        )
    )
    table.add_column(_c("outcome"))
    table.add_column(_c("probability"))
    table.add_column(_c("95% CI"))
    labels = {
        "adversary_success": _c("adversary succeeds"),
        "denied": _c("adversary denied"),
        "stalemate": _c("stalemate"),
        "fait_accompli": _c("fait accompli (≤ day {day})").format(day=f"{meta['fait_accompli_window_days']:g}"),
    }
    for key, label in labels.items():
        table.add_row(label, f"{oc[key]['p']:.3f}", f"{oc[key]['ci95'][0]:.3f}–{oc[key]['ci95'][1]:.3f}")
    out.print(table)
    out.print(
        _c("decided on day (mean [5th–95th percentile]): {value}").format(value=_fmt_ci(summary["decided_day"], 1)),
        markup=False,
    )
    loss = Table(title=_c("Losses (mean [5th–95th percentile])"))
    loss.add_column(_c("actor"))
    doms = sorted({d for v in summary["losses_by_domain"].values() for d in v})
    for d in doms:
        loss.add_column(d)
    loss.add_column(_c("casualties"))
    for actor, per in summary["losses_by_domain"].items():
        cas = summary["participants"].get(actor, {}).get("casualties")
        loss.add_row(actor, *[_fmt_ci(per[d]) if d in per else "-" for d in doms], _fmt_ci(cas) if cas else "-")
    out.print(loss)
    mun = Table(title=_c("Munitions (mean [5th–95th percentile]; P(run out) with its 95% CI)"))
    for col in (_c("pool (actor:munition)"), _c("expended"), _c("P(run out) [95% CI]"), _c("run-out day")):
        mun.add_column(col)
    for pool, m in summary["munitions"].items():
        mun.add_row(
            pool, _fmt_ci(m["expended"]), _fmt_share(m["p_runout"], m["expended"].get("n")), _fmt_ci(m["runout_day"], 1)
        )
    out.print(mun)
    print_applied(meta)


def print_applied(meta: dict) -> None:
    """What changed the data or the method for this run: named overrides, --set values, --fixed-parameters."""
    prov = meta.get("provenance") or {}
    overrides, sets = prov.get("overrides") or [], prov.get("sets") or []
    fixed = meta.get("sample_parameters") is False
    if not (overrides or sets or fixed):
        out.print(_c("Applied: the data as loaded (no --override, --set or --fixed-parameters)."), markup=False)
        return
    parts = [f"--override {o}" for o in overrides] + [f"--set {s}" for s in sets]
    parts += ["--fixed-parameters"] if fixed else []
    out.print(_c("Applied: {changes}").format(changes=", ".join(parts)), markup=False)


@guarded
def simulate(
    scenario: Annotated[str, typer.Argument(help=_c("Scenario id (see `positivesum list scenarios`)."))],
    reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Monte Carlo replications."))] = defaults.SIMULATE_REPS,
    seed: Annotated[
        int, typer.Option("--seed", help=_c("Seed of the random streams (same seed, same numbers)."))
    ] = defaults.SEED,
    out_file: Annotated[
        Optional[Path],
        typer.Option("--out", help=_c("Write the summary (.json) or per-replication data (.csv, .parquet).")),
    ] = None,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    fixed_parameters: Annotated[
        bool,
        typer.Option(
            "--fixed-parameters", help=_c("Hold parameters at their central values (no sampling of low–high ranges).")
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bar or tables."))] = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..services import data as data_services
    from ..services.executor import check_cluster_options, open_client
    from ..services.simulate import simulate as simulate_scenario

    check_out_file(out_file, suffixes=(".json", ".csv", ".parquet"), force=force)
    check_reps(reps)
    check_seed(seed)
    check_cluster_options(scheduler, workers)
    # the cluster first: an unreachable scheduler is reported before the data is read, and nothing is written
    with open_client(scheduler, workers) as client:
        ld = data_services.load(data, override, set_)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
        ) as bar:
            task = bar.add_task(_c("simulating {scenario}").format(scenario=scenario), total=reps)
            result = simulate_scenario(
                ld,
                scenario,
                reps,
                seed,
                progress=lambda n: bar.advance(task, n),
                sample_parameters=not fixed_parameters,
                client=client,
            )
    summary = result.summary()
    if as_json:
        print_json(summary)
    elif not quiet:
        _print_summary(summary)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_file.with_name(out_file.name + ".part" + out_file.suffix)
        result.export(tmp)
        tmp.replace(out_file)
        if not as_json:
            out.print(_c("wrote {path}").format(path=out_file), markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "Simulate a crisis scenario many times and summarise outcomes, losses and munitions with 95% "
            "intervals.\n\nReplications come in outer draws of 32 that share one value of every low–high range in "
            "the data (triangular), so the results include parameter uncertainty as well as the chance of combat; "
            "the JSON summary gives each of CSIS's five grades with its spread across outer draws. "
            "--fixed-parameters turns the outer draws off. The blocks of replications run in this process, on a local "
            "Dask cluster (--workers) or on a cluster (--scheduler), with the same numbers."
        )
    )(simulate)
