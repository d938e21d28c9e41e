"""Markings: parsing, canonical text, the most restrictive combination."""

from __future__ import annotations

import pytest

from positivesum.workspace import markings as mk

ORGS = ["JPN", "THINK", "USA"]


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("PUBLIC", "PUBLIC"),
        ("public", "PUBLIC"),
        ("JPN ONLY", "JPN ONLY"),
        ("REL TO USA, JPN", "REL TO JPN, USA"),
        ("rel to usa/jpn", "REL TO JPN, USA"),
        ("REL TO JPN", "JPN ONLY"),
    ],
)
def test_parse(text, canonical):
    assert mk.parse(text, ORGS).text == canonical
    assert mk.from_text(canonical).text == canonical


@pytest.mark.parametrize("text", ["", "SECRET", "REL TO", "REL TO CHN", "JPN USA ONLY", None, 5, "x" * 700])
def test_parse_refuses_with_a_fix(text):
    with pytest.raises(mk.MarkingError) as e:
        mk.parse(text, ORGS)
    assert "—" in e.value.render()


def test_combination_is_the_most_restrictive():
    rel = mk.rel_to("USA", "JPN")
    assert mk.combine([mk.public(), rel]).text == "REL TO JPN, USA"
    assert mk.combine([rel, mk.rel_to("JPN", "THINK")]).text == "JPN ONLY"
    assert mk.combine([]).text == "PUBLIC"
    with pytest.raises(mk.MarkingError):
        mk.combine([mk.only("USA"), mk.only("JPN")])
    assert mk.only("JPN").at_least_as_restrictive_as(rel)
    assert not mk.public().at_least_as_restrictive_as(rel)
    assert rel.releases_to("JPN") and not rel.releases_to("THINK") and mk.public().releases_to("THINK")
