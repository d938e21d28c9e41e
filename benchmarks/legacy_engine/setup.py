"""FROZEN COPY of the campaign engine before issue 14, kept only for benchmarks/bench_campaign.py.

Build step: turn a dataset and a scenario into the arrays the campaign engine runs on.

Nothing here is random and nothing is special-cased per scenario: forces are
grouped by (actor, capability class, base), placed, activated and armed by
the same rules for every scenario. See docs/methodology/campaign.md §2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from positivesum.model.base import Quantity
from positivesum.model.dataset import Dataset
from positivesum.model.forces import CapabilityClass
from positivesum.model.geo import great_circle_km
from positivesum.model.scenarios import Scenario

from .command import component_latencies_hours

#: Domains each US (intervening-actor) level commits to combat. ``supplies_only``
#: commits no forces but resupplies allies' munitions (see ``supplier_pools``).
LEVEL_DOMAINS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "supplies_only": frozenset(),
    "air_sea": frozenset({"air", "surface", "subsurface", "missile", "air_defence", "isr", "amphibious"}),
    "air_sea_ground": frozenset(
        {"air", "surface", "subsurface", "missile", "air_defence", "isr", "amphibious", "ground"}
    ),
    "escalation": frozenset({"air", "surface", "subsurface", "missile", "air_defence", "isr", "amphibious", "ground"}),
}
NEVER = 10**9
NAVAL = ("surface", "amphibious", "subsurface")
BLUE, RED = 0, 1


def _q(x: Quantity | None, default: float = 0.0) -> float:
    return default if x is None else float(x.value)


_INT_COLUMNS = ("actor", "side", "base", "arrival_step", "active_step")
_FLOAT_COLUMNS = ("count0", "arrival_count", "distance_km", "c2_days")


@dataclass
class Groups:
    """Force groups of one engine domain; every attribute is an array over groups (built by :class:`GroupRows`)."""

    label: list[str]
    actor: np.ndarray  # int64: index into CampaignSetup.actors
    side: np.ndarray  # int64: BLUE or RED
    cls: list[str]
    base: np.ndarray  # int64: index into CampaignSetup.bases
    count0: np.ndarray
    arrival_count: np.ndarray
    arrival_step: np.ndarray  # int64
    active_step: np.ndarray  # int64
    distance_km: np.ndarray
    c2_days: np.ndarray
    attrs: dict[str, np.ndarray]
    attr_low: dict[str, np.ndarray]
    attr_high: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.label)


class GroupRows:
    """The groups of one engine domain as they are placed, one row at a time; :meth:`freeze` makes the arrays."""

    def __init__(self) -> None:
        self.label: list[str] = []
        self.cls: list[str] = []
        self.columns: dict[str, list[float]] = {name: [] for name in _INT_COLUMNS + _FLOAT_COLUMNS}
        self.attrs: dict[str, list[float]] = {}
        self.attr_low: dict[str, list[float]] = {}
        self.attr_high: dict[str, list[float]] = {}

    def add(
        self,
        *,
        label: str,
        cls: str,
        attrs: dict[str, float],
        ranges: dict[str, tuple[float, float]] | None = None,
        **columns: float,
    ) -> None:
        self.label.append(label)
        self.cls.append(cls)
        for key, value in columns.items():
            self.columns[key].append(value)
        for key, value in attrs.items():
            self.attrs.setdefault(key, []).append(value)
            low, high = (ranges or {}).get(key, (value, value))
            self.attr_low.setdefault(key, []).append(low)
            self.attr_high.setdefault(key, []).append(high)

    def freeze(self) -> Groups:
        ints = {name: np.asarray(self.columns[name], dtype=np.int64) for name in _INT_COLUMNS}
        floats = {name: np.asarray(self.columns[name], dtype=float) for name in _FLOAT_COLUMNS}
        return Groups(
            label=self.label,
            actor=ints["actor"],
            side=ints["side"],
            cls=self.cls,
            base=ints["base"],
            count0=floats["count0"],
            arrival_count=floats["arrival_count"],
            arrival_step=ints["arrival_step"],
            active_step=ints["active_step"],
            distance_km=floats["distance_km"],
            c2_days=floats["c2_days"],
            attrs={k: np.asarray(v, dtype=float) for k, v in self.attrs.items()},
            attr_low={k: np.asarray(v, dtype=float) for k, v in self.attr_low.items()},
            attr_high={k: np.asarray(v, dtype=float) for k, v in self.attr_high.items()},
        )

    def __len__(self) -> int:
        return len(self.label)


@dataclass
class MunitionPools:
    """Stocks by (actor, munition): the unit of expenditure and production; arrays over pools."""

    label: list[str]
    actor: np.ndarray  # int64: index into CampaignSetup.actors
    munition: list[str]
    role: list[str]
    range_km: np.ndarray
    stock0: np.ndarray
    production_per_day: np.ndarray
    surge_per_day: np.ndarray
    lead_time_days: np.ndarray
    eff: dict[str, np.ndarray]


@dataclass
class CampaignSetup:
    """Everything the engine needs, as plain arrays (deterministic, no randomness)."""

    scenario_id: str
    scenario: Scenario
    objective: str
    steps: int
    dt_days: float
    fait_accompli_window_days: float
    objective_troops: float
    actors: list[str]
    actor_side: np.ndarray
    bases: list[str]
    base_shelters: np.ndarray
    base_runways: np.ndarray
    base_repair_days: np.ndarray
    base_host_side: np.ndarray
    groups: dict[str, Groups]
    pools: MunitionPools
    fire_pairs: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
    red_reach: np.ndarray
    mainland_strikes: bool
    role_share: dict[str, dict[str, np.ndarray]]
    land_attack_reach: np.ndarray
    isr_in_reach: np.ndarray
    adversary_index: int
    transfer_rounds: np.ndarray
    transfer_step: int
    params: dict[str, float]
    param_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


#: The engine parameters as they were when this engine was frozen (data/engine.yaml has moved on).
LEGACY_PARAMS: dict[str, tuple[float, tuple[float, float] | None]] = {
    "time_step_days": (0.5, None),
    "air_superiority_share": (0.5, (0.3, 0.7)),
    "tanker_radius_factor": (1.3, None),
    "sortie_distance_decay_km": (500.0, None),
    "aircraft_killed_per_missile": (4.0, (1.0, 8.0)),
    "sheltered_kill_probability": (0.1, (0.1, 0.3)),
    "runway_cut_per_missile": (0.05, None),
    "red_missile_share_on_bases": (0.6, None),
    "naval_transit_km_per_day": (700.0, None),
    "naval_rearm_days": (4.0, None),
    "launcher_salvos_per_day": (0.5, None),
    "theatre_radius_km": (400.0, None),
    "ship_missile_range_margin": (0.8, None),
    "amphibious_trips_per_day": (0.5, None),
    "supply_tonnes_per_troop_day": (0.1, (0.05, 0.2)),
    "supply_tonnes_per_lift_troop": (0.5, None),
    "out_of_supply_attrition_per_day": (0.07, None),
    "ground_attrition_per_day": (0.02, (0.01, 0.04)),
    "defender_share_in_contact": (0.5, (0.3, 0.8)),
    "defender_breakpoint_fraction": (0.3, (0.2, 0.5)),
    "decisive_force_ratio": (3.0, None),
    "amphibious_fleet_broken_fraction": (0.2, None),
    "lodgement_collapse_fraction": (0.1, None),
    "isr_base_detection": (0.5, None),
    "isr_units_half_gap": (10.0, None),
    "missile_reliability": (0.9, None),
    "interceptor_kill_probability": (0.68, None),
    "anti_ship_overkill": (1.5, (1.2, 2.5)),
    "amphibious_target_priority": (3.0, None),
    "loaded_fraction": (0.5, None),
    "troops_killed_per_strike_weapon": (5.0, None),
    "in_port_exposure_km": (500.0, None),
    "supplies_only_transfer_share": (0.1, (0.05, 0.25)),
    "supplies_only_transfer_days": (10.0, (5.0, 21.0)),
    "blockade_days_of_supply": (20.0, (10.0, 60.0)),
    "blockade_ships_needed": (40.0, None),
    "casualties_per_aircraft_lost": (10.0, None),
    "casualty_fraction_of_crew_per_ship_lost": (0.4, None),
}


def _latency_days(ds: Dataset, sc: Scenario) -> dict[tuple[str, str], float]:
    """C2 latency (days) by (actor, domain) under the scenario's command structure."""
    structure = ds.command_structures[sc.command_structure]
    lat = component_latencies_hours(structure)
    out: dict[tuple[str, str], float] = {}
    worst: dict[str, float] = {}
    for nid, hours in lat.items():
        node = structure.nodes[nid]
        worst[node.actor] = max(worst.get(node.actor, 0.0), hours)
        for dom in node.commands_domains:
            out[(node.actor, dom)] = min(out.get((node.actor, dom), math.inf), hours / 24.0)
    for actor, hours in worst.items():  # domains no component claims wait for the slowest path
        out[(actor, "*")] = hours / 24.0
    return out


