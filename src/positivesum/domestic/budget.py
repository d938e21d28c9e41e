"""Defence budget paths over a plan horizon, and the increment the planner can spend.

Plan year 0 is the base year ("today", default 2026); plan years 1..H follow it. Year numbers
are the four digits of the actor's series labels, so for Japan 2026 means JFY2026.

Three ways to build a path (docs/methodology/domestic.md §1):

(a) :func:`budget_path_from_series`: the actor's ``defence_budget_local_bn`` series, linear
    between data years and grown with nominal GDP beyond the last one (constant share of GDP);
(b) :func:`budget_path_share_of_gdp`: a linear ramp in the share of GDP from today's share to a
    target share by a target year (e.g. Japan's 2% of FY2022 GDP, the 3.5% asked by Colby in
    Jun 2025 or the 5% of the NDS of Jan 2026 — fact sheet §1b, §8), constant share after it;
(c) :func:`budget_path_from_list`: budgets given by the user for plan years 1..H.

A spending target is counted on a *basis* (:func:`target_paths`): initial budgets only, or initial plus
supplementary budgets (``supplementary_defence_local_bn``: how Japan reached "2%" in JFY2025), and with or
without security-related spending outside the defence budget (``related_security_local_bn``: Japan's 2%
counts it; NATO's 5% has 1.5 related points). The counted total ramps to the target; only its defence part
("core") can fund the options catalogue.

Nominal GDP comes from the latest ``gdp_local_bn`` value compounded at a stated growth rate
(:data:`DEFAULT_NOMINAL_GDP_GROWTH_PER_YEAR`, an assumption). Money is converted to million
USD at the actor's fixed ``local_per_usd``. The *increment* over today's budget,
``budget_t/(1+pi)^t - budget_0`` in base-year money, is what the planner may spend on options
(options are costed in constant USD; ``pi`` = ``inflation_per_year``, default 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..model.actors import Actor
from ..model.base import Quantity
from ..model.planning import BudgetTarget, TargetPreset
from ._series import check_plan, dominant_prefix, extend_geometric, extend_scaled, yearly_points

DEFAULT_BASE_YEAR = 2026
"""Base year ("today") of plan paths: the JFY2026 draft budget is the latest Japanese figure."""
DEFAULT_HORIZON_YEARS = 10
"""Plan horizon (docs/methodology/planning.md §4: the planner works over ten years)."""
DEFAULT_NOMINAL_GDP_GROWTH_PER_YEAR: dict[str, float] = {"JPN": 0.015}
"""ASSUMPTION, not a sourced figure: nominal GDP growth per year by actor. Japan 1.5%/yr: between
the ~0.5-1% of low-growth projections and the ~3% of recent inflationary years; override it."""
FALLBACK_NOMINAL_GDP_GROWTH_PER_YEAR = 0.03
"""ASSUMPTION for actors not in :data:`DEFAULT_NOMINAL_GDP_GROWTH_PER_YEAR`: 3%/yr nominal."""

Method = Literal["series", "share_of_gdp", "list"]
COLUMNS = [
    "actor",
    "plan_year",
    "year",
    "gdp_local_bn",
    "budget_local_bn",
    "budget_musd",
    "share_of_gdp",
    "increment_local_bn",
    "increment_musd",
]


def default_nominal_gdp_growth_per_year(actor_id: str) -> float:
    """The assumed nominal GDP growth rate of an actor (see the module constants)."""
    return DEFAULT_NOMINAL_GDP_GROWTH_PER_YEAR.get(actor_id, FALLBACK_NOMINAL_GDP_GROWTH_PER_YEAR)


def local_per_usd(actor_id: str, actor: Actor) -> float:
    """Local currency units per USD: the actor's ``local_per_usd``, or 1 for a USD actor."""
    if actor.local_per_usd is not None:
        if actor.local_per_usd.value <= 0:
            raise ValueError(f"actors.{actor_id}.local_per_usd is {actor.local_per_usd.value:g} — set a positive rate")
        return float(actor.local_per_usd.value)
    if actor.currency == "USD":
        return 1.0
    raise ValueError(
        f"actors.{actor_id}: no local_per_usd for currency {actor.currency} — add "
        f"`local_per_usd: {{value: N, source: ...}}` to convert its budget to USD"
    )


def _budget_prefix(actor: Actor) -> str | None:
    return dominant_prefix(actor.defence_budget_local_bn)


