"""Section builders: budget paths, portfolios by mission area and regime, the cooperation dividend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import charts
from ..document import ReportChart, ReportTable, Section
from ..labels import actor_name, finite, interval_cell, regime_name


def budgets(analysis: dict, tr) -> Section | None:
    data = analysis.get("budgets") or {}
    if not data:
        return None
    rows, plot, paras = [], [], []
    for actor, info in data.items():
        name = actor_name(analysis, actor, tr)
        for r in info["rows"]:
            rows.append(
                {
                    tr("Actor"): name,
                    tr("Year"): r["year"],
                    tr("Currency"): info["currency"],
                    tr("Nominal GDP (bn, local currency)"): r["gdp_local_bn"],
                    tr("Defence budget (bn, local currency)"): r["budget_local_bn"],
                    tr("Defence budget (million USD)"): r["budget_musd"],
                    tr("Share of GDP"): r["share_of_gdp"],
                }
            )
            plot.append({"actor": name, "year": r["year"], "share": r["share_of_gdp"], "budget_musd": r["budget_musd"]})
        first, last = info["rows"][0], info["rows"][-1]
        paras.append(
            tr(
                "{actor}: {start} of GDP in {start_year}, {end} in {end_year} (target {target} by {target_year})."
            ).format(
                actor=name,
                start=tr.pct(first["share_of_gdp"], 2),
                start_year=first["year"],
                end=tr.pct(last["share_of_gdp"], 2),
                end_year=last["year"],
                target=tr.pct(info["target_share_of_gdp"], 2),
                target_year=info["target_year"],
            )
        )
    fiscal = {
        a: b.get("fiscal") for a, b in ((analysis.get("regimes") or {}).get("budgets") or {}).items() if b.get("fiscal")
    }
    for actor, f in fiscal.items():
        paras.append(
            tr(
                "{actor}: over the plan, extra defence spending plus the natural increase in social security need "
                "{need} bn {currency} of revenue; if bond-financed, the debt ratio rises by {points} percentage points."
            ).format(
                actor=actor_name(analysis, actor, tr),
                need=tr.num(f["cumulative_funding_need_local_bn"]),
                currency=f["currency"],
                points=tr.num(f["debt_ratio_change_pct_points_by_last_year"], 1),
            )
        )
    paras.append(
        tr(
            "Paths ramp linearly in the share of GDP from today's share to each actor's target, then hold the share; "
            "nominal GDP grows at an assumed rate (see Assumptions). Money is converted to USD at a fixed rate."
        )
    )
    table = ReportTable(
        "budget_paths",
        tr("Defence budget paths by actor and year"),
        pd.DataFrame(rows),
        formats={
            tr("Year"): "year",
            tr("Nominal GDP (bn, local currency)"): "int",
            tr("Defence budget (bn, local currency)"): "float1",
            tr("Defence budget (million USD)"): "int",
            tr("Share of GDP"): "pct2",
        },
    )
    chart = ReportChart(
        "chart_budget_share",
        tr("Defence budget as a share of GDP"),
        charts.budget_share(pd.DataFrame(plot), tr, tr("Defence budget as a share of GDP")),
    )
    return Section("budgets", tr("Budget paths"), paragraphs=paras, tables=[table], charts=[chart])


def _regimes(analysis: dict) -> dict:
    reg = analysis.get("regimes") or {}
    return reg.get("regimes") or {}


def portfolios(analysis: dict, tr) -> Section | None:
    reg = _regimes(analysis)
    if not reg:
        return None
    areas = analysis.get("labels", {}).get("mission_areas", {})
    wide: dict[str, dict[str, float]] = {}
    plot, items, summary = [], [], []
    for regime, res in reg.items():
        rname = regime_name(regime, tr)
        totals: dict[str, float] = {}
        for _actor, per in res.get("acquisition_by_actor_and_area_musd", {}).items():
            for area, musd in per.items():
                totals[area] = totals.get(area, 0.0) + musd
        for area in list(areas) + sorted(set(totals) - set(areas)):
            aname = tr.label(areas.get(area)) or tr("(no mission area)")
            wide.setdefault(aname, {})[rname] = totals.get(area, 0.0)
            if totals.get(area):
                plot.append({"area": aname, "regime": rname, "musd": totals[area]})
        for it in res.get("portfolio", []):
            items.append(
                {
                    tr("Regime"): rname,
                    tr("Actor"): actor_name(analysis, it["actor"], tr),
                    tr("Option"): it["name_ja"] if tr.lang == "ja" else it["name"],
                    tr("Start (plan year)"): it["start_plan_year"],
                    tr("Acquisition cost (million USD)"): it["acquisition_musd"],
                }
            )
        summary.append(
            {
                tr("Regime"): rname,
                tr("Options chosen"): len(res.get("portfolio", [])),
                tr("Acquisition cost (million USD)"): res["total_cost_musd"],
                tr("Weighted deterrence, surrogate"): res["surrogate"]["weighted_deterrence"],
                tr("Weighted deterrence, simulated"): res["simulated"]["weighted_deterrence"],
                tr("95% interval, low"): _ci(res)[0],
                tr("95% interval, high"): _ci(res)[1],
            }
        )
    frame = pd.DataFrame.from_dict(wide, orient="index").fillna(0.0)
    frame = frame.loc[(frame != 0).any(axis=1)].rename_axis(tr("Mission area")).reset_index()
    money = {c: "int" for c in frame.columns[1:]}
    tables = [
        ReportTable(
            "regimes",
            tr("Regimes at equal money per actor"),
            pd.DataFrame(summary),
            formats={
                tr("Options chosen"): "int",
                tr("Acquisition cost (million USD)"): "int",
                tr("Weighted deterrence, surrogate"): "float3",
                tr("Weighted deterrence, simulated"): "float3",
                tr("95% interval, low"): "float3",
                tr("95% interval, high"): "float3",
            },
        ),
        ReportTable(
            "portfolio_by_area",
            tr(
                "Acquisition cost by mission area and regime (million USD; an option serving "
                "several areas is split evenly)"
            ),
            frame,
            formats=money,
        ),
        ReportTable(
            "portfolio_options",
            tr("Options chosen under each regime"),
            pd.DataFrame(items),
            formats={tr("Start (plan year)"): "int", tr("Acquisition cost (million USD)"): "int"},
        ),
    ]
    chart = (
        [
            ReportChart(
                "chart_portfolio",
                tr("Where the money goes: acquisition by mission area"),
                charts.portfolio(pd.DataFrame(plot), tr, tr("Where the money goes: acquisition by mission area")),
            )
        ]
        if plot
        else []
    )
    if not items:
        tables = tables[:1]
    paras = [
        tr(
            "Each regime spends the same money per actor. Joint planning chooses options across the alliance to maximise "
            "scenario-weighted deterrence; spending targets make each actor buy for itself; cost transfer makes one actor "
            "buy with the others' money; the negotiated regime splits the total by agreed shares. Every portfolio is "
            "verified by simulation."
        )
    ]
    if not items:
        paras.append(
            tr(
                "No regime chose any option: with this money, no option in the catalogue raised the surrogate's "
                "deterrence in the weighted scenarios."
            )
        )
    held = ((analysis.get("regimes") or {}).get("surrogate_validation") or {}).get("held_out") or {}
    if held.get("points"):
        paras.append(
            tr(
                "The deterrence surrogate's error on {points} held-out points (root-mean-square, largest): {rmse}, "
                "{max} against simulations at another seed, {same_rmse}, {same_max} at the fit's seed. Without "
                "its interaction terms (additive) the same points give {add_rmse}, {add_max} and {add_same_rmse}, "
                "{add_same_max}."
            ).format(
                points=held["points"],
                rmse=tr.num(held["interaction_other_seed_rmse"], 3),
                max=tr.num(held["interaction_other_seed_max_abs_error"], 3),
                same_rmse=tr.num(held["interaction_same_seed_rmse"], 3),
                same_max=tr.num(held["interaction_same_seed_max_abs_error"], 3),
                add_rmse=tr.num(held["additive_other_seed_rmse"], 3),
                add_max=tr.num(held["additive_other_seed_max_abs_error"], 3),
                add_same_rmse=tr.num(held["additive_same_seed_rmse"], 3),
                add_same_max=tr.num(held["additive_same_seed_max_abs_error"], 3),
            )
        )
        if held.get("interaction_other_seed_objective_rmse") is not None:
            paras.append(
                tr(
                    "The error of the planner's objective, the weighted sum over scenarios (each scenario's mean "
                    "squared error times its squared weight; the light scenarios get fewer replications and are "
                    "the noisiest, but count little): {w_rmse} against simulations at another seed, {w_same} at "
                    "the fit's seed."
                ).format(
                    w_rmse=tr.num(held["interaction_other_seed_objective_rmse"], 3),
                    w_same=tr.num(held["interaction_same_seed_objective_rmse"], 3),
                )
            )
    levers = (analysis.get("regimes") or {}).get("option_levels") or {}
    if levers.get("basis") == "effect" and levers.get("scenarios"):
        etas = [r["eta"] for sc in levers["scenarios"].values() for r in sc.get("measured", {}).values()]
        paras.append(
            tr(
                "Options count towards the surrogate's levels by their simulated effect, not by their cost alone: each "
                "class and munition that options add was simulated alone in every planning scenario ({n} "
                "simulations) and counted by its effect relative to a balanced increase of its mission areas "
                "(median {median}, shrunk against the noise) and by the share of it the scenario commits."
            ).format(n=levers.get("simulations"), median=tr.num(float(np.median(etas)) if etas else 1.0, 2))
        )
    return Section(
        "portfolios", tr("Portfolios by mission area and regime"), paragraphs=paras, tables=tables, charts=chart
    )


def cooperation_dividend(analysis: dict, tr) -> Section | None:
    reg = analysis.get("regimes") or {}
    div = reg.get("cooperation_dividend") or {}
    if not div or not reg.get("regimes"):
        return None
    rows = []
    yes, no = tr("yes"), tr("no")
    for regime, d in div.items():
        ci = d.get("deterrence_gain_at_equal_money_ci95") or [None, None]
        check = d.get("deterrence_gain_check_seed") or {}
        held = (d.get("equal_deterrence_check") or {}).get("equal_within_interval")
        rows.append(
            {
                tr("Compared with"): regime_name(regime, tr),
                tr("Deterrence gained at equal money"): d["deterrence_gain_at_equal_money"],
                tr("95% interval, low"): ci[0],
                tr("95% interval, high"): ci[1],
                tr("At the check seed"): check.get("mean"),
                tr("At the check seed, 95% interval"): interval_cell(check.get("ci95"), tr),
                tr("Regime's lifecycle cost (million USD)"): d.get("regime_cost_musd"),
                tr("Joint cost at equal deterrence (million USD)"): d.get("joint_cost_at_equal_deterrence_musd"),
                tr("Money saved (million USD)"): d.get("saved_musd"),
                tr("Money saved holds when re-simulated"): "" if held is None else (yes if held else no),
            }
        )
    plot = pd.DataFrame(
        [
            {
                "regime": regime_name(k, tr),
                "deterrence": v["simulated"]["weighted_deterrence"],
                # the regime's own 95% interval (stratified over scenarios, clustered by parameter draw)
                "low": _ci(v)[0],
                "high": _ci(v)[1],
                "cost_musd": v["total_cost_musd"],
            }
            for k, v in reg["regimes"].items()
        ]
    )
    table = ReportTable(
        "dividend",
        tr("Cooperation dividend of joint planning"),
        pd.DataFrame(rows),
        formats={
            tr("Deterrence gained at equal money"): "float3",
            tr("95% interval, low"): "float3",
            tr("95% interval, high"): "float3",
            tr("At the check seed"): "float3",
            tr("Regime's lifecycle cost (million USD)"): "int",
            tr("Joint cost at equal deterrence (million USD)"): "int",
            tr("Money saved (million USD)"): "int",
        },
    )
    chart = ReportChart(
        "chart_deterrence",
        tr("Weighted deterrence by regime"),
        charts.deterrence(plot, tr, tr("Weighted deterrence by regime")),
        tr(
            "Error bars: each regime's own 95% interval. They overlap because the regimes are simulated with the same "
            "random numbers, so most of their variation is shared; whether two regimes differ is read from the paired "
            "differences in the table below, not from these bars."
        ),
    )
    paras = [
        tr(
            "Deterrence is P(adversary denied) plus {weight} × P(stalemate), averaged over scenarios with their weights. "
            "The dividend is measured two ways: the deterrence joint planning adds with the same money, and the money it "
            "saves while matching a regime's deterrence."
        ).format(weight=tr.num((analysis.get("planning") or {}).get("stalemate_weight", 0.5), 2))
    ]
    with_zero = [regime_name(k, tr) for k, d in div.items() if d.get("deterrence_gain_includes_zero")]
    if with_zero:
        paras.append(
            tr(
                "Against {regimes} the 95% interval of the deterrence gained includes zero: at these replications "
                "joint planning shows no dividend over them."
            ).format(regimes=", ".join(with_zero))
        )
    if reg.get("check_seed") is not None:
        paras.append(
            tr(
                "Intervals come from paired replications (the same seed for every portfolio), with parameter draws as "
                "the sampling unit; every dividend is re-simulated at a second seed ({seed}) as a check. Money saved "
                "is the surrogate's estimate; the last column says whether the cheaper joint plan, re-simulated, "
                "deters as much as the regime (within the interval)."
            ).format(seed=reg["check_seed"])
        )
    if reg.get("pinned_scenarios"):
        paras.append(
            tr("Deterrence sits at its ceiling or floor in every regime in: {scenarios}.").format(
                scenarios=", ".join(sorted(reg["pinned_scenarios"]))
            )
        )
    elif "pinned_scenarios" in reg:
        paras.append(tr("No scenario's deterrence sits at its ceiling or floor in every regime."))
    joint = reg["regimes"].get("joint", {})
    if joint.get("adopted_from"):
        paras.append(
            tr(
                "The joint planner adopted the {regime} portfolio, which simulation rated higher than its own plan."
            ).format(regime=regime_name(joint["adopted_from"], tr))
        )
    if any(not finite(d.get("saved_musd")) for d in div.values()):
        paras.append(tr("Where the money saved is blank, no cheaper joint plan reaches the regime's deterrence."))
    tables = [table]
    by_scenario = _dividend_by_scenario(div, tr, paras)
    if by_scenario is not None:
        tables.append(by_scenario)
    margins = _growth_margins(reg, div, tr, paras)
    if margins is not None:
        tables.append(margins)
    targets = _spending_targets(reg.get("spending_targets") or {}, tr, paras)
    if targets is not None:
        tables.append(targets)
    return Section("cooperation_dividend", tr("Cooperation dividend"), paragraphs=paras, tables=tables, charts=[chart])


def _ci(regime: dict) -> tuple[float | None, float | None]:
    """A regime's simulated weighted deterrence interval (its ``measures``), or no interval if it has none."""
    low, high = (((regime.get("measures") or {}).get("deterrence") or {}).get("ci95") or [None, None])[:2]
    return (float(low) if finite(low) else None, float(high) if finite(high) else None)


