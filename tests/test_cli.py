"""The command line, through the real entry point (`python -m positivesum.cli`), on the minimal fixture."""

from __future__ import annotations

import json
import math
import re

import pytest

from conftest import MINIMAL, run_cli, run_cli_in_process
from positivesum.model.loader import load_dataset

DATA = ["--data", "tests/fixtures/minimal/minimal.yaml"]
MINIMAL_FILES = [f"tests/fixtures/minimal/{n}.yaml" for n in ("actors", "forces", "scenarios", "minimal")]
KINDS = "scenarios, actors, bases, munitions, options, capability_classes, command_structures"


def _ok(proc):
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def _rejected(proc) -> list[str]:
    """Exit code 2, nothing on stdout, no traceback; return the problem lines."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == f"error: {len(lines) - 1} problem(s) in the input:"
    return lines[1:]


def test_validate_minimal_fixture(cli):
    out = " ".join(_ok(cli("validate", MINIMAL)).split())
    assert out.startswith("valid: 4 file(s) — 3 actors, 4 bases, 3 capability classes, 1 munitions, ")
    for count in ("1 command structures", "1 roles", "2 scenarios", "1 options", "1 sources", "7 force entries"):
        assert count in out


@pytest.mark.parametrize(
    "kind, ids, shown",
    [
        (
            "scenarios",
            ["strait_invasion", "island_seizure"],
            ["Strait invasion", "Island seizure", "supplies_only"],
        ),
        (
            "actors",
            ["USA", "JPN", "PRC"],
            ["United States", "Japan", "People's Republic of China"],
        ),
        ("bases", ["kadena", "yokosuka", "guam", "fuzhou"], ["Kadena Air Base", "Andersen AFB"]),
        ("munitions", ["type12"], ["Type 12 SSM", "anti_ship", "JPN:400, USA:100"]),
        ("options", ["more_missiles"], ["More anti-ship missiles", "missiles"]),
    ],
)
def test_list(cli, kind, ids, shown):
    table = _ok(cli("list", kind, *DATA))
    for text in ids + shown:
        assert text in table
    rows = json.loads(_ok(cli("list", kind, "--json", *DATA)))
    assert [r["id"] for r in rows] == ids


@pytest.mark.parametrize(
    "kind, fix",
    [
        (
            "widgets",
            f"known keys: actors, bases, capability_classes, command_structures, munitions, options, scenarios (one of: {KINDS})",
        ),
        ("scenario", f"did you mean 'scenarios'? (one of: {KINDS})"),
    ],
)
def test_list_unknown_kind(cli, kind, fix):
    assert _rejected(cli("list", kind, *DATA)) == [f"<command line>: kind: cannot list '{kind}' — {fix}"]


def _haversine(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6371.0088 * math.asin(math.sqrt(h)), 1)


def test_show_json_resolves_scenario(cli, in_repo):
    res = json.loads(_ok(cli("show", "strait_invasion", "--json", *DATA)))
    assert res["id"] == "strait_invasion"
    sc = res["scenario"]
    assert (sc["theatre"], sc["adversary"], sc["us_intervention"]) == ("taiwan_strait", "PRC", "air_sea")
    assert sc["name"] == {"en": "Strait invasion", "ja": "海峡侵攻"}
    assert sc["warning_days"] == {
        "value": 10.0,
        "low": 5.0,
        "high": 20.0,
        "estimate": "test fixture",
        "confidence": "notional",
    }
    assert list(sc["participants"]) == ["USA", "JPN", "PRC"]
    assert sc["reinforcements"][0]["origin"] == "guam" and sc["reinforcements"][0]["arrival_day"] == 3.0
    derived = res["derived"]
    assert derived["committed_forces"] == {
        "USA": {"destroyer": 1.5, "fighter": 3.0},
        "JPN": {"destroyer": 3.2, "fighter": 4.8},
        "PRC": {"amphib": 5.0, "fighter": 20.0},
    }
    # national decision + (link + node decision) along nca → hq → component
    assert derived["command_latency_hours"] == {"usa_air": 14.0, "jpn_air": 21.0, "prc_air": 7.5}
    assert derived["bases"]["kadena"]["distance_km"] == _haversine(26.35, 127.77, 24.0, 120.0)
    assert list(derived["bases"]) == ["fuzhou", "kadena", "yokosuka", "guam"]  # nearest first
    assert res["provenance"] == {
        "as_of": None,  # the minimal test dataset states no date
        "files": MINIMAL_FILES,
        "overrides": [],
        "sets": [],
        "data_sha256": load_dataset([MINIMAL]).data_hash,
    }


def test_show_reports_allied_access_to_restricted_host(cli):
    res = json.loads(_ok(cli("show", "island_seizure", "--json", *DATA)))
    assert res["scenario"]["basing_access"] == {"JPN": "restricted"}
    assert res["derived"]["bases"]["kadena"]["access"]["USA"] == "restricted"
    assert res["derived"]["bases"]["kadena"]["access"].get("JPN", "full") == "full"


def test_show_text(cli):
    out = _ok(cli("show", "island_seizure", *DATA))
    assert "island_seizure — Island seizure / 島嶼奪取" in out
    assert "Command latency to components (h): usa_air 14, jpn_air 21, prc_air 7.5" in out


def test_show_with_set_and_override(cli):
    res = json.loads(
        _ok(
            cli(
                "show",
                "strait_invasion",
                "--json",
                *DATA,
                "--set",
                "scenarios.strait_invasion.warning_days=12",
                "--set",
                "scenarios.strait_invasion.participants.USA.commitment=1",
            )
        )
    )
    assert res["scenario"]["warning_days"] == {
        "value": 12.0,
        "estimate": "set on the command line: --set scenarios.strait_invasion.warning_days=12",
        "confidence": "notional",
    }
    assert res["derived"]["committed_forces"]["USA"] == {"destroyer": 3.0, "fighter": 6.0}
    assert res["provenance"]["sets"] == [
        "scenarios.strait_invasion.warning_days=12",
        "scenarios.strait_invasion.participants.USA.commitment=1",
    ]
    res = json.loads(_ok(cli("show", "strait_invasion", "--json", *DATA, "--override", "short_warning")))
    assert res["scenario"]["warning_days"]["value"] == 3.0
    assert res["provenance"]["overrides"] == ["short_warning"]
    assert "Applied: overrides ['short_warning'], --set []" in _ok(
        cli("show", "strait_invasion", *DATA, "-o", "short_warning")
    )


@pytest.mark.parametrize(
    "name, fix",
    [
        ("nosuch", "known keys: island_seizure, strait_invasion (run `positivesum list scenarios`)"),
        ("strait_invasio", "did you mean 'strait_invasion'? (run `positivesum list scenarios`)"),
    ],
)
def test_show_unknown_scenario(cli, name, fix):
    assert _rejected(cli("show", name, *DATA)) == [
        f"<command line>: SCENARIO: no scenario '{name}' in the dataset — {fix}"
    ]


def test_show_bad_set_is_clean_error(cli):
    assert _rejected(cli("show", "strait_invasion", *DATA, "--set", "scenarios.strait_invasion.warnin_days=3")) == [
        # --set may add a key inside an existing mapping (issue 14), so a misspelt last key is an unknown key
        "--set: scenarios.strait_invasion.warnin_days: unknown key 'warnin_days' — did you mean 'warning_days'? "
        "(see docs/reference/schema.md#scenario)"
    ]


SCENARIO_DIFF = sorted(
    [
        "basing_access.JPN",
        "description",
        "duration_days.value",
        "fait_accompli_window_days.value",
        "name.en",
        "name.ja",
        "objective",
        "objective_troops_ashore",
        "participants.PRC.commitment.value",
        "participants.USA.commitment.value",
        "phases[0].end_day",
        "phases[0].name",
        "phases[0].start_day",
        "phases[1].end_day",
        "phases[1].name",
        "phases[1].start_day",
        "reinforcements[0].actor",
        "reinforcements[0].arrival_day",
        "reinforcements[0].capability",
        "reinforcements[0].count",
        "reinforcements[0].origin",
        "theatre",
        "us_intervention",
        "warning_days.confidence",
        "warning_days.high",
        "warning_days.low",
        "warning_days.value",
        "weight.value",
    ]
)


def test_diff_two_scenarios(cli):
    res = json.loads(_ok(cli("diff", "strait_invasion", "island_seizure", "--json", *DATA)))
    assert (res["comparing"], res["a"], res["b"]) == ("scenarios", "strait_invasion", "island_seizure")
    assert sorted(c["path"] for c in res["changes"]) == SCENARIO_DIFF
    by_path = {c["path"]: c for c in res["changes"]}
    assert by_path["theatre"] == {
        "path": "theatre",
        "kind": "changed",
        "before": "taiwan_strait",
        "after": "east_china_sea",
    }
    assert (by_path["weight.value"]["before"], by_path["weight.value"]["after"]) == (2.0, 1.0)
    table = _ok(cli("diff", "strait_invasion", "island_seizure", *DATA))
    assert "28 difference(s): strait_invasion → island_seizure" in table
    for path in SCENARIO_DIFF:
        assert path in table


def test_diff_two_dataset_files(cli, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(
        f"import: [{MINIMAL}]\nscenarios:\n  strait_invasion:\n"
        '    warning_days: {value: 12, low: 5, high: 20, estimate: "test fixture", confidence: notional}\n'
        "theatres:\n  okinawa: {name: {en: Okinawa, ja: 沖縄}, lat_deg: 26.5, lon_deg: 128, estimate: x}\n",
        encoding="utf-8",
    )
    res = json.loads(_ok(cli("diff", MINIMAL, other, "--json")))
    assert res["comparing"] == "datasets"
    assert [(c["path"], c["kind"]) for c in res["changes"]] == [
        ("scenarios.strait_invasion.warning_days.value", "changed"),
        ("theatres.okinawa", "added"),
    ]
    assert (res["changes"][0]["before"], res["changes"][0]["after"]) == (10.0, 12.0)
    assert "No differences between datasets" in _ok(cli("diff", MINIMAL, MINIMAL))


def test_diff_unknown_names(cli):
    assert _rejected(cli("diff", "strait_invasion", "island_seizur", *DATA)) == [
        "<command line>: island_seizur: 'island_seizur' is neither a file nor a scenario id — did you mean "
        "'island_seizure'? (pass two scenario ids or two dataset files)"
    ]


def _new(cli, tmp_path, name="my_scn", *extra):
    target = tmp_path / "tmp" / "x.yaml"
    return target, cli("new", "scenario", name, "--from", "strait_invasion", "--out", target, *extra)


def test_new_scenario_writes_commented_yaml(cli, tmp_path):
    target, proc = _new(cli, tmp_path, "my_scn", *DATA)
    assert _ok(proc).strip() == f"wrote {target} — edit it, then run: positivesum validate {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Scenario 'my_scn', copied from 'strait_invasion' by positivesum ")
    assert sum(1 for ln in text.splitlines() if ln.lstrip().startswith("#")) >= 10
    assert "    # Strategic warning before hostilities begin.\n" in text
    assert "import: [positivesum:default]" in text and "\n  my_scn:\n" in text
    # an existing file is not overwritten without --force
    _, again = _new(cli, tmp_path, "my_scn", *DATA)
    assert _rejected(again) == [
        f"<command line>: --out: '{target}' already exists — choose another file name, or pass --force to replace it"
    ]


def test_new_scenario_round_trip(cli, tmp_path):
    target, proc = _new(cli, tmp_path, "my_scn", *DATA)
    _ok(proc)
    text = target.read_text(encoding="utf-8").replace("import: [positivesum:default]", f"import: [{MINIMAL}]")
    target.write_text(text, encoding="utf-8")
    assert _ok(cli("validate", target)).startswith("valid: 5 file(s) — 3 actors")
    assert json.loads(_ok(cli("diff", "strait_invasion", "my_scn", "--json", "--data", target)))["changes"] == []


def test_new_scenario_on_default_data(cli, tmp_path):
    if cli("list", "scenarios").returncode != 0:
        pytest.skip("the packaged default dataset (src/positivesum/data/default.yaml) does not load yet")
    default_ids = json.loads(_ok(cli("list", "scenarios", "--json")))
    target = tmp_path / "copy.yaml"
    _ok(cli("new", "scenario", "copy_of_first", "--from", default_ids[0]["id"], "--out", target))
    assert _ok(cli("validate", target)).startswith("valid: ")


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["strait_invasion"],
            "<command line>: NAME: scenario 'strait_invasion' already exists — choose another name, or "
            "edit that scenario's file",
        ),
        (
            ["bad name!"],
            "<command line>: NAME: 'bad name!' is not a valid id — use letters, digits, '_' and '-', starting with a letter",
        ),
    ],
)
def test_new_scenario_rejects_bad_names(cli, tmp_path, args, line):
    target, proc = _new(cli, tmp_path, args[0], *DATA)
    assert _rejected(proc) == [line]
    assert not target.exists()


def test_new_scenario_unknown_source(cli, tmp_path):
    proc = cli("new", "scenario", "x", "--from", "strait_invasio", "--out", tmp_path / "x.yaml", *DATA)
    assert _rejected(proc) == [
        "<command line>: SCENARIO: no scenario 'strait_invasio' in the dataset — did you mean "
        "'strait_invasion'? (run `positivesum list scenarios`)"
    ]


def _commands(cli, *group) -> list[str]:
    text = _ok(cli(*group, "--help"))
    return re.findall(r"^  ([a-z][a-z_-]*)\s", text.split("Commands:", 1)[1], flags=re.M)


@pytest.mark.slow  # one interpreter per command: 30–55 s (docs/testing.md)
def test_help_of_every_command(cli):
    top = _commands(cli)
    assert {"validate", "list", "show", "diff", "new", "demo", "version"} <= set(top)
    commands = [[c] for c in top] + [["new", c] for c in _commands(cli, "new")]
    assert ["new", "scenario"] in commands
    # in this process (a fresh interpreter per command cost ~40 s of the suite); `_commands` read the list
    # through the real entry point, and the same app answers here
    for cmd in commands:
        out = _ok(run_cli_in_process(*cmd, "--help"))
        assert out.startswith("Usage: ") and " ".join(cmd) in out.splitlines()[0], cmd


def test_simulate_json_on_stdout():
    import json as _json

    r = run_cli("simulate", "taiwan_base", "--reps", "20", "--seed", "3", "--json")
    assert r.returncode == 0, r.stderr
    summary = _json.loads(r.stdout)
    assert summary["meta"]["seed"] == 3 and summary["meta"]["replications"] == 20
