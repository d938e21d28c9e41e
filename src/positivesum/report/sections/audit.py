"""Section builders for auditing: assumptions, calibration, data sources, reproducibility."""

from __future__ import annotations

import pandas as pd

from ...i18n import N_
from ..document import ReportTable, Section
from ..labels import ACCESS, CONFIDENCE, INTERVENTION, OBJECTIVES, actor_name, scenario_name

CALIBRATION = {
    "prc_ships_lost": N_("PRC ships lost (amphibious and other)"),
    "prc_amphibious_lost": N_("PRC amphibious ships lost"),
    "prc_amphibious_share_lost": N_("Share of the PRC amphibious fleet sunk"),
    "prc_aircraft_lost": N_("PRC aircraft lost"),
    "us_aircraft_lost": N_("US aircraft lost"),
    "us_share_lost_on_ground": N_("Share of US aircraft losses on the ground"),
    "us_carriers_lost": N_("US aircraft carriers lost"),
    "us_surface_combatants_lost": N_("US major surface combatants lost"),
    "jpn_aircraft_lost": N_("Japanese aircraft lost"),
    "jpn_ships_lost": N_("Japanese ships lost"),
    "twn_surface_ships_share_lost": N_("Share of Taiwan's major surface ships lost"),
    "twn_air_force_share_lost": N_("Share of Taiwan's air force lost"),
    "us_casualties": N_("US personnel casualties"),
    "decided_day": N_("Day the campaign is decided"),
    "outcome": N_("Adversary fails (denied or stalemate)"),
}
CALIBRATION_SETS = {
    "base": N_("CSIS base case"),
    "pessimistic": N_("CSIS pessimistic set"),
    "optimistic": N_("CSIS optimistic set"),
    "blockade": N_("CSIS blockade game"),
}


def assumptions(analysis: dict, tr) -> Section | None:
    scen = {k: v for k, v in (analysis.get("scenarios") or {}).items() if "objective" in v}
    if not scen:
        return None
    rows = []
    for sid, e in scen.items():
        access = ", ".join(
            f"{actor_name(analysis, a, tr)}: {tr(ACCESS.get(v, v))}" for a, v in e.get("basing_access", {}).items()
        )
        rows.append(
            {
                tr("Scenario"): scenario_name(analysis, sid, tr),
                tr("Objective"): tr(OBJECTIVES.get(e["objective"], e["objective"])),
                tr("US intervention"): tr(INTERVENTION.get(e["us_intervention"], e["us_intervention"])),
                tr("Basing access"): access or "–",
                tr("Warning (days)"): e["warning_days"],
                tr("Fait-accompli window (days)"): e["fait_accompli_window_days"],
                tr("Duration (days)"): e["duration_days"],
                tr("Weight in planning"): e["weight"],
            }
        )
    tables = [
        ReportTable(
            "scenario_assumptions",
            tr("Scenario assumptions (central values; ranges are sampled in the simulation)"),
            pd.DataFrame(rows),
            formats={
                tr("Warning (days)"): "float1",
                tr("Fait-accompli window (days)"): "float1",
                tr("Duration (days)"): "float1",
                tr("Weight in planning"): "float2",
            },
        )
    ]
    paras = [
        tr(
            "Parameters with a low–high range in the data are drawn for every replication (triangular distribution), so the "
            "intervals include parameter uncertainty as well as the chance of combat."
        )
    ]
    as_of = (analysis.get("dataset") or {}).get("as_of")
    if as_of:
        paras.insert(0, tr("The data describe the alliance as of {date}.").format(date=as_of))
    plan = analysis.get("planning")
    if plan:
        paras.append(
            tr(
                "Planning: a {years}-year horizon from {base}; adversary forces grow {growth} a year; budgets are deflated "
                "at {inflation} a year; a stalemate counts {weight} of a clear denial; the deterrence surrogate uses {reps} "
                "nominal replications per point, shared out among the scenarios by their weight and duration."
            ).format(
                years=plan["horizon_years"],
                base=plan["base_year"],
                growth=tr.pct(plan["adversary_growth_per_year"], 1),
                inflation=tr.pct(plan["inflation_per_year"], 1),
                weight=tr.num(plan["stalemate_weight"], 2),
                reps=plan["surrogate_replications"],
            )
        )
    growth = {
        a: b["assumptions"].get("nominal_gdp_growth_per_year") for a, b in (analysis.get("budgets") or {}).items()
    }
    if growth:
        paras.append(
            tr("Assumed nominal GDP growth per year (not a sourced figure): {list}.").format(
                list=", ".join(
                    f"{actor_name(analysis, a, tr)} {tr.pct(g, 1)}" for a, g in growth.items() if g is not None
                )
            )
        )
    conf = (analysis.get("sources") or {}).get("confidence_counts") or {}
    if conf:
        tables.append(
            ReportTable(
                "data_confidence",
                tr("Data records by confidence level"),
                pd.DataFrame([{tr("Confidence"): tr(CONFIDENCE.get(k, k)), tr("Records"): n} for k, n in conf.items()]),
                formats={tr("Records"): "int"},
            )
        )
    return Section("assumptions", tr("Assumptions"), paragraphs=paras, tables=tables)


