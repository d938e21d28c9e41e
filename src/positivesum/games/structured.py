"""Games with closed-form rules: the airport (serial cost) game and bankruptcy problems.

Both can be written as explicit :class:`~.games.Game` objects for small instances (used by the
tests to check every closed form against the general algorithms), but their rules here need no
enumeration and scale to any number of users or claimants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .allocation import Allocation
from .games import MAX_EXACT_PLAYERS, Game, GameError


def _names_ok(names: Sequence[str], what: str) -> tuple[str, ...]:
    names = tuple(names)
    if not names:
        raise GameError(f"no {what} given — list at least one")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise GameError(f"{what[:-1]} '{dup}' is listed twice — give each once")
    return names


@dataclass(frozen=True, eq=False)
class AirportGame:
    """Users of K types share a facility built in segments (Littlechild & Owen 1973).

    A user of type k needs the facility up to cumulative cost ``c_k`` (e.g. runway length, or the
    hardening level its aircraft need); coalition ``S`` must pay for the most demanding user in it,
    ``c(S) = max_{i∈S} c_{type(i)}``. ``users[k]`` users have type k.
    """

    types: tuple[str, ...]
    users: np.ndarray
    cumulative_cost: np.ndarray
    units: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        types = _names_ok(self.types, "user types")
        users = np.asarray(self.users)
        cost = np.asarray(self.cumulative_cost, dtype=float)
        if users.shape != (len(types),) or cost.shape != (len(types),):
            raise GameError("give one user count and one cumulative cost per type")
        if not np.issubdtype(users.dtype, np.integer) or np.any(users < 1):
            raise GameError("user counts must be whole numbers ≥ 1 — drop types nobody uses")
        if not np.all(np.isfinite(cost)) or np.any(cost < 0):
            raise GameError("cumulative costs must be finite and ≥ 0")
        for name, value in (("types", types), ("users", users.astype(np.int64)), ("cumulative_cost", cost)):
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def total_users(self) -> int:
        """Number of users of all types."""
        return int(self.users.sum())

    def charge_per_user(self) -> np.ndarray:
        """Shapley cost share of one user of each type, in type order (Littlechild & Owen 1973).

        With types sorted by cost ``c_(1) ≤ … ≤ c_(K)``, ``c_(0) = 0`` and ``M_j`` the number of
        users of types ≥ j, each user of type k pays ``Σ_{j≤k} (c_(j) − c_(j−1)) / M_j``: every
        segment is split equally among the users who need it. O(K log K) with a sort and cumsums.
        """
        order = np.argsort(self.cumulative_cost, kind="stable")
        cost, users = self.cumulative_cost[order], self.users[order]
        segment = np.diff(cost, prepend=0.0)
        needing = np.cumsum(users[::-1])[::-1]  # users of this type or a more demanding one
        per_user_sorted = np.cumsum(segment / needing)
        out = np.empty_like(per_user_sorted)
        out[order] = per_user_sorted
        return out

    def per_user(self) -> np.ndarray:
        """Charge of every individual user (type 0's users first), length :attr:`total_users`."""
        return np.repeat(self.charge_per_user(), self.users)

    def user_names(self) -> tuple[str, ...]:
        """Player names of the individual users: ``TYPE#1``, ``TYPE#2``, …"""
        return tuple(f"{t}#{k + 1}" for t, m in zip(self.types, self.users) for k in range(int(m)))

    def shapley(self) -> Allocation:
        """Closed-form Shapley value by type: the total each type pays (shares) and the per-user charge."""
        per_user = self.charge_per_user()
        totals = per_user * self.users
        return Allocation(
            self.types,
            tuple(totals),
            "shapley",
            "cost",
            notes=("airport closed form (Littlechild & Owen 1973); shares are type totals",),
            diagnostics={
                "charge_per_user": dict(zip(self.types, map(float, per_user))),
                "users": dict(zip(self.types, map(int, self.users))),
                "cumulative_cost": dict(zip(self.types, map(float, self.cumulative_cost))),
                "total_cost": float(self.cumulative_cost.max()),
            },
        )

    def to_game(self) -> Game:
        """The user-level cost game ``c(S) = max cost needed by S`` (total users ≤ 20)."""
        if self.total_users > MAX_EXACT_PLAYERS:
            raise GameError(
                f"{self.total_users} users: the explicit game is limited to {MAX_EXACT_PLAYERS} users "
                "— use the closed-form Shapley value"
            )
        cost = np.repeat(self.cumulative_cost, self.users)
        values = np.zeros(1 << cost.size)
        for i, ci in enumerate(cost):  # c(S ∪ {i}) = max(c(S), c_i): one vector step per user
            half = 1 << i
            values[half : 2 * half] = np.maximum(values[:half], ci)
        return Game(self.user_names(), values, "cost", self.units, self.description)


def _cea(claims: np.ndarray, estate: float) -> np.ndarray:
    """Constrained equal awards: ``x_i = min(c_i, λ)`` with ``Σ x = E`` (Maimonides; Thomson 2003 §2.1).

    With claims sorted, if the k smallest are paid in full the rest get ``λ_k = (E − Σ_{j<k} c_(j)) / (n − k)``;
    λ is the first ``λ_k ≤ c_(k)``.
    """
    if claims.size == 0:
        return claims.copy()
    order = np.argsort(claims, kind="stable")
    sorted_claims = claims[order]
    paid_before = np.concatenate([[0.0], np.cumsum(sorted_claims)[:-1]])
    lam = (estate - paid_before) / (claims.size - np.arange(claims.size))
    # the slack absorbs the rounding of E − Σ c, so it scales with those two numbers: a slack in the claims' units
    # (it was 1e-12 · max(1, largest claim)) let an estate far below the claims pay claims of 0
    slack = 1e-12 * np.maximum(abs(estate), paid_before)
    k = int(np.argmax(lam <= sorted_claims + slack))
    awards: np.ndarray = np.minimum(claims, lam[k])
    return awards


@dataclass(frozen=True, eq=False)
class BankruptcyProblem:
    """An estate ``E`` smaller than the claims ``c_i`` on it (O'Neill 1982; Thomson 2003)."""

    claimants: tuple[str, ...]
    claims: np.ndarray
    estate: float
    units: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        names = _names_ok(self.claimants, "claimants")
        claims = np.asarray(self.claims, dtype=float)
        if claims.shape != (len(names),) or not np.all(np.isfinite(claims)) or np.any(claims < 0):
            raise GameError("claims must be one finite amount ≥ 0 per claimant")
        estate = float(self.estate)
        if not np.isfinite(estate) or estate < 0:
            raise GameError(f"estate must be a finite amount ≥ 0, got {self.estate!r}")
        if estate > claims.sum() * (1 + 1e-12):
            raise GameError(
                f"estate {estate:g} exceeds the total claims {claims.sum():g}: not a bankruptcy problem "
                "— every claim can be paid in full"
            )
        claims.setflags(write=False)
        object.__setattr__(self, "claimants", names)
        object.__setattr__(self, "claims", claims)
        object.__setattr__(self, "estate", estate)

    @classmethod
    def from_mapping(cls, estate: float, claims: Mapping[str, float], **meta: str) -> BankruptcyProblem:
        """From ``{claimant: claim}``."""
        return cls(tuple(claims), np.array(list(claims.values()), dtype=float), estate, **meta)

    def _allocation(self, x: np.ndarray, rule: str, note: str) -> Allocation:
        return Allocation(
            self.claimants,
            tuple(x),
            rule,
            "value",
            notes=(note,),
            diagnostics={"estate": self.estate, "claims": dict(zip(self.claimants, map(float, self.claims)))},
        )

    def proportional(self, weights: Mapping[str, float] | None = None) -> Allocation:
        """``x_i = E · c_i / Σ c`` (Aristotle's rule), or ``E · w_i / Σ w`` for given weights."""
        if weights is not None:
            if sorted(weights) != sorted(self.claimants):
                raise GameError(f"weights must name every claimant once — claimants are {list(self.claimants)}")
            base, note = (
                np.array([float(weights[c]) for c in self.claimants]),
                "awards proportional to the given weights",
            )
        else:
            base, note = self.claims, "awards proportional to claims"
        total = base.sum()
        x = base * (self.estate / total) if total > 0 else np.zeros_like(base)
        return self._allocation(x, "proportional", note)

    def cea(self) -> Allocation:
        """Constrained equal awards: equal awards, nobody above their claim."""
        return self._allocation(_cea(self.claims, self.estate), "cea", "constrained equal awards")

    def cel(self) -> Allocation:
        """Constrained equal losses: ``x_i = max(0, c_i − μ)``, i.e. losses ``Σc − E`` split by CEA."""
        x = self.claims - _cea(self.claims, self.claims.sum() - self.estate)
        return self._allocation(x, "cel", "constrained equal losses")

    def talmud(self) -> Allocation:
        """Talmud rule (Aumann & Maschler 1985): CEA on half-claims up to ``Σc/2``, then CEL on the rest.

        ``x = CEA(c/2, E)`` if ``E ≤ Σc/2``, else ``x = c − CEA(c/2, Σc − E)``: awards for small
        estates and losses for large ones are split equally, nobody passing half their claim. It
        equals the nucleolus of the bankruptcy game (Aumann & Maschler 1985, Theorem A).
        """
        half = self.claims / 2
        if self.estate <= half.sum():
            x = _cea(half, self.estate)
        else:
            x = self.claims - _cea(half, self.claims.sum() - self.estate)
        return self._allocation(x, "talmud", "Talmud rule (Aumann & Maschler 1985) = nucleolus of the bankruptcy game")

    def to_game(self) -> Game:
        """The bankruptcy game ``v(S) = max(0, E − Σ_{j∉S} c_j)`` (O'Neill 1982), n ≤ 20."""
        if len(self.claimants) > MAX_EXACT_PLAYERS:
            raise GameError(f"{len(self.claimants)} claimants: the explicit game is limited to {MAX_EXACT_PLAYERS}")
        sums = np.zeros(1 << len(self.claimants))
        for i, ci in enumerate(self.claims):
            half = 1 << i
            sums[half : 2 * half] = sums[:half] + ci
        values = np.maximum(0.0, self.estate - (self.claims.sum() - sums))
        values[0] = 0.0
        return Game(self.claimants, values, "value", self.units, self.description)
