"""The packaged default dataset (src/positivesum/data/): it loads, it is complete, and every number
in it says where it came from.

The content checks pin what the design brief and the fact sheet (shared/reference/alliance-facts.md)
require; the provenance checks walk the raw YAML of every data file, so a number added without a
`source:` or `estimate:` fails here with its file and key path.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import SRC
from positivesum.model.dataset import Dataset
from positivesum.model.errors import dotted
from positivesum.model.loader import default_data_dir, load_dataset
from positivesum.model.scenarios import INTERVENTION_LEVELS
from positivesum.model.sources import unsourced_numbers
from positivesum.model.yamlio import load_yaml_file

DATA_DIR = SRC / "positivesum" / "data"
VINTAGES_DIR = DATA_DIR / "vintages"  # earlier vintages import the default; they are checked in tests/test_data_2026.py
DATA_FILES = sorted(p for p in DATA_DIR.rglob("*.yaml") if VINTAGES_DIR not in p.parents)
ACCESS_LEVELS = ("full", "restricted", "denied")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


@pytest.fixture(scope="module")
def loaded():
    return load_dataset()


@pytest.fixture(scope="module")
def ds(loaded) -> Dataset:
    return loaded.dataset


def _rel(path: Path) -> str:
    return str(path.relative_to(DATA_DIR))


# ----------------------------------------------------------------------------- loading


def test_default_data_dir_is_the_packaged_one():
    assert default_data_dir().resolve() == DATA_DIR.resolve()
    assert (DATA_DIR / "default.yaml").exists()


def test_default_dataset_loads(loaded):
    assert loaded.files, "no files were read"
    assert loaded.dataset.title


def test_every_data_file_is_imported(loaded):
    read = {Path(f).resolve() for f in loaded.files}
    missing = [_rel(p) for p in DATA_FILES if p.resolve() not in read]
    assert not missing, f"data files not reachable from default.yaml's `import:`: {missing}"


@pytest.mark.parametrize(
    "name",
    [
        "short_warning",
        "japan_counterstrike_2027",
        "low_recruitment",
        "usfj_jfhq",
        "combined_command",
        "complementary_roles",
    ],
)
def test_named_override_exists_and_validates(loaded, name):
    assert name in loaded.available_overrides
    again = load_dataset(overrides=[name])
    assert again.overrides_applied == (name,)


def test_every_named_override_validates(loaded):
    for name in loaded.available_overrides:
        load_dataset(overrides=[name])


def test_overrides_change_what_they_say(ds):
    short = load_dataset(overrides=["short_warning"]).dataset
    assert all(
        sc.warning_days.value < ds.scenarios[sid].warning_days.value or sc.warning_days.value <= 1
        for sid, sc in short.scenarios.items()
    )
    assert all(
        sc.warning_days.estimate and "short_warning" in sc.warning_days.estimate and sc.warning_days.source is None
        for sc in short.scenarios.values()
    )
    strike = load_dataset(overrides=["japan_counterstrike_2027"]).dataset
    assert strike.munitions["tomahawk"].holdings["JPN"].stockpile == 400
    fjhq = load_dataset(overrides=["usfj_jfhq"]).dataset
    assert {sc.command_structure for sc in fjhq.scenarios.values()} == {"usfj_jfhq_jjoc"}


# ----------------------------------------------------------------------------- completeness


def test_at_least_ten_scenarios(ds):
    assert len(ds.scenarios) >= 10


def test_required_scenarios(ds):
    required = {
        "taiwan_base",
        "taiwan_no_us",
        "taiwan_supplies_only",
        "taiwan_air_sea_ground",
        "taiwan_escalation",
        "taiwan_jp_restricted",
        "taiwan_jp_denied",
        "nansei_seizure",
        "taiwan_blockade",
        "korea_contingency",
    }
    assert required <= set(ds.scenarios)


def test_required_actors(ds):
    assert {"USA", "JPN", "PRC", "TWN", "KOR", "PRK"} <= set(ds.actors)
    for aid in ("USA", "JPN", "PRC", "TWN"):
        actor = ds.actors[aid]
        assert actor.gdp_local_bn and actor.defence_budget_local_bn, f"{aid} lacks GDP or a defence budget path"
        assert actor.political_decision_delay_days is not None


def test_japan_actor_in_full(ds):
    jpn = ds.actors["JPN"]
    assert jpn.currency == "JPY"
    assert 140 <= jpn.local_per_usd.value <= 160
    assert {"JFY2023", "JFY2024", "JFY2025", "JFY2026"} <= set(jpn.defence_budget_local_bn)
    assert all(q.note for q in jpn.defence_budget_local_bn.values()), (
        "each budget year must say which definition it uses"
    )
    assert jpn.social_security_local_bn and jpn.social_security_growth_local_bn_per_year and jpn.debt_pct_gdp
    assert jpn.personnel is not None and {"JFY2023", "JFY2024"} <= set(jpn.personnel.recruitment)
    assert jpn.budget_share_of_gdp_target.value == 0.02


def test_us_industrial_capacity_by_munition(ds):
    assert {"pac3_mse", "sm6", "tomahawk", "amraam"} <= set(ds.actors["USA"].industrial_capacity)


def test_fact_sheet_values_are_carried_exactly(ds):
    """Spot checks that figures from the fact sheet are the fact sheet's (and cited, not estimated)."""
    jpn = ds.actors["JPN"]
    assert jpn.defence_budget_local_bn["JFY2023"].value == 6821.9  # 6.8219 tn JPY, incl. SACO (§1a, H)
    assert jpn.defence_budget_local_bn["JFY2025"].value == 8700.5
    assert jpn.defence_budget_local_bn["JFY2026"].value == 9035.3
    assert jpn.social_security_local_bn["JFY2025"].value == 38280
    assert jpn.personnel.authorised.value == 247154
    assert jpn.personnel.actual.value == 223511
    r23 = jpn.personnel.recruitment["JFY2023"]
    assert (r23.planned, r23.achieved) == (19598, 9959)
    assert ds.actors["USA"].defence_budget_local_bn["FY2025"].value == 849.8
    assert ds.munitions["type12_upgraded"].range_km.value == 1000
    assert ds.munitions["lrasm"].holdings["USA"].stockpile == 450  # CSIS base case (calibration.md)
    assert ds.munitions["sm6"].holdings["USA"].production_per_year == 125
    assert ds.munitions["pac3_mse"].holdings["USA"].production_per_year == 620
    prc = ds.forces["PRC"]
    assert sum(q.value for q in prc["amphibious_ship"].values()) == 12  # 8 Type 071 + 4 Type 075 (§7)
    assert sum(q.value for q in prc["landing_ship_tank"].values()) == 32
    assert sum(q.value for q in ds.forces["TWN"]["surface_combatant"].values()) == 26  # calibration.md
    for q in (
        jpn.defence_budget_local_bn["JFY2025"],
        jpn.personnel.authorised,
        ds.munitions["type12_upgraded"].range_km,
    ):
        assert q.source and q.confidence == "H"


