"""`positivesum allocate`: any cooperative game from a file (service: :mod:`positivesum.services.games`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..services.outputs import write_json
from ..services.validation import check_out_file
from .common import ForceOpt, _c, guarded, out


@guarded
def allocate(
    game_file: Annotated[
        Path, typer.Argument(help=_c("Game file (.yaml/.json): type tabular, airport or bankruptcy."))
    ],
    rule: Annotated[
        Optional[str],
        typer.Option(
            "--rule",
            help=_c(
                "shapley | nucleolus | core | nash | proportional | talmud | cea | cel (default: shapley; talmud for bankruptcy)."
            ),
        ),
    ] = None,
    check: Annotated[
        Optional[str],
        typer.Option("--check", help=_c("With --rule core: test this allocation, e.g. USA=1.5,JPN=1,AUS=0.5.")),
    ] = None,
    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the result as JSON."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_c("Print the JSON result instead of tables."))] = False,
    force: ForceOpt = False,
) -> None:
    from ..services import games as alliance_services

    check_out_file(out_file, force=force)
    result = alliance_services.allocate_file(game_file, rule, check)
    if out_file:
        write_json(out_file, result)
    if as_json:
        sys.stdout.write(alliance_services.to_json_text(result))
        return
    _print_allocation(result)
    if out_file:
        out.print(_c("wrote {path}").format(path=out_file), markup=False)


def _print_allocation(result: dict) -> None:
    game, alloc = result["game"], result["allocation"]
    units = f" ({game['units']})" if game["units"] else ""
    what = _c("cost share") if game["kind"] == "cost" else _c("share")
    airport = result.get("airport")
    if airport:
        out.print(
            _c("{file}: airport game, {users} users, rule {rule}{units}").format(
                file=game["file"], users=f"{airport['total_users']:,}", rule=alloc["rule"], units=units
            ),
            markup=False,
        )
        table = Table(title=_c("Per type"))
        for i, col in enumerate(
            (_c("type"), _c("users"), _c("cumulative cost"), _c("charge per user"), _c("type total"))
        ):
            table.add_column(col, justify="right" if i else "left")
        for row in airport["by_type"]:
            table.add_row(
                row["type"],
                f"{row['users']:,}",
                f"{row['cumulative_cost']:,.6g}",
                f"{row['charge_per_user']:,.6g}",
                f"{row['type_total']:,.6g}",
            )
        out.print(table)
        users = airport.get("per_user", [])
        if 0 < len(users) <= 30:
            per_user = Table(title=_c("Per user"))
            for i, col in enumerate((_c("user"), _c("type"), _c("charge"))):
                per_user.add_column(col, justify="right" if i == 2 else "left")
            for row in users:
                per_user.add_row(row["user"], row["type"], f"{row['charge']:,.6g}")
            out.print(per_user)
        else:
            out.print(_c("every user pays the charge of its type (per-user list in --json/--out)"), markup=False)
    else:
        out.print(
            _c("{file}: {type} game, rule {rule}{units}").format(
                file=game["file"], type=game["type"], rule=alloc["rule"], units=units
            ),
            markup=False,
        )
        table = Table()
        table.add_column(_c("player"))
        table.add_column(what, justify="right")
        ses = alloc["standard_errors"]
        if ses:
            table.add_column(_c("std. error"), justify="right")
        for player, share in alloc["shares"].items():
            table.add_row(player, f"{share:,.6g}", *([f"{ses[player]:.3g}"] if ses else []))
        table.add_row(_c("total"), f"{alloc['total']:,.6g}", *([""] if ses else []))
        out.print(table)
    diag = alloc["diagnostics"]
    if "core_empty" in diag:
        core = (
            _c("core EMPTY; least-core ε = {epsilon}")
            if diag["core_empty"]
            else _c("core non-empty; least-core ε = {epsilon}")
        )
        out.print(core.format(epsilon=f"{diag['least_core_epsilon']:.6g}"), markup=False)
    if "checked_in_core" in diag:
        out.print(
            _c("checked allocation is in the core")
            if diag["checked_in_core"]
            else _c("checked allocation is NOT in the core"),
            markup=False,
        )
        for v in diag["violations"]:
            line = (
                _c("{coalition} would save {amount} by leaving")
                if game["kind"] == "cost"
                else _c("{coalition} would gain {amount} by leaving")
            )
            out.print(
                "  " + line.format(coalition="{" + ", ".join(v["coalition"]) + "}", amount=f"{v['shortfall']:.6g}"),
                markup=False,
            )
    for note in alloc["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c("Split the value (or cost) of cooperation with an allocation rule: Shapley, nucleolus, core, Nash, ...")
    )(allocate)
