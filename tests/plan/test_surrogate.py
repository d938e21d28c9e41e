"""The deterrence surrogate (plan/surrogate.py): the concave fits and the fitted object.

``fit_concave`` is a constrained least-squares problem; its answers are checked
against properties (concave, non-decreasing, no worse than simple feasible fits)
on random points, and against cases solved by hand (KKT conditions written out in
each test). ``fit_pieces`` (the joint fit with interaction pairs) recovers a known
min-interaction that the additive fit cannot, with and without saturation and noise,
and every piece it fits is concave and non-decreasing. ``Surrogate`` is built
directly, without simulating; one small real fit checks determinism and the shortcuts.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.plan.surrogate import (
    DEFAULT_LEVELS,
    PAIR_LEVELS,
    RAISED_SHARE,
    Surrogate,
    data_pairs,
    design_rng,
    fit_concave,
    fit_design,
    fit_pieces,
    fit_surrogate,
    ramps,
    space_filling,
    space_filling_count,
    validate,
    values_at,
)

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


# ---------------------------------------------------------------- interactions: the joint fit (fit_pieces)

LV = np.array(DEFAULT_LEVELS)
PLV = np.array(PAIR_LEVELS)


def _truth(x: np.ndarray, base: float = 0.2, scale: float = 1.0) -> np.ndarray:
    """A known surrogate of the fitted form: concave g on areas 0-2, nothing on area 3, and a Leontief complement
    of areas 0 and 2, h(min(x0, x2)) — the strongest effect, which no additive fit can represent."""
    g0 = np.interp(x[:, 0], LV, [0.0, 0.10, 0.15, 0.20])
    g1 = np.interp(x[:, 1], LV, [0.0, 0.04, 0.08, 0.12])
    g2 = np.interp(x[:, 2], LV, [0.0, 0.02, 0.03, 0.04])
    h = np.interp(np.minimum(x[:, 0], x[:, 2]), PLV, [0.0, 0.15, 0.25])
    return np.minimum(1.0, base + scale * (g0 + g1 + g2 + h))


def _predict(fit, x: np.ndarray, pairs) -> np.ndarray:
    out = fit.base + sum(np.interp(x[:, m], LV, fit.values[m]) for m in range(x.shape[1]))
    for p, (i, j) in enumerate(pairs):
        out = out + np.interp(np.minimum(x[:, i], x[:, j]), PLV, fit.pair_values[p])
    return np.minimum(1.0, out)


def _held_out(n: int = 200) -> np.ndarray:
    return space_filling(4, n, float(LV[-1]), np.random.default_rng(99))


def _rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def _design(pairs, extra: int = 40) -> np.ndarray:
    """The fit's design for 4 areas plus ``extra`` space-filling points (so that every piece is identified)."""
    x = fit_design(4, pairs, LV, np.random.default_rng(5))
    return np.vstack([x, space_filling(4, extra, float(LV[-1]), np.random.default_rng(6))])


def test_fit_design_holds_the_corners_and_the_space_filling_points():
    x = fit_design(4, [(0, 2)], LV, np.random.default_rng(5))
    assert len(x) == 1 + 4 * 3 + 1 + space_filling_count(4)  # origin, each area at each level, the pair, LHS
    assert not x[0].any()
    for m in range(4):
        alone = x[1 + 3 * m : 4 + 3 * m]
        np.testing.assert_array_equal(alone[:, m], LV[1:])
        assert not np.delete(alone, m, axis=1).any()
    np.testing.assert_array_equal(x[13], [LV[1], 0.0, LV[1], 0.0])
    assert space_filling_count(11) == 6


