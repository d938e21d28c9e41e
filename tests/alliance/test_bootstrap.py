"""Bootstrap intervals of allocations (games/bootstrap.py) cover the exact value of a game with a known answer.

Per-replication coalition values are drawn around a known game (three players, v({i}) = 0.1·i … ); the exact
Shapley value and nucleolus of the mean game are known in closed form, and the percentile intervals from
resampling replications must cover them in most of many independent experiments.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from positivesum.games import Game, nucleolus, shapley
from positivesum.games.bootstrap import bootstrap_allocations, game_from_reps

PLAYERS = ("A", "B", "C")
# A symmetric-ish game with a known Shapley value: v(S) = Σ_{i∈S} a_i + b·[|S| ≥ 2]
A = {"A": 0.10, "B": 0.20, "C": 0.30}
BONUS = 0.30


def exact(members: frozenset) -> float:
    return sum(A[p] for p in members) + (BONUS if len(members) >= 2 else 0.0)


def exact_shapley() -> dict[str, float]:
    # the bonus arrives with the second member: each player is second in 2 of 6 orders, so gets BONUS / 3
    return {p: A[p] + BONUS / 3 for p in PLAYERS}


def draw_reps(rng: np.random.Generator, n: int) -> dict[frozenset, np.ndarray]:
    """Per-replication values: common noise per replication (paired) plus coalition noise, mean = exact."""
    common = rng.normal(0.0, 0.2, n)
    out = {}
    for k in range(1, 4):
        for c in combinations(PLAYERS, k):
            key = frozenset(c)
            out[key] = exact(key) + common * len(key) / 3 + rng.normal(0.0, 0.1, n)
    return out


def test_exact_values_of_the_known_game():
    game = Game.from_function(PLAYERS, exact)
    phi = shapley(game)
    for p, v in exact_shapley().items():
        assert phi[p] == pytest.approx(v)
    # mean game of an exact table is the table itself
    reps = {frozenset(c): np.full(5, exact(frozenset(c))) for k in range(1, 4) for c in combinations(PLAYERS, k)}
    np.testing.assert_allclose(game_from_reps(PLAYERS, reps).values, game.values)


def test_shapley_interval_covers_the_exact_value():
    rng = np.random.default_rng(2026)
    truth = exact_shapley()
    experiments, covered = 40, 0
    for _ in range(experiments):
        out = bootstrap_allocations(PLAYERS, draw_reps(rng, 200), ("shapley",), samples=150, rng=rng)
        covered += all(
            out["rules"]["shapley"][p]["ci95"][0] <= truth[p] <= out["rules"]["shapley"][p]["ci95"][1] for p in PLAYERS
        )
    # three 95 % intervals all covering: nominally ≥ 0.85; allow for the percentile bootstrap's small-sample bias
    assert covered / experiments >= 0.75, covered


def test_nucleolus_and_share_intervals_cover_and_bracket_the_point():
    rng = np.random.default_rng(7)
    reps = draw_reps(rng, 400)
    out = bootstrap_allocations(PLAYERS, reps, ("shapley", "nucleolus"), samples=100, rng=rng)
    exact_nuc = nucleolus(Game.from_function(PLAYERS, exact))
    for p in PLAYERS:
        row = out["rules"]["nucleolus"][p]
        assert row["ci95"][0] <= exact_nuc[p] <= row["ci95"][1]
        assert row["share_pct_ci95"][0] <= row["share_pct"] <= row["share_pct_ci95"][1]
    g = out["grand_value"]
    assert g["ci95"][0] <= exact(frozenset(PLAYERS)) <= g["ci95"][1]


def test_cluster_resampling_keeps_whole_clusters():
    from positivesum.games.bootstrap import resample_indices

    cluster = np.repeat(np.arange(5), 4)
    idx = resample_indices(len(cluster), np.random.default_rng(0), cluster)
    assert len(idx) == 20
    picked = cluster[idx]
    for c in np.unique(picked):
        assert (picked == c).sum() % 4 == 0
