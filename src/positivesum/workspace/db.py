"""Database engines and schema migrations.

SQLite in a local file by default (no set-up; WAL journal, foreign keys on, a busy timeout so the web
threads and the run queue share it), PostgreSQL by URL for a team (``postgresql+psycopg://user@host/db``).
The schema is built only by the Alembic migrations in :mod:`positivesum.workspace.migrations`
(:func:`migrate`), forward from an empty database.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..model.errors import InputError, Location, Problem

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def default_url(folder: Path) -> str:
    """The default database: ``workspace.sqlite3`` in ``folder``."""
    return f"sqlite:///{(Path(folder) / 'workspace.sqlite3').resolve()}"


def check_url(url: str, option: str = "--db") -> str:
    """A database URL SQLAlchemy can read, of a supported kind (SQLite or PostgreSQL)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            [
                Problem(
                    Location("<command line>", 0),
                    option,
                    "not a database URL",
                    "give e.g. sqlite:///workspace.sqlite3 or postgresql+psycopg://user:password@host/dbname",
                )
            ]
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            [
                Problem(
                    Location("<command line>", 0),
                    option,
                    f"unsupported database '{parsed.get_backend_name()}'",
                    "use SQLite (sqlite:///FILE) or PostgreSQL (postgresql+psycopg://user@host/dbname)",
                )
            ]
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable when the process dies (kill -9)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def engine_for(url: str) -> Engine:
    """One engine per URL and process (the web threads and the run tasks of this process share it)."""
    url = check_url(url)
    with _lock:
        if url not in _engines:
            if url.startswith("sqlite"):
                folder = make_url(url).database
                if folder and folder != ":memory:":
                    Path(folder).parent.mkdir(parents=True, exist_ok=True)
                eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
                event.listen(eng, "connect", _sqlite_pragmas)
            else:
                eng = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            _engines[url] = eng
        return _engines[url]


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of one engine (or of all)."""
    with _lock:
        for key in [check_url(url)] if url else list(_engines):
            eng = _engines.pop(key, None)
            if eng is not None:
                eng.dispose()


def sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = check_url(url)
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (forward from empty)."""
    from alembic import command

    cfg = alembic_config(url)
    with engine_for(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
