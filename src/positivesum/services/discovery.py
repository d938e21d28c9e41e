"""Scenario discovery: the boxes of assumptions in which a failure condition concentrates (PRIM).

Given design points (one row of assumption values each) and, per point, whether a failure condition held
(e.g. ``adversary_defeat<0.5``: the invasion is defeated in fewer than half of the point's replications), the Patient
Rule Induction Method (Friedman & Fisher 1999) peels the box of all points, a small share at a time along one
factor, keeping the peel that raises the share of failures inside most, then pastes back what helps; the
peeling trajectory trades **coverage** (share of all failures that fall in the box) against **density**
(share of the points in the box that fail). Each box is read as "deterrence fails when X < a and Y > b"
(Bryant & Lempert 2010). The method and its equations: docs/methodology/sensitivity.md §4; why the `PRIM`
package: docs/decisions/0011-sensitivity-and-dask.md.
"""

from __future__ import annotations

import html
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..model.errors import option_error

_CONDITION = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
#: Default PRIM settings: peel 5 % of the remaining points at a time; never a box holding under 5 % of them.
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
#: The box chosen on a peeling trajectory is the densest one that still covers at least this share of failures.
MIN_COVERAGE = 0.5
#: A box is reported only if at least this share of its points fail (else it does not explain failure).
MIN_DENSITY = 0.5


