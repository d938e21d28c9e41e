"""Deterrence surrogate: concave piecewise-linear effects of the mission areas and of complementary pairs.

Deterrence of a scenario is D = P(denied) + λ·P(stalemate) (λ = 0.5 by default: a stalemate deters, but
less than a clear defeat). The surrogate of scenario s (docs/methodology/planning.md §3, decision record 0013) is

    D̂_s(x) = min(1, b_s + Σ_m g_sm(x_m) + Σ_{(i,j)∈P} h_sij(min(x_i, x_j))),   g(0) = h(0) = 0,

with every g and h concave, non-decreasing and piecewise-linear on fixed breakpoints, and P the complementary
pairs of ``planning.surrogate_interactions`` (strike pays only with ISR to find targets: a Leontief
complement). A non-negative combination of the concave functions min(x, l_j) is concave and non-decreasing
(Boyd and Vandenberghe 2004, §3.2.1), and so is a concave non-decreasing function of the concave min(x_i, x_j)
(§3.2.4): the planning MILP maximises D̂ exactly with continuous variables only (plan/milp.py).

Fit: the campaign engine is run on a design of the areas that change the scenario (the origin, each area alone
at each breakpoint, each pair together, and multi-area Latin-hypercube points: ``fit_design``), with common
random numbers, and every coefficient is fitted jointly by bounded least squares (scipy.optimize.lsq_linear,
BVLS), saturated outcomes (D = 1) treated as censored. Error: a separate held-out Latin hypercube, simulated
with the fit's seed and with another, scored for this surrogate and for the additive one (no pairs) fitted to
the same design (``validate``).
"""

from __future__ import annotations

import contextvars
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import block_diag
from scipy.optimize import lsq_linear
from scipy.stats import qmc

from ..model.dataset import Dataset
from ..sim.grading import DENIED, STALEMATE
from ..sim.results import CampaignResult
from ..sim.setup import CampaignSetup
from ..sim.stack import simulate_stack
from ..sim.variants import VARIANT_GROUP_FIELDS
from .levers import scale_setup, study_setup
from .stacking import map_stacked

DEFAULT_LEVELS = (0.0, 0.5, 1.0, 2.0)
"""Breakpoints of every area's piece g (capability level: 0.5 = half as much capital again)."""
PAIR_LEVELS = (0.0, 0.5, 2.0)
"""Breakpoints of every pair's piece h, on min(x_i, x_j): two segments, to keep the parameters few."""
RAISED_SHARE = 0.35
"""Share of the areas a space-filling design point raises (the others stay at 0): about 4 of 11, so that most
points stay below saturation (D < 1) while pairs are raised together in about one point in eight."""
HELD_OUT_POINTS = 8
"""Held-out points per scenario, each simulated at two seeds: with 11 scenarios, 88 points estimate a pooled RMSE
to about ±8 % (1/√(2·88))."""
FORMAT = 4
"""Version of the cached JSON (``to_dict``); a file of another version is refitted, never read."""
SATURATED = 1.0 - 1e-9
RIDGE = 1e-6
"""Weight of the ridge on the segments' slopes in :func:`fit_pieces` (squared-error units: negligible against
Monte Carlo noise of ~1e-3 per point, enough to make the least-squares solution unique)."""
FIT_STREAM, HELD_OUT_STREAM = 0, 1


def deterrence(result: CampaignResult, stalemate_weight: float = 0.5) -> float:
    """D = P(denied) + λ·P(stalemate) from a campaign result."""
    oc = result.data["outcome"].values
    return float((oc == "denied").mean() + stalemate_weight * (oc == "stalemate").mean())


