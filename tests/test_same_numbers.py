"""The same question gives the same numbers from the command line, the Python API and the report.

One small question (two scenarios at 200 replications, everything else default) is asked three ways:

(a) ``positivesum simulate SCENARIO --reps 200 --json`` through the real entry point;
(b) ``positivesum.services.simulate(ld, SCENARIO, reps=200)``;
(c) ``positivesum.services.report.build_analysis(ld, scenarios=[...], reps=200, alliance_sections=False)``,
    on the same data without its ``planning`` section: the planner (surrogate fit, regimes) would take
    minutes and never touches the simulations, which do not read ``planning``.

The outcome probabilities (with their intervals) and the decided-day statistics must be equal, not close:
every entry point draws from the same seed and streams. The defaults they share come from
:mod:`positivesum.defaults`, which is checked too.
"""

from __future__ import annotations

import dataclasses
import inspect
import json

import pytest
import typer

from positivesum import defaults, services
from positivesum.services import report as report_services

SCENARIOS = ["taiwan_base", "korea_contingency"]  # decided in every replication; a fait accompli in 22%
REPS = 200


@pytest.fixture(scope="module")
def loaded():
    return services.load()


@pytest.fixture(scope="module")
def from_report(loaded):
    without_planner = dataclasses.replace(loaded, dataset=loaded.dataset.model_copy(update={"planning": None}))
    return report_services.build_analysis(
        without_planner, scenarios=SCENARIOS, reps=REPS, alliance_sections=False, command_line=["test"]
    )


def _question(summary: dict) -> str:
    """Outcomes and decided day as JSON text (NaN-safe: NaN never compares equal as a float)."""
    return json.dumps({"outcomes": summary["outcomes"], "decided_day": summary["decided_day"]}, sort_keys=True)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_cli_api_and_report_give_the_same_numbers(cli, loaded, from_report, scenario):
    r = cli("simulate", scenario, "--reps", str(REPS), "--json")
    assert r.returncode == 0, r.stderr
    from_cli = json.loads(r.stdout)
    from_api = services.simulate(loaded, scenario, reps=REPS).summary()
    in_report = from_report["scenarios"][scenario]["summary"]
    # the same run: seed, replications and data
    assert from_cli["meta"]["seed"] == from_api["meta"]["seed"] == in_report["meta"]["seed"] == defaults.SEED
    assert from_cli["meta"]["replications"] == from_api["meta"]["replications"] == REPS
    assert in_report["meta"]["replications"] == REPS
    assert from_cli["meta"]["provenance"]["data_sha256"] == from_api["meta"]["provenance"]["data_sha256"]
    # the same numbers, exactly
    assert _question(from_cli) == _question(from_api) == _question(in_report)
    for outcome, stat in from_api["outcomes"].items():
        assert from_cli["outcomes"][outcome]["p"] == stat["p"] == in_report["outcomes"][outcome]["p"]
    assert from_cli["decided_day"]["mean"] == from_api["decided_day"]["mean"] == in_report["decided_day"]["mean"]


def test_report_records_the_default_seed(from_report):
    rep = from_report["reproducibility"]
    assert rep["seed"] == defaults.SEED and rep["replications"] == REPS
    assert rep["plan_replications"] == defaults.PLAN_VERIFY_REPS
    assert rep["alliance_replications"] == defaults.ALLIANCE_REPS


def _command_defaults(name: str) -> dict:
    from positivesum.cli import app

    command = typer.main.get_command(app).commands[name]
    return {p.name: p.default for p in command.params}


def test_seed_and_replications_default_to_positivesum_defaults():
    """Every entry point takes its seed and replications from positivesum.defaults (never its own literal)."""
    sim = _command_defaults("simulate")
    assert (sim["reps"], sim["seed"]) == (defaults.SIMULATE_REPS, defaults.SEED)
    rep = _command_defaults("report")
    assert (rep["reps"], rep["seed"]) == (defaults.REPORT_REPS, defaults.SEED)
    assert (rep["plan_reps"], rep["alliance_reps"]) == (defaults.PLAN_VERIFY_REPS, defaults.ALLIANCE_REPS)
    api = inspect.signature(services.simulate).parameters
    assert (api["reps"].default, api["seed"].default) == (defaults.SIMULATE_REPS, defaults.SEED)
    analysis = inspect.signature(report_services.build_analysis).parameters
    assert (analysis["reps"].default, analysis["seed"].default) == (defaults.REPORT_REPS, defaults.SEED)
    assert analysis["plan_reps"].default == defaults.PLAN_VERIFY_REPS
    assert analysis["alliance_reps"].default == defaults.ALLIANCE_REPS
