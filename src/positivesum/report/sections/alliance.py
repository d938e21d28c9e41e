"""Report sections for the alliance architecture: fair shares, intervention-level matrix, roles, command.

They read ``analysis["alliance"]`` (made by :mod:`positivesum.services.report` from
:mod:`positivesum.services.alliance`); each returns None when its part is missing. Methods:
docs/methodology/alliance.md.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import charts
from ..document import ReportChart, ReportTable, Section
from ..labels import actor_name as _actor_label
from ..labels import area_name as _area
from ..labels import interval_cell
from ..labels import level_name as _level
from ..labels import role_name as _role


def _actor(analysis: dict, actor_id: str, tr) -> str:
    return _actor_label(analysis, actor_id, tr)


def _part(analysis: dict, key: str) -> dict | None:
    return (analysis.get("alliance") or {}).get(key)


def _bars(
    frame: pd.DataFrame,
    tr,
    title: str,
    x_title: str,
    colour_title: str,
    percent: bool = False,
    number_format: str = ",.2f",
    tooltip_format: str = ",.3f",
) -> alt.TopLevelMixin:
    """Grouped horizontal bars. Columns: item, series, value; optional low, high: a 95% interval drawn as an error
    bar on the bars that have one (a Monte Carlo estimate is shown with its interval). ``number_format`` is the
    axis's d3 format, ``tooltip_format`` the values' in the tooltips (both ignored with ``percent``)."""
    order = list(dict.fromkeys(frame["series"]))
    items = list(dict.fromkeys(frame["item"]))
    fmt = ".0%" if percent else tooltip_format
    with_ci = {"low", "high"} <= set(frame.columns) and bool(frame["low"].notna().any())
    tooltip = [
        alt.Tooltip("item:N", title=""),
        alt.Tooltip("series:N", title=colour_title),
        alt.Tooltip("value:Q", title=x_title, format=fmt),
    ]
    if with_ci:
        tooltip += [
            alt.Tooltip("low:Q", title=tr("95% CI, low"), format=fmt),
            alt.Tooltip("high:Q", title=tr("95% CI, high"), format=fmt),
        ]
    base = alt.Chart(frame).encode(
        y=alt.Y("item:N", title=None, sort=items), yOffset=alt.YOffset("series:N", sort=order)
    )
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=x_title, axis=alt.Axis(format="%" if percent else number_format)),
        color=charts._colour("series", colour_title, order),
        tooltip=tooltip,
    )
    chart: alt.TopLevelMixin = bars
    if with_ci:
        errors = base.mark_rule(color="black", strokeWidth=1.2).encode(x="low:Q", x2="high:Q", tooltip=tooltip)
        chart = alt.layer(bars, errors)
    return charts.config(
        chart.properties(width=charts.WIDTH - 240, height=max(140, 14 * len(order) * len(items)), title=title)
    )


def _coalition_interval(fs: dict, members: list[str], tr) -> str:
    """A coalition's v(S) 95% interval from the fair shares' bootstrap ("" for an older analysis without one)."""
    row = ((fs.get("intervals") or {}).get("coalitions") or {}).get("+".join(sorted(members))) or {}
    return interval_cell(row.get("ci95"), tr)


def fair_shares(analysis: dict, tr) -> Section | None:
    fs = _part(analysis, "fair_shares")
    if not fs:
        return None
    grand = fs["grand_value"]
    cols = [
        ("alone", tr("Alone, v(i)"), "float3"),
        ("shapley", tr("Shapley value"), "float3"),
        ("shapley_pct", tr("Shapley share (%)"), "float1"),
        ("nucleolus_pct", tr("Nucleolus share (%)"), "float1"),
        ("nash_pct", tr("Nash bargaining share (%)"), "float1"),
        ("proportional_to_gdp_pct", tr("GDP share (%)"), "float1"),
        ("proportional_to_defence_spending_pct", tr("Defence spending share (%)"), "float1"),
        ("proportional_to_plan_money_pct", tr("Share of plan money (%)"), "float1"),
    ]
    rules = (fs.get("intervals") or {}).get("rules") or {}
    bands = [(rule, head) for rule, head in (("shapley", tr("Shapley share")), ("nucleolus", tr("Nucleolus share")))]
    for rule, head in bands:
        if rule in rules:
            cols += [
                (f"{rule}_ci_low", tr("{measure}, 95% interval low (%)").format(measure=head), "float1"),
                (f"{rule}_ci_high", tr("{measure}, 95% interval high (%)").format(measure=head), "float1"),
            ]
    rows = []
    for r in fs["shares"]:
        row = {tr("Ally"): _actor(analysis, r["player"], tr)}
        extra = {}
        for rule, _head in bands:
            ci = (rules.get(rule) or {}).get(r["player"], {}).get("share_pct_ci95")
            if ci:
                extra[f"{rule}_ci_low"], extra[f"{rule}_ci_high"] = ci
        row.update({head: extra.get(key, r.get(key)) for key, head, _f in cols})
        rows.append(row)
    shares = ReportTable(
        "fair_share_table",
        tr("Shares of joint deterrence against GDP and spending shares"),
        pd.DataFrame(rows),
        formats={head: f for _k, head, f in cols},
    )
    coalitions = pd.DataFrame(
        [
            {
                tr("Coalition"): " + ".join(_actor(analysis, m, tr) for m in c["members"]) or tr("(no ally)"),
                tr("Weighted deterrence"): c["deterrence"],
                tr("Value v(S)"): c["value"],
                tr("Value v(S), 95% interval"): _coalition_interval(fs, c["members"], tr),
                tr("Options chosen"): c["options"],
                tr("Lifecycle cost (million USD)"): c["lifecycle_cost_musd"],
            }
            for c in fs["coalitions"]
        ]
    )
    coal = ReportTable(
        "coalition_values",
        tr("Coalition values from the planner"),
        coalitions,
        formats={
            tr("Weighted deterrence"): "float3",
            tr("Value v(S)"): "float3",
            tr("Lifecycle cost (million USD)"): "int",
        },
    )
    plot = []
    for r in fs["shares"]:
        for key, series in (
            ("shapley_pct", tr("Shapley")),
            ("nucleolus_pct", tr("Nucleolus")),
            ("proportional_to_gdp_pct", tr("GDP")),
            ("proportional_to_defence_spending_pct", tr("Defence spending")),
        ):
            if r.get(key) is not None:
                # the Shapley and nucleolus shares' bootstrap intervals; GDP and spending shares are data
                ci = (((fs.get("intervals") or {}).get("rules") or {}).get(key.removesuffix("_pct")) or {}).get(
                    r["player"], {}
                ).get("share_pct_ci95") or [None, None]
                plot.append(
                    {
                        "item": _actor(analysis, r["player"], tr),
                        "series": series,
                        "value": r[key] / 100,
                        "low": ci[0] / 100 if ci[0] is not None else None,
                        "high": ci[1] / 100 if ci[1] is not None else None,
                    }
                )
    chart = ReportChart(
        "chart_fair_shares",
        tr("Contribution to deterrence against GDP and spending shares"),
        _bars(
            pd.DataFrame(plot),
            tr,
            tr("Contribution to deterrence against GDP and spending shares"),
            tr("Share of the total (%)"),
            tr("Measure"),
            percent=True,
        ),
    )
    paras = [
        tr(
            "The coalition value v(S) is the scenario-weighted deterrence that allies S reach when they plan jointly "
            "with their own money, options, forces and bases, minus what the non-players achieve alone ({base}). "
            "All {n} allies together add {grand}."
        ).format(base=tr.num(fs["deterrence_without_players"], 3), n=len(fs["players"]), grand=tr.num(grand, 3)),
        tr(
            "The Shapley value gives each ally its average marginal contribution over every order of joining; the "
            "nucleolus minimises the largest complaint of any coalition. A split by GDP or by defence spending — what "
            'a "pay X% of GDP" deal implies — is shown beside them.'
        ),
    ]
    if fs["surplus"] < 0:
        paras.append(
            tr(
                "The allies' values alone add up to more than their joint value (surplus {s}): where one ally "
                "alone already denies the adversary, the other's capability is redundant there. The core is "
                "therefore empty (least-core ε = {e}) and Nash bargaining has no split that beats going alone "
                "for everyone."
            ).format(s=tr.num(fs["surplus"], 3), e=tr.num(fs["least_core_epsilon"], 3))
        )
    elif fs.get("core_empty") is False:
        paras.append(
            tr("The core is non-empty: some splits keep every coalition on board; the nucleolus is one of them.")
        )
    if rules and (fs.get("intervals") or {}).get("strata"):
        paras.append(
            tr(
                "Intervals are percentile bootstraps that resample whole parameter draws scenario by scenario ({n} "
                "resamples of {units} draws in {strata} scenarios, each simulated at its own replications and seed; "
                "the same resample for every coalition): a difference between two shares smaller than their "
                "intervals is not a finding."
            ).format(
                n=fs["intervals"].get("samples", ""),
                units=fs["intervals"].get("resampled_units", ""),
                strata=fs["intervals"]["strata"],
            )
        )
    elif rules:
        paras.append(
            tr(
                "Intervals are percentile bootstraps that resample whole parameter draws ({n} resamples of {units} "
                "draws, the same resample for every coalition): a difference between two shares smaller than their "
                "intervals is not a finding."
            ).format(
                n=(fs.get("intervals") or {}).get("samples", ""),
                units=(fs.get("intervals") or {}).get("resampled_units", ""),
            )
        )
    sitting_out = sorted({sc for by_sc in (fs.get("feasibility") or {}).values() for sc in by_sc})
    if sitting_out:
        paras.append(
            tr(
                "Coalitions that could not fight a scenario get the value of not fighting it (the conditions are "
                "data: planning.coalition_conditions); this applies in {scenarios}."
            ).format(scenarios=", ".join(sitting_out))
        )
    tables_extra = []
    by_sc = fs.get("by_scenario") or {}
    if by_sc:
        sc_rows = []
        for sid, one in by_sc.items():
            for player, pct in (one.get("shapley_pct") or {}).items():
                ci = (one.get("shapley_pct_ci95") or {}).get(player) or [None, None]
                sc_rows.append(
                    {
                        tr("Scenario"): sid,
                        tr("Ally"): _actor(analysis, player, tr),
                        tr("Shapley share (%)"): pct,
                        tr("95% interval"): interval_cell(ci, tr, 1, missing="—"),
                    }
                )
        if sc_rows:
            tables_extra.append(
                ReportTable(
                    "fair_share_by_scenario",
                    tr("Shapley shares by scenario"),
                    pd.DataFrame(sc_rows),
                    formats={tr("Shapley share (%)"): "float1"},
                )
            )
    b = fs.get("basing_access")
    if b:
        paras.append(
            tr(
                "Basing access as an in-kind contribution: {user} planning and fighting alone reaches {without} "
                "without {host}'s bases and {with_} with them, so {host}'s basing access is worth {value} of "
                "weighted deterrence to {user}."
            ).format(
                user=_actor(analysis, b["user"], tr),
                host=_actor(analysis, b["host"], tr),
                without=tr.num(b["user_alone"], 3),
                with_=tr.num(b["user_alone_with_host_bases"], 3),
                value=tr.num(b["value"], 3),
            )
        )
        ci = b.get("value_ci95") or [None, None]
        if ci[0] is not None:
            paras.append(
                (
                    tr(
                        "Paired by replication, its 95% interval is [{low}, {high}], which includes zero: at these "
                        "replications the basing access shows no measurable value to {user} fighting alone."
                    )
                    if b.get("value_includes_zero")
                    else tr("Paired by replication, its 95% interval is [{low}, {high}].")
                ).format(low=tr.num(ci[0], 3), high=tr.num(ci[1], 3), user=_actor(analysis, b["user"], tr))
            )
    return Section(
        "fair_shares", tr("Fair shares"), paragraphs=paras, tables=[shares, coal, *tables_extra], charts=[chart]
    )


def _gain_cell(gain: dict | None, tr) -> str:
    """The portfolio's paired gain in deterrence as "[low, high]" ("—" where nothing was bought)."""
    if not gain or gain.get("ci95", [None])[0] is None or (gain["ci95"][0] == gain["ci95"][1] == 0.0):
        return "—"
    return interval_cell(gain["ci95"], tr, missing="—")


