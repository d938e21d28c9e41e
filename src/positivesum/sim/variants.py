"""The per-replication central counts of a stacked block: several variants of one scenario run as one block.

A planning study simulates one scenario many times over, each time with the allied (or the adversary's) forces
and stocks scaled (plan/levers.py). Such variants differ only in four central arrays of the set-up: each group's
``count0``, ``arrival_count`` and ``active_step`` and each pool's ``stock0``. Everything else the engine reads
per replication already (the outer loop's draws, the per-replication counts of ``state.Block._timing``), so a
block can hold the variants one after the other, each with its own rows of these four arrays, and pay the
fixed cost of the step loop once instead of once per variant (sim/stack.py; decision record 0018).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .setup import CampaignSetup

#: The group arrays in which variants of a scenario may differ (with the pools' ``stock0``): all that
#: ``plan.levers`` assigns when it scales a set-up.
VARIANT_GROUP_FIELDS = ("count0", "arrival_count", "active_step")


@dataclass(frozen=True)
class StackedRows:
    """The variants' central arrays, one row per replication of the stacked block (variant j's replications are
    rows ``j·reps_each … (j+1)·reps_each − 1``)."""

    variants: int
    reps_each: int
    total: dict[str, np.ndarray]  # (R, K) count0 + arrival_count of each variant, by domain
    active_step: dict[str, np.ndarray]  # (R, K) int64, the central active step (moved by the C2 lever)
    stock0: np.ndarray  # (R, pools) central stocks

    @classmethod
    def of(cls, setups: Sequence[CampaignSetup], reps_each: int) -> StackedRows:
        """The rows of ``setups`` (compatible variants of one scenario: sim/stack.py), ``reps_each`` apiece."""

        def rows(arrays: list[np.ndarray]) -> np.ndarray:
            return np.repeat(np.stack(arrays), reps_each, axis=0)

        first = setups[0]
        return cls(
            variants=len(setups),
            reps_each=reps_each,
            total={d: rows([s.groups[d].total for s in setups]) for d in first.groups},
            active_step={d: rows([s.groups[d].active_step for s in setups]) for d in first.groups},
            stock0=rows([s.pools.stock0 for s in setups]),
        )
