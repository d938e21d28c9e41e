"""Altair charts for the briefing: readable titles, units in axis titles, Okabe–Ito colours, tooltips.

Every function takes tidy pandas frames whose text columns are already translated and the
report's :class:`~positivesum.report.document.Translator` for axis titles.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
"""Okabe & Ito (2008) colour-blind-safe palette, blue first."""
FONT = "Noto Sans, Noto Sans CJK JP, Hiragino Sans, Yu Gothic, sans-serif"
WIDTH = 640


def config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts, sizes and a white background shared by every chart."""
    return (
        chart.configure(font=FONT, background="white")
        .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=300, titleFontWeight="normal")
        .configure_legend(
            labelFontSize=11, titleFontSize=12, labelLimit=320, orient="bottom", direction="vertical", columns=2
        )
        .configure_title(fontSize=14, anchor="start")
        .configure_header(labelFontSize=11, titleFontSize=12, labelLimit=300)
        .configure_view(stroke="#ccc")
    )


def _colour(field: str, title: str, domain: list[str]) -> alt.Color:
    return alt.Color(
        f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=OKABE_ITO[: len(domain)]), sort=domain
    )


def _series(frame: pd.DataFrame, values: list[str]) -> alt.Chart:
    """A chart of a long time-series frame, stored one row per series with ``values`` as lists and expanded by
    Vega-Lite's ``flatten`` transform. The same points are drawn (the same SVG as from the long frame), but the briefing embeds
    each series' long labels (scenario, actor, munition) once instead of once per day: the two time-series charts'
    data went from 4,040 and 2,910 rows (583 and 547 kB of the HTML) to 76 and 53 rows (68 and 69 kB)."""
    keys = [c for c in frame.columns if c not in values]
    grouped = frame.groupby(keys, sort=False)[values].agg(list).reset_index()
    fields: list[str | alt.FieldName] = list(values)
    return alt.Chart(grouped).transform_flatten(fields)


def outcomes(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Grouped bars of outcome probabilities per scenario with 95% interval error bars.

    Columns: scenario, outcome, p, low, high (fractions)."""
    order = list(dict.fromkeys(frame["outcome"]))
    scen = list(dict.fromkeys(frame["scenario"]))
    y = alt.Y("scenario:N", title=None, sort=scen)
    base = alt.Chart(frame).encode(y=y, yOffset=alt.YOffset("outcome:N", sort=order))
    tooltip = [
        alt.Tooltip("scenario:N", title=tr("Scenario")),
        alt.Tooltip("outcome:N", title=tr("Outcome")),
        alt.Tooltip("p:Q", title=tr("Probability"), format=".1%"),
        alt.Tooltip("low:Q", title=tr("95% CI, low"), format=".1%"),
        alt.Tooltip("high:Q", title=tr("95% CI, high"), format=".1%"),
    ]
    bars = base.mark_bar(height={"band": 1}).encode(
        x=alt.X(
            "p:Q",
            title=tr("Probability (share of replications, %)"),
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=_colour("outcome", tr("Outcome"), order),
        tooltip=tooltip,
    )
    errors = base.mark_rule(color="black", strokeWidth=1.2).encode(x="low:Q", x2="high:Q", tooltip=tooltip)
    height = max(160, 13 * len(order) * len(scen))
    return config(alt.layer(bars, errors).properties(width=WIDTH - 240, height=height, title=title))


def losses_over_time(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Cumulative losses by day, one panel per scenario; colour = actor, dash = kind (aircraft solid, ships dashed).
    Columns: scenario, day, actor, kind, units."""
    order = list(dict.fromkeys(frame["actor"]))
    kinds = list(dict.fromkeys(frame["kind"]))
    chart = (
        _series(frame, ["day", "units"])
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("day:Q", title=tr("Day of the campaign (days from D-day)")),
            y=alt.Y("units:Q", title=tr("Units lost, cumulative (mean per replication)")),
            color=_colour("actor", tr("Actor"), order),
            strokeDash=alt.StrokeDash(
                "kind:N",
                sort=kinds,
                title=tr("Losses"),
                scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 3], [2, 2]][: len(kinds)]),
            ),
            detail="kind:N",
            tooltip=[
                alt.Tooltip("scenario:N", title=tr("Scenario")),
                alt.Tooltip("actor:N", title=tr("Actor")),
                alt.Tooltip("kind:N", title=tr("Losses")),
                alt.Tooltip("day:Q", title=tr("Day"), format=".1f"),
                alt.Tooltip("units:Q", title=tr("Units"), format=",.1f"),
            ],
        )
    )
    return config(
        chart.properties(width=280, height=150)
        .facet(facet=alt.Facet("scenario:N", title=None, sort=list(dict.fromkeys(frame["scenario"]))), columns=2)
        .properties(title=title)
        # each panel its own day range: with a shared axis the 30-day campaigns filled a fifth of their panels,
        # squeezed beside the 140-day blockades
        .resolve_scale(x="independent", y="independent")
    )


