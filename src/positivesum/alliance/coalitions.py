"""Coalition values from the planner: v(S) = the deterrence coalition S reaches on its own.

A coalition S of allies (the players) plans jointly with its members' budgets and
options, and fights with its members' forces and bases only (docs/methodology/alliance.md §3):

* every scenario loses the allied participants that are not in S, with their reinforcements;
* a non-member host grants no access to its bases (basing access is an in-kind contribution:
  Japan brings Kadena, Yokosuka and Misawa to any coalition it joins);
* if the intervening actor (the United States by default) is not in S, it does not intervene;
* S's portfolio is the joint-planning MILP restricted to S's money, options and participation
  (the full alliance's surrogate guides the choice), and is then verified by simulation in the
  coalition's own scenarios. v(S) is that simulated, scenario-weighted deterrence.

Actors that are not players (Taiwan's own forces, say) keep fighting in every coalition's
scenarios. The empty coalition's deterrence D(∅) is what they achieve without any player;
the game is v(S) = D(S) − D(∅), so v(∅) = 0 and every share is deterrence *added* by the players.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from ..games.bootstrap import Stratum
from ..model.loader import LoadedDataset, validate_tree
from ..plan.allocation import ScenarioRuns
from ..plan.levers import study_draw_ids
from ..plan.milp import Plan, PlanInputs
from ..plan.regimes import RegimeSpec, plan_regime
from ..plan.surrogate import SimMap, fit_surrogate, serial_map
from ..plan.verify import verify_portfolio
from ..plan.workflow import participation, require_planning
from .feasibility import conditions_of, feasibility_table, not_fighting


def coalition_tree(
    raw: dict,
    players: list[str],
    members: frozenset[str],
    *,
    keep_access_of: frozenset[str] = frozenset(),
    apply_conditions: bool = True,
) -> dict:
    """A copy of the raw dataset in which the players outside ``members`` take no part.

    ``keep_access_of``: non-member hosts whose bases stay open as in the original scenario
    (used to price basing access on its own). With ``apply_conditions`` (the default) a member that cannot
    fight a scenario in this coalition (``planning.coalition_conditions``, alliance/feasibility.py) is treated
    in that scenario as a non-member: its forces stay out and its bases stay closed.
    """
    data = copy.deepcopy(raw)
    conditions = conditions_of(raw) if apply_conditions else []
    out_all = set(players) - set(members)
    for sid, sc in data.get("scenarios", {}).items():
        out = out_all | set(not_fighting(conditions, sid, members))
        closed = out - set(keep_access_of)
        parts = sc.get("participants", {})
        for actor in list(parts):
            if actor in out and parts[actor].get("side") == "blue":
                del parts[actor]
        sc["reinforcements"] = [r for r in sc.get("reinforcements", []) if r.get("actor") not in out]
        access = sc.setdefault("basing_access", {})
        for host in closed:
            access[host] = "denied"
        if sc.get("intervening_actor", "USA") in out:
            sc["us_intervention"] = "none"
        for base in data.get("bases", {}).values():
            if base.get("host") in closed:
                (base.get("access_exceptions") or {}).pop(sid, None)
    # A scenario nobody defends cannot be validated (or simulated): it is left out, and scored 0.
    undefended = [
        sid
        for sid, sc in data.get("scenarios", {}).items()
        if not any(p.get("side") == "blue" for p in sc.get("participants", {}).values())
    ]
    for sid in undefended:
        del data["scenarios"][sid]
    for base in data.get("bases", {}).values():
        if base.get("host") in out_all - set(keep_access_of):
            base["access_exceptions"] = {}
        for sid in undefended:
            (base.get("access_exceptions") or {}).pop(sid, None)
    return data


def coalition_inputs(
    inp: PlanInputs, actors: list[str], members: frozenset[str], conditions: list[dict] | None = None
) -> PlanInputs:
    """Planning inputs for a coalition: only its members' money, options and participation count; a member that
    cannot fight a scenario in this coalition (``conditions``, alliance/feasibility.py) does not take part in it."""
    mask = np.array([a in members for a in actors], dtype=bool)
    allowed = (inp.allowed if inp.allowed is not None else inp.cat.eligible) & mask[None, :]
    part = inp.participation if inp.participation is not None else np.ones((len(inp.sur.scenarios), len(actors)))
    if conditions:
        part = part.copy()
        for i, sid in enumerate(inp.sur.scenarios):
            for actor in not_fighting(conditions, sid, members):
                if actor in actors:
                    part[i, actors.index(actor)] = 0.0
    return replace(
        inp,
        allowed=allowed,
        budget_musd=inp.budget_musd * mask[:, None],
        participation=part * mask[None, :],
        required=[(a, o) for a, o in inp.required if mask[a]],
        pooled_budget=True,
    )


@dataclass
class CoalitionOutcome:
    """What one coalition plans and reaches."""

    members: frozenset[str]
    choices: list[tuple[str, str, int]]
    lifecycle_cost_musd: float
    by_scenario: dict[str, float]
    weighted_deterrence: float
    note: str = ""
    adopted_from: tuple[str, ...] | None = None
    rep_scores: dict[str, np.ndarray] = field(default_factory=dict)
    """Per scenario, the per-replication deterrence (common random numbers: replication r of every coalition
    uses the same streams), for bootstrap intervals."""
    not_fighting: dict[str, dict[str, str]] = field(default_factory=dict)
    """{scenario: {member: why}}: members that cannot fight a scenario in this coalition."""


@dataclass
class CoalitionStudy:
    """Every coalition's value, and how it was obtained."""

    players: list[str]
    outcomes: dict[frozenset, CoalitionOutcome]
    reps: int
    seed: int
    weights: dict[str, float]
    extra: dict[str, CoalitionOutcome] = field(default_factory=dict)
    runs: ScenarioRuns | None = None
    """Each scenario's replications and seed (plan/allocation.py; ``reps`` is then the nominal count): the
    scenarios are independent strata. None: every scenario at ``reps`` with ``seed``, replication r paired across
    scenarios."""

    def scenario_reps(self, scenario: str) -> int:
        """Replications of ``scenario`` (its allocated count, or ``reps``)."""
        return int(self.runs.reps.get(scenario, self.reps)) if self.runs is not None else int(self.reps)

    def strata(self, scenarios: list[str] | None = None) -> list[Stratum]:
        """Every weighted scenario as an independent stratum of v(S) = Σ_s w̃_s v_s(S): its normalised weight, the
        per-replication d_{S,s,r} − d_{∅,s,r} of every non-empty coalition, clustered by outer parameter draw."""
        keys = scenarios if scenarios is not None else list(self.weights)
        total = sum(self.weights.get(s, 0.0) for s in keys) or 1.0
        empty = self.outcomes[frozenset()].rep_scores
        out = []
        for s in keys:
            if self.weights.get(s, 0.0) <= 0:
                continue
            reps = {
                key: np.asarray(o.rep_scores[s], dtype=float) - np.asarray(empty[s], dtype=float)
                for key, o in self.outcomes.items()
                if key
            }
            out.append(Stratum(self.weights[s] / total, reps, study_draw_ids(self.scenario_reps(s))))
        return out

    def value(self, members) -> float:
        """v(S) = D(S) − D(∅): deterrence added over what the non-players achieve without any player."""
        return self.outcomes[frozenset(members)].weighted_deterrence - self.outcomes[frozenset()].weighted_deterrence

    def scenario_value(self, members, scenario: str) -> float:
        """v_s(S) = D_s(S) − D_s(∅) in one scenario."""
        return (
            self.outcomes[frozenset(members)].by_scenario[scenario] - self.outcomes[frozenset()].by_scenario[scenario]
        )

    def rep_values(self, scenarios: list[str] | None = None) -> dict[frozenset, np.ndarray]:
        """Per-replication v_r(S) = Σ_s w̃_s (d_{S,s,r} − d_{∅,s,r}) for every non-empty coalition (weights
        normalised over ``scenarios``, default all): the mean over r is v(S) (one scenario: v_s(S))."""
        keys = scenarios if scenarios is not None else list(self.weights)
        total = sum(self.weights.get(s, 0.0) for s in keys) or 1.0
        empty = self.outcomes[frozenset()].rep_scores
        out: dict[frozenset, np.ndarray] = {}
        for key, o in self.outcomes.items():
            if not key:
                continue
            out[key] = sum(
                (self.weights.get(s, 0.0) / total) * (np.asarray(o.rep_scores[s]) - np.asarray(empty[s])) for s in keys
            )
        return out