def _with_interval(d: dict, tr) -> str:
    """A difference and its 95 % interval as one cell: "+0.040 [−0.010, +0.090]" ("—" without either)."""
    if d.get("difference") is None or None in (d.get("ci95") or (None,)):
        return "—"
    return _signed_cell(d["difference"], d["ci95"], tr, 3)


def _dividend_by_scenario(div: dict, tr, paras: list[str]) -> ReportTable | None:
    """Where the weighted gain comes from: each scenario's paired difference, joint minus each regime."""
    regimes = [k for k, d in div.items() if d.get("deterrence_gain_by_scenario")]
    if not regimes:
        return None
    first = div[regimes[0]]["deterrence_gain_by_scenario"]
    scenarios = list(first)
    rows: list[dict[str, Any]] = []
    established: dict[str, list[str]] = {k: [] for k in regimes}
    for sid in scenarios:
        row: dict[str, Any] = {tr("Scenario"): sid, tr("Weight"): first[sid].get("weight")}
        for k in regimes:
            d = div[k]["deterrence_gain_by_scenario"].get(sid) or {}
            row[regime_name(k, tr)] = _with_interval(d, tr)
            if d and not d.get("includes_zero", True):
                established[k].append(sid)
        rows.append(row)
    sentences = [
        tr(
            "By scenario (second table): the joint plan's deterrence minus each regime's, paired by replication, with "
            "95% intervals. One scenario's difference is noisier than the weighted sum, which averages over the "
            "scenarios, so its interval is wider."
        )
    ]
    for k in regimes:
        sentences.append(
            tr("Against {regime} the difference is established on its own (interval excludes zero) in: {scenarios}.")
            if established[k]
            else tr(
                "Against {regime} no single scenario's difference is established on its own: each interval includes zero."
            )
        )
        sentences[-1] = sentences[-1].format(regime=regime_name(k, tr), scenarios=", ".join(established[k]))
    paras.append(("" if tr.lang == "ja" else " ").join(sentences))  # Japanese sentences follow without a space
    return ReportTable(
        "dividend_by_scenario",
        tr("Deterrence gained by joint planning, by scenario (95% interval)"),
        pd.DataFrame(rows),
        formats={tr("Weight"): "float2"},
    )


