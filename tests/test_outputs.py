"""Outputs that cannot destroy or mix: atomic files, --force, folders published whole with a manifest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from positivesum.model.errors import InputError
from positivesum.services.outputs import (
    MANIFEST,
    StagingFolder,
    check_can_publish_folder,
    check_can_write_file,
    read_manifest,
    verify_folder,
    write_json,
)

SRC = Path(__file__).resolve().parent.parent / "src"


def _publish(target: Path, files: dict[str, str], run: dict) -> None:
    with StagingFolder(target) as stage:
        for rel, text in files.items():
            (stage.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage.path / rel).write_text(text, encoding="utf-8")
        stage.publish(run)


def test_write_json_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "r.json"
    write_json(target, {"a": float("nan")})
    write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not a private temporary


def test_an_existing_file_needs_force(tmp_path):
    target = tmp_path / "r.json"
    check_can_write_file(target, force=False)  # a new file is fine
    target.write_text("mine")
    with pytest.raises(InputError) as err:
        check_can_write_file(target, force=False)
    assert "--force" in err.value.render() and str(target) in err.value.render()
    check_can_write_file(target, force=True)
    assert target.read_text() == "mine"


def test_a_folder_with_user_files_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.txt").write_text("keep me")
    (out / "tables").mkdir()
    (out / "tables" / "mine.csv").write_text("x")
    for force in (False, True):
        with pytest.raises(InputError) as err:
            check_can_publish_folder(out, force)
        assert "my-notes.txt" in err.value.render()
    assert (out / "my-notes.txt").read_text() == "keep me" and (out / "tables" / "mine.csv").read_text() == "x"


def test_publishing_replaces_a_previous_set_whole_and_only_with_force(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": "old", "t/x.csv": "old"}, {"seed": 1})
    assert verify_folder(out)["complete"] and read_manifest(out)["run"] == {"seed": 1}
    with pytest.raises(InputError):
        check_can_publish_folder(out, force=False)
    check_can_publish_folder(out, force=True)
    _publish(out, {"a.txt": "new", "b.txt": "new"}, {"seed": 2})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt", "b.txt", MANIFEST]
    assert verify_folder(out)["complete"] and read_manifest(out)["run"] == {"seed": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or old set left behind


def test_a_failed_run_leaves_the_previous_set_and_no_staging_folder(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": "old"}, {"seed": 1})
    with pytest.raises(RuntimeError), StagingFolder(out) as stage:
        (stage.path / "a.txt").write_text("half")
        raise RuntimeError("killed")
    assert (out / "a.txt").read_text() == "old" and verify_folder(out)["complete"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_manifest_tells_a_tampered_set(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": "old"}, {"seed": 1})
    (out / "a.txt").write_text("changed")
    report = verify_folder(out)
    assert not report["complete"] and "a.txt" in report["problems"][0]


WRITER = """
import json, sys
from pathlib import Path
from positivesum.services.report import write_report
analysis = json.loads(Path(sys.argv[1]).read_text())
analysis["reproducibility"]["seed"] = int(sys.argv[3])
write_report(analysis, "en", Path(sys.argv[2]), force=True)
"""


@pytest.fixture(scope="module")
def small_analysis(tmp_path_factory) -> Path:
    from positivesum import services
    from positivesum.services.report import analysis_from_results

    ld = services.load()
    analysis = analysis_from_results(ld, [services.simulate(ld, "taiwan_base", 30, 1)])
    path = tmp_path_factory.mktemp("analysis") / "analysis.json"
    write_json(path, dict(analysis))
    return path


def _write_report(analysis: Path, out: Path, seed: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        POSITIVESUM_CHROMIUM="/nonexistent-browser",
    )  # no PDF: keeps each write to a few seconds
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(analysis), str(out), str(seed)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_a_report_killed_at_any_moment_leaves_one_complete_set(small_analysis, tmp_path):
    """Kill the writer at several moments: the folder always verifies against its manifest, and the manifest
    says which run it is (the previous one or the new one), never a mix of the two."""
    out = tmp_path / "out"
    _write_report(small_analysis, out, 1).wait(timeout=300)  # exit 1 (no Chromium) after publishing the set
    assert verify_folder(out)["complete"] and read_manifest(out)["run"]["seed"] == 1
    start = time.monotonic()
    _write_report(small_analysis, out, 2).wait(timeout=300)
    duration = time.monotonic() - start
    previous = read_manifest(out)["run"]["seed"]
    assert previous == 2
    outcomes = []
    for k, fraction in enumerate((0.05, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)):
        seed = 3 + k
        proc = _write_report(small_analysis, out, seed)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        state = verify_folder(out)
        assert state["complete"], (fraction, state["problems"])
        now = read_manifest(out)["run"]["seed"]
        assert now in (previous, seed), (fraction, now, previous, seed)
        outcomes.append(now == seed)
        previous = now
    assert not outcomes[0]  # killed at once: the previous set
    _write_report(small_analysis, out, 99).wait(timeout=300)  # a run that ends publishes its set
    assert verify_folder(out)["complete"] and read_manifest(out)["run"]["seed"] == 99
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # staging folders of killed runs were cleaned up
