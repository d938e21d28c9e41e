"""Capability classes, bases, theatres, munitions, command structures and roles."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Fraction, Identifier, Label, NonNegative, Sourced, Strict, unit

Domain = Literal[
    "air", "surface", "subsurface", "amphibious", "ground", "missile", "air_defence", "isr", "logistics", "c2"
]


class MissionArea(Strict):
    """A mission area of the roles matrix (e.g. air defence, anti-surface warfare)."""

    name: Label
    """Display names."""
    description: str = ""
    """What the mission area covers."""


class CombatProfile(Strict):
    """Per-unit combat parameters of a capability class (most are notional)."""

    sorties_per_day: NonNegative | None = unit("sorties/aircraft/day", default=None)
    """Maximum sortie rate per aircraft with full runways and maintenance."""
    combat_radius_km: NonNegative | None = unit("km", default=None)
    """Unrefuelled combat radius (aircraft) or reach (other platforms)."""
    air_to_air_kills_per_sortie: NonNegative | None = unit("kills/sortie", default=None)
    """Expected enemy aircraft destroyed per air-superiority sortie against a peer."""
    weapons_per_sortie: NonNegative | None = unit("missiles/sortie", default=None)
    """Stand-off weapons carried per strike sortie."""
    launch_cells: NonNegative | None = unit("missiles/salvo", default=None)
    """Missiles a unit can launch in one salvo (ship cells, launcher tubes)."""
    interceptors_per_salvo: NonNegative | None = unit("missiles/salvo", default=None)
    """Incoming missiles a unit can engage in one salvo (Hughes' defensive power a3)."""
    hits_to_kill: NonNegative | None = unit("hits", default=None)
    """Hits that put one unit out of action (Hughes' staying power a1)."""
    lift_troops: NonNegative | None = unit("troops/trip", default=None)
    """Troops one unit carries ashore per trip (amphibious and sealift classes)."""
    ship_kills_per_day: NonNegative | None = unit("ships/day", default=None)
    """Expected enemy ships sunk per day on patrol (submarines)."""
    loss_rate_per_day: Fraction | None = unit("fraction/day", default=None)
    """Fraction of units lost per day in contested operations."""
    troops: NonNegative | None = unit("troops", default=None)
    """Personnel strength of one ground unit."""


class CapabilityClass(Strict):
    """A type of force element (e.g. F-35A, Aegis destroyer, attack submarine)."""

    name: Label
    """Display names."""
    domain: Domain
    """Operating domain; determines which campaign phase uses the class."""
    mission_areas: list[Identifier] = Field(default_factory=list)
    """Mission areas the class contributes to (ids of ``mission_areas``)."""
    unit_cost_musd: NonNegative | None = unit("million USD", default=None)
    """Acquisition cost per unit."""
    crew_per_unit: NonNegative | None = unit("persons", default=None)
    """Personnel needed to operate one unit (crew and direct maintenance)."""
    combat: CombatProfile = Field(default_factory=CombatProfile)
    """Combat parameters used by the campaign engine."""


class Theatre(Sourced):
    """A geographic focus of a scenario (the point distances are measured to)."""

    name: Label
    """Display names."""
    lat_deg: float = unit("degrees north", ge=-90, le=90)
    """Latitude of the theatre's reference point."""
    lon_deg: float = unit("degrees east", ge=-180, le=180)
    """Longitude of the theatre's reference point."""


AccessLevel = Literal["full", "restricted", "denied"]


class Base(Sourced):
    """An air, naval or ground base (the ``source`` covers the coordinates)."""

    name: Label
    """Display names."""
    host: Identifier
    """Actor id of the host nation."""
    kind: Literal["air", "naval", "ground", "mixed", "source"]
    """What the base mainly supports; ``source`` marks distant reinforcement pools (e.g. CONUS)."""
    lat_deg: float = unit("degrees north", ge=-90, le=90)
    """Latitude."""
    lon_deg: float = unit("degrees east", ge=-180, le=180)
    """Longitude."""
    runways: NonNegative | None = unit("runways", default=None)
    """Usable runways (air bases)."""
    hardened_shelters: NonNegative | None = unit("aircraft", default=None)
    """Aircraft that hardened shelters can protect."""
    runway_repair_days: NonNegative | None = unit("days", default=None)
    """Days to restore a cratered runway to operation."""
    access_exceptions: dict[Identifier, AccessLevel] = Field(default_factory=dict)
    """Per-scenario access rule for this base that differs from the scenario's host-nation level (key: scenario id)."""


class Holding(Sourced):
    """One actor's stock and production of a munition."""

    stockpile: float = unit("rounds", ge=0)
    """Rounds on hand at the start of the scenario."""
    production_per_year: float = unit("rounds/year", ge=0)
    """Current peacetime production rate."""
    surge_per_year: float = unit("rounds/year", ge=0)
    """Production rate reachable in wartime surge."""
    lead_time_months: float = unit("months", ge=0)
    """Months from order (or surge decision) to first delivery."""

    @model_validator(mode="after")
    def _surge_at_least_production(self):
        if self.surge_per_year < self.production_per_year:
            raise ValueError(
                f"surge_per_year ({self.surge_per_year:g}) is below production_per_year "
                f"({self.production_per_year:g}) — surge cannot be slower than peacetime output"
            )
        return self


class Munition(Strict):
    """A missile or other expendable weapon."""

    name: Label
    """Display names."""
    role: Literal["anti_ship", "land_attack", "air_to_air", "air_defence", "ballistic_missile_defence", "multi"]
    """Primary use."""
    range_km: NonNegative = unit("km")
    """Maximum range."""
    unit_cost_musd: NonNegative = unit("million USD")
    """Cost per round."""
    launch_platforms: list[Identifier] = Field(default_factory=list)
    """Capability classes that can fire it."""
    effectiveness: dict[str, Fraction] = Field(default_factory=dict)
    """Probability that one round that reaches the target kills/disables it, by target kind (ship, aircraft_on_ground, missile, ...)."""
    holdings: dict[Identifier, Holding] = Field(default_factory=dict)
    """Stockpile and production by actor id."""


class Headquarters(Strict):
    """A node in a command structure."""

    name: Label
    """Display names."""
    actor: Identifier
    """Actor the headquarters belongs to."""
    kind: Literal["national", "headquarters", "component"]
    """National command authority, an operational headquarters, or a force component."""
    decision_latency_hours: NonNegative = unit("hours")
    """Time the node takes to turn an order into orders for its subordinates."""
    commands_domains: list[str] = Field(default_factory=list)
    """For components: the domains of force it commands (air, surface, ...)."""


class CommandLink(Sourced):
    """A directed command or coordination link between two headquarters."""

    from_hq: Identifier
    """Superior (or coordinating) node."""
    to_hq: Identifier
    """Subordinate node."""
    latency_hours: float = unit("hours", ge=0)
    """Transmission and coordination delay along the link."""
    kind: Literal["command", "coordination"] = "command"
    """Command authority, or coordination between peers (e.g. across the alliance)."""


class CommandStructure(Sourced):
    """A graph of headquarters with decision latencies."""

    name: Label
    """Display names."""
    description: str = ""
    """What the structure represents."""
    nodes: dict[Identifier, Headquarters]
    """Headquarters and components, keyed by id."""
    links: list[CommandLink]
    """Directed links between nodes."""


RoleKind = Literal["primary", "supporting", "none"]


class RolesMatrix(Sourced):
    """Who does what: mission areas × actors, primary or supporting."""

    name: Label
    """Display names."""
    roles: dict[Identifier, dict[Identifier, RoleKind]]
    """Mission-area id → actor id → role."""
