"""The briefing: one analysis (simulations, regimes, budgets, calibration, alliance studies) → report files.

``build_analysis`` returns a JSON-serialisable dict (an :class:`Analysis`); ``write_report``
turns it into HTML, PDF, Excel, CSV/Parquet tables and ``analysis.json``. Other modules may add
keys (e.g. ``analysis["alliance"]``) before writing; section builders ignore keys they do not know.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import shlex
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__, defaults
from ..model.errors import InputError, Problem
from ..model.loader import LoadedDataset
from ..plan import milp_cache
from ..sim import cache as sim_cache
from ..sim.results import json_safe
from ..sim.setup import INNER_REPLICATIONS, MEAN_INNER_REPLICATIONS
from . import alliance as alliance_studies
from . import compare as comparison
from . import executor, unit_cache
from . import plan as planning
from . import sensitivity_briefing as sensitivity_studies
from .command import command_comparison
from .data import get_scenario
from .outputs import MANIFEST, StagingFolder, check_can_publish_folder, write_json, write_text_atomic
from .simulate import simulate
from .validation import check_cache_dir, check_reps, check_seed

CALIBRATION_SCENARIO = "taiwan_base"
Progress = Callable[[str, int, int], None]
"""``progress(step_description, done, total)``: called as work advances."""


class Analysis(dict):
    """The analysis dict, with a notebook view."""

    def _repr_html_(self) -> str:
        from ..report.build import analysis_fragment

        return analysis_fragment(self)


def _label(obj) -> dict[str, str]:
    return {"en": obj.name.en, "ja": obj.name.ja}


def check_scenarios(ld: LoadedDataset, scenarios: list[str] | None) -> list[str]:
    known = list(ld.dataset.scenarios)
    chosen = list(dict.fromkeys(scenarios)) if scenarios else known
    problems: list[Problem] = []
    for sid in chosen:
        try:
            get_scenario(ld, sid)
        except InputError as e:  # reported under the option's name (get_scenario names the SCENARIO argument)
            problems.extend(replace(p, key_path="--scenario") for p in e.problems)
    if problems:
        raise InputError(problems)
    return chosen


def _sources(ld: LoadedDataset) -> dict[str, Any]:
    """Citations actually used by the data, with how many records cite each, and confidence counts."""
    ds = ld.dataset
    cited: dict[str, int] = {}
    confidence: dict[str, int] = {}
    estimates = 0

    def walk(node):
        nonlocal estimates
        if isinstance(node, dict):
            src = node.get("source")
            if isinstance(src, str) and src in ds.sources:
                cited[src] = cited.get(src, 0) + 1
            if node.get("estimate") and not src:
                estimates += 1
            if isinstance(node.get("confidence"), str):
                confidence[node["confidence"]] = confidence.get(node["confidence"], 0) + 1
            for k, v in node.items():
                if k != "sources":
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(ld.raw)
    rows = [
        {
            "key": k,
            "title": ds.sources[k].title,
            "publisher": ds.sources[k].publisher or "",
            "date": ds.sources[k].date or "",
            "url": ds.sources[k].url or "",
            "citations": n,
        }
        for k, n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "cited": rows,
        "registry_size": len(ds.sources),
        "estimate_only_records": estimates,
        "confidence_counts": dict(sorted(confidence.items())),
    }


def _budgets(ld: LoadedDataset) -> dict[str, Any]:
    """Each planning actor's budget path (share of GDP ramp to its target, counted on the planning basis), as in
    the planner (:func:`positivesum.domestic.budget.target_paths`)."""
    from ..domestic.budget import spec_from_target, target_paths

    ds = ld.dataset
    if ds.planning is None:
        return {}
    pp = ds.planning
    out = {}
    for a, target in pp.budgets.items():
        if a not in ds.actors:
            continue
        path = target_paths(
            a,
            ds.actors[a],
            spec_from_target(target, pp.budget_basis),
            base_year=int(pp.base_year.value),
            horizon_years=int(pp.horizon_years.value),
            inflation_per_year=pp.inflation_per_year.value,
        ).total
        cols = ["year", "gdp_local_bn", "budget_local_bn", "budget_musd", "share_of_gdp", "increment_musd"]
        out[a] = {
            "currency": ds.actors[a].currency,
            "target_share_of_gdp": target.target_share_of_gdp,
            "target_year": int(target.target_year),
            "catalogue_share": target.catalogue_share,
            "reference_gdp_year": target.reference_gdp_year,
            "budget_basis": pp.budget_basis,
            "counts_related": target.counts_related,
            "assumptions": json_safe(path.assumptions),
            "rows": json_safe(path.frame[cols].to_dict(orient="records")),
        }
    return out


def _calibration(ld: LoadedDataset, reps: int, seed: int, client: Any = None) -> dict[str, Any] | None:
    """The calibration table of `positivesum calibrate` on the analysis's data: ``rows`` the base set's (as the
    summary and the audit table read them), ``sets`` every set's rows, grades and run; None when the data does
    not carry the calibration sets or the default dataset's actors and classes the targets name."""
    from ..sim.calibration import SETS
    from .calibrate import calibrate

    if any(override not in ld.available_overrides for override, _ in SETS.values()):
        return None
    try:
        table = calibrate(
            _entry_files(ld), list(ld.overrides_applied), list(ld.sets_applied), reps=reps, seed=seed, client=client
        )
    except (InputError, KeyError, IndexError, ValueError):
        return None
    base = table["sets"].get("base")
    if not base:
        return None
    return {
        "scenario": CALIBRATION_SCENARIO,
        "replications": reps,
        "tolerance_factor": table["tolerance_factor"],
        "rows": base["rows"],
        "sets": table["sets"],
        "passed": table["passed"],
        "total": table["total"],
    }


