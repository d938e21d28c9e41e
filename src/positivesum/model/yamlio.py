"""Safe YAML reading with line numbers and guards against hostile input.

PyYAML composes the node graph (which carries line marks); we then build plain
Python objects ourselves so that every key path keeps the line it came from.
Guards: file size (10 MB), UTF-8, empty documents, multiple documents,
duplicate keys, merge keys, alias expansion ("billion laughs"), which we
bound by counting the nodes the document would expand to before building it, and
nesting depth (``[[[[…]]]]``), bounded before anything recurses over the document.
Limits: docs/reference/limits.md.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..defaults import MAX_NESTING_DEPTH
from .errors import InputError, KeyPath, Location, Problem, dotted

MAX_FILE_BYTES = 10 * 1024 * 1024
#: libyaml's C loader composes ten times faster and keeps the same marks; pure Python if it is missing.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A document may expand to at most this many nodes once aliases are resolved.
MAX_EXPANDED_NODES = 200_000


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data and the line of every key path in it."""

    path: Path
    data: Any
    lines: dict[KeyPath, Location]


def _fail(file: str, line: int, key: str, message: str, fix: str) -> InputError:
    return InputError([Problem(Location(file, line), key, message, fix)])


def read_text(path: Path, name: str | None = None) -> str:
    """Read a data file as UTF-8 text, refusing huge, binary or missing files."""
    name = name or str(path)
    if not path.exists():
        raise _fail(
            name, 0, "", "file not found", "check the path (relative imports resolve against the importing file)"
        )
    if path.is_dir():
        raise _fail(name, 0, "", "is a directory, not a YAML file", "pass the YAML files inside it, e.g. DIR/*.yaml")
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, /dev/zero would never end
        raise _fail(name, 0, "", "is not a regular file (a device, FIFO or socket)", "pass a YAML data file")
    with path.open("rb") as f:  # the limit applies to the bytes actually read, whatever stat says
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(
            name,
            0,
            "",
            f"file is {max(path.stat().st_size, len(raw)) / 1e6:.1f} MB, over the 10 MB limit",
            "split the data into several files joined with `import:`",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _fail(
            name,
            line,
            "",
            f"byte 0x{raw[err.start]:02x} at offset {err.start} is not valid UTF-8",
            "save the file as UTF-8 (most editors: 'Save with encoding')",
        ) from None


def depth_error(file: str, line: int) -> InputError:
    return _fail(
        file,
        line,
        "",
        f"lists and mappings are nested more than {MAX_NESTING_DEPTH} levels deep",
        f"flatten the data: at most {MAX_NESTING_DEPTH} levels of nesting are allowed (docs/reference/limits.md)",
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_depth(root: yaml.Node, file: str) -> None:
    """Refuse nesting deeper than MAX_NESTING_DEPTH, without recursion (aliases count where they are used).

    Iterative depth-first walk; a node is walked again only when reached at a greater depth, and a node on
    its own path (a recursive alias) is not followed: :func:`_expanded_size` reports it."""
    deepest: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        key = id(node)
        if leaving:
            on_path.discard(key)
            continue
        if key in on_path or deepest.get(key, 0) >= depth:
            continue
        if depth > MAX_NESTING_DEPTH and isinstance(node, yaml.CollectionNode):
            raise depth_error(file, node.start_mark.line + 1)
        deepest[key] = depth
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))


def deepest_line(text: str) -> int | None:
    """The line where ``text`` first nests lists/mappings deeper than MAX_NESTING_DEPTH, else None.

    Reads the YAML event stream (no recursion, no document built); a syntax error ends the scan quietly
    (the parser proper reports it)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int], file: str) -> int:
    """Count nodes after alias expansion, memoised so shared subtrees cost once; refuse an expansion of more
    than MAX_EXPANDED_NODES values beyond the nodes the file holds."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise _fail(
            file,
            node.start_mark.line + 1,
            "",
            "recursive alias: an anchor refers to itself",
            "remove the self-reference; YAML data here must be a tree",
        )
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, active, file)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo, active, file) + _expanded_size(v, memo, active, file)
    active.discard(key)
    memo[key] = total
    # What is limited is the *expansion* that aliases cause — values beyond the nodes written in the file
    # (len(memo) counts each distinct node once) — not the document's size: a large plain file without
    # anchors never trips this guard, an alias bomb does (10 MB is the size limit, read_text).
    if total - len(memo) > MAX_EXPANDED_NODES:
        raise _fail(
            file,
            node.start_mark.line + 1,
            "",
            f"aliases expand this document by more than {MAX_EXPANDED_NODES:,} values (an alias bomb?)",
            "write the data out without nested anchors/aliases",
        )
    return total