def _signed_cell(value: float | None, ci: list | None, tr, digits: int) -> str:
    """A signed value with its 95 % interval, if any, as one cell: "+1.2 [−0.4, +2.9]" ("—" without a value)."""
    if value is None:
        return "—"
    signed = [("+" if v > 0 else "") + tr.num(v, digits) for v in (value, *(ci or []))]
    return signed[0] + (f" [{signed[1]}, {signed[2]}]" if len(signed) == 3 else "")


def _growth_margins(reg: dict, div: dict, tr, paras: list[str]) -> ReportTable | None:
    """The growth margin of each regime's portfolio (decision record 0012) and its paired difference from the joint
    plan's, with the statement issue 16 asks for: where, if anywhere, the margin tells the regimes apart."""
    rows = []
    threshold = 0.5
    for name, res in reg["regimes"].items():
        gm = (res.get("measures") or {}).get("growth_margin_years")
        if not gm:
            continue
        threshold = gm.get("threshold_p_victory", threshold)
        diff = ((div.get(name) or {}).get("growth_margin_difference") or {}).get("weighted") or {}
        rows.append(
            {
                tr("Regime"): regime_name(name, tr),
                tr("Growth margin, weighted (years, 95% interval)"): _signed_cell(
                    gm.get("weighted"), gm.get("weighted_ci95"), tr, 1
                ),
                tr("Joint plan's margin minus this regime's (years)"): _signed_cell(
                    diff.get("difference_years"), diff.get("ci95"), tr, 1
                )
                if diff
                else "—",
                tr("Scenarios beyond the search range"): len(gm.get("censored") or []),
            }
        )
    if not rows:
        return None
    differing = reg.get("growth_margin_differs") or {}
    found = {k: v for k, v in differing.items() if v}
    paras.append(
        tr(
            "Growth margin (third table): the years of adversary growth at the data's rate beyond the plan's last "
            "year at which P(adversary victory) reaches {threshold}, found by bisection at one seed; intervals from "
            "resampling whole parameter draws, paired between regimes. A scenario beyond the search range counts "
            "at its end, so it cannot tell portfolios apart."
        ).format(threshold=tr.num(threshold, 2))
        + ("" if tr.lang == "ja" else " ")
        + (
            tr("The margin differs from the joint plan's by more than its paired interval: {where}.").format(
                where="; ".join(
                    tr("against {regime} in {scenarios}").format(regime=regime_name(k, tr), scenarios=", ".join(v))
                    for k, v in found.items()
                )
            )
            if found
            else tr(
                "In no scenario does any regime's growth margin differ from the joint plan's by more than its "
                "paired interval: at these replications the margin does not tell the regimes apart."
            )
        )
    )
    return ReportTable("growth_margins", tr("Growth margin by regime"), pd.DataFrame(rows))


