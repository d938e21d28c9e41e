"""Budget paths: exact answers on a hand-built actor, invariants (hypothesis)."""

import numpy as np
import pytest
from domestic_factories import make_actor, q
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.domestic.budget import (
    budget_frame,
    budget_path_from_list,
    budget_path_from_series,
    budget_path_share_of_gdp,
    increment_table_musd,
    local_per_usd,
    nominal_gdp_local_bn,
    share_ramp,
)

G = 0.10  # 10%/yr nominal growth: GDP 1,000 (2025) → 1,100 (2026) → 1,210 → 1,331 → 1,464.1


def test_gdp_path_compounds_from_latest_value():
    gdp = nominal_gdp_local_bn("TST", make_actor(), [2025, 2026, 2027, 2024], growth_per_year=G)
    assert gdp == pytest.approx([1000, 1100, 1210, 1000 / 1.1], rel=1e-12)


def test_gdp_label_follows_budget_fiscal_year_convention():
    actor = make_actor(gdp_local_bn={"JFY2024": q(600), "CY2024": q(500)})
    assert nominal_gdp_local_bn("TST", actor, [2024], growth_per_year=G)[0] == 600  # JFY like the budget
    calendar = make_actor(gdp_local_bn={"JFY2024": q(600), "CY2024": q(500)}, defence_budget_local_bn={"CY2024": q(10)})
    assert nominal_gdp_local_bn("TST", calendar, [2024], growth_per_year=G)[0] == 500


def test_gdp_log_linear_between_data_years():
    actor = make_actor(gdp_local_bn={"JFY2020": q(100), "JFY2022": q(400)})
    assert nominal_gdp_local_bn("TST", actor, [2021], growth_per_year=G)[0] == pytest.approx(200, rel=1e-12)


def test_series_path_exact():
    path = budget_path_from_series("TST", make_actor(), base_year=2026, horizon_years=2, nominal_gdp_growth_per_year=G)
    f = path.frame
    assert list(f["plan_year"]) == [0, 1, 2] and list(f["year"]) == [2026, 2027, 2028]
    assert f["budget_local_bn"].tolist() == pytest.approx([12, 13.2, 14.52], rel=1e-12)  # grows with GDP after JFY2026
    assert f["share_of_gdp"].tolist() == pytest.approx([12 / 1100] * 3, rel=1e-12)
    assert f["budget_musd"].tolist() == pytest.approx([120, 132, 145.2], rel=1e-12)  # bn × 1000 / 100 per USD
    assert path.increment_musd().tolist() == pytest.approx([12, 25.2], rel=1e-12)
    assert path.base_budget_local_bn == 12 and path.base_gdp_local_bn == pytest.approx(1100)
    assert list(path.increment_musd().index) == [1, 2]


def test_series_path_interpolates_between_data_years():
    actor = make_actor(defence_budget_local_bn={"JFY2024": q(10), "JFY2028": q(18)})
    path = budget_path_from_series("TST", actor, base_year=2025, horizon_years=2, nominal_gdp_growth_per_year=G)
    assert path.frame["budget_local_bn"].tolist() == pytest.approx([12, 14, 16], rel=1e-12)


def test_inflation_deflates_the_increment_to_base_year_money():
    path = budget_path_from_series(
        "TST", make_actor(), base_year=2026, horizon_years=2, nominal_gdp_growth_per_year=G, inflation_per_year=G
    )
    assert path.frame["increment_local_bn"].tolist() == pytest.approx([0, 0, 0], abs=1e-12)  # all growth is prices
    assert path.frame["budget_musd"].tolist() == pytest.approx([120, 132, 145.2], rel=1e-12)  # nominal kept


def test_share_path_exact_current_gdp():
    path = budget_path_share_of_gdp(
        "TST",
        make_actor(),
        target_share=0.02,
        target_year=2028,
        base_year=2026,
        horizon_years=3,
        nominal_gdp_growth_per_year=G,
    )
    # 2027: halfway between 12/1100 and 2% of 1,210; 2028: 2% of 1,331; after: constant share
    assert path.frame["budget_local_bn"].tolist() == pytest.approx([12, 18.7, 26.62, 29.282], rel=1e-12)
    assert path.frame["share_of_gdp"].iloc[2:].tolist() == pytest.approx([0.02, 0.02], rel=1e-12)


def test_share_path_exact_fixed_reference_gdp():
    path = budget_path_share_of_gdp(
        "TST",
        make_actor(),
        target_share=0.02,
        target_year=2028,
        base_year=2026,
        horizon_years=3,
        reference_gdp_year=2025,
        nominal_gdp_growth_per_year=G,
    )
    # shares of the fixed 2025 GDP (1,000): 1.2% → 1.6% → 2%; then grows with current GDP
    assert path.frame["budget_local_bn"].tolist() == pytest.approx([12, 16, 20, 22], rel=1e-12)


