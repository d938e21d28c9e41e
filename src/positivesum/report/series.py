"""Per-day series of a campaign result, for the report (read from ``CampaignResult.trace``).

The engine traces, at the end of every step, the mean over replications of aircraft and
ships lost by side (blue/red), adversary troops ashore and each munition pool's stock.
Losses per actor over time are not traced (only end-of-campaign totals per actor are in
``result.data``), so the report shows losses over time by side.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _values(trace, name: str) -> list[float]:
    return [round(float(v), 3) for v in np.asarray(trace[name].values, dtype=float)]


def time_series(result, stock0: dict[str, float]) -> dict[str, Any]:
    """JSON-ready series: ``day``, ``aircraft_lost``/``ships_lost`` by side and ``*_by_actor``, ``troops_ashore``,
    and per fired pool ``{"initial": stock at day 0, "stock": [...]}``."""
    trace = result.trace
    out: dict[str, Any] = {
        "day": [float(d) for d in trace["day"].values],
        "aircraft_lost": {
            s: _values(trace, f"aircraft_lost_{s}") for s in ("blue", "red") if f"aircraft_lost_{s}" in trace
        },
        "ships_lost": {s: _values(trace, f"ships_lost_{s}") for s in ("blue", "red") if f"ships_lost_{s}" in trace},
        "aircraft_lost_by_actor": {
            k.split("__", 1)[1]: _values(trace, k) for k in trace.data_vars if str(k).startswith("aircraft_lost__")
        },
        "ships_lost_by_actor": {
            k.split("__", 1)[1]: _values(trace, k) for k in trace.data_vars if str(k).startswith("ships_lost__")
        },
        "troops_ashore": _values(trace, "troops_ashore") if "troops_ashore" in trace else [],
        "stocks": {},
    }
    expended = result.data["munitions_expended"]
    for pool in result.data["pool"].values:
        key = f"stock__{str(pool).replace(':', '__')}"
        if key not in trace or not expended.sel(pool=pool).values.any():
            continue
        out["stocks"][str(pool)] = {"initial": float(stock0.get(str(pool), float("nan"))), "stock": _values(trace, key)}
    return out
