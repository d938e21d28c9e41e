"""docs/examples/briefing.ipynb runs top to bottom in a kernel from this environment."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "examples" / "briefing.ipynb"
SRC = Path(__file__).resolve().parents[2] / "src"


def test_briefing_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"]]
    assert any("<table" in h and "adversary_success" in h for h in html), "CampaignResult renders its tables"
    assert any("vega" in h.lower() for h in html), "the Altair chart is displayed"
    assert any('id="scenario_outcomes"' in h and "シナリオの結果" in h for h in html), "the report renders in Japanese"
