"""`positivesum calibrate` (service: :mod:`positivesum.services.calibrate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import defaults
from ..services.validation import check_out_file, check_reps, check_seed, check_workers
from .common import DataOpt, ForceOpt, JsonOpt, OverrideOpt, QuietOpt, SetOpt, _c, emit, guarded, out, progress_bar


def _num(x: float | None) -> str:
    if x is None or x != x:
        return "-"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _print_calibration(result: dict) -> None:
    for name, s in result["sets"].items():
        grades = ", ".join(f"{g} {v['p']:.2f}" for g, v in s["grades"].items())
        table = Table(
            title=_c("{set}: {scenario} with --override {override}, {reps} replications").format(
                set=name, scenario=s["scenario"], override=s["override"], reps=f"{s['replications']:,}"
            ),
            caption=grades,
        )
        for col in (_c("target"), _c("CSIS"), _c("model"), _c("95% interval"), _c("accepted"), _c("ok")):
            table.add_column(col)
        for r in s["rows"]:
            csis = _num(r["csis"][0]) if r["csis"][0] == r["csis"][1] else f"{_num(r['csis'][0])}–{_num(r['csis'][1])}"
            table.add_row(
                r["description"],
                csis,
                _num(r["model"]),
                f"{_num(r['interval'][0])}–{_num(r['interval'][1])}",
                f"{_num(r['accepted'][0])}–{_num(r['accepted'][1])}",
                (_c("pass") if r["ok"] else _c("FAIL")) + ("" if r.get("conclusive", True) else " ?"),
            )
        out.print(table)
    out.print(
        _c("{passed} of {total} calibration targets within their bands (seed {seed}).").format(
            passed=result["passed"], total=result["total"], seed=result["seed"]
        ),
        markup=False,
    )
    noisy = sum(1 for r in result["rows"] if not r.get("conclusive", True))
    if noisy:
        out.print(
            _c(
                "? marks {n} verdicts within Monte Carlo noise: the 95% interval (outer draws as the unit) crosses "
                "the band's edge; more replications decide them."
            ).format(n=noisy),
            markup=False,
        )


@guarded
def calibrate(
    only: Annotated[
        Optional[list[str]],
        typer.Option("--only", help=_c("Run only this set: base, pessimistic, optimistic or blockade (repeatable).")),
    ] = None,
    reps: Annotated[
        int, typer.Option("--reps", "-n", help=_c("Monte Carlo replications per set."))
    ] = defaults.REPORT_REPS,
    seed: Annotated[
        int, typer.Option("--seed", help=_c("Seed of the random streams (same seed, same numbers)."))
    ] = defaults.SEED,
    workers: Annotated[int, typer.Option("--workers", help=_c("Worker processes (results do not depend on it)."))] = 1,
    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the table as JSON."))] = None,
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    from ..services.calibrate import calibrate as run_calibration

    check_out_file(out_file, force=force)
    check_reps(reps)
    check_seed(seed)
    check_workers(workers)
    with progress_bar() as bar:
        tasks: dict = {}

        def progress(name: str, n: int) -> None:
            if quiet or as_json:
                return
            if name not in tasks:
                tasks[name] = bar.add_task(_c("calibration set {name}").format(name=name), total=reps)
            bar.advance(tasks[name], n)

        result = run_calibration(
            data, override, set_, names=only, reps=reps, seed=seed, workers=workers, progress=progress
        )
    emit(result, out_file, as_json, quiet, _print_calibration)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "Run the CSIS calibration sets (base, pessimistic and optimistic invasion sets; the blockade game) and "
            "compare each target with the published value: model value with its 95% interval, accepted band, "
            "pass or fail.\n\nThe sets are named overrides in data/calibration.yaml; --override and --set apply to "
            "every set before its own override."
        )
    )(calibrate)
