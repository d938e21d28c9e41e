"""The briefing's sections and their one order.

A section builder is a function ``(analysis, tr) -> Section | None``: it reads only the analysis keys it
knows and returns ``None`` when they are missing, so a simulation-only analysis gives a shorter report.
``tr`` is a :class:`~positivesum.report.document.Translator`. To add a section, write its builder in the
module of its family and put it in :data:`SECTIONS` where it belongs (docs/architecture.md).
"""

from __future__ import annotations

from . import alliance, audit, overview, planning, sensitivity

SECTIONS = (
    overview.executive_summary,
    overview.scenario_outcomes,
    overview.losses_over_time,
    planning.budgets,
    planning.portfolios,
    planning.cooperation_dividend,
    alliance.fair_shares,
    alliance.intervention_matrix,
    alliance.roles,
    alliance.command,
    sensitivity.sensitivity,
    audit.assumptions,
    audit.calibration,
    audit.data_sources,
    audit.reproducibility,
)
"""Every section builder, in the order the briefing shows them."""

__all__ = ["SECTIONS"]
