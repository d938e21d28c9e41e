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
from positivesum.sim.setup import MEAN_INNER_REPLICATIONS

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


def draw_clustered(rng: np.random.Generator, draws: int, per_draw: int) -> dict[frozenset, np.ndarray]:
    """Per-replication values whose noise is mostly shared within a parameter draw (as the campaign's outer draws
    are): each coalition gets a shift per draw, plus small replication noise; mean = exact."""
    out = {}
    for k in range(1, 4):
        for c in combinations(PLAYERS, k):
            key = frozenset(c)
            shift = np.repeat(rng.normal(0.0, 0.1, draws), per_draw)
            out[key] = exact(key) + shift + rng.normal(0.0, 0.05, draws * per_draw)
    return out


def test_resampling_whole_draws_covers_where_resampling_replications_does_not():
    """Why the fair shares resample outer draws: with noise shared within a draw, replications are not independent;
    intervals that resample them one by one are far too narrow and miss the exact Shapley value, those that
    resample whole draws cover it."""
    rng = np.random.default_rng(11)
    truth = exact_shapley()
    draws, per_draw = 16, 32
    cluster = np.repeat(np.arange(draws), per_draw)
    experiments = 30
    covered = {"replications": 0, "draws": 0}
    for _ in range(experiments):
        reps = draw_clustered(rng, draws, per_draw)
        for name, cl in (("replications", None), ("draws", cluster)):
            out = bootstrap_allocations(PLAYERS, reps, ("shapley",), samples=100, rng=rng, cluster=cl)
            rows = out["rules"]["shapley"]
            covered[name] += all(rows[p]["ci95"][0] <= truth[p] <= rows[p]["ci95"][1] for p in PLAYERS)
    assert covered["draws"] / experiments >= 0.6, covered
    assert covered["replications"] / experiments <= 0.4, covered


def test_fair_shares_resample_the_studys_outer_draws():
    """services/alliance.py bootstraps over the outer draws of the study's replications (sim/runner.py
    ``outer_draw_ids``), and the basing value's interval is the paired, clustered one."""
    from positivesum.alliance.coalitions import CoalitionOutcome, CoalitionStudy
    from positivesum.plan.deterrence import mean_interval
    from positivesum.services.alliance_intervals import access_reps as _access_reps
    from positivesum.services.alliance_intervals import bootstrap_shares as _bootstrap
    from positivesum.sim.runner import outer_draw_ids

    rng = np.random.default_rng(3)
    reps, weights = 512, {"s1": 0.75, "s2": 0.25}

    def outcome(members, level):
        scores = {s: np.clip(level + rng.normal(0.0, 0.3, reps), 0, 1) for s in weights}
        return CoalitionOutcome(frozenset(members), [], 0.0, {}, 0.0, rep_scores=scores)

    outcomes = {frozenset(k): outcome(k, 0.2 + 0.1 * len(k)) for r in range(0, 3) for k in combinations("AB", r)}
    study = CoalitionStudy(["A", "B"], outcomes, reps, 1, weights, {"user_alone_with_host_bases": outcome("A", 0.4)})
    out = _bootstrap(study, ["A", "B"], 50, 1)
    # the studies simulate one replication per parameter draw (decision record 0017): 512 draws
    assert out["resampled_units"] == 512 and "outer parameter draws" in out["method"]
    expected = bootstrap_allocations(
        ["A", "B"],
        study.rep_values(),
        ("shapley", "nucleolus"),
        samples=50,
        rng=np.random.default_rng(1),
        cluster=outer_draw_ids(reps, MEAN_INNER_REPLICATIONS),
    )
    assert out["rules"] == expected["rules"]
    diff = _access_reps(study, "A")
    by_hand = sum(
        w * (study.extra["user_alone_with_host_bases"].rep_scores[s] - outcomes[frozenset("A")].rep_scores[s])
        for s, w in weights.items()
    )
    np.testing.assert_allclose(diff, by_hand)
    assert mean_interval(diff, outer_draw_ids(reps, MEAN_INNER_REPLICATIONS))["ci95"][0] < diff.mean()


