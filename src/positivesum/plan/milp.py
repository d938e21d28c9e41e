"""The planning MILP, built as a sparse matrix and solved with HiGHS: build → solve → extract.

Decision: y[a, o, t] = 1 if actor a starts option o in plan year t. Capability
levels x[m] = Σ q[o,m]·y (options in service by the last plan year) feed the
concave surrogate through hypograph variables h[s,m] ≤ v_k + slope_k·(x_m − l_k),
and each complementary pair p = (i, j) through w[s,p] ≤ x_i, w[s,p] ≤ x_j and its
own hypograph hp[s,p]; deterrence d_s ≤ b_s + Σ_m h[s,m] + Σ_p hp[s,p], d_s ≤ 1. Objective: max Σ_s w_s d_s, with a
tiny cost penalty so that money is not spent for nothing. One function per
constraint family (PyPSA style), each writing its rows as sparse triplets
(plan/milp_matrix.py); HiGHS gets the matrix directly (plan/milp_highs.py), with the
LP relaxation bound as the certificate of the gap reached. Equations:
docs/methodology/planning.md §4; why not linopy: docs/decisions/0009-direct-highs-matrix.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np
import pandas as pd

from .catalogue import CatalogueArrays
from .milp_highs import solve_model
from .milp_matrix import Block, SolveResult, SparseModel
from .surrogate import Surrogate, pair_name

COST_TIEBREAK_PER_MUSD = 1e-9


@dataclass
class PlanInputs:
    """Everything one MILP needs (money in million USD, constant prices)."""

    cat: CatalogueArrays
    q: np.ndarray  # (O, M) level added per option and area
    sur: Surrogate
    weights: dict[str, float]  # scenario weights (normalised inside)
    budget_musd: np.ndarray  # (A, Y) money available for new options
    personnel_headroom: np.ndarray  # (A, Y) extra persons that can be manned by year y (cumulative)
    allowed: np.ndarray | None = None  # (O, A) options an actor may buy in this regime (default: eligibility)
    participation: np.ndarray | None = None  # (S, A) 1 if actor a takes part on the allied side in scenario s
    # industrial capacity: (actor index, munition) -> (added rounds/year per option (O,), headroom rounds/year)
    production_limits: dict[tuple[int, str], tuple[np.ndarray, float]] = field(default_factory=dict)
    min_deterrence: float | None = None  # if set: minimise cost subject to Σ w d ≥ this
    required: list[tuple[int, int]] = field(default_factory=list)  # (actor, option) pairs that must be bought
    pooled_budget: bool = False  # joint regime: the allies' money forms one fund each year
    # effect-based levels (plan/effects.py): q split by item, q_items[i,o,m] (Σ_i = q), and each item's factor
    # kappa[scenario][i,m]; None: every option counts its cost-based level q in every scenario. A scenario without
    # measured factors (a variant the measurement did not see) counts the cost-based level.
    q_items: np.ndarray | None = None
    kappa: dict[str, np.ndarray] | None = None

    def effect_based(self) -> bool:
        return self.kappa is not None and self.q_items is not None

    def kappa_array(self) -> np.ndarray:
        """κ[s,i,m] over this model's scenarios (ones where a scenario has none)."""
        assert self.q_items is not None
        ones = np.ones((self.q_items.shape[0], self.q_items.shape[2]))
        table = self.kappa or {}
        return np.stack([table.get(s, ones) for s in self.sur.scenarios])

    def scenario_q(self) -> np.ndarray:
        """q[s,o,m]: the level option o adds to area m in scenario s (κ-weighted where measured)."""
        n_s = len(self.sur.scenarios)
        if self.q_items is None or self.kappa is None:
            return np.broadcast_to(self.q[None], (n_s, *self.q.shape))
        out: np.ndarray = np.einsum("sim,iom->som", self.kappa_array(), self.q_items)
        return out


