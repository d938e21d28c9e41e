"""Loading uploaded YAML in the workspace: the files the command line reads, confined to what the reader may read.

An uploaded file (a scenario version or a dataset) may ``import:``

* the packaged data: ``positivesum:default`` or ``positivesum:PATH`` (confined to the package's data folder
  by :func:`positivesum.model.loader.resolve_import`), and
* workspace datasets *the reader may read*, by their file name (``import: [jsdf-2027.yaml]``) — the newest
  readable dataset of that name, found by a marking-filtered query.

Nothing else: a path (``../x.yaml``, ``/etc/passwd``, ``sub/x.yaml``), a name no readable dataset has, or any
other scheme is refused before anything is opened, with the line and key, and the message is the same
whether or not an unreadable dataset of that name exists. The accepted files are written into a fresh
temporary folder that holds nothing else, so the loader never sees the server's filesystem (and
$POSITIVESUM_IMPORT_ROOTS is never reached: every entry was checked first). Problems come back as the
command line gives them (``file:line: key: what — fix``), with the upload's and datasets' own names.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..model.errors import InputError, Location, Problem
from ..model.loader import LoadedDataset, default_data_dir, display, load_dataset
from ..model.yamlio import MAX_FILE_BYTES, YamlDocument, parse_yaml, read_text
from . import markings as mk
from .access import Actor, marking_of, readable
from .models import Dataset

#: A workspace file name: what ``import:`` entries name and what the temporary folder holds.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.ya?ml$")
IMPORT_FIX = (
    "an uploaded file may import positivesum:default, positivesum:PATH (the packaged data) or a workspace "
    "dataset you may read, by its file name (e.g. `import: [positivesum:default, jsdf-2027.yaml]`)"
)


def check_file_name(name: str, key: str = "name") -> str:
    if not isinstance(name, str) or not FILE_NAME.match(name) or ".." in name:
        raise InputError(
            [
                Problem(
                    Location("<request>", 0),
                    key,
                    f"'{str(name)[:100]}' is not a data file name",
                    "use letters, digits, '.', '-' or '_' ending in .yaml, e.g. jsdf-2027.yaml",
                )
            ]
        )
    return name


def decode(raw: bytes, name: str, size: int | None = None) -> str:
    """Upload bytes → text under the command line's file guards (10 MB, UTF-8) and with its messages."""
    size = max(size or 0, len(raw))
    if size > MAX_FILE_BYTES:
        raise InputError(
            [
                Problem(
                    Location(name, 0),
                    "",
                    f"file is {size / 1e6:.1f} MB, over the 10 MB limit",
                    "split the data into several files joined with `import:`",
                )
            ]
        )
    with tempfile.TemporaryDirectory(prefix="positivesum-upload-") as tmp:
        path = Path(tmp) / "upload.yaml"
        path.write_bytes(raw)
        return read_text(path, name)


def parse(text: str, name: str) -> YamlDocument:
    """Parse one uploaded file (syntax, alias bombs, depth, duplicates…) as the command line does."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return parse_yaml(decode(text.encode("utf-8"), name), name)
    return parse_yaml(text, name)


@dataclass
class Loaded:
    """A validated dataset loaded from an upload, and what it was built from."""

    ld: LoadedDataset
    datasets: list[dict[str, Any]] = field(default_factory=list)
    marking: mk.Marking = field(default_factory=mk.public)
    """The combination of the imported datasets' markings (the upload's own marking is the caller's)."""
    _tree: dict[str, Any] | None = None

    def tree(self) -> dict[str, Any]:
        """The validated dataset as plain data (what the semantic diff compares), computed once."""
        if self._tree is None:
            self._tree = self.ld.dataset.model_dump(mode="json")
        return self._tree


@dataclass
class _Source:
    name: str
    text: str
    dataset: Dataset | None = None


def _import_entries(doc: YamlDocument) -> list[tuple[int, str]]:
    raw = doc.data.get("import", [])
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return []  # the loader reports the malformed list itself
    return list(enumerate(items))


def _newest_readable(db: Session, actor: Actor, name: str) -> Dataset | None:
    return db.scalar(
        select(Dataset)
        .where(Dataset.name == name, readable(Dataset.marking_id, actor), Dataset.deleted_at.is_(None))
        .order_by(Dataset.id.desc())
        .limit(1)
    )


