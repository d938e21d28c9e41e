"""Crisis scenarios: the shared, diffable description of a contingency."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Fraction, Identifier, Label, NonNegative, Quantity, Sourced, Strict, unit
from .forces import AccessLevel

InterventionLevel = Literal["none", "supplies_only", "air_sea", "air_sea_ground", "escalation"]
INTERVENTION_LEVELS: tuple[str, ...] = ("none", "supplies_only", "air_sea", "air_sea_ground", "escalation")


class Participant(Strict):
    """An actor's part in a scenario."""

    side: Literal["blue", "red"]
    """Blue defends against the adversary's objective; red pursues it."""
    commitment: Fraction = unit("fraction of inventory")
    """Share of the actor's listed forces committed to the theatre."""
    decision_delay_days: Quantity | None = unit("days", default=None)
    """Scenario-specific political decision delay; overrides the actor's default."""


class Phase(Sourced):
    """A named phase of the campaign timeline (day 0 = start of hostilities)."""

    name: str
    """Phase name, e.g. 'initial response'."""
    start_day: float = unit("days from D-day")
    """First day of the phase (may be negative: the warning period)."""
    end_day: float = unit("days from D-day")
    """Last day of the phase."""


class Reinforcement(Sourced):
    """Forces that arrive in theatre during the scenario."""

    actor: Identifier
    """Owning actor."""
    capability: Identifier
    """Capability class id."""
    count: float = unit("units", ge=0)
    """Number of units."""
    origin: Identifier
    """Base id they come from (e.g. guam, hawaii, conus)."""
    destination: Identifier
    """Base id they deploy to."""
    arrival_day: float = unit("days from D-day")
    """Day they become available at the destination."""


class Scenario(Strict):
    """A crisis scenario that allies can share, diff and simulate."""

    name: Label
    """Display names."""
    description: str
    """What happens, in a few sentences."""
    theatre: Identifier
    """Theatre id (distances are measured to its reference point)."""
    adversary: Identifier
    """Actor id of the side pursuing the objective."""
    objective: Literal["invasion", "island_seizure", "blockade", "land_offensive"]
    """The adversary's aim."""
    us_intervention: Literal["none", "supplies_only", "air_sea", "air_sea_ground", "escalation"]
    """How the United States (or the ``intervening_actor``) intervenes."""
    intervening_actor: Identifier = "USA"
    """The actor whose intervention level ``us_intervention`` sets (the United States by default)."""
    basing_access: dict[Identifier, AccessLevel] = Field(default_factory=dict)
    """Host actor id → access granted to allied forces on its bases (full: combat operations; restricted: logistics and defence only; denied: none)."""
    participants: dict[Identifier, Participant]
    """Actors taking part, keyed by actor id."""
    warning_days: NonNegative = unit("days")
    """Strategic warning before hostilities begin."""
    fait_accompli_window_days: NonNegative = unit("days")
    """Days the adversary needs to present a fait accompli if unopposed."""
    duration_days: NonNegative = unit("days")
    """Length of the simulated campaign."""
    objective_troops_ashore: NonNegative | None = unit("troops", default=None)
    """Troops the adversary must sustain ashore to achieve its objective (landing scenarios)."""
    phases: list[Phase] = Field(default_factory=list)
    """Campaign phases in time order."""
    reinforcements: list[Reinforcement] = Field(default_factory=list)
    """Scheduled arrivals from Hawaii, Guam, CONUS and elsewhere."""
    weight: NonNegative = unit("relative weight")
    """Relative weight in scenario-weighted deterrence (normalised over the scenarios in use)."""
    command_structure: Identifier
    """Command-structure id in force."""
    roles: Identifier
    """Roles-matrix id in force."""
