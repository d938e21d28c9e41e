"""Open the HTML in headless Chromium (file://, no network): sections, headings, charts rendered by vega-embed."""

from __future__ import annotations

import tempfile

import pytest

from .conftest import SECTION_IDS, chromium_or_skip

# Playwright and headless Chromium (the tests are also slow: they read the session's analysis, see conftest.py)
pytestmark = pytest.mark.browser

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    binary = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="positivesum-test-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=binary, headless=True, args=FLAGS, viewport={"width": 1100, "height": 900}
        )
        yield context
        context.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_renders_in_a_browser(browser, written, reports, artifacts, lang):
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(written[lang]["html"].resolve().as_uri())
    page.wait_for_function(
        "document.querySelectorAll('figure.chart').length > 0 && "
        "[...document.querySelectorAll('figure.chart')].every(f => f.classList.contains('rendered') "
        "|| f.classList.contains('failed'))",
        timeout=60_000,
    )
    assert page.evaluate("document.documentElement.lang") == lang
    ids = page.evaluate("[...document.querySelectorAll('main > section')].map(s => s.id)")
    assert ids == SECTION_IDS
    headings = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('main > section')].map(s => [s.id, s.querySelector('h2').textContent]))"
    )
    for section in reports[lang].sections:
        assert headings[section.id] == section.title
    if lang == "ja":
        assert headings["executive_summary"] == "要旨" and headings["cooperation_dividend"] == "協力の配当"
    charts = page.evaluate(
        "[...document.querySelectorAll('figure.chart')].map(f => [f.id, f.className, "
        "f.querySelectorAll('.interactive svg, .interactive canvas').length])"
    )
    assert len(charts) == len(reports[lang].charts())
    for chart_id, classes, drawn in charts:
        assert "rendered" in classes and drawn >= 1, (chart_id, classes)
    # the interactive view is shown and the static copy hidden on screen
    assert page.evaluate("getComputedStyle(document.querySelector('figure.chart .static')).display") == "none"
    toc = page.evaluate("[...document.querySelectorAll('#toc a')].map(a => a.getAttribute('href'))")
    assert toc == [f"#{i}" for i in SECTION_IDS]
    assert not errors, errors
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
    page.screenshot(path=str(artifacts / f"report-{lang}.png"), full_page=True)
    page.close()
