"""Industrial ramp-up: exact integrals, feasibility checks, invariants (hypothesis)."""

import numpy as np
import pytest
from domestic_factories import make_actor, make_munition, q
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.domestic.industrial import RampProfile, check_extra_production, delivery_schedule, ramp_profile

CAPACITY = {"TSTM": {"max_per_year": q(300), "ramp_up_years": q(2)}}


def test_deliveries_exact():
    # P0 = 100, M = 300, lead 1 yr, ramp 2 yr: r rises from 100 at t=1 to 300 at t=3
    p = RampProfile(100, 300, 1, 2)
    assert p.deliveries_by_year(5).tolist() == pytest.approx([100, 150, 250, 300, 300])
    assert p.cumulative_rounds([1, 2, 3, 4]).tolist() == pytest.approx([100, 250, 500, 800])
    assert p.rate_per_year([0.5, 2, 3, 9]).tolist() == pytest.approx([100, 200, 300, 300])
    assert p.full_rate_plan_year() == 4
    step = RampProfile(100, 300, 0.5, 0)  # no ramp: a step at the end of the lead time
    assert step.deliveries_by_year(2).tolist() == pytest.approx([200, 300])


def test_profile_from_data():
    actor = make_actor(industrial_capacity=CAPACITY)
    p = ramp_profile("TSTM", make_munition(), "TST", actor)
    assert (p.production_per_year, p.max_per_year, p.lead_time_years, p.ramp_up_years) == (100, 300, 1, 2)
    inclusive = ramp_profile("TSTM", make_munition(), "TST", actor, ramp_includes_lead_time=True)
    assert inclusive.ramp_up_years == 1
    fallback = ramp_profile("TSTM", make_munition(), "TST", make_actor())  # no capacity record: surge, 1-yr ramp
    assert (fallback.max_per_year, fallback.ramp_up_years) == (200, 1)
    with pytest.raises(ValueError, match="has no XYZ"):
        ramp_profile("TSTM", make_munition(), "XYZ", actor)


def test_schedule_frame():
    s = delivery_schedule(
        "TSTM", make_munition(), "TST", make_actor(industrial_capacity=CAPACITY), base_year=2026, horizon_years=4
    )
    f = s.frame
    assert f["year"].tolist() == [2027, 2028, 2029, 2030]
    assert f["extra_rounds"].tolist() == pytest.approx([0, 50, 150, 200])
    assert f["cumulative_rounds"].tolist() == pytest.approx([100, 250, 500, 800])
    assert f["stock_if_unused_rounds"].tolist() == pytest.approx([600, 750, 1000, 1300])
    assert f["rate_end_per_year"].tolist() == pytest.approx([100, 200, 300, 300])


def test_checks_name_the_binding_limit_with_numbers():
    p = RampProfile(100, 300, 1, 2)
    ok = check_extra_production(p, 150, 3)
    assert ok.feasible and ok.binding == "none" and ok.extra_available_in_year_per_year == pytest.approx(150)
    too_much = check_extra_production(p, 250, 3, label="test")
    assert not too_much.feasible and too_much.binding == "max" and too_much.max_extra_per_year == 200
    assert "at most 200 extra" in too_much.message and too_much.earliest_feasible_plan_year is None
    early = check_extra_production(p, 100, 2)  # year 2 gives 50 extra; without the lead time it would give 150
    assert early.binding == "lead_time" and early.earliest_feasible_plan_year == 3
    assert early.extra_available_in_year_per_year == pytest.approx(50)
    slow = check_extra_production(RampProfile(0, 400, 0, 4), 100, 1)  # year 1 gives 50; a step would give 400
    assert slow.binding == "ramp" and slow.earliest_feasible_plan_year == 2
    assert "ramp binds" in slow.message and "only 50 extra" in slow.message
    both = check_extra_production(RampProfile(0, 400, 2, 4), 300, 1)
    assert both.binding == "lead_time" and "both bind" in both.message
    with pytest.raises(ValueError, match="from_plan_year"):
        check_extra_production(p, 10, 0)


profiles = st.builds(
    lambda p0, extra, lead, ramp: RampProfile(p0, p0 + extra, lead, ramp),
    st.floats(0, 2000),
    st.floats(0, 3000),
    st.floats(0, 5),
    st.floats(0, 8),
)


@settings(max_examples=200, deadline=None)
@given(profile=profiles, horizon=st.integers(1, 15))
def test_deliveries_monotone_and_bounded(profile, horizon):
    d = profile.deliveries_by_year(horizon)
    c = np.cumsum(d)
    assert np.all(np.diff(c) >= -1e-9)  # cumulative deliveries never fall
    assert np.all(np.diff(d) >= -1e-6 * max(1, profile.max_per_year))  # yearly deliveries never fall
    tol = 1e-9 * max(1.0, profile.max_per_year)
    assert np.all(d >= profile.production_per_year - tol) and np.all(d <= profile.max_per_year + tol)
    assert c[-1] == pytest.approx(float(profile.cumulative_rounds(horizon)), rel=1e-9, abs=1e-6)
    t = profile.lead_time_years + profile.ramp_up_years + 1.0  # closed form after the ramp
    expected = profile.production_per_year * t + profile.max_extra_per_year * (
        t - profile.lead_time_years - profile.ramp_up_years / 2
    )
    assert float(profile.cumulative_rounds(t)) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(profile=profiles, share=st.floats(0, 1.3), year=st.integers(1, 12))
def test_check_consistent_with_schedule(profile, share, year):
    want = share * profile.max_extra_per_year
    check = check_extra_production(profile, want, year)
    horizon = max(year, profile.full_rate_plan_year()) + 1
    extra = profile.deliveries_by_year(horizon) - profile.production_per_year
    slack = 1e-6 * max(1.0, profile.max_per_year)
    meets_from_year = bool(np.all(extra[year - 1 :] >= want - slack))
    if check.feasible:
        assert meets_from_year
    elif check.binding == "max":
        assert want > profile.max_extra_per_year
    else:
        assert not np.all(extra[year - 1 :] >= want + slack)
        k = check.earliest_feasible_plan_year
        assert k > year and extra[k - 1] >= want - slack and extra[k - 2] < want + slack
