"""Properties of the campaign engine on the default data: conservation, valid outcomes, monotonicity.

Conservation: no replication loses more units than the scenario put in play
(forces committed plus reinforcements, from the build step's groups) and no
pool fires more than its stock plus what it can produce during the campaign.
Monotonicity: giving the blue side more forces or more munitions never lowers
the chance that the adversary is denied (nor raises its chance of success) by
more than sampling noise. Runs compared use the same seed (common random
numbers) and a tolerance of two standard errors of the difference.

Where a scenario's outcome is certain on the default data, monotonicity would be
tested vacuously; the tests therefore first scale the blue side until the outcome
is uncertain (probability between 0.05 and 0.95) and test around that point.
"""

from __future__ import annotations

import copy
import functools
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positivesum import services
from positivesum.model.loader import load_dataset
from positivesum.sim.runner import simulate_setup
from positivesum.sim.setup import BLUE, build_setup

DATA = load_dataset()
SCENARIOS = sorted(DATA.dataset.scenarios)
OUTCOME_SET = {"adversary_success", "denied", "stalemate"}
REPS, SEED = 150, 11


@functools.lru_cache(maxsize=None)
def default_run(scenario: str):
    """(setup, result) of a scenario on the default data."""
    return build_setup(DATA.dataset, scenario), services.simulate(DATA, scenario, REPS, SEED)


def inventory(setup) -> dict[tuple[str, str], float]:
    """Units of each (actor, capability) the scenario ever puts in play: initial plus reinforcements."""
    inv: dict[tuple[str, str], float] = defaultdict(float)
    for g in setup.groups.values():
        for k in range(len(g)):
            inv[(setup.actors[g.actor[k]], g.cls[k])] += float(g.count0[k] + g.arrival_count[k])
    return inv


def munition_bound(setup) -> np.ndarray:
    """Per pool: stock plus the most that production can add over the whole campaign."""
    duration = setup.steps * setup.dt_days
    return setup.pools.stock0 + np.maximum(setup.pools.production_per_day, setup.pools.surge_per_day) * duration


def check_invariants(setup, result) -> None:
    """Every conservation and validity property of one result (shared by the tests below)."""
    d = result.data
    reps = d.sizes["rep"]
    duration = setup.steps * setup.dt_days
    # losses never exceed what was in play, for every actor x capability
    inv = inventory(setup)
    losses = d["losses"]
    assert float(losses.min()) >= 0
    worst = losses.max("rep")
    for actor in worst["actor"].values:
        for cap in worst["capability"].values:
            lost = float(worst.sel(actor=actor, capability=cap))
            assert lost <= inv.get((str(actor), str(cap)), 0.0) + 1e-9, f"{actor} {cap}: lost {lost} > {inv.get((actor, cap), 0)}"
    # munitions: never negative, never more than stock + production
    expended = d["munitions_expended"].values
    assert list(d["pool"].values) == list(setup.pools.label)
    assert np.all(expended >= -1e-9)
    bound = munition_bound(setup)
    over = expended.max(axis=0) - bound
    assert np.all(over <= 1e-6 * (1 + bound)), {p: o for p, o in zip(setup.pools.label, over) if o > 0}
    runout = d["munitions_runout_day"].values
    ok = np.isnan(runout) | ((runout > 0) & (runout <= duration + 1e-9))
    assert ok.all()
    # outcomes and the day they were decided
    outcome = d["outcome"].values
    assert set(outcome) <= OUTCOME_SET
    day = d["decided_day"].values
    decided = outcome != "stalemate"
    assert np.all(np.isnan(day) == ~decided), "decided_day must be NaN exactly for stalemates"
    assert np.all((day[decided] > 0) & (day[decided] <= duration + 1e-9))
    np.testing.assert_allclose(day[decided] / setup.dt_days, np.round(day[decided] / setup.dt_days), atol=1e-9)
    # summary probabilities are consistent
    probs = result.outcome_probabilities()
    assert sum(probs[k]["p"] for k in OUTCOME_SET) == pytest.approx(1.0, abs=1e-12)
    assert probs["fait_accompli"]["p"] <= probs["adversary_success"]["p"]
    for v in probs.values():
        assert v["ci95"][0] - 1e-12 <= v["p"] <= v["ci95"][1] + 1e-12
    # people and aircraft
    for name in ("casualties", "troops_lost", "aircraft_lost_on_ground", "peak_troops_ashore"):
        assert float(d[name].min()) >= 0, name
    lift = d["adversary_lift_remaining"].values
    assert np.all((lift >= -1e-9) & (lift <= 1 + 1e-9))
    air_classes = [c for c in d["capability"].values if result.meta["class_domains"].get(str(c)) == "air"]
    for actor in d["participant"].values:
        on_ground = d["aircraft_lost_on_ground"].sel(participant=actor).values
        if actor in d["actor"].values and air_classes:
            air_lost = d["losses"].sel(actor=actor, capability=air_classes).sum("capability").values
        else:
            air_lost = np.zeros(reps)
        assert np.all(on_ground <= air_lost + 1e-9), f"{actor}: more aircraft lost on the ground than lost in all"
    # blue troops lost never exceed the troops the side ever had
    g = setup.groups["ground"]
    troops = g.attrs.get("troops", np.zeros(len(g)))
    for a, actor in enumerate(setup.actors):
        if setup.actor_side[a] != BLUE:
            continue
        had = float(((g.count0 + g.arrival_count) * troops)[g.actor == a].sum())
        assert float(d["troops_lost"].sel(participant=actor).max()) <= had + 1e-6, actor


