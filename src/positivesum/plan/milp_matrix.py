"""A MILP held as sparse arrays: named blocks of variables, constraint rows as (row, column, value) triplets.

The planner's families (plan/milp.py) write their rows here directly with NumPy, so a model of 1,200
options × 3 actors × 10 years is built in milliseconds without any dense (option × option) pair matrix;
plan/milp_highs.py hands the column-wise matrix to HiGHS, and :meth:`SparseModel.lp_text` writes the model
as an LP file (the CPLEX LP format HiGHS and linopy read and write) with explicit coordinate names, for the
golden-LP tests. Why not linopy: docs/decisions/0009-direct-highs-matrix.md.

Conventions (the same as linopy's, so that the golden files pin the same model): a variable that is masked
does not exist and drops out of every row; zero coefficients are dropped; a row left without terms is
dropped, unless its bounds exclude zero (then it is kept, empty, and makes the model infeasible, rather than
being forgotten silently); rows are numbered in the order their families add them, each block in C order
of its coordinates; terms of a row keep the order in which the family wrote them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

SENSES = ("<=", ">=", "=")


@dataclass(frozen=True)
class Block:
    """A named block of variables or rows over labelled dimensions; ``index`` holds the global column (or row)
    number of each coordinate, −1 where the variable is masked (or the row was dropped)."""

    name: str
    dims: tuple[str, ...]
    labels: tuple[tuple[object, ...], ...]
    index: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(lab) for lab in self.labels)

    def coords_of(self, dims: Sequence[str]) -> list[tuple[str, Sequence[object]]]:
        """(dimension, labels) of some of the block's dimensions, for a block of rows over them."""
        return [(d, self.labels[self.dims.index(d)]) for d in dims]

    def names(self) -> dict[int, str]:
        """Global number → name with coordinates, ``y(USA,radar,1)`` (a scalar block: just its name)."""
        if not self.dims:
            return {int(self.index): self.name} if int(self.index) >= 0 else {}
        out: dict[int, str] = {}
        for pos in zip(*np.nonzero(self.index >= 0)):
            coords = ",".join(str(self.labels[d][int(i)]) for d, i in enumerate(pos))
            out[int(self.index[pos])] = f"{self.name}({coords})" if self.dims else self.name
        return out


def _grid(coords: Sequence[tuple[str, Sequence[object]]]) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]]:
    return tuple(d for d, _ in coords), tuple(tuple(lab) for _, lab in coords)


@dataclass
class SolveResult:
    """What a solve proved: the plan's ``objective``, ``best_bound`` (a bound on the optimum proven by HiGHS:
    its dual bound, or the LP relaxation's when that alone certifies the gap) and ``gap`` = |bound −
    objective| / |objective| (NaN without a feasible solution); ``condition`` is ``optimal`` when
    ``gap ≤ gap_target``, ``time_limit`` when the time ran out first."""

    status: str  # "ok" with a feasible solution, else "warning"
    condition: str  # optimal, time_limit, infeasible, unbounded, …
    objective: float
    best_bound: float
    gap: float
    gap_target: float
    solve_s: float
    certified_by: str = ""  # "LP relaxation" or "branch and bound"
    warm_start: str = ""  # "", "used", or why the given starts were ignored
    nodes: int = 0


