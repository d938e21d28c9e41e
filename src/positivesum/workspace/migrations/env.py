"""Alembic environment: migrations run on the connection :func:`positivesum.workspace.db.migrate` passes."""

from __future__ import annotations

from alembic import context

from positivesum.workspace.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the workspace always passes a connection
    raise RuntimeError("run the workspace migrations through positivesum.workspace.db.migrate")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
