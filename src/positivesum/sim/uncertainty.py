"""Two-level uncertainty: an outer loop over what we do not know, an inner loop over the chance of combat.

The replications of a block are grouped into *outer draws* of ``setup.inner_replications`` consecutive
replications each (``INNER_REPLICATIONS``, 32, where the two levels are shown apart; one where a study estimates
means only: setup.MEAN_INNER_REPLICATIONS). Every outer draw takes one value of every stated low–high range, from a triangular
distribution with the ``value`` as the mode (Law 2015, *Simulation Modeling and Analysis*, §6.11); its
replications share those values and differ only in the chance of combat (the inner loop). This is the
nested Monte Carlo that separates epistemic from aleatory uncertainty (Helton 1997; Oberkampf & Roy 2010).

Errors that are shared in reality are drawn once per outer draw for everything that shares them: one
value per capability class (wherever its groups are based), one per munition and target kind (every
holder and launcher), one per engine parameter (every engagement). Drawn: engine parameters, class
attributes, munition effectiveness, stockpiles (``engine.stockpile_factor`` per pool), listed force counts,
commitments, warning, decision delays, entry days, paralysis, mobilisation, objective thresholds and
blockade stocks. ``enabled=False`` holds everything at its central value (the inner loop alone).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import core_rng, kernels
from .setup import INNER_REPLICATIONS as INNER_REPLICATIONS  # re-exported: defined beside the set-up that carries it
from .setup import CampaignSetup

if TYPE_CHECKING:
    from .variants import StackedRows


def triangular(low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Triangular quantiles of uniforms ``u`` (broadcast against the parameters), degenerate ranges allowed."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (mode - low) / safe, 0.5)
    left = low + np.sqrt(u * safe * np.maximum(mode - low, 0.0))
    right = high - np.sqrt((1 - u) * safe * np.maximum(high - mode, 0.0))
    out: np.ndarray = np.where(width > 0, np.where(u < fc, left, right), mode)
    return out


@dataclass
class Draws:
    """A block's per-replication values: floats / (K,) arrays where central, (R,) / (R, K) arrays where drawn."""

    params: dict[str, float | np.ndarray]
    attrs: dict[str, dict[str, np.ndarray]]
    eff: dict[str, np.ndarray]
    stock0: np.ndarray
    count_factor: dict[str, np.ndarray]
    scalar: dict[str, np.ndarray]  # scenario quantities, (R,)
    per_actor: dict[str, np.ndarray]  # (R, A)
    outer: np.ndarray  # (R,) index of the outer draw within the block
    #: every ranged quantity of the setup by name: (low, mode, high) (filled where ranges are drawn or pinned)
    quantities: dict[str, tuple[float, float, float]] = field(default_factory=dict)


_CRC: dict[str, int] = {}


def _crc(name: str) -> int:
    """The stable hash keying a quantity's stream (cached: the same few hundred names come back every block)."""
    value = _CRC.get(name)
    if value is None:
        value = _CRC[name] = zlib.crc32(name.encode())
    return value


class _Specs:
    """The ranged quantities of a setup, each named, as columns of one (outer, S) matrix of draws.

    Each column's uniforms come from its own stream, keyed by the block's key and a stable hash of the
    quantity's name: a quantity draws the same values whatever else the setup contains, so two variants of a
    scenario (another base denied, a class removed) share their outer draws (common random numbers)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.low: list[float] = []
        self.mode: list[float] = []
        self.high: list[float] = []

    def add(self, names: list[str], low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Register named ranges (1-d, or 0-d with one name); return each element's column (-1: degenerate)."""
        lo, mo, hi = (np.atleast_1d(np.asarray(x, dtype=float)).tolist() for x in (low, mode, high))
        return np.array(self.add_floats(names, lo, mo, hi), dtype=np.int64)

    def add_floats(self, names: list[str], low: list[float], mode: list[float], high: list[float]) -> list[int]:
        """:meth:`add` on lists of floats (no NumPy call per quantity): a range counts where high > low and the
        value is finite, as ``(high > low) & np.isfinite(mode)`` says (NaN compares false either way)."""
        cols = []
        for name, lo, mo, hi in zip(names, low, mode, high, strict=True):
            if hi > lo and math.isfinite(mo):
                cols.append(len(self.mode))
                self.names.append(name)
                self.low.append(lo)
                self.mode.append(mo)
                self.high.append(hi)
            else:
                cols.append(-1)
        return cols

    def draw(self, n_outer: int, rng: np.random.Generator) -> np.ndarray:
        key = int(rng.integers(0, 2**63 - 1))  # one draw from the block's stream keys every column's stream
        if not self.mode:
            return np.zeros((n_outer, 0))
        if kernels.ENABLED:  # every column's stream in one compiled pass: NumPy's algorithms, the same numbers
            u = core_rng.uniforms(key, np.array([_crc(name) for name in self.names], dtype=np.uint64), n_outer)
        else:
            u = np.empty((n_outer, len(self.mode)))
            for j, name in enumerate(self.names):
                seq = np.random.SeedSequence([key, zlib.crc32(name.encode())])
                u[:, j] = np.random.Generator(np.random.PCG64(seq)).random(n_outer)
        return triangular(np.array(self.low), np.array(self.mode), np.array(self.high), u)

    def pin(self, d: np.ndarray, values: dict[str, float | np.ndarray], drawn: bool) -> np.ndarray:
        """Draws with the named quantities at the given values (a value, or one per outer draw); the others
        as drawn, or at their central values when not ``drawn``."""
        out = d.copy() if drawn else np.broadcast_to(np.array(self.mode), d.shape).copy()
        for j, name in enumerate(self.names):
            if name in values:
                out[:, j] = values[name]
        return out


