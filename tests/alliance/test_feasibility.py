"""Coalitions that could exist (alliance/feasibility.py, alliance/coalitions.py coalition_tree).

A member that cannot fight a scenario in a coalition (``planning.coalition_conditions``: Japan in a Taiwan
contingency needs a US intervention) is treated there as a non-member, so the coalition gets the value of not
fighting it: exactly v_s = D_s(S) − D_s(∅) = 0 with common random numbers.
"""

from __future__ import annotations

import pytest

from positivesum.alliance.coalitions import coalition_tree
from positivesum.alliance.feasibility import conditions_of, feasibility_table, not_fighting
from positivesum.model.loader import load_dataset, validate_tree
from positivesum.plan.verify import score_dataset

PLAYERS = ["USA", "JPN", "KOR"]
RULES = [
    {"actor": "JPN", "scenarios": ["taiwan_base"], "requires": ["USA"], "decision": "collective self-defence"},
    {"actor": "KOR", "scenarios": ["taiwan_base"], "requires": ["JPN"], "decision": "made up, for chaining"},
]


def test_a_member_without_its_required_partner_does_not_fight():
    assert not_fighting(RULES, "taiwan_base", ["JPN"]) == {
        "JPN": "needs USA in the coalition (collective self-defence)"
    }
    assert not_fighting(RULES, "taiwan_base", ["USA", "JPN"]) == {}
    assert not_fighting(RULES, "nansei_seizure", ["JPN"]) == {}


def test_conditions_chain():
    assert set(not_fighting(RULES, "taiwan_base", ["JPN", "KOR"])) == {"JPN", "KOR"}
    assert feasibility_table(RULES, ["taiwan_base", "korea_contingency"], ["USA", "KOR"]) == {
        "taiwan_base": {"KOR": "needs JPN in the coalition (made up, for chaining)"}
    }


@pytest.fixture(scope="module")
def loaded():
    return load_dataset()


def test_the_default_data_states_japans_condition_with_a_source(loaded):
    rules = conditions_of(loaded.raw)
    japan = [r for r in rules if r["actor"] == "JPN"]
    assert japan and "USA" in japan[0]["requires"] and "taiwan_base" in japan[0]["scenarios"]
    assert all(r.get("source") or r.get("estimate") for r in rules)


def _score(loaded, tree, sid):
    ds = validate_tree(tree, loaded.lines, files=list(loaded.files)).dataset
    scored = score_dataset(
        ds, [sid], {sid: 1.0}, threat_factor=1.0, reps=32, seed=11, stalemate_weight=0.5, absent_deterrence=0.0
    )
    return scored["scenarios"][sid]["deterrence"]


def test_japan_alone_gets_the_value_of_not_fighting_taiwans_war(loaded):
    """Japan alone cannot fight taiwan_base (no US intervention): its world there is the empty coalition's, so
    its value in the scenario is exactly 0; without the condition Japan would fight (and its tree differs)."""
    sid = "taiwan_base"
    alone = coalition_tree(loaded.raw, PLAYERS, frozenset({"JPN"}))
    nobody = coalition_tree(loaded.raw, PLAYERS, frozenset())
    assert "JPN" not in alone["scenarios"][sid]["participants"]
    assert alone["scenarios"][sid]["basing_access"]["JPN"] == "denied"
    assert alone["scenarios"][sid] == nobody["scenarios"][sid]
    assert _score(loaded, alone, sid) - _score(loaded, nobody, sid) == 0.0
    unconditioned = coalition_tree(loaded.raw, PLAYERS, frozenset({"JPN"}), apply_conditions=False)
    assert "JPN" in unconditioned["scenarios"][sid]["participants"]
    # Japan still fights for its own islands: the condition is about Taiwan's war only
    assert "JPN" in alone["scenarios"]["nansei_seizure"]["participants"]