# --- the build step ----------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_build_step_puts_no_more_in_play_than_the_data_commits(scenario):
    """Groups hold at most each participant's committed forces plus its scheduled reinforcements."""
    ds = DATA.dataset
    sc = ds.scenarios[scenario]
    bound: dict[tuple[str, str], float] = defaultdict(float)
    for actor, part in sc.participants.items():
        for cls, by_base in ds.forces.get(actor, {}).items():
            for q in by_base.values():
                bound[(actor, cls)] += math.ceil(q.value * part.commitment.value)
    for rf in sc.reinforcements:
        bound[(rf.actor, rf.capability)] += rf.count
    setup = build_setup(ds, scenario)
    for key, n in inventory(setup).items():
        assert n <= bound[key] + 1e-9, f"{key}: {n} units in play, data commits at most {bound[key]}"
    for i, label in enumerate(setup.pools.label):
        actor, mid = label.split(":", 1)
        assert setup.pools.stock0[i] == ds.munitions[mid].holdings[actor].stockpile


# --- conservation and validity on every default scenario ---------------------------------------
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_default_scenario_invariants(scenario):
    setup, result = default_run(scenario)
    assert result.data.sizes["rep"] == REPS
    check_invariants(setup, result)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from(SCENARIOS), seed=st.integers(0, 2**32 - 1),
       k_force=st.sampled_from([0.0, 0.25, 0.5, 2.0, 3.0]), k_stock=st.sampled_from([0.0, 0.1, 0.5, 2.0, 5.0]),
       side=st.sampled_from([0, 1]))
def test_invariants_hold_when_one_side_is_rescaled(scenario, seed, k_force, k_stock, side):
    """Conservation holds far from the calibrated data: one side's forces and stocks scaled up or down."""
    setup = copy.deepcopy(default_run(scenario)[0])
    for g in setup.groups.values():
        mine = g.side == side
        g.count0 = np.where(mine, np.round(g.count0 * k_force), g.count0)
        g.arrival_count = np.where(mine, np.round(g.arrival_count * k_force), g.arrival_count)
    mine_pool = setup.actor_side[setup.pools.actor] == side
    setup.pools.stock0 = np.where(mine_pool, np.round(setup.pools.stock0 * k_stock), setup.pools.stock0)
    check_invariants(setup, simulate_setup(setup, 100, seed))


# --- munition resupply rule (supplies_only) --------------------------------------------------------
def test_supplies_only_adds_supplier_surge_to_blue_allies_and_it_is_fired():
    """Under supplies_only the intervening actor's surge flows into the allies' pools (setup.py `_arm`).

    The default lead times (12-36 months) are longer than any campaign, so the test
    shortens Taiwan's to zero to see the rounds arrive and be fired.
    """
    ds = DATA.dataset
    sc_id = next(s for s in SCENARIOS if ds.scenarios[s].us_intervention == "supplies_only")
    sc = ds.scenarios[sc_id]
    supplier = sc.intervening_actor
    allies = [a for a, p in sc.participants.items() if p.side == "blue" and a != supplier]
    sets = [f"munitions.{m}.holdings.{a}.lead_time_months=0" for m, mun in ds.munitions.items() for a in allies if a in mun.holdings]
    ld = load_dataset(sets=sets)
    setup = build_setup(ld.dataset, sc_id)
    supplied = []
    for i, label in enumerate(setup.pools.label):
        actor, mid = label.split(":", 1)
        own = ld.dataset.munitions[mid].holdings[actor].surge_per_year / 365.0
        extra = ld.dataset.munitions[mid].holdings[supplier].surge_per_year / 365.0 if actor in allies and supplier in ld.dataset.munitions[mid].holdings else 0.0
        assert setup.pools.surge_per_day[i] == pytest.approx(own + extra, rel=1e-12), label
        if extra > 0:
            supplied.append(i)
    assert supplied, "no allied pool receives the supplier's production"
    result = services.simulate(ld, sc_id, 200, 5)
    check_invariants(setup, result)
    exp = result.data["munitions_expended"].values
    own_only = setup.pools.stock0 + np.array([ld.dataset.munitions[l.split(":", 1)[1]].holdings[l.split(":", 1)[0]].surge_per_year / 365.0
                                              for l in setup.pools.label]) * setup.steps * setup.dt_days
    fired_supplied = [setup.pools.label[i] for i in supplied if exp[:, i].max() > own_only[i] + 1e-6]
    assert fired_supplied, "no ally ever fired a round beyond its own stock and production"


