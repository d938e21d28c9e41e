"""Smoke tests of the domestic engines on the packaged default dataset (fact sheet targets)."""

import numpy as np
import pytest

from positivesum.domestic.budget import budget_frame, budget_path_from_series, budget_path_share_of_gdp
from positivesum.domestic.fiscal import fiscal_tradeoff
from positivesum.domestic.industrial import check_extra_production, delivery_schedule, delivery_schedules
from positivesum.domestic.personnel import achievement_rate, personnel_headroom
from positivesum.model.loader import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset().dataset


def test_japan_share_of_gdp_today(ds):
    path = budget_path_from_series("JPN", ds.actors["JPN"])
    assert 0.01 < path.base_share_of_gdp < 0.025
    assert path.base_budget_local_bn == pytest.approx(9035.3)  # JFY2026 draft (fact sheet §1a)


def test_two_percent_of_fy2022_gdp_is_about_11_trillion_yen(ds):
    path = budget_path_share_of_gdp(
        "JPN", ds.actors["JPN"], target_share=0.02, target_year=2027, reference_gdp_year=2022
    )
    reached = path.frame.set_index("year").loc[2027, "budget_local_bn"]
    assert reached == pytest.approx(11000, rel=0.05)  # fact sheet §1b: ~¥11 tn
    assert reached == pytest.approx(0.02 * 566000)


def test_us_asks_give_ordered_paths(ds):
    j = ds.actors["JPN"]
    paths = [budget_path_share_of_gdp("JPN", j, target_share=s, target_year=2035) for s in (0.02, 0.035, 0.05)]
    finals = [p.frame["budget_local_bn"].iloc[-1] for p in paths]
    assert finals == sorted(finals)
    assert paths[1].frame.set_index("year").loc[2035, "share_of_gdp"] == pytest.approx(0.035)
    assert (paths[2].increment_musd() > 0).all()


def test_every_actor_with_data_has_a_series_path(ds):
    paths = [
        budget_path_from_series(a, actor)
        for a, actor in ds.actors.items()
        if actor.gdp_local_bn and actor.defence_budget_local_bn
    ]
    frame = budget_frame(paths)
    assert {"USA", "JPN"} <= set(frame["actor"])
    assert np.isfinite(frame.select_dtypes("number").to_numpy()).all()


def test_japan_fiscal_tradeoff_runs(ds):
    j = ds.actors["JPN"]
    f = fiscal_tradeoff(
        "JPN",
        j,
        budget_path_share_of_gdp("JPN", j, target_share=0.035, target_year=2035),
        revenue_base_local_bn=122309.2,
    ).frame  # JFY2026 draft general account (fact sheet §1a)
    assert (f["ss_natural_increase_local_bn"] == 400).all()
    assert (f["funding_need_local_bn"] > 0).all() and (f["debt_pct_gdp"] >= 232.7).all()


def test_recruitment_intake_between_9000_and_20000(ds):
    j = ds.actors["JPN"]
    for method in ("latest", "mean"):  # 9,724 and 9,046; 'pooled' gives 8,958 (Σ achieved / Σ planned)
        h = personnel_headroom("JPN", j, achievement=method)
        assert 9000 <= h.assumptions["intake_base_persons_per_year"] <= 20000
    assert achievement_rate("JPN", j.personnel, "latest") == pytest.approx(9724 / 14900)
    f = personnel_headroom("JPN", j).frame
    assert (np.diff(f["pool_factor"]) < 0).all()  # the 18-32 pool shrinks (fact sheet §5)
    assert (f["headroom_persons"] < 0).all()  # today's intake does not cover outflow: the JSDF shrinks


def test_us_pac3_ramp_and_checks(ds):
    s = delivery_schedule("pac3_mse", ds.munitions["pac3_mse"], "USA", ds.actors["USA"])
    assert s.frame["deliveries_rounds"].iloc[0] == pytest.approx(620)  # 2025 deliveries (fact sheet §6b)
    assert s.frame["rate_end_per_year"].iloc[-1] == pytest.approx(2000)  # 2026 framework ceiling
    assert not check_extra_production(s.profile, 2000, 5).feasible
    assert check_extra_production(s.profile, 1380, s.profile.full_rate_plan_year()).feasible


def test_all_default_schedules(ds):
    frame = delivery_schedules(ds)
    assert len(frame) == 10 * sum(len(m.holdings) for m in ds.munitions.values())
    assert np.isfinite(frame.select_dtypes("number").to_numpy()).all()
    assert (frame.groupby(["actor", "munition"])["cumulative_rounds"].diff().dropna() >= 0).all()
