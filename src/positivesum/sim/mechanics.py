"""Vectorised combat mechanics shared by every scenario (arrays of shape (replications, ...)).

Each function is one well-known model, written for arrays of replications:
munition-limited fire, Hughes' (1995) salvo exchange with scouting,
reliability, hit and intercept probabilities, missile attacks on air bases
(aircraft in the open vs in shelters, runway cuts), and air-to-air exchange.
Every random draw comes from the ``rng`` passed in. Equations are in
docs/methodology/campaign.md.
"""

from __future__ import annotations

import numpy as np

from . import kernels


def stoch_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round to an integer up or down with probability equal to the fraction (unbiased: E = x).

    A uniform is drawn only for each element with a fraction to round: exact integers (most of them, e.g. a
    zero loss) consume no random numbers, so the cost follows the work, not the size of the array. Large arrays
    go through the compiled twin (kernels.py): the same draws in the same order, the same numbers."""
    if kernels.use(x):
        return kernels.stoch_round(x, rng)
    base: np.ndarray = np.floor(x, order="C")  # C order: ``reshape(-1)`` below is a view of it
    frac = x - base
    idx = np.flatnonzero(frac != 0)  # on a boolean mask: several times faster than on the floats
    if not len(idx):
        return base
    # float32 uniforms: twice as fast, and 2^-24 resolution is ample for a rounding decision
    flat = base.reshape(-1)  # a view: ``base`` is a fresh contiguous array
    flat[idx] += rng.random(len(idx), dtype=np.float32) < frac.reshape(-1)[idx]
    return base


def take_losses(
    n: np.ndarray,
    lost: np.ndarray,
    cols: np.ndarray,
    expected: np.ndarray,
    live: np.ndarray | None,
    rng: np.random.Generator,
    also: np.ndarray | None = None,
) -> np.ndarray:
    """Units lost in some columns of a domain: ``min(n, stoch_round(expected))`` (times ``live``, (R, 1): frozen
    replications lose nothing), taken off ``n`` and added to ``lost`` (and ``also``), all (R, K) and updated in
    place; ``expected`` is (R, len(cols)). Returns the losses (R, len(cols)). Large arrays go through the
    compiled twin (kernels.py): the same draws, the same numbers."""
    if kernels.use(expected):
        ones = np.ones(1) if live is None else live
        return kernels.take_losses(n, lost, cols, expected, ones, rng, also)
    cur = n[:, cols]
    losses: np.ndarray = np.minimum(cur, stoch_round(expected, rng))
    if live is not None:
        losses = losses * live
    n[:, cols] = cur - losses
    lost[:, cols] += losses
    if also is not None:
        also[:, cols] += losses
    return losses


_ONES: dict[int, np.ndarray] = {}
_F64 = np.dtype(np.float64)  # compared as a dtype: no conversion of the scalar type on each of ~1,000 calls a run


def rowsum(x: np.ndarray) -> np.ndarray:
    """Row sums of an (R, K) float array, as a product with a vector of ones (BLAS): several times faster than
    ``x.sum(axis=1)`` on the engine's narrow arrays (only the order of the additions differs)."""
    if x.ndim != 2 or x.dtype != _F64:
        summed: np.ndarray = np.asarray(x).sum(axis=1)
        return summed
    k = x.shape[1]
    ones = _ONES.get(k)
    if ones is None:
        ones = _ONES[k] = np.ones(k)
    out: np.ndarray = x @ ones
    return out


def onehot(index: np.ndarray, n: int) -> np.ndarray:
    """(len(index), n) matrix with a 1 in column index[k]; rows with index -1 are all zero."""
    m = np.zeros((len(index), n))
    ok = index >= 0
    m[np.nonzero(ok)[0], index[ok]] = 1.0
    return m


class PoolMap:
    """Which munition pool each shooter of one (domain, role) draws from, compacted to the pools used."""

    def __init__(self, pool_index: np.ndarray, n_pools: int):
        self.cols = np.unique(pool_index[pool_index >= 0])
        local = np.searchsorted(self.cols, np.maximum(pool_index, 0))
        self.matrix = np.zeros((len(pool_index), len(self.cols)))
        ok = pool_index >= 0
        self.matrix[np.nonzero(ok)[0], local[ok]] = 1.0
        self.n_pools = n_pools
        # the same map as index arithmetic: pair k draws from local pool column local[k] (if ok[k])
        self.local = np.asarray(local, dtype=np.int64)
        self.all_ok = bool(ok.all())
        self.ok = ok.astype(float)


