"""Stacked blocks (sim/stack.py, sim/variants.py, plan/stacking.py): variants of one scenario that differ only in
their central counts and stocks share the engine's blocks.

What must hold: a stack of one is a run alone, bit for bit; every variant of a stack starts from exactly the
state a run of it alone starts from (its own counts, arrivals, activation steps and stocks, the same parameter
draws); only compatible set-ups are stacked; outcomes agree in distribution with runs alone; the grouping of
units into tasks is a pure function of the units, and results come back in the units' order.
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.model.loader import load_dataset
from positivesum.plan import stacking
from positivesum.plan.levers import counts_copy, scale_adversary, scale_setup, study_setup
from positivesum.plan.surrogate import serial_map
from positivesum.sim import cache
from positivesum.sim.grading import RED_SUCCESS
from positivesum.sim.runner import simulate_arrays
from positivesum.sim.setup import BLUE
from positivesum.sim.stack import STACK_REPS, partition, simulate_stack
from positivesum.sim.state import REP_DICTS, Block
from positivesum.sim.uncertainty import sample
from positivesum.sim.variants import StackedRows


@pytest.fixture(scope="module")
def ds():
    return load_dataset().dataset


@pytest.fixture(scope="module")
def korea(ds):
    return study_setup(ds, "korea_contingency", 1.0)


def _variants(ds, base):
    later = counts_copy(base)  # the allies' forces act two steps later (what the C2 lever moves, the other way)
    for g in later.groups.values():
        g.active_step = np.where(g.side == BLUE, g.active_step + 2, g.active_step)
    return [
        base,
        scale_setup(base, ds, {"air_defence": 1.0, "strike": 0.5}),
        scale_adversary(base, 1.6),
        later,
    ]


def test_a_stack_of_one_is_the_run_alone_bit_for_bit(korea):
    for reps in (37, 300):  # a part-block, and one of several blocks' worth of draws
        alone = simulate_arrays(korea, reps, 5, traced=False)[0]
        (stacked,) = simulate_stack([korea], reps, 5)
        assert alone.keys() == stacked.keys()
        for key, value in alone.items():
            np.testing.assert_array_equal(stacked[key], value, err_msg=key)


def test_each_variant_starts_from_its_own_state_and_the_same_parameter_draws(ds, korea):
    variants = _variants(ds, korea)
    n = 24
    rows = StackedRows.of(variants, n)
    seq = np.random.SeedSequence(3)
    draws = sample(korea, n * len(variants), np.random.Generator(np.random.PCG64(seq)), True, rows)
    stacked = Block(korea, draws, rows)
    for j, variant in enumerate(variants):
        alone_draws = sample(variant, n, np.random.Generator(np.random.PCG64(seq)), True)
        alone = Block(variant, alone_draws)
        rows_j = slice(j * n, (j + 1) * n)
        np.testing.assert_array_equal(stacked.outer[rows_j], alone.outer)
        for name, value in alone_draws.params.items():
            if isinstance(value, np.ndarray) and value.shape[:1] == (n,):
                np.testing.assert_array_equal(draws.params[name][rows_j], value, err_msg=name)
        for store in REP_DICTS:
            for d, value in getattr(alone, store).items():
                np.testing.assert_array_equal(getattr(stacked, store)[d][rows_j], value, err_msg=f"{store}[{d}]")
        for name in ("stock", "stock_held", "troops", "pending_red", "lift0"):
            np.testing.assert_array_equal(getattr(stacked, name)[rows_j], getattr(alone, name), err_msg=name)


def test_the_variants_differ_where_their_counts_differ(ds, korea):
    """A guard on the test above: the variants are not all the same state."""
    variants = _variants(ds, korea)
    rows = StackedRows.of(variants, 4)
    assert not np.array_equal(rows.stock0[0], rows.stock0[8])  # the adversary's stocks grown by 1.6
    assert any(not np.array_equal(rows.total[d][0], rows.total[d][4]) for d in rows.total)
    assert any(not np.array_equal(rows.active_step[d][0], rows.active_step[d][12]) for d in rows.active_step)


def test_outcomes_agree_in_distribution_with_runs_alone(ds, korea):
    variants = _variants(ds, korea)
    reps = 400
    stacked = simulate_stack(variants, reps, 21)
    for variant, arrays in zip(variants, stacked):
        alone = simulate_arrays(variant, reps, 22, traced=False)[0]  # another seed: independent of the stack
        p1 = float((arrays["outcome"] == RED_SUCCESS).mean())
        p2 = float((alone["outcome"] == RED_SUCCESS).mean())
        pooled = (p1 + p2) / 2
        se = np.sqrt(max(pooled * (1 - pooled), 1e-4) * 2 / reps)
        assert abs(p1 - p2) < 4 * se, (p1, p2)
    # and the variants are told apart: the adversary grown by 60 % wins more often than the base
    win = [float((a["outcome"] == RED_SUCCESS).mean()) for a in stacked]
    assert win[2] > win[0]


def test_the_same_inputs_give_the_same_numbers_and_the_cache_returns_them(ds, korea, tmp_path):
    variants = _variants(ds, korea)
    first = simulate_stack(variants, 50, 9)
    with cache.activated(tmp_path):
        stored = simulate_stack(variants, 50, 9)
        again = simulate_stack(variants, 50, 9)  # a hit
    assert any(tmp_path.rglob("*.npz"))
    for a, b, c in zip(first, stored, again):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
            np.testing.assert_array_equal(a[key], c[key])


def test_only_compatible_set_ups_share_a_block(ds, korea):
    other = study_setup(ds, "nansei_seizure", 1.0)
    variants = _variants(ds, korea)
    groups = partition([variants[0], other, variants[1], variants[2], other])
    assert groups[0][0] == 0 and [1, 4] in groups  # another scenario: a group of its own, in order
    assert sorted(i for g in groups for i in g) == [0, 1, 2, 3, 4]
    # built again from the data (no shared arrays), the same scenario is still recognised as the same structure
    rebuilt = study_setup(ds, "korea_contingency", 1.0)
    assert partition([korea, rebuilt]) == [[0, 1]]


def test_a_different_target_list_is_never_stacked(ds):
    """The adversary ranks the allied bases by the forces on them before the war (fires.SideFires): a variant that
    moves that ranking must run in its own block, or it would strike the wrong bases."""
    base = study_setup(ds, "taiwan_base", 1.0)
    rng = np.random.default_rng(0)
    areas = list(ds.mission_areas)
    variants = [base] + [
        scale_setup(base, ds, {str(a): 1.0 for a in rng.choice(areas, 3, replace=False)}) for _ in range(12)
    ]
    from positivesum.sim.stack import _fires, _targets

    head = _fires(base)
    for members in partition(variants):
        lists = {_targets(variants[i], head) for i in members}
        assert len(lists) == 1
    assert len(partition(variants)) > 1  # the default data do move it: the check is exercised


def test_long_runs_stack_fewer_variants_to_a_block(korea):
    variants = [korea] * 3
    reps = STACK_REPS  # one variant fills a stacked block: each runs alone, so each equals the run alone
    alone = simulate_arrays(korea, reps, 4, traced=False)[0]
    for arrays in simulate_stack(variants, reps, 4):
        np.testing.assert_array_equal(arrays["outcome"], alone["outcome"])


def test_tasks_group_units_by_scenario_replications_and_seed_in_order():
    from positivesum.plan.surrogate import SimUnit

    units = [
        SimUnit("a", (), 100, 1, 0.5),
        SimUnit("b", (), 100, 1, 0.5),
        SimUnit("a", (("x", 1.0),), 100, 1, 0.5),
        SimUnit("a", (), 100, 2, 0.5),  # another seed
        SimUnit("a", (("y", 1.0),), 100, 1, 0.5),
    ]
    tasks = stacking.stacks(units, task_reps=200)
    assert [positions for _, positions in tasks] == [[0, 2], [4], [1], [3]]
    assert all(task.units == tuple(units[i] for i in pos) for task, pos in tasks)

    def fn(shared, task):
        return [(shared, u.scenario, u.seed, u.levels) for u in task.units]

    seen: list[int] = []
    out = stacking.map_stacked(serial_map, fn, units, seen.append, lambda u: 1, "S")
    assert out == [("S", u.scenario, u.seed, u.levels) for u in units]
    assert sum(seen) == len(units)
