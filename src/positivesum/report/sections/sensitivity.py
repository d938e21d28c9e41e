"""Section builder: which assumptions decide the outcome (Morris tornado and scenario-discovery boxes).

Reads ``analysis["sensitivity"]``, made by :func:`positivesum.services.sensitivity_briefing.briefing_study`.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from ...i18n import N_
from ..charts import OKABE_ITO, WIDTH, config
from ..document import ReportChart, ReportTable, Section
from ..labels import scenario_name

#: The measures a failure condition can name (services/sensitivity.py ``MEASURES``), in words.
MEASURE_WORDS = {
    "adversary_victory": N_("P(adversary victory)"),
    "adversary_defeat": N_("P(adversary defeat)"),
    "expected_grade": N_("the expected grade"),
    "decided_day": N_("the mean campaign length in days"),
    "share_held": N_("the mean share of the objective the adversary holds"),
}
#: What a condition means for deterrence, by measure and direction (the briefing's is the first).
CONDITION_MEANING = {
    ("adversary_defeat", "<"): N_(
        "the defenders do not deny the adversary: the invasion is defeated in fewer than half of the runs"
    ),
    ("adversary_victory", ">"): N_("the adversary wins in more than the stated share of the runs"),
    ("expected_grade", "<"): N_("the expected grade falls below the stated level"),
}
_OP_WORDS = {
    "<": N_("{measure} below {value}"),
    "<=": N_("{measure} at most {value}"),
    ">": N_("{measure} above {value}"),
    ">=": N_("{measure} at least {value}"),
}
#: Why scenario discovery found no box (services/discovery.py ``discover``'s notes), for translation.
NOTES = frozenset(
    (
        N_("the condition holds at no design point"),
        N_("the condition holds at every design point"),
        N_("no factor varies in the design"),
        N_("PRIM found no box that restricts a factor"),
    )
)
_CONDITION = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")


def condition_words(condition: str, tr, *, meaning: bool = True) -> str:
    """A failure condition such as ``adversary_defeat<0.5`` in words: what it means for deterrence, where known
    (with ``meaning``), and the threshold (``P(adversary defeat) below 0.5``). An unreadable condition is shown as
    written."""
    m = _CONDITION.match(condition or "")
    if not m:
        return condition
    measure, op, value = m.groups()
    threshold = tr(_OP_WORDS[op]).format(measure=tr(MEASURE_WORDS.get(measure, measure)), value=value)
    what = CONDITION_MEANING.get((measure, op.rstrip("="))) if meaning else None
    return f"{tr(what)} ({threshold})" if what else threshold


def _tornado(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Horizontal bars of μ* with their 95% bootstrap interval, largest first. Columns: factor, mu_star, low, high."""
    order = list(frame["factor"])
    base = alt.Chart(frame).encode(y=alt.Y("factor:N", title=None, sort=order))
    tooltip = [
        alt.Tooltip("factor:N", title=tr("Assumption")),
        alt.Tooltip("mu_star:Q", title="μ*", format=".2f"),
        alt.Tooltip("low:Q", title=tr("95% CI, low"), format=".2f"),
        alt.Tooltip("high:Q", title=tr("95% CI, high"), format=".2f"),
    ]
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("mu_star:Q", title=tr("Mean absolute effect μ* on the expected grade (grade points)")), tooltip=tooltip
    )
    rules = base.mark_rule(color="#333").encode(x="low:Q", x2="high:Q")
    return config((bars + rules).properties(width=WIDTH, height=max(120, 18 * len(frame)), title=title))


