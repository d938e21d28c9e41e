"""Command line: a thin layer over :mod:`positivesum.services`.

Bad input never shows a traceback: every :class:`InputError` is printed as
``file:line: key: what — how to fix`` lines on stderr and the exit code is 2.

Messages are in English or Japanese (``--lang en|ja``, else $POSITIVESUM_LANG, else ja when $LANG starts
with "ja"). The command line's own texts are marked ``_c("…")`` / ``N_c("…")`` and live in the catalogue
domain ``cli`` (``locale/cli.pot``, ``locale/ja/LC_MESSAGES/cli.po``; the extraction command is in the header
of babel-cli.cfg). Problem texts (``what — how to fix``) stay English.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, i18n, services
from .diffing import brief
from .model.errors import InputError


# Translation markers of the command line. They are deliberately not named ``_``/``N_``: the report's
# catalogue (domain "positivesum") is extracted from every module of the package with those keywords, and
# the CLI's strings belong to their own domain "cli" (babel-cli.cfg extracts ``_c`` and ``N_c`` from this
# file only). At run time ``_c`` is ``i18n.gettext``, whose catalogue chains the "cli" catalogue.
def _c(message: str) -> str:
    """``message`` in the current language (English if $POSITIVESUM_LANG is invalid: that is reported later)."""
    try:
        return i18n.gettext(message)
    except InputError:
        return message


def N_c(message: str) -> str:  # noqa: N802 - gettext-style marker
    """Mark a CLI string for extraction; translate it later with ``_c``."""
    return message


def _argv_language(argv: list[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` anywhere in ``argv`` (before ``--``), else None."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang":
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# Why the language is resolved here, at import: Typer/Click need plain ``str`` help texts when the
# commands are declared below, i.e. while this module is imported and before Typer parses anything. So the
# language must be known first: an explicit ``--lang`` is read from sys.argv now; otherwise ``_c`` resolves
# it from the environment on each call. An invalid value is ignored here (English help) and reported with
# exit code 2 by main() and by the --lang callback. Only an explicit --lang is set, so importing this
# module (e.g. in tests) never pins the language of the process.
try:
    if _argv_language(sys.argv[1:]):
        i18n.set_language(_argv_language(sys.argv[1:]))
except InputError:
    pass

# Typer's own help texts (section headings, "[default: …]", "[required]", "No such command") are looked up
# with the standard library's gettext in typer.core (domain "messages", no catalogue shipped). They are marked
# here for extraction into cli.pot and, in a translated language, looked up in our catalogue instead. (Typer's
# vendored Click hard-codes "Usage:", "Show this message and exit." and its usage errors: those stay English.)
FRAMEWORK_MESSAGES = (
    N_c("Options"), N_c("Arguments"), N_c("Commands"), N_c("default: {default}"), N_c("required"),
    N_c("env var: {var}"), N_c("Missing command."), N_c("No such command {name!r}."),
)


def _localise_framework() -> None:
    """In a translated language, make typer.core look its texts up in our catalogue (English: untouched)."""
    if _c("Options") == "Options":
        return
    import typer.core

    if callable(getattr(typer.core, "_", None)):
        typer.core._ = _c


_localise_framework()

app = typer.Typer(help=_c("positivesum — an open workbench for allied defence planning."), no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
new_app = typer.Typer(help=_c("Create new data files to edit."), no_args_is_help=True)
app.add_typer(new_app, name="new")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DataOpt = Annotated[Optional[list[Path]], typer.Option("--data", "-d", help=_c("Dataset YAML file(s); default: the packaged dataset. Repeat to layer files."))]
OverrideOpt = Annotated[Optional[list[str]], typer.Option("--override", "-o", help=_c("Apply a named override from the data (repeatable; later wins)."))]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", "-s", help=_c("Override one value: dotted.path=value (repeatable; applied last)."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bars or tables (for scripts)."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=_c("Print the result as JSON on stdout instead of tables."))]


def _print_json(payload) -> None:
    """JSON on stdout for scripts (NaN as null, UTF-8 text)."""
    from .sim.results import json_safe

    sys.stdout.write(json.dumps(json_safe(payload), indent=2, ensure_ascii=False, default=str) + "\n")


def _emit(result: dict, out_file: Path | None, as_json: bool, quiet: bool, printer) -> None:
    """The end of every command that returns a result: write --out (JSON), then JSON on stdout, nothing
    (--quiet), or the tables followed by where the file went."""
    if out_file:
        services.write_json(out_file, result)
    if as_json:
        _print_json(result)
        return
    if quiet:
        return
    printer(result)
    if out_file:
        out.print(_c("wrote {path}").format(path=out_file), markup=False)


def _with_surrogate_progress(ld, quiet: bool, run):
    """Run a planning step, ``run(progress)``, under a progress bar counting the surrogate's simulations."""
    from . import plan_services

    with _progress_bar() as bar:
        task = bar.add_task(_c("fitting the deterrence surrogate"), total=plan_services.surrogate_work(ld), visible=not quiet)
        return run(lambda k: bar.advance(task, k))


