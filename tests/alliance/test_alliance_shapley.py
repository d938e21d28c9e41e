"""Shapley value: the four axioms as properties, textbook games, and the permutation sampler."""

from __future__ import annotations

import math
from itertools import permutations

import numpy as np
import pytest
from alliance_strategies import NAMES, games
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.games import Game, GameError, shapley, shapley_sampled


def _by_orders(game: Game) -> np.ndarray:
    """Definition: the average marginal contribution over all n! orders (independent check)."""
    phi = np.zeros(game.n)
    for order in permutations(range(game.n)):
        mask = 0
        for i in order:
            phi[i] += game.values[mask | 1 << i] - game.values[mask]
            mask |= 1 << i
    return phi / math.factorial(game.n)


@given(games())
@settings(max_examples=60, deadline=None)
def test_matches_definition_and_is_efficient(game):
    phi = shapley(game).as_array()
    assert phi == pytest.approx(_by_orders(game), abs=1e-9)
    assert phi.sum() == pytest.approx(game.grand_value(), abs=1e-9)


@given(games(min_players=2), st.data())
@settings(max_examples=40, deadline=None)
def test_symmetry(game, data):
    i, j = data.draw(st.sampled_from([(i, j) for i in range(game.n) for j in range(i + 1, game.n)]))
    masks = np.arange(1 << game.n)
    bit_i, bit_j = (masks >> i) & 1, (masks >> j) & 1
    swapped = masks & ~(1 << i | 1 << j) | bit_i << j | bit_j << i
    symmetric = Game.from_array(game.players, game.values + game.values[swapped])
    phi = shapley(symmetric).as_array()
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@given(games(max_players=4), st.data())
@settings(max_examples=40, deadline=None)
def test_null_player_gets_nothing(game, data):
    """Add a player who changes no coalition's value: its share is 0 and the others' are unchanged."""
    values = np.concatenate([game.values, game.values])  # bit n (the new player) never matters
    extended = Game.from_array((*game.players, "Z"), values)
    phi = shapley(extended).as_array()
    assert phi[-1] == pytest.approx(0.0, abs=1e-9)
    assert phi[:-1] == pytest.approx(shapley(game).as_array(), abs=1e-9)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(games(n, n), games(n, n))))
@settings(max_examples=40, deadline=None)
def test_additivity(pair):
    a, b = pair
    total = Game.from_array(a.players, a.values + b.values)
    assert shapley(total).as_array() == pytest.approx(shapley(a).as_array() + shapley(b).as_array(), abs=1e-9)


def test_textbook_games():
    glove = Game.from_function(["L", "R1", "R2"], lambda s: float(min("L" in s, len(s & {"R1", "R2"}))))
    assert shapley(glove).shares == pytest.approx((2 / 3, 1 / 6, 1 / 6))
    majority = Game.from_function("ABC", lambda s: float(len(s) >= 2))
    assert shapley(majority).shares == pytest.approx((1 / 3,) * 3)
    # UN Security Council style weighted voting is too big here; a 4-player weighted majority
    # [3; 2, 1, 1, 1] has Shapley–Shubik index (1/2, 1/6, 1/6, 1/6).
    weights = {"A": 2, "B": 1, "C": 1, "D": 1}
    voting = Game.from_function("ABCD", lambda s: float(sum(weights[p] for p in s) >= 3))
    assert shapley(voting).shares == pytest.approx((1 / 2, 1 / 6, 1 / 6, 1 / 6))


def test_cost_game_shares_are_costs():
    cost = Game.from_array(("A", "B"), [0, 10, 6, 12], kind="cost")
    alloc = shapley(cost)
    assert alloc.kind == "cost" and alloc.shares == pytest.approx((8.0, 4.0))


def test_twenty_players_is_exact_and_fast():
    rng = np.random.default_rng(3)
    values = rng.random(1 << 20)
    values[0] = 0.0
    game = Game.from_array([f"p{i}" for i in range(20)], values)
    phi = shapley(game).as_array()
    assert phi.sum() == pytest.approx(values[-1], abs=1e-9)


def test_sampled_is_deterministic_and_within_standard_errors():
    rng = np.random.default_rng(11)
    values = np.round(rng.normal(size=1 << 6) * 10, 3)
    values[0] = 0.0
    game = Game.from_array(NAMES, values)
    exact = shapley(game).as_array()
    first = shapley_sampled(game, np.random.default_rng(42), 20_000)
    again = shapley_sampled(game, np.random.default_rng(42), 20_000)
    assert first.shares == again.shares and first.standard_errors == again.standard_errors
    est, se = first.as_array(), np.array(first.standard_errors)
    assert np.all(np.abs(est - exact) <= 4.5 * se)
    assert est.sum() == pytest.approx(values[-1], abs=1e-9)  # every order sums to v(N)
    # Standard errors shrink like 1/√m.
    quarter = shapley_sampled(game, np.random.default_rng(7), 5_000)
    assert np.array(quarter.standard_errors) == pytest.approx(2 * se, rel=0.15)


def test_sampled_from_a_function_matches_the_game_path():
    game = Game.from_function(["L", "R1", "R2"], lambda s: float(min("L" in s, len(s & {"R1", "R2"}))))
    fn = lambda s: float(min("L" in s, len(s & {"R1", "R2"})))  # noqa: E731
    by_game = shapley_sampled(game, np.random.default_rng(5), 3_000)
    by_fn = shapley_sampled(fn, np.random.default_rng(5), 3_000, players=["L", "R1", "R2"])
    assert by_game.shares == pytest.approx(by_fn.shares, abs=1e-12)
    assert by_fn.standard_errors == pytest.approx(by_game.standard_errors, abs=1e-12)


def test_sampled_scales_past_exact_limits():
    """A 90-player weighted voting game given as a function: efficient, symmetric weights close."""
    weights = {f"p{i}": 1 + i % 3 for i in range(90)}
    quota = sum(weights.values()) / 2
    alloc = shapley_sampled(
        lambda s: float(sum(weights[p] for p in s) > quota), np.random.default_rng(1), 150, players=list(weights)
    )
    assert alloc.total == pytest.approx(1.0)
    shares = alloc.as_array()
    assert shares[2::3].mean() > shares[0::3].mean()  # heavier players get more


def test_sampled_requires_a_generator():
    game = Game.from_array(("A",), [0, 1])
    with pytest.raises(GameError, match="Generator"):
        shapley_sampled(game, 42, 10)
    with pytest.raises(GameError, match="at least 2"):
        shapley_sampled(game, np.random.default_rng(0), 1)
    with pytest.raises(GameError, match="players are required"):
        shapley_sampled(lambda s: 1.0, np.random.default_rng(0), 10)
