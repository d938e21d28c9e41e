"""`positivesum plan` and `positivesum compare-regimes` through the real entry point
(`python -m positivesum.cli` in a fresh interpreter), on the packaged data.

Two things make the full run slow and are cut short by default (set POSITIVESUM_TEST_FULL_PLAN=1
for the full run, several minutes):

* fitting the real surrogate (10 scenarios × 12 areas × 3 levels of simulation): a session fixture
  writes a synthetic concave surrogate for the data into a temporary ``--cache-dir`` under the key
  the CLI uses (data hash and seed), so the commands read it from the cache;
* the ten MILPs of compare-regimes over a ten-year plan: every command runs with
  ``--set planning.horizon_years=3`` (same options, actors and scenarios; fewer start years).

Everything else is the real path: inputs from the data, every regime's MILP, verification of each
portfolio by simulation, JSON output. All commands run once, two at a time, in a module fixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from conftest import synthetic_surrogate
from positivesum.model.loader import load_dataset

# the session and module fixtures fit the real surrogate and run every command (50–60 s): docs/testing.md
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
SEED = 20260101
REGIMES = ("joint", "spending-target", "cost-transfer", "negotiated")
REPS = "50"
FULL = bool(os.environ.get("POSITIVESUM_TEST_FULL_PLAN"))
SETS = () if FULL else ("planning.horizon_years=3",)


def cli(*args) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        COLUMNS="200",
        NO_COLOR="1",
        OPENBLAS_NUM_THREADS="1",
    )
    env.pop("POSITIVESUM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "positivesum.cli", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="session")
def dataset():
    """The data exactly as the commands load it (same --set values, so the same data hash)."""
    return load_dataset(None, None, list(SETS) or None)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory, dataset) -> Path:
    """A --cache-dir shared by every command of the session, holding the surrogate for the packaged data."""
    path = tmp_path_factory.mktemp("plan-cache")
    if not FULL:
        key = hashlib.sha256(f"{dataset.data_hash}:{SEED}".encode()).hexdigest()[:16]  # as services.plan.context
        (path / f"surrogate-{key}.json").write_text(
            json.dumps(synthetic_surrogate(dataset.dataset).to_dict()), encoding="utf-8"
        )
    return path


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plan-out")


@pytest.fixture(scope="module")
def runs(cache_dir, out_dir) -> dict[str, subprocess.CompletedProcess]:
    common = ("--reps", REPS, "--seed", SEED, "--cache-dir", cache_dir, *(x for v in SETS for x in ("--set", v)))
    commands = {
        "compare": (
            "compare-regimes",
            *common,
            "--margin-reps",
            "20",
            "--spending-targets",
            "nato-5",
            "--out",
            out_dir / "x.json",
        ),
        "joint": ("plan", "--regime", "joint", *common, "--out", out_dir / "y.json"),
        "json": ("plan", "--regime", "spending-target", *common, "--json", "--quiet"),
        "typo": ("plan", "--regime", "jointt", *common),
        "no_split": ("plan", "--regime", "negotiated", *common),
        "bad_split": ("plan", "--regime", "negotiated", "--split", "USA=0.7,JPN=0.7", *common),
        "bad_split_compare": ("compare-regimes", "--split", "USA=0.7,JPN=0.7", *common),
        "bad_budget": ("plan", "--budget", "JPN=abc", *common),
    }
    if FULL:
        first = {"compare": cli(*commands.pop("compare"))}  # fits and caches the surrogate once
    else:
        first = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(cli, *args) for name, args in commands.items()}
        return {**first, **{name: f.result() for name, f in futures.items()}}


@pytest.fixture(scope="module")
def comparison(runs, out_dir) -> dict:
    assert runs["compare"].returncode == 0, runs["compare"].stderr
    return json.loads((out_dir / "x.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def joint_plan(runs, out_dir) -> dict:
    assert runs["joint"].returncode == 0, runs["joint"].stderr
    return json.loads((out_dir / "y.json").read_text(encoding="utf-8"))


def test_no_traceback_anywhere(runs):
    for name, proc in runs.items():
        for stream in (proc.stdout, proc.stderr):
            assert "Traceback" not in stream and "internal error" not in stream, f"{name}: {stream[-2000:]}"


def test_compare_regimes_json(comparison, dataset):
    ds = dataset.dataset
    scenarios = {s for s, sc in ds.scenarios.items() if sc.weight.value > 0}
    horizon = int(ds.planning.horizon_years.value)
    assert set(comparison["regimes"]) == set(REGIMES)
    for name, res in comparison["regimes"].items():
        for key in ("portfolio", "spending_musd", "personnel_in_service", "simulated", "surrogate", "total_cost_musd"):
            assert key in res, (name, key)
        assert set(res["simulated"]["scenarios"]) == scenarios
        assert all(0 <= v["deterrence"] <= 1 for v in res["simulated"]["scenarios"].values())
        assert 0 <= res["simulated"]["weighted_deterrence"] <= 1
        assert set(res["spending_musd"]) == set(comparison["budgets"]) and all(
            len(v) == horizon for v in res["spending_musd"].values()
        )
        for item in res["portfolio"]:
            assert item["actor"] in ds.options[item["option"]].eligible_actors, (name, item)
        pairs = [(i["actor"], i["option"]) for i in res["portfolio"]]
        assert len(pairs) == len(set(pairs)), name
    assert set(comparison["cooperation_dividend"]) == set(REGIMES) - {"joint"}
    for name, div in comparison["cooperation_dividend"].items():
        assert {"deterrence_gain_at_equal_money", "regime_cost_musd", "saved_musd"} <= set(div), name
        if div["saved_musd"] is None:
            assert div["note"]
    assert comparison["replications"] == int(REPS) and comparison["seed"] == SEED


def test_compare_regimes_json_carries_measures_intervals_money_and_surrogate_error(comparison):
    """Issue 16: for each regime, deterrence measures with intervals, money with lifecycle cost, the dividend
    against joint with a 95 % interval (and at a second seed), the surrogate's error; pinned scenarios stated."""
    for name, res in comparison["regimes"].items():
        m = res["measures"]
        assert m["maximised_by_planner"] == "deterrence"
        for key in ("deterrence", "grade_score", "p_adversary_victory", "adversary_losses_musd"):
            lo, hi = m[key]["ci95"]
            assert lo <= m[key]["mean"] <= hi, (name, key)
        assert "growth_margin_years" in m and m["growth_margin_years"]["threshold_p_victory"] == 0.5
        assert res["money"]["lifecycle_cost_musd"] >= 0
        assert {"validation_rmse", "this_plan_surrogate_minus_simulated"} <= set(res["surrogate_error"])
        if name != "joint":
            d = res["dividend_of_joint"]
            lo, hi = d["deterrence_gain_at_equal_money_ci95"]
            assert lo <= d["deterrence_gain_at_equal_money"] + 1e-9 and d["deterrence_gain_at_equal_money"] <= hi + 1e-9
            assert d["deterrence_gain_includes_zero"] == (lo <= 0 <= hi)
            assert ("includes zero" in d["statement"]) == d["deterrence_gain_includes_zero"]
    for div in comparison["cooperation_dividend"].values():
        assert div["deterrence_gain_check_seed"]["seed"] == comparison["check_seed"] != comparison["seed"]
    assert isinstance(comparison["pinned_statement"], str) and comparison["pinned_statement"]
    target = comparison["spending_targets"]["nato-5"]
    assert target["share_of_gdp"] == 0.05 and "USA" not in target["applied_to"]
    assert target["joint"]["surrogate_deterrence"] >= target["spending-target"]["surrogate_deterrence"] - 1e-6


