"""Personnel feasibility: recruitment intake, attrition, demographic decline, automation.

Stock-flow model of military strength (docs/methodology/domestic.md §3):

    intake_t    = planned · achievement · pool(y_t) / pool(y_ref)
    attrition_t = a · strength_{t-1}
    headroom_t  = intake_t - attrition_t            (persons/year; negative: the force shrinks)
    strength_t  = strength_{t-1} + headroom_t       (every available person is manned)

The cumulative headroom strength_t - strength_0 is the most extra personnel new capabilities can
have in service by plan year t. Options with negative personnel (automation) free people and
are netted against it by :func:`net_option_personnel`. Recruitment records (JFY2022-24 achievement
66%, 51%, 65%) and the recruitment pools come from fact sheet §5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..model.actors import Actor, Personnel
from ..model.options import Option
from ._series import check_plan, year_of
from .budget import DEFAULT_BASE_YEAR, DEFAULT_HORIZON_YEARS

DEFAULT_ATTRITION_RATE_PER_YEAR = 0.06
"""ESTIMATE: yearly outflow as a fraction of actual strength. Calibrated on fact sheet §5: JSDF
strength 230,754 → 227,843 → 223,511 (Mar 2022-24) with 11,758 and 9,959 recruited in JFY2022-23
implies outflows of 14,669 and 14,291 = 6.4% and 6.3% of strength (see :func:`implied_attrition_rate`);
JFY2024 (to ~220,000, derived) gives ~5.8%. A generic ~5% is often quoted; 6% fits the record."""

Achievement = Literal["latest", "mean", "pooled"]


@dataclass(frozen=True)
class RecruitmentPool:
    """Size of the recruitment-age population at a few years; log-linear in between and beyond."""

    age_band: str
    points: tuple[tuple[int, float], ...]
    source: str

    def persons(self, years: Iterable[float]) -> np.ndarray:
        """Pool size at ``years``: ln P linear between points (constant rate of decline) and
        extrapolated along the nearest segment outside them."""
        xs = np.array([p[0] for p in self.points], dtype=float)
        logs = np.log(np.array([p[1] for p in self.points], dtype=float))
        years_arr = np.asarray(list(years), dtype=float)
        if len(xs) == 1:
            return np.full(years_arr.shape, math.exp(logs[0]))
        slope_lo = (logs[1] - logs[0]) / (xs[1] - xs[0])
        slope_hi = (logs[-1] - logs[-2]) / (xs[-1] - xs[-2])
        inside = np.interp(years_arr, xs, logs)
        below = logs[0] + slope_lo * (years_arr - xs[0])
        above = logs[-1] + slope_hi * (years_arr - xs[-1])
        return np.exp(np.where(years_arr < xs[0], below, np.where(years_arr > xs[-1], above, inside)))

    def factor(self, years: Iterable[float], reference_year: float) -> np.ndarray:
        """pool(y) / pool(reference year): the scale applied to intake."""
        return self.persons(years) / self.persons([reference_year])[0]


JAPAN_RECRUITMENT_POOL_18_26 = RecruitmentPool(
    "18-26",
    ((1994, 17.43e6), (2018, 11.05e6)),
    "Asahi (ajw articles/14758814), fact sheet §5 (H): 17.43 M (FY1994 peak) to 11.05 M (FY2018)",
)
JAPAN_RECRUITMENT_POOL_18_32 = RecruitmentPool(
    "18-32",
    ((2018, 18.81e6), (2058, 12.41e6)),
    "Taro Kono blog citing MOD, fact sheet §5 (M): 18.81 M (FY2018) to 12.41 M projected (FY2058); "
    "the recruiting age cap was raised to 32 in Oct 2018",
)
DEFAULT_RECRUITMENT_POOLS: dict[str, RecruitmentPool] = {"JPN": JAPAN_RECRUITMENT_POOL_18_32}
"""Pools applied by default (actor id → pool). Actors without one keep a constant pool."""


def implied_attrition_rate(strength_start_persons: float, strength_end_persons: float, intake_persons: float) -> float:
    """Outflow over a year as a fraction of opening strength: (intake - Δstrength) / strength_start
    (stock-flow identity strength_end = strength_start + intake - outflow)."""
    if strength_start_persons <= 0:
        raise ValueError("strength_start_persons must be > 0")
    return (intake_persons - (strength_end_persons - strength_start_persons)) / strength_start_persons


def _records(actor_id: str, personnel: Personnel):
    records = sorted(((year_of(k), r) for k, r in personnel.recruitment.items() if r.planned > 0), key=lambda x: x[0])
    if not records:
        raise ValueError(
            f"actors.{actor_id}.personnel.recruitment: no year with planned > 0 — add records like "
            f"`JFY2024: {{planned: 14900, achieved: 9724, source: ...}}`"
        )
    return records


def achievement_rate(actor_id: str, personnel: Personnel, method: Achievement | float = "latest") -> float:
    """Share of planned recruits achieved: 'latest' year, 'mean' of yearly ratios, 'pooled'
    (Σ achieved / Σ planned), or a number given directly."""
    if not isinstance(method, str):
        if not 0 <= float(method) <= 1.5:
            raise ValueError(f"achievement={method} must be a fraction (e.g. 0.65)")
        return float(method)
    records = _records(actor_id, personnel)
    if method == "latest":
        return records[-1][1].achieved / records[-1][1].planned
    if method == "mean":
        return float(np.mean([r.achieved / r.planned for _, r in records]))
    if method == "pooled":
        return sum(r.achieved for _, r in records) / sum(r.planned for _, r in records)
    raise ValueError(f"achievement={method!r} — use 'latest', 'mean', 'pooled' or a fraction")


@dataclass(frozen=True)
class PersonnelHeadroom:
    """Yearly intake, attrition and headroom of one actor over plan years 1..H.

    ``frame`` columns: actor, plan_year, year, pool_factor, intake_persons, attrition_persons,
    headroom_persons (per year, signed), strength_persons (end of year),
    cumulative_headroom_persons (strength_t - strength_0), vacancy_persons (authorised - strength)."""

    actor_id: str
    base_year: int
    frame: pd.DataFrame
    assumptions: dict[str, object] = field(default_factory=dict)

    def cumulative_headroom_persons(self) -> np.ndarray:
        """Most extra personnel that can be in service by each plan year 1..H."""
        return self.frame["cumulative_headroom_persons"].to_numpy(dtype=float)


def personnel_headroom(
    actor_id: str,
    actor: Actor,
    *,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    achievement: Achievement | float = "latest",
    planned_persons_per_year: float | None = None,
    attrition_rate_per_year: float = DEFAULT_ATTRITION_RATE_PER_YEAR,
    pool: RecruitmentPool | None | Literal["default"] = "default",
    strength_persons: float | None = None,
) -> PersonnelHeadroom:
    """Headroom per plan year. Planned recruitment defaults to the latest record's plan; the
    pool factor is taken relative to the year of the latest record; the starting strength is
    the actor's latest ``actual`` unless ``strength_persons`` is given."""
    where = f"personnel_headroom({actor_id})"
    check_plan(base_year, horizon_years, where)
    if actor.personnel is None:
        raise ValueError(f"actors.{actor_id}: no personnel — add authorised, actual and recruitment records")
    if not 0 <= attrition_rate_per_year < 1:
        raise ValueError(f"{where}: attrition_rate_per_year={attrition_rate_per_year} must be in [0, 1)")
    records = _records(actor_id, actor.personnel)
    reference_year = records[-1][0]
    rate = achievement_rate(actor_id, actor.personnel, achievement)
    planned = records[-1][1].planned if planned_persons_per_year is None else float(planned_persons_per_year)
    if planned < 0:
        raise ValueError(f"{where}: planned_persons_per_year={planned} must be >= 0")
    chosen_pool = DEFAULT_RECRUITMENT_POOLS.get(actor_id) if pool == "default" else pool
    plan_years = np.arange(1, int(horizon_years) + 1)
    years = int(base_year) + plan_years
    factor = chosen_pool.factor(years, reference_year) if chosen_pool else np.ones(len(years))
    intake = planned * rate * factor
    strength0 = float(actor.personnel.actual.value) if strength_persons is None else float(strength_persons)
    strength, attrition, headroom = [], [], []
    level = strength0
    for k in range(len(plan_years)):
        out = attrition_rate_per_year * level
        attrition.append(out)
        headroom.append(intake[k] - out)
        level = level + intake[k] - out
        strength.append(level)
    strength_arr = np.array(strength)
    frame = pd.DataFrame(
        {
            "actor": actor_id,
            "plan_year": plan_years,
            "year": years,
            "pool_factor": factor,
            "intake_persons": intake,
            "attrition_persons": np.array(attrition),
            "headroom_persons": np.array(headroom),
            "strength_persons": strength_arr,
            "cumulative_headroom_persons": strength_arr - strength0,
            "vacancy_persons": float(actor.personnel.authorised.value) - strength_arr,
        }
    )
    assumptions = {
        "achievement": achievement,
        "achievement_rate": rate,
        "planned_persons_per_year": planned,
        "intake_base_persons_per_year": planned * rate,
        "recruitment_reference_year": reference_year,
        "attrition_rate_per_year": attrition_rate_per_year,
        "strength_start_persons": strength0,
        "pool": None if chosen_pool is None else f"{chosen_pool.age_band}: {chosen_pool.source}",
    }
    return PersonnelHeadroom(actor_id, int(base_year), frame, assumptions)


