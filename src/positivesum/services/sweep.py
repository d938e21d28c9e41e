"""Sweeps: a design of scenario variants, each simulated, gathered into one tidy table.

A design file (YAML) names the scenario(s) and one kind of design over data paths (the paths of ``--set``)::

    scenario: taiwan_base            # or `scenarios: [taiwan_base, taiwan_no_us]`
    replications: 500                # per variant and scenario (default 500)
    seed: 20260101                   # master seed (default: positivesum's)
    fixed_parameters: false          # true: ranges held at their central values (no outer draws)
    common_random_numbers: true      # every variant simulated with the master seed (default)
    factorial:                       # every combination of the levels …
      scenarios.taiwan_base.warning_days: [3, 10, 30]
      engine.missile_reliability: [0.7, 0.9]
    # … or a Latin hypercube (scipy.stats.qmc) of `samples` points over [low, high] …
    latin_hypercube: {samples: 8, factors: {scenarios.taiwan_base.warning_days: [2, 30]}}
    # … or a list of named patches
    points:
      - {name: short_warning, set: [scenarios.taiwan_base.warning_days=3]}

A value replaces the quantity at that path whole (its stated range no longer applies, docs/decisions/0003).
Every variant is built and validated before the first simulation (a level outside a field's bounds, an unknown
path, an empty design are reported at the design file's line, exit code 2, nothing written). Variants run
through :mod:`.executor` (in this process or on Dask); seeds derive from (master seed, variant) with
``SeedSequence`` when ``common_random_numbers`` is false, and the runner's blocks from there.

``run: plan`` plans every variant instead of simulating it (one regime, as `positivesum plan` does)::

    run: plan
    plan: {regime: joint, reps: 200}  # regime: joint | spending-target | cost-transfer | negotiated;
                                      # split: "USA=0.6,JPN=0.4" (negotiated), receiver: USA (cost-transfer)
    seed: 20260101
    factorial:
      planning.adversary_growth_per_year: [0.0, 0.02, 0.04]

Each variant's data (its patches applied) gets its own deterrence surrogate — it depends on the data — fitted once
and cached by content (data hash and seed, :func:`.plan.cache_path`) under the sweep's ``--cache-dir``; then its
plan is solved and verified by simulation over every weighted scenario, with the master seed. One row per variant:
the regime, the options chosen, the costs, the surrogate's and the simulation's weighted deterrence (with a 95 %
interval) and the MILP's gap certificate. Expensive: a surrogate fit per variant takes minutes at the data's
default settings (docs/methodology/sensitivity.md §8).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import defaults
from ..model.errors import InputError, KeyPath, Location, Problem, dotted, suggest
from ..model.loader import LoadedDataset, validate_tree
from ..model.merge import apply_set
from ..model.yamlio import load_yaml_file
from .executor import map_ordered

KINDS = ("factorial", "latin_hypercube", "points")
#: What a sweep does with each variant.
RUNS = ("simulate", "plan")
#: Keys of a design that only a simulating sweep reads (a planning sweep plans over every weighted scenario, with
#: the verification's replications in its `plan:` block).
SIMULATE_KEYS = ("scenario", "scenarios", "replications", "fixed_parameters", "common_random_numbers")
KEYS = ("run", "plan", "seed", *SIMULATE_KEYS, *KINDS)
PLAN_KEYS = ("regime", "reps", "split", "receiver")
DEFAULT_REPS = 500
#: Most variants × scenarios one sweep may hold (each is a simulation of its own).
MAX_RUNS = 10_000


@dataclass(frozen=True)
class Variant:
    """One design point: its number, name, the ``--set`` patches that make it, and the factor values."""

    index: int
    name: str
    sets: tuple[str, ...]
    values: dict[str, Any]


@dataclass
class Design:
    """A parsed, checked design file."""

    file: str
    kind: str
    scenarios: list[str]
    replications: int
    seed: int
    sample_parameters: bool
    crn: bool
    variants: list[Variant]
    factors: list[str]
    ranges: dict[str, tuple[float, float]]
    lines: dict[KeyPath, Location]
    scenario_keys: list[KeyPath]
    run: str = "simulate"
    plan: PlanSettings | None = None

    @property
    def runs(self) -> int:
        """Tasks of the sweep: simulations (variants × scenarios), or plans (one per variant)."""
        return len(self.variants) * (len(self.scenarios) if self.run == "simulate" else 1)


@dataclass(frozen=True)
class PlanSettings:
    """The `plan:` block of a planning sweep: what `positivesum plan` takes besides the data."""

    regime: str = "joint"
    reps: int = defaults.PLAN_VERIFY_REPS
    split: str | None = None
    receiver: str | None = None


def _problem(doc_lines: dict[KeyPath, Location], file: str, path: KeyPath, what: str, fix: str) -> Problem:
    loc = None
    for n in range(len(path), -1, -1):
        loc = doc_lines.get(tuple(path[:n]))
        if loc is not None:
            break
    return Problem(loc or Location(file, 1), dotted(path) or "(document)", what, fix)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def load_design(path: Path, ld: LoadedDataset | None = None) -> Design:
    """Read and check a design file (its form, before any data is read); with ``ld``, also against the dataset
    (:func:`check_against`: every variant is built and validated)."""
    from .validation import check_reps, check_seed

    path = Path(path)
    doc = load_yaml_file(path, str(path))
    name, lines, data = str(path), doc.lines, doc.data
    problems: list[Problem] = []

    def bad(key: KeyPath, what: str, fix: str) -> None:
        problems.append(_problem(lines, name, key, what, fix))

    if not isinstance(data, dict):
        raise InputError(
            [_problem(lines, name, (), "a design must be a mapping", "see docs/methodology/sensitivity.md")]
        )
    for key in data:
        if key not in KEYS:
            bad((key,), "unknown key", f"{suggest(key, KEYS)} (keys: {', '.join(KEYS)})")
    kinds = [k for k in KINDS if k in data]
    if len(kinds) != 1:
        bad((), f"needs exactly one of {', '.join(KINDS)}; found {len(kinds)}", "keep one kind of design per file")
    run_kind = data.get("run", "simulate")
    if run_kind not in RUNS:
        bad(("run",), f"unknown run '{run_kind}'", "use `run: simulate` (the default) or `run: plan`")
    plan_settings = _plan_settings(data, lines, name, bad) if run_kind == "plan" else None
    if run_kind == "plan":
        for key in SIMULATE_KEYS:
            if key in data:
                bad(
                    (key,),
                    "a planning sweep (run: plan) does not read this key",
                    "it plans over every weighted scenario of each variant (set weights with the design's patches); "
                    "give the verification's replications as `plan: {reps: N}`",
                )
    elif "plan" in data:
        bad(("plan",), "a `plan:` block needs `run: plan`", "add `run: plan`, or remove the block to simulate")
    scen = data.get("scenarios", [data["scenario"]] if "scenario" in data else [])
    if isinstance(scen, str):
        scen = [scen]
    if run_kind != "simulate":
        scen = []
    elif not scen or not isinstance(scen, list):
        bad(("scenario",), "no scenario", "add `scenario: ID` (see `positivesum list scenarios`)")
        scen = []
    scenario_keys: list[KeyPath] = [
        ("scenarios", i) if "scenarios" in data else ("scenario",) for i in range(len(scen))
    ]
    reps = data.get("replications", DEFAULT_REPS)
    seed = data.get("seed", defaults.SEED)
    for key, value, check in (("replications", reps, check_reps), ("seed", seed, check_seed)):
        try:
            check(value, key)
        except InputError as e:
            bad((key,), e.problems[0].message, e.problems[0].fix)
    for key in ("fixed_parameters", "common_random_numbers"):
        if key in data and not isinstance(data[key], bool):
            bad((key,), f"must be true or false, got {data[key]!r}", f"write `{key}: true` or `{key}: false`")
    if problems:
        raise InputError(problems)
    kind = kinds[0]
    variants, factors, ranges = _variants(kind, data[kind], lines, name, bad, seed)
    if problems:
        raise InputError(problems)
    if not variants:
        raise InputError(
            [_problem(lines, name, (kind,), "the design has no points: zero runs", "add levels or points")]
        )
    tasks = len(variants) * (len(scen) if run_kind == "simulate" else 1)
    if tasks > MAX_RUNS:
        raise InputError(
            [
                _problem(
                    lines,
                    name,
                    (kind,),
                    f"{tasks:,} {'simulations' if run_kind == 'simulate' else 'plans'} exceed the limit of {MAX_RUNS:,}",
                    "use fewer levels, samples or scenarios, or split the design",
                )
            ]
        )
    design = Design(
        name,
        kind,
        list(scen),
        int(reps),
        int(seed),
        not data.get("fixed_parameters", False),
        bool(data.get("common_random_numbers", True)),
        variants,
        factors,
        ranges,
        lines,
        scenario_keys,
        run_kind,
        plan_settings,
    )
    if ld is not None:
        check_against(design, ld)
    return design


def _plan_settings(data: dict, lines, file: str, bad) -> PlanSettings:
    """The `plan:` block (its form: keys, regime, replications, a split's and a receiver's type)."""
    from ..plan.regimes import REGIMES
    from .validation import check_reps

    body = data.get("plan", {})
    if body is None:
        body = {}
    if not isinstance(body, dict):
        bad(("plan",), "must be a mapping", "e.g. `plan: {regime: joint, reps: 200}`")
        return PlanSettings()
    for key in body:
        if key not in PLAN_KEYS:
            bad(("plan", key), "unknown key", f"{suggest(str(key), PLAN_KEYS)} (keys: {', '.join(PLAN_KEYS)})")
    regime = body.get("regime", "joint")
    if regime not in REGIMES:
        bad(
            ("plan", "regime"),
            f"unknown regime '{regime}'",
            f"{suggest(str(regime), REGIMES)} (one of: {', '.join(REGIMES)})",
        )
    reps = body.get("reps", defaults.PLAN_VERIFY_REPS)
    try:
        check_reps(reps, "plan.reps")
    except InputError as e:
        bad(("plan", "reps"), e.problems[0].message, e.problems[0].fix)
    for key in ("split", "receiver"):
        if key in body and not isinstance(body[key], str):
            example = "split: USA=0.6,JPN=0.4" if key == "split" else "receiver: USA"
            bad(("plan", key), f"must be text, got {body[key]!r}", f"e.g. `{example}`")
    if regime == "negotiated" and not body.get("split"):
        bad(("plan", "regime"), "the negotiated regime needs a split", "add e.g. `split: USA=0.6,JPN=0.4`")
    return PlanSettings(
        str(regime),
        reps if isinstance(reps, int) else defaults.PLAN_VERIFY_REPS,
        body.get("split"),
        body.get("receiver"),
    )


def check_against(design: Design, ld: LoadedDataset) -> None:
    """The design against the dataset: its scenarios exist, and every variant builds and validates; for a
    planning sweep, the data can plan and the `plan:` block's options hold for it."""
    if design.run == "plan":
        _check_planning(design, ld)
    problems = [
        _problem(
            design.lines,
            design.file,
            key,
            f"no scenario '{sid}' in the dataset",
            f"{suggest(sid, ld.dataset.scenarios)} (run `positivesum list scenarios`)",
        )
        for sid, key in zip(design.scenarios, design.scenario_keys)
        if sid not in ld.dataset.scenarios
    ]
    if problems:
        raise InputError(problems)
    _check_variants(design, ld, design.lines)
    if design.run == "plan":
        for v in design.variants:
            _check_planning(design, variant_dataset(ld, v.sets), v)


