"""`import:` reaches only regular files under the importing file's folder (or the packaged data).

A scenario file from a stranger must not read the machine: absolute paths, `..` escapes, symbolic links
out of the tree, devices and FIFOs are refused quickly, with a message that quotes nothing of the target.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import run_cli

CANARY = "canary-secret-4f1d"


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(f"{CANARY}_key: {CANARY}_value\nactors: {{{CANARY}: 1}}\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "sub" / "ok.yaml").write_text("title: fine\n", encoding="utf-8")
    return {"outside": outside, "secret": secret, "project": project}


def _validate_importing(project: Path, target: str) -> tuple[int, str, float]:
    entry = project / "entry.yaml"
    entry.write_text(f"import: [positivesum:default, '{target}']\n", encoding="utf-8")
    start = time.monotonic()
    proc = run_cli("validate", entry, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start


def _refused(code: int, output: str, seconds: float, what: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output
    assert CANARY not in output, "the message quotes the target's contents"
    assert "entry.yaml:1" in output and "import[1]" in output and what in output, output
    assert seconds < 30


def test_absolute_path_is_refused(tree):
    _refused(*_validate_importing(tree["project"], str(tree["secret"])), "absolute path")


def test_dotdot_escape_is_refused(tree):
    _refused(*_validate_importing(tree["project"], "../outside/secret.yaml"), "leads outside")


def test_symlink_out_of_the_tree_is_refused(tree):
    (tree["project"] / "sub" / "link.yaml").symlink_to(tree["secret"])
    _refused(*_validate_importing(tree["project"], "sub/link.yaml"), "leads outside")


def test_device_is_refused_without_reading_it(tree):
    (tree["project"] / "zero.yaml").symlink_to("/dev/zero")
    # /dev/zero is outside the tree; a device inside the tree is refused as a non-regular file too
    _refused(*_validate_importing(tree["project"], "zero.yaml"), "leads outside")


def test_fifo_is_refused_without_blocking(tree):
    fifo = tree["project"] / "pipe.yaml"
    os.mkfifo(fifo)
    _refused(*_validate_importing(tree["project"], "pipe.yaml"), "not a regular file")


def test_subfolder_and_packaged_imports_still_work(tree):
    (tree["project"] / "sub" / "ok.yaml").write_text(
        "scenarios:\n  taiwan_base:\n    weight: {value: 0.2, estimate: test value}\n", encoding="utf-8"
    )
    entry = tree["project"] / "entry.yaml"
    entry.write_text("import: [positivesum:default, sub/ok.yaml]\n", encoding="utf-8")
    proc = run_cli("validate", entry)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_extra_roots_can_be_allowed(tree, monkeypatch):
    from positivesum.model.loader import resolve_import

    entry = tree["project"] / "entry.yaml"
    target, refusal = resolve_import(entry, "../outside/secret.yaml")
    assert target is None and refusal is not None
    monkeypatch.setenv("POSITIVESUM_IMPORT_ROOTS", str(tree["outside"]))
    target, refusal = resolve_import(entry, "../outside/secret.yaml")
    assert refusal is None and target == tree["secret"].resolve()


def test_top_level_device_is_refused(tmp_path):
    proc = run_cli("validate", "/dev/zero", timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stdout + proc.stderr
