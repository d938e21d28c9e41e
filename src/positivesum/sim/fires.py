"""The kill chain against fixed targets, both ways: daily allocation of land-attack fire (methodology §3.2).

Each side's land-attack salvo (missile launchers, ships and submarines) is allocated every step across
six kinds of target the other side needs: parked aircraft (combat and ISR) and runways, ground-based
launchers (anti-ship and air defence), ships alongside in port, command-and-control nodes, bases as
logistics nodes, and ground forces in contact. A kind gets fire in proportion to its ``fire_weight_*``
among the kinds a shooter can reach and may strike; within a kind, fire goes to bases in proportion to
what is there. The salvo is capped by the side's targeting capacity, which falls with its C2 losses.
Missiles that arrive meet the base's air defences (Hughes' salvo rule); penetrators then kill aircraft
(in the open, then in shelters; Stillion & Orletsky 1999), launchers (scaled by the shooter's ISR), ships
in port (hits against staying power), C2 nodes (hits to disable, then reconstitution) and logistics
capacity (repaired over time). Every random draw uses the ``rng`` passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import fires_kernels, kernels, kernels_fixed
from .arming import FIXED_TARGET_SHOOTERS
from .mechanics import FireMap, kills_from_hits, rowsum, salvo_hits, stoch_round, take_losses
from .setup import BLUE, RED, CampaignSetup
from .state import cols_of
from .uncertainty import col

if TYPE_CHECKING:
    from .state import Block, Static

KINDS = fires_kernels.KINDS  # the kinds of target, in the order of the allocation's arrays
AT_BASES = 4  # the first four kinds are at bases
PARKED = ("air", "isr")
LAUNCHERS = ("missile", "air_defence")
SHIPS = ("surface", "amphibious")


class SideFires:
    """What one side's land-attack pairs can reach, restricted to the bases worth computing (built once per block)."""

    def __init__(self, s: CampaignSetup, side: int, maps: dict[str, dict[str, FireMap]], static: Static):
        victim = RED if side == BLUE else BLUE
        self.side, self.victim = side, victim
        in_play = static.in_play
        host = s.base_host_side[in_play]
        present = np.zeros(len(in_play), dtype=bool)
        for d, g in s.groups.items():
            present |= ((g.side == victim).astype(float) @ static.base_of[d]) > 0
        permitted = (host == victim) | ((host < 0) & present)
        if side == BLUE:
            permitted &= s.mainland_strikes | (host != RED)
        # this side's own shooter-munition pairs only (a FireMap per domain restricted to them)
        self.maps: list[tuple[str, FireMap]] = []
        reach, ground, pool = [], [], []
        for d in FIXED_TARGET_SHOOTERS:
            fm = maps[d]["land_attack"]
            mine = s.groups[d].side[fm.group_idx] == side
            if not mine.any():
                continue
            self.maps.append((d, FireMap(fm.group_idx[mine], fm.pool_idx[mine], len(s.groups[d]), len(s.pools.label))))
            reach.append(s.fixed_reach[d][mine][:, in_play] & permitted[None, :])
            ground.append(s.ground_reach[d][mine])
            pool.append(fm.pool_idx[mine])
        full = np.concatenate(reach) if reach else np.zeros((0, len(in_play)), dtype=bool)
        self.ground = (np.concatenate(ground) if ground else np.zeros(0, dtype=bool)).astype(float)
        self.pool = np.concatenate(pool) if pool else np.zeros(0, dtype=np.int64)
        self.shooting = bool(self.maps)
        # C2 nodes of each victim actor are reachable where some base the actor hosts is reachable
        hosted = np.zeros((len(in_play), len(s.actors)))
        for b_col, a in enumerate(s.base_host_actor[in_play]):
            if a >= 0 and s.actor_side[a] == victim:
                hosted[b_col, a] = 1.0
        self.c2_reach = (full.astype(float) @ hosted > 0).astype(float)  # (J, A)
        # the target list prepared before the war: the bases in reach holding most of the enemy's forces
        # (combat and ISR aircraft, launchers, ships), at most ``target_bases`` of them
        self.candidates = np.flatnonzero(full.any(axis=0) & present)
        self.cols = self.target_list(s, static)
        self.reach = full[:, self.cols].astype(float)  # (J, Bs)
        self.base_of = {d: static.base_of[d][:, self.cols] for d in s.groups}
        # the victim's groups of each domain, and where they are (rows: those groups; columns: target bases)
        self.vcols = {d: np.flatnonzero(g.side == victim) for d, g in s.groups.items()}
        self.vbase = {d: self.base_of[d][self.vcols[d]] for d in s.groups}
        self.shelters = static.shelters[self.cols]
        self.is_port = static.is_port[self.cols]
        self.mine = {d: (g.side == victim).astype(float) for d, g in s.groups.items()}
        self.fixed = len(self.cols) > 0 or bool(self.c2_reach.any())

    def target_list(self, s: CampaignSetup, static: Static) -> np.ndarray:
        """The bases in reach holding most of the victim's forces (combat and ISR aircraft, launchers, ships), at
        most ``target_bases`` of them, in column order: the only part of this side's fires that depends on the
        central counts (so a variant of ``s`` with other counts may need another list: sim/stack.py)."""
        worth = np.zeros(len(static.in_play))
        for d, g in s.groups.items():
            if d in PARKED + LAUNCHERS + SHIPS:
                worth += (g.total * (g.side == self.victim)) @ static.base_of[d]
        top = int(s.params.get("target_bases", len(self.candidates)))
        ranked = self.candidates[np.argsort(-worth[self.candidates], kind="stable")][:top]
        return np.sort(ranked)


