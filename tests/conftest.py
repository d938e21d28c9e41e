"""Shared test helpers: repository paths and a runner for the real CLI entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
MINIMAL = REPO / "tests" / "fixtures" / "minimal" / "minimal.yaml"
BAD = REPO / "tests" / "bad_inputs"

# The bad-input files in tests/bad_inputs/ build on the shared fixtures through `../fixtures/...` imports.
# Imports are confined to the importing file's folder (model/loader.py resolve_import); the documented
# extra root admits the fixtures folder, for in-process loads and for the CLI runs below (which inherit
# the environment).
os.environ.setdefault("POSITIVESUM_IMPORT_ROOTS", str(REPO / "tests" / "fixtures"))

# Test the code in this checkout even if the package is not installed in the environment.
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def run_cli(*args: str, cwd: Path = REPO, columns: int = 250, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m positivesum.cli ARGS`` in a fresh interpreter (the real entry point)."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        COLUMNS=str(columns),
        NO_COLOR="1",
    )
    env.pop("POSITIVESUM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "positivesum.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture
def cli():
    """The CLI runner (see :func:`run_cli`)."""
    return run_cli


@pytest.fixture
def in_repo(monkeypatch):
    """Run in-process code from the repository root, so file names in messages are repo-relative."""
    monkeypatch.chdir(REPO)
    return REPO


def synthetic_surrogate(ds):
    """Concave non-decreasing pieces for every weighted scenario and mission area of the data (seeded)."""
    from positivesum.plan.surrogate import DEFAULT_LEVELS, Surrogate

    rng = np.random.default_rng(0)
    scenarios = [s for s, sc in ds.scenarios.items() if sc.weight.value > 0]
    areas = list(ds.mission_areas)
    levels = np.array(DEFAULT_LEVELS, dtype=float)
    base, values = {}, {}
    for s in scenarios:
        base[s] = float(rng.uniform(0.2, 0.8))
        values[s] = {}
        for m in areas:
            slopes = rng.uniform(0.02, 0.3) * np.cumprod(np.r_[1.0, rng.uniform(0.3, 0.9, len(levels) - 2)])
            values[s][m] = np.r_[0.0, np.cumsum(slopes * np.diff(levels))]
    points = {s: {m: (base[s] + values[s][m]).tolist() for m in areas} for s in scenarios}
    # a non-empty validation record: the CLI validates unvalidated surrogates by simulation, which would
    # only measure how wrong these made-up values are
    validation = {
        "rmse": float("nan"),
        "max_abs_error": float("nan"),
        "samples": [],
        "note": "synthetic surrogate written by tests/conftest.py (synthetic_surrogate)",
    }
    return Surrogate(scenarios, areas, levels, base, values, points, reps=50, seed=20260101, validation=validation)


def write_synthetic_cache(path: Path, loaded, seed: int = 20260101) -> Path:
    """Put the synthetic surrogate where `--cache-dir path` finds it for this data and seed (key as services.plan.context)."""
    import hashlib
    import json

    key = hashlib.sha256(f"{loaded.data_hash}:{seed}".encode()).hexdigest()[:16]
    (path / f"surrogate-{key}.json").write_text(
        json.dumps(synthetic_surrogate(loaded.dataset).to_dict()), encoding="utf-8"
    )
    return path


# The CLI speaks Japanese when $LANG starts with "ja"; the tests expect English messages unless they choose a
# language themselves. Set at import (not in a fixture) so module-scoped fixtures and subprocesses see it too.
if not os.environ.get("POSITIVESUM_LANG"):
    os.environ["POSITIVESUM_LANG"] = "en"
