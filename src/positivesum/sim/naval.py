"""The war at sea: anti-ship salvos both ways and submarine patrols (methodology §3.4, §3.5).

Only ships at sea can be attacked here (ships alongside are struck by the fixed-target allocation in
fires.py): active warships outside their time in port, and the wave of a landing fleet that is crossing
(``amphibious_time_at_sea_share``). A shooter's fire is scaled by its kill-chain quality — detection by its
ISR times the value of a track after the kill chain's latency, which grows as its C2 nodes are lost — and
meets the victims' fleet air defence in Hughes' salvo rule, one exchange per raid. Each side's phase works
on its own groups' columns only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernels, kernels_naval
from .mechanics import allocate, rowsum, salvo_hits, take_losses
from .setup import BLUE, RED, CampaignSetup
from .state import cols_of
from .uncertainty import col

if TYPE_CHECKING:
    from .state import Block

FLEET = ("surface", "amphibious")


def at_sea(s: CampaignSetup, st: Block, domain: str, victim: int) -> np.ndarray:
    """(R, K) share of each victim group at sea and exposed: active and not alongside (for a landing fleet:
    the wave that is crossing; ``Block.in_port`` holds the rest)."""
    exposed: np.ndarray = st.sea[domain] * (s.groups[domain].side == victim)
    return exposed


def _fleet(st: Block, victim: int) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The victim's ships by domain: (columns, units, share at sea), each over the victim's groups only."""
    out = {}
    for d in FLEET:
        v = st.static.side_cols[d][victim]
        out[d] = (v, st.n[d][:, v], st.sea[d][:, v])
    return out


def ship_strikes(
    s: CampaignSetup, st: Block, rng: np.random.Generator, shooter: int, strike: np.ndarray, gate: np.ndarray
) -> None:
    """Anti-ship missiles of one side against the other side's ships at sea (Hughes salvo with intercepts); in one
    compiled kernel where Numba is on (kernels_naval.py: the same draws in the same order)."""
    if kernels.ENABLED and kernels.PHASES:
        if not gate.any():  # no war at sea in any replication: nothing is fired (as ``present`` below)
            return
        if kernels_naval.ship_strikes(st, rng, shooter, strike, gate, s.dt_days):  # the sources' demands inside
            return
    p = st.P
    victim = RED if shooter == BLUE else BLUE
    fleet = _fleet(st, victim)
    priority = {d: (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0) for d in FLEET}
    h2k = {d: cols_of(st.A[d].get("hits_to_kill", 1.0), fleet[d][0]) for d in FLEET}
    exposed = {d: n * sea for d, (_, n, sea) in fleet.items()}
    weights = {d: exposed[d] * h2k[d] * priority[d] for d in FLEET}
    total_w = sum(rowsum(w) for w in weights.values())
    present = (total_w > 0) & gate
    if not present.any():
        return
    sources = list(zip(kernels_naval.SOURCES, _sources(s, st, shooter, strike)))
    quality = st.det[shooter] * st.track[shooter]
    # Fire is held to what would disable every exposed target (with an overkill margin) after saturating the
    # defences: more launchers do not empty shared stocks on too few targets.
    raids = col(p["salvo_exchanges_per_day"]) * s.dt_days
    cap = {d: exposed[d] * cols_of(st.A[d].get("interceptors_per_salvo", 0.0), fleet[d][0]) * raids for d in FLEET}
    cap_total = rowsum(cap["surface"]) + rowsum(cap["amphibious"])
    hits_needed = sum(rowsum(exposed[d] * h2k[d]) for d in FLEET)
    useful = (hits_needed * p["anti_ship_overkill"] + cap_total) / np.maximum(
        st.static.mean_ship_eff * quality * p["missile_reliability"], 1e-9
    )
    wanted = sum(rowsum(dm) for _, dm in sources)
    restraint = (np.where(wanted > useful, useful / np.maximum(wanted, 1e-12), 1.0) * present)[:, None] * st.live
    expected_hits = np.zeros(st.stock.shape[0])
    for domain, demand in sources:
        fm = st.side_maps[(domain, "anti_ship", shooter)]
        if not len(fm):
            continue
        mask = st.static.anti_ship_reach_by_side[shooter] if domain == "missile" else None
        fired = fm.fire(demand * restraint, st.stock, st.expended, pair_mask=mask)
        expected_hits += rowsum(fired * st.eff_of("ship", fm.pool_idx))
    would_hit = rng.poisson(expected_hits * quality * p["missile_reliability"]).astype(float)
    engaged = np.minimum(would_hit, cap_total)
    shots = np.zeros_like(engaged)
    for d in FLEET:
        v = fleet[d][0]
        if not len(v):
            continue
        want = np.zeros_like(st.n[d])
        want[:, v] = allocate(engaged, cap[d])
        shots += rowsum(st.intercept(st.side_maps[(d, "air_defence", victim)], want))
    hits, _ = salvo_hits(would_hit, np.floor(shots), p["interceptor_kill_probability"], rng)
    share = np.where(total_w > 0, hits / np.where(total_w > 0, total_w, 1.0), 0.0)
    for d in FLEET:
        v = fleet[d][0]
        if not len(v):
            continue
        # hits over staying power, rounded, at most the ships there (as kills_from_hits); none in frozen replications
        kills = take_losses(st.n[d], st.lost[d], v, weights[d] * share[:, None] / h2k[d], st.live, rng)
        _troops_at_sea(st, d, v, kills, victim)


