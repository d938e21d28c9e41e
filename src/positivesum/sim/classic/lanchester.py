"""Lanchester square and linear laws: closed forms, ODE integration, stochastic versions.

Square law (aimed fire) and linear law (area fire), F. W. Lanchester (1916), "Aircraft in
Warfare: The Dawn of the Fourth Arm":

    square:  dA/dt = -beta*B,      dB/dt = -alpha*A,      invariant alpha*A**2 - beta*B**2
    linear:  dA/dt = -beta*A*B,    dB/dt = -alpha*A*B,    invariant alpha*A - beta*B

Closed forms follow J. G. Taylor (1983), "Lanchester Models of Warfare" (ORSA).
Time is in days: ``alpha`` is B-units put out of action per A-unit per day (square law) or
per A-unit per B-unit per day (linear law); ``beta`` likewise for A-units.
The stochastic versions are documented in docs/methodology/classic-models.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp

from ._sampling import BinomialTable as BinomialTable  # re-exported
from ._sampling import binomial_table as binomial_table  # re-exported

Winner = Literal["A", "B", "draw", "undecided"]
#: Right-hand side of the ODE: (t, [A, B]) -> (dA/dt, dB/dt).
Rhs = Callable[[float, np.ndarray], tuple[float, float]]


def _check_forces(
    a0: ArrayLike, b0: ArrayLike, alpha: float, beta: float, where: str, extra: list[str] | None = None
) -> None:
    problems = list(extra or [])
    for name, value in (("a0", a0), ("b0", b0), ("alpha", alpha), ("beta", beta)):
        if not np.all(np.isfinite(value)) or np.any(np.asarray(value) < 0):
            problems.append(f"{name}={value!r} must be finite and >= 0")
    if alpha <= 0 or beta <= 0:
        problems.append("alpha and beta must be > 0 (use a tiny rate for a side that cannot fire)")
    if problems:
        raise ValueError(f"{where}: " + "; ".join(problems))


# Closed forms (Taylor 1983)
@dataclass(frozen=True)
class LanchesterOutcome:
    """Deterministic outcome: ``winner`` and the force levels at ``time_days``, the first time
    a side falls to ``threshold`` (``inf`` if never: always so for the linear law at 0)."""

    winner: Winner
    time_days: float
    survivors_a: float
    survivors_b: float


def _square_time_to_level(x0: float, y0: float, k_x: float, k_y: float, level: float) -> float:
    """Days until side X (x0, attrited at rate k_x per opposing unit) falls to ``level``.

    With S = sqrt(k_x/k_y)*y0 and u = sqrt(k_x*k_y)*t, X(u) = ((x0-S)e^u + (x0+S)e^-u)/2; the
    first root of X = level is e^u = (x0+S)/(level + sqrt(level^2 + S^2 - x0^2)) (rationalised
    so that it has no cancellation near parity; cf. Taylor 1983)."""
    s = np.sqrt(k_x / k_y) * y0
    disc = level * level + s * s - x0 * x0
    if level >= x0:
        return 0.0
    if disc < 0 or level + np.sqrt(disc) == 0:
        return np.inf
    return float(np.log((x0 + s) / (level + np.sqrt(disc))) / np.sqrt(k_x * k_y))


def square_law_state(
    t_days: ArrayLike, a0: float, b0: float, alpha: float, beta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form square-law forces ``(A(t), B(t))`` for ``t_days`` >= 0 (scalar or array).

    A(t) = a0 cosh(gt) - sqrt(beta/alpha) b0 sinh(gt), B(t) = b0 cosh(gt) - sqrt(alpha/beta)
    a0 sinh(gt), g = sqrt(alpha*beta) (Taylor 1983). Forces are frozen once a
    side reaches zero."""
    _check_forces(a0, b0, alpha, beta, "square_law_state")
    t = np.asarray(t_days, dtype=float)
    t_end = min(_square_time_to_level(a0, b0, beta, alpha, 0.0), _square_time_to_level(b0, a0, alpha, beta, 0.0))
    u = np.sqrt(alpha * beta) * np.minimum(t, t_end)
    s_a, s_b = np.sqrt(beta / alpha) * b0, np.sqrt(alpha / beta) * a0
    with np.errstate(over="ignore", invalid="ignore"):
        a = 0.5 * (a0 - s_a) * np.exp(u) + 0.5 * (a0 + s_a) * np.exp(-u)
        b = 0.5 * (b0 - s_b) * np.exp(u) + 0.5 * (b0 + s_b) * np.exp(-u)
    a, b = np.nan_to_num(np.maximum(a, 0.0)), np.nan_to_num(np.maximum(b, 0.0))
    if np.isfinite(t_end):  # from annihilation on: exact survivors from the invariant
        inv = alpha * a0**2 - beta * b0**2
        a = np.where(t >= t_end, np.sqrt(max(inv, 0.0) / alpha), a)
        b = np.where(t >= t_end, np.sqrt(max(-inv, 0.0) / beta), b)
    return np.asarray(a), np.asarray(b)


