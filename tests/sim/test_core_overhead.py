"""The step loop's bookkeeping kernels (core_rng.py, core_kernels.py) give NumPy's numbers, bit for bit.

- the outer loop's uniform streams (core_rng.uniforms) against ``Generator(PCG64(SeedSequence([key, crc])))``;
- the whole outer-loop sample with the compiled streams against the NumPy streams;
- NumPy's pairwise summation (core_kernels.pairwise) against ``ndarray.sum``;
- the traced sums (campaign.TracePlan, core_kernels.trace_sums) against ``campaign.trace_values``.
"""

from __future__ import annotations

import zlib
from types import SimpleNamespace

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim import campaign, core_kernels, core_rng, kernels, results, uncertainty
from positivesum.sim.setup import build_setup

needs_numba = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset().dataset


def _keys() -> list[int]:
    rng = np.random.default_rng(0)
    edge = [0, 1, 2**32 - 1, 2**32, 2**63 - 2]
    return (
        edge + [int(rng.integers(0, 2**63 - 1)) for _ in range(40)] + [int(rng.integers(0, 2**32)) for _ in range(10)]
    )


@needs_numba
@pytest.mark.parametrize("n_outer", [1, 7, 64])
def test_uniform_streams_are_numpys(n_outer):
    crcs = np.array([0, 1, 2**32 - 1] + [zlib.crc32(f"q{i}".encode()) for i in range(12)], dtype=np.uint64)
    for key in _keys():
        got = core_rng.uniforms(key, crcs, n_outer)
        for j, c in enumerate(crcs):
            seq = np.random.SeedSequence([key, int(c)])
            words = np.concatenate([core_rng.int_words(key), np.array([c], dtype=np.uint64)])
            np.testing.assert_array_equal(core_rng.pool(words), seq.pool.astype(np.uint64))
            np.testing.assert_array_equal(core_rng.state_words(core_rng.pool(words)), seq.generate_state(4, np.uint64))
            np.testing.assert_array_equal(got[:, j], np.random.Generator(np.random.PCG64(seq)).random(n_outer))


@needs_numba
@pytest.mark.parametrize(("scenario", "reps", "enabled"), [("taiwan_base", 200, True), ("taiwan_blockade", 70, True)])
def test_sample_with_compiled_streams_is_the_numpy_sample(dataset, monkeypatch, scenario, reps, enabled):
    setup = build_setup(dataset, scenario)
    compiled = uncertainty.sample(setup, reps, np.random.default_rng(3), enabled)
    monkeypatch.setattr(kernels, "ENABLED", False)
    plain = uncertainty.sample(setup, reps, np.random.default_rng(3), enabled)
    np.testing.assert_array_equal(compiled.stock0, plain.stock0)
    assert compiled.quantities == plain.quantities
    for name in ("params", "eff", "scalar", "per_actor", "count_factor"):
        a, b = getattr(compiled, name), getattr(plain, name)
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{name}.{k}")
    for d in compiled.attrs:
        for k in compiled.attrs[d]:
            np.testing.assert_array_equal(compiled.attrs[d][k], plain.attrs[d][k])


@needs_numba
def test_pairwise_is_numpys_sum():
    rng = np.random.default_rng(1)
    for n in list(range(0, 260)) + [1000, 1023, 1024, 1025, 4097, 81920, 100003]:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 7, n)
        assert core_kernels.pairwise(a) == a.sum()


def _state(setup, reps: int, rng: np.random.Generator) -> SimpleNamespace:
    def lost(d):
        x = rng.random((reps, len(setup.groups[d]))) * rng.integers(0, 30, (reps, len(setup.groups[d])))
        x[rng.random(x.shape) < 0.5] = 0.0
        return x

    return SimpleNamespace(
        lost={d: lost(d) for d in setup.groups},
        ashore=rng.random(reps) * 1e4,
        held=rng.random(reps),
        electricity=rng.random(reps),
        throughput=rng.random(reps),
        stock=rng.random((reps, len(setup.pools.label))) * 1e3,
        frozen={},
    )