@pytest.mark.parametrize("base, scale", [(0.2, 1.0), (0.7, 2.0)])  # the second: a fifth of the points at D = 1
def test_joint_fit_recovers_a_known_interaction_and_the_additive_fit_cannot(base, scale):
    pairs = [(0, 2)]
    x = _design(pairs)
    y = _truth(x, base, scale)
    fit = fit_pieces(x, y, LV, PLV, pairs)
    additive = fit_pieces(x, y, LV, PLV, [])
    test_x = _held_out()
    truth = _truth(test_x, base, scale)
    err_joint = _rmse(_predict(fit, test_x, pairs), truth)
    err_add = _rmse(_predict(additive, test_x, []), truth)
    assert err_joint < 0.005, err_joint
    assert err_add > 0.01 and err_add > 4 * err_joint, (err_add, err_joint)
    if base == 0.2:  # no saturation: the pieces themselves are recovered
        assert fit.base == pytest.approx(0.2, abs=1e-4)  # up to the tiny ridge (RIDGE)
        np.testing.assert_allclose(fit.pair_values[0], [0.0, 0.15, 0.25], atol=1e-4)
        np.testing.assert_allclose(fit.values[0], [0.0, 0.10, 0.15, 0.20], atol=1e-4)
        np.testing.assert_allclose(fit.values[3], 0.0, atol=1e-4)
    else:  # saturated points are censored: the fit needs only b + Σ ≥ 1 there
        assert (y >= 1.0).mean() > 0.15 and fit.censored > 0


def test_a_piece_the_design_does_not_reach_stays_flat():
    """Without points where both areas of the pair exceed 0.5, h's top segment is not identified: the ridge
    keeps it flat (no credit the data do not show) instead of an arbitrary slope."""
    pairs = [(0, 2)]
    x = fit_design(4, pairs, LV, np.random.default_rng(5))
    x = x[np.minimum(x[:, 0], x[:, 2]) <= LV[1]]
    fit = fit_pieces(x, _truth(x), LV, PLV, pairs)
    assert fit.pair_values[0][1] == pytest.approx(0.15, abs=1e-3)
    assert fit.pair_values[0][2] == pytest.approx(fit.pair_values[0][1], abs=1e-4)


def test_joint_fit_with_noise_still_beats_the_additive_fit():
    """Monte Carlo-like noise (sd 0.02, about D's at 200 replications far from 0 and 1) on the outcomes."""
    pairs = [(0, 2)]
    rng = np.random.default_rng(3)
    x = _design(pairs)
    y = np.clip(_truth(x) + rng.normal(0.0, 0.02, len(x)), 0.0, 1.0)
    test_x = _held_out()
    err_joint = _rmse(_predict(fit_pieces(x, y, LV, PLV, pairs), test_x, pairs), _truth(test_x))
    err_add = _rmse(_predict(fit_pieces(x, y, LV, PLV, []), test_x, []), _truth(test_x))
    assert err_joint < 0.7 * err_add, (err_joint, err_add)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.5))
def test_every_fitted_piece_is_concave_non_decreasing_and_zero_at_zero(seed, saturated_share):
    """Whatever the outcomes (here random, some at 1), every g and h has g(0) = 0 and non-negative,
    non-increasing slopes, and b lies in [0, 1]."""
    rng = np.random.default_rng(seed)
    pairs = [(0, 1), (1, 2)]
    x = fit_design(3, pairs, LV, rng)
    y = rng.uniform(0.0, 1.0, len(x))
    y[rng.random(len(x)) < saturated_share] = 1.0
    fit = fit_pieces(x, y, LV, PLV, pairs)
    assert 0.0 <= fit.base <= 1.0
    for levels, curves in ((LV, fit.values), (PLV, fit.pair_values)):
        for v in curves:
            assert v[0] == 0.0
            s = np.diff(v) / np.diff(levels)
            assert (s >= -1e-9).all(), s
            assert (np.diff(s) <= 1e-9).all(), s


def test_ramps_give_the_concave_slope_decrement_parametrisation():
    """g = Σ_j e_j·min(x, l_j): slopes are the tail sums of e (0.3, 0.1, 0.05 for e = 0.2, 0.05, 0.05)."""
    e = np.array([0.2, 0.05, 0.05])
    np.testing.assert_allclose(values_at(LV, e), [0.0, 0.15, 0.2, 0.25])
    np.testing.assert_allclose(ramps(np.array([3.0]), LV), [[0.5, 1.0, 2.0]])  # flat beyond the last breakpoint


