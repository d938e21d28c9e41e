"""Campaign results as labelled arrays (xarray) with summaries and exports.

Per replication: the coarse outcome and the CSIS grade, day decided, the continuous measures of the
lodgement, front or blockade (share of the objective held, troops ashore, force ratio, throughput,
electricity), losses by actor and class, aircraft lost on the ground, munitions expended and the day each
ran out, casualties, and the outer draw the replication belongs to. Summaries give means with 95 %
confidence intervals (normal approximation for means; Wilson score intervals for probabilities, Wilson
1927) and, for each grade, the spread of its probability across outer draws (two-level uncertainty).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pandas as pd
import xarray as xr

from .grading import GRADES, OUTCOMES
from .setup import CampaignSetup

Z95 = 1.959963984540054
#: The defenders' view of the five grades, worst to best: the expected score orders postures (0-4).
GRADE_SCORE = {
    "adversary_victory": 0.0,
    "stalemate_favouring_adversary": 1.0,
    "stalemate_indeterminate": 2.0,
    "stalemate_favouring_defenders": 3.0,
    "adversary_defeat": 4.0,
}


def json_safe(obj: Any) -> Any:
    """Plain JSON: NaN and infinities become null, numpy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    return obj


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209–212)."""
    if n == 0:
        return (float("nan"), float("nan"))
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    # exact ends when nothing (or everything) happened; avoids 1e-19 rounding residue
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


class MeanCI(TypedDict):
    """A quantity across replications: mean, 95 % CI of the mean, 5th and 95th percentiles, count."""

    mean: float
    ci95: list[float]
    p05: float
    p95: float
    n: int


def mean_ci(values: np.ndarray) -> MeanCI:
    """Mean, 95 % CI of the mean, and the 5th–95th percentile range across replications."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"mean": float("nan"), "ci95": [float("nan")] * 2, "p05": float("nan"), "p95": float("nan"), "n": 0}
    m = float(v.mean())
    half = Z95 * float(v.std(ddof=1)) / math.sqrt(v.size) if v.size > 1 else 0.0
    return {
        "mean": m,
        "ci95": [m - half, m + half],
        "p05": float(np.percentile(v, 5)),
        "p95": float(np.percentile(v, 95)),
        "n": int(v.size),
    }


def grade_table(grades: np.ndarray, outer: np.ndarray) -> dict[str, dict[str, Any]]:
    """P(grade) over replications, with the clustered interval and the spread across outer draws."""
    n = len(grades)
    ids, inverse, sizes = np.unique(outer, return_inverse=True, return_counts=True)
    res: dict[str, dict[str, Any]] = {}
    for name in GRADES[1:]:
        hit = (grades == name).astype(float)
        k = int(hit.sum())
        p = k / n if n else float("nan")
        per_draw = np.bincount(inverse, weights=hit, minlength=len(ids)) / sizes
        entry: dict[str, Any] = {"p": p, "ci95": list(wilson_interval(k, n))}
        if len(ids) >= 2:
            se = float(per_draw.std(ddof=1)) / math.sqrt(len(ids))
            inner = float(np.mean(per_draw * (1 - per_draw) / np.maximum(sizes - 1, 1)))
            between = max(0.0, float(per_draw.var(ddof=1)) - inner)
            entry["ci95_clustered"] = [max(0.0, p - Z95 * se), min(1.0, p + Z95 * se)]
            entry["outer"] = {
                "p10": float(np.percentile(per_draw, 10)),
                "p50": float(np.percentile(per_draw, 50)),
                "p90": float(np.percentile(per_draw, 90)),
                "sd_between": math.sqrt(between),
            }
        else:
            entry["ci95_clustered"] = entry["ci95"]
            entry["outer"] = {"p10": p, "p50": p, "p90": p, "sd_between": 0.0}
        res[name] = entry
    return res


def _by_actor_class(setup: CampaignSetup, lost: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str], list[str]]:
    keys = sorted({(setup.actors[a], c) for g in setup.groups.values() for a, c in zip(g.actor, g.cls)})
    actors = sorted({k[0] for k in keys})
    classes = sorted({k[1] for k in keys})
    reps = next(iter(lost.values())).shape[0]
    a_at = {a: i for i, a in enumerate(actors)}
    c_at = {c: i for i, c in enumerate(classes)}
    out = np.zeros((reps, len(actors) * len(classes)))
    for d, g in setup.groups.items():
        if not len(g):
            continue
        cell = np.array(
            [a_at[setup.actors[a]] * len(classes) + c_at[c] for a, c in zip(g.actor, g.cls)], dtype=np.int64
        )
        # unbuffered, in index order: each cell adds its groups one after the other, as a loop over them would
        np.add.at(out.T, cell, lost[d].T)
    return out.reshape(reps, len(actors), len(classes)), actors, classes