def intervention_matrix(analysis: dict, tr) -> Section | None:
    im = _part(analysis, "intervention_matrix")
    if not im:
        return None
    actor = _actor(analysis, im["actor"], tr)
    rows, plot = [], []
    for r in im["levels"]:
        if r.get("simulated_scenario") is None:
            continue
        primary = [_area(analysis, m, tr) for m, role in r["role_by_area"].items() if role == "primary"]
        rows.append(
            {
                tr("US intervention level"): _level(r["level"], tr),
                tr("Scenario"): r["simulated_scenario"],
                tr("Options chosen"): len(r["portfolio"]),
                tr("Lifecycle cost (million USD)"): r["lifecycle_cost_musd"],
                tr("Primary in"): ", ".join(primary) or "—",
                tr("Deterrence without the portfolio"): r["outcome_without_plan"]["deterrence"],
                tr("Deterrence with the portfolio"): r["outcome_with_plan"]["deterrence"],
                tr("Gain, 95% interval"): _gain_cell(r.get("deterrence_gain"), tr),
                tr("P(fait accompli)"): r["outcome_with_plan"].get("fait_accompli"),
            }
        )
        for key, series in (
            ("outcome_without_plan", tr("Without the portfolio")),
            ("outcome_with_plan", tr("With the portfolio")),
        ):
            plot.append({"item": _level(r["level"], tr), "series": series, "value": r[key]["deterrence"]})
    table = ReportTable(
        "intervention_levels",
        tr("{actor}'s best portfolio by US intervention level").format(actor=actor),
        pd.DataFrame(rows),
        formats={
            tr("Lifecycle cost (million USD)"): "int",
            tr("Deterrence without the portfolio"): "float3",
            tr("Deterrence with the portfolio"): "float3",
            tr("P(fait accompli)"): "pct",
        },
    )
    areas = list(next((r["role_by_area"] for r in im["levels"] if r.get("role_by_area")), {}))
    role_rows = [
        {
            tr("US intervention level"): _level(r["level"], tr),
            **{_area(analysis, m, tr): _role(r["role_by_area"][m], tr) for m in areas},
        }
        for r in im["levels"]
        if r.get("role_by_area")
    ]
    roles = ReportTable(
        "intervention_roles",
        tr("{actor}'s role by mission area and intervention level").format(actor=actor),
        pd.DataFrame(role_rows),
    )
    chart = ReportChart(
        "chart_intervention",
        tr("Deterrence by US intervention level"),
        _bars(
            pd.DataFrame(plot), tr, tr("Deterrence by US intervention level"), tr("Deterrence (0–1)"), tr("Portfolio")
        ),
        tr(
            "Simulated with the same random numbers with and without the portfolio: the gain and its 95% interval, "
            "from the paired replications, are in the table below."
        ),
    )
    paras = [
        tr(
            "For each level of US intervention, {actor}'s best portfolio on its own money, its cost, its role by "
            "mission area (share of the committed capital: primary at {share} or the largest share) and the simulated "
            "outcome. The burden-sharing baseline cannot be fixed before the intervention level is."
        ).format(actor=actor, share=tr.pct(0.4))
    ]
    gains = [r for r in im["levels"] if _gain_cell(r.get("deterrence_gain"), tr) != "—"]
    if gains:
        unclear = [_level(r["level"], tr) for r in gains if r["deterrence_gain"].get("includes_zero")]
        paras.append(
            tr(
                "The gain's interval is that of deterrence with the portfolio minus without it, paired by replication "
                "(the same seed), with parameter draws as the sampling unit."
            )
            + ("" if tr.lang == "ja" else " ")  # Japanese sentences follow one another without a space
            + (
                tr("It includes zero at: {levels}; there the portfolio's effect is not established.").format(
                    levels=", ".join(unclear)
                )
                if unclear
                else tr("It excludes zero at every level.")
            )
        )
    for r in im["levels"]:
        if r.get("note"):
            paras.append(f"{_level(r['level'], tr)}: " + _note(r, im, actor, tr))
    return Section(
        "intervention_matrix", tr("Intervention-level matrix"), paragraphs=paras, tables=[table, roles], charts=[chart]
    )


