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