class ModelParts(TypedDict, total=False):
    """The variable blocks of a built model that later families, the objective and :func:`extract` read."""

    y: Block  # (actor, option, start) binary: start option o in year t (masked where impossible)
    u: Block  # (pair,) binary: which side of each exclusion pair the alliance may buy
    z: Block  # (actor, area) level each actor adds
    x: Block  # (scenario, area) capability level
    h: Block  # (scenario, area) surrogate gain
    w: Block  # (scenario, pair) level of the scarcer area of a complementary pair, min(x_i, x_j)
    hp: Block  # (scenario, pair) surrogate gain of the pair
    d: Block  # (scenario,) deterrence


@dataclass
class Plan:
    """An extracted plan, with the solver's certificate: ``objective`` of the plan, ``best_bound`` (a proven
    bound on the optimum: HiGHS's dual bound, at least as tight as the LP relaxation's) and ``gap``, the
    relative gap |bound − objective| / |objective| they prove; ``status`` ``time_limit`` says the time ran
    out, and then ``gap`` may exceed ``gap_target``."""

    status: str
    objective: float
    choices: list[tuple[str, str, int]]  # (actor, option, start year)
    spending_musd: pd.DataFrame  # actor × year
    personnel: pd.DataFrame  # actor × year (persons in service)
    levels: dict[str, dict[str, float]]  # scenario → area → capability level
    deterrence: dict[str, float]  # surrogate D̂ per scenario
    weighted_deterrence: float
    total_cost_musd: float
    budget_slack_musd: pd.DataFrame
    gap: float | None = None
    lifecycle_cost_musd: float = 0.0  # all acquisition (also after the horizon) + operating within it
    best_bound: float | None = None
    gap_target: float | None = None
    warm_start: str = ""  # "", "used", or why a given start was ignored
    solve_s: float = 0.0


def _labels(inp: PlanInputs) -> tuple[list[str], list[str], list[int], list[int]]:
    cat = inp.cat
    years = list(range(1, cat.horizon_years + 1))
    return list(cat.actors), list(cat.option_ids), years, years


def build(inp: PlanInputs) -> tuple[SparseModel, ModelParts]:
    """Build the model: variables, then each constraint family, then the objective."""
    actors, options, starts, _ = _labels(inp)
    cat = inp.cat
    allowed = cat.eligible if inp.allowed is None else inp.allowed
    # An option may start only if it is allowed for the actor and enters service within the horizon.
    enters = cat.in_service[:, :, -1] > 0  # (O, T)
    mask = allowed.T[:, :, None] & enters[None, :, :]
    m = SparseModel()
    y = m.add_variables("y", [("actor", actors), ("option", options), ("start", starts)], binary=True, mask=mask)
    v: ModelParts = {"y": y}
    define_choice_constraints(m, v, inp)
    define_requirement_constraints(m, v, inp)
    define_budget_constraints(m, v, inp)
    define_personnel_constraints(m, v, inp)
    define_production_constraints(m, v, inp)
    define_prerequisite_constraints(m, v, inp)
    define_exclusion_constraints(m, v, inp)
    define_capability_constraints(m, v, inp)
    define_surrogate_constraints(m, v, inp)
    w = _weights(inp)
    d_cols = v["d"].index
    w_vals = np.array([w[s] for s in inp.sur.scenarios])
    # Lifecycle money (all acquisition, even after the horizon, plus operating within it): the tie-break and the
    # min-cost objective must not reward starting late just to push costs past the horizon.
    cost_vals = np.broadcast_to(cat.lifecycle_cost_musd[None, :, :], y.shape)
    if inp.min_deterrence is None:
        m.set_objective(
            np.r_[d_cols, y.index.ravel()], np.r_[w_vals, -COST_TIEBREAK_PER_MUSD * cost_vals.ravel()], "max"
        )
    else:
        m.add_rows("deterrence_floor", [], np.zeros(len(d_cols)), d_cols, w_vals, ">=", inp.min_deterrence)
        m.set_objective(y.index.ravel(), cost_vals.ravel(), "min")
    return m, v


