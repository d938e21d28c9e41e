"""Build step: turn a dataset and a scenario into the arrays the campaign engine runs on.

Nothing here is random and nothing is special-cased per scenario: forces are
grouped by (actor, capability class, base), placed, timed and armed by the same
rules for every scenario, and every stated low–high range is recorded for the
outer loop of the Monte Carlo (uncertainty.py). See docs/methodology/campaign.md §2.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..model.base import Quantity
from ..model.dataset import Dataset
from ..model.forces import CapabilityClass
from ..model.geo import great_circle_km
from ..model.scenarios import ESCALATION_RUNGS, Scenario
from .arming import FIXED_TARGET_SHOOTERS, MunitionPools, Pairs, arm, reach_matrix, theatre_reach
from .command import component_latencies_hours
from .groups import MOBILISATION, NO_ARRIVAL, REINFORCEMENT, GroupRows, Groups
from .timing import TimingInputs, entry_days, group_days

#: Domains each US (intervening-actor) level commits to combat. ``supplies_only``
#: commits no forces but resupplies allies' munitions (see ``transfer_rounds``).
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
#: Domains of the adversary's landing or offensive force, subject to mobilisation.
MOBILISED = ("amphibious", "ground")
BLUE, RED = 0, 1
#: Rungs of the escalation ladder (index = rung number).
QUARANTINE, ENFORCEMENT, WAR_AT_SEA, FULL_WAR = range(4)
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
#: Class attributes the outer loop draws where the data gives a range (one draw per class, shared by every
#: group of the class: the error in a class's performance is the same wherever it is based).
SAMPLED_ATTRS = (
    "sorties_per_day",
    "combat_radius_km",
    "air_to_air_kills_per_sortie",
    "weapons_per_sortie",
    "launch_cells",
    "interceptors_per_salvo",
    "hits_to_kill",
    "lift_troops",
    "ship_kills_per_day",
    "loss_rate_per_day",
    "troops",
)


def _q(x: Quantity | None, default: float = 0.0) -> float:
    return default if x is None else float(x.value)


def _bounds(x: Quantity | None, default: float = 0.0) -> tuple[float, float, float]:
    if x is None:
        return (default, default, default)
    low, high = x.bounds()
    return (low, float(x.value), high)


#: Replications per outer draw (the inner loop) of a run that shows the two levels of uncertainty apart (``simulate``,
#: the briefing's scenarios, calibration): each draw's own outcome probabilities need replications of their own.
#: 2,048 replications per block hold 64 outer draws. Any value must divide ``runner.BLOCK_SIZE``, so that a
#: block's draws never depend on how a run is cut into blocks and workers.
INNER_REPLICATIONS = 32

#: Replications per outer draw of a run that estimates means only (the planner's surrogate, effects,
#: verification and growth margins; the alliance studies): one, every replication its own parameter draw. For a
#: mean over both levels the nested design's variance is σ_b²/m + σ_w²/(m·n) for m draws of n replications, so at
#: a fixed number of replications N = m·n it is smallest at n = 1 (the design effect 1 + (n − 1)·ρ, Kish 1965,
#: with ρ the share of the variance between draws); on the default data ρ = 0.69–1.00, so 32 replications per
#: draw cost 22–32 times the replications of one (decision record 0017, benchmarks/inner_replications.py).
MEAN_INNER_REPLICATIONS = 1


@dataclass
class Ranges:
    """Central values and low–high ranges of scenario quantities the outer loop draws (arrays over participants)."""

    scalar: dict[str, tuple[float, float, float]]  # name -> (low, value, high)
    per_actor: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # name -> (low, value, high), each (A,)


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
    objective_depth_km: float
    actors: list[str]
    actor_side: np.ndarray
    bases: list[str]
    base_shelters: np.ndarray
    base_runways: np.ndarray
    base_repair_days: np.ndarray
    base_host_side: np.ndarray  # side of the host participant, -1 if the host does not take part
    base_host_actor: np.ndarray  # participant index of the host, -1 if the host does not take part
    base_is_port: np.ndarray  # naval or mixed base (ships alongside can be struck)
    classes: list[str]
    groups: dict[str, Groups]
    pools: MunitionPools
    fire_pairs: dict[str, dict[str, Pairs]]
    fixed_reach: dict[str, np.ndarray]  # domain -> (J, B) for its land-attack pairs
    ground_reach: dict[str, np.ndarray]  # domain -> (J,) land-attack pair reaches the theatre
    anti_ship_reach: np.ndarray  # (J,) missile anti-ship pairs reach ships in the theatre
    mainland_strikes: bool
    role_share: dict[str, dict[str, np.ndarray]]
    isr_in_reach: np.ndarray
    adversary_index: int
    c2_nodes: np.ndarray  # (A,) headquarters and component nodes of each participant in the command structure
    c2_hours: np.ndarray  # (A,) median command latency of each participant's components
    escalation_start: int
    commodities: list[str]
    transfer_rounds: np.ndarray
    transfer_step: int
    timing: TimingInputs
    ranges: Ranges
    params: dict[str, float]
    param_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Ranged quantities held at given values, by the outer loop's names (``engine.X``, ``class.C.attr``…;
    #: uncertainty.sample): a value, or one value per outer draw of a block. Empty: none (sensitivity designs).
    pinned: dict[str, float | np.ndarray] = field(default_factory=dict)
    #: Replications per outer draw (:data:`INNER_REPLICATIONS` to show the two levels apart,
    #: :data:`MEAN_INNER_REPLICATIONS` for a study of means: :func:`for_means`). A divisor of ``runner.BLOCK_SIZE``.
    inner_replications: int = INNER_REPLICATIONS


def for_means(setup: CampaignSetup) -> CampaignSetup:
    """The set-up with one replication per outer draw, for a study that estimates means (the planner, the alliance
    studies): the same estimand as the two-level run, at a fraction of the replications for the same precision
    (:data:`MEAN_INNER_REPLICATIONS`). Common random numbers still hold: replication k draws the same parameter
    values in every variant of a scenario (uncertainty.sample keys each quantity's stream by its name)."""
    if setup.inner_replications == MEAN_INNER_REPLICATIONS:
        return setup
    return dataclasses.replace(setup, inner_replications=MEAN_INNER_REPLICATIONS)


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


def _home_bases(ds: Dataset, actor: str, origin: str, air: bool) -> list[str]:
    """The actor's own bases it may fight from, nearest to ``origin`` first (used when access is refused)."""
    ob = ds.bases[origin]
    found: list[tuple[float, str]] = []
    for bid, b in ds.bases.items():
        if b.host != actor or b.kind == "source":
            continue
        if air and (b.runways is None or b.runways.value <= 0):
            continue
        found.append((great_circle_km(ob.lat_deg, ob.lon_deg, b.lat_deg, b.lon_deg), bid))
    return [bid for _, bid in sorted(found)]


def _rearm_port_km(
    ds: Dataset, sc: Scenario, sc_id: str, actor: str, base_id: str, theatre_km: Callable[[str], float]
) -> float:
    """Distance to the theatre of the port where the actor's ships reload their cells.

    The nearest port (to the theatre) of their own or of a participating host granting them full access; their
    own base if there is none. VLS cells cannot be reloaded at sea in practice (methodology §3.4), so a ship
    withdraws to such a port: a longer haul when a host refuses access."""
    ports = [
        float(theatre_km(bid))
        for bid, pb in ds.bases.items()
        if pb.kind in ("naval", "mixed")
        and pb.reloads_ships
        and (pb.host == actor or (pb.host in sc.participants and access_for(ds, sc, sc_id, bid, actor) == "full"))
    ]
    return min(ports) if ports else float(theatre_km(base_id))


def access_for(ds: Dataset, sc: Scenario, sc_id: str, base_id: str, actor: str) -> str:
    """Access an actor has to a base in a scenario (hosts always have full use of their own bases)."""
    base = ds.bases[base_id]
    if base.host == actor:
        return "full"
    if sc_id in base.access_exceptions:
        return base.access_exceptions[sc_id]
    return sc.basing_access.get(base.host, "full")


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


def _timing_inputs(ds: Dataset, sc: Scenario, actors: list[str]) -> tuple[TimingInputs, Ranges]:
    """Central timing values and the ranges the outer loop draws."""
    parts = [sc.participants[a] for a in actors]
    delay = [
        _bounds(
            p.decision_delay_days if p.decision_delay_days is not None else ds.actors[a].political_decision_delay_days
        )
        for a, p in zip(actors, parts)
    ]
    entry = [_bounds(p.entry_day, math.nan) for p in parts]
    para = [_bounds(p.paralysis_days) for p in parts]
    commit = [_bounds(p.commitment) for p in parts]

    def cols(rows: list[tuple[float, float, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        arr = np.asarray(rows, dtype=float).reshape(len(rows), 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    mob = sc.mobilisation_days
    timing = TimingInputs(
        warning_days=sc.warning_days.value,
        explicit_entry=cols(entry)[1],
        decision_delay=cols(delay)[1],
        paralysis=cols(para)[1],
        red=np.array([p.side == "red" for p in parts]),
        mobilisation_days=math.nan if mob is None else mob.value,
        concealed_days=_q(sc.concealed_preparation_days),
    )
    scalar = {
        "warning_days": _bounds(sc.warning_days),
        "fait_accompli_window_days": _bounds(sc.fait_accompli_window_days),
        "objective_troops": _bounds(sc.objective_troops_ashore),
        "mobilisation_days": _bounds(mob, math.nan),
        "concealed_days": _bounds(sc.concealed_preparation_days),
    }
    if sc.objective_depth_km is not None:
        scalar["objective_depth_km"] = _bounds(sc.objective_depth_km)
    for cid, stock in sc.blockade_stocks.items():
        scalar[f"stock_days:{cid}"] = _bounds(stock.days_of_stock)
        scalar[f"electricity_share:{cid}"] = _bounds(stock.share_of_electricity)
    per_actor = {
        "decision_delay": cols(delay),
        "entry_day": cols(entry),
        "paralysis": cols(para),
        "commitment": cols(commit),
    }
    return timing, Ranges(scalar, per_actor)


def build_setup(ds: Dataset, scenario_id: str) -> CampaignSetup:
    """Place, time and arm every force group of a scenario (see methodology §2)."""
    sc = ds.scenarios[scenario_id]
    engine = ds.engine
    if engine is None:  # services.simulate explains how to add them; engines called directly fail here
        raise ValueError(f"the dataset has no `engine:` parameters, so scenario '{scenario_id}' cannot be simulated")
    p = {name: float(q.value) for name, q in engine if q is not None}
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
    classes: list[str] = []
    timing, ranges = _timing_inputs(ds, sc, actors)
    mobilising = not math.isnan(timing.mobilisation_days)

    def theatre_km(base_id: str) -> float:
        b = ds.bases[base_id]
        return great_circle_km(b.lat_deg, b.lon_deg, theatre.lat_deg, theatre.lon_deg)

    def place(
        actor: str, cls_id: str, base_id: str, count: float, arrival_day: float | None, q: Quantity | None
    ) -> None:
        cls = ds.capability_classes[cls_id]
        domain = cls.domain
        if domain not in rows or count <= 0:
            return
        if actor == sc.intervening_actor and domain not in LEVEL_DOMAINS[level]:
            return
        if side_of[actor] == BLUE and access_for(ds, sc, scenario_id, base_id, actor) != "full":
            left = count
            for home in _home_bases(ds, actor, base_id, air=domain == "air"):
                room = left if domain != "air" else float(math.floor(min(left, aircraft_room(home))))
                if room <= 0:
                    continue
                notes.append(f"{actor} {cls_id} at {base_id}: access refused, {room:g} operate from {home}")
                if domain == "air":
                    aircraft_used[home] = aircraft_used.get(home, 0.0) + room
                _place(actor, cls_id, home, room, arrival_day, q, count)
                left -= room
                if left <= 0:
                    return
            notes.append(f"{actor} {cls_id} at {base_id}: access refused and no own base with room; {left:g} not used")
            return
        _place(actor, cls_id, base_id, count, arrival_day, q, count)

    def aircraft_room(base_id: str) -> float:
        cap = ds.bases[base_id].aircraft_capacity
        return math.inf if cap is None else max(0.0, cap.value - aircraft_used.get(base_id, 0.0))

    def _place(
        actor: str,
        cls_id: str,
        base_id: str,
        count: float,
        arrival_day: float | None,
        q: Quantity | None,
        listed: float,
    ) -> None:
        cls = ds.capability_classes[cls_id]
        domain = cls.domain
        distance = theatre_km(base_id)
        if domain == "ground" and side_of[actor] == BLUE and distance > p["theatre_radius_km"]:
            return  # defenders fight where they are based; ground forces elsewhere stay home
        if cls_id not in classes:
            classes.append(cls_id)
        host_actor = ds.bases[base_id].host
        host = actors.index(host_actor) if host_actor in side_of and host_actor != actor else -1
        if host >= 0 and side_of[host_actor] != side_of[actor]:
            host = -1
        sail = 0.0
        if domain in NAVAL and distance > p["theatre_radius_km"]:
            # ships sail from the later of decision and arrival (speed of advance; methodology §2)
            sail = (distance - p["theatre_radius_km"]) / max(p["naval_transit_km_per_day"], 1.0)
        kind = NO_ARRIVAL
        if arrival_day is not None:
            kind = REINFORCEMENT
        elif mobilising and side_of[actor] == RED and domain in MOBILISED:
            kind = MOBILISATION
        rearm = 0.0
        if domain in NAVAL:
            port_km = _rearm_port_km(ds, sc, scenario_id, actor, base_id, theatre_km)
            rearm = 2.0 * max(0.0, port_km - p["theatre_radius_km"]) / max(p["naval_transit_km_per_day"], 1.0)
        low, value, high = _bounds(q, listed) if q is not None else (listed, listed, listed)
        rows[domain].add(
            label=f"{actor}:{cls_id}@{base_id}",
            actor=actors.index(actor),
            side=side_of[actor],
            cls=cls_id,
            cls_index=classes.index(cls_id),
            base=bidx[base_id],
            count0=count,
            arrival_count=0.0,
            arrival_step=0,
            active_step=0,
            distance_km=distance,
            c2_days=latency.get((actor, domain), latency.get((actor, "*"), 0.0)),
            arrival_day=0.0 if arrival_day is None else arrival_day,
            active_day=0.0,
            sail_days=sail,
            rearm_transit_days=rearm,
            host=host,
            arrival_kind=kind,
            home_ground=domain == "ground" and host_actor == actor,
            count_low=low / value if value > 0 else 1.0,
            count_high=high / value if value > 0 else 1.0,
            attrs={**_class_attrs(cls, domain), "at_sea": float(ds.bases[base_id].kind == "naval")},
            ranges=_class_ranges(cls, domain),
        )

    # Aircraft the data already puts at each base (forces and reinforcements) fill its capacity first.
    aircraft_used: dict[str, float] = {}
    for actor, part in sc.participants.items():
        for cls_id, by_base in ds.forces.get(actor, {}).items():
            if ds.capability_classes[cls_id].domain != "air":
                continue
            for base_id, qty in by_base.items():
                if access_for(ds, sc, scenario_id, base_id, actor) == "full":
                    aircraft_used[base_id] = aircraft_used.get(base_id, 0.0) + qty.value * part.commitment.value
    for rf in sc.reinforcements:
        if ds.capability_classes[rf.capability].domain == "air" and rf.actor in sc.participants:
            if access_for(ds, sc, scenario_id, rf.destination, rf.actor) == "full":
                aircraft_used[rf.destination] = aircraft_used.get(rf.destination, 0.0) + rf.count

    # Reinforcements are drawn from the pool at their origin: what moves is not also counted at home.
    moved: dict[tuple[str, str, str], float] = {}
    for rf in sc.reinforcements:
        key = (rf.actor, rf.capability, rf.origin)
        moved[key] = moved.get(key, 0.0) + rf.count
    for actor, part in sc.participants.items():
        for cls_id, by_base in ds.forces.get(actor, {}).items():
            for base_id, qty in by_base.items():
                at_home = max(0.0, qty.value - moved.get((actor, cls_id, base_id), 0.0))
                place(actor, cls_id, base_id, round(at_home * part.commitment.value), None, qty)
    for rf in sc.reinforcements:
        place(rf.actor, rf.capability, rf.destination, rf.count, rf.arrival_day, None)
    groups = {d: r.freeze() for d, r in rows.items()}
    _central_timing(groups, timing, p, dt)
    pools, fire_pairs = arm(ds, actors, groups)
    if sc.year is not None:  # issue 13 (data owner's edit): production of the scenario's year, not today's rate
        for i, (a, mid) in enumerate(zip(pools.actor, pools.munition)):  # model/forces.py Holding.production_in
            holding = ds.munitions[mid].holdings[actors[int(a)]]
            pools.production_per_day[i] = holding.production_in(sc.year.value) / 365.0
            pools.surge_per_day[i] = holding.surge_in(sc.year.value) / 365.0
    fixed_reach = {
        d: reach_matrix(ds, groups[d], pools, fire_pairs[d]["land_attack"], bases) for d in FIXED_TARGET_SHOOTERS
    }
    ground_reach = {
        d: theatre_reach(groups[d], pools, fire_pairs[d]["land_attack"])
        if d == "missile"
        else np.ones(len(fire_pairs[d]["land_attack"][0]), dtype=bool)
        for d in FIXED_TARGET_SHOOTERS
    }
    anti_ship_reach = theatre_reach(
        groups["missile"], pools, fire_pairs["missile"]["anti_ship"], p["ship_missile_range_margin"]
    )
    role_share = {}
    for domain, roles in fire_pairs.items():
        armed = {r: np.isin(np.arange(len(groups[domain])), gi) for r, (gi, _) in roles.items() if r != "air_defence"}
        n_roles = (
            np.maximum(sum(a.astype(float) for a in armed.values()), 1.0) if armed else np.ones(len(groups[domain]))
        )
        role_share[domain] = {r: 1.0 / n_roles for r in roles}
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
    structure = ds.command_structures[sc.command_structure]
    c2_nodes = np.array(
        [sum(1 for n in structure.nodes.values() if n.actor == a and n.kind != "national") for a in actors], dtype=float
    )
    hours = component_latencies_hours(structure)
    c2_hours = np.array(
        [
            float(
                np.median(
                    [h for nid, h in hours.items() if structure.nodes[nid].actor == a and math.isfinite(h)] or [0.0]
                )
            )
            for a in actors
        ]
    )
    start = sc.escalation_start or ("quarantine" if sc.objective == "blockade" else "full_war")
    return CampaignSetup(
        scenario_id=scenario_id,
        scenario=sc,
        objective=sc.objective,
        steps=steps,
        dt_days=dt,
        fait_accompli_window_days=sc.fait_accompli_window_days.value,
        objective_troops=_q(sc.objective_troops_ashore),
        objective_depth_km=_q(sc.objective_depth_km, p["objective_depth_km"]),
        actors=actors,
        actor_side=np.array([side_of[a] for a in actors]),
        bases=bases,
        base_shelters=np.array([_q(ds.bases[b].hardened_shelters) for b in bases]),
        base_runways=np.array([_q(ds.bases[b].runways) for b in bases]),
        base_repair_days=np.array([max(_q(ds.bases[b].runway_repair_days, 1.0), 0.1) for b in bases]),
        base_host_side=np.array([side_of.get(ds.bases[b].host, -1) for b in bases]),
        base_host_actor=np.array(
            [actors.index(ds.bases[b].host) if ds.bases[b].host in side_of else -1 for b in bases]
        ),
        base_is_port=np.array([ds.bases[b].kind in ("naval", "mixed") for b in bases]),
        classes=classes,
        groups=groups,
        pools=pools,
        fire_pairs=fire_pairs,
        fixed_reach=fixed_reach,
        ground_reach=ground_reach,
        anti_ship_reach=anti_ship_reach,
        mainland_strikes=level == "escalation",
        role_share=role_share,
        isr_in_reach=isr_reach,
        adversary_index=actors.index(sc.adversary),
        c2_nodes=c2_nodes,
        c2_hours=c2_hours,
        escalation_start=ESCALATION_RUNGS.index(start),
        commodities=list(sc.blockade_stocks),
        transfer_rounds=transfer,
        transfer_step=int(math.ceil(p["supplies_only_transfer_days"] / dt)),
        timing=timing,
        ranges=ranges,
        params=p,
        param_ranges={n: q.bounds() for n, q in engine if q is not None and (q.low is not None or q.high is not None)},
        notes=notes,
    )


def _central_timing(groups: dict[str, Groups], timing: TimingInputs, p: dict[str, float], dt: float) -> None:
    """Fill each group's central timing: what is present on D-day, what arrives when, when it may act."""
    one = np.ones(1)
    entry = entry_days(
        timing,
        timing.warning_days * one,
        p["warning_acted_on_share"] * one,
        timing.decision_delay[None, :],
        timing.explicit_entry[None, :],
    )
    for g in groups.values():
        if not len(g):
            continue
        active, arrival, ready = group_days(
            g,
            entry,
            timing.paralysis[None, :],
            timing.warning_days * one,
            timing.mobilisation_days * one,
            timing.concealed_days * one,
        )
        total = g.count0.copy()
        later = (g.arrival_kind == REINFORCEMENT) & (arrival[0] > 0)
        later |= (g.arrival_kind == MOBILISATION) & (ready[0] < 1)
        present = np.where(g.arrival_kind == MOBILISATION, np.round(total * ready[0]), np.where(later, 0.0, total))
        g.count0 = present
        g.arrival_count = total - present
        g.arrival_step = np.where(g.arrival_count > 0, np.ceil(np.maximum(arrival[0], 0.0) / dt), 0).astype(np.int64)
        g.active_day = active[0]
        g.active_step = np.ceil(active[0] / dt - 1e-9).astype(np.int64)
