"""Scenario discovery (PRIM): a synthetic case with a known box, and the briefing's study on the default data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from positivesum.model.errors import InputError
from positivesum.services.discovery import discover, parse_condition


def test_prim_finds_a_known_box_with_its_coverage_and_density():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.random((400, 4)), columns=["warning", "delay", "noise1", "noise2"])
    failed = ((x["warning"] < 0.3) & (x["delay"] > 0.6)).to_numpy()
    found = discover(x, failed, "known box")
    box = found.boxes[0]
    assert set(box.limits) == {"warning", "delay"}
    assert box.limits["warning"][1] == pytest.approx(0.3, abs=0.03)
    assert box.limits["delay"][0] == pytest.approx(0.6, abs=0.05)
    assert box.coverage > 0.9 and box.density > 0.95
    assert box.rules() == [f"warning < {box.limits['warning'][1]:.3g}", f"delay > {box.limits['delay'][0]:.3g}"]
    table = found.table()
    assert list(table.columns) == ["box", "rules", "coverage", "density", "mass"] and len(table) >= 1
    assert "<table" in found._repr_html_()


def test_no_failure_means_no_box_and_a_reason():
    x = pd.DataFrame({"a": np.linspace(0, 1, 20)})
    assert discover(x, np.zeros(20, bool)).note == "the condition holds at no design point"
    assert discover(x, np.ones(20, bool)).note == "the condition holds at every design point"


@pytest.mark.parametrize("text", ["victory>0.2", "adversary_victory=0.2", "adversary_victory>nan", ""])
def test_bad_conditions_are_input_errors(text):
    with pytest.raises(InputError):
        parse_condition(text, ["adversary_victory", "expected_grade"])


def test_briefing_study_on_the_default_data_and_its_section(packaged):
    from positivesum.report.build import build_report
    from positivesum.report.sections import sensitivity as section
    from positivesum.services.sensitivity import briefing_study
    from positivesum.sim.results import json_safe

    study = json_safe(briefing_study(packaged))
    assert study["runs"] == study["trajectories"] * (study["groups"] + 1)
    assert study["cpu_seconds"] < 10  # the main job's budget for this section (measured, not enforced by design)
    assert any(r["factor"] == "engine.casualty_exchange_exponent" for r in study["tornado"])
    disc = study["discovery"]
    assert disc["n_points"] == study["discovery_points"]
    for box in disc["boxes"]:
        assert 0 < box["coverage"] <= 1 and 0 < box["density"] <= 1 and box["rules"]
    report = build_report({"sensitivity": study, "scenarios": {}, "labels": {}}, "en", sections=(section.sensitivity,))
    built = report.sections[0]
    assert built.id == "sensitivity" and built.charts[0].id == "chart_sensitivity_tornado"
    assert str(study["runs"]) in built.paragraphs[0]
    for chart in built.charts:
        chart.chart.to_json()