def test_space_filling_design_is_seeded_and_raises_a_share_of_the_areas():
    a = space_filling(11, 400, 2.0, np.random.default_rng(1))
    np.testing.assert_array_equal(a, space_filling(11, 400, 2.0, np.random.default_rng(1)))
    assert not np.array_equal(a, space_filling(11, 400, 2.0, np.random.default_rng(2)))
    assert a.min() == 0.0 and a.max() <= 2.0
    assert (a > 0).mean() == pytest.approx(RAISED_SHARE, abs=0.01)  # a Latin hypercube: each column stratified
    assert design_rng(7, 0, "s").random() == design_rng(7, 0, "s").random() != design_rng(7, 1, "s").random()


# ---------------------------------------------------------------- interactions: the Surrogate object


def _with_pair() -> Surrogate:
    sur = _surrogate()
    sur.pairs = [("air", "sea")]
    sur.pair_levels = np.array([0.0, 0.5, 2.0])
    sur.pair_values = {
        "s1": {"air__sea": np.array([0.0, 0.1, 0.16])},
        "s2": {"air__sea": np.array([0.0, 0.0, 0.0])},
        "neg": {"air__sea": np.array([0.0, 0.0, 0.0])},
    }
    return sur


def test_predict_adds_the_pair_at_the_scarcer_level():
    sur = _with_pair()
    # air 0.75, sea 1.5: g_air 0.125, g_sea 0.11, h(min = 0.75) = 0.1 + 0.25·0.06/1.5 = 0.11
    assert sur.predict("s1", {"air": 0.75, "sea": 1.5}) == pytest.approx(0.3 + 0.125 + 0.11 + 0.11, abs=TOL)
    assert sur.predict("s1", {"air": 0.75}) == pytest.approx(0.3 + 0.125, abs=TOL)  # the pair needs both
    assert sur.predict("s1", {"air": 9.0, "sea": 9.0}) == pytest.approx(min(1.0, 0.3 + 0.2 + 0.12 + 0.16))


def test_round_trip_with_pairs_and_old_format_refused():
    sur = _with_pair()
    d = json.loads(json.dumps(sur.to_dict()))
    back = Surrogate.from_dict(d)
    assert back.pairs == sur.pairs and back.to_dict() == sur.to_dict()
    assert back.predict("s1", {"air": 0.3, "sea": 1.2}) == sur.predict("s1", {"air": 0.3, "sea": 1.2})
    del d["format"]  # a cache written before the interactions (fitted one area at a time)
    with pytest.raises(ValueError, match="older version"):
        Surrogate.from_dict(d)


def test_an_old_format_cache_is_refitted_not_used(tmp_path):
    from conftest import synthetic_surrogate
    from positivesum.model.loader import load_dataset
    from positivesum.services.plan import read_cache

    loaded = load_dataset()
    data = synthetic_surrogate(loaded.dataset).to_dict()
    del data["format"], data["pairs"], data["pair_levels"], data["pair_values"]
    path = tmp_path / "surrogate-old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    sur, note = read_cache(path, loaded, 20260101)
    assert sur is None and "older version" in note and "fitted again" in note


# ---------------------------------------------------------------- interactions: the data and a real fit


def test_the_default_data_names_sourced_pairs_of_existing_areas():
    from positivesum.model.loader import load_dataset

    ds = load_dataset().dataset
    pairs = ds.planning.surrogate_interactions
    assert 3 <= len(pairs) <= 5
    for p in pairs:
        assert set(p.areas) <= set(ds.mission_areas) and (p.source or p.estimate) and p.mechanism
    assert data_pairs(ds, list(ds.mission_areas)) == [tuple(p.areas) for p in pairs]
    assert data_pairs(ds, ["isr", "strike"]) == [("isr", "strike")]


@pytest.mark.parametrize(
    "pairs, message",
    [
        ([{"areas": ["isr", "cyber"], "mechanism": "m", "estimate": "e"}], "mission area 'cyber'"),
        (
            [
                {"areas": ["isr", "strike"], "mechanism": "m", "estimate": "e"},
                {"areas": ["strike", "isr"], "mechanism": "m", "estimate": "e"},
            ],
            "already listed",
        ),
        ([{"areas": ["isr", "isr"], "mechanism": "m", "estimate": "e"}], "twice"),
        ([{"areas": ["isr", "strike"], "mechanism": "m"}], "estimate"),
    ],
)
def test_bad_interaction_pairs_are_rejected_with_a_clear_message(pairs, message):
    import copy

    from positivesum.model.errors import InputError
    from positivesum.model.loader import load_dataset, validate_tree

    loaded = load_dataset()
    tree = copy.deepcopy(loaded.raw)
    tree["planning"]["surrogate_interactions"] = pairs
    with pytest.raises(InputError) as err:
        validate_tree(tree, loaded.lines, files=list(loaded.files))
    assert message in err.value.render()


