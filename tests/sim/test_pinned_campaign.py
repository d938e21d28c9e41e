"""Pinned campaign numbers (as SALib pins regression values): small fixed runs give the stored values.

Tolerance: relative 1e-9. Probabilities are counts over 300 replications and the percentiles are read off
sorted values, so both are exact; the means are floating sums of 300 values whose last bits depend on the
order NumPy adds them in (pairwise summation blocks, SIMD width), which may differ between NumPy versions and
CPUs by about 1e-15 relative. Any real change is far larger: one replication decided otherwise moves a
probability by 1/300. A failure means the engine, the sampling of random streams or the packaged data
changed; if that was intended, run ``.venv/bin/python tests/regenerate.py pinned-campaign`` and review
``git diff tests/sim/pinned`` (docs/testing.md).
"""

from __future__ import annotations

import math

import pytest
from pinned_campaign import CASES, PINNED_DIR, REGENERATE, REPS, SEED, pinned_path, read_pinned, run

RTOL = 1e-9


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12)


@pytest.mark.parametrize("scenario", list(CASES))
def test_campaign_numbers_equal_the_pinned_values(scenario):
    path = pinned_path(scenario)
    assert path.exists(), f"no pinned values for {scenario} ({path}); create them with: {REGENERATE}"
    pinned = read_pinned(scenario)
    assert (pinned["replications"], pinned["seed"]) == (REPS, SEED), f"{path} was made with other settings"
    assert list(pinned["values"]) == CASES[scenario], f"the pinned paths of {scenario} changed: {REGENERATE}"
    values, data_sha256 = run(scenario)
    changed = [
        f"  {key}: pinned {pinned['values'][key]!r}, now {values[key]!r}"
        for key in CASES[scenario]
        if not _same(values[key], pinned["values"][key])
    ]
    if changed:
        why = (
            "the packaged data changed since the values were pinned (data_sha256 differs)"
            if data_sha256 != pinned["data_sha256"]
            else "the data is the same, so the engine (or the random streams) changed"
        )
        pytest.fail(
            f"{scenario} ({REPS} replications, seed {SEED}): {len(changed)} pinned value(s) differ; {why}:\n"
            + "\n".join(changed)
            + f"\nIf the change is intended, regenerate with\n    {REGENERATE}\n"
            + "and review `git diff tests/sim/pinned`.",
            pytrace=False,
        )


def test_no_pinned_file_without_a_case():
    stale = sorted(p.name for p in PINNED_DIR.glob("*.json") if p.stem not in CASES)
    assert not stale, f"pinned files of scenarios no longer pinned: {stale}; run {REGENERATE}"


def test_pinned_cases_are_not_all_degenerate():
    """At least one pinned probability lies strictly between 0 and 1, so a shift in the odds shows."""
    probabilities = [
        v for s in CASES for k, v in read_pinned(s)["values"].items() if k.startswith("outcomes/") and 0 < v < 1
    ]
    assert probabilities
