"""Fiscal trade-off: exact answers on a hand-built actor, accounting invariants (hypothesis)."""

import numpy as np
import pytest
from domestic_factories import make_actor
from hypothesis import given, settings
from hypothesis import strategies as st

from positivesum.domestic.budget import budget_path_from_list, budget_path_from_series
from positivesum.domestic.fiscal import bond_financed_debt_local_bn, fiscal_tradeoff, social_security_local_bn

G = 0.10


def path(values=(13, 14)):
    return budget_path_from_list("TST", make_actor(), list(values), base_year=2026, nominal_gdp_growth_per_year=G)


def test_funding_need_without_revenue_path_exact():
    f = fiscal_tradeoff("TST", make_actor(), path(), interest_rate_per_year=0.1).frame
    assert f["extra_defence_local_bn"].tolist() == pytest.approx([1, 2])
    assert f["social_security_local_bn"].tolist() == pytest.approx([305, 310])  # 300 + 5/yr
    assert f["ss_increase_over_base_local_bn"].tolist() == pytest.approx([5, 10])
    assert f["funding_need_local_bn"].tolist() == pytest.approx([6, 12])
    assert f["revenue_gain_local_bn"].tolist() == [0, 0]
    assert f["crowding_out_local_bn"].tolist() == pytest.approx([6, 12])
    # E_1 = 6; E_2 = 1.1 * 6 + 12 = 18.6 (debt_t = debt_{t-1} + deficit_t incl. interest)
    assert f["extra_debt_local_bn"].tolist() == pytest.approx([6, 18.6])
    assert f["debt_ratio_change_pct_points"].tolist() == pytest.approx([600 / 1210, 1860 / 1331])
    assert f["debt_pct_gdp"].tolist() == pytest.approx([200 + 600 / 1210, 200 + 1860 / 1331])
    assert f["funding_need_pct_gdp"].tolist() == pytest.approx([600 / 1210, 1200 / 1331])


def test_revenue_growing_with_gdp_exact():
    f = fiscal_tradeoff("TST", make_actor(), path(), revenue_base_local_bn=100).frame
    assert f["revenue_gain_local_bn"].tolist() == pytest.approx([10, 21])  # 100 × (1.1 − 1), 100 × (1.21 − 1)
    assert f["crowding_out_local_bn"].tolist() == [0, 0]
    assert f["fiscal_room_local_bn"].tolist() == pytest.approx([4, 9])
    assert f["extra_debt_local_bn"].tolist() == [0, 0]


def test_explicit_revenue_gain_and_pure_identity():
    f = fiscal_tradeoff("TST", make_actor(), path(), revenue_gain_local_bn=[3, 20], interest_rate_per_year=0).frame
    assert f["crowding_out_local_bn"].tolist() == pytest.approx([3, 0])
    assert f["fiscal_room_local_bn"].tolist() == pytest.approx([0, 8])
    assert f["extra_debt_local_bn"].tolist() == pytest.approx([3, 3])  # room is not used to repay debt


def test_revenue_elasticity():
    f = fiscal_tradeoff("TST", make_actor(), path(), revenue_base_local_bn=100, revenue_elasticity=2).frame
    assert f["revenue_gain_local_bn"].tolist() == pytest.approx([21, 100 * (1.1**4 - 1)])


def test_baselines():
    today_share = fiscal_tradeoff("TST", make_actor(), path(), baseline="today_share").frame
    assert today_share["baseline_defence_local_bn"].tolist() == pytest.approx([13.2, 14.52])
    assert today_share["extra_defence_local_bn"].tolist() == pytest.approx([-0.2, -0.52])
    series = budget_path_from_series(
        "TST", make_actor(), base_year=2026, horizon_years=2, nominal_gdp_growth_per_year=G
    )
    against_series = fiscal_tradeoff("TST", make_actor(), path(), baseline=series).frame
    assert against_series["extra_defence_local_bn"].tolist() == pytest.approx([-0.2, -0.52])
    with pytest.raises(ValueError, match="same actor and years"):
        fiscal_tradeoff("TST", make_actor(), path(), baseline=path((13, 14, 15)))


def test_social_security_extension_and_errors():
    actor = make_actor()
    assert social_security_local_bn("TST", actor, [2025, 2026, 2030]).tolist() == pytest.approx([295, 300, 320])
    with pytest.raises(ValueError, match="social_security_growth"):
        fiscal_tradeoff("TST", make_actor(social_security_growth_local_bn_per_year=None), path())
    with pytest.raises(ValueError, match="not both"):
        fiscal_tradeoff("TST", actor, path(), revenue_base_local_bn=1, revenue_gain_local_bn=[1, 2])
    with pytest.raises(ValueError, match="one value per plan year"):
        fiscal_tradeoff("TST", actor, path(), revenue_gain_local_bn=[1])
    with pytest.raises(ValueError, match="debt_pct_gdp"):
        fiscal_tradeoff("TST", make_actor(debt_pct_gdp=None), path())


@settings(max_examples=150, deadline=None)
@given(
    budgets=st.lists(st.floats(0, 100), min_size=1, max_size=12),
    revenue=st.floats(0, 1000),
    ss_growth=st.floats(0, 50),
    rate=st.floats(0, 0.1),
)
def test_accounting_invariants(budgets, revenue, ss_growth, rate):
    p = budget_path_from_list("TST", make_actor(), budgets, base_year=2026, nominal_gdp_growth_per_year=G)
    f = fiscal_tradeoff(
        "TST",
        make_actor(),
        p,
        revenue_base_local_bn=revenue,
        social_security_growth_local_bn_per_year=ss_growth,
        interest_rate_per_year=rate,
    ).frame
    gap = f["funding_need_local_bn"] - f["revenue_gain_local_bn"]
    assert np.allclose(f["crowding_out_local_bn"] - f["fiscal_room_local_bn"], gap)
    assert (f["crowding_out_local_bn"] >= 0).all() and (f["fiscal_room_local_bn"] >= 0).all()
    assert np.allclose(f["funding_need_local_bn"], f["extra_defence_local_bn"] + f["ss_increase_over_base_local_bn"])
    debt = f["extra_debt_local_bn"].to_numpy()
    assert np.all(np.diff(debt) >= -1e-12) and np.all(debt >= 0)  # borrowing only adds, interest >= 0
    assert np.all(debt >= np.cumsum(f["crowding_out_local_bn"]) - 1e-9)  # interest never reduces debt


@given(gaps=st.lists(st.floats(0, 1e4), max_size=20))
def test_zero_interest_debt_is_the_cumulative_gap(gaps):
    assert np.allclose(bond_financed_debt_local_bn(gaps, 0.0), np.cumsum(gaps))
