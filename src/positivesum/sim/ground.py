"""The lodgement and the land front: lift, supply, strikes and combat as smooth functions (methodology §3.6, §3.7).

State per replication: troops waiting to embark, troops ashore (or in contact, for a land offensive), the
supply stock ashore, the share of the objective held, and damage to the attacker's ports and lines of
communication. Lift carries supply first, then troops, and grows once ports are captured (CSIS 2023).
Ground combat follows Dupuy's casualty rates scaled by the combat-power ratio with Helmbold's exponent
(combat power includes supply, posture and the side's control of the air over the battlefield);
the front moves at a rate that rises smoothly with the logarithm of the ratio (Helmbold's and Dupuy's
advance rates; tanh(ln ρ / ln ρ_d)), so a front can hold, bend or break (Epstein 1985) and a lodgement
out of supply withers instead of switching off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernels, sea_ground
from .kernels_fixed import _param
from .mechanics import allocate, rowsum
from .setup import BLUE, RED, CampaignSetup

if TYPE_CHECKING:
    from .state import Block

LANDING = ("invasion", "island_seizure")


def defenders_in_contact(s: CampaignSetup, st: Block, day: float) -> np.ndarray:
    """(R,) defending troops facing the attack: a share at first, more as reserves arrive (time constant), up to
    the most the defender can commit while holding its capital and other threatened coasts."""
    p = st.P
    if kernels.ENABLED and kernels.PHASES:  # the arithmetic in compiled passes, NumPy's exp between them
        q = _params(st)
        total = rowsum(st.troops * _blue_active(s, st))
        decay = np.exp(sea_ground.contact_decay(st.contact_day, day, q["defender_concentration_days"]))
        return sea_ground.in_contact(
            total, decay, st.contact_day, q["defender_share_in_contact"], q["defender_max_share_in_contact"]
        )
    blue = (s.groups["ground"].side == BLUE) * st.act["ground"]
    total = rowsum(st.troops * blue)
    since = np.where(np.isnan(st.contact_day), 0.0, day - np.nan_to_num(st.contact_day))
    beta0 = p["defender_share_in_contact"]
    top = np.maximum(p["defender_max_share_in_contact"], beta0)
    share = beta0 + (top - beta0) * (1 - np.exp(-since / np.maximum(p["defender_concentration_days"], 1e-9)))
    out: np.ndarray = total * share * ~np.isnan(st.contact_day)
    return out


def lift_and_land(s: CampaignSetup, st: Block, ongoing: np.ndarray) -> np.ndarray:
    """Amphibious lift: refill the supply ashore, then land troops (landing objectives). Returns the lift of
    the landing fleet afloat, sailing or not (R,), for the test of a broken fleet."""
    p = st.P
    dt = s.dt_days
    if kernels.ENABLED and kernels.PHASES:  # the same operations in the same order, in one compiled pass
        q = _params(st)
        st.supply, st.supply_ratio, st.waiting, st.ashore, st.contact_day, afloat = sea_ground.lift_land(
            st.n["amphibious"],
            st.act["amphibious"],
            st.lift_weights,
            st.held,
            st.lines,
            st.ashore,
            st.supply,
            st.waiting,
            st.contact_day,
            ongoing,
            q["port_capture_share_start"],
            float(max(p["port_capture_share_full"] - p["port_capture_share_start"], 1e-9)),
            q["amphibious_trips_per_day"],
            q["port_lift_gain"],
            q["supply_tonnes_per_troop_day"],
            q["supply_tonnes_per_lift_troop"],
            q["lodgement_supply_buffer_days"],
            q["captured_airfield_airlift_tonnes_per_day"],
            float(dt),
            float(st.day + dt),
        )
        return afloat
    lift = rowsum(st.n["amphibious"] * st.act["amphibious"] * st.lift_weights)
    ports = np.clip(
        (st.held - p["port_capture_share_start"])
        / max(p["port_capture_share_full"] - p["port_capture_share_start"], 1e-9),
        0.0,
        1.0,
    ) * (1 - st.lines)
    cap = lift * p["amphibious_trips_per_day"] * dt * (1 + p["port_lift_gain"] * ports) * ongoing
    gamma = p["supply_tonnes_per_troop_day"]
    nu = np.maximum(p["supply_tonnes_per_lift_troop"], 1e-9)
    need = st.ashore * gamma * dt
    target = st.ashore * gamma * p["lodgement_supply_buffer_days"]
    airlift = p["captured_airfield_airlift_tonnes_per_day"] * ports * dt * ongoing  # airfields held: an air bridge
    delivered = np.minimum(cap * nu, np.maximum(0.0, need + np.maximum(0.0, target - st.supply) - airlift))
    st.supply = st.supply + delivered + airlift
    used = np.minimum(st.supply, need)
    st.supply = st.supply - used
    st.supply_ratio = np.where(need > 0, used / np.where(need > 0, need, 1.0), 1.0)
    landed = np.minimum(np.maximum(cap - delivered / nu, 0.0), st.waiting)
    st.waiting = st.waiting - landed
    st.ashore = st.ashore + landed
    st.supply = st.supply + landed * gamma * p["lodgement_supply_buffer_days"]
    st.contact_day = np.where(np.isnan(st.contact_day) & (st.ashore > 0), st.day + dt, st.contact_day)
    return np.asarray(rowsum(st.n["amphibious"] * st.lift_weights))


def strike_the_attacker(s: CampaignSetup, st: Block, rng: np.random.Generator, effective: np.ndarray) -> None:
    """Defenders' effective land-attack weapons (R,) on the lodgement or front: troops, and ports and lines."""
    p = st.P
    on = st.ashore > 0
    if not on.any():
        return
    if kernels.ENABLED and kernels.PHASES:  # one compiled pass, the draws included (in replication order, as NumPy's)
        q = _params(st)
        st.ashore, st.red_troops_lost, st.supply, st.lines = sea_ground.attacker_losses(
            rng,
            np.ascontiguousarray(effective, dtype=np.float64),
            st.ashore,
            st.red_troops_lost,
            st.casualties,
            int(s.adversary_index),
            st.supply,
            st.lines,
            q["lodgement_fire_share_on_lines"],
            q["lines_damage_per_strike_weapon"],
            q["troops_killed_per_strike_weapon"],
        )
        return
    share_lines = p["lodgement_fire_share_on_lines"]
    killed = np.minimum(
        st.ashore, rng.poisson(effective * on * (1 - share_lines) * p["troops_killed_per_strike_weapon"]).astype(float)
    )
    st.ashore = st.ashore - killed
    st.red_troops_lost = st.red_troops_lost + killed
    st.casualties[:, s.adversary_index] += killed
    damage = np.minimum(1.0 - st.lines, effective * on * share_lines * p["lines_damage_per_strike_weapon"])
    st.supply = st.supply * (1 - damage / np.maximum(1.0 - st.lines, 1e-9))
    st.lines = st.lines + damage


