"""Where many independent runs execute: in this process, on a local Dask cluster, or on any Dask cluster.

The API is two calls (used by sweeps and sensitivity designs, and open to other callers such as a job queue)::

    with open_client(scheduler=None, workers=0) as client:      # None: run in this process
        results = map_ordered(client, fn, items, progress, shared=big_object)

* :func:`open_client` — ``scheduler`` ``"tcp://host:port"``: connect to a running cluster (``dask scheduler`` and
  ``dask worker``, see docs/dask.md); else ``workers`` ≥ 1: start a local cluster of that many single-threaded
  worker processes, closed on exit; else (``workers=0``, the default) no cluster: ``client`` is None and
  :func:`map_ordered` runs the items one after the other here.
* :func:`map_ordered` — ``fn(shared, item)`` (or ``fn(item)`` without ``shared``) for every item, results in the
  order of ``items`` whatever order they finish in; ``progress(n)`` is called as ``n`` more items finish.
  ``shared`` is sent once to every worker (``Client.scatter``), not once per task.

Determinism contract: ``fn`` must be a pure module-level function of its arguments. Every random stream of a
task derives from seeds carried by the item (``numpy.random.SeedSequence`` of the master seed, design point
and replication block), never from the worker, the thread or the order of completion; so results are the same
in this process and at any number of workers, and a task that is retried (``retries``) repeats itself exactly.
Dask's local workers run one thread each with BLAS single-threaded (OPENBLAS_NUM_THREADS=1, Dask's default), and
so does this process's BLAS while a local cluster is open (threadpoolctl); the workers' own stack sampler is off.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import defaults
from ..model.errors import option_error
from ..plan import milp_cache
from ..sim import cache as sim_cache
from . import unit_cache

#: How long to wait for a scheduler given with ``--scheduler`` before reporting that it cannot be reached.
CONNECT_TIMEOUT_S = 10
#: Times Dask re-runs a task whose worker died (tasks are pure, so a retry gives the same numbers).
RETRIES = 2
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+$")


def check_cluster_options(scheduler: str | None, workers: int) -> None:
    """``--scheduler`` (an address) and ``--workers`` (0 to MAX_WORKERS) before any work; not both."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 <= workers <= defaults.MAX_WORKERS:
        raise option_error(
            "--workers",
            f"must be a whole number from 0 to {defaults.MAX_WORKERS}, got {workers}",
            "use 0 to run in this process, or e.g. --workers 2 for a local Dask cluster (results do not depend on it)",
        )
    if scheduler is None:
        return
    if not _ADDRESS.match(scheduler):
        raise option_error(
            "--scheduler",
            f"'{scheduler}' is not a Dask scheduler address",
            "give it as tcp://HOST:PORT, as `dask scheduler` prints it (see docs/dask.md)",
        )
    if workers:
        raise option_error(
            "--workers",
            "--workers starts a local cluster, and --scheduler names another one",
            "give one of them (the workers of a cluster given by --scheduler are started with `dask worker`)",
        )