def test_outer_draw_ids_number_draws_as_the_runner_does():
    """The runner numbers outer draws across its blocks; outer_draw_ids gives the same numbers for any count,
    including one that ends in a partial block and a partial draw."""
    from positivesum.model.loader import load_dataset
    from positivesum.sim.runner import BLOCK_SIZE, outer_draw_ids, simulate_arrays
    from positivesum.sim.setup import build_setup

    setup = build_setup(load_dataset().dataset, "korea_contingency")
    reps = BLOCK_SIZE + 45
    merged, _trace = simulate_arrays(setup, reps, 5)
    np.testing.assert_array_equal(merged["outer"], outer_draw_ids(reps))


def _stratum_reps(rng: np.random.Generator, offset: float, draws: int, per_draw: int) -> dict[frozenset, np.ndarray]:
    """One scenario's per-replication values: the known game shifted by ``offset``, noise shared within a draw."""
    out = {}
    for k in range(1, 4):
        for c in combinations(PLAYERS, k):
            key = frozenset(c)
            shift = np.repeat(rng.normal(0.0, 0.1, draws), per_draw)
            out[key] = exact(key) + offset * len(key) + shift + rng.normal(0.0, 0.05, draws * per_draw)
    return out


def test_the_stratified_game_is_the_weighted_sum_of_its_strata():
    from positivesum.games.bootstrap import Stratum, stratified_game

    rng = np.random.default_rng(5)
    one, two = _stratum_reps(rng, 0.0, 4, 8), _stratum_reps(rng, 0.1, 6, 8)
    game = stratified_game(PLAYERS, [Stratum(0.25, one), Stratum(0.75, two)])
    for k in range(1, 4):
        for c in combinations(PLAYERS, k):
            key = frozenset(c)
            want = 0.25 * one[key].mean() + 0.75 * two[key].mean()
            assert game.value(key) == pytest.approx(want)


def test_the_stratified_bootstrap_covers_the_exact_value():
    """Two independent scenarios of different sizes (their own replications and draws, as the coalition study
    allocates them), weights 0.7 and 0.3, stratum 2 adding 0.1 per member: the exact Shapley value of the weighted
    game is A_i + BONUS/3 + 0.3·0.1. Intervals that resample each stratum's draws on their own cover it."""
    from positivesum.games.bootstrap import Stratum, stratified_bootstrap_allocations

    rng = np.random.default_rng(17)
    truth = {p: v + 0.3 * 0.1 for p, v in exact_shapley().items()}
    experiments, covered = 40, 0
    for _ in range(experiments):
        strata = [
            Stratum(0.7, _stratum_reps(rng, 0.0, 24, 16), np.repeat(np.arange(24), 16)),
            Stratum(0.3, _stratum_reps(rng, 0.1, 10, 16), np.repeat(np.arange(10), 16)),
        ]
        out = stratified_bootstrap_allocations(PLAYERS, strata, ("shapley",), samples=120, rng=rng)
        rows = out["rules"]["shapley"]
        covered += all(rows[p]["ci95"][0] <= truth[p] <= rows[p]["ci95"][1] for p in PLAYERS)
    assert covered / experiments >= 0.75, covered


def test_one_stratum_is_the_plain_bootstrap():
    """With a single stratum of weight 1 the stratified bootstrap draws exactly what the plain one draws."""
    from positivesum.games.bootstrap import Stratum, stratified_bootstrap_allocations

    reps = draw_clustered(np.random.default_rng(2), 8, 4)
    cluster = np.repeat(np.arange(8), 4)
    plain = bootstrap_allocations(PLAYERS, reps, samples=30, rng=np.random.default_rng(9), cluster=cluster)
    strat = stratified_bootstrap_allocations(
        PLAYERS, [Stratum(1.0, reps, cluster)], samples=30, rng=np.random.default_rng(9)
    )
    assert strat["rules"] == plain["rules"]
    assert strat["grand_value"] == plain["grand_value"]