def _spending_targets(targets: dict, tr, paras: list[str]) -> ReportTable | None:
    """Spending targets as regimes: what each buys nationally, and the joint plan's margin with the same money."""
    if not targets:
        return None
    rows, with_zero = [], []
    first = next(iter(targets.values()))
    others = sorted(set(first.get("money_for_options_musd") or {}) - set(first.get("applied_to") or []))
    for row in targets.values():
        margin = row.get("joint_margin_at_equal_money") or {}
        ci = margin.get("ci95") or [None, None]
        name = tr.label({"en": row.get("name"), "ja": row.get("name_ja") or row.get("name")}) or row.get("preset")
        rows.append(
            {
                tr("Spending target"): name,
                tr("Share of GDP"): row.get("share_of_gdp"),
                tr("Options bought nationally"): len(row["spending-target"]["options"]),
                tr("Deterrence, national plans (simulated)"): row["spending-target"]["simulated_deterrence"],
                tr("Deterrence, joint plan (simulated)"): row["joint"]["simulated_deterrence"],
                tr("Joint margin at equal money"): margin.get("mean"),
                tr("95% interval, low"): ci[0],
                tr("95% interval, high"): ci[1],
            }
        )
        if margin.get("includes_zero"):
            with_zero.append(name)
    paras.append(
        tr(
            "Spending targets as regimes: every ally but {receiver} at the target share of GDP ({receiver} at its "
            "own), each buying its own options for its own scenarios, against the joint plan with the same money. "
            "The margin is the joint "
            "plan's deterrence minus the national plans', re-simulated with the same seed (paired 95% interval); "
            "where simulation rates the national portfolios higher, the joint planner adopts them and the margin is 0."
        ).format(receiver=", ".join(others) or "—")
    )
    if with_zero:
        paras.append(
            tr("For {targets} the interval of the joint margin includes zero: no dividend is shown there.").format(
                targets=", ".join(str(t) for t in with_zero)
            )
        )
    return ReportTable(
        "spending_targets",
        tr("Spending targets at equal money: national plans against the joint plan"),
        pd.DataFrame(rows),
        formats={
            tr("Share of GDP"): "pct2",
            tr("Options bought nationally"): "int",
            tr("Deterrence, national plans (simulated)"): "float3",
            tr("Deterrence, joint plan (simulated)"): "float3",
            tr("Joint margin at equal money"): "float3",
            tr("95% interval, low"): "float3",
            tr("95% interval, high"): "float3",
        },
    )
