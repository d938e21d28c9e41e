"""Compiled kernel for the resolution of a fixed-target salvo at the bases (fires._strike_fixed), whole.

The NumPy path (fires.py) makes some sixty array operations per side and step, each a pass over (R, Bs) or
(R, K) arrays a few columns wide: at 2,048 replications they are memory passes, at 200 the fixed cost of the
calls. This kernel does the same arithmetic in one call, as a sequence of loops over the replications.

Random numbers: the kernel draws from the block's ``numpy.random.Generator`` itself (Numba supports the
Generator and reproduces NumPy's algorithms for uniforms, binomials and Poissons on the same bit
generator), *in the order of the NumPy path*: every stochastic rounding, then the intercept binomials,
then each kind's losses, each pass in C order over replications and columns, drawing only where NumPy
draws (a fractional value to round, a non-zero binomial count). Both paths therefore consume the same
stream and give the same numbers: sums over a group-to-base map are added in group order (as the NumPy path's
matrix products add them at these sizes), the sum of pairs into groups is the same BLAS product as NumPy's;
tests/sim/test_kernels_phases.py checks the result bit for bit.

Equations: those of fires.py (Hughes' salvo rule; Stillion & Orletsky 1999 for aircraft on the ground).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .kernels import _fire, _jit, stochastic_round
from .setup import RED
from .state import cols_of

if TYPE_CHECKING:
    from .fires import SideFires
    from .state import Block

SHIPS = ("surface", "amphibious")


@_jit
def _losses(
    n: np.ndarray,
    lost: np.ndarray,
    also: np.ndarray,
    has_also: bool,
    cols: np.ndarray,
    expected: np.ndarray,
    live: np.ndarray,
    rng: Any,
) -> np.ndarray:
    """mechanics.take_losses with the uniforms drawn here, in the same order (C order over ``expected``)."""
    reps, width = expected.shape
    out = np.zeros((reps, width))
    for r in range(reps):
        for c in range(width):
            v = expected[r, c]
            j = cols[c]
            cur = n[r, j]
            if v == 0.0 and cur >= 0.0:
                continue
            k = stochastic_round(v, rng)
            loss = np.minimum(cur, k) * live[r]
            n[r, j] = cur - loss
            lost[r, j] += loss
            if has_also:
                also[r, j] += loss
            out[r, c] = loss
    return out


@_jit
def _spread(share: np.ndarray, n: np.ndarray, cols: np.ndarray, where: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """expected[r, c] = n[r, cols[c]] * share[r, where[c]] * scale[c]: a per-base share onto the groups there
    (``where[c]``: the target base of group ``cols[c]``, -1 if none; the one-hot product of the NumPy path)."""
    reps = share.shape[0]
    width = cols.size
    out = np.zeros((reps, width))
    for r in range(reps):
        for c in range(width):
            b = where[c]
            out[r, c] = n[r, cols[c]] * (share[r, b] if b >= 0 else 0.0) * scale[c]
    return out


@_jit
def _spread_losses(
    n: np.ndarray,
    lost: np.ndarray,
    also: np.ndarray,
    has_also: bool,
    cols: np.ndarray,
    where: np.ndarray,
    share: np.ndarray,
    scale: np.ndarray,
    unit_scale: bool,
    busy: np.ndarray,
    live: np.ndarray,
    rng: Any,
) -> None:
    """``_losses(n, lost, also, has_also, cols, _spread(share, n, cols, where, scale), live, rng)`` in one pass, the
    same draws in the same order (``cols`` has no repeats: each group's expected loss is made from its units before
    its own loss, as the two-pass form makes it); ``unit_scale``: a scale of ones (``n * share * 1.0``). A row
    outside ``busy`` has a zero share (as ``resolve`` leaves it): a group there loses nothing unless it holds a
    negative or NaN count, which the row's pass then treats as ``_losses`` does."""
    reps = share.shape[0]
    for r in range(reps):
        quiet = not busy[r]
        for c in range(cols.size):
            j = cols[c]
            cur = n[r, j]
            if quiet and cur >= 0.0 and cur < np.inf:  # n * 0.0 * scale is 0.0: nothing lost, nothing drawn
                continue
            b = where[c]
            v = cur * (share[r, b] if b >= 0 else 0.0)
            if not unit_scale:
                v = v * scale[c]
            if v == 0.0 and cur >= 0.0:
                continue
            k = stochastic_round(v, rng)
            loss = np.minimum(cur, k) * live[r]
            n[r, j] = cur - loss
            lost[r, j] += loss
            if has_also:
                also[r, j] += loss


