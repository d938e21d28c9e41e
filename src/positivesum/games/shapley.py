"""Shapley value: exact by subset enumeration, or estimated by sampling permutations.

Shapley (1953): ``φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) − v(S))`` — player
``i``'s marginal contribution averaged over all orders in which the grand coalition can form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from .allocation import Allocation
from .games import Game, GameError

#: Permutations per block in the vectorised sampler (bounds memory at block × n integers).
_BLOCK = 4096


def shapley(game: Game) -> Allocation:
    """Exact Shapley value by subset enumeration, n ≤ 20.

    The value array is viewed as an n-dimensional ``2 × … × 2`` array (mask bit ``i`` is axis
    ``n−1−i`` in C order), so the marginal contributions of player ``i`` to every ``S ∌ i`` are one
    array difference; each player costs O(2**n) vectorised work.
    """
    n = game.n
    cube = game.values.reshape((2,) * n)
    sizes = np.zeros((2,) * n, dtype=np.int64)
    for axis in range(n):  # |S| as a sum of the n bit indicators, broadcast over the cube
        shape = [1] * n
        shape[axis] = 2
        sizes = sizes + np.arange(2).reshape(shape)
    # Weight of a coalition of size s not containing i: s!(n−s−1)!/n! = 1 / (n · C(n−1, s)).
    weight = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    phi = np.empty(n)
    for i in range(n):
        axis = n - 1 - i
        gain = np.take(cube, 1, axis=axis) - np.take(cube, 0, axis=axis)
        phi[i] = float(np.sum(weight[np.take(sizes, 0, axis=axis)] * gain))
    return Allocation(game.players, tuple(phi), "shapley", game.kind, notes=("exact, by subset enumeration",))


def shapley_sampled(
    game: Game | Callable[[frozenset[str]], float],
    rng: np.random.Generator,
    n_permutations: int,
    *,
    players: Sequence[str] | None = None,
    kind: str = "value",
) -> Allocation:
    """Shapley value estimated from ``n_permutations`` random player orders (Castro, Gómez & Tejada 2009).

    Each order gives every player one marginal contribution; the estimate is their mean and the
    standard error their sample standard deviation over ``√n_permutations``. Every order's
    contributions sum to ``v(N)``, so the estimate is exactly efficient. ``game`` is a
    :class:`Game` (any n ≤ 20) or a function of a frozenset of names (then give ``players``; any
    n, each order costs n calls, repeated coalitions are cached). Same generator state, same result.
    """
    if not isinstance(rng, np.random.Generator):
        raise GameError("rng must be a numpy.random.Generator — pass np.random.default_rng(seed)")
    if int(n_permutations) < 2:
        raise GameError(f"n_permutations is {n_permutations}; at least 2 are needed for a standard error — use more")
    m = int(n_permutations)
    contributions: Callable[[np.ndarray], np.ndarray]
    if isinstance(game, Game):
        names, kind = game.players, game.kind
        contributions = partial(_block_contributions, game.values)
    else:
        if players is None:
            raise GameError("players are required when the game is given as a function — pass players=[...]")
        names = tuple(players)
        if len(set(names)) != len(names) or not names:
            raise GameError("players must be a non-empty list of distinct names")
        contributions = _CachedValue(game, names).contributions
    n = len(names)
    count, mean, m2 = 0, np.zeros(n), np.zeros(n)
    for start in range(0, m, _BLOCK):
        size = min(_BLOCK, m - start)
        orders = np.argsort(rng.random((size, n)), axis=1)
        contrib = contributions(orders)
        # Chan et al. (1979) pairwise update: stable mean and sum of squares across blocks.
        b_mean = contrib.mean(axis=0)
        b_m2 = ((contrib - b_mean) ** 2).sum(axis=0)
        delta = b_mean - mean
        total = count + size
        mean = mean + delta * size / total
        m2 = m2 + b_m2 + delta**2 * count * size / total
        count = total
    se = np.sqrt(m2 / (count - 1) / count)
    return Allocation(
        names,
        tuple(mean),
        "shapley_sampled",
        kind,
        standard_errors=tuple(se),
        notes=(f"estimated from {m:,} random orders; ± values are standard errors",),
        diagnostics={"n_permutations": m},
    )


def _block_contributions(values: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Marginal contributions ``contrib[r, player]`` for each order ``r`` (masks by cumulative sum)."""
    prefix = np.cumsum(np.left_shift(1, orders, dtype=np.int64), axis=1)
    worth: np.ndarray = values[prefix]
    gains = np.diff(worth, axis=1, prepend=0.0)  # v(∅) = 0
    contrib = np.empty_like(gains)
    np.put_along_axis(contrib, orders, gains, axis=1)
    return contrib


class _CachedValue:
    """A user value function evaluated on coalitions (Python-int masks, any n) with memoisation."""

    def __init__(self, fn: Callable[[frozenset[str]], float], names: tuple[str, ...]):
        self.fn, self.names, self.cache = fn, names, {0: 0.0}

    def contributions(self, orders: np.ndarray) -> np.ndarray:
        contrib = np.empty(orders.shape)
        for r, order in enumerate(orders.tolist()):
            mask, previous = 0, 0.0
            for player in order:
                mask |= 1 << player
                worth = self.cache.get(mask)
                if worth is None:
                    worth = float(self.fn(frozenset(self.names[k] for k in range(len(self.names)) if mask >> k & 1)))
                    self.cache[mask] = worth
                contrib[r, player] = worth - previous
                previous = worth
        return contrib