def _pick(draws: np.ndarray, cols: np.ndarray, central: np.ndarray) -> np.ndarray:
    """Per outer draw, the drawn value where a column exists and the central value elsewhere."""
    if not (cols >= 0).any():
        return np.broadcast_to(central, (draws.shape[0],) + central.shape).copy()
    taken = draws[:, np.maximum(cols, 0)]
    return np.where(cols >= 0, taken, central)


def _scalar(draws: np.ndarray, c: int, central: float, outer: np.ndarray) -> np.ndarray:
    """One scenario quantity per replication: ``_pick`` of its one column, expanded (without the NumPy calls)."""
    if c < 0:
        return np.full(len(outer), central, dtype=np.result_type(np.array(central)))
    out: np.ndarray = draws[outer, c]
    return out


def sample(
    setup: CampaignSetup,
    reps: int,
    rng: np.random.Generator,
    enabled: bool,
    stacked: StackedRows | None = None,
) -> Draws:
    """Draw the outer loop for one block of ``reps`` replications (nothing is drawn when not ``enabled``).

    Quantities named in ``setup.pinned`` take the values given there in every outer draw, whether or not the
    others are drawn (sensitivity designs: services/sensitivity.py). ``stacked`` (sim/stack.py): the block holds
    several variants of the set-up one after the other, each ``reps / variants`` replications long; every
    variant takes the same outer draws (the ones a run of that length alone would draw: common random numbers)
    and its own central stocks."""
    enabled, drawn = enabled or bool(setup.pinned), enabled
    inner = setup.inner_replications
    own = reps if stacked is None else stacked.reps_each
    n_outer = -(-own // inner)
    outer = np.arange(own) // inner
    if stacked is not None:
        outer = np.tile(outer, stacked.variants)
    specs = _Specs()
    s = setup
    names = sorted(s.param_ranges) if enabled else []
    # one register call for all engine parameters (each one quantity, in name order)
    p_cols = specs.add_floats(
        [f"engine.{n}" for n in names],
        [float(s.param_ranges[n][0]) for n in names],
        [float(s.params[n]) for n in names],
        [float(s.param_ranges[n][1]) for n in names],
    )
    # class attributes: one column per (class, attribute), shared by every group of the class
    n_cls = len(s.classes)
    cls_low: dict[str, np.ndarray] = {}
    cls_mode: dict[str, np.ndarray] = {}
    cls_high: dict[str, np.ndarray] = {}
    for g in s.groups.values():
        for name in g.attr_low:
            for arr, src in ((cls_low, g.attr_low), (cls_mode, g.attrs), (cls_high, g.attr_high)):
                values = arr.get(name)
                if values is None:
                    values = arr[name] = np.full(n_cls, np.nan)
                values[g.cls_index] = src[name]
    a_cols = (
        {
            n: specs.add([f"class.{c}.{n}" for c in s.classes], cls_low[n], cls_mode[n], cls_high[n])
            for n in sorted(cls_mode)
        }
        if enabled
        else {}
    )
    # munition effectiveness: one column per (munition, kind), shared by every holder
    muns = sorted(set(s.pools.munition))
    m_list = [muns.index(m) for m in s.pools.munition]
    m_index = np.array(m_list, dtype=np.int64)
    first = np.array([m_list.index(i) for i in range(len(muns))], dtype=np.int64)  # each munition's first pool
    e_cols: dict[str, np.ndarray] = {}
    if enabled:
        for kind in sorted(s.pools.eff):
            e_cols[kind] = specs.add(
                [f"effectiveness.{m}.{kind}" for m in muns],
                s.pools.eff_low[kind][first],
                s.pools.eff[kind][first],
                s.pools.eff_high[kind][first],
            )
    st_range = s.param_ranges.get("stockpile_factor")
    n_pools = len(s.pools.label)
    st_cols = (
        np.array(
            specs.add_floats(
                [f"stock.{label}" for label in s.pools.label],
                [float(st_range[0])] * n_pools,
                [float(s.params["stockpile_factor"])] * n_pools,
                [float(st_range[1])] * n_pools,
            ),
            dtype=np.int64,
        )
        if enabled and st_range
        else np.full(n_pools, -1)
    )
    c_cols = {
        d: specs.add([f"count.{label}" for label in g.label], g.count_low, np.ones(len(g)), g.count_high)
        if enabled
        else np.full(len(g), -1)
        for d, g in s.groups.items()
    }
    sc_names = sorted(s.ranges.scalar)
    sc_cols = dict(
        zip(
            sc_names,
            specs.add_floats(
                [f"scenario.{n}" for n in sc_names],
                *([float(s.ranges.scalar[n][i]) for n in sc_names] for i in range(3)),
            )
            if enabled
            else [-1] * len(sc_names),
        )
    )
    pa_names = sorted(s.ranges.per_actor)
    pa_cols = {
        n: specs.add([f"participant.{a}.{n}" for a in s.actors], *s.ranges.per_actor[n])
        if enabled
        else np.full(len(s.actors), -1)
        for n in pa_names
    }
    d = specs.draw(n_outer, rng)
    if setup.pinned:
        d = specs.pin(d, setup.pinned, drawn)

    def expand(x: np.ndarray) -> np.ndarray:
        return x[outer]

    params: dict[str, float | np.ndarray] = dict(s.params)
    for n, c in zip(names, p_cols):
        if c >= 0:
            params[n] = expand(d[:, c])
    attrs: dict[str, dict[str, np.ndarray]] = {}
    per_class: dict[str, np.ndarray] = {}  # (outer, classes) drawn values of one attribute, shared by the domains
    for dom, g in s.groups.items():
        attrs[dom] = dict(g.attrs)
        for n in g.attr_low:
            if n in a_cols:
                drawn_here = a_cols[n][g.cls_index] >= 0
                if drawn_here.any():
                    per_cls = per_class.get(n)
                    if per_cls is None:
                        per_cls = per_class[n] = _pick(d, a_cols[n], cls_mode[n])
                    attrs[dom][n] = np.where(drawn_here, expand(per_cls[:, g.cls_index]), g.attrs[n])
    eff: dict[str, np.ndarray] = dict(s.pools.eff)
    for kind, cols in e_cols.items():
        if (cols >= 0).any():
            eff[kind] = expand(_pick(d, cols, s.pools.eff[kind][first])[:, m_index])
    central_stock = s.pools.stock0 if stacked is None else stacked.stock0
    stock0 = central_stock * expand(_pick(d, st_cols, np.ones(n_pools))) if (st_cols >= 0).any() else central_stock
    count_factor = {dom: expand(_pick(d, c_cols[dom], np.ones(len(g)))) for dom, g in s.groups.items()}
    scalar = {n: _scalar(d, sc_cols[n], s.ranges.scalar[n][1], outer) for n in sc_names}
    per_actor = {n: expand(_pick(d, pa_cols[n], s.ranges.per_actor[n][1])) for n in pa_names}
    quantities = dict(zip(specs.names, zip(specs.low, specs.mode, specs.high)))
    return Draws(params, attrs, eff, stock0, count_factor, scalar, per_actor, outer, quantities)


def col(x: float | np.ndarray) -> float | np.ndarray:
    """A per-replication (R,) parameter as a column (R, 1) for use against (R, K) arrays; floats unchanged."""
    return x[:, None] if isinstance(x, np.ndarray) and x.ndim == 1 else x
