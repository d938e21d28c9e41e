"""The MILP cache (plan/milp_cache.py): an identical solve is read back exactly (plan and certificate) without
HiGHS; any change to the model, the gap or the starts is another entry; a broken entry is solved again; with no
cache active nothing is written."""

from __future__ import annotations

import golden_lp
import numpy as np
import pytest

from positivesum.plan import milp_cache, milp_highs
from positivesum.plan.milp import build, extract, solve


def _plan(inp, gap=1e-4):
    model, v = build(inp)
    status = solve(model, gap=gap)
    return extract(model, v, inp, status), model


def test_a_second_identical_solve_is_read_back_without_the_solver(tmp_path, monkeypatch):
    inp = golden_lp.inputs()
    with milp_cache.activated(tmp_path):
        first, m1 = _plan(inp)
        assert len(list(tmp_path.glob("milp-*.npz"))) == 1
        monkeypatch.setattr(milp_highs, "_solve", lambda *a, **k: pytest.fail("the cached solve ran HiGHS again"))
        second, m2 = _plan(inp)
    assert second.choices == first.choices and second.objective == first.objective
    assert m2.result == m1.result  # the certificate too: objective, bound, gap, condition, time
    np.testing.assert_array_equal(m2.solution, m1.solution)


def test_another_model_gap_or_budget_is_another_entry(tmp_path):
    with milp_cache.activated(tmp_path):
        _plan(golden_lp.inputs())
        _plan(golden_lp.inputs(), gap=0.05)
        _plan(golden_lp.inputs(budget_musd=golden_lp.BUDGET * 2.0, required=[]))
    assert len(list(tmp_path.glob("milp-*.npz"))) == 3


def test_an_infeasible_solve_is_cached_as_infeasible(tmp_path, monkeypatch):
    inp = golden_lp.inputs(budget_musd=golden_lp.BUDGET * 0.0)  # JPN must buy radar with no money
    with milp_cache.activated(tmp_path):
        model, _ = build(inp)
        cold = solve(model)
        monkeypatch.setattr(milp_highs, "_solve", lambda *a, **k: pytest.fail("solved again"))
        model2, _ = build(inp)
        warm = solve(model2)
    assert cold == warm and cold[0] == "warning" and model2.solution is None


def test_a_broken_entry_is_solved_again_and_replaced(tmp_path):
    inp = golden_lp.inputs()
    with milp_cache.activated(tmp_path):
        first, _ = _plan(inp)
        (entry,) = tmp_path.glob("milp-*.npz")
        entry.write_bytes(b"not an npz")
        again, _ = _plan(inp)
    assert again.choices == first.choices
    assert np.load(entry, allow_pickle=False)["has_solution"]  # rewritten whole


def test_nothing_is_written_without_an_active_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _plan(golden_lp.inputs())
    assert milp_cache.active() is None and not list(tmp_path.rglob("milp-*"))