def test_required_munitions(ds):
    required = {
        "tomahawk",
        "type12_upgraded",
        "lrasm",
        "jassm_er",
        "sm6",
        "pac3_mse",
        "amraam",
        "df21d",
        "df26",
        "df15_16",
        "yj18",
        "pl15",
        "hq9",
    }
    assert required <= set(ds.munitions)
    assert {"USA", "JPN"} <= set(ds.munitions["tomahawk"].holdings)
    assert "JPN" in ds.munitions["type12_upgraded"].holdings


def test_required_mission_areas(ds):
    assert {
        "air_defence",
        "ballistic_missile_defence",
        "maritime_defence",
        "anti_submarine",
        "island_defence",
        "strike",
        "isr",
        "amphibious_interdiction",
        "logistics_support",
        "c2",
    } <= set(ds.mission_areas)


def test_required_theatres_and_bases(ds):
    assert {"taiwan_strait", "nansei", "korea"} <= set(ds.theatres)
    required = {
        "kadena",
        "misawa",
        "yokota",
        "iwakuni",
        "yokosuka",
        "sasebo",
        "futenma",
        "camp_hansen",
        "camp_schwab",
        "camp_zama",
        "naha",
        "nyutabaru",
        "tsuiki",
        "komatsu",
        "chitose",
        "hyakuri",
        "kure",
        "maizuru",
        "kengun",
        "yonaguni",
        "ishigaki",
        "miyako",
        "amami",
        "andersen",
        "naval_base_guam",
        "pearl_harbor",
        "conus",
        "hualien",
        "chiayi",
        "cck",
        "tsoying",
        "osan",
        "humphreys",
    }
    assert required <= set(ds.bases)
    assert ds.bases["conus"].kind == "source"
    assert sum(1 for b in ds.bases.values() if b.host == "PRC") >= 4


