"""One entry point for every allocation rule: ``allocate(game, rule, **options) -> Allocation``.

| rule | options | reference |
|---|---|---|
| ``shapley`` | — | Shapley (1953), exact, n ≤ 20 |
| ``shapley_sampled`` | ``rng`` (numpy Generator), ``n_permutations`` | Castro, Gómez & Tejada (2009) |
| ``core`` | ``check`` (shares to test, player order or mapping) | Gillies (1959); least core: Maschler, Peleg & Shapley (1979) |
| ``nucleolus`` | ``pre`` (prenucleolus) | Schmeidler (1969) |
| ``nash`` | ``weights``, ``disagreement`` (mappings by player) | Nash (1950); Kalai (1977) |
| ``proportional`` | ``weights`` (mapping by player, required) | — |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .allocation import Allocation, nash, proportional
from .core import core, nucleolus
from .games import Game, GameError
from .shapley import shapley, shapley_sampled


def _core(game: Game, check: Mapping[str, float] | Sequence[float] | np.ndarray | None = None) -> Allocation:
    if isinstance(check, Mapping):
        missing = [p for p in game.players if p not in check]
        unknown = sorted(set(check) - set(game.players))
        if missing or unknown:
            raise GameError(
                f"allocation to check must name every player (missing: {missing}, unknown: {unknown})"
                " — give one share per player"
            )
        check = [float(check[p]) for p in game.players]
    return core(game, check)


def _sampled(game: Game, rng: np.random.Generator | None = None, n_permutations: int = 10_000) -> Allocation:
    if rng is None:
        raise GameError("shapley_sampled needs rng=numpy.random.default_rng(seed) — every stochastic rule takes one")
    return shapley_sampled(game, rng, n_permutations)


def _proportional(game: Game, weights: Mapping[str, float] | None = None) -> Allocation:
    if weights is None:
        raise GameError("proportional needs weights={player: weight} (e.g. GDP or budget) — give them")
    return proportional(game, weights)


RULES: dict[str, Callable[..., Allocation]] = {
    "shapley": shapley,
    "shapley_sampled": _sampled,
    "core": _core,
    "nucleolus": nucleolus,
    "nash": nash,
    "proportional": _proportional,
}


def allocate(game: Game, rule: str, **options: Any) -> Allocation:
    """Apply the named rule to a game (see the module table for each rule's options)."""
    try:
        fn = RULES[rule]
    except KeyError:
        raise GameError(f"unknown rule '{rule}' — use one of: {', '.join(RULES)}") from None
    try:
        return fn(game, **options)
    except TypeError as err:
        if "unexpected keyword" in str(err):
            raise GameError(f"rule '{rule}' does not take that option ({err}) — see positivesum.games.rules") from None
        raise
