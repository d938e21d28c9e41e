"""`simulate` on Dask: the blocks of replications run in this process, on 1 or 2 workers, or on a cluster given
by its address, with bit-identical numbers (seeds from (master seed, block), never from the worker); bad cluster
options are clear errors with exit code 2 and nothing written."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli

SCENARIO = "taiwan_base"


def _same(r1, r2) -> None:
    assert set(r1.data.data_vars) == set(r2.data.data_vars)
    for name in r1.data.data_vars:
        a, b = r1.data[name].values, r2.data[name].values
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    for name in r1.trace.data_vars:
        np.testing.assert_array_equal(r1.trace[name].values, r2.trace[name].values, err_msg=name)


def test_blocks_give_the_same_numbers_here_and_at_1_and_2_workers(packaged, thread_clusters, monkeypatch):
    from positivesum.services.simulate import simulate
    from positivesum.sim import runner

    # four blocks, the last one partial (sizes are cut here); a block holds whole draws of 32 (runner.check_inner)
    monkeypatch.setattr(runner, "BLOCK_SIZE", 32)
    reps = 3 * 32 + 5
    here = simulate(packaged, SCENARIO, reps, 11)
    seen: list[int] = []
    for workers in (1, 2):
        there = simulate(packaged, SCENARIO, reps, 11, progress=seen.append, client=thread_clusters[workers])
        _same(here, there)
    assert sorted(seen) == sorted([32, 32, 32, 5] * 2)  # progress follows the cluster, block by block
    # the blocks' seeds come from (master seed, block): another seed, other numbers
    other = simulate(packaged, SCENARIO, reps, 12, client=thread_clusters[2])
    assert not np.array_equal(here.data["casualties"].values, other.data["casualties"].values)


def test_the_blocks_are_mapped_through_the_executor(packaged, thread_clusters, monkeypatch):
    """The cluster really runs the blocks: map_ordered receives one task per block, in block order."""
    import importlib

    from positivesum.services import executor
    from positivesum.sim import runner

    simulate_services = importlib.import_module("positivesum.services.simulate")  # the module, not the function

    monkeypatch.setattr(runner, "BLOCK_SIZE", 32)
    calls: list[list[int]] = []
    real = executor.map_ordered

    def spy(client, fn, items, *args, **kwargs):
        calls.append([job[0] for job in items])
        return real(client, fn, items, *args, **kwargs)

    monkeypatch.setattr(simulate_services, "map_ordered", spy)
    simulate_services.simulate(packaged, SCENARIO, 80, 3, client=thread_clusters[2])
    assert calls == [[32, 32, 16]]
    simulate_services.simulate(packaged, SCENARIO, 80, 3)  # in this process: no executor at all
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("options", "key", "text"),
    [
        (["--workers", "-1"], "--workers", "got -1"),
        (["--workers", "257"], "--workers", "got 257"),
        (["--scheduler", "localhost:8786"], "--scheduler", "not a Dask scheduler address"),
        (["--scheduler", "tcp://127.0.0.1:9", "--workers", "2"], "--workers", "--scheduler names another one"),
        (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler", "cannot reach a Dask scheduler"),
    ],
)
def test_bad_cluster_options_are_clear_errors(tmp_path, options, key, text):
    target = tmp_path / "summary.json"
    proc = run_cli("simulate", SCENARIO, "--reps", "8", "--out", target, "--quiet", *options)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert key in proc.stderr and text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not target.exists() and not list(tmp_path.iterdir())


def test_simulate_on_a_cluster_given_by_its_address(real_cluster):
    there = run_cli("simulate", SCENARIO, "--reps", "40", "--seed", "5", "--json", "--scheduler", real_cluster)
    assert there.returncode == 0, there.stderr
    here = run_cli("simulate", SCENARIO, "--reps", "40", "--seed", "5", "--json")
    assert here.returncode == 0, here.stderr
    a, b = json.loads(there.stdout), json.loads(here.stdout)
    assert a["meta"]["replications"] == 40 and a["outcomes"] == b["outcomes"]
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _negate(x):
    return -x


def test_costed_items_come_back_in_their_order(thread_clusters):
    """``cost`` only sets the tasks' priorities (longest first): results stay in the order of the items."""
    from positivesum.services.executor import map_ordered

    items = [3, 9, 1, 7, 5]
    done: list[int] = []
    out = map_ordered(thread_clusters[2], _negate, items, done.append, cost=float)
    assert out == [-3, -9, -1, -7, -5]
    assert sum(done) == len(items)


def _with_shared(shared, x):
    return shared["offset"] + x


def test_a_shared_object_is_sent_to_the_workers_once_per_client(thread_clusters, monkeypatch):
    """Two maps passing the same shared object (the surrogate's origin and design batches) send it once; another
    object is sent again; the results read the right one."""
    from positivesum.services.executor import map_ordered

    client = thread_clusters[2]
    sent: list[object] = []
    real = client.scatter

    def spy(data, *args, **kw):
        sent.append(data)
        return real(data, *args, **kw)

    monkeypatch.setattr(client, "scatter", spy)
    first, other = {"offset": 10}, {"offset": 100}
    assert map_ordered(client, _with_shared, [1, 2], shared=first) == [11, 12]
    assert map_ordered(client, _with_shared, [3], shared=first) == [13]
    assert map_ordered(client, _with_shared, [4], shared=other) == [104]
    assert sent == [[first], [other]]