def _check_planning(design: Design, ld: LoadedDataset, variant: Variant | None = None) -> None:
    """`positivesum plan`'s checks of the data (services/plan.py ``check_plan_options``), reported at the design
    file's lines: the data's planning section and options, the regime, a negotiated split, a receiver. With
    ``variant``, of that variant's data (at the design's line, naming the point)."""
    from .plan import check_plan_options

    assert design.plan is not None
    settings = design.plan
    where: dict[str, KeyPath] = {
        "--split": ("plan", "split"),
        "--receiver": ("plan", "receiver"),
        "--regime": ("plan", "regime"),
    }
    try:
        check_plan_options(ld, settings.regime, split=settings.split, receiver=settings.receiver)
    except InputError as e:
        point = "" if variant is None else f"point {variant.index} ({', '.join(variant.sets) or 'no patch'}): "
        raise InputError(
            [
                _problem(
                    design.lines,
                    design.file,
                    where.get(p.key_path, ("run",)),
                    point
                    + (p.message if p.key_path in where else f"a planning sweep needs planning data: {p.message}"),
                    p.fix,
                )
                for p in e.problems
            ]
        ) from None


def _variants(
    kind: str, body: Any, lines, file: str, bad, seed: int
) -> tuple[list[Variant], list[str], dict[str, tuple[float, float]]]:
    """The design's points (unchecked against the data)."""
    if kind == "points":
        if not isinstance(body, list):
            bad((kind,), "must be a list of {name, set: [...]} entries", "see the example in docs/dask.md")
            return [], [], {}
        out = []
        for i, item in enumerate(body):
            if not isinstance(item, dict) or not isinstance(item.get("set", []), list):
                bad((kind, i), "must be {name: ..., set: [path=value, ...]}", "see the example in docs/dask.md")
                continue
            sets = tuple(str(s) for s in item.get("set", []))
            out.append(Variant(i, str(item.get("name", f"point_{i}")), sets, {"patch": "; ".join(sets)}))
        return out, ["patch"], {}
    if kind == "factorial":
        if not isinstance(body, dict) or not body:
            bad(
                (kind,),
                "must map data paths to lists of levels",
                "e.g. `factorial: {engine.missile_reliability: [0.7, 0.9]}`",
            )
            return [], [], {}
        levels = {}
        for path, values in body.items():
            if not isinstance(values, list) or not values:
                bad((kind, path), "needs a non-empty list of levels", "e.g. [3, 10, 30]")
                continue
            levels[str(path)] = values
        names = list(levels)
        out = []
        for i, combo in enumerate(itertools.product(*levels.values())):
            values = dict(zip(names, combo))
            out.append(Variant(i, f"point_{i}", tuple(f"{p}={v}" for p, v in values.items()), values))
        return out, names, {}
    # latin hypercube
    if not isinstance(body, dict) or not isinstance(body.get("factors"), dict) or not body["factors"]:
        bad(
            (kind,),
            "needs `samples:` and `factors:` mapping data paths to [low, high]",
            "e.g. `latin_hypercube: {samples: 8, factors: {scenarios.taiwan_base.warning_days: [2, 30]}}`",
        )
        return [], [], {}
    samples = body.get("samples")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        bad((kind, "samples"), f"must be a whole number of at least 1, got {samples!r}: zero runs", "e.g. samples: 8")
        return [], [], {}
    bounds = {}
    for path, rng in body["factors"].items():
        if not (isinstance(rng, list) and len(rng) == 2 and all(_number(v) for v in rng) and rng[0] < rng[1]):
            bad((kind, "factors", path), f"needs [low, high] with low < high, got {rng!r}", "e.g. [2, 30]")
            continue
        bounds[str(path)] = (float(rng[0]), float(rng[1]))
    if len(bounds) != len(body["factors"]):
        return [], [], {}
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(
        d=len(bounds), rng=np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    ).random(samples)
    lows = np.array([b[0] for b in bounds.values()])
    highs = np.array([b[1] for b in bounds.values()])
    points = qmc.scale(unit, lows, highs)
    names = list(bounds)
    out = []
    for i, row in enumerate(points):
        values = {p: float(v) for p, v in zip(names, row)}
        out.append(Variant(i, f"point_{i}", tuple(f"{p}={v!r}" for p, v in values.items()), values))
    return out, names, bounds


