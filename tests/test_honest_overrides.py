"""An overriding value replaces the whole quantity: the user's own range and source or estimate, never the
overridden value's; an overriding number without provenance is refused; results say what was applied."""

from __future__ import annotations

import json

from conftest import run_cli
from positivesum.model.loader import load_dataset


def _file(tmp_path, body: str):
    path = tmp_path / "mine.yaml"
    path.write_text("import: [positivesum:default]\nscenarios:\n  taiwan_base:\n" + body, encoding="utf-8")
    return path


def test_an_override_without_source_or_estimate_is_refused(tmp_path):
    proc = run_cli("validate", _file(tmp_path, "    warning_days: {value: 25}\n"))
    assert proc.returncode == 2
    assert "mine.yaml:4: scenarios.taiwan_base.warning_days: has no `source:` or `estimate:`" in proc.stderr


def test_the_override_range_and_provenance_are_the_users(tmp_path):
    default = load_dataset().dataset.scenarios["taiwan_base"].warning_days
    assert default.low is not None or default.high is not None or default.source  # something to lose
    mine = load_dataset([_file(tmp_path, "    warning_days: {value: 25, low: 20, estimate: mine}\n")])
    q = mine.dataset.scenarios["taiwan_base"].warning_days
    assert (q.value, q.low, q.high, q.source, q.estimate) == (25, 20, None, None, "mine")


def test_set_records_the_command_line_as_the_source():
    q = load_dataset(sets=["scenarios.taiwan_base.warning_days.value=9"]).dataset.scenarios["taiwan_base"].warning_days
    assert (q.value, q.low, q.high, q.source) == (9, None, None, None)
    assert "--set scenarios.taiwan_base.warning_days.value=9" in (q.estimate or "")


def test_simulate_states_what_was_applied_in_every_format(tmp_path):
    args = (
        "simulate",
        "taiwan_base",
        "--reps",
        "20",
        "--set",
        "engine.decisive_force_ratio=2.5",
        "--override",
        "short_warning",
        "--fixed-parameters",
    )
    table = run_cli(*args)
    assert table.returncode == 0, table.stderr
    for text in ("engine.decisive_force_ratio=2.5", "short_warning", "--fixed-parameters"):
        assert text in table.stdout, text
    out = tmp_path / "r.json"
    js = run_cli(*args, "--json", "--out", out)
    assert js.returncode == 0, js.stderr
    for doc in (json.loads(js.stdout), json.loads(out.read_text())):
        meta = doc["meta"]
        assert meta["provenance"]["sets"] == ["engine.decisive_force_ratio=2.5"]
        assert meta["provenance"]["overrides"] == ["short_warning"]
        assert meta["sample_parameters"] is False
