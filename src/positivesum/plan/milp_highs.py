"""Solve a :class:`.milp_matrix.SparseModel` with HiGHS (highspy), certified by a proven bound.

Three steps, all on the matrix the families built (docs/methodology/planning.md §4.4):

1. **LP relaxation.** Its optimum B is a bound on the MILP's optimum (above it when maximising); an integral
   LP solution is optimal outright.
2. **Incumbent.** The best feasible warm start (``starts``, e.g. an earlier regime's plan), then, on large models
   only (``KERNEL_MIN_BINARIES``), a *kernel* sub-MILP: the binaries positive in the LP solution plus those
   with the best reduced costs are free, all others fixed at zero (kernel search, Angelelli, Mansini and Speranza 2010), solved by HiGHS with the
   incumbent as its start and stopped as soon as the incumbent is within the gap of B
   (``objective_target``). If it is, B certifies it and the solve ends there.
3. **Branch and bound.** Otherwise HiGHS solves the whole MILP to the gap, starting from the incumbent, in the
   time left; its dual bound (or B, if tighter) certifies what it returns.

The result always states the objective, the bound and the relative gap they prove; when the time limit stops
the search first, the condition is ``time_limit`` and the gap may exceed the target (never a silent
loosening). HiGHS: Huangfu and Hall (2018), Mathematical Programming Computation 10, 119–142.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence

import highspy
import numpy as np

from . import milp_cache
from .milp_matrix import SolveResult, SparseModel

FEASIBILITY_TOL = 1e-6
ABS_GAP = 1e-6  # HiGHS's default mip_abs_gap: a gap this small in absolute terms counts as closed
KERNEL_FREE = (150, 300, 600, 1200)  # zero binaries freed in the successive kernel sub-MILPs
KERNEL_NODES = 200  # branch-and-bound nodes per kernel sub-MILP
KERNEL_SEEDS = 3  # passes over KERNEL_FREE, each with another HiGHS random seed (its search varies a lot)
KERNEL_SHARE_OF_TIME = 0.4  # at most this share of the time limit goes to the kernel sub-MILPs
# HiGHS's presolve probing took 8–60 s on 1,200-option models and most of the time limit on a one-actor
# 217-option model (which then reached a 1e-3 gap in 27 s instead of not at all in 60 s); it is switched off for
# branch and bound on the whole model (rule bit 15, as HiGHS's own log advises when probing runs out of time).
# It stays on in the kernel sub-MILPs, where most columns are fixed and it helps (without it the 1,200-option
# benchmark took 40 s instead of 2 s).
PRESOLVE_RULES_OFF = 1 << 15
# Kernel search pays only on large models, where the root of the whole model (presolve, cuts) is itself
# expensive: on the 1,200-option benchmark (~36,000 binaries) it reaches the 1 % gap in ~2 s against ~40 s of
# branch and bound. On the real 217-option plans (500–2,000 columns) HiGHS's root cuts close the 1 % gap at the
# root node in 0.1–4 s, while the kernel sub-MILPs, searching to an LP bound 1–2 % above the optimum that
# cannot certify them, took 3–5 times as long (measured 2026-12-06: the four regimes 55 s → 15 s; the
# spending-target regime 30 s → 4.6 s). So models with fewer binaries than this go straight to step 3.
KERNEL_MIN_BINARIES = 5_000
KERNEL_HOPELESS = 3.0  # no more kernel rounds once the incumbent is this many times the target gap off the LP bound
Option = float | int | bool | str


@contextlib.contextmanager
def silenced_stdout() -> Iterator[None]:
    """HiGHS prints a banner from C code even with output_flag off; keep the CLI's stdout clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def to_highs(model: SparseModel, *, log: bool = False, options: dict[str, Option] | None = None) -> highspy.Highs:
    """A HiGHS instance holding the model (column-wise matrix, bounds, integrality, sense)."""
    with silenced_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's __init__ has no annotation
    h.setOptionValue("output_flag", log)
    h.setOptionValue("random_seed", 0)  # the same model gives the same plan
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    mat = model.matrix()
    lower, upper = model.col_bounds()
    row_lower, row_upper = model.row_bounds()
    h.passModel(
        model.n_cols,
        model.n_rows,
        int(mat.nnz),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize),
        0.0,
        model.cost(),
        lower,
        upper,
        row_lower,
        row_upper,
        mat.indptr.astype(np.int32),
        mat.indices.astype(np.int32),
        mat.data.astype(float),
        model.binary().astype(np.int32),
    )
    return h


