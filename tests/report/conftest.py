"""One small analysis per session (2 scenarios, 60 replications, a reduced planning run), written in en and ja.

Planning is cut down with --set values (as in tests/plan/test_plan_cli.py): a 3-year horizon, 20 replications
per surrogate point, and only the two report scenarios weighted, so the real surrogate fit stays short.

Under pytest-xdist every test that uses the analysis runs on one worker (tests/conftest.py groups them), so it is
computed once per run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCENARIOS = ["taiwan_base", "taiwan_no_us"]
REPS = 60
SEED = 7
SECTION_IDS = [
    "executive_summary",
    "scenario_outcomes",
    "losses_munitions",
    "budgets",
    "portfolios",
    "cooperation_dividend",
    "fair_shares",
    "intervention_matrix",
    "roles",
    "command",
    "sensitivity",
    "assumptions",
    "calibration",
    "data_sources",
    "reproducibility",
]


def reduced_sets() -> list[str]:
    from positivesum.model.loader import load_dataset

    ds = load_dataset().dataset
    return ["planning.horizon_years=3", "planning.surrogate_replications=20"] + [
        f"scenarios.{s}.weight.value=0" for s in ds.scenarios if s not in SCENARIOS
    ]


def chromium_or_skip() -> str:
    from positivesum.report.pdf import find_chromium

    found = find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (run `make system-deps`)")
        pytest.skip("Chromium is not installed (install it with `make system-deps`); CI requires it")
    return found


def pytest_collection_modifyitems(config, items):
    """Every test of this folder built on the session's analysis is slow: the analysis (simulations, a reduced
    planning run and the alliance studies) takes one to two minutes, once (docs/testing.md)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if "analysis" in getattr(item, "fixturenames", ()) and here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("report-cache")


@pytest.fixture(scope="session")
def loaded():
    from positivesum import services

    return services.load(None, None, reduced_sets())


@pytest.fixture(scope="session")
def analysis(loaded, cache_dir):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from positivesum.services.report import build_analysis

    return build_analysis(loaded, SCENARIOS, REPS, SEED, cache_dir=cache_dir, command_line=["pytest", "tests/report"])


@pytest.fixture(scope="session")
def written(analysis, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{lang: paths} for the report written in English and Japanese (PDF only if Chromium is there)."""
    from positivesum.model.errors import InputError
    from positivesum.services.report import write_report

    out = {}
    for lang in ("en", "ja"):
        target = tmp_path_factory.mktemp(f"report-{lang}")
        try:
            out[lang] = write_report(analysis, lang, target)
        except InputError:  # no Chromium: everything but the PDF is written
            out[lang] = {
                "html": target / "briefing.html",
                "xlsx": target / "briefing.xlsx",
                "tables": target / "tables",
                "analysis": target / "analysis.json",
                "pdf": target / "briefing.pdf",
            }
    return out


@pytest.fixture(scope="session")
def reports(analysis):
    from positivesum.report import build_report

    return {lang: build_report(analysis, lang) for lang in ("en", "ja")}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def copy_artifact(src: Path, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(src, ARTIFACTS / name)
