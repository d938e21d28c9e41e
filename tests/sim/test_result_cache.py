"""The content-addressed simulation cache (sim/cache.py): a hit gives the identical result, any change of input
is a miss, a damaged entry is recomputed, and nothing is written unless a directory is activated."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


# --- the entry format and the key encoding ------------------------------------------------------------------------


def _arrays_of_every_kind() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    arrays = {
        "f8_2d": rng.normal(size=(7, 3)),
        "f8_nan": np.array([np.nan, -0.0, np.inf, 1e-300]),
        "i8_0d": np.array(-(2**62)),
        "i8_1d": np.arange(5, dtype=np.int64) - 2,
        "i1_3d": rng.integers(-128, 127, size=(2, 3, 4), dtype=np.int8),
        "b1": np.array([True, False, True]),
        "empty_1d": np.zeros(0),
        "empty_2d": np.zeros((6, 0)),
        "empty_bool": np.zeros((0, 2), dtype=bool),
        "f4_be": np.arange(3, dtype=">f4"),  # non-native byte order
        "c16": np.array([1 + 2j, -3j]),
        "u2_strided": np.arange(20, dtype=np.uint16).reshape(4, 5)[:, ::2],  # not contiguous
        "f8_fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    }
    trace = {"a": np.linspace(0, 1, 4), "b/c": np.ones(4) / 3}
    return arrays, trace


def test_an_entry_round_trips_arrays_of_every_dtype_and_shape(tmp_path):
    arrays, trace = _arrays_of_every_kind()
    with cache.activated(tmp_path):
        cache.store("k", arrays, trace)
        cache.store("untraced", arrays, {})
        got, got_trace = cache.load("k")
        assert cache.load("untraced")[1] == {}
        with np.load(tmp_path / "sim-k.npz", allow_pickle=False) as z:
            assert sorted(z.files) == ["data", "layout"]  # a handful of members, not one per array
    for want, have in ((arrays, got), (trace, got_trace)):
        assert list(have) == list(want)
        for name, value in want.items():
            assert have[name].dtype == value.dtype and have[name].shape == value.shape, name
            np.testing.assert_array_equal(have[name], value, err_msg=name)
            assert have[name].flags.writeable and have[name].flags.owndata, name
    assert np.signbit(got["f8_nan"][1])  # bits, not just values: -0.0 stays -0.0
    got["i8_1d"][:] = 0  # arrays do not share memory
    np.testing.assert_array_equal(got["i1_3d"], arrays["i1_3d"])


def test_object_arrays_are_not_stored(tmp_path):
    with cache.activated(tmp_path):
        cache.store("k", {"x": np.array([1, "a"], dtype=object)}, {})
        cache.store("t", {"x": np.zeros(2)}, {"y": np.array([None])})
    assert list(tmp_path.iterdir()) == []


def test_an_old_layout_a_truncated_or_an_empty_entry_is_a_miss(tmp_path):
    arrays, trace = _arrays_of_every_kind()
    with cache.activated(tmp_path):
        # the layout before: one member per array, named a/... and t/...
        old = {f"a/{n}": v for n, v in arrays.items()} | {f"t/{n}": v for n, v in trace.items()}
        cache.write_npz_atomic(tmp_path / "sim-old.npz", old)
        assert cache.load("old") is None
        cache.store("k", arrays, trace)
        whole = (tmp_path / "sim-k.npz").read_bytes()
        for size in (0, 10, len(whole) // 2, len(whole) - 1):
            (tmp_path / "sim-k.npz").write_bytes(whole[:size])
            assert cache.load("k") is None, size
        damaged = bytearray(whole)
        damaged[len(whole) // 2] ^= 0xFF  # inside the data buffer: the zip's CRC catches it
        (tmp_path / "sim-k.npz").write_bytes(bytes(damaged))
        assert cache.load("k") is None
        (tmp_path / "sim-k.npz").write_bytes(whole)
        assert cache.load("k") is not None
        assert cache.load("missing") is None


def test_equal_set_ups_built_separately_have_equal_keys_and_one_element_changes_it():
    dataset = load(None, [], []).dataset
    a, b = build_setup(dataset, "taiwan_base"), build_setup(dataset, "taiwan_base")
    assert a is not b and a.groups is not b.groups
    k = cache.key(a, REPS, 3, True)
    assert cache.key(b, REPS, 3, True) == k
    b.groups = dict(reversed(b.groups.items()))  # insertion order does not matter
    assert cache.key(b, REPS, 3, True) == k
    domain = next(d for d, g in b.groups.items() if len(g.count0))
    b.groups[domain].count0[0] += 1e-9  # one element of one array
    assert cache.key(b, REPS, 3, True) != k
    b.groups[domain].count0[0] = a.groups[domain].count0[0]
    assert cache.key(b, REPS, 3, True) == k
    b.params[next(iter(b.params))] += 1e-12  # one parameter
    assert cache.key(b, REPS, 3, True) != k


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (["ab", "c"], ["a", "bc"]),
        (["a\0b"], ["a", "b"]),
        (("a",), ["a"]),
        ("a", ["a"]),
        ([1.0], [1]),
        ([True], [1]),
        ([0.0], [-0.0]),
        ({"a": 1}, [("a", 1)]),
        ({"a": "b"}, {"b": "a"}),
        ({1: "a"}, {"1": "a"}),
        ([(1.0, 2.0)], [(1.0,), (2.0,)]),
        (np.zeros(2, dtype=np.int64), np.zeros(16, dtype=np.int8)),
        (np.zeros(2), np.zeros((2, 1))),
        (np.zeros(2), np.zeros(2, dtype=">f8")),
        ([np.zeros(0), np.zeros(1)], [np.zeros(1), np.zeros(0)]),
        ({"x": np.array(["a", 1], dtype=object)}, {"x": np.array(["a", "1"], dtype=object)}),
        ({1, 2}, {1, 3}),
        ([None], ["None"]),
    ],
)
def test_different_contents_have_different_keys(x, y):
    assert cache.key(x, 1, 1, True) != cache.key(y, 1, 1, True)


def test_order_of_sets_and_dicts_does_not_matter():
    words = [f"w{i}" for i in range(50)]
    assert cache.key(set(words), 1, 1, True) == cache.key(set(reversed(words)), 1, 1, True)
    mixed = {1: "a", "b": 2.0, (3, 4): None}
    assert cache.key(mixed, 1, 1, True) == cache.key(dict(reversed(mixed.items())), 1, 1, True)
    with pytest.raises(TypeError):
        cache.key({"x": object()}, 1, 1, True)  # no digest by identity


KEY_SCRIPT = """
from positivesum.model.loader import load_dataset
from positivesum.sim import cache
from positivesum.sim.setup import build_setup
print(cache.key(build_setup(load_dataset().dataset, "taiwan_base"), 96, 3, True))
"""


def test_the_key_does_not_depend_on_hash_randomisation():
    keys = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", KEY_SCRIPT], env=env, capture_output=True, text=True, check=True)
        keys.add(out.stdout.strip())
    assert len(keys) == 1 and len(keys.pop()) == 64