@_jit
def resolve(
    rng: Any,
    values: np.ndarray,  # (R, 4, B) worth of each kind at each target base
    by_kind: np.ndarray,  # (R, 6, J) fire per kind and pair
    pv: np.ndarray,  # (R, 6, J) worth in reach per kind and pair
    parked: np.ndarray,  # (R, B) aircraft on the ground when the salvo was allocated
    # the state, this step (updated in place where noted)
    n_ad: np.ndarray,  # (R, Kad) air defence units (all groups; updated by launcher losses)
    lost_ad: np.ndarray,
    act_ad: np.ndarray,  # (R, Kad)
    stock: np.ndarray,
    expended: np.ndarray,
    cut: np.ndarray,  # (R, Bp) updated at columns ``base_cols``
    n_air: np.ndarray,
    lost_air: np.ndarray,
    lost_on_ground: np.ndarray,
    n_isr: np.ndarray,
    lost_isr: np.ndarray,
    live: np.ndarray,  # (R,)
    det: np.ndarray,  # (R,) the shooter's detection
    n_mis: np.ndarray,
    lost_mis: np.ndarray,
    n_sur: np.ndarray,
    lost_sur: np.ndarray,
    port_sur: np.ndarray,  # (R, Ksur) share in port
    n_amp: np.ndarray,
    lost_amp: np.ndarray,
    port_amp: np.ndarray,
    log_damage: np.ndarray,  # (R, Bp) updated at ``base_cols``
    # per-block constants (``_resolve_constants``)
    reach: np.ndarray,  # (J, B)
    eff_aog: np.ndarray,  # (R, J)
    rel: np.ndarray,  # (R,) missile reliability
    raids: np.ndarray,  # (R,) salvo exchanges per step
    pk_int: np.ndarray,  # (R,) interceptor kill probability
    ips: np.ndarray,  # (R, Kad) interceptors per salvo
    mine_ad: np.ndarray,  # (Kad,) the victim's groups
    where_ad: np.ndarray,  # (Kad,) target base of each group, -1 if none (as the ``v*`` maps below)
    fm_group: np.ndarray,  # the victim's interceptor pairs (FireMap)
    fm_pool: np.ndarray,
    fm_local: np.ndarray,
    fm_cols: np.ndarray,
    fm_single: bool,
    fm_armed: np.ndarray,  # (Kad,) float: 1 where a group fires from stocks
    fm_gmat: np.ndarray,  # (pairs, Kad) one-hot: the group of each pair
    shelters: np.ndarray,  # (B,)
    kpm: np.ndarray,  # (R,) aircraft killed per missile
    pk_shel: np.ndarray,  # (R,) sheltered kill probability
    runway_cut: np.ndarray,  # (R,)
    base_cols: np.ndarray,  # (B,)
    v_air: np.ndarray,
    vbase_air: np.ndarray,
    lb_air: np.ndarray,  # (|v_air|,) 1 where land-based
    v_isr: np.ndarray,
    vbase_isr: np.ndarray,
    lb_isr: np.ndarray,
    launcher_kill: np.ndarray,  # (R,) mobile launcher kill per missile (times ``det``)
    v_mis: np.ndarray,
    vbase_mis: np.ndarray,
    v_ad: np.ndarray,
    vbase_ad: np.ndarray,
    v_sur: np.ndarray,
    vbase_sur: np.ndarray,
    h2k_sur: np.ndarray,  # (R, |v_sur|)
    v_amp: np.ndarray,
    vbase_amp: np.ndarray,
    h2k_amp: np.ndarray,
    log_per_missile: np.ndarray,  # (R,)
) -> np.ndarray:
    """fires._strike_fixed without its C2 part: arrivals and intercepts, then aircraft, launchers, ships in port
    and logistics, in that order; state updated in place. Returns the landing ships sunk in port (R, |v_amp|)."""
    reps, n_kinds, n_bases = values.shape
    n_pairs = reach.shape[0]
    # fire per unit of worth, onto the bases (per_value @ reach), and the effective fire on ships
    at_base = np.zeros((reps, n_kinds, n_bases))
    ship_eff = np.zeros((reps, n_bases))
    total = np.zeros((reps, n_bases))
    acc_base = np.zeros(n_bases)
    acc_ship = np.zeros(n_bases)
    # a replication with no fire at any base (at_base and ship_eff all zero: none of its steps below draws or changes
    # anything) is skipped by the loops that would only write zeros there or add zero
    busy = np.zeros(reps, dtype=np.bool_)
    for r in range(reps):
        # a replication none of whose pairs fired (most of a blockade's, not at full war) has no fire at any base:
        # its rows of at_base, ship_eff and total stay the zeros the loops below would write, and it is not busy
        has_fire = False
        for k in range(n_kinds):
            for j in range(n_pairs):
                if by_kind[r, k, j] != 0.0:
                    has_fire = True
                    break
            if has_fire:
                break
        if not has_fire:
            continue
        for k in range(n_kinds):
            # each base's sum over pairs in pair order (a loop over bases inside: the same additions, vectorised);
            # a pair with no fire adds nothing (+0.0 to a sum of non-negative terms) and is skipped
            acc_base[:] = 0.0
            acc_ship[:] = 0.0
            for j in range(n_pairs):
                x = pv[r, k, j]
                per = by_kind[r, k, j] / x if x > 0 else 0.0
                if per == 0.0:
                    continue
                for b in range(n_bases):
                    acc_base[b] += per * reach[j, b]
                if k == 2:
                    per_eff = per * eff_aog[r, j]
                    for b in range(n_bases):
                        acc_ship[b] += per_eff * reach[j, b]
            for b in range(n_bases):
                at_base[r, k, b] = values[r, k, b] * acc_base[b]
            if k == 2:
                for b in range(n_bases):
                    ship_eff[r, b] = values[r, 2, b] * acc_ship[b]
        for b in range(n_bases):
            acc = 0.0
            for k in range(n_kinds):
                acc += at_base[r, k, b]
                if at_base[r, k, b] != 0:
                    busy[r] = True
            total[r, b] = acc
            if ship_eff[r, b] != 0:
                busy[r] = True
    # arrivals through the bases' air defences (fires._arrive_and_intercept)
    arriving = np.zeros((reps, n_bases))
    for r in range(reps):
        if not busy[r]:
            continue
        for b in range(n_bases):
            x = total[r, b] * rel[r]
            arriving[r, b] = stochastic_round(x, rng)
    n_groups = n_ad.shape[1]
    # the interceptor capacity of each group (only whether any is not zero matters outside the busy replications)
    any_cap = False
    for r in range(reps):
        for g in range(n_groups):
            if n_ad[r, g] * ips[r, g] * act_ad[r, g] * mine_ad[g] * raids[r] != 0:
                any_cap = True
                break
        if any_cap:
            break
    penetrating = arriving
    if any_cap:
        demand = np.zeros((reps, n_groups))
        cap_at = np.zeros(n_bases)
        share = np.zeros(n_bases)
        cap = np.zeros(n_groups)
        for r in range(reps):
            if not busy[r]:
                continue
            cap_at[:] = 0.0
            for g in range(n_groups):
                cap[g] = n_ad[r, g] * ips[r, g] * act_ad[r, g] * mine_ad[g] * raids[r]
                b = where_ad[g]
                if b >= 0:
                    cap_at[b] += cap[g]
            for b in range(n_bases):
                acc = cap_at[b]
                share[b] = min(arriving[r, b], acc) / acc if acc > 0 else 0.0
            for g in range(n_groups):
                b = where_ad[g]
                demand[r, g] = cap[g] * (share[b] if b >= 0 else 0.0)
        # interceptors from the munition stocks where a group has any, unlimited (guns) otherwise (Block.intercept)
        fired_g = np.zeros((reps, n_groups))
        if fm_group.size:
            armed_demand = np.zeros((reps, n_groups))
            for r in range(reps):
                if not busy[r]:
                    continue
                for g in range(n_groups):
                    armed_demand[r, g] = demand[r, g] * fm_armed[g]
            no_mask = np.zeros((1, 1))
            fired = _fire(
                armed_demand, stock, expended, fm_group, fm_pool, fm_local, fm_cols, n_groups, fm_single, 0, no_mask
            )
            fired_g = np.dot(fired, fm_gmat)  # FireMap.to_groups: the product with the one-hot map (BLAS, as NumPy)
        for r in range(reps):
            if not busy[r]:
                continue
            for g in range(n_groups):
                fired_g[r, g] += demand[r, g] * (1.0 - fm_armed[g])
        penetrating = np.zeros((reps, n_bases))
        shots_at = np.zeros(n_bases)
        for r in range(reps):  # Hughes' salvo rule: binomial kills among the engaged, drawn where any engage
            if not busy[r]:
                continue
            shots_at[:] = 0.0
            for g in range(n_groups):
                b = where_ad[g]
                if b >= 0:
                    shots_at[b] += fired_g[r, g]
            for b in range(n_bases):
                shots = min(arriving[r, b], np.floor(shots_at[b]))
                killed = 0.0
                n_shots = np.int64(shots)
                if n_shots != 0:
                    killed = float(rng.binomial(n_shots, pk_int[r]))
                penetrating[r, b] = arriving[r, b] - killed
    any_kind = np.zeros(n_kinds, dtype=np.bool_)
    for r in range(reps):
        if not busy[r]:
            continue
        for b in range(n_bases):
            t = total[r, b]
            f = penetrating[r, b] / t if t > 0 else 0.0
            for k in range(n_kinds):
                x = at_base[r, k, b] * f
                at_base[r, k, b] = x  # from here: the penetrators
                if x != 0:
                    any_kind[k] = True
            ship_eff[r, b] = ship_eff[r, b] * f
    no_also = np.zeros((1, 1))
    # aircraft on the ground: in the open first, then in shelters; runways cut
    if any_kind[0]:
        frac = np.zeros((reps, n_bases))
        for r in range(reps):
            if not busy[r]:
                continue
            k_pm = kpm[r]
            p_sh = min(max(pk_shel[r], 0.0), 1.0)
            for b in range(n_bases):
                pen = at_base[r, 0, b]
                here = parked[r, b]
                sheltered = min(here, shelters[b])
                in_open = here - sheltered
                on_open = min(pen, np.ceil(in_open / max(k_pm, 1e-9)))
                killed_open = min(in_open, on_open * k_pm)
                on_shelters = min(np.floor(pen - on_open), sheltered)
                x = max(on_shelters, 0.0) * p_sh
                killed_shel = stochastic_round(x, rng)
                frac[r, b] = (killed_open + killed_shel) / here if here > 0 else 0.0
        if v_air.size:
            _spread_losses(
                n_air, lost_air, lost_on_ground, True, v_air, vbase_air, frac, lb_air, False, busy, live, rng
            )
        if v_isr.size:
            _spread_losses(n_isr, lost_isr, no_also, False, v_isr, vbase_isr, frac, lb_isr, False, busy, live, rng)
        for r in range(reps):
            if not busy[r]:
                continue
            for b in range(n_bases):
                cut[r, base_cols[b]] += at_base[r, 0, b] * runway_cut[r]
    # dispersed launchers: each penetrator kills one with a probability scaled by the shooter's ISR
    if any_kind[1]:
        share2 = np.zeros((reps, n_bases))
        there_mis = np.zeros(n_bases)
        there_ad = np.zeros(n_bases)
        for r in range(reps):
            if not busy[r]:
                continue
            # the launchers at each base: each domain's groups summed in order, then the two added
            there_mis[:] = 0.0
            there_ad[:] = 0.0
            for c in range(v_mis.size):
                b = vbase_mis[c]
                if b >= 0:
                    there_mis[b] += n_mis[r, v_mis[c]]
            for c in range(v_ad.size):
                b = vbase_ad[c]
                if b >= 0:
                    there_ad[b] += n_ad[r, v_ad[c]]
            pk = min(max(launcher_kill[r] * det[r], 0.0), 1.0)
            for b in range(n_bases):
                t = there_mis[b] + there_ad[b]
                share2[r, b] = at_base[r, 1, b] * pk / t if t > 0 else 0.0
        if v_mis.size:
            _spread_losses(n_mis, lost_mis, no_also, False, v_mis, vbase_mis, share2, lb_air, True, busy, live, rng)
        if v_ad.size:
            _spread_losses(n_ad, lost_ad, no_also, False, v_ad, vbase_ad, share2, lb_air, True, busy, live, rng)
    # ships alongside: hits over staying power, spread by the ships in port at each base
    amph_kills = np.zeros((reps, v_amp.size))
    if any_kind[2]:
        along_sur = np.zeros((reps, v_sur.size))
        along_amp = np.zeros((reps, v_amp.size))
        any_sur = False
        any_amp = False
        for r in range(reps):
            if not busy[r]:  # no fire on its ports (ship_eff 0): it loses no ship alongside and draws nothing
                continue
            for c in range(v_sur.size):
                along_sur[r, c] = n_sur[r, v_sur[c]] * port_sur[r, v_sur[c]]
                any_sur = any_sur or along_sur[r, c] != 0
            for c in range(v_amp.size):
                along_amp[r, c] = n_amp[r, v_amp[c]] * port_amp[r, v_amp[c]]
                any_amp = any_amp or along_amp[r, c] != 0
        # hits to sink the ships alongside at each base: each domain's groups summed in order, then the two added
        share3 = np.zeros((reps, n_bases))
        there_sur = np.zeros(n_bases)
        there_amp = np.zeros(n_bases)
        for r in range(reps):
            if not busy[r]:
                continue
            there_sur[:] = 0.0
            there_amp[:] = 0.0
            for c in range(v_sur.size):
                b = vbase_sur[c]
                if b >= 0:
                    there_sur[b] += along_sur[r, c] * h2k_sur[r, c]
            for c in range(v_amp.size):
                b = vbase_amp[c]
                if b >= 0:
                    there_amp[b] += along_amp[r, c] * h2k_amp[r, c]
            for b in range(n_bases):
                t = there_sur[b] + there_amp[b]
                share3[r, b] = ship_eff[r, b] / t if t > 0 else 0.0
        for d in range(2):
            if d == 0:
                v, n, lost, along, h2k, vbase, present = v_sur, n_sur, lost_sur, along_sur, h2k_sur, vbase_sur, any_sur
            else:
                v, n, lost, along, h2k, vbase, present = v_amp, n_amp, lost_amp, along_amp, h2k_amp, vbase_amp, any_amp
            if not v.size or not present:
                continue
            for r in range(reps):
                if not busy[r]:
                    continue
                for c in range(v.size):
                    b = vbase[c]
                    x = along[r, c] * h2k[r, c] * (share3[r, b] if b >= 0 else 0.0)
                    y = x / h2k[r, c]
                    kills = min(along[r, c], stochastic_round(y, rng))
                    j = v[c]
                    kills = min(n[r, j], kills) * live[r]
                    n[r, j] -= kills
                    lost[r, j] += kills
                    if d == 1:
                        amph_kills[r, c] = kills
    # logistics capacity at the bases
    if any_kind[3]:
        for r in range(reps):
            if not busy[r]:
                continue
            for b in range(n_bases):
                j = base_cols[b]
                log_damage[r, j] = min(1.0, log_damage[r, j] + at_base[r, 3, b] * log_per_missile[r])
    return amph_kills


