"""Command line: a thin layer over :mod:`positivesum.services`.

Bad input never shows a traceback: every :class:`InputError` is printed as
``file:line: key: what — how to fix`` lines on stderr and the exit code is 2.
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

from . import __version__, services
from .diffing import brief
from .model.errors import InputError

app = typer.Typer(help="positivesum — an open workbench for allied defence planning.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
new_app = typer.Typer(help="Create new data files to edit.", no_args_is_help=True)
app.add_typer(new_app, name="new")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DataOpt = Annotated[Optional[list[Path]], typer.Option("--data", "-d", help="Dataset YAML file(s); default: the packaged dataset. Repeat to layer files.")]
OverrideOpt = Annotated[Optional[list[str]], typer.Option("--override", "-o", help="Apply a named override from the data (repeatable; later wins).")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", "-s", help="Override one value: dotted.path=value (repeatable; applied last).")]


def _report_input_error(e: InputError) -> None:
    err.print(f"error: {len(e.problems)} problem(s) in the input:", style="bold red", markup=False)
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


def _table(rows: list[dict], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for col in rows[0] if rows else ["id"]:
        table.add_column(str(col), overflow="fold")
    for row in rows:
        table.add_row(*[f"{v:g}" if isinstance(v, float) else str(v) for v in row.values()])
    return table


@app.command()
@guarded
def validate(paths: Annotated[list[Path], typer.Argument(help="YAML files to validate together (imports are followed).")],
             override: OverrideOpt = None, set_: SetOpt = None) -> None:
    """Validate dataset files: schema, sources of every number, and consistency."""
    ld = services.load(paths, override, set_)
    s = services.summary(ld)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in s["counts"].items())
    out.print(f"valid: {len(ld.files)} file(s) — {counts}", markup=False)


@app.command("list")
@guarded
def list_cmd(kind: Annotated[str, typer.Argument(help="scenarios | actors | bases | munitions | options | capability_classes | command_structures")],
             data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False) -> None:
    """List the scenarios, actors, bases, munitions or options of a dataset."""
    ld = services.load(data, override, set_)
    rows = services.list_entities(ld, kind)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
    else:
        out.print(_table(rows, f"{kind} ({len(rows)})"))


@app.command()
@guarded
def show(scenario: Annotated[str, typer.Argument(help="Scenario id (see `positivesum list scenarios`).")],
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print the resolved scenario as JSON.")] = False) -> None:
    """Show a scenario fully resolved (after overrides), with the forces and bases it puts in play."""
    ld = services.load(data, override, set_)
    resolved = services.resolve_scenario(ld, scenario)
    if as_json:
        sys.stdout.write(json.dumps(resolved, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    sc = resolved["scenario"]
    out.print(f"[bold]{scenario}[/bold] — {sc['name']['en']} / {sc['name']['ja']}")
    out.print(sc["description"], markup=False)
    facts = [("objective", sc["objective"]), ("US intervention", sc["us_intervention"]),
             ("basing access", ", ".join(f"{k}: {v}" for k, v in sc["basing_access"].items()) or "-"),
             ("warning", f"{sc['warning_days']['value']:g} days"),
             ("fait-accompli window", f"{sc['fait_accompli_window_days']['value']:g} days"),
             ("duration", f"{sc['duration_days']['value']:g} days"), ("weight", f"{sc['weight']['value']:g}"),
             ("command structure", sc["command_structure"]), ("roles", sc["roles"])]
    table = Table(show_header=False)
    for k, v in facts:
        table.add_row(k, str(v))
    out.print(table)
    ftable = Table(title="Committed forces (units)")
    ftable.add_column("actor")
    ftable.add_column("side")
    ftable.add_column("forces", overflow="fold")
    for actor, forces in resolved["derived"]["committed_forces"].items():
        ftable.add_row(actor, sc["participants"][actor]["side"], ", ".join(f"{c} {n:g}" for c, n in forces.items()))
    out.print(ftable)
    lat = resolved["derived"]["command_latency_hours"]
    out.print("Command latency to components (h): " + ", ".join(f"{k} {v:g}" for k, v in lat.items()), markup=False)
    if ld.sets_applied or ld.overrides_applied:
        out.print(f"Applied: overrides {list(ld.overrides_applied)}, --set {list(ld.sets_applied)}", markup=False)


@app.command()
@guarded
def diff(a: Annotated[str, typer.Argument(help="Scenario id or dataset file.")],
         b: Annotated[str, typer.Argument(help="Scenario id or dataset file.")],
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Semantic differences between two scenarios or two datasets."""
    result = services.diff(a, b, data, override, set_)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    changes = result["changes"]
    if not changes:
        out.print(f"No differences between {result['comparing']} {a} and {b}.", markup=False)
        return
    table = Table(title=f"{len(changes)} difference(s): {a} → {b}")
    for col in ("key", "change", a, b):
        table.add_column(col, overflow="fold")
    for c in changes:
        table.add_row(c["path"], c["kind"], "" if c["before"] is None else brief(c["before"]),
                      "" if c["after"] is None else brief(c["after"]))
    out.print(table)


