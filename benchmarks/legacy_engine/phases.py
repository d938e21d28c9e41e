"""Phases of a campaign step that act on several force domains (see campaign.py).

Functions mutate the block state ``st`` in place; every random draw uses the
``rng`` passed in. Equations: docs/methodology/campaign.md §3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .mechanics import FireMap, allocate, base_strike, kills_from_hits, salvo_hits, stoch_round
from .setup import BLUE, RED, CampaignSetup
from .uncertainty import col

if TYPE_CHECKING:
    from .campaign import BaseView, _Block

#: Fire maps by domain and role (campaign.run_block builds them once per block).
FireMaps = dict[str, dict[str, FireMap]]

UNDECIDED, RED_SUCCESS, DENIED, STALEMATE = 0, 1, 2, 3
OUTCOMES = ("undecided", "adversary_success", "denied", "stalemate")
LANDING = ("invasion", "island_seizure")
FLEET = ("surface", "amphibious")


def _remove(
    s: CampaignSetup, st: _Block, domain: str, kills: np.ndarray, actor_of: dict[str, np.ndarray], crew_cas: bool = True
) -> None:
    st.n[domain] -= kills
    st.lost[domain] += kills
    if crew_cas:
        crew = st.A[domain].get("crew", np.zeros(kills.shape[1]))
        frac = col(st.P["casualty_fraction_of_crew_per_ship_lost"]) if domain in FLEET + ("subsurface",) else 0.0
        st.casualties += (kills * crew * frac) @ actor_of[domain]


def strike_bases(
    s: CampaignSetup,
    st: _Block,
    rng: np.random.Generator,
    at_base: np.ndarray,
    aircraft_at_base: np.ndarray,
    victim: int,
    air_base: np.ndarray,
    land_air: np.ndarray,
    ad_base: np.ndarray,
    pm: FireMaps,
    act: dict[str, np.ndarray],
    live: np.ndarray,
    bases: BaseView,
) -> None:
    """Missiles at air bases (R, B): aircraft destroyed on the ground, runways cut, interceptors spent."""
    p = st.P
    ad = s.groups["air_defence"]
    # one salvo exchange per step, as at sea (Hughes' defensive power per salvo)
    ad_cap = (
        st.n["air_defence"]
        * st.A["air_defence"].get("interceptors_per_salvo", 0.0)
        * act["air_defence"]
        * (ad.side == victim)
    )
    cap_at_base = ad_cap @ ad_base
    expected_arrivals = at_base * col(p["missile_reliability"])
    # Interceptors are spent only on what arrives; groups without a munition pool
    # (guns, unmodelled stocks) intercept without limit.
    want = allocate_by_base(np.minimum(expected_arrivals, cap_at_base), ad_cap, ad_base)
    fired = _intercept(pm["air_defence"]["air_defence"], want, st)
    shots_at_base = fired @ ad_base
    killed_aircraft, penetrating, _ = base_strike(
        at_base,
        col(p["missile_reliability"]),
        shots_at_base,
        col(p["interceptor_kill_probability"]),
        aircraft_at_base,
        bases.shelters,
        col(p["aircraft_killed_per_missile"]),
        col(p["sheltered_kill_probability"]),
        rng,
    )
    st.cut += penetrating * col(p["runway_cut_per_missile"]) * live[:, :1]
    air = s.groups["air"]
    frac = np.where(aircraft_at_base > 0, killed_aircraft / np.where(aircraft_at_base > 0, aircraft_at_base, 1.0), 0.0)
    mine = ((air.side == victim) & land_air).astype(float)
    losses = np.minimum(st.n["air"], stoch_round(st.n["air"] * (frac @ air_base.T) * mine, rng)) * live
    st.n["air"] -= losses
    st.lost["air"] += losses
    st.lost_on_ground += losses
    st.casualties += (losses @ actor_matrix(s, "air")) * col(p["casualties_per_aircraft_lost"])


def s_armed(s: CampaignSetup, domain: str, role: str) -> np.ndarray:
    """Groups of a domain that hold at least one munition for a role."""
    group_idx, _ = s.fire_pairs[domain][role]
    armed = np.zeros(len(s.groups[domain]), dtype=bool)
    armed[group_idx] = True
    return armed


def _intercept(fm: FireMap, want: np.ndarray, st: _Block) -> np.ndarray:
    """Interceptors fired per group: from munition stocks where the group has any, unlimited otherwise (guns, point defence)."""
    fired = fm.to_groups(fm.fire(want * fm.armed, st.stock, st.expended)) if len(fm) else np.zeros_like(want)
    total: np.ndarray = fired + want * ~fm.armed
    return total


def allocate_by_base(total_at_base: np.ndarray, group_cap: np.ndarray, group_base: np.ndarray) -> np.ndarray:
    """Split per-base totals (R, B) over the groups at each base in proportion to capacity."""
    cap_at_base = group_cap @ group_base
    share = np.where(cap_at_base > 0, total_at_base / np.where(cap_at_base > 0, cap_at_base, 1.0), 0.0)
    by_group: np.ndarray = group_cap * (share @ group_base.T)
    return by_group


def actor_matrix(s: CampaignSetup, domain: str) -> np.ndarray:
    """(groups, actors) one-hot map of a domain's groups to the scenario's participants."""
    g = s.groups[domain]
    m = np.zeros((len(g), len(s.actors)))
    m[np.arange(len(g)), g.actor] = 1.0
    return m


def _launch_demand(
    s: CampaignSetup, st: _Block, domain: str, role: str, shooter: int, act: dict[str, np.ndarray], dt: float
) -> np.ndarray:
    """Rounds that launchers of one domain want to fire this step (one salvo of launch_cells a day)."""
    g = s.groups[domain]
    cells = st.A[domain].get("launch_cells")
    if cells is None or len(g) == 0:
        return np.zeros((st.stock.shape[0], len(g)))
    armed = s_armed(s, domain, role) & (g.side == shooter)
    if role == "land_attack" and domain == "missile":  # fixed launchers must reach the theatre
        armed &= s.land_attack_reach
    # launch_cells is one salvo: ships fire it once per rearm cycle, launchers reload on the spot; a launcher
    # armed for several roles splits its salvos between them
    per_day = (
        col(st.P["launcher_salvos_per_day"])
        if domain == "missile"
        else 1.0 / np.maximum(col(st.P["naval_rearm_days"]), 1e-9)
    )
    demand: np.ndarray = st.n[domain] * cells * s.role_share[domain][role] * per_day * dt * act[domain] * armed
    return demand


def fire_land_attack(
    s: CampaignSetup,
    st: _Block,
    act: dict[str, np.ndarray],
    pm: FireMaps,
    dt: float,
    rng: np.random.Generator,
    live: np.ndarray,
    share: float | np.ndarray,
) -> np.ndarray:
    """Blue land-attack missiles from ships, submarines and launchers at the adversary's bases (escalation)."""
    total = np.zeros(st.stock.shape[0])
    for domain in ("surface", "subsurface", "missile"):
        demand = _launch_demand(s, st, domain, "land_attack", BLUE, act, dt) * share * live
        total += pm[domain]["land_attack"].fire(demand, st.stock, st.expended).sum(axis=1)
    return total


