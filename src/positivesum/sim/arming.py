"""Build step, part 2: munition pools, shooter–munition pairs and what each pair can reach.

Deterministic and generic: a group can fire a munition if its class is a launch
platform of it, its actor holds it, and the munition's role fits (methodology §2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.dataset import Dataset
from ..model.geo import great_circle_km
from .groups import Groups

ROLE_MATCH = {
    "anti_ship": ("anti_ship", "multi"),
    "land_attack": ("land_attack", "multi"),
    "air_defence": ("air_defence", "ballistic_missile_defence"),
}
FIRING = {
    "air": ("anti_ship", "land_attack"),
    "surface": ("anti_ship", "land_attack", "air_defence"),
    "amphibious": ("air_defence",),
    "subsurface": ("anti_ship", "land_attack"),
    "missile": ("anti_ship", "land_attack"),
    "air_defence": ("air_defence",),
}
#: Domains whose land-attack salvos take part in the fixed-target allocation (aircraft strike the lodgement).
FIXED_TARGET_SHOOTERS = ("missile", "surface", "subsurface")
EFFECT_KINDS = ("ship", "aircraft_on_ground", "ground_troops", "missile")
DAYS_PER_MONTH = 30.44

#: Pairs of one (domain, role): group index and pool index per pair.
Pairs = tuple[np.ndarray, np.ndarray]


@dataclass
class MunitionPools:
    """Stocks by (actor, munition): the unit of expenditure and production; arrays over pools."""

    label: list[str]
    actor: np.ndarray  # int64: index into CampaignSetup.actors
    munition: list[str]
    role: list[str]
    range_km: np.ndarray
    stock0: np.ndarray
    production_per_day: np.ndarray
    surge_per_day: np.ndarray
    lead_time_days: np.ndarray
    eff: dict[str, np.ndarray]
    eff_low: dict[str, np.ndarray]
    eff_high: dict[str, np.ndarray]


def arm(ds: Dataset, actors: list[str], groups: dict[str, Groups]) -> tuple[MunitionPools, dict[str, dict[str, Pairs]]]:
    """Create munition pools and list, for every firing group and role, the munitions it can fire."""
    label: list[str] = []
    munition: list[str] = []
    role_of: list[str] = []
    columns: dict[str, list[float]] = {
        name: [] for name in ("actor", "range_km", "stock0", "production_per_day", "surge_per_day", "lead_time_days")
    }
    eff: dict[str, list[float]] = {k: [] for k in EFFECT_KINDS}
    eff_low: dict[str, list[float]] = {k: [] for k in EFFECT_KINDS}
    eff_high: dict[str, list[float]] = {k: [] for k in EFFECT_KINDS}
    index: dict[tuple[str, str], int] = {}
    for mid, mun in ds.munitions.items():
        for actor, h in mun.holdings.items():
            if actor not in actors:
                continue
            index[(actor, mid)] = len(label)
            label.append(f"{actor}:{mid}")
            columns["actor"].append(actors.index(actor))
            munition.append(mid)
            role_of.append(mun.role)
            columns["range_km"].append(mun.range_km.value)
            columns["stock0"].append(h.stockpile)
            columns["production_per_day"].append(h.production_per_year / 365.0)
            columns["surge_per_day"].append(h.surge_per_year / 365.0)
            columns["lead_time_days"].append(h.lead_time_months * DAYS_PER_MONTH)
            for kind in EFFECT_KINDS:
                q = mun.effectiveness.get(kind)
                value = q.value if q is not None else 0.0
                low, high = q.bounds() if q is not None else (0.0, 0.0)
                eff[kind].append(value)
                eff_low[kind].append(low)
                eff_high[kind].append(high)
    fire_pairs: dict[str, dict[str, Pairs]] = {}
    for domain, g in groups.items():
        fire_pairs[domain] = {}
        for role in ROLE_MATCH:
            gi: list[int] = []
            pi: list[int] = []
            if role in FIRING.get(domain, ()):
                for k in range(len(g)):
                    actor = actors[g.actor[k]]
                    for mid, mun in ds.munitions.items():
                        i = index.get((actor, mid))
                        if i is not None and mun.role in ROLE_MATCH[role] and g.cls[k] in mun.launch_platforms:
                            gi.append(k)
                            pi.append(i)
            fire_pairs[domain][role] = (np.asarray(gi, dtype=np.int64), np.asarray(pi, dtype=np.int64))
    pools = MunitionPools(
        label=label,
        actor=np.asarray(columns["actor"], dtype=np.int64),
        munition=munition,
        role=role_of,
        range_km=np.asarray(columns["range_km"], dtype=float),
        stock0=np.asarray(columns["stock0"], dtype=float),
        production_per_day=np.asarray(columns["production_per_day"], dtype=float),
        surge_per_day=np.asarray(columns["surge_per_day"], dtype=float),
        lead_time_days=np.asarray(columns["lead_time_days"], dtype=float),
        eff={k: np.asarray(v, dtype=float) for k, v in eff.items()},
        eff_low={k: np.asarray(v, dtype=float) for k, v in eff_low.items()},
        eff_high={k: np.asarray(v, dtype=float) for k, v in eff_high.items()},
    )
    return pools, fire_pairs


def reach_matrix(ds: Dataset, g: Groups, pools: MunitionPools, pairs: Pairs, bases: list[str]) -> np.ndarray:
    """reach[j, b]: shooter–munition pair j can hit base b from where its group is based."""
    group_idx, pool_idx = pairs
    reach = np.zeros((len(group_idx), len(bases)), dtype=bool)
    coords = [(ds.bases[b].lat_deg, ds.bases[b].lon_deg) for b in bases]
    for j, (k, i) in enumerate(zip(group_idx, pool_idx)):
        lat, lon = coords[g.base[k]]
        for b, (blat, blon) in enumerate(coords):
            reach[j, b] = great_circle_km(lat, lon, blat, blon) <= pools.range_km[i]
    return reach


def theatre_reach(g: Groups, pools: MunitionPools, pairs: Pairs, margin: float = 1.0) -> np.ndarray:
    """reach[j]: pair j's munition reaches the theatre (× margin) from its group's base."""
    group_idx, pool_idx = pairs
    out: np.ndarray = pools.range_km[pool_idx] * margin >= g.distance_km[group_idx]
    return out
