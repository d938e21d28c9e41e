"""Global sensitivity: which stated low–high ranges of the data decide a scenario's outcome.

Factors are the quantities the Monte Carlo's outer loop draws (sim/uncertainty.py), by the same names:
``engine.X``, ``class.C.attr``, ``effectiveness.M.kind``, ``stock.POOL``, ``count.GROUP``, ``scenario.X``,
``participant.A.X``; each varies over its stated [low, high]. A *design point* gives every factor a value; it is
run with parameter sampling off (the inner loop alone, everything not in the design at its central value) and
the quantities pinned to the point's values (``CampaignSetup.pinned``), and scored on five campaign measures
(:data:`MEASURES`).

* **Morris screening** (elementary effects, r·(k+1) runs): μ*, σ and a bootstrap interval of μ* per factor.
* **Sobol indices** (Saltelli's design, N·(2D+2) runs, N a power of two) on the D factors Morris ranks first:
  first-order S1 (Saltelli 2010) and total ST (Jansen 1999) with bootstrap intervals (SALib).
* **Scenario discovery** on the design points (services/discovery.py).

Common random numbers: by default every design point runs with the same seed (the master seed, cut into the
runner's blocks as `simulate` does), so that two points differ only through the factors; a factor the model
ignores has elementary effects of exactly zero instead of noise. ``crn=False`` runs design points side by side
as the outer draws of shared blocks (32 replications each, much faster, independent noise per point): the
briefing's small design does that. Points run through :mod:`.executor` (in-process or Dask); results do not
depend on where. Method and equations: docs/methodology/sensitivity.md.
"""

from __future__ import annotations

import copy
import fnmatch
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr

from .. import defaults
from ..model.errors import COMMAND_LINE, InputError, Problem, option_error, suggest
from ..model.loader import LoadedDataset, validate_tree
from ..model.merge import apply_set
from ..sim.setup import CampaignSetup
from .discovery import DiscoveryResult, discover, parse_condition
from .executor import map_ordered
from .validation import check_reps, check_seed

#: The campaign measures of a design point (means over its replications).
MEASURES: dict[str, str] = {
    "adversary_victory": "P(adversary victory)",
    "adversary_defeat": "P(adversary defeat)",
    "expected_grade": "expected grade (0 adversary victory … 4 adversary defeat)",
    "decided_day": "mean campaign length in days (day decided, or the last day if undecided)",
    "share_held": "mean share of the objective the adversary holds at the end",
}
HEADLINE = defaults.SENSITIVITY_HEADLINE
#: The model-form factor: the engine has no discrete switch between combat laws, but Helmbold's exponent e spans
#: them continuously — loss fractions ∝ ρ^∓e: e = 1 is Lanchester's square law, e = 0 constant fractions
#: (Peterson's logarithmic law); the data's range is [0.3, 1] (docs/methodology/sensitivity.md §5).
MODEL_FORM = {"engine.casualty_exchange_exponent": "attrition law (Helmbold exponent; 1 = Lanchester square law)"}
#: Defaults of the command (docs/methodology/sensitivity.md §6 for the reasons).
TRAJECTORIES = defaults.SENSITIVITY_TRAJECTORIES
LEVELS = defaults.SENSITIVITY_LEVELS
SOBOL_SAMPLES = defaults.SENSITIVITY_SOBOL_SAMPLES
TOP = defaults.SENSITIVITY_TOP
POINT_REPS = defaults.SENSITIVITY_POINT_REPS
BOOTSTRAP = 200
#: Replications per design point when points share blocks (``crn=False``): one outer draw.
BATCH_REPS = 32
POINTS_PER_BLOCK = 64

Advance = Callable[[int], None]
Progress = Callable[[str, int], Advance]
"""``progress(description, total)`` → ``advance(n)``: a phase of ``total`` model runs and its counter."""


def _no_progress(description: str, total: int) -> Advance:
    return lambda n: None


# --------------------------------------------------------------------------------------------------------------
# factors


@dataclass(frozen=True)
class Factor:
    """A ranged quantity varied by a design: its outer-loop name, [low, high] and central value."""

    name: str
    low: float
    central: float
    high: float

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