def _weights(inp: PlanInputs) -> dict[str, float]:
    total = sum(inp.weights.get(s, 0.0) for s in inp.sur.scenarios) or 1.0
    return {s: inp.weights.get(s, 0.0) / total for s in inp.sur.scenarios}


def _rows_of(shape: tuple[int, ...], positions: tuple[np.ndarray, ...]) -> np.ndarray:
    """Flat C-order row numbers of the given coordinates (each array broadcast against the others)."""
    return np.asarray(np.ravel_multi_index(np.broadcast_arrays(*positions), shape))


def define_choice_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Each actor buys each option at most once: Σ_t y[a,o,t] ≤ 1."""
    y = v["y"]
    n_a, n_o, n_t = y.shape
    rows = np.broadcast_to(np.arange(n_a * n_o).reshape(n_a, n_o, 1), y.shape)
    m.add_rows("choose_once", y.coords_of(("actor", "option")), rows, y.index, np.ones(y.shape), "<=", 1.0)


def define_requirement_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Options the user requires are bought (by the named actor): Σ_t y[a,o,t] = 1."""
    y = v["y"]
    for a, o in inp.required:
        cols = y.index[a, o]
        name = f"require_{inp.cat.actors[a]}_{inp.cat.option_ids[o]}"
        m.add_rows(name, [], np.zeros(len(cols)), cols, np.ones(len(cols)), "=", 1.0)


