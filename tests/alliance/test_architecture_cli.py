"""fair-shares, intervention-matrix, roles and command-structures through the real entry point, on the
packaged data. As in tests/plan/test_plan_cli.py, the surrogate is a synthetic one read from the
cache and the plan horizon is cut to 3 years (same options, actors and scenarios) so the MILPs are
quick; everything else (coalition scenarios, plans, simulations, allocations) is the real path.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import run_cli, write_synthetic_cache
from positivesum.model.loader import load_dataset
from positivesum.model.scenarios import INTERVENTION_LEVELS

# every test reads the module fixture that runs all the commands, fair-shares --refit-surrogates included
# (about 1 min of CPU time): docs/testing.md
pytestmark = pytest.mark.slow

SETS = ("planning.horizon_years=3", "planning.surrogate_replications=20")
SET_ARGS = tuple(x for v in SETS for x in ("--set", v))
# --refit-surrogates fits one surrogate per coalition in every weighted scenario: with the packaged weights that
# was about 85% of this module's CPU time. Its test checks what a refit changes (the label, efficiency, each
# coalition buying only its members' options), not the numbers, so it runs with two scenarios weighted: the Taiwan
# base case and Japan's own (nansei_seizure), where the coalitions still buy different portfolios.
REFIT_SCENARIOS = ("taiwan_base", "nansei_seizure")


def refit_sets() -> tuple[str, ...]:
    others = [s for s in load_dataset().dataset.scenarios if s not in REFIT_SCENARIOS]
    return (*SETS, *(f"scenarios.{s}.weight.value=0" for s in others))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    cache = write_synthetic_cache(tmp_path_factory.mktemp("arch-cache"), load_dataset(None, None, list(SETS)))
    write_synthetic_cache(cache, load_dataset(None, None, list(refit_sets())))  # its own key: other data
    out = tmp_path_factory.mktemp("arch-out")
    common = ("--reps", "40", "--cache-dir", cache, "--quiet", *SET_ARGS)
    refit_common = ("--reps", "40", "--cache-dir", cache, "--quiet", *(x for v in refit_sets() for x in ("--set", v)))
    commands = {
        "fair": ("fair-shares", "--players", "USA,JPN", *common, "--out", out / "fair.json"),
        "matrix": ("intervention-matrix", *common, "--json"),
        "fair_refit": ("fair-shares", "--players", "USA,JPN", "--refit-surrogates", *refit_common, "--json"),
        "roles": ("roles", "--cache-dir", cache, "--quiet", *SET_ARGS, "--json"),
        "command": (
            "command-structures",
            "--reps",
            "30",
            "--scenario",
            "taiwan_base",
            "--scenario",
            "nansei_seizure",
            "--json",
        ),
        "bad_player": ("fair-shares", "--players", "USA,JPNN", *common),
        "bad_scenario": ("intervention-matrix", "--scenario", "taiwan_bse", *common),
        "bad_baseline": ("roles", "--baseline", "guidelines_2051", "--cache-dir", cache, *SET_ARGS),
        "bad_structure": ("command-structures", "--structure", "nato", "--reps", "10"),
        "bad_share": ("roles", "--primary-share", "2", "--cache-dir", cache, *SET_ARGS),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(run_cli, *v, timeout=900) for k, v in commands.items()}
        results = {k: f.result() for k, f in futures.items()}
    results["fair_json"] = (
        json.loads((out / "fair.json").read_text(encoding="utf-8")) if (out / "fair.json").exists() else None
    )
    return results


def _ok(r):
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr


def test_fair_shares_allocations_are_efficient_and_consistent(runs):
    _ok(runs["fair"])
    r = runs["fair_json"]
    assert r["players"] == ["USA", "JPN"]
    values = {"+".join(c["members"]): c["value"] for c in r["coalitions"]}
    assert values[""] == 0.0  # v(∅) = 0 by construction
    assert r["grand_value"] == pytest.approx(values["JPN+USA"])
    for rule in ("shapley", "nucleolus", "nash", "proportional_to_gdp", "proportional_to_defence_spending"):
        assert sum(r["allocations"][rule]["shares"].values()) == pytest.approx(r["grand_value"], abs=1e-9), rule
    # two players: Shapley splits the surplus equally, x_i = v(i) + (v(N) − v(1) − v(2)) / 2
    for row in r["shares"]:
        assert row["shapley"] == pytest.approx(row["alone"] + r["surplus"] / 2, abs=1e-9)
    for c in r["coalitions"]:
        assert {p["actor"] for p in c["portfolio"]} <= set(c["members"])
        if c["adopted_from"]:
            assert set(c["adopted_from"]) < set(c["members"])  # only a sub-coalition's portfolio can be adopted
    assert r["basing_access"]["host"] == "JPN" and r["basing_access"]["user"] == "USA"
    assert r["seed"] == 20260101 and r["provenance"]["sets"]
    assert "Shapley" in runs["fair"].stdout and "wrote" in runs["fair"].stdout


def test_fair_shares_with_surrogates_refitted_per_coalition(runs):
    _ok(runs["fair_refit"])
    r = json.loads(runs["fair_refit"].stdout)
    assert r["coalition_surrogates"] == "refitted per coalition"
    assert sum(r["allocations"]["shapley"]["shares"].values()) == pytest.approx(r["grand_value"], abs=1e-9)
    for c in r["coalitions"]:
        assert len(c["portfolio"]) == c["options"]
        assert {p["actor"] for p in c["portfolio"]} <= set(c["members"])  # a coalition buys only its members' options
    assert all(c["options"] for c in r["coalitions"] if c["members"]), "every non-empty coalition buys something"


def test_intervention_matrix_covers_every_level(runs):
    _ok(runs["matrix"])
    r = json.loads(runs["matrix"].stdout)
    assert [row["level"] for row in r["levels"]] == list(INTERVENTION_LEVELS)
    for row in r["levels"]:
        assert set(row["role_by_area"].values()) <= {"primary", "supporting", "none"}
        assert 0.0 <= row["outcome_with_plan"]["deterrence"] <= 1.0
        spent = sum(p["acquisition_musd"] for p in row["portfolio"])
        assert spent == pytest.approx(row["acquisition_musd"])
        assert all(p["actor"] == "JPN" for p in row["portfolio"])  # Japan's own options only
    none = r["levels"][0]
    assert none["simulated_scenario"].endswith("__jpn_joins") and "stays out" in none["note"]


def test_roles_diff_against_the_guidelines(runs):
    _ok(runs["roles"])
    r = json.loads(runs["roles"].stdout)
    assert r["baseline"] == "guidelines_2015" and r["actors"] == ["JPN", "USA"]
    for c in r["cells"]:
        assert c["change"] in ("same", "larger", "smaller")
        assert c["baseline"] == r["baseline_roles"].get(c["area"], {}).get(c["actor"], "none")
    for area in r["areas"]:
        shares = [c["share"] for c in r["cells"] if c["area"] == area]
        assert sum(shares) == pytest.approx(1.0) or sum(shares) == 0.0
    assert set(r["gaps"]) == {"baseline", "derived"}


def test_command_structures_compared(runs):
    _ok(runs["command"])
    r = json.loads(runs["command"].stdout)
    assert [s["structure"] for s in r["structures"]] == ["indopacom_direct", "usfj_jfhq_jjoc", "combined_hq"]
    for s in r["structures"]:
        assert set(s["scenarios"]) == {"taiwan_base", "nansei_seizure"}
        assert s["initial_response"]["JPN"]["hours"] > 0
        assert all(p == [] for p in s["role_command_problems"].values())


@pytest.mark.parametrize(
    "name,key",
    [
        ("bad_player", "--players"),
        ("bad_scenario", "--scenario"),
        ("bad_baseline", "--baseline"),
        ("bad_structure", "--structure"),  # the option is --structure (repeatable)
        ("bad_share", "--primary-share"),
    ],
)
def test_bad_input_is_a_clean_error(runs, name, key):
    r = runs[name]
    assert r.returncode == 2, r.stderr
    assert f"<command line>: {key}:" in r.stderr and "Traceback" not in r.stderr