def fixed_target_strikes(
    s: CampaignSetup, st: Block, sf: SideFires, rng: np.random.Generator, gate: np.ndarray
) -> np.ndarray:
    """One side's land-attack salvo for this step; returns the effective weapons that reached enemy ground
    forces in contact (R,) for the ground phase. ``gate`` (R,) marks replications where fixed targets may be
    struck (the full-war rung and not yet decided)."""
    reps = st.stock.shape[0]
    if not sf.shooting:
        return np.zeros(reps)
    demands = [(fm, st.launch_demand(d, "land_attack", sf.side)) for d, fm in sf.maps]
    wanted = np.asarray(sum(rowsum(dm) for _, dm in demands), dtype=float)
    if not wanted.any():
        return np.zeros(reps)
    plan = fires_kernels.plan(st, sf)
    if plan is None:  # the NumPy path (Numba off, or pairs or sizes the kernels do not take)
        return _salvo_numpy(s, st, sf, rng, gate, demands, wanted)
    return _salvo_compiled(s, st, sf, rng, gate, plan, demands, wanted)


def _salvo_compiled(
    s: CampaignSetup,
    st: Block,
    sf: SideFires,
    rng: np.random.Generator,
    gate: np.ndarray,
    plan: fires_kernels.Plan,
    demands: list[tuple[FireMap, np.ndarray]],
    wanted: np.ndarray,
) -> np.ndarray:
    """``_salvo_numpy`` with its element-wise steps in the kernels of fires_kernels.py (the same numbers)."""
    reps = wanted.shape[0]
    demand = demands[0][1] if len(demands) == 1 else np.concatenate([dm for _, dm in demands], axis=1)
    ground_val = np.ascontiguousarray(st.ashore if sf.victim == RED else st.blue_in_contact, dtype=np.float64)
    c2_share = np.ascontiguousarray(st.c2_share[sf.side], dtype=np.float64)
    if not (sf.fixed and gate.any()):  # only ground forces in contact can be struck: no allocation to compute
        any_usable, gx = fires_kernels.allocate_ground(
            demand,
            wanted,
            plan.cap0,
            c2_share,
            st.stock,
            st.expended,
            ground_val,
            sf.ground,
            plan.eff_ground,
            *plan.fire,
        )
        if not any_usable:
            return np.zeros(reps)
        summed = np.zeros(reps)
        start = 0
        for j in plan.widths:  # each map's row sums (NumPy's BLAS), added in map order
            summed += rowsum(gx[:, start : start + j])
            start += j
        on_ground: np.ndarray = summed * st.P["missile_reliability"]
        return on_ground
    values, parked = _values_at_bases(s, st, sf)  # (R, 4, Bs); parked aircraft (R, Bs)
    c2_val = (st.c2_nodes[None, :] - st.c2_disabled) * plan.victim_mask  # (R, A)
    status, by_kind, pv, gx, c2_per, any_fixed, any_c2 = fires_kernels.allocate_fixed(
        demand,
        wanted,
        plan.cap0,
        c2_share,
        st.stock,
        st.expended,
        values,
        plan.reach,
        fires_kernels.NO_PRODUCT if plan.emulate else values @ sf.reach.T,
        plan.emulate,
        c2_val @ sf.c2_reach.T,
        np.ascontiguousarray(gate, dtype=np.bool_),
        ground_val,
        sf.ground,
        plan.weights,
        plan.eff_ground,
        *plan.fire,
    )
    if status < 2:  # no pair had a target, or nothing was fired
        return np.zeros(reps)
    out: np.ndarray = rowsum(gx) * st.P["missile_reliability"]
    if any_fixed:
        if kernels_fixed.usable(st, sf):
            kernels_fixed.strike_fixed(st, sf, rng, values, by_kind, pv, parked, s.dt_days)
        else:
            _strike_at_bases(s, st, sf, rng, values, by_kind, pv, parked)
        if any_c2:  # C2 nodes (fires._strike_fixed): the sum over pairs is NumPy's product
            st.c2_disabled = fires_kernels.c2_update(
                c2_per @ sf.c2_reach, c2_val, plan.rel, plan.to_disable, st.c2_nodes, st.c2_disabled
            )
    return out


