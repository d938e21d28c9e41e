"""Growth margins of the regimes' portfolios: intervals and paired differences (decision record 0012).

Each margin comes from bisection at one seed (plan/deterrence.py :func:`growth_margin`) with bootstrap
replicates over whole outer parameter draws. Every portfolio's margin in a scenario is simulated at the same
seed and replication count, and its bootstrap draws the same resamples (the generator is keyed by the seed), so
replicate b of the joint plan's margin and replicate b of another regime's come from the same parameter draws:
their difference, replicate by replicate, gives a paired percentile interval. A censored margin (beyond the
search range) is counted at the range's end in every replicate, so a difference involving one is a bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plan.deterrence import includes_zero


def split_replicates(raw: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, np.ndarray]]:
    """The margins by scenario without their bootstrap replicates (for output), and the replicates."""
    margins = {s: {k: v for k, v in m.items() if k != "replicates"} for s, m in raw.items()}
    reps = {s: np.asarray(m["replicates"], dtype=float) for s, m in raw.items() if m.get("replicates") is not None}
    return margins, reps


def _interval(values: np.ndarray) -> list[float]:
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def weighted_interval(reps: dict[str, np.ndarray], weights: dict[str, float]) -> list[float] | None:
    """Percentile interval of the weighted margin Σ w̃_s y*_s from the scenarios' paired replicates."""
    if not reps:
        return None
    total = sum(weights.get(s, 0.0) for s in reps) or 1.0
    weighted = np.sum([weights.get(s, 0.0) / total * r for s, r in reps.items()], axis=0)
    return _interval(weighted)


def paired_differences(
    joint: tuple[dict[str, dict[str, Any]], dict[str, np.ndarray]],
    other: tuple[dict[str, dict[str, Any]], dict[str, np.ndarray]],
    weights: dict[str, float],
) -> dict[str, Any] | None:
    """The joint plan's margin minus another regime's, weighted and by scenario, with paired 95 % intervals."""
    (m_joint, r_joint), (m_other, r_other) = joint, other
    keys = [s for s in m_joint if s in m_other and s in r_joint and s in r_other]
    if not keys:
        return None
    by_scenario: dict[str, Any] = {}
    for s in keys:
        diff = r_joint[s] - r_other[s]
        lo, hi = _interval(diff)
        censored = bool(m_joint[s].get("censored") or m_other[s].get("censored"))
        by_scenario[s] = {
            "difference_years": float(m_joint[s]["years"] - m_other[s]["years"]),
            "ci95": [lo, hi],
            "includes_zero": includes_zero([lo, hi]),
            "censored": censored,
        }
    total = sum(weights.get(s, 0.0) for s in keys) or 1.0
    weighted = np.sum([weights.get(s, 0.0) / total * (r_joint[s] - r_other[s]) for s in keys], axis=0)
    lo, hi = _interval(weighted)
    return {
        "weighted": {
            "difference_years": float(
                sum(weights.get(s, 0.0) / total * by_scenario[s]["difference_years"] for s in keys)
            ),
            "ci95": [lo, hi],
            "includes_zero": includes_zero([lo, hi]),
        },
        "by_scenario": by_scenario,
    }


def differing_scenarios(differences: dict[str, dict[str, Any] | None]) -> dict[str, list[str]]:
    """Per regime, the scenarios whose margin differs from the joint plan's by more than its interval (both
    margins found within the search range, the paired interval excluding zero)."""
    out: dict[str, list[str]] = {}
    for regime, d in differences.items():
        out[regime] = sorted(
            s for s, x in ((d or {}).get("by_scenario") or {}).items() if not x["censored"] and not x["includes_zero"]
        )
    return out


def statement(differing: dict[str, list[str]]) -> str:
    """One sentence for the briefing's data: where the margin tells the regimes apart, or that it nowhere does."""
    found = {r: s for r, s in differing.items() if s}
    if not found:
        return (
            "in no scenario does the growth margin of any regime's portfolio differ from the joint plan's by more than "
            "its paired 95% interval"
        )
    return "the growth margin differs from the joint plan's by more than its paired 95% interval: " + "; ".join(
        f"against {r} in {', '.join(s)}" for r, s in found.items()
    )
