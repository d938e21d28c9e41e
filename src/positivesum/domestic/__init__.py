"""Domestic constraints: budget paths, Japan's fiscal trade-off, personnel, industrial ramp-up.

Pure functions over the pydantic model objects; results are frozen dataclasses holding tidy
pandas frames. Equations, assumptions and sources: docs/methodology/domestic.md.
"""

from .budget import (
    BudgetPath,
    budget_frame,
    budget_path_from_list,
    budget_path_from_series,
    budget_path_share_of_gdp,
    increment_table_musd,
    nominal_gdp_local_bn,
)
from .fiscal import FiscalTradeoff, fiscal_tradeoff
from .industrial import (
    DeliverySchedule,
    ProductionCheck,
    RampProfile,
    check_extra_production,
    delivery_schedule,
    delivery_schedules,
    ramp_profile,
)
from .personnel import (
    PersonnelHeadroom,
    PersonnelNetting,
    RecruitmentPool,
    achievement_rate,
    net_option_personnel,
    option_personnel_in_service_persons,
    personnel_headroom,
)

__all__ = [
    "BudgetPath",
    "DeliverySchedule",
    "FiscalTradeoff",
    "PersonnelHeadroom",
    "PersonnelNetting",
    "ProductionCheck",
    "RampProfile",
    "RecruitmentPool",
    "achievement_rate",
    "budget_frame",
    "budget_path_from_list",
    "budget_path_from_series",
    "budget_path_share_of_gdp",
    "check_extra_production",
    "delivery_schedule",
    "delivery_schedules",
    "fiscal_tradeoff",
    "increment_table_musd",
    "net_option_personnel",
    "nominal_gdp_local_bn",
    "option_personnel_in_service_persons",
    "personnel_headroom",
    "ramp_profile",
]
