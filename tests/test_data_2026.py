"""The default dataset as of 2026 (issue 13): its date, the vintage before the update, Japan's two counting bases,
munitions production three ways with year-matched ramps, the target presets, host-nation support, and the blockade
in which Japan exercises collective self-defence.

The regimes run end to end with every preset in tests/plan/test_presets_cli.py.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from conftest import SRC
from positivesum.diffing import diff_trees
from positivesum.domestic.budget import spec_from_target, target_paths
from positivesum.model.dataset import Dataset, SourceRef
from positivesum.model.errors import InputError, dotted
from positivesum.model.forces import ProductionRates
from positivesum.model.loader import load_dataset
from positivesum.model.sources import unsourced_numbers
from positivesum.model.yamlio import load_yaml_file
from positivesum.plan.workflow import budget_matrix, host_nation_support_terms, opening_split, production_limits
from positivesum.services.plan import parse_budgets

DATA_DIR = SRC / "positivesum" / "data"
VINTAGE = DATA_DIR / "vintages" / "2026-03.yaml"
DEFAULT = DATA_DIR / "default.yaml"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PRESETS = ("jp-2pct-2022", "jp-2pct-supplementary", "us-3pct", "nato-core", "nato-5", "jp-strategy-2026")
SUPPLEMENTARY = "planning.budget_basis=initial_plus_supplementary"


@pytest.fixture(scope="module")
def loaded():
    return load_dataset()


@pytest.fixture(scope="module")
def ds(loaded) -> Dataset:
    return loaded.dataset


@pytest.fixture(scope="module")
def vintage():
    return load_dataset([VINTAGE])


def _horizon(ds: Dataset) -> tuple[int, int]:
    return int(ds.planning.horizon_years.value), int(ds.planning.base_year.value)


# ----------------------------------------------------------------------------- a dataset with a date


def test_dataset_states_its_date_and_every_result_carries_it(loaded):
    assert DATE.match(loaded.dataset.as_of) and loaded.dataset.as_of >= "2026-05"
    assert loaded.provenance()["as_of"] == loaded.dataset.as_of


def test_every_source_has_a_publication_date_or_says_why_not(ds):
    for key, src in ds.sources.items():
        assert src.date, f"sources.{key} has no date"
        if src.date == "unknown":
            assert src.note and src.note.strip(), f"sources.{key}: date unknown without a note"
        else:
            assert DATE.match(src.date), f"sources.{key}.date {src.date!r}"


def test_an_unknown_date_must_be_explained():
    with pytest.raises(ValueError, match="note"):
        SourceRef(title="t", date="unknown")
    with pytest.raises(ValueError):
        SourceRef(title="t", date="Jan 2026")  # a date at the precision known, never free text
    assert SourceRef(title="t", date="unknown", note="undated web page").date == "unknown"


def test_show_prints_as_of_and_the_designer_notes(cli, ds):
    proc = cli("show", "taiwan_blockade_csd")
    assert proc.returncode == 0, proc.stderr
    assert f"Data as of {ds.as_of}" in proc.stdout
    assert "Designer's notes" in proc.stdout and "leaves out" in proc.stdout
    res = json.loads(cli("show", "taiwan_base", "--json").stdout)
    assert res["provenance"]["as_of"] == ds.as_of and res["scenario"]["designer_notes"]["numbers_from"]


def test_every_scenario_has_designer_notes(ds):
    for sid, sc in ds.scenarios.items():
        notes = sc.designer_notes
        assert notes is not None, sid
        assert all(getattr(notes, k).strip() for k in ("assumes", "leaves_out", "numbers_from")), sid


# ----------------------------------------------------------------------------- the vintage before the update


def test_vintage_loads_is_sourced_and_is_older(vintage, ds):
    assert vintage.dataset.as_of < ds.as_of
    bad = [dotted(p) for p in unsourced_numbers(load_yaml_file(VINTAGE, "vintage").data)]
    assert not bad, bad
    assert math.isclose(sum(sc.weight.value for sc in vintage.dataset.scenarios.values()), 1.0, abs_tol=1e-9)


def test_vintage_restores_the_old_values(vintage):
    old = vintage.dataset
    jpn = old.planning.budgets["JPN"]
    assert (jpn.catalogue_share, jpn.counts_related) == (0.13, False)
    assert old.planning.host_nation_support is None and old.planning.negotiation_opening is None
    assert all(h.rates is None for m in old.munitions.values() for h in m.holdings.values())
    assert old.munitions["jsm"].holdings["JPN"].stockpile == 0
    assert (
        old.scenarios["taiwan_blockade"].weight.value == 0.15 and old.scenarios["taiwan_blockade_csd"].weight.value == 0
    )
    assert all(sc.designer_notes is None for sc in old.scenarios.values())


def test_diff_between_the_vintages_lists_the_changes(cli):
    proc = cli("diff", VINTAGE, DEFAULT, "--json")
    assert proc.returncode == 0, proc.stderr
    changes = {c["path"]: c for c in json.loads(proc.stdout)["changes"]}
    for path in (
        "as_of",
        "planning.budgets.JPN.catalogue_share",
        "planning.budgets.JPN.counts_related",
        "planning.host_nation_support",
        "planning.negotiation_opening",
        "munitions.pac3_mse.holdings.USA.rates",
        "munitions.pac3_mse.holdings.JPN.rates",
        "munitions.tomahawk.milestones",
        "munitions.type12_upgraded.milestones",
        "munitions.jsm.holdings.JPN.stockpile",
        "command_structures.usfj_jfhq_jjoc.milestones",
        "command_structures.usfj_jfhq_jjoc.nodes.usfj.decision_latency_hours.high",
        "bases.naval_base_guam.milestones",
        "scenarios.taiwan_blockade.weight.value",
        "scenarios.taiwan_blockade_csd.weight.value",
        "scenarios.taiwan_base.designer_notes",
        "sources.yomiuri_fy2026_budget.date",
    ):
        assert path in changes, path
    assert changes["as_of"]["before"] == "2026-03" and changes["as_of"]["after"] >= "2026-05"
    assert changes["planning.budgets.JPN.catalogue_share"]["before"] == 0.13


def test_diff_records_the_same_changes_in_process(vintage, loaded):
    changes = diff_trees(vintage.dataset.model_dump(mode="json"), loaded.dataset.model_dump(mode="json"))
    assert len(changes) >= 40


# ----------------------------------------------------------------------------- Japan's two counting bases


def test_japan_budgets_on_both_bases(ds):
    jpn = ds.actors["JPN"]
    assert {"JFY2023", "JFY2024", "JFY2025", "JFY2026"} <= set(jpn.defence_budget_local_bn)
    assert {"JFY2024", "JFY2025", "JFY2026"} <= set(jpn.supplementary_defence_local_bn)
    assert jpn.supplementary_defence_local_bn["JFY2025"].value == 847.2
    pending = jpn.supplementary_defence_local_bn["JFY2026"]
    assert pending.confidence == "L" and pending.low == 0 and "NOT KNOWN" in pending.estimate
    assert jpn.related_security_local_bn["JFY2024"].value == 1200


def test_counting_basis_switch_reproduces_japans_2_percent(ds):
    horizon, base = _horizon(ds)
    initial = target_paths("JPN", ds.actors["JPN"], spec_from_target(ds.planning.budgets["JPN"], "initial"))
    shares = initial.share_today_by_basis
    assert shares["initial"] == pytest.approx(0.0185, abs=0.0005)  # 9.04 + 1.45 tn of FY2022 GDP 566 tn
    assert shares["initial_plus_supplementary"] == pytest.approx(0.020, abs=0.0005)  # "2%" with a supplementary
    money_initial, info_initial = budget_matrix(ds, ["JPN"], horizon, base)
    switched = load_dataset(sets=[SUPPLEMENTARY]).dataset
    assert switched.planning.budget_basis == "initial_plus_supplementary"
    money_supp, info_supp = budget_matrix(switched, ["JPN"], horizon, base)
    assert info_supp["JPN"]["budget_basis"] == "initial_plus_supplementary"
    assert money_initial.sum() > 0
    assert money_supp.sum() < 0.2 * money_initial.sum()  # counting the supplementary, the 2% target is met
    assert info_supp["JPN"]["counted_today_local_bn"]["supplementary"] > 0
    assert info_initial["JPN"]["counted_today_local_bn"]["supplementary"] == 0


def test_the_basis_is_a_set_switch_and_rejects_typos():
    with pytest.raises(InputError):
        load_dataset(sets=["planning.budget_basis=supplementary"])


# ----------------------------------------------------------------------------- munitions production three ways


def test_framework_targets_ramp_over_the_agreements_years(ds):
    pac3 = ds.munitions["pac3_mse"].holdings["USA"]
    rates = pac3.rates
    assert rates.delivered.per_year == 620 and rates.contracted.per_year == 650
    assert rates.framework_target.per_year == 2000 and rates.ramp_years.value == 7
    for r in (rates.delivered, rates.contracted, rates.framework_target):
        assert r.source and DATE.match(r.date)
    path = [pac3.production_in(y) for y in range(2024, 2036)]
    assert path[:2] == [620, 620] and path[-1] == 2000
    assert all(b >= a for a, b in zip(path, path[1:])), path
    assert max(b - a for a, b in zip(path, path[1:])) < (2000 - 620) / 5  # never overnight
    assert pac3.production_in(2027) == pytest.approx(635 + (2000 - 635) / 7)
    assert pac3.production_in(None) == pac3.production_per_year == 620
    assert pac3.surge_in(2030) >= pac3.production_in(2030)
    for mid in ("tomahawk", "sm6", "amraam"):
        h = ds.munitions[mid].holdings["USA"]
        assert h.rates.framework_target.date == "2026-02-04" and h.rates.ramp_years.value == 7, mid
        assert h.production_in(2027) < h.rates.framework_target.per_year <= h.production_in(2033), mid


def test_japans_licensed_pac3_line_is_capped_by_the_seeker(ds):
    h = ds.munitions["pac3_mse"].holdings["JPN"]
    (cap,) = h.rates.caps
    assert cap.per_year == 30 and cap.until == "2027" and "seeker" in cap.note.lower()
    assert [h.production_in(y) for y in (2024, 2025, 2026)] == [30, 30, 30]
    assert 30 < h.production_in(2027) <= 60 and h.production_in(2030) == 60


def test_rate_basis_and_option_additions():
    rates = ProductionRates.model_validate(
        {
            "delivered": {"per_year": 100, "date": "2025", "estimate": "t"},
            "contracted": {"per_year": 150, "date": "2027", "estimate": "t"},
            "framework_target": {"per_year": 500, "date": "2026", "estimate": "t"},
            "ramp_years": {"value": 4, "estimate": "t"},
        }
    )
    assert rates.path(2026) == 125 and rates.path(2030) == 500
    assert rates.model_copy(update={"basis": "contracted"}).path(2030) == 150
    assert rates.model_copy(update={"basis": "delivered"}).path(2030) == 100
    with pytest.raises(ValueError, match="ramp_years"):
        ProductionRates.model_validate(
            {
                "delivered": {"per_year": 1, "date": "2025", "estimate": "t"},
                "framework_target": {"per_year": 2, "date": "2026", "estimate": "t"},
            }
        )


def test_campaign_and_planner_use_the_scenario_years_rate(ds):
    from positivesum.sim.setup import build_setup

    today = build_setup(ds, "taiwan_base")
    ready = build_setup(load_dataset(overrides=["readiness_2027"]).dataset, "taiwan_base")
    i = today.pools.label.index("USA:pac3_mse")
    assert today.pools.production_per_day[i] * 365 == pytest.approx(620)
    assert ready.pools.production_per_day[i] * 365 == pytest.approx(
        ds.munitions["pac3_mse"].holdings["USA"].production_in(2027)
    )
    options = [o for o in ds.options if any("pac3_mse" in e.target for e in ds.options[o].effects)]
    if options:
        limits = production_limits(ds, ["USA"], options, 3, 2030)
        assert limits[(0, "pac3_mse")][1] == pytest.approx(
            2000 - ds.munitions["pac3_mse"].holdings["USA"].production_in(2030)
        )


# ----------------------------------------------------------------------------- presets, negotiation, HNS


def test_presets_are_sourced_and_listed_in_help(ds, cli):
    presets = ds.planning.target_presets
    assert set(presets) == set(PRESETS)
    for pid, p in presets.items():
        assert p.source and p.name.ja and (p.share_of_gdp.source or p.share_of_gdp.estimate), pid
    pending = presets["jp-strategy-2026"].share_of_gdp
    assert (pending.low, pending.high, pending.confidence) == (0.02, 0.035, "L")
    assert presets["nato-5"].share_of_gdp.value == 0.05 and presets["nato-5"].related_share_of_gdp == 0.015
    text = cli("compare-regimes", "--help", columns=400).stdout
    assert "--preset" in text and "--target" in text
    for pid in PRESETS:
        assert pid in text, pid


def test_presets_and_targets_parse(loaded):
    for pid in PRESETS:
        spec = parse_budgets(loaded, None, [pid])["JPN"]
        assert spec.preset == pid
    assert parse_budgets(loaded, ["JPN=nato-5"])["JPN"].related_share == 0.015
    plain = parse_budgets(loaded, ["JPN=5%@2035"])["JPN"]
    assert (plain.share, plain.year, plain.preset) == (0.05, 2035, None)
    assert parse_budgets(loaded, ["KOR=nato-5"])["KOR"].share == 0.05
    with pytest.raises(InputError, match="nato-5"):
        parse_budgets(loaded, None, ["nato5"])  # did you mean


def test_five_percent_buys_no_more_catalogue_than_three_and_a_half_core(ds, loaded):
    horizon, base = _horizon(ds)
    core, _ = budget_matrix(ds, ["JPN"], horizon, base, parse_budgets(loaded, None, ["nato-core"]))
    five, info = budget_matrix(ds, ["JPN"], horizon, base, parse_budgets(loaded, None, ["nato-5"]))
    np.testing.assert_allclose(five, core)  # the 1.5 related points buy nothing in the catalogue
    assert info["JPN"]["increment_musd"][-1] > 0


def test_negotiated_regime_opens_at_the_us_five_percent(ds):
    horizon, base = _horizon(ds)
    actors = [a for a in ds.planning.budgets if a in ds.actors]
    opening = opening_split(ds, actors, horizon, base)
    assert opening["preset"] == "nato-5" and sum(opening["shares"].values()) == pytest.approx(1.0)
    money, _ = budget_matrix(ds, actors, horizon, base)
    own = dict(zip(actors, money.sum(axis=1) / money.sum()))
    assert opening["shares"]["JPN"] > own["JPN"] and opening["shares"]["USA"] < own["USA"]


def test_host_nation_support_is_an_explicit_input(ds):
    hns = ds.planning.host_nation_support
    assert (hns.payer, hns.receiver, hns.expires) == ("JPN", "USA", "2027-03-31")
    assert hns.total_local_bn.value == pytest.approx(1055.1) and hns.source
    horizon, base = _horizon(ds)
    start, extra, record = host_nation_support_terms(ds, ["USA", "JPN"], horizon, base)
    assert start == {"JPN": 0} and not extra.any()  # plan year 1 is JFY2027: the next agreement
    assert record["local_bn_per_year"] == pytest.approx(211.0, abs=0.1)
    earlier = load_dataset(sets=["planning.base_year=2024"]).dataset
    assert host_nation_support_terms(earlier, ["USA", "JPN"], horizon, 2024)[0] == {"JPN": 2}
    fip = load_dataset(sets=["planning.host_nation_support.catalogue_share=0.16"]).dataset
    assert host_nation_support_terms(fip, ["USA", "JPN"], horizon, base)[1].sum() > 0


# ----------------------------------------------------------------------------- forces and posture as of 2026


def test_posture_milestones(ds):
    t12 = {m.date: m for m in ds.munitions["type12_upgraded"].milestones}
    assert t12["2026-03-31"].status == "done" and "Kengun" in t12["2026-03-31"].event
    assert any(m.date == "2026-03-13" for m in ds.munitions["tomahawk"].milestones)
    assert ds.munitions["jsm"].holdings["JPN"].stockpile > 0
    jfhq = {m.date: m for m in ds.command_structures["usfj_jfhq_jjoc"].milestones}
    assert jfhq["2025-10-29"].status == "done" and jfhq["2026"].status == "unknown"
    usfj = ds.command_structures["usfj_jfhq_jjoc"].nodes["usfj"].decision_latency_hours
    assert usfj.low < usfj.value < usfj.high  # a ramp, not a step
    assert any(m.date == "2025-03-24" for m in ds.command_structures["indopacom_direct"].milestones)
    guam = ds.bases["naval_base_guam"].stationed_personnel["USA"]
    assert (guam.low, guam.high, guam.confidence) == (100, 200, "L")


def test_pla_projection_for_the_readiness_year_is_a_range():
    ready = load_dataset(overrides=["readiness_2027"]).dataset
    assert {sc.year.value for sc in ready.scenarios.values()} == {2027}
    for cls in ("plan_surface_combatant", "plan_submarine", "cvn", "mrbm_launcher"):
        for q in ready.forces["PRC"][cls].values():
            assert q.confidence == "L" and q.low is not None and q.high is not None and q.low < q.high, cls


# ----------------------------------------------------------------------------- the blockade with Japanese CSD


def test_blockade_with_collective_self_defence(ds):
    sc = ds.scenarios["taiwan_blockade_csd"]
    assert sc.objective == "blockade" and sc.name.ja
    delay = sc.participants["JPN"].decision_delay_days
    assert delay.source == "nikkei_jfss_wargame" and delay.low < delay.value < delay.high
    assert (
        sc.participants["JPN"].commitment.value > ds.scenarios["taiwan_blockade"].participants["JPN"].commitment.value
    )
    from positivesum.services.alliance import level_scenarios

    assert level_scenarios(ds, "taiwan_blockade_csd")["air_sea"] == "taiwan_blockade_csd"


def test_new_scenario_is_listed_and_simulates(cli):
    listed = cli("list", "scenarios", "--json")
    assert listed.returncode == 0 and "taiwan_blockade_csd" in listed.stdout
    proc = cli("simulate", "taiwan_blockade_csd", "--reps", "10", "--seed", "3", "--json", "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(proc.stdout)
    assert res["meta"]["provenance"]["as_of"]


def test_briefing_states_as_of():
    """The briefing's reproducibility and assumptions sections read ``analysis["dataset"]["as_of"]``."""
    from positivesum.report.document import Translator
    from positivesum.report.sections.audit import assumptions, reproducibility

    analysis = {
        "dataset": {"title": "t", "description": "", "as_of": "2026-05"},
        "reproducibility": {"version": "x", "seed": 1, "files": [], "scenarios": []},
        "scenarios": {
            "s": {
                "objective": "blockade",
                "us_intervention": "air_sea",
                "basing_access": {},
                "warning_days": 3,
                "fait_accompli_window_days": 14,
                "duration_days": 140,
                "weight": 0.1,
            }
        },
        "labels": {},
    }
    for lang, label, text in (("en", "Data as of", "as of 2026-05"), ("ja", "データ時点", "2026-05時点")):
        tr = Translator(lang)
        table = reproducibility(analysis, tr).tables[0].frame
        assert (table.iloc[0].tolist()) == [label, "2026-05"]
        assert text in assumptions(analysis, tr).paragraphs[0]
