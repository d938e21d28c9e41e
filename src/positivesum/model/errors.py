"""Problems found in input files, collected and reported together.

Every problem is reported as ``file:line: key.path: what is wrong — how to fix``
(PyPSA-style consistency messages: what, where, how to fix). Loading and
validation collect *all* problems and raise once with :class:`InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


def dotted(path: tuple) -> str:
    """Render a key path like ``scenarios.taiwan_base.phases[2].start_day``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
