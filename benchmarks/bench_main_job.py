"""Benchmark of the main job (not a test): `positivesum report` on the default data, cold then warm.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_main_job.py [--workers 2] [--stages]

Issue 15's targets: ≤ 90 s cold and ≤ 45 s warm on the 2-core reference machine, with identical results. The
cold run starts from an empty ``--cache-dir``; the warm run repeats the same command with the same cache (every
simulation, MILP solution and unit result found again). Each run is a fresh process, timed from outside (wall
clock and the children's CPU time, peak memory from ``ru_maxrss``). The two ``analysis.json`` files are compared
field by field; fields that measure the run itself (``reproducibility.date``, ``sensitivity.cpu_seconds``) are
expected to differ and are listed separately.

``--stages`` first runs the analysis once more, cold, in a child that records when each progress stage of
``build_analysis`` first and last reports (the stages run in three lanes side by side, docs/dask.md, so each
stage is a span of the run, and spans overlap), and the main process's CPU time; the README's per-stage figures
come from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

#: Fields that describe the run, not its results.
RUN_FIELDS = {"/reproducibility/date", "/sensitivity/cpu_seconds", "/reproducibility/command_line"}

STAGES = r"""
import json, sys, time
from pathlib import Path
from positivesum.services import data, report

t0 = time.perf_counter()
spans = {}  # stage -> [first report, last report] in seconds from the start

def say(step, done, total):
    now = time.perf_counter() - t0
    span = spans.setdefault(step, [now, now])
    span[1] = now

if __name__ == "__main__":
    ld = data.load()
    report.build_analysis(ld, progress=say, cache_dir=Path(sys.argv[1]), workers=int(sys.argv[2]))
    rows = [(name, start, end) for name, (start, end) in spans.items()]
    rows.append(("total", 0.0, time.perf_counter() - t0))
    print(json.dumps({"rows": rows, "main_cpu_s": time.process_time()}))
"""


def _run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, children's CPU seconds and peak memory (MB) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def _diff(a, b, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [path]
    if isinstance(a, dict):
        out = [f"{path}/{k}" for k in set(a) ^ set(b)]
        for k in set(a) & set(b):
            out += _diff(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, f"{path}[{i}]")]
    same = a == b or (isinstance(a, float) and a != a and b != b)
    return [] if same else [path]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--stages", action="store_true", help="also time the stages of one cold analysis")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "positivesum.cli"]
    print(
        f"# main job — {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {args.workers} Dask workers"
    )
    with tempfile.TemporaryDirectory(prefix="bench-main-") as tmp:
        root = Path(tmp)
        if args.stages:
            script = root / "stages.py"
            script.write_text(STAGES)
            out = subprocess.run(
                [sys.executable, str(script), str(root / "stage-cache"), str(args.workers)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            timed = json.loads(out.strip().splitlines()[-1])
            print(
                "\n| stage (cold; lanes overlap, so spans add up to more than the total) | from s | to s | span s |"
                "\n|---|---:|---:|---:|"
            )
            for name, start, end in timed["rows"]:
                print(f"| {name} | {start:.1f} | {end:.1f} | {end - start:.1f} |")
            print(f"\nmain process CPU: {timed['main_cpu_s']:.1f} s")
        runs = {}
        for label in ("cold", "warm"):
            cmd = exe + ["report", "--out", str(root / label), "--cache-dir", str(root / "cache"), "--quiet"]
            cmd += ["--workers", str(args.workers)]
            runs[label] = _run(cmd)
        a = json.loads((root / "cold" / "analysis.json").read_text(encoding="utf-8"))
        b = json.loads((root / "warm" / "analysis.json").read_text(encoding="utf-8"))
        differ = _diff(a, b)
    print(
        "\n| run | wall | CPU (all processes) | peak memory (largest process so far) | target |\n|---|---:|---:|---:|---|"
    )
    for label, target in (("cold", 90), ("warm", 45)):
        wall, cpu, mb = runs[label]
        verdict = "met" if wall <= target else "missed"
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {mb} MB | ≤ {target} s: {verdict} |")
    results = [d for d in differ if d not in RUN_FIELDS]
    print(
        f"\nanalysis.json cold vs warm: {'identical' if not results else 'DIFFERENT at ' + ', '.join(results[:10])}"
        f" (run fields that differ, as expected: {', '.join(sorted(set(differ) & RUN_FIELDS)) or 'none'})"
    )


if __name__ == "__main__":
    main()
