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


def contest(st: Block, on_station: np.ndarray, escorts: np.ndarray, ongoing: np.ndarray, dt: float) -> np.ndarray:
    """The compiled twin of the convoy contest in blockade.blockade_step: updates the block's willingness and
    throughput series; returns this step's throughput (R,)."""
    thr, st.willingness, st.throughput, st.throughput_sum, st.throughput_ema, st.g_throughput = _contest(
        on_station,
        escorts,
        st.rung,
        np.ascontiguousarray(ongoing, dtype=np.bool_),
        _param(st, "escort_effectiveness"),
        _param(st, "blockade_half_closure_ships"),
        _param(st, "quarantine_compliance"),
        _param(st, "shipping_deterrence_per_day"),
        _param(st, "shipping_recovery_days"),
        _param(st, "blockade_assessment_days"),
        _param(st, "trend_smoothing_days"),
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
