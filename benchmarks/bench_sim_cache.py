"""Benchmark of the simulation cache (sim/cache.py; not a test): ms per ``key`` and per ``store`` + ``load``,
the working tree's code against an earlier commit's, side by side in one run.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sim_cache.py [--reps 300] [--rounds 7] [--traced] [--base REV]

The set-ups of every default scenario are built, and each is simulated once (``--reps`` replications, seed 1,
untraced unless ``--traced``) for the arrays to store. The old code is ``git show REV:src/positivesum/sim/cache.py``
(``--base``, default ``7f5b8f7``: the last commit with one zip member per array and the recursive key walk)
loaded as a module beside the package (so its relative imports resolve). Each round times every scenario with the old code then the new, alternating, each
``store`` into a fresh temporary directory activated with ``cache.activated`` (as the cold main job writes new
entries), then a ``load`` of each; the figures are the best round's mean per call (ms), which is the least
disturbed by other processes. The loaded arrays are checked against the stored ones.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

from positivesum.model.loader import load_dataset  # noqa: E402
from positivesum.sim import cache  # noqa: E402
from positivesum.sim.runner import simulate_arrays  # noqa: E402
from positivesum.sim.setup import build_setup  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def committed_cache(tmp: Path, base: str = "7f5b8f7") -> ModuleType:
    """The cache module as committed at ``base``, importable as ``positivesum.sim._cache_head``."""
    source = subprocess.run(
        ["git", "show", f"{base}:src/positivesum/sim/cache.py"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    path = tmp / "cache_head.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("positivesum.sim._cache_head", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_keys(module: ModuleType, setups: list, reps: int) -> float:
    start = time.perf_counter()
    for setup in setups:
        module.key(setup, reps, 1, True)
    return (time.perf_counter() - start) / len(setups)


def time_entries(module: ModuleType, results: list, check: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as directory, module.activated(Path(directory)):
        start = time.perf_counter()
        for i, (arrays, trace) in enumerate(results):
            module.store(f"{i:064x}", arrays, trace)
        stored = time.perf_counter()
        loaded = [module.load(f"{i:064x}") for i in range(len(results))]
        end = time.perf_counter()
    if check:
        for (arrays, trace), hit in zip(results, loaded):
            assert hit is not None
            for want, have in zip((arrays, trace), hit):
                assert list(want) == list(have)
                for name, value in want.items():
                    assert have[name].dtype == value.dtype and have[name].shape == value.shape, name
                    np.testing.assert_array_equal(have[name], value, err_msg=name)
    return (stored - start) / len(results), (end - stored) / len(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--traced", action="store_true", help="store the per-step trace too (~45 more arrays)")
    parser.add_argument("--base", default="7f5b8f7", help="the commit whose cache.py is the old code")
    args = parser.parse_args()

    dataset = load_dataset().dataset
    setups = [build_setup(dataset, scenario) for scenario in dataset.scenarios]
    results = [simulate_arrays(setup, args.reps, 1, traced=args.traced) for setup in setups]
    members = np.mean([len(a) + len(t) for a, t in results])
    size = np.mean([sum(v.nbytes for v in (*a.values(), *t.values())) for a, t in results]) / 1e3
    print(f"{len(setups)} scenarios, {args.reps} replications, {members:.0f} arrays ({size:.0f} kB) per entry")

    with tempfile.TemporaryDirectory() as tmp:
        old = committed_cache(Path(tmp), args.base)
        modules = {"old": old, "new": cache}
        best: dict[tuple[str, str], float] = {}
        for round_ in range(args.rounds):
            for name, module in modules.items():
                figures = {"key": time_keys(module, setups, args.reps)}
                figures["store"], figures["load"] = time_entries(module, results, check=round_ == 0)
                for what, seconds in figures.items():
                    best[name, what] = min(best.get((name, what), float("inf")), seconds)

    print(f"{'ms per call':<14}{'old':>9}{'new':>9}{'old/new':>9}")
    for what in ("key", "store", "load", "store+load"):
        o, n = (
            best[name, "store"] + best[name, "load"] if what == "store+load" else best[name, what]
            for name in ("old", "new")
        )
        print(f"{what:<14}{o * 1e3:>9.3f}{n * 1e3:>9.3f}{o / n:>9.1f}")


if __name__ == "__main__":
    sys.exit(main())