def strike_the_defenders(s: CampaignSetup, st: Block, rng: np.random.Generator, effective: np.ndarray) -> None:
    """The attacker's effective land-attack weapons (R,) on defending ground forces in contact."""
    if not effective.any():
        return
    blue = _blue_active(s, st)
    killed = rng.poisson(effective * st.P["troops_killed_per_strike_weapon"]).astype(float)
    _blue_losses(s, st, killed, blue)


def _blue_losses(s: CampaignSetup, st: Block, total: np.ndarray, blue: np.ndarray) -> None:
    if kernels.ENABLED and kernels.PHASES:  # the same operations in one compiled pass, but for the BLAS product
        loss, st.troops, st.blue_lost_ground = sea_ground.blue_losses(
            st.troops, blue, total, np.ascontiguousarray(st.live[:, 0]), st.blue_lost_ground
        )
        st.casualties += loss @ st.actor_of["ground"]
        return
    weights = st.troops * blue
    loss = np.minimum(weights, allocate(total, weights)) * st.live
    st.troops = st.troops - loss
    st.blue_lost_ground = st.blue_lost_ground + rowsum(loss)
    st.casualties += loss @ st.actor_of["ground"]


#: The parameters of ground combat the kernels take as (R,) arrays.
_COMBAT_PARAMS = (
    "defender_posture_factor",
    "defender_breakpoint_fraction",
    "air_superiority_ground_factor",
    "attacker_hold_posture_factor",
    "ground_attrition_per_day",
    "defender_casualty_ratio",
    "out_of_supply_attrition_per_day",
    "advance_km_per_day",
    "trend_smoothing_days",
    "lines_repair_days",
)


#: The parameters the kernels of sea_ground.py take as (R,) arrays.
_PARAMS = _COMBAT_PARAMS + (
    "defender_concentration_days",
    "defender_share_in_contact",
    "defender_max_share_in_contact",
    "port_capture_share_start",
    "amphibious_trips_per_day",
    "port_lift_gain",
    "supply_tonnes_per_troop_day",
    "supply_tonnes_per_lift_troop",
    "lodgement_supply_buffer_days",
    "captured_airfield_airlift_tonnes_per_day",
    "lodgement_fire_share_on_lines",
    "troops_killed_per_strike_weapon",
    "lines_damage_per_strike_weapon",
)


