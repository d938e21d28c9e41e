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
KEYS = ("scenario", "scenarios", "replications", "seed", "fixed_parameters", "common_random_numbers") + KINDS
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

    @property
    def runs(self) -> int:
        return len(self.variants) * len(self.scenarios)


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
    scen = data.get("scenarios", [data["scenario"]] if "scenario" in data else [])
    if isinstance(scen, str):
        scen = [scen]
    if not scen or not isinstance(scen, list):
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
    if len(variants) * len(scen) > MAX_RUNS:
        raise InputError(
            [
                _problem(
                    lines,
                    name,
                    (kind,),
                    f"{len(variants) * len(scen):,} simulations exceed the limit of {MAX_RUNS:,}",
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
    )
    if ld is not None:
        check_against(design, ld)
    return design


def check_against(design: Design, ld: LoadedDataset) -> None:
    """The design against the dataset: its scenarios exist, and every variant builds and validates."""
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


def run(design: Design, ld: LoadedDataset, *, client: Any = None, progress=None) -> pd.DataFrame:
    """Simulate every variant of every scenario; one tidy row per (variant, scenario), in design order."""
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


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """The sweep's table as .csv or .parquet, written atomically (services/outputs.py)."""
    from .outputs import write_bytes_atomic

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        write_bytes_atomic(path, frame.to_parquet(index=False))
    else:
        write_bytes_atomic(path, frame.to_csv(index=False).encode("utf-8"))
    return path
