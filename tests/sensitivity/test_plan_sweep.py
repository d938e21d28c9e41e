"""Sweeps through `plan` (`run: plan`): one plan per variant, each variant's surrogate fitted on its own data and
cached by content under --cache-dir, one tidy row per variant, the same numbers in this process and on two Dask
workers, and the same numbers as `positivesum plan` on the variant's data.

Planning is cut down as in tests/plan/test_plan_cli.py and tests/report/conftest.py (a 3-year horizon, 20
replications per surrogate point) and only one scenario is weighted at a time (nansei_seizure, where options
raise deterrence; one point weights taiwan_base alone, another scenario and so another surrogate and plan), so the
three real surrogate fits take seconds, not minutes.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import run_cli

SEED = 20260101
REPS = 40
SCENARIO = "nansei_seizure"
DESIGN = f"""\
run: plan
seed: {SEED}
plan: {{regime: joint, reps: {REPS}}}
points:
  - {{name: base, set: []}}
  - {{name: faster_growth, set: [planning.adversary_growth_per_year=0.06]}}
  - {{name: taiwan_only, set: [scenarios.{SCENARIO}.weight.value=0, scenarios.taiwan_base.weight.value=1]}}
"""
NAMES = ["base", "faster_growth", "taiwan_only"]

# the sweep fits three real (cut-down) surrogates through the CLI: about 15 s of CPU with the interpreter
pytestmark = pytest.mark.slow


def cut_down_sets() -> list[str]:
    from positivesum.model.loader import load_dataset

    others = [s for s in load_dataset().dataset.scenarios if s != SCENARIO]
    return ["planning.horizon_years=3", "planning.surrogate_replications=20"] + [
        f"scenarios.{s}.weight.value=0" for s in others
    ]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The design run once through the real CLI: (its table, the design file, the cache folder, the data)."""
    from positivesum.services import data

    root = tmp_path_factory.mktemp("plan-sweep")
    design = root / "design.yaml"
    design.write_text(DESIGN, encoding="utf-8")
    cache = root / "cache"
    sets = cut_down_sets()
    proc = run_cli(
        "sweep",
        design,
        "--cache-dir",
        cache,
        "--out",
        root / "plans.csv",
        "--quiet",
        *(x for s in sets for x in ("--set", s)),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    table = pd.read_csv(root / "plans.csv")
    table["set:patch"] = table["set:patch"].fillna("")  # the base point's empty patch: an empty CSV cell
    return table, design, cache, data.load(None, None, sets)


def test_one_row_per_variant_with_plan_measures(swept):
    from positivesum.services.sweep import PLAN_COLUMNS

    frame, *_ = swept
    assert list(frame.columns) == ["point", "name", "set:patch", *PLAN_COLUMNS]
    assert list(frame["point"]) == [0, 1, 2] and list(frame["name"]) == NAMES
    assert (
        (frame["regime"] == "joint").all() and (frame["replications"] == REPS).all() and (frame["seed"] == SEED).all()
    )
    assert list(frame["scenarios"]) == [SCENARIO, SCENARIO, "taiwan_base"]
    assert frame["data_sha256"].nunique() == 3  # every variant is other data
    assert (frame["milp_status"] == "optimal").all()
    assert (frame["milp_gap"] >= 0).all() and (frame["milp_gap"] <= frame["milp_gap_target"] + 1e-12).all()
    for _, row in frame.iterrows():
        assert row["simulated_ci95_low"] <= row["simulated_weighted_deterrence"] <= row["simulated_ci95_high"]
        assert 0 <= row["surrogate_weighted_deterrence"] <= 1 and 0 <= row["simulated_weighted_deterrence"] <= 1
        assert row["lifecycle_cost_musd"] >= row["total_cost_musd"] >= 0
    base, faster, taiwan = (frame.iloc[i] for i in range(3))
    # in the Nansei scenario the plan buys options and they raise the surrogate's deterrence above nothing bought
    assert base["options"] > 0 and base["total_cost_musd"] > 0
    # a faster-growing adversary is other data, so another surrogate and another plan
    assert faster["surrogate_weighted_deterrence"] != base["surrogate_weighted_deterrence"]
    # taiwan_base alone: another scenario, so another surrogate and another plan, and the row is whole. (With 20
    # replications in one parameter draw its surrogate used to see a saturated world and buy nothing; with one
    # replication per draw, decision record 0017, it sees 20 worlds and buys what raises them.)
    assert taiwan["surrogate_weighted_deterrence"] != base["surrogate_weighted_deterrence"]
    assert math.isfinite(taiwan["simulated_weighted_deterrence"]) and math.isfinite(taiwan["milp_gap"])


def test_each_variant_has_its_own_cached_surrogate(swept):
    from positivesum.services.plan import cache_path
    from positivesum.services.sweep import load_design, variant_dataset

    frame, design_file, cache, ld = swept
    design = load_design(design_file, ld)
    expected = {cache_path(variant_dataset(ld, v.sets), SEED, cache).name for v in design.variants}
    assert len(expected) == 3
    assert {p.name for p in cache.iterdir()} == expected


def test_same_table_here_and_on_two_workers_reading_the_cache(swept, thread_clusters):
    from positivesum.services import sweep

    frame, design_file, cache, ld = swept
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    design = sweep.load_design(design_file, ld)
    seen: list[int] = []
    here = sweep.run(design, ld, cache_dir=cache, progress=seen.append)
    there = sweep.run(design, ld, cache_dir=cache, client=thread_clusters[2])
    pd.testing.assert_frame_equal(here, there)
    pd.testing.assert_frame_equal(here, frame, check_dtype=False)  # and the CLI's table, read back
    assert seen == [1, 1, 1]  # progress counts variants
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before  # read, not fitted again


def test_a_row_is_what_positivesum_plan_gives_on_the_variants_data(swept):
    from positivesum.services.plan import run_plan
    from positivesum.services.sweep import load_design, variant_dataset

    frame, design_file, cache, ld = swept
    design = load_design(design_file, ld)
    row = frame.iloc[1]
    result = run_plan(variant_dataset(ld, design.variants[1].sets), "joint", seed=SEED, reps=REPS, cache_dir=cache)
    assert row["options"] == len(result["portfolio"])
    assert row["total_cost_musd"] == pytest.approx(result["money"]["total_cost_musd"], abs=1e-6)
    assert row["lifecycle_cost_musd"] == pytest.approx(result["money"]["lifecycle_cost_musd"], abs=1e-6)
    assert row["surrogate_weighted_deterrence"] == pytest.approx(result["surrogate"]["weighted_deterrence"], abs=1e-9)
    assert row["simulated_weighted_deterrence"] == pytest.approx(result["simulated"]["weighted_deterrence"], abs=1e-9)
    # one scenario weighted: the weighted interval is that scenario's
    low, high = result["simulated"]["scenarios"][SCENARIO]["deterrence_ci95"]
    assert (row["simulated_ci95_low"], row["simulated_ci95_high"]) == (pytest.approx(low), pytest.approx(high))
