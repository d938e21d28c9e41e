"""The options catalogue as arrays over (option, plan year), and what options do to the data.

Plan years are 1..H from the plan's base year. An option started in year t
spends ``acquisition_musd[k]`` in year t+k and, from entry into service
(t + lead time) on, ``operating_musd_per_year`` every year.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.dataset import Dataset


@dataclass(frozen=True)
class CatalogueArrays:
    """Numbers the MILP needs, indexed by option (o), start year (t) and year (y)."""

    option_ids: tuple[str, ...]
    actors: tuple[str, ...]
    horizon_years: int
    eligible: np.ndarray  # (O, A) bool
    cost_musd: np.ndarray  # (O, T, Y) money in year y of an option started in year t
    lifecycle_cost_musd: np.ndarray  # (O, T) all acquisition (even beyond the horizon) + operating within it
    in_service: np.ndarray  # (O, T, Y) 1 if started in t and in service in year y
    personnel: np.ndarray  # (O,) persons once in service (negative: freed)
    lead_years: np.ndarray  # (O,)
    prerequisites: tuple[tuple[int, int], ...]  # (option, prerequisite)
    exclusions: tuple[tuple[int, int], ...]  # (option, excluded option), each pair once
    categories: tuple[str, ...]
    mission_areas: tuple[tuple[str, ...], ...]

    def index(self, option_id: str) -> int:
        return self.option_ids.index(option_id)


def build_catalogue(
    ds: Dataset, actors: list[str], horizon_years: int = 10, option_ids: list[str] | None = None
) -> CatalogueArrays:
    """Arrays of cost, service entry and eligibility for the options (all by default)."""
    ids = list(option_ids or ds.options)
    n_o, h = len(ids), horizon_years
    years = np.arange(1, h + 1)
    cost = np.zeros((n_o, h, h))
    service = np.zeros((n_o, h, h))
    lead = np.zeros(n_o)
    for i, oid in enumerate(ids):
        opt = ds.options[oid]
        lead[i] = opt.lead_time_years
        for t in years:
            for k, outlay in enumerate(opt.cost.acquisition_musd):
                if t + k <= h:
                    cost[i, t - 1, t + k - 1] += outlay
            enters = t + math.ceil(opt.lead_time_years)
            for y in years[years >= enters]:
                cost[i, t - 1, y - 1] += opt.cost.operating_musd_per_year
                service[i, t - 1, y - 1] = 1.0
    index = {oid: i for i, oid in enumerate(ids)}
    prereq = tuple((index[o], index[p]) for o in ids for p in ds.options[o].prerequisites if p in index)
    excl = {
        (min(index[o], index[e]), max(index[o], index[e])) for o in ids for e in ds.options[o].exclusions if e in index
    }
    eligible = np.array([[a in ds.options[o].eligible_actors for a in actors] for o in ids], dtype=bool).reshape(
        n_o, len(actors)
    )
    acquisition_total = np.array([sum(ds.options[o].cost.acquisition_musd) for o in ids])
    operating = np.array([ds.options[o].cost.operating_musd_per_year for o in ids])
    lifecycle = acquisition_total[:, None] + operating[:, None] * service.sum(axis=2)
    return CatalogueArrays(
        tuple(ids),
        tuple(actors),
        h,
        eligible,
        cost,
        lifecycle,
        service,
        np.array([ds.options[o].personnel for o in ids], dtype=float),
        lead,
        prereq,
        tuple(sorted(excl)),
        tuple(ds.options[o].category for o in ids),
        tuple(tuple(ds.options[o].mission_areas) for o in ids),
    )


def resolve_target(template: str, actor: str) -> list[str]:
    """The dotted path an effect changes, for the buying actor."""
    return template.replace("{actor}", actor).split(".")


def apply_portfolio(raw: dict[str, Any], ds: Dataset, choices: list[tuple[str, str]], note: str = "") -> dict[str, Any]:
    """A copy of the raw dataset with the effects of the chosen (actor, option) pairs applied.

    Missing force entries are created (a new base for a class, say) with an
    ``estimate`` naming the option; changed quantities keep their citation in a
    ``note`` and say which option changed them.
    """
    data = copy.deepcopy(raw)
    for actor, oid in choices:
        for effect in ds.options[oid].effects:
            path = resolve_target(effect.target, actor)
            node = data
            for part in path[:-1]:
                node = node.setdefault(part, {})
            leaf = path[-1]
            current: Any = node.get(leaf)  # raw data: a record, a number or nothing yet
            record = isinstance(current, dict) and "value" in current
            value = current["value"] if record else (current if isinstance(current, (int, float)) else 0.0)
            new = {"add": value + effect.value, "multiply": value * effect.value, "set": effect.value}[effect.operation]
            if path[0] == "forces":
                new = max(new, 0.0)
            why = f"changed by option '{oid}' bought by {actor}{note}"
            if record:
                node[leaf] = {**current, "value": new, "note": why}
                for bound in ("low", "high"):
                    node[leaf].pop(bound, None)
            elif path[0] == "forces" or current is None:
                node[leaf] = {"value": new, "estimate": why, "confidence": "notional"}
            else:
                node[leaf] = new
                if leaf == "production_per_year" and isinstance(node.get("surge_per_year"), (int, float)):
                    node["surge_per_year"] = max(node["surge_per_year"], new)  # a surge is never below peacetime output
    return data