def calibration(analysis: dict, tr) -> Section | None:
    cal = analysis.get("calibration")
    if not cal or not cal.get("rows"):
        return None
    yes, no = tr("yes"), tr("no")
    rows = [
        {
            tr("Quantity"): tr(CALIBRATION[r["key"]]) if r["key"] in CALIBRATION else r["description"],
            tr("CSIS, low"): r["csis"][0],
            tr("CSIS, high"): r["csis"][1],
            tr("Accepted, low"): r["accepted"][0],
            tr("Accepted, high"): r["accepted"][1],
            tr("Model (mean)"): r["model"],
            tr("Within band"): yes if r["ok"] else no,
        }
        for r in cal["rows"]
    ]
    fmt = {
        c: "float2"
        for c in (tr("CSIS, low"), tr("CSIS, high"), tr("Accepted, low"), tr("Accepted, high"), tr("Model (mean)"))
    }
    table = ReportTable(
        "calibration_rows", tr("Calibration against the CSIS base case"), pd.DataFrame(rows), formats=fmt
    )
    paras = [
        tr(
            "The {scenario} scenario is compared with the base case of the CSIS wargame (Cancian, Cancian and Heginbotham, "
            "2023), {reps} replications. A loss figure passes if the model's mean lies within a factor of {factor} of the "
            "CSIS range; shares and timing are not widened."
        ).format(
            scenario=scenario_name(analysis, cal["scenario"], tr),
            reps=tr.num(cal["replications"]),
            factor=tr.num(cal["tolerance_factor"], 1),
        )
    ]
    tables = [table]
    if cal.get("sets"):
        every = [
            {
                tr("Set"): tr(CALIBRATION_SETS.get(name, name)),
                tr("Quantity"): tr(CALIBRATION[r["key"]]) if r["key"] in CALIBRATION else r["description"],
                tr("CSIS, low"): r["csis"][0],
                tr("CSIS, high"): r["csis"][1],
                tr("Accepted, low"): r["accepted"][0],
                tr("Accepted, high"): r["accepted"][1],
                tr("Model (mean)"): r["model"],
                tr("Model, 95% interval low"): r["interval"][0],
                tr("Model, 95% interval high"): r["interval"][1],
                tr("Within band"): yes if r["ok"] else no,
                tr("Verdict beyond Monte Carlo noise"): yes if r.get("conclusive", True) else no,
            }
            for name, one in cal["sets"].items()
            for r in one["rows"]
        ]
        fmt_all = {**fmt, tr("Model, 95% interval low"): "float2", tr("Model, 95% interval high"): "float2"}
        tables.append(
            ReportTable(
                "calibration_sets",
                tr("Calibration against the CSIS wargames: every set"),
                pd.DataFrame(every),
                formats=fmt_all,
            )
        )
        paras.append(
            tr(
                "Every CSIS assumption set is a named override of the data (data/calibration.yaml): the base, "
                "pessimistic and optimistic invasion sets (CSIS 2023) and the blockade game (CSIS 2025). "
                "{passed} of {total} targets lie within their bands; `positivesum calibrate` prints the same table."
            ).format(passed=tr.num(cal.get("passed", 0)), total=tr.num(cal.get("total", 0)))
        )
    return Section("calibration", tr("Calibration"), paragraphs=paras, tables=tables)


