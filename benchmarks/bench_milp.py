"""Benchmark of the planning MILP (not a test): build and solve time and peak memory, new build vs the old one.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_milp.py [--options 1200 2400] [--legacy 1200] [--gap 0.01]
      [--surrogate FILE] [--check-same-model]
``--legacy`` needs linopy, the ``bench`` extra (``pip install -e ".[bench]"``; ``make bench`` installs it).

Each measurement runs in a fresh child process pinned to CPU 0 (``--child``), which prepares the inputs, then
builds and solves one model and reports wall and CPU seconds of the build and of the solve, and the peak
resident memory of the process (``resource.getrusage`` ``ru_maxrss``: the whole process, Python, NumPy and
HiGHS included; the peak before the build is printed too). The *new* path is the package's planner
(plan/milp.py: sparse build, HiGHS through highspy, certified by the LP relaxation bound or by branch and
bound); the *old* path is the frozen linopy build of benchmarks/legacy_milp.py, solved through linopy as
before issue 15. CPU seconds are printed because the reference machine is shared: wall time on a busy
machine is longer, CPU time barely changes.

Targets (issue 15): 1,200 options × 3 actors × 10 years to a certified 1% gap in at most 5 s (build +
solve) and 0.5 GB; 2,400 options in at most 10 s. ``--check-same-model`` also writes both models as LP text
at the first size and checks that they have the same rows, coefficients, bounds and objective (slow: the
linopy LP writer takes a minute or more per model).

The catalogue is the packaged one (217 options) replicated until it has ``--options`` options
(the last replica partial): every copy keeps its category, personnel, lead time and the shape of
its cost profile, with costs scaled by one factor drawn in [0.7, 1.3] and capability levels
(option_levels of the real options) by another; prerequisites and exclusions link options of the
same copy. Eligible actors are mapped onto USA, JPN and TWN (KOR → TWN). Money for new options
and manning headroom come from the default planning section for those three actors, industrial
limits (if the planner has them) count every copy's added production against the same headroom,
and scenario participation is the data's.

The surrogate is synthetic by default: 4 breakpoints (0, 0.5, 1, 2), concave non-decreasing
pieces drawn per scenario and area, fitted to nothing. The MILP's size and structure (binaries per
actor, option and start year; budget, personnel, prerequisite, exclusion and industry rows; one
hypograph row per scenario, area and piece) do not depend on the values, but the solve time does,
a lot: in the synthetic surrogate every scenario can still gain in every area, so many portfolios
are nearly as good and the search is hard, whereas in a fitted one several scenarios are already
at full deterrence and several areas are worth nothing. The synthetic case is therefore a pessimistic
one. ``--surrogate`` takes a fitted surrogate from the CLI's cache (``.positivesum-cache/surrogate-*.json``)
instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
os.environ.setdefault("TQDM_DISABLE", "1")  # linopy's progress bars while it hands the model to HiGHS

ACTORS = ("USA", "JPN", "TWN")
ACTOR_MAP = {"USA": "USA", "JPN": "JPN", "TWN": "TWN", "KOR": "TWN"}
LEVELS = (0.0, 0.5, 1.0, 2.0)
TARGET_S = {1200: 5.0, 2400: 10.0}  # build + solve to a certified gap (issue 15)
TARGET_PEAK_MB = {1200: 512.0}


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def synthetic_surrogate(scenarios, areas, seed):
    import numpy as np

    from positivesum.plan.surrogate import Surrogate

    rng = np.random.default_rng(seed)
    levels = np.array(LEVELS)
    base, values = {}, {}
    for s in scenarios:
        base[s] = float(rng.uniform(0.2, 0.8))
        values[s] = {}
        for m in areas:
            slopes = rng.uniform(0.01, 0.2) * np.cumprod(np.r_[1.0, rng.uniform(0.3, 0.9, len(levels) - 2)])
            values[s][m] = np.r_[0.0, np.cumsum(slopes * np.diff(levels))]
    return Surrogate(list(scenarios), list(areas), levels, base, values, {}, reps=0, seed=seed)


def replicated_inputs(n_options: int, seed: int, surrogate_file: Path | None):
    """PlanInputs for the joint regime over a catalogue replicated to ``n_options`` options."""
    import numpy as np

    from positivesum.model.loader import load_dataset
    from positivesum.plan import workflow
    from positivesum.plan.catalogue import CatalogueArrays, build_catalogue
    from positivesum.plan.levers import option_levels
    from positivesum.plan.milp import PlanInputs
    from positivesum.plan.surrogate import Surrogate

    ds = load_dataset().dataset
    pp = ds.planning
    horizon, base_year = int(pp.horizon_years.value), int(pp.base_year.value)
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    areas = list(ds.mission_areas)
    if surrogate_file:
        sur = Surrogate.from_dict(json.loads(surrogate_file.read_text(encoding="utf-8")))
    else:
        sur = synthetic_surrogate(scenarios, areas, seed)
    real_ids = list(ds.options)
    n_real = len(real_ids)
    # the real catalogue's arrays, for every actor that may buy anything (then mapped to three)
    real = build_catalogue(ds, ["USA", "JPN", "TWN", "KOR"], horizon)
    q_real = option_levels(ds, real_ids, sur.areas)
    eligible_real = np.zeros((n_real, len(ACTORS)), dtype=bool)
    for i, oid in enumerate(real_ids):
        for a in ds.options[oid].eligible_actors:
            if a in ACTOR_MAP:
                eligible_real[i, ACTORS.index(ACTOR_MAP[a])] = True

    rng = np.random.default_rng(seed)
    rows = [(r, i) for r in range(-(-n_options // n_real)) for i in range(n_real)][:n_options]
    cost_f = rng.uniform(0.7, 1.3, len(rows))
    effect_f = rng.uniform(0.7, 1.3, len(rows))
    ids = [f"{real_ids[i]}~{r}" for r, i in rows]
    where = {(r, i): k for k, (r, i) in enumerate(rows)}
    src = np.array([i for _, i in rows])
    prereq = tuple(
        (where[(r, o)], where[(r, p)])
        for r in range(rows[-1][0] + 1)
        for o, p in real.prerequisites
        if (r, o) in where and (r, p) in where
    )
    excl = tuple(
        sorted(
            (where[(r, o)], where[(r, e)])
            for r in range(rows[-1][0] + 1)
            for o, e in real.exclusions
            if (r, o) in where and (r, e) in where
        )
    )
    fields = {
        "option_ids": tuple(ids),
        "actors": ACTORS,
        "horizon_years": horizon,
        "eligible": eligible_real[src],
        "cost_musd": real.cost_musd[src] * cost_f[:, None, None],
        "in_service": real.in_service[src],
        "personnel": real.personnel[src],
        "lead_years": real.lead_years[src],
        "prerequisites": prereq,
        "exclusions": excl,
        "categories": tuple(real.categories[i] for i in src),
        "mission_areas": tuple(real.mission_areas[i] for i in src),
    }
    if hasattr(real, "lifecycle_cost_musd"):
        fields["lifecycle_cost_musd"] = real.lifecycle_cost_musd[src] * cost_f[:, None]
    cat = CatalogueArrays(**fields)
    budgets, _ = workflow.budget_matrix(ds, list(ACTORS), horizon, base_year)
    headroom, _ = workflow.headroom_matrix(ds, list(ACTORS), horizon, base_year)
    extra = {}
    if hasattr(workflow, "production_limits"):
        limits = workflow.production_limits(ds, list(ACTORS), real_ids, horizon)
        extra["production_limits"] = {
            key: (added[src], headroom_rounds) for key, (added, headroom_rounds) in limits.items()
        }
    inp = PlanInputs(
        cat=cat,
        q=q_real[src] * effect_f[:, None],
        sur=sur,
        weights={s: ds.scenarios[s].weight.value for s in sur.scenarios},
        budget_musd=budgets,
        personnel_headroom=headroom,
        participation=workflow.participation(ds, sur.scenarios, list(ACTORS)),
        pooled_budget=True,
        **extra,
    )
    return inp, n_real, rows[-1][0] + 1


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def child(path: str, n_options: int, gap: float, time_limit: float, seed: int, surrogate: Path | None) -> dict:
    """One measurement in this (fresh) process: prepare inputs, build, solve, extract; numbers as a dict."""
    os.sched_setaffinity(0, {0})
    inp, n_real, copies = replicated_inputs(n_options, seed, surrogate)
    before_mb = _peak_mb()
    c0, t0 = time.process_time(), time.perf_counter()
    if path == "new":
        from positivesum.plan.milp import build, extract, solve

        model, v = build(inp)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import legacy_milp

        model, v = legacy_milp.build(inp)
    c1, t1 = time.process_time(), time.perf_counter()
    if path == "new":
        status = solve(model, gap=gap, time_limit_s=time_limit)
        plan = extract(model, v, inp, status)
        res = model.result
        size = {"columns": model.n_cols, "rows": model.n_rows, "nonzeros": int(model.matrix().nnz)}
        cert = {"objective": res.objective, "bound": res.best_bound, "gap": res.gap, "certified_by": res.certified_by}
    else:
        status = legacy_milp.solve(model, gap=gap, time_limit_s=time_limit)
        plan = legacy_milp.extract(model, v, inp, status)
        highs = model.solver_model
        info = highs.getInfo()
        size = {"columns": highs.getNumCol(), "rows": highs.getNumRow(), "nonzeros": highs.getNumNz()}
        cert = {
            "objective": info.objective_function_value,
            "bound": info.mip_dual_bound,
            "gap": info.mip_gap,
            "certified_by": "branch and bound",
        }
    c2, t2 = time.process_time(), time.perf_counter()
    cat = inp.cat
    return {
        "path": path,
        "options": len(cat.option_ids),
        "copies": copies,
        "n_real": n_real,
        "links": [len(cat.prerequisites), len(cat.exclusions), len(inp.production_limits)],
        "money_musd": float(inp.budget_musd.sum()),
        "build_s": t1 - t0,
        "build_cpu_s": c1 - c0,
        "solve_s": t2 - t1,
        "solve_cpu_s": c2 - c1,
        "peak_before_build_mb": before_mb,
        "peak_mb": _peak_mb(),
        "status": list(status),
        "chosen": len(plan.choices),
        "deterrence": plan.weighted_deterrence,
        **size,
        **cert,
    }


def same_model(n_options: int, seed: int, surrogate: Path | None) -> str:
    """Both builds written as LP text and compared row by row (names, coefficients, senses, right-hand sides,
    objective, bounds, binaries), with a relative tolerance of 1e-9 on every number."""
    import re
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import legacy_milp
    from positivesum.plan.milp import build

    label = re.compile(r"#\d+")

    def parse(text: str) -> tuple:
        obj, rows, bounds, binary, section, row = {}, {}, {}, set(), "", ""
        sense = ""
        for raw in text.splitlines():
            line = label.sub("", raw).strip()
            if not line or line == "obj:":
                continue
            if line in ("max", "min"):
                section, sense = "obj", line
                continue
            if line in ("s.t.", "bounds", "binary", "general", "end"):
                section = line
                continue
            if section == "obj":
                c, var = line.split()
                obj[var] = obj.get(var, 0.0) + float(c)
            elif section == "s.t." and line.endswith(":"):
                row = line[:-1]
                rows[row] = [{}, "", 0.0]
            elif section == "s.t.":
                a, b = line.split()
                if a in ("<=", ">=", "="):
                    rows[row][1], rows[row][2] = a, float(b)
                else:
                    rows[row][0][b] = rows[row][0].get(b, 0.0) + float(a)
            elif section == "bounds":
                t = line.split()
                bounds[t[2]] = (float(t[0]), float(t[4]))
            elif section == "binary":
                binary.add(line)
        return obj, rows, bounds, binary, sense

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))

    inp, _, _ = replicated_inputs(n_options, seed, surrogate)
    new = parse(build(inp)[0].lp_text())
    old_model, _ = legacy_milp.build(inp)
    with tempfile.TemporaryDirectory() as tmp:
        old_model.to_file(Path(tmp) / "old.lp", io_api="lp", explicit_coordinate_names=True)
        old = parse((Path(tmp) / "old.lp").read_text(encoding="utf-8"))
    problems = []
    if old[4] != new[4] or old[0].keys() != new[0].keys():
        problems.append("objective sense or variables differ")
    problems += [f"objective {k}" for k in old[0] if k in new[0] and not close(old[0][k], new[0][k])]
    if old[1].keys() != new[1].keys():
        problems.append(f"rows differ: {sorted(set(old[1]) ^ set(new[1]))[:5]}")
    for name, (terms, sense, rhs) in old[1].items():
        if name in new[1]:
            t2, s2, r2 = new[1][name]
            if sense != s2 or not close(rhs, r2) or terms.keys() != t2.keys():
                problems.append(f"row {name}")
            elif not all(close(terms[k], t2[k]) for k in terms):
                problems.append(f"row {name} coefficients")
    if old[2] != new[2] or old[3] != new[3]:
        problems.append("bounds or binaries differ")
    n_terms = sum(len(t) for t, _, _ in old[1].values())
    verdict = "SAME MODEL" if not problems else "DIFFERENT: " + "; ".join(problems[:10])
    return f"{verdict} ({len(old[1]):,} rows, {n_terms:,} terms, {len(old[2]) + len(old[3]):,} variables compared)"


def run_child(path: str, n: int, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", path, "--options", str(n), "--gap", str(args.gap)]
    cmd += ["--time-limit", str(args.time_limit), "--seed", str(args.seed)]
    if args.surrogate:
        cmd += ["--surrogate", str(args.surrogate)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {path} {n} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", type=int, nargs="+", default=[1200, 2400])
    parser.add_argument("--legacy", type=int, nargs="*", default=[1200], help="sizes to time the old linopy path at")
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=300.0, help="HiGHS time limit (s)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--surrogate", type=Path, default=None, help="a fitted surrogate (JSON from the CLI's cache)")
    parser.add_argument("--check-same-model", action="store_true", help="compare both builds' LP text (slow)")
    parser.add_argument("--child", choices=["new", "old"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.options[0], args.gap, args.time_limit, args.seed, args.surrogate)))
        return

    from importlib import metadata

    import linopy
    import numpy

    print(f"platform : {platform.platform()}")
    print(
        f"cpu      : {cpu_name()} (children pinned to CPU 0; {os.cpu_count()} logical CPUs; load {os.getloadavg()[0]:.1f})"
    )
    print(
        f"python   : {platform.python_version()}  numpy {numpy.__version__}  linopy {linopy.__version__}  "
        f"highspy {metadata.version('highspy')}  threads=1"
    )
    print(
        f"surrogate: {'fitted: ' + str(args.surrogate) if args.surrogate else 'synthetic concave'}; gap {args.gap:.2%}\n"
    )
    runs = []
    for n in args.options:
        for path in ("new", "old") if n in (args.legacy or []) else ("new",):
            r = run_child(path, n, args)
            runs.append(r)
            if path == "new":
                links = r["links"]
                print(
                    f"{r['options']:,} options ({r['n_real']} real × {r['copies']} copies): {r['columns']:,} columns, "
                    f"{r['rows']:,} rows, {r['nonzeros']:,} non-zeros; {links[0]} prerequisite and {links[1]} "
                    f"exclusion links, {links[2]} industrial limits; {r['money_musd']:,.0f} M USD"
                )
    print()
    head = f"{'options':>7} {'path':>4} {'build s':>8} {'solve s':>8} {'total s':>8} {'(cpu s)':>8} {'peak MB':>8} {'pre MB':>7}"
    print(head + f" {'status':>10} {'gap':>7} {'certified by':>17} {'objective':>9} {'bound':>9}  target")
    for r in runs:
        total, cpu = r["build_s"] + r["solve_s"], r["build_cpu_s"] + r["solve_cpu_s"]
        target = ""
        if r["path"] == "new" and r["options"] in TARGET_S:
            limit_s, limit_mb = TARGET_S[r["options"]], TARGET_PEAK_MB.get(r["options"], float("inf"))
            certified = r["status"][1] == "optimal" and r["gap"] is not None and r["gap"] <= args.gap + 1e-12
            ok_time = certified and total <= limit_s
            ok_cpu = certified and cpu <= limit_s
            ok_mem = r["peak_mb"] <= limit_mb
            target = f"≤ {limit_s:g} s: {'PASS' if ok_time else 'MISS'} (CPU: {'PASS' if ok_cpu else 'MISS'})" + (
                f"; ≤ {limit_mb:g} MB: {'PASS' if ok_mem else 'MISS'}" if limit_mb < float("inf") else ""
            )
        print(
            f"{r['options']:>7,} {r['path']:>4} {r['build_s']:>8.2f} {r['solve_s']:>8.2f} {total:>8.2f} {cpu:>8.2f} "
            f"{r['peak_mb']:>8.0f} {r['peak_before_build_mb']:>7.0f} {r['status'][1]:>10} {r['gap']:>7.3%} "
            f"{r['certified_by']:>17} {r['objective']:>9.5f} {r['bound']:>9.5f}  {target}"
        )
    for n in sorted(set(args.options) & set(args.legacy or [])):
        new = next(r for r in runs if r["options"] == n and r["path"] == "new")
        old = next(r for r in runs if r["options"] == n and r["path"] == "old")
        print(
            f"\n{n:,} options, old / new: build {old['build_s'] / new['build_s']:,.0f}×, "
            f"build + solve {(old['build_s'] + old['solve_s']) / (new['build_s'] + new['solve_s']):,.1f}×, "
            f"peak memory {old['peak_mb'] / new['peak_mb']:,.1f}×"
        )
    if args.check_same_model:
        print(f"\nsame model at {args.options[0]:,} options: {same_model(args.options[0], args.seed, args.surrogate)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
