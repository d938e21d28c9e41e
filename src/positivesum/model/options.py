"""The options catalogue: pre-costed investments the planner can choose."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from .base import Identifier, Label, Sourced, Strict, unit


class CostProfile(Strict):
    """Money an option needs, by year from the start of the plan (million USD, constant)."""

    acquisition_musd: list[float] = Field(json_schema_extra={"unit": "million USD per year"})
    """Acquisition outlay in plan year 1, 2, ... (list length = years of spending)."""
    operating_musd_per_year: float = unit("million USD/year", ge=0)
    """Operating and support cost for every year after the option enters service."""

    @model_validator(mode="after")
    def _no_negative_outlay(self) -> Self:
        bad = [i for i, v in enumerate(self.acquisition_musd) if v < 0]
        if bad:
            raise ValueError(
                f"acquisition_musd[{bad[0]}] is negative — costs are outlays; write savings as a separate option effect"
            )
        return self


class Effect(Strict):
    """How an option changes a model parameter once it enters service."""

    target: str
    """Dotted path into the dataset; ``{actor}`` is replaced by the buying actor (e.g. ``forces.{actor}.f35a.kadena``)."""
    operation: Literal["add", "multiply", "set"]
    """How the value is applied to the target's ``value``."""
    value: float
    """The amount added, the factor, or the new value."""


class Option(Sourced):
    """One pre-costed investment (the ``source``/``estimate`` covers its costs and effects)."""

    name: Label
    """Display names."""
    category: Literal[
        "air",
        "sea",
        "undersea",
        "missiles",
        "munitions_production",
        "drones",
        "isr",
        "air_missile_defence",
        "hardening_dispersal_repair",
        "c2",
        "logistics",
        "personnel_automation",
        "posture",
    ]
    """Investment area."""
    eligible_actors: list[Identifier]
    """Actors that may buy the option."""
    mission_areas: list[Identifier] = Field(default_factory=list)
    """Mission areas the option contributes to."""
    cost: CostProfile
    """Cost profile."""
    personnel: float = unit("persons")
    """Extra personnel needed once in service (negative: personnel freed, e.g. automation)."""
    lead_time_years: float = unit("years", ge=0)
    """Years from decision to entry into service."""
    prerequisites: list[Identifier] = Field(default_factory=list)
    """Options that must be chosen (by the same actor) first."""
    exclusions: list[Identifier] = Field(default_factory=list)
    """Options that cannot be chosen together with this one."""
    effects: list[Effect] = Field(default_factory=list)
    """Changes to model parameters once in service."""
