"""The campaign engine: a time-stepped Monte Carlo, vectorised across replications.

One call of :func:`run_block` simulates a block of replications with one generator: first the outer
loop's draws (uncertainty.py), then the steps. State arrays have shape (replications, groups); the only
Python loop is over time steps. Phases of one step (methodology §3):

1. arrivals; ISR detection, C2 and the kill chain's track quality;
2. land-attack fire on fixed targets, both ways (fires.py): aircraft and runways, launchers, ships in port,
   C2 nodes, logistics, ground forces in contact;
3. sorties and the air-to-air exchange;
4. the war at sea: anti-ship salvos both ways, submarines (naval.py);
5. strikes on the lodgement or front; amphibious lift and landing; ground combat (ground.py);
6. the blockade: throughput, stocks, electricity, escalation (blockade.py);
7. munitions production; outcome tests (grading.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import blockade, core_kernels, fires, ground, kernels, kernels_air, naval
from .grading import DEFEAT, DENIED, GRADES, OUTCOMES, RED_SUCCESS, STALEMATE, UNDECIDED, decide, grade_stalemates
from .mechanics import air_exchange, allocate, rowsum, sortie_range_factor, take_losses
from .setup import BLUE, FULL_WAR, RED, WAR_AT_SEA, CampaignSetup
from .state import LANDING, NAVAL, REP_DICTS, REP_FIELDS, SHIPS, Block
from .uncertainty import col, sample
from .variants import StackedRows

__all__ = ["run_block", "OUTCOMES", "GRADES", "UNDECIDED", "RED_SUCCESS", "DENIED", "STALEMATE", "DEFEAT", "LANDING"]

#: Compact the state once at most this share of the current replications is still undecided.
COMPACT_BELOW = 0.8


def run_block(
    s: CampaignSetup,
    reps: int,
    rng: np.random.Generator,
    trace: dict[str, dict[int, float]] | None = None,
    sample_parameters: bool = True,
    stacked: StackedRows | None = None,
) -> dict[str, np.ndarray]:
    """Simulate ``reps`` replications of a scenario with generator ``rng``; return per-replication arrays.

    With ``sample_parameters`` the replications are grouped into outer draws that each take one value of
    every stated range (uncertainty.py); without, every parameter is at its central value. ``stacked``: the
    block holds several variants of ``s`` that differ only in their central counts and stocks (sim/stack.py).
    """
    st = Block(s, sample(s, reps, rng, sample_parameters, stacked), stacked)
    dt = s.dt_days
    G = s.groups
    air, isr = G["air"], G["isr"]
    # drawn relative to the setup's central values (callers may rescale those, as the tests do)
    st.depth = s.objective_depth_km * _relative(st.scalar, s.ranges.scalar, "objective_depth_km", reps)
    st.objective_troops = s.objective_troops * _relative(st.scalar, s.ranges.scalar, "objective_troops", reps)
    a = st.A["air"]
    st.aa_share = np.where(
        a.get("air_to_air_kills_per_sortie", np.zeros(len(air))) > 0,
        np.where(a.get("weapons_per_sortie", np.zeros(len(air))) > 0, col(st.P["air_superiority_share"]), 1.0),
        0.0,
    )
    st.range_factor = sortie_range_factor(
        air.distance_km,
        a.get("combat_radius_km", np.zeros(len(air))),
        col(st.P["tanker_radius_factor"]),
        col(st.P["sortie_distance_decay_km"]),
    )
    side_fires = {side: fires.SideFires(s, side, st.maps, st.static) for side in (BLUE, RED)}
    nodes = {side: (s.c2_nodes * (s.actor_side == side)) for side in (BLUE, RED)}
    hours = {
        side: float((s.c2_hours * nodes[side]).sum() / nodes[side].sum()) if nodes[side].sum() else 0.0
        for side in (BLUE, RED)
    }
    isr_side = {side: ((isr.side == side) * s.isr_in_reach) for side in (BLUE, RED)}
    chain = _Chain(
        isr_side=isr_side,
        total={side: nodes[side].sum() for side in (BLUE, RED)},
        hours=hours,
        mine={side: s.actor_side == side for side in (BLUE, RED)},
    )
    days = np.array([t * dt for t in range(s.steps)])  # each step's day as the loop computes it
    step_rates = (
        np.where(days[:, None] >= s.pools.lead_time_days, s.pools.surge_per_day, s.pools.production_per_day) * dt
    )
    red_gnd = G["ground"].side == RED
    plan = TracePlan(s, st) if trace is not None else None
    for t in range(s.steps):
        day = t * dt
        st.day = day
        ongoing = st.outcome == UNDECIDED
        n_on = int(ongoing.sum())
        if not n_on:
            break
        if n_on <= COMPACT_BELOW * len(ongoing) and len(ongoing) > 64:
            _compact(s, st, ongoing, plan)  # decided replications are frozen: stop computing them
            ongoing = np.ones(len(st.outcome), dtype=bool)
            n_on = len(ongoing)
        all_live = n_on == len(ongoing)
        st.live = ongoing[:, None].astype(float)
        reps_now = len(ongoing)
        p = st.P
        _arrivals(s, st, t, ongoing, red_gnd)
        _activity(s, st, t, reps_now)
        st.demand_cache = {}
        logistics = 1 - st.log_damage
        # the ports' logistics capacity seen by each naval group: unchanged while no base's logistics are damaged
        if not (st.inv.get("undamaged_logistics") and not st.log_damage.any()):
            for d in NAVAL:
                st.port_logistics[d] = logistics @ st.static.base_of[d].T
            st.inv["undamaged_logistics"] = not st.log_damage.any()
        # 1. ISR, C2 and the quality of each side's kill chain
        _kill_chain(st, chain, dt, reps_now)
        war_at_sea = (st.rung >= WAR_AT_SEA) & ongoing
        full_war = (st.rung >= FULL_WAR) & ongoing
        if s.objective in LANDING + ("land_offensive",):
            st.blue_in_contact = ground.defenders_in_contact(s, st, day)
        # 2. land-attack fire on fixed targets and ground forces, both ways
        on_defenders = fires.fixed_target_strikes(s, st, side_fires[RED], rng, full_war) * st.det[RED]
        on_attacker = fires.fixed_target_strikes(s, st, side_fires[BLUE], rng, full_war) * st.det[BLUE]
        bp = st.static
        repair = st.inv.get("runway_repair")
        if repair is None:  # runway repair per step, and whether it is finite and not negative (a per-block invariant)
            step_repair = bp.runways / bp.repair_days * dt
            repair = st.inv["runway_repair"] = (
                step_repair,
                bool(np.all(np.isfinite(step_repair) & (step_repair >= 0))),
                np.where(bp.runways > 0, bp.runways, 1.0),
                dt / np.maximum(col(p["logistics_repair_days"]), 1e-9),  # logistics repaired per step
            )
        if repair[1] and not st.cut.any():  # no runway cut anywhere: 1 - 0 is 1, times logistics; cuts stay at 0
            runway = logistics
        else:
            runway = np.clip(1 - st.cut / repair[2], 0.0, 1.0) * logistics
            st.cut = np.maximum(0.0, st.cut - repair[0])
        st.log_damage = np.maximum(0.0, st.log_damage - repair[3])
        # 3. sorties and the air-to-air exchange
        a = st.A["air"]
        rf = np.where(st.land_based["air"], runway @ bp.base_of["air"].T, 1.0)
        per_aircraft = st.inv.get("sorties")
        if per_aircraft is None:  # sorties per aircraft and step at full runway capacity: a per-block invariant
            per_aircraft = st.inv["sorties"] = a.get("sorties_per_day", 0.0) * dt * st.range_factor
        sorties = st.n["air"] * per_aircraft  # the products in their order, in place on one fresh array
        sorties *= rf
        sorties *= st.act["air"]
        # times a live of ones: the same numbers
        sorties *= war_at_sea[:, None] if all_live else st.live * war_at_sea[:, None]
        strike = _air_combat(s, st, rng, sorties)
        # 4. the war at sea
        for shooter in (BLUE, RED):
            naval.ship_strikes(s, st, rng, shooter, strike, war_at_sea)
        naval.submarines(s, st, rng, war_at_sea)
        # 5. the lodgement or front
        st.ashore_before = st.ashore.copy()
        if s.objective in LANDING + ("land_offensive",):
            on_attacker = on_attacker + _air_strikes_on_attacker(s, st, strike) * st.det[BLUE]
            ground.strike_the_attacker(s, st, rng, on_attacker)
            ground.strike_the_defenders(s, st, rng, on_defenders)
        lift = ground.lift_and_land(s, st, ongoing) if s.objective in LANDING else np.zeros(reps_now)
        if s.objective in LANDING + ("land_offensive",):
            ground.combat(s, st, rng, ongoing)
        # 6. the blockade
        if s.objective == "blockade":
            blockade.blockade_step(s, st, rng, ongoing)
        # 7. production; outcomes
        if t == s.transfer_step and s.transfer_rounds.any():  # supplies-only deliveries arrive
            st.stock += s.transfer_rounds * st.live
        rate_dt = step_rates[t]  # np.where(day >= lead_time, surge, production) * dt, made for all steps at once
        if all_live:  # times a live of ones: the same numbers
            st.stock += rate_dt
            out = (st.stock < 1) & np.isnan(st.runout_day) & st.stock_held
        else:
            st.stock += rate_dt * st.live
            out = (st.stock < 1) & np.isnan(st.runout_day) & st.stock_held & ongoing[:, None]
        st.runout_day[out] = day + dt
        decide(s, st, day + dt, ongoing, lift)
        if plan is not None:
            plan.record(t, st, s)
    if plan is not None and trace is not None:
        plan.write(trace)
    grade_stalemates(s, st)
    _store(s, st, np.ones(len(st.outcome), dtype=bool))
    return st.final


def _relative(
    scalar: dict[str, np.ndarray], ranges: dict[str, tuple[float, float, float]], name: str, reps: int
) -> np.ndarray:
    """A drawn scenario quantity as a multiple of its central value (1 where it has no range or no value)."""
    central = ranges.get(name, (0.0, 0.0, 0.0))[1]
    if name not in scalar or not central:
        return np.ones(reps)
    out: np.ndarray = scalar[name] / central
    return out


@dataclass
class _Chain:
    """Per-run constants of the kill chain: ISR units in reach by side, C2 nodes and hours by side."""

    isr_side: dict[int, np.ndarray]
    total: dict[int, float]
    hours: dict[int, float]
    mine: dict[int, np.ndarray]


def _kill_chain(st: Block, chain: _Chain, dt: float, reps_now: int) -> None:
    """Detection (``st.det``), C2 share (``st.c2_share``) and track quality (``st.track``) of each side; C2 nodes
    recover. The parameter terms are per-block invariants; while no C2 node is disabled anywhere, the shares and
    tracks are those of the first such step (the same inputs), kept."""
    p = st.P
    held = st.inv.get("core_kill_chain")
    if held is None:
        decay = 1 - dt / np.maximum(col(p["c2_reconstitution_days"]), dt)
        held = st.inv["core_kill_chain"] = (
            decay,
            bool(np.all(np.isfinite(decay))),
            1 - p["isr_base_detection"],
            np.maximum(p["isr_units_half_gap"], 1e-9),
            np.maximum(p["track_decay_hours"], 1e-9),
            # the C2 share of the kill chain's latency times each side's C2 hours (evaluated first, as written)
            {side: p["c2_latency_share_in_kill_chain"] * chain.hours[side] for side in (BLUE, RED)},
        )
    decay, finite, miss, gap, track_hours, c2_hours = held
    damaged = bool(st.c2_disabled.any())
    if damaged or not finite:  # zeros times a finite factor stay the same zeros
        st.c2_disabled = st.c2_disabled * decay
        damaged = bool(st.c2_disabled.any())  # the factor may reach zero
    seen = st.n["isr"] * st.act["isr"]
    last = st.inv.get("core_isr_seen")
    if last is None or not np.array_equal(last[0], seen):  # else the same ISR units: the same detection
        for side in (BLUE, RED):
            units = rowsum(seen * chain.isr_side[side])
            st.det[side] = 1 - miss * np.power(0.5, units / gap)
        st.inv["core_isr_seen"] = (seen, {side: st.det[side] for side in (BLUE, RED)})
    else:
        st.det.update(last[1])
    intact = None if damaged else st.inv.get("core_c2_intact")
    if intact is not None:
        st.c2_share.update(intact[0])
        st.track.update(intact[1])
        return
    for side in (BLUE, RED):
        total = chain.total[side]
        alive = total - rowsum(st.c2_disabled * chain.mine[side])
        st.c2_share[side] = alive / total if total else np.ones(reps_now)
        latency = p["kill_chain_hours"] + c2_hours[side] / np.maximum(st.c2_share[side], 0.05)
        st.track[side] = np.exp(-latency / track_hours)
    if not damaged:
        st.inv["core_c2_intact"] = (
            {side: st.c2_share[side] for side in (BLUE, RED)},
            {side: st.track[side] for side in (BLUE, RED)},
        )


def _activity(s: CampaignSetup, st: Block, t: int, reps_now: int) -> None:
    """Which groups are active (``st.act``), the ships alongside (``st.in_port``) and at sea (``st.sea``).

    A domain's arrays change only on the steps when some of its groups' active step is reached (found once
    per block; compaction keeps these steps and compacts the arrays, see :func:`_compact`): only those are made
    anew, the others kept. Nothing writes into these arrays."""
    G = s.groups
    flags = st.inv.get("activity_steps")
    if flags is None:  # the steps on which each domain's activity changes (a per-block invariant)
        flags = st.inv["activity_steps"] = {
            d: np.bincount(np.clip(a.reshape(-1), 0, s.steps).astype(np.int64), minlength=s.steps + 1) > 0
            for d, a in st.active_step.items()
        }
        changed = set(G)
        st.act, st.in_port, st.sea = {}, {}, {}
    else:
        changed = {d for d in G if flags[d][t]}
        if not changed:
            return
    p = st.P
    compiled = kernels.ENABLED  # the ships' three arrays in one pass each (core_kernels.naval_activity)
    act = dict(st.act)
    for d in G:
        if d in changed and not (compiled and d in SHIPS):
            act[d] = (st.active_step[d] <= t).astype(float)
    # ships alongside: those not yet sailing at a port, and the share of each rearm cycle in port (for a
    # landing fleet: the part loading or unloading, the rest crossing in waves)
    port_share = st.inv.get("port_share")
    if port_share is None:  # a per-block invariant (recomputed after compaction)
        cycle_days = col(p["naval_rearm_days"]) + G["surface"].rearm_transit_days
        port_share = st.inv["port_share"] = col(p["port_time_days"]) / np.maximum(cycle_days, 1e-9)
    port_base = st.static.port_base
    in_port = dict(st.in_port)
    sea = dict(st.sea)
    for d in SHIPS:
        if d not in changed:
            continue
        share = port_share if d == "surface" else 1 - col(p["amphibious_time_at_sea_share"])
        if compiled:
            act[d], in_port[d], sea[d] = core_kernels.naval_activity(
                st.active_step[d], t, port_base[d], np.atleast_2d(np.asarray(share, dtype=float))
            )
        else:
            in_port[d] = port_base[d] * np.where(act[d] > 0, share, 1.0)
            sea[d] = act[d] * (1.0 - in_port[d])
    if "subsurface" in changed:
        if "subsurface" not in in_port:
            in_port["subsurface"] = np.zeros((reps_now, len(G["subsurface"])))
        sea["subsurface"] = act["subsurface"] * (1.0 - in_port["subsurface"])
    st.act, st.in_port, st.sea = act, in_port, sea


def _arrivals(s: CampaignSetup, st: Block, t: int, ongoing: np.ndarray, red_gnd: np.ndarray) -> None:
    """Groups arriving this step (decided replications are frozen: nothing arrives there)."""
    for d in s.groups:
        if t == 0 or t not in st.arrival_steps[d]:
            continue
        if kernels.use(st.n[d]):  # the same products and sum in one compiled pass
            st.n[d], arriving = kernels.arrivals(st.n[d], st.arr_step[d], st.arr_count[d], st.live, t)
        else:
            arriving = (st.arr_step[d] == t) * st.arr_count[d] * st.live
            st.n[d] = st.n[d] + arriving
        if d == "ground":
            added = arriving * st.A["ground"].get("troops", 0.0)
            st.troops = st.troops + added
            st.troops_in = st.troops_in + added
            red_troops = rowsum(added * red_gnd)
            st.pending_red = st.pending_red - red_troops
            if s.objective in LANDING:
                st.waiting = st.waiting + red_troops
            elif s.objective == "land_offensive":  # reinforcements join the offensive at the front
                st.ashore = st.ashore + red_troops


def _air_combat(s: CampaignSetup, st: Block, rng: np.random.Generator, sorties: np.ndarray) -> np.ndarray:
    """Counter-air sorties shoot down enemy aircraft; everyone loses some to defences. Returns strike sorties
    (in one compiled kernel where Numba is on: kernels_air.py, the same draws in the same order)."""
    a = st.A["air"]
    # airborne attrition to the enemy's air and ship defences, in proportion to sorties flown
    rate = st.inv.get("air_loss_per_sortie")
    if rate is None:  # a per-block invariant
        rate = st.inv["air_loss_per_sortie"] = np.where(
            a.get("sorties_per_day", 0.0) > 0,
            a.get("loss_rate_per_day", 0.0) / np.maximum(a.get("sorties_per_day", 1.0), 1e-9),
            0.0,
        )
    if kernels.ENABLED and kernels.PHASES:
        return kernels_air.air_combat(st, rng, sorties, rate)
    aa = sorties * st.aa_share
    strike: np.ndarray = sorties - aa
    kp = aa * a.get("air_to_air_kills_per_sortie", 0.0)
    side_cols = st.static.side_cols["air"]
    s_side = {side: rowsum(sorties[:, side_cols[side]]) for side in (BLUE, RED)}
    aa_side = {side: rowsum(aa[:, side_cols[side]]) for side in (BLUE, RED)}
    # control of the air over the theatre: each side's share of the counter-air sorties flown (even if nobody flies)
    total_aa = aa_side[BLUE] + aa_side[RED]
    for side in (BLUE, RED):
        st.air_control[side] = np.where(total_aa > 0, aa_side[side] / np.where(total_aa > 0, total_aa, 1.0), 0.5)
    for shooter, victim in ((BLUE, RED), (RED, BLUE)):
        cols = st.static.side_cols["air"][victim]
        if not len(cols):
            continue
        downed = air_exchange(rowsum(kp[:, side_cols[shooter]]), aa_side[shooter], s_side[victim], rng)
        mine = sorties[:, cols]
        expected = allocate(downed, mine) + mine * rate[..., cols] * (s_side[shooter] > 0)[:, None]
        take_losses(st.n["air"], st.lost["air"], cols, expected, None, rng)
    return strike


def _air_strikes_on_attacker(s: CampaignSetup, st: Block, strike: np.ndarray) -> np.ndarray:
    """Effective land-attack weapons of allied strike sorties on the lodgement or front (R,)."""
    ashore = st.ashore > 0
    if not ashore.any():
        return np.zeros(len(st.ashore))
    air = s.groups["air"]
    armed = st.static.armed["air"]
    # aircraft with an anti-ship weapon fly anti-ship while enemy ships are at sea; then they too strike ashore
    afloat = [rowsum(st.n[d] * naval.at_sea(s, st, d, RED)) for d in naval.FLEET]
    # the fleets' sum only meets zero here: 0 + a + b and a + b differ at most in the sign of a zero
    fleet_gone = (afloat[0] + afloat[1] if len(afloat) == 2 else sum(afloat, np.zeros(len(st.ashore)))) <= 0
    weapons = st.A["air"].get("weapons_per_sortie", 0.0)
    if kernels.ENABLED and strike.flags.c_contiguous and strike.dtype == np.float64:
        held = st.inv.get("core_land_attack")
        if held is None:  # the weapons as a (1, K) or (R, K) array and the allied groups: per-block invariants
            w2 = np.asarray(weapons, dtype=float)
            w2 = np.full((1, len(air)), float(weapons)) if w2.ndim == 0 else w2.reshape(-1, len(air))
            held = st.inv["core_land_attack"] = (np.ascontiguousarray(w2), air.side == BLUE)
        demand = core_kernels.land_attack_demand(
            strike, held[0], held[1], armed["anti_ship"], fleet_gone, armed["land_attack"], st.ashore, st.live
        )
    else:
        busy = armed["anti_ship"][None, :] & ~fleet_gone[:, None]
        # the products in their order, in place on one fresh array
        demand = strike * weapons
        demand *= air.side == BLUE
        demand *= ~busy
        demand *= armed["land_attack"]
        demand *= ashore[:, None]
        demand *= st.live
    fm = st.maps["air"]["land_attack"]
    fired = fm.fire(demand, st.stock, st.expended)
    out: np.ndarray = rowsum(fired * st.eff_of("ground_troops", fm.pool_idx)) * st.P["missile_reliability"]
    return out


def _outputs(s: CampaignSetup, st: Block) -> dict[str, np.ndarray]:
    """Per-replication results for the rows currently held."""
    window = st.scalar["fait_accompli_window_days"]
    return {
        "outcome": st.outcome,
        "grade": st.grade,
        "decided_day": st.decided_day,
        "fait_accompli": (st.outcome == RED_SUCCESS) & (st.decided_day <= window),
        "outer": st.outer,
        "expended": st.expended,
        "runout_day": st.runout_day,
        "stock_end": st.stock,
        "peak_ashore": st.peak_ashore,
        "ashore_end": st.ashore,
        "held_end": st.held,
        "held_peak": st.held_peak,
        "force_ratio_end": st.ratio,
        "red_troops_lost": st.red_troops_lost,
        "casualties": st.casualties_total(),
        "lost_on_ground": st.lost_on_ground,
        "lift_end_fraction": rowsum(st.n["amphibious"] * st.lift_weights) / np.maximum(st.lift0, 1e-9),
        "lift_broken_day": st.lift_broken_day,
        **{f"lost_{d}": st.lost[d] for d in s.groups},
        "ground_troops_lost": ground_losses(s, st),
        "throughput_mean": st.throughput_sum
        / np.maximum(np.where(np.isnan(st.decided_day), s.steps * s.dt_days, st.decided_day), 1e-9),
        "electricity_min": st.electricity_min,
        "shortfall": st.shortfall,
        "rung_max": st.rung_max,
        "commodity_runout": st.commodity_runout,
        "c2_disabled": st.c2_disabled,
    }


def ground_losses(s: CampaignSetup, st: Block) -> np.ndarray:
    """Troops lost by actor (R, A): blue from their ground groups, red at sea and ashore."""
    g = s.groups["ground"]
    lost_blue = np.maximum(0.0, st.troops_in - st.troops) * (g.side == BLUE)
    out: np.ndarray = lost_blue @ st.actor_of["ground"]
    out[:, s.adversary_index] += st.red_troops_lost
    return out


def _store(s: CampaignSetup, st: Block, rows: np.ndarray) -> None:
    """Write the chosen rows' results (a mask or indices) into the full-size output arrays (original order)."""
    if rows.dtype == bool:
        rows = np.flatnonzero(rows)
    at = st.index[rows]
    for key, value in _outputs(s, st).items():
        if key not in st.final:
            st.final[key] = np.zeros((st.reps0,) + value.shape[1:], dtype=value.dtype)
        st.final[key][at] = value[rows]


