"""Loader: precedence of imports, files, overrides and --set; provenance; data hash; problem collection."""

from __future__ import annotations

import re
import textwrap

import pytest

from conftest import MINIMAL, REPO
from positivesum.model.errors import InputError, Location
from positivesum.model.loader import load_dataset

FIXTURES = REPO / "tests" / "fixtures"
MINIMAL_FILES = [f"tests/fixtures/minimal/{n}.yaml" for n in ("actors", "forces", "scenarios", "minimal")]


def _write(path, text: str):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _q(value, note):
    return f'{{value: {value}, estimate: "{note}"}}'


@pytest.fixture
def layers(tmp_path):
    """main.yaml imports minimal, lib_a, lib_b; extra.yaml is a later command-line file."""
    _write(
        tmp_path / "lib_a.yaml",
        f"""
        scenarios:
          strait_invasion:
            warning_days: {_q(11, "lib_a")}
            duration_days: {_q(31, "lib_a")}
            fait_accompli_window_days: {_q(15, "lib_a")}
        """,
    )
    _write(
        tmp_path / "lib_b.yaml",
        f"""
        scenarios:
          strait_invasion:
            duration_days: {_q(32, "lib_b")}
        """,
    )
    _write(
        tmp_path / "main.yaml",
        f"""
        import: [{MINIMAL}, lib_a.yaml, lib_b.yaml]
        scenarios:
          strait_invasion:
            warning_days: {_q(12, "main")}
        overrides:
          o1:
            scenarios: {{strait_invasion: {{warning_days: {_q(14, "o1")}}}}}
          o2:
            scenarios: {{strait_invasion: {{warning_days: {_q(15, "o2")}, weight: {_q(7, "o2")}}}}}
        """,
    )
    _write(
        tmp_path / "extra.yaml",
        f"""
        scenarios:
          strait_invasion:
            warning_days: {_q(13, "extra")}
        """,
    )
    return tmp_path


def _strait(ld):
    sc = ld.dataset.scenarios["strait_invasion"]
    return (
        sc.warning_days.value,
        sc.warning_days.estimate,
        sc.duration_days.value,
        sc.fait_accompli_window_days.value,
        sc.weight.value,
    )


def test_imports_then_importing_file(layers):
    ld = load_dataset([layers / "main.yaml"])
    # main beats its imports; lib_b (listed later) beats lib_a; lib_a beats minimal; minimal's weight stays.
    assert _strait(ld) == (12, "main", 32, 15, 2)
    # records merge key by key, but a quantity that overrides another replaces it whole: the fixture's range
    # and confidence do not carry over to a value someone else wrote (issue 12, honest overrides)
    wd = ld.dataset.scenarios["strait_invasion"].warning_days
    assert (wd.value, wd.low, wd.high, wd.confidence, wd.estimate) == (12, None, None, None, "main")


def test_later_command_line_file_wins(layers):
    assert _strait(load_dataset([layers / "main.yaml", layers / "extra.yaml"])) == (13, "extra", 32, 15, 2)


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (["o1"], (14, "o1", 32, 15, 2)),
        (["o1", "o2"], (15, "o2", 32, 15, 7)),
        (["o2", "o1"], (14, "o1", 32, 15, 7)),
        (["short_warning"], (3, "test fixture: short-warning override", 32, 15, 2)),  # defined in an imported file
    ],
)
def test_named_overrides_beat_files_in_order_given(layers, overrides, expected):
    ld = load_dataset([layers / "main.yaml", layers / "extra.yaml"], overrides=overrides)
    assert _strait(ld) == expected
    assert ld.overrides_applied == tuple(overrides)
    assert ld.available_overrides == ("o1", "o2", "short_warning")


def test_set_beats_everything_and_later_set_wins(layers):
    ld = load_dataset(
        [layers / "main.yaml", layers / "extra.yaml"],
        overrides=["o1", "o2"],
        sets=["scenarios.strait_invasion.warning_days=16", "scenarios.strait_invasion.warning_days=17"],
    )
    assert _strait(ld) == (17, "set on the command line: --set scenarios.strait_invasion.warning_days=17", 32, 15, 7)


def test_set_on_sourced_quantity_replaces_value_and_provenance(in_repo):
    ld = load_dataset([MINIMAL], sets=["bases.kadena.runways=3"])
    assert ld.raw["bases"]["kadena"]["runways"] == {
        "value": 3,
        "estimate": "set on the command line: --set bases.kadena.runways=3",
    }
    runways = ld.dataset.bases["kadena"].runways
    assert (runways.value, runways.source, runways.estimate) == (
        3,
        None,
        "set on the command line: --set bases.kadena.runways=3",
    )
    assert ld.lines[("bases", "kadena", "runways")] == Location("--set", 0)
    # the rest of the record keeps its citation
    assert ld.dataset.bases["kadena"].source == "test_manual"


def test_set_drops_range_but_keeps_confidence(in_repo):
    ld = load_dataset([MINIMAL], sets=["scenarios.strait_invasion.warning_days=25"])
    assert ld.raw["scenarios"]["strait_invasion"]["warning_days"] == {
        "value": 25,
        "estimate": "set on the command line: --set scenarios.strait_invasion.warning_days=25",
        "confidence": "notional",
    }


def test_set_plain_values_and_list_items(in_repo):
    ld = load_dataset(
        [MINIMAL],
        sets=["scenarios.strait_invasion.us_intervention=none", "scenarios.strait_invasion.phases.1.end_day=25"],
    )
    sc = ld.dataset.scenarios["strait_invasion"]
    assert (sc.us_intervention, sc.phases[1].end_day, sc.phases[1].estimate) == ("none", 25, "test fixture")
    assert ld.sets_applied == (
        "scenarios.strait_invasion.us_intervention=none",
        "scenarios.strait_invasion.phases.1.end_day=25",
    )


