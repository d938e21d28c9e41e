"""The root of an alliance dataset: everything a scenario run needs."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from .actors import Actor
from .base import Identifier, NonNegative, Strict
from .engine import EngineParameters
from .forces import DATE_PATTERN, Base, CapabilityClass, CommandStructure, MissionArea, Munition, RolesMatrix, Theatre
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
    date: str | None = Field(default=None, pattern=DATE_PATTERN + "|^unknown$")
    """Publication date at the precision known (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or ``unknown`` with a
    ``note`` saying what is known instead (never an invented date)."""
    note: str | None = None
    """Anything else about the source, e.g. why its publication date is unknown and what bounds it."""

    @model_validator(mode="after")
    def _unknown_date_explained(self) -> Self:
        if self.date == "unknown" and not (self.note or "").strip():
            raise ValueError("has `date: unknown` but no `note:` — say what is known about when it was published")
        return self


class Dataset(Strict):
    """A complete, validated alliance dataset (after imports and overrides)."""

    title: str = "untitled dataset"
    """Human-readable name of the dataset."""
    description: str = ""
    """What the dataset covers."""
    as_of: str | None = Field(default=None, pattern=DATE_PATTERN)
    """Date the data describe: the latest information the defaults take into account (``YYYY-MM`` or
    ``YYYY-MM-DD``). Shown by `positivesum show`, the briefing and the provenance of every JSON result."""
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