@new_app.command("scenario")
@guarded
def new_scenario(name: Annotated[str, typer.Argument(help="Id of the new scenario (letters, digits, _ and -).")],
                 from_: Annotated[str, typer.Option("--from", help="Existing scenario to copy.")],
                 out_path: Annotated[Optional[Path], typer.Option("--out", help="File to write (default: NAME.yaml).")] = None,
                 data: DataOpt = None, force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write a commented YAML file for a new scenario, copied from an existing one."""
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
    out.print(f"wrote {target} — edit it, then run: positivesum validate {target}", markup=False)


def _fmt_ci(stat: dict, digits: int = 0) -> str:
    if stat.get("n", 1) == 0 or stat["mean"] != stat["mean"]:
        return "-"
    return f"{stat['mean']:.{digits}f} [{stat['p05']:.{digits}f}–{stat['p95']:.{digits}f}]"


def _print_summary(summary: dict) -> None:
    meta, oc = summary["meta"], summary["outcomes"]
    table = Table(title=f"{meta['scenario']}: {meta['replications']:,} replications, seed {meta['seed']}")
    table.add_column("outcome")
    table.add_column("probability")
    table.add_column("95% CI")
    labels = {"adversary_success": "adversary succeeds", "denied": "adversary denied", "stalemate": "stalemate",
              "fait_accompli": f"fait accompli (≤ day {meta['fait_accompli_window_days']:g})"}
    for key, label in labels.items():
        table.add_row(label, f"{oc[key]['p']:.3f}", f"{oc[key]['ci95'][0]:.3f}–{oc[key]['ci95'][1]:.3f}")
    out.print(table)
    out.print(f"decided on day (mean [5th–95th percentile]): {_fmt_ci(summary['decided_day'], 1)}", markup=False)
    loss = Table(title="Losses (mean [5th–95th percentile])")
    loss.add_column("actor")
    doms = sorted({d for v in summary["losses_by_domain"].values() for d in v})
    for d in doms:
        loss.add_column(d)
    loss.add_column("casualties")
    for actor, per in summary["losses_by_domain"].items():
        cas = summary["participants"].get(actor, {}).get("casualties")
        loss.add_row(actor, *[_fmt_ci(per[d]) if d in per else "-" for d in doms], _fmt_ci(cas) if cas else "-")
    out.print(loss)
    mun = Table(title="Munitions")
    for col in ("stock", "expended", "P(run out)", "run-out day"):
        mun.add_column(col)
    for pool, m in summary["munitions"].items():
        mun.add_row(pool, _fmt_ci(m["expended"]), f"{m['p_runout']:.2f}", _fmt_ci(m["runout_day"], 1))
    out.print(mun)


@app.command()
@guarded
def simulate(scenario: Annotated[str, typer.Argument(help="Scenario id (see `positivesum list scenarios`).")],
             reps: Annotated[int, typer.Option("--reps", "-n", help="Monte Carlo replications.")] = 10_000,
             seed: Annotated[int, typer.Option("--seed", help="Seed of the random streams (same seed, same numbers).")] = 20260101,
             out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the summary (.json) or per-replication data (.csv, .parquet).")] = None,
             workers: Annotated[int, typer.Option("--workers", help="Worker processes (results do not depend on it).")] = 1,
             data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None,
             fixed_parameters: Annotated[bool, typer.Option("--fixed-parameters", help="Hold parameters at their central values (no sampling of low–high ranges).")] = False,
             quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or tables.")] = False) -> None:
    """Simulate a crisis scenario many times and summarise outcomes, losses and munitions with 95% intervals.

    Each replication draws the engine parameters and class performance figures that have a low–high
    range (triangular), so the intervals include parameter uncertainty as well as the chance of combat;
    --fixed-parameters turns that off.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if out_file is not None and out_file.suffix.lower() not in (".json", ".csv", ".parquet"):
        raise InputError([services.Problem(services.Location("<command line>", 0), "--out",
                                           f"unsupported file type '{out_file.suffix or '(none)'}'",
                                           "use a .json (summary), .csv or .parquet (per replication) file name")])
    ld = services.load(data, override, set_)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task(f"simulating {scenario}", total=reps)
        result = services.simulate(ld, scenario, reps, seed, workers, progress=lambda n: bar.advance(task, n),
                                   sample_parameters=not fixed_parameters)
    summary = result.summary()
    if not quiet:
        _print_summary(summary)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_file.with_name(out_file.name + ".part" + out_file.suffix)
        result.export(tmp)
        tmp.replace(out_file)
        out.print(f"wrote {out_file}", markup=False)


@app.command()
@guarded
def demo(out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
         reps: Annotated[int, typer.Option("--reps", "-n", help="Replications per scenario.")] = 2000,
         seed: Annotated[int, typer.Option("--seed", help="Seed of the random streams.")] = 20260101,
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None) -> None:
    """The main job on the default data: validate, simulate every scenario, compare burden-sharing regimes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    ld = services.load(data, override, set_)
    summary = services.summary(ld)
    scenarios = list(ld.dataset.scenarios)
    results = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("simulating the default scenarios", total=reps * len(scenarios))
        for sid in scenarios:
            bar.update(task, description=f"simulating {sid}")
            results[sid] = services.simulate(ld, sid, reps, seed, progress=lambda n: bar.advance(task, n)).summary()
    table = Table(title=f"{ld.dataset.title}: {len(scenarios)} scenarios, {reps:,} replications each, seed {seed}")
    table.add_column("scenario", no_wrap=True)
    for col in ("P(success)", "P(fait accompli)", "P(denied)", "P(stalemate)", "day decided"):
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
        task = bar.add_task("planning: fitting the deterrence surrogate", total=plan_services.surrogate_work(ld))
        regimes = plan_services.compare_regimes(ld, seed=seed, reps=min(reps, 1000), cache_dir=out_dir / "cache",
                                                progress=lambda k: bar.advance(task, k))
    _print_regimes(regimes)
    services.write_json(out_dir / "regimes.json", regimes)
    out.print(f"Output: {out_dir / 'summary.json'} (scenarios), {out_dir / 'regimes.json'} (regime comparison)", markup=False)


BudgetOpt = Annotated[Optional[list[str]], typer.Option("--budget", help="Budget target ACTOR=SHARE@YEAR, e.g. JPN=0.035@2035 (repeatable).")]
CacheOpt = Annotated[Path, typer.Option("--cache-dir", help="Where fitted surrogates are cached (keyed by data and seed).")]


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)


def _regime_rows(name: str, res: dict) -> list[str]:
    sim = res["simulated"]
    return [name, f"{res['total_cost_musd']:,.0f}", str(len(res["portfolio"])), f"{res['surrogate']['weighted_deterrence']:.3f}",
            f"{sim['weighted_deterrence']:.3f}"]


@app.command()
@guarded
def plan(regime: Annotated[str, typer.Option("--regime", help="joint | spending-target | cost-transfer | negotiated")] = "joint",
         budget: BudgetOpt = None,
         split: Annotated[Optional[str], typer.Option("--split", help="Negotiated regime: shares of the alliance total, e.g. USA=0.6,JPN=0.4.")] = None,
         receiver: Annotated[Optional[str], typer.Option("--receiver", help="Cost-transfer regime: the actor who buys.")] = None,
         reps: Annotated[int, typer.Option("--reps", "-n", help="Replications when verifying the plan by simulation.")] = 1000,
         seed: Annotated[int, typer.Option("--seed", help="Seed of the random streams.")] = 20260101,
         out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the plan as JSON.")] = None,
         cache_dir: CacheOpt = Path(".positivesum-cache"),
         data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None) -> None:
    """Plan ten years of investment under one burden-sharing regime, then verify it by simulation."""
    from . import plan_services

    ld = services.load(data, override, set_)
    with _progress_bar() as bar:
        task = bar.add_task("fitting the deterrence surrogate", total=plan_services.surrogate_work(ld))
        result = plan_services.run_plan(ld, regime, budgets=budget, split=split, receiver=receiver, seed=seed, reps=reps,
                                        cache_dir=cache_dir, progress=lambda k: bar.advance(task, k))
    table = Table(title=f"{regime} plan: {len(result['portfolio'])} options, {result['total_cost_musd']:,.0f} M USD")
    for col in ("actor", "option", "start year", "category", "M USD"):
        table.add_column(col)
    for item in result["portfolio"]:
        table.add_row(item["actor"], item["option"], str(item["start_plan_year"]), item["category"], f"{item['acquisition_musd']:,.0f}")
    out.print(table)
    sim = result["simulated"]
    out.print(f"weighted deterrence: surrogate {result['surrogate']['weighted_deterrence']:.3f}, simulated {sim['weighted_deterrence']:.3f}", markup=False)
    for note in result["notes"]:
        out.print(f"note: {note}", markup=False)
    if out_file:
        services.write_json(out_file, result)
        out.print(f"wrote {out_file}", markup=False)


@app.command("compare-regimes")
@guarded
def compare_regimes(budget: BudgetOpt = None,
                    split: Annotated[Optional[str], typer.Option("--split", help="Negotiated regime's split, e.g. USA=0.6,JPN=0.4 (default: each actor's own money).")] = None,
                    reps: Annotated[int, typer.Option("--reps", "-n", help="Replications when verifying each plan by simulation.")] = 1000,
                    seed: Annotated[int, typer.Option("--seed", help="Seed of the random streams.")] = 20260101,
                    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the comparison as JSON.")] = None,
                    cache_dir: CacheOpt = Path(".positivesum-cache"),
                    data: DataOpt = None, override: OverrideOpt = None, set_: SetOpt = None) -> None:
    """Compare joint (positive-sum) planning with zero-sum regimes at equal money: the cooperation dividend."""
    from . import plan_services

    ld = services.load(data, override, set_)
    with _progress_bar() as bar:
        task = bar.add_task("fitting the deterrence surrogate", total=plan_services.surrogate_work(ld))
        result = plan_services.compare_regimes(ld, budgets=budget, split=split, seed=seed, reps=reps, cache_dir=cache_dir,
                                               progress=lambda k: bar.advance(task, k))
    _print_regimes(result)
    if out_file:
        services.write_json(out_file, result)
        out.print(f"wrote {out_file}", markup=False)


def _print_regimes(result: dict) -> None:
    table = Table(title="Regimes at equal money per actor (deterrence = P(denied) + ½·P(stalemate), scenario-weighted)")
    for col in ("regime", "cost M USD", "options", "surrogate", "simulated"):
        table.add_column(col, justify="right" if col != "regime" else "left")
    for name, res in result["regimes"].items():
        table.add_row(*_regime_rows(name + (f" (= {res['adopted_from']})" if res.get("adopted_from") else ""), res))
    out.print(table)
    div = Table(title="Cooperation dividend of joint planning")
    for col in ("vs regime", "deterrence gained at equal money", "money saved at equal deterrence (M USD)"):
        div.add_column(col, justify="right" if col != "vs regime" else "left")
    for name, d in result["cooperation_dividend"].items():
        div.add_row(name, f"{d['deterrence_gain_at_equal_money']:+.3f}", "-" if d["saved_musd"] is None else f"{d['saved_musd']:,.0f}")
    out.print(div)
    for actor, info in result.get("budgets", {}).items():
        fiscal = info.get("fiscal")
        if fiscal:
            out.print(f"{actor} budget to {info['target_share_of_gdp']:.1%} of GDP by {info['target_year']}: over the plan, defence "
                      f"growth plus social-security increase need {fiscal['cumulative_funding_need_local_bn']:,.0f} bn "
                      f"{fiscal['currency']} of revenue; bond-financed, the debt ratio rises "
                      f"{fiscal['debt_ratio_change_pct_points_by_last_year']:+.1f} points", markup=False)
    for note in result["notes"]:
        out.print(f"note: {note}", markup=False)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("POSITIVESUM_DEBUG"):
            raise
        err.print(f"internal error: {type(e).__name__}: {e}\n(this is a bug; rerun with POSITIVESUM_DEBUG=1 for details)", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
