"""Deterrence surrogate: concave piecewise-linear value of each mission area in each scenario.

Deterrence of a scenario is D = P(denied) + λ·P(stalemate) (λ = 0.5 by default:
a stalemate deters, but less than a clear defeat). For every scenario s and
mission area m the campaign engine is run at capability levels x ∈ L
(one area at a time, common random numbers), and a concave, non-decreasing
piecewise-linear g_sm is fitted to the points by constrained least squares
(scipy.optimize.lsq_linear). The surrogate is additive:

    D̂_s(x) = D_s(0) + Σ_m g_sm(x_m),   g_sm(0) = 0,

and its error is measured on random multi-area combinations simulated
separately (``validate``). See docs/methodology/planning.md §3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import lsq_linear

from ..model.dataset import Dataset
from ..sim.results import CampaignResult
from ..sim.runner import simulate_setup
from ..sim.setup import CampaignSetup, build_setup
from .levers import scale_adversary, scale_setup

DEFAULT_LEVELS = (0.0, 0.5, 1.0, 2.0)


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


@dataclass
class Surrogate:
    """Fitted pieces: breakpoints x, values g[s][m] at the breakpoints, baselines D_s(0)."""

    scenarios: list[str]
    areas: list[str]
    levels: np.ndarray
    base: dict[str, float]
    values: dict[str, dict[str, np.ndarray]]
    points: dict[str, dict[str, list[float]]]
    reps: int
    seed: int
    validation: dict[str, Any] = field(default_factory=dict)

    def slopes(self, s: str, m: str) -> np.ndarray:
        return np.diff(self.values[s][m]) / np.diff(self.levels)

    def predict(self, s: str, x: dict[str, float]) -> float:
        """D̂_s(x), clipped to [0, 1]."""
        total = self.base[s]
        for m, level in x.items():
            if m in self.values[s]:
                # no credit beyond the fitted range: the same cap as in the MILP
                total += float(np.interp(min(level, self.levels[-1]), self.levels, self.values[s][m]))
        return min(1.0, max(0.0, total))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenarios": self.scenarios,
            "areas": self.areas,
            "levels": self.levels.tolist(),
            "base": self.base,
            "values": {s: {m: v.tolist() for m, v in d.items()} for s, d in self.values.items()},
            "points": self.points,
            "reps": self.reps,
            "seed": self.seed,
            "validation": self.validation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Surrogate:
        return cls(
            d["scenarios"],
            d["areas"],
            np.array(d["levels"]),
            d["base"],
            {s: {m: np.array(v) for m, v in dd.items()} for s, dd in d["values"].items()},
            d["points"],
            d["reps"],
            d["seed"],
            d.get("validation", {}),
        )


def fit_surrogate(
    ds: Dataset,
    scenarios: list[str],
    areas: list[str],
    *,
    levels: Sequence[float] | np.ndarray = DEFAULT_LEVELS,
    reps: int = 300,
    seed: int = 20260101,
    stalemate_weight: float = 0.5,
    threat_factor: float = 1.0,
    progress: Callable[[int], None] | None = None,
) -> Surrogate:
    """Simulate each (scenario, area, level) and fit the concave pieces.

    Two shortcuts, both exact under the model's assumptions: a scenario already at
    full deterrence gains nothing (D ≤ 1 and g is non-decreasing), and an area that
    changes no force or stock of the scenario gains nothing.
    """
    lv = np.asarray(levels, dtype=float)
    base: dict[str, float] = {}
    values: dict[str, dict[str, np.ndarray]] = {}
    points: dict[str, dict[str, list[float]]] = {}
    for sid in scenarios:
        setup = scale_adversary(build_setup(ds, sid), threat_factor)
        d0 = deterrence(simulate_setup(setup, reps, seed), stalemate_weight)
        base[sid], values[sid], points[sid] = d0, {}, {}
        for m in areas:
            ys = [d0]
            for x in lv[1:]:
                scaled = scale_setup(setup, ds, {m: float(x)})
                if d0 >= 1.0 - 1e-9 or _unchanged(setup, scaled):
                    ys.append(d0)
                else:
                    ys.append(deterrence(simulate_setup(scaled, reps, seed), stalemate_weight))
                if progress:
                    progress(1)
            fitted = fit_concave(lv, np.array(ys))
            values[sid][m] = fitted - fitted[0]
            points[sid][m] = ys
    return Surrogate(list(scenarios), list(areas), lv, base, values, points, reps, seed)


def _unchanged(a: CampaignSetup, b: CampaignSetup) -> bool:
    same_groups = all(
        np.array_equal(a.groups[d].count0, b.groups[d].count0)
        and np.array_equal(a.groups[d].arrival_count, b.groups[d].arrival_count)
        and np.array_equal(a.groups[d].active_step, b.groups[d].active_step)
        for d in a.groups
    )
    return same_groups and np.array_equal(a.pools.stock0, b.pools.stock0)


def validate(
    sur: Surrogate,
    ds: Dataset,
    samples: int,
    rng: np.random.Generator,
    reps: int | None = None,
    threat_factor: float = 1.0,
    stalemate_weight: float = 0.5,
) -> dict[str, Any]:
    """Simulate random multi-area level vectors and compare with the surrogate: RMSE and max error."""
    errors = []
    rows = []
    for sid in sur.scenarios:
        if sur.base[sid] >= 1.0 - 1e-9 and all(not v.any() for v in sur.values[sid].values()):
            continue  # saturated: the surrogate is exact there by construction
        setup = scale_adversary(build_setup(ds, sid), threat_factor)
        for _ in range(samples):
            x = {
                m: float(v)
                for m, v in zip(
                    sur.areas, rng.uniform(0, sur.levels[-1] / 2, len(sur.areas)) * (rng.random(len(sur.areas)) < 0.5)
                )
            }
            sim = deterrence(
                simulate_setup(scale_setup(setup, ds, x), reps or sur.reps, sur.seed + 1), stalemate_weight
            )
            pred = sur.predict(sid, x)
            errors.append(pred - sim)
            rows.append({"scenario": sid, "levels": x, "simulated": sim, "surrogate": pred})
    e = np.array(errors)
    sur.validation = {
        "rmse": float(np.sqrt(np.mean(e**2))) if e.size else float("nan"),
        "max_abs_error": float(np.abs(e).max()) if e.size else float("nan"),
        "samples": rows,
    }
    return sur.validation
