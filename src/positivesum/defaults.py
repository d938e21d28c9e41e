"""Every run default in one place.

Each entry point (the command line, the Python services, the report, later the web workspace) takes its
defaults from here, so that the same question asked in two ways gets the same numbers. A command may
let the user change a value (``--reps``, ``--seed``…); it never lowers one silently: the replications
actually used for each purpose travel with every result (``replications``, and in the briefing's
reproducibility section ``plan_replications`` and ``alliance_replications``).

Why these values:

* ``SEED`` — an arbitrary fixed date-like number; any seed gives statistically equivalent results, a
  fixed one gives *identical* results (tests/sim/test_campaign_determinism.py).
* ``SIMULATE_REPS`` (10,000) — `simulate` answers one question about one scenario: at 10,000
  replications the 95% Wilson interval of a probability near 0.5 is ±0.010.
* ``REPORT_REPS`` (2,000) — the briefing simulates every scenario; ±0.022 at p = 0.5 is enough to
  rank outcomes and keeps the main job within minutes.
* ``PLAN_VERIFY_REPS`` (256) — each regime's portfolio is re-simulated in every planning scenario
  with common random numbers (the same seed for every portfolio), so differences between portfolios
  are more precise than one probability. Every replication of a planning or alliance study is its own
  parameter draw (sim.setup.MEAN_INNER_REPLICATIONS; decision record 0017): these studies estimate means,
  for which draws of 32 replications sharing their parameters waste most of the work (the design effect
  1 + 31ρ, ρ = 0.35–1.00 measured on the default data, benchmarks/inner_replications.py). 256 independent
  replications estimate a mean with at most a third of the variance that 1,000 in draws of 32 had
  (1/256 against ≥ 11.8/1,000) at a quarter of the work. A nominal count: each scenario gets the
  cost-optimal share that keeps the weighted estimate's worst-case variance at that of 256 everywhere
  (plan/allocation.py; 128–440 per scenario on the default data).
* ``ALLIANCE_REPS`` (128) — fair shares simulate 2^n coalitions in every scenario, with common random
  numbers across coalitions, one parameter draw per replication (as above): the bootstrap resamples
  replications. 128 independent replications carry at least as much information about a mean as the earlier
  500 in draws of 32 (500/(1 + 31ρ) ≤ 42 for ρ ≥ 0.35), at a quarter of the work.
* ``STALEMATE_WEIGHT`` (½) — deterrence D = P(denied) + λ·P(stalemate); the dataset's
  ``planning.stalemate_weight`` overrides it (docs/methodology/planning.md §2).
"""

from __future__ import annotations

import os
from pathlib import Path

SEED: int = 20260101
"""Seed of every random stream unless ``--seed`` says otherwise."""

SIMULATE_REPS: int = 10_000
"""Replications of `positivesum simulate`."""

REPORT_REPS: int = 2_000
"""Replications per scenario in the briefing (`positivesum report`) and the quick `demo`."""

PLAN_VERIFY_REPS: int = 256
"""Nominal replications used to verify each plan by simulation (`plan`, `compare-regimes`, the report's regimes),
allocated across the scenarios by plan/allocation.py."""

ALLIANCE_REPS: int = 128
"""Replications per scenario simulation in the alliance studies (fair shares, intervention matrix, command)."""

STALEMATE_WEIGHT: float = 0.5
"""λ in D = P(denied) + λ·P(stalemate) when the dataset has no ``planning.stalemate_weight``."""

CACHE_DIR: Path = Path(".positivesum-cache")
"""Where fitted planning surrogates are cached (keyed by data hash and seed)."""

REPORT_OUT_DIR: Path = Path("out/report")
"""Default output folder of `positivesum report`."""

MILP_GAP: float = 1e-2
"""Relative MIP gap to which the regimes' plans are certified (the LP or branch-and-bound bound; every plan
reports its proven ``gap``). Why 1 %: on the default data the MILP's bound is within ~0.7 % of the best plan found
at once, and closing the last fraction of a per cent took 60 s (the time limit) per regime searching for incumbents
that the surrogate cannot tell apart: its held-out error is several hundredths of D, 1 % of D ≈ 0.007 is below
that and below the re-simulated dividend's 95 % interval (±0.01–0.02). The joint plan is warm-started from every
other regime's portfolio, so "joint is never worse at equal money" holds exactly on the surrogate at any gap."""

