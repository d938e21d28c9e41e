"""The runs' queries: list, read, follow, delete and count runs, each filtered by marking in SQL and audited.

Submitting and executing a run is jobs.py's; these only read the run table (and soft-delete a run).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from .access import Actor, NotFound, audit, audit_many, marking_texts, readable
from .models import Run, now
from .rows import LIST_LIMIT, Names, iso, like_pattern, mark_deleted, owned_by


def _readable_runs(actor: Actor) -> Any:
    return select(Run).where(readable(Run.marking_id, actor), Run.deleted_at.is_(None))


def run_row(r: Run, texts: dict[int, str], names: Names) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "title": r.title,
        "status": r.status,
        "progress": r.progress,
        "progress_text": r.progress_text,
        "marking": texts[r.marking_id],
        "owner": names.org(r.owner_org_id),
        "created_by": names.user(r.created_by),
        "created_at": iso(r.created_at),
        "started_at": iso(r.started_at),
        "finished_at": iso(r.finished_at),
        "attempts": r.attempts,
        "error": r.error,
        "params": r.params,
        "inputs": r.inputs,
    }


def list_runs(db: Session, actor: Actor, q: str | None = None) -> list[dict[str, Any]]:
    stmt = _readable_runs(actor)
    if q:
        stmt = stmt.where(Run.title.ilike(like_pattern(q), escape="\\"))
    rows = list(db.scalars(stmt.order_by(Run.id.desc()).limit(LIST_LIMIT)))
    audit_many(db, actor, "list", "run", [(r.id, r.marking_id) for r in rows])
    texts, names = marking_texts(db, {r.marking_id for r in rows}), Names(db)
    return [run_row(r, texts, names) for r in rows]


def get_run(db: Session, actor: Actor, ident: int, *, audited: bool = True) -> tuple[Run, dict[str, Any]]:
    r = db.scalar(_readable_runs(actor).where(Run.id == ident))
    if r is None:
        raise NotFound("run", ident)
    if audited:
        audit(db, actor, "read", "run", r.id, r.marking_id)
    row = run_row(r, marking_texts(db, [r.marking_id]), Names(db))
    row["provenance"] = r.provenance
    return r, row


def run_states(db: Session, actor: Actor, following: set[int], q: str | None = None) -> list[dict[str, Any]]:
    """Status and progress of the runs the actor may read that are queued or running (titles matching ``q``,
    as :func:`list_runs`), and of the runs of ``following`` (to report how they ended): what the run list
    follows live. Filtered by marking in SQL."""
    active: ColumnElement[bool] = Run.status.in_(("queued", "running"))
    if q:
        active = and_(active, Run.title.ilike(like_pattern(q), escape="\\"))
    cond = or_(active, Run.id.in_(sorted(following))) if following else active
    rows = db.execute(
        select(Run.id, Run.status, Run.progress, Run.progress_text, Run.error, Run.marking_id)
        .where(readable(Run.marking_id, actor), Run.deleted_at.is_(None), cond)
        .order_by(Run.id)
        .limit(LIST_LIMIT)
    ).all()
    texts = marking_texts(db, {r.marking_id for r in rows})
    return [
        {
            "id": r.id,
            "status": r.status,
            "progress": r.progress,
            "progress_text": r.progress_text,
            "error": r.error,
            "marking": texts[r.marking_id],
        }
        for r in rows
    ]


def audit_runs_followed(db: Session, actor: Actor, ids: list[int]) -> None:
    """One read per run the live run list starts reporting (only runs the actor may read)."""
    rows = db.execute(select(Run.id, Run.marking_id).where(Run.id.in_(ids), readable(Run.marking_id, actor)))
    audit_many(db, actor, "read", "run", [(r.id, r.marking_id) for r in rows])


def delete_run(db: Session, actor: Actor, ident: int) -> dict[str, Any]:
    """Delete a run with its result and files (soft); a run still queued or running is stopped (failed)."""
    r = db.scalar(_readable_runs(actor).where(Run.id == ident))
    if r is None:
        raise NotFound("run", ident)
    owned_by(actor, r.owner_org_id, "run")
    if r.status in ("queued", "running"):
        r.status, r.finished_at, r.progress_text = "failed", now(), "failed"
        r.error = f"deleted by {actor.username} before it finished"
    return mark_deleted(db, actor, "run", r, "deleted")
