"""`positivesum report` through the real entry point: bad input exits 2; --json prints paths and key numbers."""

from __future__ import annotations

import json
import os

from .conftest import chromium_or_skip, reduced_sets


def test_unknown_language_is_an_input_error(cli, tmp_path):
    res = cli("report", "--lang", "fr", "--out", str(tmp_path))
    assert res.returncode == 2 and "unknown language 'fr'" in res.stderr and "Traceback" not in res.stderr


def test_unknown_scenario_is_an_input_error(cli, tmp_path):
    res = cli("report", "--scenarios", "taiwan_bse", "--out", str(tmp_path), "-q")
    assert res.returncode == 2 and "taiwan_base" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "briefing.html").exists()


def test_report_json(cli, tmp_path, cache_dir, written):
    chromium_or_skip()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sets = [a for s in reduced_sets() for a in ("--set", s)]
    res = cli(
        "report",
        "--scenarios",
        "taiwan_base",
        "--reps",
        "40",
        "--seed",
        "7",
        "--lang",
        "ja",
        "--out",
        str(tmp_path / "rep"),
        "--cache-dir",
        str(cache_dir),
        "--json",
        "-q",
        "--no-alliance",
        *sets,
        timeout=600,  # 40 s alone; the default 120 s ran out on a loaded machine, with the other worker busy
    )
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["lang"] == "ja"
    for kind in ("html", "pdf", "xlsx", "tables", "analysis"):
        assert os.path.exists(payload["paths"][kind]), kind
    oc = payload["key_numbers"]["outcomes"]["taiwan_base"]
    assert abs(oc["adversary_success"] + oc["denied"] + oc["stalemate"] - 1) < 1e-9
    assert set(payload["key_numbers"]["weighted_deterrence"]) == {
        "joint",
        "spending-target",
        "cost-transfer",
        "negotiated",
    }
    for name, (low, high) in payload["key_numbers"]["weighted_deterrence_ci95"].items():
        assert low <= payload["key_numbers"]["weighted_deterrence"][name] <= high
    for d in payload["key_numbers"]["cooperation_dividend"].values():
        low, high = d["deterrence_gain_at_equal_money_ci95"]
        assert low <= d["deterrence_gain_at_equal_money"] <= high
        assert d["saved_holds_when_resimulated"] in (True, False, None)  # None: no cheaper plan was found
    html = (tmp_path / "rep" / "briefing.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    assert (
        'id="fair_shares"' not in html
    )  # --no-alliance leaves the alliance sections out (the session report has them)