def simulate_coalition(
    ld: LoadedDataset,
    tree: dict,
    choices: list[tuple[str, str, int]],
    scenarios: list[str],
    weights: dict[str, float],
    threat_factor: float,
    reps: int,
    seed: int,
    stalemate_weight: float,
    horizon_years: int,
    rep_out: dict | None = None,
    runs: ScenarioRuns | None = None,
) -> tuple[dict[str, float], float]:
    """Deterrence per scenario and weighted, for a coalition's tree with its plan applied; a scenario the
    coalition's world no longer holds (nobody opposes the adversary) scores 0. ``rep_out[scenario]`` receives
    the per-replication scores (plan/deterrence.py RepScores). ``runs`` gives each scenario its own replications
    and seed (plan/allocation.py) instead of ``reps`` and ``seed``."""
    del horizon_years  # the planning horizon of the data applies (plan.verify.in_service)
    scored = verify_portfolio(
        ld,
        choices,
        scenarios,
        threat_factor=threat_factor,
        reps=reps,
        seed=seed,
        stalemate_weight=stalemate_weight,
        weights=weights,
        tree=tree,
        note=" (coalition plan)",
        rep_out=rep_out,
        runs=runs,
    )
    return {s: r["deterrence"] for s, r in scored["scenarios"].items()}, scored["weighted_deterrence"]