def test_share_path_target_year_already_past_is_reached_in_plan_year_1():
    path = budget_path_share_of_gdp(
        "TST",
        make_actor(),
        target_share=0.05,
        target_year=2020,
        base_year=2026,
        horizon_years=2,
        nominal_gdp_growth_per_year=G,
    )
    assert path.frame["budget_local_bn"].tolist() == pytest.approx([12, 60.5, 66.55], rel=1e-12)


def test_list_path_exact_and_frames():
    a = budget_path_from_list("TST", make_actor(), [13, 14], base_year=2026, nominal_gdp_growth_per_year=G)
    assert a.increment_musd().tolist() == pytest.approx([10, 20], rel=1e-12)
    b = budget_path_from_list(
        "USA", make_actor(currency="USD", local_per_usd=None), [15], base_year=2026, nominal_gdp_growth_per_year=G
    )
    assert b.frame["budget_musd"].tolist() == pytest.approx([12000, 15000])  # USD: 1 per USD
    table = increment_table_musd([a, b])
    assert list(table.columns) == ["TST", "USA"] and table.loc[1, "USA"] == pytest.approx(3000)
    assert np.isnan(table.loc[2, "USA"])
    frame = budget_frame([a, b])
    assert len(frame) == 5 and set(frame["method"]) == {"list"}


def test_errors_say_what_and_how():
    with pytest.raises(ValueError, match="local_per_usd"):
        local_per_usd("TST", make_actor(local_per_usd=None))
    with pytest.raises(ValueError, match="no gdp_local_bn"):
        budget_path_from_series("TST", make_actor(gdp_local_bn={}))
    with pytest.raises(ValueError, match="budget_path_from_list"):
        budget_path_from_series("TST", make_actor(defence_budget_local_bn={}))
    with pytest.raises(ValueError, match="0.035 for 3.5%"):
        budget_path_share_of_gdp("TST", make_actor(), target_share=3.5, target_year=2035)
    with pytest.raises(ValueError, match="horizon_years"):
        budget_path_from_series("TST", make_actor(), horizon_years=0)


# --- invariants ------------------------------------------------------------------------------
shares = st.floats(0.0, 0.2)
years = st.integers(2020, 2040)
growths = st.floats(-0.05, 0.1)


@settings(max_examples=150, deadline=None)
@given(s1=shares, s2=shares, target_year=years, growth=growths, reference=st.sampled_from([None, 2025, 2030]))
def test_higher_target_share_never_gives_a_lower_budget(s1, s2, target_year, growth, reference):
    low, high = sorted((s1, s2))
    kw = {
        "target_year": target_year,
        "base_year": 2026,
        "horizon_years": 12,
        "reference_gdp_year": reference,
        "nominal_gdp_growth_per_year": growth,
    }
    a = budget_path_share_of_gdp("TST", make_actor(), target_share=low, **kw).frame["budget_local_bn"].to_numpy()
    b = budget_path_share_of_gdp("TST", make_actor(), target_share=high, **kw).frame["budget_local_bn"].to_numpy()
    assert np.all(b >= a - 1e-9 * np.maximum(1, a))
    assert a[0] == b[0] == pytest.approx(12)  # today is today, whatever the target


@settings(max_examples=100, deadline=None)
@given(s0=shares, s1=shares, base=years, target=years)
def test_share_ramp_stays_between_start_and_target(s0, s1, base, target):
    ramp = share_ramp(s0, s1, base, target, list(range(base, base + 25)))
    assert ramp[0] == s0
    assert np.all(ramp >= min(s0, s1) - 1e-15) and np.all(ramp <= max(s0, s1) + 1e-15)
    assert ramp[-1] == pytest.approx(s1)
    assert np.all(np.diff(ramp) * np.sign(s1 - s0) >= -1e-15)  # monotone towards the target


@settings(max_examples=100, deadline=None)
@given(growth=growths, horizon=st.integers(1, 15))
def test_series_path_keeps_its_last_share_of_gdp(growth, horizon):
    f = budget_path_from_series(
        "TST", make_actor(), base_year=2026, horizon_years=horizon, nominal_gdp_growth_per_year=growth
    ).frame
    assert np.allclose(f["share_of_gdp"], 12 / f["gdp_local_bn"].iloc[0], rtol=1e-12)
    assert np.allclose(f["increment_musd"], (f["budget_local_bn"] - 12) * 10, rtol=1e-12, atol=1e-9)