def test_an_allocated_study_is_bootstrapped_by_scenario():
    """A coalition study whose scenarios have their own replications (plan/allocation.py) is resampled stratum by
    stratum, and the basing value's interval is the stratified one of the scenarios' clustered intervals."""
    from positivesum.alliance.coalitions import CoalitionOutcome, CoalitionStudy
    from positivesum.games.bootstrap import stratified_bootstrap_allocations
    from positivesum.plan.allocation import ScenarioRuns, stratified_interval
    from positivesum.plan.deterrence import mean_interval
    from positivesum.services.alliance_intervals import access_interval, bootstrap_shares, by_scenario
    from positivesum.sim.runner import outer_draw_ids

    rng = np.random.default_rng(4)
    weights = {"s1": 0.75, "s2": 0.25}
    runs = ScenarioRuns(512, 1, {"s1": 512, "s2": 256}, {"s1": 11, "s2": 12})

    def outcome(members, level):
        scores = {s: np.clip(level + rng.normal(0.0, 0.3, runs.reps[s]), 0, 1) for s in weights}
        return CoalitionOutcome(frozenset(members), [], 0.0, {s: 0.0 for s in weights}, 0.0, rep_scores=scores)

    outcomes = {frozenset(k): outcome(k, 0.2 + 0.1 * len(k)) for r in range(0, 3) for k in combinations("AB", r)}
    extra = {"user_alone_with_host_bases": outcome("A", 0.4)}
    study = CoalitionStudy(["A", "B"], outcomes, 512, 1, weights, extra, runs)
    strata = study.strata()
    assert [len(st.reps[frozenset("A")]) for st in strata] == [512, 256]
    assert [st.weight for st in strata] == [0.75, 0.25]
    out = bootstrap_shares(study, ["A", "B"], 40, 1)
    assert out["resampled_units"] == 512 + 256 and out["strata"] == 2 and "stratified" in out["method"]
    expected = stratified_bootstrap_allocations(
        ["A", "B"], strata, ("shapley", "nucleolus"), samples=40, rng=np.random.default_rng(1)
    )
    assert out["rules"] == expected["rules"]
    per = {
        s: mean_interval(
            extra["user_alone_with_host_bases"].rep_scores[s] - outcomes[frozenset("A")].rep_scores[s],
            outer_draw_ids(runs.reps[s], MEAN_INNER_REPLICATIONS),
        )
        for s in weights
    }
    assert access_interval(study, "A")["ci95"] == pytest.approx(stratified_interval(per, weights)["ci95"])
    rows = by_scenario(study, ["A", "B"], ["s1", "s2"], 20, 1)
    assert set(rows["s2"]["shapley_ci95"]) == {"A", "B"}


def test_every_coalitions_value_has_its_interval_and_covers_the_exact_value():
    rng = np.random.default_rng(11)
    out = bootstrap_allocations(PLAYERS, draw_reps(rng, 400), ("shapley",), samples=150, rng=rng)
    coalitions = out["coalitions"]
    assert len(coalitions) == 2 ** len(PLAYERS) and coalitions[""] == {"value": 0.0, "ci95": [0.0, 0.0]}
    grand = "+".join(sorted(PLAYERS))
    assert coalitions[grand]["value"] == out["grand_value"]["value"]
    assert coalitions[grand]["ci95"] == out["grand_value"]["ci95"]
    covered = 0
    for k in range(1, len(PLAYERS) + 1):
        for c in combinations(PLAYERS, k):
            row = coalitions["+".join(sorted(c))]
            assert row["ci95"][0] <= row["value"] <= row["ci95"][1]
            covered += row["ci95"][0] <= exact(frozenset(c)) <= row["ci95"][1]
    assert covered >= 2 ** len(PLAYERS) - 2  # seven 95 % intervals: at most one may miss by chance here
