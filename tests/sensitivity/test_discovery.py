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
    from positivesum.services.sensitivity_briefing import BRIEFING_FAILURE, briefing_study
    from positivesum.sim.results import json_safe

    study = json_safe(briefing_study(packaged))
    assert study["runs"] == study["trajectories"] * (study["groups"] + 1)
    assert study["cpu_seconds"] < 10  # the main job's budget for this section (measured, not enforced by design)
    assert any(r["factor"] == "engine.casualty_exchange_exponent" for r in study["tornado"])
    disc = study["discovery"]
    assert disc["condition"] == BRIEFING_FAILURE == "adversary_defeat<0.5"
    assert disc["n_points"] == study["discovery_points"]
    # the condition is informative on the default data: it holds at some points, not at all of them …
    assert 0 < disc["n_cases"] < disc["n_points"], disc
    # … and PRIM finds at least one box in it, bounded on factors of the design
    assert disc["boxes"], disc["note"]
    factors = set(study["discovery_factors"])
    for box in disc["boxes"]:
        assert 0 < box["coverage"] <= 1 and 0 < box["density"] <= 1 and 0 < box["mass"] <= 1
        assert box["density"] >= disc["n_cases"] / disc["n_points"]  # denser than the design as a whole
        assert box["limits"] and set(box["limits"]) <= factors
        assert len(box["rules"]) == len(box["limits"])
        for rule, name in zip(box["rules"], box["limits"]):
            assert name in rule
    report = build_report({"sensitivity": study, "scenarios": {}, "labels": {}}, "en", sections=(section.sensitivity,))
    built = report.sections[0]
    assert built.id == "sensitivity" and built.charts[0].id == "chart_sensitivity_tornado"
    assert str(study["runs"]) in built.paragraphs[0]
    # the section states the condition in words, and how often it holds
    words = "the defenders do not deny the adversary: the invasion is defeated in fewer than half of the runs"
    stated = [p for p in built.paragraphs if words in p]
    assert stated and "P(adversary defeat) below 0.5" in stated[0]
    assert f"It holds at {disc['n_cases']} of the {disc['n_points']} points" in stated[0]
    assert [t.id for t in built.tables] == ["sensitivity_morris", "sensitivity_boxes"]
    assert built.tables[1].caption.endswith("boxes for P(adversary defeat) below 0.5")
    assert len(built.tables[1].frame) == len(disc["boxes"])
    assert [c.id for c in built.charts] == ["chart_sensitivity_tornado", "chart_sensitivity_boxes"]
    for chart in built.charts:
        chart.chart.to_json()
    ja = build_report({"sensitivity": study, "scenarios": {}, "labels": {}}, "ja", sections=(section.sensitivity,))
    assert words not in " ".join(ja.sections[0].paragraphs)  # translated, not English


def test_conditions_in_words_and_the_no_box_case():
    from positivesum.report.build import build_report
    from positivesum.report.sections.sensitivity import condition_words, sensitivity

    def tr(s):
        return s

    assert condition_words("adversary_defeat<0.5", tr) == (
        "the defenders do not deny the adversary: the invasion is defeated in fewer than half of the runs "
        "(P(adversary defeat) below 0.5)"
    )
    assert condition_words("share_held>=0.3", tr) == "the mean share of the objective the adversary holds at least 0.3"
    assert condition_words("adversary_defeat<0.5", tr, meaning=False) == "P(adversary defeat) below 0.5"
    assert condition_words("not a condition", tr) == "not a condition"
    study = {
        "scenario": "x",
        "tornado": [{"factor": "a", "members": 1, "mu_star": 1.0, "mu_star_conf": 0.1, "mu": 1.0, "sigma": None}],
        "trajectories": 4,
        "groups": 1,
        "factors": 1,
        "runs": 8,
        "replications_per_point": 32,
        "seed": 1,
        "discovery": {
            "condition": "adversary_defeat<0.5",
            "n_points": 64,
            "n_cases": 0,
            "boxes": [],
            "note": "the condition holds at no design point",
        },
    }
    last = {}
    for lang in ("en", "ja"):
        built = build_report({"sensitivity": study, "scenarios": {}, "labels": {}}, lang, sections=(sensitivity,))
        section = built.sections[0]
        assert [t.id for t in section.tables] == ["sensitivity_morris"] and len(section.charts) == 1
        last[lang] = section.paragraphs[-1]
    assert last["en"] == "Scenario discovery found no box: the condition holds at no design point."
    assert last["ja"] != last["en"] and "holds at no design point" not in last["ja"]
