"""Compiled kernel for the blockade's convoy contest and shipping response (blockade.blockade_step), the part that
is a chain of operations on (R,) arrays: some thirty NumPy calls per step, each a pass over the replications.

The kernel does the same arithmetic, operation by operation in the NumPy path's order (products and sums as
written there, NumPy's ``maximum``/``minimum`` for its floors and clips), so both paths give the same numbers. It
draws nothing: the escalation draw stays in blockade.py, after it, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .kernels import _jit
from .kernels_fixed import _param
from .kernels_naval import _rowsum_c
from .setup import QUARANTINE

if TYPE_CHECKING:
    from .state import Block


@_jit
def _contest(
    on_station: np.ndarray,
    escorts: np.ndarray,
    rung: np.ndarray,
    ongoing: np.ndarray,
    escort_eff: np.ndarray,
    half_closure: np.ndarray,
    compliance: np.ndarray,
    deterrence: np.ndarray,
    recovery_days: np.ndarray,
    assessment_days: np.ndarray,
    smoothing_days: np.ndarray,
    dt: float,
    quarantine_rung: int,
    willingness: np.ndarray,
    throughput_prev: np.ndarray,
    throughput_sum: np.ndarray,
    ema: np.ndarray,
    g_throughput: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Returns (throughput this step, willingness, shown throughput, its running sum, its moving average, trend)."""
    reps = on_station.size
    thr = np.empty(reps)
    will = np.empty(reps)
    shown = np.empty(reps)
    total = np.empty(reps)
    ema_new = np.empty(reps)
    g_new = np.empty(reps)
    for r in range(reps):
        on = ongoing[r]
        live = 1.0 if on else 0.0
        opposed = escorts[r] * escort_eff[r]
        stopped = on_station[r] / np.maximum(on_station[r] + opposed + half_closure[r], 1e-9)
        quarantine = rung[r] == quarantine_rung
        risk = stopped * compliance[r] if quarantine else stopped
        w = willingness[r]
        change = -deterrence[r] * risk * w + (1 - w) * (1 - risk) / np.maximum(recovery_days[r], 1e-9)
        w = np.minimum(np.maximum(w + dt * change, 0.0), 1.0)
        will[r] = w
        x = (1 - stopped * compliance[r] if quarantine else 1 - stopped) * w
        x = np.minimum(np.maximum(x, 0.0), 1.0)
        thr[r] = x
        shown[r] = x if on else throughput_prev[r]
        total[r] = throughput_sum[r] + x * dt * live
        alpha = dt / np.maximum(assessment_days[r], dt)
        before = ema[r]
        e = before + alpha * (x - before) * live
        ema_new[r] = e
        smooth = dt / np.maximum(smoothing_days[r], dt)
        g = g_throughput[r]
        g_new[r] = g + smooth * ((e - before) / dt - g) * live
    return thr, will, shown, total, ema_new, g_new


@_jit
def _at_sea_rows(n: np.ndarray, act: np.ndarray, port: np.ndarray, side: np.ndarray) -> np.ndarray:
    """``rowsum(n * act * (1 - port) * side)`` (``side``: a 0/1 mask of the groups): the products in that order,
    the row sum as NumPy's (BLAS, kernels_naval._rowsum_c)."""
    reps, width = n.shape
    x = np.empty((reps, width))
    for r in range(reps):
        for k in range(width):
            x[r, k] = n[r, k] * act[r, k] * (1 - port[r, k]) * side[k]
    return _rowsum_c(x)


