"""Result dashboards: a run's result shown with the report's own sections, tables and Vega-Lite charts.

A simulation (and a briefing) stores its analysis (``analysis.json``); the dashboard is the report's
sections for it (:func:`positivesum.report.build_report`) with each chart's Vega-Lite spec drawn in the
page by vega-embed (``/vega.js``, the bundle the briefing inlines). Other kinds show their key tables.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

_cache: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def analysis_view(run_id: int, analysis: dict[str, Any], lang: str) -> dict[str, Any]:
    """{title, sections: [{id, title, paragraphs, notes, charts: [{id, title, description, spec_json}], tables}]}"""
    key = (run_id, lang)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    from ..report import build_report
    from ..report.document import Translator
    from ..report.html import chart_spec, script_json, table_view

    report = build_report(analysis, lang)
    tr = Translator(lang)
    sections = []
    for s in report.sections:
        sections.append(
            {
                "id": s.id,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "notes": s.notes,
                "charts": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "description": c.description,
                        "spec_json": script_json(chart_spec(c.chart)),
                    }
                    for c in s.charts
                ],
                "tables": [table_view(t, tr) for t in s.tables],
            }
        )
    view = {"title": report.title, "sections": sections}
    with _lock:
        _cache[key] = view
        while len(_cache) > 32:
            _cache.popitem(last=False)
    return view


def result_tables(kind: str, result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Key tables of a result the report has no sections for on its own ({caption, columns, rows})."""
    if not result:
        return []
    if kind == "compare-regimes":
        rows = [
            [
                name,
                _num(r["simulated"]["weighted_deterrence"]),
                _interval(((r.get("measures") or {}).get("deterrence") or {}).get("ci95")),
            ]
            for name, r in result.get("regimes", {}).items()
        ]
        tables = [
            {
                "caption": "Regimes: weighted deterrence (simulated)",
                "columns": ["regime", "weighted deterrence", "95% interval"],
                "rows": rows,
            }
        ]
        div = result.get("cooperation_dividend") or {}
        if div:
            tables.append(
                {
                    "caption": "Cooperation dividend (joint against each regime; paired 95% intervals)",
                    "columns": ["regime", "deterrence gain at equal money", "95% interval", "at the check seed"],
                    "rows": [
                        [
                            k,
                            _num(v.get("deterrence_gain_at_equal_money")),
                            _interval(v.get("deterrence_gain_at_equal_money_ci95"))
                            + (" (includes zero)" if v.get("deterrence_gain_includes_zero") else ""),
                            _num((v.get("deterrence_gain_check_seed") or {}).get("mean"))
                            + " "
                            + _interval((v.get("deterrence_gain_check_seed") or {}).get("ci95")),
                        ]
                        for k, v in div.items()
                    ],
                }
            )
        return tables
    if kind == "fair-shares":
        cols = ["player", "alone", "shapley", "shapley_pct", "nucleolus"]
        ci = ((result.get("intervals") or {}).get("rules") or {}).get("shapley") or {}
        return [
            {
                "caption": "Fair shares (95% intervals by bootstrap over parameter draws)",
                "columns": [*cols, "shapley_pct 95% interval"],
                "rows": [
                    [_num(r.get(c)) for c in cols] + [_interval((ci.get(r.get("player")) or {}).get("share_pct_ci95"))]
                    for r in result.get("shares", [])
                ],
            }
        ]
    return [
        {
            "caption": "Result",
            "columns": ["key", "value"],
            "rows": [[k, json.dumps(v)[:200]] for k, v in result.items()],
        }
    ]


def _interval(ci: Any) -> str:
    """A 95 % interval as "[low, high]" ("" where the result has none)."""
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    return f"[{_num(float(ci[0]))}, {_num(float(ci[1]))}]"


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)
