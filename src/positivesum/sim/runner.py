"""Run a scenario many times: blocks of replications, each with its own spawned generator.

Determinism contract: the replications are cut into fixed blocks of
``BLOCK_SIZE``; block *i* always uses generator *i* spawned from
``numpy.random.SeedSequence(seed)``, first for its outer draws (groups of
``INNER_REPLICATIONS`` consecutive replications sharing their parameters), then
for the chance of combat. Results therefore do not depend on how blocks are
grouped into chunks or spread over worker processes.

Where the blocks run is the caller's choice, never the engine's: ``map_blocks`` (a function with the
signature of :func:`positivesum.services.executor.map_ordered` bound to a client) runs
:func:`run_block_job` over the blocks, e.g. on a Dask cluster; without it they run here, one after the other.
The engine imports no executor (the import-linter contracts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from ..model.dataset import Dataset
from . import cache
from .campaign import run_block
from .results import CampaignResult
from .setup import CampaignSetup, build_setup
from .uncertainty import INNER_REPLICATIONS

BLOCK_SIZE = 2048
assert BLOCK_SIZE % INNER_REPLICATIONS == 0, "outer draws must not straddle blocks (outer_draw_ids)"


def outer_draw_ids(reps: int, inner: int = INNER_REPLICATIONS) -> np.ndarray:
    """The outer draw of each of ``reps`` replications, as :func:`simulate_arrays` numbers them (its ``outer``
    array): consecutive groups of ``inner`` (the set-up's ``inner_replications``), numbered across blocks. Because
    ``BLOCK_SIZE`` is a multiple of ``inner`` this is ``arange(reps) // inner`` whatever the set-up, so callers that
    kept only per-replication scores can still cluster their intervals by parameter draw."""
    return np.arange(reps) // inner


def check_inner(setup: CampaignSetup) -> int:
    """The set-up's replications per outer draw, refused unless a divisor of ``BLOCK_SIZE`` (a draw must not
    straddle two blocks, or the numbers would depend on how a run is cut)."""
    inner = int(setup.inner_replications)
    if inner < 1 or BLOCK_SIZE % inner:
        raise ValueError(f"inner_replications must divide {BLOCK_SIZE} (a power of two up to it), not {inner}")
    return inner


def block_sizes(reps: int) -> list[int]:
    """Sizes of the fixed blocks that ``reps`` replications are cut into."""
    full, rest = divmod(reps, BLOCK_SIZE)
    return [BLOCK_SIZE] * full + ([rest] if rest else [])


#: One block's results: per-replication arrays, and the traced sums by key over the steps.
BlockResult = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]
#: One block to run: its replications, its spawned seed sequence, whether parameters are sampled, whether the
#: per-step trace is recorded.
BlockJob = tuple[int, np.random.SeedSequence, bool, bool]


class BlockMapper(Protocol):
    """Runs ``fn(shared, job)`` for every job and returns the results in the order of ``jobs``; calls
    ``progress(weight(job))`` as jobs finish (e.g. ``functools.partial(executor.map_ordered, client)``)."""

    def __call__(
        self,
        fn: Callable[[CampaignSetup, BlockJob], BlockResult],
        jobs: Sequence[BlockJob],
        progress: Callable[[int], None] | None = None,
        *,
        shared: CampaignSetup,
        weight: Callable[[BlockJob], int],
    ) -> list[BlockResult]: ...


def _job_size(job: BlockJob) -> int:
    return job[0]


def run_block_job(setup: CampaignSetup, job: BlockJob) -> BlockResult:
    """One block of replications: a pure function of the set-up and the job (module level, so that a
    worker process can unpickle it; a retried task repeats itself exactly)."""
    n, seed_seq, sample_parameters, traced = job
    trace: dict[str, dict[int, float]] | None = {} if traced else None
    out = run_block(setup, n, np.random.Generator(np.random.PCG64(seed_seq)), trace, sample_parameters)
    series: dict[str, np.ndarray] = {}
    if trace is None:
        return out, series
    for key, by_step in trace.items():
        values = np.full(setup.steps, np.nan)
        values[list(by_step)] = list(by_step.values())  # one assignment of the recorded steps
        # The loop stops once every replication is decided; their state is frozen, so carry it forward.
        last = max(by_step)
        values[last + 1 :] = values[last]
        series[key] = values
    return out, series


def simulate_arrays(
    setup: CampaignSetup,
    reps: int,
    seed: int,
    *,
    map_blocks: BlockMapper | None = None,
    progress: Callable[[int], None] | None = None,
    sample_parameters: bool = True,
    traced: bool = True,
) -> BlockResult:
    """The per-replication arrays and the trace of :func:`simulate_setup`, without building its xarray result
    (for callers that need one or two arrays, such as the surrogate's deterrence of hundreds of design points).

    ``traced=False`` skips the per-step trace (the trace comes back empty): callers that read only per-replication
    outcomes (the surrogate's design, the effect measurement, the portfolios' re-simulations, the growth margins'
    bisections) save its sums, up to 15 % of a 140-day blockade. The trace draws no random numbers, so the
    per-replication arrays are the same either way."""
    if reps < 1:
        raise ValueError("reps must be at least 1")
    key = cache.key(setup, reps, seed, sample_parameters, traced) if cache.active() is not None else None
    hit = cache.load(key) if key is not None else None
    if hit is not None:  # the same set-up, replications, seed and engine code: the same arrays (sim/cache.py)
        if progress:
            progress(reps)
        return hit
    sizes = block_sizes(reps)
    seqs = np.random.SeedSequence(seed).spawn(len(sizes))
    jobs: list[BlockJob] = [(n, sq, sample_parameters, traced) for n, sq in zip(sizes, seqs)]
    parts: list[BlockResult] = []
    if map_blocks is not None:
        parts = list(map_blocks(run_block_job, jobs, progress, shared=setup, weight=_job_size))
    else:
        for job in jobs:
            parts.append(run_block_job(setup, job))
            if progress:
                progress(job[0])
    merged = merge_blocks([p[0] for p in parts], sizes, check_inner(setup))
    trace: dict[str, np.ndarray] = {
        key: sum((p[1][key] for p in parts), np.zeros(setup.steps)) / reps for key in parts[0][1]
    }
    if key is not None:
        cache.store(key, merged, trace)
    return merged, trace


def merge_blocks(parts: Sequence[dict[str, np.ndarray]], sizes: Sequence[int], inner: int) -> dict[str, np.ndarray]:
    """One run's per-replication arrays from its blocks' (in block order), the outer draws numbered across
    blocks."""
    offsets = np.cumsum([0] + [-(-n // inner) for n in sizes[:-1]])
    renumbered = [{**part, "outer": part["outer"] + offset} for part, offset in zip(parts, offsets)]
    return {k: np.concatenate([p[k] for p in renumbered], axis=0) for k in renumbered[0]}


def simulate_setup(
    setup: CampaignSetup,
    reps: int,
    seed: int,
    *,
    map_blocks: BlockMapper | None = None,
    progress: Callable[[int], None] | None = None,
    sample_parameters: bool = True,
    traced: bool = True,
) -> CampaignResult:
    """Simulate a prepared scenario; ``progress(n)`` is called as blocks of n replications finish
    (``traced=False``: without the per-step trace, see :func:`simulate_arrays`).

    ``map_blocks`` runs the blocks (for example on a Dask cluster); None: here, one after the other. The
    numbers do not depend on it."""
    merged, trace = simulate_arrays(
        setup,
        reps,
        seed,
        map_blocks=map_blocks,
        progress=progress,
        sample_parameters=sample_parameters,
        traced=traced,
    )
    result = CampaignResult.from_arrays(setup, merged, trace, seed=seed, reps=reps)
    result.meta["parameter_uncertainty"] = sample_parameters
    return result


def simulate(ds: Dataset, scenario_id: str, reps: int, seed: int, **kw: Any) -> CampaignResult:
    """Build and simulate one scenario of a dataset."""
    return simulate_setup(build_setup(ds, scenario_id), reps, seed, **kw)
