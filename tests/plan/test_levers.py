"""Option levels (plan/levers.py ``option_levels``): the level each option adds to a mission area, checked
against the rule of docs/methodology/planning.md §2 recomputed by hand on the packaged data.

Production is counted over the planning scenarios' mean campaign (what the campaign engine can use), not over
years: the rule that counted three years credited a production line ~25 times what simulation shows."""

from __future__ import annotations

import pytest

from positivesum.model.loader import load_dataset
from positivesum.plan.levers import (
    DAYS_PER_MONTH,
    area_munitions,
    baseline_capital_musd,
    class_value_musd,
    option_levels,
    production_days_counted,
)


@pytest.fixture(scope="module")
def ds():
    return load_dataset().dataset


def _level(ds, option: str, area: str) -> float:
    areas = list(ds.mission_areas)
    return float(option_levels(ds, [option], areas)[0, areas.index(area)])


def test_production_is_counted_over_the_mean_campaign(ds):
    weighted = [(sc.weight.value, sc.duration_days.value) for sc in ds.scenarios.values() if sc.weight.value > 0]
    days = sum(w * d for w, d in weighted) / sum(w for w, _ in weighted)
    assert production_days_counted(ds) == pytest.approx(days)
    assert 30.0 <= days <= 140.0  # between the invasion scenarios' month and the blockades' 140 days
    mun = ds.munitions["tomahawk"]
    expected = 190.0 * days / 365.0 * mun.unit_cost_musd.value / baseline_capital_musd(ds, "strike")
    assert _level(ds, "usa_tomahawk_rate_250", "strike") == pytest.approx(expected, rel=1e-12)


def test_a_surge_line_counts_only_after_its_lead_time(ds):
    days = production_days_counted(ds)
    effects = [e for e in ds.options["usa_surge_warm_lines"].effects if e.target.endswith("surge_per_year")]
    expected = 0.0
    for e in effects:
        mid = e.target.split(".")[1]
        mun = ds.munitions[mid]
        if "strike" not in {m for m in ds.mission_areas if mid in area_munitions(ds, m)}:
            continue
        lead = mun.holdings["USA"].lead_time_months * DAYS_PER_MONTH
        expected += e.value * max(0.0, days - lead) / 365.0 * mun.unit_cost_musd.value
    expected /= baseline_capital_musd(ds, "strike")
    assert _level(ds, "usa_surge_warm_lines", "strike") == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_a_force_add_is_its_capital_over_the_areas(ds):
    cls = ds.capability_classes["f35a"]
    for area in cls.mission_areas:
        if area in ds.mission_areas:
            expected = 24.0 * class_value_musd(ds, "f35a") / baseline_capital_musd(ds, area)
            assert _level(ds, "usa_f35a_kadena_sqn1", area) == pytest.approx(expected, rel=1e-12)


def test_an_option_without_effects_adds_no_level(ds):
    assert not ds.options["jpn_ready_reserve_expansion"].effects
    areas = list(ds.mission_areas)
    assert not option_levels(ds, ["jpn_ready_reserve_expansion"], areas).any()