@dataclass
class CampaignResult:
    """Results of one scenario: ``data`` is an xarray Dataset over replications."""

    scenario_id: str
    data: xr.Dataset
    trace: xr.Dataset
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_arrays(
        cls, setup: CampaignSetup, arrays: dict[str, np.ndarray], trace: dict[str, np.ndarray], *, seed: int, reps: int
    ) -> CampaignResult:
        lost = {d: arrays[f"lost_{d}"] for d in setup.groups}
        by_ac, actors, classes = _by_actor_class(setup, lost)
        ground_air = np.zeros((reps, len(setup.actors)))
        air = setup.groups["air"]
        if len(air):  # each participant adds its groups one after the other (unbuffered, in index order)
            np.add.at(ground_air.T, np.asarray(air.actor, dtype=np.int64), arrays["lost_on_ground"].T)
        pools = list(setup.pools.label)
        data = xr.Dataset(
            {
                "outcome": (("rep",), np.array(OUTCOMES, dtype=object)[arrays["outcome"]].astype(str)),
                "grade": (("rep",), np.array(GRADES, dtype=object)[arrays["grade"]].astype(str)),
                "decided_day": (("rep",), arrays["decided_day"]),
                "campaign_days": (
                    ("rep",),
                    np.where(np.isnan(arrays["decided_day"]), setup.steps * setup.dt_days, arrays["decided_day"]),
                ),
                "fait_accompli": (("rep",), arrays["fait_accompli"].astype(bool)),
                "outer_draw": (("rep",), arrays["outer"].astype(np.int64)),
                "losses": (("rep", "actor", "capability"), by_ac),
                "aircraft_lost_on_ground": (("rep", "participant"), ground_air),
                "casualties": (("rep", "participant"), arrays["casualties"]),
                "troops_lost": (("rep", "participant"), arrays["ground_troops_lost"]),
                "munitions_expended": (("rep", "pool"), arrays["expended"]),
                "munitions_runout_day": (("rep", "pool"), arrays["runout_day"]),
                "peak_troops_ashore": (("rep",), arrays["peak_ashore"]),
                "troops_ashore_end": (("rep",), arrays["ashore_end"]),
                "share_held_end": (("rep",), arrays["held_end"]),
                "share_held_peak": (("rep",), arrays["held_peak"]),
                "force_ratio_end": (("rep",), arrays["force_ratio_end"]),
                "adversary_lift_remaining": (("rep",), arrays["lift_end_fraction"]),
                "lift_broken_day": (("rep",), arrays["lift_broken_day"]),
                "throughput_mean": (("rep",), arrays["throughput_mean"]),
                "electricity_min": (("rep",), arrays["electricity_min"]),
                "electricity_shortfall_days": (("rep",), arrays["shortfall"]),
                "escalation_rung_max": (("rep",), arrays["rung_max"].astype(np.int64)),
                "commodity_runout_day": (("rep", "commodity"), arrays["commodity_runout"]),
                "c2_nodes_disabled": (("rep", "participant"), arrays["c2_disabled"]),
            },
            coords={
                "rep": np.arange(reps),
                "actor": actors,
                "capability": classes,
                "participant": setup.actors,
                "pool": pools,
                "commodity": setup.commodities,
            },
        )
        steps = setup.steps
        tr = xr.Dataset(
            {k.replace(":", "__"): (("day",), v) for k, v in trace.items()},
            coords={"day": (np.arange(steps) + 1) * setup.dt_days},
        )
        meta = {
            "scenario": setup.scenario_id,
            "seed": seed,
            "replications": reps,
            "time_step_days": setup.dt_days,
            "duration_days": steps * setup.dt_days,
            "fait_accompli_window_days": setup.fait_accompli_window_days,
            "objective": setup.objective,
            "us_intervention": setup.scenario.us_intervention,
            "notes": setup.notes,
            "class_domains": {c: d for d, g in setup.groups.items() for c in g.cls},
            "inner_replications": setup.inner_replications,
            "outer_draws": int(len(np.unique(arrays["outer"]))),
        }
        return cls(setup.scenario_id, data, tr, meta)

    def outcome_probabilities(self) -> dict[str, dict[str, Any]]:
        """P(outcome) with Wilson 95 % intervals; ``fait_accompli`` = success within the (drawn) window."""
        n = self.data.sizes["rep"]
        outcomes = self.data["outcome"].values
        res = {}
        for name in OUTCOMES[1:]:
            k = int((outcomes == name).sum())
            res[name] = {"p": k / n, "ci95": list(wilson_interval(k, n))}
        if "fait_accompli" in self.data:
            fa = self.data["fait_accompli"].values.astype(bool)
        else:
            fa = (outcomes == "adversary_success") & (
                self.data["decided_day"].values <= self.meta["fait_accompli_window_days"]
            )
        res["fait_accompli"] = {"p": float(fa.mean()), "ci95": list(wilson_interval(int(fa.sum()), n))}
        return res

    def grade_scores(self) -> np.ndarray:
        """Per replication, the defenders' score of its grade (``GRADE_SCORE``: 0 adversary victory … 4 defeat)."""
        grades, at = np.unique(self.data["grade"].values, return_inverse=True)  # a look-up per grade, not per row
        out: np.ndarray = np.array([GRADE_SCORE.get(str(g), np.nan) for g in grades], dtype=float)[at.reshape(-1)]
        return out

    def grade_probabilities(self) -> dict[str, dict[str, Any]]:
        """P(grade) with a Monte Carlo interval and its spread across outer draws (methodology §4).

        ``ci95``: Wilson interval over replications; ``ci95_clustered``: normal interval that treats the outer
        draws as the sampling unit (replications of one draw share its parameters); ``outer``: the 10th, 50th
        and 90th percentiles of the draw-level probabilities and ``sd_between``, their standard deviation net
        of the inner (binomial) noise of ``inner_replications`` per draw (method of moments).
        """
        return grade_table(self.data["grade"].values, self.data["outer_draw"].values)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (schema in docs/reference/simulate-output.md)."""
        d = self.data
        # cells are read off the arrays by position (a label look-up per cell cost more than the statistics)
        lost = d["losses"].transpose("rep", "actor", "capability").values
        losses = {}
        for a, actor in enumerate(d["actor"].values):
            per_class = {}
            for c, cap in enumerate(d["capability"].values):
                v = lost[:, a, c]
                if v.any():
                    per_class[str(cap)] = mean_ci(v)
            if per_class:
                losses[str(actor)] = per_class
        munitions = {}
        expended = d["munitions_expended"].transpose("rep", "pool").values
        runouts = d["munitions_runout_day"].transpose("rep", "pool").values
        for i, pool in enumerate(d["pool"].values):
            exp = expended[:, i]
            if not exp.any():
                continue
            runout = runouts[:, i]
            munitions[str(pool)] = {
                "expended": mean_ci(exp),
                "p_runout": float((~np.isnan(runout)).mean()),
                "runout_day": mean_ci(runout),
            }
        per_participant = {}
        by_participant = {
            name: d[name].transpose("rep", "participant").values
            for name in ("aircraft_lost_on_ground", "casualties", "troops_lost", "c2_nodes_disabled")
        }
        for i, actor in enumerate(d["participant"].values):
            per_participant[str(actor)] = {name: mean_ci(values[:, i]) for name, values in by_participant.items()}
        domains = self.meta.get("class_domains", {})
        by_domain = {}
        for actor in d["actor"].values:
            totals = {}
            for dom in sorted(set(domains.values())):
                caps = [c for c in d["capability"].values if domains.get(str(c)) == dom]
                if dom == "ground" or not caps:
                    continue
                v = d["losses"].sel(actor=actor, capability=caps).sum("capability").values
                if v.any():
                    totals[dom] = mean_ci(v)
            if totals:
                by_domain[str(actor)] = totals
        return {
            "meta": self.meta,
            "losses_by_domain": by_domain,
            "outcomes": self.outcome_probabilities(),
            "grades": self.grade_probabilities(),
            "grade_score": mean_ci(self.grade_scores()),
            "decided_day": mean_ci(d["decided_day"].values),
            "campaign_days": mean_ci(d["campaign_days"].values),
            "losses": losses,
            "participants": per_participant,
            "munitions": munitions,
            "peak_troops_ashore": mean_ci(d["peak_troops_ashore"].values),
            "troops_ashore_end": mean_ci(d["troops_ashore_end"].values),
            "share_held_end": mean_ci(d["share_held_end"].values),
            "share_held_peak": mean_ci(d["share_held_peak"].values),
            "force_ratio_end": mean_ci(d["force_ratio_end"].values),
            "adversary_lift_remaining": mean_ci(d["adversary_lift_remaining"].values),
            "lift_broken_day": {
                "p": float((~np.isnan(d["lift_broken_day"].values)).mean()),
                "day": mean_ci(d["lift_broken_day"].values),
            },
            "blockade": self._blockade_summary(),
        }

    def _blockade_summary(self) -> dict[str, Any] | None:
        if self.meta.get("objective") != "blockade":
            return None
        d = self.data
        return {
            "throughput_mean": mean_ci(d["throughput_mean"].values),
            "electricity_min": mean_ci(d["electricity_min"].values),
            "electricity_shortfall_days": mean_ci(d["electricity_shortfall_days"].values),
            "escalation_rung_max": mean_ci(d["escalation_rung_max"].values.astype(float)),
            "commodity_runout_day": {
                str(c): {
                    "p_runout": float((~np.isnan(d["commodity_runout_day"].sel(commodity=c).values)).mean()),
                    "day": mean_ci(d["commodity_runout_day"].sel(commodity=c).values),
                }
                for c in d["commodity"].values
            },
        }

    def _repr_html_(self) -> str:
        """Notebook view: outcome probabilities with 95% intervals and mean losses by actor and domain."""
        import html

        s = self.summary()
        outcomes = pd.DataFrame(
            [
                {"outcome": k, "p": v["p"], "ci95_low": v["ci95"][0], "ci95_high": v["ci95"][1]}
                for k, v in s["outcomes"].items()
            ]
        )
        losses = pd.DataFrame(
            [
                {"actor": a, "domain": d, "mean": st["mean"], "p05": st["p05"], "p95": st["p95"]}
                for a, per in s["losses_by_domain"].items()
                for d, st in per.items()
            ]
        )
        m = self.meta
        run = f"<b>{html.escape(str(self.scenario_id))}</b>: {m.get('replications', 0):,} replications, seed {m.get('seed')}"
        head = (
            f"<p>{run}, decided on day {s['decided_day']['mean']:.1f} on average</p>"
            if s["decided_day"]["n"]
            else f"<p>{run}</p>"
        )
        return (
            head
            + "<p>Outcome probabilities (Wilson 95% intervals)</p>"
            + outcomes.to_html(index=False, float_format="{:.3f}".format)
            + "<p>Units lost (mean, 5th and 95th percentile)</p>"
            + losses.to_html(index=False, float_format="{:.1f}".format)
        )

    def losses_table(self) -> pd.DataFrame:
        """Tidy table of mean losses by actor and capability class."""
        mean = self.data["losses"].mean("rep").to_dataframe(name="mean_losses").reset_index()
        return mean[mean["mean_losses"] > 0]

    def export(self, path: Path) -> Path:
        """Write per-replication data (.csv or .parquet, tidy) or the summary (.json)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            import json

            path.write_text(json.dumps(json_safe(self.summary()), indent=2), encoding="utf-8")
        elif suffix in (".csv", ".parquet"):
            frame = self.tidy()
            frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path, index=False)
        else:
            raise ValueError(f"unsupported export format '{suffix}' — use .json, .csv or .parquet")
        return path

    def tidy(self) -> pd.DataFrame:
        """One row per replication × actor × capability with the outcome columns repeated."""
        frame = self.data["losses"].to_dataframe(name="losses").reset_index()
        frame = frame[frame["losses"] > 0] if len(frame) > 0 else frame
        reps = pd.DataFrame(
            {
                "rep": self.data["rep"].values,
                "outcome": self.data["outcome"].values,
                "grade": self.data["grade"].values,
                "decided_day": self.data["decided_day"].values,
                "share_held_end": self.data["share_held_end"].values,
                "outer_draw": self.data["outer_draw"].values,
            }
        )
        out = frame.merge(reps, on="rep", how="right")
        out.insert(0, "scenario", self.scenario_id)
        out["seed"] = self.meta["seed"]
        return out
