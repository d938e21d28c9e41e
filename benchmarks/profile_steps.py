"""Profile of the campaign engine's step loop (not a test): where the time of one scenario goes.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/profile_steps.py [--scenario taiwan_base] [--reps 200] [--rounds 5]
      [--sort tottime] [--top 40] [--lines campaign.run_block,fires.fixed_target_strikes]

Prints the best CPU time of ``--rounds`` runs of ``simulate_setup`` (after a warm-up run that compiles the kernels),
then a cProfile of one more run sorted by ``--sort``. ``--lines`` (needs line_profiler) times the lines of the named
functions of ``positivesum.sim`` instead (``module.function`` or ``module.Class.method``). The machine is shared:
repeat, or compare two trees alternately, before trusting a difference of a few per cent.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="taiwan_base")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--lines", default="", help="comma-separated functions of positivesum.sim to line-profile")
    args = parser.parse_args()

    from positivesum.model.loader import load_dataset
    from positivesum.sim.runner import simulate_setup
    from positivesum.sim.setup import build_setup

    setup = build_setup(load_dataset().dataset, args.scenario)
    simulate_setup(setup, 256, 0)  # warm-up: imports, compiled kernels
    times = []
    for _ in range(args.rounds):
        start = time.process_time()
        simulate_setup(setup, args.reps, args.seed)
        times.append(time.process_time() - start)
    print(f"{args.scenario}: {args.reps} replications, best {min(times):.4f} s of {args.rounds}")
    if args.lines:
        from line_profiler import LineProfiler

        lp = LineProfiler()
        for name in args.lines.split(","):
            module, *path = name.split(".")
            obj = importlib.import_module(f"positivesum.sim.{module}")
            for part in path:
                obj = getattr(obj, part)
            lp.add_function(obj)
        lp.enable_by_count()
        simulate_setup(setup, args.reps, args.seed)
        lp.disable_by_count()
        lp.print_stats(output_unit=1e-3, stripzeros=True)
        return
    profile = cProfile.Profile()
    profile.enable()
    simulate_setup(setup, args.reps, args.seed)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
