"""The whole-phase kernels (kernels_fixed.py, kernels_naval.py, kernels_air.py) against the NumPy path of their
phases.

The kernels draw from the block's Generator in the NumPy path's order and add in its order (BLAS where NumPy
calls BLAS), so with the element-wise kernels on in both runs (only ``kernels.PHASES`` switched) a block gives
the same numbers bit for bit, and leaves the generator in the same state (the same number of draws).
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim import kernels, kernels_air, kernels_fixed, kernels_naval
from positivesum.sim.campaign import run_block
from positivesum.sim.setup import build_setup

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset().dataset


def _run(setup, reps, seed, sample, phases, monkeypatch):
    monkeypatch.setattr(kernels, "ENABLED", True)
    monkeypatch.setattr(kernels, "PHASES", phases)
    rng = np.random.default_rng(seed)
    out = run_block(setup, reps, rng, {}, sample_parameters=sample)
    return out, rng.random()  # the next number: the same only if both runs drew the same count


@pytest.mark.parametrize(
    ("scenario", "reps", "seed", "sample"),
    [
        ("taiwan_base", 700, 3, True),
        ("taiwan_base", 300, 8, False),
        ("korea_contingency", 400, 5, True),
        # most of a blockade's replications are not at war on most days: the kernels skip their element-wise
        # work (zeros stand in), which must leave the numbers and the draws of the full NumPy pass
        ("taiwan_blockade", 300, 4, True),
    ],
)
def test_phase_kernels_give_the_numpy_numbers(dataset, monkeypatch, scenario, reps, seed, sample):
    setup = build_setup(dataset, scenario)
    kernels_used = (
        (kernels_fixed, "resolve"),
        (kernels_naval, "salvo"),
        (kernels_naval, "patrols"),
        (kernels_air, "exchange"),
    )
    calls = dict.fromkeys((name for _, name in kernels_used), 0)
    for mod, name in kernels_used:
        real = getattr(mod, name)

        def counted(*args, real=real, name=name):
            calls[name] += 1
            return real(*args)

        monkeypatch.setattr(mod, name, counted)
    compiled, next_compiled = _run(setup, reps, seed, sample, True, monkeypatch)
    assert calls["salvo"] > 0 and calls["patrols"] > 0 and calls["exchange"] > 0  # the kernels did run
    if scenario in ("taiwan_base", "taiwan_blockade"):
        assert calls["resolve"] > 0
    numpy_path, next_numpy = _run(setup, reps, seed, sample, False, monkeypatch)
    assert compiled.keys() == numpy_path.keys()
    for key, value in compiled.items():
        np.testing.assert_array_equal(value, numpy_path[key], err_msg=key)
    assert next_compiled == next_numpy


def test_base_index_of_a_group_map():
    onehot = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(kernels_fixed._base_index(onehot), [1, -1, 0])
