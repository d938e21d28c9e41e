"""Every run default in one place.

Each entry point (the command line, the Python services, the report, later the web workspace) takes its
defaults from here, so that the same question asked in two ways gets the same numbers. A command may
let the user change a value (``--reps``, ``--seed``…); it never lowers one silently: the replications
actually used for each purpose travel with every result (``replications``, and in the briefing's
reproducibility section ``plan_replications`` and ``alliance_replications``).

Why these values:

* ``SEED`` — an arbitrary fixed date-like number; any seed gives statistically equivalent results, a
  fixed one gives *identical* results (DESIGN §4, reproducibility).
* ``SIMULATE_REPS`` (10,000) — `simulate` answers one question about one scenario: at 10,000
  replications the 95% Wilson interval of a probability near 0.5 is ±0.010.
* ``REPORT_REPS`` (2,000) — the briefing simulates every scenario; ±0.022 at p = 0.5 is enough to
  rank outcomes and keeps the main job within minutes.
* ``PLAN_VERIFY_REPS`` (1,000) — each regime's portfolio is re-simulated in every planning scenario
  with common random numbers (the same seed for every portfolio), so differences between portfolios
  are far more precise than the ±0.03 of one probability.
* ``ALLIANCE_REPS`` (500) — fair shares simulate 2^n coalitions in every scenario; with common random
  numbers across coalitions 500 replications keep the Shapley values' Monte Carlo error near 0.005.
* ``STALEMATE_WEIGHT`` (½) — deterrence D = P(denied) + λ·P(stalemate); the dataset's
  ``planning.stalemate_weight`` overrides it (docs/methodology/planning.md §2).
"""

from __future__ import annotations

from pathlib import Path

SEED: int = 20260101
"""Seed of every random stream unless ``--seed`` says otherwise."""

SIMULATE_REPS: int = 10_000
"""Replications of `positivesum simulate`."""

REPORT_REPS: int = 2_000
"""Replications per scenario in the briefing (`positivesum report`) and the quick `demo`."""

PLAN_VERIFY_REPS: int = 1_000
"""Replications used to verify each plan by simulation (`plan`, `compare-regimes`, the report's regimes)."""

ALLIANCE_REPS: int = 500
"""Replications per scenario simulation in the alliance studies (fair shares, intervention matrix, command)."""

STALEMATE_WEIGHT: float = 0.5
"""λ in D = P(denied) + λ·P(stalemate) when the dataset has no ``planning.stalemate_weight``."""

CACHE_DIR: Path = Path(".positivesum-cache")
"""Where fitted planning surrogates are cached (keyed by data hash and seed)."""

REPORT_OUT_DIR: Path = Path("out/report")
"""Default output folder of `positivesum report`."""

MILP_GAP: float = 1e-4
"""Relative MIP gap of the regimes' plans (HiGHS ``mip_rel_gap``)."""

STUDY_MILP_GAP: float = 1e-3
"""Relative MIP gap of the alliance studies' many small plans."""

LANGUAGE: str = "en"
"""Language when neither ``--lang``, $POSITIVESUM_LANG nor a Japanese $LANG says otherwise."""

# Limits that keep one command within memory and time on a laptop (docs/reference/limits.md).
MAX_REPS: int = 10_000_000
"""Largest replication count a command accepts (100,000 replications need about 0.7 GB; blocks of 2,048)."""

MAX_WORKERS: int = 256
"""Largest number of worker processes a command accepts."""

MAX_SEED: int = 2**63 - 1
"""Seeds are non-negative integers below 2^63 (NumPy ``SeedSequence`` entropy)."""