def _compact(s: CampaignSetup, st: Block, keep: np.ndarray, plan: TracePlan | None) -> None:
    """Drop decided (frozen) replications from the working state after storing their results (and their traced
    sums, with ``plan``)."""
    # integer indices: the same rows in the same order as the masks select, without a mask conversion per array
    decided = np.flatnonzero(~keep)
    _store(s, st, decided)
    if plan is not None:
        plan.freeze(st, s, decided)
    n = len(keep)
    keep = np.flatnonzero(keep)
    for name in REP_FIELDS + ("depth", "objective_troops", "aa_share", "range_factor"):
        value = getattr(st, name)
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            setattr(st, name, value[keep])
    for name in REP_DICTS:
        group = getattr(st, name)
        for d in group:
            group[d] = group[d][keep]
    st.P = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in st.P.items()}
    st.A = {d: {k: (v[keep] if v.ndim == 2 else v) for k, v in attrs.items()} for d, attrs in st.A.items()}
    st.eff = {k: (v[keep] if v.ndim == 2 else v) for k, v in st.eff.items()}
    st.scalar = {k: v[keep] for k, v in st.scalar.items()}
    # per-block invariants have a row per replication: recomputed at next use; but the steps on which activity
    # changes (a superset for the rows kept) and whether the ports' logistics are undamaged hold for any rows,
    # and the activity arrays are row by row: kept, compacted, and remade only when they change
    st.inv = {key: st.inv[key] for key in ("activity_steps", "undamaged_logistics") if key in st.inv}
    st.act = {d: v[keep] for d, v in st.act.items()}
    st.in_port = {d: v[keep] for d, v in st.in_port.items()}
    st.sea = {d: v[keep] for d, v in st.sea.items()}
    st.port_logistics = {d: v[keep] for d, v in st.port_logistics.items()}


