"""A real Dask cluster (a scheduler and a worker process on this machine) driven through `--scheduler`."""

from __future__ import annotations

import pandas as pd

from conftest import run_cli

DESIGN = """\
scenario: taiwan_base
replications: 16
points:
  - {name: short_warning, set: [scenarios.taiwan_base.warning_days=2]}
  - {name: long_warning, set: [scenarios.taiwan_base.warning_days=30]}
"""


def test_sweep_runs_on_a_cluster_given_by_its_address(tmp_path, real_cluster):
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN, encoding="utf-8")
    table = tmp_path / "sweep.csv"
    proc = run_cli("sweep", design, "--scheduler", real_cluster, "--out", table, "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    frame = pd.read_csv(table)
    assert list(frame["name"]) == ["short_warning", "long_warning"]
    assert frame["expected_grade"].between(0, 4).all() and (frame["replications"] == 16).all()
    # the same table in this process (no cluster)
    again = tmp_path / "here.csv"
    proc = run_cli("sweep", design, "--out", again, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert pd.read_csv(again).equals(frame)
