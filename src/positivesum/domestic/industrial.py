"""Industrial ramp-up of munitions production: yearly deliveries and feasibility checks.

Production rate after a decision to expand at τ = 0 (start of plan year 1), in rounds/year
(docs/methodology/domestic.md §4):

    r(τ) = P0                                     τ < ℓ           (lead time)
    r(τ) = P0 + (M - P0) (τ - ℓ) / R              ℓ ≤ τ < ℓ + R   (linear ramp)
    r(τ) = M                                      τ ≥ ℓ + R       (ceiling)

P0 = ``production_per_year`` of the actor's holding, ℓ = ``lead_time_months`` / 12, and
M, R = the actor's ``industrial_capacity[munition]`` (``max_per_year``, ``ramp_up_years``).
Without a capacity record the ceiling is the holding's ``surge_per_year``, reached over
:data:`DEFAULT_RAMP_UP_YEARS_WITHOUT_CAPACITY`. Deliveries in plan year k are the exact integral
C(k) - C(k-1) of r, with C(τ) = P0 τ + (M - P0) h(τ) and h the integral of the ramp shape.
Rates from fact sheet §6b (e.g. PAC-3 MSE 620 delivered in 2025, framework to ~2,000/yr).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..model.actors import Actor
from ..model.dataset import Dataset
from ..model.forces import Munition
from ._series import check_plan
from .budget import DEFAULT_BASE_YEAR, DEFAULT_HORIZON_YEARS

DEFAULT_RAMP_UP_YEARS_WITHOUT_CAPACITY = 1.0
"""ASSUMPTION: without an ``industrial_capacity`` record, the surge rate is phased in over one year
after the lead time (munitions.yaml defines surge as the rate 'reachable in wartime' and the lead
time as the months to extra deliveries)."""
_TOL = 1e-9

Binding = Literal["none", "lead_time", "ramp", "max"]


@dataclass(frozen=True)
class RampProfile:
    """Production rate of one munition by one actor over time since the decision (years)."""

    production_per_year: float
    max_per_year: float
    lead_time_years: float
    ramp_up_years: float

    def __post_init__(self):
        bad = [f"{k}={v!r}" for k, v in vars(self).items() if not (math.isfinite(v) and v >= 0)]
        if bad:
            raise ValueError("RampProfile: " + ", ".join(bad) + " must be finite and >= 0")
        if self.max_per_year < self.production_per_year:
            raise ValueError(
                f"RampProfile: max_per_year ({self.max_per_year:g}) is below production_per_year "
                f"({self.production_per_year:g}) — the ceiling cannot be below today's rate"
            )

    @property
    def max_extra_per_year(self) -> float:
        """Highest extra rate over today's: M - P0."""
        return self.max_per_year - self.production_per_year

    def _shape(self, t: np.ndarray) -> np.ndarray:
        """Fraction of the way from P0 to M at time t (0 before ℓ, 1 after ℓ + R)."""
        if self.ramp_up_years == 0:
            return (t >= self.lead_time_years).astype(float)
        return np.clip(t - self.lead_time_years, 0.0, self.ramp_up_years) / self.ramp_up_years

    def _shape_integral(self, t: np.ndarray) -> np.ndarray:
        """∫_0^t shape: 0 before ℓ, (t-ℓ)²/(2R) on the ramp, R/2 + (t-ℓ-R) after it."""
        u = np.maximum(t - self.lead_time_years, 0.0)
        if self.ramp_up_years == 0:
            return u
        r = self.ramp_up_years
        on_ramp = np.minimum(u, r)  # written so that a tiny R cannot overflow
        return on_ramp * (on_ramp / (2.0 * r)) + np.maximum(u - r, 0.0)

    def rate_per_year(self, t_years) -> np.ndarray:
        """r(τ) in rounds/year at times τ (years since the decision)."""
        t = np.asarray(t_years, dtype=float)
        return self.production_per_year + self.max_extra_per_year * self._shape(t)

    def cumulative_rounds(self, t_years) -> np.ndarray:
        """C(τ) = ∫_0^τ r: rounds delivered from the decision to τ."""
        t = np.maximum(np.asarray(t_years, dtype=float), 0.0)
        return self.production_per_year * t + self.max_extra_per_year * self._shape_integral(t)

    def deliveries_by_year(self, horizon_years: int) -> np.ndarray:
        """Rounds delivered in plan years 1..H: C(k) - C(k-1)."""
        return np.diff(self.cumulative_rounds(np.arange(0, int(horizon_years) + 1)))

    def full_rate_plan_year(self) -> int:
        """First plan year delivered entirely at the ceiling: ceil(ℓ + R) + 1."""
        return math.ceil(self.lead_time_years + self.ramp_up_years) + 1