def option_personnel_in_service_persons(choices: Iterable[tuple[Option, int]], horizon_years: int) -> np.ndarray:
    """Personnel of chosen options in service in each plan year 1..H.

    ``choices``: (option, plan year of the decision s). An option enters service during plan year
    s + floor(lead_time_years) and needs its crew from that year on (people must be there when the
    equipment arrives); negative personnel (automation) frees people from that year."""
    required = np.zeros(int(horizon_years))
    for option, decided in choices:
        if int(decided) != decided or decided < 1:
            raise ValueError(f"decision plan year {decided!r} must be a whole number >= 1")
        first = int(decided) + math.floor(float(option.lead_time_years))
        if first <= horizon_years:
            required[first - 1 :] += float(option.personnel)
    return required


@dataclass(frozen=True)
class PersonnelNetting:
    """Option personnel netted against headroom, per plan year 1..H.

    ``frame`` columns: plan_year, year, available_persons, required_persons, remaining_persons."""

    actor_id: str
    frame: pd.DataFrame
    feasible: bool
    first_shortfall_plan_year: int | None
    largest_shortfall_persons: float


def net_option_personnel(
    headroom: PersonnelHeadroom, required_persons: Sequence[float], *, floor_available_at_zero: bool = False
) -> PersonnelNetting:
    """remaining_t = available_t - required_t, with available_t the cumulative headroom.

    ``required_persons``: personnel of new options in service per plan year (negative figures —
    automation — add to what remains). ``floor_available_at_zero``: treat a shrinking force as
    absorbed by existing units (available = max(0, cumulative headroom)) rather than as a
    deficit new capabilities must also cover."""
    required = np.asarray([float(v) for v in required_persons])
    if required.size != len(headroom.frame):
        raise ValueError(
            f"net_option_personnel: {required.size} values of required_persons; the headroom has "
            f"{len(headroom.frame)} plan years — give one value per plan year"
        )
    available = headroom.cumulative_headroom_persons()
    if floor_available_at_zero:
        available = np.maximum(available, 0.0)
    remaining = available - required
    short = np.flatnonzero(remaining < -1e-9)
    frame = pd.DataFrame(
        {
            "plan_year": headroom.frame["plan_year"],
            "year": headroom.frame["year"],
            "available_persons": available,
            "required_persons": required,
            "remaining_persons": remaining,
        }
    )
    return PersonnelNetting(
        headroom.actor_id,
        frame,
        short.size == 0,
        int(headroom.frame["plan_year"].iloc[short[0]]) if short.size else None,
        float(max(0.0, -remaining.min())),
    )
