"""The compiled allocation of the land-attack salvo (fires_kernels.py) and the fused losses of kernels_fixed.py give
the numbers of the NumPy code they replace, bit for bit (stocks and generator included)."""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.sim import fires_kernels, kernels, kernels_fixed
from positivesum.sim.mechanics import FireMap

needs_numba = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


def _sparse(rng: np.random.Generator, shape: tuple[int, ...], zero_share: float = 0.4) -> np.ndarray:
    x = rng.random(shape) * rng.integers(1, 50, shape)
    x[rng.random(shape) < zero_share] = 0.0
    return x


def _maps(rng: np.random.Generator, n_pools: int) -> list[FireMap]:
    """Two or three maps (launchers of a domain and their munitions), some groups with several munitions."""
    out = []
    for _ in range(int(rng.integers(2, 4))):
        n_groups = int(rng.integers(3, 12))
        groups = np.sort(rng.choice(n_groups, size=int(rng.integers(2, n_groups + 1)), replace=True))
        pools = rng.integers(0, n_pools, groups.size)
        out.append(FireMap(groups, pools, n_groups, n_pools))
    return out


def _packed(maps: list[FireMap]) -> tuple[np.ndarray, ...]:
    return (
        np.cumsum([0] + [fm.n_groups for fm in maps]).astype(np.int64),
        np.cumsum([0] + [len(fm) for fm in maps]).astype(np.int64),
        np.concatenate([fm.group_idx for fm in maps]),
        np.concatenate([fm.pool_idx for fm in maps]),
        np.concatenate([fm.pools.local for fm in maps]),
        np.concatenate([fm.pool_cols for fm in maps]),
        np.cumsum([0] + [len(fm.pool_cols) for fm in maps]).astype(np.int64),
        np.array([fm.single for fm in maps]),
    )


def _fire_numpy(maps, demands, scale, usable, stock, expended):
    parts, start = [], 0
    for fm, dm in zip(maps, demands, strict=True):
        j = len(fm)
        parts.append(fm.fire(dm * scale[:, None], stock, expended, pair_mask=usable[:, start : start + j]))
        start += j
    return np.concatenate(parts, axis=1)


@needs_numba
@pytest.mark.parametrize("seed", range(6))
def test_allocate_fixed_is_the_numpy_allocation(seed):
    rng = np.random.default_rng(seed)
    reps, n_pools, n_bases = 150, 5, int(rng.integers(1, 32))
    maps = _maps(rng, n_pools)
    n_pairs = sum(len(fm) for fm in maps)
    demands = [_sparse(rng, (reps, fm.n_groups)) for fm in maps]
    wanted = sum(dm.sum(axis=1) for dm in demands)
    stock = _sparse(rng, (reps, n_pools), 0.2) * 3
    expended = _sparse(rng, (reps, n_pools))
    values = _sparse(rng, (reps, 4, n_bases)) * rng.random((reps, 4, n_bases))
    reach = (rng.random((n_pairs, n_bases)) < 0.6).astype(float)
    at_c2 = _sparse(rng, (reps, n_pairs))
    gate = rng.random(reps) < 0.8
    ground_val = _sparse(rng, (reps,))
    ground = (rng.random(n_pairs) < 0.5).astype(float)
    weights = rng.random((reps, 6)) * (rng.random((reps, 6)) < 0.8)
    eff = rng.random((reps, n_pairs))
    cap0 = rng.random(reps) * 60
    c2_share = rng.random(reps)
    # the NumPy path (fires._salvo_numpy)
    g = gate[:, None, None]
    pv = np.concatenate(
        [(values @ reach.T) * g, at_c2[:, None, :] * g, (ground_val[:, None] * ground[None, :])[:, None, :]], axis=1
    )
    w = weights[:, :, None] * (pv > 0)
    total_w = w.sum(axis=1)
    usable = total_w > 0
    cap = cap0 * c2_share
    scale = np.where(wanted > cap, cap / np.maximum(wanted, 1e-12), 1.0)
    s_np, e_np = stock.copy(), expended.copy()
    fired = _fire_numpy(maps, demands, scale, usable, s_np, e_np)
    by_kind = w / np.where(usable, total_w, 1.0)[:, None, :]
    np.copyto(by_kind, 0.0, where=~usable[:, None, :])
    by_kind *= fired[:, None, :]
    c2_per = np.where(pv[:, 4] > 0, by_kind[:, 4] / np.where(pv[:, 4] > 0, pv[:, 4], 1.0), 0.0)
    emulate = fires_kernels.emulates_reach_product(n_bases, n_pairs)
    assert emulate == (n_pairs > 1)
    for emulated in {emulate, False}:
        s_k, e_k = stock.copy(), expended.copy()
        status, bk, pv_k, gx, c2_k, any_fixed, any_c2 = fires_kernels.allocate_fixed(
            np.concatenate(demands, axis=1),
            wanted,
            cap0,
            c2_share,
            s_k,
            e_k,
            values,
            reach,
            fires_kernels.NO_PRODUCT if emulated else values @ reach.T,
            emulated,
            at_c2,
            gate,
            ground_val,
            ground,
            weights,
            eff,
            *_packed(maps),
        )
        assert status == 2
        np.testing.assert_array_equal(pv_k, pv)
        np.testing.assert_array_equal(bk, by_kind)
        np.testing.assert_array_equal(gx, by_kind[:, -1, :] * eff)
        np.testing.assert_array_equal(c2_k, c2_per)
        np.testing.assert_array_equal(s_k, s_np)
        np.testing.assert_array_equal(e_k, e_np)
        assert any_fixed == bool(by_kind[:, :-1, :].any()) and any_c2 == bool(by_kind[:, 4].any())


