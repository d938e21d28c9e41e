"""Calibration, visible: run the CSIS sets and compare them with the published results.

Each set is a named override of the data (data/calibration.yaml) run on one scenario: the CSIS 2023 base,
pessimistic and optimistic sets on ``taiwan_base`` and the CSIS 2025 blockade game on ``taiwan_blockade``
(reference/calibration.md §1, §5, §6). The result lists every target with the CSIS value, the model's value
with its 95% interval, the accepted band and pass/fail (targets and bands: :mod:`positivesum.sim.calibration`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import defaults
from ..model.errors import InputError, Location, Problem, suggest
from ..sim.results import json_safe
from .data import load
from .executor import client_for, map_ordered
from .simulate import simulate
from .validation import check_reps, check_seed, check_workers

#: Calibration sets in the order they run (the optimistic set is compared with the base set's result).
SET_ORDER = ("base", "pessimistic", "optimistic", "blockade")


@dataclass(frozen=True)
class _Inputs:
    """What every calibration unit shares: the user's data, overrides and --set values, replications, seed."""

    data: tuple[Path, ...] | None
    overrides: tuple[str, ...]
    sets: tuple[str, ...]
    reps: int
    seed: int


def _run_sets(inputs: _Inputs, names: tuple[str, ...]) -> dict[str, Any]:
    """One unit: simulate the sets ``names`` (in this process) and return each one's rows and summary, or
    ``{"error": ...}`` when the data lack the actors and classes the targets name. The optimistic set is
    compared with the base set's result, so the two run in one unit (module level, so that a Dask worker can
    unpickle it)."""
    from ..sim.calibration import SETS, set_rows
    from ..sim.setup import build_setup

    results: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for name in names:
        override, scenario = SETS[name]
        ld = load(list(inputs.data) if inputs.data else None, [*inputs.overrides, override], list(inputs.sets))
        result = simulate(ld, scenario, inputs.reps, inputs.seed)
        results[name] = result
        try:
            rows = set_rows(name, result, build_setup(ld.dataset, scenario), results.get("base"))
        except (KeyError, IndexError) as err:  # the targets name the default dataset's actors and classes
            return {"error": {"set": name, "reason": str(err)}}
        summary = result.summary()
        out[name] = json_safe(
            {
                "override": override,
                "scenario": scenario,
                "replications": inputs.reps,
                "grades": summary["grades"],
                "outcomes": summary["outcomes"],
                "decided_day": summary["decided_day"],
                "campaign_days": summary["campaign_days"],
                "rows": rows,
            }
        )
    return out


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
    client: Any = None,
) -> dict[str, Any]:
    """Run the chosen calibration sets (all by default) and return their rows, grades and a pass count.

    ``overrides`` and ``sets`` (``--override``, ``--set``) apply to every set, before its own override.
    ``progress(set_name, n)`` is called as a set's replications finish. The sets are independent units
    (:func:`.executor.map_ordered`): on ``client`` (the main job's cluster), else on a local cluster of
    ``workers`` processes when ``workers`` > 1, else here one after the other; the numbers are the same.
    """
    from ..sim.calibration import SETS, TOLERANCE_FACTOR

    check_reps(reps)
    check_seed(seed)
    check_workers(workers)
    chosen = list(names) if names else list(SET_ORDER)
    unknown = [n for n in chosen if n not in SETS]
    if unknown:
        raise InputError(
            [Problem(Location("--only", 0), n, "no calibration set of that name", suggest(n, SETS)) for n in unknown]
        )
    # the optimistic set's targets are relative to the base set's: the two run in one unit
    paired = "optimistic" in chosen
    units: list[tuple[str, ...]] = [
        ("base", "optimistic") if name == "optimistic" else (name,)
        for name in SET_ORDER
        if name in chosen and not (paired and name == "base")
    ]
    inputs = _Inputs(tuple(data) if data else None, tuple(overrides or []), tuple(sets or []), reps, seed)
    finished = iter(units)

    def tick(n: int) -> None:  # a unit finished: its sets' replications (in order here; in any order on a cluster)
        for name in next(finished, ()):
            if progress:
                progress(name, reps)

    with client_for(client, None, workers if workers > 1 else 0) as cluster:
        parts = map_ordered(cluster, _run_sets, units, tick, shared=inputs, weight=len)
    out_sets: dict[str, Any] = {}
    for part in parts:
        if "error" in part:
            raise InputError(
                [
                    Problem(
                        Location("--data", 0),
                        part["error"]["set"],
                        f"the calibration targets need the default dataset's actors and classes ({part['error']['reason']})",
                        "run calibrate on the packaged data or a dataset that imports it",
                    )
                ]
            )
        out_sets.update({name: value for name, value in part.items() if name in chosen})
    out_sets = {name: out_sets[name] for name in SET_ORDER if name in out_sets}
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