def test_compare_regimes_spends_only_the_money_each_regime_has(comparison):
    """Spending (rounded to 0.1 in the JSON) within each regime's money, year by year."""
    money = {a: np.array(b["for_options_musd"]) for a, b in comparison["budgets"].items()}
    total = sum(money.values())
    slack = 0.1 * len(money) + 1e-6
    regimes = comparison["regimes"]
    spend = {name: {a: np.array(v) for a, v in res["spending_musd"].items()} for name, res in regimes.items()}
    assert (sum(spend["joint"].values()) <= total + slack).all()
    for a, own in money.items():
        assert (spend["spending-target"][a] <= own + slack).all(), a
    receivers = {i["actor"] for i in regimes["cost-transfer"]["portfolio"]}
    assert len(receivers) <= 1
    share = comparison["split_for_negotiated"]
    assert sum(share.values()) == pytest.approx(1.0)
    for a in money:
        assert (spend["negotiated"][a] <= share.get(a, 0.0) * total + slack).all(), a


def test_joint_simulated_deterrence_at_least_every_other_regime(comparison):
    regimes = comparison["regimes"]
    joint = regimes["joint"]["simulated"]["weighted_deterrence"]
    for name in REGIMES[1:]:
        assert joint >= regimes[name]["simulated"]["weighted_deterrence"] - 1e-12, name
        assert comparison["cooperation_dividend"][name]["deterrence_gain_at_equal_money"] == pytest.approx(
            joint - regimes[name]["simulated"]["weighted_deterrence"]
        )
    if "adopted_from" in regimes["joint"]:
        assert regimes["joint"]["adopted_from"] in REGIMES[1:] and "milp_plan_simulated" in regimes["joint"]


