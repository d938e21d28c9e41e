"""Deep merging of data trees with provenance, and ``--set`` overrides.

Precedence, lowest to highest (later wins):

1. files named in ``import:``, in the order listed (each after its own imports);
2. the importing file's own keys;
3. further files given on the command line, in order;
4. named overrides selected with ``--override NAME``, in the order given;
5. ``--set dotted.path=value`` assignments, in the order given.

Mappings merge key by key; lists and scalars are replaced whole, except that a key written ``name+``
appends its list to the list ``name`` (so an override or a layered file can add a reinforcement).
``--set`` can also add a key inside an existing mapping, append to a list (``path+=value``) and remove
an item or key (``path=null``); see :func:`apply_set`.
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


QUANTITY_KEYS = frozenset({"value", "low", "high", "year", "note", "source", "estimate", "confidence", "url"})


def is_quantity(node: Any) -> bool:
    """A sourced number written as a mapping: ``{value: …}`` plus only provenance and range keys."""
    return isinstance(node, dict) and "value" in node and set(node) <= QUANTITY_KEYS


def merge_into(
    base: dict[str, Any],
    base_lines: dict[KeyPath, Location],
    top: dict[str, Any],
    top_lines: dict[KeyPath, Location],
    top_prefix: KeyPath = (),
    path: KeyPath = (),
) -> None:
    """Merge ``top`` into ``base`` in place; ``top_lines`` keys are relative to ``top_prefix``.

    Records merge key by key, but a *quantity* (``{value: …, low, high, source | estimate, …}``) that
    overrides another replaces it whole: the overriding file's own range and its own source or estimate
    (or none, which validation then reports), never the overridden value's citation or bounds. A number
    must not be credited to a source that did not give it (docs/decisions/0003-overrides.md)."""
    # Line records of ``top`` grouped by their key at this level, once per call: each key's subtree is then
    # found without scanning every record again (a 5 MB file has ~10^5 keys; a scan per key is quadratic).
    depth = len(top_prefix) + len(path)
    by_key: dict[Any, dict[KeyPath, Location]] = {}
    for k, loc in top_lines.items():
        if len(k) > depth:
            by_key.setdefault(k[depth], {})[k] = loc
    for key, value in top.items():
        if (
            isinstance(key, str)
            and key.endswith("+")
            and isinstance(value, list)
            and isinstance(base.get(key[:-1]), list)
        ):
            base[key[:-1]].extend(copy.deepcopy(value))  # `name+: [...]` appends to the list `name`
            continue
        here = path + (key,)
        src_key = top_prefix + here
        sub_lines = by_key.get(key, {})
        if (
            isinstance(value, dict)
            and isinstance(base.get(key), dict)
            and not (is_quantity(value) and is_quantity(base[key]))
        ):
            if src_key in sub_lines:
                # the latest definition of a record is where a problem with it was introduced
                base_lines[here] = sub_lines[src_key]
            merge_into(base[key], base_lines, value, sub_lines, top_prefix, here)
            continue
        existed = key in base
        base[key] = copy.deepcopy(value)
        if existed:
            _drop_lines(base_lines, here)
        n = len(src_key)
        for k, loc in sub_lines.items():
            if k[:n] == src_key:
                base_lines[here + k[n:]] = loc


def apply_set(data: dict[str, Any], lines: dict[KeyPath, Location], assignment: str) -> str:
    """Apply one ``dotted.path=value`` assignment; return the normalised assignment text.

    Setting a sourced quantity replaces its value and marks it as a command-line
    estimate, so provenance stays honest. ``path=value`` may also add a missing last key
    inside an existing mapping (a bare number becomes ``{value: N, estimate: <the command>}``);
    ``path+=value`` appends an item (YAML, e.g. a flow mapping) to the list at path;
    ``path=null`` removes a list item or a key. Every other key on the path must exist.
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
    append = path_text.endswith("+")  # `path+=value` appends an item to the list at path
    if append:
        path_text = path_text[:-1]
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
    elif not isinstance(node, dict) or (last not in node and (append or len(parts) < 2)):
        choices = node.keys() if isinstance(node, dict) else []
        raise InputError(
            [
                Problem(
                    where,
                    path_text,
                    "no such key in the dataset",
                    f"{suggest(last, choices)} (--set adds a key only inside an existing mapping, e.g. "
                    "--set scenarios.ID.participants.JPN.entry_day=5; += appends to an existing list)",
                )
            ]
        )
    note = f"set on the command line: --set {path_text}{'+' if append else ''}={raw_value}"
    _apply(node, last, value, note, append, where, path_text)
    key_path = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in parts)
    _drop_lines(lines, key_path)
    lines[key_path] = where
    return f"{path_text}{'+' if append else ''}={raw_value}"


def _provenanced(value: Any, note: str) -> Any:
    """A new entry from the command line carries the command as its estimate: a bare number becomes a
    quantity, a mapping without provenance gets the note (so the sourcing rule holds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"value": value, "estimate": note}
    if isinstance(value, dict) and not (value.get("source") or value.get("estimate")) and _has_number(value):
        return {**value, "estimate": note}
    return value


def _has_number(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_number(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _apply(node: Any, last: Any, value: Any, note: str, append: bool, where: Location, path_text: str) -> None:
    """Set, add, append or delete (``null``) one entry of the data tree (see ``apply_set``)."""
    if append:
        target = node[last]
        if not isinstance(target, list):
            raise InputError([Problem(where, path_text, "is not a list", "use += only on lists (e.g. reinforcements)")])
        target.append(_provenanced(value, note))
        return
    if value is None and (isinstance(node, list) or last in node):
        del node[last]  # `path=null` removes a list item or a key
        return
    if last not in node:
        node[last] = _provenanced(value, note)
        return
    if last == "value" and is_quantity(node) and not isinstance(value, (dict, list)):
        # `--set path.value=X` sets the quantity: the command line becomes its provenance, and the range
        # and citation of the value it replaces no longer apply
        node["value"] = value
        node["estimate"] = note
        for stale in ("source", "low", "high"):
            node.pop(stale, None)
        return
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
