"""Capability levers: how much an investment adds to a mission area, and how a lever changes a scenario.

A lever is a mission area. Its level ``x`` is the allied capital in that area
relative to today (x = 0.5: half as much again). In a simulation, level x
scales the blue forces of every class serving the area, and the stocks of the
munitions they fire, by (1 + x). The ``c2`` area is different: level x speeds
up blue command latencies by a factor 1 / (1 + x).
"""

from __future__ import annotations

import copy

import numpy as np

from ..model.dataset import Dataset
from ..sim.runner import outer_draw_ids
from ..sim.setup import BLUE, MEAN_INNER_REPLICATIONS, CampaignSetup, build_setup, for_means

C2_AREA = "c2"
DAYS_PER_YEAR = 365.0
DAYS_PER_MONTH = 365.0 / 12.0


def production_days_counted(ds: Dataset) -> float:
    """Days of added production an option's level counts: the planning scenarios' mean campaign length (by weight).

    The campaign engine adds a pool's production (``production_per_year``/365 a day from day 0, the surge rate
    after the holding's lead time; sim/campaign.py) only while a campaign runs, so a line is worth to the outcome
    what it delivers within the campaign: 30 days in most default scenarios, 140 in the blockades. Counting three
    years instead (the rule until 2026-12-06) credited production ~25 times what the simulation can use, and the
    planner bought production lines that simulation then rated at almost nothing (decision record 0013)."""
    weighted = [(sc.weight.value, sc.duration_days.value) for sc in ds.scenarios.values() if sc.weight.value > 0]
    if not weighted:
        weighted = [(1.0, sc.duration_days.value) for sc in ds.scenarios.values()]
    total = sum(w for w, _ in weighted)
    return sum(w * d for w, d in weighted) / total if total > 0 else 0.0


def blue_actors(ds: Dataset) -> list[str]:
    return [a for a, actor in ds.actors.items() if actor.kind in ("ally", "partner")]


def area_classes(ds: Dataset, area: str) -> set[str]:
    return {cid for cid, c in ds.capability_classes.items() if area in c.mission_areas}


def area_munitions(ds: Dataset, area: str) -> set[str]:
    classes = area_classes(ds, area)
    return {mid for mid, m in ds.munitions.items() if classes & set(m.launch_platforms)}


def class_value_musd(ds: Dataset, cid: str) -> float:
    """Unit value of a class: its unit cost, or (where none is given) the median unit cost of costed
    classes of the same domain, or of all costed classes. A class without a price is not free."""
    cls = ds.capability_classes[cid]
    if cls.unit_cost_musd is not None:
        return cls.unit_cost_musd.value
    same = [
        c.unit_cost_musd.value
        for c in ds.capability_classes.values()
        if c.unit_cost_musd is not None and c.domain == cls.domain
    ]
    every = [c.unit_cost_musd.value for c in ds.capability_classes.values() if c.unit_cost_musd is not None]
    pool = same or every
    return float(np.median(pool)) if pool else 1.0


def baseline_capital_musd(ds: Dataset, area: str) -> float:
    """Allied capital in an area: force units and munition stocks at unit cost (million USD)."""
    blue = set(blue_actors(ds))
    total = 0.0
    classes = area_classes(ds, area)
    for actor, by_class in ds.forces.items():
        if actor not in blue:
            continue
        for cid, by_base in by_class.items():
            if cid in classes:
                total += sum(q.value for q in by_base.values()) * class_value_musd(ds, cid)
    for mid in area_munitions(ds, area):
        m = ds.munitions[mid]
        total += sum(h.stockpile for a, h in m.holdings.items() if a in blue) * m.unit_cost_musd.value
    return total


OTHER_ITEM = "other"
"""Item label of the effects that are not a class or a munition added (bases, multipliers, command structures)."""


