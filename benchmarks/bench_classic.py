"""Throughput of the classic stochastic models on one core.

Run:  python benchmarks/bench_classic.py [--repeats N] [--strict]

(a) stochastic Hughes salvo battle of the Tiah (2007) A3 worked example, 2 salvos;
    target >= 1,000,000 replications/s.
(b) stochastic Lanchester square law, A0=100, B0=80, alpha=beta=0.01 per step (dt = 1 day),
    fought to annihilation; target >= 100,000 replications/s.

Figures are replications per second of wall time for whole calls (table set-up is warmed up
once first), median over repeats; ``--strict`` exits with status 1 if a target is missed.
"""

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ[_var] = "1"  # must happen before numpy is imported

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402

try:
    from positivesum.sim.classic import SalvoSide, stochastic_salvo_battle, stochastic_square_law
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from positivesum.sim.classic import SalvoSide, stochastic_salvo_battle, stochastic_square_law

SEED = 20240601


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def salvo_case(replications: int, rng: np.random.Generator) -> None:
    kw = dict(scouting=0.6, launch_reliability=0.9, hit_probability=0.7, intercept_probability=0.68)
    blue, red = SalvoSide(4, 8, 6, 1.5, **kw), SalvoSide(12, 4, 2, 1, **kw)
    stochastic_salvo_battle(blue, red, n_salvos=2, replications=replications, rng=rng)


def square_case(replications: int, rng: np.random.Generator) -> None:
    r = stochastic_square_law(100, 80, 0.01, 0.01, dt_days=1.0, replications=replications, rng=rng)
    assert np.all((r.a == 0) | (r.b == 0)), "not fought to annihilation"


def measure(case, replications: int, repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(SEED)
    case(1000, rng)  # warm-up: builds and caches the binomial tables
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        case(replications, rng)
        rates.append(replications / (time.perf_counter() - start))
    return statistics.median(rates), max(rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    pinned = pin_to_one_core()

    cases = [
        ("salvo, Tiah A3, 2 salvos", salvo_case, 1_000_000, 1_000_000),
        ("square law 100 v 80, to annihilation", square_case, 100_000, 100_000),
    ]
    print(f"platform : {platform.platform()}")
    print(f"cpu      : {cpu_model()} ({pinned}; {os.cpu_count()} logical CPUs on host)")
    print(
        f"python   : {platform.python_version()}  numpy {np.__version__}  "
        f"scipy {scipy.__version__}  threads=1  seed={SEED}  repeats={args.repeats}"
    )
    print()
    header = f"{'benchmark':<38} {'reps/call':>10} {'median reps/s':>14} {'best reps/s':>12} {'target':>10}  result"
    print(header)
    print("-" * len(header))
    ok = True
    for name, case, reps, target in cases:
        median, best = measure(case, reps, args.repeats)
        passed = median >= target
        ok &= passed
        print(f"{name:<38} {reps:>10,} {median:>14,.0f} {best:>12,.0f} {target:>10,}  {'PASS' if passed else 'FAIL'}")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