def _check_variants(design: Design, ld: LoadedDataset, lines) -> None:
    """Build and validate every variant now, so that a bad value fails before any simulation. Each factor's
    values alone first (for a Latin hypercube the ends of its range, so that the message names the range), at
    the factor's line; then every point whole."""
    problems: list[Problem] = []
    singles: list[tuple[KeyPath, str, str]]
    if design.kind == "points":
        singles = [((design.kind, v.index, "set", k), s, s) for v in design.variants for k, s in enumerate(v.sets)]
    else:
        singles = []
        for path in design.factors:
            where: KeyPath = (
                ("latin_hypercube", "factors", path) if design.kind == "latin_hypercube" else (design.kind, path)
            )
            values = list(dict.fromkeys(str(v.values[path]) for v in design.variants))
            if design.kind == "latin_hypercube":
                low, high = design.ranges[path]
                singles += [
                    (where, f"{path}={low!r}", f"the range [{low:g}, {high:g}] leaves the field's bounds at {low:g}:"),
                    (
                        where,
                        f"{path}={high!r}",
                        f"the range [{low:g}, {high:g}] leaves the field's bounds at {high:g}:",
                    ),
                ]
            else:
                singles += [(where, f"{path}={value}", f"level {value}:") for value in values]
    reported: set[tuple[KeyPath, str]] = set()
    for where, assignment, label in singles:
        try:
            variant_dataset(ld, (assignment,))
        except InputError as e:
            for p in e.problems:
                if (where, p.message) not in reported:  # the same problem at every level: once
                    reported.add((where, p.message))
                    problems.append(_problem(lines, design.file, where, f"{label} {p.message}", p.fix))
    if problems:
        raise InputError(problems)
    for v in design.variants:
        if len(v.sets) < 2:
            continue  # checked above
        try:
            variant_dataset(ld, v.sets)
        except InputError as e:
            raise InputError(
                [
                    _problem(
                        lines, design.file, (design.kind,), f"point {v.index} ({', '.join(v.sets)}): {p.message}", p.fix
                    )
                    for p in e.problems
                ]
            ) from None


