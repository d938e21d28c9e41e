"""The written report: HTML structure, Excel = HTML tables, CSV/Parquet, analysis.json, PDF text."""

from __future__ import annotations

import json
import math
import re
import unicodedata

import pandas as pd
import pytest

from .conftest import SCENARIOS, SECTION_IDS, chromium_or_skip
from .htmltables import parse


def test_analysis_is_plain_json_with_the_expected_keys(analysis, written):
    data = json.loads(written["en"]["analysis"].read_text(encoding="utf-8"))
    assert {"scenarios", "regimes", "budgets", "calibration", "sources", "reproducibility", "labels"} <= set(data)
    assert list(data["scenarios"]) == SCENARIOS
    series = data["scenarios"]["taiwan_base"]["series"]
    assert len(series["day"]) == len(series["aircraft_lost"]["blue"]) > 10
    assert series["aircraft_lost"]["blue"][-1] >= series["aircraft_lost"]["blue"][0]
    assert data["reproducibility"]["replications"] == 60 and data["reproducibility"]["seed"] == 7
    assert len(data["reproducibility"]["data_sha256"]) == 64
    json.dumps(dict(analysis), allow_nan=False)  # strict JSON: no NaN anywhere


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_html_has_every_section_in_order_with_translated_headings(written, reports, lang):
    html = written[lang]["html"].read_text(encoding="utf-8")
    doc = parse(html)
    assert doc.lang == lang
    assert list(doc.sections) == SECTION_IDS
    for section in reports[lang].sections:
        assert doc.sections[section.id].strip() == section.title
    if lang == "ja":
        assert doc.sections["executive_summary"] == "要旨" and doc.sections["scenario_outcomes"] == "シナリオの結果"
    assert "https://" not in re.sub(r"<td>[^<]*</td>", "", html.split("<script")[0]), (
        "no external resources outside tables"
    )
    assert "<script src=" not in html and "<link " not in html
    assert html.count('class="chart"') == len(reports[lang].charts()) >= 4
    assert html.count("<svg") >= len(reports[lang].charts()), "every chart has a static SVG"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_excel_sheets_equal_the_html_tables(written, reports, lang):
    from openpyxl import load_workbook

    doc = parse(written[lang]["html"].read_text(encoding="utf-8"))
    wb = load_workbook(written[lang]["xlsx"], read_only=True)
    ids = [t.id for t in reports[lang].tables()]
    assert wb.sheetnames == ids == list(doc.tables)
    for tid in ids:
        rows = list(wb[tid].iter_rows(values_only=True))
        table = doc.tables[tid]
        assert list(rows[0]) == table["header"], tid
        assert len(rows) - 1 == len(table["rows"]), tid
        for xl_row, html_row in zip(rows[1:], table["rows"]):
            for xl, cell in zip(xl_row, html_row):
                if cell["value"] is not None:  # numeric cell
                    if cell["value"] == "":
                        assert xl is None or (isinstance(xl, float) and math.isnan(xl)), (tid, xl, cell)
                    else:
                        assert xl == pytest.approx(float(cell["value"]), rel=1e-12, abs=1e-12), (tid, xl, cell)
                else:
                    assert ("" if xl is None else str(xl)) == cell["text"], (tid, xl, cell)


def test_numbers_shown_match_the_values(written):
    doc = parse(written["en"]["html"].read_text(encoding="utf-8"))
    for cell in (c for t in doc.tables.values() for r in t["rows"] for c in r if c["value"]):
        text = cell["text"].replace(",", "")
        shown = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        decimals = len(text.rstrip("%").partition(".")[2]) + (2 if text.endswith("%") else 0)
        assert shown == pytest.approx(float(cell["value"]), abs=0.51 * 10**-decimals), cell


def test_csv_and_parquet_of_every_table(written, reports):
    tables = written["en"]["tables"]
    for t in reports["en"].tables():
        csv = pd.read_csv(tables / f"{t.id}.csv")
        pq = pd.read_parquet(tables / f"{t.id}.parquet")
        assert list(csv.columns) == list(pq.columns) == list(t.frame.columns)
        assert len(csv) == len(pq) == len(t.frame)
    assert not list(tables.parent.glob("*.part*"))


