"""The briefing's sensitivity study: a small grouped Morris screening and scenario discovery on the base scenario.

What `positivesum report` shows in its sensitivity section (report/sections/sensitivity.py): which families of
assumptions move the headline measure of ``BRIEFING_SCENARIO`` (Morris μ* with intervals, families grouped so
the design stays a few seconds), and in which boxes of the scenario's own quantities deterrence by denial fails
(PRIM, :mod:`.discovery`). The methods and the choice of the failure condition: docs/methodology/sensitivity.md.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .. import defaults
from ..model.loader import LoadedDataset
from .discovery import discover, parse_condition
from .sensitivity import (
    BATCH_REPS,
    HEADLINE,
    MEASURES,
    MODEL_FORM,
    CampaignModel,
    explore,
    morris,
    select_factors,
)

BRIEFING_SCENARIO = "taiwan_base"
BRIEFING_TRAJECTORIES = 4
#: The briefing's failure condition: deterrence by denial fails at a design point when the defenders do not defeat
#: the invasion in at least half of its replications (the adversary wins, a stalemate, or no decision is more
#: likely than its defeat). On the default data it holds at about 4 in 10 points of the briefing's hypercube, while
#: outright adversary victory is rare (docs/methodology/sensitivity.md §4 for the choice).
BRIEFING_FAILURE = "adversary_defeat<0.5"
#: Points of the briefing's Latin hypercube for scenario discovery (one shared block of 32 replications each).
BRIEFING_POINTS = 64
#: Families varied as one group each in the briefing's design (each scenario and participant quantity, and the
#: model-form factor, is a factor of its own).
FAMILY_GROUPS = {
    "engine": "engine.* (other engine parameters)",
    "class": "class.* (capability class performance)",
    "effectiveness": "effectiveness.* (munition effectiveness)",
    "stock": "stock.* (stockpiles)",
    "count": "count.* (force counts)",
}


def briefing_study(
    ld: LoadedDataset, scenario_id: str = BRIEFING_SCENARIO, seed: int = defaults.SEED
) -> dict[str, Any] | None:
    """The briefing's sensitivity section: a grouped Morris screening of every range of the scenario's data and
    scenario discovery for :data:`BRIEFING_FAILURE` (the defenders fail to deny the adversary) on a Latin hypercube
    of :data:`BRIEFING_POINTS` points, with designs small enough for the main job (r = 4 trajectories over about 17
    groups: ~72 points, then 64, of 32 replications each, run side by side in shared blocks, a few seconds). None
    when the data has no such scenario or no engine."""

    from ..sim.setup import build_setup
    from .data import get_scenario

    if scenario_id not in ld.dataset.scenarios or ld.dataset.engine is None:
        return None
    get_scenario(ld, scenario_id)
    start = time.process_time()
    setup = build_setup(ld.dataset, scenario_id)
    chosen = select_factors(ld, scenario_id, setup)
    groups = [
        f.name
        if f.family in ("scenario", "participant") or f.name in MODEL_FORM
        else FAMILY_GROUPS.get(f.family, f.family)
        for f in chosen
    ]
    model = CampaignModel(setup, chosen, reps=BATCH_REPS, seed=seed, crn=False)
    result = morris(model, chosen, trajectories=BRIEFING_TRAJECTORIES, seed=seed, groups=groups)
    # discovery needs every factor moving at once: a Latin hypercube over all ranges, boxes on the single factors
    condition = parse_condition(BRIEFING_FAILURE, list(MEASURES))
    singles = [g for g in dict.fromkeys(groups) if g in {f.name for f in chosen}]
    x, y = explore(model, chosen, BRIEFING_POINTS, seed=seed)
    found = discover(x[singles], condition.holds(y[:, model.measures.index(condition.measure)]), str(condition))
    table = result.table(HEADLINE)
    members = {g: sum(1 for h in groups if h == g) for g in dict.fromkeys(groups)}
    return {
        "scenario": scenario_id,
        "measure": HEADLINE,
        "measure_label": MEASURES[HEADLINE],
        "factors": len(chosen),
        "groups": len(members),
        "trajectories": BRIEFING_TRAJECTORIES,
        "runs": int(result.meta["runs"]),
        "replications_per_point": BATCH_REPS,
        "seed": seed,
        "cpu_seconds": round(time.process_time() - start, 2),
        "model_form": dict(MODEL_FORM),
        "tornado": [
            {
                "factor": str(row["factor"]),
                "members": members.get(str(row["factor"]), 1),
                "mu_star": float(row["mu_star"]),
                "mu_star_conf": float(row["mu_star_conf"]),
                "mu": float(row["mu"]),
                # SALib leaves σ undefined (NaN) for a group of factors: only μ* is meaningful for groups
                # (Campolongo, Cariboni & Saltelli 2007). JSON has no NaN, so it is written as null.
                "sigma": None if not np.isfinite(row["sigma"]) else float(row["sigma"]),
            }
            for _, row in table.iterrows()
        ],
        "discovery": found.to_dict(),
        "discovery_points": BRIEFING_POINTS,
        "discovery_factors": singles,
    }