def trace_values(st: Block, s: CampaignSetup, rows: np.ndarray | None = None) -> dict[str, float]:
    """Sums over (some) replications of the quantities traced over time."""

    def pick(x: np.ndarray) -> np.ndarray:
        return x if rows is None else x[rows]

    out: dict[str, float] = {}
    fleet = ("surface", "amphibious")
    for side, name in ((BLUE, "blue"), (RED, "red")):
        out[f"aircraft_lost_{name}"] = float((pick(st.lost["air"]) * (s.groups["air"].side == side)).sum())
        out[f"ships_lost_{name}"] = float(sum((pick(st.lost[d]) * (s.groups[d].side == side)).sum() for d in fleet))
    n = len(s.actors)
    air_by_actor = np.bincount(
        np.asarray(s.groups["air"].actor, dtype=np.int64), weights=pick(st.lost["air"]).sum(axis=0), minlength=n
    )
    ships = np.zeros(n)
    for d in fleet:
        ships += np.bincount(
            np.asarray(s.groups[d].actor, dtype=np.int64), weights=pick(st.lost[d]).sum(axis=0), minlength=n
        )
    for i, actor in enumerate(s.actors):
        out[f"aircraft_lost:{actor}"] = float(air_by_actor[i])
        out[f"ships_lost:{actor}"] = float(ships[i])
    out["troops_ashore"] = float(pick(st.ashore).sum())
    out["share_held"] = float(pick(st.held).sum())
    if s.objective == "blockade":
        out["electricity"] = float(pick(st.electricity).sum())
        out["throughput"] = float(pick(st.throughput).sum())
    # one reduction over the rows of the transposed stocks: each pool's column summed as ``stock[:, i].sum()``
    # sums it (pairwise, in the same order), without a NumPy call per pool
    per_pool = np.ascontiguousarray(pick(st.stock).T).sum(axis=1).tolist()
    for label, total in zip(s.pools.label, per_pool, strict=True):
        out[f"stock:{label}"] = total
    return out


