"""The kernel warm-up of `make test` (sim/warmup.py) runs every packaged scenario and leaves the engine usable."""

from __future__ import annotations

from positivesum.model.loader import load_dataset
from positivesum.sim import warmup


def test_the_warm_up_runs_every_packaged_scenario():
    assert warmup.warm(replications=2) == list(load_dataset().dataset.scenarios)
