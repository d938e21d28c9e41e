"""The executive summary states only what re-simulation supports (report/sections/overview.py): the dividend's
gain comes with its paired interval, and a money saving that the re-simulated cheaper plan refutes is never the
headline. Built on the session's analysis, with the dividend entries set by hand."""

from __future__ import annotations

import copy

import pytest

from positivesum.report.document import Translator
from positivesum.report.sections.overview import executive_summary


def _dividend(saved: float, holds: bool, ci=(0.001, 0.025), includes_zero=False) -> dict:
    return {
        "deterrence_gain_at_equal_money": 0.013,
        "deterrence_gain_at_equal_money_ci95": list(ci),
        "deterrence_gain_includes_zero": includes_zero,
        "saved_musd": saved,
        "equal_deterrence_check": {"equal_within_interval": holds},
    }


@pytest.fixture
def edited(analysis):
    a = copy.deepcopy(analysis)
    if not (a.get("regimes") or {}).get("cooperation_dividend"):
        pytest.skip("the session's analysis has no regime comparison")
    names = [n for n in a["regimes"]["regimes"] if n != "joint"]
    a["regimes"]["cooperation_dividend"] = {n: _dividend(1000.0 * (i + 1), True) for i, n in enumerate(names)}
    return a, names


def _text(a) -> str:
    return "\n".join(executive_summary(a, Translator("en")).paragraphs)


def test_a_saving_that_re_simulation_refutes_is_not_the_headline(edited):
    a, names = edited
    assert len(names) >= 2, names
    a["regimes"]["cooperation_dividend"][names[-1]] = _dividend(99_999.0, False)  # the largest, refuted
    text = _text(a)
    assert "99,999" not in text
    assert f"would cost {1000 * (len(names) - 1):,} million USD less" in text, text  # the largest that holds
    for name in names:
        a["regimes"]["cooperation_dividend"][name]["equal_deterrence_check"]["equal_within_interval"] = False
    assert "million USD less" not in _text(a)


def test_the_gain_comes_with_its_interval_and_says_when_it_includes_zero(edited):
    a, names = edited
    joint = a["regimes"]["regimes"]["joint"]["simulated"]["weighted_deterrence"]
    best = max(names, key=lambda n: a["regimes"]["regimes"][n]["simulated"]["weighted_deterrence"])
    a["regimes"]["cooperation_dividend"][best] = _dividend(0.0, True, ci=(-0.01, 0.02), includes_zero=True)
    text = _text(a)
    assert "95% interval is -0.010 to 0.020: it includes zero" in text, text
    a["regimes"]["cooperation_dividend"][best] = _dividend(0.0, True, ci=(0.004, 0.02))
    text = _text(a)
    assert "95% interval is 0.004 to 0.020." in text and "includes zero" not in text
    assert f"{joint:.3f}" in text


def test_the_key_numbers_from_simulation_carry_their_intervals(edited):
    a, _names = edited
    table = executive_summary(a, Translator("en")).tables[0].frame
    values = dict(zip(table["Key number"], table["Value"]))
    joint = a["regimes"]["regimes"]["joint"]["measures"]["deterrence"]
    shown = values["Weighted deterrence, joint planning (simulated)"]
    assert shown == f"{joint['mean']:.3f} ({joint['ci95'][0]:.3f}–{joint['ci95'][1]:.3f})"
    days = [v for k, v in values.items() if k.startswith("Day decided (mean)")]
    assert days and all("(" in v and "–" in v for v in days)
    runout = [v for k, v in values.items() if k.startswith("Highest P(munition stock runs out)")]
    assert all(v.count("%") == 3 for v in runout)  # the share and its Wilson interval
