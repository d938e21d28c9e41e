"""The briefing's two time-series charts (report/charts.py ``losses_over_time``, ``stocks_over_time``): their data
are stored one row per series and expanded by Vega-Lite's ``flatten``, which must draw exactly what the long
frame draws; each panel keeps its own day range."""

from __future__ import annotations

import altair as alt
import pandas as pd

from positivesum.report import charts, html
from positivesum.report.document import Translator

LONG_LABEL = "Taiwan invasion: CSIS base case (US air-sea, full Japanese access)"


def _losses() -> pd.DataFrame:
    rows = []
    for scenario, days in ((LONG_LABEL, 30), ("Taiwan blockade", 140)):
        for actor in ("People's Republic of China", "Japan"):
            for kind in ("aircraft", "ships"):
                rows += [
                    {"scenario": scenario, "day": float(d), "actor": actor, "kind": kind, "units": d * 0.7 + len(actor)}
                    for d in range(1, days + 1)
                ]
    return pd.DataFrame(rows)


def _long_format(chart: alt.TopLevelMixin, frame: pd.DataFrame) -> dict:
    """The same chart with the long frame as its data and no flatten: what the briefing drew before."""
    spec = html.chart_spec(chart)
    (name,) = spec["datasets"]
    spec["datasets"][name] = frame.to_dict(orient="records")
    inner = spec["spec"]  # the faceted chart's own spec holds the transform
    inner["transform"] = [t for t in inner["transform"] if "flatten" not in t]
    if not inner["transform"]:
        del inner["transform"]
    return spec


def test_the_losses_chart_stores_one_row_per_series_and_draws_what_the_long_frame_draws():
    frame = _losses()
    chart = charts.losses_over_time(frame, Translator("en"), "Losses")
    spec = html.chart_spec(chart)
    (rows,) = spec["datasets"].values()
    assert len(rows) == 8 and len(frame) == 2 * 2 * (30 + 140)  # 2 scenarios × 2 actors × 2 kinds
    assert {"flatten": ["day", "units"]} in spec["spec"]["transform"]
    assert sum(len(r["day"]) for r in rows) == len(frame)
    assert len(str(spec)) < len(str(_long_format(chart, frame))) / 5  # the long labels once per series
    assert html.chart_svg(spec) == html.chart_svg(_long_format(chart, frame))


def test_the_stocks_chart_is_flattened_too_and_each_panel_has_its_own_day_range():
    frame = pd.DataFrame(
        [
            {"scenario": s, "day": float(d), "pool": "Japan: Type 12", "share": 1 - d / (days + 1)}
            for s, days in ((LONG_LABEL, 30), ("Taiwan blockade", 140))
            for d in range(1, days + 1)
        ]
    )
    chart = charts.stocks_over_time(frame, Translator("en"), "Stocks")
    spec = html.chart_spec(chart)
    assert len(next(iter(spec["datasets"].values()))) == 2
    assert spec["resolve"]["scale"]["x"] == "independent"
    assert html.chart_spec(charts.losses_over_time(_losses(), Translator("en"), "L"))["resolve"]["scale"]["x"] == (
        "independent"
    )
    svg = html.chart_svg(spec)
    assert svg == html.chart_svg(_long_format(chart, frame))
    # the 30-day panel's axis ends at 30, not at the blockade's 140
    assert ">30<" in svg and ">140<" in svg


def test_the_regimes_deterrence_and_the_fair_shares_carry_their_intervals_as_error_bars():
    from positivesum.report.sections import alliance

    frame = pd.DataFrame(
        [
            {"regime": "Joint planning", "deterrence": 0.565, "low": 0.524, "high": 0.605, "cost_musd": 24823.0},
            {"regime": "Spending targets", "deterrence": 0.532, "low": 0.491, "high": 0.573, "cost_musd": 17751.0},
        ]
    )
    spec = html.chart_spec(charts.deterrence(frame, Translator("en"), "D"))
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "text"]
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "high"
    shares = pd.DataFrame(
        [
            {"item": "Japan", "series": "Shapley", "value": 0.282, "low": 0.241, "high": 0.328},
            {"item": "Japan", "series": "GDP", "value": 0.12, "low": None, "high": None},  # data: no interval
        ]
    )
    bars = html.chart_spec(alliance._bars(shares, Translator("en"), "S", "Share", "Measure", percent=True))
    assert [layer["mark"]["type"] for layer in bars["layer"]] == ["bar", "rule"]
    plain = html.chart_spec(alliance._bars(shares.drop(columns=["low", "high"]), Translator("en"), "S", "x", "y"))
    assert plain["mark"]["type"] == "bar" and "layer" not in plain
