"""One result type for every allocation rule, and the rules that are one line of algebra.

:class:`Allocation` carries the shares (payoffs for value games, cost shares for cost games),
the rule's name, optional standard errors (sampled rules) and plain-language notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from .games import Game, GameError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Allocation:
    """Shares of ``v(N)`` (or ``c(N)``) by player, from one rule."""

    players: tuple[str, ...]
    shares: tuple[float, ...]
    rule: str
    kind: str = "value"
    standard_errors: tuple[float, ...] | None = None
    notes: tuple[str, ...] = ()
    #: Rule-specific numbers (e.g. the least-core ε); read-only.
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.shares) != len(self.players):
            raise GameError(f"{len(self.shares)} shares for {len(self.players)} players")
        if self.standard_errors is not None and len(self.standard_errors) != len(self.players):
            raise GameError(f"{len(self.standard_errors)} standard errors for {len(self.players)} players")
        object.__setattr__(self, "players", tuple(self.players))
        object.__setattr__(self, "shares", tuple(float(s) for s in self.shares))
        if self.standard_errors is not None:
            object.__setattr__(self, "standard_errors", tuple(float(s) for s in self.standard_errors))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))

    def __getitem__(self, player: str) -> float:
        return self.shares[self.players.index(player)]

    def as_array(self) -> np.ndarray:
        """Shares as a float array in player order."""
        return np.array(self.shares)

    @property
    def total(self) -> float:
        """Sum of the shares (equals ``v(N)`` for efficient rules)."""
        return float(sum(self.shares))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "rule": self.rule,
            "kind": self.kind,
            "shares": dict(zip(self.players, self.shares)),
            "standard_errors": None if self.standard_errors is None else dict(zip(self.players, self.standard_errors)),
            "total": self.total,
            "notes": list(self.notes),
            "diagnostics": _plain(dict(self.diagnostics)),
        }

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame indexed by player: ``share`` (and ``standard_error`` when sampled)."""
        import pandas as pd

        data: dict[str, Any] = {"share": self.shares}
        if self.standard_errors is not None:
            data["standard_error"] = self.standard_errors
        return pd.DataFrame(data, index=pd.Index(self.players, name="player"))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _weights_vector(game: Game, weights: Mapping[str, float] | None, what: str) -> np.ndarray:
    if weights is None:
        return np.ones(game.n)
    unknown = sorted(set(weights) - set(game.players))
    missing = [p for p in game.players if p not in weights]
    if unknown or missing:
        raise GameError(
            f"{what} must name every player exactly once (unknown: {unknown}, missing: {missing})"
            f" — give one {what[:-1]} per player of {list(game.players)}"
        )
    w = np.array([float(weights[p]) for p in game.players])
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise GameError(f"{what} must be finite, non-negative and not all zero — fix the {what}")
    return w


def nash(
    game: Game, weights: Mapping[str, float] | None = None, disagreement: Mapping[str, float] | None = None
) -> Allocation:
    """(Asymmetric) Nash bargaining over the cooperation surplus, transferable utility.

    Maximising ``Π (x_i − d_i)^{w_i}`` subject to ``Σ x_i = v(N)`` gives the closed form
    ``x_i = d_i + w_i · (v(N) − Σ d) / Σ w`` (Nash 1950; Kalai 1977 for bargaining power
    ``w``). The disagreement point defaults to ``d_i = v({i})``. For cost games the same holds
    on ``−c``: ``x_i = c({i}) − w_i · (Σ c({j}) − c(N)) / Σ w``.
    """
    w = _weights_vector(game, weights, "weights")
    d = game.singletons() if disagreement is None else _values_vector(game, disagreement)
    worth_d = game.sign * d
    gain = game.worth[game.grand] - worth_d.sum()
    x = game.sign * (worth_d + w * gain / w.sum())
    notes = [
        f"disagreement point: {'stand-alone values v({i})' if disagreement is None else 'given'}; "
        f"surplus shared {'equally' if weights is None else 'by bargaining weights'}"
    ]
    if gain < -1e-12 * game._scale():
        notes.append(
            "cooperation loses value here (v(N) below the disagreement total), so some player is worse off "
            "than without agreement; the formula is shown for reference"
        )
    return Allocation(
        game.players,
        tuple(x),
        "nash",
        game.kind,
        notes=tuple(notes),
        diagnostics={"surplus": float(gain), "disagreement": dict(zip(game.players, map(float, d)))},
    )


def _values_vector(game: Game, values: Mapping[str, float]) -> np.ndarray:
    missing = [p for p in game.players if p not in values]
    unknown = sorted(set(values) - set(game.players))
    if missing or unknown:
        raise GameError(
            f"disagreement point must name every player (missing: {missing}, unknown: {unknown})"
            " — give one value per player"
        )
    d = np.array([float(values[p]) for p in game.players])
    if not np.all(np.isfinite(d)):
        raise GameError("disagreement values must be finite numbers — fix them")
    return d


def proportional(game: Game, weights: Mapping[str, float]) -> Allocation:
    """Split ``v(N)`` (or ``c(N)``) in proportion to given weights: ``x_i = v(N) · w_i / Σ w``.

    Weights are external measures such as GDP or defence budget; the rule ignores every other
    coalition's value, which is why it can fall outside the core.
    """
    w = _weights_vector(game, weights, "weights")
    x = game.grand_value() * w / w.sum()
    return Allocation(
        game.players,
        tuple(x),
        "proportional",
        game.kind,
        notes=("shares proportional to the given weights",),
        diagnostics={"weights": dict(zip(game.players, map(float, w)))},
    )
