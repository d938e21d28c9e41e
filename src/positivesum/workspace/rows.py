"""Helpers the workspace's stores share: display names, timestamps, LIKE patterns, ownership and soft deletion.

Plain functions over a SQLAlchemy session (store.py: the scenario library; runs.py: the runs' queries).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import Actor, Forbidden, audit, marking_texts
from .models import Dataset, Organisation, Run, Scenario, User, now

#: The most rows a list returns (newest first).
LIST_LIMIT = 500


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


class Names:
    """Organisation codes and user names for display (small tables, read once per call)."""

    def __init__(self, db: Session) -> None:
        self.orgs = {i: c for i, c in db.execute(select(Organisation.id, Organisation.code))}
        self.users = {i: n for i, n in db.execute(select(User.id, User.display_name))}

    def org(self, oid: int | None) -> str:
        return self.orgs.get(oid or 0, "")

    def user(self, uid: int | None) -> str:
        return self.users.get(uid or 0, "")


def like_pattern(q: str) -> str:
    """``q`` (at most 200 characters) as a case-insensitive LIKE pattern matching it anywhere, ``\\`` escaping."""
    q = q[:200].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"


def owned_by(actor: Actor, owner_org_id: int, what: str) -> None:
    """Deleting: analysts and administrators of the object's own organisation."""
    if not (actor.at_least("analyst") and actor.org_id == owner_org_id):
        raise Forbidden(f"only analysts and administrators of the {what}'s own organisation delete it")


def mark_deleted(db: Session, actor: Actor, kind: str, obj: Dataset | Scenario | Run, detail: str) -> dict[str, Any]:
    obj.deleted_at, obj.deleted_by = now(), actor.user_id
    db.flush()
    audit(db, actor, "delete", kind, obj.id, obj.marking_id, detail)
    return {"id": obj.id, "deleted": True, "marking": marking_texts(db, [obj.marking_id])[obj.marking_id]}