DOTS = str.maketrans({"\u2027": "\u30fb", "\u00b7": "\u30fb", "\uff65": "\u30fb"})


def _norm(text: str) -> str:
    """NFKC (CJK fonts map some ideographs to Kangxi radicals, e.g. U+2F47 for 日, in the PDF text layer), one
    middle dot (the katakana middle dot comes back as U+2027), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(DOTS))


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return _norm("".join(page.extract_text() or "" for page in PdfReader(path).pages))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_contains_every_section_heading(written, reports, lang):
    chromium_or_skip()
    pdf = written[lang]["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = _pdf_text(pdf)
    for section in reports[lang].sections:
        assert _norm(section.title) in text, section.title


def test_missing_chromium_is_an_input_error_and_the_html_is_still_written(analysis, tmp_path, monkeypatch):
    from positivesum.model.errors import InputError
    from positivesum.services.report import write_report

    monkeypatch.setenv("POSITIVESUM_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(InputError) as err:
        write_report(analysis, "en", tmp_path / "out")
    assert "chromium" in err.value.render().lower()
    assert (tmp_path / "out" / "briefing.html").stat().st_size > 100_000
    assert not (tmp_path / "out" / "briefing.pdf").exists()


def test_html_ids_are_unique(written):
    """Sections, tables and charts share one id space in the page: no id may repeat (valid HTML, working links)."""
    import re
    from collections import Counter

    for lang, paths in written.items():
        ids = re.findall(r'\sid="([^"]+)"', paths["html"].read_text(encoding="utf-8"))
        assert [i for i, c in Counter(ids).items() if c > 1] == [], lang


def test_the_briefing_compares_every_default_spending_target_with_the_joint_plan(analysis, reports):
    """Issue 16 item 5 in the main job: each default spending target (those the data has) as a regime, what it buys
    nationally and the joint plan's margin with the same money, with its paired 95 % interval."""
    from positivesum.services.compare import DEFAULT_TARGET_PRESETS

    targets = analysis["regimes"]["spending_targets"]
    assert list(targets) == [p for p in DEFAULT_TARGET_PRESETS if p in targets] and len(targets) >= 2
    for row in targets.values():
        margin = row["joint_margin_at_equal_money"]
        low, high = margin["ci95"]
        assert low <= margin["mean"] <= high
        assert margin["mean"] == pytest.approx(
            row["joint"]["simulated_deterrence"] - row["spending-target"]["simulated_deterrence"], abs=1e-9
        )
        assert margin["includes_zero"] == (low <= 0.0 <= high)
    for lang, report in reports.items():
        table = next(t for t in report.section("cooperation_dividend").tables if t.id == "spending_targets")
        assert len(table.frame) == len(targets), lang
        shown = table.frame.iloc[:, 5].tolist()  # the joint margin column, in the targets' order
        assert shown == pytest.approx([r["joint_margin_at_equal_money"]["mean"] for r in targets.values()])


def test_the_roles_matrix_shows_the_joint_plan_of_the_regime_comparison(analysis):
    """One joint plan in the briefing: the roles section derives its roles from the regime comparison's joint
    portfolio (as adopted), not from a second solve that could differ."""
    roles = analysis["alliance"]["roles"]
    joint = analysis["regimes"]["regimes"]["joint"]

    def key(items):
        return sorted((p["actor"], p["option"], p["start_plan_year"]) for p in items)

    assert key(roles["portfolio"]) == key(joint["portfolio"])


