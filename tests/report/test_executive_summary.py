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
    best = max(names, key=lambda n: a["regimes"]["regimes"][n]["simulated"]["weighted_deterrence"])
    refuted = next(n for n in reversed(names) if n != best)
    a["regimes"]["cooperation_dividend"][refuted] = _dividend(99_999.0, False)  # the largest, refuted
    text = _text(a)
    assert "99,999" not in text
    # the best zero-sum regime's saving, which holds: the regime the deterrence comparison names
    best_saving = a["regimes"]["cooperation_dividend"][best]["saved_musd"]
    assert f"would cost {best_saving:,.0f} million USD less" in text, text
    # the best regime's saving refuted too: the largest that holds, named
    a["regimes"]["cooperation_dividend"][best]["equal_deterrence_check"]["equal_within_interval"] = False
    holding = {n: d["saved_musd"] for n, d in a["regimes"]["cooperation_dividend"].items() if n not in (best, refuted)}
    if holding:
        assert f"would cost {max(holding.values()):,.0f} million USD less" in _text(a)
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


def test_the_saving_in_the_summary_is_against_the_regime_it_compares_deterrence_with(edited):
    """A larger saving against a weaker regime would flatter joint planning: the headline is the saving against the
    best zero-sum regime when it holds, and the key number names that regime."""
    a, names = edited
    best = max(names, key=lambda n: a["regimes"]["regimes"][n]["simulated"]["weighted_deterrence"])
    for n in names:
        a["regimes"]["cooperation_dividend"][n] = _dividend(50_000.0 if n != best else 1_234.0, True)
    text = _text(a)
    assert "would cost 1,234 million USD less" in text and "50,000" not in text, text
    table = executive_summary(a, Translator("en")).tables[0].frame
    label = [k for k in table["Key number"] if k.startswith("Money saved by joint planning")]
    assert label and label[0].endswith("(million USD)") and "against" in label[0], label
