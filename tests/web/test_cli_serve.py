"""`positivesum workspace add-org | add-user` and `positivesum serve`'s option checks (in process)."""

from __future__ import annotations

from typer.testing import CliRunner

from positivesum.cli import app
from positivesum.workspace import db as wdb


def test_set_up_and_bad_options(tmp_path, monkeypatch):
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    ok = runner.invoke(app, ["workspace", "add-org", "JPN", "--name", "Japan MOD", "--db", url])
    assert ok.exit_code == 0 and "added organisation JPN" in ok.output
    again = runner.invoke(app, ["workspace", "add-org", "JPN", "--db", url])
    assert again.exit_code == 2 and "organisation 'JPN' already exists" in again.output
    monkeypatch.setenv("POSITIVESUM_PASSWORD", "a long enough password")
    ok = runner.invoke(app, ["workspace", "add-user", "hanako", "--org", "JPN", "--role", "administrator", "--db", url])
    assert ok.exit_code == 0 and "added hanako (administrator, JPN)" in ok.output
    bad = runner.invoke(app, ["workspace", "add-user", "taro", "--org", "JPM", "--db", url])
    assert bad.exit_code == 2 and "no organisation 'JPM'" in bad.output
    for args, fragment in (
        (["serve", "--db", "mysql://x@y/z"], "unsupported database 'mysql'"),
        (["serve", "--db", url, "--port", "0"], "--port: 0 is not a port number"),
        (["serve", "--db", url, "--executor", "celery"], "no executor 'celery'"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and fragment in result.output, (args, result.output)
    wdb.dispose(url)


def test_bad_admin_options(tmp_path, monkeypatch):
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    monkeypatch.setenv("POSITIVESUM_PASSWORD", "a long enough password")
    for value, fragment in (
        ("alice", "is not USER@ORG"),
        ("alice@usa", "is not USER@ORG"),
        ("@USA", "is not USER@ORG"),
    ):
        result = runner.invoke(app, ["serve", "--db", url, "--admin", value])
        assert result.exit_code == 2 and fragment in result.output, (value, result.output)
    ok = runner.invoke(app, ["workspace", "add-org", "JPN", "--db", url])
    assert ok.exit_code == 0
    ok = runner.invoke(app, ["workspace", "add-user", "hanako", "--org", "JPN", "--db", url])
    assert ok.exit_code == 0
    result = runner.invoke(app, ["serve", "--db", url, "--admin", "hanako@USA", "--port", str(_free_port())])
    assert result.exit_code == 2 and "user 'hanako' exists in another organisation" in result.output
    wdb.dispose(url)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_readme_command_starts_a_fresh_workspace(tmp_path):
    """README: one command on a fresh clone — `POSITIVESUM_PASSWORD=… positivesum serve --admin alice@USA` —
    creates workspace.sqlite3 in the current folder, the organisation and its administrator, and serves; run
    again, it serves the same workspace (nothing is created twice)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx2 as httpx

    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, PYTHONPATH=str(src), POSITIVESUM_PASSWORD="a long passphrase", OPENBLAS_NUM_THREADS="1")
    env.pop("POSITIVESUM_WORKSPACE_DB", None)
    for attempt in (1, 2):
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "positivesum.cli", "serve", "--admin", "alice@USA", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline, up = time.monotonic() + 60, False
            while time.monotonic() < deadline and proc.poll() is None and not up:
                try:
                    up = httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200
                except httpx.HTTPError:
                    time.sleep(0.2)
            assert up, proc.stdout.read() if proc.poll() is not None else "not up in 60 s"
            r = httpx.post(
                f"http://127.0.0.1:{port}/api/login",
                json={"username": "alice", "password": "a long passphrase"},
                timeout=10,
            )
            assert r.status_code == 200 and r.json()["organisation"] == "USA" and r.json()["role"] == "administrator"
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                output = proc.communicate(timeout=30)[0]
            except subprocess.TimeoutExpired:
                proc.kill()
                output = proc.communicate()[0]
        assert ("added alice (administrator, USA)" in output) == (attempt == 1), output
        assert (tmp_path / "workspace.sqlite3").exists()
    wdb.dispose()