def item_of(target: str) -> str | None:
    """The item a force or munition ``add`` target adds: ``class:<id>`` or ``munition:<id>`` (None otherwise)."""
    parts = target.split(".")
    if parts[0] == "forces" and len(parts) == 4:
        return f"class:{parts[2]}"
    if parts[0] == "munitions" and len(parts) >= 2:
        return f"munition:{parts[1]}"
    return None


def option_item_levels(ds: Dataset, option_ids: list[str], areas: list[str]) -> tuple[list[str], np.ndarray]:
    """(items, q[i, o, m]): :func:`option_levels` split by the item each part of an option's level comes from
    (``class:<id>``, ``munition:<id>``, or :data:`OTHER_ITEM`), so that the planner can weigh each item by its
    measured effect in each scenario (plan/effects.py). Σ_i q[i] is :func:`option_levels`."""
    base = {m: baseline_capital_musd(ds, m) for m in areas}
    blue = set(blue_actors(ds))
    campaign_days = production_days_counted(ds)
    n_nodes = max(1, sum(1 for cs in ds.command_structures.values() for n in cs.nodes.values() if n.actor in blue))
    by_item: dict[str, np.ndarray] = {}

    def credit(item: str, o: int, area: str, level: float) -> None:
        by_item.setdefault(item, np.zeros((len(option_ids), len(areas))))[o, areas.index(area)] += level

    for i, oid in enumerate(option_ids):
        opt = ds.options[oid]
        other_value = 0.0
        for e in opt.effects:
            parts = e.target.split(".")
            if parts[0] == "forces" and e.operation == "add" and len(parts) == 4 and parts[2] in ds.capability_classes:
                cls = ds.capability_classes[parts[2]]
                value = e.value * class_value_musd(ds, parts[2])
                for m in cls.mission_areas:
                    if m in base and base[m] > 0:
                        credit(f"class:{parts[2]}", i, m, value / base[m])
            elif parts[0] == "munitions" and e.operation == "add" and parts[1] in ds.munitions:
                mun = ds.munitions[parts[1]]
                days = 0.0
                if parts[-1] == "production_per_year":
                    days = campaign_days
                elif parts[-1] == "surge_per_year":  # the surge rate runs only after the holding's lead time
                    # q is per option, not per buyer: a `{actor}` target takes the mean lead time of the eligible
                    # buyers that hold the munition
                    holders = opt.eligible_actors if len(parts) == 5 and parts[3] == "{actor}" else parts[3:4]
                    leads = [mun.holdings[a].lead_time_months for a in holders if a in mun.holdings]
                    lead_days = float(np.mean(leads)) * DAYS_PER_MONTH if leads else 0.0
                    days = max(0.0, campaign_days - lead_days)
                rounds = e.value * (
                    days / DAYS_PER_YEAR if parts[-1] in ("production_per_year", "surge_per_year") else 1.0
                )
                for m in areas:
                    if parts[1] in area_munitions(ds, m) and base[m] > 0:
                        credit(f"munition:{parts[1]}", i, m, rounds * mun.unit_cost_musd.value / base[m])
            elif parts[0] == "command_structures" and e.operation == "multiply" and C2_AREA in areas and e.value > 0:
                credit(OTHER_ITEM, i, C2_AREA, (1.0 / e.value - 1.0) / n_nodes)
            else:
                other_value += sum(opt.cost.acquisition_musd)
        spread = [m for m in opt.mission_areas if m in areas and m != C2_AREA and base[m] > 0]
        if other_value and spread:
            for m in spread:
                credit(OTHER_ITEM, i, m, other_value / len(opt.effects) / len(spread) / base[m])
    items = sorted(by_item)
    q = np.stack([by_item[k] for k in items]) if items else np.zeros((0, len(option_ids), len(areas)))
    return items, q


