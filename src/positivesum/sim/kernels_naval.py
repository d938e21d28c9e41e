"""Compiled kernels for the war at sea, whole phases: one side's anti-ship salvo against the other's ships at sea
(naval.ship_strikes) and the submarine patrols of both sides (naval.submarines).

As kernels_fixed.py: the kernel draws from the block's ``numpy.random.Generator`` in the order of the NumPy
path (for a salvo: the Poisson would-be hits per replication, then the intercept binomials, then the losses of
surface ships and of landing ships, each in C order, only where NumPy draws), so both paths consume the same
stream. Row sums are taken as NumPy takes them (BLAS on the same memory layout: ``_rowsum``, ``_rowsum_f``):
a sum that is an integer in exact arithmetic (the interceptors fired, floored) must round alike, or the draws
that follow would differ. With the same BLAS both paths give the same numbers bit for bit.

The salvo kernel makes the sources' demands itself (naval._sources and Block.launch_demand: the same products
in the same order, summed by the same BLAS call), from per-block arguments made once (``_invariants``): at 200
replications the Python around the kernel cost as much as the kernel.

Equations: those of naval.py (Hughes' salvo rule with scouting and reliability; restraint to the fire that
would disable every exposed target after saturating the defences; the CSIS submarine rule of thumb scaled by
the density of targets at sea).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .kernels import _fire, _jit, stochastic_round
from .kernels_fixed import _param, _rep, _rk
from .sea_kernels import losses
from .setup import RED
from .state import cols_of
from .uncertainty import col

if TYPE_CHECKING:
    from .mechanics import FireMap
    from .state import Block

#: A FireMap's arrays: group and pool per pair, local pool, pool columns, single, armed groups, one-hot map.
AirDefence = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool, np.ndarray, np.ndarray]
#: The sources of anti-ship fire, in the order the NumPy path fires them (stocks are shared: order matters).
SOURCES = ("air", "surface", "subsurface", "missile")


@_jit
def _rowsum(x: np.ndarray) -> np.ndarray:
    """Row sums as mechanics.rowsum takes them: a product with ones (BLAS, as NumPy's; the same additions in the
    same order, so that a sum that is an integer in exact arithmetic floors alike on both paths). A view that is
    not contiguous is copied by a loop (Numba's ``ascontiguousarray`` of a strided view is slow)."""
    reps, width = x.shape
    if width == 0:
        return np.zeros(reps)
    c = np.empty((reps, width))
    for r in range(reps):
        for k in range(width):
            c[r, k] = x[r, k]
    out: np.ndarray = np.dot(c, np.ones(width))
    return out


@_jit
def _rowsum_c(x: np.ndarray) -> np.ndarray:
    """``_rowsum`` of a fresh C-contiguous array (no copy needed)."""
    if x.shape[1] == 0:
        return np.zeros(x.shape[0])
    out: np.ndarray = np.dot(x, np.ones(x.shape[1]))
    return out


@_jit
def _rowsum_f(x: np.ndarray) -> np.ndarray:
    """Row sums of what NumPy holds in Fortran order: the columns of some groups, ``n[:, v]`` (fancy indexing), and
    what is computed from them elementwise. NumPy's product with ones then calls BLAS on the Fortran layout (a
    different kernel, summing columns in another grouping), so the kernel does the same. The Fortran copy is made
    by a loop (the same values in the same layout: the same BLAS call; Numba's ``asfortranarray`` is slow)."""
    reps, width = x.shape
    if width == 0:
        return np.zeros(reps)
    f = np.empty((width, reps)).T
    for k in range(width):
        for r in range(reps):
            f[r, k] = x[r, k]
    out: np.ndarray = np.dot(f, np.ones(width))
    return out


@_jit
def _rowsum_cols_f(x: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``_rowsum_f(x[:, cols])`` without the fancy-indexed intermediate copy."""
    reps = x.shape[0]
    width = cols.size
    if width == 0:
        return np.zeros(reps)
    f = np.empty((width, reps)).T
    for k in range(width):
        j = cols[k]
        for r in range(reps):
            f[r, k] = x[r, j]
    out: np.ndarray = np.dot(f, np.ones(width))
    return out


@_jit
def _intercepts(
    want: np.ndarray,
    n_groups: int,
    v: np.ndarray,
    fm_group: np.ndarray,
    fm_pool: np.ndarray,
    fm_local: np.ndarray,
    fm_cols: np.ndarray,
    fm_single: bool,
    fm_armed: np.ndarray,
    fm_gmat: np.ndarray,
    stock: np.ndarray,
    expended: np.ndarray,
    gate: np.ndarray,
) -> np.ndarray:
    """Row sums of Block.intercept for interceptors wanted by the groups ``v`` of a domain (R, |v|); the rows
    ``gate`` leaves out want none (see ``salvo``)."""
    reps = want.shape[0]
    full = np.zeros((reps, n_groups))
    for r in range(reps):
        if not gate[r]:
            continue
        for c in range(v.size):
            full[r, v[c]] = want[r, c]
    per_group = np.zeros((reps, n_groups))
    if fm_group.size:
        armed = np.zeros((reps, n_groups))
        for r in range(reps):
            if not gate[r]:
                continue
            for g in range(n_groups):
                armed[r, g] = full[r, g] * fm_armed[g]
        no_mask = np.zeros((1, 1))
        fired = _fire(
            armed, stock, expended, fm_group, fm_pool, fm_local, fm_cols, n_groups, fm_single, 0, no_mask, gate
        )
        per_group = np.dot(fired, fm_gmat)  # FireMap.to_groups: a product with the one-hot map (BLAS, as NumPy)
    for r in range(reps):
        if not gate[r]:
            continue
        for g in range(n_groups):
            per_group[r, g] = per_group[r, g] + full[r, g] * (1.0 - fm_armed[g])
    return _rowsum_c(per_group)


@_jit
def _launch(
    n: np.ndarray, rate: np.ndarray, act: np.ndarray, pl: np.ndarray, use_pl: bool, live: np.ndarray, gate: np.ndarray
) -> np.ndarray:
    """Block.launch_demand of one launching domain: ``n * rate * act (* port logistics) * live``, the products in
    that order (kernels._launch_demand), in the replications ``gate`` marks; zero in the others (see ``salvo``)."""
    reps, width = n.shape
    out = np.zeros((reps, width))
    for r in range(reps):
        if not gate[r]:
            continue
        lv = live[r]
        for k in range(width):
            x = n[r, k] * rate[r, k]
            x = x * act[r, k]
            if use_pl:
                x = x * pl[r, k]
            out[r, k] = x * lv
    return out


@_jit
def _air_demand(strike: np.ndarray, wps: np.ndarray, armed: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """naval._sources' air demand ``strike * weapons_per_sortie * (side == shooter) * armed``: the two 0/1 masks are
    one (``armed``, their product; x·1·1 = x·1 and x·0·m = x·0, sign included). In the replications ``gate`` marks;
    zero in the others (see ``salvo``)."""
    reps, width = strike.shape
    out = np.zeros((reps, width))
    for r in range(reps):
        if not gate[r]:
            continue
        for k in range(width):
            out[r, k] = strike[r, k] * wps[r, k] * armed[k]
    return out


@_jit
def salvo(
    rng: Any,
    strike: np.ndarray,  # (R, Ka) strike sorties; with ``wps`` (R, Ka) and ``air_armed`` (Ka,): the air source
    wps: np.ndarray,
    air_armed: np.ndarray,
    launch_n: tuple[np.ndarray, np.ndarray, np.ndarray],  # the launching domains' units (surface, subsurface, missile)
    launch_rate: tuple[np.ndarray, np.ndarray, np.ndarray],  # their anti-ship rounds per unit and step (R, K)
    launch_act: tuple[np.ndarray, np.ndarray, np.ndarray],  # their activity (R, K)
    port_logistics: tuple[np.ndarray, np.ndarray],  # the ships' ports' logistics (surface, subsurface)
    pair_off: np.ndarray,  # (S + 1,) offsets of each source's pairs in the pair arrays
    g_idx: np.ndarray,  # pair arrays of every source's FireMap, concatenated (indices local to the source)
    p_idx: np.ndarray,
    local: np.ndarray,
    pcols: np.ndarray,  # pool columns of each source, concatenated
    pcol_off: np.ndarray,  # (S + 1,)
    single: np.ndarray,  # (S,) bool
    has_mask: np.ndarray,  # (S,) bool
    mask: np.ndarray,  # (1, sum J) pair mask (ones where a source has none)
    eff: np.ndarray,  # (R, sum J) effectiveness against ships
    gate: np.ndarray,  # (R,) bool: war at sea and undecided
    quality: np.ndarray,  # (R,) detection × track
    rel: np.ndarray,  # (R,)
    overkill: np.ndarray,  # (R,)
    mean_eff: float,
    raids: np.ndarray,  # (R,)
    pk: np.ndarray,  # (R,) interceptor kill probability
    live: np.ndarray,  # (R,)
    prio_amp: np.ndarray,  # (R,) target priority of landing ships
    n_sur: np.ndarray,
    lost_sur: np.ndarray,
    sea_sur: np.ndarray,
    v_sur: np.ndarray,
    h2k_sur: np.ndarray,  # (R, |v_sur|)
    ips_sur: np.ndarray,  # (R, |v_sur|)
    n_amp: np.ndarray,
    lost_amp: np.ndarray,
    sea_amp: np.ndarray,
    v_amp: np.ndarray,
    h2k_amp: np.ndarray,
    ips_amp: np.ndarray,
    ad_sur: AirDefence,  # the victim's interceptor pairs on surface ships (a FireMap's arrays)
    ad_amp: AirDefence,
    stock: np.ndarray,
    expended: np.ndarray,
) -> np.ndarray:
    """naval.ship_strikes for one shooter, the sources' demands included (naval._sources, Block.launch_demand);
    state updated in place. Returns the landing ships sunk (R, |v_amp|)."""
    reps = strike.shape[0]
    # Only the replications at war at sea (``gate``) can fire: in every other one the restraint below is 0, so its
    # demands, weights and hits only ever multiply into zeros, no draw is made for it (a Poisson mean of 0, no
    # interceptor shots, a loss of 0) and its state is left as it was. Their element-wise work is skipped (zeros
    # stand in for it), which in a blockade, where most replications are not at war on most days, is most of the
    # salvo. Sums stay full-width BLAS calls over the same memory, so the numbers are those of the full pass.
    dn, dr, da = launch_n, launch_rate, launch_act
    demands = [
        _air_demand(strike, wps, air_armed, gate),
        _launch(dn[0], dr[0], da[0], port_logistics[0], True, live, gate),
        _launch(dn[1], dr[1], da[1], port_logistics[1], True, live, gate),
        _launch(dn[2], dr[2], da[2], dn[2], False, live, gate),
    ]
    # the rounds they want: their row sums (BLAS, each on its own array) added from zero in source order (NumPy's)
    wanted = np.zeros(reps)
    for dm in demands:
        wanted = wanted + _rowsum_c(dm)
    ws, wa = v_sur.size, v_amp.size
    w_sur = np.zeros((reps, ws))
    w_amp = np.zeros((reps, wa))
    cap_sur = np.zeros((reps, ws))
    cap_amp = np.zeros((reps, wa))
    restraint = np.zeros(reps)
    need_sur = np.zeros((reps, ws))
    need_amp = np.zeros((reps, wa))
    for r in range(reps):
        if not gate[r]:
            continue
        for c in range(ws):
            exposed = n_sur[r, v_sur[c]] * sea_sur[r, v_sur[c]]
            w_sur[r, c] = exposed * h2k_sur[r, c] * 1.0
            need_sur[r, c] = exposed * h2k_sur[r, c]
            cap_sur[r, c] = exposed * ips_sur[r, c] * raids[r]
        for c in range(wa):
            exposed = n_amp[r, v_amp[c]] * sea_amp[r, v_amp[c]]
            w_amp[r, c] = exposed * h2k_amp[r, c] * prio_amp[r]
            need_amp[r, c] = exposed * h2k_amp[r, c]
            cap_amp[r, c] = exposed * ips_amp[r, c] * raids[r]
    # the sums of the NumPy path, in its order: Python's sum() from 0, each term a row sum (of columns ``n[:, v]``)
    total_w = (0.0 + _rowsum_f(w_sur)) + _rowsum_f(w_amp)
    hits_needed = (0.0 + _rowsum_f(need_sur)) + _rowsum_f(need_amp)
    cap_total = _rowsum_f(cap_sur) + _rowsum_f(cap_amp)
    for r in range(reps):
        present = total_w[r] > 0 and gate[r]
        useful = (hits_needed[r] * overkill[r] + cap_total[r]) / max(mean_eff * quality[r] * rel[r], 1e-9)
        scale = useful / max(wanted[r], 1e-12) if wanted[r] > useful else 1.0
        restraint[r] = scale * (1.0 if present else 0.0) * live[r]
    # fire, source by source (shared stocks), and the hits they would score
    expected_hits = np.zeros(reps)
    for s in range(single.size):
        j0, j1 = pair_off[s], pair_off[s + 1]
        if j1 == j0:
            continue
        dm = demands[s]
        width = dm.shape[1]
        for r in range(reps):
            if not gate[r]:
                continue
            for k in range(width):
                dm[r, k] = dm[r, k] * restraint[r]
        m = np.ascontiguousarray(mask[:, j0:j1])
        fired = _fire(
            dm,
            stock,
            expended,
            g_idx[j0:j1],
            p_idx[j0:j1],
            local[j0:j1],
            pcols[pcol_off[s] : pcol_off[s + 1]],
            width,
            single[s],
            1 if has_mask[s] else 0,
            m,
            gate,
        )
        hits_by_pair = np.zeros((reps, j1 - j0))
        for r in range(reps):
            if not gate[r]:
                continue
            for j in range(j1 - j0):
                hits_by_pair[r, j] = fired[r, j] * eff[r, j0 + j]
        expected_hits = expected_hits + _rowsum_c(hits_by_pair)
    would_hit = np.zeros(reps)
    for r in range(reps):
        would_hit[r] = float(rng.poisson(expected_hits[r] * quality[r] * rel[r]))
    # the fleets' air defences engage, in proportion to their capacity
    engaged = np.minimum(would_hit, cap_total)
    shots = np.zeros(reps)
    for d in range(2):
        cap, v, n, ad = (cap_sur, v_sur, n_sur, ad_sur) if d == 0 else (cap_amp, v_amp, n_amp, ad_amp)
        if not v.size:
            continue
        want = np.zeros((reps, v.size))
        denoms = _rowsum_f(cap)
        for r in range(reps):
            if not gate[r]:
                continue
            denom = denoms[r]
            if denom > 0:
                for c in range(v.size):
                    want[r, c] = engaged[r] * cap[r, c] / denom
        shots += _intercepts(
            want, n.shape[1], v, ad[0], ad[1], ad[2], ad[3], ad[4], ad[5], ad[6], stock, expended, gate
        )
    share = np.zeros(reps)
    for r in range(reps):
        n_shots = np.int64(min(would_hit[r], np.floor(shots[r])))
        killed = float(rng.binomial(n_shots, pk[r])) if n_shots != 0 else 0.0
        hits = would_hit[r] - killed
        share[r] = hits / total_w[r] if total_w[r] > 0 else 0.0
    # hits over staying power, rounded, at most the ships there; none in frozen replications
    amph_kills = np.zeros((reps, wa))
    for d in range(2):
        w, v, n, lost, h2k = (
            (w_sur, v_sur, n_sur, lost_sur, h2k_sur) if d == 0 else (w_amp, v_amp, n_amp, lost_amp, h2k_amp)
        )
        for r in range(reps):
            for c in range(v.size):
                x = w[r, c] * share[r] / h2k[r, c]
                j = v[c]
                cur = n[r, j]
                if x == 0.0 and cur >= 0.0:
                    continue
                loss = min(cur, stochastic_round(x, rng)) * live[r]
                n[r, j] = cur - loss
                lost[r, j] += loss
                if d == 1:
                    amph_kills[r, c] = loss
    return amph_kills


@_jit
def patrols(
    rng: Any,
    n_sub: np.ndarray,
    lost_sub: np.ndarray,
    act_sub: np.ndarray,
    kills_per_day: np.ndarray,  # (R, Ksub)
    loss_rate: np.ndarray,  # (R, Ksub)
    sub_cols: tuple[np.ndarray, np.ndarray],  # each side's boats (blue, red)
    n_sur: np.ndarray,
    lost_sur: np.ndarray,
    sea_sur: np.ndarray,
    sur_cols: tuple[np.ndarray, np.ndarray],
    n_amp: np.ndarray,
    lost_amp: np.ndarray,
    sea_amp: np.ndarray,
    amp_cols: tuple[np.ndarray, np.ndarray],
    prio: np.ndarray,  # (R,) target priority of landing ships
    reference: np.ndarray,  # (R,) reference targets at sea
    gate: np.ndarray,  # (R,) bool
    live: np.ndarray,  # (R,)
    dt: float,
) -> np.ndarray:
    """naval.submarines, both ways; state updated in place. Returns red's landing ships sunk (R, |amp_cols[1]|)."""
    reps = n_sub.shape[0]
    ones = np.ones(reps)
    red_amph = np.zeros((reps, amp_cols[1].size))
    for shooter in range(2):
        victim = 1 - shooter
        bc = sub_cols[shooter]
        if not bc.size:
            continue
        vs, va = sur_cols[victim], amp_cols[victim]
        # outside ``gate`` (not at war at sea) a replication's encounter rate and its boats' exposure are
        # multiplied by 0: it sinks nothing, loses nothing and draws nothing, so its boats and targets are not
        # counted (zeros stand in; the sums stay full-width BLAS calls, as in ``salvo``)
        boats = np.zeros((reps, bc.size))
        product = np.zeros((reps, bc.size))
        for r in range(reps):
            if not gate[r]:
                continue
            for c in range(bc.size):
                boats[r, c] = n_sub[r, bc[c]] * act_sub[r, bc[c]]
                product[r, c] = boats[r, c] * kills_per_day[r, bc[c]]
        w_sur = np.zeros((reps, vs.size))
        w_amp = np.zeros((reps, va.size))
        for r in range(reps):
            if not gate[r]:
                continue
            for c in range(vs.size):
                w_sur[r, c] = n_sur[r, vs[c]] * sea_sur[r, vs[c]] * 1.0
            for c in range(va.size):
                w_amp[r, c] = n_amp[r, va[c]] * sea_amp[r, va[c]] * prio[r]
        total_w = (0.0 + _rowsum_f(w_sur)) + _rowsum_f(w_amp)
        rate = _rowsum_f(product) * dt
        # random search: encounters in proportion to the density of (amphibious-equivalent) targets at sea
        sunk = np.zeros(reps)
        any_sunk = False
        for r in range(reps):
            density = (total_w[r] / max(prio[r], 1e-9)) / max(reference[r], 1e-9)
            if density > 1.0:
                density = 1.0
            lam = rate[r] * density * (1.0 if gate[r] else 0.0)
            sunk[r] = float(rng.poisson(lam)) * live[r]
            any_sunk = any_sunk or sunk[r] != 0
        if any_sunk:
            for d in range(2):
                v, w, n, lost = (vs, w_sur, n_sur, lost_sur) if d == 0 else (va, w_amp, n_amp, lost_amp)
                if not v.size:
                    continue
                denom = _rowsum_f(w)
                expected = np.zeros((reps, v.size))
                for r in range(reps):
                    if denom[r] > 0.0:
                        for c in range(v.size):
                            expected[r, c] = sunk[r] * w[r, c] / denom[r]
                kills = losses(n, lost, v, expected, ones, rng)
                if d == 1 and victim == 1:
                    red_amph += kills
        # boats lost to anti-submarine warfare while enemy ships are at sea
        expected_sub = np.empty((reps, bc.size))
        for r in range(reps):
            flag = 1.0 if total_w[r] > 0 and gate[r] else 0.0
            for c in range(bc.size):
                expected_sub[r, c] = boats[r, c] * loss_rate[r, bc[c]] * dt * flag
        losses(n_sub, lost_sub, bc, expected_sub, live, rng)
    return red_amph


def _air_defence(fm: FireMap) -> AirDefence:
    gmat = np.ascontiguousarray(fm.gmat, dtype=np.float64)
    return (fm.group_idx, fm.pool_idx, fm.pools.local, fm.pool_cols, fm.single, fm.armed.astype(np.float64), gmat)


def _packed(st: Block, shooter: int) -> dict[str, Any] | None:
    """The shooter's anti-ship pairs of every source side by side (per setup; None if the kernel cannot take them)."""
    store: dict[int, dict[str, Any] | None] = st.static.__dict__.setdefault("_ship_kernel", {})
    if shooter in store:
        return store[shooter]
    maps = [st.side_maps[(d, "anti_ship", shooter)] for d in SOURCES]
    victim = RED if shooter == 0 else 0
    ads = [st.side_maps[(d, "air_defence", victim)] for d in ("surface", "amphibious")]
    if not all(fm.compiled for fm in maps + ads):
        store[shooter] = None
        return None
    reach = st.static.anti_ship_reach_by_side[shooter]
    if len(reach) != len(maps[-1]):  # the missile pairs' mask is theirs (one entry per pair)
        store[shooter] = None
        return None
    out: dict[str, Any] = {
        "pair_off": np.cumsum([0] + [len(fm) for fm in maps]).astype(np.int64),
        "g_idx": np.concatenate([fm.group_idx for fm in maps]).astype(np.int64),
        "p_idx": np.concatenate([fm.pool_idx for fm in maps]).astype(np.int64),
        "local": np.concatenate([fm.pools.local for fm in maps]).astype(np.int64),
        "pcols": np.concatenate([fm.pool_cols for fm in maps]).astype(np.int64),
        "pcol_off": np.cumsum([0] + [len(fm.pool_cols) for fm in maps]).astype(np.int64),
        "single": np.array([fm.single for fm in maps], dtype=np.bool_),
        "has_mask": np.array([d == "missile" for d in SOURCES], dtype=np.bool_),
        "mask": np.concatenate(
            [
                np.asarray(reach, dtype=np.float64) if d == "missile" else np.ones(len(fm))
                for d, fm in zip(SOURCES, maps)
            ]
        ).reshape(1, -1),
        "pool_all": np.concatenate([fm.pool_idx for fm in maps]).astype(np.int64),
        "ad": [_air_defence(fm) for fm in ads],
    }
    store[shooter] = out
    return out


def _launch_rate(st: Block, domain: str, shooter: int) -> np.ndarray:
    """Anti-ship rounds per launcher and step (R, K), as Block._launch_demand makes its rate (zero without cells)."""
    s = st.s
    g = s.groups[domain]
    cells = st.A[domain].get("launch_cells")
    reps = st.stock.shape[0]
    if cells is None or len(g) == 0:  # no rounds: n · 0 · act · logistics · live is 0, as the zeros of the NumPy path
        return np.zeros((reps, len(g)))
    armed = st.static.armed[domain]["anti_ship"] & (g.side == shooter)
    if domain == "missile":
        per_day = col(st.P["launcher_salvos_per_day"])
    else:
        cycle_days = col(st.P["naval_rearm_days"]) + g.rearm_transit_days
        per_day = 1.0 / np.maximum(cycle_days, 1e-9)
    rate = cells * s.role_share[domain]["anti_ship"] * per_day * s.dt_days * armed
    return np.broadcast_to(rate, (reps, len(g))).copy()


def _invariants(st: Block, shooter: int, pk: dict[str, Any], dt_days: float) -> tuple[Any, ...]:
    """The salvo kernel's per-block arguments of one shooter (parameters and attributes are drawn per block;
    ``Block.inv`` is emptied when the block is compacted), made once."""
    key = ("sea_salvo", shooter)
    got: tuple[Any, ...] | None = st.inv.get(key)
    if got is not None:
        return got
    reps = st.stock.shape[0]
    victim = RED if shooter == 0 else 0
    air = st.s.groups["air"]

    def per_group(d: str, name: str, default: float) -> np.ndarray:
        v = st.static.side_cols[d][victim]
        return _rk(cols_of(st.A[d].get(name, default), v), reps, len(v))

    got = st.inv[key] = (
        _rk(st.A["air"].get("weapons_per_sortie", 0.0), reps, len(air)),
        ((air.side == shooter) * st.static.armed["air"]["anti_ship"]).astype(np.float64),
        tuple(_launch_rate(st, d, shooter) for d in SOURCES[1:]),
        _rk(st.eff_of("ship", pk["pool_all"]), reps, len(pk["pool_all"])),
        _param(st, "missile_reliability"),
        _param(st, "anti_ship_overkill"),
        _param(st, "salvo_exchanges_per_day") * dt_days,
        _param(st, "interceptor_kill_probability"),
        _param(st, "amphibious_target_priority"),
        per_group("surface", "hits_to_kill", 1.0),
        per_group("surface", "interceptors_per_salvo", 0.0),
        per_group("amphibious", "hits_to_kill", 1.0),
        per_group("amphibious", "interceptors_per_salvo", 0.0),
    )
    return got


def ship_strikes(
    st: Block, rng: np.random.Generator, shooter: int, strike: np.ndarray, gate: np.ndarray, dt_days: float
) -> bool:
    """The compiled twin of naval.ship_strikes, the sources' demands included (naval._sources); False if the
    kernel cannot take this side's pairs (the caller then takes the NumPy path)."""
    pk = _packed(st, shooter)
    if pk is None:
        return False
    wps, air_armed, rates, eff, rel, overkill, raids, kill_p, prio, h2k_sur, ips_sur, h2k_amp, ips_amp = _invariants(
        st, shooter, pk, dt_days
    )
    victim = RED if shooter == 0 else 0
    side_cols = st.static.side_cols
    v_sur, v_amp = side_cols["surface"][victim], side_cols["amphibious"][victim]
    n, act, sea = st.n, st.act, st.sea
    quality = st.det[shooter] * st.track[shooter]
    if quality.shape != gate.shape:  # a detection or a track not drawn per replication
        quality = _rep(quality, gate.shape[0])
    amph = salvo(
        rng,
        np.ascontiguousarray(strike, dtype=np.float64),
        wps,
        air_armed,
        (n["surface"], n["subsurface"], n["missile"]),
        rates,
        (act["surface"], act["subsurface"], act["missile"]),
        (st.port_logistics["surface"], st.port_logistics["subsurface"]),
        pk["pair_off"],
        pk["g_idx"],
        pk["p_idx"],
        pk["local"],
        pk["pcols"],
        pk["pcol_off"],
        pk["single"],
        pk["has_mask"],
        pk["mask"],
        eff,
        gate,
        quality,
        rel,
        overkill,
        float(st.static.mean_ship_eff),
        raids,
        kill_p,
        np.ascontiguousarray(st.live[:, 0]),
        prio,
        n["surface"],
        st.lost["surface"],
        sea["surface"],
        v_sur,
        h2k_sur,
        ips_sur,
        n["amphibious"],
        st.lost["amphibious"],
        sea["amphibious"],
        v_amp,
        h2k_amp,
        ips_amp,
        pk["ad"][0],
        pk["ad"][1],
        st.stock,
        st.expended,
    )
    if victim == RED and amph.size and amph.any():  # troops aboard the landing ships sunk
        full = np.zeros_like(n["amphibious"])
        full[:, v_amp] = amph
        st.troops_lost_at_sea(full)
    return True


def submarines(st: Block, rng: np.random.Generator, gate: np.ndarray, dt_days: float) -> None:
    """The compiled twin of naval.submarines."""
    sc = st.static.side_cols
    inv = st.inv.get("sea_patrols")
    if inv is None:  # the per-block arguments (parameters and attributes are drawn per block), made once
        reps, k_sub = st.stock.shape[0], st.n["subsurface"].shape[1]
        sub = st.A["subsurface"]
        inv = st.inv["sea_patrols"] = (
            _rk(sub.get("ship_kills_per_day", 0.0), reps, k_sub),
            _rk(sub.get("loss_rate_per_day", 0.0), reps, k_sub),
            _param(st, "amphibious_target_priority"),
            _param(st, "submarine_reference_targets_at_sea"),
            tuple((sc[d][0], sc[d][1]) for d in ("subsurface", "surface", "amphibious")),
        )
    kills, losses, prio, reference, (sub_cols, sur_cols, amp_cols) = inv
    amph = patrols(
        rng,
        st.n["subsurface"],
        st.lost["subsurface"],
        st.act["subsurface"],
        kills,
        losses,
        sub_cols,
        st.n["surface"],
        st.lost["surface"],
        st.sea["surface"],
        sur_cols,
        st.n["amphibious"],
        st.lost["amphibious"],
        st.sea["amphibious"],
        amp_cols,
        prio,
        reference,
        gate,
        np.ascontiguousarray(st.live[:, 0]),
        float(dt_days),
    )
    if amph.size and amph.any():  # troops aboard the landing ships sunk
        full = np.zeros_like(st.n["amphibious"])
        full[:, sc["amphibious"][RED]] = amph
        st.troops_lost_at_sea(full)