class _Builder:
    """Turn composed nodes into dicts/lists/scalars while recording line numbers."""

    def __init__(self, file: str, loader: yaml.constructor.SafeConstructor) -> None:
        self.file = file
        self.loader = loader
        self.lines: dict[KeyPath, Location] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, Location(self.file, node.start_mark.line + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        Problem(
                            Location(self.file, key_node.start_mark.line + 1),
                            dotted(path),
                            "a mapping key must be a plain name",
                            "use a string key",
                        )
                    )
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            Location(self.file, key_node.start_mark.line + 1),
                            dotted(path),
                            "YAML merge keys (<<) are not supported",
                            "use `import:` or a named override to share data",
                        )
                    )
                    continue
                key = self.loader.construct_object(key_node)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    key = str(key_node.value)
                child_path = path + (key,)
                if key in out:
                    self.problems.append(
                        Problem(
                            Location(self.file, key_node.start_mark.line + 1),
                            dotted(child_path),
                            f"duplicate key (first defined on line {self.lines[child_path].line})",
                            "keep one definition; later copies would silently win",
                        )
                    )
                    continue
                self.lines[child_path] = Location(self.file, key_node.start_mark.line + 1)
                out[key] = self.build(value_node, child_path)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                items.append(self.build(child, path + (index,)))
            return items
        try:
            return self.loader.construct_object(node)
        except yaml.constructor.ConstructorError as err:
            self.problems.append(
                Problem(
                    Location(self.file, node.start_mark.line + 1),
                    dotted(path),
                    f"cannot read value: {err.problem}",
                    "write a plain number, string, list or mapping",
                )
            )
            return None


def _fast_compose(text: str, file: str) -> yaml.Node | None:
    """Compose with libyaml when available; None on any YAML error (re-parsed for the message), except
    libyaml's own nesting limit (1,000 levels), which is reported as ours."""
    if Loader is yaml.SafeLoader:
        return None
    loader = Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        if "maximum nesting depth" in str(err.problem or ""):
            mark = err.problem_mark or err.context_mark
            raise depth_error(file, deepest_line(text) or (mark.line + 1 if mark else 1)) from None
        return None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text into plain data with line numbers, raising InputError on any problem."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise _fail(file, 1, "", "file is empty", "add data, or remove the file from the import list")
    node = _fast_compose(text, file)
    loader = None
    try:
        if node is None:  # the fast path failed: the pure-Python composer gives the clearer message
            line = deepest_line(text)  # that composer recurses: bound the depth first
            if line is not None:
                raise depth_error(file, line)
            loader = yaml.SafeLoader(text)
            node = loader.get_single_node()
    except yaml.composer.ComposerError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        msg = str(err.problem or err.context)
        if "expected a single document" in str(err.context or ""):
            msg = "file holds more than one YAML document (---)"
            return_fix = "keep one document per file; put the others in their own files and `import:` them"
        else:
            return_fix = "define the anchor (&name) before using the alias (*name)"
        raise _fail(file, line, "", msg, return_fix) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise _fail(
            file,
            line,
            "",
            f"malformed YAML: {err.problem or err.context}",
            "check indentation, colons and quotes near this line",
        ) from None
    except yaml.reader.ReaderError as err:  # control characters and the like
        line = text[: err.position].count("\n") + 1
        char = f"#x{err.character:04x}" if isinstance(err.character, int) else repr(err.character)
        raise _fail(
            file,
            line,
            "",
            f"malformed YAML: unacceptable character {char} ({err.reason})",
            "remove control characters; save as plain UTF-8 text",
        ) from None
    except yaml.YAMLError as err:
        raise _fail(file, 1, "", "malformed YAML: " + " ".join(str(err).split()), "check the file's syntax") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise _fail(file, 1, "", "file is empty", "add data, or remove the file from the import list")
    _check_depth(node, file)
    _expanded_size(node, {}, set(), file)
    builder = _Builder(file, Loader(""))
    data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    if not isinstance(data, dict):
        raise _fail(
            file,
            node.start_mark.line + 1,
            "",
            f"top level is a {type(data).__name__}, not a mapping",
            "start the file with keys such as `actors:`, `scenarios:` or `import:`",
        )
    return YamlDocument(Path(file), data, builder.lines)


def parse_value(text: str) -> Any:
    """One YAML value given on the command line (``--set path=VALUE``), under the guards of a file: nesting
    depth and alias expansion. Raises :class:`InputError` (located at ``<value>``) or ``yaml.YAMLError``."""
    if deepest_line(text) is not None:
        raise depth_error("<value>", 0)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set(), "<value>")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml_file(path: Path, display_name: str | None = None) -> YamlDocument:
    """Read and parse one YAML data file (see :func:`parse_yaml`)."""
    name = display_name or str(path)
    text = read_text(path, name)
    doc = parse_yaml(text, name)
    return YamlDocument(path, doc.data, doc.lines)