def _home_base(ds: Dataset, actor: str, origin: str, sc_id: str, sc: Scenario, air: bool) -> str | None:
    """Nearest base the actor may fight from: its own bases first (used when access is refused)."""
    ob = ds.bases[origin]
    best, best_d = None, math.inf
    for bid, b in ds.bases.items():
        if b.host != actor or b.kind == "source":
            continue
        if air and (b.runways is None or b.runways.value <= 0):
            continue
        d = great_circle_km(ob.lat_deg, ob.lon_deg, b.lat_deg, b.lon_deg)
        if d < best_d:
            best, best_d = bid, d
    return best


def access_for(ds: Dataset, sc: Scenario, sc_id: str, base_id: str, actor: str) -> str:
    """Access an actor has to a base in a scenario (hosts always have full use of their own bases)."""
    base = ds.bases[base_id]
    if base.host == actor:
        return "full"
    if sc_id in base.access_exceptions:
        return base.access_exceptions[sc_id]
    return sc.basing_access.get(base.host, "full")


ENGINE_DOMAINS = ("air", "surface", "amphibious", "subsurface", "ground", "missile", "air_defence", "isr")
_ATTRS = {
    "air": (
        "sorties_per_day",
        "combat_radius_km",
        "air_to_air_kills_per_sortie",
        "weapons_per_sortie",
        "crew",
        "loss_rate_per_day",
    ),
    "surface": ("launch_cells", "interceptors_per_salvo", "hits_to_kill", "crew", "value"),
    "amphibious": ("lift_troops", "interceptors_per_salvo", "hits_to_kill", "crew", "value", "launch_cells"),
    "subsurface": ("ship_kills_per_day", "loss_rate_per_day", "crew", "launch_cells"),
    "ground": ("troops", "crew"),
    "missile": ("launch_cells",),
    "air_defence": ("interceptors_per_salvo",),
    "isr": ("combat_radius_km",),
}