def load_dataset_once():
    from positivesum.model.loader import load_dataset

    return load_dataset().dataset


def _tiny_fit(seed: int) -> Surrogate:
    ds = load_dataset_once()
    return fit_surrogate(
        ds, ["korea_contingency"], ["air_defence", "isr", "strike", "c2"], reps=64, seed=seed, threat_factor=1.3
    )


def test_a_real_fit_is_deterministic_and_drops_areas_that_change_nothing():
    a, b = _tiny_fit(11), _tiny_fit(11)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    steps: list[int] = []
    validate(a, load_dataset_once(), threat_factor=1.3, reps=16, samples=2, progress=steps.append)
    assert sum(steps) == 2 * 2 and a.validation["points"] == 2
    assert set(a.validation["interaction"]) == {"same_seed", "other_seed"} and a.validation["pairs"] == ["isr__strike"]
    assert a.pairs == [("isr", "strike")]  # the data's pairs among the areas fitted
    pts = a.points["korea_contingency"]
    assert pts["areas"] == ["air_defence", "isr", "strike"]  # c2 changes nothing in this scenario
    assert len(pts["simulated"]) == 1 + 3 * 3 + 1 + space_filling_count(3)
    assert not a.values["korea_contingency"]["c2"].any()
    c = _tiny_fit(12)
    assert c.points["korea_contingency"]["levels"] != pts["levels"]  # another seed, another design


def test_a_scenario_no_area_changes_is_its_baseline_after_one_simulation():
    from positivesum.model.loader import load_dataset

    assert fit_design(0, [], LV, np.random.default_rng(0)).shape == (1, 0)
    ds = load_dataset().dataset
    steps: list[int] = []
    sur = fit_surrogate(ds, ["korea_contingency"], ["c2"], reps=32, seed=3, threat_factor=1.3, progress=steps.append)
    pts = sur.points["korea_contingency"]
    assert pts["areas"] == [] and len(pts["simulated"]) == 1
    assert sur.base["korea_contingency"] == pts["simulated"][0]
    assert not sur.values["korea_contingency"]["c2"].any()
    assert sum(steps) == 3  # a progress bar's total (services.plan.surrogate_work): 3 per area, then 2 per held-out
    assert validate(sur, ds, threat_factor=1.3, samples=5, progress=steps.append)["points"] == 0  # exact: skipped
    assert sum(steps) == 3 + 2 * 5


@pytest.mark.slow
def test_the_fit_and_its_validation_are_identical_on_a_dask_cluster():
    """The services run the surrogate's simulations on the main job's cluster (``sim_map``); each has its own
    seed, so the fitted pieces, the held-out errors and the progress totals are the same as in this process."""
    from positivesum.services import executor

    ds = load_dataset_once()
    args = (ds, ["korea_contingency", "taiwan_base"], ["air_defence", "isr", "strike", "c2"])
    kw = {"reps": 32, "seed": 5, "threat_factor": 1.3}
    here_steps: list[int] = []
    here = fit_surrogate(*args, **kw, progress=here_steps.append)
    validate(here, ds, threat_factor=1.3, samples=2, progress=here_steps.append)
    there_steps: list[int] = []
    with executor.open_client(None, 2) as client:
        there = fit_surrogate(*args, **kw, progress=there_steps.append, sim_map=executor.sim_map_on(client))
        validate(
            there, ds, threat_factor=1.3, samples=2, progress=there_steps.append, sim_map=executor.sim_map_on(client)
        )
    assert json.dumps(here.to_dict()) == json.dumps(there.to_dict())
    assert sum(here_steps) == sum(there_steps) == 2 * (3 * 4 + 2 * 2)