def _problems(*args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as info:
        load_dataset(*args, **kwargs)
    return [p.format() for p in info.value.problems]


@pytest.mark.parametrize(
    "assignment, expected",
    [
        (
            "scenarios.strait_invasion.warnin_days=3",
            "--set: scenarios.strait_invasion.warnin_days: unknown key 'warnin_days' — did you mean 'warning_days'? "
            "(see docs/reference/schema.md#scenario)",
        ),
        (
            "scenarioz.strait_invasion.warning_days=3",
            "--set: scenarioz: no such key in the dataset — did you mean 'scenarios'?",
        ),
        (
            "scenarios.strait_invasio.warning_days=3",
            "--set: scenarios.strait_invasio: no such key in the dataset — did you mean 'strait_invasion'?",
        ),
        (
            "scenarios.strait_invasion.phases.5=1",
            "--set: scenarios.strait_invasion.phases.5: index 5 is out of range (list has 2 items) — use an existing index",
        ),
        (
            "scenarios.strait_invasion.warning_days",
            "--set: scenarios.strait_invasion.warning_days: missing '=' — write --set dotted.path=value, e.g. "
            "--set scenarios.taiwan_base.warning_days=10",
        ),
        (
            "scenarios.strait_invasion.us_intervention=airsea",
            "--set: scenarios.strait_invasion.us_intervention: 'airsea' is not allowed — use one of: 'none', "
            "'supplies_only', 'air_sea', 'air_sea_ground' or 'escalation'",
        ),
    ],
)
def test_bad_set_is_reported_with_suggestion(in_repo, assignment, expected):
    assert _problems([MINIMAL], sets=[assignment]) == [expected]


def test_unknown_override_suggests_closest(in_repo):
    assert _problems([MINIMAL], overrides=["short_warnin"]) == [
        "--override: short_warnin: no override of that name — did you mean 'short_warning'?"
    ]


def test_provenance_records_files_overrides_and_sets(in_repo):
    ld = load_dataset([MINIMAL], overrides=["short_warning"], sets=["bases.kadena.runways=3"])
    assert ld.provenance() == {
        "as_of": None,  # the minimal test dataset states no date
        "files": MINIMAL_FILES,
        "overrides": ["short_warning"],
        "sets": ["bases.kadena.runways=3"],
        "data_sha256": ld.data_hash,
    }
    assert ld.dataset.scenarios["strait_invasion"].warning_days.value == 3
    assert ld.files == tuple(MINIMAL_FILES)
    plain = load_dataset([MINIMAL]).provenance()
    assert (plain["overrides"], plain["sets"]) == ([], [])


def test_data_hash_is_stable_and_tracks_values(in_repo, tmp_path):
    base = load_dataset([MINIMAL]).data_hash
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert load_dataset([MINIMAL]).data_hash == base
    # restating an unchanged value in another file, or loading from elsewhere, does not change the data
    same = _write(
        tmp_path / "same.yaml",
        f"""
        import: [{MINIMAL}]
        scenarios: {{strait_invasion: {{weight: {{value: 2, estimate: "test fixture"}}}}}}
        """,
    )
    assert load_dataset([same]).data_hash == base
    changed = {
        load_dataset([MINIMAL], sets=["scenarios.strait_invasion.weight=3"]).data_hash,
        load_dataset([MINIMAL], overrides=["short_warning"]).data_hash,
        load_dataset([MINIMAL], sets=["bases.kadena.lat_deg=26.36"]).data_hash,
    }
    assert len(changed) == 3 and base not in changed


def test_all_schema_problems_reported_together(in_repo):
    f = "tests/fixtures/three_schema_problems.yaml"
    assert _problems([FIXTURES / "three_schema_problems.yaml"]) == [
        f"{f}:5: actors.JPN.curency: unknown key 'curency' — did you mean 'currency'? (see docs/reference/schema.md#actor)",
        f"{f}:8: scenarios.strait_invasion.us_intervention: 'airsea' is not allowed — use one of: 'none', "
        "'supplies_only', 'air_sea', 'air_sea_ground' or 'escalation'",
        f"{f}:11: bases.guam.lat_deg: is 95, above the maximum (90.0) — use a value within range",
    ]


def test_all_consistency_problems_reported_together(in_repo):
    f = "tests/fixtures/three_check_problems.yaml"
    got = _problems([FIXTURES / "three_check_problems.yaml"])
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in got] == [
        f"{f}:5: scenarios.island_seizure.theatre",
        f"{f}:8: scenarios.island_seizure.phases[1].end_day",
        f"{f}:10: scenarios.island_seizure.reinforcements[0].arrival_day",
    ]


def test_file_level_problems_reported_together(in_repo, tmp_path):
    bad = _write(
        tmp_path / "two.yaml",
        """
        import:
          - nosuch_a.yaml
          - nosuch_b.yaml
        """,
    )
    other = _write(tmp_path / "dup.yaml", "a: 1\na: 2\n")
    got = _problems([bad, other])
    assert len(got) == 3
    assert ": import[0]: imported file 'nosuch_a.yaml' not found" in got[0]
    assert ": import[1]: imported file 'nosuch_b.yaml' not found" in got[1]
    assert got[2].endswith(
        "dup.yaml:2: a: duplicate key (first defined on line 1) — keep one definition; later copies would silently win"
    )