def _salvo_numpy(
    s: CampaignSetup,
    st: Block,
    sf: SideFires,
    rng: np.random.Generator,
    gate: np.ndarray,
    demands: list[tuple[FireMap, np.ndarray]],
    wanted: np.ndarray,
) -> np.ndarray:
    """The salvo given the maps' demands and their total (not all zero): the NumPy path."""
    reps = st.stock.shape[0]
    z = np.zeros(reps)
    p = st.P
    ground_val = st.ground_in_contact(sf.victim)
    pv_ground = ground_val[:, None] * sf.ground[None, :]  # (R, J)
    fixed = sf.fixed and gate.any()
    if not fixed:  # only ground forces in contact can be struck: no allocation to compute
        return _ground_only(s, st, sf, demands, wanted, pv_ground)
    weights = st.inv.get("fire_weights")
    if weights is None:  # a per-block invariant (the drawn weights of the kinds; recomputed after compaction)
        weights = st.inv["fire_weights"] = np.stack(
            [np.broadcast_to(np.asarray(p[f"fire_weight_{k}"], dtype=float), (reps,)) for k in KINDS], axis=1
        )
    if fixed:
        values, parked = _values_at_bases(s, st, sf)  # (R, 4, Bs); parked aircraft (R, Bs)
        c2_val = (st.c2_nodes[None, :] - st.c2_disabled) * (s.actor_side == sf.victim)  # (R, A)
        g = gate[:, None, None]
        pv = np.concatenate(
            [(values @ sf.reach.T) * g, (c2_val @ sf.c2_reach.T)[:, None, :] * g, pv_ground[:, None, :]], axis=1
        )  # (R, 6, J)
    else:
        pv = np.zeros((reps, len(KINDS), len(sf.pool)))
        pv[:, -1, :] = pv_ground
    w = weights[:, :, None] * (pv > 0)
    total_w = w.sum(axis=1)  # (R, J)
    usable = total_w > 0
    if not usable.any():
        return z
    # demand per group (launchers fire full salvos), capped by the side's targeting capacity
    cap = p["targeting_aimpoints_per_day"] * p["missiles_per_aimpoint"] * s.dt_days * st.c2_share[sf.side]
    scale = col(np.where(wanted > cap, cap / np.maximum(wanted, 1e-12), 1.0))
    fired_parts, start = [], 0
    for fm, dm in demands:
        j = len(fm)
        if j:
            fired_parts.append(fm.fire(dm * scale, st.stock, st.expended, pair_mask=usable[:, start : start + j]))
        start += j
    fired = np.concatenate(fired_parts, axis=1) if fired_parts else np.zeros((reps, 0))
    if not fired.any():
        return z
    # fired x (each kind's share of the pair's weight, 0 where unusable), in place on one (R, 6, J) array
    by_kind = w / np.where(usable, total_w, 1.0)[:, None, :]
    np.copyto(by_kind, 0.0, where=~usable[:, None, :])
    by_kind *= fired[:, None, :]
    out: np.ndarray = rowsum(by_kind[:, -1, :] * st.eff_of("ground_troops", sf.pool)) * p["missile_reliability"]
    if fixed and by_kind[:, :-1, :].any():
        _strike_fixed(s, st, sf, rng, values, by_kind, pv, c2_val, parked)
    return out


