"""A content-addressed cache of MILP solutions: the same model, gap, time limit, starts and solver code give the
same plan, so the main job's second run solves nothing again (issue 15: ≤ 45 s warm, identical to cold).

The key is a SHA-256 digest of the whole sparse model (matrix, bounds, objective, integrality, sense), the stated
gap and time limit, the warm starts, the solver options, the HiGHS version and the source of the solver modules
(plan/milp_highs.py, plan/milp_matrix.py). A plan found under a wall-clock time limit can differ between runs;
the cache makes a warm run return exactly the cold run's plan and certificate (the certificate is stored with it,
so a plan that hit its time limit still says so). Entries are ``.npz`` files written atomically and read with
``allow_pickle=False``, like the simulation cache (sim/cache.py).

Off by default: nothing is read or written unless a directory is activated with :func:`activated` (the
services turn it on for the main job, under the user's ``--cache-dir``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..sim import cache as sim_cache
from .milp_matrix import SolveResult, SparseModel

_ACTIVE: ContextVar[Path | None] = ContextVar("positivesum_milp_cache", default=None)


def activated(directory: Path | None) -> AbstractContextManager[None]:
    """Use ``directory`` (created if needed) as the MILP cache inside the ``with`` block; None: no cache."""
    return sim_cache.activated_in(_ACTIVE, directory)


def active() -> Path | None:
    """The activated cache directory, if any."""
    return _ACTIVE.get()


@cache
def code_digest() -> str:
    """SHA-256 of the solver modules' source and HiGHS's version (another solver never reads old plans)."""
    import highspy

    h = hashlib.sha256(str(getattr(highspy, "__version__", "")).encode())
    here = Path(__file__).resolve().parent
    for name in ("milp_highs.py", "milp_matrix.py", "milp_cache.py"):
        h.update(name.encode())
        h.update((here / name).read_bytes())
    return h.hexdigest()


def _array(h: Any, a: np.ndarray) -> None:
    a = np.ascontiguousarray(a)
    h.update(str(a.dtype).encode() + str(a.shape).encode())
    h.update(a.tobytes())


def key(
    model: SparseModel,
    gap: float,
    time_limit_s: float,
    starts: Sequence[np.ndarray],
    options: Mapping[str, Any] | None,
) -> str:
    """The digest of everything a solve depends on."""
    h = hashlib.sha256(code_digest().encode())
    mat = model.matrix()
    for a in (mat.indptr, mat.indices, mat.data, *model.col_bounds(), *model.row_bounds(), model.cost()):
        _array(h, np.asarray(a))
    _array(h, model.binary().astype(np.int8))
    h.update(f"{model.sense}|{gap!r}|{time_limit_s!r}|{sorted((options or {}).items())!r}|{len(starts)}".encode())
    for s in starts:
        _array(h, np.asarray(s, dtype=float))
    return h.hexdigest()


def load(k: str) -> tuple[np.ndarray | None, SolveResult] | None:
    """The cached solution (None if the solve found none) and certificate of key ``k``, or None."""
    directory = active()
    if directory is None:
        return None
    try:
        with np.load(directory / f"milp-{k}.npz", allow_pickle=False) as z:
            fields = json.loads(str(z["result"]))
            x = z["x"] if bool(z["has_solution"]) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        return x, SolveResult(**fields)
    except TypeError:  # written by another version of SolveResult: solve again
        return None


def store(k: str, x: np.ndarray | None, result: SolveResult) -> None:
    """Write an entry atomically (a temporary file, then a rename: a killed run leaves no partial entry)."""
    directory = active()
    if directory is None:
        return
    fields = dataclasses.asdict(result)  # NaN and ∞ (no solution, no bound) survive Python's JSON both ways
    sim_cache.write_npz_atomic(
        directory / f"milp-{k}.npz",
        {
            "x": np.zeros(0) if x is None else np.asarray(x, dtype=float),
            "has_solution": np.array(x is not None),
            "result": np.array(json.dumps(fields)),
        },
    )
