"""Game construction, sign conventions, helpers (surplus, superadditivity, convexity) and the rule interface."""

from __future__ import annotations

import numpy as np
import pytest
from alliance_strategies import convex_games
from hypothesis import given, settings

from positivesum.games import Allocation, Game, GameError, allocate, is_convex, is_superadditive, nash, surplus

THREE = ("USA", "JPN", "AUS")
TABLE = {
    ("USA",): 6,
    ("JPN",): 2,
    ("AUS",): 1,
    ("USA", "JPN"): 10,
    ("USA", "AUS"): 8,
    ("JPN", "AUS"): 3.5,
    ("USA", "JPN", "AUS"): 13,
}


def test_from_table_function_and_array_agree():
    by_table = Game.from_table(THREE, TABLE)
    by_function = Game.from_function(THREE, lambda s: TABLE[tuple(p for p in THREE if p in s)])
    assert np.array_equal(by_table.values, by_function.values)
    assert by_table.value({"JPN", "USA"}) == 10 and by_table.grand_value() == 13
    assert np.array_equal(Game.from_array(THREE, by_table.values).values, by_table.values)
    assert not by_table.values.flags.writeable


def test_missing_coalition_is_named():
    table = dict(TABLE)
    del table[("JPN", "AUS")]
    with pytest.raises(GameError, match=r"no value for coalition \{JPN, AUS\}"):
        Game.from_table(THREE, table)


@pytest.mark.parametrize(
    "players, values, message",
    [
        (("A", "A"), [0, 1, 1, 2], "listed twice"),
        ((), [0], "at least one player"),
        (("A", "B"), [0, 1, 2], "expected 4 coalition values"),
        (("A",), [1, 2], "empty coalition must be worth 0"),
        (("A",), [0, np.inf], "not finite"),
        (tuple(f"p{i}" for i in range(21)), [0], "at most 20"),
    ],
)
def test_bad_games_are_rejected(players, values, message):
    with pytest.raises(GameError, match=message):
        Game.from_array(players, values)


def test_unknown_player_in_table():
    with pytest.raises(GameError, match="unknown player 'KOR'"):
        Game.from_table(("USA",), {("USA",): 1, ("KOR",): 2})


def test_surplus_and_properties():
    game = Game.from_table(THREE, TABLE)
    assert surplus(game) == pytest.approx(4.0)
    assert is_superadditive(game)
    not_super = Game.from_array(("A", "B"), [0, 1, 1, 1.5])
    assert not is_superadditive(not_super) and surplus(not_super) == pytest.approx(-0.5)
    majority = Game.from_function("ABC", lambda s: float(len(s) >= 2))
    assert is_superadditive(majority) and not is_convex(majority)


def test_cost_game_sign_convention():
    """A cost game's surplus is the saving; its nash shares are stand-alone costs minus a share of the saving."""
    cost = Game.from_array(("A", "B"), [0, 10, 6, 12], kind="cost")
    assert surplus(cost) == pytest.approx(4.0)
    assert nash(cost).shares == pytest.approx((8.0, 4.0))
    assert is_superadditive(cost)  # c subadditive


@given(convex_games())
@settings(max_examples=40, deadline=None)
def test_unanimity_combinations_are_convex(game):
    assert is_convex(game) and is_superadditive(game)


def test_nash_weights_and_disagreement():
    game = Game.from_table(THREE, TABLE)
    equal = allocate(game, "nash")
    assert equal.shares == pytest.approx((6 + 4 / 3, 2 + 4 / 3, 1 + 4 / 3))
    weighted = allocate(game, "nash", weights={"USA": 2, "JPN": 1, "AUS": 1})
    assert weighted.shares == pytest.approx((8.0, 3.0, 2.0))
    custom = allocate(game, "nash", disagreement={"USA": 5, "JPN": 2, "AUS": 0})
    assert custom.shares == pytest.approx((7.0, 4.0, 2.0))


def test_proportional_needs_complete_weights():
    game = Game.from_table(THREE, TABLE)
    alloc = allocate(game, "proportional", weights={"USA": 2, "JPN": 1, "AUS": 1})
    assert alloc.shares == pytest.approx((6.5, 3.25, 3.25))
    with pytest.raises(GameError, match="missing"):
        allocate(game, "proportional", weights={"USA": 1})
    with pytest.raises(GameError, match="needs weights"):
        allocate(game, "proportional")


def test_allocate_rejects_unknown_rule_and_option():
    game = Game.from_table(THREE, TABLE)
    with pytest.raises(GameError, match="unknown rule 'banzhaf'"):
        allocate(game, "banzhaf")
    with pytest.raises(GameError, match="does not take that option"):
        allocate(game, "shapley", weights={})
    with pytest.raises(GameError, match="rng"):
        allocate(game, "shapley_sampled")


def test_allocation_views():
    alloc = Allocation(("A", "B"), (1.0, 2.0), "x", standard_errors=(0.1, 0.2), notes=("n",), diagnostics={"k": 1})
    assert alloc["B"] == 2.0 and alloc.total == 3.0
    frame = alloc.to_frame()
    assert list(frame.columns) == ["share", "standard_error"] and frame.loc["A", "share"] == 1.0
    d = alloc.to_dict()
    assert d["shares"] == {"A": 1.0, "B": 2.0} and d["standard_errors"] == {"A": 0.1, "B": 0.2}
    assert d["diagnostics"] == {"k": 1} and d["notes"] == ["n"]
    with pytest.raises(TypeError):
        alloc.diagnostics["k"] = 2
