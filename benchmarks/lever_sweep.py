"""Sweep the levers of issue 14 over five values each and tabulate what they do to the campaign (not a test).

Run:  OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/lever_sweep.py [--reps 1024] [--seed 20260101]

Every point is ``taiwan_base`` on the packaged data with the lever set through ``--set`` (the same
assignments a user would type), simulated with the same seed: the outer draws are keyed by name, so the
points share their parameter draws (common random numbers). For each lever the table gives, per value, the
probability of adversary defeat and of adversary victory, the defenders' expected grade score (0 adversary
victory … 4 adversary defeat), the mean campaign length, PRC ships lost and the peak PLA force ashore; the
last column names the measures that move monotonically across the five values. The table in
docs/methodology/campaign.md §8 was made with this script.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

SC = "taiwan_base"
FLEET = ("amphibious_ship", "landing_ship_tank", "landing_ship_medium", "roro_ferry", "plan_surface_combatant")


def levers(ds) -> dict[str, tuple[list[str], Callable[[object], list[str]]]]:
    """Lever name → (labels of its five values, value → --set assignments)."""
    sc = ds.scenarios[SC]
    cs = ds.command_structures[sc.command_structure]

    def scale_holdings(munitions: list[str], actors: list[str]) -> Callable[[object], list[str]]:
        def sets(k):
            return [
                f"munitions.{m}.holdings.{a}.stockpile={ds.munitions[m].holdings[a].stockpile * k:g}"
                for m in munitions
                for a in actors
                if a in ds.munitions[m].holdings
            ]

        return sets

    def scale_forces(actor: str, cls: str) -> Callable[[object], list[str]]:
        return lambda k: [f"forces.{actor}.{cls}.{b}={q.value * k:g}" for b, q in ds.forces[actor][cls].items()]

    def c2(k):
        return [
            f"command_structures.{sc.command_structure}.nodes.{n}.decision_latency_hours={h.decision_latency_hours.value * k:g}"
            for n, h in cs.nodes.items()
            if h.actor in ("USA", "JPN", "TWN")
        ]

    def basing(day):
        # Japan's decision: its forces fight, and allied forces fly combat missions from its bases, from this day
        return [f"scenarios.{SC}.participants.JPN.entry_day={day}"]

    jp_anti_ship = [
        m for m, mun in ds.munitions.items() if mun.role in ("anti_ship", "multi") and "JPN" in mun.holdings
    ]
    scales = [0.0, 0.5, 1.0, 2.0, 4.0]
    return {
        "warning days": (["1", "4", "7", "14", "30"], lambda w: [f"scenarios.{SC}.warning_days={w}"]),
        "allied C2 latency (x)": (["0.25", "0.5", "1", "2", "4"], c2),
        "Japanese basing decision (day)": (["-3", "0", "3", "7", "14"], basing),
        "USA LRASM stock (x)": ([f"{k:g}" for k in scales], scale_holdings(["lrasm"], ["USA"])),
        "USA Tomahawk + JASSM-ER stock (x)": (
            [f"{k:g}" for k in scales],
            scale_holdings(["tomahawk", "jassm_er"], ["USA"]),
        ),
        "JPN anti-ship stocks (x)": ([f"{k:g}" for k in scales], scale_holdings(jp_anti_ship, ["JPN"])),
        "PRC RO-RO ferries (x)": ([f"{k:g}" for k in (0.0, 0.5, 1.0, 2.0, 3.0)], scale_forces("PRC", "roro_ferry")),
        "PRC ground brigades (x)": (
            [f"{k:g}" for k in (0.5, 0.75, 1.0, 1.5, 2.0)],
            scale_forces("PRC", "ground_brigade"),
        ),
    }


VALUES = {
    "warning days": [1, 4, 7, 14, 30],
    "allied C2 latency (x)": [0.25, 0.5, 1.0, 2.0, 4.0],
    "Japanese basing decision (day)": [-3, 0, 3, 7, 14],
    "PRC RO-RO ferries (x)": [0.0, 0.5, 1.0, 2.0, 3.0],
    "PRC ground brigades (x)": [0.5, 0.75, 1.0, 1.5, 2.0],
}
MEASURES = ("P(defeat)", "P(victory)", "grade score", "days", "PRC ships lost", "peak ashore")


def measure(ld, reps: int, seed: int) -> dict[str, float]:
    from positivesum import services

    result = services.simulate(ld, SC, reps, seed)
    d = result.data
    grades = d["grade"].values
    fleet = [c for c in d["capability"].values if str(c) in FLEET]
    return {
        "P(defeat)": float((grades == "adversary_defeat").mean()),
        "P(victory)": float((grades == "adversary_victory").mean()),
        "grade score": float(result.grade_scores().mean()),
        "days": float(d["campaign_days"].values.mean()),
        "PRC ships lost": float(d["losses"].sel(actor="PRC", capability=fleet).sum("capability").values.mean()),
        "peak ashore": float(d["peak_troops_ashore"].values.mean()),
    }


def monotone(xs: list[float]) -> bool:
    up = all(b >= a for a, b in zip(xs, xs[1:]))
    down = all(b <= a for a, b in zip(xs, xs[1:]))
    return (up or down) and max(xs) > min(xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    from positivesum.model.loader import load_dataset

    ds = load_dataset().dataset
    print(f"`taiwan_base`, {args.reps:,} replications per point, seed {args.seed}, parameters drawn (two-level).\n")
    print("| lever | value | " + " | ".join(MEASURES) + " |")
    print("|---|---|" + "---|" * len(MEASURES))
    summary = []
    for name, (labels, sets_for) in levers(ds).items():
        values = VALUES.get(name, [0.0, 0.5, 1.0, 2.0, 4.0])
        rows = []
        for label, v in zip(labels, values):
            rows.append(measure(load_dataset(sets=sets_for(v)), args.reps, args.seed))
            cells = " | ".join(
                f"{rows[-1][m]:.3f}" if m.startswith(("P(", "grade")) else f"{rows[-1][m]:.1f}" for m in MEASURES
            )
            print(f"| {name} | {label} | {cells} |", flush=True)
        moved = [m for m in MEASURES if monotone([r[m] for r in rows])]
        summary.append((name, moved))
    print("\n| lever | measures that move monotonically over the five values |\n|---|---|")
    for name, moved in summary:
        print(f"| {name} | {', '.join(moved) if moved else 'none'} |")
    if any(not moved for _, moved in summary):
        sys.exit(1)


if __name__ == "__main__":
    main()
