"""Briefings: a language-neutral report model, section builders, HTML/PDF/Excel writers.

This package imports the engines (through the analysis dict built by
:mod:`positivesum.report_services`); no engine imports it.
"""

from .document import Report, ReportChart, ReportTable, Section, Translator, build_report, register_section

__all__ = ["Report", "ReportChart", "ReportTable", "Section", "Translator", "build_report", "register_section"]