def _per_actor_year(v: ModelParts, coeff: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Terms Σ_{o,t} coeff[o,t,yr]·y[a,o,t] as (actor, year, column, value) arrays of shape (A, K), over the
    K non-zero coefficients in (option, start, year) order."""
    y = v["y"]
    o, t, yr = np.nonzero(coeff)
    n_a = y.shape[0]
    actor = np.broadcast_to(np.arange(n_a)[:, None], (n_a, len(o)))
    return actor, np.broadcast_to(yr, actor.shape), y.index[:, o, t], np.broadcast_to(coeff[o, t, yr], actor.shape)


def define_budget_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Spending of each actor in each year ≤ its money for new options (pooled: the alliance's total each year)."""
    actors, _, _, years = _labels(inp)
    actor, yr, cols, vals = _per_actor_year(v, inp.cat.cost_musd)
    if inp.pooled_budget:  # one alliance fund: each actor still pays in its own money, spent where it deters most
        # terms of a year in (option, start, actor) order: transpose so that the actor varies fastest
        m.add_rows("budget", [("year", years)], yr.T, cols.T, vals.T, "<=", inp.budget_musd.sum(axis=0))
    else:
        rows = _rows_of((len(actors), len(years)), (actor, yr))
        m.add_rows("budget", [("actor", actors), ("year", years)], rows, cols, vals, "<=", inp.budget_musd)


def define_personnel_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """People in service for new options ≤ the actor's manning headroom that year (automation frees people)."""
    actors, _, _, years = _labels(inp)
    people = inp.cat.personnel[:, None, None] * inp.cat.in_service
    actor, yr, cols, vals = _per_actor_year(v, people)
    rows = _rows_of((len(actors), len(years)), (actor, yr))
    m.add_rows("personnel", [("actor", actors), ("year", years)], rows, cols, vals, "<=", inp.personnel_headroom)


def define_production_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Industrial capacity: added production of a munition by one actor ≤ what its industry can still add."""
    y = v["y"]
    for (a, munition), (added, headroom) in inp.production_limits.items():
        vals = np.broadcast_to(np.asarray(added, dtype=float)[:, None], y.shape[1:])
        name = f"industry_{inp.cat.actors[a]}_{munition}"
        m.add_rows(name, [], np.zeros(vals.size), y.index[a], vals, "<=", headroom)


def _pair_names(inp: PlanInputs, pairs: Sequence[tuple[int, int]]) -> list[str]:
    ids = inp.cat.option_ids
    return [f"{ids[a]}__{ids[b]}" for a, b in pairs]


def define_prerequisite_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """An option starts no earlier than its prerequisite (same actor): Σ_{t'≤t} y[o,t'] ≤ Σ_{t'≤t} y[p,t'] for all t.

    Built sparsely: each row (actor, t, pair) has at most 2t terms, so the family costs A·T·P·2T triplets
    (about 10⁵ for 1,200 options) instead of a dense (option × pair) product over every start.
    """
    pairs = inp.cat.prerequisites
    if not pairs:
        return
    y = v["y"]
    n_a, _, n_t = y.shape
    o, p = np.array(pairs).T
    # each row lists its terms by option number, then start (the columns' order): lower-numbered option first
    first, second = np.minimum(o, p), np.maximum(o, p)
    sign = np.where(first == o, 1.0, -1.0)  # +1 for the option that needs, −1 for its prerequisite
    opts = np.stack([first, second], axis=1)  # (P, 2)
    coef = np.stack([sign, -sign], axis=1)  # (P, 2)
    # terms indexed (actor, row start t, pair, side, start t'): t' ≤ t enters row t
    cols = y.index[:, opts, :][:, None, :, :, :]  # (A, 1, P, 2, T')
    upto = np.arange(n_t)[None, :, None, None, None] >= np.arange(n_t)[None, None, None, None, :]
    vals = np.where(upto, coef[None, None, :, :, None], 0.0)  # (1, T, P, 2, T')
    shape = (n_a, n_t, len(pairs), 2, n_t)
    rows = _rows_of(
        (n_a, n_t, len(pairs)),
        (
            np.arange(n_a)[:, None, None, None, None],
            np.arange(n_t)[None, :, None, None, None],
            np.arange(len(pairs))[None, None, :, None, None],
        ),
    )
    coords: list[tuple[str, Sequence[object]]] = [
        ("actor", list(inp.cat.actors)),
        ("start", list(range(1, n_t + 1))),
        ("pair", _pair_names(inp, pairs)),
    ]
    m.add_rows(
        "prerequisite",
        coords,
        np.broadcast_to(rows, shape),
        np.broadcast_to(cols, shape),
        np.broadcast_to(vals, shape),
        "<=",
        0.0,
    )


def define_exclusion_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Mutually exclusive options o and e are not both in the alliance's portfolio (they describe one posture),
    though several allies may each buy o: a binary u per pair picks the side, Σ_t y[a,o,t] ≤ u and
    Σ_t y[a,e,t] ≤ 1 − u for every actor a."""
    pairs = inp.cat.exclusions
    if not pairs:
        return
    y = v["y"]
    n_a, _, n_t = y.shape
    names = _pair_names(inp, pairs)
    u = m.add_variables("exclusion_side", [("pair", names)], binary=True)
    v["u"] = u
    coords = [("actor", list(inp.cat.actors)), ("pair", names)]
    rows = np.broadcast_to(np.arange(n_a * len(pairs)).reshape(n_a, len(pairs), 1), (n_a, len(pairs), n_t + 1))
    u_cols = np.broadcast_to(u.index[None, :, None], (n_a, len(pairs), 1))
    for side, (name, u_coef, rhs) in enumerate((("exclusion_first", -1.0, 0.0), ("exclusion_second", 1.0, 1.0))):
        opt = np.array([pair[side] for pair in pairs])
        cols = np.concatenate([y.index[:, opt, :], u_cols], axis=2)  # y terms by start, then u
        vals = np.concatenate([np.ones((n_a, len(pairs), n_t)), np.full((n_a, len(pairs), 1), u_coef)], axis=2)
        m.add_rows(name, coords, rows, cols, vals, "<=", rhs)


def define_capability_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """x[s,m] = Σ_a part[s,a] Σ_{o,t} q[s,o,m] · y[a,o,t] for options in service by the last plan year.

    An actor's purchases count in a scenario only if it takes part in it on the allied side. With effect-based
    levels, q[s,o,m] = Σ_i κ[s,i,m]·q_i[o,m] (:func:`define_item_capability_constraints`).
    """
    if inp.effect_based():
        define_item_capability_constraints(m, v, inp)
        return
    actors, _, _, _ = _labels(inp)
    scen, areas = list(inp.sur.scenarios), list(inp.sur.areas)
    n_a, n_m, n_s = len(actors), len(areas), len(scen)
    part = inp.participation if inp.participation is not None else np.ones((n_s, n_a))
    # z[a,m]: what each actor adds to each area (few dense rows); x[s,m] then sums the participants'
    # z (sparse rows). Writing x directly from y would repeat every dense row once per scenario.
    z = m.add_variables("z", [("actor", actors), ("area", areas)])
    contrib = inp.q[:, None, :] * inp.cat.in_service[:, :, -1][:, :, None]  # (O, T, M)
    actor, area, y_cols, y_vals = _per_actor_year(v, contrib)
    own = np.arange(n_a * n_m)
    m.add_rows(
        "actor_capability",
        [("actor", actors), ("area", areas)],
        np.r_[own, _rows_of((n_a, n_m), (actor, area)).ravel()],  # +z first, then −q·y by option and start
        np.r_[z.index.ravel(), y_cols.ravel()],
        np.r_[np.ones(n_a * n_m), -y_vals.ravel()],
        "=",
        0.0,
    )
    x = m.add_variables("x", [("scenario", scen), ("area", areas)])
    s_i, m_i, a_i = np.meshgrid(np.arange(n_s), np.arange(n_m), np.arange(n_a), indexing="ij")  # (S, M, A)
    m.add_rows(
        "capability",
        [("scenario", scen), ("area", areas)],
        np.r_[np.arange(n_s * n_m), (s_i * n_m + m_i).ravel()],  # +x first, then −part·z by actor
        np.r_[x.index.ravel(), z.index[a_i, m_i].ravel()],
        np.r_[np.ones(n_s * n_m), -part[s_i, a_i].ravel()],
        "=",
        0.0,
    )
    v["x"], v["z"] = x, z


def define_item_capability_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Effect-based levels: z[a,p] = Σ_{o,t} q_i[o,m]·y[a,o,t] for every (item, area) pair p = (i, m) some option
    adds to, then x[s,m] = Σ_a part[s,a] Σ_{p=(i,m)} κ[s,i,m]·z[a,p] (plan/effects.py). The item's level per
    actor is written once; the scenarios differ only in the sparse x rows."""
    assert inp.q_items is not None
    kappa = inp.kappa_array()
    actors, _, _, _ = _labels(inp)
    scen, areas = list(inp.sur.scenarios), list(inp.sur.areas)
    n_a, n_s = len(actors), len(scen)
    part = inp.participation if inp.participation is not None else np.ones((n_s, n_a))
    item_i, area_i = np.nonzero(np.abs(inp.q_items).sum(axis=1) > 0)  # the (item, area) pairs in use
    n_p = len(item_i)
    z = m.add_variables("z", [("actor", actors), ("item_area", [f"{i}|{areas[a]}" for i, a in zip(item_i, area_i)])])
    q_p = inp.q_items[item_i, :, area_i].T  # (O, P)
    contrib = q_p[:, None, :] * inp.cat.in_service[:, :, -1][:, :, None]  # (O, T, P)
    actor, pair, y_cols, y_vals = _per_actor_year(v, contrib)
    m.add_rows(
        "actor_capability",
        z.coords_of(("actor", "item_area")),
        np.r_[np.arange(n_a * n_p), _rows_of((n_a, n_p), (actor, pair)).ravel()],  # +z, then −q_i·y
        np.r_[z.index.ravel(), y_cols.ravel()],
        np.r_[np.ones(n_a * n_p), -y_vals.ravel()],
        "=",
        0.0,
    )
    x = m.add_variables("x", [("scenario", scen), ("area", areas)])
    s_i, p_i, a_i = np.meshgrid(np.arange(n_s), np.arange(n_p), np.arange(n_a), indexing="ij")  # (S, P, A)
    coef = part[s_i, a_i] * kappa[s_i, item_i[p_i], area_i[p_i]]
    m.add_rows(
        "capability",
        [("scenario", scen), ("area", areas)],
        np.r_[np.arange(len(scen) * len(areas)), (s_i * len(areas) + area_i[p_i]).ravel()],  # +x, then −part·κ·z
        np.r_[x.index.ravel(), z.index[a_i, p_i].ravel()],
        np.r_[np.ones(len(scen) * len(areas)), -coef.ravel()],
        "=",
        0.0,
    )
    v["x"], v["z"] = x, z


def _pieces(levels: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(slope, intercept) of the hypograph pieces of PWL curves ``values`` (..., K+1) on ``levels``: the K
    segments' affine extensions, then the cap at the last value (slope 0)."""
    sl = np.diff(values, axis=-1) / np.diff(levels)
    slope = np.concatenate([sl, np.zeros(values.shape[:-1] + (1,))], axis=-1)
    intercept = np.concatenate([values[..., :-1] - sl * levels[:-1], values[..., -1:]], axis=-1)
    return slope, intercept


def surrogate_pieces(sur: Surrogate) -> tuple[np.ndarray, np.ndarray]:
    """(slope, intercept) of every hypograph piece, shape (scenario, area, piece): the segments, then the cap."""
    values = np.array([[sur.values[s][a] for a in sur.areas] for s in sur.scenarios], dtype=float)
    return _pieces(np.asarray(sur.levels, dtype=float), values.reshape(len(sur.scenarios), len(sur.areas), -1))


def pair_pieces(sur: Surrogate) -> tuple[np.ndarray, np.ndarray]:
    """(slope, intercept) of every pair's hypograph piece, shape (scenario, pair, piece)."""
    values = np.array([[sur.pair_curve(s, p) for p in sur.pairs] for s in sur.scenarios], dtype=float)
    return _pieces(np.asarray(sur.pair_levels, dtype=float), values.reshape(len(sur.scenarios), len(sur.pairs), -1))


def _hypograph_rows(
    m: SparseModel,
    name: str,
    coords: Sequence[tuple[str, Sequence[object]]],
    gain: Block,
    level: Block,
    slope: np.ndarray,
    icpt: np.ndarray,
) -> None:
    """gain ≤ intercept_k + slope_k · level for every piece k (rows over ``coords`` + piece)."""
    n_s, n_m, n_k = slope.shape
    rows = np.arange(n_s * n_m * n_k).reshape(n_s, n_m, n_k)
    m.add_rows(
        name,
        [*coords, ("piece", list(range(n_k)))],
        np.r_[rows.ravel(), rows.ravel()],  # +gain first, then −slope·level
        np.r_[np.repeat(gain.index.ravel(), n_k), np.repeat(level.index.ravel(), n_k)],
        np.r_[np.ones(rows.size), -slope.ravel()],
        "<=",
        icpt,
    )


def define_surrogate_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Hypograph of each area's concave piece, capped at its last breakpoint (and of each pair's, through
    :func:`define_interaction_constraints`); d_s ≤ b_s + Σ_m h[s,m] + Σ_p hp[s,p], d_s ≤ 1.

    For breakpoints l_k with values g_k: h ≤ g_k + slope_k (x − l_k) for every segment k, and
    h ≤ g_K (no credit beyond the fitted range).
    """
    sur = inp.sur
    scen, areas = list(sur.scenarios), list(sur.areas)
    slope, intercept = surrogate_pieces(sur)
    n_s = len(scen)
    h = m.add_variables("h", [("scenario", scen), ("area", areas)])
    _hypograph_rows(m, "surrogate_piece", [("scenario", scen), ("area", areas)], h, v["x"], slope, intercept)
    v["h"] = h
    gains = [h.index]  # (S, M), then the pairs' (S, P)
    if sur.pairs:
        define_interaction_constraints(m, v, inp)
        gains.append(v["hp"].index)
    d = m.add_variables("d", [("scenario", scen)], upper=1.0)
    base = np.array([sur.base[s] for s in scen])
    g_cols = np.concatenate(gains, axis=1)  # (S, M + P): by area, then by pair
    m.add_rows(
        "deterrence",
        [("scenario", scen)],
        np.r_[np.arange(n_s), np.repeat(np.arange(n_s), g_cols.shape[1])],  # +d first, then −gain by area, by pair
        np.r_[d.index, g_cols.ravel()],
        np.r_[np.ones(n_s), -np.ones(g_cols.size)],
        "<=",
        base,
    )
    v["d"] = d


def define_interaction_constraints(m: SparseModel, v: ModelParts, inp: PlanInputs) -> None:
    """Complementary pairs (i, j): w[s,p] ≤ x[s,i], w[s,p] ≤ x[s,j] and the hypograph hp[s,p] ≤ h_p's pieces at
    w[s,p]. Maximising d lifts w to min(x_i, x_j) and hp to h_p(min(x_i, x_j)) — exact, because h_p is concave
    and non-decreasing (docs/methodology/planning.md §3)."""
    sur = inp.sur
    scen = list(sur.scenarios)
    names = [pair_name(a, b) for a, b in sur.pairs]
    n_s, n_p = len(scen), len(names)
    coords = [("scenario", scen), ("pair", names)]
    w = m.add_variables("pair_level", coords)
    x = v["x"]
    for side in range(2):
        area = np.array([list(sur.areas).index(p[side]) for p in sur.pairs])
        rows = np.arange(n_s * n_p).reshape(n_s, n_p)
        m.add_rows(
            f"pair_level_{'first' if side == 0 else 'second'}",
            coords,
            np.r_[rows.ravel(), rows.ravel()],  # +w first, then −x of the pair's area
            np.r_[w.index.ravel(), x.index[:, area].ravel()],
            np.r_[np.ones(rows.size), -np.ones(rows.size)],
            "<=",
            0.0,
        )
    hp = m.add_variables("pair_gain", coords)
    slope, intercept = pair_pieces(sur)
    _hypograph_rows(m, "pair_piece", coords, hp, w, slope, intercept)
    v["w"], v["hp"] = w, hp


# ---------------------------------------------------------------------------------------------------- warm starts


def start_vector(m: SparseModel, v: ModelParts, inp: PlanInputs, choices: Sequence[tuple[str, str, int]]) -> np.ndarray:
    """A full column vector for a portfolio (actor, option, start year): the binaries it sets, and the
    continuous variables at the values the portfolio implies (levels, hypograph, deterrence). A portfolio
    with a start this model has no variable for is all NaN, which the solver's start check rejects."""
    cat, sur = inp.cat, inp.sur
    col = np.zeros(m.n_cols)
    y = v["y"]
    ysol = np.zeros(y.shape)
    for actor, oid, start in choices:
        if actor not in cat.actors or oid not in cat.option_ids:
            return np.full(m.n_cols, np.nan)  # from another catalogue: this start cannot be used
        a, o, t = cat.actors.index(actor), cat.index(oid), int(start) - 1
        if not 0 <= t < y.shape[2] or y.index[a, o, t] < 0:
            return np.full(m.n_cols, np.nan)  # not a variable of this model: this start cannot be used
        ysol[a, o, t] += 1.0
    col[y.index[y.index >= 0]] = ysol[y.index >= 0]
    if "u" in v:
        bought = ysol.sum(axis=(0, 2)) > 0.5  # (O,)
        col[v["u"].index] = [1.0 if bought[o] else 0.0 for o, _ in cat.exclusions]
    part = inp.participation if inp.participation is not None else np.ones((len(sur.scenarios), len(cat.actors)))
    if inp.effect_based() and inp.q_items is not None:  # effect-based: z by (actor, item-area pair)
        served = np.einsum("aot,ot->ao", ysol, cat.in_service[:, :, -1])  # purchases in service by the last year
        item_i, area_i = np.nonzero(np.abs(inp.q_items).sum(axis=1) > 0)
        z = served @ inp.q_items[item_i, :, area_i].T
        x = np.einsum("sa,ao,som->sm", part, served, inp.scenario_q())
    else:
        contrib = inp.q[:, None, :] * cat.in_service[:, :, -1][:, :, None]
        z = np.einsum("aot,otm->am", ysol, contrib)
        x = part @ z
    slope, intercept = surrogate_pieces(sur)
    h = np.maximum(0.0, (intercept + slope * x[:, :, None]).min(axis=2))
    base = np.array([sur.base[s] for s in sur.scenarios])
    blocks = [(v["z"], z), (v["x"], x), (v["h"], h)]
    gain = h.sum(axis=1)
    if sur.pairs:
        first = [list(sur.areas).index(a) for a, _ in sur.pairs]
        second = [list(sur.areas).index(b) for _, b in sur.pairs]
        w = np.minimum(x[:, first], x[:, second])
        p_slope, p_icpt = pair_pieces(sur)
        hp = np.maximum(0.0, (p_icpt + p_slope * w[:, :, None]).min(axis=2))
        blocks += [(v["w"], w), (v["hp"], hp)]
        gain = gain + hp.sum(axis=1)
    d = np.clip(base + gain, 0.0, 1.0)
    for block, values in (*blocks, (v["d"], d)):
        col[block.index.ravel()] = values.ravel()
    return col