def data_sources(analysis: dict, tr) -> Section | None:
    src = analysis.get("sources")
    if not src or not src.get("cited"):
        return None
    rows = [
        {
            tr("Key"): r["key"],
            tr("Title"): r["title"],
            tr("Publisher"): r["publisher"],
            tr("Date"): r["date"],
            tr("Records citing it"): r["citations"],
            tr("Address"): r["url"],
        }
        for r in src["cited"]
    ]
    paras = [
        tr(
            "{cited} of the {registry} sources in the registry are cited by the data; {estimates} records rest on a stated "
            "estimate instead of a citation."
        ).format(cited=len(src["cited"]), registry=src["registry_size"], estimates=tr.num(src["estimate_only_records"]))
    ]
    table = ReportTable(
        "sources", tr("Sources cited by the data"), pd.DataFrame(rows), formats={tr("Records citing it"): "int"}
    )
    return Section("data_sources", tr("Data sources"), paragraphs=paras, tables=[table])


def _allocated(analysis: dict, nominal, tr):
    """The verification's nominal replications and the range the allocation gave the scenarios
    (plan/allocation.py), or the nominal count alone when the regimes were not compared."""
    by = ((analysis.get("regimes") or {}).get("replications_by_scenario") or {}).get("by_scenario") or {}
    if nominal is None or not by:
        return nominal
    return tr("{nominal} nominal; {low}–{high} per scenario, by weight and duration").format(
        nominal=nominal, low=min(by.values()), high=max(by.values())
    )


def _per_draw(per_draw: dict | None, tr) -> str | None:
    """How many replications share one parameter draw, in the scenario tables and in the studies (decision 0017)."""
    if not per_draw:
        return None
    return tr(
        "{scenarios} in the scenario tables (their spread across draws); {studies} in the planning and alliance studies"
    ).format(scenarios=per_draw.get("scenarios"), studies=per_draw.get("studies"))


def reproducibility(analysis: dict, tr) -> Section | None:
    rep = analysis.get("reproducibility")
    if not rep:
        return None
    none = tr("none")
    items = [
        (tr("Data as of"), (analysis.get("dataset") or {}).get("as_of") or tr("not stated")),
        (tr("positivesum version"), rep.get("version")),
        (tr("Seed"), rep.get("seed")),
        (tr("Replications per scenario"), rep.get("replications")),
        (tr("Replications per regime verification"), _allocated(analysis, rep.get("plan_replications"), tr)),
        (tr("Replications per alliance study"), rep.get("alliance_replications")),
        (tr("Replications per parameter draw"), _per_draw(rep.get("replications_per_parameter_draw"), tr)),
        (tr("Data SHA-256"), rep.get("data_sha256")),
        (tr("Overrides applied"), ", ".join(rep.get("overrides") or []) or none),
        (tr("--set values applied"), ", ".join(rep.get("sets") or []) or none),
        (tr("Scenarios"), ", ".join(rep.get("scenarios") or [])),
        (tr("Data files"), "\n".join(rep.get("files") or [])),
        (tr("Command line"), rep.get("command_line")),
        (tr("Date (UTC)"), rep.get("date")),
        (tr("Python"), rep.get("python")),
    ]
    frame = pd.DataFrame([{tr("Item"): k, tr("Value"): "" if v is None else str(v)} for k, v in items])
    paras = [
        tr(
            "The same command with the same data, seed and replications gives the same numbers; the data hash identifies "
            "the merged data after overrides and --set values."
        )
    ]
    return Section(
        "reproducibility",
        tr("Reproducibility"),
        paragraphs=paras,
        tables=[ReportTable("run_record", tr("Run record"), frame)],
    )
