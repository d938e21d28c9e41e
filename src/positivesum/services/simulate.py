"""Simulate one scenario: the campaign Monte Carlo with the dataset's parameter ranges."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import __version__, defaults
from ..model.errors import InputError, Location, Problem
from ..model.loader import PACKAGED_DEFAULT, LoadedDataset
from .data import get_scenario
from .executor import check_cluster_options, map_ordered, open_client
from .validation import check_reps, check_seed

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
    workers: int = 0,
    progress=None,
    sample_parameters: bool = True,
    *,
    scheduler: str | None = None,
    client: Any = None,
) -> CampaignResult:
    """Simulate one scenario; the result carries seed, overrides and data hash in ``meta``.

    Where the blocks of replications run (:mod:`.executor`): on ``client`` when one is given (an open Dask
    client), else on the Dask scheduler at ``scheduler``, else on a local cluster of ``workers`` processes,
    else (``workers=0``, the default) in this process. Every block draws from its own child of
    ``SeedSequence(seed)`` (:mod:`positivesum.sim.runner`), so the numbers are the same in every case."""
    from ..sim.runner import simulate as run

    get_scenario(ld, scenario_id)
    need_engine(ld)
    check_reps(reps)
    check_seed(seed)
    check_cluster_options(scheduler, workers)
    with open_client(scheduler, workers) if client is None else _given(client) as cluster:
        result = run(
            ld.dataset,
            scenario_id,
            reps,
            seed,
            map_blocks=None if cluster is None else functools.partial(map_ordered, cluster),
            progress=progress,
            sample_parameters=sample_parameters,
        )
    result.meta.update(provenance=ld.provenance(), version=__version__, sample_parameters=sample_parameters)
    return result


@contextlib.contextmanager
def _given(client: Any) -> Iterator[Any]:
    """A client opened by the caller (left open)."""
    yield client
