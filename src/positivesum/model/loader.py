"""Load datasets: YAML files with ``import:``, named overrides and ``--set``.

Build (read and merge files) → validate (schema, sources, semantic checks) →
return a :class:`LoadedDataset` that records what was applied. See
:mod:`positivesum.model.merge` for the precedence of overrides.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import run_checks
from .dataset import Dataset
from .errors import InputError, KeyPath, Location, Problem, dotted, suggest
from .merge import apply_set, locate, merge_into
from .pydantic_errors import translate_validation_error
from .sources import unsourced_numbers
from .yamlio import load_yaml_file

RESERVED_KEYS = ("import", "overrides")
PACKAGED_DEFAULT = "positivesum:default"


def default_data_dir() -> Path:
    """The packaged default dataset."""
    return Path(__file__).resolve().parent.parent / "data"


def default_data_file() -> Path:
    """Entry file of the packaged default dataset."""
    return default_data_dir() / "default.yaml"


def display(path: Path) -> str:
    """A short, stable name for messages: relative to the working directory when possible."""
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)  # inside the working directory: short; else absolute
    except ValueError:
        return str(path)


IMPORT_ROOTS_ENV = "POSITIVESUM_IMPORT_ROOTS"
"""Extra folders (``os.pathsep``-separated) from which any data file may import (docs/reference/limits.md)."""


def import_roots(importing_file: Path) -> list[Path]:
    """Folders an ``import:`` of ``importing_file`` may reach: the importing file's own folder (and below),
    the packaged data when the importing file is part of it, and the folders listed in
    $POSITIVESUM_IMPORT_ROOTS."""
    roots = [importing_file.parent.resolve()]
    data_dir = default_data_dir().resolve()
    if importing_file.resolve().is_relative_to(data_dir):
        roots.append(data_dir)
    roots += [Path(r).resolve() for r in os.environ.get(IMPORT_ROOTS_ENV, "").split(os.pathsep) if r.strip()]
    return roots


def resolve_import(importing_file: Path, rel: str) -> tuple[Path | None, tuple[str, str] | None]:
    """The file an ``import:`` entry names, or (None, (what, fix)) when it must be refused.

    Imports are confined, because analysts exchange scenario files with other organisations: an entry
    resolves only to a *regular file* under the importing file's folder (symbolic links are followed and
    the real path must stay inside), or to the packaged data (``positivesum:default``,
    ``positivesum:PATH``). Absolute paths, ``..`` escapes, links out of the tree, devices, FIFOs and
    sockets are refused before anything is opened, and the message quotes nothing of the target. An absolute
    path is accepted only inside a folder listed in $POSITIVESUM_IMPORT_ROOTS."""
    data_dir = default_data_dir().resolve()
    if rel == PACKAGED_DEFAULT:
        return default_data_file(), None
    if rel.startswith("positivesum:"):
        target = (data_dir / rel.split(":", 1)[1]).resolve()
        roots = [data_dir]
        fix_root = "the packaged data"
    else:
        extra = import_roots(importing_file)[1:]  # the package data (for its own files) and $POSITIVESUM_IMPORT_ROOTS
        if Path(rel).is_absolute() or (len(rel) > 1 and rel[1] == ":"):
            target = Path(rel).resolve()
            if not any(target.is_relative_to(root) for root in extra):
                return None, (
                    f"'{rel}' is an absolute path; imports are relative to the importing file",
                    "copy the file next to the importing file (or below its folder) and import it by a relative "
                    f"path, or list its folder in ${IMPORT_ROOTS_ENV}",
                )
        target = (importing_file.parent / rel).resolve()
        roots = import_roots(importing_file)
        fix_root = f"the folder {display(importing_file.parent)}"
    if not any(target.is_relative_to(root) for root in roots):
        return None, (
            f"'{rel}' leads outside {fix_root} (through '..' or a symbolic link)",
            f"keep imported files inside {fix_root}, or list their folder in ${IMPORT_ROOTS_ENV}",
        )
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return None, (
            f"imported file '{rel}' not found (looked in {display(importing_file.parent)})",
            "fix the path; imports are relative to the importing file",
        )
    except OSError as err:
        return None, (f"imported file '{rel}' cannot be read ({err.strerror})", "check the file's permissions")
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        return None, (f"'{rel}' is {kind}", "import a YAML data file")
    return target, None


@dataclass
class _Tree:
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[KeyPath, Location] = field(default_factory=dict)
    overrides: dict[str, tuple[dict[str, Any], dict[KeyPath, Location], KeyPath]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def _read_tree(
    path: Path, stack: list[Path], tree: _Tree, problems: list[Problem], imported_at: Location | None = None
) -> None:
    """Read one file and its imports depth-first, merging into ``tree``."""
    path = path.resolve()
    if path in stack:
        chain = " → ".join(display(p) for p in stack[stack.index(path) :] + [path])
        problems.append(
            Problem(
                imported_at or Location(display(stack[-1]), 1),
                "import",
                f"circular import: {chain}",
                "remove one of the imports so that no file imports itself, directly or indirectly",
            )
        )
        return
    try:
        doc = load_yaml_file(path, display(path))
    except InputError as err:
        problems.extend(err.problems)
        return
    name = display(path)
    data = dict(doc.data)
    imports = data.pop("import", [])
    if isinstance(imports, str):
        imports = [imports]
    if not isinstance(imports, list) or not all(isinstance(i, str) for i in imports):
        problems.append(
            Problem(
                doc.lines.get(("import",)),
                "import",
                "must be a list of file paths",
                "write e.g. `import: [actors.yaml, bases.yaml]`",
            )
        )
        imports = []
    for index, rel in enumerate(imports):
        where = doc.lines.get(("import", index), Location(name, 1))
        target, refusal = resolve_import(path, rel)
        if refusal is not None:
            problems.append(Problem(where, f"import[{index}]", *refusal))
            continue
        assert target is not None
        _read_tree(target, stack + [path], tree, problems, where)
    overrides = data.pop("overrides", {})
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        problems.append(
            Problem(
                doc.lines.get(("overrides",)),
                "overrides",
                "must map override names to mappings",
                "write e.g. `overrides: {short_warning: {scenarios: {taiwan_base: {warning_days: {value: 3}}}}}`",
            )
        )
        overrides = {}
    for oname, body in overrides.items():
        tree.overrides[str(oname)] = (body, doc.lines, ("overrides", oname))
    merge_into(tree.data, tree.lines, data, doc.lines)
    tree.files.append(path)


@dataclass(frozen=True)
class LoadedDataset:
    """A validated dataset and the record of how it was assembled."""

    dataset: Dataset
    raw: dict[str, Any]
    lines: dict[KeyPath, Location]
    files: tuple[str, ...]
    overrides_applied: tuple[str, ...]
    sets_applied: tuple[str, ...]
    available_overrides: tuple[str, ...]

    @property
    def data_hash(self) -> str:
        """SHA-256 of the merged data (after overrides), for reproducibility blocks."""
        text = json.dumps(self.raw, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def provenance(self) -> dict[str, Any]:
        """What travels with every result: the date the data describe, files, overrides, --set values, data
        hash."""
        return {
            "as_of": self.dataset.as_of,
            "files": list(self.files),
            "overrides": list(self.overrides_applied),
            "sets": list(self.sets_applied),
            "data_sha256": self.data_hash,
        }


def load_dataset(
    paths: list[Path] | None = None, overrides: list[str] | None = None, sets: list[str] | None = None
) -> LoadedDataset:
    """Read, merge, override and validate; raise :class:`InputError` listing every problem."""
    paths = list(paths) if paths else [default_data_file()]
    problems: list[Problem] = []
    tree = _Tree()
    for path in paths:
        _read_tree(Path(path), [], tree, problems)
    if problems:
        raise InputError(problems)
    applied: list[str] = []
    for name in overrides or []:
        if name not in tree.overrides:
            problems.append(
                Problem(
                    Location("--override", 0),
                    name,
                    "no override of that name",
                    suggest(name, tree.overrides) if tree.overrides else "this dataset defines no `overrides:`",
                )
            )
            continue
        body, lines, prefix = tree.overrides[name]
        merge_into(tree.data, tree.lines, body, lines, prefix)
        applied.append(name)
    if problems:
        raise InputError(problems)
    set_texts = [apply_set(tree.data, tree.lines, s) for s in sets or []]
    return validate_tree(
        tree.data,
        tree.lines,
        files=[display(f) for f in tree.files],
        overrides_applied=applied,
        sets_applied=set_texts,
        available_overrides=sorted(tree.overrides),
    )


def validate_tree(
    data: dict[str, Any],
    lines: dict[KeyPath, Location],
    *,
    files: list[str],
    overrides_applied: Sequence[str] = (),
    sets_applied: Sequence[str] = (),
    available_overrides: Sequence[str] = (),
) -> LoadedDataset:
    """Validate merged data: sourcing, schema, then semantic consistency."""
    problems = [
        Problem(
            locate(lines, p),
            dotted(p),
            "number has no `source:` or `estimate:`",
            'write it as `{value: N, source: KEY}` or add `estimate: "reasoning"` to the record that holds it',
        )
        for p in unsourced_numbers(data)
    ]
    try:
        dataset = Dataset.model_validate(data)
    except ValidationError as err:
        schema_problems = translate_validation_error(err, lines)
        # A schema problem at a key (unknown key, quantity without source) already
        # explains any unsourced number beneath it: report it once.
        flagged = [q.key_path for q in schema_problems]
        problems = [p for p in problems if not any(_within(p.key_path, f) for f in flagged)]
        raise InputError(_unique(problems + schema_problems)) from None
    problems.extend(run_checks(dataset, lines))
    if problems:
        raise InputError(_unique(problems))
    return LoadedDataset(
        dataset,
        data,
        dict(lines),
        tuple(files),
        tuple(overrides_applied),
        tuple(sets_applied),
        tuple(available_overrides),
    )


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = p.format()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.location.file if p.location else "", p.location.line if p.location else 0))
