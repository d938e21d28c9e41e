"""Marked outputs: the briefing (HTML, PDF, Excel) and the run dashboards, each carrying its marking.

The briefing is the report's own (:mod:`positivesum.report`); here it gets the marking banner at the top and
bottom of the page — fixed, so that Chromium repeats it on every printed PDF page — and the Excel workbook
gets the marking in every sheet's header and footer and in a first sheet that states it.
"""

from __future__ import annotations

import html
import io
import tempfile
from pathlib import Path
from typing import Any

from ..model.errors import InputError
from ..services.outputs import to_json_text
from . import markings as mk

BANNER_CSS = """
.ps-marking{position:fixed;left:0;right:0;z-index:1000;text-align:center;font:600 12px/1.6 system-ui,sans-serif;
 letter-spacing:.04em;background:#fff3c4;color:#3b2f00;border:1px solid #c9a400;padding:2px 8px;}
.ps-marking.top{top:0}.ps-marking.bottom{bottom:0}
body{padding-top:28px!important;padding-bottom:28px!important}
@media print{.ps-marking{position:fixed}.ps-marking.top{top:0}.ps-marking.bottom{bottom:0}}
"""


def banner_text(marking: str) -> str:
    return f"MARKING: {marking} — handling metadata for unclassified work, not a classification"


def mark_html(page: str, marking: str) -> str:
    """``page`` with the marking banner (top and bottom, on screen and on every printed page)."""
    text = html.escape(banner_text(marking))
    top = f'<div class="ps-marking top" role="note" data-marking="{html.escape(marking)}">{text}</div>'
    bottom = f'<div class="ps-marking bottom" role="note">{text}</div>'
    style = f"<style>{BANNER_CSS}</style>"
    if "</head>" in page:
        page = page.replace("</head>", style + "</head>", 1)
    else:
        page = style + page
    if "<body>" in page:
        return page.replace("<body>", "<body>" + top, 1).replace("</body>", bottom + "</body>", 1)
    return top + page + bottom


def mark_excel(content: bytes, marking: str) -> bytes:
    """The workbook with the marking in every sheet's header and footer and a first sheet stating it."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    book = load_workbook(io.BytesIO(content))
    for ws in book.worksheets:
        ws.oddHeader.center.text = f"MARKING: {marking}"
        ws.oddFooter.center.text = f"MARKING: {marking}"
    first = book.create_sheet("Marking", 0)
    first["A1"] = f"MARKING: {marking}"
    first["A2"] = mk.NOTICE
    first.column_dimensions["A"].width = 120
    book.properties.subject = f"MARKING: {marking}"
    book.properties.keywords = marking
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def briefing_files(analysis: dict[str, Any], lang: str, marking: str) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """{name: (media type, bytes)} of the marked briefing (HTML, PDF, Excel, analysis.json) and notes (e.g. no
    Chromium for the PDF)."""
    from ..report import build_report
    from ..report.exports import write_excel
    from ..report.html import render_html
    from ..report.pdf import write_pdf

    report = build_report(analysis, lang)
    page = mark_html(render_html(report), marking)
    notes: list[str] = []
    files: dict[str, tuple[str, bytes]] = {
        "briefing.html": ("text/html; charset=utf-8", page.encode("utf-8")),
        "analysis.json": ("application/json", to_json_text({"marking": marking, **analysis}).encode("utf-8")),
    }
    with tempfile.TemporaryDirectory(prefix="positivesum-briefing-") as tmp:
        folder = Path(tmp)
        (folder / "briefing.html").write_text(page, encoding="utf-8")
        write_excel(report, folder / "briefing.xlsx")
        files["briefing.xlsx"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            mark_excel((folder / "briefing.xlsx").read_bytes(), marking),
        )
        try:
            write_pdf(folder / "briefing.html", folder / "briefing.pdf", notes)
            files["briefing.pdf"] = ("application/pdf", (folder / "briefing.pdf").read_bytes())
        except InputError as e:
            notes.append("no PDF: " + " ".join(p.message for p in e.problems))
    return files, notes
