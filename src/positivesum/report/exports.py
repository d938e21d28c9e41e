"""Excel workbook (one sheet per report table) and CSV/Parquet copies of every table.

Sheet names are the table ids (at most 31 characters, unique), which are also the ids of the
HTML tables. The workbook is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .document import ReportTable

if TYPE_CHECKING:
    from .build import Report

EXCEL_FORMATS = {
    "int": "#,##0",
    "year": "0",
    "float1": "#,##0.0",
    "float2": "#,##0.00",
    "float3": "0.000",
    "pct": "0%",
    "pct1": "0.0%",
    "pct2": "0.00%",
}


def sheet_names(tables: list[ReportTable]) -> list[str]:
    names = [t.id[:31] for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"table ids are not unique: {names}")
    return names


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of one type each (text columns as strings) so Parquet and Excel accept them."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            values = out[col].dropna()
            if len(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                out[col] = pd.to_numeric(out[col])
            else:
                out[col] = out[col].map(lambda v: None if v is None else str(v))
    return out


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters with which a spreadsheet may read a cell as a formula (OWASP, CSV Injection)."""
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?$")


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet runs: a leading ``=``, ``+``, ``-``, ``@``, tab or line break gets a
    leading apostrophe, as OWASP's CSV-injection guidance recommends (Excel shows the text and hides the
    apostrophe). Plain numbers written as text ("-0.5", "+3%") and a lone dash are left alone: they
    cannot be formulas."""
    if not text or text[0] not in FORMULA_TRIGGERS or text in ("-", "+") or _PLAIN_NUMBER.match(text):
        return text
    return "'" + text


def _inert_text_cells(ws) -> None:
    """In the workbook, text stays text: a cell whose text would start a formula is stored as a string with
    Excel's quote prefix (shown exactly as written, never evaluated, not even after editing)."""
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value and neutralise(c.value) != c.value:
                c.data_type = "s"
                c.quotePrefix = True


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells and column headings neutralised for CSV (Parquet keeps the data as it is)."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_excel(report: Report, path: Path) -> Path:
    """One sheet per table, with the table's caption in the workbook's sheet properties and number formats."""
    tables = report.tables()
    names = sheet_names(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part.xlsx")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for table, name in zip(tables, names):
            frame = _clean(table.frame)
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            _inert_text_cells(ws)
            for j, col in enumerate(frame.columns, start=1):
                fmt = EXCEL_FORMATS.get(table.formats.get(col, ""))
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
                ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(60, width)
                if fmt:
                    for row in range(2, len(frame) + 2):
                        ws.cell(row=row, column=j).number_format = fmt
            ws.freeze_panes = "A2"
        writer.book.properties.title = report.title
    tmp.replace(path)
    return path


def write_tables(report: Report, directory: Path) -> Path:
    """``directory/ID.csv`` (UTF-8) and ``directory/ID.parquet`` for every table, in a new folder.

    The folder must not exist: the briefing writes it inside its own staging folder
    (``services.outputs.StagingFolder``), so nothing of the user's is ever removed here."""
    directory.mkdir(parents=True, exist_ok=False)
    for table in report.tables():
        frame = _clean(table.frame)
        _spreadsheet_safe(frame).to_csv(directory / f"{table.id}.csv", index=False, encoding="utf-8")
        frame.to_parquet(directory / f"{table.id}.parquet", index=False)
    return directory
