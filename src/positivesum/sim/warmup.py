"""Compile the campaign engine's kernels once and write Numba's on-disk cache (``python -m positivesum.sim.warmup``).

The kernels are compiled with ``cache=True`` (sim/kernels*.py): the first process that calls one compiles it
(about a minute for all of them on this project's 2-core machine) and writes the machine code beside the
source, and every later process loads it. A fresh clone has no cache, so processes started side by side — the
test suite's workers, a Dask cluster's workers, the command-line runs the tests start — each compile the same
kernels at the same time. ``make test`` runs this module first, so that they all load the cache instead: it
simulates every scenario of the packaged data for 128 replications, which calls every kernel those
scenarios use. Numba keys its cache on the source file's path, size and modification time, so it cannot be shipped in
the repository.
"""

from __future__ import annotations

import sys
import time

from ..model.loader import load_dataset
from .runner import simulate_arrays
from .setup import build_setup

WARMUP_REPLICATIONS = 128
"""Replications per scenario: enough for every kernel to be called — the element-wise kernels run from
``kernels.MIN_SIZE`` (64) elements up, and decided replications are compacted away only above 64 — in one block
that takes a fraction of a second. With 8, the first 300-replication run of every scenario after the warm-up
still compiled: 10.0 s of CPU for the first runs against 0.9 s for the second (taiwan_base 8.8 s), and each Dask
worker of a first main job paid that again."""


def warm(replications: int = WARMUP_REPLICATIONS, seed: int = 0) -> list[str]:
    """Simulate every scenario of the packaged data briefly; returns the scenarios run."""
    ds = load_dataset().dataset
    done = []
    for sid in ds.scenarios:
        simulate_arrays(build_setup(ds, sid), replications, seed)
        done.append(sid)
    return done


def main() -> None:
    start = time.perf_counter()
    done = warm()
    print(f"campaign kernels compiled and cached: {len(done)} scenarios in {time.perf_counter() - start:.1f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
