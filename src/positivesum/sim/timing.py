"""When each group is present and may act: warning, political entry, paralysis, mobilisation (methodology §2).

One function serves the build step (central values, one row) and the outer loop (one row per
replication): the per-replication timing is the central timing shifted by the difference the drawn
inputs make, so edits to the central steps (the planner's levers) carry over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .groups import MOBILISATION, REINFORCEMENT, Groups


@dataclass
class TimingInputs:
    """The timing quantities of a scenario, each as a central value (arrays over participants where per actor)."""

    warning_days: float
    explicit_entry: np.ndarray  # (A,) entry day where the scenario states one, NaN elsewhere
    decision_delay: np.ndarray  # (A,) political decision delay (participant's, else the actor's)
    paralysis: np.ndarray  # (A,) days after entry during which nothing acts
    red: np.ndarray  # (A,) bool: the adversary's side (its default entry is D-day)
    mobilisation_days: float  # NaN: the adversary's force is ready on D-day
    concealed_days: float


def entry_days(
    t: TimingInputs, warning: np.ndarray, acted_share: np.ndarray, delay: np.ndarray, explicit: np.ndarray
) -> np.ndarray:
    """(R, A) entry day of every participant: the stated one, else D-day for the adversary's side, else the
    defenders' decision ``-acted_share × warning + delay`` (warning and acted_share (R,), delay and explicit (R, A))."""
    default = np.where(t.red[None, :], 0.0, -acted_share[:, None] * warning[:, None] + delay)
    out: np.ndarray = np.where(np.isnan(explicit), default, explicit)
    return out


def group_days(
    g: Groups,
    entry: np.ndarray,
    paralysis: np.ndarray,
    warning: np.ndarray,
    mob_days: np.ndarray,
    concealed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(active day, arrival day, share present on D-day), each (R, K), for the groups of one domain.

    A group acts from the latest of D-day, its actor's entry plus command latency plus paralysis, its host's
    entry (allied forces fly combat missions from a host's bases once the host has decided) and its
    arrival; ships then sail in from beyond the theatre radius. Ground troops on their own soil wait only for
    the paralysis. Reinforcements leave on their actor's entry day; a mobilising force has the share
    (concealed + warning) / mobilisation ready on D-day and the rest when mobilisation completes.
    """
    reps = entry.shape[0]
    e = entry[:, g.actor]
    para = paralysis[:, g.actor]
    host = np.where(g.host >= 0, entry[:, np.maximum(g.host, 0)], -np.inf)
    reinf = g.arrival_kind == REINFORCEMENT
    arrival = np.where(reinf, g.arrival_day + e, 0.0)
    ready = np.ones((reps, len(g)))
    mob = g.arrival_kind == MOBILISATION
    if mob.any():
        prepared = concealed + warning
        share = np.clip(prepared / np.maximum(mob_days, 1e-9), 0.0, 1.0)
        ready = np.where(mob, share[:, None], 1.0)
        arrival = np.where(mob, np.maximum(mob_days - prepared, 0.0)[:, None], arrival)
    # the latest of the four, taken pairwise in order (as ``np.maximum.reduce`` of the stacked list, without the stack)
    active = np.maximum(
        np.maximum(np.maximum(np.zeros_like(e), e + g.c2_days + para), host), np.where(reinf, arrival, 0.0)
    )
    active = np.where(g.home_ground & ~reinf, para, active) + g.sail_days
    return active, arrival, ready
