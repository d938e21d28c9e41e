"""Effect-based levels: how much of the surrogate's *balanced* level an option's classes and munitions are worth,
per scenario (decision record 0013, planning.md §3 (effect-based levels)).

The surrogate is fitted on balanced growth: level x of area m scales every allied class serving m, and the stocks
of the munitions they fire, by (1 + x). An option adds a few classes or stocks, which the cost-based level
(plan/levers.py ``option_levels``: capital added / the area's capital) credits as if they were spread over the
whole area. Simulation shows they are not worth that much (platforms without the munitions they fire, stocks
without launchers, units of a class the scenario does not commit), so the planner bought portfolios that the
campaign engine rated far below the surrogate. This module measures, per scenario s, item i (a class or a
munition options add) and area m, the factor κ[s, i, m] by which the planner multiplies the item's cost-based
level:

    κ[s, i, m] = η[s, i] · φ[s, i] / Φ[s, m]

* φ[s, i] = K_dep[s, i] / K[i]: the share of the allies' capital in item i that scenario s commits (its built
  set-up: units that arrive, stocks at hand), and Φ[s, m] the same share of area m. An option's units are assumed
  to be committed as the existing units of their class are. A class the scenario does not commit gets κ = 0.
* η[s, i]: the item's effectiveness relative to balanced growth at the same committed capital, by simulation with
  common random numbers (the surrogate's seed and replications):

      η̂[s, i] = (D_s(item i scaled by 1 + f) − D_s(origin)) / (D̂_s(x_i) − D̂_s(0)),

  where the item's committed stock is scaled by 1 + f so that the largest of its areas' levels is
  :data:`REFERENCE_LEVEL` before rounding to whole units (f at most :data:`MAX_ITEM_FACTOR`), x_i[m] = ΔK / K_dep[s, m] is the balanced level
  of the same committed capital (each of the item's areas credited, as ``option_levels`` credits them), and D̂ the
  fitted surrogate. The interval of the numerator comes from the paired replications, clustered by outer draw.
* The planner maximises over the η it is given, so noise in η̂ turns into a bias towards items whose estimate came
  out high (the optimiser's curse: Smith and Winkler 2006, Management Science 52(3)). The η used is therefore
  the empirical-Bayes posterior mean (Efron and Morris 1975, JASA 70(350); Morris 1983, JASA 78(381)) of each
  scenario's items, with a normal prior whose mean and variance are estimated from that scenario's estimates by
  the method of moments: η̃ = (1 − B)·η̂ + B·μ, B = σ²/(σ² + τ²) (:func:`shrink`), clipped to [0, :data:`MAX_ETA`]. An item whose surrogate gain is below
  :data:`MIN_SURROGATE_GAIN` has no usable ratio (σ = ∞) and gets μ.

Effects that are not a class or a munition added (bases, multipliers, command structures) keep κ = 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..sim.grading import DENIED, STALEMATE
from ..sim.setup import BLUE, CampaignSetup
from ..sim.stack import simulate_stack
from .deterrence import mean_interval
from .levers import (
    OTHER_ITEM,
    area_classes,
    area_munitions,
    baseline_capital_musd,
    blue_actors,
    class_value_musd,
    counts_copy,
    option_item_levels,
    study_setup,
)
from .stacking import map_stacked
from .surrogate import SATURATED, DesignBases, SimMap, Surrogate, serial_map

REFERENCE_LEVEL = 0.25
"""Largest balanced level of an item's areas at which its effect is measured: about a plan's level in an area it
invests in (0.05–0.3 on the default data), and large enough that the gain stands above Monte Carlo noise."""
MAX_ITEM_FACTOR = 2.0
"""Largest scaling of an item's committed stock (tripling it): beyond it the measurement would extrapolate far
from any portfolio the planner can buy; a small item then is measured at a lower level."""
MIN_SURROGATE_GAIN = 0.01
"""Surrogate gain below which the ratio η is not formed (its denominator is within the surrogate's noise)."""
MAX_ETA = 3.0
"""Upper clip of η: an item three times as effective as balanced growth is the most the data can support at the
measured precision (the posterior means on the default data stay well below it)."""


@dataclass(frozen=True)
class ItemUnit:
    """One simulation of the measurement: a scenario, an item (None: the origin) scaled by 1 + ``factor``."""

    scenario: str
    item: str | None
    factor: float
    reps: int
    seed: int
    stalemate_weight: float
    cost: float = 1.0
    """Replication-steps: the order of the units on a cluster (longest first)."""


def _blue_groups(setup: CampaignSetup, classes: set[str]) -> dict[str, np.ndarray]:
    return {d: np.array([c in classes for c in g.cls], dtype=bool) & (g.side == BLUE) for d, g in setup.groups.items()}


def _blue_pools(setup: CampaignSetup, munitions: set[str]) -> np.ndarray:
    pools = setup.pools
    return np.array(
        [m in munitions and setup.actor_side[a] == BLUE for m, a in zip(pools.munition, pools.actor)], dtype=bool
    )


def committed_capital_musd(setup: CampaignSetup, ds: Dataset, classes: set[str], munitions: set[str]) -> float:
    """Allied capital a built scenario commits in ``classes`` (units present or arriving) and ``munitions``
    (stocks at hand), at unit cost: what :func:`.levers.scale_setup` scales."""
    total = 0.0
    for d, mask in _blue_groups(setup, classes).items():
        g = setup.groups[d]
        for k in np.flatnonzero(mask):
            total += float(g.count0[k] + g.arrival_count[k]) * class_value_musd(ds, g.cls[k])
    mask = _blue_pools(setup, munitions)
    for k in np.flatnonzero(mask):
        total += float(setup.pools.stock0[k]) * ds.munitions[setup.pools.munition[k]].unit_cost_musd.value
    return total


def data_capital_musd(ds: Dataset, item: str) -> float:
    """The allies' capital in one item in the data (all units at every base; every blue holding)."""
    kind, ident = item.split(":", 1)
    blue = set(blue_actors(ds))
    if kind == "class":
        units = sum(q.value for a, by in ds.forces.items() if a in blue for q in by.get(ident, {}).values())
        return float(units) * class_value_musd(ds, ident)
    mun = ds.munitions[ident]
    return sum(h.stockpile for a, h in mun.holdings.items() if a in blue) * mun.unit_cost_musd.value


def effect_items(ds: Dataset, areas: Sequence[str]) -> list[str]:
    """The items whose effect is measured: every class and munition some option of the data adds (to an area)."""
    items, q = option_item_levels(ds, list(ds.options), list(areas))
    return [i for k, i in enumerate(items) if i != OTHER_ITEM and q[k].any()]


def item_sets(item: str) -> tuple[set[str], set[str]]:
    kind, ident = item.split(":", 1)
    return ({ident}, set()) if kind == "class" else (set(), {ident})


def item_areas(ds: Dataset, item: str, areas: Sequence[str]) -> list[str]:
    """The areas an item's level is credited to (as ``option_levels`` credits them)."""
    kind, ident = item.split(":", 1)
    if kind == "class":
        return [m for m in ds.capability_classes[ident].mission_areas if m in areas]
    return [m for m in areas if ident in area_munitions(ds, m)]


def scale_item(setup: CampaignSetup, item: str, factor: float) -> CampaignSetup:
    """A copy of a built scenario with the allies' committed units (or stocks) of one item scaled by 1 + factor,
    rounded to whole units as :func:`.levers.scale_setup` rounds them."""
    s = counts_copy(setup)
    classes, munitions = item_sets(item)
    for d, mask in _blue_groups(s, classes).items():
        g = s.groups[d]
        g.count0 = np.where(mask, np.round(g.count0 * (1 + factor)), g.count0)
        g.arrival_count = np.where(mask, np.round(g.arrival_count * (1 + factor)), g.arrival_count)
    if munitions:
        s.pools.stock0 = np.where(_blue_pools(s, munitions), s.pools.stock0 * (1 + factor), s.pools.stock0)
    return s


def item_scores(bases: DesignBases, stack: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per-replication deterrence scores and outer-draw numbers of every unit of a stack (plan/stacking.py), their
    blocks shared (sim/stack.py); module level, so that a Dask worker can unpickle it."""
    first = stack.units[0]
    base = bases.setups[first.scenario]
    setups = [scale_item(base, u.item, u.factor) if u.item is not None else base for u in stack.units]
    lam = first.stalemate_weight
    out = []
    for arrays in simulate_stack(setups, first.reps, first.seed):
        oc = arrays["outcome"]
        out.append(((oc == DENIED).astype(float) + lam * (oc == STALEMATE).astype(float), arrays["outer"]))
    return out


def _plan_item(
    setup: CampaignSetup, ds: Dataset, sur: Surrogate, sid: str, item: str, area_capital: dict[str, float]
) -> dict[str, Any]:
    """The measurement's design for one item in one scenario: scale factor, added capital and balanced levels."""
    areas = [m for m in item_areas(ds, item, sur.areas) if area_capital[m] > 0]
    classes, munitions = item_sets(item)
    own = committed_capital_musd(setup, ds, classes, munitions)
    row: dict[str, Any] = {"committed_musd": own, "areas": areas}
    if own <= 0 or not areas:
        return {**row, "status": "not committed" if own <= 0 else "no area committed"}
    target = REFERENCE_LEVEL * min(area_capital[m] for m in areas)
    factor = min(MAX_ITEM_FACTOR, target / own)
    added = committed_capital_musd(scale_item(setup, item, factor), ds, classes, munitions) - own
    if added <= 0:
        return {**row, "status": "rounds to no unit"}
    levels = {m: added / area_capital[m] for m in areas}
    gain = sur.predict(sid, levels) - sur.predict(sid, {})
    row.update(factor=factor, added_musd=added, levels=levels, surrogate_gain=gain)
    if gain < MIN_SURROGATE_GAIN:
        return {**row, "status": "surrogate gain too small"}
    return {**row, "status": "measured"}


def shrink(estimates: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Empirical-Bayes posterior means of one scenario's η̂ (Morris 1983, JASA 78(381), the unequal-variance case
    with moment estimates): prior mean μ = the estimates' mean, prior variance τ² = max(0, var(η̂) − mean(σ²)), and
    η̃_i = (1 − B_i)·η̂_i + B_i·μ with B_i = σ_i² / (σ_i² + τ²). Returns (η̃, μ, τ²).

    μ is the plain mean, not the precision-weighted one: an item that changes no replication at all has σ = 0,
    and a precision weight would let it alone decide μ. Such an estimate is exact and is kept (B = 0). Fewer than
    three estimates: no shrinkage (τ² = ∞; μ = 1, the cost-based rule, if there are none)."""
    est = np.asarray(estimates, dtype=float)
    if len(est) == 0:
        return est, 1.0, math.inf
    mu = float(np.mean(est))
    if len(est) < 3:
        return est.copy(), mu, math.inf
    var = np.asarray(se, dtype=float) ** 2
    tau2 = max(0.0, float(np.var(est, ddof=1) - np.mean(var)))
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(var > 0, var / (var + tau2), 0.0)
    return (1.0 - b) * est + b * mu, mu, tau2


def measure_effects(
    sur: Surrogate,
    ds: Dataset,
    items: Sequence[str],
    *,
    threat_factor: float = 1.0,
    stalemate_weight: float = 0.5,
    progress: Callable[[int], None] | None = None,
    sim_map: SimMap = serial_map,
) -> dict[str, Any]:
    """κ, η and φ/Φ of every (scenario, item) (module docstring), stored in ``sur.effects`` and returned. The
    simulations (each scenario's origin and each measured item) run through ``sim_map`` as one batch with the
    surrogate's seed and replications. ``progress`` receives one step per scenario and item."""
    measured_items = [i for i in items if i != OTHER_ITEM]
    setups: dict[str, CampaignSetup] = {}
    plans: dict[tuple[str, str], dict[str, Any]] = {}
    units: list[ItemUnit] = []
    data_cap = {i: data_capital_musd(ds, i) for i in measured_items}
    area_data = {m: baseline_capital_musd(ds, m) for m in sur.areas}
    share: dict[str, dict[str, float]] = {}
    for sid in sur.scenarios:
        setup = study_setup(ds, sid, threat_factor)
        setups[sid] = setup
        area_cap = {m: committed_capital_musd(setup, ds, area_classes(ds, m), area_munitions(ds, m)) for m in sur.areas}
        share[sid] = {m: (area_cap[m] / area_data[m] if area_data[m] > 0 else 0.0) for m in sur.areas}
        saturated = float(sur.points.get(sid, {}).get("simulated", [0.0])[0]) >= SATURATED
        for item in measured_items:
            row = _plan_item(setup, ds, sur, sid, item, area_cap)
            if saturated and row["status"] == "measured":
                row["status"] = "scenario saturated"
            plans[(sid, item)] = row
            if row["status"] == "measured":
                units.append(_item_unit(setup, sid, item, row["factor"], sur, stalemate_weight))
        if any(plans[(sid, i)]["status"] == "measured" for i in measured_items):
            units.append(_item_unit(setup, sid, None, 0.0, sur, stalemate_weight))
    skipped = len(sur.scenarios) * len(measured_items) - sum(1 for u in units if u.item is not None)
    if progress and skipped:
        progress(skipped)
    results = map_stacked(sim_map, item_scores, units, progress, _unit_steps, DesignBases(ds, setups))
    origin = {u.scenario: r for u, r in zip(units, results) if u.item is None}
    scores = {(u.scenario, u.item): r for u, r in zip(units, results) if u.item is not None}
    table: dict[str, dict[str, Any]] = {}
    for sid in sur.scenarios:
        measured = [i for i in measured_items if plans[(sid, i)]["status"] == "measured"]
        est, se = [], []
        for item in measured:
            row = plans[(sid, item)]
            (d1, cluster), (d0, _) = scores[(sid, item)], origin[sid]
            diff = mean_interval(d1 - d0, cluster)
            row["simulated_gain"] = diff["mean"]
            row["simulated_gain_ci95"] = diff["ci95"]
            est.append(diff["mean"] / row["surrogate_gain"])
            se.append(diff["se"] / row["surrogate_gain"])
        post, mu, tau2 = shrink(np.array(est), np.array(se))
        for item, e, s, p in zip(measured, est, se, post):
            plans[(sid, item)].update(eta_estimate=e, eta_se=s, eta=float(np.clip(p, 0.0, MAX_ETA)))
        table[sid] = {"prior_mean": mu, "prior_variance": tau2 if math.isfinite(tau2) else None, "items": {}}
        for item in measured_items:
            row = plans[(sid, item)]
            row.setdefault("eta", float(np.clip(mu, 0.0, MAX_ETA)))
            phi = (row["committed_musd"] / data_cap[item]) if data_cap[item] > 0 else None
            row["committed_share"] = phi
            row["kappa"] = {
                m: (row["eta"] * phi / share[sid][m] if phi is not None and share[sid][m] > 0 else 1.0)
                for m in item_areas(ds, item, sur.areas)
            }
            table[sid]["items"][item] = row
        table[sid]["area_committed_share"] = share[sid]
    sur.effects = {
        "reference_level": REFERENCE_LEVEL,
        "max_item_factor": MAX_ITEM_FACTOR,
        "min_surrogate_gain": MIN_SURROGATE_GAIN,
        "max_eta": MAX_ETA,
        "items": list(measured_items),
        "simulations": len(units),
        "scenarios": table,
    }
    return sur.effects


def _item_unit(setup: CampaignSetup, sid: str, item: str | None, factor: float, sur: Surrogate, lam: float) -> ItemUnit:
    n = sur.reps_for(sid)
    return ItemUnit(sid, item, factor, n, sur.seed, lam, float(n * setup.steps))


def _unit_steps(unit: ItemUnit) -> int:
    return 1 if unit.item is not None else 0


def kappa_table(effects: dict[str, Any], items: Sequence[str], areas: Sequence[str]) -> dict[str, np.ndarray]:
    """κ[i, m] of each measured scenario for the planner (1 where nothing was measured: :data:`.levers.OTHER_ITEM`,
    an item the measurement did not know)."""
    out: dict[str, np.ndarray] = {}
    for sid, tab in effects.get("scenarios", {}).items():
        arr = np.ones((len(items), len(areas)))
        rows = tab.get("items", {})
        for ii, item in enumerate(items):
            for m, k in rows.get(item, {}).get("kappa", {}).items():
                if m in areas:
                    arr[ii, list(areas).index(m)] = k
        out[sid] = arr
    return out


def effects_summary(effects: dict[str, Any], basis: str) -> dict[str, Any]:
    """What a result says about the levers: the basis, and per scenario the prior mean of η, the items measured,
    those the scenario does not commit, and each measured item's η with its estimate and standard error."""
    if basis != "effect" or not effects:
        return {"basis": basis}
    scenarios: dict[str, Any] = {}
    for sid, tab in effects.get("scenarios", {}).items():
        rows = tab.get("items", {})
        scenarios[sid] = {
            "prior_mean_eta": tab.get("prior_mean"),
            "not_committed": sorted(i for i, r in rows.items() if r.get("status") == "not committed"),
            "measured": {
                i: {k: r.get(k) for k in ("eta", "eta_estimate", "eta_se", "committed_share")}
                for i, r in rows.items()
                if r.get("status") == "measured"
            },
        }
    return {
        "basis": basis,
        "reference_level": effects.get("reference_level"),
        "simulations": effects.get("simulations"),
        "scenarios": scenarios,
    }
