"""The workspace's test fixtures: databases (SQLite, and a throwaway PostgreSQL cluster), people, clients.

PostgreSQL: a cluster is created in a temporary folder with the server binaries of the machine
(``/usr/lib/postgresql/*/bin`` or ``pg_config --bindir``; ``make system-deps`` installs them), started on a
free port of 127.0.0.1 as an unprivileged user (postgres refuses to run as root: under root it runs as the
``postgres`` user, else ``nobody``, through ``setpriv`` or ``runuser``) and removed at the end of the session. When it
cannot be started, the PostgreSQL tests fail with the reason under ``make test`` or CI
($POSITIVESUM_REQUIRE_POSTGRES or $CI), and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SCENARIO = """import: [positivesum:default]
scenarios:
  taiwan_base:
    warning_days: {value: 5, estimate: "workspace test: five days of warning"}
"""
PASSWORD = "correct horse battery"
ORGS = {"USA": "US Department of Defense", "JPN": "Japan Ministry of Defense", "THINK": "A think tank"}
ROLES = ("viewer", "analyst", "administrator")


def scenario_text(days: int = 5, note: str = "workspace test") -> str:
    return SCENARIO.replace("value: 5", f"value: {days}").replace("workspace test", note)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """argon2 with small parameters in tests (hashes record their parameters; production uses the defaults)."""
    from argon2 import PasswordHasher

    from positivesum.workspace import auth

    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


# ------------------------------------------------------------------------------------------ PostgreSQL
def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    return Path(shutil.which("initdb")).parent if shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require_postgres() -> bool:
    return bool(os.environ.get("POSITIVESUM_REQUIRE_POSTGRES") or os.environ.get("CI"))


@dataclass
class Postgres:
    url_base: str  # without the database name

    def new_database(self) -> str:
        import psycopg

        name = "ws_" + uuid.uuid4().hex[:12]
        with psycopg.connect(
            self.url_base.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"{self.url_base}/{name}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster for the session (see the module's docstring)."""
    bindir = _pg_bindir()
    if bindir is None:
        reason = "PostgreSQL's server binaries (initdb, postgres) are not installed: run `make system-deps`"
        if _require_postgres():
            pytest.fail(reason)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="positivesum-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
        shutil.chown(folder, user)
        shutil.chown(sockets, user)
        folder.chmod(0o700)
        # setpriv execs postgres itself (so signals reach it); runuser where setpriv is missing
        prefix = (
            ["setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}", "--init-groups", "--"]
            if shutil.which("setpriv")
            else ["runuser", "-u", user, "--"]
        )
    port = _free_port()
    proc = None
    try:
        init = subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "workspace",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()[-600:]}")
        proc = subprocess.Popen(
            [
                *prefix,
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(sockets),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"postgres exited: {proc.stderr.read()[-600:] if proc.stderr else ''}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("postgres did not accept connections within 30 s")
        pg = Postgres(f"postgresql+psycopg://workspace@127.0.0.1:{port}")
        for _ in range(50):  # accepting TCP before it accepts logins
            try:
                pg.new_database()
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        if proc is not None:
            proc.terminate()
        shutil.rmtree(folder, ignore_errors=True)
        reason = f"cannot start a throwaway PostgreSQL ({bindir}): {e}"
        if _require_postgres():
            pytest.fail(reason)
        pytest.skip(reason)
    yield pg
    from positivesum.workspace import db as wdb

    wdb.dispose()
    proc.send_signal(signal.SIGINT)  # fast shutdown: do not wait for idle clients
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    if proc.stderr:
        proc.stderr.close()
    shutil.rmtree(folder, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


# ----------------------------------------------------------------------------------- people and clients
@dataclass
class Person:
    username: str
    org: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def populate(url: str) -> dict[tuple[str, str], Person]:
    """Migrate, then every organisation of ORGS with one person of each role, each with an API token."""
    from positivesum.workspace import auth
    from positivesum.workspace import db as wdb

    wdb.migrate(url)
    people = {}
    with wdb.sessions(url).begin() as s:
        for code, name in ORGS.items():
            auth.add_organisation(s, code, name)
        for code in ORGS:
            for role in ROLES:
                user = auth.add_user(s, f"{code.lower()}-{role}", PASSWORD, code, role)
                people[(code, role)] = Person(user.username, code, role, auth.new_token(s, user, "tests"))
    return people


def make_app(url: str, executor: str = "none"):
    from positivesum.web.app import create_app
    from positivesum.web.deps import Settings

    return create_app(Settings(db_url=url, executor=executor, secure_cookies="never", poll_seconds=0.2))