def ship_strikes(
    s: CampaignSetup,
    st: _Block,
    rng: np.random.Generator,
    shooter: int,
    strike_sorties: np.ndarray,
    act: dict[str, np.ndarray],
    pm: FireMaps,
    det: np.ndarray,
    live: np.ndarray,
    dt: float,
    actor_of: dict[str, np.ndarray],
) -> None:
    """Anti-ship missiles of one side against the other side's ships (Hughes salvo with intercepts)."""
    p = st.P
    victim = RED if shooter == BLUE else BLUE
    weights = {
        d: st.n[d]
        * (s.groups[d].side == victim)
        * _exposed(s, d, act)
        * st.A[d].get("hits_to_kill", 1.0)
        * (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0)
        for d in FLEET
    }
    present = sum(w.sum(axis=1) for w in weights.values()) > 0
    if not present.any():
        return
    expected_hits = np.zeros(st.stock.shape[0])
    air = s.groups["air"]
    air_demand = (
        strike_sorties
        * st.A["air"].get("weapons_per_sortie", 0.0)
        * (air.side == shooter)
        * s_armed(s, "air", "anti_ship")
    )
    sources = [("air", air_demand)] + [
        (d, _launch_demand(s, st, d, "anti_ship", shooter, act, dt)) for d in ("surface", "subsurface", "missile")
    ]
    # Fire is limited by targets: no more missiles than would put every exposed ship out of action
    # (with an overkill margin) after saturating the defenders' interceptors; all shooters hold back
    # in proportion. Without this, more launchers would empty shared stocks on too few targets.
    cap = {
        d: st.n[d] * st.A[d].get("interceptors_per_salvo", 0.0) * act[d] * (s.groups[d].side == victim) for d in FLEET
    }
    cap_total = cap["surface"].sum(axis=1) + cap["amphibious"].sum(axis=1)
    hits_needed = sum(
        (st.n[d] * (s.groups[d].side == victim) * _exposed(s, d, act) * st.A[d].get("hits_to_kill", 1.0)).sum(axis=1)
        for d in FLEET
    )
    p_hit = s.pools.eff["ship"][s.pools.eff["ship"] > 0].mean() if (s.pools.eff["ship"] > 0).any() else 1.0
    useful = (hits_needed * p["anti_ship_overkill"] + cap_total) / np.maximum(
        p_hit * det * p["missile_reliability"], 1e-9
    )
    wanted = sum(d.sum(axis=1) for _, d in sources)
    restraint = np.where(wanted > useful, useful / np.maximum(wanted, 1e-12), 1.0)
    for domain, demand in sources:
        demand = demand * (present * restraint)[:, None] * live
        fm = pm[domain]["anti_ship"]
        # fixed launchers only fire munitions that reach the theatre from where they stand
        reach = None
        if domain == "missile" and len(fm):
            reach = (
                s.pools.range_km[fm.pool_idx] * s.params["ship_missile_range_margin"]
                >= s.groups[domain].distance_km[fm.group_idx]
            ).astype(float)
        fired = fm.fire(demand, st.stock, st.expended, pair_mask=reach)
        expected_hits += (fired * s.pools.eff["ship"][fm.pool_idx]).sum(axis=1)
    would_hit = rng.poisson(expected_hits * det * p["missile_reliability"]).astype(float)
    engaged = np.minimum(would_hit, cap_total)
    shots = np.zeros_like(engaged)
    for d in FLEET:
        want = allocate(engaged, cap[d]) if cap[d].shape[1] else cap[d]
        fired = _intercept(pm[d]["air_defence"], want, st)
        shots += fired.sum(axis=1)
    hits, _ = salvo_hits(would_hit, np.floor(shots), p["interceptor_kill_probability"], rng)
    total_w = sum(w.sum(axis=1) for w in weights.values())
    for d in FLEET:
        if weights[d].shape[1] == 0:
            continue
        share = np.where(total_w > 0, hits / np.where(total_w > 0, total_w, 1.0), 0.0)
        hits_d = weights[d] * share[:, None]
        kills = kills_from_hits(hits_d, st.n[d], st.A[d].get("hits_to_kill", 1.0), rng) * live
        _remove(s, st, d, kills, actor_of)
        if d == "amphibious" and victim == RED:
            _troops_lost_at_sea(s, st, kills)


