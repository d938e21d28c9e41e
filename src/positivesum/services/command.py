"""The command-structure comparison: each structure's initial-response latency, its simulated outcomes with 95 %
intervals, its difference from the first structure (paired by replication), and whether every primary role of
each roles matrix has a command path (docs/methodology/alliance.md). `positivesum command` and the briefing."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from .. import defaults
from ..alliance.structures import domain_latencies_hours, initial_response_hours, role_command_problems
from ..model.errors import check_known
from ..model.loader import LoadedDataset, validate_tree
from ..plan.deterrence import RepScores, mean_interval, paired_difference
from ..plan.verify import score_scenario, weighted_mean
from .executor import map_ordered, replication_days
from .simulate import need_engine


def _scored_unit(datasets: dict[str, Any], args: tuple) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """One scenario's row with its intervals, and its per-replication deterrence and outer draws (module level,
    so that a Dask worker can run it); ``datasets`` (each structure's dataset) are sent once to each worker."""
    st_id, sid, factor, reps, seed, lam = args
    ds = datasets[st_id]
    scores: dict[str, RepScores] = {}
    row = score_scenario(
        ds, sid, threat_factor=factor, reps=reps, seed=seed, stalemate_weight=lam, detail=True, rep_out=scores
    )
    return row, scores[sid].deterrence, scores[sid].cluster


def check_command_options(
    ld: LoadedDataset,
    structures: list[str] | None = None,
    scenarios: list[str] | None = None,
    roles: list[str] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """``--structure`` and ``--scenario`` of the command-structure comparison (and its roles matrices), checked
    before any simulation; returns them with the defaults filled in (all structures, every weighted scenario,
    every roles matrix)."""
    ds = ld.dataset
    structures = structures or list(ds.command_structures)
    scenarios = scenarios or [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    roles = roles or list(ds.roles)
    for s in structures:
        check_known("command structure", s, list(ds.command_structures), "--structure")
    for s in scenarios:
        check_known("scenario", s, list(ds.scenarios), "--scenario")
    for r in roles:
        check_known("roles matrix", r, list(ds.roles), "--roles")
    need_engine(ld)
    return structures, scenarios, roles


def _weighted_interval(
    per_rep: dict[str, np.ndarray], weights: dict[str, float], cluster: np.ndarray | None
) -> dict[str, Any]:
    """Weighted deterrence with its 95 % interval, clustered by outer draw (plan/deterrence.py)."""
    total = sum(weights.get(s, 0.0) for s in per_rep) or 1.0
    values = sum((weights.get(s, 0.0) / total) * np.asarray(v, dtype=float) for s, v in per_rep.items())
    return mean_interval(np.asarray(values, dtype=float), cluster)


def command_comparison(
    ld: LoadedDataset,
    *,
    structures: list[str] | None = None,
    scenarios: list[str] | None = None,
    roles: list[str] | None = None,
    reps: int = defaults.ALLIANCE_REPS,
    seed: int = defaults.SEED,
    progress=None,
    client: Any = None,
) -> dict[str, Any]:
    """Each command structure's initial-response latency, simulated outcomes (common random numbers) with 95 %
    intervals, its weighted deterrence's difference from the first structure (paired by replication, with its
    interval), and whether every primary role in each roles matrix has a command path; the simulations run on
    ``client`` (a Dask client; None: in this process)."""
    ds = ld.dataset
    structures, scenarios, roles = check_command_options(ld, structures, scenarios, roles)
    lam = ds.planning.stalemate_weight.value if ds.planning else defaults.STALEMATE_WEIGHT
    weights = {s: ds.scenarios[s].weight.value for s in scenarios}

    allied = [a for a, act in ds.actors.items() if act.kind in ("ally", "partner")]
    units = []
    datasets: dict[str, Any] = {}
    for st_id in structures:
        tree = copy.deepcopy(ld.raw)
        for s in scenarios:
            tree["scenarios"][s]["command_structure"] = st_id
        datasets[st_id] = validate_tree(tree, ld.lines, files=list(ld.files)).dataset
        units += [(st_id, s, 1.0, reps, seed, lam) for s in scenarios]
    rows = iter(
        map_ordered(
            client,
            _scored_unit,
            units,
            progress,
            shared=datasets,
            cost=lambda unit: replication_days(ds, unit[1], unit[3]),
        )
    )
    out = []
    per_rep: dict[str, dict[str, np.ndarray]] = {}
    cluster = None
    for st_id in structures:
        st = ds.command_structures[st_id]
        by_scenario = {}
        per_rep[st_id] = {}
        for s in scenarios:
            by_scenario[s], per_rep[st_id][s], cluster = next(rows)
        initial = {}
        for a in allied:
            if any(n.actor == a for n in st.nodes.values()):
                hours, limiting = initial_response_hours(ds, st, a)
                initial[a] = {"hours": hours if math.isfinite(hours) else None, "limiting_domain": limiting}
        out.append(
            {
                "structure": st_id,
                "name": st.name.en,
                "name_ja": st.name.ja,
                "initial_response": initial,
                "domain_latency_hours": {
                    a: {d: (h if math.isfinite(h) else None) for d, h in v.items()}
                    for a, v in domain_latencies_hours(st).items()
                    if a in allied
                },
                "weighted_deterrence": weighted_mean({s: r["deterrence"] for s, r in by_scenario.items()}, weights),
                "weighted_deterrence_ci95": _weighted_interval(per_rep[st_id], weights, cluster)["ci95"],
                "scenarios": by_scenario,
                "role_command_problems": {r: role_command_problems(ds, st, ds.roles[r].roles) for r in roles},
            }
        )
    # Differences from the first structure, paired by replication (the same seed everywhere): the structure alone.
    reference = structures[0] if structures else None
    for row in out:
        if reference is not None and row["structure"] != reference:
            row["difference_from_reference"] = paired_difference(
                per_rep[row["structure"]], per_rep[reference], weights, cluster
            )
    return {
        "structures": out,
        "reference_structure": reference,
        "scenarios": scenarios,
        "roles": roles,
        "seed": seed,
        "replications": reps,
        "provenance": ld.provenance(),
    }
