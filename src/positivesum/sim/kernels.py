"""Compiled kernels for the engine's hottest element-wise steps (Numba), each with a pure-NumPy twin.

A kernel fuses what NumPy does in several passes over an (R, K) array (and several temporaries) into one
loop. These kernels never draw random numbers: the caller draws them from the block's ``numpy.random.Generator``
and passes them in, so the explicit-generator rule holds and both paths consume the same stream. The
whole-phase kernels (kernels_fixed.py: the fixed-target salvo at the bases; kernels_naval.py: the anti-ship
salvo and the submarine patrols; kernels_air.py: the air exchange) take the Generator itself and draw from it in the NumPy path's order (Numba runs NumPy's algorithms on
the same bit generator), so they too give the same numbers.

The compiled path is used when Numba can be imported, unless ``POSITIVESUM_NO_NUMBA=1`` is set in the
environment (read at import) or :data:`ENABLED` is set to False (tests compare the two paths this way).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


def _load_numba() -> Any:
    if os.environ.get("POSITIVESUM_NO_NUMBA", "").strip() not in ("", "0"):
        return None
    try:
        return importlib.import_module("numba")
    except ImportError:  # pragma: no cover - numba is a dependency; the NumPy path stands in without it
        return None


_numba = _load_numba()

#: Whether the compiled kernels are used (False: the pure-NumPy path everywhere).
ENABLED = _numba is not None
#: Whether whole phases are compiled (kernels_fixed.py, kernels_naval.py) when :data:`ENABLED`; False keeps the
#: NumPy path of those phases with the element-wise kernels on (tests compare the two this way, number for number).
PHASES = True
#: Below this many elements the NumPy path is as fast (the call into a kernel has a fixed cost).
MIN_SIZE = 64


def available() -> bool:
    """Numba imported (whatever :data:`ENABLED` says)."""
    return _numba is not None


def _jit(f: F) -> F:
    if _numba is None:
        return f
    return cast(F, _numba.njit(cache=True, nogil=True)(f))


@_jit
def stochastic_round(x: float, rng: Any) -> float:
    """⌊x⌋, plus 1 with probability x − ⌊x⌋: one float32 uniform drawn only when x has a fraction (as
    mechanics.stoch_round draws for the non-integral elements only, in order). Written as a select, not a
    branch on the draw: the outcome is the same, and a branch taken at random was often mispredicted (~20 % of
    the fixed-target salvo). The compiled kernels' losses and hits all round through it."""
    k = np.floor(x)
    f = x - k
    if f != 0:
        u = rng.random(dtype=np.float32)
        k += 1.0 if u < f else 0.0
    return float(k)


@_jit
def _count_fractional(flat: np.ndarray) -> int:
    """How many elements of a 1-D float array are not integers (NaN counts: NumPy's path draws for it too)."""
    n = 0
    for i in range(flat.size):
        v = flat[i]
        if v - np.floor(v) != 0:
            n += 1
    return n


