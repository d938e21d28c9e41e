"""Section builders: executive summary, scenario outcomes, losses and munitions over time.

Planning sections are in :mod:`.planning`, alliance sections in :mod:`.alliance`, audit sections in
:mod:`.audit`; their order is :data:`positivesum.report.sections.SECTIONS`.
Builders read only the analysis keys they know and return None when those are missing.
"""

from __future__ import annotations

import pandas as pd

from ...i18n import N_
from ...sim.results import wilson_interval
from .. import charts
from ..document import ReportChart, ReportTable, Section
from ..labels import DOMAINS, OUTCOMES, SIDES, actor_name, finite, pool_name, regime_name, scenario_name

STOCK_TABLE_THRESHOLD = 0.75


def _scenarios(analysis: dict) -> dict:
    return {k: v for k, v in (analysis.get("scenarios") or {}).items() if v.get("summary")}


def riskiest_pool(analysis: dict) -> tuple[str, str, dict] | None:
    """(scenario, pool, stats) with the highest P(run out) of an allied pool."""
    best = None
    for sid, entry in _scenarios(analysis).items():
        blue = {a for a, side in entry.get("participants", {}).items() if side == "blue"}
        for pool, m in entry["summary"].get("munitions", {}).items():
            if (
                pool.split(":")[0] in blue
                and m.get("p_runout", 0) > 0
                and (best is None or m["p_runout"] > best[2]["p_runout"])
            ):
                best = (sid, pool, m)
    return best


def _with_ci(tr, stat: dict, digits: int) -> str:
    """A Monte Carlo mean with its 95% interval, "16.3 (15.9–16.6)" (the mean alone if it has no interval)."""
    ci = stat.get("ci95") or [None, None]
    if not (finite(ci[0]) and finite(ci[1])):
        return tr.num(stat["mean"], digits)
    return f"{tr.num(stat['mean'], digits)} ({tr.num(ci[0], digits)}–{tr.num(ci[1], digits)})"


def _runout_value(tr, m: dict) -> str:
    """P(stock runs out) with its Wilson 95% interval over the scenario's replications (as the outcome shares)."""
    interval = _share_interval(tr, m, "({low}–{high})")
    return f"{tr.pct(m['p_runout'], 1)} {interval}" if interval else tr.pct(m["p_runout"])


def _share_interval(tr, m: dict, pattern: str = "[{low}, {high}]") -> str:
    """The Wilson 95% interval of a stock's P(run out) over the scenario's replications, "" without a count."""
    reps = (m.get("expended") or {}).get("n")
    if not reps:
        return ""
    low, high = wilson_interval(m["p_runout"] * reps, int(reps))
    return pattern.format(low=tr.pct(low, 1), high=tr.pct(high, 1))


