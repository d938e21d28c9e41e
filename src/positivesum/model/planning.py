"""Planning parameters: horizon, budgets by regime, spending-target presets, host-nation support, threat growth
and surrogate settings."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from .base import Fraction, Identifier, Label, NonNegative, Sourced, Strict, unit
from .forces import DATE_PATTERN, SCHEDULE_DATE_PATTERN

BudgetBasis = Literal["initial", "initial_plus_supplementary"]
LeverBasis = Literal["effect", "cost"]
BUDGET_BASES: tuple[str, ...] = ("initial", "initial_plus_supplementary")


def _related_within_target(share: float, related: float | None) -> None:
    if related is not None and related > share:
        raise ValueError(
            f"related_share_of_gdp ({related:g}) is above the target share ({share:g}) — the related part is "
            "a part of the target (NATO: 1.5 of 5 points)"
        )


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
    counts_related: bool = False
    """The target counts security-related spending outside the defence budget (the actor's
    ``related_security_local_bn``), as Japan's 2% target does; only the defence part of the increment funds the
    catalogue."""
    related_share_of_gdp: float | None = unit("fraction of GDP", default=None, ge=0, le=0.2)
    """With ``counts_related``: the part of the target that is security-related spending (NATO's 1.5 of 5
    points). Omit to hold related spending at today's share, so all growth is defence."""

    @model_validator(mode="after")
    def _related_part(self) -> Self:
        _related_within_target(self.target_share_of_gdp, self.related_share_of_gdp)
        return self


class TargetPreset(Sourced):
    """A named spending target for the regimes (``--preset NAME`` or ``--target ACTOR=NAME``), with its source."""

    name: Label
    """Display names."""
    actor: Identifier = "JPN"
    """Actor the preset applies to with ``--preset`` (``--target ACTOR=NAME`` applies it to another)."""
    share_of_gdp: Fraction = unit("fraction of GDP")
    """Spending reached by ``target_year`` as a share of GDP; a pending target gives its plausible range."""
    target_year: float = unit("calendar year", ge=2000, le=2100)
    """Year the share is reached (linear ramp from today)."""
    reference_gdp_year: float | None = unit("calendar year", default=None, ge=2000, le=2100)
    """If the share is of a fixed year's GDP (Japan's 2%: FY2022 GDP), that year; omit for current GDP."""
    basis: BudgetBasis | None = None
    """Counting basis the preset is defined on (``initial`` or ``initial_plus_supplementary``); omit to use
    ``planning.budget_basis``."""
    counts_related: bool = False
    """The share counts security-related spending outside the defence budget (Japan's 2%; NATO's 5%)."""
    related_share_of_gdp: float | None = unit("fraction of GDP", default=None, ge=0, le=0.2)
    """Part of the share that is security-related spending (NATO: 0.015 of 0.05); it buys nothing in the
    catalogue."""

    @model_validator(mode="after")
    def _related_part(self) -> Self:
        _related_within_target(self.share_of_gdp.value, self.related_share_of_gdp)
        if self.related_share_of_gdp is not None and not self.counts_related:
            raise ValueError("gives related_share_of_gdp without counts_related: true — set both or neither")
        return self


class HostNationSupport(Sourced):
    """A host-nation support agreement (Japan: the Special Measures Agreement), an input of the cost-transfer
    regime (docs/methodology/planning.md §5)."""

    payer: Identifier
    """Host nation that pays."""
    receiver: Identifier
    """Actor whose forces it supports."""
    total_local_bn: NonNegative = unit("bn payer currency")
    """Total over the agreement's term."""
    first_year: str = Field(pattern=SCHEDULE_DATE_PATTERN)
    """First (fiscal) year of the agreement, e.g. ``JFY2022``."""
    last_year: str = Field(pattern=SCHEDULE_DATE_PATTERN)
    """Last (fiscal) year of the agreement, e.g. ``JFY2026``."""
    expires: str = Field(pattern=DATE_PATTERN)
    """Date the agreement expires (``YYYY-MM-DD``)."""
    renewal_factor: NonNegative = unit("ratio")
    """Level of support after expiry relative to the current level (1 = renewed unchanged; the renewal is
    negotiated)."""
    catalogue_share: Fraction = unit("fraction of the support")
    """Share of the support that the cost-transfer regime may spend on the receiver's catalogue options (most
    of it pays local workers, utilities and facilities; 0 counts none)."""
    transfers_after_expiry: bool = True
    """In the cost-transfer regime, new money reaches the receiver only from the first year after expiry (a
    larger transfer needs a new agreement; the current one is not reopened)."""