def nominal_gdp_local_bn(
    actor_id: str, actor: Actor, years: Iterable[int], *, growth_per_year: float | None = None
) -> np.ndarray:
    """Nominal GDP (bn local currency) at ``years``.

    GDP_y = GDP_L (1+g)^(y-L) beyond the latest data year L (constant-growth projection);
    log-linear between data years. Where a year has two labels (Japan: CY2024 and JFY2024),
    the one that follows the defence budget's fiscal-year convention is used."""
    if not actor.gdp_local_bn:
        raise ValueError(f"actors.{actor_id}: no gdp_local_bn values — add at least one year of nominal GDP")
    growth = default_nominal_gdp_growth_per_year(actor_id) if growth_per_year is None else growth_per_year
    points = yearly_points(actor.gdp_local_bn, _budget_prefix(actor))
    return extend_geometric(points, list(years), growth)


def series_budget_local_bn(
    actor_id: str, actor: Actor, years: Iterable[int], *, nominal_gdp_growth_per_year: float | None = None
) -> np.ndarray:
    """The ``defence_budget_local_bn`` series at ``years``: data where given, linear between
    data years, and budget_y = budget_L · GDP_y / GDP_L beyond them (constant share of GDP)."""
    if not actor.defence_budget_local_bn:
        raise ValueError(
            f"actors.{actor_id}: no defence_budget_local_bn values — add the budget series, "
            f"or build the path with budget_path_from_list"
        )
    points = yearly_points(actor.defence_budget_local_bn)

    def gdp(year: int) -> float:
        return float(nominal_gdp_local_bn(actor_id, actor, [year], growth_per_year=nominal_gdp_growth_per_year)[0])

    return extend_scaled(points, list(years), gdp)


@dataclass(frozen=True)
class BudgetPath:
    """A defence budget path of one actor: plan year 0 (the base year) and plan years 1..H.

    ``frame`` columns: actor, plan_year, year, gdp_local_bn, budget_local_bn, budget_musd
    (nominal, at the fixed exchange rate), share_of_gdp (budget / current-year GDP),
    increment_local_bn and increment_musd (over the base year, in base-year money)."""

    actor_id: str
    method: Method
    base_year: int
    frame: pd.DataFrame
    assumptions: dict[str, object] = field(default_factory=dict)

    @property
    def horizon_years(self) -> int:
        """Number of plan years after the base year."""
        return int(self.frame["plan_year"].max())

    @property
    def base_budget_local_bn(self) -> float:
        """Today's budget (plan year 0)."""
        return float(self.frame["budget_local_bn"].iloc[0])

    @property
    def base_gdp_local_bn(self) -> float:
        """Today's nominal GDP (plan year 0)."""
        return float(self.frame["gdp_local_bn"].iloc[0])

    @property
    def base_share_of_gdp(self) -> float:
        """Today's budget as a fraction of today's GDP."""
        return float(self.frame["share_of_gdp"].iloc[0])

    def plan(self) -> pd.DataFrame:
        """Rows of plan years 1..H only."""
        return self.frame[self.frame["plan_year"] >= 1].reset_index(drop=True)

    def increment_musd(self) -> pd.Series:
        """Money for new options by plan year 1..H (million USD, base-year prices; may be negative)."""
        plan = self.plan()
        return pd.Series(
            plan["increment_musd"].to_numpy(),
            index=pd.Index(plan["plan_year"], name="plan_year"),
            name=f"{self.actor_id}_increment_musd",
        )


def _assemble(
    actor_id: str,
    actor: Actor,
    method: Method,
    base_year: int,
    budgets_local_bn: np.ndarray,
    gdp_local_bn_: np.ndarray,
    inflation_per_year: float,
    assumptions: dict,
) -> BudgetPath:
    if inflation_per_year <= -1:
        raise ValueError(f"budget path for {actor_id}: inflation_per_year={inflation_per_year} must be above -1")
    if np.any(budgets_local_bn < 0) or not np.all(np.isfinite(budgets_local_bn)):
        raise ValueError(
            f"budget path for {actor_id}: budgets must be finite and >= 0, got {budgets_local_bn.tolist()}"
        )
    plan_years = np.arange(len(budgets_local_bn))
    fx = local_per_usd(actor_id, actor)
    deflator = (1.0 + inflation_per_year) ** plan_years
    increment_local_bn = budgets_local_bn / deflator - budgets_local_bn[0]
    frame = pd.DataFrame(
        {
            "actor": actor_id,
            "plan_year": plan_years,
            "year": base_year + plan_years,
            "gdp_local_bn": gdp_local_bn_,
            "budget_local_bn": budgets_local_bn,
            "budget_musd": budgets_local_bn * 1000.0 / fx,
            "share_of_gdp": budgets_local_bn / gdp_local_bn_,
            "increment_local_bn": increment_local_bn,
            "increment_musd": increment_local_bn * 1000.0 / fx,
        },
        columns=COLUMNS,
    )
    assumptions = dict(assumptions, local_per_usd=fx, inflation_per_year=inflation_per_year)
    return BudgetPath(actor_id, method, int(base_year), frame, assumptions)