# --- blue forces and munitions vs P(denied): monotonicity ---------------------------------------------
MONO_REPS, MONO_SEED = 400, 2024


def rescaled(setup, *, k_stock: float = 1.0, k_force: float = 1.0, domains=None, side: int = BLUE):
    """A copy of ``setup`` with one side's munition stocks and (some domains') forces multiplied."""
    s = copy.deepcopy(setup)
    pools = s.actor_side[s.pools.actor] == side
    s.pools.stock0 = np.where(pools, s.pools.stock0 * k_stock, s.pools.stock0)
    for d, g in s.groups.items():
        if domains is None or d in domains:
            mine = g.side == side
            g.count0 = np.where(mine, np.round(g.count0 * k_force), g.count0)
            g.arrival_count = np.where(mine, np.round(g.arrival_count * k_force), g.arrival_count)
    return s


def probs(setup) -> dict[str, float]:
    o = simulate_setup(setup, MONO_REPS, MONO_SEED).outcome_probabilities()
    return {k: o[k]["p"] for k in ("denied", "adversary_success")}


def noise(p1: float, p2: float, n: int = MONO_REPS) -> float:
    """Two standard errors of the difference of two proportions (conservative: ignores the CRN correlation)."""
    return 2 * math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n) + 1e-12


def most_uncertain(points: list[tuple[float, dict]], key: str) -> tuple[float, dict]:
    inner = [(k, p) for k, p in points if 0.05 < p[key] < 0.95]
    assert inner, (f"no uncertain regime found for P({key}) in the scan {[(k, p[key]) for k, p in points]}: "
                   "the data changed; widen the scan so the monotonicity tests are not vacuous")
    return min(inner, key=lambda kp: abs(kp[1][key] - 0.5))


INVASION = "taiwan_no_us"  # blue: Taiwan alone; on the default data the invasion stalls (no denial) at k = 1
STOCK_SCAN = (1.0, 2.0, 4.0, 8.0, 16.0)


@pytest.fixture(scope="module")
def stock_scan():
    base = build_setup(DATA.dataset, INVASION)
    return base, [(k, probs(rescaled(base, k_stock=k))) for k in STOCK_SCAN]


def test_more_blue_munitions_never_lower_denial(stock_scan):
    _, points = stock_scan
    most_uncertain(points, "denied")
    for (k1, p1), (k2, p2) in zip(points, points[1:]):
        assert p2["denied"] >= p1["denied"] - noise(p1["denied"], p2["denied"]), f"stock x{k1} -> x{k2}: {p1} -> {p2}"
        assert p2["adversary_success"] <= p1["adversary_success"] + noise(p1["adversary_success"], p2["adversary_success"])
    assert points[-1][1]["denied"] > points[0][1]["denied"] + noise(points[0][1]["denied"], points[-1][1]["denied"]), \
        "sixteen times the blue munitions should make a real difference"


@pytest.mark.parametrize("domains", [("ground",), ("subsurface",), ("surface",), ("missile",), ("air",), ("air_defence",), None],
                         ids=lambda d: "all" if d is None else d[0])
def test_more_blue_forces_never_lower_denial(stock_scan, domains):
    base, points = stock_scan
    k, p0 = most_uncertain(points, "denied")
    p1 = probs(rescaled(base, k_stock=k, k_force=1.5, domains=domains))
    assert p1["denied"] >= p0["denied"] - noise(p0["denied"], p1["denied"]), f"blue {domains} x1.5 at stock x{k}: {p0} -> {p1}"
    assert p1["adversary_success"] <= p0["adversary_success"] + noise(p0["adversary_success"], p1["adversary_success"])