def option_levels(ds: Dataset, option_ids: list[str], areas: list[str]) -> np.ndarray:
    """q[o, m]: the level one purchase of option o adds to area m (capital added / baseline capital).

    Force and munition effects are valued at unit cost (added production: the rounds it delivers within the
    planning scenarios' mean campaign, :func:`production_days_counted`); other effects (bases, multipliers) at
    the option's acquisition cost, spread over its mission areas.
    C2 effects that multiply a latency by f add (1/f − 1) / (number of allied HQ nodes).
    """
    _, q = option_item_levels(ds, option_ids, areas)
    return q.sum(axis=0) if len(q) else np.zeros((len(option_ids), len(areas)))


def counts_copy(setup: CampaignSetup) -> CampaignSetup:
    """A copy of a built scenario whose counts and stocks may be reassigned: new group and pool records, every
    other field shared with ``setup``. The scalings below only ever assign new arrays to ``count0``,
    ``arrival_count``, ``active_step`` and ``stock0`` (never write into one), so sharing the rest is safe, and it
    spares the deep copy of the whole set-up that the surrogate's hundreds of design points paid for."""
    s = copy.copy(setup)
    s.groups = {d: copy.copy(g) for d, g in setup.groups.items()}
    s.pools = copy.copy(setup.pools)
    return s


def scale_setup(setup: CampaignSetup, ds: Dataset, levels: dict[str, float]) -> CampaignSetup:
    """A copy of a built scenario with allied capability in each area scaled by (1 + level)."""
    s = counts_copy(setup)
    for area, x in levels.items():
        if x == 0:
            continue
        if area == C2_AREA:
            for g in s.groups.values():
                blue = g.side == BLUE
                saved = g.c2_days * (1 - 1 / (1 + x))
                g.active_step = np.where(
                    blue, np.maximum(0, np.ceil((g.active_step * s.dt_days - saved) / s.dt_days)), g.active_step
                ).astype(np.int64)
            continue
        classes = area_classes(ds, area)
        for g in s.groups.values():
            serve = np.array([c in classes for c in g.cls], dtype=bool) & (g.side == BLUE)
            g.count0 = np.where(serve, np.round(g.count0 * (1 + x)), g.count0)
            g.arrival_count = np.where(serve, np.round(g.arrival_count * (1 + x)), g.arrival_count)
        muns = area_munitions(ds, area)
        blue_pool = np.array(
            [m in muns and s.actor_side[a] == BLUE for m, a in zip(s.pools.munition, s.pools.actor)], dtype=bool
        )
        s.pools.stock0 = np.where(blue_pool, s.pools.stock0 * (1 + x), s.pools.stock0)
    return s


def scale_adversary(setup: CampaignSetup, factor: float) -> CampaignSetup:
    """A copy of a built scenario with the adversary's forces and stocks grown by ``factor`` (threat growth)."""
    if factor == 1.0:
        return setup
    s = counts_copy(setup)
    for g in s.groups.values():
        red = g.side != BLUE
        g.count0 = np.where(red, np.round(g.count0 * factor), g.count0)
        g.arrival_count = np.where(red, np.round(g.arrival_count * factor), g.arrival_count)
    red_pool = np.array([s.actor_side[a] != BLUE for a in s.pools.actor], dtype=bool)
    s.pools.stock0 = np.where(red_pool, s.pools.stock0 * factor, s.pools.stock0)
    return s


def study_setup(ds: Dataset, scenario_id: str, threat_factor: float) -> CampaignSetup:
    """A scenario as every planning and alliance study simulates it: the adversary grown by ``threat_factor``, one
    replication per outer draw (these studies estimate means: sim.setup.MEAN_INNER_REPLICATIONS, decision record
    0017)."""
    return for_means(scale_adversary(build_setup(ds, scenario_id), threat_factor))


def study_draw_ids(reps: int) -> np.ndarray:
    """The outer draw of each of ``reps`` replications of a study simulated from :func:`study_setup` (one
    replication per draw), for callers that kept only per-replication scores and cluster their intervals by draw."""
    return outer_draw_ids(reps, MEAN_INNER_REPLICATIONS)