def test_compare_regimes_prints_the_tables(runs, comparison):
    out = runs["compare"].stdout
    assert "Regimes at equal money" in out and "Cooperation dividend" in out
    for name in REGIMES:
        assert name in out
    assert "replications per scenario (nominal" in out  # the allocation is said, not only stored
    for res in comparison["regimes"].values():  # each regime's simulated deterrence with its interval
        low, high = res["measures"]["deterrence"]["ci95"]
        assert f"{low:.3f}" in out and f"{high:.3f}" in out


def test_plan_joint(joint_plan, comparison, runs):
    assert joint_plan["regime"] == "joint"
    for key in (
        "portfolio",
        "spending_musd",
        "personnel_in_service",
        "simulated",
        "surrogate",
        "budgets",
        "provenance",
    ):
        assert key in joint_plan
    assert joint_plan["total_cost_musd"] == pytest.approx(
        sum(sum(v) for v in joint_plan["spending_musd"].values()), abs=1.0
    )
    assert "weighted deterrence: surrogate" in runs["joint"].stdout
    # the simulated weighted deterrence with its 95% interval, printed and in the JSON
    low, high = joint_plan["simulated"]["weighted_deterrence_ci95"]
    assert low < joint_plan["simulated"]["weighted_deterrence"] < high
    assert f"[{low:.3f}, {high:.3f}]" in runs["joint"].stdout
    # plan allocates the replications as compare-regimes does (the same scenarios, counts and seeds)
    assert joint_plan["replications_by_scenario"] == comparison["replications_by_scenario"]
    by = comparison["replications_by_scenario"]["by_scenario"]
    assert set(by) == set(comparison["regimes"]["joint"]["simulated"]["scenarios"])
    # same data, seed and cache: the same MILP plan as compare-regimes' joint regime (before any adoption)
    joint = comparison["regimes"]["joint"]
    milp_sim = joint.get("milp_plan_simulated", joint["simulated"])
    assert joint_plan["simulated"]["weighted_deterrence"] == pytest.approx(milp_sim["weighted_deterrence"])
    if "adopted_from" not in joint:

        def key(p):
            return sorted((i["actor"], i["option"], i["start_plan_year"]) for i in p)

        assert key(joint_plan["portfolio"]) == key(joint["portfolio"])


def _exit2(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-1000:], proc.stderr[-2000:])
    assert proc.stderr.lstrip().startswith("error:"), proc.stderr
    return proc.stderr


def test_regime_typo_did_you_mean(runs):
    text = _exit2(runs["typo"])
    assert "unknown regime 'jointt'" in text and "did you mean 'joint'?" in text


def test_negotiated_needs_a_split(runs):
    text = _exit2(runs["no_split"])
    assert "--split" in text and "negotiated regime needs a split" in text


@pytest.mark.parametrize("name", ["bad_split", "bad_split_compare"])
def test_split_must_sum_to_one(runs, name):
    text = _exit2(runs[name])
    assert "shares sum to 1.4" in text and "sum to 1" in text


def test_budget_format(runs):
    text = _exit2(runs["bad_budget"])
    assert "cannot read 'JPN=abc'" in text and "ACTOR=SHARE@YEAR" in text and "JPN=0.035@2035" in text


def test_plan_json_for_scripts(runs):
    """--json prints the plan as JSON on stdout and nothing else (progress bars are off with --quiet)."""
    r = runs["json"]
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert plan["regime"] == "spending-target" and "portfolio" in plan and "simulated" in plan