def executive_summary(analysis: dict, tr) -> Section | None:
    scen = _scenarios(analysis)
    if not scen:
        return None
    rep = analysis.get("reproducibility", {})
    paras, rows = [], []
    paras.append(
        tr(
            "This briefing covers {n} scenarios, each simulated {reps} times (seed {seed}); probabilities are shares "
            "of replications with 95% confidence intervals."
        ).format(n=len(scen), reps=tr.num(rep.get("replications")), seed=rep.get("seed"))
    )
    succ = {sid: e["summary"]["outcomes"]["adversary_success"] for sid, e in scen.items()}
    lo, hi = min(succ, key=lambda s: succ[s]["p"]), max(succ, key=lambda s: succ[s]["p"])
    if succ[lo]["p"] == succ[hi]["p"]:
        paras.append(
            tr("The adversary's chance of success is {p} in every scenario simulated.").format(
                p=tr.pct(succ[lo]["p"], 1)
            )
        )
    else:
        paras.append(
            tr(
                "The adversary's chance of success ranges from {low} ({low_scenario}) to {high} ({high_scenario})."
            ).format(
                low=tr.pct(succ[lo]["p"], 1),
                low_scenario=scenario_name(analysis, lo, tr),
                high=tr.pct(succ[hi]["p"], 1),
                high_scenario=scenario_name(analysis, hi, tr),
            )
        )
    for sid, e in scen.items():
        oc, day = e["summary"]["outcomes"], e["summary"]["decided_day"]
        rows.append(
            {
                tr("Key number"): tr("P(adversary succeeds): {scenario}").format(
                    scenario=scenario_name(analysis, sid, tr)
                ),
                tr(
                    "Value"
                ): f"{tr.pct(oc['adversary_success']['p'], 1)} ({tr.pct(oc['adversary_success']['ci95'][0], 1)}–"
                f"{tr.pct(oc['adversary_success']['ci95'][1], 1)})",
            }
        )
        if day.get("n"):
            rows.append(
                {
                    tr("Key number"): tr("Day decided (mean): {scenario}").format(
                        scenario=scenario_name(analysis, sid, tr)
                    ),
                    tr("Value"): _with_ci(tr, day, 1),
                }
            )
    first = next(iter(scen))
    oc, day = scen[first]["summary"]["outcomes"], scen[first]["summary"]["decided_day"]
    fmt = dict(
        scenario=scenario_name(analysis, first, tr),
        p=tr.pct(oc["denied"]["p"], 1),
        low=tr.pct(oc["denied"]["ci95"][0], 1),
        high=tr.pct(oc["denied"]["ci95"][1], 1),
        day=tr.num(day["mean"], 1),
    )
    if day.get("n"):
        paras.append(
            tr(
                "In {scenario}, the adversary is denied in {p} of replications (95% CI {low}–{high}); the campaign is "
                "decided on day {day} on average."
            ).format(**fmt)
        )
    else:
        paras.append(
            tr("In {scenario}, the adversary is denied in {p} of replications (95% CI {low}–{high}).").format(**fmt)
        )
    risk = riskiest_pool(analysis)
    if risk:
        sid, pool, m = risk
        paras.append(
            tr(
                "The allied munition stock most at risk is {pool} in {scenario}: it runs out in {p} of replications, "
                "on day {day} on average."
            ).format(
                pool=pool_name(analysis, pool, tr),
                scenario=scenario_name(analysis, sid, tr),
                p=tr.pct(m["p_runout"]),
                day=tr.num(m["runout_day"]["mean"], 1),
            )
        )
        rows.append(
            {
                tr("Key number"): tr("Highest P(munition stock runs out): {pool}").format(
                    pool=pool_name(analysis, pool, tr)
                ),
                tr("Value"): _runout_value(tr, m),
            }
        )
    reg = analysis.get("regimes") or {}
    if reg.get("regimes") and reg.get("cooperation_dividend"):
        joint = reg["regimes"]["joint"]["simulated"]["weighted_deterrence"]
        others = {k: v["simulated"]["weighted_deterrence"] for k, v in reg["regimes"].items() if k != "joint"}
        best = max(others, key=lambda k: others[k])
        gain = reg["cooperation_dividend"].get(best) or {}
        ci = gain.get("deterrence_gain_at_equal_money_ci95") or [None, None]
        paras.append(
            tr(
                "At equal money per actor, joint planning reaches a weighted deterrence of {joint}, against {other} for the "
                "best zero-sum regime ({regime}): a gain of {gain}."
            ).format(
                joint=tr.num(joint, 3),
                other=tr.num(others[best], 3),
                regime=regime_name(best, tr),
                gain=tr.num(joint - others[best], 3),
            )
        )
        if finite(ci[0]) and finite(ci[1]):
            paras.append(
                (
                    tr(
                        "Paired by replication, the gain's 95% interval is {low} to {high}: it includes zero, so this "
                        "difference is within the simulation's noise."
                    )
                    if gain.get("deterrence_gain_includes_zero")
                    else tr("Paired by replication, the gain's 95% interval is {low} to {high}.")
                ).format(low=tr.num(ci[0], 3), high=tr.num(ci[1], 3))
            )
        # Only savings that hold when the cheaper joint plan is re-simulated are headline numbers (compare.py
        # ``_equal_deterrence_check``); a surrogate's saving that simulation refutes is in the dividend section.
        saved = {
            k: d["saved_musd"]
            for k, d in reg["cooperation_dividend"].items()
            if finite(d.get("saved_musd"))
            and d["saved_musd"] > 0
            and (d.get("equal_deterrence_check") or {}).get("equal_within_interval", True)
        }
        if saved:
            # the same regime as the deterrence comparison above (the best zero-sum regime) when its saving holds:
            # the largest saving over any regime would flatter joint planning; else the largest that holds, named
            top = best if best in saved else max(saved, key=lambda k: saved[k])
            paras.append(
                tr(
                    "Matching the deterrence of the {regime} regime by joint planning would cost {saved} million USD less "
                    "over the plan's lifecycle (re-simulated: the cheaper plan's deterrence is not significantly lower)."
                ).format(regime=regime_name(top, tr), saved=tr.num(saved[top]))
            )
            rows.append(
                {
                    tr("Key number"): tr(
                        "Money saved by joint planning at equal deterrence, against {regime} (million USD)"
                    ).format(regime=regime_name(top, tr)),
                    tr("Value"): tr.num(saved[top]),
                }
            )
        joint_ci = ((reg["regimes"]["joint"].get("measures") or {}).get("deterrence") or {}).get("ci95")
        rows.append(
            {
                tr("Key number"): tr("Weighted deterrence, joint planning (simulated)"),
                tr("Value"): _with_ci(tr, {"mean": joint, "ci95": joint_ci}, 3),
            }
        )
    cal = analysis.get("calibration")
    if cal and cal.get("rows"):
        ok = sum(1 for r in cal["rows"] if r["ok"])
        paras.append(
            tr("Calibration: {ok} of {n} checks against the CSIS base case are within the accepted band.").format(
                ok=ok, n=len(cal["rows"])
            )
        )
        rows.append({tr("Key number"): tr("Calibration checks within band"), tr("Value"): f"{ok} / {len(cal['rows'])}"})
    table = ReportTable("key_numbers", tr("Key numbers"), pd.DataFrame(rows))
    return Section("executive_summary", tr("Executive summary"), paragraphs=paras, tables=[table])


