"""Airport and bankruptcy closed forms against the general algorithms, textbook numbers and timing."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.games import AirportGame, BankruptcyProblem, GameError, in_core, nucleolus, shapley


@st.composite
def airports(draw, max_users: int = 7) -> AirportGame:
    k = draw(st.integers(1, 4))
    users = draw(st.lists(st.integers(1, 3), min_size=k, max_size=k).filter(lambda u: sum(u) <= max_users))
    costs = draw(st.lists(st.integers(0, 100), min_size=k, max_size=k))  # ties and zero costs included
    return AirportGame(tuple(f"t{i}" for i in range(k)), np.array(users), np.array(costs, dtype=float))


@given(airports())
@settings(max_examples=60, deadline=None)
def test_airport_closed_form_equals_exact_shapley(airport):
    exact = shapley(airport.to_game()).as_array()
    assert airport.per_user() == pytest.approx(exact, abs=1e-9)
    assert airport.shapley().total == pytest.approx(airport.cumulative_cost.max())
    assert in_core(airport.to_game(), exact, tol=1e-9)  # concave cost game: Shapley is in the core


def test_airport_hand_computed():
    """Types (users, cost): s (2, 10), l (3, 20), m (1, 30). Segment 10 is shared by 6 users, the next
    10 by the 4 users of l and m, the last 10 by m's single user."""
    airport = AirportGame(("s", "m", "l"), np.array([2, 1, 3]), np.array([10.0, 30.0, 20.0]))
    assert airport.charge_per_user() == pytest.approx((10 / 6, 10 / 6 + 10 / 4 + 10, 10 / 6 + 10 / 4))
    assert airport.user_names() == ("s#1", "s#2", "m#1", "l#1", "l#2", "l#3")
    alloc = airport.shapley()
    assert alloc.kind == "cost" and alloc["l"] == pytest.approx(3 * (10 / 6 + 2.5))


def _best_of(fn, repeats: int = 5) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("total_users", [10_000, 100_000])
def test_airport_scales(total_users):
    rng = np.random.default_rng(0)
    types = total_users // 10
    airport = AirportGame(tuple(f"t{k}" for k in range(types)), np.full(types, 10), rng.uniform(0, 1e3, types))
    seconds = _best_of(lambda: (airport.shapley(), airport.per_user()))
    assert airport.per_user().size == total_users
    assert airport.per_user().sum() == pytest.approx(airport.cumulative_cost.max())
    assert seconds < 1.0, f"{total_users} users took {seconds:.3f} s"


def test_airport_rejects_bad_input():
    with pytest.raises(GameError, match="≥ 1"):
        AirportGame(("a",), np.array([0]), np.array([1.0]))
    with pytest.raises(GameError, match="listed twice"):
        AirportGame(("a", "a"), np.array([1, 1]), np.array([1.0, 2.0]))
    with pytest.raises(GameError, match="limited to 20"):
        AirportGame(("a",), np.array([21]), np.array([1.0])).to_game()


@pytest.mark.parametrize(
    "estate, talmud, cea, cel, prop",
    [
        (100, (100 / 3,) * 3, (100 / 3,) * 3, (0, 0, 100), (50 / 3, 100 / 3, 50)),
        (200, (50, 75, 75), (200 / 3,) * 3, (0, 50, 150), (100 / 3, 200 / 3, 100)),
        (300, (50, 100, 150), (100, 100, 100), (0, 100, 200), (50, 100, 150)),
    ],
)
def test_talmud_numbers(estate, talmud, cea, cel, prop):
    """Ketubot 93a as analysed by Aumann & Maschler (1985): claims 100, 200, 300."""
    problem = BankruptcyProblem.from_mapping(estate, {"w1": 100, "w2": 200, "w3": 300})
    assert problem.talmud().shares == pytest.approx(talmud)
    assert problem.cea().shares == pytest.approx(cea)
    assert problem.cel().shares == pytest.approx(cel)
    assert problem.proportional().shares == pytest.approx(prop)
    assert nucleolus(problem.to_game()).shares == pytest.approx(talmud, abs=1e-7)


@st.composite
def bankruptcies(draw, max_claimants: int = 5) -> BankruptcyProblem:
    claims = draw(st.lists(st.integers(0, 60), min_size=2, max_size=max_claimants).filter(lambda c: sum(c) > 0))
    share = draw(st.floats(0, 1))
    return BankruptcyProblem(
        tuple(f"c{i}" for i in range(len(claims))), np.array(claims, dtype=float), share * sum(claims)
    )


@given(bankruptcies())
@settings(max_examples=60, deadline=None)
def test_talmud_is_the_nucleolus(problem):
    assert nucleolus(problem.to_game()).shares == pytest.approx(problem.talmud().shares, abs=1e-7)


@given(bankruptcies(max_claimants=7))
@settings(max_examples=60, deadline=None)
def test_claims_rules_are_feasible(problem):
    for alloc in (problem.talmud(), problem.cea(), problem.cel(), problem.proportional()):
        x = alloc.as_array()
        assert x.sum() == pytest.approx(problem.estate, abs=1e-9)
        assert np.all(x >= -1e-9) and np.all(x <= problem.claims + 1e-9)


def test_bankruptcy_rejects_an_estate_above_the_claims():
    with pytest.raises(GameError, match="exceeds the total claims"):
        BankruptcyProblem.from_mapping(50, {"a": 10, "b": 20})


@pytest.mark.parametrize("factor", [1e-12, 1e-6, 1.0, 1e6])
def test_the_nucleolus_does_not_depend_on_the_units(factor):
    """A game worth almost nothing is solved as well as the same game in larger units (the LPs are scaled by the
    game's magnitude, not floored at 1): hypothesis found this estate of 1.01e-10 making the nucleolus LP
    infeasible below HiGHS's absolute tolerance."""
    problem = BankruptcyProblem(tuple(f"c{i}" for i in range(5)), np.array([0.0, 1, 40, 60, 0]) * factor, 101 * factor)
    tiny = BankruptcyProblem(problem.claimants, problem.claims, 1.01e-10 * factor)
    for p in (problem, tiny):
        shares = np.array(nucleolus(p.to_game()).shares)
        assert shares == pytest.approx(np.array(p.talmud().shares), rel=1e-7, abs=1e-7 * p.estate)