def _probe(address: str) -> None:
    """Fail fast (OSError) when nothing listens at a tcp:// address, instead of Dask's retries until the timeout."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme != "tcp" or parts.hostname is None or parts.port is None:
        return
    with socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_TIMEOUT_S):
        pass


@contextmanager
def open_client(scheduler: str | None = None, workers: int = 0, *, processes: bool = True) -> Iterator[Any]:
    """A Dask ``Client`` for ``scheduler``, or for a local cluster of ``workers`` processes (threads with
    ``processes=False``), closed on exit; None (run in this process) when neither is given. An unreachable
    scheduler is an :class:`InputError` on ``--scheduler``."""
    check_cluster_options(scheduler, workers)
    if scheduler is None and workers == 0:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            _probe(scheduler)
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise option_error(
                "--scheduler",
                f"cannot reach a Dask scheduler at {scheduler} ({type(e).__name__}: {str(e).splitlines()[0][:160]})",
                "check the address and that `dask scheduler` is running there, or leave --scheduler out to run here",
            ) from None
        with client:
            yield client
        return
    import dask
    from threadpoolctl import threadpool_limits

    with (
        dask.config.set(
            {
                # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, so that glibc hands freed memory
                # back to the OS at once. The engine allocates and frees arrays of a few hundred kB every step, in
                # the worker's compute thread (a malloc arena of its own): each is then a fresh mapping, faulted in
                # and zeroed page by page. Measured (benchmarks/bench_malloc_trim.py): a thread simulating
                # taiwan_base and taiwan_blockade at 1,000 replications took 4.7 s with it, 2.4 s with glibc's own
                # (dynamic) thresholds, which the workers now keep, as any Python process does (decision 0015).
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                # the workers sample their own stacks every 10 ms for the dashboard's profile, which nobody reads
                # here; off, that CPU goes to the work
                "distributed.worker.profile.enabled": False,
            }
        ),  # the nannies pass both to the worker processes they start
        # this process only orchestrates while the workers compute: BLAS threads of its own (OpenBLAS starts
        # one per core and keeps them spinning between calls) would take cores from the workers
        threadpool_limits(limits=1, user_api="blas"),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",  # any free port: never a clash with a cluster already on 8787
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@contextmanager
def client_for(client: Any = None, scheduler: str | None = None, workers: int = 0) -> Iterator[Any]:
    """``client`` itself when a caller already holds one (left open), else :func:`open_client`'s."""
    if client is not None:
        yield client
        return
    with open_client(scheduler, workers) as opened:
        yield opened


def _apply(
    fn: Callable[..., Any],
    shared: Any,
    items: Sequence[Any],
    with_shared: bool,
    cache_dirs: tuple[Path | None, Path | None] = (None, None),
) -> list[Any]:
    """One task: ``fn`` over a chunk of items (module level, so that workers can unpickle it), with the caller's
    simulation and MILP caches (sim/cache.py, plan/milp_cache.py) active where it has them and this worker can
    reach those folders: the main job's second run then finds every simulation and solve its workers ran the
    first time."""
    dirs: list[Path | None] = []
    for directory in cache_dirs:
        try:
            if directory is not None:
                Path(directory).mkdir(parents=True, exist_ok=True)
        except OSError:  # a remote worker without that folder: it works without that cache
            directory = None
        dirs.append(directory)
    with sim_cache.activated(dirs[0]), milp_cache.activated(dirs[1]):
        return [fn(shared, item) if with_shared else fn(item) for item in items]


def _caches() -> tuple[Path | None, Path | None]:
    return sim_cache.active(), milp_cache.active()


def map_ordered(
    client: Any,
    fn: Callable[..., Any],
    items: Iterable[Any],
    progress: Callable[[int], None] | None = None,
    *,
    shared: Any = None,
    chunk: int = 1,
    weight: Callable[[Any], int] | None = None,
    cost: Callable[[Any], float] | None = None,
) -> list[Any]:
    """``fn`` applied to every item, in the order of ``items``, on ``client`` (None: here, one after the other).

    ``chunk`` items go to one task (for cheap functions); ``progress(n)`` follows the cluster's progress, ``n``
    counting items, or ``weight(item)`` units of work per item. With the unit cache active
    (services/unit_cache.py) an item whose result is stored is not run again. ``cost(item)``, an estimate of an
    item's run time, sets its task's priority on a cluster: the longest start first (longest-processing-time
    first), so that no long task is left to run alone at the end while the other workers wait."""
    items = list(items)
    count = weight or (lambda item: 1)
    keys = unit_cache.unit_keys(fn, shared, items) if unit_cache.active() is not None else None
    if keys is None:
        return _map_ordered(client, fn, items, progress, shared, chunk, count, cost)
    # the unit cache (services/unit_cache.py): run only the items without a stored result, in their order
    found = [unit_cache.load(k) for k in keys]
    missing = [i for i, (hit, _value) in enumerate(found) if not hit]
    if progress and len(missing) < len(items):
        progress(sum(count(item) for (hit, _v), item in zip(found, items) if hit))
    todo = [items[i] for i in missing]
    fresh = _map_ordered(client, fn, todo, progress, shared, chunk, count, cost) if missing else []
    out = [value for _hit, value in found]
    for i, value in zip(missing, fresh):
        unit_cache.store(keys[i], value)
        out[i] = value
    return out


