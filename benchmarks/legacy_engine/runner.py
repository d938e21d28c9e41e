"""Run a scenario many times: blocks of replications, each with its own spawned generator.

Determinism contract: the replications are cut into fixed blocks of
``BLOCK_SIZE``; block *i* always uses generator *i* spawned from
``numpy.random.SeedSequence(seed)``. Results therefore do not depend on how
blocks are grouped into chunks or spread over worker processes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from positivesum.model.dataset import Dataset

from .campaign import run_block
from .results import CampaignResult
from .setup import CampaignSetup, build_setup

BLOCK_SIZE = 2048


def block_sizes(reps: int) -> list[int]:
    """Sizes of the fixed blocks that ``reps`` replications are cut into."""
    full, rest = divmod(reps, BLOCK_SIZE)
    return [BLOCK_SIZE] * full + ([rest] if rest else [])


#: One block's results: per-replication arrays, and the traced sums by key over the steps.
BlockResult = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]


def _run_one(args: tuple[CampaignSetup, int, np.random.SeedSequence, bool]) -> BlockResult:
    setup, n, seed_seq, sample_parameters = args
    trace: dict[str, dict[int, float]] = {}
    out = run_block(setup, n, np.random.Generator(np.random.PCG64(seed_seq)), trace, sample_parameters)
    series = {}
    for key, by_step in trace.items():
        values = np.full(setup.steps, np.nan)
        for t, v in by_step.items():
            values[t] = v
        # The loop stops once every replication is decided; their state is frozen, so carry it forward.
        last = max(by_step)
        values[last + 1 :] = values[last]
        series[key] = values
    return out, series


def simulate_setup(
    setup: CampaignSetup,
    reps: int,
    seed: int,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    sample_parameters: bool = True,
) -> CampaignResult:
    """Simulate a prepared scenario; ``progress(n)`` is called as blocks of n replications finish."""
    if reps < 1:
        raise ValueError("reps must be at least 1")
    sizes = block_sizes(reps)
    seqs = np.random.SeedSequence(seed).spawn(len(sizes))
    jobs = [(setup, n, sq, sample_parameters) for n, sq in zip(sizes, seqs)]
    parts: list[BlockResult] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for job, part in zip(jobs, pool.map(_run_one, jobs)):
                parts.append(part)
                if progress:
                    progress(job[1])
    else:
        for job in jobs:
            parts.append(_run_one(job))
            if progress:
                progress(job[1])
    merged = {k: np.concatenate([p[0][k] for p in parts], axis=0) for k in parts[0][0]}
    trace = {key: sum((p[1][key] for p in parts), np.zeros(setup.steps)) / reps for key in parts[0][1]}
    result = CampaignResult.from_arrays(setup, merged, trace, seed=seed, reps=reps)
    result.meta["parameter_uncertainty"] = sample_parameters
    return result


def simulate(ds: Dataset, scenario_id: str, reps: int, seed: int, **kw: Any) -> CampaignResult:
    """Build and simulate one scenario of a dataset."""
    return simulate_setup(build_setup(ds, scenario_id), reps, seed, **kw)
