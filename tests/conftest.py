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


def run_cli(*args: str, cwd: Path = REPO, columns: int = 250, timeout: float = 600) -> subprocess.CompletedProcess:
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


def run_cli_in_process(*args: str, cwd: Path = REPO, columns: int = 250) -> subprocess.CompletedProcess:
    """Run the CLI's Typer app in this process, as :func:`run_cli` runs it in a fresh interpreter: the same app,
    the same error handler, an exit code, stdout and stderr. An exception that escapes the app is written to
    stderr as a traceback, as the interpreter would. For corpora of many cases that each fail before any work:
    a fresh interpreter costs about a second of imports per case. Not thread-safe (it changes the working
    folder); each corpus also runs a sample of its cases through :func:`run_cli` and compares the two."""
    import traceback

    from typer.testing import CliRunner

    from positivesum.cli import app

    argv = [str(a) for a in args]
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            app, argv, env={"COLUMNS": str(columns), "NO_COLOR": "1", "POSITIVESUM_DEBUG": None}
        )
    finally:
        os.chdir(here)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    code = result.exit_code if result.exception is None or isinstance(result.exception, SystemExit) else 1
    return subprocess.CompletedProcess(["positivesum", *argv], code, result.stdout, stderr)


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


# --------------------------------------------------------------------------------------------------------------
# Parallel runs (pytest-xdist, `--dist loadgroup`; docs/testing.md, "Parallel runs")
#
# A module- or session-scoped fixture is computed once per worker process that runs a test needing it. So that
# the expensive ones (the report's analysis, the CLI runs of a module fixture) are computed once per run, every
# test is put in an `xdist_group` with all other tests that share such a fixture with it, directly or through
# another test (connected components). Tests that need none stay ungrouped and are spread one by one.
# Only fixtures defined in this suite count (plugin fixtures such as tmp_path_factory have an empty baseid).
# A test that already carries an explicit `xdist_group` mark keeps it.
_SHARED_SCOPES = {"module", "package", "session"}

# xdist's workers start with COLUMNS=80 and LINES=24 in their environment, which a serial run does not have. Rich
# reads COLUMNS once, when positivesum.cli creates its consoles on import, so in a worker every in-process command
# (CliRunner) would print 80 columns wide whatever COLUMNS a test passes: tests would pass or fail by worker.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name in ("COLUMNS", "LINES"):
        os.environ.pop(_name, None)


def _loadgroup(config) -> bool:
    """True in an xdist worker of a `--dist loadgroup` run (a worker's own `dist` option reads "no")."""
    return bool(getattr(config.option, "loadgroup", False))


def _shared_fixtures(item: pytest.Item) -> list[str]:
    """The ``BASEID::NAME`` of each module-, package- or session-scoped fixture of this suite that ``item`` needs.

    Autouse fixtures of a conftest.py are left out, with what they need: they reach every test below their folder
    and would put all of those tests in one group (a module's own autouse fixtures count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    defs = info.name2fixturedefs
    todo = list(info.initialnames)
    seen, keys = set(), []
    while todo:
        name = todo.pop(0)
        if name in seen or not defs.get(name):
            continue
        seen.add(name)
        fd = defs[name][-1]
        if getattr(fd, "_autouse", False) and not fd.baseid.split("::")[0].endswith(".py"):
            continue
        if fd.scope in _SHARED_SCOPES and fd.baseid:
            keys.append(f"{fd.baseid}::{name}")
        todo.extend(fd.argnames)
    return sorted(keys)


def xdist_groups(items) -> dict[str, str]:
    """{node id: group} for the tests that share a module- or session-scoped fixture of this suite with another;
    a group is named after the first of its fixtures in sorted order."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)  # the root is always the smallest key of its group

    shared = {item.nodeid: _shared_fixtures(item) for item in items}
    for keys in shared.values():
        for key in keys:
            union(keys[0], key)
    return {nodeid: find(keys[0]) for nodeid, keys in shared.items() if keys}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the marks into the node ids
def pytest_collection_modifyitems(config, items):
    if not _loadgroup(config):  # serial runs, the controller, or xdist with another --dist
        return
    groups = xdist_groups([item for item in items if not any(True for _ in item.iter_markers("xdist_group"))])
    for item in items:
        if item.nodeid in groups:
            item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if names:
            _add_group_suffix(item, "_".join(names))


def _add_group_suffix(item: pytest.Item, group: str) -> None:
    """Append "@GROUP" to the node id, which is what xdist's loadgroup scheduler reads. xdist 3.8 does it by writing
    ``item._nodeid``, which pytest 9 no longer reads (it keeps the id in ``item._id``), so that its `xdist_group`
    marks have no effect there; do it here. A second suffix from a fixed xdist is harmless (the last one counts)."""
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest 8: xdist's own hook works
        return
    if hasattr(item, "_id"):
        item._id = coerce_node_id(f"{item.nodeid}@{group}")


@pytest.hookimpl(tryfirst=True)  # before xdist's, which sends the order of session.items to the controller
def pytest_collection_finish(session):
    """Under loadgroup, the groups holding a slow test first, then larger groups first, then single tests: the
    longest work starts early and short tests fill the end (with `--no-loadscope-reorder`, xdist keeps this order)."""
    if not _loadgroup(session.config):
        return

    def group(item) -> str:
        return next((str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args), item.nodeid)

    size: dict[str, int] = {}
    slow: set[str] = set()
    for item in session.items:
        g = group(item)
        size[g] = size.get(g, 0) + 1
        if item.get_closest_marker("slow"):
            slow.add(g)
    first = {}
    for i, item in enumerate(session.items):
        first.setdefault(group(item), i)
    session.items.sort(key=lambda item: (group(item) not in slow, -size[group(item)], first[group(item)]))