def square_law_outcome(a0: float, b0: float, alpha: float, beta: float, *, threshold: float = 0.0) -> LanchesterOutcome:
    """Winner by the sign of alpha*a0^2 - beta*b0^2; with ``threshold`` 0 the winner's
    survivors are sqrt(a0^2 - (beta/alpha) b0^2) at t* = atanh(sqrt(beta/alpha) b0/a0)/g
    (Lanchester 1916; Taylor 1983)."""
    _check_forces(a0, b0, alpha, beta, "square_law_outcome")
    inv = alpha * a0**2 - beta * b0**2
    winner: Winner = "A" if inv > 0 else "B" if inv < 0 else "draw"
    t = min(
        _square_time_to_level(a0, b0, beta, alpha, threshold), _square_time_to_level(b0, a0, alpha, beta, threshold)
    )
    if np.isinf(t):  # only at exact parity with threshold 0: both decay like e^(-gt)
        return LanchesterOutcome(winner, np.inf, 0.0, 0.0)
    a, b = square_law_state(t, a0, b0, alpha, beta)  # exact invariant survivors at t*
    return LanchesterOutcome(winner, float(t), float(a), float(b))


def _logistic(x0: float, r: float, k: float, t: ArrayLike) -> np.ndarray:
    """Solution of x' = r x - k x^2, x(0) = x0, in the form x0 / (e^{-rt} + k x0 phi) with
    phi = (1 - e^{-rt})/r (= t when r = 0), stable for r near 0 and for large |r t|."""
    t = np.asarray(t, dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        phi = t if r == 0 else -np.expm1(-r * t) / r
        return x0 / (np.exp(-r * t) + k * x0 * phi)


def _linear_time_to_level(x0: float, r: float, k: float, level: float) -> float:
    """Days until the logistic x' = r x - k x^2 falls from x0 to ``level`` (0 < level < x0):
    t = -log1p(r q)/r with q = (x0 - level)/(level (r - k x0)); ``inf`` if never."""
    if level >= x0:
        return 0.0
    if level <= 0:
        return np.inf
    q = (x0 - level) / (level * (r - k * x0))
    if r == 0:
        return float(-q)
    return float(-np.log1p(r * q) / r) if 1 + r * q > 0 else np.inf


def linear_law_state(
    t_days: ArrayLike, a0: float, b0: float, alpha: float, beta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form linear-law forces ``(A(t), B(t))``. With C = alpha a0 - beta b0, A solves
    A' = C A - alpha A^2 and B solves B' = -C B - beta B^2 (logistic;
    Taylor 1983). Neither side reaches zero in finite time; A -> max(C, 0)/alpha."""
    _check_forces(a0, b0, alpha, beta, "linear_law_state")
    c = alpha * a0 - beta * b0
    return _logistic(a0, c, alpha, t_days), _logistic(b0, -c, beta, t_days)


def linear_law_outcome(a0: float, b0: float, alpha: float, beta: float, *, threshold: float = 0.0) -> LanchesterOutcome:
    """Winner by the sign of alpha*a0 - beta*b0; time until a side falls to ``threshold``
    (infinite at threshold 0); survivors at that time, or the limits as t -> inf."""
    _check_forces(a0, b0, alpha, beta, "linear_law_outcome")
    c = alpha * a0 - beta * b0
    winner: Winner = "A" if c > 0 else "B" if c < 0 else "draw"
    t = min(_linear_time_to_level(a0, c, alpha, threshold), _linear_time_to_level(b0, -c, beta, threshold))
    if np.isinf(t):
        return LanchesterOutcome(winner, np.inf, max(c, 0.0) / alpha, max(-c, 0.0) / beta)
    a, b = linear_law_state(t, a0, b0, alpha, beta)
    return LanchesterOutcome(winner, float(t), float(a), float(b))


# ODE integration
@dataclass(frozen=True)
class LanchesterTrajectory:
    """Numerical solution: times and forces; ``t_end_days`` is when a side reached
    ``threshold`` (then ``winner`` is the other side) or ``t_max_days`` (``"undecided"``)."""

    t_days: np.ndarray
    a: np.ndarray
    b: np.ndarray
    t_end_days: float
    winner: Winner


@dataclass(frozen=True)
class _FallsTo:
    """Terminal ODE event (solve_ivp reads ``terminal`` and ``direction``): a side falls to the threshold."""

    side: int
    threshold: float
    terminal: bool = True
    direction: float = -1

    def __call__(self, t: float, y: np.ndarray) -> float:
        return float(y[self.side] - self.threshold)


def _integrate(
    rhs: Rhs,
    a0: float,
    b0: float,
    t_max_days: float,
    threshold: float,
    t_eval_days: Sequence[float] | np.ndarray | None,
    rtol: float,
    atol: float,
) -> LanchesterTrajectory:
    events = [_FallsTo(side, threshold) for side in (0, 1)]  # stop when a side falls to the threshold
    sol = solve_ivp(
        rhs,
        (0.0, float(t_max_days)),
        [float(a0), float(b0)],
        method="DOP853",
        t_eval=t_eval_days,
        events=events,
        rtol=rtol,
        atol=atol,
    )
    if not sol.success or sol.t_events is None:
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    a_hit, b_hit = (ev.size > 0 for ev in sol.t_events)
    winner: Winner = "draw" if a_hit and b_hit else "B" if a_hit else "A" if b_hit else "undecided"
    t_end = float(sol.t_events[0][0] if a_hit else sol.t_events[1][0] if b_hit else t_max_days)
    a, b = np.maximum(sol.y[0], 0.0), np.maximum(sol.y[1], 0.0)
    return LanchesterTrajectory(sol.t, a, b, t_end, winner)


def integrate_square_law(
    a0: float,
    b0: float,
    alpha: float,
    beta: float,
    *,
    t_max_days: float,
    threshold: float = 0.0,
    t_eval_days: Sequence[float] | np.ndarray | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-10,
) -> LanchesterTrajectory:
    """Integrate dA/dt = -beta B, dB/dt = -alpha A with scipy's DOP853, stopping (terminal
    event) when a side falls to ``threshold`` (Lanchester 1916)."""
    _check_forces(a0, b0, alpha, beta, "integrate_square_law")
    return _integrate(
        lambda t, y: (-beta * y[1], -alpha * y[0]), a0, b0, t_max_days, threshold, t_eval_days, rtol, atol
    )


def integrate_linear_law(
    a0: float,
    b0: float,
    alpha: float,
    beta: float,
    *,
    t_max_days: float,
    threshold: float = 0.0,
    t_eval_days: Sequence[float] | np.ndarray | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-10,
) -> LanchesterTrajectory:
    """Integrate dA/dt = -beta A B, dB/dt = -alpha A B (Lanchester 1916). A side never reaches
    zero, so give a ``threshold`` > 0 to stop at a breakpoint."""
    _check_forces(a0, b0, alpha, beta, "integrate_linear_law")
    return _integrate(
        lambda t, y: (-beta * y[0] * y[1], -alpha * y[0] * y[1]), a0, b0, t_max_days, threshold, t_eval_days, rtol, atol
    )


# Stochastic versions, vectorised across replications
@dataclass(frozen=True)
class StochasticLanchesterResult:
    """Final integer forces per replication, shape (replications,), and ``steps`` fought
    (steps that began with both sides above zero). Arrays are read-only."""

    a: np.ndarray
    b: np.ndarray
    steps: np.ndarray
    dt_days: float

    def __post_init__(self) -> None:
        for arr in (self.a, self.b, self.steps):
            arr.setflags(write=False)

    @property
    def time_days(self) -> np.ndarray:
        return self.steps * self.dt_days

    @property
    def a_wins(self) -> np.ndarray:
        wins: np.ndarray = (self.b == 0) & (self.a > 0)
        return wins

    @property
    def b_wins(self) -> np.ndarray:
        wins: np.ndarray = (self.a == 0) & (self.b > 0)
        return wins


def _fight(
    a0: ArrayLike,
    b0: ArrayLike,
    replications: int,
    max_steps: int,
    losses: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    dt_days: float,
) -> StochasticLanchesterResult:
    """Step all replications until each has a side at zero or ``max_steps`` is reached,
    working only on the still-fighting subset (compacted when half of it has finished)."""
    a_out = np.broadcast_to(np.asarray(a0, dtype=np.int64), (replications,)).copy()
    b_out = np.broadcast_to(np.asarray(b0, dtype=np.int64), (replications,)).copy()
    steps_out = np.zeros(replications, dtype=np.int64)
    fighting = (a_out > 0) & (b_out > 0)
    idx = np.flatnonzero(fighting)
    a, b, steps = a_out[idx], b_out[idx], np.zeros(idx.size, dtype=np.int64)
    fighting = np.ones(idx.size, dtype=bool)
    for _ in range(max_steps):
        if idx.size == 0:
            break
        loss_a, loss_b = losses(a, b)
        steps += fighting
        a -= loss_a
        b -= loss_b
        np.maximum(a, 0, out=a)  # losses never exceed the force
        np.maximum(b, 0, out=b)
        np.logical_and(a > 0, b > 0, out=fighting)
        n_fighting = np.count_nonzero(fighting)
        if 2 * n_fighting < idx.size:  # finished replications are frozen (zero shooters)
            done = ~fighting
            a_out[idx[done]], b_out[idx[done]], steps_out[idx[done]] = a[done], b[done], steps[done]
            idx, a, b, steps = idx[fighting], a[fighting], b[fighting], steps[fighting]
            fighting = np.ones(idx.size, dtype=bool)
    a_out[idx], b_out[idx], steps_out[idx] = a, b, steps
    return StochasticLanchesterResult(a_out, b_out, steps_out, dt_days)


def _check_stochastic(
    a0: ArrayLike,
    b0: ArrayLike,
    alpha: float,
    beta: float,
    dt_days: float,
    replications: int,
    rng: np.random.Generator,
    where: str,
    prob_cap: bool = True,
) -> None:
    problems = []
    if not isinstance(rng, np.random.Generator):
        problems.append("rng must be a numpy.random.Generator (use np.random.default_rng(seed))")
    if dt_days <= 0 or replications < 0:
        problems.append("dt_days must be > 0 and replications >= 0")
    if prob_cap and max(alpha, beta) * dt_days > 1:
        problems.append(
            f"alpha*dt_days = {alpha * dt_days:g} and beta*dt_days = "
            f"{beta * dt_days:g} must be <= 1 (kill probabilities); reduce dt_days"
        )
    if np.any(np.mod(a0, 1) != 0) or np.any(np.mod(b0, 1) != 0):
        problems.append("a0 and b0 must be whole units")
    _check_forces(np.min(a0), np.min(b0), alpha, beta, where, problems)


def stochastic_square_law(
    a0: ArrayLike,
    b0: ArrayLike,
    alpha: float,
    beta: float,
    *,
    dt_days: float,
    replications: int,
    rng: np.random.Generator,
    n_steps: int | None = None,
    max_steps: int = 1_000_000,
) -> StochasticLanchesterResult:
    """Stochastic square law, vectorised across replications (``a0``, ``b0``: ints or arrays).

    Per step each B unit independently puts one A unit out of action with probability
    beta*dt (and vice versa), so losses_A ~ min(A, Binomial(B, beta*dt)). The unclipped
    conditional mean is beta*B*dt, the forward-Euler step of dA/dt = -beta*B, and the mean
    path is linear in the state, so it follows the ODE as dt -> 0 and forces grow.
    ``n_steps=None`` fights to annihilation (capped at ``max_steps``); an int fixes the horizon.
    """
    _check_stochastic(a0, b0, alpha, beta, dt_days, replications, rng, "stochastic_square_law", prob_cap=True)
    lose_a = binomial_table(int(np.max(b0)), beta * dt_days)._sample
    lose_b = binomial_table(int(np.max(a0)), alpha * dt_days)._sample

    def losses(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return lose_a(b, rng), lose_b(a, rng)

    return _fight(a0, b0, replications, max_steps if n_steps is None else n_steps, losses, dt_days)


def stochastic_linear_law(
    a0: ArrayLike,
    b0: ArrayLike,
    alpha: float,
    beta: float,
    *,
    dt_days: float,
    replications: int,
    rng: np.random.Generator,
    n_steps: int | None = None,
    max_steps: int = 1_000_000,
) -> StochasticLanchesterResult:
    """Stochastic linear law: each A unit is lost with probability 1 - exp(-beta*B*dt) per
    step (area fire at hazard beta*B, B held over the step), so the mean loss is
    beta*A*B*dt + O(dt^2); likewise for B. Integer forces reach zero in finite time."""
    _check_stochastic(a0, b0, alpha, beta, dt_days, replications, rng, "stochastic_linear_law", prob_cap=False)

    def losses(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (rng.binomial(a, -np.expm1(-beta * dt_days * b)), rng.binomial(b, -np.expm1(-alpha * dt_days * a)))

    return _fight(a0, b0, replications, max_steps if n_steps is None else n_steps, losses, dt_days)
