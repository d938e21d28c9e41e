"""Planning parameters: horizon, budgets by regime, threat growth and surrogate settings."""

from __future__ import annotations

from pydantic import Field

from .base import Fraction, Identifier, NonNegative, Sourced, Strict, unit


class BudgetTarget(Sourced):
    """An actor's defence budget path for the plan, and how much of its growth funds the catalogue."""

    target_share_of_gdp: float = unit("fraction of GDP", ge=0, le=0.2)
    """Defence spending reached by ``target_year`` as a share of GDP (e.g. 0.035 for 3.5%)."""
    target_year: float = unit("calendar year", ge=2000, le=2100)
    """Year the target share is reached (linear ramp from today)."""
    reference_gdp_year: float | None = unit("calendar year", default=None, ge=2000, le=2100)
    """If the target is a share of a fixed year's GDP (Japan: 2% of FY2022 GDP), that year."""
    catalogue_share: float = unit("fraction of the increment", ge=0, le=1)
    """Share of the budget increment over today that goes to the kinds of capability in the options catalogue
    (the rest pays for pay, sustainment and everything the catalogue does not cover)."""


class PlanningParameters(Strict):
    """Parameters of the positive-sum planner (docs/methodology/planning.md)."""

    base_year: NonNegative = unit("calendar year")
    """Plan year 0 ("today")."""
    horizon_years: NonNegative = unit("years")
    """Length of the plan; deterrence is assessed at its last year."""
    adversary_growth_per_year: Fraction = unit("fraction/year")
    """Growth of the adversary's forces and stocks per year, applied over the horizon when deterrence is assessed."""
    inflation_per_year: Fraction = unit("fraction/year")
    """Defence inflation used to turn nominal budgets into the constant prices the catalogue is costed in."""
    stalemate_weight: Fraction = unit("deterrence credit")
    """Deterrence credit of a stalemate relative to a clear defeat of the adversary (D = P(denied) + λ·P(stalemate))."""
    surrogate_replications: NonNegative = unit("replications")
    """Replications per simulation when fitting the surrogate."""
    budgets: dict[Identifier, BudgetTarget] = Field(default_factory=dict)
    """Budget targets by actor (actors without one get no new money)."""
    receiver: Identifier = "USA"
    """Actor that receives the transfers in the cost-transfer regime."""