def _sources(s: CampaignSetup, st: Block, shooter: int, strike: np.ndarray) -> list[np.ndarray]:
    """The anti-ship demand of each source (kernels_naval.SOURCES: air, surface, subsurface, missile), in order."""
    air = s.groups["air"]
    air_demand = (
        strike
        * st.A["air"].get("weapons_per_sortie", 0.0)
        * (air.side == shooter)
        * st.static.armed["air"]["anti_ship"]
    )
    return [air_demand] + [st.launch_demand(d, "anti_ship", shooter) for d in kernels_naval.SOURCES[1:]]


def _troops_at_sea(st: Block, d: str, v: np.ndarray, kills: np.ndarray, victim: int) -> None:
    """Troops aboard the landing ships sunk (``kills``: the victim's columns ``v`` of domain ``d``)."""
    if d == "amphibious" and victim == RED:
        full = np.zeros_like(st.n[d])
        full[:, v] = kills
        st.troops_lost_at_sea(full)


def submarines(s: CampaignSetup, st: Block, rng: np.random.Generator, gate: np.ndarray) -> None:
    """Submarine patrols: ships at sea sunk at a rate per boat-day (CSIS rule of thumb), boats lost to ASW."""
    p = st.P
    sub = s.groups["subsurface"]
    if len(sub) == 0:
        return
    if kernels.ENABLED and kernels.PHASES:  # one compiled kernel (kernels_naval.py: the same draws in the same order)
        kernels_naval.submarines(st, rng, gate, s.dt_days)
        return
    dt = s.dt_days
    for shooter in (BLUE, RED):
        victim = RED if shooter == BLUE else BLUE
        boats_cols = st.static.side_cols["subsurface"][shooter]
        if not len(boats_cols):
            continue
        boats = st.n["subsurface"][:, boats_cols] * st.act["subsurface"][..., boats_cols]
        fleet = _fleet(st, victim)
        priority = {d: (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0) for d in FLEET}
        weights = {d: n * sea * priority[d] for d, (_, n, sea) in fleet.items()}
        total_w = sum(rowsum(w) for w in weights.values())
        rate = rowsum(boats * cols_of(st.A["subsurface"].get("ship_kills_per_day", 0.0), boats_cols)) * dt
        # the CSIS rule of thumb is a kill rate per boat on patrol among a dense invasion fleet; with fewer
        # targets at sea a boat finds fewer (random search: encounters in proportion to target density;
        # amphibious-equivalent targets: a warship counts 1/priority of a landing ship, as in target choice)
        targets = total_w / np.maximum(p["amphibious_target_priority"], 1e-9)
        density = np.minimum(1.0, targets / np.maximum(p["submarine_reference_targets_at_sea"], 1e-9))
        sunk = rng.poisson(rate * density * gate).astype(float) * st.live[:, 0]
        if sunk.any():
            for d in FLEET:
                v = fleet[d][0]
                if len(v):
                    kills = take_losses(st.n[d], st.lost[d], v, allocate(sunk, weights[d]), None, rng)
                    _troops_at_sea(st, d, v, kills, victim)
        enemy_ships = (total_w > 0) & gate
        loss = cols_of(st.A["subsurface"].get("loss_rate_per_day", 0.0), boats_cols)
        expected = boats * loss * dt * enemy_ships[:, None]
        take_losses(st.n["subsurface"], st.lost["subsurface"], boats_cols, expected, st.live, rng)
