"""Spending-target presets through `positivesum compare-regimes` (issue 13), and host-nation support as an input of
the cost-transfer regime.

Every preset of the data runs through the real entry point, cut short as in test_plan_cli.py: a synthetic surrogate
written into the ``--cache-dir`` under the key the CLI uses, and ``--set planning.horizon_years=3``.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from test_milp_constraints import synthetic_inputs
from test_plan_cli import cli

from conftest import synthetic_surrogate
from positivesum.model.loader import load_dataset
from positivesum.plan.regimes import RegimeSpec, plan_regime

SEED = 20260101
# Two weighted scenarios: the presets change money, not scenarios, and each compare-regimes run simulates every
# portfolio in every weighted scenario at two seeds (110 runs with all eleven: 33 s a preset, 230 s for the seven)
KEPT = ("taiwan_base", "korea_contingency")
SETS = ("planning.horizon_years=3",) + tuple(
    f"scenarios.{s}.weight.value=0" for s in load_dataset(None, None, []).dataset.scenarios if s not in KEPT
)
PRESETS = ("jp-2pct-2022", "jp-2pct-supplementary", "us-3pct", "nato-core", "nato-5", "jp-strategy-2026")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    loaded = load_dataset(None, None, list(SETS))
    path = tmp_path_factory.mktemp("preset-cache")
    key = hashlib.sha256(f"{loaded.data_hash}:{SEED}".encode()).hexdigest()[:16]
    (path / f"surrogate-{key}.json").write_text(
        json.dumps(synthetic_surrogate(loaded.dataset).to_dict()), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def runs(cache_dir, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("preset-out")
    common = (
        "--reps",
        "20",
        "--seed",
        SEED,
        "--cache-dir",
        cache_dir,
        "--quiet",
        # presets are tested here, not the margins or the spending-target comparison (tests/plan/test_deterrence.py)
        "--margin-reps",
        "0",
        "--spending-targets",
        "none",
        *(x for v in SETS for x in ("--set", v)),
    )
    commands = {p: ("compare-regimes", "--preset", p, *common, "--out", out / f"{p}.json") for p in PRESETS}
    commands["target"] = ("compare-regimes", "--target", "JPN=5%@2035", *common, "--out", out / "target.json")
    with ThreadPoolExecutor(max_workers=2) as pool:
        procs = {name: pool.submit(cli, *args) for name, args in commands.items()}
        results = {}
        for name, fut in procs.items():
            proc = fut.result()
            assert proc.returncode == 0, (name, proc.stderr[-2000:])
            results[name] = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs_through_compare_regimes(runs, preset):
    res = runs[preset]
    jpn = res["budgets"]["JPN"]
    assert jpn["preset"] == preset
    assert set(res["regimes"]) == {"joint", "spending-target", "cost-transfer", "negotiated"}
    # the US position opens the negotiation: every ally but the US at the preset's target
    assert res["split_basis"] == "opening position: preset nato-5 for every ally but USA, USA on its own budget path"
    assert res["provenance"]["as_of"]
    assert res["host_nation_support"]["expires"] == "2027-03-31"


@pytest.mark.slow
def test_presets_give_japan_the_money_their_targets_imply(runs):
    money = {p: sum(runs[p]["budgets"]["JPN"]["for_options_musd"]) for p in PRESETS}
    assert money["jp-2pct-supplementary"] <= money["jp-2pct-2022"] < money["us-3pct"] < money["nato-core"]
    assert money["nato-5"] == pytest.approx(money["nato-core"], rel=1e-6)  # 1.5 related points buy no options
    assert runs["jp-2pct-supplementary"]["budgets"]["JPN"]["budget_basis"] == "initial_plus_supplementary"
    target = runs["target"]["budgets"]["JPN"]
    assert (target["target_share_of_gdp"], target["target_year"], target["preset"]) == (0.05, 2035, None)


def test_cost_transfer_waits_for_the_host_nation_support_agreement():
    """A payer's money reaches the receiver only from the first year after the agreement expires; a stated share
    of the support itself is the receiver's to spend."""
    inp = synthetic_inputs()
    usa, jpn = inp.cat.actors.index("USA"), inp.cat.actors.index("JPN")
    waiting = plan_regime(inp, RegimeSpec("cost-transfer", receiver="USA", transfer_from={"JPN": 2}), gap=0.0)
    spend = waiting.spending_musd.to_numpy()
    assert (spend[jpn] == 0).all()
    assert (spend[usa][:2] <= inp.budget_musd[usa][:2] + 1e-6).all()
    extra = tuple(float(x) for x in np.full(inp.budget_musd.shape[1], 1000.0))
    richer = plan_regime(inp, RegimeSpec("cost-transfer", receiver="USA", receiver_extra_musd=extra), gap=0.0)
    plain = plan_regime(inp, RegimeSpec("cost-transfer", receiver="USA"), gap=0.0)
    assert richer.weighted_deterrence >= plain.weighted_deterrence - 1e-9
