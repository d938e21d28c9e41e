"""Independent simulations of one scenario at one seed, run as stacks (sim/stack.py) through a study's ``SimMap``.

The planning studies hand their simulations to a :data:`.surrogate.SimMap` as units (a scenario, its levels or
item, replications, seed). Units of one scenario with the same replications and seed differ only in their
forces and stocks, so they can share the engine's blocks: :func:`map_stacked` groups them, in the order given,
into tasks of at most :data:`TASK_REPS` replications, maps a stack function over the tasks and hands back one
result per unit, in the order of the units. The grouping is a pure function of the units, so the numbers do
not depend on where or in what order the tasks run (decision record 0018).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

#: The studies' map (plan/surrogate.py ``SimMap``): ``sim_map(fn, items, progress, weight, shared=…)``.
SimMap = Callable[..., list[Any]]

#: Replications of one task (its units' sum): four of the engine's stacked blocks (sim/stack.py STACK_REPS), so
#: that a batch still makes enough tasks to keep two workers busy to its end.
TASK_REPS = 2048


@dataclass(frozen=True)
class Stack:
    """Units run by one task: the same scenario, replications and seed."""

    units: tuple[Any, ...]
    cost: float = 1.0
    """Replication-steps of all its units: the order of the tasks on a cluster (longest first)."""


def stack_key(unit: Any) -> Hashable:
    """Units that may share blocks: the same scenario, replications and seed (and score weight)."""
    return (unit.scenario, unit.reps, unit.seed, getattr(unit, "stalemate_weight", None))


def stacks(units: Sequence[Any], task_reps: int = TASK_REPS) -> list[tuple[Stack, list[int]]]:
    """The tasks for ``units`` and, for each, the positions of its units: units grouped by :func:`stack_key` in
    the order of their first appearance, each group cut in order into tasks of at most ``task_reps``
    replications (one unit at least)."""
    groups: dict[Hashable, list[int]] = {}
    for i, unit in enumerate(units):
        groups.setdefault(stack_key(unit), []).append(i)
    out: list[tuple[Stack, list[int]]] = []
    for members in groups.values():
        per_task = max(1, task_reps // max(1, int(units[members[0]].reps)))
        for start in range(0, len(members), per_task):
            chunk = members[start : start + per_task]
            cost = float(sum(getattr(units[i], "cost", 1.0) for i in chunk))
            out.append((Stack(tuple(units[i] for i in chunk), cost), chunk))
    return out


def map_stacked(
    sim_map: SimMap,
    fn: Callable[[Any, Stack], list[Any]],
    units: Sequence[Any],
    progress: Callable[[int], None] | None,
    weight: Callable[[Any], int],
    shared: Any,
) -> list[Any]:
    """``fn(shared, stack)`` (one result per unit of the stack) over the stacks of ``units`` through ``sim_map``;
    the results in the order of ``units``; ``progress`` counts each unit's ``weight``."""
    tasks = stacks(units)
    results = sim_map(
        fn, [task for task, _ in tasks], progress, lambda task: sum(weight(u) for u in task.units), shared=shared
    )
    out: list[Any] = [None] * len(units)
    for (_, positions), values in zip(tasks, results):
        for i, value in zip(positions, values, strict=True):
            out[i] = value
    return out