class CoalitionCondition(Sourced):
    """What an ally needs before it can fight a scenario in a coalition (issue 16; alliance/feasibility.py).

    In a coalition that lacks one of ``requires``, ``actor`` does not fight ``scenarios``: its forces stay out and
    its bases stay closed, as for a non-member, so the coalition gets the value of not fighting them."""

    actor: Identifier
    """The ally the condition applies to."""
    scenarios: list[Identifier]
    """Scenario ids it applies to (ids not in the data are ignored)."""
    requires: list[Identifier] = Field(default_factory=list)
    """Allies that must be members of the coalition (and fight) for ``actor`` to fight."""
    decision: str
    """The decision ``actor`` needs, in words (e.g. recognising a survival-threatening situation)."""


class SurrogateInteraction(Sourced):
    """Two mission areas that complement each other in the deterrence surrogate (a Leontief pair).

    The scarcer of the two, min(x_i, x_j), adds a concave gain h_ij of its own (docs/methodology/planning.md §3;
    decision record 0013)."""

    areas: list[Identifier] = Field(min_length=2, max_length=2)
    """The two mission areas (ids of ``mission_areas``), in any order."""
    mechanism: str
    """Why the pair complements: what one area supplies that the other needs to pay off."""

    @model_validator(mode="after")
    def _two_areas(self) -> Self:
        if self.areas[0] == self.areas[1]:
            raise ValueError(f"names the mission area '{self.areas[0]}' twice — an interaction needs two areas")
        return self


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
    """Nominal replications per simulation when fitting the surrogate; each scenario gets its share by weight and
    duration (plan/allocation.py, docs/methodology/planning.md §5.1)."""
    surrogate_interactions: list[SurrogateInteraction] = Field(default_factory=list)
    """Complementary pairs of mission areas the surrogate fits a joint term for (empty: an additive surrogate)."""
    lever_basis: LeverBasis = "effect"
    """How an option's classes and munitions count towards the surrogate's levels: ``effect`` (their measured effect
    in each scenario relative to balanced growth of the area, and the share of them the scenario commits:
    plan/effects.py, planning.md §3 (effect-based levels)) or ``cost`` (capital at unit cost over the area's capital, the same in every
    scenario: the rule before 2026-12-07). Switch with ``--set planning.lever_basis=cost``."""
    budget_basis: BudgetBasis = "initial"
    """Which budgets count towards today's spending and a target: ``initial`` (initial budgets only, the basis
    Japan's 2% target was set on in 2022) or ``initial_plus_supplementary`` (supplementary budgets counted too, as
    Japan counted them to reach 2% in JFY2025). Switch with ``--set planning.budget_basis=...``."""
    budgets: dict[Identifier, BudgetTarget] = Field(default_factory=dict)
    """Budget targets by actor (actors without one get no new money)."""
    target_presets: dict[Identifier, TargetPreset] = Field(default_factory=dict)
    """Named, sourced spending targets (``--preset NAME``, ``--target ACTOR=NAME``)."""
    negotiation_opening: Identifier | None = None
    """Preset that opens the negotiated regime: every actor but the receiver at that target sets the default
    split of the alliance total (the US position: 5% of GDP, NDS 2026)."""
    host_nation_support: HostNationSupport | None = None
    """Host-nation support agreement, an explicit input of the cost-transfer regime."""
    receiver: Identifier = "USA"
    """Actor that receives the transfers in the cost-transfer regime."""
    coalition_conditions: list[CoalitionCondition] = Field(default_factory=list)
    """What each ally needs before it can fight a scenario in a coalition without some of the others (fair
    shares: a coalition that could not fight a scenario gets the value of not fighting it)."""