def scenario_outcomes(analysis: dict, tr) -> Section | None:
    scen = _scenarios(analysis)
    if not scen:
        return None
    rows, days, plot = [], [], []
    for sid, e in scen.items():
        s = e["summary"]
        name = scenario_name(analysis, sid, tr)
        for key, text in OUTCOMES.items():
            o = s["outcomes"][key]
            rows.append(
                {
                    tr("Scenario"): name,
                    tr("Outcome"): tr(text),
                    tr("Probability"): o["p"],
                    tr("95% CI, low"): o["ci95"][0],
                    tr("95% CI, high"): o["ci95"][1],
                }
            )
            plot.append({"scenario": name, "outcome": tr(text), "p": o["p"], "low": o["ci95"][0], "high": o["ci95"][1]})
        d, peak = s["decided_day"], s["peak_troops_ashore"]
        days.append(
            {
                tr("Scenario"): name,
                tr("Replications"): s["meta"]["replications"],
                tr("Day decided, mean"): d["mean"],
                tr("Day decided, 5th percentile"): d["p05"],
                tr("Day decided, 95th percentile"): d["p95"],
                tr("Peak adversary troops ashore, mean"): peak["mean"],
            }
        )
    prob = {tr("Probability"): "pct1", tr("95% CI, low"): "pct1", tr("95% CI, high"): "pct1"}
    t1 = ReportTable(
        "outcomes",
        tr("Outcome probabilities by scenario (share of replications, Wilson 95% confidence intervals)"),
        pd.DataFrame(rows),
        formats=prob,
    )
    t2 = ReportTable(
        "decided_day",
        tr("When the campaign is decided (days from D-day) and the largest adversary force ashore (troops)"),
        pd.DataFrame(days),
        formats={
            tr("Replications"): "int",
            tr("Day decided, mean"): "float1",
            tr("Day decided, 5th percentile"): "float1",
            tr("Day decided, 95th percentile"): "float1",
            tr("Peak adversary troops ashore, mean"): "int",
        },
    )
    chart = ReportChart(
        "chart_outcomes",
        tr("Outcome probabilities with 95% confidence intervals"),
        charts.outcomes(pd.DataFrame(plot), tr, tr("Outcome probabilities with 95% confidence intervals")),
    )
    paras = [
        tr(
            "Each replication ends in one of three exclusive outcomes: the adversary succeeds, the adversary is denied, "
            "or a stalemate at the end of the campaign. A fait accompli is a success within the scenario's fait-accompli "
            "window. Error bars are Wilson 95% confidence intervals; they reflect the number of replications, not "
            "uncertainty in the model's structure."
        )
    ]
    return Section("scenario_outcomes", tr("Scenario outcomes"), paragraphs=paras, tables=[t1, t2], charts=[chart])


