"""The compiled kernels (positivesum.sim.kernels, Numba) against their pure-NumPy twins.

Each kernel takes its uniforms from the caller's generator, so both paths consume the same stream: stochastic
rounding and the fused losses give the same numbers exactly; the fused fire differs only in the order of
floating-point sums. The whole engine is compared in distribution: the two paths on different seeds give
outcome shares and mean losses within a few standard errors (and on one seed the same decided outcomes).
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim import kernels
from positivesum.sim.campaign import run_block
from positivesum.sim.mechanics import FireMap, allocate, stoch_round, take_losses
from positivesum.sim.setup import build_setup

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


@pytest.fixture
def paths(monkeypatch):
    """Call ``paths(True)`` / ``paths(False)`` to switch between the compiled and the NumPy path."""

    def switch(compiled: bool) -> None:
        monkeypatch.setattr(kernels, "ENABLED", compiled)

    return switch


def _values(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    g = np.random.default_rng(seed)
    x = g.random(shape) * 4
    x[::3] = np.round(x[::3])  # a third of the rows exact integers: they must not consume draws
    x.flat[7] = 0.0
    return x


@pytest.mark.parametrize("view", ["plain", "strided", "transposed"])
def test_stoch_round_same_numbers_and_same_draws(paths, view):
    x = _values(1, (300, 12))
    x = {"plain": x, "strided": x[:, ::2], "transposed": x.T}[view]
    out, states = {}, {}
    for compiled in (True, False):
        paths(compiled)
        g = np.random.default_rng(5)
        out[compiled] = stoch_round(x, g)
        states[compiled] = g.random()  # the next number: the same only if both consumed the same draws
    np.testing.assert_array_equal(out[True], out[False])
    assert states[True] == states[False]


def test_stoch_round_of_integers_draws_nothing(paths):
    for compiled in (True, False):
        paths(compiled)
        g = np.random.default_rng(3)
        x = np.arange(200.0).reshape(20, 10)
        np.testing.assert_array_equal(stoch_round(x, g), x)
        assert g.random() == np.random.default_rng(3).random()


@pytest.mark.parametrize("with_also", [False, True])
def test_take_losses_same_numbers(paths, with_also):
    cols = np.array([1, 3, 4, 8])
    live = (np.arange(400) % 5 != 0).astype(float)[:, None]  # every fifth replication frozen
    results = {}
    for compiled in (True, False):
        paths(compiled)
        n = np.floor(_values(2, (400, 10)) * 3)
        lost = np.zeros_like(n)
        also = np.zeros_like(n) if with_also else None
        expected = _values(3, (400, len(cols))) * 2
        losses = take_losses(n, lost, cols, expected, live, np.random.default_rng(9), also=also)
        results[compiled] = (losses, n, lost, also)
    for a, b in zip(results[True], results[False]):
        if a is not None:
            np.testing.assert_array_equal(a, b)
    losses, n, lost, _ = results[True]
    assert np.all(losses >= 0) and np.all(n >= 0)
    assert np.all(losses[live[:, 0] == 0] == 0)  # frozen replications lose nothing
    np.testing.assert_array_equal(lost[:, cols], losses)


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("mask", [None, "pairs", "rows"])
def test_fire_same_numbers(paths, split, mask):
    # 6 groups over 4 of 7 pools; with ``split`` three groups fire two munitions each (9 pairs), else one (6)
    if split:
        group_idx, pool_idx = np.array([0, 1, 1, 2, 3, 3, 4, 5, 5]), np.array([0, 2, 3, 2, 5, 0, 3, 5, 2])
    else:
        group_idx, pool_idx = np.arange(6), np.array([0, 2, 3, 2, 5, 0])
    fm = FireMap(group_idx, pool_idx, 6, 7)
    g = np.random.default_rng(4)
    reps = 256
    demand = g.random((reps, 6)) * 10
    demand[::4] = 0.0
    stock0 = g.random((reps, 7)) * 30
    stock0[::7, 2] = 0.0
    pair_mask = {
        None: None,
        "pairs": (np.arange(len(fm)) % 3 != 0).astype(float),
        "rows": g.random((reps, len(fm))) > 0.3,
    }[mask]
    results = {}
    for compiled in (True, False):
        paths(compiled)
        stock, expended = stock0.copy(), np.zeros_like(stock0)
        fired = fm.fire(demand, stock, expended, pair_mask=pair_mask)
        results[compiled] = (fired, stock, expended)
    for a, b in zip(results[True], results[False]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    fired, stock, expended = results[True]
    assert np.all(stock >= 0)
    np.testing.assert_allclose(stock + expended, stock0, rtol=1e-12)  # what is fired comes out of stock


def test_allocate_same_numbers(paths):
    weights = _values(6, (300, 9))
    weights[::5] = 0.0  # rows without weight get nothing
    total = _values(7, (300,)) * 10
    out = {}
    for compiled in (True, False):
        paths(compiled)
        out[compiled] = allocate(total, weights)
    np.testing.assert_allclose(out[True], out[False], rtol=1e-13, atol=0)
    np.testing.assert_allclose(out[True].sum(axis=1)[weights.sum(axis=1) > 0], total[weights.sum(axis=1) > 0])
    assert np.all(out[True][::5] == 0)


@pytest.fixture(scope="module")
def setup():
    return build_setup(load_dataset().dataset, "taiwan_base")


def _summary(out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replication quantities to compare: outcome and grade shares, losses, munitions fired."""
    values = {f"outcome={k}": (out["outcome"] == k).astype(float) for k in np.unique(out["outcome"])}
    values.update({f"grade={k}": (out["grade"] == k).astype(float) for k in np.unique(out["grade"])})
    for name in ("lost_air", "lost_surface", "lost_amphibious", "lost_missile", "expended", "casualties"):
        values[name] = out[name].sum(axis=1)
    values["red_troops_lost"] = out["red_troops_lost"]
    return values


def test_engine_paths_agree_in_distribution(paths, setup):
    """Independent runs of the two paths (central parameters: replications independent) agree within their
    Monte Carlo error."""
    reps = 768
    stats = {}
    for compiled, seed in ((True, 11), (False, 12)):
        paths(compiled)
        stats[compiled] = _summary(run_block(setup, reps, np.random.default_rng(seed), sample_parameters=False))
    assert stats[True].keys() == stats[False].keys()
    for name, a in stats[True].items():
        b = stats[False][name]
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        assert abs(a.mean() - b.mean()) <= 4.5 * se + 1e-9 * (1 + abs(b.mean())), name


def test_engine_paths_same_seed_same_outcomes(paths, setup):
    """On one seed the paths draw the same numbers: the same decided outcomes, losses equal to rounding."""
    out = {}
    for compiled in (True, False):
        paths(compiled)
        out[compiled] = run_block(setup, 256, np.random.default_rng(21), {})
    np.testing.assert_array_equal(out[True]["outcome"], out[False]["outcome"])
    np.testing.assert_array_equal(out[True]["grade"], out[False]["grade"])
    for name in ("lost_air", "lost_surface", "expended", "casualties", "decided_day"):
        np.testing.assert_allclose(out[True][name], out[False][name], rtol=1e-9, atol=1e-6, err_msg=name)
