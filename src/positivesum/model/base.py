"""Shared schema pieces: the strict base model, sourced quantities, labels.

Every number in a data file is a :class:`Quantity` (or sits in a record that
carries ``source:`` or ``estimate:``). A quantity keeps its citation or the
reasoning behind an estimate, its confidence, and optionally a low–high range
that the simulation can sample from.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..defaults import MAX_DATA_NUMBER

Confidence = Literal["H", "M", "L", "notional"]


class Strict(BaseModel):
    """Frozen, unknown keys rejected, field docstrings become the reference docs; every number finite (no NaN,
    no infinity) and within ±MAX_DATA_NUMBER (docs/reference/limits.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _within_limit(cls, value: Any) -> Any:
        items = value if isinstance(value, (list, tuple)) else value.values() if isinstance(value, dict) else (value,)
        for x in items:
            if isinstance(x, float) and abs(x) > MAX_DATA_NUMBER:
                raise ValueError(
                    f"{x:g} is beyond ±{MAX_DATA_NUMBER:g}, the largest magnitude a data value may have — check "
                    "the unit and the exponent (e.g. 1e3, not 1e30); see docs/reference/limits.md"
                )
        return value


class Sourced(Strict):
    """Mixin for records whose numbers share one citation or estimate note."""

    source: str | None = None
    """A citation: a key of the top-level ``sources:`` registry, or a free-text reference with a URL."""
    estimate: str | None = None
    """If not directly sourced: the reasoning behind the value (how it was derived, from what)."""
    confidence: Confidence | None = None
    """H = official/primary; M = single secondary or derived; L = weak or disputed; notional = a modelling assumption to be overridden."""

    @model_validator(mode="after")
    def _needs_provenance(self) -> Self:
        if not self.source and not self.estimate:
            raise ValueError(
                "has no `source:` or `estimate:` — add a citation (source) or the reasoning behind it (estimate)"
            )
        return self


class Quantity(Sourced):
    """A number with its provenance and an optional uncertainty range."""

    value: float
    """The central (most likely) value, in the unit the field names."""
    low: float | None = None
    """Lower end of the plausible range, same unit (optional)."""
    high: float | None = None
    """Upper end of the plausible range, same unit (optional)."""
    year: str | None = None
    """The year the figure refers to, e.g. 'JFY2025' or '2024' (optional)."""
    note: str | None = None
    """Anything else a reader should know about this value."""

    @model_validator(mode="after")
    def _range_brackets_value(self) -> Self:
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low ({self.low:g}) is above value ({self.value:g}) — set low <= value <= high")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high ({self.high:g}) is below value ({self.value:g}) — set low <= value <= high")
        return self

    def bounds(self) -> tuple[float, float]:
        """The (low, high) range, collapsing to the value where no range is given."""
        return (self.value if self.low is None else self.low, self.value if self.high is None else self.high)


def _nonneg(q: Quantity) -> Quantity:
    if min([q.value] + [v for v in (q.low, q.high) if v is not None]) < 0:
        raise ValueError(f"is negative ({q.value:g}) — this quantity cannot be below zero")
    return q


def _fraction(q: Quantity) -> Quantity:
    vals = [q.value] + [v for v in (q.low, q.high) if v is not None]
    if min(vals) < 0 or max(vals) > 1:
        raise ValueError(f"must be a fraction between 0 and 1, got {q.value:g} — write 0.35 for 35%")
    return q


NonNegative = Annotated[Quantity, AfterValidator(_nonneg)]
Fraction = Annotated[Quantity, AfterValidator(_fraction)]


def unit(name: str, **kw: Any) -> Any:
    """Field metadata carrying the unit, shown in the schema reference (``Any``, like pydantic's ``Field``)."""
    return Field(json_schema_extra={"unit": name}, **kw)


class Label(Strict):
    """A name in English and Japanese (briefings are bilingual)."""

    en: str
    """English label."""
    ja: str
    """Japanese label (日本語表記)."""


Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
