"""Determinism contract of the campaign runner (positivesum.sim.runner).

Same inputs and seed give identical per-replication arrays and traces; another
seed gives other numbers; the worker count never matters; block *i* always
draws from child *i* of ``SeedSequence(seed)``, so a longer run extends a
shorter one; and every result records how it was made (seed, replications,
overrides, --set values, data hash).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re

import numpy as np
import pytest

from positivesum import services
from positivesum.model.loader import load_dataset
from positivesum.sim import runner
from positivesum.sim.setup import build_setup

DATA = load_dataset()
SCENARIO = "taiwan_base"  # every domain fights: air, sea, missiles, ground
B = 64  # small block size so that multi-block runs stay fast


@pytest.fixture(scope="module")
def setup():
    return build_setup(DATA.dataset, SCENARIO)


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(runner, "BLOCK_SIZE", B)
    return B


def assert_identical(r1, r2, reps: slice | None = None, trace: bool = True) -> None:
    """Every data variable (optionally the first replications only), coordinate and trace series is equal."""
    d1, d2 = r1.data, r2.data
    if reps is not None:
        d1, d2 = d1.isel(rep=reps), d2.isel(rep=reps)
    assert set(d1.data_vars) == set(d2.data_vars)
    for name in d1.coords:
        np.testing.assert_array_equal(d1[name].values, d2[name].values, err_msg=name)
    for name in d1.data_vars:
        np.testing.assert_array_equal(d1[name].values, d2[name].values, err_msg=name)
    if trace:
        assert set(r1.trace.data_vars) == set(r2.trace.data_vars)
        for name in r1.trace.data_vars:
            np.testing.assert_array_equal(r1.trace[name].values, r2.trace[name].values, err_msg=name)


def test_same_seed_same_numbers():
    r1 = services.simulate(DATA, SCENARIO, 120, 7)
    r2 = services.simulate(load_dataset(), SCENARIO, 120, 7)  # a fresh load of the same data
    assert_identical(r1, r2)
    assert r1.meta == r2.meta  # including the data hash: the same inputs hash alike
    # summaries hold NaN (no run-out day, ...), which never compares equal: compare their JSON text
    assert json.dumps(r1.summary(), sort_keys=True, default=str) == json.dumps(
        r2.summary(), sort_keys=True, default=str
    )


def test_different_seeds_give_different_numbers(setup):
    r1 = runner.simulate_setup(setup, 200, 1)
    r2 = runner.simulate_setup(setup, 200, 2)
    differ = [n for n in r1.data.data_vars if not _equal(r1.data[n].values, r2.data[n].values)]
    # the random parts of the campaign (losses, casualties, munitions fired) all change with the seed
    assert {"losses", "casualties", "munitions_expended"} <= set(differ), differ
    assert any(not _equal(r1.trace[n].values, r2.trace[n].values) for n in r1.trace.data_vars)


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@contextlib.contextmanager
def _two_workers():
    """The blocks mapped on a Dask cluster of two single-threaded in-process workers (services/executor.py)."""
    from positivesum.services.executor import map_ordered, open_client

    with open_client(None, 2, processes=False) as client:
        yield functools.partial(map_ordered, client)


def test_results_do_not_depend_on_workers(setup, small_blocks):
    reps = 3 * B + 10  # four blocks, the last one partial
    assert runner.block_sizes(reps) == [B, B, B, 10]
    serial = runner.simulate_setup(setup, reps, 99)
    with _two_workers() as map_blocks:
        parallel = runner.simulate_setup(setup, reps, 99, map_blocks=map_blocks)
    assert_identical(serial, parallel)


def test_progress_reports_each_block_size_serially(setup, small_blocks):
    calls: list = []
    runner.simulate_setup(setup, 2 * B + 10, 99, progress=calls.append)
    assert calls == [B, B, 10]


def test_progress_reports_each_block_size_with_workers(setup, small_blocks):
    """Regression: the worker path once passed the CampaignSetup (first job element) to progress()."""
    calls: list = []
    with _two_workers() as map_blocks:
        runner.simulate_setup(setup, 2 * B + 10, 99, map_blocks=map_blocks, progress=calls.append)
    assert all(isinstance(c, int) for c in calls), [type(c).__name__ for c in calls]
    assert sorted(calls) == [10, B, B]  # in the order the blocks finish


def test_a_longer_run_extends_a_shorter_one(setup, small_blocks):
    """Block i uses spawn child i: the first B replications of any longer run are the run of exactly B."""
    one = runner.simulate_setup(setup, B, 5)
    two = runner.simulate_setup(setup, 2 * B, 5)
    odd = runner.simulate_setup(setup, 2 * B + 17, 5)
    assert one.data.sizes["rep"] == B and two.data.sizes["rep"] == 2 * B and odd.data.sizes["rep"] == 2 * B + 17
    assert_identical(one, two, reps=slice(0, B), trace=False)
    assert_identical(two, odd, reps=slice(0, 2 * B), trace=False)
    # and the second block is not a copy of the first
    assert not np.array_equal(two.data["casualties"].values[:B], two.data["casualties"].values[B:])


def test_block_i_uses_spawn_child_i(setup, small_blocks):
    """The second block of a run equals a one-block run driven by child 1 of the same SeedSequence."""
    from positivesum.sim.campaign import run_block

    two = runner.simulate_setup(setup, 2 * B, 13)
    child = np.random.SeedSequence(13).spawn(2)[1]
    out = run_block(setup, B, np.random.Generator(np.random.PCG64(child)), {})
    np.testing.assert_array_equal(two.data["casualties"].values[B:], out["casualties"])
    np.testing.assert_array_equal(two.data["munitions_expended"].values[B:], out["expended"])
    np.testing.assert_array_equal(two.data["decided_day"].values[B:], out["decided_day"])


def test_provenance_travels_with_the_result():
    override = DATA.available_overrides[0]
    sets = ["engine.decisive_force_ratio=2.5", f"scenarios.{SCENARIO}.warning_days=5"]
    ld = load_dataset(overrides=[override], sets=sets)
    result = services.simulate(ld, SCENARIO, 50, 4242)
    for meta in (result.meta, result.summary()["meta"]):
        assert meta["scenario"] == SCENARIO
        assert meta["seed"] == 4242
        assert meta["replications"] == 50
        prov = meta["provenance"]
        assert prov["overrides"] == [override]
        assert prov["sets"] == sets
        assert re.fullmatch(r"[0-9a-f]{64}", prov["data_sha256"])
        assert prov["data_sha256"] == ld.data_hash
        assert prov["files"] and all(isinstance(f, str) for f in prov["files"])
        assert meta["version"]
    assert DATA.data_hash != ld.data_hash  # other inputs hash differently
    plain = services.simulate(DATA, SCENARIO, 50, 4242).meta["provenance"]
    assert plain["overrides"] == [] and plain["sets"] == [] and plain["data_sha256"] == DATA.data_hash


def test_set_values_change_the_run_only_through_the_data():
    """Setting a parameter to its own value changes nothing but the recorded provenance."""
    # a parameter without a low-high range (setting a value drops the range, which would change the sampling)
    fixed = {n: q for n, q in DATA.dataset.engine if q.low is None and q.high is None}
    name = "decisive_force_ratio" if "decisive_force_ratio" in fixed else min(fixed)
    q = fixed[name]
    same = services.simulate(load_dataset(sets=[f"engine.{name}={q.value!r}"]), SCENARIO, 60, 3)
    base = services.simulate(DATA, SCENARIO, 60, 3)
    assert_identical(same, base)
    assert same.meta["provenance"]["data_sha256"] != base.meta["provenance"]["data_sha256"]  # the note is recorded


def test_negative_seed_is_an_input_error():
    """Regression: a negative seed once reached numpy.random.SeedSequence and ended in 'internal error'."""
    from positivesum.model.errors import InputError

    with pytest.raises(InputError, match="seed"):
        services.simulate(DATA, SCENARIO, 10, -1)


def test_reps_below_one_is_an_input_error():
    from positivesum.model.errors import InputError

    with pytest.raises(InputError, match="--reps"):
        services.simulate(DATA, SCENARIO, 0, 1)
    with pytest.raises(ValueError):
        runner.simulate_setup(build_setup(DATA.dataset, SCENARIO), 0, 1)
