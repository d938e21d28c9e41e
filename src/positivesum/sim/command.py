"""Decision latency along command paths.

The initial-response latency of a component is the quickest way an order can
travel from its national authority to it: the sum of the decision latencies of
the nodes it passes (including the national node and the component) and the
latencies of the links between them. Computed with Dijkstra's algorithm
(scipy.sparse.csgraph), node costs folded into the incoming links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model.forces import CommandStructure


def component_latencies_hours(structure: CommandStructure) -> dict[str, float]:
    """Hours from each component's national authority to the component (``inf`` if unreachable)."""
    # imported here: SciPy's sparse module costs ~0.2 s, which every CLI start would otherwise pay
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    ids = list(structure.nodes)
    index = {n: i for i, n in enumerate(ids)}
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    for link in structure.links:
        if link.kind != "command" or link.from_hq not in index or link.to_hq not in index:
            continue
        # Cost of entering a node = link delay + the node's own decision time. A tiny
        # epsilon keeps zero-cost links as edges (csgraph treats 0 as "no edge").
        rows.append(index[link.from_hq])
        cols.append(index[link.to_hq])
        weights.append(link.latency_hours + structure.nodes[link.to_hq].decision_latency_hours.value + 1e-9)
    graph = csr_matrix((weights, (rows, cols)), shape=(len(ids), len(ids)))
    # one search from every national authority at once (the same distances as one call per root; a call costs
    # ~50 us of SciPy overhead, and the set-up of every simulation asks for these latencies)
    national = [index[r] for r, n in structure.nodes.items() if n.kind == "national"]
    dist = dijkstra(graph, directed=True, indices=national) if national else np.zeros((0, len(ids)))
    row_of = {r: k for k, r in enumerate(national)}
    out: dict[str, float] = {}
    for nid, node in structure.nodes.items():
        if node.kind != "component":
            continue
        roots = [index[r] for r, n in structure.nodes.items() if n.kind == "national" and n.actor == node.actor]
        best = np.inf
        for r in roots:
            best = min(best, dist[row_of[r], index[nid]] + structure.nodes[ids[r]].decision_latency_hours.value)
        out[nid] = float(round(best, 6)) if np.isfinite(best) else float("inf")
    return out