def _report_input_error(e: InputError) -> None:
    err.print(_c("error: {n} problem(s) in the input:").format(n=len(e.problems)), style="bold red", markup=False)
    for p in e.problems:
        err.print(p.format(), markup=False, soft_wrap=True)


def guarded(fn):
    """Turn InputError into a clean message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as e:
            _report_input_error(e)
            raise typer.Exit(2) from None

    return wrapper


@app.callback()
@guarded
def _global_options(ctx: typer.Context,
                    lang: Annotated[Optional[str], typer.Option("--lang", metavar="en|ja", help=_c(
                        "Language of the messages: en | ja (default: $POSITIVESUM_LANG, else ja if $LANG starts with ja, "
                        "else en)."))] = None) -> None:
    # Validates --lang and $POSITIVESUM_LANG (exit code 2 if unknown). Help texts were already built at import
    # (see above); messages printed while the command runs follow the language set here. The previous value is
    # restored when the command ends, so in-process runners (CliRunner) do not leak the language.
    code = i18n.resolve_language(lang)
    if lang:
        token = i18n._current.set(code)
        ctx.call_on_close(lambda: i18n._current.reset(token))


# `list KIND` and `validate`'s counts: the entity kinds, translated for titles (ids stay as typed in --json).
KIND_LABELS = {"scenarios": N_c("scenarios"), "actors": N_c("actors"), "bases": N_c("bases"), "munitions": N_c("munitions"),
               "options": N_c("options"), "capability_classes": N_c("capability classes"),
               "command_structures": N_c("command structures"), "roles": N_c("roles"), "sources": N_c("sources"),
               "force_entries": N_c("force entries")}


def _kind_label(kind: str) -> str:
    return _c(KIND_LABELS[kind]) if kind in KIND_LABELS else kind.replace("_", " ")


def _table(rows: list[dict], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for col in rows[0] if rows else ["id"]:
        table.add_column(str(col), overflow="fold")
    for row in rows:
        table.add_row(*[f"{v:g}" if isinstance(v, float) else str(v) for v in row.values()])
    return table


@app.command(help=_c("Validate dataset files: schema, sources of every number, and consistency."))
@guarded
def validate(paths: Annotated[list[Path], typer.Argument(help=_c("YAML files to validate together (imports are followed)."))],
             override: OverrideOpt = None, set_: SetOpt = None) -> None:
    ld = services.load(paths, override, set_)
    s = services.summary(ld)
    counts = _c(", ").join(_c("{n} {kind}").format(n=v, kind=_kind_label(k)) for k, v in s["counts"].items())
    out.print(_c("valid: {n} file(s) — {counts}").format(n=len(ld.files), counts=counts), markup=False)


@app.command("list", help=_c("List the scenarios, actors, bases, munitions or options of a dataset."))
@guarded
def list_cmd(kind: Annotated[str, typer.Argument(help="scenarios | actors | bases | munitions | options | capability_classes | command_structures")],
             data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help=_c("Print JSON instead of a table."))] = False) -> None:
    ld = services.load(data, override, set_)
    rows = services.list_entities(ld, kind)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
    else:
        label = _kind_label(kind)
        if label == KIND_LABELS.get(kind):  # no translation (English): the title shows the kind as typed
            label = kind
        out.print(_table(rows, _c("{kind} ({n})").format(kind=label, n=len(rows))))


@app.command(help=_c("Show a scenario fully resolved (after overrides), with the forces and bases it puts in play."))
@guarded
def show(scenario: Annotated[str, typer.Argument(help=_c("Scenario id (see `positivesum list scenarios`)."))],
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help=_c("Print the resolved scenario as JSON."))] = False) -> None:
    ld = services.load(data, override, set_)
    resolved = services.resolve_scenario(ld, scenario)
    if as_json:
        sys.stdout.write(json.dumps(resolved, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    sc = resolved["scenario"]
    out.print(f"[bold]{scenario}[/bold] — {sc['name']['en']} / {sc['name']['ja']}")
    out.print(sc["description"], markup=False)
    days = _c("{n} days")
    facts = [(_c("objective"), sc["objective"]), (_c("US intervention"), sc["us_intervention"]),
             (_c("basing access"), ", ".join(f"{k}: {v}" for k, v in sc["basing_access"].items()) or "-"),
             (_c("warning"), days.format(n=f"{sc['warning_days']['value']:g}")),
             (_c("fait-accompli window"), days.format(n=f"{sc['fait_accompli_window_days']['value']:g}")),
             (_c("duration"), days.format(n=f"{sc['duration_days']['value']:g}")), (_c("weight"), f"{sc['weight']['value']:g}"),
             (_c("command structure"), sc["command_structure"]), (_c("roles"), sc["roles"])]
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
    if ld.sets_applied or ld.overrides_applied:
        out.print(_c("Applied: overrides {overrides}, --set {sets}").format(overrides=list(ld.overrides_applied),
                                                                         sets=list(ld.sets_applied)), markup=False)


@app.command(help=_c("Semantic differences between two scenarios or two datasets."))
@guarded
def diff(a: Annotated[str, typer.Argument(help=_c("Scenario id or dataset file."))],
         b: Annotated[str, typer.Argument(help=_c("Scenario id or dataset file."))],
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help=_c("Print JSON."))] = False) -> None:
    result = services.diff(a, b, data, override, set_)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    changes = result["changes"]
    if not changes:
        msg = (_c("No differences between scenarios {a} and {b}.") if result["comparing"] == "scenarios"
               else _c("No differences between datasets {a} and {b}.") if result["comparing"] == "datasets"
               else f"No differences between {result['comparing']} {{a}} and {{b}}.")
        out.print(msg.format(a=a, b=b), markup=False)
        return
    table = Table(title=_c("{n} difference(s): {a} → {b}").format(n=len(changes), a=a, b=b))
    for col in (_c("key"), _c("change"), a, b):
        table.add_column(col, overflow="fold")
    kinds = {"added": N_c("added"), "removed": N_c("removed"), "changed": N_c("changed")}
    for c in changes:
        table.add_row(c["path"], _c(kinds[c["kind"]]) if c["kind"] in kinds else c["kind"],
                      "" if c["before"] is None else brief(c["before"]),
                      "" if c["after"] is None else brief(c["after"]))
    out.print(table)


@new_app.command("scenario", help=_c("Write a commented YAML file for a new scenario, copied from an existing one."))
@guarded
def new_scenario(name: Annotated[str, typer.Argument(help=_c("Id of the new scenario (letters, digits, _ and -)."))],
                 from_: Annotated[str, typer.Option("--from", help=_c("Existing scenario to copy."))],
                 out_path: Annotated[Optional[Path], typer.Option("--out", help=_c("File to write (default: NAME.yaml)."))] = None,
                 data: DataOpt = None, force: Annotated[bool, typer.Option("--force", help=_c("Overwrite an existing file."))] = False) -> None:
    import re

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", name):
        raise InputError([services.Problem(services.Location("<command line>", 0), "NAME", f"'{name}' is not a valid id",
                                           "use letters, digits, '_' and '-', starting with a letter")])
    ld = services.load(data)
    target = out_path or Path(f"{name}.yaml")
    text = services.new_scenario_yaml(ld, name, from_, str(target))
    if target.exists() and not force:
        raise InputError([services.Problem(services.Location(str(target), 0), "--out", "file already exists",
                                           "choose another --out path or pass --force")])
    services.write_text_atomic(target, text)
    out.print(_c("wrote {path} — edit it, then run: positivesum validate {path}").format(path=target), markup=False)


def _fmt_ci(stat: dict, digits: int = 0) -> str:
    if stat.get("n", 1) == 0 or stat["mean"] != stat["mean"]:
        return "-"
    return f"{stat['mean']:.{digits}f} [{stat['p05']:.{digits}f}–{stat['p95']:.{digits}f}]"


def _print_summary(summary: dict) -> None:
    meta, oc = summary["meta"], summary["outcomes"]
    table = Table(title=_c("{scenario}: {reps} replications, seed {seed}").format(
        scenario=meta["scenario"], reps=f"{meta['replications']:,}", seed=meta["seed"]))
    table.add_column(_c("outcome"))
    table.add_column(_c("probability"))
    table.add_column(_c("95% CI"))
    labels = {"adversary_success": _c("adversary succeeds"), "denied": _c("adversary denied"), "stalemate": _c("stalemate"),
              "fait_accompli": _c("fait accompli (≤ day {day})").format(day=f"{meta['fait_accompli_window_days']:g}")}
    for key, label in labels.items():
        table.add_row(label, f"{oc[key]['p']:.3f}", f"{oc[key]['ci95'][0]:.3f}–{oc[key]['ci95'][1]:.3f}")
    out.print(table)
    out.print(_c("decided on day (mean [5th–95th percentile]): {value}").format(value=_fmt_ci(summary["decided_day"], 1)),
              markup=False)
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
    mun = Table(title=_c("Munitions"))
    for col in (_c("stock"), _c("expended"), _c("P(run out)"), _c("run-out day")):
        mun.add_column(col)
    for pool, m in summary["munitions"].items():
        mun.add_row(pool, _fmt_ci(m["expended"]), f"{m['p_runout']:.2f}", _fmt_ci(m["runout_day"], 1))
    out.print(mun)


@app.command(help=_c("Simulate a crisis scenario many times and summarise outcomes, losses and munitions with 95% "
                     "intervals.\n\nEach replication draws the engine parameters and class performance figures that have "
                     "a low–high range (triangular), so the intervals include parameter uncertainty as well as the chance "
                     "of combat; --fixed-parameters turns that off."))
@guarded
def simulate(scenario: Annotated[str, typer.Argument(help=_c("Scenario id (see `positivesum list scenarios`)."))],
             reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Monte Carlo replications."))] = 10_000,
             seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams (same seed, same numbers)."))] = 20260101,
             out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the summary (.json) or per-replication data (.csv, .parquet)."))] = None,
             workers: Annotated[int, typer.Option("--workers", help=_c("Worker processes (results do not depend on it)."))] = 1,
             data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
             fixed_parameters: Annotated[bool, typer.Option("--fixed-parameters", help=_c("Hold parameters at their central values (no sampling of low–high ranges)."))] = False,
             quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bar or tables."))] = False,
             as_json: JsonOpt = False) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if out_file is not None and out_file.suffix.lower() not in (".json", ".csv", ".parquet"):
        raise InputError([services.Problem(services.Location("<command line>", 0), "--out",
                                           f"unsupported file type '{out_file.suffix or '(none)'}'",
                                           "use a .json (summary), .csv or .parquet (per replication) file name")])
    ld = services.load(data, override, set_)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task(_c("simulating {scenario}").format(scenario=scenario), total=reps)
        result = services.simulate(ld, scenario, reps, seed, workers, progress=lambda n: bar.advance(task, n),
                                   sample_parameters=not fixed_parameters)
    summary = result.summary()
    if as_json:
        _print_json(summary)
    elif not quiet:
        _print_summary(summary)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_file.with_name(out_file.name + ".part" + out_file.suffix)
        result.export(tmp)
        tmp.replace(out_file)
        if not as_json:
            out.print(_c("wrote {path}").format(path=out_file), markup=False)


@app.command(help=_c("A quick run without the briefing: validate, simulate every scenario, compare burden-sharing regimes (JSON in --out). The full analysis and briefing: `positivesum report`."))
@guarded
def demo(out_dir: Annotated[Path, typer.Option("--out", help=_c("Output directory."))] = Path("out"),
         reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications per scenario."))] = 2000,
         seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = 20260101,
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    ld = services.load(data, override, set_)
    summary = services.summary(ld)
    scenarios = list(ld.dataset.scenarios)
    results = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(_c("simulating the default scenarios"), total=reps * len(scenarios))
        for sid in scenarios:
            bar.update(task, description=_c("simulating {scenario}").format(scenario=sid))
            results[sid] = services.simulate(ld, sid, reps, seed, progress=lambda n: bar.advance(task, n)).summary()
    table = Table(title=_c("{title}: {n} scenarios, {reps} replications each, seed {seed}").format(
        title=ld.dataset.title, n=len(scenarios), reps=f"{reps:,}", seed=seed))
    table.add_column(_c("scenario"), no_wrap=True)
    for col in (_c("P(success)"), _c("P(fait accompli)"), _c("P(denied)"), _c("P(stalemate)"), _c("day decided")):
        table.add_column(col, justify="right")
    for sid, res in results.items():
        oc = res["outcomes"]
        day = res["decided_day"]
        table.add_row(sid, *(f"{oc[k]['p']:.2f}" for k in ("adversary_success", "fait_accompli", "denied", "stalemate")),
                      "-" if not day["n"] else f"{day['mean']:.1f}")
    out.print(table)
    services.write_json(out_dir / "summary.json", {"dataset": summary, "seed": seed, "replications": reps, "scenarios": results})
    from . import plan_services

    with _progress_bar() as bar:
        task = bar.add_task(_c("planning: fitting the deterrence surrogate"), total=plan_services.surrogate_work(ld))
        regimes = plan_services.compare_regimes(ld, seed=seed, reps=min(reps, 1000), cache_dir=out_dir / "cache",
                                                progress=lambda k: bar.advance(task, k))
    _print_regimes(regimes)
    services.write_json(out_dir / "regimes.json", regimes)
    out.print(_c("Output: {summary} (scenarios), {regimes} (regime comparison)").format(
        summary=out_dir / "summary.json", regimes=out_dir / "regimes.json"), markup=False)


BudgetOpt = Annotated[Optional[list[str]], typer.Option("--budget", help=_c("Budget target ACTOR=SHARE@YEAR, e.g. JPN=0.035@2035 (repeatable)."))]
CacheOpt = Annotated[Path, typer.Option("--cache-dir", help=_c("Where fitted surrogates are cached (keyed by data and seed)."))]


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)


def _regime_rows(name: str, res: dict) -> list[str]:
    sim = res["simulated"]
    return [name, f"{res['total_cost_musd']:,.0f}", str(len(res["portfolio"])), f"{res['surrogate']['weighted_deterrence']:.3f}",
            f"{sim['weighted_deterrence']:.3f}"]


@app.command(help=_c("Plan ten years of investment under one burden-sharing regime, then verify it by simulation."))
@guarded
def plan(regime: Annotated[str, typer.Option("--regime", help="joint | spending-target | cost-transfer | negotiated")] = "joint",
         budget: BudgetOpt = None,
         split: Annotated[Optional[str], typer.Option("--split", help=_c("Negotiated regime: shares of the alliance total, e.g. USA=0.6,JPN=0.4."))] = None,
         receiver: Annotated[Optional[str], typer.Option("--receiver", help=_c("Cost-transfer regime: the actor who buys."))] = None,
         reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications when verifying the plan by simulation."))] = 1000,
         seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = 20260101,
         out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the plan as JSON."))] = None,
         cache_dir: CacheOpt = Path(".positivesum-cache"),
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
         quiet: QuietOpt = False, as_json: JsonOpt = False) -> None:
    from . import plan_services

    ld = services.load(data, override, set_)
    result = _with_surrogate_progress(ld, quiet, lambda progress: plan_services.run_plan(
        ld, regime, budgets=budget, split=split, receiver=receiver, seed=seed, reps=reps, cache_dir=cache_dir, progress=progress))
    _emit(result, out_file, as_json, quiet, lambda r: _print_plan(regime, r))


def _print_plan(regime: str, result: dict) -> None:
    table = Table(title=_c("{regime} plan: {n} options, {cost} M USD").format(
        regime=regime, n=len(result["portfolio"]), cost=f"{result['total_cost_musd']:,.0f}"))
    for col in (_c("actor"), _c("option"), _c("start year"), _c("category"), _c("M USD")):
        table.add_column(col)
    for item in result["portfolio"]:
        table.add_row(item["actor"], item["option"], str(item["start_plan_year"]), item["category"], f"{item['acquisition_musd']:,.0f}")
    out.print(table)
    sim = result["simulated"]
    out.print(_c("weighted deterrence: surrogate {surrogate}, simulated {simulated}").format(
        surrogate=f"{result['surrogate']['weighted_deterrence']:.3f}", simulated=f"{sim['weighted_deterrence']:.3f}"), markup=False)
    for note in result["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


@app.command("compare-regimes", help=_c("Compare joint (positive-sum) planning with zero-sum regimes at equal money: the "
                                        "cooperation dividend."))
@guarded
def compare_regimes(budget: BudgetOpt = None,
                    split: Annotated[Optional[str], typer.Option("--split", help=_c("Negotiated regime's split, e.g. USA=0.6,JPN=0.4 (default: each actor's own money)."))] = None,
                    reps: Annotated[int, typer.Option("--reps", "-n", help=_c("Replications when verifying each plan by simulation."))] = 1000,
                    seed: Annotated[int, typer.Option("--seed", help=_c("Seed of the random streams."))] = 20260101,
                    out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the comparison as JSON."))] = None,
                    cache_dir: CacheOpt = Path(".positivesum-cache"),
                    data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
                    quiet: QuietOpt = False, as_json: JsonOpt = False) -> None:
    from . import plan_services

    ld = services.load(data, override, set_)
    result = _with_surrogate_progress(ld, quiet, lambda progress: plan_services.compare_regimes(
        ld, budgets=budget, split=split, seed=seed, reps=reps, cache_dir=cache_dir, progress=progress))
    _emit(result, out_file, as_json, quiet, _print_regimes)


def _print_regimes(result: dict) -> None:
    table = Table(title=_c("Regimes at equal money per actor (deterrence = P(denied) + ½·P(stalemate), scenario-weighted)"))
    for i, col in enumerate((_c("regime"), _c("cost M USD"), _c("options"), _c("surrogate"), _c("simulated"))):
        table.add_column(col, justify="right" if i else "left")
    for name, res in result["regimes"].items():
        table.add_row(*_regime_rows(name + (f" (= {res['adopted_from']})" if res.get("adopted_from") else ""), res))
    out.print(table)
    div = Table(title=_c("Cooperation dividend of joint planning"))
    for i, col in enumerate((_c("vs regime"), _c("deterrence gained at equal money"), _c("money saved at equal deterrence (M USD)"))):
        div.add_column(col, justify="right" if i else "left")
    for name, d in result["cooperation_dividend"].items():
        div.add_row(name, f"{d['deterrence_gain_at_equal_money']:+.3f}", "-" if d["saved_musd"] is None else f"{d['saved_musd']:,.0f}")
    out.print(div)
    for actor, info in result.get("budgets", {}).items():
        fiscal = info.get("fiscal")
        if fiscal:
            out.print(_c("{actor} budget to {share} of GDP by {year}: over the plan, defence growth plus social-security "
                         "increase need {need} bn {currency} of revenue; bond-financed, the debt ratio rises {points} points").format(
                actor=actor, share=f"{info['target_share_of_gdp']:.1%}", year=info["target_year"],
                need=f"{fiscal['cumulative_funding_need_local_bn']:,.0f}", currency=fiscal["currency"],
                points=f"{fiscal['debt_ratio_change_pct_points_by_last_year']:+.1f}"), markup=False)
    for note in result["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


@app.command(help=_c("Split the value (or cost) of cooperation with an allocation rule: Shapley, nucleolus, core, Nash, ..."))
@guarded
def allocate(game_file: Annotated[Path, typer.Argument(help=_c("Game file (.yaml/.json): type tabular, airport or bankruptcy."))],
             rule: Annotated[Optional[str], typer.Option("--rule", help=_c("shapley | nucleolus | core | nash | proportional | talmud | cea | cel (default: shapley; talmud for bankruptcy)."))] = None,
             check: Annotated[Optional[str], typer.Option("--check", help=_c("With --rule core: test this allocation, e.g. USA=1.5,JPN=1,AUS=0.5."))] = None,
             out_file: Annotated[Optional[Path], typer.Option("--out", help=_c("Write the result as JSON."))] = None,
             as_json: Annotated[bool, typer.Option("--json", help=_c("Print the JSON result instead of tables."))] = False) -> None:
    from . import alliance_services

    result = alliance_services.allocate_file(game_file, rule, check)
    if out_file:
        services.write_json(out_file, result)
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
        out.print(_c("{file}: airport game, {users} users, rule {rule}{units}").format(
            file=game["file"], users=f"{airport['total_users']:,}", rule=alloc["rule"], units=units), markup=False)
        table = Table(title=_c("Per type"))
        for i, col in enumerate((_c("type"), _c("users"), _c("cumulative cost"), _c("charge per user"), _c("type total"))):
            table.add_column(col, justify="right" if i else "left")
        for row in airport["by_type"]:
            table.add_row(row["type"], f"{row['users']:,}", f"{row['cumulative_cost']:,.6g}", f"{row['charge_per_user']:,.6g}",
                          f"{row['type_total']:,.6g}")
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
        out.print(_c("{file}: {type} game, rule {rule}{units}").format(file=game["file"], type=game["type"], rule=alloc["rule"],
                                                                      units=units), markup=False)
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
        core = _c("core EMPTY; least-core ε = {epsilon}") if diag["core_empty"] else _c("core non-empty; least-core ε = {epsilon}")
        out.print(core.format(epsilon=f"{diag['least_core_epsilon']:.6g}"), markup=False)
    if "checked_in_core" in diag:
        out.print(_c("checked allocation is in the core") if diag["checked_in_core"] else _c("checked allocation is NOT in the core"),
                  markup=False)
        for v in diag["violations"]:
            line = (_c("{coalition} would save {amount} by leaving") if game["kind"] == "cost"
                    else _c("{coalition} would gain {amount} by leaving"))
            out.print("  " + line.format(coalition="{" + ", ".join(v["coalition"]) + "}", amount=f"{v['shortfall']:.6g}"), markup=False)
    for note in alloc["notes"]:
        out.print(_c("note: {note}").format(note=note), markup=False)


@app.command(help=_c("Print the version."))
def version() -> None:
    out.print(__version__)


def main() -> None:
    """Console entry point."""
    # The help texts were built in the language read from sys.argv when this module was imported (see
    # _argv_language); an unknown --lang (anywhere, even with --help) is an input error: exit code 2.
    try:
        i18n.resolve_language(_argv_language(sys.argv[1:]))
    except InputError as e:
        _report_input_error(e)
        sys.exit(2)
    try:
        app()
    except KeyboardInterrupt:
        err.print(_c("interrupted"))
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("POSITIVESUM_DEBUG"):
            raise
        err.print(_c("internal error: {error}\n(this is a bug; rerun with POSITIVESUM_DEBUG=1 for details)").format(
            error=f"{type(e).__name__}: {e}"), markup=False)
        sys.exit(1)


from . import cli_report  # noqa: E402,F401  (registers `report`)
from . import cli_alliance  # noqa: E402,F401  (registers fair-shares, intervention-matrix, roles, command-structures)

if __name__ == "__main__":
    # Run as `python -m positivesum.cli`, this file is `__main__`, a second copy of the module: the command
    # modules above registered on the package module's app, so run that one.
    from positivesum.cli import main as package_main

    package_main()