STUDY_MILP_GAP: float = 1e-2
"""Relative MIP gap of the alliance studies' many plans (coalitions, intervention levels, roles, command), for
the reason given under :data:`MILP_GAP`: at 10⁻³ these 13 solves took ~300 s of the alliance analysis's ~640 s
(measured 2026-12-06 on the loaded 2-core machine, cProfile), one of them stopped by the 60 s time limit."""

MAIN_JOB_WORKERS: int = os.cpu_count() or 1
"""Local Dask worker processes of `positivesum report` (``--workers``; 0 runs everything in this process). One
cluster serves every stage: the scenarios' replication blocks, the surrogate's fit and validation, the regime
comparison's portfolio simulations (services/portfolio_runs.py) and the alliance studies' coalition, intervention
and command-structure simulations are independent units, so the main job uses every core by default; the numbers
do not depend on it (tests/plan/test_portfolio_runs.py, tests/plan/test_surrogate.py,
tests/alliance/test_coalition_batches.py)."""

LANGUAGE: str = "en"
"""Language when neither ``--lang``, $POSITIVESUM_LANG nor a Japanese $LANG says otherwise."""

# Limits that keep one command within memory and time on a laptop (docs/reference/limits.md). Commands and
# the loader refuse values beyond them with exit code 2 before any computation starts.
MAX_REPS: int = 1_000_000
"""Largest replication count a command (``--reps``, ``--plan-reps``, ``--alliance-reps``) or the data
(``planning.surrogate_replications``) accepts. Every replication keeps its outcome, losses and munitions for
the summary, about 5 KB (measured: 2,048 → 20,480 replications of taiwan_base add 96 MB), so one million
need about 5 GB, the most a 16 GB laptop can hold beside the rest; 100,000 already give ±0.003 on a
probability."""

MAX_WORKERS: int = 256
"""Largest number of worker processes a command accepts (more than any laptop or workstation has cores)."""

MAX_SEED: int = 2**63 - 1
"""Seeds are non-negative integers below 2^63 (NumPy ``SeedSequence`` entropy)."""

MAX_DATA_NUMBER: float = 1e12
"""Largest magnitude of any number in a data file or ``--set`` value. The largest real figure in the packaged
data is Korea's GDP (2.5 million bn KRW, 2.5e6); 10^12 leaves six orders of magnitude of room, while a count
of 10^30 or 10^40 (a typo in an exponent) would overflow the engine's products and sums of float64 values."""

MAX_NESTING_DEPTH: int = 50
"""Deepest nesting of lists and mappings in a data file, game file or ``--set`` value. The packaged files
nest at most 6 levels; 50 keeps every recursive step (YAML composer, merge, schema validation, deep copy,
diff) far below Python's recursion limit of 1,000 frames, so a hostile ``[[[[…]]]]`` is refused by name."""

MAX_DURATION_DAYS: float = 730
"""Longest scenario ``duration_days`` and ``warning_days`` (two years). The engine is a campaign model of
weeks (fixed stocks, surge production after lead times; the packaged campaigns last 30 days); two years is
24 times that, and every simulated day costs run time in every replication."""

MAX_TIME_STEPS: int = 10_000
"""Most time steps in one campaign (``duration_days / engine.time_step_days``): at the default half-day step
730 days are 1,460 steps; a tiny step (say 10^-9 days) would loop for ever and allocate one value per step
for every traced series."""

MAX_HORIZON_YEARS: int = 50
"""Longest ``planning.horizon_years``. The planner has a variable for every (actor, option, start year) and
constraints for every year, and budget projections lose meaning beyond a few decades (the packaged plan:
10 years)."""

SENSITIVITY_TRAJECTORIES: int = 4
"""Morris trajectories of `positivesum sensitivity` (docs/methodology/sensitivity.md §6 for the reasons of these)."""

SENSITIVITY_LEVELS: int = 4
"""Morris grid levels (even) of `positivesum sensitivity`."""

SENSITIVITY_SOBOL_SAMPLES: int = 64
"""Saltelli base samples N of the Sobol stage of `positivesum sensitivity`."""

SENSITIVITY_TOP: int = 5
"""Factors that Morris ranks first and the Sobol stage then measures."""

SENSITIVITY_POINT_REPS: int = 32
"""Replications per design point of `positivesum sensitivity`."""

SENSITIVITY_HEADLINE: str = "expected_grade"
"""The measure that `positivesum sensitivity` shows in its tables unless ``--measure`` says otherwise."""
