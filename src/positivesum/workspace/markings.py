"""Releasability markings: PUBLIC, REL TO a list of organisations, or one organisation ONLY.

Markings are *handling metadata for unclassified work* (docs/workspace.md): they say which organisations of
the workspace may read an object, and the workspace enforces that in every query. They are not security
classifications and the workspace is not a cross-domain system.

A marking is the set of organisations that may read the object (``None`` for PUBLIC: every organisation of
the workspace). Its canonical text is ``PUBLIC``, ``JPN ONLY`` (one organisation) or ``REL TO JPN, USA``
(two or more, sorted). A derived object (a run, a briefing, a diff, a fork, a proposal) carries the most
restrictive combination of its inputs' markings: the organisations that may read *every* input
(:func:`combine`). This module is plain Python (no database): :mod:`.access` turns a marking into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.errors import InputError, Location, Problem, suggest

PUBLIC = "PUBLIC"
REL = "REL"
ONLY = "ONLY"
KINDS = (PUBLIC, REL, ONLY)
#: An organisation's code: what markings name (``USA``, ``JPN``, ``THINKTANK``).
ORG_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,23}$")

NOTICE = (
    "Markings are handling metadata for unclassified work: they say which organisations of this workspace may "
    "read an object. They are not security classifications, and this workspace is not a cross-domain system."
)


class MarkingError(InputError):
    """A marking that cannot be read, names unknown organisations, or has no common reader."""


def _problem(where: str, what: str, fix: str) -> MarkingError:
    return MarkingError([Problem(Location("<marking>", 0), where, what, fix)])


@dataclass(frozen=True)
class Marking:
    """A releasability marking: ``orgs`` is None for PUBLIC, else the organisation codes that may read."""

    orgs: frozenset[str] | None = None

    @property
    def kind(self) -> str:
        if self.orgs is None:
            return PUBLIC
        return ONLY if len(self.orgs) == 1 else REL

    @property
    def text(self) -> str:
        if self.orgs is None:
            return PUBLIC
        codes = sorted(self.orgs)
        return f"{codes[0]} ONLY" if len(codes) == 1 else "REL TO " + ", ".join(codes)

    def __str__(self) -> str:
        return self.text

    def releases_to(self, org_code: str) -> bool:
        """May members of ``org_code`` read an object with this marking?"""
        return self.orgs is None or org_code in self.orgs

    def at_least_as_restrictive_as(self, other: Marking) -> bool:
        """Does every organisation that may read under ``self`` also read under ``other``?"""
        if self.orgs is None:
            return other.orgs is None
        return other.orgs is None or self.orgs <= other.orgs


def public() -> Marking:
    return Marking(None)


def only(org_code: str) -> Marking:
    return Marking(frozenset([org_code]))


def rel_to(*org_codes: str) -> Marking:
    return Marking(frozenset(org_codes))


def combine(markings: Iterable[Marking]) -> Marking:
    """The most restrictive combination: the organisations that may read every one of ``markings``.

    PUBLIC combined with anything is that thing; REL TO {A, B} with REL TO {B, C} is B ONLY. Inputs with no
    common reader are refused (nobody could read the derived object)."""
    orgs: frozenset[str] | None = None
    shown: list[str] = []
    for m in markings:
        shown.append(m.text)
        if m.orgs is not None:
            orgs = m.orgs if orgs is None else orgs & m.orgs
    if orgs is not None and not orgs:
        raise _problem(
            "marking",
            f"the inputs' markings ({'; '.join(shown)}) have no organisation in common",
            "use inputs that one organisation may read together",
        )
    return Marking(orgs)


def parse(text: object, known_orgs: Iterable[str]) -> Marking:
    """Read ``PUBLIC``, ``REL TO A, B`` (commas, slashes or spaces between codes) or ``A ONLY``; every code must
    be an organisation of the workspace. Raises :class:`MarkingError` with the fix."""
    known = sorted(known_orgs)
    example = f"PUBLIC, {known[0]} ONLY or REL TO {', '.join(known[:2])}" if known else "PUBLIC"
    if not isinstance(text, str) or not text.strip():
        raise _problem("marking", "no marking given", f"give one of: {example}")
    if len(text) > 600:
        raise _problem("marking", "the marking is longer than 600 characters", f"give one of: {example}")
    words = " ".join(text.replace(",", " ").replace("/", " ").split()).upper()
    if words == PUBLIC:
        return public()
    codes: list[str]
    if words.startswith("REL TO "):
        codes = words[len("REL TO ") :].split()
    elif words.endswith(" ONLY"):
        codes = words[: -len(" ONLY")].split()
        if len(codes) != 1:
            raise _problem("marking", f"'{text}' names {len(codes)} organisations before ONLY", f"give {example}")
    else:
        raise _problem("marking", f"'{text}' is not a marking", f"give one of: {example}")
    if not codes:
        raise _problem("marking", "REL TO names no organisation", f"give e.g. {example}")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise _problem(
            "marking",
            f"no organisation '{unknown[0]}' in this workspace",
            f"{suggest(unknown[0], known)} (organisations: {', '.join(known)})",
        )
    return Marking(frozenset(codes))


def from_text(text: str) -> Marking:
    """The marking of a canonical text as stored (``PUBLIC``, ``A ONLY``, ``REL TO A, B``)."""
    if text == PUBLIC:
        return public()
    if text.startswith("REL TO "):
        return Marking(frozenset(c.strip() for c in text[len("REL TO ") :].split(",")))
    return only(text.removesuffix(" ONLY"))
