"""The campaign engine: a time-stepped Monte Carlo, vectorised across replications.

One call of :func:`run_block` simulates a block of replications with one
generator. State arrays have shape (replications, groups); the only Python
loop is over time steps. Phases of one step (methodology §3):

1. arrivals; ISR (detection probability);
2. missile attacks on air bases (aircraft lost on the ground, runways cut);
3. sorties and air-to-air exchange;
4. strikes on the invasion fleet (missiles with intercepts, submarines);
5. strikes on allied ships;
6. amphibious lift: resupply first, then landing;
7. ground combat on the lodgement (square law), out-of-supply attrition;
8. munitions production; outcome checks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import phases
from .mechanics import FireMap, air_exchange, allocate, onehot, sortie_range_factor, stoch_round
from .phases import DENIED, LANDING, OUTCOMES, RED_SUCCESS, STALEMATE, UNDECIDED  # noqa: F401 (re-exported)
from .setup import BLUE, RED, CampaignSetup
from .uncertainty import col, sample_attrs, sample_params


class BaseView(NamedTuple):
    """Attributes of the bases in play (columns of the base arrays)."""

    shelters: np.ndarray
    runways: np.ndarray
    repair_days: np.ndarray
    host_side: np.ndarray


class _Block:
    """Mutable state of one block of replications."""

    P: dict[str, float | np.ndarray]  # engine parameters: floats, or (R,) arrays where sampled (set by run_block)
    A: dict[str, dict[str, np.ndarray]]  # class attributes by domain: (K,), or (R, K) where sampled
    aa_share: np.ndarray  # share of each group's sorties flown air-to-air
    range_factor: np.ndarray  # share of the full sortie rate each air group sustains at its distance
    final: dict[str, np.ndarray]  # per-replication results, full size, original order
    frozen: dict[str, float]  # traced sums of replications already decided and dropped

    def __init__(self, s: CampaignSetup, reps: int) -> None:
        self.n = {d: np.tile(g.count0, (reps, 1)) for d, g in s.groups.items()}
        self.lost = {d: np.zeros((reps, len(g))) for d, g in s.groups.items()}
        self.lost_on_ground = np.zeros((reps, len(s.groups["air"])))
        self.stock = np.tile(s.pools.stock0, (reps, 1))
        self.expended = np.zeros_like(self.stock)
        self.runout_day = np.full(self.stock.shape, np.nan)
        self.cut = np.zeros((reps, len(s.bases)))
        g = s.groups["ground"]
        troops = g.attrs.get("troops", np.zeros(len(g)))
        self.troops = self.n["ground"] * troops
        self.troops_in = self.troops.copy()  # troops that have arrived so far (for losses)
        red_ground = (g.side == RED).astype(float)
        self.waiting = (self.troops * red_ground).sum(axis=1)
        self.ashore = np.zeros(reps)
        if s.objective == "land_offensive":  # a land offensive starts in contact
            self.ashore, self.waiting = self.waiting.copy(), np.zeros(reps)
        elif s.objective not in LANDING:  # a blockade lands no one
            self.waiting = np.zeros(reps)
        self.red_troops_lost = np.zeros(reps)
        self.peak_ashore = self.ashore.copy()
        self.supply_ratio = np.ones(reps)
        self.blue_peak = np.zeros(reps)
        self.blockade_days = np.zeros(reps)
        self.casualties = np.zeros((reps, len(s.actors)))
        self.reps0, self.index, self.final, self.frozen = reps, np.arange(reps), {}, {}
        self.outcome = np.zeros(reps, dtype=np.int8)
        self.decided_day = np.full(reps, np.nan)
        amph = s.groups["amphibious"]
        self.lift_weights = np.where(amph.side == RED, amph.attrs.get("lift_troops", np.zeros(len(amph))), 0.0)
        self.lift0 = float((amph.count0 + amph.arrival_count) @ self.lift_weights)


def run_block(
    s: CampaignSetup,
    reps: int,
    rng: np.random.Generator,
    trace: dict[str, dict[int, float]] | None = None,
    sample_parameters: bool = True,
) -> dict[str, np.ndarray]:
    """Simulate ``reps`` replications of a scenario with generator ``rng``; return per-replication arrays.

    With ``sample_parameters`` each replication first draws the parameters that
    carry a range (see :mod:`positivesum.sim.uncertainty`).
    """
    dt = s.dt_days
    st = _Block(s, reps)
    st.P = p = sample_params(s, reps, rng, sample_parameters)
    st.A = {d: sample_attrs(g, reps, rng, sample_parameters) for d, g in s.groups.items()}
    G = s.groups
    air, sea, amph, sub, gnd, msl, ad, isr = (
        G[d] for d in ("air", "surface", "amphibious", "subsurface", "ground", "missile", "air_defence", "isr")
    )
    P = len(s.pools.label)
    pm = {d: {r: FireMap(gi, pi, len(G[d]), P) for r, (gi, pi) in roles.items()} for d, roles in s.fire_pairs.items()}
    # Only bases that hold aircraft or air defences take part in base attacks: work on those columns.
    in_play = np.unique(np.concatenate([air.base, ad.base])).astype(np.int64)
    n_bases = len(s.bases)
    air_base = onehot(air.base, n_bases)[:, in_play]
    land_air = air.attrs.get("at_sea", np.zeros(len(air))) == 0
    ad_base = onehot(ad.base, n_bases)[:, in_play]
    red_reach = s.red_reach[:, in_play]
    base_view = BaseView(
        s.base_shelters[in_play], s.base_runways[in_play], s.base_repair_days[in_play], s.base_host_side[in_play]
    )
    st.cut = np.zeros((reps, len(in_play)))
    a = st.A["air"]
    st.aa_share = np.where(
        a.get("air_to_air_kills_per_sortie", np.zeros(len(air))) > 0,
        np.where(a.get("weapons_per_sortie", np.zeros(len(air))) > 0, col(p["air_superiority_share"]), 1.0),
        0.0,
    )
    st.range_factor = sortie_range_factor(
        air.distance_km,
        a.get("combat_radius_km", np.zeros(len(air))),
        col(p["tanker_radius_factor"]),
        col(p["sortie_distance_decay_km"]),
    )
    surge_from_day = s.pools.lead_time_days
    actor_of = {d: phases.actor_matrix(s, d) for d in G}
    blue_gnd = (gnd.side == BLUE).astype(float)
    for t in range(s.steps):
        day = t * dt
        ongoing = st.outcome == UNDECIDED
        if not ongoing.any():
            break
        if ongoing.sum() <= COMPACT_BELOW * len(ongoing) and len(ongoing) > 64:
            _compact(s, st, ongoing, trace is not None)  # decided replications are frozen: stop computing them
            ongoing = np.ones(len(st.outcome), dtype=bool)
        p, a = st.P, st.A["air"]
        live = ongoing[:, None].astype(float)
        for d, g in G.items():  # 1. arrivals
            arriving = g.arrival_step == t
            if arriving.any() and t > 0:  # decided replications are frozen: nothing arrives there
                st.n[d][:, arriving] += g.arrival_count[arriving] * live
                if d == "ground":
                    added = g.arrival_count[arriving] * g.attrs["troops"][arriving] * live
                    st.troops[:, arriving] += added
                    st.troops_in[:, arriving] += added
                    red_new = arriving & (g.side == RED)
                    red_troops = (g.arrival_count[red_new] * g.attrs["troops"][red_new]).sum() * ongoing
                    if s.objective in LANDING:
                        st.waiting += red_troops
                    elif s.objective == "land_offensive":  # reinforcements join the offensive at the front
                        st.ashore += red_troops
        act = {d: (g.active_step <= t).astype(float) for d, g in G.items()}
        det: dict[int, np.ndarray] = {}
        for side in (BLUE, RED):
            units = (st.n["isr"] * act["isr"] * (isr.side == side) * s.isr_in_reach).sum(axis=1)
            det[side] = 1 - (1 - p["isr_base_detection"]) * np.power(
                0.5, units / np.maximum(p["isr_units_half_gap"], 1e-9)
            )

        # 2. missile attacks on air bases: red missiles at blue bases; blue at red bases under escalation
        blue_air_at_base = (st.n["air"] * ((air.side == BLUE) & land_air)) @ air_base
        red_air_at_base = (st.n["air"] * ((air.side == RED) & land_air)) @ air_base
        if len(msl) and red_reach.any():
            fm = pm["missile"]["land_attack"]
            # The attacker aims where a missile kills most: aircraft in the open count fully, sheltered
            # ones by the ratio of a shelter kill to an open-apron kill.
            sheltered = np.minimum(blue_air_at_base, base_view.shelters)
            weights = (blue_air_at_base - sheltered) + sheltered * s.params["sheltered_kill_probability"] / max(
                s.params["aircraft_killed_per_missile"], 1e-9
            )
            denom = weights @ red_reach.T  # (R, J): aircraft each shooter–munition pair can reach
            # Launchers fire full salvos; only a share goes to air bases (the rest at ports, C2, air defences).
            demand = (
                st.n["missile"]
                * msl.attrs["launch_cells"]
                * s.role_share["missile"]["land_attack"]
                * col(p["launcher_salvos_per_day"])
                * dt
                * act["missile"]
                * live
            )
            fired = fm.fire(demand, st.stock, st.expended, pair_mask=(denom > 0)) * col(p["red_missile_share_on_bases"])
            at_base = weights * ((fired / np.where(denom > 0, denom, 1.0)) @ red_reach)
            phases.strike_bases(
                s, st, rng, at_base, blue_air_at_base, BLUE, air_base, land_air, ad_base, pm, act, live, base_view
            )
        if s.mainland_strikes:
            total = phases.fire_land_attack(s, st, act, pm, dt, rng, live, share=col(p["red_missile_share_on_bases"]))
            at_base = allocate(total, red_air_at_base * (base_view.host_side == RED))
            phases.strike_bases(
                s, st, rng, at_base, red_air_at_base, RED, air_base, land_air, ad_base, pm, act, live, base_view
            )
        runway_factor = np.clip(1 - st.cut / np.where(base_view.runways > 0, base_view.runways, 1.0), 0.0, 1.0)
        st.cut = np.maximum(0.0, st.cut - base_view.runways / base_view.repair_days * dt)

        # 3. sorties and air-to-air exchange
        rf = np.where(land_air, runway_factor @ air_base.T, 1.0)
        sorties = st.n["air"] * a.get("sorties_per_day", 0.0) * dt * rf * st.range_factor * act["air"] * live
        aa = sorties * st.aa_share
        strike = sorties - aa
        kp = aa * a.get("air_to_air_kills_per_sortie", 0.0)
        s_side = {side: sorties[:, air.side == side].sum(axis=1) for side in (BLUE, RED)}
        aa_side = {side: aa[:, air.side == side].sum(axis=1) for side in (BLUE, RED)}
        for shooter, victim in ((BLUE, RED), (RED, BLUE)):
            downed = air_exchange(kp[:, air.side == shooter].sum(axis=1), aa_side[shooter], s_side[victim], rng)
            weights = sorties * (air.side == victim)
            losses = np.minimum(st.n["air"], stoch_round(allocate(downed, weights), rng))
            st.n["air"] -= losses
            st.lost["air"] += losses
            st.casualties += (losses @ actor_of["air"]) * col(p["casualties_per_aircraft_lost"])

        # airborne attrition to the enemy's air and ship defences (outside air-to-air duels), in proportion
        # to sorties flown, whenever the enemy is fighting in the air
        for side in (BLUE, RED):
            enemy_present = s_side[RED if side == BLUE else BLUE] > 0
            rate = np.where(
                a.get("sorties_per_day", 0.0) > 0,
                a.get("loss_rate_per_day", 0.0) / np.maximum(a.get("sorties_per_day", 1.0), 1e-9),
                0.0,
            )
            expected = sorties * rate * (air.side == side) * enemy_present[:, None]
            losses = np.minimum(st.n["air"], stoch_round(expected, rng))
            st.n["air"] -= losses
            st.lost["air"] += losses
            st.casualties += (losses @ actor_of["air"]) * col(p["casualties_per_aircraft_lost"])

        # 4. strikes on the adversary's fleet; 5. strikes on allied ships
        for shooter in (BLUE, RED):
            phases.ship_strikes(s, st, rng, shooter, strike, act, pm, det[shooter], live, dt, actor_of)
        phases.submarines(s, st, rng, act, live, dt, actor_of)
        phases.lodgement_strikes(s, st, rng, strike, act, pm, det[BLUE], live, dt)

        # 6. amphibious lift: resupply first, then landing (methodology §3.6)
        lift_units = st.n["amphibious"] @ st.lift_weights
        if s.objective in LANDING:
            cap_troops = lift_units * p["amphibious_trips_per_day"] * dt * ongoing
            need = st.ashore * p["supply_tonnes_per_troop_day"] * dt
            cap_tonnes = cap_troops * p["supply_tonnes_per_lift_troop"]
            delivered = np.minimum(need, cap_tonnes)
            st.supply_ratio = np.where(need > 0, delivered / np.where(need > 0, need, 1.0), 1.0)
            spare = cap_troops - delivered / np.maximum(p["supply_tonnes_per_lift_troop"], 1e-9)
            landed = np.minimum(np.maximum(spare, 0.0), st.waiting)
            st.waiting -= landed
            st.ashore += landed

        # 7. ground combat on the lodgement (Lanchester square law) and out-of-supply attrition
        blue_troops = (st.troops * blue_gnd * act["ground"]).sum(axis=1) * p["defender_share_in_contact"]
        k = p["ground_attrition_per_day"] * dt
        red_loss = rng.poisson(np.maximum(0.0, k * blue_troops * (st.ashore > 0) * ongoing)).astype(float)
        red_loss += st.ashore * p["out_of_supply_attrition_per_day"] * dt * (1 - st.supply_ratio) * ongoing
        blue_loss = rng.poisson(np.maximum(0.0, k * st.ashore * st.supply_ratio * ongoing)).astype(float)
        red_loss = np.minimum(red_loss, st.ashore)
        st.ashore -= red_loss
        st.red_troops_lost += red_loss
        st.casualties[:, s.adversary_index] += red_loss
        bl = np.minimum(st.troops * blue_gnd * act["ground"], allocate(blue_loss, st.troops * blue_gnd * act["ground"]))
        st.troops -= bl
        st.casualties += bl @ actor_of["ground"]
        st.peak_ashore = np.maximum(st.peak_ashore, st.ashore)

        # 8. production; outcomes
        if t == s.transfer_step and s.transfer_rounds.any():  # supplies-only deliveries arrive
            st.stock += s.transfer_rounds * ongoing[:, None]
        rate = np.where(day >= surge_from_day, s.pools.surge_per_day, s.pools.production_per_day)
        st.stock += rate * dt * ongoing[:, None]
        out = (st.stock < 1) & np.isnan(st.runout_day) & (s.pools.stock0 >= 1) & ongoing[:, None]
        st.runout_day[out] = day + dt
        phases.decide(s, st, day + dt, ongoing, lift_units, blue_troops)
        if trace is not None:
            phases.record_trace(trace, t, st, s)
    st.outcome[st.outcome == UNDECIDED] = STALEMATE
    _store(s, st, np.ones(len(st.outcome), dtype=bool))
    return st.final


#: Compact the state once at most this share of the current replications is still undecided.
COMPACT_BELOW = 0.5
PER_REP = (
    "lost_on_ground",
    "stock",
    "expended",
    "runout_day",
    "cut",
    "troops",
    "troops_in",
    "waiting",
    "ashore",
    "red_troops_lost",
    "peak_ashore",
    "supply_ratio",
    "blue_peak",
    "blockade_days",
    "casualties",
    "outcome",
    "decided_day",
    "index",
)


def _outputs(s: CampaignSetup, st: _Block) -> dict[str, np.ndarray]:
    """Per-replication results for the rows currently held."""
    return {
        "outcome": st.outcome,
        "decided_day": st.decided_day,
        "expended": st.expended,
        "runout_day": st.runout_day,
        "stock_end": st.stock,
        "peak_ashore": st.peak_ashore,
        "ashore_end": st.ashore,
        "red_troops_lost": st.red_troops_lost,
        "casualties": st.casualties,
        "lost_on_ground": st.lost_on_ground,
        "lift_end_fraction": (st.n["amphibious"] @ st.lift_weights) / max(st.lift0, 1e-9),
        **{f"lost_{d}": st.lost[d] for d in s.groups},
        "ground_troops_lost": phases.ground_losses(s, st),
    }


def _store(s: CampaignSetup, st: _Block, rows: np.ndarray) -> None:
    """Write the chosen rows' results into the full-size output arrays (original replication order)."""
    for key, value in _outputs(s, st).items():
        if key not in st.final:
            st.final[key] = np.zeros((st.reps0,) + value.shape[1:], dtype=value.dtype)
        st.final[key][st.index[rows]] = value[rows]


def _compact(s: CampaignSetup, st: _Block, keep: np.ndarray, tracing: bool) -> None:
    """Drop decided (frozen) replications from the working state after storing their results."""
    _store(s, st, ~keep)
    if tracing:
        for key, value in phases.trace_values(st, s, ~keep).items():
            st.frozen[key] = st.frozen.get(key, 0.0) + value
    for name in PER_REP:
        setattr(st, name, getattr(st, name)[keep])
    for group in (st.n, st.lost):
        for d in group:
            group[d] = group[d][keep]
    st.P = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in st.P.items()}
    st.A = {d: {k: (v[keep] if v.ndim == 2 else v) for k, v in attrs.items()} for d, attrs in st.A.items()}
    st.aa_share = st.aa_share[keep] if st.aa_share.ndim == 2 else st.aa_share
    st.range_factor = st.range_factor[keep] if st.range_factor.ndim == 2 else st.range_factor
