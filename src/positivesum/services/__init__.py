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

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time each is imported at its first use (below)
    from .data import diff, get_scenario, list_entities, load, new_scenario_yaml, resolve_scenario, summary
    from .simulate import simulate

#: The re-exported operations and their modules, imported at first use rather than with the package: the command
#: line imports light modules of the package (``validation``, ``outputs``) to build its options, and importing the
#: dataset schema and the engine with them made every command, ``--help`` included, start in over a second.
_EXPORTS = {
    "diff": "data",
    "get_scenario": "data",
    "list_entities": "data",
    "load": "data",
    "new_scenario_yaml": "data",
    "resolve_scenario": "data",
    "summary": "data",
    "simulate": "simulate",
}

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
assert sorted(_EXPORTS) == __all__


def __getattr__(name: str) -> Any:
    """PEP 562: an operation of ``_EXPORTS``, imported from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package's module type. The import system binds every submodule it loads as an attribute of its package;
    the submodule ``simulate`` shares its name with the operation ``simulate`` exported here, and the operation
    must keep the name (``services.simulate(ld, "taiwan_base")``), as it did when it was imported eagerly after
    its module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
