"""Vectorised campaign mechanics (positivesum.sim.mechanics) against exact or hand-computed answers.

Each function is one textbook rule; where the rule is deterministic the expected
value is computed by hand in the comment next to the assertion, and where it is
random the large-sample mean is checked against its expectation within a few
standard errors (fixed seeds, so every test is reproducible).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from positivesum.sim import mechanics as M
from positivesum.sim.mechanics import (
    PoolMap,
    air_exchange,
    allocate,
    base_strike,
    kills_from_hits,
    onehot,
    pool_fire,
    salvo_hits,
    sortie_range_factor,
    sparse_binomial,
    stoch_round,
)
from positivesum.sim.results import mean_ci, wilson_interval

FEW = settings(max_examples=40, deadline=None)
finite = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- stoch_round -------------------------------------------------------------------------------
@FEW
@given(hnp.arrays(float, st.integers(1, 50), elements=st.floats(-1e6, 1e6, allow_nan=False)), st.integers(0, 2**32 - 1))
def test_stoch_round_is_floor_or_ceil(x, seed):
    r = stoch_round(x, rng(seed))
    assert r.shape == x.shape
    assert np.all((r == np.floor(x)) | (r == np.ceil(x)))


def test_stoch_round_keeps_integers_exactly():
    x = np.array([-3.0, 0.0, 1.0, 7.0, 1e9])
    np.testing.assert_array_equal(stoch_round(x, rng(1)), x)


@pytest.mark.parametrize("x", [0.3, 2.75, 10.5, 123.01])
def test_stoch_round_is_unbiased(x):
    n = 200_000
    draws = stoch_round(np.full(n, x), rng(2))
    frac = x - math.floor(x)
    se = math.sqrt(frac * (1 - frac) / n)  # Bernoulli(frac) on top of floor(x)
    assert abs(draws.mean() - x) < 5 * se
    # the fraction of ceilings is the fractional part
    assert abs((draws == math.ceil(x)).mean() - frac) < 5 * se


def test_stoch_round_total_relative_spread_falls_like_one_over_sqrt_n():
    """Convergence: the total of n rounded halves has CV = 1/sqrt(n) exactly (Binomial(n, 1/2))."""
    g = rng(3)
    cvs = {}
    for n in (25, 2500):
        totals = stoch_round(np.full((4000, n), 0.5), g).sum(axis=1)
        cvs[n] = totals.std(ddof=1) / totals.mean()
        assert cvs[n] == pytest.approx(1 / math.sqrt(n), rel=0.08)
    assert cvs[25] / cvs[2500] == pytest.approx(10.0, rel=0.12)


@pytest.mark.parametrize("p", [0.3, "rows"])
def test_sparse_binomial_is_rng_binomial_draw_for_draw(p):
    """Drawing only where n > 0 gives the numbers, and leaves the stream, exactly as rng.binomial(n, p)."""
    g = rng(8)
    n = np.where(g.random((500, 20)) < 0.8, 0, g.integers(1, 30, (500, 20)))
    pk = g.random((500, 1)) if p == "rows" else p
    a, b = rng(4), rng(4)
    np.testing.assert_array_equal(sparse_binomial(n, pk, a), b.binomial(n, pk))
    assert a.random() == b.random()


# --- onehot / PoolMap --------------------------------------------------------------------------
def test_onehot_rows_and_missing_index():
    m = onehot(np.array([2, -1, 0]), 3)
    np.testing.assert_array_equal(m, [[0, 0, 1], [0, 0, 0], [1, 0, 0]])


def test_poolmap_compacts_to_pools_used():
    pm = PoolMap(np.array([3, -1, 3, 1]), n_pools=5)
    np.testing.assert_array_equal(pm.cols, [1, 3])
    np.testing.assert_array_equal(pm.matrix, [[0, 1], [0, 0], [0, 1], [1, 0]])
    assert pm.n_pools == 5


# --- pool_fire ---------------------------------------------------------------------------------
def test_pool_fire_rations_proportionally_two_shooters_one_pool():
    # Shooters 0 and 1 share pool 0 (stock 20); shooter 2 has no munition; pool 1 is untouched.
    pm = PoolMap(np.array([0, 0, -1]), n_pools=2)
    demand = np.array([[30.0, 10.0, 7.0]])
    stock = np.array([[20.0, 5.0]])
    expended = np.zeros_like(stock)
    fired = pool_fire(demand, pm, stock, expended)
    # wanted 40 > stock 20 -> every shooter gets half its demand: 15 and 5; the unarmed one fires nothing
    np.testing.assert_allclose(fired, [[15.0, 5.0, 0.0]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(stock, [[0.0, 5.0]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(expended, [[20.0, 0.0]], rtol=0, atol=1e-12)


def test_pool_fire_fills_demand_when_stock_suffices_and_accumulates_expended():
    pm = PoolMap(np.array([1, 0, 1]), n_pools=2)
    demand = np.array([[3.0, 4.0, 5.0], [0.0, 0.0, 0.0]])
    stock = np.array([[10.0, 100.0], [10.0, 100.0]])
    expended = np.array([[1.0, 2.0], [0.0, 0.0]])
    fired = pool_fire(demand, pm, stock, expended)
    np.testing.assert_array_equal(fired, demand)
    np.testing.assert_array_equal(stock, [[6.0, 92.0], [10.0, 100.0]])
    np.testing.assert_array_equal(expended, [[5.0, 10.0], [0.0, 0.0]])


def test_pool_fire_empty_pool_fires_nothing():
    pm = PoolMap(np.array([0, 0]), n_pools=1)
    stock = np.zeros((1, 1))
    fired = pool_fire(np.array([[5.0, 5.0]]), pm, stock, np.zeros((1, 1)))
    np.testing.assert_array_equal(fired, [[0.0, 0.0]])
    np.testing.assert_array_equal(stock, [[0.0]])


def test_pool_fire_without_shooters_or_pools():
    stock = np.array([[4.0]])
    out = pool_fire(np.zeros((1, 0)), PoolMap(np.zeros(0, dtype=np.int64), 1), stock, np.zeros((1, 1)))
    assert out.shape == (1, 0)
    out = pool_fire(np.array([[3.0]]), PoolMap(np.array([-1]), 1), stock, np.zeros((1, 1)))
    np.testing.assert_array_equal(out, [[0.0]])
    np.testing.assert_array_equal(stock, [[4.0]])


@FEW
@given(data=st.data())
def test_pool_fire_conserves_rounds(data):
    r = data.draw(st.integers(1, 4))
    k = data.draw(st.integers(1, 6))
    p = data.draw(st.integers(1, 4))
    pool_index = np.array(data.draw(st.lists(st.integers(-1, p - 1), min_size=k, max_size=k)))
    demand = data.draw(hnp.arrays(float, (r, k), elements=finite))
    stock0 = data.draw(hnp.arrays(float, (r, p), elements=finite))
    stock, expended = stock0.copy(), np.zeros_like(stock0)
    pm = PoolMap(pool_index, p)
    fired = pool_fire(demand, pm, stock, expended)
    tol = 1e-9 * (1 + stock0.max() + demand.max())
    # what was fired leaves exactly one stock: fired per pool == expended, stock + expended == initial stock
    per_pool = np.zeros_like(stock0)
    for j, pool in enumerate(pool_index):
        if pool >= 0:
            per_pool[:, pool] += fired[:, j]
    np.testing.assert_allclose(per_pool, expended, rtol=0, atol=tol)
    np.testing.assert_allclose(stock + expended, stock0, rtol=0, atol=tol)
    assert np.all(stock >= 0)
    assert np.all(fired >= 0) and np.all(fired <= demand + tol)
    assert np.all(fired[:, pool_index < 0] == 0)
    # rationing is proportional: on each pool every shooter gets the same fraction of its demand
    for pool in set(pool_index[pool_index >= 0].tolist()):
        on = pool_index == pool
        wanted = demand[:, on].sum(axis=1)
        ratio = np.minimum(1.0, stock0[:, pool] / np.maximum(wanted, 1e-12))
        np.testing.assert_allclose(fired[:, on], demand[:, on] * ratio[:, None], rtol=1e-12, atol=tol)


# --- FireMap (shooter-munition pairs), if this version of the engine has it ---------------------
@pytest.mark.skipif(not hasattr(M, "FireMap"), reason="engine version without FireMap")
def test_firemap_splits_demand_by_remaining_stock_and_conserves():
    # group 0 can fire pools 0 and 1, group 1 only pool 1
    fm = M.FireMap(np.array([0, 0, 1]), np.array([0, 1, 1]), n_groups=2, n_pools=2)
    stock = np.array([[30.0, 10.0]])
    stock0 = stock.copy()
    expended = np.zeros_like(stock)
    fired = fm.fire(np.array([[8.0, 4.0]]), stock, expended)
    # group 0 splits 8 as 30:10 -> 6 on pool 0, 2 on pool 1; group 1 wants 4 of pool 1; no rationing needed
    np.testing.assert_allclose(fired, [[6.0, 2.0, 4.0]], atol=1e-12)
    np.testing.assert_allclose(fm.to_groups(fired), [[8.0, 4.0]], atol=1e-12)
    np.testing.assert_allclose(stock + expended, stock0, atol=1e-12)
    np.testing.assert_allclose(expended, [[6.0, 6.0]], atol=1e-12)


# --- salvo_hits --------------------------------------------------------------------------------
def test_salvo_without_interceptors_passes_everything():
    would_hit = np.array([0.0, 1.0, 5.0, 40.0])
    hits, shots = salvo_hits(would_hit, np.zeros(4), 0.9, rng(4))
    np.testing.assert_array_equal(hits, would_hit)
    np.testing.assert_array_equal(shots, np.zeros(4))


def test_salvo_with_unlimited_perfect_interceptors_passes_nothing():
    would_hit = np.array([0.0, 1.0, 5.0, 40.0])
    hits, shots = salvo_hits(would_hit, np.full(4, np.inf), 1.0, rng(5))
    np.testing.assert_array_equal(hits, np.zeros(4))
    np.testing.assert_array_equal(shots, would_hit)


def test_salvo_interceptor_pk_zero_passes_everything():
    would_hit = np.array([3.0, 9.0])
    hits, shots = salvo_hits(would_hit, np.array([10.0, 4.0]), 0.0, rng(6))
    np.testing.assert_array_equal(hits, would_hit)
    np.testing.assert_array_equal(shots, [3.0, 4.0])


def test_salvo_mean_matches_hughes_expectation():
    # 100 would-hit, 40 interceptors with pk 0.5: E[hits] = 100 - 40*0.5 = 80, var = 40*0.25 = 10
    n = 50_000
    hits, shots = salvo_hits(np.full(n, 100.0), np.full(n, 40.0), 0.5, rng(7))
    assert np.all(shots == 40) and np.all((hits >= 60) & (hits <= 100))
    assert abs(hits.mean() - 80.0) < 5 * math.sqrt(10.0 / n)
    assert hits.var() == pytest.approx(10.0, rel=0.05)


def test_salvo_total_relative_spread_falls_like_one_over_sqrt_n():
    """Convergence: hits = W - Binomial(W, p); CV of hits over n engagements shrinks as 1/sqrt(n)."""
    g = rng(8)
    cv = {}
    for n in (10, 1000):
        hits, _ = salvo_hits(np.full((3000, n), 4.0), np.full((3000, n), 4.0), 0.5, g)
        totals = hits.sum(axis=1)
        cv[n] = totals.std(ddof=1) / totals.mean()
        # per engagement mean 2, variance 1 -> CV of the total = sqrt(n)/(2n) = 1/(2 sqrt(n))
        assert cv[n] == pytest.approx(1 / (2 * math.sqrt(n)), rel=0.08)
    assert cv[10] / cv[1000] == pytest.approx(10.0, rel=0.12)


# --- allocate ------------------------------------------------------------------------------------
def test_allocate_exact_split():
    total = np.array([10.0, 6.0, 5.0])
    weights = np.array([[1.0, 3.0, 0.0], [0.0, 0.0, 0.0], [2.0, 2.0, 1.0]])
    out = allocate(total, weights)
    np.testing.assert_allclose(out, [[2.5, 7.5, 0.0], [0.0, 0.0, 0.0], [2.0, 2.0, 1.0]], rtol=0, atol=1e-12)


@FEW
@given(data=st.data())
def test_allocate_sums_to_total_and_is_zero_without_weight(data):
    r, k = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 6))
    total = data.draw(hnp.arrays(float, (r,), elements=finite))
    weights = data.draw(hnp.arrays(float, (r, k), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e3))))
    out = allocate(total, weights)
    assert np.all(out[weights == 0] == 0)
    has = weights.sum(axis=1) > 0
    np.testing.assert_allclose(out.sum(axis=1)[has], total[has], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(out[~has], 0.0)
    # proportional: out / weight is the same for every weighted target in a row
    for i in np.nonzero(has)[0]:
        w = weights[i] > 0
        np.testing.assert_allclose(out[i, w] / weights[i, w], total[i] / weights[i].sum(), rtol=1e-9, atol=1e-12)


# --- kills_from_hits ------------------------------------------------------------------------------
def test_kills_from_hits_exact_when_integral():
    count = np.array([[10.0, 10.0, 3.0, 0.0]])
    hits = np.array([[6.0, 30.0, 2.0, 5.0]])
    htk = np.array([2.0, 2.0, 1.0, 1.0])
    # 6/2 = 3; 30/2 = 15 capped at 10; 2/1 = 2; nothing left to kill in the last group
    np.testing.assert_array_equal(kills_from_hits(hits, count, htk, rng(9)), [[3.0, 10.0, 2.0, 0.0]])


@FEW
@given(data=st.data())
def test_kills_from_hits_never_exceed_counts(data):
    r, k = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 6))
    count = data.draw(hnp.arrays(float, (r, k), elements=st.integers(0, 50).map(float)))
    hits = data.draw(hnp.arrays(float, (r, k), elements=st.floats(0, 500)))
    htk = data.draw(hnp.arrays(float, (k,), elements=st.floats(0.5, 5)))
    kills = kills_from_hits(hits, count, htk, rng(data.draw(st.integers(0, 1000))))
    assert np.all(kills <= count) and np.all(kills >= 0)
    assert np.all(kills == np.round(kills))
    assert np.all(kills <= np.ceil(hits / htk))


def test_kills_from_hits_mean_is_hits_over_staying_power():
    n = 100_000
    kills = kills_from_hits(np.full((n, 1), 5.0), np.full((n, 1), 100.0), np.array([2.0]), rng(10))
    assert abs(kills.mean() - 2.5) < 5 * math.sqrt(0.25 / n)


# --- sortie_range_factor ----------------------------------------------------------------------------
def test_sortie_range_factor_exact():
    radius = np.array([1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 0.0])
    distance = np.array([0.0, 1300.0, 1300.0 + 500.0, 1300.0 + 1000.0, 1300.0 + 250.0, 10.0])
    f = sortie_range_factor(distance, radius, 1.3, 500.0)
    # reach = 1000*1.3 = 1300 km: 1 within reach, halves every 500 km beyond, 0 without a radius
    np.testing.assert_allclose(f, [1.0, 1.0, 0.5, 0.25, 2**-0.5, 0.0], rtol=1e-12, atol=0)


@FEW
@given(st.floats(0, 2e4), st.floats(1, 3000), st.floats(1, 2), st.floats(1, 2000))
def test_sortie_range_factor_bounds(distance, radius, tanker, decay):
    f = float(sortie_range_factor(np.array([distance]), np.array([radius]), tanker, decay)[0])
    assert 0.0 <= f <= 1.0
    if distance <= radius * tanker:
        assert f == 1.0
    far = float(sortie_range_factor(np.array([radius * tanker + decay]), np.array([radius]), tanker, decay)[0])
    assert far == pytest.approx(0.5, rel=1e-12)


# --- base_strike --------------------------------------------------------------------------------------
def _strike(
    missiles, aircraft, shelters, *, reliability=1.0, intercept=0.0, pk_int=0.68, per_missile=2.0, pk_shel=1.0, seed=11
):
    m = np.atleast_2d(np.asarray(missiles, dtype=float))
    a = np.atleast_2d(np.asarray(aircraft, dtype=float))
    return base_strike(
        m,
        reliability,
        np.full(m.shape, float(intercept)),
        pk_int,
        a,
        np.asarray(shelters, dtype=float),
        per_missile,
        pk_shel,
        rng(seed),
    )


def test_base_strike_exact_hand_computed():
    # 10 aircraft, 4 shelters -> 6 in the open; 2 killed per missile -> 3 missiles clear the apron.
    killed, pen, shots = _strike([3.0], [10.0], [4.0])
    assert (killed[0, 0], pen[0, 0], shots[0, 0]) == (6.0, 3.0, 0.0)
    # 5 missiles: 3 on the apron (6 killed), 2 on shelters with pk 1 -> 8
    killed, pen, _ = _strike([5.0], [10.0], [4.0])
    assert (killed[0, 0], pen[0, 0]) == (8.0, 5.0)
    # 100 missiles: everything, never more than present
    killed, _, _ = _strike([100.0], [10.0], [4.0])
    assert killed[0, 0] == 10.0
    # shelters with pk 0 protect what is inside
    killed, _, _ = _strike([100.0], [10.0], [4.0], pk_shel=0.0)
    assert killed[0, 0] == 6.0


def test_base_strike_interceptors_and_reliability():
    # unlimited perfect interceptors: nothing penetrates
    killed, pen, shots = _strike([20.0, 7.0], [10.0, 5.0], [0.0, 0.0], intercept=np.inf, pk_int=1.0)
    np.testing.assert_array_equal(killed, [[0.0, 0.0]])
    np.testing.assert_array_equal(pen, [[0.0, 0.0]])
    np.testing.assert_array_equal(shots, [[20.0, 7.0]])
    # reliability 0: nothing arrives, no interceptor is used
    killed, pen, shots = _strike([20.0], [10.0], [0.0], reliability=0.0, intercept=5.0)
    assert (killed[0, 0], pen[0, 0], shots[0, 0]) == (0.0, 0.0, 0.0)


def test_base_strike_without_missiles_destroys_nothing():
    killed, pen, shots = _strike(
        np.zeros((3, 4)), np.full((3, 4), 25.0), np.array([0.0, 5.0, 30.0, 0.0]), reliability=0.9, intercept=3.0
    )
    assert np.all(killed == 0) and np.all(pen == 0) and np.all(shots == 0)


@FEW
@given(data=st.data())
def test_base_strike_never_destroys_more_than_present(data):
    r, b = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    missiles = data.draw(hnp.arrays(float, (r, b), elements=st.floats(0, 300)))
    aircraft = data.draw(hnp.arrays(float, (r, b), elements=st.floats(0, 200)))
    shelters = data.draw(hnp.arrays(float, (b,), elements=st.integers(0, 100).map(float)))
    intercept = data.draw(hnp.arrays(float, (r, b), elements=st.floats(0, 100)))
    killed, pen, shots = base_strike(
        missiles,
        data.draw(st.floats(0, 1)),
        intercept,
        data.draw(st.floats(0, 1)),
        aircraft,
        shelters,
        data.draw(st.floats(0.5, 4)),
        data.draw(st.floats(0, 1)),
        rng(data.draw(st.integers(0, 1000))),
    )
    assert np.all(killed >= 0) and np.all(killed <= aircraft + 1e-9)
    assert np.all(pen >= 0) and np.all(pen <= np.ceil(missiles))
    assert np.all(shots >= 0) and np.all(shots <= intercept)


def test_base_strike_mean_with_reliability_and_intercepts():
    # 50 missiles, reliability 0.8 -> 40 arrive (Binomial); 10 interceptors at pk 0.5 -> E[penetrating] = 40 - 5 = 35
    n = 20_000
    killed, pen, shots = _strike(
        np.full((n, 1), 50.0),
        np.full((n, 1), 1000.0),
        [0.0],
        reliability=0.8,
        intercept=10.0,
        pk_int=0.5,
        per_missile=1.0,
    )
    assert np.all(shots == 10.0)
    # var = 50*0.8*0.2 (arrivals) + 10*0.25 (intercepts) = 10.5; every penetrator kills one aircraft in the open
    assert abs(pen.mean() - 35.0) < 5 * math.sqrt(10.5 / n)
    np.testing.assert_array_equal(killed, pen)


# --- air_exchange -----------------------------------------------------------------------------------
def test_air_exchange_mean_is_kill_potential_times_exposure():
    n = 200_000
    kp, own, enemy = 50.0, 10.0, 30.0
    exposure = enemy / (enemy + own + 1.0)  # 30/41
    downed = air_exchange(np.full(n, kp), np.full(n, own), np.full(n, enemy), rng(12))
    mean = kp * exposure
    assert abs(downed.mean() - mean) < 5 * math.sqrt(mean / n)
    assert downed.var() == pytest.approx(mean, rel=0.03)  # Poisson
    assert np.all(downed == np.round(downed)) and np.all(downed >= 0)


def test_air_exchange_no_enemy_sorties_or_no_kill_potential_downs_nothing():
    g = rng(13)
    assert np.all(air_exchange(np.full(100, 40.0), np.full(100, 5.0), np.zeros(100), g) == 0)
    assert np.all(air_exchange(np.zeros(100), np.full(100, 5.0), np.full(100, 50.0), g) == 0)


# --- summary statistics used by every result -------------------------------------------------------
def test_wilson_interval_known_values():
    lo, hi = wilson_interval(5, 10)
    assert (lo, hi) == (pytest.approx(0.236593, abs=1e-6), pytest.approx(0.763407, abs=1e-6))
    z2 = 1.959963984540054**2
    lo, hi = wilson_interval(0, 100)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(z2 / (100 + z2), rel=1e-12)  # k = 0
    lo, hi = wilson_interval(100, 100)
    assert hi == pytest.approx(1.0, abs=1e-12) and lo == pytest.approx(100 / (100 + z2), rel=1e-12)  # k = n
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_mean_ci_exact():
    s = mean_ci(np.array([1.0, 2.0, 3.0, 4.0, np.nan]))
    assert s["mean"] == 2.5 and s["n"] == 4
    half = 1.959963984540054 * math.sqrt(5 / 3) / 2  # sample sd sqrt(5/3), n = 4
    assert s["ci95"] == [pytest.approx(2.5 - half), pytest.approx(2.5 + half)]
    assert s["p05"] == pytest.approx(1.15) and s["p95"] == pytest.approx(3.85)
    empty = mean_ci(np.array([np.nan]))
    assert empty["n"] == 0 and math.isnan(empty["mean"])


@pytest.mark.parametrize("n", [100, 500, 1000])
def test_wilson_interval_ends_are_exact_when_nothing_or_everything_happened(n):
    """Regression: centre - half once left ~1e-19 at k = 0, so the interval excluded its own estimate."""
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0
