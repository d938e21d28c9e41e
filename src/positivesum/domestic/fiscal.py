"""Japan's fiscal trade-off: defence growth against social-security growth, revenue and debt.

For a :class:`~positivesum.domestic.budget.BudgetPath` the engine reports, each plan year t
(docs/methodology/domestic.md §2):

- extra defence spending over a baseline, ΔD_t = D_t - D^base_t (default baseline: today's
  budget held flat in nominal terms, so ΔD_t is the planner's increment);
- the social-security natural increase (自然増), S_t = S_0 + n·t with n from
  ``social_security_growth_local_bn_per_year`` (Japan: ~¥0.4 tn/yr for JFY2026, ¥0.41-0.56 tn
  in JFY2023-25; fact sheet §1c);
- the funding need N_t = ΔD_t + (S_t - S_0): the extra revenue (taxes or bonds) that funds
  both with other spending unchanged (no crowding out);
- for a revenue path, the revenue gain ΔR_t (default: R_t = R_0 (GDP_t/GDP_0)^ε, revenue grows
  with nominal GDP, ε = 1) and the crowding-out of other spending C_t = max(0, N_t - ΔR_t);
- if that gap is bond-financed instead, the extra debt E_t = (1+i) E_{t-1} + max(0, N_t - ΔR_t)
  from the government budget constraint debt_t = debt_{t-1} + deficit_t (deficit including
  interest; Blanchard, *Macroeconomics*, ch. "Fiscal policy: a summing up", the government budget
  constraint; IMF (2013) *Staff Guidance Note for Public Debt Sustainability Analysis*), and the
  debt ratio b_t = b_base + E_t / GDP_t with the baseline ratio held at today's value.

Without a revenue path (no ``revenue_base_local_bn`` and no ``revenue_gain_local_bn``) the
revenue gain is zero, so the crowding-out equals the funding need: "how much must be found".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..model.actors import Actor
from ._series import extend_linear, yearly_points
from .budget import BudgetPath

DEFAULT_INTEREST_RATE_PER_YEAR = 0.01
"""ASSUMPTION: average interest rate on the extra bonds over the horizon (1%/yr). Japan's 10-year
JGB yield rose to ~1-1.5% in 2025; the average cost of the existing stock is lower. Set 0 for the
pure identity debt_t = debt_{t-1} + gap_t."""
DEFAULT_REVENUE_ELASTICITY = 1.0
"""ASSUMPTION: revenue grows one-for-one with nominal GDP (tax buoyancy 1)."""

Baseline = Literal["today_nominal", "today_share"]
COLUMNS = [
    "actor",
    "plan_year",
    "year",
    "gdp_local_bn",
    "defence_local_bn",
    "baseline_defence_local_bn",
    "extra_defence_local_bn",
    "social_security_local_bn",
    "ss_natural_increase_local_bn",
    "ss_increase_over_base_local_bn",
    "funding_need_local_bn",
    "funding_need_pct_gdp",
    "revenue_gain_local_bn",
    "crowding_out_local_bn",
    "fiscal_room_local_bn",
    "extra_debt_local_bn",
    "debt_pct_gdp",
    "debt_ratio_change_pct_points",
]


@dataclass(frozen=True)
class FiscalTradeoff:
    """Per plan year 1..H: extra defence, social-security increase, funding need, crowding-out
    and bond-financed debt (columns in :data:`COLUMNS`, money in bn local currency)."""

    actor_id: str
    base_year: int
    frame: pd.DataFrame
    assumptions: dict[str, object] = field(default_factory=dict)

    @property
    def cumulative_funding_need_local_bn(self) -> float:
        """Sum of the yearly funding need over the horizon."""
        return float(self.frame["funding_need_local_bn"].sum())

    @property
    def final_debt_ratio_change_pct_points(self) -> float:
        """Change in the debt ratio by the last plan year if every gap is bond-financed."""
        return float(self.frame["debt_ratio_change_pct_points"].iloc[-1])


def social_security_local_bn(
    actor_id: str, actor: Actor, years: Sequence[int], *, growth_local_bn_per_year: float | None = None
) -> np.ndarray:
    """Social-security spending at ``years``: data where given, linear between data years, and
    beyond them the nearest value plus the natural increase per year."""
    growth = _ss_growth(actor_id, actor, growth_local_bn_per_year)
    if not actor.social_security_local_bn:
        raise ValueError(
            f"actors.{actor_id}: no social_security_local_bn values — add the series "
            f"(e.g. 社会保障関係費 by JFY) to compute the fiscal trade-off"
        )
    return extend_linear(yearly_points(actor.social_security_local_bn), list(years), growth)


def _ss_growth(actor_id: str, actor: Actor, given: float | None) -> float:
    if given is not None:
        return float(given)
    if actor.social_security_growth_local_bn_per_year is None:
        raise ValueError(
            f"actors.{actor_id}: no social_security_growth_local_bn_per_year — add it to the data "
            f"or pass growth_local_bn_per_year / social_security_growth_local_bn_per_year"
        )
    return float(actor.social_security_growth_local_bn_per_year.value)


def _baseline_defence(path: BudgetPath, baseline: Baseline | BudgetPath) -> np.ndarray:
    plan = path.plan()
    if isinstance(baseline, BudgetPath):
        other = baseline.plan()
        if baseline.actor_id != path.actor_id or list(other["year"]) != list(plan["year"]):
            raise ValueError(
                f"fiscal_tradeoff: baseline path ({baseline.actor_id}, years {list(other['year'])}) must "
                f"cover the same actor and years as the path ({path.actor_id}, {list(plan['year'])})"
            )
        return other["budget_local_bn"].to_numpy(dtype=float)
    if baseline == "today_nominal":
        return np.full(len(plan), path.base_budget_local_bn)
    if baseline == "today_share":
        return path.base_share_of_gdp * plan["gdp_local_bn"].to_numpy(dtype=float)
    raise ValueError(f"fiscal_tradeoff: baseline={baseline!r} — use 'today_nominal', 'today_share' or a BudgetPath")


def bond_financed_debt_local_bn(gap_local_bn: Sequence[float], interest_rate_per_year: float) -> np.ndarray:
    """Extra debt at the end of each year when each year's gap is borrowed:
    E_t = (1 + i) E_{t-1} + gap_t, E_0 = 0 (debt_t = debt_{t-1} + deficit_t, with the deficit
    including interest on the extra debt; IMF 2013 DSA guidance note)."""
    if interest_rate_per_year <= -1:
        raise ValueError(f"interest_rate_per_year={interest_rate_per_year} must be above -1")
    out, debt = [], 0.0
    for gap in gap_local_bn:
        debt = debt * (1.0 + interest_rate_per_year) + float(gap)
        out.append(debt)
    return np.array(out)


def fiscal_tradeoff(
    actor_id: str,
    actor: Actor,
    path: BudgetPath,
    *,
    baseline: Baseline | BudgetPath = "today_nominal",
    social_security_growth_local_bn_per_year: float | None = None,
    revenue_base_local_bn: float | None = None,
    revenue_elasticity: float = DEFAULT_REVENUE_ELASTICITY,
    revenue_gain_local_bn: Sequence[float] | None = None,
    interest_rate_per_year: float = DEFAULT_INTEREST_RATE_PER_YEAR,
    debt_pct_gdp: float | None = None,
) -> FiscalTradeoff:
    """The fiscal trade-off of a budget path, per plan year 1..H.

    ``baseline``: defence spending without the path — 'today_nominal' (today's budget held flat,
    the default), 'today_share' (today's share of GDP) or another BudgetPath.
    ``revenue_base_local_bn``: base-year resources that grow with nominal GDP at elasticity
    ``revenue_elasticity`` — tax revenue, or the whole general-account budget (JFY2026 draft:
    ¥122,309.2 bn, fact sheet §1a) if bond issuance is also assumed to grow with GDP.
    ``revenue_gain_local_bn``: or the revenue increases over the base year, one per plan year.
    ``debt_pct_gdp``: today's debt ratio in % (default: the actor's ``debt_pct_gdp``)."""
    if path.actor_id != actor_id:
        raise ValueError(f"fiscal_tradeoff: the path belongs to {path.actor_id}, not {actor_id}")
    if revenue_base_local_bn is not None and revenue_gain_local_bn is not None:
        raise ValueError(
            "fiscal_tradeoff: give revenue_base_local_bn (revenue grows with GDP) OR "
            "revenue_gain_local_bn (explicit increases), not both"
        )
    plan = path.plan()
    years = plan["year"].to_numpy(dtype=int)
    t = plan["plan_year"].to_numpy(dtype=float)
    gdp = plan["gdp_local_bn"].to_numpy(dtype=float)
    gdp0 = path.base_gdp_local_bn
    defence = plan["budget_local_bn"].to_numpy(dtype=float)
    base_defence = _baseline_defence(path, baseline)
    extra_defence = defence - base_defence

    growth_ss = _ss_growth(actor_id, actor, social_security_growth_local_bn_per_year)
    ss0 = float(social_security_local_bn(actor_id, actor, [path.base_year], growth_local_bn_per_year=growth_ss)[0])
    ss = ss0 + growth_ss * t
    ss_increase = ss - ss0
    need = extra_defence + ss_increase

    if revenue_gain_local_bn is not None:
        gain = np.asarray([float(v) for v in revenue_gain_local_bn])
        if gain.shape != need.shape:
            raise ValueError(
                f"fiscal_tradeoff: revenue_gain_local_bn has {gain.size} values; the path has "
                f"{need.size} plan years — give one value per plan year"
            )
        revenue_mode = "explicit"
    elif revenue_base_local_bn is not None:
        gain = revenue_base_local_bn * ((gdp / gdp0) ** revenue_elasticity - 1.0)
        revenue_mode = "grows_with_gdp"
    else:
        gain = np.zeros_like(need)
        revenue_mode = "none"
    gap = need - gain
    extra_debt = bond_financed_debt_local_bn(np.maximum(gap, 0.0), interest_rate_per_year)

    if debt_pct_gdp is None:
        if actor.debt_pct_gdp is None:
            raise ValueError(f"actors.{actor_id}: no debt_pct_gdp — add it to the data or pass debt_pct_gdp")
        debt_pct_gdp = float(actor.debt_pct_gdp.value)
    ratio_change = 100.0 * extra_debt / gdp
    frame = pd.DataFrame(
        {
            "actor": actor_id,
            "plan_year": plan["plan_year"].to_numpy(),
            "year": years,
            "gdp_local_bn": gdp,
            "defence_local_bn": defence,
            "baseline_defence_local_bn": base_defence,
            "extra_defence_local_bn": extra_defence,
            "social_security_local_bn": ss,
            "ss_natural_increase_local_bn": np.full(len(t), growth_ss),
            "ss_increase_over_base_local_bn": ss_increase,
            "funding_need_local_bn": need,
            "funding_need_pct_gdp": 100.0 * need / gdp,
            "revenue_gain_local_bn": gain,
            "crowding_out_local_bn": np.maximum(gap, 0.0),
            "fiscal_room_local_bn": np.maximum(-gap, 0.0),
            "extra_debt_local_bn": extra_debt,
            "debt_pct_gdp": debt_pct_gdp + ratio_change,
            "debt_ratio_change_pct_points": ratio_change,
        },
        columns=COLUMNS,
    )
    assumptions = {
        "baseline": baseline if isinstance(baseline, str) else f"path:{baseline.method}",
        "social_security_growth_local_bn_per_year": growth_ss,
        "social_security_base_local_bn": ss0,
        "revenue_mode": revenue_mode,
        "revenue_base_local_bn": revenue_base_local_bn,
        "revenue_elasticity": revenue_elasticity,
        "interest_rate_per_year": interest_rate_per_year,
        "base_debt_pct_gdp": debt_pct_gdp,
        "debt_baseline": "debt ratio held at today's value; the gaps add to it",
    }
    return FiscalTradeoff(actor_id, path.base_year, frame, assumptions)
