"""Bad designs and options for `sensitivity` and `sweep`, through the real CLI (style of
tests/test_bad_inputs_commands.py): exit code 2, one ``where: key: what — fix`` message, no traceback, nothing on
stdout and nothing written (the workspace is unchanged, no --out file appears)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, run_cli, run_cli_in_process

BAD = "tests/sensitivity/bad_designs"
CL = "<command line>"
WS = "{ws}"

# (id, command line, where, key, fragment of "what")
CASES: list[tuple[str, list[str], str, str, str]] = [
    (
        "sweep-unknown-path",
        ["sweep", f"{BAD}/unknown_path.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/unknown_path.yaml:5",
        "factorial.scenarios.taiwan_base.warnin_days",
        "level 3: unknown key 'warnin_days'",
    ),
    (
        "sweep-range-outside-bounds",
        ["sweep", f"{BAD}/range_outside_bounds.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/range_outside_bounds.yaml:7",
        "latin_hypercube.factors.engine.missile_reliability",
        "the range [0.5, 1.3] leaves the field's bounds at 1.3",
    ),
    ("sweep-zero-runs", ["sweep", f"{BAD}/zero_runs.yaml"], f"{BAD}/zero_runs.yaml:3", "points", "zero runs"),
    (
        "sweep-zero-samples",
        ["sweep", f"{BAD}/zero_samples.yaml"],
        f"{BAD}/zero_samples.yaml:4",
        "latin_hypercube.samples",
        "zero runs",
    ),
    (
        "sweep-unknown-scenario",
        ["sweep", f"{BAD}/unknown_scenario.yaml"],
        f"{BAD}/unknown_scenario.yaml:2",
        "scenario",
        "no scenario 'taiwan_bse'",
    ),
    (
        "sweep-unknown-run",
        ["sweep", f"{BAD}/plan_unknown_run.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/plan_unknown_run.yaml:3",
        "run",
        "unknown run 'optimise'",
    ),
    (
        "sweep-plan-bad-regime",
        ["sweep", f"{BAD}/plan_bad_regime.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/plan_bad_regime.yaml:4",
        "plan.regime",
        "unknown regime 'jointt'",
    ),
    (
        "sweep-plan-block-without-run-plan",
        ["sweep", f"{BAD}/plan_block_without_run.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/plan_block_without_run.yaml:4",
        "plan",
        "a `plan:` block needs `run: plan`",
    ),
    (
        "sweep-plan-negotiated-without-split",
        ["sweep", f"{BAD}/plan_negotiated_without_split.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/plan_negotiated_without_split.yaml:3",
        "plan.regime",
        "the negotiated regime needs a split",
    ),
    (
        "sweep-plan-with-replications",
        ["sweep", f"{BAD}/plan_with_replications.yaml", "--out", f"{WS}/t.csv"],
        f"{BAD}/plan_with_replications.yaml:3",
        "replications",
        "a planning sweep (run: plan) does not read this key",
    ),
    (
        "sweep-plan-without-planning-data",
        [
            "sweep",
            f"{BAD}/plan_without_planning_data.yaml",
            "--data",
            "tests/fixtures/minimal/minimal.yaml",
            "--out",
            f"{WS}/t.csv",
        ],
        f"{BAD}/plan_without_planning_data.yaml:3",
        "run",
        "a planning sweep needs planning data: the dataset has no `planning:` section",
    ),
    (
        "sweep-plan-bad-cache-dir",
        ["sweep", f"{BAD}/plan_bad_regime.yaml", "--cache-dir", f"{WS}/keep.txt", "--out", f"{WS}/t.csv"],
        CL,
        "--cache-dir",
        "is a file, not a folder",
    ),
    (
        "sensitivity-unreachable-scheduler",
        [
            "sensitivity",
            "taiwan_base",
            "--factors",
            "scenario.warning_days",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            f"{WS}/s.nc",
        ],
        CL,
        "--scheduler",
        "cannot reach a Dask scheduler at tcp://127.0.0.1:9",
    ),
    (
        "sensitivity-bad-scheduler-address",
        ["sensitivity", "taiwan_base", "--scheduler", "localhost"],
        CL,
        "--scheduler",
        "is not a Dask scheduler address",
    ),
    (
        "sensitivity-zero-trajectories",
        ["sensitivity", "taiwan_base", "--trajectories", "0"],
        CL,
        "--trajectories",
        "got 0",
    ),
    (
        "sensitivity-samples-not-power-of-two",
        ["sensitivity", "taiwan_base", "--method", "sobol", "--samples", "100"],
        CL,
        "--samples",
        "100 is not a power of two",
    ),
    (
        "sensitivity-unknown-factor",
        ["sensitivity", "taiwan_base", "--factors", "effectivenes.*", "--out", f"{WS}/s.nc"],
        CL,
        "--factors",
        "'effectivenes.*' matches no ranged quantity of taiwan_base",
    ),
    (
        "sensitivity-range-outside-bounds",
        ["sensitivity", "taiwan_base", "--range", "engine.missile_reliability=0.5:1.5", "--out", f"{WS}/s.nc"],
        CL,
        "--range",
        "engine.missile_reliability: 1.5 is outside what engine.missile_reliability accepts",
    ),
    (
        "sensitivity-bad-failure",
        ["sensitivity", "taiwan_base", "--failure", "victory>0.2"],
        CL,
        "--failure",
        "no measure 'victory'",
    ),
    (
        "sensitivity-workers-and-scheduler",
        ["sensitivity", "taiwan_base", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"],
        CL,
        "--workers",
        "give one of them",
    ),
]


def _snapshot(path: Path) -> dict[str, bytes | None]:
    return {p.relative_to(path).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(path.rglob("*"))}


def _run(case, root: Path, runner=run_cli_in_process):
    name, args, *_ = case
    ws = root / name
    ws.mkdir()
    (ws / "keep.txt").write_text("keep me\n", encoding="utf-8")
    before = _snapshot(ws)
    proc = runner(*[a.replace(WS, str(ws)) for a in args])
    return proc, before, _snapshot(ws), ws


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case once, in this process (a fresh interpreter per case cost ~40 s of the suite); a sample goes
    through the real entry point in ``test_the_real_entry_point_answers_as_the_app_does``."""
    root = tmp_path_factory.mktemp("bad_designs")
    return {c[0]: _run(c, root) for c in CASES}