def variant_dataset(ld: LoadedDataset, sets: tuple[str, ...]) -> LoadedDataset:
    """The base dataset with ``sets`` applied (as ``--set`` after the base's own), validated."""
    raw = copy.deepcopy(ld.raw)
    lines = dict(ld.lines)
    texts = [apply_set(raw, lines, s) for s in sets]
    return validate_tree(
        raw,
        lines,
        files=list(ld.files),
        overrides_applied=ld.overrides_applied,
        sets_applied=list(ld.sets_applied) + texts,
        available_overrides=ld.available_overrides,
    )


@dataclass
class _Shared:
    base: LoadedDataset
    replications: int
    sample_parameters: bool


def _point_seed(design: Design, index: int) -> int:
    if design.crn:
        return design.seed
    return int(np.random.SeedSequence(design.seed, spawn_key=(index,)).generate_state(2, np.uint64)[0] >> 1)


def _sweep_task(shared: _Shared, job: tuple[int, str, tuple[str, ...], str, int]) -> dict[str, Any]:
    """One variant of one scenario: build, validate, simulate; the summary's measures as one row."""
    from ..sim.results import GRADE_SCORE
    from ..sim.runner import simulate

    index, name, sets, scenario, seed = job
    ld = variant_dataset(shared.base, sets)
    result = simulate(ld.dataset, scenario, shared.replications, seed, sample_parameters=shared.sample_parameters)
    s = result.summary()
    row: dict[str, Any] = {}
    for grade in GRADE_SCORE:
        row[f"p_{grade}"] = s["grades"][grade]["p"]
    for outcome, v in s["outcomes"].items():
        row[f"p_{outcome}"] = v["p"]
    row["expected_grade"] = s["grade_score"]["mean"]
    row["decided_day"] = s["decided_day"]["mean"]
    row["campaign_days"] = s["campaign_days"]["mean"]
    row["share_held_end"] = s["share_held_end"]["mean"]
    row["data_sha256"] = ld.data_hash
    return row


