"""The services' unit cache (services/unit_cache.py): exact round trips, keys by content, only misses run."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from positivesum.plan.deterrence import RepScores
from positivesum.services import executor, unit_cache
from positivesum.services.portfolio_runs import Score


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return type(a) is type(b) and a == b


VALUE = (
    {
        "deterrence": 0.1 + 0.2,  # not a short decimal: the JSON form must keep every bit
        "ci95": [np.float64(1 / 3), float("nan"), float("inf")],
        ("usa", "opt", 3): np.int64(7),
        "flag": True,
        "none": None,
        "name": "台湾",
    },
    RepScores(*(np.linspace(0, 1, 5) / 3 for _ in range(5)), np.arange(5) // 2),
)


def test_a_result_comes_back_exactly(tmp_path):
    with unit_cache.activated(tmp_path):
        unit_cache.store("k", VALUE)
        hit, value = unit_cache.load("k")
    assert hit
    assert _same(VALUE, value)


def test_nothing_is_read_or_written_when_inactive(tmp_path):
    unit_cache.store("k", VALUE)
    assert unit_cache.load("k") == (False, None)
    assert not list(tmp_path.iterdir())


def test_a_result_it_cannot_represent_is_not_stored(tmp_path):
    with unit_cache.activated(tmp_path):
        unit_cache.store("k", {"x": object()})
        unit_cache.store("o", np.array([1, "a"], dtype=object))
        assert unit_cache.load("k") == (False, None)
        assert unit_cache.load("o") == (False, None)
    assert not list(tmp_path.glob("*.npz"))


def test_a_damaged_entry_is_a_miss(tmp_path):
    with unit_cache.activated(tmp_path):
        unit_cache.store("k", VALUE)
        (tmp_path / "unit-k.npz").write_bytes(b"not a zip")
        assert unit_cache.load("k") == (False, None)


def test_classes_outside_the_package_are_never_rebuilt(tmp_path):
    with unit_cache.activated(tmp_path):
        unit_cache.store("k", {"x": 1})
        # hand-write an entry naming a class of another module: refused, a miss
        doc = b'{"value": {"$c": "subprocess:Popen", "f": {}}, "arrays": 0}'
        np.savez(tmp_path / "unit-evil.npz", doc=np.frombuffer(doc, dtype=np.uint8))
        assert unit_cache.load("evil") == (False, None)


def _square(shared, x):
    calls.append(x)
    return {"x": x, "y": x * x * shared}


calls: list[int] = []


def test_map_ordered_runs_only_the_missing_items(tmp_path):
    calls.clear()
    with unit_cache.activated(tmp_path):
        first = executor.map_ordered(None, _square, [1, 2, 3], shared=10)
        assert calls == [1, 2, 3]
        done: list[int] = []
        again = executor.map_ordered(None, _square, [3, 4, 1], done.append, shared=10)
        assert calls == [1, 2, 3, 4]  # only 4 was new
        assert sum(done) == 3  # every item's progress is still reported
        other = executor.map_ordered(None, _square, [1], shared=11)  # another shared input: another key
        assert calls == [1, 2, 3, 4, 1]
    assert first == [{"x": 1, "y": 10}, {"x": 2, "y": 40}, {"x": 3, "y": 90}]
    assert again == [{"x": 3, "y": 90}, {"x": 4, "y": 160}, {"x": 1, "y": 10}]
    assert other == [{"x": 1, "y": 11}]


def test_an_input_it_cannot_digest_runs_uncached(tmp_path):
    calls.clear()
    with unit_cache.activated(tmp_path):
        for _ in range(2):
            executor.map_ordered(None, _square, [1], shared=_Opaque())
    assert calls == [1, 1]
    assert not list(tmp_path.glob("*.npz"))


class _Opaque:
    def __rmul__(self, other):
        return other


def test_keys_follow_content_not_identity():
    a = Score((("usa", "x", 2027),), "taiwan_base", 100, 7)
    b = Score((("usa", "x", 2027),), "taiwan_base", 100, 7)
    c = Score((("usa", "x", 2027),), "taiwan_base", 100, 8)
    ka, kb, kc = unit_cache.unit_keys(_square, None, [a, b, c])
    assert ka == kb != kc
    assert unit_cache.digest({"b": 1, "a": [1, 2]}) == unit_cache.digest({"a": [1, 2], "b": 1})
    assert unit_cache.digest((1, 2)) != unit_cache.digest([1, 2])
    assert unit_cache.digest(1) != unit_cache.digest(1.0) != unit_cache.digest(True)


def test_plain_trees_are_keyed_by_their_json_and_nothing_else_is():
    """A tree of plain data is digested as canonical JSON (a coalition's data tree: the walk was too slow), and
    only when that text reads back equal to it: keys that are not strings, tuples and NaN take the walk, so trees
    that differ only in those never share a key."""
    tree = {"forces": {"JPN": {"ships": {"value": 20, "source": "x"}}}, "weights": [0.5, 1.0, None, True]}
    assert unit_cache._plain_json(tree) is not None
    assert unit_cache.digest(tree) == unit_cache.digest({"weights": tree["weights"], "forces": tree["forces"]})
    pairs = [
        ({"1": "a"}, {1: "a"}),  # the encoder would write the int key as "1"
        ({"a": [1, 2]}, {"a": (1, 2)}),  # and the tuple as a list
        ({"a": 1}, {"a": 1.0}),
        ({"a": 1}, {"a": True}),
        ({"a": "é"}, {"a": "e"}),
    ]
    for left, right in pairs:
        assert unit_cache.digest(left) != unit_cache.digest(right), (left, right)
    for odd in ({1: "a"}, {"a": (1, 2)}, {"a": float("nan")}, {"a": np.float32(1.5)}, {"a": {"b": np.arange(2)}}):
        assert unit_cache._plain_json(odd) is None, odd
    assert unit_cache.digest({"a": float("nan")}) == unit_cache.digest({"a": float("nan")})


def test_keys_are_the_same_in_another_process():
    """Hash randomisation differs between processes: the key of a set or dict must not depend on it."""
    code = (
        "from positivesum.services import unit_cache;"
        "print(unit_cache.digest({'b', 'a', 'c'}, {'z': 1, 'y': {'q', 'p'}}, ('t', 1.5)))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert len(keys) == 1


def test_a_file_path_is_not_digested():
    """A data file may import others: its name and content would not say everything it stands for, so a unit
    that reads files by path runs uncached (a unit's dataset is digested by its merged data instead)."""
    import pathlib

    with pytest.raises(unit_cache.Uncacheable):
        unit_cache.digest(pathlib.Path("data.yaml"))
