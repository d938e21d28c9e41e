"""The report document model and the ordered registry of section builders.

A report is built from an *analysis* dict (JSON-serialisable, made by
:func:`positivesum.report_services.build_analysis`) by running every registered
section builder in order. A builder is a function ``(analysis, tr) -> Section | None``:
it returns ``None`` when the analysis lacks what it needs (builders ignore keys
they do not know). ``tr`` is a :class:`Translator`: ``tr("text")`` translates,
``tr.num(x, 1)`` / ``tr.pct(x)`` format numbers and ``tr.label(obj)`` picks the
``en``/``ja`` label; ``tr.lang`` is the language.

Registering a section from another module::

    from positivesum.report.document import ReportTable, Section, register_section
    from positivesum.i18n import N_

    @register_section(order=610)          # after the cooperation dividend (600)
    def fair_shares(analysis, tr):
        data = analysis.get("alliance", {}).get("fair_shares")
        if not data:
            return None
        frame = pandas.DataFrame(data["rows"]).rename(columns={"actor": tr("Actor"), "share": tr("Fair share")})
        text = tr("Shares computed with {method}.").format(method=data["method"])
        return Section("fair_shares", tr("Fair shares"), paragraphs=[text],
                       tables=[ReportTable("fair_shares", tr("Fair shares by actor"), frame, formats={tr("Fair share"): "pct"})])

The section id is the builder's ``Section.id`` (also the HTML ``id``). Orders in use:
100 executive summary, 200 scenario outcomes, 300 losses and munitions over time,
400 budgets, 500 portfolios, 600 cooperation dividend, **610–690 reserved for the
alliance sections** (``fair_shares`` 610, ``intervention_matrix`` 620, ``roles`` 630,
``command`` 640, defined in ``report/sections_alliance.py``, imported automatically if
present), 700 assumptions, 710 calibration, 720 data sources, 800 reproducibility.
Strings shown to readers must go through ``tr(...)`` with a literal msgid so that
``pybabel extract`` finds them (``N_()`` marks constants), and need a Japanese entry in
``locale/ja/LC_MESSAGES/positivesum.po``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import i18n

TABLE_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
RESERVED = {"fair_shares": 610, "intervention_matrix": 620, "roles": 630, "command": 640}


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
            raise ValueError(f"table id '{self.id}' must be lower-case letters, digits and '_' and at most 31 characters")
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


@dataclass
class Report:
    title: str
    lang: str
    sections: list[Section]
    meta: dict[str, Any] = field(default_factory=dict)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def tables(self) -> list[ReportTable]:
        return [t for s in self.sections for t in s.tables]

    def charts(self) -> list[ReportChart]:
        return [c for s in self.sections for c in s.charts]

    def _repr_html_(self) -> str:
        from .html import render_fragment

        return render_fragment(self)


SectionBuilder = Callable[[dict, Translator], "Section | None"]
_REGISTRY: list[tuple[int, str, SectionBuilder]] = []


def register_section(order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator: add a section builder at position ``order`` (lower comes first).

    Registering the same function again (a module re-import) replaces the old entry."""

    def deco(fn: SectionBuilder) -> SectionBuilder:
        key = f"{fn.__module__}.{fn.__qualname__}"
        _REGISTRY[:] = [entry for entry in _REGISTRY if entry[1] != key]
        if any(o == order for o, _k, _f in _REGISTRY):
            raise ValueError(f"section order {order} is already taken; choose another (see report/document.py)")
        _REGISTRY.append((order, key, fn))
        _REGISTRY.sort(key=lambda e: e[0])
        return fn

    return deco


def registered_sections() -> list[tuple[int, str, SectionBuilder]]:
    """(order, qualified name, builder) of every registered builder, in order."""
    _load_builders()
    return list(_REGISTRY)


BUILDER_MODULES = (".sections", ".sections_planning", ".sections_audit")


def _load_builders() -> None:
    for name in BUILDER_MODULES:
        importlib.import_module(name, __package__)
    try:
        importlib.import_module(".sections_alliance", __package__)
    except ModuleNotFoundError as e:
        if e.name != f"{__package__}.sections_alliance":
            raise


def build_report(analysis: dict, lang: str) -> Report:
    """Run every registered builder on ``analysis`` in language ``lang``."""
    tr = Translator(lang)
    sections = []
    for _order, _key, builder in registered_sections():
        section = builder(analysis, tr)
        if section is not None:
            sections.append(section)
    ids = [t.id for s in sections for t in s.tables] + [c.id for s in sections for c in s.charts]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate table/chart ids in the report: {sorted(dupes)}")
    title = tr("Alliance briefing") + ": " + tr.label(analysis.get("dataset", {}).get("title_label") or analysis.get("dataset", {}).get("title", ""))
    return Report(title, tr.lang, sections, meta=dict(analysis.get("reproducibility", {})))
