"""The workspace's tables (SQLAlchemy 2 declarative). The schema is created by the Alembic migrations in
:mod:`.migrations` (never by ``create_all``); ``tests/web/test_migrations.py`` checks that the migrations
and these classes agree.

Datasets, scenarios and runs are deleted softly (``deleted_at``, ``deleted_by``): kept with their audit trail,
never found again by a query (:mod:`.store`). Every marked table (datasets, scenarios, runs, proposals) has ``marking_id`` → ``markings``; the organisations a
marking releases to are rows of ``marking_orgs`` (none for PUBLIC), so that reading filters in SQL
(:func:`positivesum.workspace.access.readable`).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class UTCDateTime(TypeDecorator[_dt.datetime]):
    """A time zone-aware UTC timestamp on every database (SQLite stores it without a zone: read back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: _dt.datetime | None, dialect: Any) -> _dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return None if value is None else value.astimezone(_dt.UTC)

    def process_result_value(self, value: _dt.datetime | None, dialect: Any) -> _dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


ROLES = ("viewer", "analyst", "administrator")
RUN_STATES = ("queued", "running", "done", "failed")


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)


class LoginSession(Base):
    """A browser session: the cookie holds a random token, the table its SHA-256 (and the CSRF token)."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A token for scripts (``Authorization: Bearer …``); the table holds its SHA-256 only."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)


class Marking(Base):
    """One marking, stored once (``text`` is canonical: ``PUBLIC``, ``JPN ONLY``, ``REL TO JPN, USA``)."""

    __tablename__ = "markings"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(600), unique=True)


class MarkingOrg(Base):
    """An organisation a marking releases to (no rows for PUBLIC)."""

    __tablename__ = "marking_orgs"
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)


class Dataset(Base):
    """A data file other files may import by its ``name`` (e.g. ``jsdf-2027.yaml``); immutable once stored."""

    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    deleted_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_datasets_deleted_by"), nullable=True)


class Scenario(Base):
    """A scenario file in the library; its text lives in numbered versions."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    forked_from_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)
    forked_from_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deleted_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_scenarios_deleted_by"), nullable=True
    )


class ScenarioVersion(Base):
    """One version: who, when, the text, what changed (the semantic diff's paths against the previous one)."""

    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    message: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Comment(Base):
    """A comment on a scenario (read by whoever may read the scenario)."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)


class Proposal(Base):
    """A fork's version proposed back to the scenario it was forked from (open, accepted or rejected)."""

    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    source_version: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    target_version: Mapped[int] = mapped_column(Integer)
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Run(Base):
    """A job of the persistent queue and, once done, its result with provenance."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_status_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_text: Mapped[str] = mapped_column(String(300), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), index=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_runs_deleted_by"), nullable=True)


class Artifact(Base):
    """A file a run produced (briefing HTML, PDF, Excel, summary JSON, dashboard), marked as its run."""

    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("run_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Every read and write of a marked object: who, when, what, and the object's marking at the time."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(16))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    marking_id: Mapped[int] = mapped_column(ForeignKey("markings.id"), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")