def test_more_blue_forces_through_the_data_never_lower_denial(stock_scan):
    """The same property through `--set` on the data: more Taiwanese brigades and submarines."""
    base, points = stock_scan
    k, p_setup = most_uncertain(points, "denied")
    ds = DATA.dataset
    stock_sets = [f"munitions.{m}.holdings.TWN.stockpile={mun.holdings['TWN'].stockpile * k!r}"
                  for m, mun in ds.munitions.items() if "TWN" in mun.holdings]
    more = [f"forces.TWN.{cls}.{b}={q.value * 2!r}" for cls in ("ground_brigade", "ssk") for b, q in ds.forces["TWN"][cls].items()]
    r0 = services.simulate(load_dataset(sets=stock_sets), INVASION, MONO_REPS, MONO_SEED)
    r1 = services.simulate(load_dataset(sets=stock_sets + more), INVASION, MONO_REPS, MONO_SEED)
    # the data path and the rescaled setup are the same experiment: identical outcomes
    assert r0.outcome_probabilities()["denied"]["p"] == p_setup["denied"]
    p0, p1 = (r.outcome_probabilities()["denied"]["p"] for r in (r0, r1))
    assert p1 >= p0 - noise(p0, p1), f"doubling TWN brigades and submarines: P(denied) {p0} -> {p1}"


LAND = "korea_contingency"  # blue: ROK and US ground forces against a land offensive


def test_more_blue_ground_forces_never_raise_adversary_success():
    base = build_setup(DATA.dataset, LAND)
    points = [(k, probs(rescaled(base, k_force=k, domains=("ground",)))) for k in (1.0, 1.5, 2.0, 3.0)]
    most_uncertain(points, "adversary_success")
    for (k1, p1), (k2, p2) in zip(points, points[1:]):
        assert p2["adversary_success"] <= p1["adversary_success"] + noise(p1["adversary_success"], p2["adversary_success"]), \
            f"blue ground x{k1} -> x{k2}: {p1} -> {p2}"
        assert p2["denied"] >= p1["denied"] - noise(p1["denied"], p2["denied"])


# --- known bugs (strict xfail: these start failing loudly once fixed, so remove the marker then) ----
@pytest.mark.xfail(strict=True, raises=AssertionError, reason="BUG phases.ground_losses: start troops include reinforcements that never "
                                       "arrived, so they are reported as lost")
def test_reinforcements_that_never_arrive_are_not_counted_as_lost():
    ds = DATA.dataset
    sc_id = "taiwan_air_sea_ground"
    sc = ds.scenarios[sc_id]
    duration = sc.duration_days.value
    ground = [i for i, rf in enumerate(sc.reinforcements) if ds.capability_classes[rf.capability].domain == "ground"]
    assert ground, "scenario has no ground reinforcements"
    ld = load_dataset(sets=[f"scenarios.{sc_id}.reinforcements.{i}.arrival_day={duration:g}" for i in ground])
    setup = build_setup(ld.dataset, sc_id)
    g = setup.groups["ground"]
    assert np.all(g.arrival_step[g.arrival_count > 0] >= setup.steps)  # none of them arrives within the campaign
    result = services.simulate(ld, sc_id, 100, 1)
    troops = g.attrs["troops"]
    for a, actor in enumerate(setup.actors):
        present = float((g.count0 * troops)[g.actor == a].sum())
        lost = result.data["troops_lost"].sel(participant=actor).values
        if setup.actor_side[a] == BLUE:
            assert lost.max() <= present + 1e-6, f"{actor}: {lost.max()} troops lost but only {present} ever fought"


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="BUG campaign.run_block arrivals: in a land offensive, adversary ground "
                                       "reinforcements are added to `waiting` (the embarkation queue) and never fight")
def test_land_offensive_ground_reinforcements_join_the_fight():
    ds = DATA.dataset
    sc = ds.scenarios[LAND]
    red = next(a for a, p in sc.participants.items() if p.side == "red")
    origin, n = next((b, q.value) for b, q in ds.forces[red]["ground_brigade"].items())
    dest = next(b for b, x in ds.bases.items() if x.host == red and b != origin)
    moved = int(n // 3)
    pre = f"scenarios.{LAND}.reinforcements.0"
    ld = load_dataset(sets=[f"{pre}.actor={red}", f"{pre}.capability=ground_brigade", f"{pre}.origin={origin}",
                            f"{pre}.destination={dest}", f"{pre}.count={moved}", f"{pre}.arrival_day=0.5"])
    setup = build_setup(ld.dataset, LAND)
    g = setup.groups["ground"]
    red_start = float((g.count0 * g.attrs["troops"])[g.side != BLUE].sum())
    result = services.simulate(ld, LAND, 100, 1)
    lasted = result.data["decided_day"].fillna(np.inf).values > setup.dt_days
    assert lasted.any(), "every replication ended before the reinforcements could arrive"
    peak = result.data["peak_troops_ashore"].values[lasted]
    # a third of the army arrives on day 0.5: the force in contact must grow above its starting strength
    assert peak.max() > red_start, f"peak in contact {peak.max()} never exceeds the {red_start} present on day 0"
