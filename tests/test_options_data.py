"""The planner's options catalogue (src/positivesum/data/options/): it loads on top of the default
dataset, it is large and varied enough, every option is costed and sourced, and every effect
points at something that exists.

The catalogue is loaded as ``[default.yaml, options/all.yaml]`` so that these tests do not depend
on whether default.yaml imports it yet.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from typing import get_args

import pytest

from conftest import SRC
from positivesum.model.loader import default_data_file, load_dataset
from positivesum.model.options import Option
from positivesum.model.yamlio import load_yaml_file

OPTIONS_DIR = SRC / "positivesum" / "data" / "options"
OPTION_FILES = sorted(p for p in OPTIONS_DIR.glob("*.yaml") if p.name != "all.yaml")
CATEGORIES = get_args(Option.model_fields["category"].annotation)
MAX_PREREQUISITE_LINKS = 4


@pytest.fixture(scope="module")
def loaded():
    return load_dataset([default_data_file(), OPTIONS_DIR / "all.yaml"])


@pytest.fixture(scope="module")
def options(loaded):
    return loaded.dataset.options


def _targets(opt):
    """(effect, concrete target path) for every eligible actor."""
    for eff in opt.effects:
        actors = opt.eligible_actors if "{actor}" in eff.target else [None]
        for actor in actors:
            yield eff, eff.target.replace("{actor}", actor) if actor else eff.target


def _resolve(raw: dict, path: str):
    node = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(part)
        node = node[part]
    return node


def _value(node) -> float | None:
    if isinstance(node, dict):
        node = node.get("value")
    return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None


# ----------------------------------------------------------------------------- loading and size


def test_all_yaml_imports_every_options_file():
    imported = load_yaml_file(OPTIONS_DIR / "all.yaml", "all.yaml").data["import"]
    assert sorted(imported) == sorted(p.name for p in OPTION_FILES)


def test_option_ids_are_unique_across_files():
    """Files are merged key by key, so a repeated id would silently replace an option."""
    seen: dict[str, str] = {}
    for path in OPTION_FILES:
        for oid in load_yaml_file(path, path.name).data.get("options", {}):
            assert oid not in seen, f"option '{oid}' is defined in both {seen[oid]} and {path.name}"
            seen[oid] = path.name


def test_at_least_200_options(options):
    assert len(options) >= 200, len(options)


def test_every_category_has_at_least_five_options(options):
    counts = Counter(opt.category for opt in options.values())
    thin = {c: counts.get(c, 0) for c in CATEGORIES if counts.get(c, 0) < 5}
    assert not thin, f"categories with fewer than 5 options: {thin}"


def test_each_file_holds_its_own_category():
    by_file = {
        "air": "air",
        "sea": "sea",
        "undersea": "undersea",
        "missiles": "missiles",
        "munitions": "munitions_production",
        "drones": "drones",
        "isr": "isr",
        "air_missile_defence": "air_missile_defence",
        "hardening": "hardening_dispersal_repair",
        "c2": "c2",
        "logistics": "logistics",
        "personnel": "personnel_automation",
        "posture": "posture",
    }
    assert sorted(by_file) == sorted(p.stem for p in OPTION_FILES)
    for path in OPTION_FILES:
        for oid, rec in load_yaml_file(path, path.name).data["options"].items():
            assert rec["category"] == by_file[path.stem], f"{path.name}: {oid} has category {rec['category']}"


def test_allies_and_partners_all_have_options(options):
    counts = Counter(a for opt in options.values() for a in opt.eligible_actors)
    assert counts["USA"] >= 60 and counts["JPN"] >= 60, counts
    assert counts["TWN"] >= 5 and counts["KOR"] >= 5, counts
    assert not {"PRC", "PRK"} & set(counts), "adversaries cannot buy allied options"


# ----------------------------------------------------------------------------- provenance and cost


def test_every_option_has_a_source_or_estimate_and_confidence(options):
    for oid, opt in options.items():
        assert opt.source or opt.estimate, oid
        assert opt.confidence, f"{oid}: no confidence"
        if opt.confidence in ("L", "notional"):
            assert opt.estimate, f"{oid}: confidence {opt.confidence} needs an `estimate:` with the reasoning"


def test_costs_are_positive(options):
    for oid, opt in options.items():
        acq = opt.cost.acquisition_musd
        assert acq, f"{oid}: empty acquisition profile"
        assert all(v >= 0 for v in acq), f"{oid}: negative outlay"
        assert opt.cost.operating_musd_per_year >= 0, oid
        assert sum(acq) + opt.cost.operating_musd_per_year > 0, f"{oid}: costs nothing"
        assert len(acq) <= 10, f"{oid}: spending beyond the 10-year plan"


def test_lead_times_fit_the_plan(options):
    for oid, opt in options.items():
        assert 0 <= opt.lead_time_years <= 10, oid


def test_labels_are_bilingual(options):
    for oid, opt in options.items():
        assert opt.name.en.strip(), oid
        assert any(ord(ch) > 0x3000 for ch in opt.name.ja), f"{oid}: ja label has no Japanese text"


# ----------------------------------------------------------------------------- effects


def test_most_options_have_effects(options):
    without = [oid for oid, opt in options.items() if not opt.effects]
    assert len(without) <= 0.15 * len(options), f"{len(without)} options without effects: {without}"
    for oid in without:
        assert options[oid].category in ("personnel_automation", "posture", "sea", "logistics"), (
            f"{oid}: only personnel, enabling and cost-transfer options may have no effect"
        )


def test_every_effect_target_exists(loaded, options):
    """Each target (after {actor} substitution) resolves in the raw data, or is a forces entry whose
    actor, capability class and base all exist (the planner creates the entry)."""
    ds, raw = loaded.dataset, loaded.raw
    for oid, opt in options.items():
        for _eff, path in _targets(opt):
            try:
                node = _resolve(raw, path)
            except KeyError:
                parts = path.split(".")
                assert parts[0] == "forces" and len(parts) == 4, f"{oid}: target '{path}' does not exist"
                _, actor, cls, base = parts
                assert actor in ds.actors, f"{oid}: {path}: no actor '{actor}'"
                assert cls in ds.capability_classes, f"{oid}: {path}: no capability class '{cls}'"
                assert base in ds.bases, f"{oid}: {path}: no base '{base}'"
                continue
            assert _value(node) is not None, f"{oid}: target '{path}' is not a number or a quantity"


def test_effect_operations_are_sensible(options):
    for oid, opt in options.items():
        for eff in opt.effects:
            if eff.operation == "multiply":
                assert 0 < eff.value <= 2, f"{oid}: factor {eff.value} on {eff.target}"
            if eff.target.endswith(
                ("runway_repair_days", "decision_latency_hours", "lead_time_months", "political_decision_delay_days")
            ):
                assert eff.operation == "multiply", f"{oid}: {eff.target} should be scaled, not {eff.operation}"
            if eff.value < 0:
                assert eff.operation == "add" and eff.target.startswith("forces."), (
                    f"{oid}: only force moves may subtract ({eff.target})"
                )


def test_moves_take_no_more_than_the_base_holds(loaded, options):
    """The minus side of a posture move draws on an existing entry. Over all options that could be
    chosen together (mutually exclusive ones counted once), the draws fit inside the entry."""
    raw = loaded.raw
    draws: dict[str, dict[str, float]] = defaultdict(dict)
    for oid, opt in options.items():
        for eff, path in _targets(opt):
            if eff.value < 0:
                try:
                    held = _value(_resolve(raw, path))
                except KeyError:
                    pytest.fail(f"{oid}: removes units from '{path}', which holds none")
                assert held is not None and held + eff.value >= 0, (
                    f"{oid}: removes {-eff.value:g} from {path} ({held:g})"
                )
                draws[path][oid] = draws[path].get(oid, 0) - eff.value
    for path, by_option in draws.items():
        held = _value(_resolve(raw, path))
        ids = list(by_option)
        worst = 0.0
        for r in range(1, len(ids) + 1):
            for combo in itertools.combinations(ids, r):
                if any(b in options[a].exclusions for a, b in itertools.permutations(combo, 2)):
                    continue
                worst = max(worst, sum(by_option[o] for o in combo))
        assert worst <= held, f"{path}: compatible options remove {worst:g} units, it holds {held:g} ({by_option})"


# ----------------------------------------------------------------------------- prerequisites and exclusions


def test_exclusions_are_symmetric(options):
    for oid, opt in options.items():
        for other in opt.exclusions:
            assert oid in options[other].exclusions, f"{oid} excludes {other} but not the other way round"


def test_prerequisites_are_open_to_the_same_actors(options):
    """Prerequisites are chosen by the same actor, so each must be open to every buyer of the option."""
    for oid, opt in options.items():
        for pre in opt.prerequisites:
            missing = set(opt.eligible_actors) - set(options[pre].eligible_actors)
            assert not missing, f"{oid} requires {pre}, which {sorted(missing)} cannot buy"


def test_no_prerequisite_chain_is_longer_than_four(options):
    memo: dict[str, int] = {}

    def depth(oid: str, stack: tuple = ()) -> int:
        assert oid not in stack, f"prerequisite cycle: {' -> '.join(stack + (oid,))}"
        if oid not in memo:
            memo[oid] = max((1 + depth(p, stack + (oid,)) for p in options[oid].prerequisites), default=0)
        return memo[oid]

    deepest = max(options, key=depth)
    assert depth(deepest) <= MAX_PREREQUISITE_LINKS, f"{deepest}: chain of {depth(deepest)} prerequisites"


def test_prerequisites_and_exclusions_are_used(options):
    assert sum(bool(o.prerequisites) for o in options.values()) >= 20
    assert sum(bool(o.exclusions) for o in options.values()) >= 10


def test_no_option_excludes_its_own_prerequisite_chain(options):
    def chain(oid: str) -> set[str]:
        out: set[str] = set()
        for p in options[oid].prerequisites:
            out |= {p} | chain(p)
        return out

    for oid, opt in options.items():
        clash = chain(oid) & set(opt.exclusions)
        assert not clash, f"{oid} both requires and excludes {sorted(clash)}"


def test_required_brief_options_exist(options):
    """The pairs the design brief names as examples."""
    assert "usa_f35a_kadena_sqn1" in options["usa_f35a_kadena_sqn2"].prerequisites
    assert "usa_keep_marines_okinawa" in options["usa_marines_to_guam"].exclusions
    assert "usa_kadena_has_ph1" in options["usa_kadena_has_ph2"].prerequisites
    assert any(
        e.target.startswith("command_structures.usfj_jfhq_jjoc.nodes.usfj")
        for e in options["usa_usfj_jfhq_ph2"].effects
    )
    mlr = [
        oid
        for oid, o in options.items()
        if o.category == "posture" and any(".marine_littoral_regiment." in e.target and e.value > 0 for e in o.effects)
    ]
    assert mlr, "no Marine Littoral Regiment posture option"


def test_fact_sheet_costs_are_carried(options):
    """Figures from shared/reference/alliance-facts.md: Guam relocation and the Tomahawk contract."""
    guam_us = sum(options["usa_marines_to_guam"].cost.acquisition_musd)
    guam_jp = sum(options["jpn_guam_relocation_share"].cost.acquisition_musd)
    assert guam_jp == pytest.approx(2800)
    assert 8600 <= guam_us + guam_jp <= 8700
    tranche = sum(options["jpn_tomahawk_tranche2"].cost.acquisition_musd)
    assert tranche == pytest.approx(170_000 / 150, rel=0.01)  # JPY 170 bn at JPY 150/USD