def _params(st: Block) -> dict[str, np.ndarray]:
    """The parameters of _PARAMS as contiguous (R,) arrays, made once per block (``Block.inv`` is emptied when the
    block is compacted)."""
    q: dict[str, np.ndarray] | None = st.inv.get("sea_ground_params")
    if q is None:
        q = st.inv["sea_ground_params"] = {name: _param(st, name) for name in _PARAMS}
    return q


def _blue_active(s: CampaignSetup, st: Block) -> np.ndarray:
    """(R, K) the defenders' active ground groups, ``(side == BLUE) * act``: changed only when a new activity array
    is made, so kept with the array it was made from (``Block.inv`` is emptied when the block is compacted)."""
    act = st.act["ground"]
    kept = st.inv.get("sea_blue_active")
    if kept is not None and kept[0] is act:
        blue: np.ndarray = kept[1]
        return blue
    blue = (s.groups["ground"].side == BLUE) * act
    st.inv["sea_blue_active"] = (act, blue)
    return blue


def _blue_total_in(s: CampaignSetup, st: Block) -> np.ndarray:
    """(R,) defending troops brought in: changed only when troops arrive (a new ``troops_in`` array), so kept with
    the array it was summed from (``Block.inv`` is emptied when the block is compacted)."""
    kept = st.inv.get("sea_blue_total_in")
    if kept is not None and kept[0] is st.troops_in:
        total: np.ndarray = kept[1]
        return total
    total = rowsum(st.troops_in * (s.groups["ground"].side == BLUE))
    st.inv["sea_blue_total_in"] = (st.troops_in, total)
    return total


def _combat_kernels(s: CampaignSetup, st: Block, rng: np.random.Generator, ongoing: np.ndarray) -> None:
    """ground.combat with its arithmetic in compiled kernels (sea_ground.py); NumPy's transcendental functions and
    draws in between, in the NumPy path's order."""
    p = st.P
    dt = s.dt_days
    q = _params(st)
    b_c = st.blue_in_contact
    contact, supply, attack, counter, ratio, ratio_before, st.blue_peak = sea_ground.front_power(
        st.ashore,
        st.contact_day,
        ongoing,
        st.lines,
        st.supply_ratio,
        s.objective == "land_offensive",
        _blue_total_in(s, st),
        st.blue_lost_ground,
        b_c,
        st.blue_peak,
        q["defender_posture_factor"],
        q["defender_breakpoint_fraction"],
        q["air_superiority_ground_factor"],
        st.air_control[RED],
        st.air_control[BLUE],
        q["attacker_hold_posture_factor"],
        st.ratio,
    )
    e = p["casualty_exchange_exponent"]
    drawn_red, blue_loss = sea_ground.attrition_drawn(
        rng,
        st.ashore,
        b_c,
        contact,
        q["ground_attrition_per_day"],
        q["defender_casualty_ratio"],
        ratio ** (-e),
        ratio**e,
        dt,
    )
    scale = st.inv.get("sea_advance_scale")
    if scale is None:  # a per-block invariant
        scale = st.inv["sea_advance_scale"] = np.log(np.maximum(p["decisive_force_ratio"], 1.0001))
    log_ashore_before = np.log1p(st.ashore_before)
    (
        st.ashore,
        st.red_troops_lost,
        held,
        st.g_held,
        st.g_ratio,
        st.ratio,
        st.held_peak,
        st.peak_ashore,
        st.lines,
        alpha,
    ) = sea_ground.front_moves(
        drawn_red,
        st.ashore,
        supply,
        ongoing,
        contact,
        q["out_of_supply_attrition_per_day"],
        st.red_troops_lost,
        st.casualties,
        int(s.adversary_index),
        q["advance_km_per_day"],
        st.depth,
        np.tanh(np.log(np.maximum(attack, 1.0)) / scale),
        np.tanh(np.log(np.maximum(counter, 1.0)) / scale),
        st.objective_troops,
        st.held,
        q["trend_smoothing_days"],
        st.g_held,
        np.log(ratio),
        np.log(ratio_before),
        st.g_ratio,
        ratio,
        st.ratio,
        st.held_peak,
        st.peak_ashore,
        st.lines,
        q["lines_repair_days"],
        float(dt),
    )
    st.held = held
    _blue_losses(s, st, blue_loss, _blue_active(s, st))
    st.g_ashore = sea_ground.ashore_trend(
        st.g_ashore, alpha, np.log1p(st.ashore), log_ashore_before, ongoing, float(dt)
    )


