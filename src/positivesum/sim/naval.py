"""The war at sea: anti-ship salvos both ways and submarine patrols (methodology §3.4, §3.5).

Only ships at sea can be attacked here (ships alongside are struck by the fixed-target allocation in
fires.py): active warships outside their time in port, and the wave of a landing fleet that is crossing
(``amphibious_time_at_sea_share``). A shooter's fire is scaled by its kill-chain quality — detection by its
ISR times the value of a track after the kill chain's latency, which grows as its C2 nodes are lost — and
meets the victims' fleet air defence in Hughes' salvo rule, one exchange per raid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .mechanics import allocate, kills_from_hits, salvo_hits, stoch_round
from .setup import BLUE, RED, CampaignSetup
from .uncertainty import col

if TYPE_CHECKING:
    from .campaign import Block

FLEET = ("surface", "amphibious")


def at_sea(s: CampaignSetup, st: Block, domain: str, victim: int) -> np.ndarray:
    """(R, K) share of each victim group at sea and exposed: active and not alongside (for a landing fleet:
    the wave that is crossing; ``Block.in_port`` holds the rest)."""
    exposed: np.ndarray = st.sea[domain] * (s.groups[domain].side == victim)
    return exposed


def ship_strikes(s: CampaignSetup, st: Block, rng: np.random.Generator, shooter: int, strike: np.ndarray, gate: np.ndarray) -> None:
    """Anti-ship missiles of one side against the other side's ships at sea (Hughes salvo with intercepts)."""
    p = st.P
    victim = RED if shooter == BLUE else BLUE
    exposure = {d: at_sea(s, st, d, victim) for d in FLEET}
    weights = {
        d: st.n[d] * exposure[d] * st.A[d].get("hits_to_kill", 1.0) * (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0)
        for d in FLEET
    }
    total_w = sum(w.sum(axis=1) for w in weights.values())
    present = (total_w > 0) & gate
    if not present.any():
        return
    air = s.groups["air"]
    air_demand = strike * st.A["air"].get("weapons_per_sortie", 0.0) * (air.side == shooter) * st.static.armed["air"]["anti_ship"]
    sources = [("air", air_demand)] + [(d, st.launch_demand(d, "anti_ship", shooter)) for d in ("surface", "subsurface", "missile")]
    quality = st.det[shooter] * st.track[shooter]
    # Fire is held to what would disable every exposed target (with an overkill margin) after saturating the
    # defences: more launchers do not empty shared stocks on too few targets.
    raids = col(p["salvo_exchanges_per_day"]) * s.dt_days
    cap = {d: st.n[d] * st.A[d].get("interceptors_per_salvo", 0.0) * exposure[d] * raids for d in FLEET}
    cap_total = cap["surface"].sum(axis=1) + cap["amphibious"].sum(axis=1)
    hits_needed = sum((st.n[d] * exposure[d] * st.A[d].get("hits_to_kill", 1.0)).sum(axis=1) for d in FLEET)
    p_hit = st.static.mean_ship_eff
    useful = (hits_needed * p["anti_ship_overkill"] + cap_total) / np.maximum(p_hit * quality * p["missile_reliability"], 1e-9)
    wanted = sum(dm.sum(axis=1) for _, dm in sources)
    restraint = np.where(wanted > useful, useful / np.maximum(wanted, 1e-12), 1.0) * present
    expected_hits = np.zeros(st.stock.shape[0])
    for domain, demand in sources:
        fm = st.maps[domain]["anti_ship"]
        if not len(fm):
            continue
        mask = st.static.anti_ship_reach if domain == "missile" else None
        fired = fm.fire(demand * restraint[:, None] * st.live, st.stock, st.expended, pair_mask=mask)
        expected_hits += (fired * st.eff_of("ship", fm.pool_idx)).sum(axis=1)
    would_hit = rng.poisson(expected_hits * quality * p["missile_reliability"]).astype(float)
    engaged = np.minimum(would_hit, cap_total)
    shots = np.zeros_like(engaged)
    for d in FLEET:
        want = allocate(engaged, cap[d]) if cap[d].shape[1] else cap[d]
        shots += st.intercept(st.maps[d]["air_defence"], want).sum(axis=1)
    hits, _ = salvo_hits(would_hit, np.floor(shots), p["interceptor_kill_probability"], rng)
    share = np.where(total_w > 0, hits / np.where(total_w > 0, total_w, 1.0), 0.0)
    for d in FLEET:
        if weights[d].shape[1] == 0:
            continue
        kills = kills_from_hits(weights[d] * share[:, None], st.n[d], st.A[d].get("hits_to_kill", 1.0), rng) * st.live
        st.remove(d, kills)
        if d == "amphibious" and victim == RED:
            st.troops_lost_at_sea(kills)


def submarines(s: CampaignSetup, st: Block, rng: np.random.Generator, gate: np.ndarray) -> None:
    """Submarine patrols: ships at sea sunk at a rate per boat-day (CSIS rule of thumb), boats lost to ASW."""
    p = st.P
    sub = s.groups["subsurface"]
    if len(sub) == 0:
        return
    dt = s.dt_days
    for shooter in (BLUE, RED):
        victim = RED if shooter == BLUE else BLUE
        mine = (sub.side == shooter) * st.act["subsurface"]
        weights = {
            d: st.n[d] * at_sea(s, st, d, victim) * (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0)
            for d in FLEET
        }
        total_w = sum(w.sum(axis=1) for w in weights.values())
        rate = (st.n["subsurface"] * mine * st.A["subsurface"].get("ship_kills_per_day", 0.0)).sum(axis=1) * dt
        # the CSIS rule of thumb is a kill rate per boat on patrol among a dense invasion fleet; with fewer
        # targets at sea a boat finds fewer (random search: encounters in proportion to target density)
        # (amphibious-equivalent targets: a warship counts 1/priority of a landing ship, as in target choice)
        targets = sum(w.sum(axis=1) for w in weights.values()) / np.maximum(p["amphibious_target_priority"], 1e-9)
        density = np.minimum(1.0, targets / np.maximum(p["submarine_reference_targets_at_sea"], 1e-9))
        sunk = rng.poisson(rate * density * gate).astype(float) * st.live[:, 0]
        for d in FLEET:
            if weights[d].shape[1] == 0:
                continue
            kills = np.minimum(st.n[d], stoch_round(allocate(sunk, weights[d]), rng))
            st.remove(d, kills)
            if d == "amphibious" and victim == RED:
                st.troops_lost_at_sea(kills)
        enemy_ships = sum((st.n[d] * at_sea(s, st, d, victim)).sum(axis=1) for d in FLEET) > 0
        expected = st.n["subsurface"] * mine * st.A["subsurface"].get("loss_rate_per_day", 0.0) * dt * (enemy_ships & gate)[:, None]
        losses = np.minimum(st.n["subsurface"], stoch_round(expected, rng)) * st.live
        st.remove("subsurface", losses)
