"""The deterrence surrogate (plan/surrogate.py): the concave fit and the fitted object.

``fit_concave`` is a constrained least-squares problem; its answers are checked
against properties (concave, non-decreasing, no worse than simple feasible fits)
on random points, and against cases solved by hand (KKT conditions written out in
each test). ``Surrogate`` is built directly, without simulating.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.plan.surrogate import Surrogate, fit_concave

TOL = 1e-9


def _slopes(x, v):
    return np.diff(v) / np.diff(x)


def _sse(v, y):
    return float(np.sum((np.asarray(v) - np.asarray(y)) ** 2))


@st.composite
def point_sets(draw):
    """Breakpoints 0 = x_0 < x_1 < ... (2 to 6 of them, gaps ≥ 0.05) and values in [0, 1]."""
    n = draw(st.integers(2, 6))
    gaps = draw(st.lists(st.floats(0.05, 2.0), min_size=n - 1, max_size=n - 1))
    x = np.r_[0.0, np.cumsum(gaps)]
    y = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    return x, y


# ---------------------------------------------------------------- fit_concave: properties


@settings(max_examples=60, deadline=None)
@given(point_sets())
def test_fit_is_concave_and_non_decreasing(pts):
    x, y = pts
    v = fit_concave(x, y)
    assert v.shape == x.shape and np.isfinite(v).all()
    s = _slopes(x, v)
    assert (s >= -1e-7).all(), f"a negative slope: {s}"
    assert (np.diff(s) <= 1e-7).all(), f"slopes increase (not concave): {s}"


@settings(max_examples=60, deadline=None)
@given(point_sets())
def test_fit_is_no_worse_than_simple_feasible_fits(pts):
    """Least squares over the concave non-decreasing cone beats any member of it: the constant at
    the mean, and (if its slope is ≥ 0) the ordinary regression line."""
    x, y = pts
    v = fit_concave(x, y)
    assert _sse(v, y) <= _sse(np.full_like(y, y.mean()), y) + 1e-7
    slope, intercept = np.polyfit(x, y, 1)
    if slope >= 0:
        assert _sse(v, y) <= _sse(intercept + slope * x, y) + 1e-7


@settings(max_examples=40, deadline=None)
@given(point_sets(), st.floats(0.0, 0.5), st.floats(0.01, 1.0), st.floats(0.1, 0.95))
def test_concave_increasing_points_are_returned_unchanged(pts, v0, first_slope, decay):
    """Points on a strictly concave increasing PWL are their own best fit (to 1e-9).

    Slopes strictly decrease (decay < 1), so the solution is inside the bounds; for points on a
    bound see the boundary cases below."""
    x, _ = pts
    slopes = first_slope * decay ** np.arange(len(x) - 1)
    y = np.r_[v0, v0 + np.cumsum(slopes * np.diff(x))]
    np.testing.assert_allclose(fit_concave(x, y), y, rtol=0, atol=TOL)


# ---------------------------------------------------------------- fit_concave: exact answers


def test_concave_points_unchanged_exact():
    x = np.array([0.0, 0.5, 1.0, 2.0])
    y = np.array([0.2, 0.4, 0.5, 0.55])  # slopes 0.4, 0.2, 0.05
    np.testing.assert_allclose(fit_concave(x, y), y, rtol=0, atol=TOL)


BOUNDARY_CASES = {
    "linear": (np.array([0.0, 0.5, 1.0, 2.0]), 0.1 + 0.25 * np.array([0.0, 0.5, 1.0, 2.0])),
    "saturated": (np.array([0.0, 0.5, 1.0, 2.0]), np.array([0.0, 0.1, 0.1, 0.1])),
    "linear_then_flat": (np.array([0.0, 0.5, 1.0, 2.0]), np.array([0.2, 0.3, 0.4, 0.4])),
}


@pytest.mark.parametrize("case", sorted(BOUNDARY_CASES))
def test_points_on_the_cone_boundary_are_returned_nearly_unchanged(case):
    """Equal consecutive slopes (linear pieces, saturation) put the solution on a bound e_j = 0."""
    x, y = BOUNDARY_CASES[case]
    np.testing.assert_allclose(fit_concave(x, y), y, rtol=0, atol=1e-4)


@pytest.mark.parametrize("case", sorted(BOUNDARY_CASES))
def test_points_on_the_cone_boundary_are_returned_unchanged_exactly(case):
    x, y = BOUNDARY_CASES[case]
    np.testing.assert_allclose(fit_concave(x, y), y, rtol=0, atol=TOL)


def test_convex_three_points_replaced_by_regression_line():
    """(0,0), (1,0), (2,1) is convex. Regression line: slope 1/2, intercept -1/6, fitted (-1/6, 1/3, 5/6),
    residual r = (1/6, -1/3, 1/6). The cone of concave non-decreasing fits is spanned by constants (±),
    the ramp (0,1,2) and the tent-like (0,1,1); <r, const> = 0, <r, ramp> = 0, <r, (0,1,1)> = -1/6 ≤ 0:
    the KKT conditions hold, so this is the least-squares concave fit."""
    v = fit_concave(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0]))
    np.testing.assert_allclose(v, [-1 / 6, 1 / 3, 5 / 6], rtol=0, atol=1e-8)


def test_convex_four_points_replaced_by_regression_line():
    """(0,0), (1,0), (2,0), (3,1): regression slope 0.3, intercept -0.2, fitted (-0.2, 0.1, 0.4, 0.7),
    residual r = (0.2, -0.1, -0.4, 0.3). Extra cone directions (slope drops after x=1 and x=2):
    (0,1,1,1)·r = -0.2 ≤ 0 and (0,1,2,2)·r = -0.6 ≤ 0, so the line is optimal."""
    v = fit_concave(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0, 1.0]))
    np.testing.assert_allclose(v, [-0.2, 0.1, 0.4, 0.7], rtol=0, atol=1e-8)


def test_decreasing_points_replaced_by_their_mean():
    """(0,1), (1,0.5), (2,0): non-decreasing forces slope ≥ 0; the best is the constant 0.5
    (residual (0.5, 0, -0.5): <r,(0,1,2)> = -1 ≤ 0, <r,(0,1,1)> = -0.5 ≤ 0)."""
    v = fit_concave(np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(v, [0.5, 0.5, 0.5], rtol=0, atol=1e-8)


def test_single_convex_kink_pooled():
    """(0,0), (1,0.1), (2,0.5), (3,0.6) on unit gaps: slopes 0.1, 0.4, 0.1 break concavity once.
    Pool the first two slopes: v = (a, a+s, a+2s, a+2s+t) with t ≤ s. The first three points give
    the regression line s = 0.25, a = -0.05 (fitted -0.05, 0.2, 0.45), and the last point is then
    met exactly with t = 0.15 ≤ s. KKT: residual r = (0.05, -0.1, 0.05, 0); the cone directions
    (0,1,2,3) and (0,1,2,2) (both active) give <r,·> = 0, and (0,1,1,1) (inactive) gives -0.05 ≤ 0.
    (The plain regression line, slope 0.22, is *not* the answer: <r,(0,1,2,2)> = +0.06 there.)"""
    v = fit_concave(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 0.1, 0.5, 0.6]))
    np.testing.assert_allclose(v, [-0.05, 0.2, 0.45, 0.6], rtol=0, atol=1e-8)


# ---------------------------------------------------------------- Surrogate


def _surrogate() -> Surrogate:
    levels = np.array([0.0, 0.5, 1.0, 2.0])
    return Surrogate(
        scenarios=["s1", "s2", "neg"],
        areas=["air", "sea"],
        levels=levels,
        base={"s1": 0.3, "s2": 0.9, "neg": -0.2},
        values={
            "s1": {"air": np.array([0.0, 0.1, 0.15, 0.2]), "sea": np.array([0.0, 0.05, 0.1, 0.12])},
            "s2": {"air": np.array([0.0, 0.2, 0.3, 0.4]), "sea": np.array([0.0, 0.0, 0.0, 0.0])},
            "neg": {"air": np.array([0.0, 0.05, 0.1, 0.15]), "sea": np.array([0.0, 0.0, 0.0, 0.0])},
        },
        points={
            "s1": {"air": [0.3, 0.4, 0.45, 0.5], "sea": [0.3, 0.35, 0.4, 0.42]},
            "s2": {"air": [0.9, 1.0, 1.0, 1.0], "sea": [0.9, 0.9, 0.9, 0.9]},
            "neg": {"air": [0.0, 0.0, 0.0, 0.0], "sea": [0.0, 0.0, 0.0, 0.0]},
        },
        reps=50,
        seed=7,
        validation={"rmse": 0.01, "max_abs_error": 0.03, "samples": []},
    )


def test_predict_at_zero_is_the_base():
    sur = _surrogate()
    assert sur.predict("s1", {}) == pytest.approx(0.3, abs=TOL)
    assert sur.predict("s1", {"air": 0.0, "sea": 0.0}) == pytest.approx(0.3, abs=TOL)


def test_predict_interpolates_and_adds_areas():
    sur = _surrogate()
    # air 0.75 → halfway between 0.1 and 0.15; sea 1.5 → halfway between 0.1 and 0.12
    assert sur.predict("s1", {"air": 0.75, "sea": 1.5}) == pytest.approx(0.3 + 0.125 + 0.11, abs=TOL)
    assert sur.predict("s1", {"air": 0.5, "unknown_area": 5.0}) == pytest.approx(0.4, abs=TOL)


def test_predict_capped_at_last_breakpoint():
    sur = _surrogate()
    at_cap = sur.predict("s1", {"air": 2.0, "sea": 2.0})
    assert at_cap == pytest.approx(0.3 + 0.2 + 0.12, abs=TOL)
    for beyond in (2.5, 10.0, 1e6):
        assert sur.predict("s1", {"air": beyond, "sea": beyond}) == pytest.approx(at_cap, abs=TOL)


def test_predict_clipped_to_unit_interval():
    sur = _surrogate()
    assert sur.predict("s2", {"air": 2.0}) == 1.0  # 0.9 + 0.4 → 1
    assert sur.predict("neg", {}) == 0.0  # -0.2 → 0
    assert sur.predict("neg", {"air": 1.0}) == 0.0  # -0.1 → 0
    assert sur.predict("neg", {"air": 10.0}) == 0.0  # capped: -0.05 → 0


def test_slopes():
    np.testing.assert_allclose(_surrogate().slopes("s1", "air"), [0.2, 0.1, 0.05], atol=TOL)


def test_to_dict_from_dict_round_trip_through_json():
    sur = _surrogate()
    d = sur.to_dict()
    back = Surrogate.from_dict(json.loads(json.dumps(d)))  # the cache stores it as JSON
    assert back.scenarios == sur.scenarios and back.areas == sur.areas
    np.testing.assert_array_equal(back.levels, sur.levels)
    assert back.base == sur.base
    for s in sur.scenarios:
        for m in sur.areas:
            assert isinstance(back.values[s][m], np.ndarray)
            np.testing.assert_array_equal(back.values[s][m], sur.values[s][m])
    assert back.points == sur.points and back.reps == sur.reps and back.seed == sur.seed
    assert back.validation == sur.validation
    assert back.to_dict() == d
    for s in sur.scenarios:
        for x in ({}, {"air": 0.3}, {"air": 1.7, "sea": 0.2}, {"sea": 9.0}):
            assert back.predict(s, x) == sur.predict(s, x)


def test_from_dict_without_validation():
    d = _surrogate().to_dict()
    del d["validation"]
    assert Surrogate.from_dict(d).validation == {}
