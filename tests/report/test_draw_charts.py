"""The briefing's static charts (report/html.py ``draw_charts``): drawn by a pool of processes when there are many,
one after the other when there are few, and the same SVG either way, in the order of the specs."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from positivesum.report import html


def _specs(n: int) -> list[dict]:
    specs = []
    for k in range(n):
        frame = pd.DataFrame({"x": list(range(5 + 20 * k)), "y": [(i * (k + 1)) % 7 for i in range(5 + 20 * k)]})
        specs.append(html.chart_spec(alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q")))
    return specs


def test_the_pool_draws_the_same_svgs_in_order_and_the_same_bundle():
    specs = _specs(html.POOL_MIN_CHARTS + 1)  # enough charts for the pool (on a machine with two cores)
    svgs, bundle = html.draw_charts(specs, bundle=True)
    assert svgs == [html.chart_svg(s) for s in specs]
    assert all(s.startswith('<svg role="img" ') for s in svgs)
    assert bundle == html.vega_bundle() and "</script" not in bundle


def test_few_charts_are_drawn_here_and_no_bundle_when_not_asked(monkeypatch):
    specs = _specs(2)

    def no_pool(*_a, **_k):
        raise AssertionError("a pool for two charts")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    svgs, bundle = html.draw_charts(specs, bundle=False)
    assert svgs == [html.chart_svg(s) for s in specs] and bundle == ""


@pytest.mark.parametrize("cores", [1, None])
def test_one_core_draws_here(monkeypatch, cores):
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    specs = _specs(html.POOL_MIN_CHARTS)
    assert html.draw_charts(specs, bundle=False)[0] == [html.chart_svg(s) for s in specs]
