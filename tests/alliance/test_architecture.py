"""Alliance architecture engines on exact, hand-checkable cases: coalition scenarios, roles, command paths."""

from __future__ import annotations

import copy

import pytest

from positivesum.alliance.coalitions import coalition_tree
from positivesum.alliance.roles import capital_by_actor_area, derive_roles, diff_roles, duplicates, gaps
from positivesum.alliance.structures import domain_latencies_hours, initial_response_hours, role_command_problems
from positivesum.model.dataset import CommandStructure
from positivesum.model.loader import load_dataset, validate_tree
from positivesum.services.alliance import level_scenarios


@pytest.fixture(scope="module")
def ld():
    return load_dataset()


def test_coalition_tree_removes_non_members_and_their_bases(ld):
    tree = coalition_tree(ld.raw, ["USA", "JPN"], frozenset({"USA"}))
    base = tree["scenarios"]["taiwan_base"]
    assert "JPN" not in base["participants"] and "USA" in base["participants"] and "TWN" in base["participants"]
    assert base["basing_access"]["JPN"] == "denied"
    assert all(r["actor"] != "JPN" for sc in tree["scenarios"].values() for r in sc.get("reinforcements", []))
    assert all(b.get("access_exceptions", {}) == {} for b in tree["bases"].values() if b["host"] == "JPN")
    assert ld.raw["scenarios"]["taiwan_base"]["participants"].get("JPN") is not None  # the original is untouched
    validate_tree(tree, ld.lines, files=list(ld.files))  # still a valid dataset


def test_coalition_without_the_intervening_actor_has_no_intervention(ld):
    tree = coalition_tree(ld.raw, ["USA", "JPN"], frozenset({"JPN"}))
    assert all(sc["us_intervention"] == "none" for sc in tree["scenarios"].values())
    assert tree["scenarios"]["nansei_seizure"]["basing_access"].get("JPN") != "denied"


def test_undefended_scenarios_are_left_out(ld):
    tree = coalition_tree(ld.raw, ["USA", "JPN", "TWN", "KOR"], frozenset())
    # Taiwan's scenarios keep nobody on the allied side once TWN is a player outside the coalition
    assert "taiwan_base" not in tree["scenarios"]
    ds = validate_tree(tree, ld.lines, files=list(ld.files)).dataset
    assert all(any(p.side == "blue" for p in sc.participants.values()) for sc in ds.scenarios.values())


def test_keep_access_leaves_the_host_bases_open(ld):
    tree = coalition_tree(ld.raw, ["USA", "JPN"], frozenset({"USA"}), keep_access_of=frozenset({"JPN"}))
    assert (
        tree["scenarios"]["taiwan_base"]["basing_access"]["JPN"]
        == ld.raw["scenarios"]["taiwan_base"]["basing_access"]["JPN"]
    )


def test_derive_roles_exact_shares():
    capital = {
        "USA": {"a": 80.0, "b": 10.0, "c": 0.0, "d": 50.0},
        "JPN": {"a": 20.0, "b": 90.0, "c": 0.0, "d": 50.0},
        "AUS": {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0},
    }
    roles, shares = derive_roles(capital, ["a", "b", "c", "d"], primary_share=0.4, supporting_share=0.05)
    assert roles["a"] == {"USA": "primary", "JPN": "supporting", "AUS": "none"}
    assert roles["b"] == {"USA": "supporting", "JPN": "primary", "AUS": "none"}
    assert roles["c"] == {"USA": "none", "JPN": "none", "AUS": "none"}  # nobody has capital: a gap
    assert roles["d"] == {"USA": "primary", "JPN": "primary", "AUS": "none"}
    assert shares["a"]["USA"] == pytest.approx(0.8)
    assert gaps(roles, ["a", "b", "c"]) == ["c"]
    dup = duplicates(roles, {"d": 0.0})
    assert dup == [{"area": "d", "actors": ["JPN", "USA"], "marginal_deterrence_per_level": 0.0, "needed": False}]
    assert duplicates(roles, {"d": 0.02})[0]["needed"] is True
    cells = {
        (c.area, c.actor): c
        for c in diff_roles({"a": {"JPN": "primary", "USA": "supporting"}}, roles, shares, ["USA", "JPN"], ["a"])
    }
    assert cells[("a", "JPN")].change == "smaller" and cells[("a", "USA")].change == "larger"


def test_capital_in_a_scenario_counts_only_committed_domains(ld):
    ds = ld.dataset
    areas = list(ds.mission_areas)
    none_level = capital_by_actor_area(ds, ["USA", "JPN"], areas, "taiwan_supplies_only")
    assert all(v == 0.0 for v in none_level["USA"].values())  # supplies only: no US combat capital
    air_sea = capital_by_actor_area(ds, ["USA", "JPN"], areas, "taiwan_base")
    assert air_sea["USA"]["strike"] > 0
    overall = capital_by_actor_area(ds, ["USA"], areas)
    assert overall["USA"]["strike"] >= air_sea["USA"]["strike"]


def test_level_scenarios_of_the_taiwan_family(ld):
    assert level_scenarios(ld.dataset, "taiwan_base") == {
        "none": "taiwan_no_us",
        "supplies_only": "taiwan_supplies_only",
        "air_sea": "taiwan_base",
        "air_sea_ground": "taiwan_air_sea_ground",
        "escalation": "taiwan_escalation",
    }
    assert level_scenarios(ld.dataset, "nansei_seizure")["none"] is None


def test_latency_adds_node_time_along_the_quickest_path(ld):
    st = ld.dataset.command_structures["indopacom_direct"]
    before = domain_latencies_hours(st)["USA"]["air"]
    raw = copy.deepcopy(st.model_dump(mode="json"))
    raw["nodes"]["indopacom"]["decision_latency_hours"]["value"] += 10
    slower = CommandStructure.model_validate(raw)
    assert domain_latencies_hours(slower)["USA"]["air"] == pytest.approx(before + 10)
    hours, limiting = initial_response_hours(ld.dataset, slower, "USA")
    assert hours >= before + 10 and limiting is not None


def test_primary_role_without_a_command_path_is_flagged(ld):
    ds = ld.dataset
    st = ds.command_structures["indopacom_direct"]
    assert role_command_problems(ds, st, ds.roles["guidelines_2015"].roles) == []
    raw = copy.deepcopy(st.model_dump(mode="json"))
    for node in raw["nodes"].values():
        if node["actor"] == "JPN":
            node["commands_domains"] = [d for d in node.get("commands_domains", []) if d != "missile"]
    broken = CommandStructure.model_validate(raw)
    problems = role_command_problems(ds, broken, ds.roles["guidelines_2015"].roles)
    assert problems and all(p["actor"] == "JPN" and p["domain"] == "missile" for p in problems)
    assert "no JPN component that commands 'missile'" in problems[0]["problem"]
