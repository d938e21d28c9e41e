"""Core, least core and nucleolus by linear programming (SciPy ``linprog`` with HiGHS).

All three are stated for worths ``w`` (``v`` or ``−c``, see :mod:`.games`). The *excess* of a
coalition at allocation ``x`` is ``e(S, x) = w(S) − x(S)``: how much ``S`` would gain by leaving.

* Core (Gillies 1959): ``x(N) = w(N)`` and ``e(S, x) ≤ 0`` for every coalition.
* Least core (Maschler, Peleg & Shapley 1979): the allocations minimising ``ε = max_S e(S, x)``
  over proper coalitions; the core is non-empty exactly when that ``ε ≤ 0``.
* Nucleolus (Schmeidler 1969): the imputation whose excess vector, sorted from largest to
  smallest, is lexicographically smallest — the sequence of least-core LPs of Maschler, Peleg &
  Shapley (1979), where coalitions whose excess is pinned at each stage are fixed for the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .allocation import Allocation
from .games import Game, GameError, members, subset_sums

#: LPs carry one row per coalition; 2**16 rows × 17 columns is the largest we build.
MAX_LP_PLAYERS = 16
#: Tolerance on scaled excesses: values are divided by max|v| before solving.
_TOL = 1e-9
_LP_FEASIBILITY_TOL = 1e-10  # HiGHS primal and dual feasibility tolerances


@dataclass(frozen=True)
class Violation:
    """A coalition that would do better alone: ``shortfall = w(S) − x(S) > 0`` (cost games: overpayment)."""

    coalition: tuple[str, ...]
    shortfall: float


def _incidence(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Proper non-empty coalitions (masks) and their 0/1 membership matrix."""
    masks = np.arange(1, (1 << n) - 1, dtype=np.int64)
    rows = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    return masks, rows


def _require_lp_size(game: Game) -> None:
    if game.n > MAX_LP_PLAYERS:
        raise GameError(
            f"{game.n} players: the core LPs hold one row per coalition and are limited to "
            f"{MAX_LP_PLAYERS} players — use the Shapley value (exact or sampled) instead"
        )


def core_violations(game: Game, shares: Sequence[float] | np.ndarray, tol: float = 1e-9) -> list[Violation]:
    """Coalitions whose core constraint a given allocation breaks, largest shortfall first.

    Efficiency is reported as the grand coalition (``shortfall = w(N) − x(N)``, either sign).
    The coalition sums use the O(n)-step subset-sum recursion, so this works up to n = 20.
    """
    x = np.asarray(shares, dtype=float) * game.sign
    if x.shape != (game.n,):
        raise GameError(f"allocation has {x.size} shares for {game.n} players — give one per player")
    scale = game._scale()
    excess = game.worth - subset_sums(x)
    out = []
    if abs(excess[game.grand]) > tol * scale:
        out.append(Violation(game.players, float(excess[game.grand])))
    proper = excess[1:-1]
    bad = np.flatnonzero(proper > tol * scale) + 1
    for mask in bad[np.argsort(-excess[bad], kind="stable")]:
        out.append(Violation(members(int(mask), game.players), float(excess[mask])))
    return out


def in_core(game: Game, shares: Sequence[float] | np.ndarray, tol: float = 1e-9) -> bool:
    """Whether an allocation is efficient and no coalition can do better alone."""
    return not core_violations(game, shares, tol)


@dataclass(frozen=True)
class _Stage:
    epsilon: float
    x: np.ndarray
    tight: np.ndarray  # indices (into the proper-coalition list) with positive dual value


def _least_core_lp(
    w: np.ndarray,
    rows: np.ndarray,
    free: np.ndarray,
    fixed: np.ndarray,
    fixed_excess: np.ndarray,
    lower: np.ndarray | None,
) -> _Stage:
    """min ε s.t. w(S) − x(S) ≤ ε (S free), w(S) − x(S) = e_S (S fixed), x(N) = w(N), x ≥ lower."""
    n = rows.shape[1]
    c = np.zeros(n + 1)
    c[-1] = 1.0
    # −x(S) − ε ≤ −w(S)
    a_ub = np.hstack([-rows[free], -np.ones((free.size, 1))])
    b_ub = -w[free]
    a_eq = [np.append(np.ones(n), 0.0)]
    b_eq = [w[-1]]
    if fixed.size:
        a_eq.extend(np.hstack([rows[fixed], np.zeros((fixed.size, 1))]))
        b_eq.extend(w[fixed] - fixed_excess)
    bounds: list[tuple[float | None, None]] = (
        [(None, None)] * n if lower is None else [(float(lo), None) for lo in lower]
    )
    bounds.append((None, None))
    from scipy.optimize import linprog  # imported on first use: scipy.optimize takes ~1 s to load

    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.array(a_eq),
        b_eq=np.array(b_eq),
        bounds=bounds,
        method="highs",
        options={
            "primal_feasibility_tolerance": _LP_FEASIBILITY_TOL,
            "dual_feasibility_tolerance": _LP_FEASIBILITY_TOL,
        },
    )
    if res.status != 0 or res.x is None:
        raise GameError(f"linear program failed ({res.message}) — check the game's values")
    # Positive dual ⇒ the constraint is tight in every optimal solution (complementary slackness),
    # so its excess can be fixed at ε. The duals of the ε-rows sum to 1, so at least one is positive.
    duals = -np.asarray(res.ineqlin.marginals)
    tight = np.flatnonzero(duals > 1e-9)
    if tight.size == 0:
        tight = np.array([int(np.argmax(duals))])
    return _Stage(float(res.x[-1]) + 0.0, np.asarray(res.x[:-1]), free[tight])