def _years_and_gdp(actor_id, actor, base_year, horizon_years, growth, where):
    check_plan(base_year, horizon_years, where)
    years = list(range(int(base_year), int(base_year) + int(horizon_years) + 1))
    growth = default_nominal_gdp_growth_per_year(actor_id) if growth is None else growth
    return years, growth, nominal_gdp_local_bn(actor_id, actor, years, growth_per_year=growth)


def budget_path_from_series(
    actor_id: str,
    actor: Actor,
    *,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    nominal_gdp_growth_per_year: float | None = None,
    inflation_per_year: float = 0.0,
) -> BudgetPath:
    """(a) The actor's own budget series, extended beyond its last year by nominal GDP growth."""
    years, growth, gdp = _years_and_gdp(
        actor_id, actor, base_year, horizon_years, nominal_gdp_growth_per_year, f"budget_path_from_series({actor_id})"
    )
    budgets = series_budget_local_bn(actor_id, actor, years, nominal_gdp_growth_per_year=growth)
    return _assemble(
        actor_id,
        actor,
        "series",
        base_year,
        budgets,
        gdp,
        inflation_per_year,
        {"nominal_gdp_growth_per_year": growth, "last_data_year": max(yearly_points(actor.defence_budget_local_bn))},
    )


def share_ramp(
    base_share: float, target_share: float, base_year: int, target_year: int, years: Sequence[int]
) -> np.ndarray:
    """Linear ramp in the share of GDP: s_y = s_0 + (s_T - s_0) · clip((y - y_0)/(T - y_0), 0, 1).

    The base year keeps today's share; a target year at or before the base year is reached in
    plan year 1 (T is taken as max(T, y_0 + 1))."""
    years_arr = np.asarray(years, dtype=float)
    target_year = max(int(target_year), int(base_year) + 1)
    progress = np.clip((years_arr - base_year) / (target_year - base_year), 0.0, 1.0)
    return base_share + (target_share - base_share) * progress


def budget_path_share_of_gdp(
    actor_id: str,
    actor: Actor,
    *,
    target_share: float,
    target_year: int,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    reference_gdp_year: int | None = None,
    base_budget_local_bn: float | None = None,
    nominal_gdp_growth_per_year: float | None = None,
    inflation_per_year: float = 0.0,
) -> BudgetPath:
    """(b) A linear ramp from today's share of GDP to ``target_share`` by ``target_year``.

    budget_y = s_y · GDP^basis_y up to the target year, where GDP^basis is current-year GDP, or
    the fixed GDP of ``reference_gdp_year`` (Japan's 2% target is "2% of FY2022 GDP", ~¥11 tn:
    fact sheet §1b). After the target year the budget keeps the share of current GDP reached in
    the target year: budget_y = budget_T · GDP_y / GDP_T. Today's budget is the series value at
    the base year unless ``base_budget_local_bn`` is given. A target year at or before the base
    year is reached in plan year 1."""
    where = f"budget_path_share_of_gdp({actor_id})"
    if not 0 <= target_share <= 1:
        raise ValueError(
            f"{where}: target_share={target_share} must be a fraction of GDP between 0 and 1 — write 0.035 for 3.5%"
        )
    years, growth, gdp = _years_and_gdp(actor_id, actor, base_year, horizon_years, nominal_gdp_growth_per_year, where)
    if base_budget_local_bn is None:
        base_budget_local_bn = float(
            series_budget_local_bn(actor_id, actor, [base_year], nominal_gdp_growth_per_year=growth)[0]
        )
    if reference_gdp_year is None:
        basis = gdp
    else:
        ref = float(nominal_gdp_local_bn(actor_id, actor, [reference_gdp_year], growth_per_year=growth)[0])
        basis = np.full(len(years), ref)
    shares = share_ramp(base_budget_local_bn / basis[0], target_share, base_year, target_year, years)
    budgets = shares * basis
    anchor_year = max(int(target_year), int(base_year) + 1)
    if anchor_year < years[-1]:
        anchor = years.index(anchor_year)
        after = np.asarray(years) > anchor_year
        budgets[after] = budgets[anchor] * gdp[after] / gdp[anchor]
    return _assemble(
        actor_id,
        actor,
        "share_of_gdp",
        base_year,
        budgets,
        gdp,
        inflation_per_year,
        {
            "nominal_gdp_growth_per_year": growth,
            "target_share": target_share,
            "target_year": target_year,
            "reference_gdp_year": reference_gdp_year,
            "base_budget_local_bn": base_budget_local_bn,
        },
    )