def test_every_alliance_and_dividend_difference_carries_its_paired_interval(analysis, reports):
    """Headline differences with intervals (issue 16 item 3): the dividend scenario by scenario, the basing access's
    value and each intervention level's gain are paired differences whose 95 % interval contains their mean, and
    the briefing shows them in both languages."""
    div = analysis["regimes"]["cooperation_dividend"]
    for regime, d in div.items():
        by_s = d["deterrence_gain_by_scenario"]
        assert set(by_s) == set(SCENARIOS), regime
        joint = analysis["regimes"]["regimes"]["joint"]["simulated"]["scenarios"]
        other = analysis["regimes"]["regimes"][regime]["simulated"]["scenarios"]
        for sid, one in by_s.items():
            low, high = one["ci95"]
            assert low <= one["difference"] <= high
            assert one["difference"] == pytest.approx(joint[sid]["deterrence"] - other[sid]["deterrence"], abs=1e-9)
            assert one["includes_zero"] == (low <= 0.0 <= high)
    access = analysis["alliance"]["fair_shares"]["basing_access"]
    low, high = access["value_ci95"]
    assert low <= access["value"] <= high
    assert access["value_includes_zero"] == (low <= 0.0 <= high)
    for row in analysis["alliance"]["intervention_matrix"]["levels"]:
        if row.get("simulated_scenario") is None:
            continue
        gain = row["deterrence_gain"]
        assert gain["mean"] == pytest.approx(
            row["outcome_with_plan"]["deterrence"] - row["outcome_without_plan"]["deterrence"], abs=1e-9
        )
        assert gain["ci95"][0] <= gain["mean"] <= gain["ci95"][1]
    assert "outer parameter draws" in analysis["alliance"]["fair_shares"]["intervals"]["method"]
    for lang, report in reports.items():
        table = next(t for t in report.section("cooperation_dividend").tables if t.id == "dividend_by_scenario")
        assert table.frame.iloc[:, 0].tolist() == list(next(iter(div.values()))["deterrence_gain_by_scenario"]), lang
        assert all("[" in str(cell) for cell in table.frame.iloc[:, 2]), lang
        fair = " ".join(report.section("fair_shares").paragraphs)
        assert f"{low:.3f}".lstrip("-") in fair.replace("−", "-"), lang


def test_growth_margins_carry_intervals_and_the_briefing_says_whether_they_tell_the_regimes_apart(analysis, reports):
    """Issue 16's first "done when": the margin differs between the regimes' portfolios by more than its own
    interval in some scenario, or the briefing states that it does not. Every uncensored margin has a bootstrap
    interval around it; the paired differences are computed replicate by replicate."""
    reg = analysis["regimes"]
    for name, res in reg["regimes"].items():
        gm = res["measures"]["growth_margin_years"]
        low, high = gm["weighted_ci95"]
        assert low <= gm["weighted"] + 1e-9 and gm["weighted"] - 1e-9 <= high, name
        for sid, one in res["measures"]["by_scenario"].items():
            m = one["growth_margin_years"]
            assert "replicates" not in m, sid  # bootstrap replicates are paired, then dropped from the output
            assert (m["ci95"] is None) == bool(m["censored"]), sid
    differs = reg["growth_margin_differs"]
    for name, d in reg["cooperation_dividend"].items():
        diff = d["growth_margin_difference"]
        for sid, one in diff["by_scenario"].items():
            assert one["includes_zero"] == (one["ci95"][0] <= 0.0 <= one["ci95"][1])
            assert (sid in differs[name]) == (not one["censored"] and not one["includes_zero"])
    for lang, report in reports.items():
        section = report.section("cooperation_dividend")
        table = next(t for t in section.tables if t.id == "growth_margins")
        assert len(table.frame) == len(reg["regimes"]), lang
        text = " ".join(section.paragraphs)
        names = [s for ss in differs.values() for s in ss]
        assert all(s in text for s in names), lang
        if not names:  # the statement that the margin does not tell them apart
            assert ("In no scenario" in text) if lang == "en" else ("どのシナリオでも" in text), lang


def test_shapley_shares_by_scenario_carry_bootstrap_intervals(analysis, reports):
    """Issue 16 item 3 scenario by scenario: each scenario's Shapley values and shares have bootstrap intervals
    around them, and the briefing's by-scenario table shows the share's interval."""
    by_sc = analysis["alliance"]["fair_shares"]["by_scenario"]
    assert by_sc
    for sid, one in by_sc.items():
        for player, value in one["shapley"].items():
            low, high = one["shapley_ci95"][player]
            assert low - 1e-9 <= value <= high + 1e-9, (sid, player)
    for lang, report in reports.items():
        table = next(t for t in report.section("fair_shares").tables if t.id == "fair_share_by_scenario")
        shown = table.frame.iloc[:, 2].notna()  # a share of v_s(N) exists where v_s(N) is not zero
        assert shown.any(), lang
        assert table.frame.iloc[:, 3][shown].astype(str).str.startswith("[").all(), lang
