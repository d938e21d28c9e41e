"""Deterrence measures of a portfolio in a scenario, per replication, with intervals (decision record 0012).

Three measures are computed from the same simulations (common random numbers: the same seed everywhere):

* ``deterrence`` D = P(denied) + λ·P(stalemate): what the planner maximises (on its surrogate) and what the
  cooperation dividend is measured in; per replication d_r = 1[denied] + λ·1[stalemate], so D is a mean and
  differences between portfolios are paired by replication;
* ``grade_score``: the expected CSIS grade score of the defenders, 0 (adversary victory) … 4 (defeat), divided
  by 4 so that it lies in [0, 1] like D; graded where D is coarse;
* ``growth_margin_years``: the years of sourced adversary growth (``planning.adversary_growth_per_year``)
  beyond the plan's last year at which the adversary's chance of victory reaches ``threshold``, found by
  bisection at one seed (the same replications at every point): "this portfolio holds against N more years of
  PLA growth". It does not saturate: a portfolio that denies every replication today still has a finite
  margin; a margin beyond the search range is reported as censored, never as a number.

The adversary's expected cost of attempting the scenario (its losses at unit cost and its casualties) is
reported beside them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..sim.results import GRADE_SCORE, Z95, CampaignResult
from ..sim.runner import simulate_setup
from ..sim.setup import BLUE, CampaignSetup, build_setup, for_means
from .allocation import stratified_interval
from .levers import class_value_musd, scale_adversary, study_draw_ids, study_setup

#: Default P(adversary victory) at which the growth margin is read off.
MARGIN_THRESHOLD = 0.5
#: Default search range of the margin, in years of adversary growth beyond the plan's last year.
MARGIN_RANGE_YEARS = (-10.0, 20.0)
MARGIN_TOLERANCE_YEARS = 1.0
#: Bootstrap replicates of each growth margin (whole outer draws resampled; :func:`margin_replicates`).
MARGIN_BOOTSTRAP_SAMPLES = 400
#: Second entropy word of the margin bootstrap's generator, after the margin's seed: every portfolio's margin at
#: one seed and replication count draws the same resamples, so replicate b of two portfolios is paired.
MARGIN_BOOTSTRAP_KEY = 0x6D617267  # "marg"


@dataclass
class RepScores:
    """Per-replication measures of one scenario (arrays over replications)."""

    deterrence: np.ndarray
    victory: np.ndarray
    grade_score: np.ndarray
    adversary_loss_musd: np.ndarray
    adversary_casualties: np.ndarray
    cluster: np.ndarray
    """Outer draw of each replication (replications of one draw share its parameters)."""

    @classmethod
    def absent(cls, reps: int, value: float) -> RepScores:
        """A scenario nobody fights: every replication scores ``value`` (no victory measured, no cost)."""
        z = np.zeros(reps)
        return cls(
            np.full(reps, value),
            z.copy(),
            np.full(reps, value),
            z.copy(),
            z.copy(),
            study_draw_ids(reps),
        )


def rep_scores(result: CampaignResult, setup: CampaignSetup, ds: Dataset, stalemate_weight: float) -> RepScores:
    """The per-replication measures of a campaign result.

    The adversary's losses are valued cell by cell (actor, then class, in the result's order) on the arrays
    themselves: a label lookup per cell cost more than the sums (about 0.1 ms each, hundreds per scenario)."""
    d = result.data
    oc = d["outcome"].values
    det = (oc == "denied").astype(float) + stalemate_weight * (oc == "stalemate").astype(float)
    grades, at = np.unique(d["grade"].values, return_inverse=True)
    score = np.array([GRADE_SCORE.get(str(g), np.nan) for g in grades], dtype=float)[at.reshape(-1)] / 4.0
    red_actors = {setup.actors[i] for i, side in enumerate(setup.actor_side) if side != BLUE}
    losses = d["losses"]
    lost = losses.transpose("rep", "actor", "capability").values
    values = [
        class_value_musd(ds, str(cap)) if str(cap) in ds.capability_classes else 0.0
        for cap in losses["capability"].values
    ]
    cost = np.zeros(d.sizes["rep"])
    for a, actor in enumerate(losses["actor"].values):
        if str(actor) not in red_actors:
            continue
        for c, value in enumerate(values):
            cost += lost[:, a, c] * value
    cas = d["casualties"]
    by_participant = cas.transpose("rep", "participant").values
    red_cas = np.zeros(d.sizes["rep"])
    for i, p in enumerate(cas["participant"].values):
        if str(p) in red_actors:
            red_cas += np.nan_to_num(by_participant[:, i].astype(float))
    return RepScores(det, (oc == "adversary_success").astype(float), score, cost, red_cas, d["outer_draw"].values)


def simulate_scores(
    ds: Dataset, scenario_id: str, *, threat_factor: float, reps: int, seed: int, stalemate_weight: float
) -> tuple[CampaignResult, RepScores]:
    """Simulate one scenario with the adversary grown by ``threat_factor``; the result and its measures."""
    setup = study_setup(ds, scenario_id, threat_factor)
    result = simulate_setup(setup, reps, seed, traced=False)  # the scores read per-replication arrays only
    return result, rep_scores(result, setup, ds, stalemate_weight)


def mean_interval(values: np.ndarray, cluster: np.ndarray | None = None) -> dict[str, Any]:
    """Mean and 95 % interval of a per-replication quantity; with ``cluster`` (outer draws) the interval treats
    the clusters as the sampling unit (replications of one outer draw share its parameters)."""
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return {"mean": None, "ci95": [None, None], "n": 0}
    m = float(v.mean())
    if cluster is not None and len(np.unique(cluster)) >= 2:
        ids, inverse = np.unique(cluster, return_inverse=True)
        sums = np.bincount(inverse, weights=v - m)
        # cluster-robust (sandwich) variance of the mean
        se = math.sqrt(float((sums**2).sum()) * len(ids) / max(1, len(ids) - 1)) / n
    else:
        se = float(v.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return {"mean": m, "ci95": [m - Z95 * se, m + Z95 * se], "se": se, "n": int(n)}


def includes_zero(ci95: Sequence[float | None] | None) -> bool:
    """Whether a 95 % interval [low, high] includes zero (False when there is no interval)."""
    if ci95 is None or ci95[0] is None or ci95[1] is None:
        return False
    return bool(ci95[0] <= 0.0 <= ci95[1])


def paired_difference(
    a: dict[str, np.ndarray],
    b: dict[str, np.ndarray],
    weights: dict[str, float],
    cluster: np.ndarray | None = None,
) -> dict[str, Any]:
    """Weighted deterrence of ``a`` minus ``b`` (scenario → per-replication scores at the same seed), with a 95 %
    interval from the paired replications; ``includes_zero`` says whether the interval includes zero."""
    keys = [s for s in weights if s in a and s in b]
    total = sum(weights[s] for s in keys) or 1.0
    diff = sum((weights[s] / total) * (np.asarray(a[s]) - np.asarray(b[s])) for s in keys)
    out = mean_interval(np.asarray(diff, dtype=float), cluster)
    out["includes_zero"] = includes_zero(out["ci95"])
    return out


def stratified_mean(
    scores: Mapping[str, RepScores],
    weights: Mapping[str, float],
    field: str = "deterrence",
    minus: Mapping[str, RepScores] | None = None,
) -> dict[str, Any]:
    """Weighted mean of a per-replication measure over scenarios simulated as independent strata (their own
    replications and seeds: plan/allocation.py), each scenario's interval clustered by parameter draw; with
    ``minus``, the weighted paired difference ``scores − minus`` (paired by replication within each scenario,
    and ``includes_zero`` added). The counterpart of :func:`paired_difference` for allocated designs."""
    per_scenario = {}
    for sid, r in scores.items():
        if minus is not None and sid not in minus:
            continue
        values = np.asarray(getattr(r, field), dtype=float)
        if minus is not None:
            values = values - np.asarray(getattr(minus[sid], field), dtype=float)
        per_scenario[sid] = mean_interval(values, r.cluster)
    out = stratified_interval(per_scenario, weights)
    if minus is not None:
        out["includes_zero"] = includes_zero(out["ci95"])
    return out


def growth_margin(
    ds: Dataset,
    scenario_id: str,
    *,
    base_factor: float,
    growth_per_year: float,
    reps: int,
    seed: int,
    threshold: float = MARGIN_THRESHOLD,
    years: tuple[float, float] = MARGIN_RANGE_YEARS,
    tolerance: float = MARGIN_TOLERANCE_YEARS,
    simulate: Callable[[CampaignSetup, int, int], CampaignResult] | None = None,
) -> dict[str, Any]:
    """Years of adversary growth beyond ``base_factor`` at which P(adversary victory) reaches ``threshold``.

    Bisection on y in ``years``: the adversary is scaled by base_factor · (1 + g)^y, simulated with the same
    ``seed`` at every point (common random numbers), and y is narrowed to ``tolerance``; the margin is the linear
    interpolation of P(victory) to ``threshold`` within the last bracket (the rule :func:`margin_replicates`
    applies to each bootstrap replicate, so estimate and interval are read off the curve the same way). ``censored`` is
    ``"above"`` if the portfolio holds at the top of the range (margin > high), ``"below"`` if the adversary wins
    at the bottom (margin < low), else ``None``."""
    base = for_means(build_setup(ds, scenario_id))
    evaluated: dict[float, float] = {}
    if simulate is None:  # the bisection reads outcomes only: no per-step trace
        simulate = functools.partial(simulate_setup, traced=False)

    victory: dict[float, np.ndarray] = {}  # per replication, at each evaluated y (for the bootstrap)
    cluster = study_draw_ids(reps)  # base is a study set-up (one replication per draw)

    def p_victory(y: float) -> float:
        nonlocal cluster
        if y not in evaluated:
            factor = base_factor * (1.0 + growth_per_year) ** y
            res = simulate(scale_adversary(base, factor), reps, seed)
            victory[y] = res.data["outcome"].values == "adversary_success"
            if "outer_draw" in res.data:  # the same at every y (one seed and replication count)
                cluster = res.data["outer_draw"].values
            evaluated[y] = float(victory[y].mean())
        return evaluated[y]

    lo, hi = float(years[0]), float(years[1])
    out: dict[str, Any] = {"threshold": threshold, "range_years": [lo, hi], "replications": reps, "seed": seed}
    if p_victory(hi) < threshold:
        out.update(years=hi, censored="above", p_victory_at_plan_year=p_victory(0.0))
    elif p_victory(lo) >= threshold:
        out.update(years=lo, censored="below", p_victory_at_plan_year=p_victory(0.0))
    else:
        a, b = lo, hi  # p(a) < threshold ≤ p(b)
        if p_victory(0.0) >= threshold:
            b = 0.0
        else:
            a = 0.0
        while b - a > tolerance:
            mid = round((a + b) / 2, 6)
            if p_victory(mid) >= threshold:
                b = mid
            else:
                a = mid
        # within the last bracket, the linear interpolation of P(victory) (as each bootstrap replicate reads it)
        pa, pb = p_victory(a), p_victory(b)
        y_star = a + (threshold - pa) / (pb - pa) * (b - a) if pb > pa else (a + b) / 2
        out.update(years=round(y_star, 3), censored=None, p_victory_at_plan_year=p_victory(0.0))
    out["points"] = [{"years": y, "p_victory": p} for y, p in sorted(evaluated.items())]
    if out["censored"] is None:
        rng = np.random.default_rng(np.random.SeedSequence([seed, MARGIN_BOOTSTRAP_KEY]))
        reps_b = margin_replicates(victory, cluster, threshold, out["years"], rng, MARGIN_BOOTSTRAP_SAMPLES)
        out["ci95"] = [float(np.percentile(reps_b, 2.5)), float(np.percentile(reps_b, 97.5))]
    else:  # beyond the search range: a bound, not an estimate with an interval
        reps_b = np.full(MARGIN_BOOTSTRAP_SAMPLES, float(out["years"]))
        out["ci95"] = None
    # not for output: callers pair portfolios' replicates, then drop them (a list, so that results compare with ==)
    out["replicates"] = [float(v) for v in reps_b]
    return out


def margin_replicates(
    victory: dict[float, np.ndarray],
    cluster: np.ndarray,
    threshold: float,
    estimate: float,
    rng: np.random.Generator,
    samples: int,
) -> np.ndarray:
    """Bootstrap replicates of the growth margin y*, where P(victory | y) crosses ``threshold``.

    ``victory[y]`` holds the per-replication victories at each evaluated y, all from the same replications
    (common random numbers), so one resample of whole outer draws (``cluster``: replications of a draw share its
    parameters and are not independent) gives a whole curve p_b(y) at the evaluated points. Its crossing is found
    by linear interpolation between the two evaluated points that bracket it, p_b(y_i) < threshold ≤ p_b(y_i+1);
    with several such brackets (the curve is noisy), the one nearest ``estimate``; with none, the end of the
    evaluated range on the side the curve lies (so the replicate is a bound there). The 2.5th and 97.5th
    percentiles of the replicates are the margin's percentile interval (Efron and Tibshirani 1993, ch. 13; the
    root of an estimated curve by bootstrap: Davison and Hinkley 1997, §5.2). Bisection evaluates the curve
    densely around y* (within the tolerance) and sparsely elsewhere, so the interval's ends are interpolated
    over wider steps than its centre."""
    ys = np.array(sorted(victory), dtype=float)
    ids, inverse = np.unique(cluster, return_inverse=True)
    k = len(ids)
    size = np.bincount(inverse, minlength=k).astype(float)
    wins = np.stack([np.bincount(inverse, weights=victory[y].astype(float), minlength=k) for y in ys])  # (m, K)
    counts = np.stack([np.bincount(rng.integers(0, k, k), minlength=k) for _ in range(samples)]).astype(float)
    p = (counts @ wins.T) / (counts @ size)[:, None]  # (B, m): each resample's curve at the evaluated points
    out = np.empty(samples)
    for b in range(samples):
        row = p[b]
        below = row < threshold
        up = np.flatnonzero(below[:-1] & ~below[1:])  # brackets y_i (below) → y_i+1 (at or above)
        if up.size:
            i = up[np.argmin(np.abs(ys[up] - estimate))]
            frac = (threshold - row[i]) / (row[i + 1] - row[i])
            out[b] = ys[i] + frac * (ys[i + 1] - ys[i])
        else:
            out[b] = ys[-1] if below.all() else ys[0] if not below.any() else estimate
    return out


def summarise(scores: RepScores) -> dict[str, Any]:
    """The measures of one scenario with 95 % intervals (clustered by outer draw)."""
    return {
        "deterrence_ci95": mean_interval(scores.deterrence, scores.cluster)["ci95"],
        "grade_score": mean_interval(scores.grade_score, scores.cluster)["mean"],
        "grade_score_ci95": mean_interval(scores.grade_score, scores.cluster)["ci95"],
        "adversary_cost": {
            "losses_musd": mean_interval(scores.adversary_loss_musd, scores.cluster),
            "casualties": mean_interval(scores.adversary_casualties, scores.cluster),
        },
    }


def pinned(by_regime: dict[str, dict[str, float]], tol: float = 1e-9) -> dict[str, str]:
    """Scenarios whose deterrence is at the ceiling (1) or the floor (0) in every regime: {scenario: "ceiling"|"floor"}."""
    out: dict[str, str] = {}
    regimes = list(by_regime)
    if not regimes:
        return out
    for s in by_regime[regimes[0]]:
        values = [by_regime[r].get(s) for r in regimes]
        if all(v is not None and v >= 1 - tol for v in values):
            out[s] = "ceiling"
        elif all(v is not None and v <= tol for v in values):
            out[s] = "floor"
    return out