@_jit
def _round_with(flat: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Stochastic rounding of a 1-D float array with one uniform per non-integral element, in order."""
    out = np.empty(flat.size)
    k = 0
    for i in range(flat.size):
        v = flat[i]
        b = np.floor(v)
        f = v - b
        if f != 0:
            if u[k] < f:
                b += 1.0
            k += 1
        out[i] = b
    return out


def use(x: np.ndarray) -> bool:
    """Whether to take the compiled path for an array of this size."""
    return ENABLED and x.size >= MIN_SIZE


def stoch_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Compiled twin of :func:`positivesum.sim.mechanics.stoch_round`: the same draws, the same numbers."""
    flat = np.ascontiguousarray(x, dtype=np.float64).reshape(-1)
    n = _count_fractional(flat)
    if n == 0:
        base: np.ndarray = np.floor(x)
        return base
    u = rng.random(n, dtype=np.float32)
    out: np.ndarray = _round_with(flat, u).reshape(np.shape(x))
    return out


@_jit
def _take_losses(
    n: np.ndarray,
    lost: np.ndarray,
    also: np.ndarray,
    has_also: bool,
    cols: np.ndarray,
    expected: np.ndarray,
    live: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """Fused: losses = min(n[:, cols], stoch_round(expected)) * live; n -= losses; lost (and also) += losses."""
    reps, width = expected.shape
    out = np.empty((reps, width))
    k = 0
    for r in range(reps):
        lv = live[r]
        for c in range(width):
            v = expected[r, c]
            j = cols[c]
            cur = n[r, j]
            if v == 0.0 and cur >= 0.0:  # nothing lost (the common case): nothing to write
                out[r, c] = 0.0
                continue
            b = np.floor(v)
            f = v - b
            if f != 0:
                if u[k] < f:
                    b += 1.0
                k += 1
            loss = np.minimum(cur, b) * lv
            n[r, j] = cur - loss
            lost[r, j] += loss
            if has_also:
                also[r, j] += loss
            out[r, c] = loss
    return out


_NO_ALSO = np.zeros((1, 1))


def take_losses(
    n: np.ndarray,
    lost: np.ndarray,
    cols: np.ndarray,
    expected: np.ndarray,
    live: np.ndarray,
    rng: np.random.Generator,
    also: np.ndarray | None = None,
) -> np.ndarray:
    """Compiled twin of :func:`positivesum.sim.mechanics.take_losses` (the same draws, the same numbers)."""
    flat = np.ascontiguousarray(expected, dtype=np.float64)
    count = _count_fractional(flat.reshape(-1))
    u = rng.random(count, dtype=np.float32) if count else np.zeros(0, dtype=np.float32)
    live_r = np.ascontiguousarray(np.broadcast_to(np.asarray(live, dtype=np.float64).reshape(-1), (flat.shape[0],)))
    idx = np.asarray(cols, dtype=np.int64)
    out: np.ndarray = _take_losses(n, lost, _NO_ALSO if also is None else also, also is not None, idx, flat, live_r, u)
    return out


@_jit
def _fire(
    demand: np.ndarray,
    stock: np.ndarray,
    expended: np.ndarray,
    group_idx: np.ndarray,
    pool_idx: np.ndarray,
    local: np.ndarray,
    pool_cols: np.ndarray,
    n_groups: int,
    single: bool,
    mask_mode: int,
    mask: np.ndarray,
    gate: np.ndarray | None = None,
) -> np.ndarray:
    """Fused FireMap.fire + pool_fire, one replication (row) at a time; stocks updated in place.

    ``gate`` (optional): the caller knows that the rows it leaves out demand nothing (their rows of ``demand`` are
    all zero), so they take the idle path at once, without the scan that would find it (the anti-ship salvo of a
    blockade, where most replications are not at war)."""
    reps = demand.shape[0]
    n_pairs = group_idx.size
    n_local = pool_cols.size
    out = np.empty((reps, n_pairs))
    have = np.empty(n_pairs)
    want = np.empty(n_pairs)
    per_group = np.empty(n_groups)
    wanted = np.empty(n_local)
    ratio = np.empty(n_local)
    for r in range(reps):
        idle = True
        if gate is None or gate[r]:
            for j in range(n_pairs):
                if demand[r, group_idx[j]] != 0.0:
                    idle = False
                    break
        if idle:  # nothing wanted in this replication: what the steps below give, without them
            for q in range(n_local):
                p = pool_cols[q]
                if not stock[r, p] > 0.0:
                    stock[r, p] = 0.0
                expended[r, p] += 0.0
            for j in range(n_pairs):
                out[r, j] = 0.0 * demand[r, group_idx[j]]
            continue
        for j in range(n_pairs):
            h = stock[r, pool_idx[j]]
            if h < 0.0:
                h = 0.0
            if mask_mode == 1:
                h *= mask[0, j]
            elif mask_mode == 2:
                h *= mask[r, j]
            have[j] = h
        if not single:
            per_group[:] = 0.0
            for j in range(n_pairs):
                per_group[group_idx[j]] += have[j]
        wanted[:] = 0.0
        for j in range(n_pairs):
            d = demand[r, group_idx[j]]
            if single:
                w = d if have[j] > 0.0 else 0.0 * d
            else:
                pg = per_group[group_idx[j]]
                w = d * (have[j] / (pg if pg > 1e-12 else 1e-12))
            want[j] = w
            wanted[local[j]] += w
        for q in range(n_local):
            p = pool_cols[q]
            h = stock[r, p]
            wq = wanted[q]
            x = h / (wq if wq > 1e-12 else 1e-12)
            rq = x if x < 1.0 else 1.0
            used = wq * rq
            left = h - used
            stock[r, p] = left if left > 0.0 else 0.0
            expended[r, p] += used
            ratio[q] = rq
        for j in range(n_pairs):
            out[r, j] = want[j] * ratio[local[j]]
    return out


def fire(
    demand: np.ndarray,
    stock: np.ndarray,
    expended: np.ndarray,
    group_idx: np.ndarray,
    pool_idx: np.ndarray,
    local: np.ndarray,
    pool_cols: np.ndarray,
    n_groups: int,
    single: bool,
    pair_mask: np.ndarray | None,
) -> np.ndarray:
    """Compiled twin of ``FireMap.fire`` (the same numbers up to the order of floating-point sums)."""
    if pair_mask is None:
        mode, mask = 0, _NO_ALSO
    else:
        mask = np.asarray(pair_mask, dtype=np.float64)
        mode = 1 if mask.ndim == 1 else 2
        mask = np.ascontiguousarray(mask.reshape(1, -1) if mode == 1 else mask)
    out: np.ndarray = _fire(
        np.ascontiguousarray(demand, dtype=np.float64),
        stock,
        expended,
        group_idx,
        pool_idx,
        local,
        pool_cols,
        n_groups,
        single,
        mode,
        mask,
    )
    return out


@_jit
def _allocate(total: np.ndarray, weights: np.ndarray, denom: np.ndarray) -> np.ndarray:
    """Split totals (R,) over (R, K) weights in proportion to them (row sums ``denom``; zero where not positive)."""
    reps, width = weights.shape
    out = np.zeros((reps, width))
    for r in range(reps):
        d = denom[r]
        if d > 0.0:
            t = total[r]
            for k in range(width):
                out[r, k] = t * weights[r, k] / d
    return out


def allocate(total: np.ndarray, weights: np.ndarray, denom: np.ndarray) -> np.ndarray:
    """Compiled twin of :func:`positivesum.sim.mechanics.allocate`, given the row sums of the weights (computed
    alike on both paths: the shares feed stochastic rounding, whose draws depend on exact integers)."""
    out: np.ndarray = _allocate(
        np.ascontiguousarray(np.broadcast_to(total, weights.shape[:1]), dtype=np.float64),
        np.ascontiguousarray(weights, dtype=np.float64),
        np.ascontiguousarray(denom, dtype=np.float64),
    )
    return out


@_jit
def _launch_demand(
    n: np.ndarray, rate: np.ndarray, act: np.ndarray, logistics: np.ndarray, use_logistics: bool, live: np.ndarray
) -> np.ndarray:
    """Fused: ``n * rate * act (* logistics) * live``, the products in that order (all (R, K); ``live`` (R,))."""
    reps, width = n.shape
    out = np.empty((reps, width))
    for r in range(reps):
        lv = live[r]
        for k in range(width):
            x = n[r, k] * rate[r, k]
            x = x * act[r, k]
            if use_logistics:
                x = x * logistics[r, k]
            out[r, k] = x * lv
    return out


def launch_demand(
    n: np.ndarray, rate: np.ndarray, act: np.ndarray, logistics: np.ndarray | None, live: np.ndarray
) -> np.ndarray:
    """Compiled twin of the products in ``Block._launch_demand`` (elementwise, in the same order: the same
    numbers). ``rate`` is (R, K); ``live`` (R, 1)."""
    out: np.ndarray = _launch_demand(
        n, rate, act, _NO_ALSO if logistics is None else logistics, logistics is not None, live.reshape(-1)
    )
    return out


@_jit
def _arrivals(
    n: np.ndarray, step: np.ndarray, count: np.ndarray, live: np.ndarray, t: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fused: ``arriving = (step == t) * count * live``; returns ``(n + arriving, arriving)`` (fresh arrays)."""
    reps, width = n.shape
    arriving = np.empty((reps, width))
    out = np.empty((reps, width))
    for r in range(reps):
        lv = live[r]
        for k in range(width):
            x = (1.0 if step[r, k] == t else 0.0) * count[r, k]
            x = x * lv
            arriving[r, k] = x
            out[r, k] = n[r, k] + x
    return out, arriving


def arrivals(
    n: np.ndarray, step: np.ndarray, count: np.ndarray, live: np.ndarray, t: int
) -> tuple[np.ndarray, np.ndarray]:
    """Compiled twin of the arrivals in ``campaign._arrivals`` (the same products and sum: the same numbers);
    ``live`` (R, 1)."""
    out, arriving = _arrivals(n, step, count, live.reshape(-1), t)
    return out, arriving