def pool_fire(demand: np.ndarray, pool_map: PoolMap, stock: np.ndarray, expended: np.ndarray) -> np.ndarray:
    """Fire what stocks allow: every shooter on a pool gets the same share of its demand.

    ``demand`` (R, K) rounds wanted; ``stock``/``expended`` (R, P) are updated in
    place. Returns rounds fired (R, K).
    """
    cols = pool_map.cols
    if demand.shape[1] == 0 or len(cols) == 0:
        return np.zeros_like(demand)
    wanted = demand @ pool_map.matrix
    have = stock[:, cols]
    ratio = np.minimum(1.0, have / np.maximum(wanted, 1e-12))
    used = wanted * ratio
    stock[:, cols] = np.maximum(have - used, 0.0)  # no negative stock from rounding
    expended[:, cols] += used
    per_pair = ratio[:, pool_map.local]  # each pair's pool ratio (index arithmetic, not a one-hot product)
    return demand * per_pair if pool_map.all_ok else demand * (per_pair * pool_map.ok)


class FireMap:
    """Shooter–munition pairs of one (domain, role): a launcher that can fire several
    munitions splits its demand over them in proportion to their remaining stocks."""

    def __init__(self, group_idx: np.ndarray, pool_idx: np.ndarray, n_groups: int, n_pools: int):
        self.group_idx = np.asarray(group_idx, dtype=np.int64)
        self.pool_idx = np.asarray(pool_idx, dtype=np.int64)
        self.pools = PoolMap(self.pool_idx, n_pools)
        self.gmat = onehot(self.group_idx, n_groups)
        self.armed = self.gmat.sum(axis=0) > 0  # groups with at least one munition for this role
        self.single = bool(np.all(self.gmat.sum(axis=0) <= 1))  # no group splits its demand over munitions
        self.n_groups = n_groups
        # the compiled path (kernels.fire) handles pairs that all have a group and a pool
        self.compiled = bool(np.all(self.group_idx >= 0) and np.all(self.pool_idx >= 0))
        self.pool_cols = np.ascontiguousarray(self.pools.cols, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.pool_idx)

    def fire(
        self, demand: np.ndarray, stock: np.ndarray, expended: np.ndarray, pair_mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Rounds fired per pair (R, J) for group demand (R, K); stocks updated in place."""
        if len(self.pool_idx) == 0:
            return np.zeros((demand.shape[0], 0))
        if not demand.any():  # common late in a campaign: nothing to fire, skip the matrix work
            return np.zeros((demand.shape[0], len(self.pool_idx)))
        if self.compiled and kernels.use(demand):
            return kernels.fire(
                demand,
                stock,
                expended,
                self.group_idx,
                self.pool_idx,
                self.pools.local,
                self.pool_cols,
                self.n_groups,
                self.single,
                pair_mask,
            )
        have = np.maximum(stock[:, self.pool_idx], 0.0)
        if pair_mask is not None:
            have = have * pair_mask
        if self.single:  # one munition per group: its whole demand goes to it while there is any
            return pool_fire(demand[:, self.group_idx] * (have > 0), self.pools, stock, expended)
        per_group = have @ self.gmat
        share = have / np.maximum(per_group[:, self.group_idx], 1e-12)
        return pool_fire(demand[:, self.group_idx] * share, self.pools, stock, expended)

    def to_groups(self, per_pair: np.ndarray) -> np.ndarray:
        """Sum pair values back to groups (R, K)."""
        per_group: np.ndarray = per_pair @ self.gmat
        return per_group


def salvo_hits(
    would_hit: np.ndarray, intercept_capacity: np.ndarray, pk_intercept: float | np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hughes' salvo exchange: each interceptor engages one incoming missile; the excess passes.

    Hughes (1995), Naval Research Logistics 42:267–289, extended form as in
    Tiah (2007): hits = would_hit − Binomial(min(would_hit, interceptors), p_k).
    Returns (hits, interceptors used).
    """
    shots = np.minimum(would_hit, intercept_capacity)
    killed = sparse_binomial(shots.astype(np.int64), pk_intercept, rng)
    return would_hit - killed, shots


def sparse_binomial(n: np.ndarray, p: float | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``rng.binomial(n, p)``, drawing only where ``n`` is not zero. NumPy's generator consumes nothing for
    n = 0 (the result is 0), so the numbers and the stream are exactly those of ``rng.binomial(n, p)``: only
    the loop over the (mostly zero) entries is saved."""
    if n.ndim < 2 or n.size < 64:
        out: np.ndarray = rng.binomial(n, p)
        return out
    nz = n != 0
    result = np.zeros(n.shape, dtype=np.int64)
    if nz.any():
        pk = np.broadcast_to(np.asarray(p, dtype=float), n.shape)[nz] if np.ndim(p) else p
        result[nz] = rng.binomial(n[nz], pk)
    return result


def allocate(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split (R,) totals over (R, K) targets in proportion to weights (zero where no weight)."""
    row_sums = rowsum(weights)
    if kernels.use(weights) and np.ndim(total) <= 1:
        return kernels.allocate(total, weights, row_sums)
    denom = row_sums[:, None]
    return np.where(denom > 0, total[:, None] * weights / np.where(denom > 0, denom, 1.0), 0.0)


def kills_from_hits(
    hits: np.ndarray, count: np.ndarray, hits_to_kill: float | np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Units put out of action by hits spread over a group (Hughes' staying power a1)."""
    killed: np.ndarray = np.minimum(count, stoch_round(hits / hits_to_kill, rng))
    return killed


def sortie_range_factor(
    distance_km: np.ndarray, radius_km: np.ndarray, tanker_factor: float | np.ndarray, decay_km: float | np.ndarray
) -> np.ndarray:
    """Share of the full sortie rate a base at ``distance_km`` sustains.

    Within radius × tanker factor: 1. Beyond: halves every ``decay_km`` (longer
    transits and tanker limits; cf. RAND, Shlapak et al. 2009, 'A Question of Balance').
    """
    reach = radius_km * tanker_factor
    beyond = np.maximum(0.0, distance_km - reach)
    factor = np.power(0.5, beyond / np.maximum(decay_km, 1.0))
    return np.where(radius_km > 0, factor, 0.0)


def base_strike(
    missiles_at_base: np.ndarray,
    reliability: float | np.ndarray,
    intercept_capacity: np.ndarray,
    pk_intercept: float | np.ndarray,
    aircraft: np.ndarray,
    shelters: np.ndarray,
    killed_per_missile: float | np.ndarray,
    pk_shelter: float | np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Missile attack on air bases, shape (R, B).

    Missiles that arrive (reliability) meet the base's interceptors (salvo rule);
    penetrators go first for aircraft in the open, each destroying up to
    ``killed_per_missile`` (submunitions), the rest for shelters, each killing the
    aircraft inside with ``pk_shelter``. After Shlapak et al. (RAND 2009) and
    Stillion & Orletsky (RAND 1999), 'Airbase Vulnerability to Conventional Cruise-Missile
    and Ballistic-Missile Attacks'. Returns (aircraft destroyed, penetrators, interceptors used).
    """
    arriving = rng.binomial(stoch_round(missiles_at_base, rng).astype(np.int64), reliability).astype(float)
    penetrating, shots = salvo_hits(arriving, intercept_capacity, pk_intercept, rng)
    sheltered = np.minimum(aircraft, shelters)
    in_open = aircraft - sheltered
    needed_open = np.ceil(in_open / np.maximum(killed_per_missile, 1e-9))
    on_open = np.minimum(penetrating, needed_open)
    killed_open = np.minimum(in_open, on_open * killed_per_missile)
    on_shelters = np.minimum(penetrating - on_open, sheltered)
    killed_shel = rng.binomial(on_shelters.astype(np.int64), pk_shelter)
    return killed_open + killed_shel, penetrating, shots


def air_exchange(
    kill_potential: np.ndarray, own_aa_sorties: np.ndarray, enemy_sorties: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Enemy aircraft shot down: kill potential × the chance that a sweep meets an enemy.

    A fighter sweep meets an enemy aircraft with probability
    S_enemy / (S_enemy + S_own_aa + 1) (the more the enemy flies, the more it
    exposes); losses are Poisson with that mean (a stochastic Lanchester
    aimed-fire exchange at the sortie level, cf. Washburn & Kress 2009, Combat Modeling, ch. 5).
    """
    exposure = enemy_sorties / (enemy_sorties + own_aa_sorties + 1.0)
    shot_down: np.ndarray = rng.poisson(kill_potential * exposure).astype(float)
    return shot_down
