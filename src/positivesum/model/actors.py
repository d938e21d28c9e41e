"""Actors: the states in a scenario, with economy, budget, personnel and industry."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Fraction, Label, NonNegative, Sourced, Strict, unit


class Recruitment(Sourced):
    """One year's recruitment against plan."""

    planned: float = unit("persons", ge=0)
    """Recruits planned for the year."""
    achieved: float = unit("persons", ge=0)
    """Recruits actually enlisted in the year."""


class Personnel(Strict):
    """Military personnel: authorised strength, actual strength, recruitment."""

    authorised: NonNegative = unit("persons")
    """Authorised strength (for Japan, 定員)."""
    actual: NonNegative = unit("persons")
    """Actual strength (現員)."""
    recruitment: dict[str, Recruitment] = Field(default_factory=dict)
    """Yearly recruitment against plan, keyed by year (e.g. 'JFY2023')."""


class IndustrialCapacity(Strict):
    """How far an actor's industry can raise output of one munition."""

    max_per_year: NonNegative = unit("rounds/year")
    """Highest sustainable annual output once fully ramped up."""
    ramp_up_years: NonNegative = unit("years")
    """Years needed to go from today's rate to ``max_per_year``."""


class Actor(Strict):
    """A state (ally, partner or adversary)."""

    name: Label
    """Display names."""
    kind: Literal["ally", "partner", "adversary"]
    """Alliance membership as modelled."""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    """ISO 4217 code of the currency the money series use (e.g. JPY, USD)."""
    local_per_usd: NonNegative | None = unit("local currency per USD", default=None)
    """Exchange rate used to express local-currency money in USD."""
    gdp_local_bn: dict[str, NonNegative] = Field(default_factory=dict, json_schema_extra={"unit": "bn local currency"})
    """Nominal GDP by year (key: year label)."""
    defence_budget_local_bn: dict[str, NonNegative] = Field(
        default_factory=dict, json_schema_extra={"unit": "bn local currency"}
    )
    """Defence budget path by year (initial budgets); the ``note`` says which definition is used."""
    supplementary_defence_local_bn: dict[str, NonNegative] = Field(
        default_factory=dict, json_schema_extra={"unit": "bn local currency"}
    )
    """Supplementary defence budgets by year, same definition as ``defence_budget_local_bn``. They count towards
    a spending target only on the ``initial_plus_supplementary`` basis (``planning.budget_basis``)."""
    related_security_local_bn: dict[str, NonNegative] = Field(
        default_factory=dict, json_schema_extra={"unit": "bn local currency"}
    )
    """Security-related spending outside the defence budget by year (initial budgets; e.g. Japan's coast guard,
    public infrastructure, research and cyber items counted in its 2% target). Counted towards a target that
    says ``counts_related``."""
    social_security_local_bn: dict[str, NonNegative] = Field(
        default_factory=dict, json_schema_extra={"unit": "bn local currency"}
    )
    """Central-government social-security spending by year (where relevant)."""
    social_security_growth_local_bn_per_year: NonNegative | None = unit("bn local currency/year", default=None)
    """Yearly 'natural increase' of social-security spending."""
    debt_pct_gdp: NonNegative | None = unit("% of GDP", default=None)
    """Government gross debt."""
    personnel: Personnel | None = None
    """Military personnel and recruitment."""
    industrial_capacity: dict[str, IndustrialCapacity] = Field(default_factory=dict)
    """Ceiling and ramp-up of munitions output, keyed by munition id."""
    political_decision_delay_days: NonNegative | None = unit("days", default=None)
    """Days from unambiguous warning to a political decision to commit forces."""
    budget_share_of_gdp_target: Fraction | None = unit("fraction of GDP", default=None)
    """A declared spending target (e.g. 0.02 for Japan's 2% goal)."""