def resolve_sources(db: Session, actor: Actor, text: str, name: str) -> list[_Source]:
    """The upload and every workspace dataset it imports (transitively), each checked; raises InputError."""
    problems: list[Problem] = []
    sources: dict[str, _Source] = {}
    upload = _Source(name, text)
    pending: list[tuple[_Source, YamlDocument]] = [(upload, parse(text, name))]
    while pending:
        source, doc = pending.pop()
        for index, entry in _import_entries(doc):
            where = doc.lines.get(("import", index)) or doc.lines.get(("import",)) or Location(source.name, 1)
            key = f"import[{index}]"
            if entry.startswith("positivesum:"):
                continue  # the packaged data; resolve_import confines it to the package's folder
            if not FILE_NAME.match(entry) or ".." in entry:
                problems.append(
                    Problem(
                        where, key, f"'{entry[:200]}' is not a packaged file or a workspace dataset name", IMPORT_FIX
                    )
                )
                continue
            if entry in sources or entry == name:
                continue
            found = _newest_readable(db, actor, entry)
            if found is None:
                problems.append(
                    Problem(
                        where,
                        key,
                        f"no workspace dataset named '{entry}' that you may read",
                        "upload it on the Datasets page (or ask its organisation to release it to yours); "
                        + IMPORT_FIX,
                    )
                )
                continue
            sources[entry] = _Source(entry, found.text, found)
            try:
                pending.append((sources[entry], parse(found.text, entry)))
            except InputError as e:
                problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return [upload, *sources.values()]


def public_name(file: str, names: dict[str, str]) -> str:
    """What a reader is shown for a file the loader named: the upload's or dataset's own name, a packaged file
    as ``positivesum:PATH``; never a path of the server."""
    if file in names:
        return names[file]
    if file.startswith("<"):
        return file
    path = Path(file).resolve()
    data_dir = default_data_dir().resolve()
    if path.is_relative_to(data_dir):
        return "positivesum:" + path.relative_to(data_dir).as_posix()
    return path.name


def _rename(problems: list[Problem], names: dict[str, str]) -> list[Problem]:
    out = []
    for p in problems:
        loc = p.location
        if loc is not None:
            loc = Location(public_name(loc.file, names), loc.line)
        out.append(replace(p, location=loc))
    return out


def _body(text: str) -> str:
    """The text after its leading comment lines (an exported file's marking banner, say): the cache key, so
    that the same data with another banner is loaded once. Leading comments cannot be data."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    return "".join(lines[start:])


_cache: OrderedDict[str, Loaded] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 32


def load_upload(
    db: Session,
    actor: Actor,
    text: str,
    name: str = "scenario.yaml",
    overrides: list[str] | None = None,
    sets: list[str] | None = None,
    *,
    cached: bool = True,
) -> Loaded:
    """Load ``text`` (the content of a file called ``name``) with the datasets ``actor`` may read."""
    sources = resolve_sources(db, actor, text, name)
    key = hashlib.sha256(
        repr([(s.name, _body(s.text)) for s in sources] + [overrides or [], sets or []]).encode("utf-8")
    ).hexdigest()
    datasets = [s.dataset for s in sources if s.dataset is not None]
    marking = mk.combine(marking_of(db, d.marking_id) for d in datasets)
    meta = [
        {"id": d.id, "name": d.name, "sha256": d.sha256, "marking": marking_of(db, d.marking_id).text} for d in datasets
    ]
    if cached:
        with _cache_lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return Loaded(hit.ld, meta, marking, hit.tree())
    with tempfile.TemporaryDirectory(prefix="positivesum-ws-") as tmp:
        folder = Path(tmp).resolve()
        names: dict[str, str] = {}
        for s in sources:
            path = folder / s.name
            path.write_text(s.text, encoding="utf-8")
            for form in (str(path), display(path)):
                names[form] = s.name
        try:
            ld = load_dataset([folder / name], overrides, sets)
        except InputError as e:
            raise InputError(_rename(e.problems, names)) from None
    ld = replace(ld, files=tuple(public_name(f, names) for f in ld.files))
    loaded = Loaded(ld, meta, marking)
    if cached:
        with _cache_lock:
            _cache[key] = loaded
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return loaded
