"""The workspace in headless Chromium (Playwright), against a real `positivesum serve`:

* two analysts of two organisations share a REL scenario; one edits it, the other sees the diff and comments;
* a JPN ONLY scenario is invisible to the US analyst in every page (lists, search, runs, direct links);
* a run shows its progress live, and its briefing opens in the browser — marked in HTML, PDF and Excel.
"""

from __future__ import annotations

import io
import signal
import subprocess
import tempfile
import time

import httpx2 as httpx
import pytest

from positivesum.workspace import db as wdb

from .conftest import PASSWORD, populate, scenario_text
from .test_restart import _free_port, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
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
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'ws.sqlite3'}"
    people = populate(url)
    port = _free_port()
    proc = start_server(url, port, folder / "server.log")
    yield f"http://127.0.0.1:{port}", people, folder
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    wdb.dispose(url)


def chromium_or_skip() -> str:
    import os

    from positivesum.report.pdf import find_chromium

    found = find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (run `make system-deps`)")
        pytest.skip("Chromium is not installed (install it with `make system-deps`); CI requires it")
    return found


@pytest.fixture(scope="module")
def browser():
    binary = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=binary, headless=True, args=FLAGS)
        yield b
        b.close()


def login(browser, base: str, username: str):
    context = browser.new_context(base_url=base, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/scenarios")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/scenarios")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def add_scenario(page, title: str, marking: str, text: str) -> int:
    page.goto("/scenarios")
    page.fill("#new-scenario input[name=title]", title)
    page.select_option("#new-scenario select[name=marking]", marking)
    page.fill("#new-scenario textarea[name=text]", text)
    page.click("#new-scenario button[type=submit]")
    page.wait_for_url("**/scenarios/*")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def banner(page) -> str:
    return page.get_attribute("#marking-banner", "data-marking")


def test_two_ministries_share_edit_diff_and_comment(server, browser):
    base, _people, _folder = server
    us, jp = login(browser, base, "usa-analyst"), login(browser, base, "jpn-analyst")
    sid = add_scenario(us, "Taiwan: shared warning study", "REL TO JPN, USA", scenario_text(5))
    assert banner(us) == "REL TO JPN, USA"
    us.click("text=Edit")
    us.fill("#editor textarea[name=text]", scenario_text(5).replace("value: 5", "value: -5"))
    us.click("#editor button[value=check]")
    assert "scenario.yaml:4: scenarios.taiwan_base.warning_days" in us.inner_text(".problems")  # the CLI's message
    us.fill("#editor textarea[name=text]", scenario_text(2))
    us.fill("#editor input[name=message]", "two days of warning")
    us.click("#editor button[value=save]")
    us.wait_for_url(f"**/scenarios/{sid}")
    jp.goto("/scenarios")
    jp.click("text=Taiwan: shared warning study")
    assert "two days of warning" in jp.inner_text("#versions")
    jp.click("#latest-diff")
    rows = jp.inner_text("#diff")
    assert "scenarios.taiwan_base.warning_days.value" in rows and "5" in rows and "2" in rows
    assert banner(jp) == "REL TO JPN, USA"
    jp.goto(f"/scenarios/{sid}?lang=ja")
    jp.fill("#comment-form textarea[name=body]", "二日では足りない")
    jp.click("#comment-form button[type=submit]")
    us.goto(f"/scenarios/{sid}")
    assert "二日では足りない" in us.inner_text(".comments")
    assert not us.errors and not jp.errors  # type: ignore[attr-defined]
    us.context.close()
    jp.context.close()


def test_jpn_only_is_invisible_to_the_us_everywhere(server, browser):
    base, _people, _folder = server
    jp, us = login(browser, base, "jpn-analyst"), login(browser, base, "usa-analyst")
    title = "JSDF-internal posture review"
    sid = add_scenario(jp, title, "JPN ONLY", scenario_text(6))
    jp.select_option("#run-form select[name=kind]", "simulate")
    jp.fill("#run-form input[name=reps]", "16")
    jp.click("#run-form button[type=submit]")
    jp.wait_for_url("**/runs/*")
    rid = int(jp.url.rsplit("/", 1)[1])
    pages = [
        "/scenarios",
        "/scenarios?q=posture",
        "/search?q=posture",
        "/search?q=review",
        "/runs",
        "/datasets",
        "/account",
        f"/scenarios/{sid}",
        f"/scenarios/{sid}/edit",
        f"/scenarios/{sid}/versions/1",
        f"/scenarios/{sid}/diff",
        f"/runs/{rid}",
        f"/runs/{rid}/briefing",
        f"/api/scenarios/{sid}",
        f"/api/scenarios/{sid}/export",
        f"/api/runs/{rid}",
    ]
    for path in pages:
        response = us.goto(path)
        text = us.content()
        assert title not in text and "JSDF" not in text, path
        assert "JPN ONLY" not in text, path
        if "/" in path.strip("/"):
            assert response.status == 404, (path, response.status)
    us.context.close()
    jp.context.close()


