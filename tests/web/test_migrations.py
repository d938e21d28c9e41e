"""The schema: Alembic migrations run forward from an empty database on SQLite and PostgreSQL, and the tables
they build are the ones the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from positivesum.workspace import db as wdb
from positivesum.workspace.models import Base


def test_migrations_run_forward_from_empty(db_url):
    assert wdb.current_revision(db_url) is None
    wdb.migrate(db_url)
    assert wdb.current_revision(db_url) == "0002"
    wdb.migrate(db_url)  # idempotent: a restarted server migrates again
    tables = set(inspect(wdb.engine_for(db_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with wdb.engine_for(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff
    wdb.dispose(db_url)


def test_bad_database_urls_are_input_errors():
    from positivesum.model.errors import InputError

    for url in ("not a url", "mysql://x@y/z"):
        try:
            wdb.check_url(url)
        except InputError as e:
            assert "--db" in e.render()
        else:
            raise AssertionError(url)
    assert wdb.check_url("postgresql://u@h/d").startswith("postgresql+psycopg://")
