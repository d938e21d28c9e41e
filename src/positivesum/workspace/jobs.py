"""Runs: the kinds of job the workspace can queue, submitting one, and executing one.

A job kind is one entry of :data:`KINDS` — its options (name, default, check), what the data must have,
and the function that runs it on a :class:`JobContext`. Adding a kind (sensitivity, say) is one more
entry. Every kind calls the same services as the command line, so the same request gives the same numbers.

Execution (:func:`execute`) is a plain function of (database URL, run id), so that any executor can run
it (the queue hands it to Dask distributed, :mod:`.queue`). It reloads the inputs as their submitter may
read them now, reports progress into the run's row, and stores the result, its provenance and its files
in *one* transaction at the end: a run killed half-way leaves nothing half-written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import __version__, defaults
from ..model.errors import InputError, suggest
from ..model.loader import LoadedDataset
from ..services.outputs import to_json_text
from ..services.validation import check_reps, check_seed
from . import markings as mk
from .access import Actor, audit, input_problem, marking_id, marking_of, require_role
from .auth import actor_of
from .briefing import briefing_files
from .db import sessions
from .loading import load_upload, parse
from .models import Artifact, Run, User, now
from .runs import get_run
from .store import _scenario, _version

#: Largest replication count a browser may ask for (one run must not hold the queue for hours).
WEB_MAX_REPS = 100_000


@dataclass
class JobContext:
    ld: LoadedDataset
    scenario: str
    options: dict[str, Any]
    marking: str
    progress: Callable[[float, str], None]


@dataclass
class JobOutput:
    result: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    check: Callable[[Any, str], Any]
    help: str


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    options: tuple[Option, ...]
    needs_planning: bool
    run: Callable[[JobContext], JobOutput]


def _int(check: Callable[[int, str], int]) -> Callable[[Any, str], int]:
    def read(value: Any, key: str) -> int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        return check(value, key)

    return read


def _reps(value: int, key: str) -> int:
    check_reps(value, key)
    if value > WEB_MAX_REPS:
        raise input_problem(
            key,
            f"{value:,} replications exceed the workspace's limit of {WEB_MAX_REPS:,}",
            "use the command line for larger runs",
        )
    return value


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "on", "1", "yes", "false", "off", "0", "no", ""):
        return value.lower() in ("true", "on", "1", "yes")
    raise input_problem(key, f"'{value}' is not true or false", "give true or false")


def _lang(value: Any, key: str) -> str:
    if value not in ("en", "ja"):
        raise input_problem(key, f"no language '{value}'", "use en or ja")
    return str(value)


def _text(value: Any, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200:
        raise input_problem(key, "not a short text", "give e.g. USA,JPN")
    return value


def _seed_option() -> Option:
    return Option("seed", defaults.SEED, _int(check_seed), "seed of the random streams (same seed, same numbers)")


def _summary_fraction(ctx: JobContext, total: int, span: float = 0.9) -> Callable[[int], None]:
    """Progress of ``total`` replications as the first ``span`` of the run (the rest: storing, writing)."""
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        ctx.progress(span * min(done[0] / max(total, 1), 1.0), f"simulating {ctx.scenario}: {done[0]:,} of {total:,}")

    return tick


def run_simulate(ctx: JobContext) -> JobOutput:
    from ..services.report import analysis_from_results
    from ..services.simulate import simulate

    reps, seed = ctx.options["reps"], ctx.options["seed"]
    result = simulate(
        ctx.ld,
        ctx.scenario,
        reps,
        seed,
        progress=_summary_fraction(ctx, reps),
        sample_parameters=not ctx.options["fixed_parameters"],
    )
    ctx.progress(0.97, "storing the result")
    analysis = analysis_from_results(ctx.ld, [result])
    files = {
        "analysis.json": _json_file({"marking": ctx.marking, **analysis}),
        "summary.json": _json_file({"marking": ctx.marking, **result.summary()}),
    }
    return JobOutput(result.summary(), files)


def _json_file(payload: dict[str, Any]) -> tuple[str, bytes]:
    return "application/json", to_json_text(payload).encode("utf-8")


def _planning_progress(ctx: JobContext, what: str) -> Callable[[int], None]:
    from ..services import plan as plan_services

    total = max(plan_services.surrogate_work(ctx.ld), 1)
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        ctx.progress(min(0.8 * done[0] / total, 0.8), f"{what}: fitting the deterrence surrogate")

    return tick


def run_compare_regimes(ctx: JobContext) -> JobOutput:
    from ..services import compare as compare_services

    with tempfile.TemporaryDirectory(prefix="positivesum-cache-") as cache:
        result = compare_services.compare_regimes(
            ctx.ld,
            seed=ctx.options["seed"],
            reps=ctx.options["reps"],
            cache_dir=Path(cache),
            progress=_planning_progress(ctx, "compare-regimes"),
        )
    return JobOutput(result, {"result.json": _json_file({"marking": ctx.marking, **result})})


def run_fair_shares(ctx: JobContext) -> JobOutput:
    from ..services import alliance as alliance_services
    from ..services import plan as plan_services

    players = alliance_services.parse_players(ctx.ld, ctx.options["players"] or None)
    with tempfile.TemporaryDirectory(prefix="positivesum-cache-") as cache:
        pctx = plan_services.context(
            ctx.ld, None, ctx.options["seed"], Path(cache), progress=_planning_progress(ctx, "fair-shares")
        )
        total = max(alliance_services.fair_share_work(players), 1)
        done = [0]

        def tick(k: int) -> None:
            done[0] += k
            ctx.progress(0.8 + 0.2 * min(done[0] / total, 1.0), "planning and simulating every coalition")

        result = alliance_services.fair_shares(
            ctx.ld, pctx, players=players, reps=ctx.options["reps"], seed=ctx.options["seed"], progress=tick
        )
    return JobOutput(result, {"result.json": _json_file({"marking": ctx.marking, **result})})


def run_briefing(ctx: JobContext) -> JobOutput:
    from ..services import report as report_services
    from ..services.simulate import simulate

    reps, seed = ctx.options["reps"], ctx.options["seed"]
    if ctx.options["planning"]:
        shown = [0.0]

        def say(step: str, done: int, total: int) -> None:
            # the main job's lanes report side by side: show the furthest fraction, never a step back
            shown[0] = max(shown[0], 0.9 * min(done / max(total, 1), 1.0))
            ctx.progress(shown[0], step)

        with tempfile.TemporaryDirectory(prefix="positivesum-cache-") as cache:
            analysis = dict(
                report_services.build_analysis(
                    ctx.ld,
                    [ctx.scenario],
                    reps,
                    seed,
                    say,
                    cache_dir=Path(cache),
                    command_line=["positivesum-workspace"],
                )
            )
    else:
        result = simulate(ctx.ld, ctx.scenario, reps, seed, progress=_summary_fraction(ctx, reps))
        analysis = dict(report_services.analysis_from_results(ctx.ld, [result]))
    ctx.progress(0.92, "writing the briefing (HTML, Excel, PDF)")
    files, notes = briefing_files(analysis, ctx.options["lang"], ctx.marking)
    summary = {sid: e["summary"]["outcomes"] for sid, e in analysis.get("scenarios", {}).items()}
    return JobOutput({"outcomes": summary, "reproducibility": analysis.get("reproducibility")}, files, notes)


def run_sensitivity(ctx: JobContext) -> JobOutput:
    from ..services import sensitivity

    def phase(description: str, total: int) -> Callable[[int], None]:
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            ctx.progress(min(done[0] / max(total, 1), 1.0), f"{description}: {done[0]:,} of {total:,} runs")

        return advance

    result = sensitivity.run(
        ctx.ld,
        ctx.scenario,
        ctx.options["method"],
        trajectories=ctx.options["trajectories"],
        reps=ctx.options["reps"],
        seed=ctx.options["seed"],
        progress=phase,
    )
    payload = result.to_dict()
    return JobOutput(payload, {"result.json": _json_file({"marking": ctx.marking, **payload})})


def _method(value: Any, key: str) -> str:
    if value not in ("morris", "sobol"):
        raise input_problem(key, f"no method '{value}'", "use morris or sobol")
    return str(value)


def _trajectories(value: int, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 50:
        raise input_problem(key, f"must be a whole number from 2 to 50, got {value}", "use e.g. 4")
    return value


KINDS: dict[str, JobKind] = {
    k.name: k
    for k in (
        JobKind(
            "simulate",
            "Simulate",
            (
                Option("reps", defaults.SIMULATE_REPS, _int(_reps), "Monte Carlo replications"),
                _seed_option(),
                Option("fixed_parameters", False, _bool, "hold parameters at their central values"),
            ),
            False,
            run_simulate,
        ),
        JobKind(
            "compare-regimes",
            "Compare regimes",
            (
                Option("reps", defaults.PLAN_VERIFY_REPS, _int(_reps), "replications verifying each plan"),
                _seed_option(),
            ),
            True,
            run_compare_regimes,
        ),
        JobKind(
            "fair-shares",
            "Fair shares",
            (
                Option("reps", defaults.ALLIANCE_REPS, _int(_reps), "replications of each coalition's simulations"),
                _seed_option(),
                Option("players", "", _text, "comma-separated allies (default: the treaty allies)"),
            ),
            True,
            run_fair_shares,
        ),
        JobKind(
            "briefing",
            "Briefing",
            (
                Option("reps", defaults.REPORT_REPS, _int(_reps), "replications of the scenario"),
                _seed_option(),
                Option("lang", "en", _lang, "language of the briefing (en or ja)"),
                Option("planning", False, _bool, "add the regimes and alliance studies (minutes)"),
            ),
            False,
            run_briefing,
        ),
        JobKind(
            "sensitivity",
            "Sensitivity",
            (
                Option("reps", 32, _int(_reps), "replications per design point"),
                _seed_option(),
                Option("method", "morris", _method, "morris (screening) or sobol (indices on the top factors)"),
                Option("trajectories", 4, _int(_trajectories), "Morris trajectories"),
            ),
            False,
            run_sensitivity,
        ),
    )
}


def check_options(kind: JobKind, given: dict[str, Any] | None) -> dict[str, Any]:
    given = dict(given or {})
    given.pop("scenario", None)
    known = {o.name: o for o in kind.options}
    problems = []
    out: dict[str, Any] = {}
    for key in given:
        if key not in known:
            problems.extend(
                input_problem(f"options.{key}", f"{kind.name} has no option '{key}'", suggest(key, known)).problems
            )
    for o in kind.options:
        try:
            out[o.name] = o.check(given[o.name], f"options.{o.name}") if o.name in given else o.default
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out


def _own_scenarios(text: str) -> list[str]:
    data = parse(text, "scenario.yaml").data
    own = data.get("scenarios")
    return [str(k) for k in own] if isinstance(own, dict) else []


def pick_scenario(ld: LoadedDataset, text: str, wanted: object) -> str:
    if wanted:
        if not isinstance(wanted, str) or wanted not in ld.dataset.scenarios:
            raise input_problem(
                "options.scenario",
                f"no scenario '{str(wanted)[:100]}' in this file's data",
                suggest(str(wanted), ld.dataset.scenarios),
            )
        return wanted
    own = _own_scenarios(text)
    if own:
        return own[0]
    raise input_problem(
        "options.scenario",
        "the file defines no scenario of its own",
        "name one of the data's scenarios (options.scenario)",
    )


def submit(
    db: Session, actor: Actor, kind: str, scenario_id: int, version: int | None, options: dict[str, Any] | None
) -> dict[str, Any]:
    """Queue a run of ``kind`` on a scenario version. Its marking is the combination of the scenario's and of
    every dataset the file imports."""
    sc = _scenario(db, actor, scenario_id)
    v = _version(db, sc, version)
    require_role(actor, "analyst", "starting a run")
    if kind not in KINDS:
        raise input_problem(
            "kind", f"no run kind '{str(kind)[:50]}'", f"{suggest(str(kind), KINDS)} (kinds: {', '.join(KINDS)})"
        )
    job = KINDS[kind]
    opts = check_options(job, options)
    loaded = load_upload(db, actor, v.text)
    scenario = pick_scenario(loaded.ld, v.text, (options or {}).get("scenario"))
    from ..services.simulate import need_engine

    need_engine(loaded.ld)
    if job.needs_planning:
        from ..services.plan import need_planning

        need_planning(loaded.ld)
    sc_marking = marking_of(db, sc.marking_id)
    marking = mk.combine([sc_marking, loaded.marking])
    run = Run(
        kind=kind,
        title=f"{job.label}: {sc.title} (v{v.number}, {scenario})"[:300],
        status="queued",
        progress=0.0,
        progress_text="queued",
        params={**opts, "scenario": scenario},
        inputs={
            "scenario": sc.id,
            "version": v.number,
            "scenario_sha256": v.sha256,
            "scenario_marking": sc_marking.text,
            "datasets": loaded.datasets,
        },
        marking_id=marking_id(db, marking),
        owner_org_id=actor.org_id,
        created_by=actor.user_id,
        attempts=0,
        error="",
        provenance={},
    )
    db.add(run)
    db.flush()
    audit(db, actor, "read", "scenario", sc.id, sc.marking_id, f"run {run.id}")
    audit(db, actor, "write", "run", run.id, run.marking_id, "queued")
    return get_run(db, actor, run.id, audited=False)[1]


# ------------------------------------------------------------------------------------------- execution
class Progress:
    """Writes a run's progress into its row (and a heartbeat): at most every ``interval`` seconds, but always
    when the fraction advanced by :attr:`STEP` or more since the last write, so that a fast phase's progress
    is never lost behind a slow one (a page follows the row)."""

    STEP = 0.05

    def __init__(self, url: str, run_id: int, interval: float = 0.5) -> None:
        self.factory = sessions(url)
        self.run_id = run_id
        self.interval = interval
        self.last = 0.0
        self.written = 0.0

    def __call__(self, fraction: float, text: str, *, force: bool = False) -> None:
        t = time.monotonic()
        if not force and t - self.last < self.interval and abs(fraction - self.written) < self.STEP:
            return
        self.last, self.written = t, float(fraction)
        with self.factory.begin() as db:
            db.execute(
                update(Run)
                .where(Run.id == self.run_id, Run.status == "running")
                .values(progress=round(float(fraction), 4), progress_text=text[:300], heartbeat_at=now())
            )


def versions() -> dict[str, str]:
    import numpy
    import pandas
    import scipy

    return {
        "positivesum": __version__,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "platform": platform.platform(),
    }


def execute(url: str, run_id: int) -> str:
    """Run one claimed job (status ``running``) and store its outcome; returns the final status.

    Bad input found now (the data no longer loads for its submitter, say) fails the run with the
    command line's message; any other error fails it with the error's name and text."""
    factory = sessions(url)
    progress = Progress(url, run_id)
    with factory() as db:
        run = db.get(Run, run_id)
        if run is None or run.status != "running":
            return run.status if run else "missing"
        user = db.get(User, run.created_by)
        assert user is not None
        actor = actor_of(db, user)
        kind, params, inputs = run.kind, dict(run.params), dict(run.inputs)
        run_marking = marking_of(db, run.marking_id)
        marking = run_marking.text
        try:
            sc = _scenario(db, actor, inputs["scenario"])
            v = _version(db, sc, inputs["version"])
            loaded = load_upload(db, actor, v.text, cached=False)
            db.commit()
        except Exception as e:  # noqa: BLE001 - the reason is stored with the run
            return fail(url, run_id, _reason(e))
    if v.sha256 != inputs["scenario_sha256"]:
        return fail(url, run_id, "the scenario version's text changed since the run was queued")
    if not run_marking.at_least_as_restrictive_as(loaded.marking):
        return fail(url, run_id, "the data the scenario imports is now marked more restrictively than the run")
    job = KINDS[kind]
    started = time.monotonic()
    progress(0.0, "loading done; running", force=True)
    try:
        output = job.run(JobContext(loaded.ld, params["scenario"], params, marking, progress))
    except Exception as e:  # noqa: BLE001 - the reason is stored with the run
        return fail(url, run_id, _reason(e))
    prov = {
        "kind": kind,
        "options": params,
        "seed": params.get("seed"),
        "replications": params.get("reps"),
        "data": loaded.ld.provenance(),
        "scenario": {"id": inputs["scenario"], "version": inputs["version"], "sha256": inputs["scenario_sha256"]},
        "datasets": loaded.datasets,
        "marking": marking,
        "versions": versions(),
        "seconds": round(time.monotonic() - started, 2),
        "executed_by": {"host": platform.node(), "pid": os.getpid()},  # the Dask worker process, not the server
        "notes": output.notes,
        "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    with factory.begin() as db:
        run = db.get(Run, run_id)
        if run is None or run.status != "running":
            return run.status if run else "missing"
        for name, (media, content) in output.files.items():
            db.add(Artifact(run_id=run_id, name=name, media_type=media, content=content, sha256=_sha(content)))
        run.result = to_json_text(output.result)
        run.provenance = json.loads(to_json_text(prov))
        run.status, run.progress, run.progress_text = "done", 1.0, "done"
        run.finished_at = now()
        audit(db, actor, "write", "run", run_id, run.marking_id, "done")
    return "done"


def _sha(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def _reason(e: BaseException) -> str:
    if isinstance(e, InputError):
        return e.render()[:4000]
    return f"{type(e).__name__}: {e}"[:4000]


def fail(url: str, run_id: int, reason: str) -> str:
    """Mark a run failed with ``reason`` (nothing else of it is stored)."""
    with sessions(url).begin() as db:
        run = db.get(Run, run_id)
        if run is not None and run.status in ("queued", "running"):
            run.status, run.error, run.finished_at = "failed", reason[:4000], now()
            run.progress_text = "failed"
    return "failed"


def result_of(db: Session, run: Run) -> dict[str, Any] | None:
    return json.loads(run.result) if run.result else None


def artifact(db: Session, actor: Actor, run_id: int, name: str) -> Artifact:
    """A file of a run the actor may read (audited)."""
    run, _row = get_run(db, actor, run_id, audited=False)
    art = db.scalar(select(Artifact).where(Artifact.run_id == run.id, Artifact.name == name))
    if art is None:
        from .access import NotFound

        raise NotFound(f"file of run {run.id}", name)
    audit(db, actor, "read", "run", run.id, run.marking_id, f"file {name}")
    return art


def artifact_names(db: Session, run_id: int) -> list[str]:
    return list(db.scalars(select(Artifact.name).where(Artifact.run_id == run_id).order_by(Artifact.name)))