def record_trace(trace: dict[str, dict[int, float]], t: int, st: Block, s: CampaignSetup) -> None:
    """Sums over all replications per step (averaged later), including frozen, already-decided ones."""
    for key, value in trace_values(st, s).items():
        trace.setdefault(key, {})[t] = value + st.frozen.get(key, 0.0)


class TracePlan:
    """The traced sums of one block as vectors in the key order of :func:`trace_values` (one compiled call a step,
    core_kernels.trace_sums, where the arrays allow; :func:`trace_values` otherwise), written into the trace's
    dicts once at the end of the block (:meth:`write`)."""

    def __init__(self, s: CampaignSetup, st: Block) -> None:
        self.keys = list(trace_values(st, s).keys())
        G = s.groups
        fleet = ("air", "surface", "amphibious")
        width = max(len(G[d]) for d in fleet)
        self.sides = np.zeros((3, width), dtype=np.int64)
        self.actors = np.zeros((3, width), dtype=np.int64)
        for i, d in enumerate(fleet):
            self.sides[i, : len(G[d])] = G[d].side
            self.actors[i, : len(G[d])] = G[d].actor
        self.n_actors = len(s.actors)
        self.blockade = s.objective == "blockade"
        # the kernel's by-actor sums hold exactly len(actors) entries, as the keys read them
        self.compiled = kernels.ENABLED and bool(
            all(((G[d].actor >= 0) & (G[d].actor < self.n_actors)).all() for d in fleet)
        )
        self.frozen = np.zeros(len(self.keys))
        self.steps: list[int] = []
        self.rows: list[np.ndarray] = []

    def values(self, st: Block, s: CampaignSetup, rows: np.ndarray | None = None) -> np.ndarray:
        """The traced sums over the block's (chosen) replications, as :func:`trace_values` gives them."""
        if self.compiled:
            arrays = (st.lost["air"], st.lost["surface"], st.lost["amphibious"], st.ashore, st.held, st.stock)
            extra = (st.electricity, st.throughput) if self.blockade else (st.ashore, st.ashore)
            if rows is not None:  # the chosen rows as trace_values takes them: fresh contiguous copies
                arrays = tuple(a[rows] for a in arrays)
                extra = tuple(a[rows] for a in extra)
            if all(a.dtype == np.float64 and a.flags.c_contiguous for a in arrays + extra):
                out: np.ndarray = core_kernels.trace_sums(
                    arrays[0], arrays[1], arrays[2], self.sides, self.actors, self.n_actors,
                    arrays[3], arrays[4], extra[0], extra[1], self.blockade, arrays[5],
                )  # fmt: skip
                return out
        return np.array(list(trace_values(st, s, rows).values()), dtype=float)

    def record(self, t: int, st: Block, s: CampaignSetup) -> None:
        """This step's sums, frozen replications included."""
        self.steps.append(t)
        self.rows.append(self.values(st, s) + self.frozen)

    def freeze(self, st: Block, s: CampaignSetup, rows: np.ndarray) -> None:
        """Add the sums of replications about to be dropped (compaction) to every later step's."""
        self.frozen = self.frozen + self.values(st, s, rows)

    def write(self, trace: dict[str, dict[int, float]]) -> None:
        """Into ``trace``: for each key, the sum of every step recorded (as :func:`record_trace` fills it)."""
        if not self.rows:
            return
        table = np.array(self.rows).T.tolist()
        for key, column in zip(self.keys, table, strict=True):
            trace.setdefault(key, {}).update(zip(self.steps, column))