def _map_ordered(
    client: Any,
    fn: Callable[..., Any],
    items: list[Any],
    progress: Callable[[int], None] | None,
    shared: Any,
    chunk: int,
    count: Callable[[Any], int],
    cost: Callable[[Any], float] | None = None,
) -> list[Any]:
    with_shared = shared is not None
    chunk = max(1, int(chunk))
    pieces = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    if client is None:  # here: the caller's simulation cache, if any, is already active
        out: list[Any] = []
        for piece in pieces:
            out.extend(_apply(fn, shared, piece, with_shared, _caches()))
            if progress:
                progress(sum(count(item) for item in piece))
        return out
    from distributed import as_completed

    handle = _scattered(client, shared) if with_shared else None
    run = uuid.uuid4().hex  # task names only: two maps on one cluster never share a result
    futures = [
        client.submit(
            _apply,
            fn,
            handle,
            piece,
            with_shared,
            _caches(),
            key=f"positivesum-{fn.__name__}-{run}-{i}",
            retries=RETRIES,
            priority=round(sum(cost(item) for item in piece)) if cost else 0,
        )
        for i, piece in enumerate(pieces)
    ]
    size = {f.key: sum(count(item) for item in piece) for f, piece in zip(futures, pieces)}
    try:
        for future in as_completed(futures, loop=client.loop):
            if future.status == "error":
                future.result()  # raises the task's exception here
            if progress:
                progress(size[future.key])
        results = client.gather(futures)
    finally:
        client.cancel(futures)
    return [value for piece in results for value in piece]


_SCATTER_LOCK = threading.Lock()


def _scattered(client: Any, shared: Any) -> Any:
    """The workers' copy of ``shared``, sent once per client: a map that passes the same object as the last (the
    surrogate's origin and design batches share their set-ups) reuses it. Broadcasting the set-ups to two idle
    workers took 0.25–0.65 s (``benchmarks/task_stream.py``) and about 1.2 s a map while they computed (a cProfile
    of ``compare-regimes``), on the critical path between two batches. The copies live as long as the client (a main job sends a few dozen, a few MB each); the object is
    kept referenced beside its handle, so that its ``id`` is not reused for another."""
    with _SCATTER_LOCK:
        sent: dict[int, tuple[Any, Any]] = client.__dict__.setdefault("_positivesum_scattered", {})
        entry = sent.get(id(shared))
        if entry is None:
            # in a list: one future for the whole object whatever its type (a dict would be scattered item by
            # item under its own keys, and two dicts with the same keys would overwrite each other)
            entry = sent[id(shared)] = (shared, client.scatter([shared], broadcast=True, hash=False)[0])
        return entry[1]


#: The ``cost`` of a task on the main job's critical path (a MILP the next stage waits for): above any
#: simulation's replication-days, so that it starts as soon as a worker is free while the other lanes' simulations
#: queue (docs/dask.md). Priorities order the tasks only; no result depends on them.
CRITICAL_PATH_COST = 1e12


def replication_days(ds: Any, scenario: str, reps: int) -> float:
    """A simulation's cost estimate in replication-days (the unit of every task's priority in the main job)."""
    return float(reps) * float(ds.scenarios[scenario].duration_days.value)


def _unit_cost(unit: Any) -> float:
    """An engine's estimate of a unit's cost (its ``cost``: replication-steps), where the unit states one."""
    return float(getattr(unit, "cost", 1.0))


def sim_map_on(client: Any) -> Callable[..., list[Any]]:
    """A map for the engines' independent simulations (plan/surrogate.py ``SimMap``): :func:`map_ordered` on
    ``client`` (None: in this process), progress counted by each unit's weight, ``shared`` sent once to each
    worker. The engines take it as an argument, so they never import this module (the layer contract)."""

    def sim_map(
        fn: Callable[..., Any],
        units: list[Any],
        progress: Callable[[int], None] | None = None,
        weight: Callable[[Any], int] | None = None,
        shared: Any = None,
    ) -> list[Any]:
        return map_ordered(client, fn, units, progress, shared=shared, weight=weight, cost=_unit_cost)

    # on a cluster the engines may run two independent batches at once (plan/workflow.py _run_side_by_side)
    setattr(sim_map, "concurrent", client is not None)  # noqa: B010 (an attribute of a function: mypy needs setattr)
    return sim_map