@needs_numba
@pytest.mark.parametrize("scenario", ["taiwan_base", "taiwan_blockade"])
@pytest.mark.parametrize("reps", [1, 2, 9, 130, 300, 2048])
def test_traced_sums_are_trace_values(dataset, scenario, reps):
    setup = build_setup(dataset, scenario)
    st = _state(setup, reps, np.random.default_rng(reps))
    plan = campaign.TracePlan(setup, st)
    assert plan.compiled
    expected = campaign.trace_values(st, setup)
    got = plan.values(st, setup)
    assert list(expected) == plan.keys
    np.testing.assert_array_equal(got, np.array(list(expected.values())))
    rows = np.random.default_rng(5).random(reps) < 0.5
    np.testing.assert_array_equal(
        plan.values(st, setup, rows), np.array(list(campaign.trace_values(st, setup, rows).values()))
    )


def test_trace_plan_writes_what_record_trace_writes(dataset):
    setup = build_setup(dataset, "taiwan_base")
    rng = np.random.default_rng(8)
    by_record: dict[str, dict[int, float]] = {}
    by_plan: dict[str, dict[int, float]] = {}
    st = _state(setup, 40, rng)
    plan = campaign.TracePlan(setup, st)
    for t in range(3):
        st = _state(setup, 40, rng)
        campaign.record_trace(by_record, t, st, setup)
        plan.record(t, st, setup)
    plan.write(by_plan)
    assert list(by_plan) == list(by_record)
    for key in by_record:
        assert by_plan[key] == by_record[key]


@needs_numba
@pytest.mark.parametrize("per_rep", [False, True])
def test_land_attack_demand_is_the_numpy_products(per_rep):
    rng = np.random.default_rng(21)
    reps, k = 150, 11
    strike = rng.random((reps, k)) * rng.integers(0, 20, (reps, k))
    strike[0, 0] = np.inf  # inf times a zero mask: NaN either way
    weapons = rng.random((reps, k) if per_rep else (1, k)) * 4
    blue, anti_ship, land_attack = (rng.random(k) < 0.6 for _ in range(3))
    fleet_gone = rng.random(reps) < 0.5
    ashore = rng.random(reps) * (rng.random(reps) < 0.7)
    live = (rng.random((reps, 1)) < 0.8).astype(float)
    with np.errstate(invalid="ignore"):  # inf * 0
        expected = strike * weapons
        expected *= blue
        expected *= ~(anti_ship[None, :] & ~fleet_gone[:, None])
        expected *= land_attack
        expected *= (ashore > 0)[:, None]
        expected *= live
    got = core_kernels.land_attack_demand(strike, weapons, blue, anti_ship, fleet_gone, land_attack, ashore, live)
    np.testing.assert_array_equal(got, expected)


@needs_numba
@pytest.mark.parametrize("shape", ["k", "r1", "rk", "scalar"])
def test_naval_activity_is_the_numpy_arrays(shape):
    rng = np.random.default_rng(22)
    reps, k = 90, 7
    steps = rng.integers(0, 9, (reps, k))
    port_base = (rng.random(k) < 0.5).astype(float)
    share = {"k": rng.random(k), "r1": rng.random((reps, 1)), "rk": rng.random((reps, k)), "scalar": 0.3}[shape]
    for t in (0, 4, 9):
        act = (steps <= t).astype(float)
        in_port = port_base * np.where(act > 0, share, 1.0)
        sea = act * (1.0 - in_port)
        got = core_kernels.naval_activity(steps, t, port_base, np.atleast_2d(np.asarray(share, dtype=float)))
        for a, b in zip(got, (act, in_port, sea), strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("scenario", ["taiwan_base", "taiwan_blockade"])
def test_losses_by_actor_and_class_add_groups_in_order(dataset, scenario):
    setup = build_setup(dataset, scenario)
    rng = np.random.default_rng(23)
    lost = {
        d: rng.standard_normal((50, len(g))) * 10.0 ** rng.integers(-8, 8, (50, len(g)))
        for d, g in setup.groups.items()
    }
    got, actors, classes = results._by_actor_class(setup, lost)
    expected = np.zeros((50, len(actors), len(classes)))
    for d, g in setup.groups.items():  # the loop it replaces
        for k in range(len(g)):
            expected[:, actors.index(setup.actors[g.actor[k]]), classes.index(g.cls[k])] += lost[d][:, k]
    np.testing.assert_array_equal(got, expected)
