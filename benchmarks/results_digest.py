"""Digest of a briefing's analysis.json as Markdown: the numbers the README's "Results on the default data" quotes.

    python benchmarks/results_digest.py out/analysis.json

Every Monte Carlo number is printed with its 95 % interval, and a difference whose interval includes zero is
marked "(includes 0)". This reads what `positivesum report` wrote; it computes nothing new.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from positivesum.sim.grading import GRADES


def ci(x: dict[str, Any] | None, fmt: str = "{:.3f}") -> str:
    if not x or x.get("mean") is None:
        return "n/a"
    lo, hi = x["ci95"]
    return f"{fmt.format(x['mean'])} [{fmt.format(lo)}, {fmt.format(hi)}]"


def scenarios(a: dict[str, Any]) -> list[str]:
    rows = [
        "| scenario | P(victory) | stalemates (fav. adv. / even / fav. def.) | P(defeat) | grade 0–4 |",
        "|---|---|---|---|---|",
    ]
    for sid, entry in a["scenarios"].items():
        g = entry["summary"]["grades"]
        p = {k: g[k]["p"] for k in GRADES if k in g}
        rows.append(
            f"| {sid} | {p.get('adversary_victory', 0):.2f} | {p.get('stalemate_favouring_adversary', 0):.2f} / "
            f"{p.get('stalemate_indeterminate', 0):.2f} / {p.get('stalemate_favouring_defenders', 0):.2f} | "
            f"{p.get('adversary_defeat', 0):.2f} | {ci(entry['summary']['grade_score'], '{:.2f}')} |"
        )
    return rows


def regimes(r: dict[str, Any]) -> list[str]:
    out = [
        f"seed {r['seed']}, check seed {r['check_seed']}, {r['replications']} replications per portfolio, "
        f"margins at {r.get('margin_replications')}",
        "",
        "| regime | lifecycle cost (M USD) | simulated D [95%] | grade score [95%] | growth margin, weighted (weakest) |",
        "|---|---|---|---|---|",
    ]
    for name, res in r["regimes"].items():
        m = res.get("measures", {})
        gm = m.get("growth_margin_years") or {}
        wci = gm.get("weighted_ci95") or [float("nan")] * 2
        margin = (
            f"{gm['weighted']:.1f} [{wci[0]:.1f}, {wci[1]:.1f}] y ({gm['weakest_scenario']} {gm['weakest_years']:.1f} y)"
            if gm
            else "not computed"
        )
        label = name + (f" (= {res['adopted_from']})" if res.get("adopted_from") else "")
        out.append(
            f"| {label} | {res['money']['lifecycle_cost_musd']:,.0f} | {ci(m.get('deterrence'))} | "
            f"{ci(m.get('grade_score'))} | {margin} |"
        )
    out += ["", "Cooperation dividend (joint minus regime, paired replications):", ""]
    for name, d in r["cooperation_dividend"].items():
        lo, hi = d["deterrence_gain_at_equal_money_ci95"]
        c2 = d["deterrence_gain_check_seed"]
        eq = d.get("equal_deterrence_check") or {}
        held = (
            "n/a"
            if "deterrence_difference" not in eq
            else ("holds" if eq["equal_within_interval"] else "does not hold")
        )
        out.append(
            f"* vs {name}: {d['deterrence_gain_at_equal_money']:+.4f} [{lo:+.4f}, {hi:+.4f}]"
            f"{' (includes 0)' if d['deterrence_gain_includes_zero'] else ''}; check seed {c2['mean']:+.4f} "
            f"[{c2['ci95'][0]:+.4f}, {c2['ci95'][1]:+.4f}]{' (includes 0)' if c2['includes_zero'] else ''}; "
            f"money saved at equal deterrence {d.get('saved_musd') or 0:,.0f} M USD (re-simulated: {held})"
        )
        gmd = d.get("growth_margin_difference")
        if gmd:
            w = gmd["weighted"]
            out.append(
                f"  growth margin, joint minus {name}: {w['difference_years']:+.2f} [{w['ci95'][0]:+.2f}, "
                f"{w['ci95'][1]:+.2f}] years; by scenario (uncensored): "
                + "; ".join(
                    f"{sid} {x['difference_years']:+.2f} [{x['ci95'][0]:+.2f}, {x['ci95'][1]:+.2f}]"
                    + ("" if x["includes_zero"] else " *")
                    for sid, x in gmd["by_scenario"].items()
                    if not x["censored"]
                )
            )
        by_s = d.get("deterrence_gain_by_scenario") or {}
        if by_s:
            out.append(
                "  by scenario: "
                + "; ".join(
                    f"{sid} {x['difference']:+.3f} [{x['ci95'][0]:+.3f}, {x['ci95'][1]:+.3f}]"
                    + ("" if x["includes_zero"] else " *")
                    for sid, x in by_s.items()
                )
                + "  (* interval excludes 0)"
            )
    for pid, t in (r.get("spending_targets") or {}).items():
        g = t["joint_margin_at_equal_money"]
        out.append(
            f"* target {pid}: national D {t['spending-target']['simulated_deterrence']:.3f}, joint "
            f"{t['joint']['simulated_deterrence']:.3f}, joint margin {g['mean']:+.4f} [{g['ci95'][0]:+.4f}, "
            f"{g['ci95'][1]:+.4f}]{' (includes 0)' if g['includes_zero'] else ''}"
        )
    sv = r.get("surrogate_validation") or {}
    out += ["", f"Surrogate held-out error: {json.dumps(sv, default=str)[:400]}"]
    if r.get("growth_margin_statement"):
        out.append(f"Growth margin: {r['growth_margin_statement']}")
    if r.get("pinned_statement"):
        out.append(f"Pinned: {r['pinned_statement']}")
    return out


def alliance(al: dict[str, Any]) -> list[str]:
    fs = al.get("fair_shares") or {}
    out = [f"Fair shares (v(N) = {fs.get('grand_value', float('nan')):.3f}, {fs.get('replications')} reps):", ""]
    rules = (fs.get("intervals") or {}).get("rules", {})
    for rule in ("shapley", "nucleolus"):
        parts = []
        for player, v in (rules.get(rule) or {}).items():
            lo, hi = v["share_pct_ci95"]
            parts.append(f"{player} {v['share_pct']:.1f}% [{lo:.1f}, {hi:.1f}]")
        out.append(f"* {rule}: " + ", ".join(parts))
    b = fs.get("basing_access")
    if b:
        c = b.get("value_ci95") or [float("nan")] * 2
        out.append(
            f"* {b['host']}'s basing access to {b['user']}: {b['value']:+.4f} [{c[0]:+.4f}, {c[1]:+.4f}] weighted "
            f"deterrence{' (includes 0)' if b.get('value_includes_zero') else ''}"
        )
    out.append(f"* superadditive: {fs.get('superadditive')}, core empty: {fs.get('core_empty')}")
    im = al.get("intervention_matrix") or {}
    for lv in im.get("levels", []):
        out.append(
            f"* intervention level {lv.get('level')}: {len(lv.get('portfolio') or [])} options for "
            f"{im.get('actor')} ({lv.get('lifecycle_cost_musd', 0):,.0f} M USD); D "
            f"{(lv.get('outcome_without_plan') or {}).get('deterrence', float('nan')):.3f} → "
            f"{(lv.get('outcome_with_plan') or {}).get('deterrence', float('nan')):.3f}; gain "
            f"{ci(lv.get('deterrence_gain'))}{' (includes 0)' if (lv.get('deterrence_gain') or {}).get('includes_zero') else ''}"
        )
    return out


def sensitivity(s: dict[str, Any] | None) -> list[str]:
    if not s:
        return []
    top = sorted(s["tornado"], key=lambda r: -r["mu_star"])[:5]
    out = [f"Morris ({s['runs']} runs × {s['replications_per_point']} reps) on {s['scenario']}, {s['measure']}:"]
    out += [f"* {r['factor']}: μ* {r['mu_star']:.2f} ± {r['mu_star_conf']:.2f}" for r in top]
    d = s.get("discovery") or {}
    out.append(f"Discovery ({d.get('condition')}): {d.get('note') or len(d.get('boxes') or [])} boxes")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("analysis", type=Path, help="analysis.json written by `positivesum report`")
    a = json.loads(ap.parse_args().analysis.read_text(encoding="utf-8"))
    repro = a["reproducibility"]
    lines = [
        f"seed {repro['seed']}, {repro['replications']} replications per scenario, data {repro['data_sha256'][:12]}",
        "",
        *scenarios(a),
        "",
    ]
    if a.get("regimes"):
        lines += regimes(a["regimes"]) + [""]
    if a.get("alliance"):
        lines += alliance(a["alliance"]) + [""]
    lines += sensitivity(a.get("sensitivity"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