def check_start(model: SparseModel, x: np.ndarray) -> str:
    """ "" if ``x`` is feasible for the model (bounds, integrality, rows, within 1e-6), else why not."""
    if x.shape != (model.n_cols,) or not np.isfinite(x).all():
        return "it names a start this model has no variable for"
    lower, upper = model.col_bounds()
    bad = np.nonzero((x < lower - FEASIBILITY_TOL) | (x > upper + FEASIBILITY_TOL))[0]
    if len(bad):
        return f"column {int(bad[0])} is outside its bounds"
    binary = model.binary()
    if (np.abs(x[binary] - np.round(x[binary])) > FEASIBILITY_TOL).any():
        return "a binary variable is fractional"
    act = model.activity(x)
    lo, hi = model.row_bounds()
    scale = 1.0 + np.abs(np.where(np.isfinite(hi), hi, np.where(np.isfinite(lo), lo, 0.0)))
    bad = np.nonzero((act < lo - FEASIBILITY_TOL * scale) | (act > hi + FEASIBILITY_TOL * scale))[0]
    if len(bad):
        return f"it breaks row {int(bad[0])}"
    return ""


def relative_gap(objective: float, bound: float) -> float:
    """|bound − objective| / |objective| (0 when both are within ABS_GAP, ∞ when only the objective is 0)."""
    diff = abs(bound - objective)
    if diff <= ABS_GAP:
        return 0.0
    return diff / abs(objective) if objective != 0.0 else math.inf


def _certified(objective: float, bound: float, gap: float) -> bool:
    return abs(bound - objective) <= max(gap * abs(objective), ABS_GAP)


def _target(bound: float, gap: float, sense: str) -> float:
    """The objective value from which ``bound`` certifies ``gap`` (for non-negative objectives; else none)."""
    if bound < 0.0:
        return -math.inf if sense == "max" else math.inf
    return bound / (1.0 + gap) if sense == "max" else bound * (1.0 + gap)


def _better(a: float, b: float, sense: str) -> bool:
    return a > b if sense == "max" else a < b


class _Incumbent:
    """The best feasible column vector seen so far and its objective."""

    def __init__(self, model: SparseModel) -> None:
        self.model, self.x, self.value = model, np.zeros(0), math.nan
        self.cost = model.cost()

    def offer(self, x: np.ndarray) -> bool:
        value = float(self.cost @ x)
        if self.x.size and not _better(value, self.value, self.model.sense):
            return False
        self.x, self.value = x, value
        return True


def _run(h: highspy.Highs, time_limit_s: float, log: bool) -> None:
    h.setOptionValue("time_limit", max(time_limit_s, 1e-3))
    with contextlib.nullcontext() if log else silenced_stdout():
        h.run()


def _solution(h: highspy.Highs) -> np.ndarray | None:
    if h.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)


def _give_start(h: highspy.Highs, x: np.ndarray) -> None:
    sol = highspy.HighsSolution()
    sol.col_value = x.tolist()
    sol.value_valid = True
    h.setSolution(sol)


