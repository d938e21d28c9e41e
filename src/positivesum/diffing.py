"""Semantic differences between two scenarios or two datasets.

Differences are computed on the validated models (not on the text), so a
re-ordered or re-formatted file shows no change, while a changed value,
citation or confidence does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model.errors import dotted


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed or changed."""

    path: str
    kind: str
    before: Any
    after: Any


def _is_quantity(obj: Any) -> bool:
    return isinstance(obj, dict) and "value" in obj and ("source" in obj or "estimate" in obj)


def diff_trees(a: Any, b: Any, path: tuple = ()) -> list[Change]:
    """Recursive diff of plain data; quantities are compared as a unit of value and provenance."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[Change] = []
        for key in sorted(set(a) | set(b), key=str):
            here = path + (key,)
            if key not in a:
                out.append(Change(dotted(here), "added", None, b[key]))
            elif key not in b:
                out.append(Change(dotted(here), "removed", a[key], None))
            else:
                out.extend(diff_trees(a[key], b[key], here))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [c for i, (x, y) in enumerate(zip(a, b)) for c in diff_trees(x, y, path + (i,))]
    if a != b:
        return [Change(dotted(path), "changed", a, b)]
    return []


def brief(value: Any) -> str:
    """A one-line rendering of a value for a diff table."""
    if _is_quantity(value):
        q = value
        rng = f" [{q['low']:g}–{q['high']:g}]" if q.get("low") is not None and q.get("high") is not None else ""
        prov = f"source: {q['source']}" if q.get("source") else f"estimate: {q.get('estimate')}"
        return f"{q['value']:g}{rng} ({prov}; {q.get('confidence') or '-'})"[:120]
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."
