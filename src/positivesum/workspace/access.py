"""Who may read and write what, in SQL; markings stored and read back; the audit log.

Every query of a marked table goes through :func:`readable`, a WHERE clause that keeps only rows whose
marking is PUBLIC or releases to the reader's organisation — the filter runs in the database, never after
fetching. An object a reader may not read is reported exactly as one that does not exist
(:func:`not_found`), so that neither its title nor its existence leaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..model.errors import InputError, Location, Problem
from . import markings as mk
from .models import AuditEntry, Marking, MarkingOrg, Organisation

ROLE_RANK = {"viewer": 0, "analyst": 1, "administrator": 2}


@dataclass(frozen=True)
class Actor:
    """The person behind a request: user id, organisation and role (what every check needs)."""

    user_id: int
    username: str
    display_name: str
    org_id: int
    org_code: str
    role: str

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class NotFound(Exception):
    """An object that does not exist *or that the reader may not read* (the two are never told apart)."""

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"no {kind} {ident} that you may read")
        self.kind = kind
        self.ident = ident


class Forbidden(Exception):
    """A readable object the actor may not change (their role or organisation does not allow it)."""


def not_found(kind: str, ident: object) -> NotFound:
    return NotFound(kind, ident)


def readable(marking_col: Any, actor: Actor) -> ColumnElement[bool]:
    """The SQL condition "``marking_col`` is PUBLIC or releases to the actor's organisation"."""
    public_ids = select(Marking.id).where(Marking.kind == mk.PUBLIC)
    released = select(MarkingOrg.marking_id).where(MarkingOrg.org_id == actor.org_id)
    return or_(marking_col.in_(public_ids), marking_col.in_(released))


def org_codes(db: Session) -> dict[str, int]:
    return {code: oid for code, oid in db.execute(select(Organisation.code, Organisation.id))}


def marking_id(db: Session, marking: mk.Marking) -> int:
    """The row of ``marking`` (created on first use; rows are never changed)."""
    found = db.scalar(select(Marking.id).where(Marking.text == marking.text))
    if found is not None:
        return found
    codes = org_codes(db)
    try:
        with db.begin_nested():  # a concurrent writer may create the same marking: then read theirs
            row = Marking(kind=marking.kind, text=marking.text)
            db.add(row)
            db.flush()
            for code in sorted(marking.orgs or ()):
                db.add(MarkingOrg(marking_id=row.id, org_id=codes[code]))
            db.flush()
            return row.id
    except IntegrityError:
        again = db.scalar(select(Marking.id).where(Marking.text == marking.text))
        assert again is not None
        return again


def marking_of(db: Session, mid: int) -> mk.Marking:
    """The marking of row ``mid``."""
    kind = db.scalar(select(Marking.kind).where(Marking.id == mid))
    if kind == mk.PUBLIC:
        return mk.public()
    codes = db.scalars(
        select(Organisation.code)
        .join(MarkingOrg, MarkingOrg.org_id == Organisation.id)
        .where(MarkingOrg.marking_id == mid)
    )
    return mk.Marking(frozenset(codes))


def marking_texts(db: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {i: t for i, t in db.execute(select(Marking.id, Marking.text).where(Marking.id.in_(wanted)))}


def parse_marking(db: Session, text: object, actor: Actor, *, floor: mk.Marking | None = None) -> mk.Marking:
    """A marking chosen by ``actor`` for something they write: it must name known organisations and release
    to the actor's own organisation; with ``floor`` (the combination of the inputs' markings) the result is
    combined with it, so that a derived object is never less restrictive than what it came from."""
    marking = mk.parse(text, org_codes(db))
    if floor is not None:
        marking = mk.combine([marking, floor])
    if not marking.releases_to(actor.org_code):
        raise mk.MarkingError(
            [
                Problem(
                    Location("<marking>", 0),
                    "marking",
                    f"'{marking.text}' does not release to your own organisation ({actor.org_code})",
                    f"include {actor.org_code}, e.g. REL TO {actor.org_code}, … or {actor.org_code} ONLY",
                )
            ]
        )
    return marking


def audit(
    db: Session, actor: Actor | None, action: str, object_type: str, object_id: int, mid: int, detail: str = ""
) -> None:
    """Record a read or write of a marked object (in the caller's transaction)."""
    db.add(
        AuditEntry(
            user_id=actor.user_id if actor else None,
            org_id=actor.org_id if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            marking_id=mid,
            detail=detail[:300],
        )
    )


def audit_many(db: Session, actor: Actor, action: str, object_type: str, rows: Iterable[tuple[int, int]]) -> None:
    """Record one read per (object id, marking id) — e.g. every row a list showed."""
    for oid, mid in rows:
        audit(db, actor, action, object_type, oid, mid)


def require_role(actor: Actor, role: str, what: str) -> None:
    if not actor.at_least(role):
        raise Forbidden(f"{what} needs the {role} role (yours: {actor.role})")


def input_problem(key: str, what: str, fix: str, where: str = "<request>") -> InputError:
    return InputError([Problem(Location(where, 0), key, what, fix)])
