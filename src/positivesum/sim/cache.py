"""A content-addressed cache of simulation results: the same set-up, replications, seed and engine code give
the same arrays, so they are computed once (issue 15: the main job asks for hundreds of simulations, many of
them repeated between runs while an analyst iterates on something else).

The key is a SHA-256 digest of everything the result depends on: every field of the :class:`CampaignSetup`
(the data after overrides, the scenario, the engine parameters — walked canonically, so the digest does not
depend on the process, on hash randomisation, on object identity or on the order of a set), the replications,
the seed, whether parameters are sampled, and the engine's own source code (every ``.py`` file of this package)
with the package version. A change to any of them is a different key: a stale result cannot be read back.

The walk encodes each value with a type tag and a length or terminator (``_encode``), so that no two different
set-ups give the same byte string by concatenation; the bytes are joined and hashed once. A change of this
encoding changes this file, hence :func:`code_digest`, hence every key: old entries are never misread.

An entry is an ``.npz`` file (a zip, read with ``allow_pickle=False``) of two members however many arrays the
simulation returns: ``layout``, UTF-8 JSON naming each array with its dtype, shape and byte offset, and ``data``,
every array's bytes in one ``uint8`` buffer. Entries are written atomically (temporary file, then rename); a
file that is missing, damaged, truncated or in another layout (such as the earlier one member per array) reads
as a miss. Object arrays are never stored (they would need pickling).

Off by default: nothing is read or written unless a directory is activated with :func:`activated` (the
services turn it on for the main job, with the user's ``--cache-dir``). Engines stay free of I/O otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import operator
import os
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import cache
from itertools import chain
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


# --- the key ----------------------------------------------------------------------------------------------------
#
# A set-up is a tree of about a thousand nodes, most of them small arrays, and a key is taken for each of the
# ~1,560 simulations of the main job, so the walk is written for the interpreter's cost per node: one dict
# look-up on the exact type picks a handler (not a chain of isinstance tests), a dataclass's field names and
# getter are found once per class, a run of scalars (labels, parameters, ranges, a dict's keys) is packed in a
# few pieces, an array's header is formatted once per dtype and shape, and the pieces are collected in a list
# that is joined and hashed once. Every piece starts with a tag, and a piece of variable length gives its length
# or count first (or ends at a terminator its content cannot hold), so the bytes can be read back in one way
# only: different contents never give the same bytes by concatenation. Nothing is memoised per object: callers
# edit set-ups in place (the planner's levers), so every key reads the current content.

_Out = list[bytes]
_Handler = Callable[[Any, _Out], None]
_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact types: their repr is canonical and unambiguous
_STR, _FLOAT, _TUPLE = frozenset({str}), frozenset({float}), frozenset({tuple})
_ARRAY_HEADS: dict[tuple[np.dtype[Any], tuple[int, ...]], bytes] = {}  # of arrays of numbers, not of objects


def _encode(obj: Any, out: _Out) -> None:
    """Append a canonical, self-delimiting encoding of ``obj`` to ``out``."""
    (_HANDLERS.get(type(obj)) or _handler_for(type(obj)))(obj, out)


def encoded(obj: Any) -> bytes:
    """A canonical, self-delimiting encoding of ``obj``: equal for equal content (the cache keys hash it)."""
    out: _Out = []
    _encode(obj, out)
    return b"".join(out)


def _items(values: Any, out: _Out) -> None:
    """Encode ``values`` one after the other: :func:`_encode` inlined, with arrays of numbers handled in place
    (this loop, for sequences, dict values and dataclass fields, visits nearly every node)."""
    for v in values:
        if type(v) is np.ndarray and (head := _ARRAY_HEADS.get((v.dtype, v.shape))) is not None:
            out.append(head)
            out.append(v.tobytes())
        else:
            (_HANDLERS.get(type(v)) or _handler_for(type(v)))(v, out)


def _array(obj: np.ndarray, out: _Out) -> None:
    # dtype and shape fix the number of bytes that follow. Their header is kept per (dtype, shape): a set-up has
    # hundreds of arrays but few shapes, and formatting a header costs more than copying a small array's bytes.
    # tobytes (C order) copies, but the arrays are small: cheaper than asking whether a view would do.
    dtype, shape = obj.dtype, obj.shape
    tag = dtype.str if dtype.names is None else repr(dtype.descr)  # "<f8", "|b1"…; a structured one by its fields
    if dtype.hasobject:  # not the objects' addresses but the objects, walked like any other value (no header kept)
        out.append(f"O{tag}{shape!r};".encode())
        _encode(obj.tolist(), out)
        return
    head = _ARRAY_HEADS.get((dtype, shape))
    if head is None:
        head = f"A{tag}{shape!r};".encode()
        if len(_ARRAY_HEADS) > 10_000:  # bounded, for a long-lived process that meets many shapes
            _ARRAY_HEADS.clear()
        _ARRAY_HEADS[dtype, shape] = head
    out.append(head)
    out.append(obj.tobytes())


def _str(obj: str, out: _Out) -> None:
    data = obj.encode("utf-8", "surrogatepass")
    out.append(b"s%d:" % len(data))
    out.append(data)


def _scalar(obj: Any, out: _Out) -> None:  # int, float, bool, None: their repr holds no ";"
    out.append(b"v%s;" % repr(obj).encode())


def _sequence(obj: list[Any] | tuple[Any, ...], out: _Out) -> None:
    # A run of one kind of scalar, the common case, is packed in a few pieces: str (labels) joined by NULs,
    # floats by their bits (exact, and ~20 times faster than their repr), tuples of floats (the ranges) by their
    # lengths and bits, other plain scalars by the repr of the whole run. The second letter says which.
    kind = b"l" if isinstance(obj, list) else b"t"
    types = set(map(type, obj))
    if types <= _STR and "\0" not in (text := "\0".join(obj)):  # n strings, split at the n - 1 NULs
        data = text.encode("utf-8", "surrogatepass")
        out += (b"%sz%d:%d:" % (kind, len(obj), len(data)), data)
    elif types <= _FLOAT:
        out += (b"%sf%d:" % (kind, len(obj)), array("d", obj).tobytes())
    elif types <= _PLAIN:
        data = repr(obj).encode("utf-8", "surrogatepass")
        out += (b"%sr%d:" % (kind, len(data)), data)
    elif types <= _TUPLE and _FLOAT.issuperset(map(type, chain.from_iterable(obj))):
        lengths = array("q", map(len, obj))
        out += (b"%sp%d:" % (kind, len(obj)), lengths.tobytes(), array("d", chain.from_iterable(obj)).tobytes())
    else:
        out.append(b"%si%d[" % (kind, len(obj)))
        _items(obj, out)


def _dict(obj: dict[Any, Any], out: _Out) -> None:
    if _STR.issuperset(map(type, obj)):  # the usual case: str keys, which sort canonically among themselves
        keys = sorted(obj)
        out.append(b"M")  # then the keys as one list, the values as another (each says where it ends)
        _sequence(keys, out)
        _sequence([obj[k] for k in keys], out)
        return
    # other keys: in the order of their encodings (canonical, whatever the key types or insertion order)
    out.append(b"K%d{" % len(obj))
    for encoded_key, k in sorted(((encoded(k), k) for k in obj), key=operator.itemgetter(0)):
        out.append(encoded_key)
        _encode(obj[k], out)


def _set(obj: set[Any] | frozenset[Any], out: _Out) -> None:
    out.append(b"S%d{" % len(obj))
    out.extend(sorted(encoded(item) for item in obj))  # in the order of the encodings, not of the hashes


def _dataclass(cls: type) -> _Handler:
    names = tuple(f.name for f in dataclasses.fields(cls))
    head = f"D{cls.__module__}.{cls.__qualname__}({','.join(names)})".encode()
    get: Callable[[Any], tuple[Any, ...]]
    if len(names) > 1:  # one C call for all the values
        get = operator.attrgetter(*names)
    else:  # attrgetter of one name returns the value itself, not a tuple

        def get(obj: Any) -> tuple[Any, ...]:
            return tuple(getattr(obj, n) for n in names)

    def handler(obj: Any, out: _Out) -> None:
        out.append(head)  # the class and its field names, then the values in that order
        _items(get(obj), out)

    return handler


def _subclass(cls: type, base: _Handler) -> _Handler:
    head = f"C{cls.__module__}.{cls.__qualname__};".encode()

    def handler(obj: Any, out: _Out) -> None:  # a named tuple, an ordered dict…: its class, then its content
        out.append(head)
        base(obj, out)

    return handler


def _numpy_scalar(obj: np.generic, out: _Out) -> None:
    out.append(b"g%s;" % obj.dtype.str.encode())
    out.append(obj.tobytes())


def _pydantic(obj: Any, out: _Out) -> None:  # a model of the data (the scenario): its JSON form
    data = obj.model_dump_json().encode()
    out.append(b"P%s:%d:" % (type(obj).__qualname__.encode(), len(data)))
    out.append(data)


def _other_scalar(obj: Any, out: _Out) -> None:  # a subclass of str, int… (an enum member): its class and repr
    data = repr(obj).encode("utf-8", "surrogatepass")
    out.append(b"V%s.%s:%d:" % (type(obj).__module__.encode(), type(obj).__qualname__.encode(), len(data)))
    out.append(data)


def _bytes(obj: bytes, out: _Out) -> None:
    out.append(b"b%d:" % len(obj))
    out.append(obj)


_HANDLERS: dict[type, _Handler] = {
    str: _str,
    int: _scalar,
    float: _scalar,
    bool: _scalar,
    type(None): _scalar,
    bytes: _bytes,
    list: _sequence,
    tuple: _sequence,
    dict: _dict,
    set: _set,
    frozenset: _set,
    np.ndarray: _array,
}


def _handler_for(cls: type) -> _Handler:
    """The handler of a type the table does not hold yet (found once per type, then kept in the table)."""
    handler: _Handler
    if dataclasses.is_dataclass(cls):
        handler = _dataclass(cls)
    elif issubclass(cls, np.generic):
        handler = _numpy_scalar
    elif hasattr(cls, "model_dump_json"):
        handler = _pydantic
    elif base := next((b for b in (np.ndarray, list, tuple, dict, set, frozenset) if issubclass(cls, b)), None):
        handler = _subclass(cls, _HANDLERS[base])
    elif issubclass(cls, (str, int, float, bytes)):
        handler = _other_scalar
    else:  # anything else must say what it is, or it would be hashed by identity
        raise TypeError(f"cannot digest a {cls.__name__} in a campaign set-up")
    _HANDLERS[cls] = handler
    return handler


def key(setup: Any, reps: int, seed: int, sample_parameters: bool, traced: bool = True) -> str:
    """The cache key of one simulation (an untraced run has its own key: its entry holds no trace)."""
    h = hashlib.sha256(code_digest().encode())
    h.update(b"reps=%d seed=%d sample=%d" % (reps, seed, int(sample_parameters)))
    if not traced:
        h.update(b" untraced")
    # the compiled and the NumPy paths draw alike but may differ in the last bits of floating-point sums
    h.update(b"compiled=%d;" % int(kernels.ENABLED))
    h.update(encoded(setup))
    return h.hexdigest()


# --- the entries ------------------------------------------------------------------------------------------------
#
# One zip member per array (np.savez of the arrays themselves) means a zip header, a CRC and an ``.npy`` header
# to write and parse back for each of ~35 small arrays (~80 with a trace): that cost 3-4 times the I/O. Two
# members instead: ``layout``, UTF-8 JSON ``{"format", "arrays": [[name, dtype, shape, offset]…], "trace": […]}``,
# and ``data``, every array's bytes (C order) at its offset in one uint8 buffer. Still a plain ``.npz`` read with
# ``allow_pickle=False``, and the zip's CRC still catches a damaged buffer.

_FORMAT = "positivesum-sim-2"  # "format" of the layout record; a file without it (the earlier layout) is a miss
_ALIGN = 16  # offsets are multiples of this: each array's bytes start aligned for any numeric dtype


def load(k: str) -> tuple[Arrays, Arrays] | None:
    """The cached per-replication arrays and trace of key ``k``, or None (no cache active, no entry, unreadable)."""
    directory = active()
    if directory is None:
        return None
    try:
        # opened here, not by np.load: it leaks its handle when the file is a truncated zip
        with open(directory / f"sim-{k}.npz", "rb") as fh, np.load(fh, allow_pickle=False) as z:
            layout = json.loads(z["layout"].tobytes())
            data = z["data"]
        if layout["format"] != _FORMAT or data.dtype != np.uint8 or data.ndim != 1:
            return None
        arrays: Arrays = {}
        trace: Arrays = {}
        for group, records in ((arrays, layout["arrays"]), (trace, layout["trace"])):
            for name, dtype_str, shape, offset in records:
                dtype = np.dtype(dtype_str)
                size = math.prod(shape) * dtype.itemsize
                if dtype.hasobject or not 0 <= offset <= offset + size <= data.size:
                    return None
                # a copy, so that each array owns its memory (writeable, C order) as when it was computed,
                # rather than keeping the whole buffer alive for one of its arrays
                group[name] = data[offset : offset + size].view(dtype).reshape(shape).copy()
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile):
        return None  # missing, truncated, damaged, or not in this layout: simulate again
    return arrays, trace


def store(k: str, arrays: Arrays, trace: Arrays) -> None:
    """Write an entry atomically; arrays that cannot be stored without pickling leave the cache untouched."""
    directory = active()
    named = [*arrays.items(), *trace.items()]
    if directory is None or any(v.dtype.hasobject or v.dtype.names is not None for _, v in named):
        return  # objects would need pickling; a structured dtype does not survive ``dtype.str``: not cached
    records: list[list[Any]] = []
    end = 0
    for name, v in named:
        offset = -(-end // _ALIGN) * _ALIGN
        records.append([name, v.dtype.str, v.shape, offset])
        end = offset + v.nbytes
    data = np.zeros(end, dtype=np.uint8)  # zeros: the padding is not left uninitialised in the file
    for (_, v), (_, _, _, offset) in zip(named, records):
        data[offset : offset + v.nbytes] = np.ascontiguousarray(v).reshape(-1).view(np.uint8)
    layout = {"format": _FORMAT, "arrays": records[: len(arrays)], "trace": records[len(arrays) :]}
    text = json.dumps(layout).encode()
    write_npz_atomic(directory / f"sim-{k}.npz", {"layout": np.frombuffer(text, dtype=np.uint8), "data": data})
