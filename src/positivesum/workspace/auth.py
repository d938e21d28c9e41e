"""People and organisations: accounts with argon2 password hashes, browser sessions, tokens for scripts.

Passwords are hashed with argon2id (argon2-cffi's defaults). Session cookies and API tokens are random
(``secrets.token_urlsafe``); the database keeps only their SHA-256, so a copy of the database lets nobody log
in. Every session has its own CSRF token, which forms and cookie-authenticated API calls must send back.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import markings as mk
from .access import Actor, input_problem
from .models import ROLES, ApiToken, LoginSession, Organisation, User, now

SESSION_HOURS = 12
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_dummy: str | None = None


def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that a wrong name costs as long as a wrong
    password (made on first use: hashing takes a good part of a second)."""
    global _dummy
    if _dummy is None:
        _dummy = _hasher.hash("not a password of anyone")
    return _dummy


def set_hasher(hasher: PasswordHasher) -> None:
    """Use other argon2 parameters (tests use cheaper ones; hashes record their parameters)."""
    global _hasher, _dummy
    _hasher, _dummy = hasher, None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(db: Session, user: User) -> Actor:
    org = db.get(Organisation, user.org_id)
    assert org is not None
    return Actor(user.id, user.username, user.display_name, org.id, org.code, user.role)


def add_organisation(db: Session, code: str, name: str) -> Organisation:
    if not mk.ORG_CODE.match(code or ""):
        raise input_problem(
            "code", f"'{code}' is not an organisation code", "use 2–24 capitals, digits, - or _, e.g. JPN or MOD-JP"
        )
    if code in ("PUBLIC", "REL", "TO", "ONLY"):
        raise input_problem("code", f"'{code}' is a word of the markings", "choose another code")
    if db.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise input_problem("code", f"organisation '{code}' already exists", "choose another code")
    org = Organisation(code=code, name=(name or code)[:200])
    db.add(org)
    db.flush()
    return org


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise input_problem("password", f"shorter than {MIN_PASSWORD} characters", "choose a longer password")
    if len(password) > 1024:
        raise input_problem("password", "longer than 1,024 characters", "choose a shorter password")


def check_new_user(db: Session, username: str, org_code: str, role: str) -> Organisation:
    """Everything about a new account but its password (checked before anyone is asked for one)."""
    if not USERNAME.match(username or ""):
        raise input_problem("username", f"'{username}' is not a user name", "use 2–64 letters, digits, '.', '-' or '_'")
    if role not in ROLES:
        raise input_problem("role", f"no role '{role}'", f"use one of: {', '.join(ROLES)}")
    org = db.scalar(select(Organisation).where(Organisation.code == org_code))
    if org is None:
        raise input_problem(
            "organisation", f"no organisation '{org_code}'", "create it first (positivesum workspace add-org)"
        )
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise input_problem("username", f"user '{username}' already exists", "choose another name")
    return org


def add_user(db: Session, username: str, password: str, org_code: str, role: str, display_name: str = "") -> User:
    org = check_new_user(db, username, org_code, role)
    check_password(password)
    user = User(
        username=username,
        display_name=(display_name or username)[:200],
        password_hash=_hasher.hash(password),
        org_id=org.id,
        role=role,
        active=True,
    )
    db.add(user)
    db.flush()
    return user


def parse_admin(value: str) -> tuple[str, str]:
    """``USER@ORG`` (``serve --admin``) as (user name, organisation code), both checked."""
    username, _at, org_code = (value or "").rpartition("@")
    if not _at or not USERNAME.match(username) or not mk.ORG_CODE.match(org_code):
        raise input_problem(
            "--admin",
            f"'{value}' is not USER@ORG",
            "give e.g. --admin alice@USA (a user name, @, an organisation code)",
        )
    return username, org_code


def administrator_missing(db: Session, username: str, org_code: str) -> bool:
    """Whether ``serve --admin USER@ORG`` has to create the administrator (False: they exist already, in that
    organisation; a user of that name elsewhere is an error)."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        return True
    org = db.get(Organisation, user.org_id)
    if org is None or org.code != org_code:
        raise input_problem(
            "--admin",
            f"user '{username}' exists in another organisation",
            "give their own organisation, or another name",
        )
    return False


def ensure_administrator(db: Session, username: str, org_code: str, password: str) -> User:
    """Create organisation ``org_code`` if missing, and ``username`` as its administrator."""
    if db.scalar(select(Organisation.id).where(Organisation.code == org_code)) is None:
        add_organisation(db, org_code, org_code)
    return add_user(db, username, password, org_code, "administrator")


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with that name and password, else None (same time either way)."""
    user = db.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def open_session(db: Session, user: User) -> tuple[str, str]:
    """A new browser session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now()))
    db.add(
        LoginSession(
            token_hash=digest(token),
            csrf_token=csrf,
            user_id=user.id,
            expires_at=now() + _dt.timedelta(hours=SESSION_HOURS),
        )
    )
    db.flush()
    return token, csrf


def close_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))


def session_user(db: Session, token: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session cookie, else None."""
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    if row is None or row.expires_at < now():
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row.csrf_token


def new_token(db: Session, user: User, name: str) -> str:
    """A token for scripts; shown once, stored as its SHA-256."""
    token = "ps_" + secrets.token_urlsafe(32)
    db.add(ApiToken(token_hash=digest(token), name=(name or "script")[:100], user_id=user.id))
    db.flush()
    return token


def token_user(db: Session, token: str) -> User | None:
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None:
        return None
    user = db.get(User, row.user_id)
    return user if user is not None and user.active else None
