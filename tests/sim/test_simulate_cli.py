"""`positivesum simulate` through the real entry point (`python -m positivesum.cli` in a fresh interpreter).

Every command the tests need is started once, two at a time (the machine has two
cores), by a module fixture; each test then checks one command's exit code,
messages and files. Output files go to a temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

# the module fixture simulates every packaged scenario through the CLI (20–90 s): docs/testing.md
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
OUTCOMES = ("adversary_success", "denied", "stalemate")


def cli(*args, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        COLUMNS="250",
        NO_COLOR="1",
        OPENBLAS_NUM_THREADS="1",
    )
    env.pop("POSITIVESUM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "positivesum.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def _scenario_ids() -> list[str]:
    proc = cli("list", "scenarios", "--json")
    assert proc.returncode == 0, proc.stderr
    return [row["id"] for row in json.loads(proc.stdout)]


SCENARIOS = _scenario_ids()


def sweep_file(scenario: str) -> str:
    """The sweep's output file for a scenario: .json, .csv and .parquet in turn (a subfolder for parquet)."""
    kind = ("json", "csv", "parquet")[SCENARIOS.index(scenario) % 3]
    return f"{scenario}.{kind}" if kind != "parquet" else f"sub/{scenario}.parquet"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("simulate")


@pytest.fixture(scope="module")
def runs(out_dir) -> dict[str, subprocess.CompletedProcess]:
    """Every command of this module, run concurrently (two at a time); keyed by name."""
    base = ("simulate", "taiwan_base")
    commands = {
        "json_a": (*base, "--reps", 500, "--seed", 3, "--quiet", "--out", out_dir / "a.json"),
        "json_b": (*base, "--reps", 500, "--seed", 3, "--quiet", "--out", out_dir / "b.json"),
        "table": ("simulate", "taiwan_blockade", "--reps", 200, "--seed", 3),
        "bad_suffix": (*base, "--reps", 10, "--out", out_dir / "x.txt"),
        "no_such": ("simulate", "nosuch", "--reps", 10),
        "zero_reps": (*base, "--reps", 0),
        "bad_set": (*base, "--reps", 10, "--set", "engine.decisive_force_ratio=abc"),
        # the sweep over every scenario also writes the three file formats in turn
        **{
            f"scenario:{s}": ("simulate", s, "--reps", 200, "--quiet", "--out", out_dir / sweep_file(s))
            for s in SCENARIOS
        },
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(cli, *args) for name, args in commands.items()}
        return {name: f.result() for name, f in futures.items()}


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "internal error" not in proc.stderr


# --- JSON summary -----------------------------------------------------------------------------------
def test_json_summary_schema(runs, out_dir):
    proc = runs["json_a"]
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out_dir / 'a.json'}" in " ".join(proc.stdout.split())
    assert "probability" not in proc.stdout  # --quiet: no tables
    doc = json.loads((out_dir / "a.json").read_text(encoding="utf-8"))
    assert {
        "meta",
        "outcomes",
        "decided_day",
        "losses",
        "losses_by_domain",
        "participants",
        "munitions",
        "peak_troops_ashore",
        "adversary_lift_remaining",
    } <= set(doc)

    meta = doc["meta"]
    assert meta["scenario"] == "taiwan_base" and meta["seed"] == 3 and meta["replications"] == 500
    assert meta["duration_days"] > 0 and meta["time_step_days"] > 0
    prov = meta["provenance"]
    assert {"files", "overrides", "sets", "data_sha256"} <= set(prov)
    assert len(prov["data_sha256"]) == 64 and int(prov["data_sha256"], 16) >= 0
    assert prov["overrides"] == [] and prov["sets"] == []

    oc = doc["outcomes"]
    assert set(oc) == {*OUTCOMES, "fait_accompli"}
    for name, v in oc.items():
        assert set(v) >= {"p", "ci95"}
        lo, hi = v["ci95"]
        assert 0 <= lo <= v["p"] + 1e-12 and v["p"] <= hi <= 1, name
        assert v["p"] * 500 == pytest.approx(round(v["p"] * 500), abs=1e-9)  # a count out of 500
    assert sum(oc[k]["p"] for k in OUTCOMES) == pytest.approx(1.0, abs=1e-12)
    assert oc["fait_accompli"]["p"] <= oc["adversary_success"]["p"]

    def is_stat(s, n_max=500):
        assert set(s) >= {"mean", "ci95", "p05", "p95", "n"}
        assert 0 <= s["n"] <= n_max and len(s["ci95"]) == 2
        if s["n"]:
            assert s["ci95"][0] <= s["mean"] <= s["ci95"][1]
            assert s["p05"] <= s["p95"]

    is_stat(doc["decided_day"])
    decided = 500 * (oc["adversary_success"]["p"] + oc["denied"]["p"])
    assert doc["decided_day"]["n"] == round(decided)
    if doc["decided_day"]["n"]:
        assert 0 < doc["decided_day"]["p05"] <= doc["decided_day"]["p95"] <= meta["duration_days"]
    for actor, per_class in doc["losses"].items():
        assert per_class, actor
        for cls, s in per_class.items():
            is_stat(s)
            assert s["mean"] >= 0
            assert cls in meta["class_domains"]
    for per_dom in doc["losses_by_domain"].values():
        assert "ground" not in per_dom  # ground losses are troops, reported per participant
        for s in per_dom.values():
            is_stat(s)
    assert set(doc["participants"]) >= set(doc["losses"])
    for p in doc["participants"].values():
        assert set(p) == {"aircraft_lost_on_ground", "casualties", "troops_lost", "c2_nodes_disabled"}
        for s in p.values():
            is_stat(s)
    assert doc["munitions"], "taiwan_base fires munitions"
    for pool, m in doc["munitions"].items():
        assert ":" in pool
        assert set(m) == {"expended", "p_runout", "runout_day"}
        is_stat(m["expended"])
        is_stat(m["runout_day"])
        assert 0 <= m["p_runout"] <= 1
        assert m["runout_day"]["n"] == round(m["p_runout"] * 500)


