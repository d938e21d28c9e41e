"""Roles matrices derived from forces and plans, diffed against a baseline (e.g. the 2015 Guidelines).

An actor's weight in a mission area is its *capital* there: the units of every capability
class serving the area at unit value, plus the stocks of the munitions those classes fire
(the same measure the planner's levers use, plan/levers.py). In a scenario only the forces
committed to it count (commitment share; the intervening actor only in the domains its
intervention level commits, sim/setup.py LEVEL_DOMAINS).

Role rule (docs/methodology/alliance.md §5): with share_{a,m} = capital_{a,m} / Σ_b capital_{b,m},
an actor is *primary* if share ≥ primary_share or it holds the largest share, *supporting* if
share ≥ supporting_share, else *none*. Thresholds are notional and can be changed per run.

A *gap* is a mission area the scenarios need (some allied capital or a baseline entry) with
no primary actor. A *duplicate* is an area with two or more primaries where more capability
adds no deterrence (the surrogate's weighted marginal value is ~0): both lead, without need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..model.dataset import Dataset
from ..plan.levers import area_classes, class_value_musd
from ..sim.setup import LEVEL_DOMAINS

ROLE_ORDER = {"none": 0, "supporting": 1, "primary": 2}
DEFAULT_PRIMARY_SHARE = 0.4
DEFAULT_SUPPORTING_SHARE = 0.05
#: Weighted deterrence per unit of level below which more capability in an area is "not needed".
NEED_THRESHOLD = 1e-3


def capital_by_actor_area(
    ds: Dataset, actors: list[str], areas: list[str], scenario_id: str | None = None
) -> dict[str, dict[str, float]]:
    """Capital (million USD at unit value) per actor and mission area; committed forces only in a scenario."""
    sc = ds.scenarios[scenario_id] if scenario_id else None
    out = {a: {m: 0.0 for m in areas} for a in actors}
    for a in actors:
        commit, domains = 1.0, None
        if sc is not None:
            part = sc.participants.get(a)
            if part is None or part.side != "blue":
                continue
            commit = part.commitment.value
            if a == sc.intervening_actor:
                domains = LEVEL_DOMAINS[sc.us_intervention]
        for m in areas:
            classes = {c for c in area_classes(ds, m) if domains is None or ds.capability_classes[c].domain in domains}
            units = {c: sum(q.value for q in ds.forces.get(a, {}).get(c, {}).values()) for c in classes}
            value = sum(n * class_value_musd(ds, c) for c, n in units.items())
            for mun in ds.munitions.values():
                h = mun.holdings.get(a)
                if h is not None and classes & set(mun.launch_platforms):
                    value += h.stockpile * mun.unit_cost_musd.value
            out[a][m] = commit * value
    return out


def derive_roles(
    capital: dict[str, dict[str, float]],
    areas: list[str],
    *,
    primary_share: float = DEFAULT_PRIMARY_SHARE,
    supporting_share: float = DEFAULT_SUPPORTING_SHARE,
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, float]]]:
    """(roles area → actor → role, shares area → actor → share) from capital."""
    roles: dict[str, dict[str, str]] = {}
    shares: dict[str, dict[str, float]] = {}
    for m in areas:
        total = sum(capital[a][m] for a in capital)
        shares[m] = {a: (capital[a][m] / total if total > 0 else 0.0) for a in capital}
        top = max(shares[m].values()) if shares[m] else 0.0
        roles[m] = {}
        for a, s in shares[m].items():
            if s > 0 and (s >= primary_share or s == top):
                roles[m][a] = "primary"
            elif s >= supporting_share:
                roles[m][a] = "supporting"
            else:
                roles[m][a] = "none"
    return roles, shares


@dataclass(frozen=True)
class RoleCell:
    area: str
    actor: str
    baseline: str
    derived: str
    share: float

    @property
    def change(self) -> str:
        if self.baseline == self.derived:
            return "same"
        return "larger" if ROLE_ORDER[self.derived] > ROLE_ORDER[self.baseline] else "smaller"


def diff_roles(
    baseline: Mapping[str, Mapping[str, str]],
    derived: Mapping[str, Mapping[str, str]],
    shares: dict[str, dict[str, float]],
    actors: list[str],
    areas: list[str],
) -> list[RoleCell]:
    """Cell-by-cell comparison; cells missing from a matrix count as 'none'."""
    return [
        RoleCell(
            m, a, baseline.get(m, {}).get(a, "none"), derived.get(m, {}).get(a, "none"), shares.get(m, {}).get(a, 0.0)
        )
        for m in areas
        for a in actors
    ]


def gaps(roles: Mapping[str, Mapping[str, str]], needed_areas: list[str]) -> list[str]:
    """Needed mission areas where no actor is primary."""
    return [m for m in needed_areas if not any(r == "primary" for r in roles.get(m, {}).values())]


def duplicates(
    roles: Mapping[str, Mapping[str, str]], marginal_value: dict[str, float], threshold: float = NEED_THRESHOLD
) -> list[dict]:
    """Areas with several primaries; ``needed`` is False when more capability adds no deterrence."""
    out = []
    for m, cell in roles.items():
        primaries = sorted(a for a, r in cell.items() if r == "primary")
        if len(primaries) >= 2:
            value = marginal_value.get(m, 0.0)
            out.append(
                {"area": m, "actors": primaries, "marginal_deterrence_per_level": value, "needed": value > threshold}
            )
    return out


def marginal_value(
    sur, weights: dict[str, float], levels: dict[str, dict[str, float]], step: float = 0.05
) -> dict[str, float]:
    """Weighted deterrence gained per unit of level in each area, at the plan's levels (surrogate slope)."""
    total = sum(weights.get(s, 0.0) for s in sur.scenarios) or 1.0
    out = {}
    for m in sur.areas:
        gain = 0.0
        for s in sur.scenarios:
            x = dict(levels.get(s, {}))
            here = sur.predict(s, x)
            x[m] = x.get(m, 0.0) + step
            gain += weights.get(s, 0.0) / total * (sur.predict(s, x) - here) / step
        out[m] = gain
    return out
