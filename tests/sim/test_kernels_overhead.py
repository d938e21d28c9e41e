"""The per-step savings of issue 15 give the numbers they replace, bit for bit.

- the compiled launch demand and arrivals (kernels.launch_demand, kernels.arrivals) against the NumPy products
  of ``Block._launch_demand`` and ``campaign._arrivals``;
- the compiled row sums of the phase kernels (a loop copy into the layout NumPy holds, then the same BLAS call)
  against ``mechanics.rowsum`` of what NumPy holds;
- the compiled fire (kernels.fire) skipping replications that want nothing: each row as if fired alone;
- the blockade's convoy contest (kernels_blockade.py) against its NumPy path;
- the activity of groups (campaign._activity) and the ports' logistics, made only on the steps they change, against
  making them every step.
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim import campaign, kernels, kernels_blockade, kernels_naval
from positivesum.sim.campaign import run_block
from positivesum.sim.mechanics import FireMap, rowsum
from positivesum.sim.setup import build_setup

needs_numba = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset().dataset


def _sparse(rng: np.random.Generator, shape: tuple[int, ...], zero_share: float = 0.4) -> np.ndarray:
    x = rng.random(shape) * rng.integers(1, 50, shape)
    x[rng.random(shape) < zero_share] = 0.0
    return x


@needs_numba
@pytest.mark.parametrize("logistics", [True, False])
def test_launch_demand_same_numbers(logistics):
    rng = np.random.default_rng(4)
    n, rate, act, pl = (_sparse(rng, (300, 13)) for _ in range(4))
    live = (rng.random((300, 1)) < 0.8).astype(float)
    expected = n * rate
    expected *= act
    if logistics:
        expected *= pl
    expected *= live
    got = kernels.launch_demand(n, rate, act, pl if logistics else None, live)
    np.testing.assert_array_equal(got, expected)


@needs_numba
def test_arrivals_same_numbers():
    rng = np.random.default_rng(5)
    n, count = _sparse(rng, (250, 9)), np.round(_sparse(rng, (250, 9)))
    step = rng.integers(0, 6, (250, 9))
    live = (rng.random((250, 1)) < 0.7).astype(float)
    arriving = (step == 3) * count * live
    out, got = kernels.arrivals(n, step, count, live, 3)
    np.testing.assert_array_equal(got, arriving)
    np.testing.assert_array_equal(out, n + arriving)


@needs_numba
@pytest.mark.parametrize("reps", [1, 7, 64, 203, 2048])
def test_kernel_row_sums_are_numpys(reps):
    rng = np.random.default_rng(reps)
    x = _sparse(rng, (reps, 23))
    cols = np.array([0, 3, 4, 9, 10, 11, 17, 22, 5, 6, 1], dtype=np.int64)
    picked = x[:, cols]  # what NumPy's fancy indexing holds (the Fortran layout)
    np.testing.assert_array_equal(kernels_naval._rowsum_cols_f(x, cols), rowsum(picked))
    np.testing.assert_array_equal(kernels_naval._rowsum_f(picked * 1.5), rowsum(picked * 1.5))
    np.testing.assert_array_equal(kernels_naval._rowsum(x[:, 2:19]), rowsum(x[:, 2:19]))
    np.testing.assert_array_equal(kernels_naval._rowsum_c(x), rowsum(x))
    assert kernels_naval._rowsum_cols_f(x, cols[:0]).shape == (reps,)


@needs_numba
@pytest.mark.parametrize("split", [False, True])
def test_fire_skips_idle_replications_exactly(split):
    rng = np.random.default_rng(9)
    groups, pools, reps = 6, 5, 120
    if split:  # groups 0 and 1 split their demand over two munitions each
        gi, pi = np.array([0, 0, 1, 1, 2, 3, 4, 5]), np.array([0, 1, 1, 2, 3, 3, 4, 0])
    else:
        gi, pi = np.array([0, 1, 2, 3, 4, 5]), np.array([0, 1, 2, 3, 3, 4])
    fm = FireMap(gi, pi, groups, pools)
    demand = _sparse(rng, (reps, groups))
    demand[rng.random(reps) < 0.5] = 0.0  # idle replications
    stock = _sparse(rng, (reps, pools), 0.2)
    expended = _sparse(rng, (reps, pools), 0.5)

    def fire(d, s, e):
        return kernels.fire(d, s, e, fm.group_idx, fm.pool_idx, fm.pools.local, fm.pool_cols, groups, fm.single, None)

    s_all, e_all = stock.copy(), expended.copy()
    out_all = fire(demand, s_all, e_all)
    for r in range(reps):  # each replication fired alone
        s_r, e_r = stock[r : r + 1].copy(), expended[r : r + 1].copy()
        np.testing.assert_array_equal(fire(demand[r : r + 1], s_r, e_r), out_all[r : r + 1])
        np.testing.assert_array_equal(s_r, s_all[r : r + 1])
        np.testing.assert_array_equal(e_r, e_all[r : r + 1])
    idle = ~demand.any(axis=1)
    assert idle.any()
    np.testing.assert_array_equal(s_all[idle], stock[idle])
    np.testing.assert_array_equal(out_all[idle], 0.0)


@pytest.mark.parametrize(("scenario", "reps"), [("taiwan_base", 300), ("taiwan_blockade", 150), ("taiwan_no_us", 100)])
def test_activity_kept_between_changes_gives_the_same_numbers(dataset, monkeypatch, scenario, reps):
    setup = build_setup(dataset, scenario)
    kept = run_block(setup, reps, np.random.default_rng(11), {})
    real = campaign._activity

    def every_step(s, st, t, reps_now):
        st.inv.pop("activity_steps", None)  # as if compacted: everything made anew
        st.inv.pop("undamaged_logistics", None)  # and the ports' logistics recomputed
        real(s, st, t, reps_now)

    monkeypatch.setattr(campaign, "_activity", every_step)
    anew = run_block(setup, reps, np.random.default_rng(11), {})
    assert kept.keys() == anew.keys()
    for key, value in kept.items():
        np.testing.assert_array_equal(value, anew[key], err_msg=key)


@needs_numba
@pytest.mark.parametrize(("scenario", "sample"), [("taiwan_blockade", True), ("taiwan_blockade_csd", False)])
def test_blockade_phase_kernels_give_the_numpy_numbers(dataset, monkeypatch, scenario, sample):
    """The convoy contest (kernels_blockade.py) and the other phase kernels against the NumPy path of their phases,
    over a blockade's 140 days (tests/sim/test_kernels_phases.py does the same for landings)."""
    setup = build_setup(dataset, scenario)
    calls = {"contest": 0}
    real = kernels_blockade.contest

    def counted(*args):
        calls["contest"] += 1
        return real(*args)

    monkeypatch.setattr(kernels_blockade, "contest", counted)
    monkeypatch.setattr(kernels, "ENABLED", True)
    out = {}
    for phases in (True, False):
        monkeypatch.setattr(kernels, "PHASES", phases)
        rng = np.random.default_rng(21)
        out[phases] = (run_block(setup, 250, rng, {}, sample_parameters=sample), rng.random())
    assert calls["contest"] > 0
    compiled, numpy_path = out[True][0], out[False][0]
    assert compiled.keys() == numpy_path.keys()
    for key, value in compiled.items():
        np.testing.assert_array_equal(value, numpy_path[key], err_msg=key)
    assert out[True][1] == out[False][1]  # the same number of draws
