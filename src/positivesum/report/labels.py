"""One vocabulary for the briefing: intervention levels, outcomes, regimes, objectives, access, confidence,
mission areas and actors, with their English msgids (Japanese in ``locale/ja/LC_MESSAGES/positivesum.po``).

Every section takes its labels from here, so that a term reads the same in every table and chart.
Constants are marked with ``N_`` for extraction and translated with ``tr(...)`` where shown; the
``*_name`` functions translate data ids through the analysis's en/ja labels.
"""

from __future__ import annotations

import math

from ..i18n import N_

OUTCOMES = {
    "adversary_success": N_("Adversary succeeds"),
    "fait_accompli": N_("Fait accompli"),
    "denied": N_("Adversary denied"),
    "stalemate": N_("Stalemate"),
}
SIDES = {"blue": N_("Allied (blue)"), "red": N_("Adversary (red)")}
DOMAINS = {
    "air": N_("Aircraft"),
    "surface": N_("Surface ships"),
    "amphibious": N_("Amphibious ships"),
    "subsurface": N_("Submarines"),
}
REGIMES = {
    "joint": N_("Joint planning"),
    "spending-target": N_("Spending targets"),
    "cost-transfer": N_("Cost transfer"),
    "negotiated": N_("Negotiated split"),
}
OBJECTIVES = {
    "invasion": N_("invasion"),
    "island_seizure": N_("island seizure"),
    "blockade": N_("blockade"),
    "land_offensive": N_("land offensive"),
}
INTERVENTION = {
    "none": N_("none"),
    "supplies_only": N_("supplies only"),
    "air_sea": N_("air and sea forces"),
    "air_sea_ground": N_("air, sea and ground forces"),
    "escalation": N_("escalation"),
}
ACCESS = {"full": N_("full"), "restricted": N_("restricted"), "denied": N_("denied"), "none": N_("none")}
CONFIDENCE = {
    "H": N_("H: official or primary source"),
    "M": N_("M: single secondary source or derived"),
    "L": N_("L: weak or disputed"),
    "notional": N_("notional: modelling assumption"),
}


def finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def interval_cell(ci, tr, digits: int = 3, missing: str = "") -> str:
    """A 95% interval as one table cell, "[low, high]" in ``digits`` decimals; ``missing`` when there is none."""
    if not ci or len(ci) < 2 or not (finite(ci[0]) and finite(ci[1])):
        return missing
    return f"[{tr.num(ci[0], digits)}, {tr.num(ci[1], digits)}]"


def scenario_name(analysis: dict, sid: str, tr) -> str:
    entry = analysis.get("scenarios", {}).get(sid, {})
    return tr.label(entry.get("name")) or sid


def actor_name(analysis: dict, actor: str, tr) -> str:
    return tr.label(analysis.get("labels", {}).get("actors", {}).get(actor)) or actor


def pool_name(analysis: dict, pool: str, tr) -> str:
    actor, _, mun = pool.partition(":")
    label = tr.label(analysis.get("labels", {}).get("munitions", {}).get(mun)) or mun
    return f"{actor_name(analysis, actor, tr)}: {label}"


def regime_name(regime: str, tr) -> str:
    return tr(REGIMES[regime]) if regime in REGIMES else regime


def area_name(analysis: dict, area_id: str, tr) -> str:
    labels = (analysis.get("labels") or {}).get("mission_areas") or {}
    return tr.label(labels[area_id]) if area_id in labels else area_id


def role_name(role: str, tr) -> str:
    return {"primary": tr("primary"), "supporting": tr("supporting"), "none": tr("none")}.get(role, role)


def level_name(level: str, tr) -> str:
    return {
        "none": tr("No intervention"),
        "supplies_only": tr("Supplies only"),
        "air_sea": tr("Air and sea"),
        "air_sea_ground": tr("Air, sea and ground"),
        "escalation": tr("Escalation"),
    }.get(level, level)
