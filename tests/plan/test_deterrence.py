"""Deterrence measures and their intervals (plan/deterrence.py; decision record 0012).

The growth margin is found by bisection with the same seed at every point; here the campaign is replaced by a
stand-in whose P(adversary victory) is a known function of the adversary's growth, so the crossing is known.
Paired intervals of the cooperation dividend come from per-replication differences.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from test_milp_constraints import synthetic_inputs

from positivesum.model.loader import load_dataset
from positivesum.plan.deterrence import growth_margin, mean_interval, paired_difference, pinned
from positivesum.plan.regimes import RegimeSpec, plan_regime

GROWTH = 0.027


class _Result:
    def __init__(self, outcomes):
        self.data = xr.Dataset({"outcome": (("rep",), np.array(outcomes))})


def _fake_simulate(crossing_factor: float, reps: int = 100):
    """P(victory) rises linearly from 0 to 1 as the adversary factor goes from crossing/1.5 to crossing·1.5."""
    calls = []

    def simulate(setup, n, seed):
        red = setup.groups["ground"].count0[setup.groups["ground"].side != 0].sum()
        factor = red / BASE_RED
        calls.append(seed)
        p = np.clip((factor - crossing_factor / 1.5) / (crossing_factor * 1.5 - crossing_factor / 1.5), 0, 1)
        wins = int(round(p * reps))
        return _Result(["adversary_success"] * wins + ["denied"] * (reps - wins))

    return simulate, calls


@pytest.fixture(scope="module")
def ds():
    return load_dataset().dataset


BASE_RED = 1.0


@pytest.fixture(scope="module", autouse=True)
def _base_red(ds):
    from positivesum.sim.setup import build_setup

    global BASE_RED
    g = build_setup(ds, "nansei_seizure").groups["ground"]
    BASE_RED = float(g.count0[g.side != 0].sum())


def test_growth_margin_finds_the_known_crossing_with_one_seed(ds):
    years_true = 6.0
    crossing = (1 + GROWTH) ** years_true
    simulate, calls = _fake_simulate(crossing)
    out = growth_margin(
        ds, "nansei_seizure", base_factor=1.0, growth_per_year=GROWTH, reps=100, seed=5, simulate=simulate
    )
    assert out["censored"] is None
    # the ramp's 0.5 point in factor terms
    lo, hi = crossing / 1.5, crossing * 1.5
    half = (lo + hi) / 2
    expected = np.log(half) / np.log(1 + GROWTH)
    assert abs(out["years"] - expected) <= 1.5  # tolerance of the bisection plus rounding of red counts
    assert set(calls) == {5}  # common random numbers: the same seed at every bisection point
    ps = [p["p_victory"] for p in out["points"]]
    assert ps == sorted(ps)


def test_growth_margin_is_censored_not_invented(ds):
    strong, _ = _fake_simulate(1e6)  # the adversary never wins in range
    out = growth_margin(ds, "nansei_seizure", base_factor=1.0, growth_per_year=GROWTH, reps=50, seed=1, simulate=strong)
    assert out["censored"] == "above" and out["years"] == out["range_years"][1]
    weak, _ = _fake_simulate(1e-6)  # the adversary always wins
    out = growth_margin(ds, "nansei_seizure", base_factor=1.0, growth_per_year=GROWTH, reps=50, seed=1, simulate=weak)
    assert out["censored"] == "below"


def test_paired_interval_is_narrower_than_unpaired_and_says_when_it_includes_zero():
    rng = np.random.default_rng(0)
    common = rng.normal(0.5, 0.3, 2000)
    a = {"s": common + 0.01 + rng.normal(0, 0.01, 2000), "t": common}
    b = {"s": common, "t": common}
    out = paired_difference(a, b, {"s": 0.5, "t": 0.5})
    assert out["mean"] == pytest.approx(0.005, abs=1e-3)
    assert not out["includes_zero"]
    unpaired = mean_interval(a["s"])["ci95"]
    assert out["ci95"][1] - out["ci95"][0] < (unpaired[1] - unpaired[0]) / 10
    same = paired_difference(b, b, {"s": 1.0})
    assert same["includes_zero"] and same["mean"] == 0.0


def test_clustered_interval_is_wider_when_clusters_share_parameters():
    rng = np.random.default_rng(1)
    cluster = np.repeat(np.arange(20), 32)
    values = rng.normal(0, 1, 20)[cluster] + rng.normal(0, 0.1, 640)
    plain = mean_interval(values)["ci95"]
    clustered = mean_interval(values, cluster)["ci95"]
    assert clustered[1] - clustered[0] > 3 * (plain[1] - plain[0])


def test_pinned_scenarios_are_named():
    by_regime = {"joint": {"a": 1.0, "b": 0.0, "c": 0.4}, "other": {"a": 1.0, "b": 0.0, "c": 0.2}}
    assert pinned(by_regime) == {"a": "ceiling", "b": "floor"}


@pytest.mark.parametrize("scale", [(1.0, 1.0), (1.5, 1.75), (1.75, 2.0), (2.5, 2.5)])
def test_joint_never_worse_than_spending_target_at_equal_money(scale):
    """Spending targets as regimes (2 %, 3 %, 3.5 % core, 5 %: more money for each actor): at each target's money
    the joint plan is never worse on the surrogate than each actor spending its own money on its own options."""
    inp = synthetic_inputs(budget_scale=scale)
    joint = plan_regime(inp, RegimeSpec("joint"), gap=0.0)
    national = plan_regime(inp, RegimeSpec("spending-target"), gap=0.0)
    assert joint.weighted_deterrence >= national.weighted_deterrence - 1e-9


def test_margin_replicates_without_noise_all_find_the_interpolated_crossing():
    """Every draw has the same victories: each resample's curve is the curve itself, so every replicate is the
    linear interpolation between the two points that bracket the threshold."""
    from positivesum.plan.deterrence import margin_replicates

    reps, per_draw = 320, 32
    cluster = np.arange(reps) // per_draw
    victory = {}
    for y, p in ((0.0, 0.25), (4.0, 0.375), (6.0, 0.625), (20.0, 0.875)):
        one = np.zeros(per_draw, dtype=bool)
        one[: int(p * per_draw)] = True
        victory[y] = np.tile(one, reps // per_draw)
    out = margin_replicates(victory, cluster, 0.5, 5.0, np.random.default_rng(0), 50)
    np.testing.assert_allclose(out, 5.0)  # halfway from 0.375 at 4 to 0.625 at 6


def test_margin_interval_covers_the_true_crossing():
    """P(victory | y) = (y + 2) / 16 crosses 0.5 at y = 6. Each parameter draw shifts the curve (draws share
    parameters, as the campaign's outer draws do); victories are drawn at the points a bisection would evaluate.
    The bootstrap interval over whole draws covers y = 6 in most experiments."""
    from positivesum.plan.deterrence import margin_replicates

    rng = np.random.default_rng(2026)
    draws, per_draw = 10, 32
    cluster = np.repeat(np.arange(draws), per_draw)
    ys = [0.0, 20.0, 10.0, 5.0, 7.5, 6.25, 5.625]
    experiments, covered = 40, 0
    for _ in range(experiments):
        shift = np.repeat(rng.normal(0.0, 0.05, draws), per_draw)
        u = rng.random(draws * per_draw)  # common random numbers: the same uniforms at every y
        victory = {y: u < np.clip((y + 2) / 16 + shift, 0, 1) for y in ys}
        est = float(np.interp(0.5, [np.mean(victory[y]) for y in sorted(ys)], sorted(ys)))
        out = margin_replicates(victory, cluster, 0.5, est, rng, 300)
        lo, hi = np.percentile(out, [2.5, 97.5])
        covered += lo <= 6.0 <= hi
    assert covered / experiments >= 0.8, covered


def test_growth_margin_reports_an_interval_unless_censored(ds):
    simulate, _ = _fake_simulate((1 + GROWTH) ** 6.0)
    out = growth_margin(
        ds, "nansei_seizure", base_factor=1.0, growth_per_year=GROWTH, reps=100, seed=5, simulate=simulate
    )
    assert out["ci95"][0] <= out["years"] <= out["ci95"][1]
    assert len(out["replicates"]) > 0
    strong, _ = _fake_simulate(1e6)
    out = growth_margin(ds, "nansei_seizure", base_factor=1.0, growth_per_year=GROWTH, reps=50, seed=1, simulate=strong)
    assert out["ci95"] is None and set(out["replicates"]) == {out["years"]}