def test_required_capability_classes(ds):
    required = {
        "f35a",
        "f35b",
        "f15ex",
        "f16",
        "f15j",
        "f2",
        "fa18",
        "b1",
        "b52",
        "p8",
        "p1",
        "aegis_destroyer",
        "surface_combatant",
        "cvn",
        "ssn",
        "jmsdf_ss",
        "amphibious_ship",
        "roro_ferry",
        "plan_surface_combatant",
        "plan_submarine",
        "pla_fighter",
        "j20",
        "pla_bomber",
        "srbm_launcher",
        "mrbm_launcher",
        "type12_battery",
        "patriot_battery",
        "marine_littoral_regiment",
        "ground_brigade",
        "us_army_brigade",
        "mq9",
    }
    assert required <= set(ds.capability_classes)


def test_required_command_structures(ds):
    assert {"indopacom_direct", "usfj_jfhq_jjoc", "combined_hq"} <= set(ds.command_structures)
    for cs in ds.command_structures.values():
        kinds = {(n.actor, n.kind) for n in cs.nodes.values()}
        for actor in ("USA", "JPN", "PRC", "TWN", "KOR", "PRK"):
            assert (actor, "national") in kinds and (actor, "component") in kinds
    today = ds.command_structures["indopacom_direct"]
    assert {"indopacom", "usfj", "jjoc", "jasdf", "jmsdf", "gsdf"} <= set(today.nodes)
    assert not any(link.kind == "command" and link.from_hq == "usfj" for link in today.links), (
        "today USFJ is an administrative HQ without operational command"
    )
    upgraded = ds.command_structures["usfj_jfhq_jjoc"]
    assert any(link.kind == "command" and link.from_hq == "usfj" for link in upgraded.links)


def test_guidelines_2015_roles(ds):
    g = ds.roles["guidelines_2015"].roles
    for area in ("air_defence", "ballistic_missile_defence", "maritime_defence", "island_defence"):
        assert g[area] == {"JPN": "primary", "USA": "supporting"}, area
    assert g["strike"] == {"USA": "primary", "JPN": "supporting"}
    assert g["logistics_support"] == {"JPN": "primary", "USA": "primary"}  # bilateral
    matrix = ds.roles["guidelines_2015"]
    assert matrix.confidence == "M" and "PDF" in matrix.estimate


def test_every_intervention_level_is_covered(ds):
    taiwan = [sc for sc in ds.scenarios.values() if sc.theatre == "taiwan_strait"]
    assert set(INTERVENTION_LEVELS) <= {sc.us_intervention for sc in taiwan}


def test_every_access_level_is_covered(ds):
    levels = {level for sc in ds.scenarios.values() for level in sc.basing_access.values()}
    assert set(ACCESS_LEVELS) <= levels


def test_taiwan_base_is_the_csis_base_case(ds):
    sc = ds.scenarios["taiwan_base"]
    assert sc.us_intervention == "air_sea" and sc.basing_access == {"JPN": "full"}
    assert sc.objective == "invasion" and sc.adversary == "PRC"
    assert {"PRC", "TWN", "USA", "JPN"} <= set(sc.participants)


# ----------------------------------------------------------------------------- conventions


def test_scenario_conventions(ds):
    for sid, sc in ds.scenarios.items():
        if sc.theatre == "taiwan_strait" and sc.objective != "blockade":  # blockades run for weeks (calibration §6)
            assert sc.duration_days.value == 30, sid
        landing = sc.objective in ("invasion", "island_seizure")
        assert (sc.objective_troops_ashore is not None) == landing, f"{sid}: objective_troops_ashore iff a landing"
        assert sc.phases, f"{sid} has no phases"
        assert sc.description.strip()


def test_scenario_weights_sum_to_one(ds):
    assert math.isclose(sum(sc.weight.value for sc in ds.scenarios.values()), 1.0, abs_tol=1e-9)


def test_reinforcements_draw_on_listed_pools(ds):
    """No schedule moves more units from a base than forces.yaml lists there, and only distant pools reinforce."""
    for sid, sc in ds.scenarios.items():
        moved: dict[tuple[str, str, str], float] = defaultdict(float)
        for rf in sc.reinforcements:
            moved[(rf.actor, rf.capability, rf.origin)] += rf.count
            assert ds.bases[rf.origin].kind == "source", f"{sid}: reinforcement from {rf.origin}, not a distant pool"
        for (actor, cls, origin), count in moved.items():
            pool = ds.forces.get(actor, {}).get(cls, {}).get(origin)
            assert pool is not None, f"{sid}: {actor} {cls} reinforces from {origin}, where none are listed"
            assert count <= pool.value, f"{sid}: moves {count:g} {actor} {cls} from {origin}, pool holds {pool.value:g}"


