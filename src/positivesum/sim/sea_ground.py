"""Compiled kernels for ground combat on the lodgement or front (ground.combat): the chains of operations on (R,)
arrays, some ninety NumPy calls per step, each a pass over the replications.

The kernels do the same arithmetic, operation by operation in the NumPy path's order (products as written there,
left to right; NumPy's ``maximum``/``minimum`` for its floors, caps and clips, which keep a NaN), so both paths
give the same numbers. What they do not do: the transcendental functions (``**``, ``log``, ``tanh``, ``log1p``,
whose NumPy loops are vectorised and may differ from the C library's in the last bit) and the draws; ground.py
calls NumPy for those between the kernels, as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .kernels import _jit
from .kernels_naval import _rowsum_c


@_jit
def front_power(
    ashore: np.ndarray,
    contact_day: np.ndarray,
    ongoing: np.ndarray,  # (R,) bool
    lines: np.ndarray,
    supply_ratio: np.ndarray,
    land_offensive: bool,
    blue_total_in: np.ndarray,
    blue_lost: np.ndarray,
    b_c: np.ndarray,  # defenders in contact
    blue_peak: np.ndarray,  # the most defenders in contact so far
    posture_factor: np.ndarray,
    breakpoint: np.ndarray,
    air: np.ndarray,  # air_superiority_ground_factor
    control_red: np.ndarray,
    control_blue: np.ndarray,
    hold_posture: np.ndarray,  # attacker_hold_posture_factor
    ratio_before: np.ndarray,  # the ratio of the last step (Block.ratio)
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first half of ground.combat, up to the force ratio. Returns (contact, supply, attack, counter, ratio,
    ``np.clip(ratio_before, 1e-3, 1e3)``, the new ``blue_peak``)."""
    reps = ashore.size
    contact = np.empty(reps, dtype=np.bool_)
    supply = np.empty(reps)
    attack = np.empty(reps)
    counter = np.empty(reps)
    ratio = np.empty(reps)
    before = np.empty(reps)
    peak = np.empty(reps)
    for r in range(reps):
        contact[r] = ashore[r] > 0 and not np.isnan(contact_day[r]) and ongoing[r]
        peak[r] = np.maximum(blue_peak[r], b_c[r])
        if land_offensive:
            sup = np.minimum(np.maximum(1 - lines[r], 0.0), 1.0)
        else:
            sup = supply_ratio[r]
        supply[r] = sup
        bti = blue_total_in[r]
        lost_share = blue_lost[r] / bti if bti > 0 else 0.0
        held_share = np.minimum(np.maximum(1 - lost_share / np.maximum(breakpoint[r], 1e-9), 0.0), 1.0)
        posture = 1 + (posture_factor[r] - 1) * held_share
        power_red = ashore[r] * sup * (1 + air[r] * control_red[r])
        power_blue = np.maximum(b_c[r], 1e-9) * (1 + air[r] * control_blue[r])
        a = np.minimum(np.maximum(power_red / (power_blue * posture), 1e-3), 1e3)
        c = np.minimum(np.maximum(power_blue / np.maximum(power_red * hold_posture[r], 1e-9), 1e-3), 1e3)
        attack[r] = a
        counter[r] = c
        ratio[r] = np.maximum(a, 1.0) / np.maximum(c, 1.0)
        before[r] = np.minimum(np.maximum(ratio_before[r], 1e-3), 1e3)
    return contact, supply, attack, counter, ratio, before, peak