# ---------------------------------------------------------------------------------------------------- solve, extract


def solve(
    m: SparseModel,
    gap: float = 1e-4,
    time_limit_s: float = 60.0,
    starts: Sequence[np.ndarray] = (),
) -> tuple[str, str]:
    """Solve with HiGHS to a relative MIP gap; returns (status, condition) as linopy did: ("ok", "optimal"),
    ("ok", "time_limit") with a feasible plan, ("warning", "infeasible") and so on. ``starts`` are column
    vectors (:func:`start_vector`): the best feasible one is given to HiGHS as its first incumbent,
    infeasible ones are ignored. The certificate (objective, bound, gap) is kept on the model."""
    res = solve_model(m, gap=gap, time_limit_s=time_limit_s, starts=starts)
    return res.status, res.condition


def result_of(m: SparseModel) -> SolveResult:
    if m.result is None:
        raise RuntimeError("the model has not been solved")
    return m.result


def extract(m: SparseModel, v: ModelParts, inp: PlanInputs, status: tuple[str, str]) -> Plan:
    """Read the solution into a :class:`Plan`, with the solver's certificate."""
    cat = inp.cat
    res = result_of(m)
    ysol = m.value(v["y"]) > 0.5
    choices = [(cat.actors[a], cat.option_ids[o], int(t + 1)) for a, o, t in zip(*np.nonzero(ysol))]
    years = np.arange(1, cat.horizon_years + 1)
    spend = np.zeros((len(cat.actors), len(years)))
    people = np.zeros_like(spend)
    for a, o, t in zip(*np.nonzero(ysol)):
        spend[a] += cat.cost_musd[o, t]
        people[a] += cat.personnel[o] * cat.in_service[o, t]
    xs = m.value(v["x"])
    levels = {s: {a: float(xs[i, j]) for j, a in enumerate(inp.sur.areas)} for i, s in enumerate(inp.sur.scenarios)}
    det = {s: inp.sur.predict(s, levels[s]) for s in inp.sur.scenarios}
    w = _weights(inp)

    def frame(arr: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(arr, index=pd.Index(cat.actors, name="actor"), columns=pd.Index(years, name="year"))

    return Plan(
        status=status[1],
        objective=res.objective,
        choices=choices,
        spending_musd=frame(spend),
        personnel=frame(people),
        levels=levels,
        deterrence=det,
        weighted_deterrence=sum(w[s] * det[s] for s in det),
        total_cost_musd=float(spend.sum()),
        budget_slack_musd=frame(inp.budget_musd - spend),
        gap=res.gap,
        lifecycle_cost_musd=float(sum(cat.lifecycle_cost_musd[o, t] for _, o, t in zip(*np.nonzero(ysol)))),
        best_bound=res.best_bound,
        gap_target=res.gap_target,
        warm_start=res.warm_start,
        solve_s=res.solve_s,
    )
