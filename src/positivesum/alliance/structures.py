"""Comparing command structures: decision latency, simulated effect, and fit with the roles.

* Initial-response latency of an actor in a structure: the hours from its national
  authority to the slowest of the components its initial response needs (one per domain
  the actor fights in: air, surface, missile, ...), each reached by its quickest command
  path (sim/command.py). The slowest component sets the pace of a joint response.
* Simulated effect: every scenario is re-run with the structure in force (same seed, so the
  comparison uses common random numbers; docs/methodology/alliance.md §6).
* Consistency: each primary role (mission area × actor) needs, for every domain of the
  actor's forces serving the area, a component of that actor commanding the domain and
  reachable by command links from the actor's national authority.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..model.dataset import Dataset
from ..plan.levers import area_classes
from ..sim.command import component_latencies_hours

#: Domains whose components act in the first days (the initial response that denies a fait accompli).
INITIAL_RESPONSE_DOMAINS = ("air", "surface", "subsurface", "missile", "air_defence", "isr")


def domain_latencies_hours(structure) -> dict[str, dict[str, float]]:
    """actor → domain → hours to the quickest reachable component commanding that domain."""
    latency = component_latencies_hours(structure)
    out: dict[str, dict[str, float]] = {}
    for nid, hours in latency.items():
        node = structure.nodes[nid]
        for d in node.commands_domains:
            cur = out.setdefault(node.actor, {}).get(d, math.inf)
            out[node.actor][d] = min(cur, hours)
    return out


def actor_domains(ds: Dataset, actor: str) -> set[str]:
    """Domains in which the actor has listed forces."""
    return {
        ds.capability_classes[c].domain
        for c, by_base in ds.forces.get(actor, {}).items()
        if c in ds.capability_classes and any(q.value > 0 for q in by_base.values())
    }


def initial_response_hours(ds: Dataset, structure, actor: str) -> tuple[float, str | None]:
    """(hours, limiting domain) for the actor's initial response in a structure."""
    lat = domain_latencies_hours(structure).get(actor, {})
    needed = [d for d in INITIAL_RESPONSE_DOMAINS if d in actor_domains(ds, actor)]
    if not needed:
        return 0.0, None
    worst = max(needed, key=lambda d: lat.get(d, math.inf))
    return lat.get(worst, math.inf), worst


def role_command_problems(ds: Dataset, structure, roles: Mapping[str, Mapping[str, str]]) -> list[dict]:
    """Primary roles without a command path: one entry per (area, actor, domain) left uncommanded."""
    lat = domain_latencies_hours(structure)
    out = []
    for area, cell in roles.items():
        if area not in ds.mission_areas:
            continue
        classes = area_classes(ds, area)
        for actor, role in cell.items():
            if role != "primary":
                continue
            domains = sorted(
                {
                    ds.capability_classes[c].domain
                    for c in classes
                    if any(q.value > 0 for q in ds.forces.get(actor, {}).get(c, {}).values())
                }
            )
            for d in domains:
                hours = lat.get(actor, {}).get(d, math.inf)
                if not math.isfinite(hours):
                    out.append(
                        {
                            "area": area,
                            "actor": actor,
                            "domain": d,
                            "problem": f"{actor} is primary for {area}, but no {actor} component that commands "
                            f"'{d}' forces is reachable from {actor}'s national authority",
                            "fix": f"add a {actor} component with '{d}' in commands_domains and a command link to it",
                        }
                    )
    return out
