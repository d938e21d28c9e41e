"""One self-contained HTML file: inline CSS, inline Vega/Vega-Lite/vega-embed, charts as
interactive views plus static SVG (shown in print and when scripts are off), real tables."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import altair as alt
import jinja2

from .. import __version__
from .document import ReportTable, Translator

if TYPE_CHECKING:  # the built report type; build.py imports this module to render it
    from .build import Report

NUMERIC_FORMATS = {
    "int": ("num", 0),
    "year": ("year", 0),
    "float1": ("num", 1),
    "float2": ("num", 2),
    "float3": ("num", 3),
    "pct": ("pct", 0),
    "pct1": ("pct", 1),
    "pct2": ("pct", 2),
}


def _vl_version() -> str | None:
    import vl_convert as vlc

    mm = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return mm if mm in vlc.get_vegalite_versions() else None


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (no network needed)."""
    import vl_convert as vlc

    # vl_convert's stub marks `snippet` as required; at run time it defaults to None (the global-assignment snippet)
    bundle = vlc.javascript_bundle(vl_version=_vl_version())  # type: ignore[call-arg]
    return bundle.replace("</script", "<\\/script")


def chart_spec(chart) -> dict:
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict()


def chart_svg(spec: dict) -> str:
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version())
    return svg.replace("<svg ", '<svg role="img" ', 1)


def script_json(payload: Any) -> str:
    """JSON that is inert inside an HTML ``<script>`` element whatever the data's text holds.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (still the same JSON), so that no
    name from a data file — ``</script>``, ``<!--`` (which switches the HTML parser into the script's
    "escaped" state and hides the closing tag), ``<![CDATA[`` — can end the element or start markup
    (HTML Living Standard §4.12.1.3, restrictions for contents of script elements)."""
    text = json.dumps(payload, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def cell(value: Any, fmt: str | None, tr: Translator) -> dict[str, Any]:
    """Display text, raw value (for data-value) and whether the cell is numeric."""
    if hasattr(value, "item"):
        value = value.item()
    if fmt in NUMERIC_FORMATS and (_is_number(value) or value is None):
        kind, digits = NUMERIC_FORMATS[fmt]
        missing = value is None or not math.isfinite(float(value))
        text = (
            "–"
            if missing
            else (
                str(int(value)) if kind == "year" else tr.pct(value, digits) if kind == "pct" else tr.num(value, digits)
            )
        )
        return {"text": text, "value": "" if missing else repr(float(value)), "numeric": True}
    if _is_number(value):
        missing = not math.isfinite(float(value))
        return {
            "text": "–" if missing else tr.num(value, 0 if float(value).is_integer() else 2),
            "value": "" if missing else repr(float(value)),
            "numeric": True,
        }
    return {"text": "" if value is None else str(value), "value": None, "numeric": False}


def table_view(table: ReportTable, tr: Translator) -> dict[str, Any]:
    cols = list(table.frame.columns)
    rows = [
        [cell(v, table.formats.get(c), tr) for c, v in zip(cols, row)]
        for row in table.frame.itertuples(index=False, name=None)
    ]
    return {
        "id": table.id,
        "caption": table.caption,
        "columns": cols,
        "rows": rows,
        "notes": table.notes,
        "units": table.units,
    }


def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _context(report: Report, *, interactive: bool) -> dict[str, Any]:
    tr = Translator(report.lang)
    sections, specs = [], {}
    for s in report.sections:
        for c in s.charts:
            specs[c.id] = chart_spec(c.chart)
    # vl-convert renders in its own engine, outside the GIL: the charts and the script bundle side by side
    with ThreadPoolExecutor(max_workers=2) as pool:
        bundle = pool.submit(vega_bundle) if interactive and specs else None
        svgs = dict(zip(specs, pool.map(chart_svg, specs.values())))
    for s in report.sections:
        chart_views = [
            {"id": c.id, "title": c.title, "description": c.description, "svg": svgs[c.id]} for c in s.charts
        ]
        sections.append(
            {
                "id": s.id,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "notes": s.notes,
                "charts": chart_views,
                "tables": [table_view(t, tr) for t in s.tables],
            }
        )
    meta = report.meta
    generated = tr("Made with positivesum {version} on {date}; seed {seed}; data SHA-256 {hash}.").format(
        version=meta.get("version", __version__),
        date=(meta.get("date") or "")[:10],
        seed=meta.get("seed", ""),
        hash=(meta.get("data_sha256") or "")[:12],
    )
    return {
        "lang": report.lang,
        "title": report.title,
        "sections": sections,
        "generated": generated,
        "contents": tr("Contents"),
        "interactive": interactive,
        "css": resources.files(__package__).joinpath("templates", "report.css").read_text(encoding="utf-8"),
        "specs_json": script_json(specs) if interactive else "",
        "bundle": bundle.result() if bundle is not None else "",
    }


def render_html(report: Report) -> str:
    """The full, self-contained HTML page."""
    return _env().get_template("report.html.j2").render(**_context(report, interactive=True))


def render_fragment(report: Report) -> str:
    """The report body for a notebook (static SVG charts, no scripts)."""
    return _env().get_template("fragment.html.j2").render(**_context(report, interactive=False))
