"""The services: the one API that the command line, notebooks and (later) the web workspace call.

One module per family of user operations; each takes plain arguments, returns plain data (dicts, lists,
result objects) and raises :class:`~positivesum.model.errors.InputError` for bad input:

* :mod:`.data` — load and validate a dataset, list, show, diff, new scenario files
* :mod:`.simulate` — simulate one scenario
* :mod:`.calibrate` — the CSIS calibration sets against the published results (`positivesum calibrate`)
* :mod:`.plan` — one regime's plan, the regime comparison and the cooperation dividend
* :mod:`.games` — cooperative games from files (`allocate`)
* :mod:`.alliance` — alliance studies: fair shares, intervention-level matrix, roles, command structures
* :mod:`.report` — the analysis behind the briefing, and the briefing's files
* :mod:`.validation` and :mod:`.outputs` — the checks of command values and the safe writing of results

The light operations are re-exported here for notebooks (``from positivesum import services``;
``services.simulate(services.load(), "taiwan_base")``); the planning, alliance and report modules load
the planner and the report stack, so import them by name when needed. Defaults: :mod:`positivesum.defaults`.
"""

from __future__ import annotations

from .data import diff, get_scenario, list_entities, load, new_scenario_yaml, resolve_scenario, summary
from .simulate import simulate

__all__ = [
    "diff",
    "get_scenario",
    "list_entities",
    "load",
    "new_scenario_yaml",
    "resolve_scenario",
    "simulate",
    "summary",
]