def solve_model(
    model: SparseModel,
    *,
    gap: float = 1e-4,
    time_limit_s: float = 60.0,
    starts: Sequence[np.ndarray] = (),
    log: bool = False,
    options: dict[str, Option] | None = None,
) -> SolveResult:
    """Solve to the relative gap ``gap`` (or until ``time_limit_s`` of wall time), keep the solution and the
    certificate on the model and return the certificate (module docstring). With a MILP cache active
    (plan/milp_cache.py), an identical earlier solve is returned as it was."""
    cache_key = milp_cache.key(model, gap, time_limit_s, starts, options) if milp_cache.active() else None
    if cache_key is not None and (hit := milp_cache.load(cache_key)) is not None:
        model.solution, model.result = hit
        return hit[1]
    res = _solve(model, gap=gap, time_limit_s=time_limit_s, starts=starts, log=log, options=options)
    if cache_key is not None:
        milp_cache.store(cache_key, model.solution, res)
    return res


def _solve(
    model: SparseModel,
    *,
    gap: float,
    time_limit_s: float,
    starts: Sequence[np.ndarray],
    log: bool,
    options: dict[str, Option] | None,
) -> SolveResult:
    t0 = time.perf_counter()

    def left() -> float:
        return time_limit_s - (time.perf_counter() - t0)

    sense = model.sense
    inc = _Incumbent(model)
    warm = ""
    if starts:
        why = [check_start(model, s) for s in starts]
        for s, w in zip(starts, why):
            if not w:
                inc.offer(s)
        warm = "used" if inc.x.size else "ignored: " + why[0]
    # 1. LP relaxation: the bound
    lp = to_highs(model, log=log, options=options)
    lp.setOptionValue("solve_relaxation", True)
    _run(lp, left(), log)
    lp_status = lp.getModelStatus()
    if lp_status != highspy.HighsModelStatus.kOptimal:
        return _finish(model, lp, inc, math.nan, gap, t0, warm, "LP relaxation", lp_status)
    bound = float(lp.getInfo().objective_function_value)
    x_lp = np.asarray(lp.getSolution().col_value, dtype=float)
    rc = np.asarray(lp.getSolution().col_dual, dtype=float)
    binary = model.binary()
    if np.all(np.abs(x_lp[binary] - np.round(x_lp[binary])) <= FEASIBILITY_TOL):
        x_round = x_lp.copy()
        x_round[binary] = np.round(x_lp[binary])
        if not check_start(model, x_round):
            inc.offer(x_round)
    if inc.x.size and _certified(inc.value, bound, gap):
        return _finish(model, None, inc, bound, gap, t0, warm, "LP relaxation", None)
    # 2. kernel sub-MILPs of growing size, each stopped as soon as the LP bound certifies its incumbent
    kernel_until = time.perf_counter() + left() * KERNEL_SHARE_OF_TIME
    for seed in range(KERNEL_SEEDS if int(binary.sum()) >= KERNEL_MIN_BINARIES else 0):
        for n_free in KERNEL_FREE:
            kernel = _kernel(model, x_lp, rc, inc.x if inc.x.size else None, n_free)
            hopeless = inc.x.size and relative_gap(inc.value, bound) > KERNEL_HOPELESS * gap
            if kernel is None or hopeless or time.perf_counter() >= kernel_until:
                break
            if _kernel_round(model, inc, kernel, bound, gap, seed, kernel_until - time.perf_counter(), log, options):
                return _finish(model, None, inc, bound, gap, t0, warm, "LP relaxation", None)
        else:
            continue
        break
    # 3. branch and bound on the whole model from the incumbent
    full = to_highs(model, log=log, options={"presolve_rule_off": PRESOLVE_RULES_OFF, **(options or {})})
    full.setOptionValue("mip_rel_gap", gap)
    if inc.x.size:
        _give_start(full, inc.x)
    _run(full, left(), log)
    found = _solution(full)
    if found is not None and (not check_start(model, found) or not inc.x.size):
        inc.offer(found)  # HiGHS's own incumbent is feasible within its tolerances even if not within ours
    mip_bound = float(full.getInfo().mip_dual_bound)
    if math.isfinite(mip_bound):  # both are proven bounds: keep the tighter
        bound = min(bound, mip_bound) if sense == "max" else max(bound, mip_bound)
    return _finish(model, full, inc, bound, gap, t0, warm, "branch and bound", full.getModelStatus())