def _boxes(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Each box's limits on the factors it restricts, as a share of the factor's range (0 low end, 1 high end).

    Columns: box, factor, start, end (fractions of the range), low, high (values)."""
    base = alt.Chart(frame).encode(y=alt.Y("factor:N", title=None), yOffset=alt.YOffset("box:N"))
    track = base.mark_rule(color="#ccc", strokeWidth=6).encode(x=alt.datum(0), x2=alt.datum(1))
    tooltip = [
        alt.Tooltip("box:N", title=tr("Box")),
        alt.Tooltip("factor:N", title=tr("Assumption")),
        alt.Tooltip("low:Q", title=tr("from"), format=".3g"),
        alt.Tooltip("high:Q", title=tr("to"), format=".3g"),
    ]
    bars = base.mark_bar(height=10).encode(
        x=alt.X(
            "start:Q",
            title=tr("Position in the stated range (0 = low end, 1 = high end)"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        x2="end:Q",
        color=alt.Color("box:N", title=tr("Box"), scale=alt.Scale(range=OKABE_ITO[1:])),
        tooltip=tooltip,
    )
    return config((track + bars).properties(width=WIDTH, height=max(80, 28 * frame["factor"].nunique()), title=title))


def sensitivity(analysis: dict, tr) -> Section | None:
    study = analysis.get("sensitivity")
    if not study or not study.get("tornado"):
        return None
    scenario = scenario_name(analysis, study["scenario"], tr)
    rows = [r for r in study["tornado"] if (r.get("mu_star") or 0) > 0]
    frame = pd.DataFrame(
        {
            "factor": [r["factor"] for r in rows],
            "mu_star": [r["mu_star"] for r in rows],
            "low": [max(0.0, r["mu_star"] - (r["mu_star_conf"] or 0.0)) for r in rows],
            "high": [r["mu_star"] + (r["mu_star_conf"] or 0.0) for r in rows],
        }
    )
    table = ReportTable(
        "sensitivity_morris",
        tr("Morris screening of {scenario}: effect of each assumption on the expected grade").format(scenario=scenario),
        pd.DataFrame(
            {
                tr("Assumption"): [r["factor"] for r in study["tornado"]],
                tr("Quantities"): [r["members"] for r in study["tornado"]],
                "μ*": [r["mu_star"] for r in study["tornado"]],
                tr("95% ±"): [r["mu_star_conf"] for r in study["tornado"]],
                "μ": [r["mu"] for r in study["tornado"]],
                "σ": [math.nan if r["sigma"] is None else r["sigma"] for r in study["tornado"]],
            }
        ),
        formats={"μ*": "float2", tr("95% ±"): "float2", "μ": "float2", "σ": "float2"},
    )
    charts = [
        ReportChart(
            "chart_sensitivity_tornado",
            tr("Which assumptions move the expected grade (Morris μ*, 95% intervals)"),
            _tornado(frame, tr, tr("Which assumptions move the expected grade (Morris μ*, 95% intervals)")),
        )
    ]
    disc = study.get("discovery") or {}
    failure = condition_words(disc.get("condition", ""), tr)
    tables = [table]
    box_rows, limit_rows = [], []
    for i, box in enumerate(disc.get("boxes") or [], start=1):
        box_rows.append(
            {
                tr("Box"): i,
                tr("Deterrence fails when"): (" " + tr("and") + " ").join(box["rules"]),
                tr("Coverage"): box["coverage"],
                tr("Density"): box["density"],
                tr("Share of points"): box["mass"],
            }
        )
        for name, (lo, hi) in box["limits"].items():
            full_lo, full_hi = box["ranges"][name]
            width = (full_hi - full_lo) or 1.0
            limit_rows.append(
                {
                    "box": str(i),
                    "factor": name,
                    "start": (lo - full_lo) / width,
                    "end": (hi - full_lo) / width,
                    "low": lo,
                    "high": hi,
                }
            )
    if box_rows:
        tables.append(
            ReportTable(
                "sensitivity_boxes",
                tr("Where deterrence fails: scenario-discovery boxes for {condition}").format(
                    condition=condition_words(disc["condition"], tr, meaning=False)
                ),
                pd.DataFrame(box_rows),
                formats={tr("Coverage"): "pct", tr("Density"): "pct", tr("Share of points"): "pct"},
            )
        )
        charts.append(
            ReportChart(
                "chart_sensitivity_boxes",
                tr("Scenario-discovery boxes within the stated ranges"),
                _boxes(pd.DataFrame(limit_rows), tr, tr("Scenario-discovery boxes within the stated ranges")),
            )
        )
    paras = [
        tr(
            "Design: Morris screening of {scenario} with {r} trajectories over {groups} groups of its {factors} "
            "stated low–high ranges ({runs} design points of {reps} replications, seed {seed}). Each scenario and "
            "participant quantity is a factor of its own; engine parameters, class performance, munition "
            "effectiveness, stockpiles and force counts each move as one group. μ* is the mean absolute change of "
            "the expected grade (0 adversary victory … 4 adversary defeat) when a factor crosses its whole range."
        ).format(
            scenario=scenario,
            r=study["trajectories"],
            groups=study["groups"],
            factors=study["factors"],
            runs=study["runs"],
            reps=study["replications_per_point"],
            seed=study["seed"],
        ),
        tr(
            "The design points run side by side in shared blocks, without common random numbers: effects smaller "
            "than their interval are within the noise of {reps} replications. `positivesum sensitivity` runs full "
            "Morris and Sobol designs with common random numbers."
        ).format(reps=study["replications_per_point"]),
    ]
    if disc:
        paras.append(
            tr(
                "Scenario discovery (PRIM) on a Latin hypercube of {points} points over every range, for the failure "
                "condition: {condition}. It holds at {cases} of the {points} points."
            ).format(points=disc.get("n_points", "?"), condition=failure, cases=disc.get("n_cases", "?"))
        )
    if box_rows:
        paras.append(
            tr(
                "Each box is a region of the assumptions where the condition concentrates. Coverage is the share of "
                "all the points where it holds that fall inside the box, density the share of the box's points where "
                "it holds. With so few points a box is a lead to test, not a finding."
            )
        )
    elif disc:
        note = str(disc.get("note", ""))
        paras.append(tr("Scenario discovery found no box: {note}.").format(note=tr(note) if note in NOTES else note))
    return Section(
        "sensitivity",
        tr("Which assumptions decide the outcome"),
        paragraphs=paras,
        tables=tables,
        charts=charts,
    )