#: A design file, a plan sweep and a sensitivity option, run again in a fresh interpreter.
REAL_ENTRY_SAMPLE = ("sweep-unknown-path", "sweep-plan-bad-regime", "sensitivity-zero-trajectories")


def test_the_real_entry_point_answers_as_the_app_does(outcomes, tmp_path):
    for case in [c for c in CASES if c[0] in REAL_ENTRY_SAMPLE]:
        proc, before, after, ws = _run(case, tmp_path, lambda *a: run_cli(*a, timeout=60))
        mine, _, _, ws_in = outcomes[case[0]]
        assert proc.returncode == mine.returncode == 2, proc.stderr
        assert proc.stdout == mine.stdout
        assert proc.stderr.replace(str(ws), WS) == mine.stderr.replace(str(ws_in), WS), case[0]
        assert after == before


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_design_is_refused_cleanly(case, outcomes):
    name, _args, where, key, what = case
    proc, before, after, _ws = outcomes[name]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stdout == ""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("error: 1 problem(s)"), proc.stderr
    assert lines[1].startswith(f"{where}: {key}: "), proc.stderr
    assert what in lines[1] and " — " in lines[1], proc.stderr
    assert before == after, "nothing may be written"


def test_bad_design_files_are_where_the_cases_say():
    named = {a.split("/")[-1] for _, args, *_ in CASES for a in args if a.startswith(BAD)}
    assert named and all((REPO / BAD / f).is_file() for f in named)
