"""Which members of a coalition can fight which scenario (docs/methodology/alliance.md §3, issue 16).

The data's ``planning.coalition_conditions`` say what an ally needs before it can fight a scenario: the
other allies that must be in the coalition with it (Japan's collective self-defence in a Taiwan contingency
presupposes a US intervention). In a coalition that lacks them the ally does not fight that scenario: its
forces stay out and its bases stay closed, exactly as for a non-member, so the coalition gets the value of
not fighting it. Conditions chain: an ally whose required partner cannot fight cannot fight either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def conditions_of(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The coalition conditions of a raw dataset tree (``planning.coalition_conditions``), as plain dicts."""
    planning = raw.get("planning") or {}
    return [dict(c) for c in planning.get("coalition_conditions") or []]


def not_fighting(conditions: Iterable[Mapping[str, Any]], scenario_id: str, members: Iterable[str]) -> dict[str, str]:
    """Members of a coalition that cannot fight ``scenario_id``, each with the reason (a missing partner and the
    decision it would need); found by repeating until nothing changes, so that conditions chain."""
    rules = [c for c in conditions if scenario_id in (c.get("scenarios") or [])]
    fighting = set(members)
    out: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for c in rules:
            actor = c.get("actor")
            if actor not in fighting:
                continue
            missing = [r for r in c.get("requires") or [] if r not in fighting]
            if missing:
                fighting.discard(actor)
                out[actor] = f"needs {', '.join(missing)} in the coalition ({c.get('decision', '')})".replace(" ()", "")
                changed = True
    return out


def feasibility_table(
    conditions: Iterable[Mapping[str, Any]], scenarios: Iterable[str], members: Iterable[str]
) -> dict[str, dict[str, str]]:
    """{scenario: {member: reason}} for every scenario in which some member of the coalition cannot fight."""
    conds = list(conditions)
    mem = list(members)
    table = {s: not_fighting(conds, s, mem) for s in scenarios}
    return {s: v for s, v in table.items() if v}
