"""A content-addressed cache of the services' independent units: one result per (function, shared input, item).

The main job sends several hundred independent units through :func:`.executor.map_ordered` — a portfolio
re-simulated in one scenario, a growth-margin bisection, a coalition's portfolio in every scenario, a command
structure's scores. The simulation cache (sim/cache.py) already makes their campaign runs free on a second run,
but a unit around them still rebuilds its dataset, re-validates a portfolio, rebuilds set-ups, hashes them, reads
their arrays back and recomputes the scores: about half a minute of the warm main job (issue 15). This cache keeps
the unit's result itself.

The key is a SHA-256 digest of the function (module and name), every ``.py`` file of the package and its packaged
data with its version (any change of code is a new key: a unit's result depends on the planner, the services and
the engine alike),
the shared input and the item, each walked canonically (:func:`digest`). A loaded dataset is digested by its
merged data (``LoadedDataset.data_hash``, what a result depends on); anything the walk does not know makes the
unit uncacheable, never keyed by identity. Results are written as ``.npz`` files (arrays, and a JSON document
describing the rest) read with ``allow_pickle=False``: the cache folder is data, never code. Classes are
rebuilt only if they are dataclasses of this package. A result the codec cannot represent is not cached.

Off unless :func:`activated` (the main job turns it on beside the simulation and MILP caches, in
``--cache-dir``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..model.loader import LoadedDataset
from ..plan import milp_cache
from ..sim import cache as sim_cache

_ACTIVE: ContextVar[Path | None] = ContextVar("positivesum_unit_cache", default=None)
_PACKAGE = "positivesum"


class Uncacheable(Exception):
    """An input the digest cannot walk, or a result the codec cannot write: the unit runs without the cache."""


def activated(directory: Path | None) -> AbstractContextManager[None]:
    """Use ``directory`` (created if needed) as the unit cache inside the ``with`` block; None: no cache."""
    return sim_cache.activated_in(_ACTIVE, directory)


def active() -> Path | None:
    """The activated cache directory, if any."""
    return _ACTIVE.get()


@contextmanager
def planning_caches(cache_dir: Path | None) -> Iterator[None]:
    """The MILP solutions and the independent units' results cached under ``cache_dir`` (``milps/``, ``units/``,
    the main job's layout) for `compare-regimes`, `fair-shares` and `intervention-matrix` run on their own: asking
    the same question again then solves and simulates nothing and gives identical numbers. Caches already active
    (the main job's) are kept. The simulation cache is left off: it holds every run's per-replication arrays (about
    1 GB for the main job), too much to leave in a working folder by default; the units around those runs are what
    a second run needs."""
    with ExitStack() as stack:
        if cache_dir is not None:
            if milp_cache.active() is None:
                stack.enter_context(milp_cache.activated(Path(cache_dir) / "milps"))
            if active() is None:
                stack.enter_context(activated(Path(cache_dir) / "units"))
        yield


@cache
def package_digest() -> str:
    """SHA-256 of every source file of the package, its packaged data (the default dataset: a unit that loads it
    by name, such as a calibration set, depends on it) and its version."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    files = [*root.rglob("*.py"), *(root / "data").rglob("*.yaml")]
    for path in sorted(files):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# --- the key --------------------------------------------------------------------------------------------------


def _feed(obj: Any, h: Any, memo: dict[int, bytes]) -> None:
    if isinstance(obj, LoadedDataset):  # by content: the merged data after overrides and --set values
        if id(obj) not in memo:
            memo[id(obj)] = obj.data_hash.encode()
        h.update(b"LD" + memo[id(obj)])
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise Uncacheable("an object array")
        h.update(b"A" + obj.dtype.str.encode() + repr(obj.shape).encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, np.random.SeedSequence):
        h.update(b"Q" + repr((obj.entropy, obj.spawn_key, obj.pool_size, obj.n_children_spawned)).encode())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(b"D" + type(obj).__module__.encode() + b"." + type(obj).__qualname__.encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            _feed(getattr(obj, f.name), h, memo)
    elif isinstance(obj, dict) and (text := _plain_json(obj)) is not None:
        h.update(b"J%d:" % len(text) + text)
    elif isinstance(obj, dict):
        h.update(b"M%d" % len(obj))
        for k in sorted(obj, key=repr):
            _feed(k, h, memo)
            _feed(obj[k], h, memo)
    elif isinstance(obj, (list, tuple)):
        h.update((b"L%d" if isinstance(obj, list) else b"T%d") % len(obj))
        for item in obj:
            _feed(item, h, memo)
    elif isinstance(obj, (set, frozenset)):
        h.update(b"S%d" % len(obj))
        for item in sorted(obj, key=repr):
            _feed(item, h, memo)
    elif hasattr(obj, "model_dump_json") and type(obj).__module__.startswith(_PACKAGE):  # a pydantic model of the data
        h.update(b"P" + type(obj).__qualname__.encode() + obj.model_dump_json().encode())
    elif isinstance(obj, (np.generic, int, float, str, bool, bytes)) or obj is None:
        h.update(b"V" + type(obj).__name__.encode() + repr(obj).encode())
    else:
        raise Uncacheable(f"cannot digest a {type(obj).__name__}")


def _plain_json(tree: dict) -> bytes | None:
    """Canonical JSON of a tree of plain data (string keys; lists; strings, numbers, booleans, None), or None for
    anything else. A coalition's data tree is a few hundred kB of such data: walked node by node above it took
    ~2 s of the main job's orchestrating process; the C encoder takes a few ms. The text is trusted only if it
    reads back equal to the tree: keys that are not strings (the encoder would turn 1 into "1"), tuples (it would
    write them as lists) and NaN (not equal to itself) fail that test and take the walk, so two different trees
    never share a text."""
    try:
        text = json.dumps(tree, sort_keys=True, separators=(",", ":"), allow_nan=False)  # ASCII: \u escapes
    except (TypeError, ValueError, RecursionError):
        return None
    return text.encode("ascii") if json.loads(text) == tree else None


def digest(*parts: Any) -> str:
    """Canonical SHA-256 of ``parts`` (raises :class:`Uncacheable` for a type it does not know)."""
    h = hashlib.sha256()
    memo: dict[int, bytes] = {}
    for part in parts:
        _feed(part, h, memo)
    return h.hexdigest()


def unit_keys(fn: Callable[..., Any], shared: Any, items: list[Any]) -> list[str] | None:
    """The key of every item, or None when any input cannot be digested (then nothing is cached)."""
    try:
        memo: dict[int, bytes] = {}
        base = hashlib.sha256(package_digest().encode())
        base.update(f"{fn.__module__}.{fn.__qualname__}".encode())
        _feed(shared, base, memo)
        keys = []
        for item in items:
            h = base.copy()
            _feed(item, h, memo)
            keys.append(h.hexdigest())
        return keys
    except (Uncacheable, RecursionError):
        return None


# --- the result codec -------------------------------------------------------------------------------------------


def _encode(obj: Any, arrays: list[np.ndarray]) -> Any:
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if type(obj) in (int, float):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise Uncacheable("an object array")
        arrays.append(obj)
        return {"$a": len(arrays) - 1}
    if isinstance(obj, np.generic):
        if obj.dtype == object:
            raise Uncacheable("an object scalar")
        arrays.append(np.asarray(obj))
        return {"$g": len(arrays) - 1}
    if isinstance(obj, list):
        return [_encode(v, arrays) for v in obj]
    if isinstance(obj, tuple):
        return {"$t": [_encode(v, arrays) for v in obj]}
    if isinstance(obj, dict):
        return {"$d": [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()]}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and type(obj).__module__.startswith(_PACKAGE):
        fields = {f.name: _encode(getattr(obj, f.name), arrays) for f in dataclasses.fields(obj) if f.init}
        return {"$c": f"{type(obj).__module__}:{type(obj).__qualname__}", "f": fields}
    raise Uncacheable(f"cannot store a {type(obj).__name__}")


def _class(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith(_PACKAGE + "."):
        raise ValueError(f"not a class of this package: {name}")
    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"not a dataclass: {name}")
    return cls


def _decode(obj: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(obj, list):
        return [_decode(v, arrays) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "$a" in obj:
        return arrays[obj["$a"]]
    if "$g" in obj:
        return arrays[obj["$g"]][()]
    if "$t" in obj:
        return tuple(_decode(v, arrays) for v in obj["$t"])
    if "$d" in obj:
        return {_decode(k, arrays): _decode(v, arrays) for k, v in obj["$d"]}
    if "$c" in obj:
        return _class(obj["$c"])(**{k: _decode(v, arrays) for k, v in obj["f"].items()})
    raise ValueError("unknown entry")


def _path(key: str) -> Path | None:
    directory = active()
    return None if directory is None else directory / f"unit-{key}.npz"


def load(key: str) -> tuple[bool, Any]:
    """(True, result) for a stored unit, else (False, None): no cache, no entry, or an unreadable one."""
    path = _path(key)
    if path is None or not path.exists():
        return False, None
    try:
        with np.load(path, allow_pickle=False) as z:
            doc = json.loads(bytes(z["doc"]).decode("utf-8"))
            arrays = [z[f"a{i}"] for i in range(int(doc["arrays"]))]
        return True, _decode(doc["value"], arrays)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError):
        return False, None


def store(key: str, value: Any) -> None:
    """Write one unit's result atomically; a result the codec cannot represent is left out."""
    path = _path(key)
    if path is None:
        return
    arrays: list[np.ndarray] = []
    try:
        doc = {"value": _encode(value, arrays), "arrays": 0}
    except (Uncacheable, RecursionError):
        return
    doc["arrays"] = len(arrays)
    text = json.dumps(doc, allow_nan=True).encode("utf-8")
    payload: dict[str, Any] = {"doc": np.frombuffer(text, dtype=np.uint8)}
    payload.update({f"a{i}": a for i, a in enumerate(arrays)})
    sim_cache.write_npz_atomic(path, payload)