def test_run_progress_and_briefing(server, browser):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    base, people, _folder = server
    jp = login(browser, base, "jpn-analyst")
    sid = add_scenario(jp, "Nansei: briefing for the ministers", "REL TO JPN, USA", scenario_text(4))
    jp.select_option("#run-form select[name=kind]", "briefing")
    jp.fill("#run-form input[name=reps]", "64")
    jp.select_option("#run-form select[name=lang]", "ja")
    jp.click("#run-form button[type=submit]")
    jp.wait_for_url("**/runs/*")
    rid = int(jp.url.rsplit("/", 1)[1])
    seen: list[tuple[str, float]] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            state = jp.evaluate(
                "() => { const b = document.getElementById('run-status');"
                " return b ? [b.getAttribute('data-status'), b.querySelector('progress').value] : null; }"
            )
        except Exception:  # noqa: BLE001 - the page reloads itself when the run ends
            state = None
        if state:
            seen.append((state[0], float(state[1])))
            if state[0] == "done":
                break
        time.sleep(0.3)
    assert seen and seen[-1][0] == "done", seen[-5:]
    assert any(status == "running" and 0 < p < 1 for status, p in seen), seen[::5]  # live progress was shown
    jp.wait_for_selector("#open-briefing")
    jp.wait_for_function(
        "document.querySelectorAll('figure.chart').length > 0 && [...document.querySelectorAll('figure.chart')]"
        ".every(f => f.classList.contains('rendered') || f.classList.contains('failed'))",
        timeout=60_000,
    )
    assert jp.eval_on_selector_all("figure.chart.rendered", "fs => fs.length") >= 2  # the report's Vega-Lite charts
    with jp.context.expect_page() as opened:
        jp.click("#open-briefing", modifiers=["Shift"])
    brief = opened.value
    brief.wait_for_load_state()
    assert brief.locator(".ps-marking.top").inner_text().startswith("MARKING: REL TO JPN, USA")
    assert brief.evaluate("document.documentElement.lang") == "ja"
    # the downloads carry the marking too
    token = people[("USA", "viewer")].token
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        pdf = c.get(f"/api/runs/{rid}/files/briefing.pdf")
        assert pdf.status_code == 200 and pdf.headers["x-marking"] == "REL TO JPN, USA"
        pages = PdfReader(io.BytesIO(pdf.content)).pages
        assert len(pages) >= 2 and all("MARKING: REL TO JPN, USA" in p.extract_text() for p in pages)
        book = load_workbook(io.BytesIO(c.get(f"/api/runs/{rid}/files/briefing.xlsx").content))
        assert book.worksheets[0]["A1"].value == "MARKING: REL TO JPN, USA"
        assert all(ws.oddHeader.center.text == "MARKING: REL TO JPN, USA" for ws in book.worksheets[1:])
    with tempfile.TemporaryDirectory() as tmp:
        brief.screenshot(path=f"{tmp}/briefing.png")
    assert sid and not jp.errors  # type: ignore[attr-defined]
    jp.context.close()


def test_the_run_list_shows_progress_live(server, browser):
    """The runs page follows queued and running runs in place (one event stream), in the reader's language."""
    base, people, _folder = server
    jp = login(browser, base, "jpn-viewer")
    analyst = people[("JPN", "analyst")]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {analyst.token}"}, timeout=60) as c:
        sid = c.post(
            "/api/scenarios", json={"title": "list follows", "text": scenario_text(3), "marking": "JPN ONLY"}
        ).json()["id"]
        rid = c.post("/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 2048}}).json()["id"]
    jp.goto("/runs?lang=ja")
    row = f'#run-list tr[data-run="{rid}"]'
    jp.wait_for_selector(row)
    jp.evaluate("() => { window.__notReloaded = true; }")
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        state = jp.evaluate(
            f"() => {{ const r = document.querySelector('{row}');"
            " return [r.getAttribute('data-status'), r.querySelector('.status').textContent,"
            " r.querySelector('progress').value, window.__notReloaded === true]; }"
        )
        seen.append(tuple(state))
        if state[0] == "done":
            break
        time.sleep(0.2)
    assert seen[-1][:2] == ("done", "完了") and seen[-1][2] == 1, seen[-3:]
    assert any(s[0] == "running" and s[1] == "実行中" for s in seen), seen[::5]
    assert all(s[3] for s in seen)  # updated in place: the page was never reloaded
    assert not jp.errors  # type: ignore[attr-defined]
    jp.context.close()