def _plan_for(
    inp: PlanInputs, actors: list[str], members: frozenset[str], gap: float, conditions: list[dict] | None = None
) -> Plan | None:
    sub = coalition_inputs(inp, actors, members, conditions)
    if sub.budget_musd.sum() <= 0 or (sub.allowed is not None and not sub.allowed.any()):  # allowed: always set
        return None
    return plan_regime(sub, RegimeSpec("joint"), gap)


def coalition_planning_inputs(ld: LoadedDataset, ctx, tree: dict, seed: int) -> PlanInputs:
    """Planning inputs with a surrogate fitted in the coalition's own scenarios (``refit_surrogates``).

    The options' levels (q) stay those of the full dataset, so a purchase means the same capital in
    every coalition; only the deterrence response (the surrogate) and participation are the coalition's."""
    ds = validate_tree(tree, ld.lines, files=list(ld.files)).dataset
    pp = require_planning(ds)
    scenarios = [s for s in ctx.scenarios if s in ds.scenarios]
    sur = fit_surrogate(
        ds,
        scenarios,
        list(ctx.inputs.sur.areas),
        reps=int(pp.surrogate_replications.value),
        seed=seed,
        stalemate_weight=pp.stalemate_weight.value,
        threat_factor=ctx.threat_factor,
    )
    return replace(
        ctx.inputs,
        sur=sur,
        weights={s: ctx.inputs.weights.get(s, 0.0) for s in scenarios},
        participation=participation(ds, scenarios, ctx.actors),
    )


def _choices(plan: Plan | None) -> list[tuple[str, str, int]]:
    return plan.choices if plan else []


@dataclass(frozen=True, eq=False)
class StudyShared:
    """What every job of a coalition study reads and none changes, sent once to each worker: the data and, for
    the jobs that plan (:class:`PlanJob`), the planning inputs, the actors, the gap and the feasibility rules."""

    ld: LoadedDataset
    inputs: PlanInputs | None = None
    actors: tuple[str, ...] = ()
    gap: float = 1e-3
    conditions: list[dict] | None = None


def _duration_days(entry: dict) -> float:
    """A scenario's campaign length in days from the data tree (a sourced quantity or a bare number)."""
    days = entry.get("duration_days", 0.0)
    return float(days.get("value", 0.0) if isinstance(days, dict) else days or 0.0)


@dataclass(frozen=True, eq=False)
class CoalitionJob:
    """One portfolio of one coalition to simulate in every scenario (independent of every other job); its
    coalition's world is ``tree``, the data's tree with the coalition's forces and access."""

    tree: dict
    choices: tuple[tuple[str, str, int], ...]
    scenarios: tuple[str, ...]
    weights: dict[str, float]
    threat_factor: float
    reps: int
    seed: int
    stalemate_weight: float
    horizon_years: int
    runs: ScenarioRuns | None = None
    """Each scenario's replications and seed (plan/allocation.py); None: ``reps`` and ``seed`` for all."""

    @property
    def cost(self) -> float:
        """Replication-days of the job's simulations: its task's priority on a cluster (the longest start first);
        no result depends on it."""
        scenarios = self.tree.get("scenarios", {})
        return sum(
            float(self.runs.reps.get(s, self.reps) if self.runs is not None else self.reps)
            * _duration_days(scenarios.get(s, {}))
            for s in self.scenarios
        )


@dataclass(frozen=True, eq=False)
class PlanJob:
    """One coalition's MILP, then its portfolio simulated in every scenario (:func:`plan_and_simulate`): the
    solves run beside the simulations on the cluster instead of one after the other before them."""

    members: frozenset[str]
    job: CoalitionJob  # its ``choices`` are replaced by the plan's

    @property
    def cost(self) -> float:
        """The simulations' replication-days (the MILP before them takes seconds): the task's priority."""
        return self.job.cost


