"""Hughes (1995) salvo model: worked example (Tiah 2007, excursion A3), hand examples,
Hughes' 3:1 parity property, clipping invariants and the stochastic form.

Targets: /work/shared/reference/calibration.md section 2.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from positivesum.sim.classic.salvo import (
    SalvoSide,
    basic_salvo_losses,
    leaked_hits,
    salvo_battle,
    salvo_losses,
    stochastic_salvo_battle,
)

TIAH = dict(scouting=0.6, launch_reliability=0.9, hit_probability=0.7, intercept_probability=0.68)


def tiah_a3(scale: int = 1):
    """Tiah (2007) excursion A3: 4 frigates (8 missiles, 6 interceptors, 1.5 hits) vs 12
    corvettes (4 missiles, 2 interceptors, 1 hit)."""
    return SalvoSide(4 * scale, 8, 6, 1.5, **TIAH), SalvoSide(12 * scale, 4, 2, 1, **TIAH)


# --- worked example --------------------------------------------------------------------------
def test_worked_example_table_to_two_decimals():
    traj = salvo_battle(*tiah_a3(), n_salvos=2)
    assert [round(x, 2) for x in traj.blue_ships] == [4.0, 0.13, 0.0]
    assert [round(x, 2) for x in traj.red_ships] == [12.0, 8.13, 8.00]


def test_worked_example_hand_check_exact():
    blue, red = tiah_a3()
    assert blue.hit_fraction == pytest.approx(0.378, abs=1e-15)
    # Salvo 1: 32 missiles -> 12.096 would hit; 24 interceptors engage all; 0.32 get through.
    assert leaked_hits(32 * 0.378, 24, 0.68) == pytest.approx(12.096 * 0.32, abs=1e-12)
    blue_loss, red_loss = salvo_losses(blue, red)
    assert red_loss == pytest.approx(3.87072, abs=1e-12)
    assert blue_loss == pytest.approx(18.144 * 0.32 / 1.5, abs=1e-12)  # 3.87072 as well
    traj = salvo_battle(blue, red, n_salvos=2)
    assert traj.blue_ships[1] == pytest.approx(0.12928, abs=1e-12)
    assert traj.red_ships[1] == pytest.approx(8.12928, abs=1e-12)
    # Salvo 2: Blue's 0.12928 ships fire 1.03424 missiles, 0.39094 would hit, all engaged.
    assert traj.red_ships[2] == pytest.approx(8.12928 - 0.12928 * 8 * 0.378 * 0.32, abs=1e-12)
    # Red's 12.2915 hitting missiles swamp Blue's 0.776 interceptors: the excess passes.
    hitting = 8.12928 * 4 * 0.378
    assert leaked_hits(hitting, 0.12928 * 6, 0.68) == pytest.approx(hitting - 0.68 * 0.12928 * 6, abs=1e-12)
    assert traj.blue_ships[2] == 0.0


# --- basic form --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a,b,alpha,beta,a1,b1,a3,b3,loss_a,loss_b",
    [
        (10, 8, 4, 3, 2, 1, 2, 2, 2.0, 8.0),  # dB = (40-16)/1 = 24 -> clipped to 8
        (6, 5, 3, 4, 2, 3, 1, 2, 6.0, 8 / 3),  # dA = (20-6)/2 = 7 -> 6; dB = (18-10)/3
        (2, 10, 2, 1, 1, 1, 1, 1, 2.0, 0.0),  # dB = (4-10) < 0 -> 0; dA = 10-2 = 8 -> 2
        (3, 3, 2, 2, 2, 2, 1, 1, 1.5, 1.5),  # symmetric, unclipped
    ],
)
def test_basic_salvo_hand_examples(a, b, alpha, beta, a1, b1, a3, b3, loss_a, loss_b):
    got_a, got_b = basic_salvo_losses(a, b, alpha, beta, a1, b1, a3, b3)
    assert got_a == pytest.approx(loss_a, abs=1e-12)
    assert got_b == pytest.approx(loss_b, abs=1e-12)


ships = st.floats(0.0, 100.0)
per_ship = st.floats(0.0, 20.0)
staying = st.floats(0.1, 10.0)
prob = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(a=ships, b=ships, alpha=per_ship, beta=per_ship, a1=staying, b1=staying, a3=per_ship, b3=per_ship)
def test_basic_equals_extended_with_certain_fire_and_is_clipped(a, b, alpha, beta, a1, b1, a3, b3):
    loss_a, loss_b = basic_salvo_losses(a, b, alpha, beta, a1, b1, a3, b3)
    assert 0.0 <= loss_a <= a and 0.0 <= loss_b <= b
    ext_a, ext_b = salvo_losses(SalvoSide(a, alpha, a3, a1), SalvoSide(b, beta, b3, b1))
    assert ext_a == pytest.approx(loss_a, rel=1e-12, abs=1e-12)
    assert ext_b == pytest.approx(loss_b, rel=1e-12, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    a=ships,
    b=ships,
    alpha=per_ship,
    beta=per_ship,
    a1=staying,
    b1=staying,
    a3=per_ship,
    b3=per_ship,
    probs=st.lists(prob, min_size=8, max_size=8),
)
def test_extended_losses_clipped_and_monotone(a, b, alpha, beta, a1, b1, a3, b3, probs):
    blue = SalvoSide(a, alpha, a3, a1, *probs[:4])
    red = SalvoSide(b, beta, b3, b1, *probs[4:])
    loss_blue, loss_red = salvo_losses(blue, red)
    assert 0.0 <= loss_blue <= a and 0.0 <= loss_red <= b
    # More interceptors on Red never increase Red's losses.
    _, loss_red_more = salvo_losses(blue, SalvoSide(b, beta, b3 + 1, b1, *probs[4:]))
    assert loss_red_more <= loss_red + 1e-12


@settings(max_examples=200, deadline=None)
@given(n=st.floats(0.5, 50.0), alpha=per_ship, a3=per_ship, a1=staying, probs=st.lists(prob, min_size=4, max_size=4))
def test_hughes_three_to_one_parity(n, alpha, a3, a1, probs):
    """Hughes (1995): a side outnumbered 3:1 with three times the offensive, defensive and
    staying power per ship suffers the same fractional losses as its opponent."""
    few = SalvoSide(n, 3 * alpha, 3 * a3, 3 * a1, *probs)
    many = SalvoSide(3 * n, alpha, a3, a1, *probs)
    loss_few, loss_many = salvo_losses(few, many)
    assert loss_few / n == pytest.approx(loss_many / (3 * n), rel=1e-9, abs=1e-12)
    basic_few, basic_many = basic_salvo_losses(n, 3 * n, 3 * alpha, alpha, 3 * a1, a1, 3 * a3, a3)
    assert basic_few / n == pytest.approx(basic_many / (3 * n), rel=1e-9, abs=1e-12)


def test_parity_needs_all_three_factors():
    many = SalvoSide(6, 2, 1, 2)  # 12 missiles, 6 interceptors, 2 hits per ship
    full = SalvoSide(2, 6, 3, 6)  # 3x offence, defence and staying power per ship
    loss_full, loss_many = salvo_losses(full, many)
    assert (loss_full, loss_many) == pytest.approx((1.0, 3.0))  # both lose half
    firepower_only = SalvoSide(2, 6, 1, 2)  # 12 - 2 = 10 hits land on 2 ships of 2 hits
    loss_few, loss_many = salvo_losses(firepower_only, many)
    assert (loss_few / 2, loss_many / 6) == pytest.approx((1.0, 0.5))


def test_validation_messages():
    with pytest.raises(ValueError, match="scouting.*probability"):
        SalvoSide(4, 8, 6, 1.5, scouting=1.2)
    with pytest.raises(ValueError, match="hits_to_kill must be > 0"):
        SalvoSide(4, 8, 6, 0.0)
    with pytest.raises(ValueError, match="whole number"):
        stochastic_salvo_battle(
            SalvoSide(4, 7.5, 6, 1.5), SalvoSide(4, 4, 2, 1), n_salvos=1, replications=2, rng=np.random.default_rng(0)
        )
    with pytest.raises(ValueError, match="numpy.random.Generator"):
        stochastic_salvo_battle(*tiah_a3(), n_salvos=1, replications=2, rng=1)


# --- stochastic form ---------------------------------------------------------------------------
def test_stochastic_same_seed_same_result():
    kw = dict(n_salvos=3, replications=5000)
    r1 = stochastic_salvo_battle(*tiah_a3(), rng=np.random.default_rng(42), **kw)
    r2 = stochastic_salvo_battle(*tiah_a3(), rng=np.random.default_rng(42), **kw)
    r3 = stochastic_salvo_battle(*tiah_a3(), rng=np.random.default_rng(43), **kw)
    np.testing.assert_array_equal(r1.blue_ships, r2.blue_ships)
    np.testing.assert_array_equal(r1.red_hits_taken, r2.red_hits_taken)
    assert r1.blue_ships.shape == (4, 5000)
    assert not np.array_equal(r1.red_ships, r3.red_ships)


def _landed_moments(missiles, hit_fraction, interceptors, q):
    """Exact mean and variance of hits landing in one salvo of the stochastic model."""
    h = np.arange(missiles + 1)
    pmf = stats.binom.pmf(h, missiles, hit_fraction)
    m = np.minimum(h, interceptors)
    mean = np.sum(pmf * (h - q * m))
    return mean, np.sum(pmf * (h - q * m - mean) ** 2) + np.sum(pmf * m) * q * (1 - q)


def test_stochastic_first_salvo_mean_hits_exact():
    r = stochastic_salvo_battle(*tiah_a3(), n_salvos=1, replications=200_000, rng=np.random.default_rng(9))
    # On Red: 32 missiles, 24 interceptors; saturation is rare, so the mean is within 1e-4 of
    # the deterministic 32 * 0.378 * 0.32 = 3.87072.
    mean, var = _landed_moments(32, 0.378, 24, 0.68)
    assert mean == pytest.approx(3.87072, abs=1e-4)
    assert abs(r.red_hits_taken[1].mean() - mean) < 5 * math.sqrt(var / 200_000)
    # On Blue: Red's 48 missiles saturate Blue's 24 interceptors about 3% of the time, so the
    # exact mean is visibly above the deterministic 18.144 * 0.32 = 5.80608.
    mean, var = _landed_moments(48, 0.378, 24, 0.68)
    assert mean > 5.80608 + 0.03
    assert abs(r.blue_hits_taken[1].mean() - mean) < 5 * math.sqrt(var / 200_000)


def test_stochastic_hits_to_kill_rule():
    r = stochastic_salvo_battle(*tiah_a3(), n_salvos=3, replications=20_000, rng=np.random.default_rng(4))
    # Blue needs 1.5 hits per frigate: 3 hits put exactly 2 frigates out of action.
    expected_blue = np.maximum(4 - np.floor(r.blue_hits_taken / 1.5 + 1e-9), 0)
    np.testing.assert_array_equal(r.blue_ships, expected_blue)
    np.testing.assert_array_equal(r.red_ships, np.maximum(12 - r.red_hits_taken, 0))
    assert np.any(r.blue_hits_taken == 3) and np.all(r.blue_ships[r.blue_hits_taken == 3] == 2)


def test_stochastic_converges_to_deterministic_as_forces_grow():
    det = salvo_battle(*tiah_a3(), n_salvos=2)
    errors = {}
    for scale in (1, 1000):
        r = stochastic_salvo_battle(*tiah_a3(scale), n_salvos=2, replications=2000, rng=np.random.default_rng(scale))
        frac_blue = r.blue_ships.mean(axis=1) / (4 * scale)
        frac_red = r.red_ships.mean(axis=1) / (12 * scale)
        errors[scale] = max(
            np.max(np.abs(frac_blue - det.blue_ships / 4)), np.max(np.abs(frac_red - det.red_ships / 12))
        )
    assert errors[1000] < 0.002  # within 0.2% of the starting force after each salvo
    assert errors[1] > 10 * errors[1000]


@settings(max_examples=40, deadline=None)
@given(
    nb=st.integers(0, 12),
    nr=st.integers(0, 12),
    mb=st.integers(0, 8),
    mr=st.integers(0, 8),
    ib=st.integers(0, 6),
    ir=st.integers(0, 6),
    hb=st.floats(0.5, 3.0),
    hr=st.floats(0.5, 3.0),
    probs=st.lists(prob, min_size=8, max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
def test_stochastic_clipping_invariants(nb, nr, mb, mr, ib, ir, hb, hr, probs, seed):
    blue = SalvoSide(nb, mb, ib, hb, *probs[:4])
    red = SalvoSide(nr, mr, ir, hr, *probs[4:])
    r = stochastic_salvo_battle(blue, red, n_salvos=3, replications=200, rng=np.random.default_rng(seed))
    for ships, n0 in ((r.blue_ships, nb), (r.red_ships, nr)):
        assert np.all((ships >= 0) & (ships <= n0))
        assert np.all(np.diff(ships, axis=0) <= 0)  # out of action stays out of action
    # Hits landing in a salvo never exceed the missiles the shooter's surviving ships fired.
    assert np.all(np.diff(r.red_hits_taken, axis=0) <= r.blue_ships[:-1] * mb)
    assert np.all(np.diff(r.blue_hits_taken, axis=0) <= r.red_ships[:-1] * mr)