#: Performance parameters sampled per replication from their low–high range (structural counts such as
#: troops, lift and launch cells are not: they describe the force, not our uncertainty about it).
SAMPLED_ATTRS = (
    "sorties_per_day",
    "air_to_air_kills_per_sortie",
    "interceptors_per_salvo",
    "hits_to_kill",
    "ship_kills_per_day",
    "loss_rate_per_day",
)


def _class_ranges(cls: CapabilityClass, domain: str) -> dict[str, tuple[float, float]]:
    out = {}
    for name in SAMPLED_ATTRS:
        q = getattr(cls.combat, name, None)
        if name in _ATTRS[domain] and q is not None and (q.low is not None or q.high is not None):
            out[name] = q.bounds()
    return out


def _class_attrs(cls: CapabilityClass, domain: str) -> dict[str, float]:
    c = cls.combat
    values = {
        "sorties_per_day": _q(c.sorties_per_day),
        "combat_radius_km": _q(c.combat_radius_km),
        "air_to_air_kills_per_sortie": _q(c.air_to_air_kills_per_sortie),
        "weapons_per_sortie": _q(c.weapons_per_sortie),
        "launch_cells": _q(c.launch_cells),
        "interceptors_per_salvo": _q(c.interceptors_per_salvo),
        "hits_to_kill": _q(c.hits_to_kill, 1.0),
        "lift_troops": _q(c.lift_troops),
        "ship_kills_per_day": _q(c.ship_kills_per_day),
        "loss_rate_per_day": _q(c.loss_rate_per_day),
        "troops": _q(c.troops),
        "crew": _q(cls.crew_per_unit),
        "value": max(_q(cls.unit_cost_musd), 1.0),
    }
    return {k: values[k] for k in _ATTRS[domain]}


