"""`compare-regimes` run on its own caches its MILP solutions and independent units in ``--cache-dir`` (as the main
job does): asked again, it solves and simulates nothing and prints the same numbers.

Cut short as test_presets_cli.py: a synthetic surrogate written into the ``--cache-dir``, two weighted scenarios,
a three-year plan, 20 replications, no margins and no spending-target regimes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_plan_cli import cli
from test_presets_cli import SEED, SETS

from conftest import synthetic_surrogate
from positivesum.model.loader import load_dataset


def _entries(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_second_run_computes_nothing_and_gives_the_same_numbers(tmp_path):
    loaded = load_dataset(None, None, list(SETS))
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    key = hashlib.sha256(f"{loaded.data_hash}:{SEED}".encode()).hexdigest()[:16]
    (cache_dir / f"surrogate-{key}.json").write_text(
        json.dumps(synthetic_surrogate(loaded.dataset).to_dict()), encoding="utf-8"
    )
    common = ["--reps", "20", "--seed", SEED, "--cache-dir", cache_dir, "--quiet", "--margin-reps", "0"]
    common += ["--spending-targets", "none", *(x for v in SETS for x in ("--set", v))]
    first = cli("compare-regimes", *common, "--out", tmp_path / "first.json")
    assert first.returncode == 0, first.stderr[-2000:]
    after_first = _entries(cache_dir)
    assert any(e.startswith("milps/") for e in after_first) and any(e.startswith("units/") for e in after_first)
    second = cli("compare-regimes", *common, "--out", tmp_path / "second.json")
    assert second.returncode == 0, second.stderr[-2000:]
    assert _entries(cache_dir) == after_first  # nothing new was solved or simulated
    one = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert one == two