@dataclass(frozen=True)
class Condition:
    """A failure condition on one measure of a design point: ``measure op value``."""

    measure: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.measure}{self.op}{self.value:g}"

    def holds(self, values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.asarray(_OPS[self.op](np.asarray(values, dtype=float), self.value), dtype=bool)
        return out


def parse_condition(text: str, measures: list[str], option: str = "--failure") -> Condition:
    """``"adversary_victory>0.2"`` → Condition; an InputError naming the option when it cannot be read."""
    m = _CONDITION.match(text or "")
    if not m:
        raise option_error(
            option,
            f"'{text}' is not a condition",
            f"write MEASURE>VALUE or MEASURE<VALUE (also >=, <=), e.g. adversary_victory>0.2; measures: {', '.join(measures)}",
        )
    measure, op, raw = m.groups()
    if measure not in measures:
        raise option_error(option, f"no measure '{measure}'", f"use one of: {', '.join(measures)}")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise option_error(option, f"'{raw}' is not a finite number", "e.g. adversary_victory>0.2")
    return Condition(measure, op, value)


@dataclass(frozen=True)
class Box:
    """One box: the factors it restricts with their [low, high] limits, and how good it is."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    #: the full range of every restricted factor in the design, to tell "X < a" from "X > b"
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    def rules(self) -> list[str]:
        """Each restriction as a rule: ``X < a``, ``X > b`` or ``a < X < b``."""
        out = []
        for name, (lo, hi) in self.limits.items():
            full_lo, full_hi = self.ranges.get(name, (-math.inf, math.inf))
            low_cut, high_cut = lo > full_lo, hi < full_hi
            if low_cut and high_cut:
                out.append(f"{lo:.3g} < {name} < {hi:.3g}")
            elif high_cut:
                out.append(f"{name} < {hi:.3g}")
            elif low_cut:
                out.append(f"{name} > {lo:.3g}")
        return out

    def sentence(self) -> str:
        return " and ".join(self.rules()) or "(no restriction)"


@dataclass
class DiscoveryResult:
    """Boxes found by PRIM for one failure condition, with the design they were found in."""

    condition: str
    boxes: list[Box]
    n_points: int
    n_cases: int
    note: str = ""

    @property
    def base_rate(self) -> float:
        return self.n_cases / self.n_points if self.n_points else math.nan

    def table(self) -> pd.DataFrame:
        """One row per box: its rules, coverage, density and mass."""
        return pd.DataFrame(
            [
                {
                    "box": i + 1,
                    "rules": b.sentence(),
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                }
                for i, b in enumerate(self.boxes)
            ],
            columns=["box", "rules", "coverage", "density", "mass"],
        )

    def limits_table(self) -> pd.DataFrame:
        """One row per (box, restricted factor): the box's limits and the factor's range in the design."""
        rows = [
            {
                "box": i + 1,
                "factor": name,
                "low": lo,
                "high": hi,
                "range_low": b.ranges.get(name, (math.nan, math.nan))[0],
                "range_high": b.ranges.get(name, (math.nan, math.nan))[1],
            }
            for i, b in enumerate(self.boxes)
            for name, (lo, hi) in b.limits.items()
        ]
        return pd.DataFrame(rows, columns=["box", "factor", "low", "high", "range_low", "range_high"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "n_points": self.n_points,
            "n_cases": self.n_cases,
            "note": self.note,
            "boxes": [
                {
                    "rules": b.rules(),
                    "limits": {k: list(v) for k, v in b.limits.items()},
                    "ranges": {k: list(v) for k, v in b.ranges.items()},
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                }
                for b in self.boxes
            ],
        }

    def _repr_html_(self) -> str:
        head = (
            f"<p>Scenario discovery for <b>{html.escape(self.condition)}</b>: {self.n_cases} of {self.n_points} "
            f"design points ({self.base_rate:.0%})</p>"
        )
        if not self.boxes:
            return head + f"<p>{html.escape(self.note or 'no box found')}</p>"
        return head + self.table().to_html(index=False, float_format="{:.2f}".format)


def discover(
    x: pd.DataFrame,
    failed: np.ndarray,
    condition: str = "",
    *,
    max_boxes: int = 2,
    peel_alpha: float = PEEL_ALPHA,
    mass_min: float = MASS_MIN,
    min_coverage: float = MIN_COVERAGE,
    min_density: float = MIN_DENSITY,
) -> DiscoveryResult:
    """PRIM boxes of ``failed`` (one bool per row of ``x``, the design points' factor values).

    For each box (at most ``max_boxes``, each found among the points the previous boxes left), the point of
    the peeling trajectory chosen is the densest whose coverage is at least ``min_coverage`` of the failures
    still uncovered; a box less dense than ``min_density`` is not reported (and the search stops)."""
    failed = np.asarray(failed, dtype=bool)
    n, k = len(failed), int(failed.sum())
    # factors that do not vary in the design cannot bound a box (and PRIM cannot peel them)
    x = x.loc[:, [c for c in x.columns if x[c].nunique() > 1]].astype(float).reset_index(drop=True)
    if k == 0 or k == n or x.shape[1] == 0:
        why = (
            "the condition holds at no design point"
            if k == 0
            else "the condition holds at every design point"
            if k == n
            else "no factor varies in the design"
        )
        return DiscoveryResult(condition, [], n, k, note=why)
    import logging

    import prim

    logging.getLogger("prim").setLevel(logging.WARNING)
    finder = prim.Prim(x, failed, threshold=None, peel_alpha=peel_alpha, paste_alpha=peel_alpha, mass_min=mass_min)
    full = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    boxes: list[Box] = []
    for _ in range(max_boxes):
        box = finder.find_box()  # among the points no earlier box holds; None when none is left
        if box is None:
            break
        traj = box.peeling_trajectory
        # coverage counts all failures; a later box can only cover those the earlier boxes left
        left = 1.0 - sum(b.coverage for b in boxes)
        ok = traj.index[traj["coverage"] >= min_coverage * left - 1e-12]
        choice = int(traj.loc[ok, "density"].idxmax()) if len(ok) else len(traj) - 1
        box.select(choice)
        restricted = box.limits  # restricted factors only: min, max (and quasi-p values)
        limits = {str(c): (float(restricted.loc[c, "min"]), float(restricted.loc[c, "max"])) for c in restricted.index}
        coverage = float(traj.loc[choice, "coverage"])
        if not limits or coverage <= 0 or float(traj.loc[choice, "density"]) < min_density:
            break
        boxes.append(
            Box(
                limits,
                coverage,
                float(traj.loc[choice, "density"]),
                float(traj.loc[choice, "mass"]),
                {c: full[c] for c in limits},
            )
        )
    note = "" if boxes else "PRIM found no box that restricts a factor"
    return DiscoveryResult(condition, boxes, n, k, note=note)