def _exposed(s: CampaignSetup, domain: str, act: dict[str, np.ndarray]) -> np.ndarray:
    """Ships that can be struck: at sea (active) or in a port within the exposure radius of the theatre."""
    g = s.groups[domain]
    exposed: np.ndarray = np.maximum(act[domain], (g.distance_km <= s.params["in_port_exposure_km"]).astype(float))
    return exposed


def _troops_lost_at_sea(s: CampaignSetup, st: _Block, amph_kills: np.ndarray) -> None:
    lift: float | np.ndarray = s.groups["amphibious"].attrs.get("lift_troops", 0.0)
    lost = np.minimum(st.waiting, (amph_kills * lift).sum(axis=1) * st.P["loaded_fraction"])
    st.waiting -= lost
    st.red_troops_lost += lost
    st.casualties[:, s.adversary_index] += lost


def submarines(
    s: CampaignSetup,
    st: _Block,
    rng: np.random.Generator,
    act: dict[str, np.ndarray],
    live: np.ndarray,
    dt: float,
    actor_of: dict[str, np.ndarray],
) -> None:
    """Submarine patrols: ships sunk at a rate per boat-day (CSIS rule of thumb), boats lost per day to ASW."""
    p = st.P
    sub = s.groups["subsurface"]
    if len(sub) == 0:
        return
    for shooter in (BLUE, RED):
        victim = RED if shooter == BLUE else BLUE
        mine = (sub.side == shooter).astype(float) * act["subsurface"]
        weights = {
            d: st.n[d]
            * (s.groups[d].side == victim)
            * _exposed(s, d, act)
            * (col(p["amphibious_target_priority"]) if d == "amphibious" else 1.0)
            for d in FLEET
        }
        total_w = sum(w.sum(axis=1) for w in weights.values())
        rate = (st.n["subsurface"] * mine * st.A["subsurface"].get("ship_kills_per_day", 0.0)).sum(axis=1) * dt
        sunk = rng.poisson(rate * (total_w > 0)).astype(float) * live[:, 0]
        for d in FLEET:
            if weights[d].shape[1] == 0:
                continue
            kills = np.minimum(st.n[d], stoch_round(allocate(sunk, weights[d]), rng))
            _remove(s, st, d, kills, actor_of)
            if d == "amphibious" and victim == RED:
                _troops_lost_at_sea(s, st, kills)
        enemy_ships = sum((st.n[d] * (s.groups[d].side == victim)).sum(axis=1) for d in FLEET) > 0
        losses = (
            np.minimum(
                st.n["subsurface"],
                stoch_round(
                    st.n["subsurface"]
                    * mine
                    * st.A["subsurface"].get("loss_rate_per_day", 0.0)
                    * dt
                    * enemy_ships[:, None],
                    rng,
                ),
            )
            * live
        )
        _remove(s, st, "subsurface", losses, actor_of)