def _rep(x: float | np.ndarray, reps: int) -> np.ndarray:
    """A parameter (float or (R,)) as a contiguous (R,) array."""
    out = np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (reps,)))
    return out if out.flags.writeable else out.copy()


def _rk(x: float | np.ndarray, reps: int, width: int) -> np.ndarray:
    """A per-group attribute (float, (K,) or (R, K)) as a contiguous (R, K) array."""
    out = np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (reps, width)))
    return out if out.flags.writeable else out.copy()


def _cached(st: Block, key: tuple[object, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
    """A kernel argument that is a per-block invariant (parameters, attributes, effectiveness: drawn per block),
    made once per block (``Block.inv`` is emptied when the block is compacted)."""
    out: np.ndarray | None = st.inv.get(key)
    if out is None:
        out = st.inv[key] = make()
    return out


def _param(st: Block, name: str) -> np.ndarray:
    """An engine parameter as a contiguous (R,) array (per block)."""
    return _cached(st, ("kernel_param", name), lambda: _rep(st.P[name], st.stock.shape[0]))


def _base_index(onehot: np.ndarray) -> np.ndarray:
    """The column of the 1 in each row of a group-to-base map (-1 for a row of zeros)."""
    assert np.all(onehot.sum(axis=1) <= 1), "a group is at one base"
    return np.where(onehot.any(axis=1), np.argmax(onehot, axis=1), -1).astype(np.int64)


def _constants(st: Block, sf: SideFires) -> dict[str, np.ndarray]:
    """Per-block index arrays and maps of one side's fire, contiguous for the kernel (kept on ``sf``)."""
    cached: dict[str, np.ndarray] | None = getattr(sf, "_kernel_constants", None)
    if cached is not None:
        return cached
    out = {}
    for d in ("air", "isr", "missile", "air_defence", "surface", "amphibious"):
        out[f"v_{d}"] = np.ascontiguousarray(sf.vcols[d], dtype=np.int64)
        out[f"vbase_{d}"] = _base_index(sf.vbase[d])
    for d in ("air", "isr"):
        out[f"lb_{d}"] = np.ascontiguousarray(st.land_based[d][sf.vcols[d]], dtype=np.float64)
    out["where_ad"] = _base_index(sf.base_of["air_defence"])
    out["mine_ad"] = np.ascontiguousarray(sf.mine["air_defence"], dtype=np.float64)
    out["reach"] = np.ascontiguousarray(sf.reach, dtype=np.float64)
    out["shelters"] = np.ascontiguousarray(sf.shelters, dtype=np.float64)
    out["is_port"] = np.ascontiguousarray(sf.is_port, dtype=np.float64)
    out["cols"] = np.ascontiguousarray(sf.cols, dtype=np.int64)
    object.__setattr__(sf, "_kernel_constants", out)
    return out


def usable(st: Block, sf: SideFires) -> bool:
    """Whether the kernel handles this side's salvo: its interceptor pairs all have a group and a pool."""
    return bool(st.side_maps[("air_defence", "air_defence", sf.victim)].compiled)


def _resolve_constants(st: Block, sf: SideFires, dt_days: float) -> tuple[Any, ...]:
    """The per-block arguments of ``resolve`` for one side's salvo, in its order (drawn parameters and attributes,
    index maps): made once per block and side (``Block.inv`` is emptied when the block is compacted)."""
    reps = st.stock.shape[0]
    c = _constants(st, sf)
    fm = st.side_maps[("air_defence", "air_defence", sf.victim)]
    width_ad = st.n["air_defence"].shape[1]
    h2k = {d: _rk(cols_of(st.A[d].get("hits_to_kill", 1.0), sf.vcols[d]), reps, len(sf.vcols[d])) for d in SHIPS}
    return (
        c["reach"],
        _rk(st.eff_of("aircraft_on_ground", sf.pool), reps, len(sf.pool)),
        _param(st, "missile_reliability"),
        _param(st, "salvo_exchanges_per_day") * dt_days,
        _param(st, "interceptor_kill_probability"),
        _rk(st.A["air_defence"].get("interceptors_per_salvo", 0.0), reps, width_ad),
        c["mine_ad"],
        c["where_ad"],
        fm.group_idx,
        fm.pool_idx,
        fm.pools.local,
        fm.pool_cols,
        fm.single,
        fm.armed.astype(np.float64),
        np.ascontiguousarray(fm.gmat, dtype=np.float64),
        c["shelters"],
        _param(st, "aircraft_killed_per_missile"),
        _param(st, "sheltered_kill_probability"),
        _param(st, "runway_cut_per_missile"),
        c["cols"],
        c["v_air"],
        c["vbase_air"],
        c["lb_air"],
        c["v_isr"],
        c["vbase_isr"],
        c["lb_isr"],
        _param(st, "mobile_launcher_kill_per_missile"),
        c["v_missile"],
        c["vbase_missile"],
        c["v_air_defence"],
        c["vbase_air_defence"],
        c["v_surface"],
        c["vbase_surface"],
        h2k["surface"],
        c["v_amphibious"],
        c["vbase_amphibious"],
        h2k["amphibious"],
        _param(st, "logistics_damage_per_missile"),
    )


def _vec(x: float | np.ndarray, reps: int) -> np.ndarray:
    """``_rep(x, reps)`` without a copy where ``x`` already is a contiguous (R,) float array (a per-step value)."""
    if isinstance(x, np.ndarray) and x.shape == (reps,) and x.dtype == np.float64 and x.flags.c_contiguous:
        return x
    return _rep(x, reps)


def strike_fixed(
    st: Block,
    sf: SideFires,
    rng: np.random.Generator,
    values: np.ndarray,
    by_kind: np.ndarray,
    pv: np.ndarray,
    parked: np.ndarray,
    dt_days: float,
) -> None:
    """The compiled twin of fires._strike_fixed up to its C2 part (the caller resolves fire on C2 nodes)."""
    reps = values.shape[0]
    key = ("kernel_resolve", sf.side)
    consts = st.inv.get(key)
    if consts is None:
        consts = st.inv[key] = _resolve_constants(st, sf, dt_days)
    n, lost, port = st.n, st.lost, st.in_port
    amph = resolve(
        rng,
        np.ascontiguousarray(values),
        np.ascontiguousarray(by_kind),
        np.ascontiguousarray(pv),
        np.ascontiguousarray(parked),
        n["air_defence"],
        lost["air_defence"],
        np.ascontiguousarray(st.act["air_defence"], dtype=np.float64),
        st.stock,
        st.expended,
        st.cut,
        n["air"],
        lost["air"],
        st.lost_on_ground,
        n["isr"],
        lost["isr"],
        np.ascontiguousarray(st.live[:, 0]),
        _vec(st.det[sf.side], reps),
        n["missile"],
        lost["missile"],
        n["surface"],
        lost["surface"],
        np.ascontiguousarray(port["surface"], dtype=np.float64),
        n["amphibious"],
        lost["amphibious"],
        np.ascontiguousarray(port["amphibious"], dtype=np.float64),
        st.log_damage,
        *consts,
    )
    if sf.victim == RED and amph.size and amph.any():  # troops aboard the landing ships sunk alongside
        full = np.zeros_like(st.n["amphibious"])
        full[:, sf.vcols["amphibious"]] = amph
        st.troops_lost_at_sea(full)