@dataclass
class _PlanShared:
    base: LoadedDataset
    settings: PlanSettings
    seed: int
    cache_dir: Path | None


#: The columns of a planning sweep's row after the factor values, in order.
PLAN_COLUMNS = (
    "regime",
    "options",
    "total_cost_musd",
    "lifecycle_cost_musd",
    "surrogate_weighted_deterrence",
    "simulated_weighted_deterrence",
    "simulated_ci95_low",
    "simulated_ci95_high",
    "milp_status",
    "milp_gap",
    "milp_gap_target",
    "scenarios",
    "data_sha256",
    "replications",
    "seed",
)


def _plan_task(shared: _PlanShared, job: tuple[int, tuple[str, ...]]) -> dict[str, Any]:
    """One variant planned as `positivesum plan` plans (services/plan.py ``run_plan``'s steps: its checks, the
    surrogate from the cache by data hash and seed or fitted and cached, the regime's MILP at
    ``defaults.MILP_GAP``, verification by simulation over every weighted scenario), kept as one row with the
    plan's certificate and the simulated weighted deterrence's 95 % interval (the scenarios as independent
    strata, plan/allocation.py; within each, replications of one outer draw as the sampling unit,
    plan/deterrence.py ``mean_interval``)."""
    from ..plan.allocation import ScenarioRuns
    from ..plan.deterrence import RepScores, stratified_mean
    from ..plan.regimes import RegimeSpec
    from ..plan.workflow import resimulate, run_regime
    from . import plan as plan_services

    _index, sets = job
    settings = shared.settings
    ld = variant_dataset(shared.base, sets)
    user_split = plan_services.check_plan_options(
        ld, settings.regime, split=settings.split, receiver=settings.receiver, cache_dir=shared.cache_dir
    )
    pp = plan_services.need_planning(ld)
    ctx = plan_services.context(ld, None, shared.seed, shared.cache_dir)
    spec = RegimeSpec(settings.regime, receiver=settings.receiver or pp.receiver, split=user_split)
    plan = run_regime(ctx, spec, defaults.MILP_GAP)
    scores: dict[str, RepScores] = {}
    runs = ScenarioRuns.for_dataset(ld.dataset, list(ctx.scenarios), settings.reps, shared.seed)  # as `plan` does
    sim = resimulate(
        ld,
        plan,
        ctx.scenarios,
        ctx.threat_factor,
        settings.reps,
        shared.seed,
        pp.stalemate_weight.value,
        rep_out=scores,
        runs=runs,
    )
    weights = {s: float(ld.dataset.scenarios[s].weight.value) for s in ctx.scenarios if s in scores}
    # the scenarios are independent strata of their own replications and seeds (plan/allocation.py)
    interval = stratified_mean(scores, weights)["ci95"]
    return {
        "regime": settings.regime,
        "options": len(plan.choices),
        "total_cost_musd": float(plan.total_cost_musd),
        "lifecycle_cost_musd": float(plan.lifecycle_cost_musd),
        "surrogate_weighted_deterrence": float(plan.weighted_deterrence),
        "simulated_weighted_deterrence": float(sim["weighted_deterrence"]),
        "simulated_ci95_low": interval[0],
        "simulated_ci95_high": interval[1],
        "milp_status": plan.status,
        "milp_gap": plan.gap,
        "milp_gap_target": plan.gap_target,
        "scenarios": ",".join(ctx.scenarios),
        "data_sha256": ld.data_hash,
        "replications": settings.reps,
        "seed": shared.seed,
    }