def quantities(setup: CampaignSetup) -> dict[str, tuple[float, float, float]]:
    """Every ranged quantity of a prepared scenario: name → (low, central, high), as the outer loop draws them."""
    from ..sim.uncertainty import sample

    plain = copy.copy(setup)
    plain.pinned = {}
    return dict(sample(plain, 1, np.random.default_rng(0), True).quantities)


def data_path(name: str, ld: LoadedDataset, scenario_id: str) -> str | None:
    """The data path (``--set`` style) of a factor, where the factor is one quantity of the data; None for the
    multipliers (``count.*`` scales a listed inventory, ``stock.*`` a stockpile)."""
    parts = name.split(".")
    kind = parts[0]
    sc = f"scenarios.{scenario_id}"
    scenario_fields = {
        "warning_days": "warning_days",
        "fait_accompli_window_days": "fait_accompli_window_days",
        "objective_troops": "objective_troops_ashore",
        "mobilisation_days": "mobilisation_days",
        "concealed_days": "concealed_preparation_days",
        "objective_depth_km": "objective_depth_km",
    }
    if kind == "engine" and len(parts) == 2:
        return f"engine.{parts[1]}"
    if kind == "class" and len(parts) == 3:
        return f"capability_classes.{parts[1]}.combat.{parts[2]}"
    if kind == "effectiveness" and len(parts) == 3:
        return f"munitions.{parts[1]}.effectiveness.{parts[2]}"
    if kind == "scenario":
        rest = name.split(".", 1)[1]
        if ":" in rest:
            what, commodity = rest.split(":", 1)
            key = {"stock_days": "days_of_stock", "electricity_share": "share_of_electricity"}.get(what)
            return f"{sc}.blockade_stocks.{commodity}.{key}" if key else None
        return f"{sc}.{scenario_fields[rest]}" if rest in scenario_fields else None
    if kind == "participant" and len(parts) == 3:
        actor, what = parts[1], parts[2]
        if what == "decision_delay":
            part = ld.dataset.scenarios[scenario_id].participants.get(actor)
            if part is not None and part.decision_delay_days is None:
                return f"actors.{actor}.political_decision_delay_days"
            return f"{sc}.participants.{actor}.decision_delay_days"
        field_name = {"entry_day": "entry_day", "paralysis": "paralysis_days", "commitment": "commitment"}.get(what)
        return f"{sc}.participants.{actor}.{field_name}" if field_name else None
    return None


def _check_range(ld: LoadedDataset, scenario_id: str, name: str, low: float, high: float, option: str) -> None:
    """A range given for a factor must stay within what the data's field accepts (checked by validating the data
    with the field at each end, as ``--set`` would); multipliers must not be negative."""
    path = data_path(name, ld, scenario_id)
    if path is None:
        if low < 0:
            raise option_error(option, f"{name}: {low:g} is negative", "a multiplier of counts or stocks is ≥ 0")
        return
    for end in (low, high):
        raw = copy.deepcopy(ld.raw)
        lines = dict(ld.lines)
        try:
            apply_set(raw, lines, f"{path}={end!r}")
            validate_tree(raw, lines, files=list(ld.files))
        except InputError as e:
            why = "; ".join(p.message for p in e.problems[:2])
            raise option_error(
                option,
                f"{name}: {end:g} is outside what {path} accepts ({why})",
                "give a range inside the field's bounds (docs/reference/schema.md)",
            ) from None


def parse_ranges(texts: Sequence[str] | None, option: str = "--range") -> dict[str, tuple[float, float]]:
    """``NAME=LOW:HIGH`` texts → {name: (low, high)}."""
    out: dict[str, tuple[float, float]] = {}
    for text in texts or []:
        name, _, rest = text.partition("=")
        low_text, _, high_text = rest.partition(":")
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise option_error(
                option, f"'{text}' is not NAME=LOW:HIGH", "e.g. --range engine.casualty_exchange_exponent=0:1"
            ) from None
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise option_error(option, f"'{text}': need finite LOW < HIGH", "e.g. --range scenario.warning_days=2:30")
        out[name.strip()] = (low, high)
    return out