def test_commitments_keep_single_units(ds):
    """The engine rounds count x commitment; a blue commitment of 0 < c < 0.5 would silently drop single units."""
    for sid, sc in ds.scenarios.items():
        for aid, part in sc.participants.items():
            c = part.commitment.value
            if c == 0 or aid == "JPN":  # JPN's low commitments (restricted access) are deliberate
                continue
            singles = [
                (cls, b) for cls, by_base in ds.forces.get(aid, {}).items() for b, q in by_base.items() if q.value == 1
            ]
            assert not singles or c > 0.5, f"{sid}: {aid} commitment {c} drops single units {singles[:3]}"


HOST_BOXES = {  # generous lat/lon boxes that catch swapped or mistyped coordinates
    "JPN": (24.0, 46.0, 122.0, 146.0),
    "TWN": (21.5, 26.5, 119.0, 122.5),
    "PRC": (18.0, 42.0, 108.0, 124.0),
    "KOR": (33.0, 38.7, 124.5, 130.0),
    "PRK": (37.5, 43.1, 124.0, 131.0),
}


def test_base_coordinates_are_in_their_host_country(ds):
    for bid, base in ds.bases.items():
        box = HOST_BOXES.get(base.host)
        if box is None:  # US territory spans the Pacific; the at-sea station is notional
            continue
        lat0, lat1, lon0, lon1 = box
        assert lat0 <= base.lat_deg <= lat1 and lon0 <= base.lon_deg <= lon1, (
            f"bases.{bid}: ({base.lat_deg}, {base.lon_deg})"
        )


def test_air_bases_have_runway_data(ds):
    for bid, base in ds.bases.items():
        if base.kind == "air":
            assert base.runways and base.hardened_shelters is not None and base.runway_repair_days, bid


def test_every_class_in_forces_has_a_combat_profile(ds):
    used = {cls for by_class in ds.forces.values() for cls in by_class}
    for cls in used:
        assert ds.capability_classes[cls].combat.model_dump(exclude_none=True), f"{cls} has an empty combat profile"


# ----------------------------------------------------------------------------- provenance


def _raw(path: Path):
    return load_yaml_file(path, _rel(path)).data


@pytest.mark.parametrize("path", DATA_FILES, ids=_rel)
def test_every_number_in_the_raw_yaml_is_sourced(path):
    bad = [dotted(p) for p in unsourced_numbers(_raw(path))]
    assert not bad, f"{_rel(path)}: numbers without `source:` or `estimate:` at: " + ", ".join(bad)


def _records(obj, path=()):
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            yield from _records(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _records(v, path + (i,))


@pytest.mark.parametrize("path", DATA_FILES, ids=_rel)
def test_notional_and_weak_values_explain_themselves(path):
    """A value marked notional or L must carry its reasoning (`estimate:`), not just a bare citation."""
    bad = [
        dotted(p)
        for p, rec in _records(_raw(path))
        if rec.get("confidence") in ("notional", "L") and not rec.get("estimate") and not rec.get("note")
    ]
    assert not bad, f"{_rel(path)}: notional/L values without an estimate or note at: " + ", ".join(bad)


def test_every_label_is_bilingual(ds):
    labels = [(p, rec) for p, rec in _records(ds.model_dump()) if set(rec) == {"en", "ja"}]
    assert len(labels) > 100
    for p, rec in labels:
        assert rec["en"].strip() and rec["ja"].strip(), dotted(p)
        assert NON_ASCII.search(rec["ja"]), f"{dotted(p)}: ja label {rec['ja']!r} has no Japanese text"


def test_every_named_entity_has_a_label(ds):
    for kind in (
        "actors",
        "bases",
        "theatres",
        "capability_classes",
        "munitions",
        "mission_areas",
        "scenarios",
        "command_structures",
        "roles",
    ):
        for eid, obj in getattr(ds, kind).items():
            assert obj.name.en and obj.name.ja, f"{kind}.{eid}"
    for cid, cs in ds.command_structures.items():
        for nid, node in cs.nodes.items():
            assert node.name.en and node.name.ja, f"command_structures.{cid}.nodes.{nid}"