def losses_over_time(analysis: dict, tr) -> Section | None:
    scen = {k: v for k, v in _scenarios(analysis).items() if v.get("series", {}).get("day")}
    if not scen:
        return None
    line, stock, by_actor, mun = [], [], [], []
    kinds = (("aircraft_lost", N_("aircraft")), ("ships_lost", N_("ships")))
    depletion: dict[str, float] = {}
    for sid, e in scen.items():
        name, ser, s = scenario_name(analysis, sid, tr), e["series"], e["summary"]
        for key, kind in kinds:
            per_actor = ser.get(f"{key}_by_actor") or {}
            if per_actor:
                for actor, values in per_actor.items():
                    for day, v in zip(ser["day"], values):
                        line.append(
                            {
                                "scenario": name,
                                "day": day,
                                "actor": actor_name(analysis, actor, tr),
                                "kind": tr(kind),
                                "units": v,
                            }
                        )
            else:  # an analysis written before per-actor traces: by side
                for side, side_label in SIDES.items():
                    for day, v in zip(ser["day"], ser.get(key, {}).get(side, [])):
                        line.append(
                            {"scenario": name, "day": day, "actor": tr(side_label), "kind": tr(kind), "units": v}
                        )
        for pool, st in ser.get("stocks", {}).items():
            if finite(st["initial"]) and st["initial"] >= 1:
                depletion[pool] = max(depletion.get(pool, 0.0), 1 - min(st["stock"]) / st["initial"])
        for actor, per in s.get("losses_by_domain", {}).items():
            for dom, stat in per.items():
                by_actor.append(
                    {
                        tr("Scenario"): name,
                        tr("Actor"): actor_name(analysis, actor, tr),
                        tr("Type"): tr(DOMAINS.get(dom, dom)),
                        tr("Units lost, mean"): stat["mean"],
                        tr("5th percentile"): stat["p05"],
                        tr("95th percentile"): stat["p95"],
                    }
                )
        for pool, m in s.get("munitions", {}).items():
            st = ser.get("stocks", {}).get(pool)
            if not st or not finite(st["initial"]) or st["initial"] < 1:
                continue
            left = st["stock"][-1] / st["initial"]
            if m["p_runout"] > 0 or left < STOCK_TABLE_THRESHOLD:
                mun.append(
                    {
                        tr("Scenario"): name,
                        tr("Munition stock"): pool_name(analysis, pool, tr),
                        tr("Day-0 stock (rounds)"): st["initial"],
                        tr("Rounds expended, mean"): m["expended"]["mean"],
                        tr("Stock left at the end, mean"): left,
                        tr("P(runs out)"): m["p_runout"],
                        tr("P(runs out), 95% interval"): _share_interval(tr, m),
                        tr("Run-out day, mean"): m["runout_day"]["mean"],
                    }
                )
    top = sorted(depletion, key=lambda p: (-depletion[p], p))[:6]
    for sid, e in scen.items():
        for pool in top:
            st = e["series"].get("stocks", {}).get(pool)
            if st:
                for day, v in zip(e["series"]["day"], st["stock"]):
                    stock.append(
                        {
                            "scenario": scenario_name(analysis, sid, tr),
                            "day": day,
                            "pool": pool_name(analysis, pool, tr),
                            "share": v / st["initial"],
                        }
                    )
    charts_out = [
        ReportChart(
            "chart_losses_time",
            tr("Cumulative losses by actor over time"),
            charts.losses_over_time(pd.DataFrame(line), tr, tr("Cumulative losses by actor over time")),
        )
    ]
    if stock:
        charts_out.append(
            ReportChart(
                "chart_stocks_time",
                tr("Munition stocks over time (the most depleted stocks)"),
                charts.stocks_over_time(
                    pd.DataFrame(stock), tr, tr("Munition stocks over time (the most depleted stocks)")
                ),
            )
        )
    tables = [
        ReportTable(
            "losses_by_actor",
            tr(
                "Units lost by actor and type at the end of the campaign (mean and 5th–95th "
                "percentile over replications)"
            ),
            pd.DataFrame(by_actor),
            formats={tr("Units lost, mean"): "float1", tr("5th percentile"): "float1", tr("95th percentile"): "float1"},
        )
    ]
    if mun:
        tables.append(
            ReportTable(
                "munitions",
                tr("Munition stocks that ran out in some replication or fell below 75% of their day-0 level"),
                pd.DataFrame(mun),
                formats={
                    tr("Day-0 stock (rounds)"): "int",
                    tr("Rounds expended, mean"): "int",
                    tr("Stock left at the end, mean"): "pct",
                    tr("P(runs out)"): "pct",
                    tr("Run-out day, mean"): "float1",
                },
            )
        )
    paras = [
        tr(
            "Curves are means over replications at the end of each time step; a decided replication keeps its final "
            "state. Solid lines are aircraft, dashed lines ships; the table gives losses by actor and type at the end of "
            "the campaign with their spread."
        ),
        tr("Stocks include production during the campaign; a stock can run out and be refilled later."),
    ]
    return Section(
        "losses_munitions", tr("Losses and munitions over time"), paragraphs=paras, tables=tables, charts=charts_out
    )
