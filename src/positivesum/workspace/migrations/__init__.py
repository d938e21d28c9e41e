"""Alembic migrations of the workspace database (run by :func:`positivesum.workspace.db.migrate`)."""
