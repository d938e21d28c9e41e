"""The compiled passes of the war at sea, the land front and the blockade give the numbers of the NumPy code they
replace, bit for bit (random inputs, NaNs and zeros included where the NumPy code meets them):

- sea_ground.py against the NumPy paths of ground.combat, lift_and_land, defenders_in_contact,
  strike_the_attacker, strike_the_defenders and _blue_losses (the same draws from the same stream);
- kernels_blockade.stations and stocks_step against blockade.blockade_step's NumPy path;
- kernels_naval._launch and _air_demand against Block._launch_demand and naval._sources;
- sea_kernels.losses against kernels_fixed._losses.

tests/sim/test_kernels_phases.py and test_kernels_overhead.py run whole blocks both ways as well.
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.sim import kernels, kernels_blockade, kernels_fixed, kernels_naval, sea_ground, sea_kernels
from positivesum.sim.mechanics import allocate, rowsum

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")
R = 203


def _pos(rng: np.random.Generator, scale: float = 10.0, zero_share: float = 0.3, shape: tuple[int, ...] = (R,)):
    x = rng.random(shape) * scale
    x[rng.random(shape) < zero_share] = 0.0
    return x


def _nan_days(rng: np.random.Generator) -> np.ndarray:
    x = rng.random(R) * 5
    x[rng.random(R) < 0.4] = np.nan
    return x


def test_front_power_and_moves_are_numpys():
    rng = np.random.default_rng(1)
    ashore, b_c, troops_in, lost = _pos(rng, 1e4), _pos(rng, 1e4), _pos(rng, 2e4), _pos(rng, 5e3)
    contact_day, ongoing = _nan_days(rng), rng.random(R) < 0.8
    lines, supply_ratio, ratio_before = rng.random(R), rng.random(R), rng.random(R) * 10
    par = {k: rng.random(R) * 2 + 0.1 for k in ("pf", "bp", "air", "hold", "att", "cas", "oos", "adv", "smooth")}
    c_red, c_blue, peak = rng.random(R), rng.random(R), _pos(rng, 1e4)
    for land_offensive in (True, False):
        contact, supply, attack, counter, ratio, before, new_peak = sea_ground.front_power(
            ashore, contact_day, ongoing, lines, supply_ratio, land_offensive, troops_in, lost, b_c, peak,
            par["pf"], par["bp"], par["air"], c_red, c_blue, par["hold"], ratio_before,
        )  # fmt: skip
        # ground.combat's NumPy path, verbatim
        e_contact = (ashore > 0) & ~np.isnan(contact_day) & ongoing
        e_supply = np.clip(1 - lines, 0.0, 1.0) if land_offensive else supply_ratio
        share = np.where(troops_in > 0, lost / np.where(troops_in > 0, troops_in, 1.0), 0.0)
        posture = 1 + (par["pf"] - 1) * np.clip(1 - share / np.maximum(par["bp"], 1e-9), 0, 1)
        power_red = ashore * e_supply * (1 + par["air"] * c_red)
        power_blue = np.maximum(b_c, 1e-9) * (1 + par["air"] * c_blue)
        e_attack = np.clip(power_red / (power_blue * posture), 1e-3, 1e3)
        e_counter = np.clip(power_blue / np.maximum(power_red * par["hold"], 1e-9), 1e-3, 1e3)
        e_ratio = np.maximum(e_attack, 1.0) / np.maximum(e_counter, 1.0)
        for got, want in [
            (contact, e_contact), (supply, e_supply), (attack, e_attack), (counter, e_counter), (ratio, e_ratio),
            (before, np.clip(ratio_before, 1e-3, 1e3)), (new_peak, np.maximum(peak, b_c)),
        ]:  # fmt: skip
            np.testing.assert_array_equal(got, want)
    e, dt = 1.3, 0.5
    got_red, got_blue = sea_ground.attrition_drawn(
        np.random.default_rng(7), ashore, b_c, contact, par["att"], par["cas"], ratio ** (-e), ratio**e, dt
    )
    draws = np.random.default_rng(7)
    f_red = par["att"] * ratio ** (-e)
    f_blue = par["att"] * par["cas"] * ratio**e
    red_loss = draws.poisson(np.maximum(0.0, ashore * f_red * dt * contact)).astype(float)
    blue_loss = draws.poisson(np.maximum(0.0, b_c * f_blue * dt * contact)).astype(float)
    np.testing.assert_array_equal(got_red, red_loss)
    np.testing.assert_array_equal(got_blue, blue_loss)
    depth, objective, held0 = rng.random(R) * 100 + 1, _pos(rng, 1e4), rng.random(R)
    g_held, g_ratio, held_peak, peak_ashore = (rng.random(R) for _ in range(4))
    casualties, expected_cas = np.zeros((R, 3)), np.zeros((R, 3))
    ta, tc, lr, lb = (np.tanh(rng.random(R)) for _ in range(4))
    got = sea_ground.front_moves(
        red_loss, ashore, supply, ongoing, contact, par["oos"], lost, casualties, 1, par["adv"], depth, ta, tc,
        objective, held0, par["smooth"], g_held, lr, lb, g_ratio, ratio, ratio_before, held_peak, peak_ashore,
        lines, par["pf"], dt,
    )  # fmt: skip
    red_loss = red_loss + ashore * par["oos"] * dt * (1 - supply) * ongoing
    red_loss = np.minimum(red_loss, ashore)
    a1 = ashore - red_loss
    expected_cas[:, 1] += red_loss
    move = par["adv"] / np.maximum(depth, 1e-9) * (ta - tc)
    move = move * dt * contact
    cap = np.where(objective > 0, a1 / np.maximum(objective, 1e-9), 1.0)
    held = np.where(a1 > 0, np.clip(held0 + move, 0.0, np.minimum(1.0, cap)), 0.0)
    alpha = dt / np.maximum(par["smooth"], dt)
    want = [
        a1, lost + red_loss, held, g_held + alpha * ((held - held0) / dt - g_held) * ongoing,
        g_ratio + alpha * (np.where(contact, (lr - lb) / dt, 0.0) - g_ratio) * ongoing,
        np.where(contact, ratio, ratio_before), np.maximum(held_peak, held), np.maximum(peak_ashore, a1),
        np.maximum(0.0, lines - dt / np.maximum(par["pf"], 1e-9)), alpha,
    ]  # fmt: skip
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(casualties, expected_cas)
    g_ashore = rng.random(R)
    np.testing.assert_array_equal(
        sea_ground.ashore_trend(g_ashore, alpha, lr, lb, ongoing, dt),
        g_ashore + alpha * ((lr - lb) / dt - g_ashore) * ongoing,
    )


def test_lift_and_land_is_numpys():
    rng = np.random.default_rng(2)
    n, act, lw = _pos(rng, 5, shape=(R, 9)), (rng.random((R, 9)) < 0.7).astype(float), rng.random((R, 9)) * 900
    held, lines, ashore, supply, waiting = rng.random(R), rng.random(R) * 0.5, _pos(rng, 1e4), _pos(rng), _pos(rng, 1e4)
    contact_day, ongoing = _nan_days(rng), rng.random(R) < 0.8
    start, trips, gain, gamma, nu, buf, air = (rng.random(R) * 2 for _ in range(7))
    span, dt, day = 0.3, 0.5, 4.0
    got = sea_ground.lift_land(
        n, act, lw, held, lines, ashore, supply, waiting, contact_day, ongoing, start, span, trips, gain, gamma, nu,
        buf, air, dt, day + dt,
    )  # fmt: skip
    lift = rowsum(n * act * lw)
    ports = np.clip((held - start) / span, 0.0, 1.0) * (1 - lines)
    cap = lift * trips * dt * (1 + gain * ports) * ongoing
    nu_ = np.maximum(nu, 1e-9)
    need, target = ashore * gamma * dt, ashore * gamma * buf
    airlift = air * ports * dt * ongoing
    delivered = np.minimum(cap * nu_, np.maximum(0.0, need + np.maximum(0.0, target - supply) - airlift))
    supply = supply + delivered + airlift
    used = np.minimum(supply, need)
    supply = supply - used
    ratio = np.where(need > 0, used / np.where(need > 0, need, 1.0), 1.0)
    landed = np.minimum(np.maximum(cap - delivered / nu_, 0.0), waiting)
    ashore = ashore + landed
    supply = supply + landed * gamma * buf
    contact_day = np.where(np.isnan(contact_day) & (ashore > 0), day + dt, contact_day)
    want = [supply, ratio, waiting - landed, ashore, contact_day, rowsum(n * lw)]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_contact_strikes_and_blue_losses_are_numpys():
    rng = np.random.default_rng(3)
    contact_day, total = _nan_days(rng), _pos(rng, 1e4)
    days, beta0, top = rng.random(R) * 9, rng.random(R) * 0.5, rng.random(R)
    decay = np.exp(sea_ground.contact_decay(contact_day, 6.0, days))
    since = np.where(np.isnan(contact_day), 0.0, 6.0 - np.nan_to_num(contact_day))
    share = beta0 + (np.maximum(top, beta0) - beta0) * (1 - np.exp(-since / np.maximum(days, 1e-9)))
    np.testing.assert_array_equal(
        sea_ground.in_contact(total, decay, contact_day, beta0, top), total * share * ~np.isnan(contact_day)
    )
    effective, ashore, lost, supply, lines = _pos(rng, 30), _pos(rng, 1e3), _pos(rng), _pos(rng), rng.random(R) * 0.9
    on_lines, damage, per_weapon = rng.random(R), rng.random(R) * 0.01, rng.random(R) * 3
    casualties, expected_cas = np.zeros((R, 2)), np.zeros((R, 2))
    got = sea_ground.attacker_losses(
        np.random.default_rng(9), effective, ashore, lost, casualties, 0, supply, lines, on_lines, damage, per_weapon
    )
    on = ashore > 0
    draws = np.random.default_rng(9)
    killed = np.minimum(ashore, draws.poisson(effective * on * (1 - on_lines) * per_weapon).astype(float))
    expected_cas[:, 0] += killed
    hit = np.minimum(1.0 - lines, effective * on * on_lines * damage)
    want = [ashore - killed, lost + killed, supply * (1 - hit / np.maximum(1.0 - lines, 1e-9)), lines + hit]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(casualties, expected_cas)
    for width in (3, 70):  # both of mechanics.allocate's paths (NumPy below kernels.MIN_SIZE elements)
        troops, blue = _pos(rng, 1e4, shape=(R, width)), (rng.random((R, width)) < 0.6).astype(float)
        live = (rng.random(R) < 0.8).astype(float)
        loss, left, total_lost = sea_ground.blue_losses(troops, blue, killed, live, lost)
        weights = troops * blue
        want_loss = np.minimum(weights, allocate(killed, weights)) * live[:, None]
        np.testing.assert_array_equal(loss, want_loss)
        np.testing.assert_array_equal(left, troops - want_loss)
        np.testing.assert_array_equal(total_lost, lost + rowsum(want_loss))


def test_blockade_passes_are_numpys():
    rng = np.random.default_rng(5)
    n_sur, act_sur, port_sur = _pos(rng, 3, shape=(R, 20)), rng.random((R, 20)), rng.random((R, 20))
    n_sub, act_sub, port_sub = _pos(rng, 3, shape=(R, 10)), rng.random((R, 10)), np.zeros((R, 10))
    side_sur, side_sub = rng.integers(0, 2, 20), rng.integers(0, 2, 10)
    masks = [np.ascontiguousarray(m, dtype=np.float64) for m in (side_sur == 1, side_sur == 0, side_sub == 1)]
    on_station, escorts = kernels_blockade.stations(n_sur, act_sur, port_sur, n_sub, act_sub, port_sub, *masks)
    want_on, want_esc = np.zeros(R), np.zeros(R)
    for n, act, port, side in ((n_sur, act_sur, port_sur, side_sur), (n_sub, act_sub, port_sub, side_sub)):
        at_sea = n * act * (1 - port)
        want_on += rowsum(at_sea * (side == 1))
        if n is n_sur:
            want_esc += rowsum(at_sea * (side == 0))
    np.testing.assert_array_equal(on_station, want_on)
    np.testing.assert_array_equal(escorts, want_esc)
    stocks, share = _pos(rng, 2, shape=(R, 4)), rng.random((R, 4))
    runout = np.where(rng.random((R, 4)) < 0.3, 2.0, np.nan)
    thr, ongoing = rng.random(R), rng.random(R) < 0.8
    elec, low, short = rng.random(R), rng.random(R), rng.random(R)
    dt, day = 1.0, 9.0
    got = kernels_blockade.stocks_step(stocks, runout, share, thr, ongoing, elec, low, short, dt, day + dt)
    left = np.maximum(0.0, stocks - (1 - thr)[:, None] * dt * ongoing[:, None])
    ran_out = (stocks > 0) & (left <= 0) & np.isnan(runout) & ongoing[:, None]
    e = 1 - rowsum(share * (1 - np.where(left > 0, 1.0, thr[:, None])))
    want = [
        left, np.where(ran_out, day + dt, runout), np.where(ongoing, e, elec),
        np.minimum(low, np.where(ongoing, e, 1.0)), short + (1 - e) * dt * ongoing,
    ]  # fmt: skip
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_salvo_sources_are_numpys():
    """The salvo's demands are NumPy's in the replications at war at sea (``gate``) and zero in the others, whose
    restraint is 0 anyway (kernels_naval.salvo)."""
    rng = np.random.default_rng(6)
    n, rate, act, pl = (_pos(rng, 4, shape=(R, 12)) for _ in range(4))
    live = (rng.random(R) < 0.8).astype(float)
    every, some = np.ones(R, dtype=bool), rng.random(R) < 0.3
    for use_pl in (True, False):
        want = n * rate * act * (pl if use_pl else 1.0) * live[:, None]
        np.testing.assert_array_equal(kernels_naval._launch(n, rate, act, pl, use_pl, live, every), want)
        got = kernels_naval._launch(n, rate, act, pl, use_pl, live, some)
        np.testing.assert_array_equal(got, np.where(some[:, None], want, 0.0))
    strike, wps = _pos(rng, 4, shape=(R, 12)), rng.random((R, 12)) * 4
    side, armed = rng.integers(0, 2, 12), rng.random(12) < 0.5
    mask = ((side == 1) * armed).astype(np.float64)
    want = strike * wps * (side == 1) * armed
    np.testing.assert_array_equal(kernels_naval._air_demand(strike, wps, mask, every), want)
    np.testing.assert_array_equal(kernels_naval._air_demand(strike, wps, mask, some), np.where(some[:, None], want, 0))


def test_losses_select_is_the_branch():
    """sea_kernels.losses (a select on the uniform) against kernels_fixed._losses (a branch): the same numbers,
    the same draws."""
    rng = np.random.default_rng(8)
    expected = rng.random((R, 11)) * 2.5
    expected[rng.random((R, 11)) < 0.3] = 0.0
    expected[rng.random((R, 11)) < 0.1] = 1.0
    cols = np.array([0, 2, 3, 5, 6, 7, 8, 10, 12, 13, 14], dtype=np.int64)
    n0, live = np.floor(rng.random((R, 15)) * 4), (rng.random(R) < 0.8).astype(float)
    runs = []
    for fn in (
        lambda n, lost, g: sea_kernels.losses(n, lost, cols, expected, live, g),
        lambda n, lost, g: kernels_fixed._losses(n, lost, np.zeros((1, 1)), False, cols, expected, live, g),
    ):
        n, lost, g = n0.copy(), np.zeros_like(n0), np.random.default_rng(3)
        runs.append((fn(n, lost, g), n, lost, g.random()))
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)