def _kernel_round(
    model: SparseModel,
    inc: _Incumbent,
    kernel: np.ndarray,
    bound: float,
    gap: float,
    seed: int,
    time_limit_s: float,
    log: bool,
    options: dict[str, Option] | None,
) -> bool:
    """One kernel sub-MILP (binaries outside ``kernel`` fixed at 0) from the incumbent; True once certified."""
    sub = to_highs(model, log=log, options={**(options or {}), "random_seed": seed})
    sub.setOptionValue("mip_rel_gap", 0.0)  # its own bound is not the certificate: search on to the target
    sub.setOptionValue("objective_target", _target(bound, gap, model.sense))
    sub.setOptionValue("mip_max_nodes", KERNEL_NODES)  # a fixed effort: the same plan on a busy machine
    fixed = np.setdiff1d(np.nonzero(model.binary())[0], kernel).astype(np.int32)
    sub.changeColsBounds(len(fixed), fixed, np.zeros(len(fixed)), np.zeros(len(fixed)))
    if inc.x.size:
        _give_start(sub, inc.x)
    _run(sub, time_limit_s, log)
    found = _solution(sub)
    if found is not None and not check_start(model, found):
        inc.offer(found)
    return bool(inc.x.size) and _certified(inc.value, bound, gap)


def _kernel(
    model: SparseModel, x_lp: np.ndarray, rc: np.ndarray, start: np.ndarray | None, n_free: int
) -> np.ndarray | None:
    """Binaries left free in the kernel sub-MILP: positive in the LP or in the start, and the zero ones whose
    reduced cost loses least (``n_free`` of them); ``None`` when that would be every binary (then the
    sub-MILP is the MILP)."""
    binary = np.nonzero(model.binary())[0]
    positive = x_lp[binary] > FEASIBILITY_TOL
    if start is not None:
        positive |= start[binary] > 0.5
    zero = binary[~positive]
    if n_free >= len(zero):
        return None
    # at an LP optimum a zero binary's reduced cost is ≤ 0 (max) or ≥ 0 (min); closest to 0 loses least
    loss = -rc[zero] if model.sense == "max" else rc[zero]
    return np.sort(np.r_[binary[positive], zero[np.argsort(loss, kind="stable")[:n_free]]])


def _finish(
    model: SparseModel,
    h: highspy.Highs | None,
    inc: _Incumbent,
    bound: float,
    gap: float,
    t0: float,
    warm: str,
    how: str,
    status: highspy.HighsModelStatus | None,
) -> SolveResult:
    has_solution = bool(inc.x.size)
    achieved = relative_gap(inc.value, bound) if has_solution and math.isfinite(bound) else math.nan
    if has_solution and (_certified(inc.value, bound, gap) or status == highspy.HighsModelStatus.kOptimal):
        condition = "optimal"
    elif has_solution or status == highspy.HighsModelStatus.kTimeLimit:
        condition = "time_limit"  # the time ran out before the gap was proven: the result says so
    else:
        condition = (
            {
                highspy.HighsModelStatus.kInfeasible: "infeasible",
                highspy.HighsModelStatus.kUnbounded: "unbounded",
                highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible_or_unbounded",
                highspy.HighsModelStatus.kInterrupt: "interrupted",
            }.get(status, "unknown")
            if status is not None
            else "unknown"
        )
    model.solution = inc.x if has_solution else None
    res = SolveResult(
        status="ok" if has_solution else "warning",
        condition=condition,
        objective=inc.value if has_solution else math.nan,
        best_bound=bound,
        gap=achieved,
        gap_target=gap,
        solve_s=time.perf_counter() - t0,
        certified_by=how if has_solution else "",
        warm_start=warm,
        nodes=max(0, int(h.getInfo().mip_node_count)) if h is not None else 0,
    )
    model.result = res
    return res
