"""Briefings: a language-neutral report model, section builders, HTML/PDF/Excel writers.

The analysis dict comes from :mod:`positivesum.services.report`; no engine imports this package.
"""

from .build import Report, analysis_fragment, build_report
from .document import ReportChart, ReportTable, Section, Translator

__all__ = ["Report", "ReportChart", "ReportTable", "Section", "Translator", "analysis_fragment", "build_report"]
