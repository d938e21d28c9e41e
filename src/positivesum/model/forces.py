"""Capability classes, bases, theatres, munitions, command structures and roles."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from .base import Fraction, Identifier, Label, NonNegative, Sourced, Strict, unit

Domain = Literal[
    "air", "surface", "subsurface", "amphibious", "ground", "missile", "air_defence", "isr", "logistics", "c2"
]

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
"""A calendar date at the precision known: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
SCHEDULE_DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?|(JFY|FY|CY)\d{4})$"
"""A date in a schedule: a calendar date (``YYYY[-MM[-DD]]``) or a fiscal year (``JFY2027``, ``FY2026``)."""


def year_of_date(date: str) -> int:
    """The calendar (or fiscal) year of a date string matching :data:`SCHEDULE_DATE_PATTERN`."""
    digits = date[-4:] if date[:1].isalpha() else date[:4]
    return int(digits)


class Milestone(Sourced):
    """A dated step in a programme's or a posture's schedule, done or planned (e.g. a first deployment)."""

    date: str = Field(pattern=SCHEDULE_DATE_PATTERN)
    """When: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a fiscal year such as ``JFY2027``."""
    event: str
    """What happens (or happened), in a sentence."""
    actor: Identifier | None = None
    """Actor concerned, where the record covers several."""
    status: Literal["done", "planned", "unknown"] = "done"
    """``done`` (reported as having happened), ``planned`` (announced, in the future at the source's date) or
    ``unknown`` (due, but no public report of whether or what was delivered)."""
    note: str | None = None
    """Anything else a reader should know."""


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
    aircraft_capacity: NonNegative | None = unit("aircraft", default=None)
    """Combat and support aircraft the base can operate at once (ramp and parking space, fuel and munitions
    handling). Aircraft moved here because another host refuses access fill what the data's own forces leave;
    the rest move on to the next own base, or cannot fight if there is none (RAND, Shlapak et al. 2009,
    *A Question of Balance*: ramp space at Guam limits what the US can fly from it). None: no limit stated."""
    reloads_ships: bool = True
    """Whether ships can reload their missile cells here (a port with munitions handling). False for an
    operating area at sea: ships stationed there reload at the nearest port their actor may use."""
    access_exceptions: dict[Identifier, AccessLevel] = Field(default_factory=dict)
    """Per-scenario access rule for this base that differs from the scenario's host-nation level (key: scenario id)."""
    stationed_personnel: dict[Identifier, NonNegative] = Field(
        default_factory=dict, json_schema_extra={"unit": "persons"}
    )
    """Personnel stationed at the base by actor id (for reference: the campaign engine counts units, not people)."""
    milestones: list[Milestone] = Field(default_factory=list)
    """Dated steps of the base's posture (relocations, openings), done or planned."""


class RatePoint(Sourced):
    """One production rate, the date it refers to, and where it comes from."""

    per_year: float = unit("rounds/year", ge=0)
    """The rate."""
    date: str = Field(pattern=DATE_PATTERN)
    """For a delivered rate, the year it was delivered in; for a contracted rate, the year the contract reaches
    it; for a framework target, the date the agreement was signed (the ramp starts then)."""
    note: str | None = None
    """Anything else a reader should know (status of the contract, what the figure includes)."""


class SupplyCap(Sourced):
    """A documented supply-chain limit on a production line (e.g. a component such as a seeker in short supply)."""

    per_year: float = unit("rounds/year", ge=0)
    """Most rounds a year the line can deliver while the limit holds."""
    until: str | None = Field(default=None, pattern=DATE_PATTERN)
    """Year the limit is expected to lift (the cap applies to earlier years); omit if no end is known."""
    note: str | None = None
    """What limits the line."""


RateBasis = Literal["delivered", "contracted", "framework_target"]