def budget_path_from_list(
    actor_id: str,
    actor: Actor,
    budget_local_bn: Sequence[float],
    *,
    base_year: int = DEFAULT_BASE_YEAR,
    base_budget_local_bn: float | None = None,
    nominal_gdp_growth_per_year: float | None = None,
    inflation_per_year: float = 0.0,
) -> BudgetPath:
    """(c) Budgets given by the user for plan years 1..len(budget_local_bn).

    Today's budget (plan year 0) is the series value at the base year unless
    ``base_budget_local_bn`` is given."""
    where = f"budget_path_from_list({actor_id})"
    values = [float(v) for v in budget_local_bn]
    _years, growth, gdp = _years_and_gdp(actor_id, actor, base_year, len(values), nominal_gdp_growth_per_year, where)
    if base_budget_local_bn is None:
        base_budget_local_bn = float(
            series_budget_local_bn(actor_id, actor, [base_year], nominal_gdp_growth_per_year=growth)[0]
        )
    budgets = np.array([base_budget_local_bn] + values)
    return _assemble(
        actor_id,
        actor,
        "list",
        base_year,
        budgets,
        gdp,
        inflation_per_year,
        {"nominal_gdp_growth_per_year": growth, "base_budget_local_bn": base_budget_local_bn},
    )


def budget_frame(paths: Iterable[BudgetPath]) -> pd.DataFrame:
    """All paths in one tidy frame (one row per actor and plan year)."""
    frames = [p.frame.assign(method=p.method) for p in paths]
    if not frames:
        return pd.DataFrame(columns=COLUMNS + ["method"])
    return pd.concat(frames, ignore_index=True)


def increment_table_musd(paths: Iterable[BudgetPath]) -> pd.DataFrame:
    """Money for new options: plan years 1..H (rows) × actors (columns), million USD."""
    series = [p.increment_musd().rename(p.actor_id) for p in paths]
    return pd.concat(series, axis=1) if series else pd.DataFrame()


# --------------------------------------------------------------------------------------------- counted targets

BASIS_WITH_SUPPLEMENTARY = "initial_plus_supplementary"


def extra_series_local_bn(
    actor_id: str,
    actor: Actor,
    series: Mapping[str, Quantity],
    years: Iterable[int],
    *,
    nominal_gdp_growth_per_year: float | None = None,
) -> np.ndarray:
    """A supplementary or related-spending series at ``years`` (zeros if the actor has none): data where given,
    linear between data years, and a constant share of GDP beyond them (as the budget series)."""
    years = list(years)
    if not series:
        return np.zeros(len(years))

    def gdp(year: int) -> float:
        return float(nominal_gdp_local_bn(actor_id, actor, [year], growth_per_year=nominal_gdp_growth_per_year)[0])

    return extend_scaled(yearly_points(series), years, gdp)


def counted_budget_local_bn(
    actor_id: str,
    actor: Actor,
    year: int,
    *,
    basis: str,
    counts_related: bool,
    nominal_gdp_growth_per_year: float | None = None,
) -> dict[str, float]:
    """The budget a target counts in ``year``, by part: ``defence`` (initial), ``supplementary`` (on the
    ``initial_plus_supplementary`` basis, else 0), ``related`` (if the target counts related spending, else 0)
    and their ``total``."""
    g = nominal_gdp_growth_per_year
    parts = {
        "defence": float(series_budget_local_bn(actor_id, actor, [year], nominal_gdp_growth_per_year=g)[0]),
        "supplementary": float(
            extra_series_local_bn(
                actor_id, actor, actor.supplementary_defence_local_bn, [year], nominal_gdp_growth_per_year=g
            )[0]
        )
        if basis == BASIS_WITH_SUPPLEMENTARY
        else 0.0,
        "related": float(
            extra_series_local_bn(
                actor_id, actor, actor.related_security_local_bn, [year], nominal_gdp_growth_per_year=g
            )[0]
        )
        if counts_related
        else 0.0,
    }
    parts["total"] = parts["defence"] + parts["supplementary"] + parts["related"]
    return parts