def lodgement_strikes(
    s: CampaignSetup,
    st: _Block,
    rng: np.random.Generator,
    strike_sorties: np.ndarray,
    act: dict[str, np.ndarray],
    pm: FireMaps,
    det: np.ndarray,
    live: np.ndarray,
    dt: float,
) -> None:
    """Blue land-attack weapons (aircraft, ships, launchers) against adversary troops ashore."""
    p = st.P
    ashore = st.ashore > 0
    if not ashore.any():
        return
    air = s.groups["air"]
    # Aircraft with an anti-ship weapon fly anti-ship while enemy ships are exposed; then they too strike the lodgement.
    fleet_gone = sum((st.n[d] * (s.groups[d].side == RED) * _exposed(s, d, act)).sum(axis=1) for d in FLEET) <= 0
    anti_ship_busy = s_armed(s, "air", "anti_ship")[None, :] & ~fleet_gone[:, None]
    air_demand = (
        strike_sorties
        * st.A["air"].get("weapons_per_sortie", 0.0)
        * (air.side == BLUE)
        * ~anti_ship_busy
        * s_armed(s, "air", "land_attack")
    )
    share = 1 - col(p["red_missile_share_on_bases"]) if s.mainland_strikes else 1.0
    effective = np.zeros_like(st.ashore)
    sources = [("air", air_demand)] + [
        (d, _launch_demand(s, st, d, "land_attack", BLUE, act, dt) * share)
        for d in ("surface", "subsurface", "missile")
    ]
    for domain, demand in sources:
        fm = pm[domain]["land_attack"]
        fired = fm.fire(demand * ashore[:, None] * live, st.stock, st.expended)
        effective += (fired * s.pools.eff["ground_troops"][fm.pool_idx]).sum(axis=1)
    killed = np.minimum(
        st.ashore,
        rng.poisson(effective * det * p["missile_reliability"] * p["troops_killed_per_strike_weapon"]).astype(float),
    )
    st.ashore -= killed
    st.red_troops_lost += killed
    st.casualties[:, s.adversary_index] += killed