def _entry_files(ld: LoadedDataset) -> list[Path] | None:
    """The files the analysis's dataset was loaded from (those no other file read imports); None: the package's."""
    from ..model.loader import PACKAGED_DEFAULT, default_data_file
    from .data import _imports

    default = default_data_file().resolve()
    files = [Path(f).resolve() for f in ld.files]
    imported: set[Path] = set()
    for f in files:
        for target in _imports(f):
            # `import: [positivesum:default]` names the packaged dataset, not a file beside the importer
            imported.add(default if target.name == PACKAGED_DEFAULT else target)
    entries = [f for f in files if f not in imported]
    return None if entries == [default] else entries


@dataclass(frozen=True, eq=False)
class _ScenarioInputs:
    """What every scenario unit of the briefing shares (sent once to each worker)."""

    ld: LoadedDataset
    reps: int
    seed: int


def _scenario_unit(inputs: _ScenarioInputs, sid: str) -> dict[str, Any]:
    """One scenario of the briefing: simulate it here (a worker) and return its entry (module level, so that a
    Dask worker can unpickle it)."""
    from ..sim.setup import build_setup

    result = simulate(inputs.ld, sid, inputs.reps, inputs.seed)
    return _scenario_entry(inputs.ld, sid, result, build_setup(inputs.ld.dataset, sid))


def _scenario_entry(ld: LoadedDataset, sid: str, result, setup) -> dict[str, Any]:
    from ..report.series import time_series

    sc = ld.dataset.scenarios[sid]
    stock0 = dict(zip(setup.pools.label, map(float, setup.pools.stock0)))
    return {
        "name": _label(sc),
        "objective": sc.objective,
        "us_intervention": sc.us_intervention,
        "basing_access": dict(sc.basing_access),
        "weight": sc.weight.value,
        "warning_days": sc.warning_days.value,
        "fait_accompli_window_days": sc.fait_accompli_window_days.value,
        "duration_days": sc.duration_days.value,
        "adversary": sc.adversary,
        "participants": {a: p.side for a, p in sc.participants.items()},
        "summary": json_safe(result.summary()),
        "series": json_safe(time_series(result, stock0)),
    }


def _labels(ld: LoadedDataset) -> dict[str, Any]:
    ds = ld.dataset
    return {
        "actors": {k: _label(v) for k, v in ds.actors.items()},
        "mission_areas": {k: _label(v) for k, v in ds.mission_areas.items()},
        "munitions": {k: _label(v) for k, v in ds.munitions.items()},
    }


def analysis_from_results(ld: LoadedDataset, results: list) -> Analysis:
    """A simulation-only analysis from CampaignResults already computed (e.g. in a notebook): scenario
    outcomes, losses and munitions over time, assumptions and the run record; no planning."""
    from ..sim.setup import build_setup

    entries = {
        r.scenario_id: _scenario_entry(ld, r.scenario_id, r, build_setup(ld.dataset, r.scenario_id)) for r in results
    }
    first = results[0].meta if results else {}
    prov = ld.provenance()
    return Analysis(
        {
            "schema": "positivesum.analysis/1",
            "dataset": {"title": ld.dataset.title, "description": ld.dataset.description, "as_of": ld.dataset.as_of},
            "labels": _labels(ld),
            "scenarios": entries,
            "reproducibility": {
                "version": __version__,
                "seed": first.get("seed"),
                "replications": first.get("replications"),
                "data_sha256": prov["data_sha256"],
                "files": prov["files"],
                "overrides": prov["overrides"],
                "sets": prov["sets"],
                "scenarios": list(entries),
                "date": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
            },
        }
    )


