"""The sourcing rule: every number sits in a record that says where it came from.

A number is *covered* if the mapping that holds it, or any mapping that
encloses it, carries a non-empty ``source:`` or ``estimate:``. The schema
decides where those keys are allowed (sourced quantities and sourced records),
so coverage cannot be faked with a file-wide note.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import KeyPath

UNSOURCED_EXEMPT_TOP_KEYS = frozenset({"sources", "title", "description"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has_provenance(mapping: dict[str, Any]) -> bool:
    return bool(mapping.get("source")) or bool(mapping.get("estimate"))


def unsourced_numbers(data: Any, path: KeyPath = (), covered: bool = False) -> Iterator[KeyPath]:
    """Yield the key path of every number not covered by a source or estimate."""
    if isinstance(data, dict):
        here = covered or _has_provenance(data)
        for key, value in data.items():
            if not path and key in UNSOURCED_EXEMPT_TOP_KEYS:
                continue
            yield from unsourced_numbers(value, path + (key,), here)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from unsourced_numbers(value, path + (index,), covered)
    elif _is_number(data) and not covered:
        yield path