def fit_concave(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Values at the breakpoints x (x[0] = 0) of the least-squares concave non-decreasing PWL through (x, y).

    Parametrisation: v_k = v_0 + Σ_{i≤k} Δx_i · s_i with slopes s_i = Σ_{j≥i} e_j, e_j ≥ 0,
    so slopes are non-negative and non-increasing (concavity), and the problem is a
    bounded linear least-squares problem.
    """
    n = len(x)
    dx = np.diff(x)
    a = np.zeros((n, n))
    a[:, 0] = 1.0
    for k in range(1, n):
        for i in range(1, k + 1):
            a[k, i:] += dx[i - 1]
    lower = np.r_[-np.inf, np.zeros(n - 1)]
    sol = lsq_linear(a, y, bounds=(lower, np.full(n, np.inf)), method="bvls")  # exact on the bounds (trf stops short)
    return a @ sol.x


def pair_name(a: str, b: str) -> str:
    """Label of an interaction pair (JSON keys, LP names)."""
    return f"{a}__{b}"


def ramps(x: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Columns min(x, l_j), j = 1..K, of the slope-decrement parametrisation: a PWL on ``levels`` that is 0 at 0
    and flat beyond l_K is g(x) = Σ_j e_j·min(x, l_j); its slope on segment i is Σ_{j≥i} e_j, so e ≥ 0 makes it
    concave and non-decreasing (the same cone as :func:`fit_concave`)."""
    out: np.ndarray = np.minimum(np.asarray(x, dtype=float)[:, None], np.asarray(levels, dtype=float)[None, 1:])
    return out


def values_at(levels: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Values at the breakpoints of g = Σ_j e_j·min(x, l_j)."""
    out: np.ndarray = ramps(levels, levels) @ e
    return out


@dataclass
class Fit:
    """Jointly fitted pieces of one scenario (indices into the active areas), and the fit's censored count."""

    base: float
    values: np.ndarray  # (areas, len(levels))
    pair_values: np.ndarray  # (pairs, len(pair_levels))
    censored: int


def fit_pieces(
    x: np.ndarray,
    y: np.ndarray,
    levels: np.ndarray,
    pair_levels: np.ndarray,
    pairs: Sequence[tuple[int, int]],
) -> Fit:
    """Fit b + Σ_m g_m(x_m) + Σ_p h_p(min(x_i, x_j)) to design points ``x`` (N, areas) and outcomes ``y``.

    One bounded least-squares problem (``lsq_linear``, BVLS): b ∈ [0, 1] (so D̂ ≥ 0 and the MILP's d ≥ 0 stays
    feasible), every slope decrement ≥ 0. Censoring: an outcome at 1 says only that b + Σ ≥ 1, so such a point
    is fitted (to 1) only while the prediction is below 1. This one-sided loss is convex; the active-set loop
    below stops at a fixed point, which satisfies its optimality conditions (a saturated point left out has a
    prediction ≥ 1, so zero loss and zero gradient).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    cols = [np.ones((len(y), 1))]
    cols += [ramps(x[:, m], levels) for m in range(x.shape[1])]
    cols += [ramps(np.minimum(x[:, i], x[:, j]), pair_levels) for i, j in pairs]
    a = np.hstack(cols)
    live = np.r_[True, np.abs(a[:, 1:]).sum(axis=0) > 0]  # a ramp no design point reaches stays at 0
    lower = np.r_[0.0, np.zeros(a.shape[1] - 1)]
    upper = np.r_[1.0, np.full(a.shape[1] - 1, np.inf)]
    k, kp = len(levels) - 1, len(pair_levels) - 1
    saturated = y >= SATURATED
    keep = np.ones(len(y), dtype=bool)
    coef = np.zeros(a.shape[1])
    # a tiny ridge on every segment's slope (not on b) makes the solution unique: a slope the design does not
    # identify goes to 0 — no more credit than the data show (a top segment no point reaches stays flat)
    blocks = [np.triu(np.ones((k, k)))] * x.shape[1] + [np.triu(np.ones((kp, kp)))] * len(pairs)
    ridge = np.sqrt(RIDGE) * np.hstack([np.zeros((sum(map(len, blocks)), 1)), block_diag(*blocks)])[:, live]
    for _ in range(50):
        sol = lsq_linear(
            np.vstack([a[keep][:, live], ridge]),
            np.r_[y[keep], np.zeros(len(ridge))],
            bounds=(lower[live], upper[live]),
            method="bvls",
        )
        coef[live] = sol.x
        new_keep = ~saturated | (a @ coef < 1.0)
        if np.array_equal(new_keep, keep):
            break
        keep = new_keep
    n_m = x.shape[1]
    e_m = coef[1 : 1 + n_m * k].reshape(n_m, k)
    e_p = coef[1 + n_m * k :].reshape(len(pairs), kp)
    return Fit(
        float(np.clip(coef[0], 0.0, 1.0)),  # BVLS may stop a hair outside its bounds (-3e-18 seen)
        np.array([values_at(levels, e) for e in e_m]).reshape(n_m, k + 1),
        np.array([values_at(pair_levels, e) for e in e_p]).reshape(len(pairs), kp + 1),
        int((saturated & ~keep).sum()),
    )


def design_rng(seed: int, stream: int, scenario: str) -> np.random.Generator:
    """The design's random stream: one per (seed, purpose, scenario), so a scenario's design does not depend on
    which other scenarios are fitted with it (``SeedSequence`` spawn keys; zlib.crc32 is stable across runs)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream, zlib.crc32(scenario.encode()))))


