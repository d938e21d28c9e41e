"""Turn pydantic's validation errors into where | what | how-to-fix problems."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .dataset import Dataset
from .errors import KeyPath, Location, Problem, dotted, suggest
from .merge import locate


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated/Optional wrappers down to the core type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def model_at(loc: KeyPath) -> type[BaseModel] | None:
    """The schema model that a location path points into (for suggestions)."""
    current: Any = Dataset
    parts = list(loc)
    while parts:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            part = parts.pop(0)
            field = current.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return current if not parts else None
            current = field.annotation
            continue
        origin = typing.get_origin(current)
        if origin in (dict, list):
            parts.pop(0)
            current = typing.get_args(current)[-1]
            continue
        return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _schema_hint(model: type[BaseModel] | None) -> str:
    return f" (see docs/reference/schema.md#{model.__name__.lower()})" if model else ""


def _split(msg: str) -> tuple[str, str]:
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if " — " in msg:
        what, fix = msg.split(" — ", 1)
        return what, fix
    return msg, "correct the value"


def _shown(given: Any) -> str:
    """``repr`` of an input, shortened: a 400-digit number is shown by its first digits and its length."""
    text = repr(given)
    if isinstance(given, int) and not isinstance(given, bool) and len(text) > 24:
        return f"{text[:6]}… ({len(text.lstrip('-'))} digits)"
    return text if len(text) <= 80 else text[:77] + "…"


def _non_finite_text(given: Any) -> bool:
    return isinstance(given, str) and given.strip().lower().lstrip("+-.") in ("nan", "inf", "infinity")


def translate_validation_error(err: ValidationError, lines: dict[KeyPath, Location]) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with file/line from the provenance map."""
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(
            p
            for p in e["loc"]
            if not (isinstance(p, str) and (p.startswith("function-") or p in ("Quantity", "[key]")))
        )
        kind, given = e["type"], e.get("input")
        where = locate(lines, loc)
        if kind == "extra_forbidden":
            parent = model_at(loc[:-1])
            fields = list(parent.model_fields) if parent else []
            what, fix = (
                f"unknown key '{loc[-1]}'",
                (suggest(loc[-1], fields) + _schema_hint(parent)) if fields else "remove it",
            )
        elif kind == "missing":
            parent = model_at(loc[:-1])
            what, fix = f"missing required key '{loc[-1]}'", f"add `{loc[-1]}:`{_schema_hint(parent)}"
        elif kind in ("value_error", "assertion_error"):
            what, fix = _split(e["msg"])
            what = what[0].lower() + what[1:] if what else what
        elif kind == "finite_number" or (kind == "float_parsing" and _non_finite_text(given)):
            what, fix = (
                f"{_shown(given)} is not a finite number (NaN and infinity are not allowed)",
                "write a plain number; for an unknown value give your best estimate with a low–high range",
            )
        elif isinstance(given, int) and not isinstance(given, bool) and kind in ("float_type", "int_type"):
            what, fix = (
                f"{_shown(given)} is too large for a number here",
                "check the unit and the exponent; numbers in data files lie within ±1e12 (docs/reference/limits.md)",
            )
        elif kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
            what, fix = (
                f"expected a number, got {_shown(given)}",
                "write a plain number (no units or commas), e.g. 1200",
            )
        elif kind == "literal_error":
            allowed = e.get("ctx", {}).get("expected", "")
            what, fix = f"{given!r} is not allowed", f"use one of: {allowed}"
        elif kind == "string_pattern_mismatch":
            what, fix = (
                f"{given!r} is not a valid value here",
                (
                    "ids use letters, digits, '_' and '-', starting with a letter"
                    if "A-Za-z" in str(e.get("ctx", {}).get("pattern", ""))
                    else f"match the pattern {e.get('ctx', {}).get('pattern')}"
                ),
            )
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            what, fix = (
                f"expected a mapping (key: value lines), got {type(given).__name__} {given!r}"[:160],
                "indent the keys under this one; a quantity is written {value: N, source: KEY}",
            )
        elif kind == "list_type":
            what, fix = f"expected a list, got {type(given).__name__}", "write items as `- item` lines or [a, b]"
        elif kind in ("greater_than_equal", "greater_than"):
            what, fix = (
                f"is {given!r}, below the minimum ({e['ctx'].get('ge', e['ctx'].get('gt'))})",
                "use a value within range",
            )
        elif kind in ("less_than_equal", "less_than"):
            what, fix = (
                f"is {given!r}, above the maximum ({e['ctx'].get('le', e['ctx'].get('lt'))})",
                "use a value within range",
            )
        elif kind in ("string_type",):
            what, fix = f"expected text, got {type(given).__name__} {given!r}", "quote the value"
        else:
            what, fix = e["msg"], "correct the value"
        problems.append(Problem(where, dotted(loc), what, fix))
    return problems