def select_factors(
    ld: LoadedDataset,
    scenario_id: str,
    setup: CampaignSetup,
    patterns: Sequence[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> list[Factor]:
    """The factors of a scenario (all ranged quantities, or those matching any of ``patterns``, shell-style), with
    ``ranges`` replacing stated ones; every pattern must match and every range name a factor."""
    known = quantities(setup)
    chosen = list(known)
    if patterns:
        problems = []
        for pattern in patterns:
            if not any(fnmatch.fnmatchcase(n, pattern) for n in known):
                families = sorted({n.split(".", 1)[0] + ".*" for n in known})
                problems.append(
                    Problem(
                        COMMAND_LINE,
                        "--factors",
                        f"'{pattern}' matches no ranged quantity of {scenario_id}",
                        f"{suggest(pattern, known)}; families: {', '.join(families)} (`--list-factors` lists them)",
                    )
                )
        if problems:
            raise InputError(problems)
        chosen = [n for n in known if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    out = []
    for name in chosen:
        low, central, high = known[name]
        out.append(Factor(name, low, central, high))
    for name, (low, high) in (ranges or {}).items():
        if name not in known:
            raise option_error(
                "--range",
                f"no ranged quantity '{name}' in {scenario_id}",
                f"{suggest(name, known)} (only quantities with a low–high range in the data can be varied)",
            )
        _check_range(ld, scenario_id, name, low, high, "--range")
        out = [Factor(f.name, low, f.central, high) if f.name == name else f for f in out]
        if name not in chosen:
            out.append(Factor(name, low, known[name][1], high))
    return out


def factors_of(
    ld: LoadedDataset,
    scenario_id: str,
    patterns: Sequence[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> list[Factor]:
    """The factors a design of ``scenario_id`` would vary (``--list-factors``)."""
    from ..sim.setup import build_setup
    from .data import get_scenario
    from .simulate import need_engine

    get_scenario(ld, scenario_id)
    need_engine(ld)
    return select_factors(ld, scenario_id, build_setup(ld.dataset, scenario_id), patterns, ranges)


# --------------------------------------------------------------------------------------------------------------
# the model: design points → measures


class Model(Protocol):
    """What a design runs: ``evaluate(X (n, k), client, advance)`` → Y (n, len(measures))."""

    measures: list[str]

    def evaluate(self, x: np.ndarray, client: Any, advance: Advance) -> np.ndarray: ...


@dataclass
class _Shared:
    """What every task of a campaign design needs (sent once to each worker)."""

    setup: CampaignSetup
    names: list[str]
    reps: int
    seed: int
    crn: bool


def _scores(grade: np.ndarray, decided: np.ndarray, held: np.ndarray, days: float) -> np.ndarray:
    from ..sim.grading import GRADES
    from ..sim.results import GRADE_SCORE

    score = np.array([GRADE_SCORE.get(g, np.nan) for g in GRADES])
    return np.array(
        [
            float(np.mean(grade == GRADES.index("adversary_victory"))),
            float(np.mean(grade == GRADES.index("adversary_defeat"))),
            float(np.mean(score[grade])),
            float(np.mean(np.where(np.isnan(decided), days, decided))),
            float(np.mean(held)),
        ]
    )


def _campaign_task(shared: _Shared, job: tuple[int, np.ndarray]) -> np.ndarray:
    """Measures of a chunk of design points (rows of ``job[1]``); ``job[0]`` numbers the chunk (its seed)."""
    from ..sim.campaign import run_block
    from ..sim.runner import block_sizes
    from ..sim.uncertainty import INNER_REPLICATIONS

    chunk, x = job
    base = shared.setup
    days = base.steps * base.dt_days
    if shared.crn:  # every point alone, with the master seed's blocks (as `simulate` cuts them)
        rows = []
        for values in x:
            s = copy.copy(base)
            s.pinned = {n: float(v) for n, v in zip(shared.names, values)}
            sizes = block_sizes(shared.reps)
            seqs = np.random.SeedSequence(shared.seed).spawn(len(sizes))
            outs = [run_block(s, n, np.random.Generator(np.random.PCG64(q)), None, False) for n, q in zip(sizes, seqs)]
            grade, decided, held = (np.concatenate([o[k] for o in outs]) for k in ("grade", "decided_day", "held_end"))
            rows.append(_scores(grade, decided, held, days))
        return np.array(rows)
    # points side by side: each is one outer draw of a shared block, seeded by (master seed, chunk)
    s = copy.copy(base)
    s.pinned = {n: x[:, j].astype(float) for j, n in enumerate(shared.names)}
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(shared.seed, spawn_key=(chunk,))))
    out = run_block(s, len(x) * INNER_REPLICATIONS, rng, None, False)
    point = out["outer"]
    return np.array(
        [
            _scores(out["grade"][point == i], out["decided_day"][point == i], out["held_end"][point == i], days)
            for i in range(len(x))
        ]
    )


@dataclass
class CampaignModel:
    """A scenario's campaign as a function of its factors (see the module docstring)."""

    setup: CampaignSetup
    factors: list[Factor]
    reps: int = POINT_REPS
    seed: int = defaults.SEED
    crn: bool = True
    measures: list[str] = field(default_factory=lambda: list(MEASURES))

    def evaluate(self, x: np.ndarray, client: Any, advance: Advance) -> np.ndarray:
        shared = _Shared(self.setup, [f.name for f in self.factors], self.reps, self.seed, self.crn)
        size = 1 if self.crn else POINTS_PER_BLOCK
        jobs = [(i, x[start : start + size]) for i, start in enumerate(range(0, len(x), size))]
        parts = map_ordered(client, _campaign_task, jobs, advance, shared=shared, weight=lambda job: len(job[1]))
        return np.concatenate(parts, axis=0) if parts else np.zeros((0, len(self.measures)))


def _analytic_task(fn: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    return np.atleast_1d(np.asarray(fn(x), dtype=float))


@dataclass
class FunctionModel:
    """A plain function of the factor values (a row) returning one value per measure (tests, test functions)."""

    fn: Callable[[np.ndarray], Any]
    measures: list[str]
    chunk: int = 256

    def evaluate(self, x: np.ndarray, client: Any, advance: Advance) -> np.ndarray:
        rows = map_ordered(client, _analytic_task, list(x), advance, shared=self.fn, chunk=self.chunk)
        return np.array(rows, dtype=float).reshape(len(x), len(self.measures))


# --------------------------------------------------------------------------------------------------------------
# results


@dataclass
class SensitivityResult:
    """Indices as labelled arrays (``indices``: measure × factor), the design run (``design``: x over point ×
    design_factor, y over point × measure), the run record, and for Sobol the Morris screening before it."""

    method: str
    indices: xr.Dataset
    design: xr.Dataset
    meta: dict[str, Any] = field(default_factory=dict)
    screening: SensitivityResult | None = None
    discovery: DiscoveryResult | None = None

    @property
    def main(self) -> str:
        return "mu_star" if self.method == "morris" else "ST"

    def table(self, measure: str = HEADLINE) -> pd.DataFrame:
        """The indices of one measure, one row per factor, most influential first."""
        frame = self.indices.sel(measure=measure).to_dataframe().drop(columns="measure", errors="ignore")
        frame = frame.reset_index().sort_values(self.main, ascending=False, kind="stable")
        return frame.reset_index(drop=True)

    def tidy(self) -> pd.DataFrame:
        """Every index with its interval: method, measure, factor, index, value, conf (95 % half-width)."""
        rows = []
        conf = {"mu_star": "mu_star_conf", "S1": "S1_conf", "ST": "ST_conf"}
        for result in [r for r in (self.screening, self) if r is not None]:
            for m in result.indices["measure"].values:
                for f in result.indices["factor"].values:
                    for name in result.indices.data_vars:
                        if str(name).endswith("_conf"):
                            continue
                        value = float(result.indices[name].sel(measure=m, factor=f))
                        c = conf.get(str(name))
                        rows.append(
                            {
                                "method": result.method,
                                "measure": str(m),
                                "factor": str(f),
                                "index": str(name),
                                "value": value,
                                "conf95": float(result.indices[c].sel(measure=m, factor=f)) if c else math.nan,
                            }
                        )
        return pd.DataFrame(rows, columns=["method", "measure", "factor", "index", "value", "conf95"])

    def to_dataset(self) -> xr.Dataset:
        """One Dataset for NetCDF: indices, the design, and the screening's indices (``morris_*``)."""
        import json

        from ..sim.results import json_safe

        out = xr.merge([self.indices, self.design], compat="no_conflicts", join="outer")
        if self.screening is not None:
            scr = self.screening.indices.rename({"factor": "screened_factor"})
            out = xr.merge([out, scr.rename({v: f"morris_{v}" for v in scr.data_vars})], join="outer")
        out.attrs = {"method": self.method, "meta": json.dumps(json_safe(self.meta))}
        if self.discovery is not None:
            out.attrs["discovery"] = json.dumps(json_safe(self.discovery.to_dict()))
        return out

    def to_dict(self) -> dict[str, Any]:
        from ..sim.results import json_safe

        return json_safe(
            {
                "method": self.method,
                "meta": self.meta,
                "indices": self.tidy().to_dict(orient="records"),
                "discovery": self.discovery.to_dict() if self.discovery else None,
            }
        )

    def export(self, path: Path) -> Path:
        """Write ``.nc`` (labelled arrays), ``.parquet``/``.csv`` (tidy indices) or ``.json``, atomically."""
        from .outputs import write_bytes_atomic, write_json

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            write_json(path, self.to_dict())
        elif suffix == ".nc":
            write_bytes_atomic(path, bytes(self.to_dataset().to_netcdf()))
        elif suffix == ".parquet":
            write_bytes_atomic(path, self.tidy().to_parquet(index=False))
        elif suffix == ".csv":
            write_bytes_atomic(path, self.tidy().to_csv(index=False).encode("utf-8"))
        else:
            raise ValueError(f"unsupported format '{suffix}': use .nc, .parquet, .csv or .json")
        return path

    def _repr_html_(self) -> str:
        m = self.meta
        head = (
            f"<p><b>{html.escape(str(m.get('scenario', '')))}</b>: {html.escape(self.method)} on "
            f"{m.get('factors', '?')} factors, {m.get('runs', '?')} model runs</p>"
        )
        body = self.table(m.get("headline", HEADLINE)).head(15).to_html(index=False, float_format="{:.3f}".format)
        disc = self.discovery._repr_html_() if self.discovery is not None else ""
        return head + body + disc


# --------------------------------------------------------------------------------------------------------------
# methods


def _child_seed(seed: int, *key: int) -> int:
    """A positive integer seed for a library that takes one, derived from the master seed (SeedSequence)."""
    return int(np.random.SeedSequence(seed, spawn_key=key).generate_state(1, np.uint32)[0]) | 1


def _problem(factors: list[Factor], groups: list[str] | None = None) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }
    if groups is not None:
        problem["groups"] = list(groups)
    return problem


def _design_dataset(factors: list[Factor], x: np.ndarray, y: np.ndarray, measures: list[str]) -> xr.Dataset:
    return xr.Dataset(
        {"x": (("point", "design_factor"), x), "y": (("point", "measure"), y)},
        coords={"point": np.arange(len(x)), "design_factor": [f.name for f in factors], "measure": measures},
    )


def morris(
    model: Model,
    factors: list[Factor],
    *,
    trajectories: int = TRAJECTORIES,
    levels: int = LEVELS,
    seed: int = defaults.SEED,
    client: Any = None,
    progress: Progress = _no_progress,
    groups: list[str] | None = None,
    bootstrap: int = BOOTSTRAP,
) -> SensitivityResult:
    """Morris elementary effects: r = ``trajectories`` one-at-a-time paths through a ``levels`` grid of the
    factors' ranges; μ*, σ (and μ) per factor (or per group of ``groups``), with a bootstrap 95 % interval of μ*."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    check_design(trajectories=trajectories, levels=levels, factors=factors)
    problem = _problem(factors, groups)
    x = morris_sample.sample(problem, trajectories, num_levels=levels, seed=np.random.default_rng(_child_seed(seed, 1)))
    y = model.evaluate(x, client, progress("Morris screening", len(x)))
    names = list(dict.fromkeys(groups)) if groups is not None else [f.name for f in factors]
    stats = {k: np.zeros((len(model.measures), len(names))) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}
    for j in range(len(model.measures)):
        if np.ptp(y[:, j]) == 0:
            continue  # a measure that never moves: every effect is zero
        res = morris_analyze.analyze(
            problem,
            x,
            y[:, j].copy(),
            num_resamples=bootstrap,
            conf_level=0.95,
            num_levels=levels,
            seed=np.random.default_rng(_child_seed(seed, 2, j)),
        )
        for k in stats:
            stats[k][j] = np.asarray(res[k], dtype=float)
    indices = xr.Dataset(
        {k: (("measure", "factor"), v) for k, v in stats.items()},
        coords={"measure": model.measures, "factor": names},
    )
    meta = {
        "method": "morris",
        "factors": len(factors),
        "groups": len(names) if groups is not None else None,
        "trajectories": trajectories,
        "levels": levels,
        "runs": len(x),
        "seed": seed,
        "headline": HEADLINE if HEADLINE in model.measures else model.measures[0],
    }
    return SensitivityResult("morris", indices, _design_dataset(factors, x, y, model.measures), meta)


def sobol(
    model: Model,
    factors: list[Factor],
    *,
    samples: int = SOBOL_SAMPLES,
    seed: int = defaults.SEED,
    client: Any = None,
    progress: Progress = _no_progress,
    second_order: bool = True,
    bootstrap: int = BOOTSTRAP,
) -> SensitivityResult:
    """Sobol indices from Saltelli's design of N = ``samples`` base points (a power of two; N·(2D+2) runs with
    ``second_order``, else N·(D+2)): S1 (Saltelli 2010) and ST (Jansen 1999) with bootstrap 95 % intervals."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    check_design(samples=samples, factors=factors)
    problem = _problem(factors)
    x = sobol_sample.sample(
        problem, samples, calc_second_order=second_order, seed=np.random.default_rng(_child_seed(seed, 3))
    )
    y = model.evaluate(x, client, progress("Sobol indices", len(x)))
    names = [f.name for f in factors]
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    stats = {k: np.zeros((len(model.measures), len(names))) for k in keys}
    for j in range(len(model.measures)):
        if np.ptp(y[:, j]) == 0:
            continue
        res = sobol_analyze.analyze(
            problem,
            y[:, j].copy(),
            calc_second_order=second_order,
            num_resamples=bootstrap,
            conf_level=0.95,
            seed=_child_seed(seed, 4, j),
        )
        for k in keys:
            stats[k][j] = np.asarray(res[k], dtype=float)
    indices = xr.Dataset(
        {k: (("measure", "factor"), v) for k, v in stats.items()},
        coords={"measure": model.measures, "factor": names},
    )
    meta = {
        "method": "sobol",
        "factors": len(factors),
        "samples": samples,
        "second_order": second_order,
        "runs": len(x),
        "seed": seed,
        "headline": HEADLINE if HEADLINE in model.measures else model.measures[0],
    }
    return SensitivityResult("sobol", indices, _design_dataset(factors, x, y, model.measures), meta)


def explore(
    model: Model,
    factors: list[Factor],
    points: int,
    *,
    seed: int = defaults.SEED,
    client: Any = None,
    progress: Progress = _no_progress,
) -> tuple[pd.DataFrame, np.ndarray]:
    """A Latin hypercube (scipy.stats.qmc) of ``points`` over every factor's [low, high], uniform, run: the design
    (a frame, one column per factor) and the measures (points × measures), for scenario discovery."""
    from scipy.stats import qmc

    check_design(factors=factors)
    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(_child_seed(seed, 5))).random(points)
    x = qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])
    y = model.evaluate(x, client, progress("Latin hypercube", len(x)))
    return pd.DataFrame(x, columns=[f.name for f in factors]), y


