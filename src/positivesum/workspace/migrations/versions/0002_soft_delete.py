"""Deleting datasets, scenarios and runs: ``deleted_at`` and ``deleted_by`` on each (a deleted object is kept,
with its audit trail, and is no longer found by any query; docs/workspace.md, "Deleting").

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from positivesum.workspace.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("datasets", "scenarios", "runs")


def upgrade() -> None:
    for table in TABLES:  # batch: SQLite adds a foreign key only by copying the table
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("deleted_at", UTCDateTime(), nullable=True))
            batch.add_column(sa.Column("deleted_by", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_deleted_by", "users", ["deleted_by"], ["id"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_deleted_by", type_="foreignkey")
            batch.drop_column("deleted_by")
            batch.drop_column("deleted_at")
