"""Data commands: validate, list, show, diff, new scenario (services: :mod:`positivesum.services.data`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.cells import cell_len
from rich.table import Table

from .. import i18n
from ..diffing import brief
from ..model.errors import COMMAND_LINE, InputError, Location, Problem
from ..services.outputs import write_text_atomic
from .common import DataOpt, N_c, OverrideOpt, SetOpt, _c, guarded, out

# `list KIND` and `validate`'s counts: the entity kinds, translated for titles (ids stay as typed in --json).
KIND_LABELS = {
    "scenarios": N_c("scenarios"),
    "actors": N_c("actors"),
    "bases": N_c("bases"),
    "munitions": N_c("munitions"),
    "options": N_c("options"),
    "capability_classes": N_c("capability classes"),
    "command_structures": N_c("command structures"),
    "roles": N_c("roles"),
    "sources": N_c("sources"),
    "force_entries": N_c("force entries"),
}


def _kind_label(kind: str) -> str:
    return _c(KIND_LABELS[kind]) if kind in KIND_LABELS else kind.replace("_", " ")


def _cell(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


#: A column whose cells are at most this wide keeps its width; wider text (names) shares what is left.
SHORT_COLUMN = 12


def _table(rows: list[dict], title: str) -> Table:
    """A table that stays readable in an 80-column terminal: ids are never cut or wrapped, short columns keep
    their width, long text (names) shares the rest and wraps; headers wrap between words."""
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    columns = list(rows[0]) if rows else ["id"]
    for col in columns:
        header = col.replace("_", " ")
        width = max([cell_len(_cell(row[col])) for row in rows] or [len(header)])
        if col == "id":
            table.add_column(header, no_wrap=True, width=max(width, len(header)))
        elif width <= SHORT_COLUMN:
            table.add_column(header, overflow="fold", width=max(width, *map(len, header.split())))
        else:
            table.add_column(header, overflow="fold", ratio=2 if col.startswith("name") else 1)
    for row in rows:
        table.add_row(*[_cell(row[col]) for col in columns])
    return table


@guarded
def validate(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help=_c(
                "Dataset files, validated together (imports are followed), or folders; default: the packaged dataset."
            ),
            show_default=False,
        ),
    ] = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
) -> None:
    from ..services import data as services

    loaded = services.validate(paths, override, set_)
    for ld in loaded:
        s = services.summary(ld)
        counts = _c(", ").join(_c("{n} {kind}").format(n=v, kind=_kind_label(k)) for k, v in s["counts"].items())
        line = _c("valid: {n} file(s) — {counts}").format(n=len(ld.files), counts=counts)
        out.print(f"{ld.files[-1]}: {line}" if len(loaded) > 1 else line, markup=False)


@guarded
def list_cmd(
    kind: Annotated[
        str,
        typer.Argument(
            help="scenarios | actors | bases | munitions | options | capability_classes | command_structures"
        ),
    ],
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=_c("Print JSON instead of a table."))] = False,
) -> None:
    from ..services import data as services

    ld = services.load(data, override, set_)
    rows = services.list_entities(ld, kind)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    # one name column, in the language of the messages: the table stays readable in 80 columns
    drop = "name" if i18n.get_language() == "ja" else "name_ja"
    rows = [{k: v for k, v in row.items() if k != drop} for row in rows]
    label = _kind_label(kind)
    if label == KIND_LABELS.get(kind):  # no translation (English): the title shows the kind as typed
        label = kind
    out.print(_table(rows, _c("{kind} ({n})").format(kind=label, n=len(rows))))


@guarded
def show(
    scenario: Annotated[str, typer.Argument(help=_c("Scenario id (see `positivesum list scenarios`)."))],
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=_c("Print the resolved scenario as JSON."))] = False,
) -> None:
    from ..services import data as services

    ld = services.load(data, override, set_)
    resolved = services.resolve_scenario(ld, scenario)
    if as_json:
        sys.stdout.write(json.dumps(resolved, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    sc = resolved["scenario"]
    out.print(f"{scenario} — {sc['name']['en']} / {sc['name']['ja']}", style="bold")
    out.print(_c("Data as of {date}").format(date=ld.dataset.as_of or _c("(not stated)")), markup=False)
    out.print(sc["description"], markup=False)
    days = _c("{n} days")
    facts = [
        (_c("objective"), sc["objective"]),
        (_c("US intervention"), sc["us_intervention"]),
        (_c("basing access"), ", ".join(f"{k}: {v}" for k, v in sc["basing_access"].items()) or "-"),
        (_c("warning"), days.format(n=f"{sc['warning_days']['value']:g}")),
        (_c("fait-accompli window"), days.format(n=f"{sc['fait_accompli_window_days']['value']:g}")),
        (_c("duration"), days.format(n=f"{sc['duration_days']['value']:g}")),
        (_c("weight"), f"{sc['weight']['value']:g}"),
        (_c("year"), f"{sc['year']['value']:g}" if sc.get("year") else _c("as of the data")),
        (_c("command structure"), sc["command_structure"]),
        (_c("roles"), sc["roles"]),
    ]
    table = Table(show_header=False)
    for k, v in facts:
        table.add_row(k, str(v))
    out.print(table)
    ftable = Table(title=_c("Committed forces (units)"))
    ftable.add_column(_c("actor"))
    ftable.add_column(_c("side"))
    ftable.add_column(_c("forces"), overflow="fold")
    for actor, forces in resolved["derived"]["committed_forces"].items():
        ftable.add_row(actor, sc["participants"][actor]["side"], ", ".join(f"{c} {n:g}" for c, n in forces.items()))
    out.print(ftable)
    lat = resolved["derived"]["command_latency_hours"]
    out.print(_c("Command latency to components (h): ") + ", ".join(f"{k} {v:g}" for k, v in lat.items()), markup=False)
    notes = sc.get("designer_notes")
    if notes:  # issue 13: what the scenario assumes, leaves out, and where its numbers come from
        ntable = Table(title=_c("Designer's notes"), show_header=False)
        ntable.add_column(overflow="fold")
        ntable.add_column(overflow="fold")
        for key, label in (
            ("assumes", _c("assumes")),
            ("leaves_out", _c("leaves out")),
            ("numbers_from", _c("numbers from")),
        ):
            ntable.add_row(label, notes[key])
        out.print(ntable)
    if ld.sets_applied or ld.overrides_applied:
        out.print(
            _c("Applied: overrides {overrides}, --set {sets}").format(
                overrides=list(ld.overrides_applied), sets=list(ld.sets_applied)
            ),
            markup=False,
        )


@guarded
def diff(
    a: Annotated[str, typer.Argument(help=_c("Scenario id or dataset file."))],
    b: Annotated[str, typer.Argument(help=_c("Scenario id or dataset file."))],
    data: DataOpt = None,
    override: OverrideOpt = None,
    set_: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=_c("Print JSON."))] = False,
) -> None:
    from ..services import data as services

    result = services.diff(a, b, data, override, set_)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    changes = result["changes"]
    if not changes:
        msg = (
            _c("No differences between scenarios {a} and {b}.")
            if result["comparing"] == "scenarios"
            else _c("No differences between datasets {a} and {b}.")
            if result["comparing"] == "datasets"
            else f"No differences between {result['comparing']} {{a}} and {{b}}."
        )
        out.print(msg.format(a=a, b=b), markup=False)
        return
    table = Table(title=_c("{n} difference(s): {a} → {b}").format(n=len(changes), a=a, b=b))
    for col in (_c("key"), _c("change"), a, b):
        table.add_column(col, overflow="fold")
    kinds = {"added": N_c("added"), "removed": N_c("removed"), "changed": N_c("changed")}
    for c in changes:
        table.add_row(
            c["path"],
            _c(kinds[c["kind"]]) if c["kind"] in kinds else c["kind"],
            "" if c["before"] is None else brief(c["before"]),
            "" if c["after"] is None else brief(c["after"]),
        )
    out.print(table)


@guarded
def new_scenario(
    name: Annotated[str, typer.Argument(help=_c("Id of the new scenario (letters, digits, _ and -)."))],
    from_: Annotated[str, typer.Option("--from", help=_c("Existing scenario to copy."))],
    out_path: Annotated[Optional[Path], typer.Option("--out", help=_c("File to write (default: NAME.yaml)."))] = None,
    data: DataOpt = None,
    force: Annotated[bool, typer.Option("--force", help=_c("Overwrite an existing file."))] = False,
) -> None:
    import re

    from ..services import data as services

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", name):
        raise InputError(
            [
                Problem(
                    COMMAND_LINE,
                    "NAME",
                    f"'{name}' is not a valid id",
                    "use letters, digits, '_' and '-', starting with a letter",
                )
            ]
        )
    ld = services.load(data)
    target = out_path or Path(f"{name}.yaml")
    text = services.new_scenario_yaml(ld, name, from_, str(target))
    if target.exists() and not force:
        raise InputError(
            [
                Problem(
                    Location(str(target), 0),
                    "--out",
                    "file already exists",
                    "choose another --out path or pass --force",
                )
            ]
        )
    write_text_atomic(target, text)
    out.print(_c("wrote {path} — edit it, then run: positivesum validate {path}").format(path=target), markup=False)


def register(app: typer.Typer, new_app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command(
        help=_c(
            "Validate dataset files: schema, sources of every number, and consistency.\n\n"
            "Without PATHS: the packaged default dataset. Files are validated together, as one dataset. A folder "
            "holding default.yaml stands for that file, its entry point (which imports the others); in any other "
            "folder each top-level *.yaml file that no other file there imports is validated on its own, with "
            "what it imports. Every problem of every dataset is reported together (exit code 2)."
        )
    )(validate)
    app.command("list", help=_c("List the scenarios, actors, bases, munitions or options of a dataset."))(list_cmd)
    app.command(
        help=_c("Show a scenario fully resolved (after overrides), with the forces and bases it puts in play.")
    )(show)
    app.command(help=_c("Semantic differences between two scenarios or two datasets."))(diff)
    new_app.command(
        "scenario", help=_c("Write a commented YAML file for a new scenario, copied from an existing one.")
    )(new_scenario)
