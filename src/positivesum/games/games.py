"""Transferable-utility cooperative games stored as one value per coalition.

A game on players ``N = (p_0, …, p_{n-1})`` is its characteristic function: one number
for every coalition ``S ⊆ N`` (Peleg & Sudhölter, *Introduction to the Theory of
Cooperative Games*, 2nd ed., 2007, ch. 2). Coalition ``S`` is the bitmask with bit ``i``
set when ``p_i ∈ S``; the values sit in a NumPy array of length ``2**n`` indexed by that
mask, so every rule can work with whole-array operations.

Sign conventions (``kind``):

* ``"value"`` — ``v(S)`` is what ``S`` can secure on its own (deterrence, savings, awards);
  an allocation ``x`` is a payoff, more is better, and the core asks ``x(S) ≥ v(S)``.
* ``"cost"`` — ``c(S)`` is what ``S`` would pay on its own; an allocation is a cost share,
  less is better, and the core asks ``x(S) ≤ c(S)``.

Rules work on the *worth* ``w = v`` (value games) or ``w = −c`` (cost games), which turns
every cost statement into the value statement above; allocations are turned back by the
same sign (:attr:`Game.sign`). Shapley value and proportional shares are linear, so they
are the same either way; the nucleolus and core of a cost game are those of ``−c`` negated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Kind = Literal["value", "cost"]
#: Exact games keep 2**n values; 2**20 float64 values are 8 MB.
MAX_EXACT_PLAYERS = 20
#: Absolute tolerance (in the game's units, after scaling by the largest |value|) for property checks.
TOL = 1e-9


class GameError(ValueError):
    """A game or an allocation request that cannot be built as asked (message says why and how to fix)."""


def subset_sizes(n: int) -> np.ndarray:
    """``|S|`` for every mask ``S`` in ``0 … 2**n − 1``, built with n doubling steps (no loop over masks)."""
    sizes = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        half = 1 << i
        sizes[half : 2 * half] = sizes[:half] + 1
    return sizes


def subset_sums(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """``Σ_{i∈S} weights_i`` for every mask ``S`` (the same doubling recursion as :func:`subset_sizes`)."""
    w = np.asarray(weights, dtype=float)
    sums = np.zeros(1 << len(w))
    for i, wi in enumerate(w):
        half = 1 << i
        sums[half : 2 * half] = sums[:half] + wi
    return sums


def members(mask: int, players: Sequence[str]) -> tuple[str, ...]:
    """Names of the players in a coalition mask, in player order."""
    return tuple(p for i, p in enumerate(players) if mask >> i & 1)


def _check_players(players: Iterable[str]) -> tuple[str, ...]:
    names = tuple(players)
    if not names:
        raise GameError("a game needs at least one player — list the players")
    bad = [p for p in names if not isinstance(p, str) or not p]
    if bad:
        raise GameError(f"player names must be non-empty strings, got {bad[0]!r} — name every player")
    seen: set[str] = set()
    for p in names:
        if p in seen:
            raise GameError(f"player '{p}' is listed twice — list each player once")
        seen.add(p)
    if len(names) > MAX_EXACT_PLAYERS:
        raise GameError(
            f"{len(names)} players: an explicit game stores 2**n values and allows at most "
            f"{MAX_EXACT_PLAYERS} — use shapley_sampled with a value function for larger games"
        )
    return names


@dataclass(frozen=True, eq=False)
class Game:
    """A TU game: players, ``values[mask]`` for every coalition, and whether values are worths or costs.

    Build with :meth:`from_table`, :meth:`from_function` or :meth:`from_array`; the constructors
    check that ``v(∅) = 0`` and that every value is finite.
    """

    players: tuple[str, ...]
    values: np.ndarray = field(repr=False)
    kind: Kind = "value"
    units: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        players = _check_players(self.players)
        values = np.array(self.values, dtype=float)  # a private copy, read-only: the game is immutable
        if values.shape != (1 << len(players),):
            raise GameError(
                f"expected {1 << len(players)} coalition values for {len(players)} players, got shape {values.shape}"
            )
        if not np.all(np.isfinite(values)):
            bad = int(np.flatnonzero(~np.isfinite(values))[0])
            raise GameError(f"value of coalition {{{', '.join(members(bad, players))}}} is not finite — give a number")
        if values[0] != 0.0:
            raise GameError(f"the empty coalition must be worth 0, got {values[0]:g} — drop it or set it to 0")
        if self.kind not in ("value", "cost"):
            raise GameError(f"kind must be 'value' or 'cost', got {self.kind!r} — pick one")
        values.setflags(write=False)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "values", values)

    # --- constructors -------------------------------------------------------------------------
    @classmethod
    def from_array(
        cls, players: Sequence[str], values: Sequence[float] | np.ndarray, kind: Kind = "value", **meta: str
    ) -> Game:
        """From ``values[mask]`` directly (bit ``i`` of ``mask`` ↔ ``players[i]``)."""
        return cls(tuple(players), np.asarray(values, dtype=float), kind, **meta)

    @classmethod
    def from_function(
        cls, players: Sequence[str], fn: Callable[[frozenset[str]], float], kind: Kind = "value", **meta: str
    ) -> Game:
        """Evaluate ``fn(frozenset of names)`` on every non-empty coalition (``2**n − 1`` calls).

        This is the entry point for models that compute a coalition's worth (e.g. the planner's
        deterrence for a coalition's budget); ``fn`` is never called on the empty coalition.
        """
        names = _check_players(players)
        values = np.zeros(1 << len(names))
        for mask in range(1, 1 << len(names)):
            values[mask] = float(fn(frozenset(members(mask, names))))
        return cls(names, values, kind, **meta)

    @classmethod
    def from_table(
        cls, players: Sequence[str], table: Mapping[Iterable[str], float], kind: Kind = "value", **meta: str
    ) -> Game:
        """From ``{coalition: value}`` with coalitions as frozensets/tuples of names.

        Every non-empty coalition must be given (the empty one may be omitted, it is 0); a missing
        coalition is an error naming it rather than a silent default.
        """
        names = _check_players(players)
        index = {p: i for i, p in enumerate(names)}
        values = np.zeros(1 << len(names))
        given = np.zeros(1 << len(names), dtype=bool)
        given[0] = True
        for coalition, value in table.items():
            group = (coalition,) if isinstance(coalition, str) else tuple(coalition)
            unknown = [p for p in group if p not in index]
            if unknown:
                raise GameError(
                    f"coalition {sorted(group)} names unknown player '{unknown[0]}' — players are {list(names)}"
                )
            mask = sum(1 << index[p] for p in set(group))
            values[mask] = float(value)
            given[mask] = True
        missing = np.flatnonzero(~given)
        if missing.size:
            first = "{" + ", ".join(members(int(missing[0]), names)) + "}"
            more = f" (and {missing.size - 1} more)" if missing.size > 1 else ""
            raise GameError(f"no value for coalition {first}{more} — give a value for every non-empty coalition")
        return cls(names, values, kind, **meta)

    # --- views --------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def grand(self) -> int:
        """Mask of the grand coalition ``N``."""
        return (1 << self.n) - 1

    @property
    def sign(self) -> float:
        """+1 for value games, −1 for cost games: ``worth = sign · values``."""
        return 1.0 if self.kind == "value" else -1.0

    @property
    def worth(self) -> np.ndarray:
        """Values as worths (``v`` or ``−c``) so that every rule can be written for value games."""
        return self.sign * self.values

    def mask(self, coalition: Iterable[str]) -> int:
        """Bitmask of a coalition given by names."""
        index = {p: i for i, p in enumerate(self.players)}
        try:
            return sum(1 << index[p] for p in set(coalition))
        except KeyError as err:
            raise GameError(f"unknown player {err.args[0]!r} — players are {list(self.players)}") from None

    def value(self, coalition: Iterable[str]) -> float:
        """``v(S)`` (or ``c(S)``) of a coalition given by names."""
        return float(self.values[self.mask(coalition)])

    def singletons(self) -> np.ndarray:
        """``v({i})`` for each player, in the game's units and sign."""
        singles: np.ndarray = self.values[1 << np.arange(self.n)]
        return singles

    def grand_value(self) -> float:
        """``v(N)`` (or ``c(N)``)."""
        return float(self.values[self.grand])

    def _scale(self) -> float:
        """The game's magnitude, max |v(S)| (1 for the zero game). The LPs run on v / scale and tolerances are
        relative to it, so a game c·v (c > 0) gets c times the answer for v — the nucleolus and the least core
        are scale-equivariant — whatever its units: a game worth 1e-10 is not lost below the LP solver's
        absolute feasibility tolerance (1e-10), as it was when the scale was floored at 1 (a hypothesis case:
        claims 0, 1, 40, 60, 0 on an estate of 1.01e-10 made the nucleolus LP infeasible)."""
        largest = float(np.max(np.abs(self.values)))
        return largest if largest > 0 else 1.0