def _note(row: dict, im: dict, actor: str, tr) -> str:
    parts = []
    if not row.get("actor_in_data", True):
        parts.append(
            tr(
                "in the data {actor} stays out at this level; the row is a variant in which {actor} takes part "
                "as in {base}"
            ).format(actor=actor, base=im["base_scenario"])
        )
    if "complete" in row.get("note", ""):
        parts.append(tr("deterrence is already complete here, so no purchase adds any"))
    if row.get("simulated_scenario") is None:
        parts.append(tr("no scenario at this level in the data"))
    return "; ".join(parts) + "."


def roles(analysis: dict, tr) -> Section | None:
    ro = _part(analysis, "roles")
    if not ro:
        return None
    cells = {(c["area"], c["actor"]): c for c in ro["cells"]}
    change = {"same": tr("same"), "larger": tr("larger"), "smaller": tr("smaller")}
    rows = []
    for m in ro["areas"]:
        row = {tr("Mission area"): _area(analysis, m, tr)}
        for a in ro["actors"]:
            c = cells[(m, a)]
            name = _actor(analysis, a, tr)
            row[tr("{actor}: 2015 baseline").format(actor=name)] = _role(c["baseline"], tr)
            row[tr("{actor}: from the plan").format(actor=name)] = _role(c["derived"], tr)
            row[tr("{actor}: share of capital").format(actor=name)] = c["share"]
            row[tr("{actor}: change").format(actor=name)] = change[c["change"]]
        rows.append(row)
    fmt = {tr("{actor}: share of capital").format(actor=_actor(analysis, a, tr)): "pct" for a in ro["actors"]}
    table = ReportTable(
        "roles_diff", tr("Roles from the joint plan against the 2015 Guidelines"), pd.DataFrame(rows), formats=fmt
    )
    plot = [
        {"item": _area(analysis, c["area"], tr), "series": _actor(analysis, c["actor"], tr), "value": c["share"]}
        for c in ro["cells"]
    ]
    chart = ReportChart(
        "chart_roles",
        tr("Share of allied capital by mission area"),
        _bars(
            pd.DataFrame(plot),
            tr,
            tr("Share of allied capital by mission area"),
            tr("Share of capital (%)"),
            tr("Actor"),
            percent=True,
        ),
    )
    paras = [
        tr(
            "Roles are derived from each actor's capital in a mission area (units at unit cost and munition stocks, "
            "with the joint plan's options in service): primary at {p} or the largest share, supporting at {s}. "
            "They are compared cell by cell with {baseline}."
        ).format(
            p=tr.pct(ro["thresholds"]["primary_share"]),
            s=tr.pct(ro["thresholds"]["supporting_share"]),
            baseline=tr.label({"en": ro["baseline_name"], "ja": ro["baseline_name_ja"]}),
        )
    ]
    for which, name in (("baseline", tr("the baseline")), ("derived", tr("the plan"))):
        if ro["gaps"][which]:
            paras.append(
                tr("Gaps in {which}: no primary actor in {areas}.").format(
                    which=name, areas=", ".join(_area(analysis, m, tr) for m in ro["gaps"][which])
                )
            )
        for d in ro["duplicates"][which]:
            paras.append(
                tr("Duplicate in {which}: {actors} are all primary in {area} — {need}.").format(
                    which=name,
                    actors=", ".join(_actor(analysis, a, tr) for a in d["actors"]),
                    area=_area(analysis, d["area"], tr),
                    need=tr("needed, more capability still adds deterrence")
                    if d["needed"]
                    else tr("without need, more capability adds no deterrence"),
                )
            )
    return Section(
        "roles", tr("Roles matrix against the 2015 Guidelines"), paragraphs=paras, tables=[table], charts=[chart]
    )


