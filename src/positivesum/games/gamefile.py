"""GAME_FILE: a cooperative game written as YAML or JSON (chosen by the file extension).

Three types (the ``type:`` key), documented with examples in ``docs/methodology/alliance.md``:

* ``tabular`` — ``players`` and ``values: [{coalition: [A, B], value: 1.0}, …]`` for every
  non-empty coalition (the empty one may be omitted; it is worth 0).
* ``airport`` — ``user_types: [{name, users, cumulative_cost}, …]``, a serial cost game.
* ``bankruptcy`` — ``estate`` and ``claims: {name: amount}``.

Every problem is reported as ``file:line: key: what — fix`` (line numbers from
:mod:`positivesum.model.yamlio`, also for JSON files, which YAML reads).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..model.errors import InputError, KeyPath, Location, Problem, dotted, suggest
from ..model.loader import display
from ..model.merge import locate
from ..model.pydantic_errors import translate_validation_error
from ..model.yamlio import deepest_line, depth_error, load_yaml_file, parse_yaml, read_text
from .games import MAX_EXACT_PLAYERS, Game, members
from .structured import AirportGame, BankruptcyProblem

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Amount = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Name = Annotated[str, Field(strict=True, min_length=1)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoalitionValue(_Spec):
    """One coalition and its value."""

    coalition: list[Name] = Field(description="Player names in the coalition, e.g. [USA, JPN].")
    value: Number = Field(description="v(S): the coalition's worth (kind: value) or stand-alone cost (kind: cost).")


class TabularGameFile(_Spec):
    """A game given coalition by coalition."""

    type: Literal["tabular"]
    players: list[Name] = Field(min_length=1, description=f"Player names, at most {MAX_EXACT_PLAYERS}.")
    values: list[CoalitionValue] = Field(description="Value of every non-empty coalition.")
    kind: Literal["value", "cost"] = Field("value", description="value: more is better; cost: shares of a cost.")
    weights: dict[Name, Amount] | None = Field(None, description="Weights for the proportional rule, e.g. GDP.")
    description: str = ""
    units: str = ""


class UserType(_Spec):
    """Users of one type in an airport game."""

    name: Name
    users: Annotated[int, Field(strict=True, ge=1)] = Field(description="Number of users of this type (≥ 1).")
    cumulative_cost: Amount = Field(description="Cost of the facility this type needs, built from the bottom up.")


class AirportGameFile(_Spec):
    """Airport (serial cost) game."""

    type: Literal["airport"]
    user_types: list[UserType] = Field(min_length=1)
    kind: Literal["cost"] = "cost"
    description: str = ""
    units: str = ""


class BankruptcyGameFile(_Spec):
    """Bankruptcy problem: an estate too small for the claims on it."""

    type: Literal["bankruptcy"]
    estate: Amount
    claims: dict[Name, Amount] = Field(min_length=1)
    kind: Literal["value"] = "value"
    weights: dict[Name, Amount] | None = Field(None, description="Weights for the proportional rule (default: claims).")
    description: str = ""
    units: str = ""


GameSpec = Union[TabularGameFile, AirportGameFile, BankruptcyGameFile]
SPECS: dict[str, type[TabularGameFile] | type[AirportGameFile] | type[BankruptcyGameFile]] = {
    "tabular": TabularGameFile,
    "airport": AirportGameFile,
    "bankruptcy": BankruptcyGameFile,
}
_FORMAT_HINT = "see docs/methodology/alliance.md#game-files"


@dataclass(frozen=True)
class LoadedGame:
    """A validated game file and the game objects built from it."""

    file: str
    spec: GameSpec
    game: Game | None  # tabular games; for the others, the explicit game when small enough
    airport: AirportGame | None = None
    bankruptcy: BankruptcyProblem | None = None


def _problem(lines: dict[KeyPath, Location], path: KeyPath, what: str, fix: str) -> Problem:
    return Problem(locate(lines, path), dotted(path), what, fix)


def _read(path: Path, name: str) -> tuple[dict[str, Any], dict[KeyPath, Location]]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        doc = load_yaml_file(path, name)
        return doc.data, doc.lines
    if suffix != ".json":
        if not path.exists() or path.is_dir():
            read_text(path, name)  # raises the standard "file not found" / "is a directory"
        raise InputError(
            [
                Problem(
                    Location(name, 0),
                    "",
                    f"unsupported file type '{path.suffix or '(none)'}'",
                    "write the game as .yaml, .yml or .json",
                )
            ]
        )
    text = read_text(path, name)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        dup = next((k for k in keys if keys.count(k) > 1), None)
        if dup is not None:
            raise ValueError(f"duplicate key '{dup}'")
        return dict(pairs)

    deep = deepest_line(text)  # JSON is YAML: the same bound on nesting as data files
    if deep is not None:
        raise depth_error(name, deep)
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except RecursionError:  # nested too deep where the YAML scan stopped early (JSON that is not YAML)
        raise depth_error(name, 1) from None
    except json.JSONDecodeError as err:
        raise InputError(
            [
                Problem(
                    Location(name, err.lineno),
                    "",
                    f"malformed JSON: {err.msg}",
                    "check commas, quotes and brackets near this line",
                )
            ]
        ) from None
    except ValueError as err:
        raise InputError([Problem(Location(name, 1), "", str(err), "keep one definition of each key")]) from None
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    Location(name, 1),
                    "",
                    f"top level is a {type(data).__name__}, not an object",
                    'start the file with {"type": ...}',
                )
            ]
        )
    try:  # JSON is YAML: reading it again as YAML gives the line of every key
        lines = parse_yaml(text, name).lines
    except InputError:  # e.g. tab indentation, valid in JSON only: fall back to line 1
        lines = {(): Location(name, 1)}
    return data, lines


def _model_at(model: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The spec model a pydantic error location points into (for 'did you mean' suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            current = field.annotation
        elif getattr(current, "__origin__", None) is list and isinstance(part, int):
            current = current.__args__[0]
        else:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _schema_problems(err: ValidationError, model: type[BaseModel], lines: dict[KeyPath, Location]) -> list[Problem]:
    problems = translate_validation_error(err, lines)
    out = []
    for e, p in zip(err.errors(include_url=False), problems):
        loc = tuple(e["loc"])
        if e["type"] == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            fix = suggest(loc[-1], list(parent.model_fields)) if parent else "remove it"
            p = Problem(p.location, p.key_path, f"unknown key '{loc[-1]}'", f"{fix} ({_FORMAT_HINT})")
        elif e["type"] in ("dict_type", "model_type", "model_attributes_type"):
            p = Problem(
                p.location,
                p.key_path,
                p.message,
                f"write `name: value` pairs indented under `{loc[-1] if loc else 'the file'}` ({_FORMAT_HINT})",
            )
        elif e["type"] == "missing":
            p = Problem(
                p.location, p.key_path, f"missing required key '{loc[-1]}'", f"add `{loc[-1]}:` ({_FORMAT_HINT})"
            )
        out.append(p)
    return out


def _check_weights(weights: dict[str, float] | None, names: list[str], lines: dict[KeyPath, Location]) -> list[Problem]:
    if weights is None:
        return []
    problems = [
        _problem(lines, ("weights", k), f"weight for unknown player '{k}'", suggest(k, names))
        for k in weights
        if k not in names
    ]
    missing = [p for p in names if p not in weights]
    if missing:
        problems.append(
            _problem(lines, ("weights",), f"no weight for {', '.join(missing)}", "give one weight per player")
        )
    if not problems and sum(weights.values()) <= 0:
        problems.append(_problem(lines, ("weights",), "weights are all zero", "give at least one positive weight"))
    return problems


def _tabular(spec: TabularGameFile, lines: dict[KeyPath, Location]) -> tuple[Game | None, list[Problem]]:
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for i, p in enumerate(spec.players):
        if p in index:
            problems.append(_problem(lines, ("players", i), f"player '{p}' is listed twice", "list each player once"))
        index.setdefault(p, len(index))
    if len(index) > MAX_EXACT_PLAYERS:
        problems.append(
            _problem(
                lines,
                ("players",),
                f"{len(index)} players; a tabular game allows at most {MAX_EXACT_PLAYERS}",
                "split the alliance into blocs, or build the game in Python and use shapley_sampled",
            )
        )
    if problems:
        return None, problems
    names = list(index)
    values = np.zeros(1 << len(names))
    seen: dict[int, int] = {0: -1}
    for k, item in enumerate(spec.values):
        mask, ok = 0, True
        for j, p in enumerate(item.coalition):
            if p not in index:
                close = difflib.get_close_matches(p, names, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problems.append(
                    _problem(
                        lines,
                        ("values", k, "coalition", j),
                        f"unknown player '{p}'",
                        f"{hint}players are {', '.join(names)}",
                    )
                )
                ok = False
            elif mask >> index[p] & 1:
                problems.append(
                    _problem(
                        lines,
                        ("values", k, "coalition", j),
                        f"player '{p}' appears twice in the coalition",
                        "list each member once",
                    )
                )
                ok = False
            else:
                mask |= 1 << index[p]
        if not ok:
            continue
        if mask in seen:
            earlier = locate(lines, ("values", seen[mask]))
            first = (
                "the empty coalition is worth 0"
                if seen[mask] < 0
                else f"already given at line {earlier.line if earlier else '?'}"
            )
            if mask or item.value != 0.0:
                problems.append(
                    _problem(
                        lines,
                        ("values", k, "coalition"),
                        f"coalition {{{', '.join(item.coalition)}}}: {first}",
                        "give each coalition once (omit the empty coalition)",
                    )
                )
            continue
        seen[mask] = k
        values[mask] = item.value
    missing = [m for m in range(1, 1 << len(names)) if m not in seen]
    if missing and not problems:
        listed = "; ".join("{" + ", ".join(members(m, names)) + "}" for m in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(
            _problem(
                lines,
                ("values",),
                f"no value for coalition(s) {listed}{more}",
                f"add `- {{coalition: [{', '.join(members(missing[0], names))}], value: N}}`; "
                f"every non-empty coalition needs a value",
            )
        )
    problems.extend(_check_weights(spec.weights, names, lines))
    if problems:
        return None, problems
    return Game(tuple(names), values, spec.kind, spec.units, spec.description), []


def _airport(spec: AirportGameFile, lines: dict[KeyPath, Location]) -> tuple[AirportGame | None, list[Problem]]:
    names = [t.name for t in spec.user_types]
    problems = [
        _problem(lines, ("user_types", i, "name"), f"user type '{n}' is listed twice", "give each type once")
        for i, n in enumerate(names)
        if n in names[:i]
    ]
    if problems:
        return None, problems
    return AirportGame(
        tuple(names),
        np.array([t.users for t in spec.user_types], dtype=np.int64),
        np.array([t.cumulative_cost for t in spec.user_types]),
        spec.units,
        spec.description,
    ), []


def _bankruptcy(
    spec: BankruptcyGameFile, lines: dict[KeyPath, Location]
) -> tuple[BankruptcyProblem | None, list[Problem]]:
    total = sum(spec.claims.values())
    problems = _check_weights(spec.weights, list(spec.claims), lines)
    if spec.estate > total:
        problems.append(
            _problem(
                lines,
                ("estate",),
                f"estate {spec.estate:g} exceeds the total claims {total:g}",
                "a bankruptcy problem has estate ≤ the sum of claims; pay the claims in full instead",
            )
        )
    if problems:
        return None, problems
    return BankruptcyProblem.from_mapping(spec.estate, spec.claims, units=spec.units, description=spec.description), []


def load_game_file(path: Path | str) -> LoadedGame:
    """Read, validate and build a game file; raise :class:`InputError` listing every problem."""
    path = Path(path)
    name = display(path)
    data, lines = _read(path, name)
    kind = data.get("type")
    if kind is None:
        raise InputError(
            [
                Problem(
                    Location(name, 1),
                    "type",
                    "missing required key 'type'",
                    f"add `type: tabular`, `type: airport` or `type: bankruptcy` ({_FORMAT_HINT})",
                )
            ]
        )
    if kind not in SPECS:
        raise InputError(
            [
                _problem(
                    lines, ("type",), f"unknown game type {kind!r}", f"use one of: {', '.join(SPECS)} ({_FORMAT_HINT})"
                )
            ]
        )
    model = SPECS[kind]
    try:
        spec = model.model_validate(data)
    except ValidationError as err:
        raise InputError(_schema_problems(err, model, lines)) from None
    if isinstance(spec, TabularGameFile):
        game, problems = _tabular(spec, lines)
        loaded = LoadedGame(name, spec, game)
    elif isinstance(spec, AirportGameFile):
        airport, problems = _airport(spec, lines)
        small = airport is not None and airport.total_users <= MAX_EXACT_PLAYERS
        loaded = LoadedGame(name, spec, airport.to_game() if small and airport is not None else None, airport=airport)
    else:
        bankruptcy, problems = _bankruptcy(spec, lines)
        small = bankruptcy is not None and len(bankruptcy.claimants) <= MAX_EXACT_PLAYERS
        game = bankruptcy.to_game() if small and bankruptcy is not None else None
        loaded = LoadedGame(name, spec, game, bankruptcy=bankruptcy)
    if problems:
        raise InputError(problems)
    return loaded
