"""Regenerate the measured tables of docs/methodology/campaign.md (not a test).

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/campaign_tables.py [--reps 2048] [--seed 20260101] [--write]

Writes three tables between their markers in the methodology page (``<!-- BEGIN name -->`` …
``<!-- END name -->``): ``calibration`` (every target of `positivesum calibrate`, with the interval that
treats the outer draws as the sampling unit), ``calibration-grades`` (each set's grade probabilities with the
10th–90th percentile across outer draws) and ``scenario-grades`` (every default scenario under two-level
uncertainty). Without ``--write`` it prints them.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "methodology" / "campaign.md"
GRADES = (
    "adversary_victory",
    "stalemate_favouring_adversary",
    "stalemate_indeterminate",
    "stalemate_favouring_defenders",
    "adversary_defeat",
)
HEAD = "| adversary victory | favouring adversary | indeterminate | favouring defenders | adversary defeat |"


def _num(x: float) -> str:
    if x != x:  # nan
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def calibration_tables(reps: int, seed: int) -> dict[str, str]:
    from positivesum.services.calibrate import calibrate

    res = calibrate(reps=reps, seed=seed, workers=2)
    lines = ["| set | target | CSIS | model [95% interval] | accepted | result |", "|---|---|---|---|---|---|"]
    for r in res["rows"]:
        lo, hi = r["csis"]
        csis = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
        verdict = ("pass" if r["ok"] else "FAIL") + ("" if r.get("conclusive", True) else " (within noise)")
        lines.append(
            f"| {r['set']} | {r['description']} | {csis} | {_num(r['model'])} [{_num(r['interval'][0])}, "
            f"{_num(r['interval'][1])}] | {_num(r['accepted'][0])}–{_num(r['accepted'][1])} | {verdict} |"
        )
    noisy = sum(1 for r in res["rows"] if not r.get("conclusive", True))
    lines += [
        "",
        f"{res['passed']} of {res['total']} targets within their bands; {noisy} verdicts within Monte Carlo noise "
        f"(`positivesum calibrate --reps {reps} --seed {seed}`).",
    ]
    grades = ["| set " + HEAD, "|---" * 6 + "|"]
    for name, s in res["sets"].items():
        cells = [
            f"{s['grades'][g]['p']:.3f} ({s['grades'][g]['outer']['p10']:.2f}–{s['grades'][g]['outer']['p90']:.2f})"
            for g in GRADES
        ]
        grades.append(f"| {name} | " + " | ".join(cells) + " |")
    return {"calibration": "\n".join(lines), "calibration-grades": "\n".join(grades)}


def scenario_table(reps: int, seed: int) -> str:
    from positivesum.services.data import load
    from positivesum.services.simulate import simulate

    ld = load(None, [], [])
    lines = ["| scenario " + HEAD + " grades > 5% | mean days |", "|---" * 8 + "|"]
    many = 0
    for sc in ld.dataset.scenarios:
        summary = simulate(ld, sc, reps, seed, 2).summary()
        p = [summary["grades"][g]["p"] for g in GRADES]
        n = sum(1 for x in p if x > 0.05)
        many += n >= 2
        days = summary["campaign_days"]["mean"]
        lines.append(f"| `{sc}` | " + " | ".join(f"{x:.3f}" for x in p) + f" | {n} | {days:.1f} |")
    lines += ["", f"{many} of {len(ld.dataset.scenarios)} scenarios give two or more grades with probability above 5%."]
    return "\n".join(lines)


def write(tables: dict[str, str]) -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name, body in tables.items():
        pattern = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->\n)(?:.*?\n)?(<!-- END {re.escape(name)} -->)", re.S)
        if not pattern.search(text):
            sys.exit(f"{PAGE}: markers for '{name}' not found")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    PAGE.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--write", action="store_true", help="write the tables into the methodology page")
    args = parser.parse_args()
    tables = calibration_tables(args.reps, args.seed)
    tables["scenario-grades"] = scenario_table(args.reps, args.seed)
    if args.write:
        write(tables)
    else:
        for name, body in tables.items():
            print(f"## {name}\n\n{body}\n")


if __name__ == "__main__":
    main()
