"""What every request shares: the database transaction, who is asking, CSRF, settings."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker

from ..workspace import auth
from ..workspace.access import Actor

SESSION_COOKIE = "ps_session"
LOGIN_CSRF_COOKIE = "ps_login_csrf"
LANG_COOKIE = "ps_lang"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Settings:
    """How the workspace runs (``positivesum serve`` options)."""

    db_url: str
    executor: str = "dask"
    """``dask`` (Dask distributed, in-process LocalCluster), ``inline`` (the dispatcher thread) or ``none`` (no
    dispatcher: runs stay queued; for tests)."""
    secure_cookies: str = "auto"
    """``auto``: cookies are Secure when the request came over HTTPS; ``always``; ``never``."""
    migrate: bool = True
    poll_seconds: float = 1.0
    stream_seconds: float = 3600.0
    """Longest life of a server-sent event stream (a browser's EventSource then reconnects)."""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Who:
    """The actor and, for a browser session, its CSRF token (None for a script's token)."""

    actor: Actor
    csrf: str | None


def factory(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


@contextlib.contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """One database transaction for the request: committed when the block ends, rolled back on an error."""
    with factory(request).begin() as db:
        yield db


def identify(request: Request) -> Who | None:
    """The actor behind the request (an API token, else the session cookie), or None."""
    header = request.headers.get("authorization", "")
    with factory(request)() as db:
        if header.lower().startswith("bearer "):
            user = auth.token_user(db, header[7:].strip())
            return Who(auth.actor_of(db, user), None) if user else None
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            found = auth.session_user(db, token)
            if found:
                return Who(auth.actor_of(db, found[0]), found[1])
    return None


async def check_csrf(request: Request, who: Who) -> None:
    """A cookie-authenticated request that changes something must echo the session's CSRF token (header
    ``X-CSRF-Token`` or form field ``csrf_token``)."""
    if request.method in SAFE_METHODS or who.csrf is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, who.csrf):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


async def api_actor(request: Request) -> Actor:
    """Dependency of every API endpoint that needs a person: 401 without one, 403 without a CSRF token."""
    who = identify(request)
    if who is None:
        raise HTTPException(401, "log in first (POST /api/login) or send Authorization: Bearer TOKEN")
    await check_csrf(request, who)
    request.state.who = who
    return who.actor


def cookie_secure(request: Request) -> bool:
    mode = request.app.state.settings.secure_cookies
    if mode == "always":
        return True
    if mode == "never":
        return False
    return request.url.scheme == "https"