def test_same_command_twice_gives_byte_identical_json(runs, out_dir):
    assert runs["json_a"].returncode == 0 and runs["json_b"].returncode == 0
    assert (out_dir / "a.json").read_bytes() == (out_dir / "b.json").read_bytes()


def test_json_summary_is_strict_json(runs, out_dir):
    """RFC 8259 JSON: undefined statistics (e.g. the run-out day of a pool that never runs out) are null, not NaN."""
    assert runs["json_a"].returncode == 0

    def reject(token):
        raise ValueError(f"non-standard JSON token {token}")

    json.loads((out_dir / "a.json").read_text(encoding="utf-8"), parse_constant=reject)


# --- per-replication files ------------------------------------------------------------------------
TIDY_COLUMNS = {"scenario", "rep", "actor", "capability", "losses", "outcome", "decided_day", "seed"}
TABULAR = [s for s in SCENARIOS if not sweep_file(s).endswith(".json")]


@pytest.mark.parametrize("scenario", TABULAR)
def test_per_replication_files_are_tidy(runs, out_dir, scenario):
    proc = runs[f"scenario:{scenario}"]
    assert proc.returncode == 0, proc.stderr
    file = out_dir / sweep_file(scenario)
    frame = pd.read_csv(file) if file.suffix == ".csv" else pd.read_parquet(file)
    assert TIDY_COLUMNS <= set(frame.columns)
    assert set(frame["scenario"]) == {scenario} and set(frame["seed"]) == {20260101}
    assert set(frame["rep"]) == set(range(200))  # every replication appears, with or without losses
    assert set(frame["outcome"]) <= set(OUTCOMES)
    assert (frame["losses"].dropna() > 0).all()
    per_rep = frame.groupby("rep")[["outcome", "decided_day"]].nunique(dropna=False)
    assert (per_rep <= 1).all().all()  # the outcome columns repeat the replication's values
    assert not list(file.parent.glob("*.part*")), "temporary file left behind"


def test_sweep_writes_every_format():
    assert {Path(sweep_file(s)).suffix for s in SCENARIOS} == {".json", ".csv", ".parquet"}


# --- table output -------------------------------------------------------------------------------------
def test_table_output(runs):
    proc = runs["table"]
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    for needle in (
        "taiwan_blockade: 200 replications, seed 3",
        "adversary denied",
        "adversary succeeds",
        "stalemate",
        "fait accompli",
        "95% CI",
        "decided on day",
        "Losses",
        "Munitions",
    ):
        assert needle in text, needle


# --- bad input: exit 2, a message, no traceback ----------------------------------------------------------
def test_unsupported_out_suffix(runs, out_dir):
    proc = runs["bad_suffix"]
    assert proc.returncode == 2
    assert "--out" in proc.stderr and ".txt" in proc.stderr
    assert not (out_dir / "x.txt").exists()
    no_traceback(proc)


def test_unknown_scenario_lists_or_suggests(runs):
    proc = runs["no_such"]
    assert proc.returncode == 2
    assert "no scenario 'nosuch'" in proc.stderr
    assert "taiwan_base" in proc.stderr  # nothing close: the known ids are listed
    no_traceback(proc)
    # a near miss gets a suggestion (same message path, checked in-process: no extra interpreter)
    from types import SimpleNamespace

    from positivesum import services
    from positivesum.model.errors import InputError

    ld = SimpleNamespace(dataset=SimpleNamespace(scenarios=dict.fromkeys(SCENARIOS)))
    with pytest.raises(InputError) as err:
        services.get_scenario(ld, "taiwan_bse")
    assert "did you mean 'taiwan_base'?" in err.value.problems[0].format()


def test_zero_replications(runs):
    proc = runs["zero_reps"]
    assert proc.returncode == 2
    assert "--reps" in proc.stderr and "at least 1" in proc.stderr
    no_traceback(proc)


def test_invalid_set_value_is_a_schema_problem(runs):
    proc = runs["bad_set"]
    assert proc.returncode == 2
    assert "engine.decisive_force_ratio" in proc.stderr and "abc" in proc.stderr
    assert "expected a number" in proc.stderr
    no_traceback(proc)


# --- every default scenario ---------------------------------------------------------------------------
def test_scenario_list_is_every_packaged_scenario():
    import yaml

    packaged = set()
    for file in (SRC / "positivesum" / "data" / "scenarios").glob("*.yaml"):
        packaged |= set(yaml.safe_load(file.read_text(encoding="utf-8")).get("scenarios", {}))
    assert sorted(SCENARIOS) == sorted(packaged)
    assert len(SCENARIOS) == len(set(SCENARIOS))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_default_scenario_simulates(runs, out_dir, scenario):
    proc = runs[f"scenario:{scenario}"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""  # --quiet: no progress bar
    assert proc.stdout.strip().startswith("wrote ")
    file = out_dir / sweep_file(scenario)
    assert file.is_file()
    if file.suffix == ".json":
        doc = json.loads(file.read_text(encoding="utf-8"))
        assert doc["meta"]["scenario"] == scenario and doc["meta"]["replications"] == 200
        assert doc["meta"]["seed"] == 20260101  # the default seed
        assert sum(doc["outcomes"][k]["p"] for k in OUTCOMES) == pytest.approx(1.0, abs=1e-12)
