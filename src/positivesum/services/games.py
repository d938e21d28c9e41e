"""Cooperative games from files: load a GAME_FILE, apply an allocation rule, shape the result.

The CLI (`positivesum allocate`) only prints what :func:`allocate_file` returns; everything
here raises :class:`InputError` for bad input so the CLI can report it cleanly.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..games.allocation import Allocation
from ..games.gamefile import AirportGameFile, BankruptcyGameFile, LoadedGame, load_game_file
from ..games.games import Game, GameError, surplus
from ..games.rules import allocate
from ..model.errors import InputError, Location, Problem, option_error
from .outputs import to_json_text

#: Rules offered for each game type; the first is the default.
RULES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "tabular": ("shapley", "nucleolus", "core", "nash", "proportional"),
    "airport": ("shapley", "nucleolus", "core", "nash"),
    "bankruptcy": ("talmud", "cea", "cel", "proportional", "shapley", "nucleolus", "core", "nash"),
}
#: Airport games print every user only when there are few; JSON lists them up to this many.
MAX_USERS_LISTED = 10_000


def parse_shares(text: str, players: tuple[str, ...]) -> list[float]:
    """``"A=1,B=2.5"`` → shares in player order; every player exactly once."""
    shares: dict[str, float] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise option_error("--check", f"'{part}' has no '='", "write PLAYER=SHARE pairs, e.g. USA=1.5,JPN=1")
        if name not in players:
            raise option_error("--check", f"unknown player '{name}'", f"players are {', '.join(players)}")
        if name in shares:
            raise option_error("--check", f"player '{name}' given twice", "give each player once")
        try:
            shares[name] = float(value)
        except ValueError:
            raise option_error(
                "--check", f"share '{value}' for {name} is not a number", "write a plain number"
            ) from None
        if not math.isfinite(shares[name]):
            raise option_error(
                "--check", f"share '{value.strip()}' for {name} is not a finite number", "write a plain number"
            )
    missing = [p for p in players if p not in shares]
    if missing:
        raise option_error("--check", f"no share for {', '.join(missing)}", "give one share per player")
    return [shares[p] for p in players]


def _game_info(loaded: LoadedGame) -> dict[str, Any]:
    spec = loaded.spec
    info: dict[str, Any] = {
        "file": loaded.file,
        "type": spec.type,
        "kind": spec.kind,
        "description": spec.description,
        "units": spec.units,
    }
    if loaded.game is not None:
        info["players"] = list(loaded.game.players)
        info["grand_coalition_value"] = loaded.game.grand_value()
        info["cooperation_surplus"] = surplus(loaded.game)
    return info


def _explicit_game(loaded: LoadedGame, rule: str) -> Game:
    if loaded.game is None:
        if loaded.airport is not None:
            size = loaded.airport.total_users
        else:
            size = len(loaded.bankruptcy.claimants) if loaded.bankruptcy is not None else 0
        raise option_error(
            "--rule",
            f"rule '{rule}' needs the explicit game, which is limited to 20 players (this game has {size:,})",
            "use --rule shapley (airport) or talmud/cea/cel/proportional (bankruptcy)",
        )
    return loaded.game


def _run_rule(loaded: LoadedGame, rule: str, check: list[float] | None) -> Allocation:
    if loaded.airport is not None and rule == "shapley":
        return loaded.airport.shapley()
    if loaded.bankruptcy is not None and rule in ("talmud", "cea", "cel", "proportional"):
        if rule == "proportional":
            spec = loaded.spec
            return loaded.bankruptcy.proportional(spec.weights if isinstance(spec, BankruptcyGameFile) else None)
        return getattr(loaded.bankruptcy, rule)()
    game = _explicit_game(loaded, rule)
    options: dict[str, Any] = {}
    if rule == "proportional":
        weights = None if isinstance(loaded.spec, AirportGameFile) else loaded.spec.weights
        if weights is None:
            raise InputError(
                [
                    Problem(
                        Location(loaded.file, 1),
                        "weights",
                        "the proportional rule needs weights",
                        "add `weights: {PLAYER: number, ...}` (e.g. GDP) to the game file",
                    )
                ]
            )
        options["weights"] = weights
    if rule == "core" and check is not None:
        options["check"] = check
    return allocate(game, rule, **options)


def _airport_tables(loaded: LoadedGame, alloc: Allocation) -> dict[str, Any]:
    """Per type and per user views of an airport allocation (whatever the rule)."""
    airport = loaded.airport
    if airport is None:  # callers pass airport games only
        raise ValueError(f"{loaded.file}: not an airport game")
    if alloc.players == airport.types:  # closed-form Shapley: shares are type totals
        per_type_user = [alloc.diagnostics["charge_per_user"][t] for t in airport.types]
    else:  # a rule on the user-level game: average the users of each type (equal by symmetry)
        shares = dict(zip(alloc.players, alloc.shares))
        per_type_user = [
            sum(shares[f"{t}#{k + 1}"] for k in range(int(m))) / int(m) for t, m in zip(airport.types, airport.users)
        ]
    by_type = [
        {
            "type": t,
            "users": int(m),
            "cumulative_cost": float(c),
            "charge_per_user": float(u),
            "type_total": float(u * m),
        }
        for t, m, c, u in zip(airport.types, airport.users, airport.cumulative_cost, per_type_user)
    ]
    out: dict[str, Any] = {
        "by_type": by_type,
        "total_users": airport.total_users,
        "total_cost": float(airport.cumulative_cost.max()),
    }
    if airport.total_users <= MAX_USERS_LISTED:
        if alloc.players == airport.types:
            charges = airport.per_user().tolist()
        else:
            charges = list(alloc.shares)
        out["per_user"] = [
            {"user": u, "type": u.rsplit("#", 1)[0], "charge": float(c)} for u, c in zip(airport.user_names(), charges)
        ]
    return out


def allocate_file(path: Path | str, rule: str | None = None, check: str | None = None) -> dict[str, Any]:
    """Load a game file and apply one rule; return a JSON-ready result.

    Keys: ``game`` (file, type, kind, players, …), ``rule``, ``allocation``
    (:meth:`Allocation.to_dict`) and, for airport games, ``airport`` (per type and per user).
    """
    loaded = load_game_file(path)
    valid = RULES_BY_TYPE[loaded.spec.type]
    rule = rule or valid[0]
    if rule not in valid:
        raise option_error(
            "--rule", f"rule '{rule}' does not apply to {loaded.spec.type} games", f"use one of: {', '.join(valid)}"
        )
    shares_to_check = None
    if check is not None:
        if rule != "core":
            raise option_error("--check", "--check tests an allocation against the core", "add --rule core")
        players = loaded.game.players if loaded.game is not None else ()
        shares_to_check = parse_shares(check, players)
    try:
        alloc = _run_rule(loaded, rule, shares_to_check)
    except GameError as err:
        what, _, fix = str(err).partition(" — ")
        raise InputError([Problem(Location(loaded.file, 0), "--rule", what, fix or "check the game file")]) from None
    result: dict[str, Any] = {"game": _game_info(loaded), "rule": rule, "allocation": alloc.to_dict()}
    if loaded.airport is not None:
        result["airport"] = _airport_tables(loaded, alloc)
    return result


__all__ = ["RULES_BY_TYPE", "allocate_file", "parse_shares", "to_json_text"]
