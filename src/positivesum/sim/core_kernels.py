"""Compiled kernels of the step loop's bookkeeping (campaign.py): the traced sums, in one pass per step.

NumPy sums a contiguous run of float64 with pairwise summation (numpy/_core/src/umath/loops_utils.h.src:
``pairwise_sum``: below 8 elements a plain loop, up to 128 eight accumulators, beyond that two halves split at a
multiple of 8) on top of the identity 0.0; a full ``x.sum()`` of a C-contiguous array is one such run over all its
elements, ``x.sum(axis=0)`` of an (R, K) array adds the rows one after the other (K > 1) or is a run over the
column (K = 1). :func:`pairwise` and :func:`trace_sums` reproduce exactly these orders, so the sums are NumPy's
to the last bit (tests/sim/test_core_overhead.py checks them on random arrays of many shapes).
"""

from __future__ import annotations

import numpy as np

from .kernels import _jit

#: NumPy's PW_BLOCKSIZE
_BLOCK = 128


@_jit
def _leaf(a: np.ndarray, start: int, n: int) -> float:
    """``pairwise_sum`` of ``a[start:start + n]`` for n <= 128 (1-D, contiguous)."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[start + i]
        return res
    r0 = a[start]
    r1 = a[start + 1]
    r2 = a[start + 2]
    r3 = a[start + 3]
    r4 = a[start + 4]
    r5 = a[start + 5]
    r6 = a[start + 6]
    r7 = a[start + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        j = start + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return float(res)


@_jit
def _half(n: int) -> int:
    """Where ``pairwise_sum`` splits a run of n > 128: half, rounded down to a multiple of 8."""
    n2 = n // 2
    return n2 - n2 % 8


@_jit
def _pairwise(a: np.ndarray, start: int, n: int) -> float:
    """``pairwise_sum`` of ``a[start:start + n]`` (1-D, contiguous): the recursion run on an explicit stack
    (Numba's cache does not load recursive functions safely), the halves added in the same order."""
    if n <= _BLOCK:
        return _leaf(a, start, n)
    f_start = np.empty(64, dtype=np.int64)
    f_n = np.empty(64, dtype=np.int64)
    f_phase = np.empty(64, dtype=np.int64)  # 1: left half pending, 2: left half summed, right pending
    f_left = np.empty(64)
    top = 0
    f_start[0] = start
    f_n[0] = n
    while True:
        s0 = f_start[top]
        n0 = f_n[top]
        if n0 > _BLOCK:  # descend into the left half
            f_phase[top] = 1
            top += 1
            f_start[top] = s0
            f_n[top] = _half(n0)
            continue
        v = _leaf(a, s0, n0)
        top -= 1
        while top >= 0 and f_phase[top] == 2:  # right halves done: left + right, upwards
            v = f_left[top] + v
            top -= 1
        if top < 0:
            return v
        f_left[top] = v  # a left half done: now its right half
        f_phase[top] = 2
        n2 = _half(f_n[top])
        s_right = f_start[top] + n2
        n_right = f_n[top] - n2
        top += 1
        f_start[top] = s_right
        f_n[top] = n_right


@_jit
def pairwise(a: np.ndarray) -> float:
    """``a.sum()`` of a 1-D contiguous float64 array (the identity 0.0, then the pairwise sum)."""
    return 0.0 + _pairwise(a, 0, a.size)


@_jit
def _masked_sum(x: np.ndarray, side: np.ndarray, which: int) -> float:
    """``(x * (side == which)).sum()`` of a C-contiguous (R, K) array: the product, then one run over it."""
    reps, k = x.shape
    mask = np.empty(k)
    for j in range(k):
        mask[j] = 1.0 if side[j] == which else 0.0
    prod = np.empty(x.size)
    i = 0
    for r in range(reps):
        for j in range(k):
            prod[i] = x[r, j] * mask[j]
            i += 1
    return pairwise(prod)


@_jit
def _by_actor(x: np.ndarray, actor: np.ndarray, out: np.ndarray) -> None:
    """``out += np.bincount(actor, weights=x.sum(axis=0), minlength=len(out))`` for a C-contiguous (R, K) array."""
    reps, k = x.shape
    col = np.zeros(k)
    if k == 1:
        col[0] = pairwise(x.reshape(-1))
    else:
        for r in range(reps):
            for j in range(k):
                col[j] += x[r, j]
    counts = np.zeros(out.size)
    for j in range(k):
        counts[actor[j]] += col[j]
    for i in range(out.size):
        out[i] += counts[i]


@_jit
def trace_sums(
    lost_air: np.ndarray,
    lost_surface: np.ndarray,
    lost_amphibious: np.ndarray,
    sides: np.ndarray,
    actors: np.ndarray,
    n_actors: int,
    ashore: np.ndarray,
    held: np.ndarray,
    electricity: np.ndarray,
    throughput: np.ndarray,
    blockade: bool,
    stock: np.ndarray,
) -> np.ndarray:
    """The values of ``campaign.trace_values`` in its key order: aircraft and ships lost by side (blue, red),
    then by actor (aircraft, ships for each), troops ashore, share held [, electricity, throughput] and each
    pool's stock (a column of ``stock``, summed as NumPy sums the rows of its contiguous transpose). Arrays are
    C-contiguous; ``sides``/``actors``: (3, K) side and actor index of the air, surface and amphibious groups
    (K the widest domain; each domain reads its own first columns)."""
    reps, n_pools = stock.shape
    out = np.empty(4 + 2 * n_actors + (4 if blockade else 2) + n_pools)
    for s in range(2):
        out[2 * s] = _masked_sum(lost_air, sides[0], s)
        out[2 * s + 1] = (0.0 + _masked_sum(lost_surface, sides[1], s)) + _masked_sum(lost_amphibious, sides[2], s)
    air = np.zeros(n_actors)
    _by_actor(lost_air, actors[0], air)
    ships = np.zeros(n_actors)
    _by_actor(lost_surface, actors[1], ships)
    _by_actor(lost_amphibious, actors[2], ships)
    for i in range(n_actors):
        out[4 + 2 * i] = air[i]
        out[5 + 2 * i] = ships[i]
    i = 4 + 2 * n_actors
    out[i] = pairwise(ashore)
    out[i + 1] = pairwise(held)
    i += 2
    if blockade:
        out[i] = pairwise(electricity)
        out[i + 1] = pairwise(throughput)
        i += 2
    column = np.empty(reps)
    for j in range(n_pools):
        for r in range(reps):
            column[r] = stock[r, j]
        out[i + j] = pairwise(column)
    return out


@_jit
def land_attack_demand(
    strike: np.ndarray,
    weapons: np.ndarray,
    blue: np.ndarray,
    anti_ship: np.ndarray,
    fleet_gone: np.ndarray,
    land_attack: np.ndarray,
    ashore: np.ndarray,
    live: np.ndarray,
) -> np.ndarray:
    """The land-attack demand of ``campaign._air_strikes_on_attacker``, the same products in the same order::

    demand = strike * weapons          # weapons (1, K) or (R, K)
    demand *= blue                     # (K,) bool: allied groups
    demand *= ~(anti_ship[None, :] & ~fleet_gone[:, None])   # not busy hunting ships
    demand *= land_attack              # (K,) bool
    demand *= (ashore > 0)[:, None]
    demand *= live                     # (R, 1)
    """
    reps, k = strike.shape
    out = np.empty((reps, k))
    per_rep = weapons.shape[0] > 1
    for r in range(reps):
        w = r if per_rep else 0
        ashore_r = 1.0 if ashore[r] > 0 else 0.0
        for j in range(k):
            v = strike[r, j] * weapons[w, j]
            v *= 1.0 if blue[j] else 0.0
            v *= 0.0 if (anti_ship[j] and not fleet_gone[r]) else 1.0
            v *= 1.0 if land_attack[j] else 0.0
            v *= ashore_r
            v *= live[r, 0]
            out[r, j] = v
    return out


@_jit
def _at(x: np.ndarray, r: int, k: int) -> float:
    """``x[r, k]`` of a 2-D array broadcast against (R, K) (a dimension of length 1 stretches)."""
    return float(x[r if x.shape[0] > 1 else 0, k if x.shape[1] > 1 else 0])


@_jit
def naval_activity(
    active_step: np.ndarray, t: int, port_base: np.ndarray, share: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A naval domain's activity in ``campaign._activity``, element by element as NumPy computes it::

    act = (active_step <= t).astype(float)
    in_port = port_base * np.where(act > 0, share, 1.0)   # share broadcast as a 2-D array
    sea = act * (1.0 - in_port)
    """
    reps, k = active_step.shape
    act = np.empty((reps, k))
    in_port = np.empty((reps, k))
    sea = np.empty((reps, k))
    for r in range(reps):
        for j in range(k):
            a = 1.0 if active_step[r, j] <= t else 0.0
            p = port_base[j] * (_at(share, r, j) if a > 0 else 1.0)
            act[r, j] = a
            in_port[r, j] = p
            sea[r, j] = a * (1.0 - p)
    return act, in_port, sea
