"""The report document model: a language-neutral list of sections with tables and charts.

A report is built from an *analysis* dict (JSON-serialisable, made by
:func:`positivesum.services.report.build_analysis`) by :func:`positivesum.report.build.build_report`,
which runs every builder of :data:`positivesum.report.sections.SECTIONS` in order. A builder is a
function ``(analysis, tr) -> Section | None``; ``tr`` is a :class:`Translator`: ``tr("text")``
translates, ``tr.num(x, 1)`` / ``tr.pct(x)`` format numbers and ``tr.label(obj)`` picks the ``en``/``ja``
label; ``tr.lang`` is the language. Strings shown to readers go through ``tr(...)`` with a literal msgid
so that ``pybabel extract`` finds them (``N_()`` marks constants) and need a Japanese entry in
``locale/ja/LC_MESSAGES/positivesum.po``; shared terms live in :mod:`positivesum.report.labels`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import i18n

TABLE_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


class Translator:
    """Translation and formatting in one language, handed to every section builder."""

    def __init__(self, lang: str):
        self.lang = i18n.resolve_language(lang)
        self._t = i18n.translations(self.lang)

    def __call__(self, message: str) -> str:
        return self._t.gettext(message)

    def num(self, value: Any, digits: int = 0) -> str:
        return i18n.format_number(value, digits, self.lang)

    def pct(self, value: Any, digits: int = 0) -> str:
        return i18n.format_percent(value, digits, self.lang)

    def label(self, obj: Any) -> str:
        return i18n.label(obj, self.lang)


@dataclass
class ReportTable:
    """A table: ``id`` is both the HTML table id and the Excel sheet name (≤ 31 chars).

    ``formats`` maps a column to ``"int"``, ``"float1"``/``"float2"``/``"float3"`` or ``"pct"``
    (a fraction shown as a percentage) for display; the frame keeps the values themselves."""

    id: str
    caption: str
    frame: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not TABLE_ID.match(self.id):
            raise ValueError(
                f"table id '{self.id}' must be lower-case letters, digits and '_' and at most 31 characters"
            )
        self.frame = self.frame.reset_index(drop=True)
        self.frame.columns = [str(c) for c in self.frame.columns]


@dataclass
class ReportChart:
    """An Altair chart with its (translated) title; ``id`` becomes the chart container's id."""

    id: str
    title: str
    chart: Any
    description: str = ""


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[ReportChart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
