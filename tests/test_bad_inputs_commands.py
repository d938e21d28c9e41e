"""Bad input to every command, through the real CLI: one case per row, each refused before any work.

The data-file corpus (tests/bad_inputs/*.yaml, run through `validate`) is in test_bad_inputs.py; this
module covers what reaches the other commands: options (replications, seeds, workers, output paths, cache
folders, actors, regimes, splits, budgets, rules…), ``--data``/``--override``/``--set``, and data files
given to commands other than `validate`. Every case must end with exit code 2 and one message
``where: key: what — how to fix`` (``<command line>: --option: …`` for options, ``file:line: key.path: …``
for files), no traceback, no "internal error", nothing on stdout and nothing written: each case runs in a
workspace of its own (a regular file, an empty folder, a binary and an empty file), which must be exactly
as it was afterwards. Limits: docs/reference/limits.md.

Cases that need the planning section use tests/fixtures/minimal_planning.yaml (the minimal fixture plus
budgets): they fail before any planning, so they take as long as loading a small file. Surrogate cache
files that cannot be used are not errors: they are discarded with a warning and refitted (last tests).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_cli_in_process

MIN = "tests/fixtures/minimal/minimal.yaml"
PLAN = "tests/fixtures/minimal_planning.yaml"
CL = "<command line>"
WS = "{ws}"  # replaced by the case's own workspace folder
DEEP_VALUE = "[" * 10_000 + "]" * 10_000
GLOVE = "docs/examples/games/glove_game.yaml"

# (id, command line, where the problem is reported, key, fragment of "what")
# ``where`` is "<command line>", "--set"/"--override", or "FILE:LINE" / "FILE" for files.
CASES: list[tuple[str, list[str], str, str, str]] = [
    # --- replications, seeds, workers: every command that has them ---
    ("simulate-reps-0", ["simulate", "strait_invasion", "-d", MIN, "-n", "0"], CL, "--reps", "must be at least 1"),
    (
        "simulate-reps-huge",
        ["simulate", "strait_invasion", "-d", MIN, "--reps", "2000000"],
        CL,
        "--reps",
        "2,000,000 replications exceed the limit of 1,000,000",
    ),
    (
        "simulate-seed-huge",
        ["simulate", "strait_invasion", "-d", MIN, "--seed", str(2**63)],
        CL,
        "--seed",
        "must be between 0 and 2^63 − 1",
    ),
    (
        "simulate-workers-negative",
        ["simulate", "strait_invasion", "-d", MIN, "--workers", "-1"],
        CL,
        "--workers",
        "got -1",
    ),
    ("demo-plan-reps", ["demo", "-d", MIN, "--plan-reps", "-1", "--out", f"{WS}/d"], CL, "--plan-reps", "got -1"),
    (
        "report-alliance-reps",
        ["report", "-d", MIN, "--alliance-reps", "-2", "--out", f"{WS}/r"],
        CL,
        "--alliance-reps",
        "got -2",
    ),
    ("plan-reps-0", ["plan", "-d", PLAN, "--reps", "0"], CL, "--reps", "must be at least 1"),
    ("compare-seed", ["compare-regimes", "--seed", "9" * 23], CL, "--seed", "must be between"),
    ("compare-margin-reps", ["compare-regimes", "--margin-reps", "-3"], CL, "--margin-reps", "got -3"),
    ("fair-shares-reps-0", ["fair-shares", "-d", PLAN, "--reps", "0"], CL, "--reps", "must be at least 1"),
    ("intervention-seed", ["intervention-matrix", "-d", PLAN, "--seed", "-5"], CL, "--seed", "got -5"),
    ("roles-seed", ["roles", "-d", PLAN, "--seed", "-1"], CL, "--seed", "got -1"),
    ("command-reps-0", ["command-structures", "-d", MIN, "--reps", "0"], CL, "--reps", "must be at least 1"),
    # --- --out: an existing folder, a path under a regular file, a file for a folder ---
    ("simulate-out-dir", ["simulate", "strait_invasion", "--out", f"{WS}/dir"], CL, "--out", "is a directory"),
    ("plan-out-dir", ["plan", "-d", PLAN, "--out", f"{WS}/dir"], CL, "--out", "is a directory"),
    ("compare-out-under-file", ["compare-regimes", "--out", f"{WS}/file.txt/x.json"], CL, "--out", "is a file, so"),
    ("allocate-out-dir", ["allocate", GLOVE, "--out", f"{WS}/dir"], CL, "--out", "is a directory"),
    ("fair-shares-out-dir", ["fair-shares", "-d", PLAN, "--out", f"{WS}/dir"], CL, "--out", "is a directory"),
    (
        "intervention-out-under-file",
        ["intervention-matrix", "-d", PLAN, "--out", f"{WS}/file.txt/i.json"],
        CL,
        "--out",
        "is a file, so",
    ),
    ("roles-out-dir", ["roles", "-d", PLAN, "--out", f"{WS}/dir"], CL, "--out", "is a directory"),
    (
        "command-out-under-file",
        ["command-structures", "-d", MIN, "--out", f"{WS}/file.txt/c.json"],
        CL,
        "--out",
        "is a file, so",
    ),
    ("report-out-file", ["report", "-d", MIN, "--out", f"{WS}/file.txt"], CL, "--out", "is a file, not a folder"),
    ("demo-out-file", ["demo", "--out", f"{WS}/file.txt"], CL, "--out", "is a file, not a folder"),
    (
        "new-scenario-out-dir",
        ["new", "scenario", "mine", "--from", "strait_invasion", "-d", MIN, "--out", f"{WS}/dir"],
        CL,
        "--out",
        "is a directory",
    ),
    (
        "new-scenario-out-under-file",
        ["new", "scenario", "mine", "--from", "strait_invasion", "-d", MIN, "--out", f"{WS}/file.txt/m.yaml"],
        CL,
        "--out",
        "is a file, so",
    ),
    # --- --cache-dir pointing at a file ---
    ("plan-cache-file", ["plan", "--cache-dir", f"{WS}/file.txt"], CL, "--cache-dir", "is a file, not a folder"),
    ("fair-shares-cache-file", ["fair-shares", "--cache-dir", f"{WS}/file.txt"], CL, "--cache-dir", "is a file"),
    (
        "report-cache-file",
        ["report", "--cache-dir", f"{WS}/file.txt", "--out", f"{WS}/r"],
        CL,
        "--cache-dir",
        "is a file",
    ),
    # --- names and values of the planning and alliance options ---
    (
        "plan-split-unknown-actor",
        ["plan", "-d", PLAN, "--regime", "negotiated", "--split", "XXX=0.5,JPN=0.5"],
        CL,
        "--split",
        "'XXX' is not an actor with a planning budget",
    ),
    (
        "plan-split-nan",
        ["plan", "-d", PLAN, "--regime", "negotiated", "--split", "USA=nan,JPN=0.4"],
        CL,
        "--split",
        "shares must be finite numbers",
    ),
    (
        "compare-split-sum",
        ["compare-regimes", "-d", PLAN, "--split", "USA=0.7,JPN=0.7"],
        CL,
        "--split",
        "shares sum to 1.4",
    ),
    ("plan-budget-malformed", ["plan", "-d", PLAN, "--target", "JPN=1.2.3%@2035"], CL, "--target", "cannot read"),
    (
        "plan-budget-year-before-data",
        ["plan", "-d", PLAN, "--target", "JPN=0.03@2020"],
        CL,
        "--target",
        "target year 2020 is outside the years the data can plan for",
    ),
    ("plan-regime-typo", ["plan", "-d", PLAN, "--regime", "jointt"], CL, "--regime", "unknown regime 'jointt'"),
    (
        "plan-receiver-unknown",
        ["plan", "-d", PLAN, "--regime", "cost-transfer", "--receiver", "XXX"],
        CL,
        "--receiver",
        "no planning actor 'XXX'",
    ),
    ("fair-shares-players-unknown", ["fair-shares", "-d", PLAN, "--players", "USA,XXX"], CL, "--players", "'XXX'"),
    ("fair-shares-players-twice", ["fair-shares", "-d", PLAN, "--players", "USA,USA"], CL, "--players", "twice"),
    ("roles-primary-share-nan", ["roles", "-d", PLAN, "--primary-share", "nan"], CL, "--primary-share", "nan is"),
    ("roles-primary-share-2", ["roles", "-d", PLAN, "--primary-share", "2"], CL, "--primary-share", "2 is not"),
    ("roles-baseline", ["roles", "-d", PLAN, "--baseline", "xx"], CL, "--baseline", "no roles matrix 'xx'"),
    ("intervention-scenario", ["intervention-matrix", "-d", PLAN], CL, "--scenario", "no scenario 'taiwan_base'"),
    (
        "intervention-actor",
        ["intervention-matrix", "-d", PLAN, "--scenario", "strait_invasion", "--actor", "PRC"],
        CL,
        "--actor",
        "no planning actor 'PRC'",
    ),
    ("command-structure", ["command-structures", "-d", MIN, "--structure", "xx"], CL, "--structure", "'xx'"),
    ("report-scenario", ["report", "-d", MIN, "--scenario", "xx", "--out", f"{WS}/r"], CL, "--scenario", "'xx'"),
    ("report-lang", ["report", "-d", MIN, "--lang", "fr", "--out", f"{WS}/r"], CL, "--lang", "unknown language"),
    ("allocate-rule", ["allocate", GLOVE, "--rule", "xx"], CL, "--rule", "rule 'xx' does not apply"),
    ("allocate-check-malformed", ["allocate", GLOVE, "--rule", "core", "--check", "L=1,R1"], CL, "--check", "'R1'"),
    (
        "allocate-check-nan",
        ["allocate", GLOVE, "--rule", "core", "--check", "L=nan,R1=0,R2=0"],
        CL,
        "--check",
        "is not a finite number",
    ),
    # --- --override and --set ---
    (
        "simulate-override",
        ["simulate", "strait_invasion", "-d", MIN, "--override", "nosuch"],
        "--override",
        "nosuch",
        "",
    ),
    (
        "simulate-set-unknown-path",
        ["simulate", "strait_invasion", "-d", MIN, "--set", "scenarioz.x=1"],
        "--set",
        "scenarioz",
        "no such key",
    ),
    (
        "show-set-wrong-type",
        ["show", "strait_invasion", "-d", MIN, "--set", "scenarios.strait_invasion.warning_days=ten"],
        "--set",
        "scenarios.strait_invasion.warning_days.value",
        "expected a number, got 'ten'",
    ),
    (
        "simulate-set-nan",
        ["simulate", "strait_invasion", "-d", MIN, "--set", "scenarios.strait_invasion.warning_days=nan"],
        "--set",
        "scenarios.strait_invasion.warning_days.value",
        "is not a finite number",
    ),
    (
        "compare-set-inf",
        ["compare-regimes", "-d", PLAN, "--set", "planning.horizon_years=inf"],
        "--set",
        "planning.horizon_years.value",
        "is not a finite number",
    ),
    (
        "fair-shares-set-huge",
        ["fair-shares", "-d", PLAN, "--set", "planning.surrogate_replications=1e15"],
        "--set",
        "planning.surrogate_replications.value",
        "1e+15 is beyond ±1e+12",
    ),
    (
        "simulate-set-duration",
        ["simulate", "strait_invasion", "-d", MIN, "--set", "scenarios.strait_invasion.duration_days=5000"],
        "--set",
        "scenarios.strait_invasion.duration_days.value",
        "5000 days exceed the limit of 730 days",
    ),
    (
        "show-set-deep-nesting",
        ["show", "strait_invasion", "-d", MIN, "--set", f"scenarios.strait_invasion.description={DEEP_VALUE}"],
        "--set",
        "scenarios.strait_invasion.description",
        "nested more than 50 levels deep",
    ),
    # --- --data: a folder, a missing, binary or empty file, and bad files given to other commands ---
    ("simulate-data-dir", ["simulate", "strait_invasion", "-d", f"{WS}/dir"], f"{WS}/dir", "(document)", "director"),
    ("plan-data-missing", ["plan", "-d", f"{WS}/nosuch.yaml"], f"{WS}/nosuch.yaml", "(document)", "file not found"),
    (
        "fair-shares-data-binary",
        ["fair-shares", "-d", f"{WS}/binary.yaml"],
        f"{WS}/binary.yaml:1",
        "(document)",
        "UTF-8",
    ),
    ("report-data-empty", ["report", "-d", f"{WS}/empty.yaml"], f"{WS}/empty.yaml:1", "(document)", "file is empty"),
    (
        "command-data-deep-nesting",
        ["command-structures", "-d", "tests/bad_inputs/deep_nesting_lists.yaml"],
        "tests/bad_inputs/deep_nesting_lists.yaml:3",
        "(document)",
        "nested more than 50 levels deep",
    ),
    (
        "demo-data-huge-count",
        ["demo", "-d", "tests/bad_inputs/huge_force_count.yaml", "--out", f"{WS}/demo"],
        "tests/bad_inputs/huge_force_count.yaml:6",
        "forces.JPN.fighter.kadena.value",
        "1e+30 is beyond ±1e+12",
    ),
    (
        "diff-data-inf",
        ["diff", "strait_invasion", "island_seizure", "-d", "tests/bad_inputs/inf_duration.yaml"],
        "tests/bad_inputs/inf_duration.yaml:5",
        "scenarios.strait_invasion.duration_days.value",
        "inf is not a finite number",
    ),
    (
        "list-data-deep-mappings",
        ["list", "scenarios", "-d", "tests/bad_inputs/deep_nesting_mappings.yaml"],
        "tests/bad_inputs/deep_nesting_mappings.yaml:53",
        "(document)",
        "nested more than 50 levels deep",
    ),
    # --- game files (allocate) ---
    ("allocate-game-dir", ["allocate", f"{WS}/dir"], f"{WS}/dir", "(document)", "is a directory"),
    ("allocate-game-deep-json", ["allocate", f"{WS}/deep.json"], f"{WS}/deep.json:1", "(document)", "50 levels"),
    ("allocate-game-nan", ["allocate", f"{WS}/nan_game.yaml"], f"{WS}/nan_game.yaml:4", "values[0].value", "nan is"),
]

IDS = [c[0] for c in CASES]


def _workspace(path: Path) -> Path:
    """The furniture every case may point at: a regular file, an empty folder, a binary and an empty file,
    and two bad game files."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "file.txt").write_text("keep me\n", encoding="utf-8")
    (path / "dir").mkdir()
    (path / "binary.yaml").write_bytes(b"\x00\x01\x02\xff\xfe binary")
    (path / "empty.yaml").write_text("", encoding="utf-8")
    (path / "deep.json").write_text('{"type": "tabular", "players": ' + DEEP_VALUE + "}", encoding="utf-8")
    (path / "nan_game.yaml").write_text(
        "type: tabular\nplayers: [A, B]\nvalues:\n  - {coalition: [A], value: .nan}\n"
        "  - {coalition: [B], value: 0}\n  - {coalition: [A, B], value: 1}\n",
        encoding="utf-8",
    )
    return path


