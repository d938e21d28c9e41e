"""Calibration, visible: run the CSIS sets and compare them with the published results.

Each set is a named override of the data (data/calibration.yaml) run on one scenario: the CSIS 2023 base,
pessimistic and optimistic sets on ``taiwan_base`` and the CSIS 2025 blockade game on ``taiwan_blockade``
(reference/calibration.md §1, §5, §6). The result lists every target with the CSIS value, the model's value
with its 95% interval, the accepted band and pass/fail (targets and bands: :mod:`positivesum.sim.calibration`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import defaults
from ..model.errors import InputError, Location, Problem, suggest
from ..sim.results import json_safe
from .data import load
from .simulate import simulate
from .validation import check_reps, check_seed, check_workers

#: Calibration sets in the order they run (the optimistic set is compared with the base set's result).
SET_ORDER = ("base", "pessimistic", "optimistic", "blockade")


def calibrate(
    data: list[Path] | None = None,
    overrides: list[str] | None = None,
    sets: list[str] | None = None,
    *,
    names: list[str] | None = None,
    reps: int = defaults.REPORT_REPS,
    seed: int = defaults.SEED,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Run the chosen calibration sets (all by default) and return their rows, grades and a pass count.

    ``overrides`` and ``sets`` (``--override``, ``--set``) apply to every set, before its own override.
    ``progress(set_name, n)`` is called as replications finish.
    """
    from ..sim.calibration import SETS, TOLERANCE_FACTOR, set_rows
    from ..sim.setup import build_setup

    check_reps(reps)
    check_seed(seed)
    check_workers(workers)
    chosen = list(names) if names else list(SET_ORDER)
    unknown = [n for n in chosen if n not in SETS]
    if unknown:
        raise InputError(
            [Problem(Location("--only", 0), n, "no calibration set of that name", suggest(n, SETS)) for n in unknown]
        )
    order = [n for n in SET_ORDER if n in chosen or (n == "base" and "optimistic" in chosen)]
    results: dict[str, Any] = {}
    out_sets: dict[str, Any] = {}
    for name in order:
        override, scenario = SETS[name]
        ld = load(data, list(overrides or []) + [override], sets)

        def tick(n: int, name: str = name) -> None:
            if progress:
                progress(name, n)

        # --workers 1 (the default): in this process; more: a local Dask cluster of that many (services/executor.py)
        result = simulate(ld, scenario, reps, seed, workers if workers > 1 else 0, progress=tick)
        setup = build_setup(ld.dataset, scenario)
        results[name] = result
        try:
            rows = set_rows(name, result, setup, results.get("base"))
        except (KeyError, IndexError) as err:  # the targets name the default dataset's actors and classes
            raise InputError(
                [
                    Problem(
                        Location("--data", 0),
                        name,
                        f"the calibration targets need the default dataset's actors and classes ({err})",
                        "run calibrate on the packaged data or a dataset that imports it",
                    )
                ]
            ) from None
        if name not in chosen:
            continue
        summary = result.summary()
        out_sets[name] = {
            "override": override,
            "scenario": scenario,
            "replications": reps,
            "grades": summary["grades"],
            "outcomes": summary["outcomes"],
            "decided_day": summary["decided_day"],
            "campaign_days": summary["campaign_days"],
            "rows": rows,
        }
    rows_all = [r for s in out_sets.values() for r in s["rows"]]
    return json_safe(
        {
            "seed": seed,
            "replications": reps,
            "tolerance_factor": TOLERANCE_FACTOR,
            "sets": out_sets,
            "rows": rows_all,
            "passed": sum(1 for r in rows_all if r["ok"]),
            "total": len(rows_all),
        }
    )
