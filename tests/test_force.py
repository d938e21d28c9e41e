"""Every command that writes refuses to replace an existing output without --force, before any work."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, REPO, run_cli

GAME = REPO / "docs" / "examples" / "games" / "base_hardening_airport.yaml"
COMMANDS = {
    "simulate": ("simulate", "strait_invasion", "--data", MINIMAL, "--reps", "5", "--out", "{out}"),
    "plan": ("plan", "--out", "{out}"),
    "compare-regimes": ("compare-regimes", "--out", "{out}"),
    "fair-shares": ("fair-shares", "--out", "{out}"),
    "intervention-matrix": ("intervention-matrix", "--out", "{out}"),
    "roles": ("roles", "--out", "{out}"),
    "command-structures": ("command-structures", "--out", "{out}"),
    "allocate": ("allocate", GAME, "--out", "{out}"),
    "calibrate": ("calibrate", "--out", "{out}"),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_existing_out_file_needs_force(tmp_path, name):
    out = tmp_path / "result.json"
    out.write_text("the user's file", encoding="utf-8")
    args = [str(a).replace("{out}", str(out)) for a in COMMANDS[name]]
    proc = run_cli(*args, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "already exists" in proc.stderr and "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "the user's file"


def test_report_refuses_a_folder_with_user_files(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    for extra in ((), ("--force",)):
        proc = run_cli("report", "--out", folder, *extra, timeout=60)
        assert proc.returncode == 2 and "notes.txt" in proc.stderr, proc.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_demo_refuses_to_replace_its_files(tmp_path):
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    proc = run_cli("demo", "--out", tmp_path, timeout=60)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (tmp_path / "summary.json").read_text() == "{}"


def test_force_replaces_the_file(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("old", encoding="utf-8")
    proc = run_cli("allocate", GAME, "--out", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("{")