def command(analysis: dict, tr) -> Section | None:
    cc = _part(analysis, "command")
    if not cc:
        return None
    actors = sorted({a for s in cc["structures"] for a in s["initial_response"]})
    rows, plot = [], []
    for s in cc["structures"]:
        name = tr.label({"en": s["name"], "ja": s["name_ja"]})
        row = {tr("Command structure"): name}
        for a in actors:
            hours = s["initial_response"].get(a, {}).get("hours")
            row[tr("{actor}: initial response (hours)").format(actor=_actor(analysis, a, tr))] = hours
            if hours is not None and a in ("USA", "JPN"):
                plot.append({"item": name, "series": _actor(analysis, a, tr), "value": hours})
        fa = [v.get("fait_accompli", 0.0) for v in s["scenarios"].values()]
        row[tr("Weighted deterrence")] = s["weighted_deterrence"]
        ci = s.get("weighted_deterrence_ci95") or [None, None]
        row[tr("95% interval, low")], row[tr("95% interval, high")] = ci[0], ci[1]
        diff = s.get("difference_from_reference") or {}
        row[tr("Difference from the first structure")] = diff.get("mean")
        dci = diff.get("ci95") or [None, None]
        row[tr("Difference: 95% interval")] = interval_cell(dci, tr)
        row[tr("Highest P(fait accompli)")] = max(fa) if fa else None
        row[tr("Primary roles without a command path")] = sum(len(v) for v in s["role_command_problems"].values())
        rows.append(row)
    formats = {tr("{actor}: initial response (hours)").format(actor=_actor(analysis, a, tr)): "int" for a in actors}
    formats.update(
        {
            tr("Weighted deterrence"): "float3",
            tr("95% interval, low"): "float3",
            tr("95% interval, high"): "float3",
            tr("Difference from the first structure"): "float3",
            tr("Highest P(fait accompli)"): "pct",
        }
    )
    table = ReportTable("command_compare", tr("Command structures compared"), pd.DataFrame(rows), formats=formats)
    chart = ReportChart(
        "chart_command",
        tr("Initial-response latency by command structure"),
        _bars(
            pd.DataFrame(plot),
            tr,
            tr("Initial-response latency by command structure"),
            tr("Hours from national authority to the slowest component"),
            tr("Actor"),
            number_format=",.0f",
            tooltip_format=",.0f",
        ),
    )
    paras = [
        tr(
            "Initial-response latency is the time from an actor's national authority to the slowest component its "
            "first response needs, along the quickest command path. Each structure is simulated on {n} scenarios "
            "with the same random numbers, so differences come from the structure alone."
        ).format(n=len(cc["scenarios"]))
    ]
    diffs = [s for s in cc["structures"] if s.get("difference_from_reference")]
    if diffs:
        noise = [
            tr.label({"en": s["name"], "ja": s["name_ja"]})
            for s in diffs
            if s["difference_from_reference"].get("includes_zero")
        ]
        first = next(s for s in cc["structures"] if s["structure"] == cc.get("reference_structure"))
        paras.append(
            tr(
                "Differences are from {first}, paired by replication, with 95% intervals clustered by parameter draw."
            ).format(first=tr.label({"en": first["name"], "ja": first["name_ja"]}))
        )
        if noise:
            paras.append(
                tr(
                    "For {structures} the interval includes zero: at these replications the structure makes no "
                    "difference to deterrence that the simulation can show."
                ).format(structures=", ".join(noise))
            )
    problems = [
        (s["structure"], r, p) for s in cc["structures"] for r, ps in s["role_command_problems"].items() for p in ps
    ]
    if problems:
        for st, r, p in problems:
            paras.append(f"{st} / {r}: {p['problem']}")
    else:
        paras.append(tr("Every primary role in every roles matrix has a command path in every structure."))
    return Section("command", tr("Command structures"), paragraphs=paras, tables=[table], charts=[chart])
