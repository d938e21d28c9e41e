"""Shared test helpers: repository paths and a runner for the real CLI entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
MINIMAL = REPO / "tests" / "fixtures" / "minimal" / "minimal.yaml"
BAD = REPO / "tests" / "bad_inputs"

# Test the code in this checkout even if the package is not installed in the environment.
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def run_cli(*args: str, cwd: Path = REPO, columns: int = 250) -> subprocess.CompletedProcess:
    """Run ``python -m positivesum.cli ARGS`` in a fresh interpreter (the real entry point)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
               COLUMNS=str(columns), NO_COLOR="1")
    env.pop("POSITIVESUM_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "positivesum.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def cli():
    """The CLI runner (see :func:`run_cli`)."""
    return run_cli


@pytest.fixture
def in_repo(monkeypatch):
    """Run in-process code from the repository root, so file names in messages are repo-relative."""
    monkeypatch.chdir(REPO)
    return REPO
