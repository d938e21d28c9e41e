"""Simulate one scenario: the campaign Monte Carlo with the dataset's parameter ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import __version__, defaults
from ..model.errors import InputError, Location, Problem
from ..model.loader import PACKAGED_DEFAULT, LoadedDataset
from .data import get_scenario
from .validation import check_reps, check_seed, check_workers

if TYPE_CHECKING:
    from ..sim.results import CampaignResult


def need_engine(ld: LoadedDataset) -> None:
    """An error unless the dataset has the campaign engine's parameters (checked before any simulation)."""
    if ld.dataset.engine is None:
        raise InputError(
            [
                Problem(
                    Location(ld.files[-1] if ld.files else "<input>", 0),
                    "engine",
                    "the dataset has no `engine:` parameters, so it cannot be simulated",
                    f"add `import: [{PACKAGED_DEFAULT}]` or an `engine:` section (see docs/reference/schema.md#engineparameters)",
                )
            ]
        )


def simulate(
    ld: LoadedDataset,
    scenario_id: str,
    reps: int = defaults.SIMULATE_REPS,
    seed: int = defaults.SEED,
    workers: int = 1,
    progress=None,
    sample_parameters: bool = True,
) -> CampaignResult:
    """Simulate one scenario; the result carries seed, overrides and data hash in ``meta``."""
    from ..sim.runner import simulate as run

    get_scenario(ld, scenario_id)
    need_engine(ld)
    check_reps(reps)
    check_seed(seed)
    check_workers(workers)
    result = run(
        ld.dataset, scenario_id, reps, seed, workers=workers, progress=progress, sample_parameters=sample_parameters
    )
    result.meta.update(provenance=ld.provenance(), version=__version__, sample_parameters=sample_parameters)
    return result
