"""Compiled kernel for the air-to-air exchange and airborne attrition (campaign._air_combat), whole.

As kernels_fixed.py: the kernel draws from the block's ``numpy.random.Generator`` in the NumPy path's order
(each side's Poisson shoot-downs, then the stochastic rounding of its losses, blue's victims first) and adds in
its order (row sums over a side's columns as NumPy takes them, kernels_naval._rowsum_f), so both paths give
the same numbers. Equations: mechanics.air_exchange (a stochastic Lanchester aimed-fire exchange at the
sortie level, Washburn & Kress 2009, ch. 5) and campaign._air_combat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .kernels import _jit
from .kernels_fixed import _rk
from .kernels_naval import _rowsum_cols_f
from .sea_kernels import losses

if TYPE_CHECKING:
    from .state import Block


@_jit
def exchange(
    rng: Any,
    sorties: np.ndarray,  # (R, K) sorties flown this step
    aa_share: np.ndarray,  # (R, K) share flown as counter-air
    a2a: np.ndarray,  # (R, K) air-to-air kills per counter-air sortie
    rate: np.ndarray,  # (R, K) losses to defences per sortie
    cols: tuple[np.ndarray, np.ndarray],  # each side's columns (blue, red)
    n_air: np.ndarray,
    lost_air: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns the strike sorties (R, K) and each side's control of the air (R,) (blue, red); losses in place."""
    reps, width = sorties.shape
    # a replication that flies no sortie (in a blockade most of them, not at war at sea) has no counter-air, no
    # strike, no kill and no loss: its rows stay the zeros the loops below would write, and it draws nothing (a
    # Poisson mean of 0, expected losses of 0); only its control of the air is written (0.5 each)
    airborne = np.zeros(reps, dtype=np.bool_)
    for r in range(reps):
        for k in range(width):
            if sorties[r, k] != 0.0:
                airborne[r] = True
                break
    aa = np.zeros((reps, width))
    strike = np.zeros((reps, width))
    kp = np.zeros((reps, width))
    for r in range(reps):
        if not airborne[r]:
            continue
        for k in range(width):
            x = sorties[r, k] * aa_share[r, k]
            aa[r, k] = x
            strike[r, k] = sorties[r, k] - x
            kp[r, k] = x * a2a[r, k]
    s_side = (_rowsum_cols_f(sorties, cols[0]), _rowsum_cols_f(sorties, cols[1]))
    aa_side = (_rowsum_cols_f(aa, cols[0]), _rowsum_cols_f(aa, cols[1]))
    total_aa = aa_side[0] + aa_side[1]
    control_blue = np.empty(reps)
    control_red = np.empty(reps)
    for r in range(reps):
        t = total_aa[r]
        control_blue[r] = aa_side[0][r] / t if t > 0 else 0.5
        control_red[r] = aa_side[1][r] / t if t > 0 else 0.5
    live = np.ones(reps)
    for shooter in range(2):
        victim = 1 - shooter
        v = cols[victim]
        if not v.size:
            continue
        kill = _rowsum_cols_f(kp, cols[shooter])
        own, enemy = aa_side[shooter], s_side[victim]
        downed = np.empty(reps)
        for r in range(reps):
            exposure = enemy[r] / (enemy[r] + own[r] + 1.0)
            downed[r] = float(rng.poisson(kill[r] * exposure))
        denom = _rowsum_cols_f(sorties, v)
        expected = np.zeros((reps, v.size))
        for r in range(reps):
            if not airborne[r]:
                continue
            d = denom[r]
            flying = 1.0 if s_side[shooter][r] > 0 else 0.0
            for c in range(v.size):
                m = sorties[r, v[c]]
                shot = downed[r] * m / d if d > 0.0 else 0.0
                expected[r, c] = shot + m * rate[r, v[c]] * flying
        losses(n_air, lost_air, v, expected, live, rng)
    return strike, control_blue, control_red


def air_combat(st: Block, rng: np.random.Generator, sorties: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """The compiled twin of campaign._air_combat (``rate``: losses to defences per sortie). Returns strike sorties."""
    inv = st.inv.get("sea_exchange")
    if inv is None:  # the per-block arguments (attributes are drawn per block), made once
        reps, width = sorties.shape
        cols = st.static.side_cols["air"]
        inv = st.inv["sea_exchange"] = (
            _rk(st.aa_share, reps, width),
            _rk(st.A["air"].get("air_to_air_kills_per_sortie", 0.0), reps, width),
            _rk(rate, reps, width),
            (np.ascontiguousarray(cols[0], dtype=np.int64), np.ascontiguousarray(cols[1], dtype=np.int64)),
        )
    aa_share, a2a, loss_rate, cols_by_side = inv
    strike, control_blue, control_red = exchange(
        rng,
        np.ascontiguousarray(sorties, dtype=np.float64),
        aa_share,
        a2a,
        loss_rate,
        cols_by_side,
        st.n["air"],
        st.lost["air"],
    )
    st.air_control[0], st.air_control[1] = control_blue, control_red
    out: np.ndarray = strike
    return out
