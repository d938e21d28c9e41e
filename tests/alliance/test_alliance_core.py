"""Core membership, least core and nucleolus: properties and textbook answers."""

from __future__ import annotations

import numpy as np
import pytest
from alliance_strategies import convex_games, games
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.games import Game, GameError, allocate, core_violations, in_core, least_core, nucleolus, shapley
from positivesum.games.games import subset_sums


def _max_excess(game: Game, x) -> float:
    excess = game.worth - subset_sums(np.asarray(x) * game.sign)
    return float(excess[1:-1].max())


@given(convex_games())
@settings(max_examples=40, deadline=None)
def test_core_allocation_satisfies_every_coalition(game):
    alloc = allocate(game, "core")
    assert not alloc.diagnostics["core_empty"]
    assert core_violations(game, alloc.shares, tol=1e-7) == []
    assert in_core(game, shapley(game).shares, tol=1e-7)  # convex games: Shapley value is in the core


@given(games(min_players=2, max_players=4))
@settings(max_examples=50, deadline=None)
def test_least_core_epsilon_is_attained_and_nucleolus_lies_in_it(game):
    epsilon, x = least_core(game)
    scale = max(1.0, np.abs(game.values).max())
    assert x.sum() == pytest.approx(game.worth[-1], abs=1e-7 * scale)
    assert _max_excess(game, x * game.sign) <= epsilon + 1e-7 * scale
    nuc = nucleolus(game, pre=True)
    assert nuc.total == pytest.approx(game.grand_value(), abs=1e-7 * scale)
    assert _max_excess(game, nuc.shares) == pytest.approx(epsilon, abs=1e-6 * scale)
    if epsilon <= 0:
        assert in_core(game, nuc.shares, tol=1e-7)


@given(games(min_players=2, max_players=4), st.data())
@settings(max_examples=30, deadline=None)
def test_nucleolus_is_symmetric_and_efficient(game, data):
    i, j = data.draw(st.sampled_from([(i, j) for i in range(game.n) for j in range(i + 1, game.n)]))
    masks = np.arange(1 << game.n)
    swapped = masks & ~(1 << i | 1 << j) | ((masks >> i) & 1) << j | ((masks >> j) & 1) << i
    symmetric = Game.from_array(game.players, game.values + game.values[swapped])
    nuc = nucleolus(symmetric)
    assert nuc.shares[i] == pytest.approx(nuc.shares[j], abs=1e-7 * max(1.0, np.abs(symmetric.values).max()))
    assert nuc.total == pytest.approx(symmetric.grand_value(), abs=1e-7)


@given(convex_games(max_players=4))
@settings(max_examples=30, deadline=None)
def test_nucleolus_is_an_imputation_in_the_core(game):
    nuc = nucleolus(game)
    assert nuc.rule == "nucleolus"
    assert np.all(nuc.as_array() >= game.singletons() - 1e-7)
    assert in_core(game, nuc.shares, tol=1e-7)


def test_textbook_nucleolus():
    glove = Game.from_function(["L", "R1", "R2"], lambda s: float(min("L" in s, len(s & {"R1", "R2"}))))
    assert nucleolus(glove).shares == pytest.approx((1, 0, 0), abs=1e-9)
    # Hand-computed: v(i) = 0, v(AB) = 0.8, v(AC) = v(BC) = 0, v(N) = 1. Minimising the largest excess
    # balances −x_C against x_C − 0.2 (the excess of AB), so x_C = 0.1 and A, B split the rest.
    table = {"A": 0, "B": 0, "C": 0, "AB": 0.8, "AC": 0, "BC": 0, "ABC": 1}
    game = Game.from_table("ABC", {tuple(k): v for k, v in table.items()})
    assert nucleolus(game).shares == pytest.approx((0.45, 0.45, 0.1), abs=1e-9)
    majority = Game.from_function("ABC", lambda s: float(len(s) >= 2))
    report = allocate(majority, "core")
    assert report.diagnostics["core_empty"] and report.diagnostics["least_core_epsilon"] == pytest.approx(1 / 3)
    assert report.shares == pytest.approx((1 / 3,) * 3, abs=1e-9)


def test_core_check_reports_violations_largest_first():
    game = Game.from_table(
        ("USA", "JPN", "AUS"),
        {
            ("USA",): 6,
            ("JPN",): 2,
            ("AUS",): 1,
            ("USA", "JPN"): 10,
            ("USA", "AUS"): 8,
            ("JPN", "AUS"): 3.5,
            ("USA", "JPN", "AUS"): 13,
        },
    )
    report = allocate(game, "core", check={"USA": 5, "JPN": 4, "AUS": 4})
    assert not report.diagnostics["checked_in_core"]
    violations = report.diagnostics["violations"]
    assert violations[0] == {"coalition": ["USA"], "shortfall": pytest.approx(1.0)}
    assert [v["coalition"] for v in violations] == [["USA"], ["USA", "JPN"]]
    assert allocate(game, "core", check={"USA": 9, "JPN": 2, "AUS": 2}).diagnostics["checked_in_core"]
    inefficient = core_violations(game, [6, 2, 1])
    assert inefficient[0].coalition == ("USA", "JPN", "AUS") and inefficient[0].shortfall == pytest.approx(4.0)


def test_cost_game_core_uses_cost_inequalities():
    cost = Game.from_array(("A", "B"), [0, 10, 6, 12], kind="cost")
    assert in_core(cost, [7, 5]) and not in_core(cost, [11, 1])
    assert core_violations(cost, [11, 1])[0].shortfall == pytest.approx(1.0)  # A overpays by 1
    assert nucleolus(cost).shares == pytest.approx((8.0, 4.0))


def test_no_imputation_gives_prenucleolus_with_note():
    game = Game.from_array(("A", "B"), [0, 2, 2, 3])
    nuc = nucleolus(game)
    assert nuc.rule == "prenucleolus" and nuc.shares == pytest.approx((1.5, 1.5)) and "prenucleolus" in nuc.notes[0]


def test_lp_size_limit():
    game = Game.from_array([f"p{i}" for i in range(17)], np.r_[0.0, np.ones((1 << 17) - 1)])
    with pytest.raises(GameError, match="limited to 16"):
        nucleolus(game)