@needs_numba
@pytest.mark.parametrize("seed", range(4))
def test_allocate_ground_is_the_numpy_fire(seed):
    rng = np.random.default_rng(100 + seed)
    reps, n_pools = 120, 4
    maps = _maps(rng, n_pools)
    n_pairs = sum(len(fm) for fm in maps)
    demands = [_sparse(rng, (reps, fm.n_groups)) for fm in maps]
    if seed == 0:  # a map that wants nothing leaves the stocks alone
        demands[0][:] = 0.0
    wanted = sum(dm.sum(axis=1) for dm in demands)
    stock, expended = _sparse(rng, (reps, n_pools), 0.2) * 3, _sparse(rng, (reps, n_pools))
    stock[0, 0] = -1.0  # a negative stock: clamped where a map fires, as FireMap.fire clamps it
    ground_val, ground = _sparse(rng, (reps,)), (rng.random(n_pairs) < 0.6).astype(float)
    eff, cap0, c2_share = rng.random((reps, n_pairs)), rng.random(reps) * 60, rng.random(reps)
    usable = ground_val[:, None] * ground[None, :] > 0
    scale = np.where(wanted > cap0 * c2_share, cap0 * c2_share / np.maximum(wanted, 1e-12), 1.0)
    s_np, e_np = stock.copy(), expended.copy()
    fired = _fire_numpy(maps, demands, scale, usable, s_np, e_np)
    s_k, e_k = stock.copy(), expended.copy()
    any_usable, gx = fires_kernels.allocate_ground(
        np.concatenate(demands, axis=1), wanted, cap0, c2_share, s_k, e_k, ground_val, ground, eff, *_packed(maps)
    )
    assert any_usable
    np.testing.assert_array_equal(gx, fired * eff)
    np.testing.assert_array_equal(s_k, s_np)
    np.testing.assert_array_equal(e_k, e_np)


@needs_numba
def _blas_sums_in_order() -> bool:
    """Does NumPy's matrix product here add a row's terms in index order (as this machine's OpenBLAS does)?"""
    rng = np.random.default_rng(11)
    a, b = rng.random((64, 4, 31)) * 10.0 ** rng.uniform(-3, 4, (64, 4, 31)), rng.random((31, 9))
    plain = np.zeros((64, 4, 9))
    for k in range(31):
        plain += a[:, :, k : k + 1] * b[k][None, None, :]
    return bool(np.array_equal(a @ b, plain))