def _ground_only(
    s: CampaignSetup,
    st: Block,
    sf: SideFires,
    demands: list[tuple[FireMap, np.ndarray]],
    wanted: np.ndarray,
    pv_ground: np.ndarray,
) -> np.ndarray:
    """The salvo when no fixed target may be struck: everything that reaches the theatre goes at ground forces."""
    p = st.P
    usable = pv_ground > 0
    if not usable.any():
        return np.zeros(len(wanted))
    cap = p["targeting_aimpoints_per_day"] * p["missiles_per_aimpoint"] * s.dt_days * st.c2_share[sf.side]
    scale = col(np.where(wanted > cap, cap / np.maximum(wanted, 1e-12), 1.0))
    out = np.zeros(len(wanted))
    start = 0
    for fm, dm in demands:
        j = len(fm)
        if j:
            fired = fm.fire(dm * scale, st.stock, st.expended, pair_mask=usable[:, start : start + j])
            out += rowsum(fired * st.eff_of("ground_troops", sf.pool[start : start + j]))
        start += j
    result: np.ndarray = out * p["missile_reliability"]
    return result


def _values_at_bases(s: CampaignSetup, st: Block, sf: SideFires) -> tuple[np.ndarray, np.ndarray]:
    """(R, 4, Bs) what parked aircraft, launchers, ships in port and logistics are worth at each target base."""
    ratio = s.params["sheltered_kill_probability"] / max(s.params["aircraft_killed_per_missile"], 1e-9)
    if kernels.ENABLED and kernels.PHASES:  # the same sums in the same order, in one compiled pass
        return fires_kernels.values_at_bases(st, sf, ratio)
    parked = _parked(st, sf)
    sheltered = np.minimum(parked, sf.shelters)
    air = (parked - sheltered) + sheltered * ratio
    launchers = sum(st.n[d][:, sf.vcols[d]] @ sf.vbase[d] for d in LAUNCHERS)
    ships = sum((st.n[d][:, sf.vcols[d]] * st.in_port[d][:, sf.vcols[d]]) @ sf.vbase[d] for d in SHIPS) * sf.is_port
    logistics = 1.0 - st.log_damage[:, sf.cols]
    values = np.stack([air, np.asarray(launchers, dtype=float), np.asarray(ships, dtype=float), logistics], axis=1)
    return values, parked


def _parked(st: Block, sf: SideFires) -> np.ndarray:
    out = np.zeros((st.stock.shape[0], len(sf.cols)))
    for d in PARKED:
        v = sf.vcols[d]
        if len(v):
            out += (st.n[d][:, v] * st.land_based[d][v]) @ sf.vbase[d]
    return out