def build_setup(ds: Dataset, scenario_id: str) -> CampaignSetup:
    """Place, activate and arm every force group of a scenario (see methodology §2)."""
    sc = ds.scenarios[scenario_id]
    engine = ds.engine
    if engine is None:  # services.simulate explains how to add them; engines called directly fail here
        raise ValueError(f"the dataset has no `engine:` parameters, so scenario '{scenario_id}' cannot be simulated")
    p = {name: value for name, (value, _) in LEGACY_PARAMS.items()}
    dt = p["time_step_days"]
    steps = int(math.ceil(sc.duration_days.value / dt))
    theatre = ds.theatres[sc.theatre]
    actors = list(sc.participants)
    side_of = {a: (RED if part.side == "red" else BLUE) for a, part in sc.participants.items()}
    bases = list(ds.bases)
    bidx = {b: i for i, b in enumerate(bases)}
    latency = _latency_days(ds, sc)
    level = sc.us_intervention
    rows = {d: GroupRows() for d in ENGINE_DOMAINS}
    notes: list[str] = []

    def theatre_km(base_id: str) -> float:
        b = ds.bases[base_id]
        return great_circle_km(b.lat_deg, b.lon_deg, theatre.lat_deg, theatre.lon_deg)

    def place(actor: str, cls_id: str, base_id: str, count: float, arrival_day: float) -> None:
        cls = ds.capability_classes[cls_id]
        domain = cls.domain
        if domain not in rows or count <= 0:
            return
        if actor == sc.intervening_actor and domain not in LEVEL_DOMAINS[level]:
            return
        if side_of[actor] == BLUE and access_for(ds, sc, scenario_id, base_id, actor) != "full":
            home = _home_base(ds, actor, base_id, scenario_id, sc, air=domain == "air")
            if home is None:
                notes.append(f"{actor} {cls_id} at {base_id}: access refused and no own base to move to; not used")
                return
            notes.append(f"{actor} {cls_id} at {base_id}: access refused, operates from {home}")
            base_id = home
        distance = theatre_km(base_id)
        if domain == "ground" and side_of[actor] == BLUE and distance > p["theatre_radius_km"]:
            return  # defenders fight where they are based; ground forces elsewhere stay home
        part = sc.participants[actor]
        delay = (
            part.decision_delay_days
            if part.decision_delay_days is not None
            else ds.actors[actor].political_decision_delay_days
        )
        decided = -sc.warning_days.value + _q(delay)
        c2 = latency.get((actor, domain), latency.get((actor, "*"), 0.0))
        active_day = max(0.0, decided + c2, arrival_day)
        if domain == "ground" and ds.bases[base_id].host == actor and arrival_day <= 0:
            active_day = 0.0  # troops defending their own soil fight without waiting for a political decision
        if domain in NAVAL and distance > p["theatre_radius_km"]:
            # ships sail from the later of decision and arrival (speed of advance; methodology §2)
            active_day += (distance - p["theatre_radius_km"]) / max(p["naval_transit_km_per_day"], 1.0)
        arrival_step = 0 if arrival_day <= 0 else int(math.ceil(arrival_day / dt))
        rows[domain].add(
            label=f"{actor}:{cls_id}@{base_id}",
            actor=actors.index(actor),
            side=side_of[actor],
            cls=cls_id,
            base=bidx[base_id],
            count0=count if arrival_step == 0 else 0.0,
            arrival_count=count if arrival_step > 0 else 0.0,
            arrival_step=arrival_step,
            active_step=int(math.ceil(active_day / dt)),
            distance_km=distance,
            c2_days=c2,
            attrs={**_class_attrs(cls, domain), "at_sea": float(ds.bases[base_id].kind == "naval")},
            ranges=_class_ranges(cls, domain),
        )

    # Reinforcements are drawn from the pool at their origin: what moves is not also counted at home.
    moved: dict[tuple[str, str, str], float] = {}
    for rf in sc.reinforcements:
        key = (rf.actor, rf.capability, rf.origin)
        moved[key] = moved.get(key, 0.0) + rf.count
    for actor, part in sc.participants.items():
        for cls_id, by_base in ds.forces.get(actor, {}).items():
            for base_id, qty in by_base.items():
                at_home = max(0.0, qty.value - moved.get((actor, cls_id, base_id), 0.0))
                place(actor, cls_id, base_id, round(at_home * part.commitment.value), 0.0)
    for rf in sc.reinforcements:
        place(rf.actor, rf.capability, rf.destination, rf.count, rf.arrival_day)
    groups = {d: r.freeze() for d, r in rows.items()}
    pools, fire_pairs = _arm(ds, sc, actors, side_of, groups, bases)
    red_reach = _red_reach(ds, groups["missile"], pools, fire_pairs["missile"]["land_attack"], bases)
    role_share = {}
    for domain, roles in fire_pairs.items():
        armed = {r: np.isin(np.arange(len(groups[domain])), gi) for r, (gi, _) in roles.items() if r != "air_defence"}
        n_roles = (
            np.maximum(sum(a.astype(float) for a in armed.values()), 1.0) if armed else np.ones(len(groups[domain]))
        )
        role_share[domain] = {r: 1.0 / n_roles for r in roles}
    gi, pi = fire_pairs["missile"]["land_attack"]
    la_reach = np.zeros(len(groups["missile"]), dtype=bool)
    for k, i in zip(gi, pi):
        la_reach[k] |= pools.range_km[i] >= groups["missile"].distance_km[k]
    isr = groups["isr"]
    isr_reach = (
        isr.distance_km <= isr.attrs.get("combat_radius_km", np.zeros(len(isr))) * p["tanker_radius_factor"]
    ).astype(float)
    transfer = np.zeros(len(pools.label))
    if level == "supplies_only":
        # Supplies only: the intervening actor ships part of its stocks of munitions the allies hold.
        for i, (actor_i, mid) in enumerate(zip(pools.actor, pools.munition)):
            h = ds.munitions[mid].holdings.get(sc.intervening_actor)
            if side_of[actors[actor_i]] == BLUE and actors[actor_i] != sc.intervening_actor and h is not None:
                transfer[i] = h.stockpile * p["supplies_only_transfer_share"]
    host_side = np.array([side_of.get(ds.bases[b].host, -1) for b in bases])
    return CampaignSetup(
        scenario_id=scenario_id,
        scenario=sc,
        objective=sc.objective,
        steps=steps,
        dt_days=dt,
        fait_accompli_window_days=sc.fait_accompli_window_days.value,
        objective_troops=_q(sc.objective_troops_ashore),
        actors=actors,
        actor_side=np.array([side_of[a] for a in actors]),
        bases=bases,
        base_shelters=np.array([_q(ds.bases[b].hardened_shelters) for b in bases]),
        base_runways=np.array([_q(ds.bases[b].runways) for b in bases]),
        base_repair_days=np.array([max(_q(ds.bases[b].runway_repair_days, 1.0), 0.1) for b in bases]),
        base_host_side=host_side,
        groups=groups,
        pools=pools,
        fire_pairs=fire_pairs,
        red_reach=red_reach,
        mainland_strikes=level == "escalation",
        role_share=role_share,
        land_attack_reach=la_reach,
        isr_in_reach=isr_reach,
        adversary_index=actors.index(sc.adversary),
        transfer_rounds=transfer,
        transfer_step=int(math.ceil(p["supplies_only_transfer_days"] / dt)),
        params=p,
        param_ranges={n: r for n, (_, r) in LEGACY_PARAMS.items() if r is not None},
        notes=notes,
    )


