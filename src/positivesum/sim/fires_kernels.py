"""Compiled allocation of a side's land-attack salvo (fires.fixed_target_strikes), and the per-block plans it uses.

The NumPy path of fires.py makes some thirty array operations per side and step to weigh the kinds of target
in reach, cap the salvo, fire it pair by pair and split what was fired over the kinds: at 200 replications that
is the fixed cost of the calls, not arithmetic. The kernels here do the same element-wise arithmetic in one call
each, in the same order (the same numbers, bit for bit). The row sums (BLAS, in its own order) stay NumPy calls
in the caller, and so do the products with the reach maps, except ``values @ reach.T`` where NumPy's order is
known to be the base order (``emulates_reach_product``; tested against NumPy).

The fire itself is :func:`kernels._fire`, the compiled twin of ``FireMap.fire``, called map by map as the NumPy
path calls it (the maps share munition stocks: the order matters), with the same mask and only where the demand
is not all zero (``FireMap.fire`` skips the rest). ``values_at_bases`` is the compiled twin of
fires._values_at_bases: what the target bases hold, each sum over groups in group order. No kernel here draws
random numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import kernels
from .kernels import _fire, _jit
from .kernels_fixed import _constants, _rep, _rk

if TYPE_CHECKING:
    from .fires import SideFires
    from .state import Block

KINDS = ("air_bases", "launchers", "ships_in_port", "logistics", "c2", "ground_forces")  # fires.KINDS
N_KINDS = len(KINDS)
NO_PRODUCT = np.zeros((0, 4, 0))  # ``at_bases`` where the kernel sums the product itself


@_jit
def _scale(wanted: np.ndarray, cap0: np.ndarray, c2_share: np.ndarray) -> np.ndarray:
    """``np.where(wanted > cap, cap / np.maximum(wanted, 1e-12), 1.0)`` with ``cap = cap0 * c2_share`` (R,)."""
    reps = wanted.size
    out = np.empty(reps)
    for r in range(reps):
        cap = cap0[r] * c2_share[r]
        w = wanted[r]
        if w > cap:  # w is not NaN here: np.maximum(w, 1e-12) is the larger of the two
            out[r] = cap / (w if w > 1e-12 else 1e-12)
        else:
            out[r] = 1.0
    return out


@_jit
def _fire_maps(
    demand: np.ndarray,  # (R, sum K) the maps' launch demands side by side
    scale: np.ndarray,  # (R,)
    usable: np.ndarray,  # (R, J) bool: the pair mask
    grp_off: np.ndarray,  # (M + 1,) column offsets of each map's groups in ``demand``
    pair_off: np.ndarray,  # (M + 1,) offsets of each map's pairs
    g_idx: np.ndarray,  # each map's FireMap arrays, concatenated (indices local to the map)
    p_idx: np.ndarray,
    local: np.ndarray,
    pcols: np.ndarray,
    pcol_off: np.ndarray,  # (M + 1,)
    single: np.ndarray,  # (M,) bool
    stock: np.ndarray,
    expended: np.ndarray,
) -> np.ndarray:
    """``fm.fire(dm * scale[:, None], stock, expended, pair_mask=usable[:, pairs of fm])`` map by map, side by side
    (R, J): a map whose scaled demand is all zero fires nothing and leaves the stocks alone (as FireMap.fire)."""
    reps, n_pairs = usable.shape
    fired = np.zeros((reps, n_pairs))
    for m in range(single.size):
        j0, j1 = pair_off[m], pair_off[m + 1]
        k0, k1 = grp_off[m], grp_off[m + 1]
        if j1 == j0:
            continue
        dm = np.empty((reps, k1 - k0))
        wants = False
        for r in range(reps):
            sc = scale[r]
            for k in range(k1 - k0):
                x = demand[r, k0 + k] * sc
                dm[r, k] = x
                if x != 0.0:  # NaN too, as ndarray.any()
                    wants = True
        if not wants:
            continue
        mask = np.empty((reps, j1 - j0))
        for r in range(reps):
            for j in range(j1 - j0):
                mask[r, j] = 1.0 if usable[r, j0 + j] else 0.0
        part = _fire(
            dm,
            stock,
            expended,
            g_idx[j0:j1],
            p_idx[j0:j1],
            local[j0:j1],
            pcols[pcol_off[m] : pcol_off[m + 1]],
            k1 - k0,
            single[m],
            2,
            mask,
        )
        for r in range(reps):
            for j in range(j1 - j0):
                fired[r, j0 + j] = part[r, j]
    return fired


@_jit
def allocate_fixed(
    demand: np.ndarray,
    wanted: np.ndarray,  # (R,) the maps' row sums added from zero (NumPy's, in the caller)
    cap0: np.ndarray,  # (R,) aimpoints per day x missiles per aimpoint x step length
    c2_share: np.ndarray,  # (R,)
    stock: np.ndarray,
    expended: np.ndarray,
    values: np.ndarray,  # (R, 4, B) worth of each kind at each target base
    reach: np.ndarray,  # (J, B) 1.0 where a pair reaches a base
    at_bases: np.ndarray,  # (R, 4, J) values @ reach.T where NumPy's product is not emulated (``emulate``)
    emulate: bool,  # whether ``values @ reach.T`` is summed here (``emulates_reach_product``)
    at_c2: np.ndarray,  # (R, J) c2_val @ c2_reach.T
    gate: np.ndarray,  # (R,) bool
    ground_val: np.ndarray,  # (R,) enemy ground forces in contact
    ground: np.ndarray,  # (J,) 1.0 where a pair reaches them
    weights: np.ndarray,  # (R, 6) the kinds' fire weights
    eff_ground: np.ndarray,  # (R, J) effectiveness against ground troops
    grp_off: np.ndarray,  # the maps packed (Plan.fire): as ``_fire_maps`` takes them
    pair_off: np.ndarray,
    g_idx: np.ndarray,
    p_idx: np.ndarray,
    local: np.ndarray,
    pcols: np.ndarray,
    pcol_off: np.ndarray,
    single: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool, bool]:
    """fires.fixed_target_strikes from its (R, 6, J) worth in reach to the fire on each kind:

        pv = concatenate([(values @ reach.T) * g, at_c2[:, None] * g, (ground_val[:, None] * ground)[:, None]], axis=1)
        w = weights[:, :, None] * (pv > 0); total_w = w.sum(axis=1); usable = total_w > 0
        fired = the maps' fire, capped (``_scale``) and masked by ``usable``
        by_kind = where(usable, w / total_w, 0) * fired[:, None]

    (the kinds summed in order, as NumPy's reduction over axis 1 adds them). Returns (status, by_kind, pv, the
    fire on ground forces times its effectiveness (R, J), the C2 fire per unit of worth (R, J), whether any fire
    went to a fixed target, whether any went to C2 nodes); status 0: no pair has a target, 1: nothing fired,
    2: fired (the arrays are meaningful only then)."""
    reps, n_pairs = at_c2.shape
    n_bases = reach.shape[1]
    pv = np.empty((reps, N_KINDS, n_pairs))
    total_w = np.empty((reps, n_pairs))
    usable = np.empty((reps, n_pairs), dtype=np.bool_)
    any_usable = False
    for r in range(reps):
        g = 1.0 if gate[r] else 0.0
        for j in range(n_pairs):
            for k in range(4):
                if emulate:  # the base's terms in base order from zero (exact products: reach is 0 or 1)
                    x = 0.0
                    for b in range(n_bases):
                        x += values[r, k, b] * reach[j, b]
                else:
                    x = at_bases[r, k, j]
                pv[r, k, j] = x * g
            pv[r, 4, j] = at_c2[r, j] * g
            pv[r, 5, j] = ground_val[r] * ground[j]
            acc = weights[r, 0] * (1.0 if pv[r, 0, j] > 0 else 0.0)
            for k in range(1, N_KINDS):
                acc += weights[r, k] * (1.0 if pv[r, k, j] > 0 else 0.0)
            total_w[r, j] = acc
            u = acc > 0
            usable[r, j] = u
            any_usable = any_usable or u
    none = np.empty((0, N_KINDS, 0))  # what is returned with a status below 2 (not to be used)
    none2 = np.empty((0, 0))
    if not any_usable:
        return 0, none, pv, none2, none2, False, False
    scale = _scale(wanted, cap0, c2_share)
    fired = _fire_maps(
        demand, scale, usable, grp_off, pair_off, g_idx, p_idx, local, pcols, pcol_off, single, stock, expended
    )
    any_fired = False
    for r in range(reps):
        for j in range(n_pairs):
            if fired[r, j] != 0.0:
                any_fired = True
    if not any_fired:
        return 1, none, pv, none2, none2, False, False
    by_kind = np.empty((reps, N_KINDS, n_pairs))
    gx = np.empty((reps, n_pairs))
    c2_per = np.empty((reps, n_pairs))
    any_fixed = False
    any_c2 = False
    for r in range(reps):
        for j in range(n_pairs):
            f = fired[r, j]
            u = usable[r, j]
            t = total_w[r, j]
            for k in range(N_KINDS):
                w = weights[r, k] * (1.0 if pv[r, k, j] > 0 else 0.0)
                x = (w / t if u else 0.0) * f
                by_kind[r, k, j] = x
                if k < 5 and x != 0.0:
                    any_fixed = True
            gx[r, j] = by_kind[r, 5, j] * eff_ground[r, j]
            c2 = by_kind[r, 4, j]
            if c2 != 0.0:
                any_c2 = True
            x4 = pv[r, 4, j]
            c2_per[r, j] = c2 / x4 if x4 > 0 else 0.0
    return 2, by_kind, pv, gx, c2_per, any_fixed, any_c2


@_jit
def allocate_ground(
    demand: np.ndarray,
    wanted: np.ndarray,
    cap0: np.ndarray,
    c2_share: np.ndarray,
    stock: np.ndarray,
    expended: np.ndarray,
    ground_val: np.ndarray,
    ground: np.ndarray,
    eff_ground: np.ndarray,
    grp_off: np.ndarray,  # the maps packed (Plan.fire): as ``_fire_maps`` takes them
    pair_off: np.ndarray,
    g_idx: np.ndarray,
    p_idx: np.ndarray,
    local: np.ndarray,
    pcols: np.ndarray,
    pcol_off: np.ndarray,
    single: np.ndarray,
) -> tuple[bool, np.ndarray]:
    """fires._ground_only up to its row sums: ``usable = ground_val[:, None] * ground > 0``; if any, the maps' fire
    (capped, masked by ``usable``) times its effectiveness (R, J), each map's columns to be row-summed by the
    caller. Returns (whether any pair was usable, that product)."""
    reps = ground_val.size
    n_pairs = ground.size
    usable = np.empty((reps, n_pairs), dtype=np.bool_)
    any_usable = False
    for r in range(reps):
        for j in range(n_pairs):
            u = ground_val[r] * ground[j] > 0
            usable[r, j] = u
            any_usable = any_usable or u
    if not any_usable:
        return False, np.zeros((reps, n_pairs))
    scale = _scale(wanted, cap0, c2_share)
    fired = _fire_maps(
        demand, scale, usable, grp_off, pair_off, g_idx, p_idx, local, pcols, pcol_off, single, stock, expended
    )
    gx = np.empty((reps, n_pairs))
    for r in range(reps):
        for j in range(n_pairs):
            gx[r, j] = fired[r, j] * eff_ground[r, j]
    return True, gx


@_jit
def c2_update(
    raw: np.ndarray,  # (R, A) the C2 fire per unit of worth summed over pairs (c2_per @ c2_reach, NumPy's)
    c2_val: np.ndarray,  # (R, A)
    rel: np.ndarray,  # (R,) missile reliability
    to_disable: np.ndarray,  # (R,) np.maximum(c2_node_hits_to_disable, 1e-9)
    nodes: np.ndarray,  # (A,)
    disabled: np.ndarray,  # (R, A)
) -> np.ndarray:
    """The C2 nodes disabled after the salvo (fires._strike_fixed): ``np.minimum(nodes, disabled + raw * c2_val *
    rel / to_disable)``, the products in that order; a fresh array."""
    reps, n_actors = raw.shape
    out = np.empty((reps, n_actors))
    for r in range(reps):
        for a in range(n_actors):
            hits = (raw[r, a] * c2_val[r, a]) * rel[r]
            out[r, a] = np.minimum(nodes[a], disabled[r, a] + hits / to_disable[r])
    return out


#: Up to this many target bases NumPy's ``values @ reach.T`` ((R, 4, B) by (B, J), J > 1: a BLAS product of a
#: (4, B) and a (B, J) matrix per replication) adds each base's terms in base order, starting from zero: the
#: products are exact (reach is 0 or 1), so a loop gives the same numbers. From 32 bases on OpenBLAS takes
#: another kernel (another order), and with one pair a matrix-vector product (another order): NumPy computes it.
#: tests/sim/test_fires_overhead.py checks the emulation against NumPy on random inputs.
MAX_EMULATED_BASES = 31


def emulates_reach_product(n_bases: int, n_pairs: int) -> bool:
    """Whether ``allocate_fixed`` sums ``values @ reach.T`` itself (else the caller passes NumPy's product)."""
    return n_pairs > 1 and n_bases <= MAX_EMULATED_BASES


class Plan:
    """Per block and side: the maps packed for the kernels (made once per SideFires) and the block's drawn constants
    (made again after compaction, with ``Block.inv``)."""

    __slots__ = (
        "fire",
        "widths",
        "victim_mask",
        "emulate",
        "reach",
        "eff_ground",
        "weights",
        "cap0",
        "rel",
        "to_disable",
    )
    fire: tuple[Any, ...]  # the maps' arrays for ``_fire_maps`` (offsets, pairs, pools, single), in its order
    widths: list[int]  # each map's pairs
    victim_mask: np.ndarray  # (A,) the victim's actors
    emulate: bool  # whether ``allocate_fixed`` sums ``values @ reach.T`` itself
    reach: np.ndarray  # (J, Bs)

    def __init__(self, st: Block, sf: SideFires) -> None:
        packed: tuple[Any, ...] | None = getattr(sf, "_fires_packed", None)
        if packed is None:
            packed = _packed(st, sf)
            object.__setattr__(sf, "_fires_packed", packed)
        self.fire, self.widths, self.victim_mask, self.emulate, self.reach = packed
        reps = st.stock.shape[0]
        p = st.P
        self.eff_ground = _rk(st.eff_of("ground_troops", sf.pool), reps, len(sf.pool))
        self.weights = np.ascontiguousarray(
            np.stack([np.broadcast_to(np.asarray(p[f"fire_weight_{k}"], dtype=float), (reps,)) for k in KINDS], axis=1)
        )
        # the targeting capacity before the C2 share, multiplied in the NumPy path's order
        self.cap0 = _rep(p["targeting_aimpoints_per_day"] * p["missiles_per_aimpoint"] * st.s.dt_days, reps)
        self.rel = _rep(p["missile_reliability"], reps)
        self.to_disable = _rep(np.maximum(p["c2_node_hits_to_disable"], 1e-9), reps)


def _packed(st: Block, sf: SideFires) -> tuple[Any, ...]:
    """What a side's plan takes from its SideFires (no draws): the maps' arrays side by side, each map's pairs, the
    victim's actors, whether the reach product is summed in the kernel, the reach map."""
    maps = [fm for _, fm in sf.maps]
    widths = [len(fm) for fm in maps]
    fire = (
        np.cumsum([0] + [fm.n_groups for fm in maps]).astype(np.int64),
        np.cumsum([0] + widths).astype(np.int64),
        np.concatenate([fm.group_idx for fm in maps]).astype(np.int64),
        np.concatenate([fm.pool_idx for fm in maps]).astype(np.int64),
        np.concatenate([fm.pools.local for fm in maps]).astype(np.int64),
        np.concatenate([fm.pool_cols for fm in maps]).astype(np.int64),
        np.cumsum([0] + [len(fm.pool_cols) for fm in maps]).astype(np.int64),
        np.array([fm.single for fm in maps], dtype=np.bool_),
    )
    emulate = emulates_reach_product(len(sf.cols), len(sf.pool))
    return fire, widths, st.s.actor_side == sf.victim, emulate, np.ascontiguousarray(sf.reach, dtype=np.float64)


def plan(st: Block, sf: SideFires) -> Plan | None:
    """The side's plan for this block, or None where the kernels do not apply (Numba off, a map with a pair
    lacking a group or pool, or a demand too small for the compiled fire: the NumPy path is taken)."""
    key = ("fires_plan", sf.side)
    out: Plan | None = st.inv.get(key)
    if out is None and key not in st.inv:
        reps = st.stock.shape[0]
        ok = kernels.ENABLED and kernels.PHASES and sf.shooting
        ok = ok and all(fm.compiled and len(fm) and reps * fm.n_groups >= kernels.MIN_SIZE for _, fm in sf.maps)
        out = st.inv[key] = Plan(st, sf) if ok else None
    return out


@_jit
def _sum_at_bases(
    acc: np.ndarray, r: int, n: np.ndarray, scale: np.ndarray, cols: np.ndarray, where: np.ndarray
) -> None:
    """acc[b] = sum of n[r, cols[c]] * scale[r, cols[c]] over the groups c at base b, in group order (as the NumPy
    path's product with the one-hot group-to-base map adds them); ``scale`` (1, K) is one row for every r."""
    acc[:] = 0.0
    row = r if scale.shape[0] > 1 else 0
    for c in range(cols.size):
        b = where[c]
        if b >= 0:
            acc[b] += n[r, cols[c]] * scale[row, cols[c]]


@_jit
def _values(
    n_air: np.ndarray,
    n_isr: np.ndarray,
    n_mis: np.ndarray,
    n_ad: np.ndarray,
    n_sur: np.ndarray,
    port_sur: np.ndarray,
    n_amp: np.ndarray,
    port_amp: np.ndarray,
    log_damage: np.ndarray,
    # per-SideFires constants (``_values_constants``)
    v_air: np.ndarray,
    vbase_air: np.ndarray,
    lb_air: np.ndarray,  # (1, Kair) 1 where land-based
    v_isr: np.ndarray,
    vbase_isr: np.ndarray,
    lb_isr: np.ndarray,
    v_mis: np.ndarray,
    vbase_mis: np.ndarray,
    v_ad: np.ndarray,
    vbase_ad: np.ndarray,
    v_sur: np.ndarray,
    vbase_sur: np.ndarray,
    v_amp: np.ndarray,
    vbase_amp: np.ndarray,
    shelters: np.ndarray,
    ratio: float,
    is_port: np.ndarray,
    cols: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """fires._values_at_bases: (R, 4, Bs) worth of parked aircraft, launchers, ships in port and logistics at each
    target base, and the parked aircraft (R, Bs); each sum over groups in group order, the kinds' sums added as
    the NumPy path adds them (from zero, in its order)."""
    reps = n_air.shape[0]
    n_bases = cols.size
    values = np.empty((reps, 4, n_bases))
    parked = np.empty((reps, n_bases))
    one = np.ones((1, max(n_mis.shape[1], n_ad.shape[1], 1)))
    a = np.zeros(n_bases)
    b2 = np.zeros(n_bases)
    for r in range(reps):
        for b in range(n_bases):
            parked[r, b] = 0.0
        if v_air.size:
            _sum_at_bases(a, r, n_air, lb_air, v_air, vbase_air)
            for b in range(n_bases):
                parked[r, b] += a[b]
        if v_isr.size:
            _sum_at_bases(a, r, n_isr, lb_isr, v_isr, vbase_isr)
            for b in range(n_bases):
                parked[r, b] += a[b]
        _sum_at_bases(a, r, n_mis, one, v_mis, vbase_mis)
        _sum_at_bases(b2, r, n_ad, one, v_ad, vbase_ad)
        for b in range(n_bases):
            p = parked[r, b]
            sheltered = min(p, shelters[b])
            values[r, 0, b] = (p - sheltered) + sheltered * ratio
            values[r, 1, b] = (0.0 + a[b]) + b2[b]
        _sum_at_bases(a, r, n_sur, port_sur, v_sur, vbase_sur)
        _sum_at_bases(b2, r, n_amp, port_amp, v_amp, vbase_amp)
        for b in range(n_bases):
            values[r, 2, b] = ((0.0 + a[b]) + b2[b]) * is_port[b]
            values[r, 3, b] = 1.0 - log_damage[r, cols[b]]
    return values, parked


def values_at_bases(st: Block, sf: SideFires, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """The compiled twin of fires._values_at_bases (the same sums in the same order: the same numbers)."""
    consts: tuple[Any, ...] | None = getattr(sf, "_values_constants", None)
    if consts is None or consts[15] != ratio:  # index maps of the SideFires (made once per block)
        c = _constants(st, sf)
        lb = _lb_rows(st)
        consts = (
            c["v_air"],
            c["vbase_air"],
            lb[0],
            c["v_isr"],
            c["vbase_isr"],
            lb[1],
            c["v_missile"],
            c["vbase_missile"],
            c["v_air_defence"],
            c["vbase_air_defence"],
            c["v_surface"],
            c["vbase_surface"],
            c["v_amphibious"],
            c["vbase_amphibious"],
            c["shelters"],
            float(ratio),
            c["is_port"],
            c["cols"],
        )
        object.__setattr__(sf, "_values_constants", consts)
    n, port = st.n, st.in_port
    return _values(
        n["air"],
        n["isr"],
        n["missile"],
        n["air_defence"],
        n["surface"],
        np.ascontiguousarray(port["surface"], dtype=np.float64),
        n["amphibious"],
        np.ascontiguousarray(port["amphibious"], dtype=np.float64),
        st.log_damage,
        *consts,
    )


def _lb_rows(st: Block) -> np.ndarray:
    """(2, 1, K) where each of air and ISR is land-based, as floats (one row for every replication)."""
    k = max(st.n["air"].shape[1], st.n["isr"].shape[1], 1)
    out = np.zeros((2, 1, k))
    for i, d in enumerate(("air", "isr")):
        out[i, 0, : st.n[d].shape[1]] = st.land_based[d]
    return out
