"""The workspace's first schema: organisations, people, sessions and tokens, markings, datasets, scenarios
with versions, comments and proposals, runs with artifacts, and the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from positivesum.workspace.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(24), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _created(),
    )
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
    )
    op.create_table(
        "markings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.String(600), nullable=False, unique=True),
    )
    op.create_table(
        "marking_orgs",
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id"), primary_key=True),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
    )
    op.create_index("ix_datasets_name", "datasets", ["name"])
    op.create_index("ix_datasets_marking_id", "datasets", ["marking_id"])
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("forked_from_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("forked_from_version", sa.Integer(), nullable=True),
    )
    op.create_index("ix_scenarios_marking_id", "scenarios", ["marking_id"])
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scenario_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.UniqueConstraint("scenario_id", "number"),
    )
    op.create_index("ix_scenario_versions_scenario_id", "scenario_versions", ["scenario_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scenario_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _created(),
    )
    op.create_index("ix_comments_scenario_id", "comments", ["scenario_id"])
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("target_version", sa.Integer(), nullable=False),
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_proposals_target_id", "proposals", ["target_id"])
    op.create_index("ix_proposals_marking_id", "proposals", ["marking_id"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("progress_text", sa.String(300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _created(),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=False),
    )
    op.create_index("ix_runs_marking_id", "runs", ["marking_id"])
    op.create_index("ix_runs_status_id", "runs", ["status", "id"])
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("run_id", "name"),
    )
    op.create_index("ix_artifacts_run_id", "artifacts", ["run_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("marking_id", sa.Integer(), sa.ForeignKey("markings.id"), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_marking_id", "audit_log", ["marking_id"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "artifacts",
        "runs",
        "proposals",
        "comments",
        "scenario_versions",
        "scenarios",
        "datasets",
        "marking_orgs",
        "markings",
        "api_tokens",
        "login_sessions",
        "users",
        "organisations",
    ):
        op.drop_table(table)
