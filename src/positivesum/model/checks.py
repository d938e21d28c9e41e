"""Semantic consistency checks over a schema-valid dataset.

One function per family (PyPSA style); each yields problems that say what is
wrong, where, and how to fix it. :func:`run_checks` runs them all and the
loader raises once with everything found.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

from .dataset import Dataset
from .errors import KeyPath, Location, Problem, dotted, suggest
from .limits import check_limits
from .merge import locate

_URLISH = re.compile(r"[\s/:]")


class _Ctx:
    def __init__(self, ds: Dataset, lines: dict[KeyPath, Location]) -> None:
        self.ds, self.lines = ds, lines

    def problem(self, path: KeyPath, message: str, fix: str) -> Problem:
        return Problem(locate(self.lines, path), dotted(path), message, fix)

    def ref(self, path: KeyPath, value: str, pool: Collection[str], what: str) -> Iterator[Problem]:
        if value not in pool:
            yield self.problem(
                path,
                f"refers to {what} '{value}', which does not exist",
                f"{suggest(value, pool)} or define {what} '{value}'" if pool else f"define {what} '{value}'",
            )


def check_references(c: _Ctx) -> Iterator[Problem]:
    """Every id used somewhere is defined."""
    ds = c.ds
    for cid, cls in ds.capability_classes.items():
        for i, area in enumerate(cls.mission_areas):
            yield from c.ref(("capability_classes", cid, "mission_areas", i), area, ds.mission_areas, "mission area")
    for bid, base in ds.bases.items():
        yield from c.ref(("bases", bid, "host"), base.host, ds.actors, "actor")
        for sid in base.access_exceptions:
            yield from c.ref(("bases", bid, "access_exceptions", sid), sid, ds.scenarios, "scenario")
    for aid, by_class in ds.forces.items():
        yield from c.ref(("forces", aid), aid, ds.actors, "actor")
        for cid, by_base in by_class.items():
            yield from c.ref(("forces", aid, cid), cid, ds.capability_classes, "capability class")
            for bid in by_base:
                yield from c.ref(("forces", aid, cid, bid), bid, ds.bases, "base")
    for aid, actor in ds.actors.items():
        for mid in actor.industrial_capacity:
            yield from c.ref(("actors", aid, "industrial_capacity", mid), mid, ds.munitions, "munition")
    for mid, mun in ds.munitions.items():
        for i, cid in enumerate(mun.launch_platforms):
            yield from c.ref(("munitions", mid, "launch_platforms", i), cid, ds.capability_classes, "capability class")
        for aid in mun.holdings:
            yield from c.ref(("munitions", mid, "holdings", aid), aid, ds.actors, "actor")
    for rid, matrix in ds.roles.items():
        for area, by_actor in matrix.roles.items():
            yield from c.ref(("roles", rid, "roles", area), area, ds.mission_areas, "mission area")
            for aid in by_actor:
                yield from c.ref(("roles", rid, "roles", area, aid), aid, ds.actors, "actor")
    for oid, opt in ds.options.items():
        for i, aid in enumerate(opt.eligible_actors):
            yield from c.ref(("options", oid, "eligible_actors", i), aid, ds.actors, "actor")
        for i, area in enumerate(opt.mission_areas):
            yield from c.ref(("options", oid, "mission_areas", i), area, ds.mission_areas, "mission area")
        for field in ("prerequisites", "exclusions"):
            for i, other in enumerate(getattr(opt, field)):
                yield from c.ref(("options", oid, field, i), other, ds.options, "option")
        if set(opt.prerequisites) & set(opt.exclusions):
            both = sorted(set(opt.prerequisites) & set(opt.exclusions))[0]
            yield c.problem(
                ("options", oid),
                f"'{both}' is both a prerequisite and an exclusion",
                "an option cannot require and exclude the same option; remove one",
            )


def check_sources(c: _Ctx) -> Iterator[Problem]:
    """``source:`` values that look like registry keys must be in the registry."""

    def walk(obj: Any, path: KeyPath) -> Iterator[Problem]:
        if isinstance(obj, dict):
            src = obj.get("source")
            if isinstance(src, str) and src and not _URLISH.search(src) and src not in c.ds.sources:
                yield c.problem(
                    path + ("source",),
                    f"source key '{src}' is not in the `sources:` registry",
                    f"{suggest(src, c.ds.sources)} or add it under `sources:` (or write a full citation with a URL)",
                )
            for k, v in obj.items():
                yield from walk(v, path + (k,))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from walk(v, path + (i,))

    yield from walk(c.ds.model_dump(exclude={"sources"}), ())


def check_scenarios(c: _Ctx) -> Iterator[Problem]:
    """Scenario references, timelines and reinforcement schedules."""
    ds = c.ds
    for sid, sc in ds.scenarios.items():
        p = ("scenarios", sid)
        yield from c.ref(p + ("theatre",), sc.theatre, ds.theatres, "theatre")
        yield from c.ref(p + ("adversary",), sc.adversary, ds.actors, "actor")
        yield from c.ref(p + ("intervening_actor",), sc.intervening_actor, ds.actors, "actor")
        yield from c.ref(p + ("command_structure",), sc.command_structure, ds.command_structures, "command structure")
        yield from c.ref(p + ("roles",), sc.roles, ds.roles, "roles matrix")
        for aid in sc.basing_access:
            yield from c.ref(p + ("basing_access", aid), aid, ds.actors, "actor")
        for aid, _part in sc.participants.items():
            yield from c.ref(p + ("participants", aid), aid, ds.actors, "actor")
        if sc.adversary not in sc.participants:
            yield c.problem(
                p + ("participants",),
                f"the adversary '{sc.adversary}' is not a participant",
                f"add `{sc.adversary}: {{side: red, commitment: ...}}` under participants",
            )
        elif sc.participants[sc.adversary].side != "red":
            yield c.problem(
                p + ("participants", sc.adversary, "side"), "the adversary must be on the red side", "set `side: red`"
            )
        if not any(part.side == "blue" for part in sc.participants.values()):
            yield c.problem(
                p + ("participants",), "no blue participant", "add at least one defending actor with `side: blue`"
            )
        start, end = -sc.warning_days.value, sc.duration_days.value
        if sc.fait_accompli_window_days.value > end:
            yield c.problem(
                p + ("fait_accompli_window_days",),
                f"window ({sc.fait_accompli_window_days.value:g} days) is longer than the campaign ({end:g} days)",
                "lengthen duration_days or shorten the window",
            )
        last_end = None
        for i, ph in enumerate(sc.phases):
            pp = p + ("phases", i)
            if ph.end_day < ph.start_day:
                yield c.problem(
                    pp + ("end_day",),
                    f"phase ends (day {ph.end_day:g}) before it starts (day {ph.start_day:g})",
                    "swap start_day and end_day",
                )
            if ph.start_day < start or ph.end_day > end:
                yield c.problem(
                    pp,
                    f"phase '{ph.name}' (days {ph.start_day:g}..{ph.end_day:g}) lies outside the scenario "
                    f"(days {start:g}..{end:g})",
                    "keep phases between -warning_days and duration_days",
                )
            if last_end is not None and ph.start_day < last_end:
                yield c.problem(
                    pp + ("start_day",),
                    f"phase '{ph.name}' starts before the previous phase ends (day {last_end:g})",
                    "list phases in time order without overlap",
                )
            last_end = ph.end_day
        for i, rf in enumerate(sc.reinforcements):
            rp = p + ("reinforcements", i)
            yield from c.ref(rp + ("actor",), rf.actor, ds.actors, "actor")
            yield from c.ref(rp + ("capability",), rf.capability, ds.capability_classes, "capability class")
            yield from c.ref(rp + ("origin",), rf.origin, ds.bases, "base")
            yield from c.ref(rp + ("destination",), rf.destination, ds.bases, "base")
            if rf.actor not in sc.participants:
                yield c.problem(
                    rp + ("actor",),
                    f"'{rf.actor}' reinforces but does not take part in the scenario",
                    f"add '{rf.actor}' to participants or remove the reinforcement",
                )
            if rf.arrival_day < start:
                yield c.problem(
                    rp + ("arrival_day",),
                    f"arrives on day {rf.arrival_day:g}, before the scenario starts (day {start:g}, "
                    "i.e. -warning_days)",
                    "forces present from the start belong in `forces:`; otherwise use a later day",
                )
            elif rf.arrival_day > end:
                yield c.problem(
                    rp + ("arrival_day",),
                    f"arrives on day {rf.arrival_day:g}, after the scenario ends (day {end:g})",
                    "drop it or lengthen duration_days",
                )
            if rf.origin == rf.destination:
                yield c.problem(
                    rp + ("destination",),
                    "origin and destination are the same base",
                    "name the base the forces move to",
                )


def check_command_structures(c: _Ctx) -> Iterator[Problem]:
    """Links join existing nodes; every component is reachable from its national authority; no command cycles."""
    ds = c.ds
    for hid, cs in ds.command_structures.items():
        p = ("command_structures", hid)
        for nid, node in cs.nodes.items():
            yield from c.ref(p + ("nodes", nid, "actor"), node.actor, ds.actors, "actor")
        children: dict[str, list[str]] = {n: [] for n in cs.nodes}
        for i, link in enumerate(cs.links):
            ok = True
            for field in ("from_hq", "to_hq"):
                target = getattr(link, field)
                if target not in cs.nodes:
                    ok = False
                    yield c.problem(
                        p + ("links", i, field),
                        f"link names node '{target}', which is not in this structure",
                        f"{suggest(target, cs.nodes)} or add '{target}' under nodes",
                    )
            if ok and link.kind == "command":
                children[link.from_hq].append(link.to_hq)
        for nid, node in cs.nodes.items():
            if node.kind != "component":
                continue
            roots = [r for r, n in cs.nodes.items() if n.kind == "national" and n.actor == node.actor]
            if not roots:
                yield c.problem(
                    p + ("nodes", nid),
                    f"component '{nid}' belongs to '{node.actor}', which has no national node",
                    f"add a node with kind: national and actor: {node.actor}",
                )
                continue
            if not any(nid in _reachable(children, r) for r in roots):
                yield c.problem(
                    p + ("nodes", nid),
                    f"no command path from {node.actor}'s national authority to component '{nid}'",
                    f"add a command link ending at '{nid}' from a headquarters under {roots[0]}",
                )
        cycle = _find_cycle(children)
        if cycle:
            yield c.problem(
                p + ("links",),
                "command links form a cycle: " + " → ".join(cycle),
                "command authority must flow one way; make one of these links kind: coordination",
            )


def _reachable(children: dict[str, list[str]], root: str) -> set[str]:
    seen, pending = {root}, [root]
    while pending:
        for nxt in children.get(pending.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return seen


def _find_cycle(children: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in children.get(n, []):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if m not in state and (found := visit(m)):
                return found
        state[n] = 2
        stack.pop()
        return None

    for node in children:
        if node not in state and (found := visit(node)):
            return found
    return None


def check_options(c: _Ctx) -> Iterator[Problem]:
    """Prerequisite chains must not loop."""
    graph = {oid: list(opt.prerequisites) for oid, opt in c.ds.options.items()}
    cycle = _find_cycle(graph)
    if cycle:
        yield c.problem(
            ("options", cycle[0], "prerequisites"),
            "prerequisites form a cycle: " + " → ".join(cycle),
            "remove one prerequisite so that some option in the chain can be chosen first",
        )


def check_planning_and_schedules(c: _Ctx) -> Iterator[Problem]:
    """Spending-target presets, the negotiation opening, host-nation support, stationed personnel and milestones
    name actors and presets that exist; the surrogate's interaction pairs name mission areas that exist, each pair
    once."""
    ds = c.ds
    pp = ds.planning
    if pp is not None:
        for pid, preset in pp.target_presets.items():
            yield from c.ref(("planning", "target_presets", pid, "actor"), preset.actor, ds.actors, "actor")
        if pp.negotiation_opening is not None:
            yield from c.ref(
                ("planning", "negotiation_opening"), pp.negotiation_opening, pp.target_presets, "target preset"
            )
        seen: dict[frozenset[str], int] = {}
        for i, inter in enumerate(pp.surrogate_interactions):
            for k, area in enumerate(inter.areas):
                yield from c.ref(
                    ("planning", "surrogate_interactions", i, "areas", k), area, ds.mission_areas, "mission area"
                )
            pair_key = frozenset(inter.areas)
            if pair_key in seen:
                yield c.problem(
                    ("planning", "surrogate_interactions", i, "areas"),
                    f"the pair {' and '.join(inter.areas)} is already listed (entry {seen[pair_key] + 1})",
                    "list each pair of mission areas once",
                )
            seen.setdefault(pair_key, i)
        hns = pp.host_nation_support
        if hns is not None:
            for field in ("payer", "receiver"):
                yield from c.ref(("planning", "host_nation_support", field), getattr(hns, field), ds.actors, "actor")
    for bid, base in ds.bases.items():
        for aid in base.stationed_personnel:
            yield from c.ref(("bases", bid, "stationed_personnel", aid), aid, ds.actors, "actor")
    owners = [("bases", k, v.milestones) for k, v in ds.bases.items()]
    owners += [("munitions", k, v.milestones) for k, v in ds.munitions.items()]
    owners += [("command_structures", k, v.milestones) for k, v in ds.command_structures.items()]
    for kind, key, milestones in owners:
        for i, m in enumerate(milestones):
            if m.actor is not None:
                yield from c.ref((kind, key, "milestones", i, "actor"), m.actor, ds.actors, "actor")


CHECKS = (
    check_references,
    check_sources,
    check_scenarios,
    check_command_structures,
    check_options,
    check_planning_and_schedules,
    check_limits,
)


def run_checks(ds: Dataset, lines: dict[KeyPath, Location]) -> list[Problem]:
    """Run every semantic check and return all problems found."""
    ctx = _Ctx(ds, lines)
    return [p for check in CHECKS for p in check(ctx)]
