"""Kill chains both ways, warning and entry days, and excursions written with ``--set`` alone (issue 14).

Mechanism checks compare runs with common random numbers (same seed: the outer draws are keyed by name, so
variants of a scenario share them) and state their tolerance: two standard errors of the difference of the
means (conservative: the CRN correlation is ignored).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from positivesum import services
from positivesum.model.loader import load_dataset
from positivesum.sim.setup import BLUE, RED, build_setup

DATA = load_dataset()
SC = "taiwan_base"
REPS, SEED = 256, 31


def prc_ships_lost(ld) -> tuple[float, float]:
    d = services.simulate(ld, SC, REPS, SEED).data
    classes = [
        c
        for c in d["capability"].values
        if str(c)
        in ("amphibious_ship", "landing_ship_tank", "landing_ship_medium", "roro_ferry", "plan_surface_combatant")
    ]
    v = d["losses"].sel(actor="PRC", capability=classes).sum("capability").values
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def two_se(a, b) -> float:
    return 2 * math.sqrt(a[1] ** 2 + b[1] ** 2) + 1e-9


@pytest.fixture(scope="module")
def base_ships():
    return prc_ships_lost(DATA)


# --- the adversary's kill chain reaches every kind of target -------------------------------------------
def test_red_fires_reach_launchers_ships_in_port_isr_c2_and_bases():
    result = services.simulate(DATA, SC, REPS, SEED)
    d, setup = result.data, build_setup(DATA.dataset, SC)
    domains = result.meta["class_domains"]
    blue = [a for a in setup.actors if setup.actor_side[setup.actors.index(a)] == BLUE]

    def lost(domain: str) -> float:
        caps = [c for c in d["capability"].values if domains.get(str(c)) == domain]
        return (
            float(d["losses"].sel(actor=[a for a in blue if a in d["actor"].values], capability=caps).sum().values)
            if caps
            else 0.0
        )

    for domain in ("isr", "missile", "air_defence", "surface"):
        assert lost(domain) > 0, f"no blue {domain} unit was ever destroyed"
    assert float(d["aircraft_lost_on_ground"].sel(participant=blue).sum()) > 0
    assert float(d["c2_nodes_disabled"].sel(participant=blue).sum()) > 0, "no allied C2 node was ever disabled"


# --- each link of the allies' kill chain matters -----------------------------------------------------------
def test_fewer_allied_isr_platforms_sink_fewer_ships(base_ships):
    isr = [c for c, k in DATA.dataset.capability_classes.items() if k.domain == "isr"]
    sets = [
        f"forces.{a}.{c}={{}}" for a, by in DATA.dataset.forces.items() for c in by if c in isr and a in ("USA", "JPN")
    ]
    sets += [
        f"scenarios.{SC}.reinforcements.{i}.count=0"
        for i, rf in enumerate(DATA.dataset.scenarios[SC].reinforcements)
        if rf.capability in isr
    ]
    blind = prc_ships_lost(load_dataset(sets=sets))
    assert blind[0] < base_ships[0] + two_se(blind, base_ships), (base_ships, blind)


def test_slower_allied_command_sinks_fewer_ships(base_ships):
    cs = DATA.dataset.scenarios[SC].command_structure
    nodes = DATA.dataset.command_structures[cs].nodes
    sets = [
        f"command_structures.{cs}.nodes.{n}.decision_latency_hours={h.decision_latency_hours.value * 4:g}"
        for n, h in nodes.items()
        if h.actor in ("USA", "JPN")
    ]
    slow = prc_ships_lost(load_dataset(sets=sets))
    assert slow[0] < base_ships[0] + two_se(slow, base_ships), (base_ships, slow)


def test_stronger_fleet_air_defence_loses_fewer_ships(base_ships):
    q = DATA.dataset.capability_classes["plan_surface_combatant"].combat.interceptors_per_salvo
    strong = prc_ships_lost(
        load_dataset(sets=[f"capability_classes.plan_surface_combatant.combat.interceptors_per_salvo={q.value * 3:g}"])
    )
    assert strong[0] < base_ships[0] + two_se(strong, base_ships), (base_ships, strong)


# --- warning, entry days, paralysis ----------------------------------------------------------------------
def test_warning_readies_the_adversary_and_brings_reinforcements_earlier():
    short = build_setup(load_dataset(sets=[f"scenarios.{SC}.warning_days=2"]).dataset, SC)
    long = build_setup(load_dataset(sets=[f"scenarios.{SC}.warning_days=20"]).dataset, SC)
    amph_s, amph_l = short.groups["amphibious"], long.groups["amphibious"]
    assert (amph_l.count0 * (amph_l.side == RED)).sum() > (amph_s.count0 * (amph_s.side == RED)).sum()
    air_s, air_l = short.groups["air"], long.groups["air"]
    reinf = air_s.arrival_kind == 1
    assert np.all(air_l.arrival_day[reinf] == air_s.arrival_day[reinf])  # the data's transit times
    assert air_l.active_step[reinf].sum() < air_s.active_step[reinf].sum()  # they leave earlier


def test_a_host_s_late_entry_holds_allied_forces_on_its_bases():
    late = build_setup(load_dataset(sets=[f"scenarios.{SC}.participants.JPN.entry_day=6"]).dataset, SC)
    g = late.groups["air"]
    usa, jpn = late.actors.index("USA"), late.actors.index("JPN")
    at_japan = (g.actor == usa) & (g.host == jpn)
    assert at_japan.any() and np.all(g.active_step[at_japan] >= 6)


def test_paralysis_delays_even_home_ground_troops():
    para = build_setup(load_dataset(sets=[f"scenarios.{SC}.participants.TWN.paralysis_days=3"]).dataset, SC)
    g = para.groups["ground"]
    twn = para.actors.index("TWN")
    assert np.all(g.active_step[(g.actor == twn) & g.home_ground] >= 3)


# --- excursions without Python -----------------------------------------------------------------------------
def test_excursions_through_set():
    sc = DATA.dataset.scenarios[SC]
    extra = "{actor: USA, capability: b1, count: 4, origin: conus, destination: andersen, arrival_day: 2}"
    ld = load_dataset(
        sets=[
            f"scenarios.{SC}.reinforcements.0=null",  # remove a reinforcement
            f"scenarios.{SC}.reinforcements+={extra}",  # add one
            "forces.JPN.f2={}",  # remove a class from one side
            "munitions.jassm_er.role=multi",  # change a munition's role ...
            "munitions.jassm_er.effectiveness.ship=0.4",  # ... and its effect on ships (a new key)
            f"scenarios.{SC}.participants.USA.entry_day=3",  # delay one participant
            f"bases.kadena.access_exceptions={{{SC}: denied}}",  # deny one base
        ]
    )
    s2 = ld.dataset.scenarios[SC]
    assert len(s2.reinforcements) == len(sc.reinforcements)
    assert s2.reinforcements[-1].count == 4 and s2.reinforcements[0] != sc.reinforcements[0]
    assert s2.participants["USA"].entry_day.value == 3
    assert ld.dataset.munitions["jassm_er"].effectiveness["ship"].value == 0.4
    setup = build_setup(ld.dataset, SC)
    assert "f2" not in [c for g in setup.groups.values() for a, c in zip(g.actor, g.cls) if setup.actors[a] == "JPN"]
    kadena = setup.bases.index("kadena")
    assert not any(
        ((g.base == kadena) & (g.side == BLUE) & (g.actor != setup.actors.index("JPN"))).any()
        for g in setup.groups.values()
    )
    jassm_pools = [i for i, m in enumerate(setup.pools.munition) if m == "jassm_er"]
    assert set(setup.fire_pairs["air"]["anti_ship"][1]) & set(jassm_pools), "JASSM-ER is not fired at ships"
    usa = setup.actors.index("USA")
    for g in setup.groups.values():
        assert np.all(g.active_step[g.actor == usa] >= 3)


def test_a_patch_file_appends_list_items(tmp_path: Path):
    patch = tmp_path / "patch.yaml"
    patch.write_text(
        "import: [positivesum:default]\n"
        f"scenarios:\n  {SC}:\n    reinforcements+:\n"
        "      - {actor: USA, capability: b52, count: 4, origin: conus, destination: andersen, arrival_day: 3,"
        ' estimate: "an excursion"}\n',
        encoding="utf-8",
    )
    ld = load_dataset([patch])
    assert len(ld.dataset.scenarios[SC].reinforcements) == len(DATA.dataset.scenarios[SC].reinforcements) + 1


def test_set_still_refuses_a_missing_path():
    from positivesum.model.errors import InputError

    with pytest.raises(InputError, match="no such key"):
        load_dataset(sets=["scenarioz.x.y=1"])
    with pytest.raises(InputError, match="not a list"):
        load_dataset(sets=[f"scenarios.{SC}.warning_days+=1"])