def _serialised(progress: Progress | None) -> Progress:
    """``progress`` behind a lock: the main job's lanes report from their own threads."""
    if progress is None:
        return lambda *_a: None
    lock = threading.Lock()

    def say(step: str, done: int, total: int) -> None:
        with lock:
            progress(step, done, total)

    return say


def _independent_stages(
    ld: LoadedDataset,
    chosen: list[str],
    reps: int,
    seed: int,
    client: Any,
    say: Progress,
    command_reps: int | None,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    """The main job's stages that need no plan: every scenario, the CSIS calibration sets, the command
    structures (``command_reps`` replications; None: not asked for) and the sensitivity study."""
    ds = ld.dataset
    # every scenario is one unit on the cluster (its replications are one or a few blocks): the scenarios run
    # side by side rather than one after the other
    say("simulating the scenarios", 0, len(chosen) * reps)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        say("simulating the scenarios", done[0], len(chosen) * reps)

    units = executor.map_ordered(
        client,
        _scenario_unit,
        chosen,
        tick,
        shared=_ScenarioInputs(ld, reps, seed),
        weight=lambda _sid: reps,
        cost=lambda sid: executor.replication_days(ds, sid, reps),  # the long blockades start first
    )
    entries = dict(zip(chosen, units))
    calibration = None
    if CALIBRATION_SCENARIO in ds.scenarios and ds.engine is not None:
        say("calibration runs (CSIS sets)", 0, 1)
        calibration = _calibration(ld, reps, seed, client)
    command = None
    if command_reps is not None:
        say("command structures", 0, 1)
        command = command_comparison(ld, reps=command_reps, seed=seed, client=client)
    sensitivity = None
    if sensitivity_studies.BRIEFING_SCENARIO in chosen:  # a small grouped Morris design and PRIM (a few seconds)
        say("sensitivity: which assumptions decide the outcome", 0, 1)
        sensitivity = sensitivity_studies.briefing_study(ld, seed=seed)
    return entries, calibration, command, sensitivity


def _after(event: threading.Event, other: Future, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """``fn(*args, **kw)`` once ``event`` is set; None, without running it, if the lane ``other`` failed first
    (its error is the one the user sees, raised by its own future, without this lane's minutes of work before it)."""
    while not event.wait(0.5):
        if other.done():
            if other.exception() is not None:
                return None
            break
    return fn(*args, **kw)


def _planning_lanes(
    lanes: ThreadPoolExecutor,
    ld: LoadedDataset,
    seed: int,
    plan_reps: int,
    alliance_reps: int,
    cache_dir: Path,
    client: Any,
    say: Progress,
    plans: dict,
    alliance_on: bool,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The surrogate's fit, then the regime comparison beside the alliance sections that need no plan (fair
    shares, the intervention-level matrix), then the roles matrix of the comparison's joint plan."""
    total = planning.surrogate_work(ld)
    count = [0]

    def step(k: int) -> None:
        count[0] += k
        say("planning: fitting the deterrence surrogate", min(count[0], total), total)

    # fitted once here and cached in cache_dir: the comparison and the alliance sections read it from there
    fitted = planning.context(ld, None, seed, cache_dir, step, client=client)
    # The alliance lane waits for the comparison's MILPs: they are its critical path (its portfolio runs wait for
    # every solve), and a priority only orders queued tasks — a coalition's job already running on a worker (a
    # MILP and 5,500 simulated campaigns) would hold it. Measured (bench_main_job --stages): the two MILP waves
    # took 43 s beside the alliance lane, 21 s alone.
    solved = threading.Event()
    comparison_lane = lanes.submit(
        contextvars.copy_context().run,
        comparison.compare_regimes,
        ld,
        seed=seed,
        reps=plan_reps,
        cache_dir=cache_dir,
        stage=say,
        client=client,
        # the spending targets as regimes (2 %, 3 %, 3.5 % core, 5 % of GDP where the data has them)
        spending_targets=comparison.parse_spending_targets(ld, None),
        plans_out=plans,
        milps_solved=solved.set,
    )
    alliance_lane = None
    if alliance_on:
        alliance_lane = lanes.submit(
            contextvars.copy_context().run,
            _after,
            solved,
            comparison_lane,
            alliance_studies.alliance_analysis,
            ld,
            fitted,
            reps=alliance_reps,
            seed=seed,
            say=lambda part, done, n: say(f"alliance: {part}", done, n),
            client=client,
            parts=("fair_shares", "intervention_matrix"),
        )
    regimes = comparison_lane.result()
    if fitted.notes:  # a cached surrogate that could not be used was refitted here: the comparison says so
        regimes["notes"] = list(fitted.notes) + [n for n in regimes.get("notes", []) if n not in fitted.notes]
    regimes = json_safe(regimes)
    if alliance_lane is None:
        return regimes, None
    alliance = alliance_lane.result()
    alliance.update(
        alliance_studies.alliance_analysis(
            ld, fitted, reps=alliance_reps, seed=seed, joint_plan=plans.get("joint"), parts=("roles",)
        )
    )
    return regimes, json_safe(alliance)


def build_analysis(
    ld: LoadedDataset,
    scenarios: list[str] | None = None,
    reps: int = defaults.REPORT_REPS,
    seed: int = defaults.SEED,
    progress: Progress | None = None,
    *,
    plan_reps: int = defaults.PLAN_VERIFY_REPS,
    alliance_reps: int = defaults.ALLIANCE_REPS,
    cache_dir: Path | None = None,
    command_line: list[str] | None = None,
    alliance_sections: bool = True,
    workers: int = 0,
    scheduler: str | None = None,
) -> Analysis:
    """Simulate the scenarios, compare the regimes, build budget paths and check calibration.

    ``reps`` are the replications of each scenario's simulation, ``plan_reps`` those used to verify each
    regime's portfolio (as in `positivesum compare-regimes`), ``alliance_reps`` those of the alliance
    studies (as in `positivesum fair-shares`); all three are stated in ``reproducibility``. ``cache_dir``
    holds the caches: the fitted surrogate, simulations, MILP solutions and the independent units' results
    (services/unit_cache.py); a second run on the same data and code computes nothing again."""

    check_reps(reps)
    check_reps(plan_reps, "--plan-reps")
    check_reps(alliance_reps, "--alliance-reps")
    check_seed(seed)
    check_cache_dir(cache_dir)
    chosen = check_scenarios(ld, scenarios)
    if cache_dir is None:  # the surrogate is fitted once and shared by the regimes and the alliance analysis;
        # the temporary cache is removed when the analysis is done (an implicit clean-up is a ResourceWarning)
        with tempfile.TemporaryDirectory(prefix="positivesum-cache-") as tmp:
            return build_analysis(
                ld,
                chosen,
                reps,
                seed,
                progress,
                plan_reps=plan_reps,
                alliance_reps=alliance_reps,
                cache_dir=Path(tmp),
                command_line=command_line,
                alliance_sections=alliance_sections,
                workers=workers,
                scheduler=scheduler,
            )
    # simulations and MILP solutions are cached by content (set-up, replications, seed, engine code: sim/cache.py;
    # the model, gap and solver code: plan/milp_cache.py; each independent unit's result around them:
    # services/unit_cache.py), so a second run of the main job on the same data
    # computes nothing twice and gives identical numbers. One Dask cluster serves every stage (none when workers=0
    # and no scheduler): starting one costs seconds.
    with (
        sim_cache.activated(cache_dir / "simulations"),
        milp_cache.activated(cache_dir / "milps"),
        unit_cache.activated(cache_dir / "units"),
        executor.open_client(scheduler, workers) as client,
    ):
        ds = ld.dataset
        say = _serialised(progress)
        planning_on = ds.planning is not None and bool(ds.options)
        alliance_on = planning_on and alliance_sections
        # Three lanes share the cluster (contextvars.copy_context carries the activated caches into each thread):
        # the stages that need no plan, the regime comparison, and the alliance sections that need only the
        # fitted surrogate. Each lane's units are pure functions of their inputs and seeds, so the numbers do not
        # depend on how the lanes interleave; what the overlap buys is a busy cluster while one lane waits on its
        # slowest unit, a MILP or a step in the main process.
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="positivesum-stage") as lanes:
            independent = lanes.submit(
                contextvars.copy_context().run,
                _independent_stages,
                ld,
                chosen,
                reps,
                seed,
                client,
                say,
                alliance_reps if alliance_on and ds.command_structures else None,
            )
            regimes: dict[str, Any] | None = None
            alliance: dict[str, Any] | None = None
            plans: dict[str, Any] = {}
            if planning_on:
                regimes, alliance = _planning_lanes(
                    lanes, ld, seed, plan_reps, alliance_reps, cache_dir, client, say, plans, alliance_on
                )
            entries, calibration, command, sensitivity = independent.result()
        if alliance is not None and command is not None:
            alliance["command"] = json_safe(command)
        prov = ld.provenance()
        now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
        return Analysis(
            {
                "alliance": alliance,
                "sensitivity": sensitivity,
                "schema": "positivesum.analysis/1",
                "dataset": {"title": ds.title, "description": ds.description, "as_of": ds.as_of},
                "labels": _labels(ld),
                "scenarios": entries,
                "regimes": regimes,
                "budgets": _budgets(ld),
                "calibration": calibration,
                "sources": _sources(ld),
                "planning": None
                if ds.planning is None
                else {
                    "stalemate_weight": ds.planning.stalemate_weight.value,
                    "horizon_years": int(ds.planning.horizon_years.value),
                    "base_year": int(ds.planning.base_year.value),
                    "adversary_growth_per_year": ds.planning.adversary_growth_per_year.value,
                    "inflation_per_year": ds.planning.inflation_per_year.value,
                    "surrogate_replications": int(ds.planning.surrogate_replications.value),
                },
                "reproducibility": {
                    "version": __version__,
                    "seed": seed,
                    "replications": reps,
                    "plan_replications": plan_reps,
                    "alliance_replications": alliance_reps,
                    # decision record 0017: the scenario tables show the spread across parameter draws (32 a draw);
                    # the planning and alliance studies estimate means (one replication per draw)
                    "replications_per_parameter_draw": {
                        "scenarios": INNER_REPLICATIONS,
                        "studies": MEAN_INNER_REPLICATIONS,
                    },
                    "data_sha256": prov["data_sha256"],
                    "files": prov["files"],
                    "overrides": prov["overrides"],
                    "sets": prov["sets"],
                    "scenarios": chosen,
                    "command_line": shlex.join(command_line if command_line is not None else sys.argv),
                    "date": now.isoformat(),
                    "python": sys.version.split()[0],
                },
            }
        )


def write_report(analysis: dict, lang: str, out_dir: Path, *, force: bool = False) -> dict[str, Path]:
    """Write the briefing set into the folder ``out_dir``: ``briefing.html``, ``briefing.xlsx``,
    ``tables/*.csv|parquet``, ``analysis.json``, ``briefing.pdf`` and ``manifest.json`` (every file with its
    SHA-256, the seed, data hash and command line). Returns {kind: path}.

    The set is written complete into a hidden staging folder and then exchanged with ``out_dir`` in one
    atomic step (:class:`.outputs.StagingFolder`): a reader, or a run killed at any moment, finds the previous
    complete set or the new one, never a mix. An existing set is replaced only with ``force``; a folder
    holding files positivesum did not write is never replaced. If Chromium is missing, the set is published
    without the PDF and an InputError explains how to install it."""
    from ..report import build_report
    from ..report.exports import write_excel, write_tables
    from ..report.html import render_html
    from ..report.pdf import write_pdf

    out_dir = Path(out_dir)
    check_can_publish_folder(out_dir, force)
    report = build_report(analysis, lang)
    repro = analysis.get("reproducibility") or {}
    run: dict[str, Any] = {
        "lang": lang,
        "version": __version__,
        "seed": repro.get("seed"),
        "data_sha256": repro.get("data_sha256"),
        "command_line": repro.get("command_line"),
        "replications": repro.get("replications"),
        "notes": [],
    }
    missing_pdf: InputError | None = None
    with StagingFolder(out_dir) as stage:
        write_json(stage.path / "analysis.json", dict(analysis))
        write_text_atomic(stage.path / "briefing.html", render_html(report))
        # Chromium prints the PDF in its own process: the workbook and tables are written meanwhile
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(write_pdf, stage.path / "briefing.html", stage.path / "briefing.pdf", run["notes"])
            write_excel(report, stage.path / "briefing.xlsx")
            write_tables(report, stage.path / "tables")
            try:
                pdf.result()
            except InputError as e:  # no Chromium: publish everything else, then say how to get the PDF
                missing_pdf = e
                run["notes"].append("no PDF: " + e.render())
        stage.publish(run)
    paths = {
        "analysis": out_dir / "analysis.json",
        "html": out_dir / "briefing.html",
        "xlsx": out_dir / "briefing.xlsx",
        "tables": out_dir / "tables",
        "pdf": out_dir / "briefing.pdf",
        "manifest": out_dir / MANIFEST,
    }
    if missing_pdf is not None:
        raise missing_pdf
    return paths