@dataclass(frozen=True)
class TargetSpec:
    """A spending target as the planner applies it: share of GDP by a year, on a counting basis."""

    share: float
    year: int
    reference_gdp_year: int | None
    basis: str
    counts_related: bool
    related_share: float | None
    catalogue_share: float
    preset: str | None = None


def spec_from_target(target: BudgetTarget, basis: str) -> TargetSpec:
    """The data's budget target of an actor, on the planning basis."""
    return TargetSpec(
        share=target.target_share_of_gdp,
        year=int(target.target_year),
        reference_gdp_year=int(target.reference_gdp_year) if target.reference_gdp_year else None,
        basis=basis,
        counts_related=target.counts_related,
        related_share=target.related_share_of_gdp,
        catalogue_share=target.catalogue_share,
    )


def spec_from_preset(preset_id: str, preset: TargetPreset, catalogue_share: float, basis: str) -> TargetSpec:
    """A named preset applied to an actor whose catalogue share is ``catalogue_share``; the preset's own basis
    wins over the planning basis ``basis``."""
    return TargetSpec(
        share=preset.share_of_gdp.value,
        year=int(preset.target_year),
        reference_gdp_year=int(preset.reference_gdp_year) if preset.reference_gdp_year else None,
        basis=preset.basis or basis,
        counts_related=preset.counts_related,
        related_share=preset.related_share_of_gdp,
        catalogue_share=catalogue_share,
        preset=preset_id,
    )


@dataclass(frozen=True)
class TargetPaths:
    """The counted total's path (fiscal trade-off, reporting) and its defence part's path (``core``: the growth
    that may fund the catalogue), with today's counted budget by part."""

    actor_id: str
    spec: TargetSpec
    total: BudgetPath
    core: BudgetPath
    counted_today: dict[str, float]
    share_today_by_basis: dict[str, float]

    def for_options_musd(self) -> np.ndarray:
        """Money for new options by plan year 1..H (million USD, base-year prices): the catalogue share of
        the core increment, never negative."""
        increment = np.maximum(self.core.increment_musd().to_numpy(dtype=float), 0.0)
        return increment * self.spec.catalogue_share


def target_paths(
    actor_id: str,
    actor: Actor,
    spec: TargetSpec,
    *,
    base_year: int = DEFAULT_BASE_YEAR,
    horizon_years: int = DEFAULT_HORIZON_YEARS,
    inflation_per_year: float = 0.0,
    nominal_gdp_growth_per_year: float | None = None,
) -> TargetPaths:
    """Budget paths of a target counted on its basis.

    Today's counted budget C_0 = defence + supplementary (on that basis) + related (if counted). The total
    ramps from C_0 to the target share s (:func:`budget_path_share_of_gdp`). The core (defence) part ramps from
    C_0 - related_0 to s - r, where r is the target's related share (NATO: 1.5 points) or, if none is given,
    today's related share of the target's GDP basis (related spending held, all growth defence)."""
    g = nominal_gdp_growth_per_year
    parts = counted_budget_local_bn(
        actor_id, actor, base_year, basis=spec.basis, counts_related=spec.counts_related, nominal_gdp_growth_per_year=g
    )

    def ramp(target_share: float, base_budget_local_bn: float) -> BudgetPath:
        return budget_path_share_of_gdp(
            actor_id,
            actor,
            target_share=target_share,
            target_year=spec.year,
            base_year=base_year,
            horizon_years=horizon_years,
            reference_gdp_year=spec.reference_gdp_year,
            base_budget_local_bn=base_budget_local_bn,
            nominal_gdp_growth_per_year=g,
            inflation_per_year=inflation_per_year,
        )

    total = ramp(spec.share, parts["total"])
    basis_gdp = (
        float(nominal_gdp_local_bn(actor_id, actor, [spec.reference_gdp_year], growth_per_year=g)[0])
        if spec.reference_gdp_year is not None
        else total.base_gdp_local_bn
    )
    if spec.counts_related:
        related_target = spec.related_share if spec.related_share is not None else parts["related"] / basis_gdp
        core = ramp(max(0.0, spec.share - related_target), parts["total"] - parts["related"])
    else:
        core = total
    shares = {}
    for basis in ("initial", BASIS_WITH_SUPPLEMENTARY):
        counted = counted_budget_local_bn(
            actor_id, actor, base_year, basis=basis, counts_related=spec.counts_related, nominal_gdp_growth_per_year=g
        )
        shares[basis] = counted["total"] / basis_gdp
    return TargetPaths(actor_id, spec, total, core, parts, shares)
