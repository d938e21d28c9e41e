"""A content-addressed cache of simulation results: the same set-up, replications, seed and engine code give
the same arrays, so they are computed once (issue 15: the main job asks for hundreds of simulations, many of
them repeated between runs while an analyst iterates on something else).

The key is a SHA-256 digest of everything the result depends on: every field of the :class:`CampaignSetup`
(the data after overrides, the scenario, the engine parameters — walked canonically, so the digest does not
depend on the process or on hash randomisation), the replications, the seed, whether parameters are sampled,
and the engine's own source code (every ``.py`` file of this package) with the package version. A change to any
of them is a different key: a stale result cannot be read back. Entries are ``.npz`` files written atomically
(temporary file, then rename) and read with ``allow_pickle=False``.

Off by default: nothing is read or written unless a directory is activated with :func:`activated` (the
services turn it on for the main job, with the user's ``--cache-dir``). Engines stay free of I/O otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from . import kernels

_ACTIVE: ContextVar[Path | None] = ContextVar("positivesum_sim_cache", default=None)

Arrays = dict[str, np.ndarray]


@contextmanager
def activated_in(var: ContextVar[Path | None], directory: Path | None) -> Iterator[None]:
    """Set ``var`` to ``directory`` (created if needed) inside the ``with`` block; None: no cache. Shared with the
    MILP cache (plan/milp_cache.py), which keeps its own variable."""
    if directory is not None:
        Path(directory).mkdir(parents=True, exist_ok=True)
    token = var.set(None if directory is None else Path(directory))
    try:
        yield
    finally:
        var.reset(token)


def activated(directory: Path | None) -> AbstractContextManager[None]:
    """Use ``directory`` (created if needed) as the simulation cache inside the ``with`` block; None: no cache."""
    return activated_in(_ACTIVE, directory)


def write_npz_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as ``.npz`` at ``path`` atomically (a temporary sibling, then a rename: a killed run leaves
    no partial entry)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def active() -> Path | None:
    """The activated cache directory, if any."""
    return _ACTIVE.get()


@cache
def code_digest() -> str:
    """SHA-256 of the engine's source files and the package version (a new engine never reads old results)."""
    from .. import __version__

    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*.py")):
        h.update(path.relative_to(here).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


_PLAIN = (int, float, str, bool, type(None))


def _plain(values: Any) -> bool:
    return all(type(v) in _PLAIN for v in values)


def _feed(obj: Any, h: Any) -> None:
    """Feed a canonical encoding of ``obj`` to the hash ``h`` (dataclasses, mappings, sequences, arrays, scalars).

    Sequences and mappings of plain Python scalars (the set-up's labels, parameters and their ranges) are fed as
    one ``repr`` each, and a pydantic model as its JSON: the same content as walking them item by item, in a
    few calls instead of thousands (a key is taken for every simulation the main job asks for)."""
    if type(obj) in (list, tuple) and _plain(obj):
        h.update((b"l" if type(obj) is list else b"t") + repr(obj).encode())
    elif type(obj) is dict and _plain(obj) and _plain(obj.values()):
        h.update(b"m" + repr(sorted(obj.items(), key=repr)).encode())
    elif isinstance(obj, np.ndarray):
        h.update(b"A" + obj.dtype.str.encode() + repr(obj.shape).encode())
        h.update(repr(obj.tolist()).encode() if obj.dtype.kind == "O" else np.ascontiguousarray(obj).tobytes())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(b"D" + type(obj).__name__.encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            _feed(getattr(obj, f.name), h)
    elif isinstance(obj, dict):
        h.update(b"M%d" % len(obj))
        for k in sorted(obj, key=repr):
            _feed(k, h)
            _feed(obj[k], h)
    elif isinstance(obj, (list, tuple)):
        h.update(b"L%d" % len(obj))
        for item in obj:
            _feed(item, h)
    elif isinstance(obj, (set, frozenset)):
        h.update(b"S%d" % len(obj))
        for item in sorted(obj, key=repr):
            _feed(item, h)
    elif hasattr(obj, "model_dump_json"):  # a pydantic model of the data (the scenario): its JSON form
        h.update(b"P" + type(obj).__name__.encode() + obj.model_dump_json().encode())
    elif isinstance(obj, (np.generic, int, float, str, bool, bytes)) or obj is None:
        h.update(b"V" + repr(obj).encode())
    else:  # anything else must say what it is, or it would be hashed by identity
        raise TypeError(f"cannot digest a {type(obj).__name__} in a campaign set-up")


def key(setup: Any, reps: int, seed: int, sample_parameters: bool, traced: bool = True) -> str:
    """The cache key of one simulation (an untraced run has its own key: its entry holds no trace)."""
    h = hashlib.sha256(code_digest().encode())
    h.update(b"reps=%d seed=%d sample=%d" % (reps, seed, int(sample_parameters)))
    if not traced:  # added only here, so that the keys of traced runs stay those of earlier caches
        h.update(b" untraced")
    # the compiled and the NumPy paths draw alike but may differ in the last bits of floating-point sums
    h.update(b"compiled=%d" % int(kernels.ENABLED))
    _feed(setup, h)
    return h.hexdigest()


def load(k: str) -> tuple[Arrays, Arrays] | None:
    """The cached per-replication arrays and trace of key ``k``, or None (no cache active, no entry, unreadable)."""
    directory = active()
    if directory is None:
        return None
    path = directory / f"sim-{k}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {name[2:]: z[name] for name in z.files if name.startswith("a/")}
            trace = {name[2:]: z[name] for name in z.files if name.startswith("t/")}
    except (OSError, ValueError, KeyError):
        return None
    return arrays, trace


def store(k: str, arrays: Arrays, trace: Arrays) -> None:
    """Write an entry atomically; arrays that cannot be stored without pickling leave the cache untouched."""
    directory = active()
    if directory is None or any(v.dtype == object for v in arrays.values()):
        return
    payload: dict[str, Any] = {f"a/{n}": v for n, v in arrays.items()}
    payload.update({f"t/{n}": v for n, v in trace.items()})
    write_npz_atomic(directory / f"sim-{k}.npz", payload)
