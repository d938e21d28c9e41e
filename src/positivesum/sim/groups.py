"""Force groups: one per (actor, capability class, base), as arrays over the groups of one engine domain.

A group's central timing (``count0``, ``arrival_count``, ``arrival_step``, ``active_step``) is what the
build step computes with every parameter at its central value; the outer loop of the Monte Carlo shifts
it per replication (methodology §2 and §4). Callers may rescale counts or advance ``active_step`` (the
planner's levers do): the per-replication values are derived from these fields, so such edits carry over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_INT_COLUMNS = ("actor", "side", "base", "arrival_step", "active_step", "host", "arrival_kind", "cls_index")
_FLOAT_COLUMNS = (
    "count0",
    "arrival_count",
    "distance_km",
    "c2_days",
    "arrival_day",
    "active_day",
    "sail_days",
    "rearm_transit_days",
    "count_low",
    "count_high",
)
_BOOL_COLUMNS = ("home_ground",)

#: ``arrival_kind``: no scheduled arrival, a reinforcement (leaves on its actor's entry day), or the part of a
#: mobilising force not ready on D-day (arrives when mobilisation completes).
NO_ARRIVAL, REINFORCEMENT, MOBILISATION = 0, 1, 2


@dataclass
class Groups:
    """Force groups of one engine domain; every attribute is an array over groups (built by :class:`GroupRows`)."""

    label: list[str]
    actor: np.ndarray  # int64: index into CampaignSetup.actors
    side: np.ndarray  # int64: BLUE or RED
    cls: list[str]
    cls_index: np.ndarray  # int64: index into CampaignSetup.classes (draws shared by a class)
    base: np.ndarray  # int64: index into CampaignSetup.bases
    count0: np.ndarray  # units present on D-day (central values)
    arrival_count: np.ndarray  # units arriving later (central values)
    arrival_step: np.ndarray  # int64
    active_step: np.ndarray  # int64
    distance_km: np.ndarray
    c2_days: np.ndarray
    arrival_day: np.ndarray  # data arrival day (reinforcements; 0 otherwise)
    active_day: np.ndarray  # central active day (before rounding to steps)
    sail_days: np.ndarray  # days to sail from the base into the theatre (naval domains beyond the radius)
    rearm_transit_days: np.ndarray  # days to and from the port where a ship reloads, beyond the theatre radius
    host: np.ndarray  # int64: participant index of the base's host if another participant, else -1
    arrival_kind: np.ndarray  # int64: NO_ARRIVAL, REINFORCEMENT or MOBILISATION
    home_ground: np.ndarray  # bool: ground troops on their own soil (act without a political decision)
    count_low: np.ndarray  # low / central ratio of the listed inventory (1 without a range)
    count_high: np.ndarray  # high / central ratio
    attrs: dict[str, np.ndarray]
    attr_low: dict[str, np.ndarray]
    attr_high: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.label)

    @property
    def total(self) -> np.ndarray:
        """Units the group ever puts in play (present on D-day plus arriving)."""
        out: np.ndarray = self.count0 + self.arrival_count
        return out


class GroupRows:
    """The groups of one engine domain as they are placed, one row at a time; :meth:`freeze` makes the arrays."""

    def __init__(self) -> None:
        self.label: list[str] = []
        self.cls: list[str] = []
        self.columns: dict[str, list[float]] = {n: [] for n in _INT_COLUMNS + _FLOAT_COLUMNS + _BOOL_COLUMNS}
        self.attrs: dict[str, list[float]] = {}
        self.attr_low: dict[str, list[float]] = {}
        self.attr_high: dict[str, list[float]] = {}

    def add(
        self,
        *,
        label: str,
        cls: str,
        attrs: dict[str, float],
        ranges: dict[str, tuple[float, float]] | None = None,
        **columns: float,
    ) -> None:
        self.label.append(label)
        self.cls.append(cls)
        for key, value in columns.items():
            self.columns[key].append(value)
        for key, value in attrs.items():
            self.attrs.setdefault(key, []).append(value)
            low, high = (ranges or {}).get(key, (value, value))
            self.attr_low.setdefault(key, []).append(low)
            self.attr_high.setdefault(key, []).append(high)

    def __len__(self) -> int:
        return len(self.label)

    def freeze(self) -> Groups:
        ints = {name: np.asarray(self.columns[name], dtype=np.int64) for name in _INT_COLUMNS}
        floats = {name: np.asarray(self.columns[name], dtype=float) for name in _FLOAT_COLUMNS}
        bools = {name: np.asarray(self.columns[name], dtype=bool) for name in _BOOL_COLUMNS}
        return Groups(
            label=self.label,
            cls=self.cls,
            **ints,
            **floats,
            **bools,
            attrs={k: np.asarray(v, dtype=float) for k, v in self.attrs.items()},
            attr_low={k: np.asarray(v, dtype=float) for k, v in self.attr_low.items()},
            attr_high={k: np.asarray(v, dtype=float) for k, v in self.attr_high.items()},
        )