def surplus(game: Game) -> float:
    """Cooperation surplus ``v(N) − Σ v({i})``; for cost games the saving ``Σ c({i}) − c(N)``."""
    w = game.worth
    return float(w[game.grand] - w[1 << np.arange(game.n)].sum())


def is_superadditive(game: Game, tol: float = TOL) -> bool:
    """``w(S ∪ T) ≥ w(S) + w(T)`` for all disjoint ``S, T`` (for cost games: ``c`` subadditive).

    Checked for every pair of disjoint masks with one vector operation per ``S``: O(3**n) pairs,
    so meant for n ≤ ~14.
    """
    w, scale = game.worth, game._scale()
    all_masks = np.arange(1 << game.n)
    for s in range(1, 1 << game.n):
        rest = all_masks[(all_masks & s) == 0]
        rest = rest[rest > s]  # each unordered pair once
        if rest.size and np.any(w[s | rest] < w[s] + w[rest] - tol * scale):
            return False
    return True


def is_convex(game: Game, tol: float = TOL) -> bool:
    """Supermodular worth (Shapley 1971): ``w(S ∪ {i}) − w(S)`` grows with ``S`` for every ``i``.

    Equivalent local test: ``w(S∪{i,j}) − w(S∪{j}) ≥ w(S∪{i}) − w(S)`` for all ``S ∌ i, j``;
    O(n² · 2**n) with vector operations. For cost games this is concavity (submodularity) of ``c``.
    """
    w, scale = game.worth, game._scale()
    masks = np.arange(1 << game.n)
    for i in range(game.n):
        for j in range(i + 1, game.n):
            bi, bj = 1 << i, 1 << j
            s = masks[(masks & (bi | bj)) == 0]
            if np.any(w[s | bi | bj] - w[s | bj] < w[s | bi] - w[s] - tol * scale):
                return False
    return True