@_jit
def attrition_drawn(
    rng: Any,
    ashore: np.ndarray,
    b_c: np.ndarray,
    contact: np.ndarray,
    attrition: np.ndarray,  # ground_attrition_per_day
    casualty_ratio: np.ndarray,  # defender_casualty_ratio
    power_red: np.ndarray,  # ratio ** (-e)
    power_blue: np.ndarray,  # ratio ** e
    dt: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's losses in contact, drawn: ground.combat's ``f_red``, ``f_blue`` and Poisson draws (the
    adversary's for every replication, then the defenders', as NumPy's two array draws)."""
    reps = ashore.size
    lam_blue = np.empty(reps)
    red = np.empty(reps)
    blue = np.empty(reps)
    for r in range(reps):
        c = 1.0 if contact[r] else 0.0
        f_red = attrition[r] * power_red[r]
        f_blue = attrition[r] * casualty_ratio[r] * power_blue[r]
        red[r] = float(rng.poisson(np.maximum(0.0, ashore[r] * f_red * dt * c)))
        lam_blue[r] = np.maximum(0.0, b_c[r] * f_blue * dt * c)
    for r in range(reps):
        blue[r] = float(rng.poisson(lam_blue[r]))
    return red, blue


@_jit
def front_moves(
    drawn_red: np.ndarray,  # the Poisson losses in contact (float)
    ashore: np.ndarray,
    supply: np.ndarray,
    ongoing: np.ndarray,  # (R,) bool
    contact: np.ndarray,  # (R,) bool
    out_of_supply: np.ndarray,  # out_of_supply_attrition_per_day
    red_troops_lost: np.ndarray,
    casualties: np.ndarray,  # (R, actors) updated in place: the adversary's column
    adversary: int,
    advance: np.ndarray,  # advance_km_per_day
    depth: np.ndarray,
    tanh_attack: np.ndarray,  # tanh(ln max(attack, 1) / scale)
    tanh_counter: np.ndarray,
    objective_troops: np.ndarray,
    held_before: np.ndarray,
    smoothing: np.ndarray,  # trend_smoothing_days
    g_held: np.ndarray,
    log_ratio: np.ndarray,
    log_before: np.ndarray,  # ln clip(ratio of the last step)
    g_ratio: np.ndarray,
    ratio: np.ndarray,
    ratio_before: np.ndarray,
    held_peak: np.ndarray,
    peak_ashore: np.ndarray,
    lines: np.ndarray,
    repair_days: np.ndarray,  # lines_repair_days
    dt: float,
) -> tuple[np.ndarray, ...]:
    """The adversary's losses and the movement of the front (ground.combat after the draws, but for the blue
    losses and the trend of troops ashore). Returns new (ashore, red_troops_lost, held, g_held, g_ratio, ratio,
    held_peak, peak_ashore, lines, alpha)."""
    reps = ashore.size
    out = np.empty((10, reps))
    for r in range(reps):
        on = 1.0 if ongoing[r] else 0.0
        c = 1.0 if contact[r] else 0.0
        a0 = ashore[r]
        red_loss = drawn_red[r] + a0 * out_of_supply[r] * dt * (1 - supply[r]) * on
        red_loss = np.minimum(red_loss, a0)
        a1 = a0 - red_loss
        out[0, r] = a1
        out[1, r] = red_troops_lost[r] + red_loss
        casualties[r, adversary] += red_loss
        rate = advance[r] / np.maximum(depth[r], 1e-9)
        move = rate * (tanh_attack[r] - tanh_counter[r])
        move = move * dt * c
        obj = objective_troops[r]
        cap = a1 / np.maximum(obj, 1e-9) if obj > 0 else 1.0
        held = np.minimum(np.maximum(held_before[r] + move, 0.0), np.minimum(1.0, cap))
        held = held if a1 > 0 else 0.0
        out[2, r] = held
        alpha = dt / np.maximum(smoothing[r], dt)
        out[9, r] = alpha
        out[3, r] = g_held[r] + alpha * ((held - held_before[r]) / dt - g_held[r]) * on
        change = (log_ratio[r] - log_before[r]) / dt
        out[4, r] = g_ratio[r] + alpha * ((change if contact[r] else 0.0) - g_ratio[r]) * on
        out[5, r] = ratio[r] if contact[r] else ratio_before[r]
        out[6, r] = np.maximum(held_peak[r], held)
        out[7, r] = np.maximum(peak_ashore[r], a1)
        out[8, r] = np.maximum(0.0, lines[r] - dt / np.maximum(repair_days[r], 1e-9))
    return out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7], out[8], out[9]


@_jit
def ashore_trend(
    g_ashore: np.ndarray,
    alpha: np.ndarray,
    log_after: np.ndarray,
    log_before: np.ndarray,
    ongoing: np.ndarray,
    dt: float,
) -> np.ndarray:
    """ground.combat's smoothed growth of the troops ashore (``log1p`` of after and before, from NumPy)."""
    reps = g_ashore.size
    out = np.empty(reps)
    for r in range(reps):
        growth = (log_after[r] - log_before[r]) / dt
        out[r] = g_ashore[r] + alpha[r] * (growth - g_ashore[r]) * (1.0 if ongoing[r] else 0.0)
    return out


@_jit
def lift_land(
    n: np.ndarray,  # (R, K) landing ships
    act: np.ndarray,  # (R, K) their activity
    lift_weights: np.ndarray,  # (R, K) troops each ship lifts
    held: np.ndarray,
    lines: np.ndarray,
    ashore: np.ndarray,
    supply: np.ndarray,
    waiting: np.ndarray,
    contact_day: np.ndarray,
    ongoing: np.ndarray,  # (R,) bool
    port_start: np.ndarray,  # port_capture_share_start
    port_span: float,  # max(port_capture_share_full - port_capture_share_start, 1e-9)
    trips: np.ndarray,  # amphibious_trips_per_day
    port_gain: np.ndarray,  # port_lift_gain
    gamma: np.ndarray,  # supply_tonnes_per_troop_day
    per_troop: np.ndarray,  # supply_tonnes_per_lift_troop
    buffer_days: np.ndarray,  # lodgement_supply_buffer_days
    airlift_rate: np.ndarray,  # captured_airfield_airlift_tonnes_per_day
    dt: float,
    day_next: float,  # Block.day + dt
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ground.lift_and_land. Returns new (supply, supply_ratio, waiting, ashore, contact_day) and the lift afloat
    (R,); row sums of the (R, K) products as NumPy takes them (BLAS, kernels_naval._rowsum_c)."""
    reps, width = n.shape
    sailing = np.empty((reps, width))
    afloat = np.empty((reps, width))
    for r in range(reps):
        for k in range(width):
            sailing[r, k] = n[r, k] * act[r, k] * lift_weights[r, k]
            afloat[r, k] = n[r, k] * lift_weights[r, k]
    lift = _rowsum_c(sailing)
    out = np.empty((5, reps))
    for r in range(reps):
        on = 1.0 if ongoing[r] else 0.0
        ports = np.minimum(np.maximum((held[r] - port_start[r]) / port_span, 0.0), 1.0) * (1 - lines[r])
        cap = lift[r] * trips[r] * dt * (1 + port_gain[r] * ports) * on
        g = gamma[r]
        nu = np.maximum(per_troop[r], 1e-9)
        a = ashore[r]
        need = a * g * dt
        target = a * g * buffer_days[r]
        airlift = airlift_rate[r] * ports * dt * on
        s = supply[r]
        delivered = np.minimum(cap * nu, np.maximum(0.0, need + np.maximum(0.0, target - s) - airlift))
        s = s + delivered + airlift
        used = np.minimum(s, need)
        s = s - used
        out[1, r] = used / need if need > 0 else 1.0
        landed = np.minimum(np.maximum(cap - delivered / nu, 0.0), waiting[r])
        out[2, r] = waiting[r] - landed
        a = a + landed
        out[3, r] = a
        out[0, r] = s + landed * g * buffer_days[r]
        cd = contact_day[r]
        out[4, r] = day_next if np.isnan(cd) and a > 0 else cd
    return out[0], out[1], out[2], out[3], out[4], _rowsum_c(afloat)


@_jit
def contact_decay(contact_day: np.ndarray, day: float, days: np.ndarray) -> np.ndarray:
    """ground.defenders_in_contact's exponent ``-since / max(defender_concentration_days, 1e-9)``."""
    reps = contact_day.size
    out = np.empty(reps)
    for r in range(reps):
        cd = contact_day[r]
        since = 0.0 if np.isnan(cd) else day - cd
        out[r] = -since / np.maximum(days[r], 1e-9)
    return out


@_jit
def in_contact(
    total: np.ndarray, decay: np.ndarray, contact_day: np.ndarray, first: np.ndarray, most: np.ndarray
) -> np.ndarray:
    """ground.defenders_in_contact after NumPy's ``exp`` of ``contact_decay`` (``decay``)."""
    reps = total.size
    out = np.empty(reps)
    for r in range(reps):
        beta0 = first[r]
        top = np.maximum(most[r], beta0)
        share = beta0 + (top - beta0) * (1 - decay[r])
        out[r] = total[r] * share * (0.0 if np.isnan(contact_day[r]) else 1.0)
    return out


@_jit
def attacker_losses(
    rng: Any,
    effective: np.ndarray,
    ashore: np.ndarray,
    red_troops_lost: np.ndarray,
    casualties: np.ndarray,  # (R, actors) updated in place: the adversary's column
    adversary: int,
    supply: np.ndarray,
    lines: np.ndarray,
    on_lines: np.ndarray,  # lodgement_fire_share_on_lines
    damage_per_weapon: np.ndarray,  # lines_damage_per_strike_weapon
    per_weapon: np.ndarray,  # troops_killed_per_strike_weapon
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ground.strike_the_attacker: troops killed ashore (Poisson draws, in replication order) and damage to the
    lines. Returns new (ashore, red_troops_lost, supply, lines)."""
    reps = ashore.size
    drawn = np.empty(reps)
    for r in range(reps):
        on = 1.0 if ashore[r] > 0 else 0.0
        drawn[r] = float(rng.poisson(effective[r] * on * (1 - on_lines[r]) * per_weapon[r]))
    out = np.empty((4, reps))
    for r in range(reps):
        on = 1.0 if ashore[r] > 0 else 0.0
        killed = np.minimum(ashore[r], drawn[r])
        out[0, r] = ashore[r] - killed
        out[1, r] = red_troops_lost[r] + killed
        casualties[r, adversary] += killed
        damage = np.minimum(1.0 - lines[r], effective[r] * on * on_lines[r] * damage_per_weapon[r])
        out[2, r] = supply[r] * (1 - damage / np.maximum(1.0 - lines[r], 1e-9))
        out[3, r] = lines[r] + damage
    return out[0], out[1], out[2], out[3]


@_jit
def blue_losses(
    troops: np.ndarray, blue: np.ndarray, total: np.ndarray, live: np.ndarray, lost: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ground._blue_losses but for the product with the actor map: ``total`` (R,) spread over the defenders'
    troops (mechanics.allocate: row sums as NumPy's, BLAS), at most what is there, none in frozen replications.
    Returns the losses (R, K), the troops left and the new total lost (``lost`` plus the losses' row sums)."""
    reps, width = troops.shape
    weights = np.empty((reps, width))
    for r in range(reps):
        for k in range(width):
            weights[r, k] = troops[r, k] * blue[r, k]
    denom = _rowsum_c(weights)
    loss = np.empty((reps, width))
    left = np.empty((reps, width))
    for r in range(reps):
        d = denom[r]
        for k in range(width):
            share = total[r] * weights[r, k] / d if d > 0 else 0.0
            x = np.minimum(weights[r, k], share) * live[r]
            loss[r, k] = x
            left[r, k] = troops[r, k] - x
    return loss, left, lost + _rowsum_c(loss)