def run(
    design: Design, ld: LoadedDataset, *, client: Any = None, progress=None, cache_dir: Path | None = None
) -> pd.DataFrame:
    """Simulate every variant of every scenario; one tidy row per (variant, scenario), in design order. A planning
    sweep (``design.run == "plan"``) plans every variant instead: one row per variant, surrogates cached under
    ``cache_dir`` (None: fitted, not cached)."""
    if design.run == "plan":
        return _run_plans(design, ld, client=client, progress=progress, cache_dir=cache_dir)
    jobs = [
        (v.index, v.name, v.sets, sid, _point_seed(design, v.index))
        for v in design.variants
        for sid in design.scenarios
    ]
    rows = map_ordered(
        client, _sweep_task, jobs, progress, shared=_Shared(ld, design.replications, design.sample_parameters)
    )
    out = []
    for (index, name, _sets, sid, seed), row in zip(jobs, rows):
        values = design.variants[index].values
        out.append(
            {
                "point": index,
                "name": name,
                "scenario": sid,
                **{f"set:{k}": v for k, v in values.items()},
                **row,
                "replications": design.replications,
                "seed": seed,
                "parameter_uncertainty": design.sample_parameters,
            }
        )
    return pd.DataFrame(out)


def _run_plans(design: Design, ld: LoadedDataset, *, client: Any, progress, cache_dir: Path | None) -> pd.DataFrame:
    from .validation import check_cache_dir

    assert design.plan is not None
    check_cache_dir(cache_dir)
    jobs = [(v.index, v.sets) for v in design.variants]
    rows = map_ordered(client, _plan_task, jobs, progress, shared=_PlanShared(ld, design.plan, design.seed, cache_dir))
    out = [
        {
            "point": v.index,
            "name": v.name,
            **{f"set:{k}": value for k, value in v.values.items()},
            **row,
        }
        for v, row in zip(design.variants, rows)
    ]
    return pd.DataFrame(out)


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """The sweep's table as .csv or .parquet, written atomically (services/outputs.py)."""
    from .outputs import write_bytes_atomic

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        write_bytes_atomic(path, frame.to_parquet(index=False))
    else:
        write_bytes_atomic(path, frame.to_csv(index=False).encode("utf-8"))
    return path
