"""The content-addressed simulation cache (sim/cache.py): a hit gives the identical result, any change of input
is a miss, a damaged entry is recomputed, and nothing is written unless a directory is activated."""

from __future__ import annotations

import json

import numpy as np
import pytest

from positivesum.services.data import load
from positivesum.sim import cache
from positivesum.sim.runner import simulate_arrays, simulate_setup
from positivesum.sim.setup import build_setup

REPS = 96


@pytest.fixture(scope="module")
def setups():
    base = load(None, [], [])
    other = load(None, [], ["engine.missile_reliability=0.7"])
    return build_setup(base.dataset, "nansei_seizure"), build_setup(other.dataset, "nansei_seizure")


def test_a_hit_gives_the_identical_result(tmp_path, setups):
    setup, _ = setups
    with cache.activated(tmp_path):
        first = simulate_setup(setup, REPS, 3)
        entries = list(tmp_path.glob("sim-*.npz"))
        second = simulate_setup(setup, REPS, 3)
    assert len(entries) == 1
    assert first.data.equals(second.data)
    assert json.dumps(first.summary(), sort_keys=True, default=str) == json.dumps(
        second.summary(), sort_keys=True, default=str
    )  # NaN-safe comparison


def test_every_input_is_part_of_the_key(setups):
    setup, other = setups
    k = cache.key(setup, REPS, 3, True)
    assert k == cache.key(setup, REPS, 3, True)
    assert len({k, cache.key(setup, REPS + 1, 3, True), cache.key(setup, REPS, 4, True)}) == 3
    assert k != cache.key(setup, REPS, 3, False)
    assert k != cache.key(other, REPS, 3, True)  # one engine parameter changed by --set


def test_a_damaged_entry_is_recomputed(tmp_path, setups):
    setup, _ = setups
    with cache.activated(tmp_path):
        first = simulate_setup(setup, REPS, 5)
        (entry,) = tmp_path.glob("sim-*.npz")
        entry.write_bytes(b"not a cache entry")
        again = simulate_setup(setup, REPS, 5)
    assert first.data.equals(again.data)


def test_nothing_is_written_unless_activated(tmp_path, setups, monkeypatch):
    setup, _ = setups
    monkeypatch.chdir(tmp_path)
    simulate_setup(setup, REPS, 7)
    assert cache.active() is None
    assert list(tmp_path.iterdir()) == []


def test_an_untraced_run_has_the_same_arrays_and_its_own_entry(tmp_path, setups):
    """``traced=False`` (the planner's outcome-only runs) skips the per-step trace: the per-replication arrays are
    the same (the trace draws no random numbers), the trace is empty, and the cache never serves one for the
    other (an untraced entry holds no trace)."""
    setup, _ = setups
    assert cache.key(setup, REPS, 3, True, traced=False) != cache.key(setup, REPS, 3, True)
    with cache.activated(tmp_path):
        untraced = simulate_arrays(setup, REPS, 3, traced=False)
        traced = simulate_arrays(setup, REPS, 3)
        assert len(list(tmp_path.glob("sim-*.npz"))) == 2
        again = simulate_arrays(setup, REPS, 3, traced=False)
    assert untraced[1] == {} and again[1] == {} and traced[1]
    for name, values in traced[0].items():
        np.testing.assert_array_equal(untraced[0][name], values, err_msg=name)
        np.testing.assert_array_equal(again[0][name], values, err_msg=name)