def _snapshot(path: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``path``."""
    return {p.relative_to(path).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(path.rglob("*"))}


def _run_cases(root: Path, case_ids, runner) -> dict[str, tuple]:
    out = {}
    for case_id, args, *_ in CASES:
        if case_id not in case_ids:
            continue
        ws = _workspace(root / case_id)
        before = _snapshot(ws)
        proc = runner(*[a.replace(WS, str(ws)) for a in args])
        out[case_id] = (proc, ws, before, _snapshot(ws))
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, tuple]:
    """Run every case once in this process, each in its own workspace: {id: (process, workspace, before, after)}.
    In-process, because a fresh interpreter per case cost about 3 minutes of the suite;
    ``test_the_real_entry_point_answers_as_the_app_does`` runs a sample through the real entry point."""
    return _run_cases(tmp_path_factory.mktemp("bad-commands"), set(IDS), run_cli_in_process)


#: One case per kind of problem (an option, an output path, a cache folder, a regime argument, --set, a data
#: file, a game file), run again through a fresh interpreter (``python -m positivesum.cli``).
REAL_ENTRY_SAMPLE = (
    "simulate-reps-0",
    "report-out-file",
    "plan-cache-file",
    "plan-split-nan",
    "compare-set-inf",
    "fair-shares-data-binary",
    "allocate-game-deep-json",
)


def test_the_real_entry_point_answers_as_the_app_does(results, tmp_path):
    sample = list(REAL_ENTRY_SAMPLE)
    real = _run_cases(tmp_path, set(sample), run_cli)
    for case_id in sample:
        proc, ws, before, after = real[case_id]
        inproc, ws_in, _, _ = results[case_id]
        assert proc.returncode == inproc.returncode == 2, (case_id, proc.stderr)
        assert proc.stdout == inproc.stdout
        assert proc.stderr.replace(str(ws), "{ws}") == inproc.stderr.replace(str(ws_in), "{ws}"), case_id
        assert after == before


def test_the_corpus_is_large_and_spans_every_command():
    commands = {args[0] for _, args, *_ in CASES}
    assert commands >= {
        "simulate",
        "demo",
        "report",
        "plan",
        "compare-regimes",
        "allocate",
        "fair-shares",
        "intervention-matrix",
        "roles",
        "command-structures",
        "new",
        "show",
        "diff",
        "list",
    }
    assert len(IDS) == len(set(IDS)) >= 60


@pytest.mark.parametrize("case_id, args, where, key, fragment", CASES, ids=IDS)
def test_bad_input_is_refused_before_any_work(results, case_id, args, where, key, fragment):
    proc, ws, before, after = results[case_id]
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.stdout == "", proc.stdout
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[0].endswith(" problem(s) in the input:"), proc.stderr
    where = where.replace(WS, str(ws))
    wanted = [ln for ln in lines[1:] if ln.split(": ", 1)[0] in (where, f"{REPO}/{where}")]
    assert wanted, f"no problem reported at {where}:\n{proc.stderr}"
    line = wanted[0]
    rest = line[len(line.split(": ", 1)[0]) + 2 :]
    if key:
        assert rest.startswith(f"{key}: "), line
    assert fragment in rest, line
    assert " — " in rest, "every message says how to fix it"
    assert after == before, "nothing is written, and files that were there are untouched"


# --- surrogate cache files that cannot be used: discarded with a warning, refitted, rewritten whole ---------


@pytest.fixture(scope="module")
def packaged():
    """The packaged dataset, loaded once."""
    from positivesum.model.loader import load_dataset

    return load_dataset(None)


def test_truncated_cache_file_is_discarded_with_a_warning_and_rewritten(tmp_path, packaged):
    """A real (small) planning run: one weighted scenario, a 3-year plan, one replication per simulation."""
    from positivesum.model.loader import load_dataset
    from positivesum.services.plan import cache_path

    sets = ["planning.surrogate_replications=1", "planning.horizon_years=3"]
    sets += [f"scenarios.{s}.weight.value=0" for s in packaged.dataset.scenarios if s != "taiwan_base"]
    cache = cache_path(load_dataset(None, None, sets), 20260101, tmp_path / "cache")
    cache.parent.mkdir()
    cache.write_text('{"scenarios": ["taiwan_base"], "areas": [', encoding="utf-8")
    options = [x for s in sets for x in ("--set", s)]
    proc = run_cli("plan", "--reps", "1", "--cache-dir", cache.parent, *options, "--json", "--quiet", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert f"warning: discarded the surrogate cache file {cache}: it is not valid JSON" in " ".join(proc.stderr.split())
    notes = [n for n in json.loads(proc.stdout)["notes"] if n.startswith("discarded the surrogate cache file")]
    assert len(notes) == 1 and str(cache) in notes[0]
    assert json.loads(cache.read_text(encoding="utf-8"))["scenarios"] == ["taiwan_base"]  # rewritten whole
    assert [p.name for p in cache.parent.iterdir()] == [cache.name], "no temporary file left behind"


@pytest.mark.parametrize(
    "name, content, why",
    [
        ("truncated", '{"scenarios": ["taiwan_base"', "not valid JSON"),
        ("binary", b"\xff\xfe\x00garbage", "not valid JSON"),
        ("empty", "", "not valid JSON"),
        ("list", "[1, 2, 3]", "cannot be read"),
        ("missing-keys", '{"scenarios": []}', "cannot be read"),
        (
            "garbage-structure",
            '{"scenarios": 1, "areas": 2, "levels": "x", "base": 3, "values": 4, "points": 5, "reps": 6, "seed": 7}',
            "cannot be read",
        ),
        ("nan-values", None, "do not match its levels"),
        ("other-seed", None, "differ from this run's"),
    ],
)
def test_read_cache_discards_what_it_cannot_use(tmp_path, packaged, name, content, why):
    from conftest import synthetic_surrogate
    from positivesum.services.plan import read_cache

    path = tmp_path / "surrogate-x.json"
    if content is None:
        data = synthetic_surrogate(packaged.dataset).to_dict()
        if name == "nan-values":
            data["values"][data["scenarios"][0]][data["areas"][0]][1] = math.nan
        else:
            data["seed"] = 1
        content = json.dumps(data)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    surrogate, note = read_cache(path, packaged, 20260101)
    assert surrogate is None
    assert note.startswith(f"discarded the surrogate cache file {path}: ") and why in note, note
    path.write_text(json.dumps(synthetic_surrogate(packaged.dataset).to_dict()), encoding="utf-8")
    assert read_cache(path, packaged, 20260101)[0] is not None, "a whole cache file for this data and seed is used"