_BLAS_SUMS_IN_ORDER = _blas_sums_in_order()


def test_reach_product_emulation_is_numpys():
    """NumPy's (R, 4, B) @ (B, J) product adds each base's terms in order up to MAX_EMULATED_BASES bases."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        reps, n_bases, n_pairs = int(rng.integers(1, 300)), int(rng.integers(1, 32)), int(rng.integers(2, 30))
        values = _sparse(rng, (reps, 4, n_bases)) * 10.0 ** rng.uniform(-3, 4, (reps, 4, n_bases))
        reach = (rng.random((n_pairs, n_bases)) < rng.random()).astype(float)
        assert fires_kernels.emulates_reach_product(n_bases, n_pairs)
        _, _, pv, *_ = fires_kernels.allocate_fixed(
            np.zeros((reps, 1)),
            np.zeros(reps),
            np.zeros(reps),
            np.zeros(reps),
            np.zeros((reps, 1)),
            np.zeros((reps, 1)),
            values,
            reach,
            fires_kernels.NO_PRODUCT,
            True,
            np.zeros((reps, n_pairs)),
            np.ones(reps, dtype=bool),
            np.zeros(reps),
            np.zeros(n_pairs),
            np.zeros((reps, 6)),
            np.zeros((reps, n_pairs)),
            *_packed([FireMap(np.array([0]), np.array([0]), 1, 1)]),
        )
        # bit for bit with this machine's OpenBLAS (what keeps the engine's numbers identical to the NumPy
        # product it replaced); another BLAS build may add in another order, so elsewhere: to rounding
        if _BLAS_SUMS_IN_ORDER:
            np.testing.assert_array_equal(pv[:, :4], values @ reach.T)
        else:
            np.testing.assert_allclose(pv[:, :4], values @ reach.T, rtol=1e-12, atol=0)


@needs_numba
def test_c2_update_is_the_numpy_update():
    rng = np.random.default_rng(3)
    reps, n_actors = 90, 5
    raw, c2_val, disabled = (_sparse(rng, (reps, n_actors)) for _ in range(3))
    rel, h2d = rng.random(reps), rng.random(reps) * 3
    nodes = rng.integers(0, 8, n_actors).astype(float)
    to_disable = np.maximum(h2d, 1e-9)
    expected = np.minimum(nodes[None, :], disabled + (raw * c2_val) * rel[:, None] / to_disable[:, None])
    got = fires_kernels.c2_update(raw, c2_val, rel, to_disable, nodes, disabled)
    np.testing.assert_array_equal(got, expected)


@needs_numba
@pytest.mark.parametrize("unit", [True, False])
def test_spread_losses_is_spread_then_losses(unit):
    """kernels_fixed._spread_losses against the two passes it fuses (the same losses, the same draws)."""
    rng = np.random.default_rng(11)
    reps, width, n_bases = 130, 17, 6
    n = np.round(_sparse(rng, (reps, width)))
    n[3, 2] = -1.0  # a negative count in a quiet row is still treated as ``_losses`` treats it
    cols = np.array([0, 2, 3, 5, 8, 9, 13, 16], dtype=np.int64)
    where = rng.integers(-1, n_bases, cols.size)
    busy = rng.random(reps) < 0.7
    busy[3] = False
    share = rng.random((reps, n_bases)) * busy[:, None]
    scale = np.ones(cols.size) if unit else (rng.random(cols.size) < 0.7).astype(float)
    live = (rng.random(reps) < 0.9).astype(float)
    n1, lost1, also1 = n.copy(), np.zeros_like(n), np.zeros_like(n)
    n2, lost2, also2 = n.copy(), np.zeros_like(n), np.zeros_like(n)
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    expected = kernels_fixed._spread(share, n1, cols, where, scale)
    kernels_fixed._losses(n1, lost1, also1, True, cols, expected, live, r1)
    kernels_fixed._spread_losses(n2, lost2, also2, True, cols, where, share, scale, unit, busy, live, r2)
    for a, b in ((n1, n2), (lost1, lost2), (also1, also2)):
        np.testing.assert_array_equal(a, b)
    assert r1.random() == r2.random()
