"""Load datasets: YAML files with ``import:``, named overrides and ``--set``.

Build (read and merge files) → validate (schema, sources, semantic checks) →
return a :class:`LoadedDataset` that records what was applied. See
:mod:`positivesum.model.merge` for the precedence of overrides.
"""

from __future__ import annotations

import hashlib
import json
import os
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
        # `positivesum:default` names the packaged default dataset, so that user
        # files can build on it wherever the package is installed.
        target = default_data_file() if rel == PACKAGED_DEFAULT else (path.parent / rel)
        if not target.exists():
            problems.append(
                Problem(
                    doc.lines.get(("import", index), Location(name, 1)),
                    f"import[{index}]",
                    f"imported file '{rel}' not found (looked in {display(path.parent)})",
                    "fix the path; imports are relative to the importing file",
                )
            )
            continue
        _read_tree(target, stack + [path], tree, problems, doc.lines.get(("import", index), Location(name, 1)))
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
