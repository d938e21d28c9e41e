"""The mutable state of one block of replications, and the helpers every phase shares.

Arrays have shape (replications, ...); per-group arrays are (R, K). Where a value is drawn in the outer
loop it is an (R,) or (R, K) array, else a float or a (K,) array (uncertainty.Draws). ``REP_FIELDS`` and
``REP_DICTS`` name the per-replication fields, so that decided replications are dropped (compacted) in one place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .groups import MOBILISATION, REINFORCEMENT
from .mechanics import FireMap, onehot, rowsum
from .setup import RED, CampaignSetup
from .timing import entry_days, group_days
from .uncertainty import Draws, col
from .variants import StackedRows

LANDING = ("invasion", "island_seizure")
SHIPS = ("surface", "amphibious")
NAVAL = ("surface", "amphibious", "subsurface")
_NO_LOGISTICS = np.zeros((1, 1))  # the logistics argument of the compiled launch demand of launchers


def cols_of(x: float | np.ndarray, cols: np.ndarray) -> float | np.ndarray:
    """Columns of a per-group attribute that may be a float, a (K,) or an (R, K) array."""
    if isinstance(x, np.ndarray):
        out: np.ndarray = x[..., cols]
        return out
    return x


class Static:
    """Per-block constants derived from the setup (group-to-base maps, masks)."""

    def __init__(self, s: CampaignSetup, maps: dict[str, dict[str, FireMap]]):
        held = [g.base for g in s.groups.values() if len(g)]
        self.in_play = np.unique(np.concatenate(held)).astype(np.int64) if held else np.zeros(0, dtype=np.int64)
        n_bases = len(s.bases)
        self.base_of = {d: onehot(g.base, n_bases)[:, self.in_play] for d, g in s.groups.items()}
        self.shelters = s.base_shelters[self.in_play]
        self.runways = s.base_runways[self.in_play]
        self.repair_days = s.base_repair_days[self.in_play]
        self.is_port = s.base_is_port[self.in_play].astype(float)
        self.armed = {d: {r: fm.armed for r, fm in roles.items()} for d, roles in maps.items()}
        eff = s.pools.eff["ship"]
        self.mean_ship_eff = float(eff[eff > 0].mean()) if (eff > 0).any() else 1.0
        self.anti_ship_reach = s.anti_ship_reach.astype(float)
        gi = s.fire_pairs["missile"]["anti_ship"][0]
        self.anti_ship_reach_by_side = {
            side: self.anti_ship_reach[s.groups["missile"].side[gi] == side] if len(gi) else self.anti_ship_reach
            for side in (0, 1)
        }
        self.port_base = {d: self.base_of[d] @ self.is_port for d in SHIPS}  # (K,) group is at a port
        self.side_cols = {d: {side: np.flatnonzero(g.side == side) for side in (0, 1)} for d, g in s.groups.items()}


Maps = dict[str, dict[str, FireMap]]
SideMaps = dict[tuple[str, str, int], FireMap]


def block_constants(s: CampaignSetup) -> tuple[Maps, Static, SideMaps]:
    """Fire maps and per-block constants of a setup, built once and kept on it: they depend only on which
    groups, pools and pairs exist, which callers that rescale a setup (counts, stocks) do not change."""
    cached: tuple[Maps, Static, SideMaps] | None = getattr(s, "_block_constants", None)
    if cached is not None:
        return cached
    maps = {
        d: {r: FireMap(gi, pi, len(s.groups[d]), len(s.pools.label)) for r, (gi, pi) in roles.items()}
        for d, roles in s.fire_pairs.items()
    }
    static = Static(s, maps)
    # the same pairs split by side: a phase run for one side touches only its own pairs
    side_maps: SideMaps = {}
    for d, roles in s.fire_pairs.items():
        for r, (gi, pi) in roles.items():
            for side in (0, 1):
                keep = s.groups[d].side[gi] == side if len(gi) else np.zeros(0, dtype=bool)
                side_maps[(d, r, side)] = FireMap(gi[keep], pi[keep], len(s.groups[d]), len(s.pools.label))
    out = (maps, static, side_maps)
    object.__setattr__(s, "_block_constants", out)
    return out


class Block:
    """State of one block of replications (see module docstring)."""

    def __init__(self, s: CampaignSetup, draws: Draws, stacked: StackedRows | None = None) -> None:
        self.s = s
        self.stacked = stacked
        reps = len(draws.outer)
        self.reps0 = reps
        self.P: dict[str, Any] = draws.params
        self.A = draws.attrs
        self.eff = draws.eff
        self.scalar = draws.scalar
        self.maps, self.static, self.side_maps = block_constants(s)
        self.index = np.arange(reps)
        self.outer = draws.outer
        self._timing(draws)
        n_bp = len(self.static.in_play)
        self.stock = np.broadcast_to(draws.stock0, (reps, len(s.pools.label))).copy()
        # pools that hold a stock at all (central values): only these can run out
        central_stock = s.pools.stock0 if stacked is None else stacked.stock0
        self.stock_held = np.broadcast_to(central_stock >= 1, self.stock.shape).copy()
        self.expended = np.zeros_like(self.stock)
        self.runout_day = np.full(self.stock.shape, np.nan)
        self.cut = np.zeros((reps, n_bp))
        self.log_damage = np.zeros((reps, n_bp))
        self.c2_nodes = s.c2_nodes
        self.c2_disabled = np.zeros((reps, len(s.actors)))
        self.lost = {d: np.zeros((reps, len(g))) for d, g in s.groups.items()}
        self.lost_on_ground = np.zeros((reps, len(s.groups["air"])))
        self.casualties = np.zeros((reps, len(s.actors)))
        self.actor_of = {d: onehot(g.actor, len(s.actors)) for d, g in s.groups.items()}
        self.port_logistics: dict[str, np.ndarray] = {d: np.ones((reps, len(s.groups[d]))) for d in NAVAL}
        self.land_based = {d: s.groups[d].attrs.get("at_sea", np.zeros(len(s.groups[d]))) == 0 for d in ("air", "isr")}
        g = s.groups["ground"]
        troops = self.A["ground"].get("troops", np.zeros(len(g)))
        self.troops = self.n["ground"] * troops
        self.troops_in = self.troops.copy()
        red_ground = g.side == RED
        red_now = rowsum(self.troops * red_ground)
        self.pending_red = rowsum(self.arr_count["ground"] * troops * red_ground)
        self.waiting = red_now.copy() if s.objective in LANDING else np.zeros(reps)
        self.ashore = red_now.copy() if s.objective == "land_offensive" else np.zeros(reps)
        if s.objective not in LANDING + ("land_offensive",):
            self.pending_red = np.zeros(reps)
        self.supply = np.zeros(reps)
        self.supply_ratio = np.ones(reps)
        self.held = np.zeros(reps)
        self.held_peak = np.zeros(reps)
        self.lines = np.zeros(reps)
        self.peak_ashore = self.ashore.copy()
        self.red_troops_lost = np.zeros(reps)
        self.contact_day = np.where(self.ashore > 0, 0.0, np.nan)
        self.blue_in_contact = np.zeros(reps)
        self.blue_peak = np.zeros(reps)
        self.blue_lost_ground = np.zeros(reps)
        self.ratio = np.ones(reps)
        self.g_ratio = np.zeros(reps)
        self.g_held = np.zeros(reps)
        self.g_ashore = np.zeros(reps)
        amph = s.groups["amphibious"]
        lift = np.where(amph.side == RED, 1.0, 0.0) * self.A["amphibious"].get("lift_troops", np.zeros(len(amph)))
        self.lift_weights = np.broadcast_to(lift, (reps, len(amph))).copy()
        total = self.n["amphibious"] + self.arr_count["amphibious"]
        self.lift0 = np.asarray(rowsum(total * self.lift_weights), dtype=float)
        self.lift_broken_day = np.full(reps, np.nan)
        # blockade
        n_c = len(s.commodities)
        self.rung = np.full(reps, s.escalation_start, dtype=np.int64)
        self.rung_max = self.rung.copy()
        self.stocks = (
            np.stack([self.scalar[f"stock_days:{c}"] for c in s.commodities], axis=1) if n_c else np.zeros((reps, 0))
        )
        self.elec_share = (
            np.stack([self.scalar[f"electricity_share:{c}"] for c in s.commodities], axis=1)
            if n_c
            else np.zeros((reps, 0))
        )
        self.commodity_runout = np.full((reps, n_c), np.nan)
        self.willingness = np.ones(reps)
        self.throughput = np.ones(reps)
        self.throughput_sum = np.zeros(reps)
        self.throughput_ema = np.zeros(reps)
        self.g_throughput = np.zeros(reps)
        self.shortfall = np.zeros(reps)
        self.electricity = np.ones(reps)
        self.electricity_min = np.ones(reps)
        # outcome
        self.outcome = np.zeros(reps, dtype=np.int8)
        self.grade = np.zeros(reps, dtype=np.int8)
        self.decided_day = np.full(reps, np.nan)
        self.final: dict[str, np.ndarray] = {}
        self.frozen: dict[str, float] = {}
        self.live = np.ones((reps, 1))
        self.act: dict[str, np.ndarray] = {}
        self.det: dict[int, np.ndarray] = {}
        self.track: dict[int, np.ndarray] = {}
        self.c2_share: dict[int, np.ndarray] = {}
        self.air_control: dict[int, np.ndarray] = {0: np.full(reps, 0.5), 1: np.full(reps, 0.5)}
        self.demand_cache: dict[tuple[str, str, int], np.ndarray] = {}
        #: per-block invariants of the step loop (functions of the setup and the block's draws only), computed at
        #: first use; emptied when the block is compacted, since they have a row per replication
        self.inv: dict[Any, Any] = {}
        self.sea: dict[str, np.ndarray] = {}
        self.in_port: dict[str, np.ndarray] = {}
        # set by campaign.run_block: the step's day, drawn scalars and air constants, the force ashore before combat
        self.day = 0.0
        self.depth = np.ones(reps)
        self.objective_troops = np.zeros(reps)
        self.aa_share: np.ndarray = np.zeros(0)
        self.range_factor: np.ndarray = np.zeros(0)
        self.ashore_before = np.zeros(reps)

    # --- timing: per-replication counts, arrivals and activation ------------------------------------------
    def _timing(self, draws: Draws) -> None:
        s = self.s
        t = s.timing
        reps = len(draws.outer)
        warning = draws.scalar["warning_days"]
        acted = np.broadcast_to(np.asarray(self.P["warning_acted_on_share"], dtype=float), (reps,))
        entry = entry_days(t, warning, acted, draws.per_actor["decision_delay"], draws.per_actor["entry_day"])
        para = draws.per_actor["paralysis"]
        mob = draws.scalar["mobilisation_days"]
        concealed = draws.scalar["concealed_days"]
        commit = draws.per_actor["commitment"]
        commit0 = s.ranges.per_actor["commitment"][1]
        commit_factor = np.where(commit0 > 0, commit / np.where(commit0 > 0, commit0, 1.0), 1.0)
        self.entry = entry
        self.n: dict[str, np.ndarray] = {}
        self.arr_count: dict[str, np.ndarray] = {}
        self.arr_step: dict[str, np.ndarray] = {}
        self.active_step: dict[str, np.ndarray] = {}
        dt = s.dt_days
        for d, g in s.groups.items():
            k = len(g)
            if k == 0:
                for store in (self.n, self.arr_count, self.active_step):
                    store[d] = np.zeros((reps, 0))
                self.arr_step[d] = np.zeros((reps, 0), dtype=np.int64)
                continue
            active, arrival, ready = group_days(g, entry, para, warning, mob, concealed)
            home = g.arrival_kind != REINFORCEMENT
            factor = draws.count_factor[d] * np.where(home, commit_factor[:, g.actor], 1.0)
            central = g.total if self.stacked is None else self.stacked.total[d]
            total = np.round(np.broadcast_to(central, (reps, k)) * factor)
            reinf = g.arrival_kind == REINFORCEMENT
            later = (reinf & (arrival > 0)) | ((g.arrival_kind == MOBILISATION) & (ready < 1))
            present = np.where(g.arrival_kind == MOBILISATION, np.round(total * ready), np.where(later, 0.0, total))
            self.n[d] = present
            self.arr_count[d] = total - present
            self.arr_step[d] = np.where(self.arr_count[d] > 0, np.ceil(np.maximum(arrival, 0.0) / dt - 1e-9), 0).astype(
                np.int64
            )
            # the central active step may have been moved by the caller (the planner's C2 lever): keep the offset
            moved = g.active_step if self.stacked is None else self.stacked.active_step[d]
            offset = moved - np.ceil(g.active_day / dt - 1e-9).astype(np.int64)
            self.active_step[d] = np.maximum(0, np.ceil(active / dt - 1e-9).astype(np.int64) + offset)
        self.arrival_steps = {d: set(np.unique(self.arr_step[d][self.arr_count[d] > 0]).tolist()) for d in s.groups}

    # --- helpers used by the phases ------------------------------------------------------------------------
    def launch_demand(self, domain: str, role: str, shooter: int) -> np.ndarray:
        """Rounds that launchers of one domain want to fire this step (one salvo of launch_cells a day),
        from the launchers present at the start of the step (cached for the step)."""
        key = (domain, role, shooter)
        cached = self.demand_cache.get(key)
        if cached is None:
            cached = self.demand_cache[key] = self._launch_demand(domain, role, shooter)
        return cached

    def _launch_demand(self, domain: str, role: str, shooter: int) -> np.ndarray:
        plans = self.inv.get("salvo_plans")
        if plans is None:  # per block (emptied with ``inv`` when the block is compacted)
            plans = self.inv["salvo_plans"] = {}
        key = (domain, role, shooter)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = self._salvo_plan(domain, role, shooter)
        rate, full = plan
        n = self.n[domain]
        if rate is None:  # no launch cells, or no groups
            return np.zeros(n.shape)
        if full is not None:  # the same products in the same order, in one compiled pass (kernels.launch_demand)
            live = self.live.reshape(-1)
            if domain == "missile":
                out: np.ndarray = kernels._launch_demand(n, full, self.act[domain], _NO_LOGISTICS, False, live)
                return out
            return kernels._launch_demand(n, full, self.act[domain], self.port_logistics[domain], True, live)
        # in place on one fresh array: the same products in the same order, without three temporaries
        out = n * rate
        out *= self.act[domain]
        if domain != "missile":
            out *= self.port_logistics[domain]
        out *= self.live
        return out

    def _salvo_plan(self, domain: str, role: str, shooter: int) -> tuple[Any, np.ndarray | None]:
        """Rounds per launcher and step of one domain, role and side, before the step's state (the same every step
        of a block), and the same as a contiguous (R, K) array where the compiled product is taken (else None);
        (None, None) where the domain has no launch cells or no groups."""
        s = self.s
        g = s.groups[domain]
        cells = self.A[domain].get("launch_cells")
        if cells is None or len(g) == 0:
            return None, None
        armed = self.static.armed[domain][role] & (g.side == shooter)
        # launch_cells is one salvo: ships fire it once per rearm cycle (slower when their ports' logistics are
        # damaged), launchers reload on the spot; a launcher armed for several roles splits its salvos
        if domain == "missile":
            per_day = col(self.P["launcher_salvos_per_day"])
        else:
            cycle_days = col(self.P["naval_rearm_days"]) + g.rearm_transit_days  # turnaround + the haul to port
            per_day = 1.0 / np.maximum(cycle_days, 1e-9)
        rate = cells * s.role_share[domain][role] * per_day * s.dt_days * armed
        shape = self.n[domain].shape
        if not kernels.use(self.n[domain]):
            return rate, None
        return rate, np.broadcast_to(rate, shape).copy()

    def eff_of(self, kind: str, pool_idx: np.ndarray) -> np.ndarray:
        """Effectiveness of the pools of some pairs against a kind of target: (J,) or (R, J) where drawn."""
        e = self.eff[kind]
        out: np.ndarray = e[:, pool_idx] if e.ndim == 2 else e[pool_idx]
        return out

    def intercept(self, fm: FireMap, want: np.ndarray) -> np.ndarray:
        """Interceptors fired per group: from munition stocks where the group has any, unlimited otherwise (guns)."""
        fired = fm.to_groups(fm.fire(want * fm.armed, self.stock, self.expended)) if len(fm) else np.zeros_like(want)
        total: np.ndarray = fired + want * ~fm.armed
        return total

    def parked(self, side: int) -> np.ndarray:
        """(R, Bp) aircraft of one side on the ground at land bases: combat and ISR."""
        out = np.zeros((self.stock.shape[0], len(self.static.in_play)))
        for d in ("air", "isr"):
            g = self.s.groups[d]
            out += (self.n[d] * ((g.side == side) & self.land_based[d])) @ self.static.base_of[d]
        return out

    def ground_in_contact(self, side: int) -> np.ndarray:
        """(R,) ground troops of a side in contact: the defenders facing the attack, or the attacker ashore."""
        if side == RED:
            out: np.ndarray = self.ashore.copy()
            return out
        return self.blue_in_contact

    def remove(self, domain: str, kills: np.ndarray) -> None:
        """Units lost (their crews' casualties are counted from the losses at the end: :meth:`casualties_total`)."""
        self.n[domain] -= kills
        self.lost[domain] += kills

    def casualties_total(self) -> np.ndarray:
        """(R, A) casualties: troops (counted as they fall) plus aircrew per aircraft and a share of each lost
        ship's crew."""
        out: np.ndarray = self.casualties.copy()
        for d in ("air", "isr"):
            out += (self.lost[d] @ self.actor_of[d]) * col(self.P["casualties_per_aircraft_lost"])
        frac = col(self.P["casualty_fraction_of_crew_per_ship_lost"])
        for d in NAVAL:
            crew = self.A[d].get("crew", np.zeros(self.lost[d].shape[1]))
            out += (self.lost[d] * crew * frac) @ self.actor_of[d]
        return out

    def troops_lost_at_sea(self, amph_kills: np.ndarray) -> None:
        lift = self.lift_weights
        lost = np.minimum(self.waiting, rowsum(amph_kills * lift) * self.P["loaded_fraction"])
        self.waiting = self.waiting - lost
        self.red_troops_lost = self.red_troops_lost + lost
        self.casualties[:, self.s.adversary_index] += lost


#: Per-replication attributes of a Block (first axis = replications), dropped together when compacting.
REP_FIELDS = (
    "index",
    "outer",
    "entry",
    "stock",
    "stock_held",
    "expended",
    "runout_day",
    "cut",
    "log_damage",
    "c2_disabled",
    "lost_on_ground",
    "casualties",
    "troops",
    "troops_in",
    "pending_red",
    "waiting",
    "ashore",
    "supply",
    "supply_ratio",
    "held",
    "held_peak",
    "lines",
    "peak_ashore",
    "red_troops_lost",
    "contact_day",
    "blue_lost_ground",
    "blue_peak",
    "ratio",
    "g_ratio",
    "g_held",
    "g_ashore",
    "lift0",
    "lift_broken_day",
    "rung",
    "rung_max",
    "stocks",
    "elec_share",
    "commodity_runout",
    "willingness",
    "throughput",
    "throughput_sum",
    "throughput_ema",
    "g_throughput",
    "shortfall",
    "electricity",
    "electricity_min",
    "outcome",
    "grade",
    "decided_day",
    "blue_in_contact",
    "live",
    "lift_weights",
)
#: Dicts of per-replication arrays (by domain).
REP_DICTS = ("n", "lost", "arr_count", "arr_step", "active_step")