def check_design(
    *,
    factors: list[Factor] | None = None,
    trajectories: int | None = None,
    levels: int | None = None,
    samples: int | None = None,
    top: int | None = None,
) -> None:
    """Design sizes, checked before any run: at least one factor and one run, N a power of two."""

    def whole(value: int, option: str, low: int, example: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise option_error(option, f"must be a whole number of at least {low}, got {value}", example)

    if factors is not None and not factors:
        raise option_error("--factors", "no factor to vary: the design would have zero runs", "widen --factors")
    if trajectories is not None:
        whole(trajectories, "--trajectories", 2, "use e.g. --trajectories 4 (r·(k+1) runs; σ needs two)")
    if levels is not None:
        whole(levels, "--levels", 2, "use e.g. --levels 4 (an even number of grid levels)")
        if levels % 2:
            raise option_error("--levels", f"must be even, got {levels}", "use e.g. --levels 4")
    if samples is not None:
        whole(samples, "--samples", 1, "use a power of two such as --samples 64 (N·(2D+2) runs)")
        if samples & (samples - 1):
            below = 1 << (samples.bit_length() - 1)
            raise option_error(
                "--samples",
                f"{samples} is not a power of two (Sobol' sequences balance only at powers of two)",
                f"use {below} or {below * 2}",
            )
    if top is not None:
        whole(top, "--top", 1, "use e.g. --top 5 (Sobol indices for the 5 factors Morris ranks first)")


# --------------------------------------------------------------------------------------------------------------
# the service


def screen_top(result: SensitivityResult, top: int, measure: str = HEADLINE) -> list[str]:
    """The ``top`` factors by μ* on ``measure`` (those with any effect on it)."""
    table = result.table(measure)
    table = table[table["mu_star"] > 0]
    return [str(f) for f in table["factor"].head(top)]


def run(
    ld: LoadedDataset,
    scenario_id: str,
    method: str = "morris",
    *,
    factors: Sequence[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
    trajectories: int = TRAJECTORIES,
    levels: int = LEVELS,
    samples: int = SOBOL_SAMPLES,
    top: int = TOP,
    reps: int = POINT_REPS,
    seed: int = defaults.SEED,
    crn: bool = True,
    failure: str | None = None,
    client: Any = None,
    progress: Progress = _no_progress,
) -> SensitivityResult:
    """`positivesum sensitivity`: Morris screening over the scenario's factors; with ``method="sobol"``, Sobol
    indices on the ``top`` factors it ranks first on the headline measure (directly when the factors chosen are
    no more than ``top``); with ``failure`` (e.g. ``"adversary_victory>0.2"``) scenario discovery on the last
    design's points. Everything is checked before the first run."""
    from ..sim.setup import build_setup
    from .data import get_scenario
    from .simulate import need_engine

    if method not in ("morris", "sobol"):
        raise option_error("--method", f"no method '{method}'", "use morris or sobol")
    get_scenario(ld, scenario_id)
    need_engine(ld)
    check_reps(reps)
    check_seed(seed)
    check_design(trajectories=trajectories, levels=levels, samples=samples if method == "sobol" else None, top=top)
    condition = parse_condition(failure, list(MEASURES)) if failure else None
    setup = build_setup(ld.dataset, scenario_id)
    chosen = select_factors(ld, scenario_id, setup, factors, ranges)
    check_design(factors=chosen)
    model = CampaignModel(setup, chosen, reps=reps, seed=seed, crn=crn)
    screening = None
    if method == "morris" or len(chosen) > top:
        screening = morris(
            model, chosen, trajectories=trajectories, levels=levels, seed=seed, client=client, progress=progress
        )
    if screening is not None:
        screening.meta.update(scenario=scenario_id, replications_per_point=reps, common_random_numbers=crn)
    if method == "sobol":
        keep = screen_top(screening, top) if screening is not None else [f.name for f in chosen]
        subset = [f for f in chosen if f.name in keep] or chosen[:top]
        model = CampaignModel(setup, subset, reps=reps, seed=seed, crn=crn)
        result = sobol(model, subset, samples=samples, seed=seed, client=client, progress=progress)
        result.screening = screening
    else:
        assert screening is not None
        result = screening
    result.meta.update(
        scenario=scenario_id,
        replications_per_point=reps,
        common_random_numbers=crn,
        model_form={k: v for k, v in MODEL_FORM.items() if any(f.name == k for f in chosen)},
        provenance=ld.provenance(),
        total_runs=result.meta["runs"]
        + (screening.meta["runs"] if screening is not None and result is not screening else 0),
    )
    if condition is not None:
        x = pd.DataFrame(result.design["x"].values, columns=[str(c) for c in result.design["design_factor"].values])
        y = result.design["y"].sel(measure=condition.measure).values
        result.discovery = discover(x, condition.holds(y), str(condition))
    return result


# --------------------------------------------------------------------------------------------------------------
# the briefing's small design
