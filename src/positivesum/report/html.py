"""One self-contained HTML file: inline CSS, inline Vega/Vega-Lite/vega-embed, charts as
interactive views plus static SVG (shown in print and when scripts are off), real tables."""

from __future__ import annotations

import json
import math
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
    return _inert(vlc.javascript_bundle(vl_version=_vl_version()))  # type: ignore[call-arg]


def _inert(bundle: str) -> str:
    """The script bundle made safe to inline: no ``</script`` in it can end the element."""
    return bundle.replace("</script", "<\\/script")


def chart_spec(chart) -> dict:
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict()


def chart_svg(spec: dict) -> str:
    import vl_convert as vlc

    return _accessible(vlc.vegalite_to_svg(spec, vl_version=_vl_version()))


def _accessible(svg: str) -> str:
    return svg.replace("<svg ", '<svg role="img" ', 1)


#: Draw the charts in a pool of processes when there are at least this many and more than one core. vl-convert's
#: JavaScript engine draws one chart at a time in a process: the default briefing's 12 charts took 5.65 s from two
#: threads against 5.79 s one after the other, and 3.6 s from two processes (2026-12-07, 2 cores). Below this
#: many charts the processes' start-up (~0.5 s) costs more than it saves.
POOL_MIN_CHARTS = 6


def draw_charts(specs: list[dict], bundle: bool) -> tuple[list[str], str]:
    """The static SVG of every chart spec, in order, and (``bundle``) the Vega script bundle. On more than one
    core and with :data:`POOL_MIN_CHARTS` or more charts they are drawn by a pool of two spawned processes, the
    largest specs first; each task is vl-convert's own function, so a child imports nothing of ours but its
    start-up. The SVG text is the same either way (vl-convert is deterministic)."""
    import functools
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    import vl_convert as vlc

    if len(specs) < POOL_MIN_CHARTS or (os.cpu_count() or 1) < 2:
        return [chart_svg(s) for s in specs], vega_bundle() if bundle else ""
    version = _vl_version()
    svg_of = functools.partial(vlc.vegalite_to_svg, vl_version=version)
    order = sorted(range(len(specs)), key=lambda i: -len(json.dumps(specs[i])))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        raw = pool.submit(functools.partial(vlc.javascript_bundle, vl_version=version)) if bundle else None
        drawn = {i: pool.submit(svg_of, specs[i]) for i in order}
        svgs = [_accessible(drawn[i].result()) for i in range(len(specs))]
        script = _inert(raw.result()) if raw is not None else ""
    return svgs, script


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
    drawn, bundle = draw_charts(list(specs.values()), bundle=interactive and bool(specs))
    svgs = dict(zip(specs, drawn))
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
        "bundle": bundle,
    }


def render_html(report: Report) -> str:
    """The full, self-contained HTML page."""
    return _env().get_template("report.html.j2").render(**_context(report, interactive=True))


def render_fragment(report: Report) -> str:
    """The report body for a notebook (static SVG charts, no scripts)."""
    return _env().get_template("fragment.html.j2").render(**_context(report, interactive=False))