def ramp_profile(
    munition_id: str,
    munition: Munition,
    actor_id: str,
    actor: Actor,
    *,
    ramp_includes_lead_time: bool = False,
    default_ramp_up_years: float = DEFAULT_RAMP_UP_YEARS_WITHOUT_CAPACITY,
) -> RampProfile:
    """The ramp of ``actor_id``'s production of ``munition_id`` from the data.

    ``ramp_includes_lead_time``: read ``ramp_up_years`` as counted from the decision (as the
    PAC-3 record's note suggests: 620 in 2025 to ~2,000 'by ~2030'), so the ramp lasts
    max(0, R - ℓ) after the lead time."""
    holding = munition.holdings.get(actor_id)
    if holding is None:
        raise ValueError(
            f"munitions.{munition_id}.holdings has no {actor_id} — add "
            f"`{actor_id}: {{stockpile: .., production_per_year: .., surge_per_year: .., "
            f"lead_time_months: .., source: ..}}`"
        )
    lead = holding.lead_time_months / 12.0
    capacity = actor.industrial_capacity.get(munition_id)
    if capacity is not None:
        ceiling, ramp = float(capacity.max_per_year.value), float(capacity.ramp_up_years.value)
    else:
        ceiling, ramp = float(holding.surge_per_year), float(default_ramp_up_years)
    if ramp_includes_lead_time:
        ramp = max(0.0, ramp - lead)
    return RampProfile(float(holding.production_per_year), max(ceiling, float(holding.production_per_year)), lead, ramp)


@dataclass(frozen=True)
class DeliverySchedule:
    """Yearly deliveries of one munition by one actor over plan years 1..H.

    ``frame`` columns: actor, munition, plan_year, year, rate_end_per_year (rate at the end of
    the year), deliveries_rounds, extra_rounds (over today's rate), cumulative_rounds,
    stock_if_unused_rounds (stockpile + cumulative deliveries, nothing expended)."""

    munition_id: str
    actor_id: str
    base_year: int
    profile: RampProfile
    stockpile_rounds: float
    frame: pd.DataFrame


def delivery_schedule(
    munition_id: str,
    munition: Munition,
    actor_id: str,
    actor: Actor,
    *,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    ramp_includes_lead_time: bool = False,
    default_ramp_up_years: float = DEFAULT_RAMP_UP_YEARS_WITHOUT_CAPACITY,
) -> DeliverySchedule:
    """Deliveries by plan year if the actor orders full expansion at the start of plan year 1."""
    check_plan(base_year, horizon_years, f"delivery_schedule({munition_id}, {actor_id})")
    profile = ramp_profile(
        munition_id,
        munition,
        actor_id,
        actor,
        ramp_includes_lead_time=ramp_includes_lead_time,
        default_ramp_up_years=default_ramp_up_years,
    )
    plan_years = np.arange(1, int(horizon_years) + 1)
    deliveries = profile.deliveries_by_year(horizon_years)
    cumulative = np.cumsum(deliveries)
    stockpile = float(munition.holdings[actor_id].stockpile)
    frame = pd.DataFrame(
        {
            "actor": actor_id,
            "munition": munition_id,
            "plan_year": plan_years,
            "year": int(base_year) + plan_years,
            "rate_end_per_year": profile.rate_per_year(plan_years),
            "deliveries_rounds": deliveries,
            "extra_rounds": deliveries - profile.production_per_year,
            "cumulative_rounds": cumulative,
            "stock_if_unused_rounds": stockpile + cumulative,
        }
    )
    return DeliverySchedule(munition_id, actor_id, int(base_year), profile, stockpile, frame)


def delivery_schedules(
    dataset: Dataset,
    *,
    actor_ids: Iterable[str] | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    ramp_includes_lead_time: bool = False,
    default_ramp_up_years: float = DEFAULT_RAMP_UP_YEARS_WITHOUT_CAPACITY,
) -> pd.DataFrame:
    """Delivery schedules of every holding (optionally only some actors) in one tidy frame."""
    wanted = None if actor_ids is None else set(actor_ids)
    frames = []
    for munition_id, munition in dataset.munitions.items():
        for actor_id in munition.holdings:
            if (wanted is None or actor_id in wanted) and actor_id in dataset.actors:
                frames.append(
                    delivery_schedule(
                        munition_id,
                        munition,
                        actor_id,
                        dataset.actors[actor_id],
                        base_year=base_year,
                        horizon_years=horizon_years,
                        ramp_includes_lead_time=ramp_includes_lead_time,
                        default_ramp_up_years=default_ramp_up_years,
                    ).frame
                )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class ProductionCheck:
    """Whether an extra output of ``requested_extra_per_year`` from ``from_plan_year`` on is
    deliverable, and if not which limit binds, with the numbers."""

    requested_extra_per_year: float
    from_plan_year: int
    feasible: bool
    binding: Binding
    extra_available_in_year_per_year: float
    max_extra_per_year: float
    earliest_feasible_plan_year: int | None
    lead_time_years: float
    ramp_up_years: float
    message: str


