"""`positivesum serve` (the shared workspace, :mod:`positivesum.web`) and `positivesum workspace …` (set-up:
organisations and people). The web application is started by name through uvicorn, so that the command line
never imports it (the import-linter layers keep the interfaces independent)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..model.errors import option_error
from .common import _c, guarded, out

workspace_app = typer.Typer(help=_c("Set up the shared workspace: organisations and people."), no_args_is_help=True)
DbOpt = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        help=_c(
            "Database URL (default: SQLite in workspace.sqlite3 in the current folder; PostgreSQL: postgresql+psycopg://user:password@host/db)."
        ),
        envvar="POSITIVESUM_WORKSPACE_DB",
    ),
]


def _url(db: str | None) -> str:
    from ..workspace.db import check_url, default_url

    return check_url(db) if db else default_url(Path.cwd())


@guarded
def serve(
    db: DbOpt = None,
    host: Annotated[
        str, typer.Option("--host", help=_c("Address to listen on (127.0.0.1: this machine only)."))
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=_c("Port to listen on."))] = 8000,
    executor: Annotated[
        str, typer.Option("--executor", help=_c("How runs execute: dask (Dask distributed, in-process) or inline."))
    ] = "dask",
    secure_cookies: Annotated[
        str,
        typer.Option("--secure-cookies", help=_c("auto (Secure when served over HTTPS), always or never.")),
    ] = "auto",
    admin: Annotated[
        Optional[str],
        typer.Option(
            "--admin",
            metavar="USER@ORG",
            help=_c(
                "First start: create organisation ORG and its administrator USER if they do not exist (password "
                "from $POSITIVESUM_PASSWORD or a prompt)."
            ),
        ),
    ] = None,
) -> None:
    """Start the shared workspace (web pages and API) on HOST:PORT."""
    if not 1 <= port <= 65535:
        raise option_error("--port", f"{port} is not a port number", "use e.g. --port 8000")
    if executor not in ("dask", "inline"):
        raise option_error("--executor", f"no executor '{executor}'", "use dask or inline")
    if secure_cookies not in ("auto", "always", "never"):
        raise option_error("--secure-cookies", f"'{secure_cookies}' is not a choice", "use auto, always or never")
    from ..workspace import auth

    first = auth.parse_admin(admin) if admin is not None else None
    url = _url(db)
    from ..workspace.db import migrate, sessions

    migrate(url)
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise option_error(
            "--port", f"cannot listen on {host}:{port} ({e.strerror})", "choose another --port or --host"
        ) from None
    if first is not None:
        with sessions(url).begin() as s:
            missing = auth.administrator_missing(s, *first)
        if missing:
            password = os.environ.get("POSITIVESUM_PASSWORD") or typer.prompt(
                _c("Password"), hide_input=True, confirmation_prompt=True
            )
            with sessions(url).begin() as s:
                auth.ensure_administrator(s, first[0], first[1], password)
            out.print(_c("added {user} ({role}, {org})").format(user=first[0], role="administrator", org=first[1]))
    os.environ["POSITIVESUM_WORKSPACE_DB"] = url
    os.environ["POSITIVESUM_WORKSPACE_EXECUTOR"] = executor
    os.environ["POSITIVESUM_WORKSPACE_SECURE_COOKIES"] = secure_cookies
    import uvicorn

    out.print(
        _c("workspace on http://{host}:{port}/ (database: {db})").format(host=host, port=port, db=_shown(url)),
        markup=False,
    )
    uvicorn.run(
        "positivesum.web.app:app_from_env", factory=True, host=host, port=port, log_level="warning", proxy_headers=True
    )


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@guarded
def add_org(
    code: Annotated[str, typer.Argument(help=_c("Organisation code used in markings, e.g. JPN or USA."))],
    name: Annotated[str, typer.Option("--name", help=_c("Full name."))] = "",
    db: DbOpt = None,
) -> None:
    """Add an organisation (e.g. a ministry or a think tank)."""
    from ..workspace import auth
    from ..workspace.db import migrate, sessions

    url = _url(db)
    migrate(url)
    with sessions(url).begin() as s:
        auth.add_organisation(s, code, name)
    out.print(_c("added organisation {code}").format(code=code), markup=False)


@guarded
def add_user(
    username: Annotated[str, typer.Argument(help=_c("User name."))],
    org: Annotated[str, typer.Option("--org", help=_c("Organisation code."))],
    role: Annotated[str, typer.Option("--role", help=_c("viewer, analyst or administrator."))] = "analyst",
    name: Annotated[str, typer.Option("--name", help=_c("Display name."))] = "",
    db: DbOpt = None,
) -> None:
    """Add a person; the password is read from $POSITIVESUM_PASSWORD or asked for."""
    from ..workspace import auth
    from ..workspace.db import migrate, sessions

    url = _url(db)
    migrate(url)
    with sessions(url).begin() as s:  # name, role and organisation first: nobody types a password in vain
        auth.check_new_user(s, username, org, role)
    password = os.environ.get("POSITIVESUM_PASSWORD") or typer.prompt(
        _c("Password"), hide_input=True, confirmation_prompt=True
    )
    with sessions(url).begin() as s:
        auth.add_user(s, username, password, org, role, name)
    out.print(_c("added {user} ({role}, {org})").format(user=username, role=role, org=org), markup=False)


def register(app: typer.Typer) -> None:
    """Add `serve` and the `workspace` set-up commands to ``app`` (called by :mod:`positivesum.cli`)."""
    app.command("serve", help=_c("Start the shared workspace for allies (web pages and API); see docs/workspace.md."))(
        serve
    )
    workspace_app.command("add-org", help=_c("Add an organisation (e.g. a ministry or a think tank)."))(add_org)
    workspace_app.command(
        "add-user", help=_c("Add a person to an organisation; password from $POSITIVESUM_PASSWORD or a prompt.")
    )(add_user)
    app.add_typer(workspace_app, name="workspace")
