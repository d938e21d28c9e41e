"""The planning MILP's LP text, family by family, equals the golden files in tests/plan/golden/.

A failure means a ``define_*`` function of plan/milp.py (or the LP writer, ``SparseModel.lp_text``) now writes other rows for
the tiny problem of golden_lp.py. If the change is intended, regenerate the files and review their diff:
``.venv/bin/python tests/regenerate.py golden-lp`` then ``git diff tests/plan/golden`` (docs/testing.md).
"""

from __future__ import annotations

import difflib
from functools import cache

import pytest
from golden_lp import FAMILIES, GOLDEN_DIR, REGENERATE, family_texts, golden_path, normalise_line


@cache
def fresh() -> dict[str, str]:
    return family_texts()


@pytest.mark.parametrize("family", FAMILIES)
def test_lp_text_of_each_family_equals_its_golden_file(family):
    path = golden_path(family)
    assert path.exists(), f"no golden LP file for family '{family}' ({path}); create it with: {REGENERATE}"
    expected = path.read_text(encoding="utf-8")
    actual = fresh()[family]
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    fromfile=f"golden/{family}.lp",
                    tofile="built now",
                    n=1,
                )
            )[:60]
        )
        where = path.relative_to(GOLDEN_DIR.parents[2])
        pytest.fail(
            f"MILP constraint family '{family}' changed: its LP text differs from {where}."
            f"\nIf the change is intended, regenerate the golden files with\n    {REGENERATE}\n"
            f"and review `git diff tests/plan/golden`.\n{diff}",
            pytrace=False,
        )


def test_no_golden_file_without_a_family():
    stale = sorted(p.name for p in GOLDEN_DIR.glob("*.lp") if p.stem not in FAMILIES)
    assert not stale, f"golden files of families that no longer exist: {stale}; run {REGENERATE}"


def test_every_family_has_rows_in_the_tiny_problem():
    """The tiny problem exercises every family: a family without rows would compare nothing."""
    texts = fresh()
    for family in FAMILIES:
        body = [ln for ln in texts[family].splitlines() if not ln.startswith("\\")]
        assert len(body) > 2, f"family '{family}' writes no rows for the tiny problem of golden_lp.py"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("-0.09999999999999998 x(s1,air)#106", "-0.1 x(s1,air)"),
        ("<= 0.04999999999999999", "<= 0.05"),
        ("= -0.0", "= 0"),
        ("-6.600000000000001e-8 y(USA,radar,2)#1", "-6.6e-08 y(USA,radar,2)"),
        ("budget(USA,1)#20:", "budget(USA,1):"),
        (" 0 <= z(USA,air)#102 <= +inf", "0 <= z(USA,air) <= +inf"),
        ("+1.0 y(JPN,radar,1)#50", "+1 y(JPN,radar,1)"),
    ],
)
def test_normalisation_removes_only_float_noise_and_labels(raw, expected):
    assert normalise_line(raw) == expected
