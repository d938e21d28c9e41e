"""Personnel headroom: exact answers, fact-sheet pools, invariants, option netting."""

import math

import numpy as np
import pytest
from domestic_factories import make_actor, make_option, q
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.domestic.personnel import (
    JAPAN_RECRUITMENT_POOL_18_26,
    JAPAN_RECRUITMENT_POOL_18_32,
    RecruitmentPool,
    achievement_rate,
    implied_attrition_rate,
    net_option_personnel,
    option_personnel_in_service_persons,
    personnel_headroom,
)


def test_achievement_rates_exact():
    p = make_actor().personnel  # JFY2024 50/100, JFY2025 60/80
    assert achievement_rate("TST", p, "latest") == pytest.approx(0.75)
    assert achievement_rate("TST", p, "mean") == pytest.approx(0.625)
    assert achievement_rate("TST", p, "pooled") == pytest.approx(110 / 180)
    assert achievement_rate("TST", p, 0.4) == 0.4
    with pytest.raises(ValueError, match="latest"):
        achievement_rate("TST", p, "median")


def test_headroom_exact_without_pool():
    h = personnel_headroom(
        "TST", make_actor(), base_year=2026, horizon_years=2, attrition_rate_per_year=0.05, pool=None
    )
    f = h.frame
    assert f["intake_persons"].tolist() == pytest.approx([60, 60])  # 80 planned × 75%
    assert f["attrition_persons"].tolist() == pytest.approx([45, 45.75])  # 5% of 900, then of 915
    assert f["headroom_persons"].tolist() == pytest.approx([15, 14.25])
    assert f["strength_persons"].tolist() == pytest.approx([915, 929.25])
    assert f["cumulative_headroom_persons"].tolist() == pytest.approx([15, 29.25])
    assert f["vacancy_persons"].tolist() == pytest.approx([85, 70.75])
    assert h.assumptions["intake_base_persons_per_year"] == pytest.approx(60)


def test_headroom_scales_intake_with_the_pool():
    pool = RecruitmentPool("test", ((2025, 100.0), (2035, 50.0)), "test")
    assert pool.persons([2030])[0] == pytest.approx(100 / math.sqrt(2))
    h = personnel_headroom(
        "TST",
        make_actor(),
        base_year=2026,
        horizon_years=2,
        pool=pool,
        planned_persons_per_year=100,
        achievement=0.5,
        attrition_rate_per_year=0.0,
    )
    assert h.frame["pool_factor"].tolist() == pytest.approx([0.5**0.2, 0.5**0.3])  # relative to JFY2025 record
    assert h.frame["intake_persons"].tolist() == pytest.approx([50 * 0.5**0.2, 50 * 0.5**0.3])


def test_fact_sheet_pools_log_linear():
    assert JAPAN_RECRUITMENT_POOL_18_32.persons([2018, 2058]).tolist() == pytest.approx([18.81e6, 12.41e6])
    assert JAPAN_RECRUITMENT_POOL_18_32.persons([2038])[0] == pytest.approx(math.sqrt(18.81e6 * 12.41e6))
    assert JAPAN_RECRUITMENT_POOL_18_26.persons([1994, 2018]).tolist() == pytest.approx([17.43e6, 11.05e6])
    # beyond the last point: same constant rate of decline
    rate = math.log(12.41 / 18.81) / 40
    assert JAPAN_RECRUITMENT_POOL_18_32.factor([2068], 2058)[0] == pytest.approx(math.exp(10 * rate))


def test_implied_attrition_from_fact_sheet():
    # JSDF 230,754 (Mar 2022) → 227,843 (Mar 2023) with 11,758 recruited in JFY2022 (fact sheet §5)
    assert implied_attrition_rate(230754, 227843, 11758) == pytest.approx(14669 / 230754)
    assert 0.06 < implied_attrition_rate(227843, 223511, 9959) < 0.065


def test_option_personnel_and_netting():
    automation, crewed = make_option(-50, 0), make_option(100, 2.5)
    required = option_personnel_in_service_persons([(automation, 1), (crewed, 1), (crewed, 9)], horizon_years=5)
    assert required.tolist() == [-50, -50, 50, 50, 50]  # crewed enters service in plan year 1 + 2
    h = personnel_headroom("TST", make_actor(), horizon_years=5, attrition_rate_per_year=0.05, pool=None)
    n = net_option_personnel(h, required)
    assert np.allclose(n.frame["remaining_persons"], h.cumulative_headroom_persons() - required)
    assert not n.feasible and n.first_shortfall_plan_year == 3
    assert n.largest_shortfall_persons == pytest.approx(50 - (15 + 14.25 + 13.5375))  # year 3; year 4 is fine
    relieved = net_option_personnel(h, option_personnel_in_service_persons([(automation, 1), (crewed, 1)], 5) - 50)
    assert relieved.feasible and relieved.first_shortfall_plan_year is None


def test_netting_floor_for_a_shrinking_force():
    h = personnel_headroom("TST", make_actor(), horizon_years=3, attrition_rate_per_year=0.2, pool=None)
    assert (h.frame["headroom_persons"] < 0).all()
    assert not net_option_personnel(h, [0, 0, 0]).feasible
    assert net_option_personnel(h, [0, 0, 0], floor_available_at_zero=True).feasible
    with pytest.raises(ValueError, match="one value per plan year"):
        net_option_personnel(h, [0])


def test_errors():
    with pytest.raises(ValueError, match="no personnel"):
        personnel_headroom("TST", make_actor(personnel=None))
    with pytest.raises(ValueError, match="planned > 0"):
        personnel_headroom("TST", make_actor(personnel={"authorised": q(1), "actual": q(1)}))
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        personnel_headroom("TST", make_actor(), attrition_rate_per_year=1.2)


@settings(max_examples=150, deadline=None)
@given(
    strength=st.floats(100, 3e5),
    rate=st.just(0.0) | st.floats(1e-6, 0.2),
    surplus=st.floats(1.0, 3.0),
    horizon=st.integers(1, 20),
)
def test_headroom_never_negative_when_intake_covers_attrition(strength, rate, surplus, horizon):
    intake = rate * strength * surplus  # intake >= attrition at the start, constant pool
    h = personnel_headroom(
        "TST",
        make_actor(),
        horizon_years=horizon,
        planned_persons_per_year=intake,
        achievement=1.0,
        attrition_rate_per_year=rate,
        pool=None,
        strength_persons=strength,
    )
    f = h.frame
    assert (f["headroom_persons"] >= -1e-9).all()
    assert np.all(np.diff(f["strength_persons"]) >= -1e-9)
    assert np.allclose(f["headroom_persons"], f["intake_persons"] - f["attrition_persons"])
    assert np.allclose(f["cumulative_headroom_persons"], np.cumsum(f["headroom_persons"]))
    if rate > 0:  # strength approaches intake / rate from below
        assert (f["strength_persons"] <= intake / rate * (1 + 1e-9)).all()
