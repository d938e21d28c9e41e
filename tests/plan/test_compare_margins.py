"""Growth margins of two regimes, paired replicate by replicate (services/compare_margins.py).

Hand-made margins with bootstrap replicates: the paired interval of the difference is the percentile interval of
the replicate differences (narrow when the two share their noise), a censored margin is never counted as telling
the regimes apart, and the briefing's statement names exactly the scenarios whose paired interval excludes zero.
"""

from __future__ import annotations

import numpy as np
import pytest

from positivesum.services.compare_margins import (
    differing_scenarios,
    paired_differences,
    split_replicates,
    statement,
    weighted_interval,
)


def _margin(years: float, replicates: np.ndarray, censored: str | None = None) -> dict:
    return {"years": years, "censored": censored, "ci95": None, "replicates": list(replicates)}


def test_paired_differences_read_the_replicates_pair_by_pair():
    rng = np.random.default_rng(0)
    shared = rng.normal(0.0, 2.0, 400)  # the parameter draws both portfolios meet
    joint_raw = {
        "a": _margin(8.0, 8.0 + shared),
        "b": _margin(5.0, 5.0 + shared),
        "c": _margin(20.0, np.full(400, 20.0), "above"),
    }
    other_raw = {
        "a": _margin(7.0, 7.0 + shared + rng.normal(0.0, 0.1, 400)),
        "b": _margin(5.0, 5.0 + shared + rng.normal(0.0, 0.5, 400)),
        "c": _margin(12.0, 12.0 + shared),
    }
    joint, other = split_replicates(joint_raw), split_replicates(other_raw)
    assert all("replicates" not in m for m in joint[0].values())
    weights = {"a": 0.5, "b": 0.25, "c": 0.25}
    out = paired_differences(joint, other, weights)
    assert out is not None
    a, b, c = (out["by_scenario"][s] for s in "abc")
    assert a["difference_years"] == pytest.approx(1.0)
    expected = np.percentile(joint[1]["a"] - other[1]["a"], [2.5, 97.5])
    assert a["ci95"] == pytest.approx(list(expected))
    assert not a["includes_zero"] and a["ci95"][1] - a["ci95"][0] < 1.0  # paired: the shared noise cancels
    assert b["includes_zero"]
    assert c["censored"] and not c["includes_zero"]  # a bound of 8 years, never counted as a difference
    assert out["weighted"]["difference_years"] == pytest.approx(0.5 * 1.0 + 0.25 * 0.0 + 0.25 * 8.0)
    differing = differing_scenarios({"other": out})
    assert differing == {"other": ["a"]}
    assert "against other in a" in statement(differing)
    assert statement({"other": []}).startswith("in no scenario")
    low, high = weighted_interval(joint[1], weights)
    assert low < 0.5 * 8 + 0.25 * 5 + 0.25 * 20 < high