class ProductionRates(Strict):
    """A holding's production three ways (delivered, contracted, framework target), each dated and sourced, and
    the year-by-year path that a scenario set in a given year uses (:meth:`Holding.production_in`).

    The path starts at the delivered rate; with ``basis: contracted`` it moves linearly to the contracted rate by
    the contract's year; with ``basis: framework_target`` it then ramps linearly from the signing year to the
    target over ``ramp_years`` (never below the contracted path); documented supply caps hold it down until they
    lift. Years before the delivered rate's year keep the delivered rate."""

    delivered: RatePoint
    """Rate actually delivered (rounds in a year), with its year."""
    contracted: RatePoint | None = None
    """Rate on contract, with the year it is reached."""
    framework_target: RatePoint | None = None
    """Rate a framework agreement aims at, with the date it was signed (an ambition, not a contract)."""
    ramp_years: NonNegative | None = unit("years", default=None)
    """Years from the framework's signing to its target rate (the agreements of Jan-Feb 2026 run seven years);
    required with ``framework_target``."""
    caps: list[SupplyCap] = Field(default_factory=list)
    """Documented supply-chain limits on the line."""
    basis: RateBasis = "framework_target"
    """Which rate the path follows: ``delivered`` (today's rate held), ``contracted`` (the delivered rate moving
    to the contracted one) or ``framework_target`` (the contracted path, then the ramp to the target)."""

    @model_validator(mode="after")
    def _ramp_with_target(self) -> Self:
        if self.framework_target is not None and self.ramp_years is None:
            raise ValueError(
                "has a framework_target but no ramp_years — say over how many years the target is reached "
                "(e.g. ramp_years: {value: 7, source: ...})"
            )
        return self

    def _contracted_path(self, year: float) -> float:
        d, d_year = self.delivered.per_year, year_of_date(self.delivered.date)
        if self.contracted is None:
            return d
        c, c_year = self.contracted.per_year, year_of_date(self.contracted.date)
        if year <= d_year or c_year <= d_year:
            return d if year <= d_year else c
        return d + (c - d) * min(1.0, (year - d_year) / (c_year - d_year))

    def path(self, year: float) -> float:
        """Rounds a year the line delivers in calendar year ``year`` under :attr:`basis`, within the caps."""
        if self.basis == "delivered":
            rate = self.delivered.per_year
        else:
            rate = self._contracted_path(year)
            target = self.framework_target
            if self.basis == "framework_target" and target is not None and self.ramp_years is not None:
                start = year_of_date(target.date)
                if year > start:
                    v0 = self._contracted_path(start)
                    span = max(self.ramp_years.value, 1e-9)
                    rate = max(rate, v0 + (target.per_year - v0) * min(1.0, (year - start) / span))
        for cap in self.caps:
            if cap.until is None or year < year_of_date(cap.until):
                rate = min(rate, cap.per_year)
        return rate


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
    rates: ProductionRates | None = None
    """Production rates delivered, contracted and targeted, each dated and sourced; a scenario set in a given year
    uses the rate for that year (:meth:`production_in`). Without it the production is ``production_per_year``."""

    @model_validator(mode="after")
    def _surge_at_least_production(self) -> Self:
        if self.surge_per_year < self.production_per_year:
            raise ValueError(
                f"surge_per_year ({self.surge_per_year:g}) is below production_per_year "
                f"({self.production_per_year:g}) — surge cannot be slower than peacetime output"
            )
        return self

    def production_in(self, year: float | None) -> float:
        """Peacetime production (rounds/year) in calendar year ``year``: ``production_per_year`` plus what the
        rates' path adds over the delivered rate by then (so additions to ``production_per_year``, e.g. an
        option's effect, are kept); today's ``production_per_year`` without a year or without rates."""
        if year is None or self.rates is None:
            return self.production_per_year
        return self.production_per_year + max(0.0, self.rates.path(year) - self.rates.delivered.per_year)

    def surge_in(self, year: float | None) -> float:
        """Wartime surge rate in ``year``: ``surge_per_year``, never below that year's peacetime production."""
        return max(self.surge_per_year, self.production_in(year))


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
    milestones: list[Milestone] = Field(default_factory=list)
    """Dated steps of the munition's fielding (orders, first deliveries, deployments), done or planned."""


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
    milestones: list[Milestone] = Field(default_factory=list)
    """Dated steps towards (or of) this structure: decisions, phases put in place, phases pending."""


RoleKind = Literal["primary", "supporting", "none"]


class RolesMatrix(Sourced):
    """Who does what: mission areas × actors, primary or supporting."""

    name: Label
    """Display names."""
    roles: dict[Identifier, dict[Identifier, RoleKind]]
    """Mission-area id → actor id → role."""
