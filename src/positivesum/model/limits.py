"""Limits on data values that keep every command within memory and time (docs/reference/limits.md).

The schema refuses NaN, infinity and any number beyond :data:`~positivesum.defaults.MAX_DATA_NUMBER` in
magnitude (:class:`~positivesum.model.base.Strict`); YAML nesting is bounded when files are read
(:mod:`.yamlio`). :func:`check_limits` is the semantic check on a schema-valid dataset: time step, campaign
length and number of time steps, and the planner's whole-number settings (base year, horizon, surrogate
replications). Problems are reported like any other (``file:line: key.path: what — how to fix``).

Counts of units (``forces``, reinforcement ``count``) are real numbers by design: ranges are sampled and
commitments are fractions of an inventory, so a fractional count is an expected value, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import defaults
from .base import Quantity
from .errors import Problem

if TYPE_CHECKING:
    from .checks import _Ctx

LIMITS_DOC = "docs/reference/limits.md"


def _whole(q: Quantity) -> bool:
    return all(v is None or float(v).is_integer() for v in (q.value, q.low, q.high))


def check_limits(c: _Ctx) -> Iterator[Problem]:
    """Time step, campaign length and steps; the planner's whole-number settings."""
    ds = c.ds
    step = ds.engine.time_step_days.value if ds.engine is not None else None
    if step is not None and step <= 0:
        yield c.problem(
            ("engine", "time_step_days", "value"),
            "the time step must be positive, got 0",
            "use a positive step such as 1 (one day) or 0.5",
        )
        step = None
    max_days = defaults.MAX_DURATION_DAYS
    for sid, sc in ds.scenarios.items():
        p = ("scenarios", sid)
        duration = sc.duration_days.value
        if duration <= 0:
            yield c.problem(p + ("duration_days", "value"), "the campaign length must be positive", "give e.g. 30 days")
        for field in ("duration_days", "warning_days"):
            days = getattr(sc, field).value
            if days > max_days:
                yield c.problem(
                    p + (field, "value"),
                    f"{days:g} days exceed the limit of {max_days:g} days",
                    f"the engine models campaigns of weeks; use at most {max_days:g} days (see {LIMITS_DOC})",
                )
    lengths = {
        sid: sc.duration_days.value for sid, sc in ds.scenarios.items() if 0 < sc.duration_days.value <= max_days
    }
    if step is not None and lengths:
        longest = max(lengths, key=lambda s: lengths[s])
        steps = math.ceil(lengths[longest] / step)
        if steps > defaults.MAX_TIME_STEPS:
            yield c.problem(
                ("engine", "time_step_days", "value"),
                f"steps of {step:g} days make {steps:,} time steps in the {lengths[longest]:g}-day scenario "
                f"'{longest}', over the limit of {defaults.MAX_TIME_STEPS:,}",
                f"use a step of at least {lengths[longest] / defaults.MAX_TIME_STEPS:g} days (see {LIMITS_DOC})",
            )
    pp = ds.planning
    if pp is None:
        return
    whole = (
        ("base_year", pp.base_year, 2000, 2100, "a calendar year such as 2026"),
        ("horizon_years", pp.horizon_years, 1, defaults.MAX_HORIZON_YEARS, "e.g. 10 years"),
        ("surrogate_replications", pp.surrogate_replications, 1, defaults.MAX_REPS, "e.g. 200"),
    )
    for name, q, low, high, example in whole:
        path = ("planning", name, "value")
        if not _whole(q):
            yield c.problem(path, f"{q.value:g} is not a whole number", f"give {example}")
        elif not low <= q.value <= high:
            yield c.problem(path, f"{q.value:g} is outside {low:,}–{high:,}", f"give {example} (limits: {LIMITS_DOC})")