def plan_and_simulate(
    shared: StudyShared, job: PlanJob
) -> tuple[Plan | None, tuple[dict[str, float], float, dict[str, np.ndarray]]]:
    """The coalition's plan and :func:`simulate_job` of it (module level, so that a Dask worker can run it)."""
    if shared.inputs is None:
        raise ValueError("a planning job needs the study's planning inputs")
    plan = _plan_for(shared.inputs, list(shared.actors), job.members, shared.gap, shared.conditions)
    return plan, simulate_job(shared, replace(job.job, choices=tuple(_choices(plan))))


def simulate_job(shared: StudyShared, job: CoalitionJob) -> tuple[dict[str, float], float, dict[str, np.ndarray]]:
    """Deterrence per scenario, weighted, and per replication (module level, so that a Dask worker can run it)."""
    reps_out: dict = {}
    by_s, total = simulate_coalition(
        shared.ld,
        job.tree,
        list(job.choices),
        list(job.scenarios),
        job.weights,
        job.threat_factor,
        job.reps,
        job.seed,
        job.stalemate_weight,
        job.horizon_years,
        reps_out,
        job.runs,
    )
    return by_s, total, {sid: r.deterrence for sid, r in reps_out.items()}


def study_coalitions(
    ld: LoadedDataset,
    ctx,
    players: list[str],
    *,
    reps: int,
    seed: int,
    gap: float = 1e-3,
    access_host: str | None = None,
    access_user: str | None = None,
    refit_surrogates: bool = False,
    progress=None,
    sim_map: SimMap = serial_map,
) -> CoalitionStudy:
    """Plan and simulate every coalition of ``players`` (2^n of them, the empty one included).

    With ``access_host``/``access_user`` (e.g. JPN/USA) one more case is run: the user alone with
    the host's bases open, which prices the host's basing access on its own. With
    ``refit_surrogates`` each coalition plans with a surrogate fitted in its own scenarios (exact
    guidance; one surrogate fit per coalition) instead of the full alliance's.

    Three steps: every coalition's MILP; every coalition's portfolio simulated, as one batch of independent jobs
    through ``sim_map`` (a Dask cluster in the services); then, size by size from two members up, the portfolios
    of each coalition's sub-coalitions, simulated in its world (one batch per size), of which it adopts any that
    simulation rates higher. Jobs depend only on their inputs, so the study does not depend on where they run.

    ``reps`` is the nominal count: each scenario is simulated at its share of it, the cost-optimal stratified
    allocation at the uniform design's worst-case precision, with a seed of its own derived from ``seed``
    (plan/allocation.py, decision record 0016), the same for every coalition (common random numbers): the
    scenarios are independent strata and the study's intervals are stratified (:meth:`CoalitionStudy.strata`).
    """
    ds = ld.dataset
    pp = require_planning(ds)
    horizon = int(pp.horizon_years.value)
    weights = {s: ds.scenarios[s].weight.value for s in ctx.scenarios}
    scenario_runs = ScenarioRuns.for_dataset(ds, list(ctx.scenarios), reps, seed)
    lam = pp.stalemate_weight.value
    outcomes: dict[frozenset, CoalitionOutcome] = {}
    conditions = conditions_of(ld.raw)
    shared = StudyShared(ld, ctx.inputs, tuple(ctx.actors), gap, conditions)
    trees: dict[tuple[frozenset, frozenset], dict] = {}

    def tree_of(members: frozenset, keep: frozenset = frozenset()) -> dict:
        if (members, keep) not in trees:
            trees[(members, keep)] = coalition_tree(ld.raw, players, members, keep_access_of=keep)
        return trees[(members, keep)]

    def job(members: frozenset, plan_choices, keep: frozenset = frozenset()) -> CoalitionJob:
        return CoalitionJob(
            tree_of(members, keep),
            tuple(plan_choices),
            tuple(ctx.scenarios),
            weights,
            ctx.threat_factor,
            reps,
            seed,
            lam,
            horizon,
            scenario_runs,
        )

    def simulated(members: frozenset, plan: Plan | None, keep: frozenset) -> float:
        return float(simulate_job(shared, job(members, _choices(plan), keep))[1])

    # 1. Every coalition's plan (with refit_surrogates, also the choice between two plans, by simulation) and
    # 2. its portfolio simulated.
    keys = [frozenset(c) for size in range(len(players) + 1) for c in combinations(players, size)]
    runs: list[tuple[frozenset, frozenset]] = [(key, frozenset()) for key in keys]
    if access_host and access_user and access_host in players and access_user in players:
        runs.append((frozenset([access_user]), frozenset([access_host])))
    plans: dict[frozenset, Plan | None] = {}
    notes: dict[frozenset, str] = {}
    if refit_surrogates:
        for key, keep in runs:
            if key in plans:
                continue
            plans[key] = _plan_for(ctx.inputs, ctx.actors, key, gap, conditions)
            if key:
                # Plan with the coalition's own surrogate; keep the full-alliance-guided plan if simulation rates it
                # higher (both surrogates are estimates; the simulation decides, with common random numbers).
                inputs = coalition_planning_inputs(ld, ctx, coalition_tree(ld.raw, players, key), seed)
                refit = _plan_for(inputs, ctx.actors, key, gap, conditions)
                if refit is not None and plans[key] is not None:
                    if simulated(key, refit, keep) >= simulated(key, plans[key], keep):
                        plans[key] = refit
                    else:
                        notes[key] = (
                            "kept the plan guided by the full alliance's surrogate, which simulation rates higher"
                        )
        # 2. Every coalition's own portfolio, simulated: one batch.
        own = sim_map(
            simulate_job, [job(key, _choices(plans[key]), keep) for key, keep in runs], progress, None, shared=shared
        )
        run_plans = [plans[key] for key, _keep in runs]
    else:
        # 1–2. Every coalition's MILP and its simulation as one job each, one batch (the solves run on the cluster
        # beside the simulations). The access case solves its user's MILP again: the same model, the same plan.
        planned = sim_map(
            plan_and_simulate, [PlanJob(key, job(key, (), keep)) for key, keep in runs], progress, None, shared=shared
        )
        own = [result for _plan, result in planned]
        run_plans = [plan for plan, _result in planned]
    extra = {}
    for (key, keep), plan, (by_s, total, rep_scores) in zip(runs, run_plans, own):
        outcome = CoalitionOutcome(
            key,
            plan.choices if plan else [],
            plan.lifecycle_cost_musd if plan else 0.0,
            by_s,
            total,
            notes.get(key) or ("" if plan else "no money or options of its own: existing forces only"),
            rep_scores=rep_scores,
            not_fighting=feasibility_table(conditions, ctx.scenarios, key),
        )
        if keep:
            extra["user_alone_with_host_bases"] = outcome
        else:
            outcomes[key] = outcome
    # 3. A coalition can always carry out any sub-coalition's portfolio (paid with a subset of its money), the empty
    # one included (buying nothing): where simulation rates a sub-coalition's portfolio higher in S's scenarios, S
    # adopts it. This keeps v monotone in the plans (up to simulation noise) although S's own MILP is only
    # surrogate-guided. Size by size, so that S sees its sub-coalitions' final portfolios.
    for size in range(1, len(players) + 1):
        tries: list[tuple[frozenset, CoalitionOutcome]] = []
        for key in (k for k in keys if len(k) == size):
            # a portfolio is its options *and* start years: the years decide which options are in service by the
            # plan's last year, and so what is simulated (two sub-portfolios with the same options can differ)
            tried = {frozenset(outcomes[key].choices)}
            for i in sorted(key):
                sub = outcomes[key - {i}]
                found = frozenset(sub.choices)
                if found not in tried:
                    tried.add(found)
                    tries.append((key, sub))
        results = sim_map(simulate_job, [job(key, sub.choices) for key, sub in tries], None, None, shared=shared)
        for (key, sub), (by_s, total, rep_scores) in zip(tries, results):
            best = outcomes[key]
            if total > best.weighted_deterrence + 1e-12:
                outcomes[key] = CoalitionOutcome(
                    key,
                    list(sub.choices),
                    sub.lifecycle_cost_musd,
                    by_s,
                    total,
                    f"adopted the portfolio of {'+'.join(sorted(sub.members))}, which simulation rates higher"
                    if sub.choices
                    else "bought nothing: simulation rates the existing forces higher than the coalition's plan",
                    tuple(sorted(sub.members)),
                    rep_scores=rep_scores,
                    not_fighting=best.not_fighting,
                )
    return CoalitionStudy(players, outcomes, reps, seed, weights, extra, scenario_runs)


def study_work(players: list[str], with_access: bool) -> int:
    """Steps of :func:`study_coalitions` (for progress bars)."""
    return 2 ** len(players) + (1 if with_access else 0)
