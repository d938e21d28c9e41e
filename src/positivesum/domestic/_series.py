"""Year-keyed data series: parse labels, pick one value per year, extend beyond the data.

The dataset keys money series by labels such as ``JFY2026`` (Japanese fiscal year),
``FY2025`` (US fiscal year), ``CY2024`` or ``2024``. The domestic engines work with integer
years: the four digits of the label. Where one year carries two labels (Japan's GDP has both
``CY2024`` and ``JFY2024``), the label whose prefix matches the series it is compared with wins,
so that a budget and the GDP it is divided by follow the same fiscal-year convention.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from ..model.base import Quantity

_YEAR = re.compile(r"(\d{4})")


def year_of(label: str) -> int:
    """The four-digit year in a series label (``'JFY2026'`` → 2026)."""
    match = _YEAR.search(label)
    if not match:
        raise ValueError(f"series label {label!r} has no four-digit year — write e.g. 'JFY2026', 'FY2025' or '2024'")
    return int(match.group(1))


def prefix_of(label: str) -> str:
    """The letters before the year (``'JFY2026'`` → ``'JFY'``, ``'2024'`` → ``''``)."""
    match = _YEAR.search(label)
    return label[: match.start()] if match else label


def dominant_prefix(labels: Iterable[str]) -> str | None:
    """The most common label prefix of a series (``None`` for an empty series)."""
    counts = Counter(prefix_of(label) for label in labels)
    return counts.most_common(1)[0][0] if counts else None


def yearly_points(series: Mapping[str, Quantity], prefer_prefix: str | None = None) -> dict[int, float]:
    """One value per year, sorted by year.

    Where several labels share a year, the one with ``prefer_prefix`` wins; otherwise the
    label listed last in the data wins."""
    chosen: dict[int, tuple[bool, float]] = {}
    for label, quantity in series.items():
        year = year_of(label)
        preferred = prefer_prefix is not None and prefix_of(label) == prefer_prefix
        if year not in chosen or preferred or not chosen[year][0]:
            chosen[year] = (preferred, float(quantity.value))
    return {year: chosen[year][1] for year in sorted(chosen)}


def extend_geometric(points: Mapping[int, float], years: Iterable[int], growth_per_year: float) -> np.ndarray:
    """Values at ``years``: data where given, log-linear between data years, compounded at
    ``growth_per_year`` beyond the last data year and discounted before the first.

    Compound growth x_y = x_L (1+g)^(y-L) is the standard constant-growth projection (e.g.
    the IMF WEO medium-term extension of nominal GDP)."""
    if not points:
        raise ValueError("no data points to extend")
    if growth_per_year <= -1:
        raise ValueError(f"growth_per_year={growth_per_year} must be above -1 (-100%)")
    xs = np.array(sorted(points), dtype=float)
    logs = np.log(np.array([points[int(x)] for x in xs], dtype=float))
    out = []
    for year in years:
        if year in points:
            out.append(float(points[year]))
        elif year > xs[-1]:
            out.append(math.exp(logs[-1] + (year - xs[-1]) * math.log1p(growth_per_year)))
        elif year < xs[0]:
            out.append(math.exp(logs[0] - (xs[0] - year) * math.log1p(growth_per_year)))
        else:
            out.append(math.exp(float(np.interp(year, xs, logs))))
    return np.array(out)


def extend_scaled(points: Mapping[int, float], years: Iterable[int], scale: Callable[[int], float]) -> np.ndarray:
    """Values at ``years``: data where given, linear between data years, and beyond the data
    the nearest end value times ``scale(year) / scale(end year)`` (e.g. nominal GDP, so that
    the share of GDP stays at its last observed level)."""
    if not points:
        raise ValueError("no data points to extend")
    xs = sorted(points)
    first, last = xs[0], xs[-1]
    out = []
    for year in years:
        if year > last:
            out.append(points[last] * scale(year) / scale(last))
        elif year < first:
            out.append(points[first] * scale(year) / scale(first))
        else:
            out.append(float(np.interp(year, xs, [points[x] for x in xs])))
    return np.array(out)


def extend_linear(points: Mapping[int, float], years: Iterable[int], step_per_year: float) -> np.ndarray:
    """Values at ``years``: data where given, linear between data years, and beyond the data
    the nearest end value plus ``step_per_year`` per year (a constant yearly increase)."""
    if not points:
        raise ValueError("no data points to extend")
    xs = sorted(points)
    first, last = xs[0], xs[-1]
    out = []
    for year in years:
        if year > last:
            out.append(points[last] + step_per_year * (year - last))
        elif year < first:
            out.append(points[first] - step_per_year * (first - year))
        else:
            out.append(float(np.interp(year, xs, [points[x] for x in xs])))
    return np.array(out)


def check_plan(base_year: int, horizon_years: int, where: str) -> None:
    """Reject a plan horizon that cannot be built."""
    if int(horizon_years) != horizon_years or horizon_years < 1:
        raise ValueError(f"{where}: horizon_years={horizon_years!r} must be a whole number >= 1 — e.g. 10")
    if int(base_year) != base_year:
        raise ValueError(f"{where}: base_year={base_year!r} must be a whole year — e.g. 2026")
