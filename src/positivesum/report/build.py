"""Build a report from an analysis: run every section builder in the order of :data:`.sections.SECTIONS`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import i18n
from .document import ReportChart, ReportTable, Section, Translator
from .html import render_fragment
from .sections import SECTIONS


@dataclass
class Report:
    """A built briefing in one language: its sections and the run record (``meta``)."""

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
        return render_fragment(self)


def build_report(analysis: dict, lang: str, sections=SECTIONS) -> Report:
    """Run every section builder (default: all of :data:`SECTIONS`, in order) on ``analysis`` in ``lang``."""
    tr = Translator(lang)
    built = [s for s in (builder(analysis, tr) for builder in sections) if s is not None]
    ids = [t.id for s in built for t in s.tables] + [c.id for s in built for c in s.charts]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate table/chart ids in the report: {sorted(dupes)}")
    dataset = analysis.get("dataset", {})
    title = tr("Alliance briefing") + ": " + tr.label(dataset.get("title_label") or dataset.get("title", ""))
    return Report(title, tr.lang, built, meta=dict(analysis.get("reproducibility", {})))


def analysis_fragment(analysis: dict) -> str:
    """Notebook view of an analysis: the executive summary and scenario outcomes."""
    report = build_report(analysis, i18n.get_language())
    report.sections = [s for s in report.sections if s.id in ("executive_summary", "scenario_outcomes")]
    return render_fragment(report)
