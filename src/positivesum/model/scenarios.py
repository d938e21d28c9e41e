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
    entry_day: Quantity | None = unit("days from D-day", default=None)
    """Day the participant decides to fight (a political decision: e.g. Japan's recognition of a
    survival-threatening situation, a US decision to intervene). Its forces in theatre may act from then
    (after command latency), its reinforcements leave then (their ``arrival_day`` is counted from D-day
    for a decision on D-day and shifts with this day), and allied forces on its bases may fly combat
    missions from then. Default: ``-warning_acted_on_share × warning_days + decision delay``
    (docs/methodology/campaign.md §2). May be negative (decided before D-day)."""
    paralysis_days: NonNegative | None = unit("days", default=None)
    """Days after its entry during which none of the participant's forces can act, including ground
    troops defending their own soil (surprise, decapitation strikes, confused orders). Default 0."""


class BlockadeStock(Strict):
    """One imported commodity the blockaded side lives on (energy or food)."""

    days_of_stock: NonNegative = unit("days of normal use")
    """Stock on hand when the blockade starts, in days of normal (pre-blockade) consumption."""
    share_of_electricity: Fraction = unit("fraction of generation")
    """Share of electricity generated from this commodity before the blockade (0 for food)."""


EscalationRung = Literal["quarantine", "enforcement", "war_at_sea", "full_war"]
ESCALATION_RUNGS: tuple[str, ...] = ("quarantine", "enforcement", "war_at_sea", "full_war")


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


class DesignerNotes(Strict):
    """The scenario designer's notes: what the scenario assumes, what it leaves out, where its numbers come from."""

    assumes: str
    """The assumptions that drive the outcome (who decides what, when)."""
    leaves_out: str
    """What the scenario (or the engine, for it) does not represent."""
    numbers_from: str
    """Where its numbers come from (sources, calibration, notional choices)."""


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
    """Host actor id → access granted to allied forces on its bases (full: combat operations; restricted: logistics and
    defence only; denied: none)."""
    participants: dict[Identifier, Participant]
    """Actors taking part, keyed by actor id."""
    warning_days: NonNegative = unit("days")
    """Strategic warning before hostilities begin."""
    fait_accompli_window_days: NonNegative = unit("days")
    """Days the adversary needs to present a fait accompli if unopposed."""
    duration_days: NonNegative = unit("days")
    """Length of the simulated campaign."""
    objective_troops_ashore: NonNegative | None = unit("troops", default=None)
    """Troops the adversary needs ashore to hold the whole objective (landing scenarios): the share of the
    objective it can hold is at most troops ashore / this number (docs/methodology/campaign.md §3.7)."""
    objective_depth_km: NonNegative | None = unit("km", default=None)
    """Distance the adversary must advance from its beaches or start line to take the objective (e.g. the
    capital region); the share held grows at the advance rate divided by this depth. Default: the engine's
    ``objective_depth_km``."""
    mobilisation_days: NonNegative | None = unit("days", default=None)
    """Days the adversary needs to bring its landing or offensive force (ground troops and amphibious
    lift, including requisitioned ships) to full readiness. With ``concealed_preparation_days`` it sets the
    share ready on D-day: (concealed + warning) / mobilisation, the rest arriving when mobilisation
    completes. Omit for a force that is ready on D-day."""
    concealed_preparation_days: NonNegative | None = unit("days", default=None)
    """Days of preparation the adversary completes before the allies detect it (before warning starts)."""
    escalation_start: EscalationRung | None = None
    """First rung of the escalation ladder: ``quarantine`` (inspections, no shooting), ``enforcement``
    (blockade runners fired on), ``war_at_sea`` (navies and air forces fight at sea), ``full_war`` (also
    missile strikes on bases). Default: ``quarantine`` for a blockade, ``full_war`` otherwise; a blockade
    climbs the ladder as it fails (§3.9)."""
    blockade_stocks: dict[Identifier, BlockadeStock] = Field(default_factory=dict)
    """Blockade objective: imported commodities of the blockaded side, keyed by commodity id."""
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
    # Added for issue 13 (the dataset as of 2026): a scenario date and the designer's notes.
    year: NonNegative | None = unit("calendar year", default=None)
    """Calendar year the scenario is set in (e.g. 2027, the year the PLA is to be ready): munitions production
    follows each holding's rates for that year (``Holding.rates``). Omit for the dataset's ``as_of`` date
    (today's ``production_per_year``). Forces are the dataset's; a named override projects them."""
    designer_notes: DesignerNotes | None = None
    """What the scenario assumes, what it leaves out and where its numbers come from (shown by `show`)."""