def combat(s: CampaignSetup, st: Block, rng: np.random.Generator, ongoing: np.ndarray) -> None:
    """Ground combat on the lodgement or front, out-of-supply attrition, and the movement of the front."""
    if kernels.ENABLED and kernels.PHASES:
        _combat_kernels(s, st, rng, ongoing)
        return
    p = st.P
    dt = s.dt_days
    contact = (st.ashore > 0) & ~np.isnan(st.contact_day) & ongoing
    blue_total_in = rowsum(st.troops_in * (s.groups["ground"].side == BLUE))
    b_c = st.blue_in_contact
    st.blue_peak = np.maximum(st.blue_peak, b_c)
    if s.objective == "land_offensive":
        supply = np.clip(1 - st.lines, 0.0, 1.0)
    else:
        supply = st.supply_ratio
    lost_share = np.where(blue_total_in > 0, st.blue_lost_ground / np.where(blue_total_in > 0, blue_total_in, 1.0), 0.0)
    posture = 1 + (p["defender_posture_factor"] - 1) * np.clip(
        1 - lost_share / np.maximum(p["defender_breakpoint_fraction"], 1e-9), 0, 1
    )
    # the side that controls the air over the battlefield fights with close air support and interdiction
    air = p["air_superiority_ground_factor"]
    power_red = st.ashore * supply * (1 + air * st.air_control[RED])
    power_blue = np.maximum(b_c, 1e-9) * (1 + air * st.air_control[BLUE])
    # Each side attacks at its power over the other's power in defence: the adversary against the defenders'
    # prepared positions, the defenders against the lodgement's hasty ones (Dupuy's posture factors). Between
    # the two neither can advance: the front is static and both trade losses at parity.
    attack = np.clip(power_red / (power_blue * posture), 1e-3, 1e3)
    counter = np.clip(power_blue / np.maximum(power_red * p["attacker_hold_posture_factor"], 1e-9), 1e-3, 1e3)
    ratio = np.maximum(attack, 1.0) / np.maximum(counter, 1.0)
    e = p["casualty_exchange_exponent"]
    f_red = p["ground_attrition_per_day"] * ratio ** (-e)
    f_blue = p["ground_attrition_per_day"] * p["defender_casualty_ratio"] * ratio**e
    red_loss = rng.poisson(np.maximum(0.0, st.ashore * f_red * dt * contact)).astype(float)
    red_loss += st.ashore * p["out_of_supply_attrition_per_day"] * dt * (1 - supply) * ongoing
    red_loss = np.minimum(red_loss, st.ashore)
    blue_loss = rng.poisson(np.maximum(0.0, b_c * f_blue * dt * contact)).astype(float)
    st.ashore = st.ashore - red_loss
    st.red_troops_lost = st.red_troops_lost + red_loss
    st.casualties[:, s.adversary_index] += red_loss
    _blue_losses(s, st, blue_loss, (s.groups["ground"].side == BLUE) * st.act["ground"])
    # the front moves with the logarithm of the attacking side's ratio (Helmbold's and Dupuy's advance rates); a
    # lodgement cannot hold more than its troops can occupy (objective_troops_ashore), and nothing once it is gone
    rate = p["advance_km_per_day"] / np.maximum(st.depth, 1e-9)
    scale = np.log(np.maximum(p["decisive_force_ratio"], 1.0001))
    move = rate * (np.tanh(np.log(np.maximum(attack, 1.0)) / scale) - np.tanh(np.log(np.maximum(counter, 1.0)) / scale))
    move = move * dt * contact
    cap = np.where(st.objective_troops > 0, st.ashore / np.maximum(st.objective_troops, 1e-9), 1.0)
    held = np.clip(st.held + move, 0.0, np.minimum(1.0, cap))
    held = np.where(st.ashore > 0, held, 0.0)
    alpha = dt / np.maximum(p["trend_smoothing_days"], dt)
    st.g_held = st.g_held + alpha * ((held - st.held) / dt - st.g_held) * ongoing
    growth = (np.log1p(st.ashore) - np.log1p(st.ashore_before)) / dt
    st.g_ashore = st.g_ashore + alpha * (growth - st.g_ashore) * ongoing
    log_ratio_change = (np.log(ratio) - np.log(np.clip(st.ratio, 1e-3, 1e3))) / dt
    st.g_ratio = st.g_ratio + alpha * (np.where(contact, log_ratio_change, 0.0) - st.g_ratio) * ongoing
    st.ratio = np.where(contact, ratio, st.ratio)
    st.held = held
    st.held_peak = np.maximum(st.held_peak, held)
    st.peak_ashore = np.maximum(st.peak_ashore, st.ashore)
    st.lines = np.maximum(0.0, st.lines - dt / np.maximum(p["lines_repair_days"], 1e-9))