@_jit
def stations(
    n_sur: np.ndarray,
    act_sur: np.ndarray,
    port_sur: np.ndarray,
    n_sub: np.ndarray,
    act_sub: np.ndarray,
    port_sub: np.ndarray,
    red_sur: np.ndarray,
    blue_sur: np.ndarray,
    red_sub: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """blockade.blockade_step's ships on station (the adversary's surface ships and submarines at sea, added from
    zero in that order) and escorts (the allies' surface ships at sea)."""
    on_station = (0.0 + _at_sea_rows(n_sur, act_sur, port_sur, red_sur)) + _at_sea_rows(
        n_sub, act_sub, port_sub, red_sub
    )
    escorts = 0.0 + _at_sea_rows(n_sur, act_sur, port_sur, blue_sur)
    return on_station, escorts


@_jit
def stocks_step(
    stocks: np.ndarray,  # (R, C) days of each commodity left
    runout: np.ndarray,  # (R, C) the day each ran out (NaN while it has not)
    elec_share: np.ndarray,  # (R, C)
    throughput: np.ndarray,
    ongoing: np.ndarray,  # (R,) bool
    electricity: np.ndarray,
    electricity_min: np.ndarray,
    shortfall: np.ndarray,
    dt: float,
    day_next: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The commodities' stocks and the electricity of blockade.blockade_step. Returns new (stocks, runout,
    electricity, its minimum, shortfall); the row sum of the shares not supplied as NumPy's (BLAS)."""
    reps, width = stocks.shape
    left = np.empty((reps, width))
    out_day = np.empty((reps, width))
    unmet = np.empty((reps, width))
    for r in range(reps):
        on = 1.0 if ongoing[r] else 0.0
        thr = throughput[r]
        for c in range(width):
            before = stocks[r, c]
            x = np.maximum(0.0, before - (1 - thr) * dt * on)
            left[r, c] = x
            ran_out = before > 0 and x <= 0 and np.isnan(runout[r, c]) and ongoing[r]
            out_day[r, c] = day_next if ran_out else runout[r, c]
            available = 1.0 if x > 0 else thr
            unmet[r, c] = elec_share[r, c] * (1 - available)
    supplied = _rowsum_c(unmet)
    elec = np.empty(reps)
    low = np.empty(reps)
    short = np.empty(reps)
    for r in range(reps):
        e = 1 - supplied[r]
        elec[r] = e if ongoing[r] else electricity[r]
        low[r] = np.minimum(electricity_min[r], e if ongoing[r] else 1.0)
        short[r] = shortfall[r] + (1 - e) * dt * (1.0 if ongoing[r] else 0.0)
    return left, out_day, elec, low, short


#: The parameters of the convoy contest (made once per block).
_CONTEST_PARAMS = (
    "escort_effectiveness",
    "blockade_half_closure_ships",
    "quarantine_compliance",
    "shipping_deterrence_per_day",
    "shipping_recovery_days",
    "blockade_assessment_days",
    "trend_smoothing_days",
)


def contest(st: Block, on_station: np.ndarray, escorts: np.ndarray, ongoing: np.ndarray, dt: float) -> np.ndarray:
    """The compiled twin of the convoy contest in blockade.blockade_step: updates the block's willingness and
    throughput series; returns this step's throughput (R,)."""
    q: dict[str, np.ndarray] | None = st.inv.get("sea_contest_params")
    if q is None:  # the parameters as contiguous (R,) arrays, per block (emptied when the block is compacted)
        q = st.inv["sea_contest_params"] = {name: _param(st, name) for name in _CONTEST_PARAMS}
    thr, st.willingness, st.throughput, st.throughput_sum, st.throughput_ema, st.g_throughput = _contest(
        on_station,
        escorts,
        st.rung,
        np.ascontiguousarray(ongoing, dtype=np.bool_),
        q["escort_effectiveness"],
        q["blockade_half_closure_ships"],
        q["quarantine_compliance"],
        q["shipping_deterrence_per_day"],
        q["shipping_recovery_days"],
        q["blockade_assessment_days"],
        q["trend_smoothing_days"],
        float(dt),
        int(QUARANTINE),
        st.willingness,
        st.throughput,
        st.throughput_sum,
        st.throughput_ema,
        st.g_throughput,
    )
    out: np.ndarray = thr
    return out
