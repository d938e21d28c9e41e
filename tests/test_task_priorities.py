"""The main job's tasks state their cost in one unit, replication-days, so that the lanes sharing a cluster
(docs/dask.md) start the longest simulations first and the MILPs the next stage waits for before any simulation.
Priorities order tasks only; the numbers never depend on them (tests/sensitivity/test_simulate_cluster.py)."""

from __future__ import annotations

from positivesum import defaults
from positivesum.alliance.coalitions import CoalitionJob, PlanJob
from positivesum.model.loader import load_dataset
from positivesum.services.executor import CRITICAL_PATH_COST, replication_days


def _job(tree: dict, scenarios: tuple[str, ...], reps: int) -> CoalitionJob:
    return CoalitionJob(tree, (), scenarios, {}, 1.0, reps, 1, 0.5, 10)


def test_a_coalition_job_costs_its_replication_days():
    ld = load_dataset()
    scenarios = ("taiwan_base", "taiwan_blockade")
    job = _job(ld.raw, scenarios, 500)
    expected = sum(replication_days(ld.dataset, s, 500) for s in scenarios)
    assert job.cost == expected == 500 * (30 + 140)
    assert PlanJob(frozenset({"USA"}), job).cost == job.cost


def test_a_bare_or_missing_duration_is_read_or_costs_nothing():
    tree = {"scenarios": {"a": {"duration_days": 12}, "b": {}}}
    assert _job(tree, ("a", "b"), 10).cost == 120.0


def test_the_critical_path_outranks_any_simulation():
    longest = defaults.MAX_REPS * 366  # a million replications of a year-long campaign
    assert CRITICAL_PATH_COST > 100 * longest
