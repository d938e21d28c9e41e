"""The command-structure comparison with intervals (services/command.py): each structure's weighted deterrence
with its 95 % interval, and its difference from the first structure paired by replication (common random
numbers), computed the same way in this process and on a Dask cluster."""

from __future__ import annotations

import pytest

from positivesum.model.loader import load_dataset
from positivesum.services import executor
from positivesum.services.command import command_comparison

STRUCTURES = ["indopacom_direct", "combined_hq"]
SCENARIOS = ["taiwan_base", "nansei_seizure"]


@pytest.fixture(scope="module")
def ld():
    return load_dataset()


@pytest.mark.slow
def test_intervals_and_paired_differences(ld):
    here = command_comparison(ld, structures=STRUCTURES, scenarios=SCENARIOS, reps=64, seed=5)
    assert here["reference_structure"] == STRUCTURES[0]
    first, other = here["structures"]
    assert "difference_from_reference" not in first
    for row in here["structures"]:
        low, high = row["weighted_deterrence_ci95"]
        assert low <= row["weighted_deterrence"] <= high
        for sid in SCENARIOS:
            lo, hi = row["scenarios"][sid]["deterrence_ci95"]
            assert lo <= row["scenarios"][sid]["deterrence"] <= hi
    diff = other["difference_from_reference"]
    assert diff["mean"] == pytest.approx(other["weighted_deterrence"] - first["weighted_deterrence"], abs=1e-12)
    assert diff["includes_zero"] == (diff["ci95"][0] <= 0.0 <= diff["ci95"][1])
    with executor.open_client(None, 2) as client:
        there = command_comparison(ld, structures=STRUCTURES, scenarios=SCENARIOS, reps=64, seed=5, client=client)
    assert there["structures"] == here["structures"]