def _strike_fixed(
    s: CampaignSetup,
    st: Block,
    sf: SideFires,
    rng: np.random.Generator,
    values: np.ndarray,
    by_kind: np.ndarray,
    pv: np.ndarray,
    c2_val: np.ndarray,
    parked: np.ndarray,
) -> None:
    """Resolve the salvo at the bases: arrivals, intercepts, then each kind's effect (compiled in one kernel where
    Numba is on: kernels_fixed.py, the same draws in the same order)."""
    if kernels.ENABLED and kernels.PHASES and kernels_fixed.usable(st, sf):
        kernels_fixed.strike_fixed(st, sf, rng, values, by_kind, pv, parked, s.dt_days)
    else:
        _strike_at_bases(s, st, sf, rng, values, by_kind, pv, parked)
    p = st.P
    # C2 nodes: hardened, hit by what arrives (no base defences modelled for them)
    c2_fire = by_kind[:, 4]
    if c2_fire.any():
        per_actor = (
            np.where(pv[:, 4] > 0, c2_fire / np.where(pv[:, 4] > 0, pv[:, 4], 1.0), 0.0) @ sf.c2_reach
        ) * c2_val
        hits = per_actor * col(p["missile_reliability"])
        st.c2_disabled = np.minimum(
            st.c2_nodes[None, :], st.c2_disabled + hits / np.maximum(col(p["c2_node_hits_to_disable"]), 1e-9)
        )


def _strike_at_bases(
    s: CampaignSetup,
    st: Block,
    sf: SideFires,
    rng: np.random.Generator,
    values: np.ndarray,
    by_kind: np.ndarray,
    pv: np.ndarray,
    parked: np.ndarray,
) -> None:
    """The NumPy path of the salvo at the bases (all but C2 nodes)."""
    p = st.P
    per_value = np.where(
        pv[:, :AT_BASES] > 0, by_kind[:, :AT_BASES] / np.where(pv[:, :AT_BASES] > 0, pv[:, :AT_BASES], 1.0), 0.0
    )
    at_base = values * (per_value @ sf.reach)  # (R, 4, Bs)
    eff_aog = st.eff_of("aircraft_on_ground", sf.pool)
    ship_eff = values[:, 2] * ((per_value[:, 2] * eff_aog) @ sf.reach)
    total = at_base.sum(axis=1)
    penetrating = _arrive_and_intercept(s, st, sf, total, rng)
    frac = np.where(total > 0, penetrating / np.where(total > 0, total, 1.0), 0.0)
    pen = at_base * frac[:, None, :]
    cols = sf.cols
    if pen[:, 0].any():
        _aircraft_on_ground(st, sf, pen[:, 0], rng, parked)
        st.cut[:, cols] += pen[:, 0] * col(p["runway_cut_per_missile"])
    if pen[:, 1].any():
        _launchers(st, sf, pen[:, 1], rng)
    if pen[:, 2].any():
        _ships_in_port(st, sf, ship_eff * frac, rng)
    if pen[:, 3].any():
        st.log_damage[:, cols] = np.minimum(
            1.0, st.log_damage[:, cols] + pen[:, 3] * col(p["logistics_damage_per_missile"])
        )