def _worth_with_grand(game: Game) -> tuple[np.ndarray, float]:
    """Scaled worths of the proper coalitions, with w(N) appended last; and the scale."""
    scale = game._scale()
    w = game.worth / scale
    return np.append(w[1:-1], w[-1]), scale


def least_core(game: Game) -> tuple[float, np.ndarray]:
    """The least-core ε (in the game's units) and one allocation attaining it (worth sign)."""
    _require_lp_size(game)
    if game.n == 1:
        return 0.0, np.array([game.worth[1]])
    w, scale = _worth_with_grand(game)
    _, rows = _incidence(game.n)
    stage = _least_core_lp(w, rows, np.arange(rows.shape[0]), np.array([], dtype=int), np.array([]), None)
    return stage.epsilon * scale, stage.x * scale


def nucleolus(game: Game, pre: bool = False) -> Allocation:
    """Nucleolus by the Maschler–Peleg–Shapley sequence of LPs, n ≤ 16.

    Stage k solves the least-core LP with the excesses fixed in earlier stages held at their
    levels; coalitions with a positive dual are fixed at the new ε. Coalitions whose membership
    vector lies in the span of the fixed ones (and of N) have a determined excess and drop out.
    It stops when the fixed coalitions span ℝⁿ; the allocation is then the solution of those
    equalities (least squares, so exact to rounding). Over imputations (``x_i ≥ w({i})``) when
    that set is non-empty, otherwise — or with ``pre=True`` — the prenucleolus.
    """
    _require_lp_size(game)
    if game.n == 1:
        return Allocation(game.players, (game.grand_value(),), "nucleolus", game.kind)
    w, scale = _worth_with_grand(game)
    masks, rows = _incidence(game.n)
    singles = w[(1 << np.arange(game.n)) - 1]  # mask 2**i sits at index 2**i − 1 of the proper list
    notes = []
    lower = None
    if not pre:
        if singles.sum() <= w[-1] + _TOL:
            lower = singles
        else:
            notes.append("no imputation exists (stand-alone values exceed the total); shown: the prenucleolus")
    free = np.arange(rows.shape[0])
    fixed, fixed_excess = np.array([], dtype=int), np.array([])
    epsilons = []
    x = None
    for _ in range(rows.shape[0] + 1):
        stage = _least_core_lp(w, rows, free, fixed, fixed_excess, lower)
        epsilons.append(stage.epsilon)
        fixed = np.append(fixed, stage.tight)
        fixed_excess = np.append(fixed_excess, np.full(stage.tight.size, stage.epsilon))
        basis = np.vstack([np.ones(game.n), rows[fixed]])
        rank = np.linalg.matrix_rank(basis, tol=1e-9)
        if rank == game.n:
            # The fixed equalities determine x uniquely: solve them directly for full precision.
            rhs = np.append(w[-1], w[fixed] - fixed_excess)
            x = np.linalg.lstsq(basis, rhs, rcond=None)[0]
            break
        # Orthonormal basis of the span by SVD (QR without pivoting mis-spans dependent rows).
        q = np.linalg.svd(basis.T, full_matrices=False)[0][:, :rank]
        candidates = np.setdiff1d(free, stage.tight)
        residual = rows[candidates] - (rows[candidates] @ q) @ q.T
        free = candidates[np.linalg.norm(residual, axis=1) > 1e-9]
        if free.size == 0:
            x = stage.x
            break
    if x is None:
        raise GameError("nucleolus LP sequence did not converge — check the game's values")
    shares = game.sign * x * scale
    shares = np.where(np.abs(shares) < 1e-12 * scale, 0.0, shares)  # print 0, not 1e-16 or −0
    rule = "prenucleolus" if lower is None else "nucleolus"
    return Allocation(
        game.players,
        tuple(shares),
        rule,
        game.kind,
        notes=tuple(notes),
        diagnostics={"excess_levels": [e * scale for e in epsilons], "lp_stages": len(epsilons)},
    )


def core(game: Game, check: Sequence[float] | np.ndarray | None = None) -> Allocation:
    """Core report: least-core ε, whether the core is empty, and a core (or least-core) allocation.

    The allocation shown is the nucleolus — unique, always in the least core, hence in the core
    whenever the core is non-empty (Schmeidler 1969). ``check`` (shares in player order) adds
    the violations of that allocation to the diagnostics.
    """
    epsilon, _ = least_core(game)
    scale = game._scale()
    empty = epsilon > _TOL * scale
    nuc = nucleolus(game)
    notes = [
        "core is empty: no split keeps every coalition on board; shown: the nucleolus, a least-core allocation"
        if empty
        else "core is non-empty; shown: the nucleolus, a core allocation"
    ]
    diagnostics: dict[str, Any] = {"core_empty": bool(empty), "least_core_epsilon": float(epsilon) + 0.0}
    if check is not None:
        violations = core_violations(game, check)
        diagnostics["checked_allocation"] = dict(zip(game.players, map(float, check)))
        diagnostics["checked_in_core"] = not violations
        diagnostics["violations"] = [{"coalition": list(v.coalition), "shortfall": v.shortfall} for v in violations]
    return Allocation(
        game.players, nuc.shares, "core", game.kind, notes=tuple(notes + list(nuc.notes)), diagnostics=diagnostics
    )