@dataclass
class SparseModel:
    """Variables, rows and objective of a MILP; after :func:`.milp_highs.solve_model`, its solution."""

    sense: str = "max"
    n_cols: int = 0
    n_rows: int = 0
    var_blocks: dict[str, Block] = field(default_factory=dict)
    row_blocks: list[Block] = field(default_factory=list)
    _lower: list[np.ndarray] = field(default_factory=list)
    _upper: list[np.ndarray] = field(default_factory=list)
    _binary: list[np.ndarray] = field(default_factory=list)
    _trip_rows: list[np.ndarray] = field(default_factory=list)
    _trip_cols: list[np.ndarray] = field(default_factory=list)
    _trip_vals: list[np.ndarray] = field(default_factory=list)
    _row_lower: list[np.ndarray] = field(default_factory=list)
    _row_upper: list[np.ndarray] = field(default_factory=list)
    _row_sense: list[np.ndarray] = field(default_factory=list)
    obj_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    obj_vals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    solution: np.ndarray | None = None
    result: SolveResult | None = None

    # ------------------------------------------------------------------ building

    def add_variables(
        self,
        name: str,
        coords: Sequence[tuple[str, Sequence[object]]],
        *,
        lower: float = 0.0,
        upper: float = np.inf,
        binary: bool = False,
        mask: np.ndarray | None = None,
    ) -> Block:
        """A block of variables over ``coords`` (name, labels); ``mask`` (bool, same shape) keeps only some."""
        dims, labels = _grid(coords)
        shape = tuple(len(lab) for lab in labels)
        keep = np.ones(shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(shape)
        index = np.full(shape, -1, dtype=np.int64)
        n = int(keep.sum())
        index[keep] = np.arange(self.n_cols, self.n_cols + n)
        self.n_cols += n
        self._lower.append(np.full(n, 0.0 if binary else lower))
        self._upper.append(np.full(n, 1.0 if binary else upper))
        self._binary.append(np.full(n, binary))
        block = Block(name, dims, labels, index)
        self.var_blocks[name] = block
        return block

    def add_rows(
        self,
        name: str,
        coords: Sequence[tuple[str, Sequence[object]]],
        row: np.ndarray,
        col: np.ndarray,
        val: np.ndarray,
        sense: str,
        rhs: np.ndarray | float,
    ) -> Block:
        """Rows over ``coords`` from terms (flat C-order position of the row in the block, column, coefficient).

        Terms whose column is −1 (a masked variable) or whose coefficient is zero are dropped; ``rhs`` is
        broadcast to the block's shape.
        """
        if sense not in SENSES:
            raise ValueError(f"sense must be one of {SENSES}, not {sense!r}")
        dims, labels = _grid(coords)
        shape = tuple(len(lab) for lab in labels)
        size = int(np.prod(shape, dtype=np.int64))
        row, col = np.asarray(row, dtype=np.int64).ravel(), np.asarray(col, dtype=np.int64).ravel()
        val = np.asarray(val, dtype=float).ravel()
        live = (col >= 0) & (val != 0.0)
        row, col, val = row[live], col[live], val[live]
        order = np.argsort(row, kind="stable")  # rows in C order; each row's terms as the family wrote them
        row, col, val = row[order], col[order], val[order]
        b = np.broadcast_to(np.asarray(rhs, dtype=float), shape).ravel()
        lo = np.where(sense == "<=", -np.inf, b)
        hi = np.where(sense == ">=", np.inf, b)
        has_terms = np.bincount(row, minlength=size) > 0
        violated_when_empty = (lo > 0.0) | (hi < 0.0)
        keep = has_terms | violated_when_empty
        number = np.full(size, -1, dtype=np.int64)
        number[keep] = np.arange(self.n_rows, self.n_rows + int(keep.sum()))
        self.n_rows += int(keep.sum())
        self._trip_rows.append(number[row])
        self._trip_cols.append(col)
        self._trip_vals.append(val)
        self._row_lower.append(np.asarray(lo[keep], dtype=float))
        self._row_upper.append(np.asarray(hi[keep], dtype=float))
        self._row_sense.append(np.full(int(keep.sum()), SENSES.index(sense), dtype=np.int8))
        block = Block(name, dims, labels, number.reshape(shape))
        self.row_blocks.append(block)
        return block

    def set_objective(self, col: np.ndarray, val: np.ndarray, sense: str) -> None:
        """Linear objective Σ val·x[col] (terms in this order; masked columns and zeros dropped)."""
        if sense not in ("max", "min"):
            raise ValueError(f"objective sense must be 'max' or 'min', not {sense!r}")
        col, val = np.asarray(col, dtype=np.int64).ravel(), np.asarray(val, dtype=float).ravel()
        live = (col >= 0) & (val != 0.0)
        self.obj_cols, self.obj_vals, self.sense = col[live], val[live], sense

    # ------------------------------------------------------------------ arrays for the solver

    def col_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return _cat(self._lower), _cat(self._upper)

    def binary(self) -> np.ndarray:
        return _cat(self._binary).astype(bool)

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return _cat(self._row_lower), _cat(self._row_upper)

    def cost(self) -> np.ndarray:
        """Dense objective coefficients by column (duplicates summed)."""
        return np.bincount(self.obj_cols, weights=self.obj_vals, minlength=self.n_cols).astype(float)

    def triplets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, value) of every term, rows in order and each row's terms as written."""
        rows = _cat(self._trip_rows, np.int64)
        order = np.argsort(rows, kind="stable")
        return rows[order], _cat(self._trip_cols, np.int64)[order], _cat(self._trip_vals)[order]

    def matrix(self) -> sparse.csc_array:
        """The constraint matrix, column-wise (as HiGHS takes it), duplicate terms summed."""
        r, c, v = self.triplets()
        mat = sparse.csc_array((v, (r, c)), shape=(self.n_rows, self.n_cols))
        mat.sum_duplicates()
        mat.sort_indices()
        return mat

    def value(self, block: Block) -> np.ndarray:
        """A block's solution values in its coordinate shape (0 where the variable is masked)."""
        if self.solution is None:
            raise RuntimeError("the model has not been solved")
        out = np.zeros(block.shape)
        live = block.index >= 0
        out[live] = self.solution[block.index[live]]
        return out

    def activity(self, x: np.ndarray) -> np.ndarray:
        """Row activities A·x of a column vector."""
        return np.asarray(self.matrix() @ x, dtype=float)

    # ------------------------------------------------------------------ LP text

    def lp_text(self) -> str:
        """The model in LP format with explicit coordinate names, one term per line (as linopy writes it)."""
        names: dict[int, str] = {}
        for vb in self.var_blocks.values():
            names.update(vb.names())
        row_names: dict[int, str] = {}
        for rb in self.row_blocks:
            row_names.update(rb.names())
        out = [self.sense, "", "obj:", ""]
        out += [f"{v:+} {names[int(c)]}" for c, v in zip(self.obj_cols, self.obj_vals)]
        out += ["", "", "s.t.", ""]
        rows, cols, vals = self.triplets()
        starts = np.searchsorted(rows, np.arange(self.n_rows + 1))
        lo, hi = self.row_bounds()
        sense = _cat(self._row_sense, np.int8)
        for r in range(self.n_rows):
            out.append(f"{row_names[r]}:")
            a, b = starts[r], starts[r + 1]
            out += [f"{v:+} {names[int(c)]}" for c, v in zip(cols[a:b], vals[a:b])]
            op = SENSES[int(sense[r])]
            out.append(f"{op} {hi[r] if op == '<=' else lo[r]}")
        out += ["", "bounds", ""]
        lower, upper = self.col_bounds()
        is_bin = self.binary()
        for j in range(self.n_cols):
            if not is_bin[j]:
                out.append(f"{lower[j]:+} <= {names[j]} <= {upper[j]:+}")
        out += ["", "binary", ""]
        out += [names[j] for j in range(self.n_cols) if is_bin[j]]
        out.append("end")
        return "\n".join(out) + "\n"


def _cat(parts: list[np.ndarray], dtype: type = float) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)