def _arrive_and_intercept(
    s: CampaignSetup, st: Block, sf: SideFires, at_base: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Missiles that reach each base through its air defences (Hughes' salvo rule with reliability)."""
    p = st.P
    raids = col(p["salvo_exchanges_per_day"]) * s.dt_days
    where = sf.base_of["air_defence"]
    cap = (
        st.n["air_defence"]
        * st.A["air_defence"].get("interceptors_per_salvo", 0.0)
        * st.act["air_defence"]
        * sf.mine["air_defence"]
        * raids
    )
    # launch and flight failures thin the salvo (expected arrivals, stochastically rounded: the chance that
    # matters here is in the intercept exchange below)
    arriving = stoch_round(at_base * col(p["missile_reliability"]), rng)
    if not np.any(cap):
        return arriving
    cap_at_base = cap @ where
    want = np.minimum(arriving, cap_at_base)
    share = np.where(cap_at_base > 0, want / np.where(cap_at_base > 0, cap_at_base, 1.0), 0.0)
    shots = st.intercept(st.side_maps[("air_defence", "air_defence", sf.victim)], cap * (share @ where.T)) @ where
    penetrating, _ = salvo_hits(arriving, np.floor(shots), col(p["interceptor_kill_probability"]), rng)
    return penetrating


def _aircraft_on_ground(
    st: Block, sf: SideFires, pen: np.ndarray, rng: np.random.Generator, parked: np.ndarray
) -> None:
    """Penetrators at air bases: aircraft in the open first (several per missile), then shelters (``parked``: the
    aircraft on the ground at the target bases when the salvo was allocated, this step)."""
    p = st.P
    sheltered = np.minimum(parked, sf.shelters)
    in_open = parked - sheltered
    kpm = col(p["aircraft_killed_per_missile"])
    on_open = np.minimum(pen, np.ceil(in_open / np.maximum(kpm, 1e-9)))
    killed_open = np.minimum(in_open, on_open * kpm)
    on_shelters = np.minimum(np.floor(pen - on_open), sheltered)
    killed_shel = stoch_round(np.maximum(on_shelters, 0.0) * np.clip(col(p["sheltered_kill_probability"]), 0, 1), rng)
    frac = np.where(parked > 0, (killed_open + killed_shel) / np.where(parked > 0, parked, 1.0), 0.0)
    for d in PARKED:
        v = sf.vcols[d]
        if not len(v):
            continue
        expected = st.n[d][:, v] * (frac @ sf.vbase[d].T) * st.land_based[d][v]
        take_losses(st.n[d], st.lost[d], v, expected, st.live, rng, also=st.lost_on_ground if d == "air" else None)


def _launchers(st: Block, sf: SideFires, pen: np.ndarray, rng: np.random.Generator) -> None:
    """Penetrators at launcher sites: each destroys a dispersed launcher with a probability scaled by ISR."""
    p = st.P
    pk = np.clip(col(p["mobile_launcher_kill_per_missile"]) * col(st.det[sf.side]), 0.0, 1.0)
    killed = pen * pk  # expected launchers destroyed per base (rounded per group below)
    there = {d: st.n[d][:, sf.vcols[d]] @ sf.vbase[d] for d in LAUNCHERS}
    total = there["missile"] + there["air_defence"]
    share = np.where(total > 0, killed / np.where(total > 0, total, 1.0), 0.0)
    for d in LAUNCHERS:
        v = sf.vcols[d]
        if not len(v):
            continue
        take_losses(st.n[d], st.lost[d], v, st.n[d][:, v] * (share @ sf.vbase[d].T), st.live, rng)


def _ships_in_port(st: Block, sf: SideFires, hits: np.ndarray, rng: np.random.Generator) -> None:
    """Effective hits on ships alongside, spread over the ships in port at each base by staying power."""
    h2k = {d: cols_of(st.A[d].get("hits_to_kill", 1.0), sf.vcols[d]) for d in SHIPS}
    alongside = {d: st.n[d][:, sf.vcols[d]] * st.in_port[d][:, sf.vcols[d]] for d in SHIPS}
    total = sum((alongside[d] * h2k[d]) @ sf.vbase[d] for d in SHIPS)
    share = np.where(total > 0, hits / np.where(total > 0, total, 1.0), 0.0)
    for d in SHIPS:
        v = sf.vcols[d]
        if not len(v) or not alongside[d].any():
            continue
        kills = kills_from_hits(alongside[d] * h2k[d] * (share @ sf.vbase[d].T), alongside[d], h2k[d], rng)
        kills = np.minimum(st.n[d][:, v], kills) * st.live
        st.n[d][:, v] -= kills
        st.lost[d][:, v] += kills
        if d == "amphibious" and sf.victim == RED:
            full = np.zeros_like(st.n[d])
            full[:, v] = kills
            st.troops_lost_at_sea(full)
