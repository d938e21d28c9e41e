"""A blockade as a long campaign: convoy throughput against the blockaded side's stocks (methodology §3.9).

Each day the adversary's ships and submarines on station contest the allied escorts for the traffic to the
blockaded island: the share of ships stopped is a ratio contest (Hirshleifer 1989) between blockaders and
escorts plus a half-closure constant. At the quarantine rung stopped ships mostly comply and turn away; from
the enforcement rung they are fired on. Either way the risk deters shipowners and insurers: willingness to
sail falls with the risk of interception and recovers slowly once ships get through. Imports arrive at the
throughput share of normal; each commodity's stock falls by the shortfall and, once empty, supply is limited
to what arrives. Electricity follows the
commodities' shares of generation; the cumulative shortfall is the hardship that forces capitulation.
While its blockade fails the adversary climbs the escalation ladder (war at sea: the navies and air forces
fight; full war: missile strikes on bases). CSIS, *Lights Out?* (2025) frames the targets (§6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernels, kernels_blockade
from .mechanics import rowsum
from .setup import BLUE, FULL_WAR, QUARANTINE, RED, CampaignSetup

if TYPE_CHECKING:
    from .state import Block


def blockade_step(s: CampaignSetup, st: Block, rng: np.random.Generator, ongoing: np.ndarray) -> None:
    """Throughput, stocks, electricity and escalation for one step."""
    if kernels.ENABLED and kernels.PHASES:
        _blockade_kernels(s, st, rng, ongoing)
        return
    p = st.P
    dt = s.dt_days
    on_station = np.zeros(st.stock.shape[0])
    escorts = np.zeros_like(on_station)
    for d in ("surface", "subsurface"):
        g = s.groups[d]
        at_sea = st.n[d] * st.act[d] * (1 - st.in_port.get(d, 0.0))
        on_station += rowsum(at_sea * (g.side == RED))
        if d == "surface":
            escorts += rowsum(at_sea * (g.side == BLUE))
    if kernels.ENABLED and kernels.PHASES:  # the same operations in the same order, in one compiled pass
        throughput = kernels_blockade.contest(st, on_station, escorts, ongoing, dt)
    else:
        throughput = _contest(s, st, on_station, escorts, ongoing)
    if st.stocks.shape[1]:
        had = st.stocks > 0
        st.stocks = np.maximum(0.0, st.stocks - (1 - throughput)[:, None] * dt * ongoing[:, None])
        ran_out = had & (st.stocks <= 0) & np.isnan(st.commodity_runout) & ongoing[:, None]
        st.commodity_runout = np.where(ran_out, st.day + dt, st.commodity_runout)
        available = np.where(st.stocks > 0, 1.0, throughput[:, None])
        electricity = 1 - rowsum(st.elec_share * (1 - available))
        st.electricity = np.where(ongoing, electricity, st.electricity)
        st.electricity_min = np.minimum(st.electricity_min, np.where(ongoing, electricity, 1.0))
        st.shortfall = st.shortfall + (1 - electricity) * dt * ongoing
    failing = (throughput > p["blockade_goal_throughput"]) & (st.rung < FULL_WAR) & ongoing
    climb = failing & (rng.random(len(failing)) < p["escalation_hazard_per_day"] * dt)
    st.rung = st.rung + climb
    st.rung_max = np.maximum(st.rung_max, st.rung)


def _blockade_kernels(s: CampaignSetup, st: Block, rng: np.random.Generator, ongoing: np.ndarray) -> None:
    """blockade_step in compiled passes (kernels_blockade.py: the same operations in the same order); the
    escalation draw in NumPy, after them, as before."""
    p = st.P
    dt = s.dt_days
    masks = st.inv.get("sea_blockade_sides")
    if masks is None:  # each side's groups as 0/1 floats (a per-setup constant, kept per block)
        sur, sub = s.groups["surface"].side, s.groups["subsurface"].side
        masks = st.inv["sea_blockade_sides"] = tuple(
            np.ascontiguousarray(m, dtype=np.float64) for m in (sur == RED, sur == BLUE, sub == RED)
        )
    on_station, escorts = kernels_blockade.stations(
        st.n["surface"],
        st.act["surface"],
        st.in_port["surface"],
        st.n["subsurface"],
        st.act["subsurface"],
        st.in_port["subsurface"],
        *masks,
    )
    throughput = kernels_blockade.contest(st, on_station, escorts, ongoing, dt)
    if st.stocks.shape[1]:
        st.stocks, st.commodity_runout, st.electricity, st.electricity_min, st.shortfall = kernels_blockade.stocks_step(
            st.stocks,
            st.commodity_runout,
            st.elec_share,
            throughput,
            ongoing,
            st.electricity,
            st.electricity_min,
            st.shortfall,
            float(dt),
            float(st.day + dt),
        )
    failing = (throughput > p["blockade_goal_throughput"]) & (st.rung < FULL_WAR) & ongoing
    climb = failing & (rng.random(len(failing)) < p["escalation_hazard_per_day"] * dt)
    st.rung = st.rung + climb
    st.rung_max = np.maximum(st.rung_max, st.rung)


def _contest(
    s: CampaignSetup, st: Block, on_station: np.ndarray, escorts: np.ndarray, ongoing: np.ndarray
) -> np.ndarray:
    """The convoy contest and the shipping response for one step; returns this step's throughput (R,)."""
    p = st.P
    dt = s.dt_days
    opposed = escorts * p["escort_effectiveness"]
    stopped = on_station / np.maximum(on_station + opposed + p["blockade_half_closure_ships"], 1e-9)
    quarantine = st.rung == QUARANTINE
    # owners and insurers withdraw ships in proportion to the risk of interception: of seizure at the quarantine
    # rung (ships that comply), of being fired on above it
    risk = np.where(quarantine, stopped * p["quarantine_compliance"], stopped)
    st.willingness = np.clip(
        st.willingness
        + dt
        * (
            -p["shipping_deterrence_per_day"] * risk * st.willingness
            + (1 - st.willingness) * (1 - risk) / np.maximum(p["shipping_recovery_days"], 1e-9)
        ),
        0.0,
        1.0,
    )
    throughput = np.where(quarantine, 1 - stopped * p["quarantine_compliance"], 1 - stopped) * st.willingness
    throughput = np.clip(throughput, 0.0, 1.0)
    st.throughput = np.where(ongoing, throughput, st.throughput)
    st.throughput_sum = st.throughput_sum + throughput * dt * ongoing
    alpha = dt / np.maximum(p["blockade_assessment_days"], dt)
    before = st.throughput_ema.copy()
    st.throughput_ema = st.throughput_ema + alpha * (throughput - st.throughput_ema) * ongoing
    smooth = dt / np.maximum(p["trend_smoothing_days"], dt)
    st.g_throughput = st.g_throughput + smooth * ((st.throughput_ema - before) / dt - st.g_throughput) * ongoing
    out: np.ndarray = throughput
    return out