def _extra_in_year(profile: RampProfile, plan_year: int) -> float:
    c = profile.cumulative_rounds([plan_year - 1, plan_year])
    return float(c[1] - c[0]) - profile.production_per_year


def _meets(extra: float, requested: float) -> bool:
    return extra >= requested - _TOL * max(1.0, abs(requested))


def check_extra_production(
    profile: RampProfile, extra_rounds_per_year: float, from_plan_year: int, *, label: str = ""
) -> ProductionCheck:
    """Is ``extra_rounds_per_year`` over today's rate deliverable in every plan year from
    ``from_plan_year`` on? Yearly deliveries never fall (r is non-decreasing), so it is iff
    year ``from_plan_year`` delivers it. Binding limit if not: 'max' if the request exceeds
    M - P0; 'lead_time' if removing the lead time alone would make it feasible; 'ramp' if removing
    the ramp alone would; if only removing both would, 'lead_time' when year ``from_plan_year``
    ends within the lead time and 'ramp' otherwise (the message then names both)."""
    if int(from_plan_year) != from_plan_year or from_plan_year < 1:
        raise ValueError(f"check_extra_production: from_plan_year={from_plan_year!r} must be a whole number >= 1")
    if not math.isfinite(extra_rounds_per_year) or extra_rounds_per_year < 0:
        raise ValueError(f"check_extra_production: extra_rounds_per_year={extra_rounds_per_year!r} must be >= 0")
    y, want = int(from_plan_year), float(extra_rounds_per_year)
    extra = _extra_in_year(profile, y)
    name = f"{label}: " if label else ""
    head = f"{name}+{want:g} rounds/year from plan year {y}"
    if _meets(extra, want):
        return ProductionCheck(
            want,
            y,
            True,
            "none",
            extra,
            profile.max_extra_per_year,
            y,
            profile.lead_time_years,
            profile.ramp_up_years,
            f"{head} is feasible ({extra:g} extra deliverable in year {y}).",
        )
    if not _meets(profile.max_extra_per_year, want):
        return ProductionCheck(
            want,
            y,
            False,
            "max",
            extra,
            profile.max_extra_per_year,
            None,
            profile.lead_time_years,
            profile.ramp_up_years,
            f"{head} is not feasible: the ceiling binds — at most {profile.max_extra_per_year:g} "
            f"extra ({profile.production_per_year:g} today, {profile.max_per_year:g} max per year).",
        )
    earliest = next(k for k in range(y, profile.full_rate_plan_year() + 1) if _meets(_extra_in_year(profile, k), want))
    p0, ceiling = profile.production_per_year, profile.max_per_year
    without_lead = _meets(_extra_in_year(RampProfile(p0, ceiling, 0.0, profile.ramp_up_years), y), want)
    without_ramp = _meets(_extra_in_year(RampProfile(p0, ceiling, profile.lead_time_years, 0.0), y), want)
    both = not without_lead and not without_ramp
    binding: Binding = "lead_time" if without_lead or (both and y <= profile.lead_time_years) else "ramp"
    lead_text = f"extra deliveries start {profile.lead_time_years:g} years after the decision"
    ramp_text = f"the rate climbs from {p0:g} to {ceiling:g} over {profile.ramp_up_years:g} years after the lead time"
    detail = (
        f"the lead time and the ramp both bind — {lead_text}, then {ramp_text}"
        if both
        else f"the lead time binds — {lead_text}"
        if binding == "lead_time"
        else f"the ramp binds — {ramp_text}"
    )
    return ProductionCheck(
        want,
        y,
        False,
        binding,
        extra,
        profile.max_extra_per_year,
        earliest,
        profile.lead_time_years,
        profile.ramp_up_years,
        f"{head} is not feasible: {detail}; year {y} delivers only {extra:g} extra; "
        f"earliest feasible plan year {earliest}.",
    )