def decide(
    s: CampaignSetup, st: _Block, day: float, ongoing: np.ndarray, lift_units: np.ndarray, blue_troops: np.ndarray
) -> None:
    """Outcome tests after each step (methodology §3.8); decided replications freeze."""
    p = st.P
    ratio = p["decisive_force_ratio"]
    if s.objective == "blockade":
        sea = s.groups["surface"]
        on_station = (st.n["surface"] * (sea.side == RED)).sum(axis=1)
        holding = on_station >= p["blockade_ships_needed"]
        st.blockade_days = np.where(holding, st.blockade_days + s.dt_days, st.blockade_days)
        success = st.blockade_days >= p["blockade_days_of_supply"]
        denied = ~holding
    else:
        st.blue_peak = np.maximum(st.blue_peak, blue_troops)
        broken = blue_troops <= (1 - p["defender_breakpoint_fraction"]) * st.blue_peak
        strong = (st.ashore >= s.objective_troops) & (st.ashore >= ratio * blue_troops) & broken
        success = strong
        if s.objective in LANDING:
            broken = lift_units < p["amphibious_fleet_broken_fraction"] * st.lift0
            spent = (st.waiting <= 0) & (st.ashore <= 0)
            collapsed = st.ashore < p["lodgement_collapse_fraction"] * st.peak_ashore
            denied = (broken & collapsed & ~strong) | spent
        else:
            denied = (st.ashore * ratio <= blue_troops) | (st.ashore <= 0)
    newly_success = ongoing & success
    newly_denied = ongoing & ~success & denied
    st.outcome[newly_success] = RED_SUCCESS
    st.outcome[newly_denied] = DENIED
    st.decided_day[newly_success | newly_denied] = day


def ground_losses(s: CampaignSetup, st: _Block) -> np.ndarray:
    """Troops lost by actor (R, A): blue from their ground groups, red at sea and ashore."""
    g = s.groups["ground"]
    lost_blue = np.maximum(0.0, st.troops_in - st.troops) * (g.side == BLUE)
    out: np.ndarray = lost_blue @ actor_matrix(s, "ground")
    out[:, s.adversary_index] += st.red_troops_lost
    return out


def trace_values(st: _Block, s: CampaignSetup, rows: np.ndarray | None = None) -> dict[str, float]:
    """Sums over (some) replications of the quantities traced over time."""
    pick: Callable[[np.ndarray], np.ndarray] = (lambda x: x) if rows is None else (lambda x: x[rows])
    out: dict[str, float] = {}
    for side, name in ((BLUE, "blue"), (RED, "red")):
        out[f"aircraft_lost_{name}"] = float((pick(st.lost["air"]) * (s.groups["air"].side == side)).sum())
        out[f"ships_lost_{name}"] = float(sum((pick(st.lost[d]) * (s.groups[d].side == side)).sum() for d in FLEET))
    # Per actor as well, so that briefings can show who loses what over time (keys "aircraft_lost:USA").
    # Sum over replications first, then by actor: cheap enough to run every step.
    n = len(s.actors)
    air = np.bincount(
        np.asarray(s.groups["air"].actor, dtype=np.int64), weights=pick(st.lost["air"]).sum(axis=0), minlength=n
    )
    ships = np.zeros(n)
    for d in FLEET:
        ships += np.bincount(
            np.asarray(s.groups[d].actor, dtype=np.int64), weights=pick(st.lost[d]).sum(axis=0), minlength=n
        )
    for a, actor in enumerate(s.actors):
        out[f"aircraft_lost:{actor}"] = float(air[a])
        out[f"ships_lost:{actor}"] = float(ships[a])
    out["troops_ashore"] = float(pick(st.ashore).sum())
    stock = pick(st.stock)
    for i, label in enumerate(s.pools.label):
        out[f"stock:{label}"] = float(stock[:, i].sum())
    return out


def record_trace(trace: dict[str, dict[int, float]], t: int, st: _Block, s: CampaignSetup) -> None:
    """Sums over all replications per step (averaged later), including frozen, already-decided ones."""
    for key, value in trace_values(st, s).items():
        trace.setdefault(key, {})[t] = value + st.frozen.get(key, 0.0)