ROLE_MATCH = {
    "anti_ship": ("anti_ship", "multi"),
    "land_attack": ("land_attack", "multi"),
    "air_defence": ("air_defence", "ballistic_missile_defence"),
}
FIRING = {
    "air": ("anti_ship", "land_attack"),
    "surface": ("anti_ship", "land_attack", "air_defence"),
    "amphibious": ("air_defence",),
    "subsurface": ("anti_ship", "land_attack"),
    "missile": ("anti_ship", "land_attack"),
    "air_defence": ("air_defence",),
}
DAYS_PER_MONTH = 30.44


def _arm(
    ds: Dataset, sc: Scenario, actors: list[str], side_of: dict[str, int], groups: dict[str, Groups], bases: list[str]
) -> tuple[MunitionPools, dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]]:
    """Create munition pools and list, for every firing group and role, the munitions it can fire.

    A group can fire a munition if its class is a launch platform of it, its
    actor holds it, and the munition's role fits (``multi`` fits both strike
    roles). Under ``supplies_only`` the intervening actor's surge production of a
    munition also flows to the blue allies who hold that munition.
    """
    label: list[str] = []
    munition: list[str] = []
    role_of: list[str] = []
    columns: dict[str, list[float]] = {
        name: [] for name in ("actor", "range_km", "stock0", "production_per_day", "surge_per_day", "lead_time_days")
    }
    eff: dict[str, list[float]] = {}
    index: dict[tuple[str, str], int] = {}
    for mid, mun in ds.munitions.items():
        for actor, h in mun.holdings.items():
            if actor not in actors:
                continue
            index[(actor, mid)] = len(label)
            label.append(f"{actor}:{mid}")
            columns["actor"].append(actors.index(actor))
            munition.append(mid)
            role_of.append(mun.role)
            columns["range_km"].append(mun.range_km.value)
            columns["stock0"].append(h.stockpile)
            columns["production_per_day"].append(h.production_per_year / 365.0)
            columns["surge_per_day"].append(h.surge_per_year / 365.0)
            columns["lead_time_days"].append(h.lead_time_months * DAYS_PER_MONTH)
            for kind in ("ship", "aircraft_on_ground", "ground_troops", "missile"):
                eff.setdefault(kind, []).append(mun.effectiveness[kind].value if kind in mun.effectiveness else 0.0)
    fire_pairs: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for domain in groups:
        g = groups[domain]
        fire_pairs[domain] = {}
        for role in ROLE_MATCH:
            gi, pi = [], []
            if role in FIRING.get(domain, ()):
                for k in range(len(g)):
                    actor = actors[g.actor[k]]
                    for mid, mun in ds.munitions.items():
                        i = index.get((actor, mid))
                        if i is not None and mun.role in ROLE_MATCH[role] and g.cls[k] in mun.launch_platforms:
                            gi.append(k)
                            pi.append(i)
            fire_pairs[domain][role] = (np.asarray(gi, dtype=np.int64), np.asarray(pi, dtype=np.int64))
    pools = MunitionPools(
        label=label,
        actor=np.asarray(columns["actor"], dtype=np.int64),
        munition=munition,
        role=role_of,
        range_km=np.asarray(columns["range_km"], dtype=float),
        stock0=np.asarray(columns["stock0"], dtype=float),
        production_per_day=np.asarray(columns["production_per_day"], dtype=float),
        surge_per_day=np.asarray(columns["surge_per_day"], dtype=float),
        lead_time_days=np.asarray(columns["lead_time_days"], dtype=float),
        eff={k: np.asarray(v, dtype=float) for k, v in eff.items()},
    )
    if not pools.eff:
        pools.eff = {k: np.zeros(0) for k in ("ship", "aircraft_on_ground", "ground_troops", "missile")}
    return pools, fire_pairs


def _red_reach(
    ds: Dataset, missiles: Groups, pools: MunitionPools, pairs: tuple[np.ndarray, np.ndarray], bases: list[str]
) -> np.ndarray:
    """reach[j, b]: red missile shooter–munition pair j can hit base b."""
    group_idx, pool_idx = pairs
    reach = np.zeros((len(group_idx), len(bases)), dtype=bool)
    for j, (k, i) in enumerate(zip(group_idx, pool_idx)):
        if missiles.side[k] != RED:
            continue
        origin = ds.bases[bases[missiles.base[k]]]
        for b, bid in enumerate(bases):
            target = ds.bases[bid]
            reach[j, b] = (
                great_circle_km(origin.lat_deg, origin.lon_deg, target.lat_deg, target.lon_deg) <= pools.range_km[i]
            )
    return reach
