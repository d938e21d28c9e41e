"""Every file that README.md and docs/**/*.md point at exists.

Two kinds of reference are checked, outside fenced code blocks (those hold example commands whose paths,
such as ``out/base.json``, are made when the commands run):

* markdown links ``[text](target)`` that are not URLs or in-page anchors, resolved against the document's
  folder (an ``#anchor`` after the path is ignored);
* inline code that is a single path-like word — ending in a source or document suffix (``.py``, ``.md``,
  ``.yaml``, ``.yml``, ``.toml``, ``.cfg``, ``.ipynb``), or containing ``/`` with a first component that
  exists (``tests/bad_inputs/``) — resolved against the repository root, ``src/positivesum/`` and the
  document's folder; a bare file name (``cli.py``) may also be the name of any file in the repository.
  Globs (``data/options/*.yaml``, ``cli/**.py``) must match at least one file.

Not checked: URLs, absolute paths, generated files and folders (``out/``, ``tables/…``, caches) and
placeholders written in capitals (``tests/sim/pinned/SCENARIO.json``).
"""

from __future__ import annotations

import glob
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "positivesum"
DOCS = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])
SUFFIXES = (".py", ".md", ".yaml", ".yml", ".toml", ".cfg", ".ipynb")
#: first components of paths that commands create (outputs, caches, environments): never in the repository
GENERATED = {"out", "out-ja", ".venv", ".positivesum-cache", "test-artifacts", "tables", "build", "dist"}
SEARCHED = ("src", "tests", "docs", "benchmarks")  # where a bare file name may live

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
PATHLIKE = re.compile(r"[A-Za-z0-9_.\-/*]+")
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")


def prose_lines(text: str):
    """(line number, line) outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


@cache
def bare_names() -> frozenset[str]:
    names = {p.name for p in REPO.iterdir()}
    for top in SEARCHED:
        names |= {p.name for p in (REPO / top).rglob("*") if ".venv" not in p.parts}
    return frozenset(names)


def _exists(base: Path, ref: str) -> bool:
    if any(ch in ref for ch in "*?["):
        return bool(glob.glob(str(base / ref), recursive=True))
    return (base / ref).exists()


def is_placeholder(ref: str) -> bool:
    return any(PLACEHOLDER.fullmatch(part.split(".")[0]) for part in ref.split("/") if part)


def code_reference(span: str) -> str | None:
    """The path an inline code span names, or None if it is not a repository path."""
    span = span.strip()
    if not PATHLIKE.fullmatch(span) or span.startswith(("/", "~", "-", ".")) and not span.startswith("../"):
        return None
    if "/" not in span and not span.endswith(SUFFIXES):
        return None
    if span.split("/", 1)[0] in GENERATED or "://" in span:
        return None
    return span.rstrip("/")


def resolves(doc: Path, ref: str, *, link: bool) -> bool:
    bases = [doc.parent] if link else [REPO, PACKAGE, doc.parent]
    if any(_exists(base, ref) for base in bases):
        return True
    if not link and not ref.endswith(SUFFIXES) and not any((b / ref.split("/")[0]).exists() for b in bases):
        return True  # words joined by '/' (`aircraft_lost_blue/red`), not a path into the repository
    if not link and "/" not in ref and ref in bare_names():
        return True
    return (not link) and is_placeholder(ref)


def broken_references(doc: Path) -> list[str]:
    name = doc.relative_to(REPO) if doc.is_relative_to(REPO) else doc.name
    out = []
    for number, line in prose_lines(doc.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a URL (http:, mailto:) or an anchor in the same page
            path = target.split("#", 1)[0]
            if path and not resolves(doc, path, link=True):
                out.append(f"{name}:{number}: link to missing '{target}'")
        for span in CODE.findall(line):
            ref = code_reference(span)
            if ref and not resolves(doc, ref, link=False):
                out.append(f"{name}:{number}: `{span}` names no file of the repository")
    return out


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(REPO)) for d in DOCS])
def test_every_referenced_file_exists(doc):
    broken = broken_references(doc)
    assert not broken, "references to files that do not exist (fix the path):\n" + "\n".join(broken)


def test_the_checker_finds_missing_files(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "See [the schema](reference/schema.md) and `cli.py`, `services.py` and `src/positivesum/nosuch.py`.\n"
        "Fine: `plan/milp.py`, `README.md`, `data/options/*.yaml`, `out/briefing.html`, `tests/sim/pinned/ID.json`,\n"
        "[a site](https://example.org), [here](#top), `positivesum.services.report`, `--out DIR`.\n"
        "```sh\npositivesum simulate x --out missing/file.yaml\n```\n",
        encoding="utf-8",
    )
    assert [line.split(": ", 1)[1] for line in broken_references(doc)] == [
        "link to missing 'reference/schema.md'",
        "`cli.py` names no file of the repository",
        "`services.py` names no file of the repository",
        "`src/positivesum/nosuch.py` names no file of the repository",
    ]
