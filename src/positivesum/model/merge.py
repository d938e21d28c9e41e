"""Deep merging of data trees with provenance, and ``--set`` overrides.

Precedence, lowest to highest (later wins):

1. files named in ``import:``, in the order listed (each after its own imports);
2. the importing file's own keys;
3. further files given on the command line, in order;
4. named overrides selected with ``--override NAME``, in the order given;
5. ``--set dotted.path=value`` assignments, in the order given.

Mappings merge key by key; lists and scalars are replaced whole.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from .errors import InputError, KeyPath, Location, Problem, dotted, suggest
from .yamlio import parse_value


def _drop_lines(lines: dict[KeyPath, Location], prefix: KeyPath) -> None:
    n = len(prefix)
    for key in [k for k in lines if k[:n] == prefix]:
        del lines[key]


def merge_into(
    base: dict[str, Any],
    base_lines: dict[KeyPath, Location],
    top: dict[str, Any],
    top_lines: dict[KeyPath, Location],
    top_prefix: KeyPath = (),
    path: KeyPath = (),
) -> None:
    """Merge ``top`` into ``base`` in place; ``top_lines`` keys are relative to ``top_prefix``."""
    for key, value in top.items():
        here = path + (key,)
        src_key = top_prefix + here
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            if src_key in top_lines:
                # the latest definition of a record is where a problem with it was introduced
                base_lines[here] = top_lines[src_key]
            merge_into(base[key], base_lines, value, top_lines, top_prefix, here)
            continue
        base[key] = copy.deepcopy(value)
        _drop_lines(base_lines, here)
        n = len(src_key)
        for k, loc in top_lines.items():
            if k[:n] == src_key:
                base_lines[here + k[n:]] = loc


def apply_set(data: dict[str, Any], lines: dict[KeyPath, Location], assignment: str) -> str:
    """Apply one ``dotted.path=value`` assignment; return the normalised assignment text.

    Setting a sourced quantity replaces its value and marks it as a command-line
    estimate, so provenance stays honest.
    """
    where = Location("--set", 0)
    if "=" not in assignment:
        raise InputError(
            [
                Problem(
                    where,
                    assignment,
                    "missing '='",
                    "write --set dotted.path=value, e.g. --set scenarios.taiwan_base.warning_days=10",
                )
            ]
        )
    path_text, raw_value = assignment.split("=", 1)
    parts = [p for p in path_text.strip().split(".") if p]
    if not parts:
        raise InputError([Problem(where, assignment, "empty key path", "write --set dotted.path=value")])
    try:
        value = parse_value(raw_value) if raw_value.strip() else ""
    except yaml.YAMLError:
        value = raw_value
    except InputError as err:  # nested too deep, or an alias bomb
        raise InputError([Problem(where, path_text, p.message, p.fix) for p in err.problems]) from None
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        key: Any = int(part) if isinstance(node, list) and part.isdigit() else part
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            continue
        if not isinstance(node, dict) or key not in node:
            choices = node.keys() if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
            raise InputError(
                [Problem(where, ".".join(parts[: i + 1]), "no such key in the dataset", suggest(part, choices))]
            )
        node = node[key]
    last: Any = parts[-1]
    if isinstance(node, list) and last.isdigit():
        last = int(last)
        if last >= len(node):
            raise InputError(
                [
                    Problem(
                        where,
                        path_text,
                        f"index {last} is out of range (list has {len(node)} items)",
                        "use an existing index",
                    )
                ]
            )
    elif not isinstance(node, dict) or last not in node:
        choices = node.keys() if isinstance(node, dict) else []
        raise InputError(
            [
                Problem(
                    where,
                    path_text,
                    "no such key in the dataset",
                    f"{suggest(last, choices)} (--set changes existing values; add new entries in a YAML file)",
                )
            ]
        )
    note = f"set on the command line: --set {path_text}={raw_value}"
    target = node[last]
    if isinstance(target, dict) and "value" in target and not isinstance(value, dict):
        target = dict(target)
        target.update(value=value, estimate=note)
        target.pop("source", None)
        for bound in ("low", "high"):
            target.pop(bound, None)
        node[last] = target
    else:
        node[last] = value
    key_path = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in parts)
    _drop_lines(lines, key_path)
    lines[key_path] = where
    return f"{path_text}={raw_value}"


def lookup(data: Any, path: KeyPath) -> Any:
    """Follow a key path into nested data (KeyError/IndexError if absent)."""
    for part in path:
        data = data[part]
    return data


def locate(lines: dict[KeyPath, Location], path: KeyPath) -> Location | None:
    """The recorded location of a path or of its nearest recorded ancestor."""
    for n in range(len(path), -1, -1):
        loc = lines.get(tuple(path[:n]))
        if loc is not None:
            return loc
    return None


__all__ = ["merge_into", "apply_set", "lookup", "locate", "dotted"]