def space_filling(n_areas: int, count: int, top: float, rng: np.random.Generator) -> np.ndarray:
    """``count`` points over ``n_areas`` areas: a Latin hypercube (scrambled, centred-discrepancy optimised;
    McKay, Beckman and Conover 1979) u, mapped to x = top·((u − τ)/(1 − τ))² where u > τ = 1 − RAISED_SHARE, else
    0. Each area is raised in a share RAISED_SHARE of the points; the square puts more points at low levels, where
    plans are (0.05–0.3 in most areas), while still reaching the top level."""
    if n_areas == 0 or count == 0:
        return np.zeros((count, n_areas))
    u = qmc.LatinHypercube(d=n_areas, optimization="random-cd", rng=rng).random(count)
    tau = 1.0 - RAISED_SHARE
    return top * np.clip((u - tau) / (1.0 - tau), 0.0, 1.0) ** 2


def space_filling_count(n_areas: int) -> int:
    """Multi-area space-filling points of a scenario's fit: half its areas (6 of 11), rounded up."""
    return -(-n_areas // 2)


def fit_design(
    n_areas: int, pairs: Sequence[tuple[int, int]], levels: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Design points of one scenario, rows over its active areas (docs/methodology/planning.md §3):

    * the origin (anchors b);
    * each area alone at every breakpoint l_1..l_K (the one-at-a-time points: with common random numbers they
      pin each g_m, and without the top one the last segment would be extrapolated from mixed points, most of
      them saturated);
    * each pair alone at (l_1, l_1) (identifies h_p at its first breakpoint, where plans are: levels 0.05–0.3);
    * :func:`space_filling_count` multi-area Latin-hypercube points (:func:`space_filling`), areas raised
      together.

    More multi-area points made the held-out error worse on the default data, not better (the measurements are
    in planning.md §3): their outcomes carry effects no separable model represents, and least squares spreads
    them over every piece."""
    if n_areas == 0:
        return np.zeros((1, 0))  # the origin only: nothing to raise
    rows = [np.zeros(n_areas)]
    for m in range(n_areas):
        for level in levels[1:]:
            row = np.zeros(n_areas)
            row[m] = level
            rows.append(row)
    for i, j in pairs:
        row = np.zeros(n_areas)
        row[[i, j]] = levels[1]
        rows.append(row)
    sf = space_filling(n_areas, space_filling_count(n_areas), levels[-1], rng)
    return np.vstack([np.array(rows), sf])


@dataclass
class Surrogate:
    """Fitted pieces: breakpoints ``levels`` and values ``values[s][m]`` of each area's g; ``pairs``, their
    breakpoints ``pair_levels`` and values ``pair_values[s][pair_name]`` of each pair's h; intercepts ``base``;
    the fit's design and outcomes ``points[s]``; the held-out ``validation``."""

    scenarios: list[str]
    areas: list[str]
    levels: np.ndarray
    base: dict[str, float]
    values: dict[str, dict[str, np.ndarray]]
    points: dict[str, Any]
    reps: int
    seed: int
    validation: dict[str, Any] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    pair_levels: np.ndarray = field(default_factory=lambda: np.array(PAIR_LEVELS))
    pair_values: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    effects: dict[str, Any] = field(default_factory=dict)
    """The measured effect of the options' classes and munitions per scenario (plan/effects.py), cached with the
    surrogate it is measured against."""
    reps_by_scenario: dict[str, int] = field(default_factory=dict)
    """Replications of each scenario's design points (plan/allocation.py); a scenario missing here has ``reps``."""

    def reps_for(self, s: str) -> int:
        """Replications of every simulation of scenario ``s`` (fit, validation, effects: the same, so paired)."""
        return int(self.reps_by_scenario.get(s, self.reps))

    def slopes(self, s: str, m: str) -> np.ndarray:
        return np.diff(self.values[s][m]) / np.diff(self.levels)

    def pair_curve(self, s: str, pair: tuple[str, str]) -> np.ndarray:
        """Values of h_s,pair at ``pair_levels`` (zeros where the scenario has none)."""
        return self.pair_values.get(s, {}).get(pair_name(*pair), np.zeros(len(self.pair_levels)))

    def predict(self, s: str, x: dict[str, float]) -> float:
        """D̂_s(x), clipped to [0, 1]; no credit beyond the last breakpoints (the same caps as in the MILP)."""
        total = self.base[s]
        for m, level in x.items():
            if m in self.values[s]:
                total += float(np.interp(min(level, self.levels[-1]), self.levels, self.values[s][m]))
        for a, b in self.pairs:
            both = min(x.get(a, 0.0), x.get(b, 0.0), self.pair_levels[-1])
            total += float(np.interp(both, self.pair_levels, self.pair_curve(s, (a, b))))
        return min(1.0, max(0.0, total))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "scenarios": self.scenarios,
            "areas": self.areas,
            "levels": self.levels.tolist(),
            "base": self.base,
            "values": {s: {m: v.tolist() for m, v in d.items()} for s, d in self.values.items()},
            "pairs": [list(p) for p in self.pairs],
            "pair_levels": self.pair_levels.tolist(),
            "pair_values": {s: {p: v.tolist() for p, v in d.items()} for s, d in self.pair_values.items()},
            "points": self.points,
            "reps": self.reps,
            "reps_by_scenario": self.reps_by_scenario,
            "seed": self.seed,
            "validation": self.validation,
            "effects": self.effects,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Surrogate:
        """The surrogate of :meth:`to_dict`. A dictionary of another format (an older cache, fitted one area at a
        time) raises ValueError, so that the caller refits it rather than using it."""
        sur = cls(
            d["scenarios"],
            d["areas"],
            np.array(d["levels"]),
            d["base"],
            {s: {m: np.array(v) for m, v in dd.items()} for s, dd in d["values"].items()},
            d["points"],
            d["reps"],
            d["seed"],
            d.get("validation", {}),
            [(str(a), str(b)) for a, b in d.get("pairs", [])],
            np.array(d.get("pair_levels", PAIR_LEVELS), dtype=float),
            {s: {p: np.array(v, dtype=float) for p, v in dd.items()} for s, dd in d.get("pair_values", {}).items()},
            d.get("effects", {}),
            {str(k): int(v) for k, v in d.get("reps_by_scenario", {}).items()},
        )
        if d.get("format") != FORMAT:
            raise ValueError(
                f"it holds a surrogate of format {d.get('format', 1)}, not {FORMAT} (fitted by an older version)"
            )
        return sur


def data_pairs(ds: Dataset, areas: Sequence[str]) -> list[tuple[str, str]]:
    """The complementary pairs of ``planning.surrogate_interactions`` whose areas are both among ``areas``."""
    if ds.planning is None:
        return []
    return [(p.areas[0], p.areas[1]) for p in ds.planning.surrogate_interactions if set(p.areas) <= set(areas)]


def _progress_steps(total: int, done: int, count: int) -> int:
    """Steps to report after simulation ``done`` of ``count``, so that a scenario reports ``total`` steps."""
    return total * done // count - total * (done - 1) // count


@dataclass(frozen=True)
class SimUnit:
    """One simulation of the fit or of its validation: a scenario (its adversary-scaled set-up is in the map's
    shared :class:`DesignBases`), the allied levels that scale it, its replications and seed, and the progress
    steps it stands for. Units are independent and small (the set-ups travel once per map, not once per unit),
    so a :data:`SimMap` may run them in any order or place."""

    scenario: str
    levels: tuple[tuple[str, float], ...]
    reps: int
    seed: int
    stalemate_weight: float
    steps: int = 1
    cost: float = 1.0
    """Replication-steps: the order of the units on a cluster (longest first)."""


@dataclass(frozen=True, eq=False)
class DesignBases:
    """What every unit of one map shares: the dataset (for the levers) and each scenario's base set-up."""

    ds: Dataset
    setups: dict[str, CampaignSetup]


def simulated_deterrence(bases: DesignBases, stack: Any) -> list[float]:
    """D of every unit of a stack (plan/stacking.py: units of one scenario, replications and seed), their blocks
    shared (sim/stack.py; a stack of one is a run alone), from the outcome codes without building the full
    result; module level, so that a Dask worker can unpickle it."""
    first = stack.units[0]
    base = bases.setups[first.scenario]
    setups = [scale_setup(base, bases.ds, dict(u.levels)) if u.levels else base for u in stack.units]
    arrays = simulate_stack(setups, first.reps, first.seed)
    lam = first.stalemate_weight
    return [float((a["outcome"] == DENIED).mean() + lam * (a["outcome"] == STALEMATE).mean()) for a in arrays]


def _unit(
    setups: dict[str, CampaignSetup], sid: str, levels: dict[str, float], reps: int, seed: int, lam: float, steps: int
) -> SimUnit:
    cost = float(reps * setups[sid].steps)
    return SimUnit(sid, tuple(levels.items()), reps, seed, lam, steps, cost)  # in order: scaling rounds per area


SimMap = Callable[..., list[Any]]
"""``sim_map(fn, units, progress, weight, shared=None)``: ``fn(unit)`` — or ``fn(shared, unit)`` when ``shared``
is given, an object every unit reads and none changes, sent once — of every unit (independent simulations: here
:class:`SimUnit`, in the coalition study its portfolio jobs), in the order of ``units``; ``progress(n)`` as units
worth ``n`` steps (``weight(unit)``) finish. The services pass one that runs the units on a Dask cluster
(services/executor.py); the engines never import it."""


def serial_map(
    fn: Callable[..., Any],
    units: list[Any],
    progress: Callable[[int], None] | None = None,
    weight: Callable[[Any], int] | None = None,
    shared: Any = None,
) -> list[Any]:
    """The default :data:`SimMap`: one unit after the other, in this process."""
    out = []
    for unit in units:
        out.append(fn(unit) if shared is None else fn(shared, unit))
        if progress:
            progress(weight(unit) if weight else 1)
    return out


def _steps(unit: SimUnit) -> int:
    return unit.steps


def fit_surrogate(
    ds: Dataset,
    scenarios: list[str],
    areas: list[str],
    *,
    levels: Sequence[float] | np.ndarray = DEFAULT_LEVELS,
    pair_levels: Sequence[float] | np.ndarray = PAIR_LEVELS,
    interactions: Sequence[tuple[str, str]] | None = None,
    reps: int = 300,
    seed: int = 20260101,
    stalemate_weight: float = 0.5,
    threat_factor: float = 1.0,
    progress: Callable[[int], None] | None = None,
    sim_map: SimMap = serial_map,
    reps_by_scenario: Mapping[str, int] | None = None,
) -> Surrogate:
    """Simulate each scenario's design (:func:`fit_design`: 1 + 3·areas + pairs + ⌈areas/2⌉ simulations, all
    with ``seed``) and fit its pieces jointly (:func:`fit_pieces`).

    ``interactions`` default to the data's ``planning.surrogate_interactions``. Two shortcuts, both exact under
    the model's assumptions: a scenario already at full deterrence gains nothing (D ≤ 1 and every piece is
    non-decreasing), and an area whose top level changes no force or stock of the scenario gains nothing (it
    is left out of the design; its g and its pairs' h are 0). ``progress`` receives 3 steps per area and
    scenario in all. The simulations run through ``sim_map`` in two batches (every scenario's origin, which
    decides saturation, then every design point of every scenario); each has its own seed, so the surrogate
    does not depend on where or in what order they run. ``reps_by_scenario`` gives a scenario other replications
    than ``reps`` (the allocation of plan/allocation.py); every point of one scenario has the same ones.
    """
    by_sid = {s: int((reps_by_scenario or {}).get(s, reps)) for s in scenarios}
    lv, plv = np.asarray(levels, dtype=float), np.asarray(pair_levels, dtype=float)
    pairs = data_pairs(ds, areas) if interactions is None else [(a, b) for a, b in interactions if {a, b} <= set(areas)]
    steps = 3 * len(areas)
    setups = {sid: study_setup(ds, sid, threat_factor) for sid in scenarios}
    bases = DesignBases(ds, setups)
    origin_units = [_unit(setups, sid, {}, by_sid[sid], seed, stalemate_weight, min(1, steps)) for sid in scenarios]

    def run_origin() -> list[Any]:
        return map_stacked(sim_map, simulated_deterrence, origin_units, progress, _steps, bases)

    # Each scenario's design depends on which areas change it and on its own stream, not on the origin's outcome
    # (which only says whether the design is needed at all): on a cluster it is drawn while the origin runs, so the
    # workers do not wait for the Latin hypercubes' optimisation (~0.2 s a scenario) between the two batches.
    with ThreadPoolExecutor(max_workers=1) as pool:
        on_cluster = bool(getattr(sim_map, "concurrent", False))
        pending = pool.submit(contextvars.copy_context().run, run_origin) if on_cluster else None
        candidates = {sid: _design(ds, setups[sid], areas, pairs, lv, seed, sid) for sid in scenarios}
        origin = pending.result() if pending is not None else run_origin()
    designs: dict[str, tuple[list[str], list[tuple[str, str]], np.ndarray]] = {}
    units: list[SimUnit] = []
    for sid, d0 in zip(scenarios, origin):
        designs[sid] = ([], [], np.zeros((1, 0))) if d0 >= SATURATED else candidates[sid]
        active, _, x = designs[sid]
        left = steps - min(1, steps)  # the origin reported one step; the design points share the rest
        if len(x) == 1 and progress and left:
            progress(left)
        for k, row in enumerate(x[1:], start=1):
            point = {m: float(v) for m, v in zip(active, row) if v > 0}
            units.append(
                _unit(setups, sid, point, by_sid[sid], seed, stalemate_weight, _progress_steps(left, k, len(x) - 1))
            )
    outcomes = iter(map_stacked(sim_map, simulated_deterrence, units, progress, _steps, bases))
    base: dict[str, float] = {}
    values: dict[str, dict[str, np.ndarray]] = {}
    pvalues: dict[str, dict[str, np.ndarray]] = {}
    points: dict[str, Any] = {}
    for sid, d0 in zip(scenarios, origin):
        active, live_pairs, x = designs[sid]
        idx = {m: i for i, m in enumerate(active)}
        y = np.array([d0] + [next(outcomes) for _ in range(len(x) - 1)])
        if d0 >= SATURATED or not active:
            fit = Fit(d0, np.zeros((0, len(lv))), np.zeros((0, len(plv))), 0)
        else:
            fit = fit_pieces(x, y, lv, plv, [(idx[a], idx[b]) for a, b in live_pairs])
        base[sid] = fit.base
        values[sid] = {m: (fit.values[idx[m]] if m in idx else np.zeros(len(lv))) for m in areas}
        pvalues[sid] = {
            pair_name(*p): fit.pair_values[live_pairs.index(p)] if p in live_pairs else np.zeros(len(plv))
            for p in pairs
        }
        points[sid] = {
            "areas": active,
            "levels": x.round(12).tolist(),
            "simulated": y.tolist(),
            "censored": fit.censored,
        }
    allocated = {s: n for s, n in by_sid.items() if n != reps}
    return Surrogate(
        list(scenarios), list(areas), lv, base, values, points, reps, seed, {}, pairs, plv, pvalues, {}, allocated
    )


def _design(
    ds: Dataset,
    setup: CampaignSetup,
    areas: list[str],
    pairs: list[tuple[str, str]],
    levels: np.ndarray,
    seed: int,
    sid: str,
) -> tuple[list[str], list[tuple[str, str]], np.ndarray]:
    """A scenario's active areas (those whose top level changes a force or stock of it), its live pairs (both
    areas active) and its design (:func:`fit_design`, on the scenario's own stream)."""
    active = [m for m in areas if not _unchanged(setup, scale_setup(setup, ds, {m: levels[-1]}))]
    idx = {m: i for i, m in enumerate(active)}
    live_pairs = [(a, b) for a, b in pairs if a in idx and b in idx]
    x = fit_design(len(active), [(idx[a], idx[b]) for a, b in live_pairs], levels, design_rng(seed, FIT_STREAM, sid))
    return active, live_pairs, x


def _unchanged(a: CampaignSetup, b: CampaignSetup) -> bool:
    """Whether ``b`` has ``a``'s forces and stocks: the arrays a lever may change (sim/variants.py)."""
    same_groups = all(
        np.array_equal(getattr(a.groups[d], name), getattr(b.groups[d], name))
        for d in a.groups
        for name in VARIANT_GROUP_FIELDS
    )
    return same_groups and np.array_equal(a.pools.stock0, b.pools.stock0)


def additive_refit(sur: Surrogate, s: str) -> Surrogate:
    """The additive surrogate (no pairs) of scenario ``s`` fitted to the same design points and outcomes: the
    baseline the held-out error of the interactions is compared with."""
    pts = sur.points[s]
    active = list(pts["areas"])
    lv = sur.levels
    if active:
        fit = fit_pieces(np.array(pts["levels"], dtype=float), np.array(pts["simulated"]), lv, sur.pair_levels, [])
        base, vals = fit.base, {m: fit.values[i] for i, m in enumerate(active)}
    else:
        base, vals = sur.base[s], {}
    values = {s: {m: vals.get(m, np.zeros(len(lv))) for m in sur.areas}}
    own = {s: sur.reps_for(s)} if s in sur.reps_by_scenario else {}
    return Surrogate([s], list(sur.areas), lv, {s: base}, values, {s: pts}, sur.reps, sur.seed, reps_by_scenario=own)


def _errors(e: list[float]) -> dict[str, float]:
    arr = np.array(e)
    if not arr.size:
        return {"rmse": float("nan"), "max_abs_error": float("nan")}
    return {"rmse": float(np.sqrt(np.mean(arr**2))), "max_abs_error": float(np.abs(arr).max())}


def _objective_rmse(errors: list[float], scenarios: list[str], weights: dict[str, float]) -> float:
    """√(Σ_s w̃_s² · MSE_s): the held-out error of the planner's objective Σ_s w̃_s D̂_s, if the scenarios' errors
    are independent (each scenario's mean squared error enters with its squared normalised weight). The plain RMSE
    counts every scenario's points alike, whatever its weight; since the replications are allocated by weight and
    duration (plan/allocation.py), the light scenarios' points are the noisiest and dominate it, while the
    objective hardly feels them."""
    by: dict[str, list[float]] = {}
    for e, sid in zip(errors, scenarios):
        by.setdefault(sid, []).append(e * e)
    total = sum(weights.get(sid, 0.0) for sid in by)
    if not by or total <= 0:
        return float("nan")
    return float(np.sqrt(sum((weights.get(sid, 0.0) / total) ** 2 * float(np.mean(v)) for sid, v in by.items())))


def validate(
    sur: Surrogate,
    ds: Dataset,
    *,
    samples: int = HELD_OUT_POINTS,
    reps: int | None = None,
    threat_factor: float = 1.0,
    stalemate_weight: float = 0.5,
    progress: Callable[[int], None] | None = None,
    sim_map: SimMap = serial_map,
) -> dict[str, Any]:
    """Held-out error. Per scenario, ``samples`` points of a separate space-filling design (another stream of the
    seed: another scramble) over the areas its fit raised, each simulated twice: with the fit's seed (common
    random numbers: the error is the surrogate's own, its *model* error) and with seed + 1 (other parameter draws
    and chance: the error a fresh simulation of a plan sees, model error plus Monte Carlo noise). Both are scored
    for this surrogate and for the additive refit (:func:`additive_refit`), as RMSE and largest absolute error,
    in ``sur.validation``; its top-level ``rmse`` and ``max_abs_error`` are this surrogate's at seed + 1. A
    saturated scenario, or one no area changes, is exact by construction and skipped. ``progress`` receives
    2·``samples`` steps per scenario in all. The simulations run through ``sim_map`` as one batch."""
    errs: dict[tuple[str, str], list[float]] = {
        (m, k): [] for m in ("interaction", "additive") for k in ("same_seed", "other_seed")
    }
    points: list[tuple[str, dict[str, float]]] = []
    units: list[SimUnit] = []
    setups: dict[str, CampaignSetup] = {}
    for sid in sur.scenarios:
        active = list(sur.points.get(sid, {}).get("areas", []))
        if not active:
            if progress:
                progress(2 * samples)
            continue
        setups[sid] = study_setup(ds, sid, threat_factor)
        top = float(sur.levels[-1])
        for row in space_filling(len(active), samples, top, design_rng(sur.seed, HELD_OUT_STREAM, sid)):
            x = {m: float(v) for m, v in zip(active, row) if v > 0}
            points.append((sid, x))
            n = reps or sur.reps_for(sid)
            units += [_unit(setups, sid, x, n, sur.seed + k, stalemate_weight, 1) for k in (0, 1)]
    outcomes = map_stacked(sim_map, simulated_deterrence, units, progress, _steps, DesignBases(ds, setups))
    rows = []
    additive = {sid: additive_refit(sur, sid) for sid in {sid for sid, _ in points}}
    for i, (sid, x) in enumerate(points):
        sim = {"same_seed": outcomes[2 * i], "other_seed": outcomes[2 * i + 1]}
        pred = {"interaction": sur.predict(sid, x), "additive": additive[sid].predict(sid, x)}
        for (model, key), out in errs.items():
            out.append(pred[model] - sim[key])
        rows.append({"scenario": sid, "levels": x, "simulated": sim, "predicted": pred})
    summary = {
        model: {key: _errors(errs[(model, key)]) for key in ("same_seed", "other_seed")}
        for model in ("interaction", "additive")
    }
    sids = [sid for sid, _ in points]
    weights = {sid: float(ds.scenarios[sid].weight.value) for sid in set(sids)}
    for (model, key), e in errs.items():
        summary[model][key]["objective_rmse"] = _objective_rmse(e, sids, weights)
    sur.validation = {
        **summary["interaction"]["other_seed"],
        "interaction": summary["interaction"],
        "additive": summary["additive"],
        "points": len(rows),
        "points_per_scenario": samples,
        "pairs": [pair_name(a, b) for a, b in sur.pairs],
        "fit_seed": sur.seed,
        "other_seed": sur.seed + 1,
        "samples": rows,
    }
    return sur.validation


def error_summary(validation: dict[str, Any]) -> dict[str, Any]:
    """The held-out error to print beside a plan, flat: ``{interaction,additive}_{same,other}_seed_{rmse,
    max_abs_error}`` and the number of points ({} before validation)."""
    if not validation or "interaction" not in validation:
        return {}
    out: dict[str, Any] = {"points": validation.get("points")}
    for model in ("interaction", "additive"):
        for key in ("same_seed", "other_seed"):
            for stat in ("rmse", "max_abs_error", "objective_rmse"):
                if stat in validation[model][key]:  # objective_rmse: since the allocation (older caches lack it)
                    out[f"{model}_{key}_{stat}"] = validation[model][key][stat]
    return out
