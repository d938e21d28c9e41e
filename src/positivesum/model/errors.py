"""Problems found in input files, collected and reported together.

Every problem is reported as ``file:line: key.path: what is wrong — how to fix``
(PyPSA-style consistency messages: what, where, how to fix). Loading and
validation collect *all* problems and raise once with :class:`InputError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

#: A key path into a document: mapping keys (strings, or integers such as years) and list indices.
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file and a 1-based line number."""

    file: str
    line: int

    def __str__(self) -> str:
        # line 0 marks input that is not a file line (command-line options).
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    """One problem with the input: where, what is wrong, how to fix it."""

    location: Location | None
    key_path: str
    message: str
    fix: str

    def format(self) -> str:
        where = str(self.location) if self.location else "<input>"
        key = self.key_path or "(document)"
        return f"{where}: {key}: {self.message} — {self.fix}"


@dataclass
class InputError(Exception):
    """Raised once with every problem found in the input."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.format() for p in self.problems)


def dotted(path: KeyPath) -> str:
    """Render a key path like ``scenarios.taiwan_base.phases[2].start_day``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: Where a command-line option's problem is reported (no file, no line).
COMMAND_LINE = Location("<command line>", 0)


def suggest(word: object, choices: Iterable[object]) -> str:
    """The "did you mean" half of a fix: the closest known name, else the first known names.

    One helper for every command and every file check, so that the same mistake gets the same advice
    wherever it is made (``difflib.get_close_matches``, cutoff 0.6)."""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), names, n=1)
    return f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(names)[:12])}"


def option_error(option: str, what: str, fix: str) -> InputError:
    """An :class:`InputError` for one command-line option (``<command line>: --option: what — fix``)."""
    return InputError([Problem(COMMAND_LINE, option, what, fix)])


def check_known(kind: str, value: str, known: Iterable[str], option: str) -> None:
    """Raise a did-you-mean error naming ``option`` unless ``value`` is one of ``known``."""
    names = list(known)
    if value not in names:
        hint = suggest(value, names)
        fix = (
            f"{hint} (known: {', '.join(names)})"
            if hint.startswith("did you mean")
            else f"use one of: {', '.join(names)}"
        )
        raise option_error(option, f"no {kind} '{value}'", fix)