def stocks_over_time(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Munition stock left (% of the day-0 stock), one panel per scenario. Columns: scenario, day, pool, share."""
    order = list(dict.fromkeys(frame["pool"]))
    chart = (
        _series(frame, ["day", "share"])
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("day:Q", title=tr("Day of the campaign (days from D-day)")),
            y=alt.Y(
                "share:Q",
                title=tr("Stock left (% of day-0 stock)"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=_colour("pool", tr("Munition stock"), order),
            tooltip=[
                alt.Tooltip("scenario:N", title=tr("Scenario")),
                alt.Tooltip("pool:N", title=tr("Munition stock")),
                alt.Tooltip("day:Q", title=tr("Day"), format=".1f"),
                alt.Tooltip("share:Q", title=tr("Stock left"), format=".0%"),
            ],
        )
    )
    return config(
        chart.properties(width=280, height=150)
        .facet(facet=alt.Facet("scenario:N", title=None, sort=list(dict.fromkeys(frame["scenario"]))), columns=2)
        .properties(title=title)
        .resolve_scale(x="independent")  # each panel its own day range (losses_over_time)
    )


def budget_share(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Defence budget as % of GDP by actor and year. Columns: actor, year, share, budget_musd."""
    order = list(dict.fromkeys(frame["actor"]))
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("year:O", title=tr("Year")),
            y=alt.Y("share:Q", title=tr("Defence budget (% of GDP)"), axis=alt.Axis(format=".1%")),
            color=_colour("actor", tr("Actor"), order),
            tooltip=[
                alt.Tooltip("actor:N", title=tr("Actor")),
                alt.Tooltip("year:O", title=tr("Year")),
                alt.Tooltip("share:Q", title=tr("% of GDP"), format=".2%"),
                alt.Tooltip("budget_musd:Q", title=tr("Budget (million USD)"), format=",.0f"),
            ],
        )
    )
    return config(chart.properties(width=WIDTH - 100, height=260, title=title))


def portfolio(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Acquisition money by mission area and regime. Columns: area, regime, musd."""
    order = list(dict.fromkeys(frame["regime"]))
    areas = list(dict.fromkeys(frame["area"]))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("area:N", title=None, sort=areas),
            yOffset=alt.YOffset("regime:N", sort=order),
            x=alt.X("musd:Q", title=tr("Acquisition cost (million USD, constant prices)")),
            color=_colour("regime", tr("Regime"), order),
            tooltip=[
                alt.Tooltip("regime:N", title=tr("Regime")),
                alt.Tooltip("area:N", title=tr("Mission area")),
                alt.Tooltip("musd:Q", title=tr("Million USD"), format=",.0f"),
            ],
        )
    )
    return config(chart.properties(width=WIDTH - 220, height=max(160, 9 * len(order) * len(areas)), title=title))


def deterrence(frame: pd.DataFrame, tr, title: str) -> alt.TopLevelMixin:
    """Weighted deterrence by regime (simulated), with each regime's 95% interval as an error bar (a Monte Carlo
    estimate is shown with its interval). Columns: regime, deterrence, low, high, cost_musd."""
    order = list(frame["regime"])
    base = alt.Chart(frame).encode(y=alt.Y("regime:N", title=None, sort=order))
    tooltip = [
        alt.Tooltip("regime:N", title=tr("Regime")),
        alt.Tooltip("deterrence:Q", title=tr("Deterrence"), format=".3f"),
        alt.Tooltip("low:Q", title=tr("95% CI, low"), format=".3f"),
        alt.Tooltip("high:Q", title=tr("95% CI, high"), format=".3f"),
        alt.Tooltip("cost_musd:Q", title=tr("Acquisition cost (million USD)"), format=",.0f"),
    ]
    bars = base.mark_bar().encode(
        x=alt.X("deterrence:Q", title=tr("Weighted deterrence, simulated (0–1)"), scale=alt.Scale(domain=[0, 1])),
        color=_colour("regime", tr("Regime"), order).legend(None),
        tooltip=tooltip,
    )
    errors = base.mark_rule(color="black", strokeWidth=1.2).encode(x="low:Q", x2="high:Q", tooltip=tooltip)
    # the value beside the interval's end, where the error bar does not run through it
    text = base.mark_text(align="left", dx=4).encode(x="high:Q", text=alt.Text("deterrence:Q", format=".3f"))
    return config(alt.layer(bars, errors, text).properties(width=WIDTH - 240, height=30 * len(order), title=title))
