"""Run several variants of one scenario as stacked blocks: the fixed cost of the step loop paid once per block.

A planning study simulates a scenario at dozens of allied force levels (the surrogate's design points, the
effect of each option) with the same replications and seed. Each such run used to be its own block, and at the
studies' replication counts (32–128 a run) most of a run's CPU was the Python around the compiled phases, paid
every step until the slowest replication was decided: the census of the main job (benchmarks/census_main_job.py)
put that fixed part at 56–62 % of all block CPU. Variants that differ only in their central counts and stocks
(sim/variants.py) can share a block instead: variant j takes rows ``j·n … (j+1)·n − 1``.

What a variant's replications see (decision record 0018):

* **Parameters**: the same outer draws as a run of that variant alone — replication k of every variant takes
  draw k (``uncertainty.sample``): common random numbers across the variants, as before.
* **Chance** (the draws during the steps): the block's generator, shared by all its rows. A variant's chance
  draws therefore depend on its place in the stack; they are as random as before, and as reproducible (the
  stack is a pure function of the set-ups in order, the replications and the seed), but not the numbers of a
  run alone. A stack of one *is* a run alone, bit for bit.
* **Compatibility**: variants are stacked only where everything but those four arrays is equal, including the
  target list each side prepared before the war (``fires.SideFires``: it ranks bases by the forces on them);
  the others are partitioned into stacks of their own (:func:`partition`), in the order given.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from . import cache, fires
from .campaign import run_block
from .runner import block_sizes, check_inner, merge_blocks
from .setup import BLUE, RED, CampaignSetup
from .state import block_constants
from .variants import VARIANT_GROUP_FIELDS, StackedRows

#: At most this many replications in one stacked block (variants of a longer run stack fewer to a block). The CPU
#: per replication falls steeply with the block up to about 512 and little or not at all beyond (taiwan_blockade,
#: four seeds: 635–741, 516–530, 555–580, 592–620 µs a replication at 256, 512, 1,024 and 2,048; taiwan_base and
#: taiwan_jp_restricted flat from 512; korea_contingency still falling, 122 → 81 µs from 512 to 2,048:
#: benchmarks/bench_stack.py). Past 512 a stack gains little and makes the tasks coarser for two workers.
STACK_REPS = 512


def _structure(s: CampaignSetup) -> bytes:
    """A canonical encoding of everything in ``s`` but the four variant arrays (sim/cache.py's encoder)."""
    blank = copy.copy(s)
    blank.groups = {d: copy.copy(g) for d, g in s.groups.items()}
    for g in blank.groups.values():
        for name in VARIANT_GROUP_FIELDS:
            setattr(g, name, np.zeros(0))
    blank.pools = copy.copy(s.pools)
    blank.pools.stock0 = np.zeros(0)
    return cache.encoded(blank)


def _shares_structure(a: CampaignSetup, b: CampaignSetup) -> bool:
    """Whether ``b`` is ``a`` but for the variant arrays, by identity of every other field (the copies that
    plan/levers.py makes share them): the quick test before the encoding."""
    if a is b:
        return True
    skip = {"groups", "pools"}
    if any(getattr(a, f) is not getattr(b, f) for f in vars(a) if f not in skip and not f.startswith("_")):
        return False
    if a.groups.keys() != b.groups.keys():
        return False
    for d, ga in a.groups.items():
        gb = b.groups[d]
        if any(getattr(ga, f) is not getattr(gb, f) for f in vars(ga) if f not in VARIANT_GROUP_FIELDS):
            return False
    return all(getattr(a.pools, f) is getattr(b.pools, f) for f in vars(a.pools) if f != "stock0")


def _targets(s: CampaignSetup, head: list[fires.SideFires]) -> tuple[tuple[int, ...], ...]:
    """The bases each side's target list holds in ``s`` (``fires.SideFires.target_list``, which depends on the
    forces on them), from the fires of a set-up of the same structure (``head``)."""
    static = block_constants(s)[1]
    return tuple(tuple(sf.target_list(s, static).tolist()) for sf in head)


def _fires(s: CampaignSetup) -> list[fires.SideFires]:
    maps, static, _ = block_constants(s)
    return [fires.SideFires(s, side, maps, static) for side in (BLUE, RED)]


def partition(setups: Sequence[CampaignSetup]) -> list[list[int]]:
    """Indices of ``setups`` in groups that may share a block, each group in the order given, the groups in the
    order of their first member."""
    # first by structure (everything but the four arrays), then by target lists within a structure
    structures: list[tuple[int, list[fires.SideFires], dict[tuple[tuple[int, ...], ...], list[int]]]] = []
    encodings: dict[int, bytes] = {}

    def encoding(i: int) -> bytes:
        if i not in encodings:
            encodings[i] = _structure(setups[i])
        return encodings[i]

    order: list[list[int]] = []  # the groups in the order of their first member
    for i, s in enumerate(setups):
        found = next(
            (
                entry
                for entry in structures
                if _shares_structure(setups[entry[0]], s) or encoding(entry[0]) == encoding(i)
            ),
            None,
        )
        if found is None:
            found = (i, _fires(s), {})
            structures.append(found)
        _, head_fires, by_targets = found
        targets = _targets(s, head_fires)
        if targets not in by_targets:
            by_targets[targets] = []
            order.append(by_targets[targets])
        by_targets[targets].append(i)
    return order


def simulate_stack(
    setups: Sequence[CampaignSetup], reps: int, seed: int, *, sample_parameters: bool = True
) -> list[dict[str, np.ndarray]]:
    """The per-replication arrays (as :func:`runner.simulate_arrays` returns them, untraced) of every set-up in
    ``setups``, each simulated ``reps`` times with ``seed``, compatible ones stacked into shared blocks.

    Block b of every variant uses generator b spawned from ``SeedSequence(seed)`` (runner.py's contract); the
    variants of a compatible group are cut into stacks of at most :data:`STACK_REPS` replications, in order."""
    if reps < 1:
        raise ValueError("reps must be at least 1")
    if not setups:
        return []
    key = cache.key(("stack", list(setups)), reps, seed, sample_parameters, False) if cache.active() else None
    hit = cache.load(key) if key is not None else None
    if hit is not None:
        return _unpack(hit[0], len(setups))
    sizes = block_sizes(reps)
    seqs = np.random.SeedSequence(seed).spawn(len(sizes))
    parts: list[list[dict[str, np.ndarray]]] = [[] for _ in setups]
    groups = partition(setups) if len(setups) > 1 else [[0]]
    for n, seq in zip(sizes, seqs):
        per_block = max(1, STACK_REPS // n)
        for members in groups:
            for start in range(0, len(members), per_block):
                chunk = members[start : start + per_block]
                head = setups[chunk[0]]
                rows = StackedRows.of([setups[i] for i in chunk], n) if len(chunk) > 1 else None
                rng = np.random.Generator(np.random.PCG64(seq))
                out = run_block(head, n * len(chunk), rng, None, sample_parameters, rows)
                for j, i in enumerate(chunk):
                    parts[i].append({k: v[j * n : (j + 1) * n] for k, v in out.items()})
    merged = [merge_blocks(p, sizes, check_inner(s)) for p, s in zip(parts, setups)]
    if key is not None:
        cache.store(key, _pack(merged), {})
    return merged


def _pack(merged: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {f"{j}:{name}": v for j, arrays in enumerate(merged) for name, v in arrays.items()}


def _unpack(packed: dict[str, np.ndarray], count: int) -> list[dict[str, np.ndarray]]:
    out: list[dict[str, np.ndarray]] = [{} for _ in range(count)]
    for name, v in packed.items():
        j, key = name.split(":", 1)
        out[int(j)][key] = v
    return out
