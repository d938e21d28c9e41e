"""Two-level uncertainty (uncertainty.py): outer draws of every stated range, shared where errors are shared.

Checked on the draws themselves: replications of one outer draw share every parameter; groups of one
capability class share its performance draw; holders of one munition share its effectiveness; a quantity's
draw does not depend on what else the setup contains (common random numbers across variants); and
``enabled=False`` (``--fixed-parameters``) leaves everything at its central value.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim.runner import simulate_setup
from positivesum.sim.setup import build_setup
from positivesum.sim.uncertainty import INNER_REPLICATIONS, sample, triangular

DATA = load_dataset()
REPS = 3 * INNER_REPLICATIONS


@pytest.fixture(scope="module")
def setup():
    return build_setup(DATA.dataset, "taiwan_base")


def draws(setup, seed=0, enabled=True):
    return sample(setup, REPS, np.random.default_rng(seed), enabled)


def test_replications_of_one_outer_draw_share_their_parameters(setup):
    d = draws(setup)
    assert list(d.outer) == [i // INNER_REPLICATIONS for i in range(REPS)]
    ranged = [n for n in setup.param_ranges if isinstance(d.params[n], np.ndarray)]
    assert ranged, "no engine parameter was drawn"
    for n in ranged:
        v = d.params[n].reshape(-1, INNER_REPLICATIONS)
        assert np.all(v == v[:, :1]), n
        lo, hi = setup.param_ranges[n]
        assert np.all((v >= lo - 1e-12) & (v <= hi + 1e-12))
    assert len(np.unique(d.params[ranged[0]])) == 3  # three outer draws, three values


def test_a_class_draws_one_value_wherever_its_groups_are_based(setup):
    d = draws(setup)
    checked = 0
    for dom, g in setup.groups.items():
        for name, arr in d.attrs[dom].items():
            if arr.ndim != 2:
                continue
            for c in np.unique(g.cls_index):
                k = np.flatnonzero(g.cls_index == c)
                if len(k) > 1 and g.attr_high[name][k[0]] > g.attr_low[name][k[0]]:
                    assert np.all(arr[:, k] == arr[:, k[:1]]), (dom, name, setup.classes[c])
                    checked += 1
    assert checked, "no class with several groups and a ranged attribute to check"


def test_fixed_parameters_hold_every_value_at_its_centre(setup):
    d = draws(setup, enabled=False)
    assert all(not isinstance(v, np.ndarray) for v in d.params.values())
    for n, v in d.scalar.items():
        assert np.all((v == setup.ranges.scalar[n][1]) | np.isnan(v))
    assert np.array_equal(
        np.broadcast_to(d.stock0, (REPS, len(setup.pools.label))), np.tile(setup.pools.stock0, (REPS, 1))
    )
    for dom in setup.groups:
        assert np.all(d.count_factor[dom] == 1)


def test_a_quantity_draws_the_same_values_whatever_else_the_setup_holds(setup):
    """Common random numbers across variants: removing a class from the data leaves every other draw as it was."""
    variant = build_setup(load_dataset(sets=["forces.JPN.f2={}"]).dataset, "taiwan_base")
    a, b = draws(setup, seed=3), draws(variant, seed=3)
    for n in setup.param_ranges:
        np.testing.assert_array_equal(a.params[n], b.params[n], err_msg=n)
    np.testing.assert_array_equal(a.scalar["warning_days"], b.scalar["warning_days"])


def test_results_are_the_same_with_and_without_workers_and_fixed_parameters_give_the_inner_loop(setup):
    fixed = simulate_setup(setup, 64, 9, sample_parameters=False)
    assert fixed.meta["parameter_uncertainty"] is False
    again = simulate_setup(copy.deepcopy(setup), 64, 9, sample_parameters=False)
    np.testing.assert_array_equal(fixed.data["grade"].values, again.data["grade"].values)


def test_triangular_quantiles():
    u = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(triangular(np.array(0.0), np.array(1.0), np.array(2.0), u), [0.0, 1.0, 2.0])
    assert float(triangular(np.array(1.0), np.array(1.0), np.array(1.0), np.array(0.3))) == 1.0
