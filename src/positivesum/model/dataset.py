"""The root of an alliance dataset: everything a scenario run needs."""

from __future__ import annotations

from pydantic import Field

from .actors import Actor
from .base import Identifier, NonNegative, Strict
from .engine import EngineParameters
from .forces import Base, CapabilityClass, CommandStructure, MissionArea, Munition, RolesMatrix, Theatre
from .options import Option
from .planning import PlanningParameters
from .scenarios import Scenario


class SourceRef(Strict):
    """A citation in the source registry, referred to by key from ``source:`` fields."""

    title: str
    """Title of the document or page."""
    url: str | None = None
    """Where to find it."""
    publisher: str | None = None
    """Publisher or author."""
    date: str | None = None
    """Publication date (as text, e.g. '2023-01-09')."""


class Dataset(Strict):
    """A complete, validated alliance dataset (after imports and overrides)."""

    title: str = "untitled dataset"
    """Human-readable name of the dataset."""
    description: str = ""
    """What the dataset covers."""
    sources: dict[Identifier, SourceRef] = Field(default_factory=dict)
    """Citation registry; ``source: key`` elsewhere refers here."""
    mission_areas: dict[Identifier, MissionArea] = Field(default_factory=dict)
    """Mission areas of the roles matrix."""
    actors: dict[Identifier, Actor] = Field(default_factory=dict)
    """States, keyed by short id (e.g. USA, JPN, PRC, TWN)."""
    theatres: dict[Identifier, Theatre] = Field(default_factory=dict)
    """Geographic foci of scenarios."""
    capability_classes: dict[Identifier, CapabilityClass] = Field(default_factory=dict)
    """Types of force element."""
    bases: dict[Identifier, Base] = Field(default_factory=dict)
    """Bases and reinforcement sources."""
    forces: dict[Identifier, dict[Identifier, dict[Identifier, NonNegative]]] = Field(default_factory=dict)
    """Inventories: actor id → capability class id → base id → number of units."""
    munitions: dict[Identifier, Munition] = Field(default_factory=dict)
    """Missiles and other expendables with stocks and production."""
    command_structures: dict[Identifier, CommandStructure] = Field(default_factory=dict)
    """Alternative command structures."""
    roles: dict[Identifier, RolesMatrix] = Field(default_factory=dict)
    """Roles matrices (e.g. the 2015 Guidelines baseline)."""
    scenarios: dict[Identifier, Scenario] = Field(default_factory=dict)
    """Crisis scenarios."""
    options: dict[Identifier, Option] = Field(default_factory=dict)
    """The options catalogue for the planner."""
    engine: EngineParameters | None = None
    """Notional parameters of the campaign engine (one set for every scenario)."""
    planning: PlanningParameters | None = None
    """Parameters of the positive-sum planner."""
