"""Hand-built model objects for the domestic-constraints tests (numbers chosen for exact arithmetic)."""

from __future__ import annotations

from positivesum.model.actors import Actor
from positivesum.model.forces import Munition
from positivesum.model.options import Option


def q(value: float) -> dict:
    """A test quantity."""
    return {"value": value, "estimate": "test"}


def make_actor(**overrides) -> Actor:
    """Testland: GDP 1,000 (JFY2025), budget 10 → 12 (JFY2025-26), 100 local per USD,
    social security 300 (JFY2026) rising 5/yr, debt 200% of GDP, 900 personnel."""
    data = {
        "name": {"en": "Testland", "ja": "テストランド"},
        "kind": "ally",
        "currency": "JPY",
        "local_per_usd": q(100),
        "gdp_local_bn": {"JFY2025": q(1000)},
        "defence_budget_local_bn": {"JFY2025": q(10), "JFY2026": q(12)},
        "social_security_local_bn": {"JFY2026": q(300)},
        "social_security_growth_local_bn_per_year": q(5),
        "debt_pct_gdp": q(200),
        "personnel": {
            "authorised": q(1000),
            "actual": q(900),
            "recruitment": {
                "JFY2024": {"planned": 100, "achieved": 50, "estimate": "test"},
                "JFY2025": {"planned": 80, "achieved": 60, "estimate": "test"},
            },
        },
    }
    data.update(overrides)
    return Actor.model_validate(data)


def make_munition(holding: dict | None = None) -> Munition:
    """A munition held by actor TST: P0 = 100/yr, surge 200/yr, 12-month lead time."""
    holding = holding or {"stockpile": 500, "production_per_year": 100, "surge_per_year": 200, "lead_time_months": 12}
    return Munition.model_validate(
        {
            "name": {"en": "Test missile", "ja": "試験ミサイル"},
            "role": "anti_ship",
            "range_km": q(100),
            "unit_cost_musd": q(1),
            "holdings": {"TST": dict(holding, estimate="test")},
        }
    )


def make_option(personnel: float, lead_time_years: float) -> Option:
    """An option that needs ``personnel`` once in service, ``lead_time_years`` after the decision."""
    return Option.model_validate(
        {
            "name": {"en": "Test option", "ja": "試験案"},
            "category": "personnel_automation",
            "eligible_actors": ["TST"],
            "cost": {"acquisition_musd": [10.0], "operating_musd_per_year": 1.0},
            "personnel": personnel,
            "lead_time_years": lead_time_years,
            "estimate": "test",
        }
    )
