"""Uploads: an uploaded file's ``import:`` reaches only the packaged data and the workspace's datasets the
user may read — never the server's filesystem — and malformed uploads get the command line's messages with
a 4xx, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from positivesum.workspace import db as wdb

from .conftest import make_app, populate, scenario_text


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path_factory.mktemp('uploads') / 'ws.sqlite3'}"
    people = populate(url)
    with TestClient(make_app(url), raise_server_exceptions=False) as client:
        yield client, people
    wdb.dispose(url)


def with_imports(*entries: str) -> str:
    return scenario_text(5).replace(
        "import: [positivesum:default]", "import: [positivesum:default, " + ", ".join(entries) + "]"
    )


def problems_of(client, person, text: str) -> list[str]:
    r = client.post("/api/validate", json={"text": text}, headers=person.headers)
    assert r.status_code == 200
    return [p["text"] for p in r.json()["problems"]]


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> dict[str, Path]:
    """Files of the server's filesystem an upload must never reach: a secret, links to it, a FIFO, a device."""
    root = tmp_path_factory.mktemp("server-files")
    secret = root / "secret.yaml"
    secret.write_text("sources: {}\n# SERVER-SECRET\n", encoding="utf-8")
    fifo = root / "fifo.yaml"
    os.mkfifo(fifo)
    link = root / "link.yaml"
    link.symlink_to(secret)
    return {"root": root, "secret": secret, "fifo": fifo, "link": link}


def test_imports_never_reach_the_filesystem(api, outside, monkeypatch):
    client, people = api
    us = people[("USA", "analyst")]
    # even a folder the command line would accept through $POSITIVESUM_IMPORT_ROOTS stays out of reach
    monkeypatch.setenv("POSITIVESUM_IMPORT_ROOTS", str(outside["root"]))
    hostile = [
        "../secret.yaml",
        "../../../../../../etc/passwd",
        str(outside["secret"]),
        str(outside["link"]),
        str(outside["fifo"]),
        "/dev/zero",
        "/proc/self/environ",
        "sub/secret.yaml",
        "./secret.yaml",
        "file:///etc/passwd",
        "C:\\\\Windows\\\\win.ini",
        "positivesum:../../../../../etc/passwd",
        "positivesum:/etc/passwd",
    ]
    for entry in hostile:
        found = problems_of(client, us, with_imports(f"'{entry}'"))
        assert found, entry
        text = "\n".join(found)
        assert "import[1]" in text and "SERVER-SECRET" not in text and "root:" not in text, (entry, text)
        shown = text.replace(entry, "")  # the entry itself is quoted back; nothing else of the server is shown
        assert str(outside["root"]) not in shown and "/tmp/" not in shown and "/work/" not in shown, (entry, text)
    # the packaged data is reachable (the same scenario without hostile entries validates)
    assert problems_of(client, us, scenario_text(5)) == []


def test_unreadable_dataset_names_look_missing(api):
    client, people = api
    jp, us = people[("JPN", "analyst")], people[("USA", "analyst")]
    r = client.post(
        "/api/datasets",
        json={"name": "jp-only.yaml", "text": "sources: {}\n", "marking": "JPN ONLY"},
        headers=jp.headers,
    )
    assert r.status_code == 201
    hidden = problems_of(client, us, with_imports("jp-only.yaml"))
    missing = problems_of(client, us, with_imports("no-such.yaml"))
    assert hidden == [m.replace("no-such.yaml", "jp-only.yaml") for m in missing]
    assert problems_of(client, jp, with_imports("jp-only.yaml")) == []
    # dataset names are file names, not paths
    r = client.post(
        "/api/datasets", json={"name": "../x.yaml", "text": "sources: {}\n", "marking": "JPN ONLY"}, headers=jp.headers
    )
    assert r.status_code == 400 and "not a data file name" in r.text


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    "content, ctype, status, message",
    [
        (b"scenarios: [unclosed\n", "application/yaml", 400, "x.yaml:2: (document): malformed YAML"),
        (BOMB.encode(), "application/x-yaml", 400, "(an alias bomb?)"),
        (b"a: 1\na: 2\n", "text/yaml", 400, "duplicate key"),
        (b"\xff\xfe not utf-8", "application/octet-stream", 400, "is not valid UTF-8"),
        (b"", "application/yaml", 400, "file is empty"),
        (b"x" * (10 * 1024 * 1024 + 10), "application/yaml", 413, "over the 10 MB limit"),
        (b"%PDF-1.4", "application/pdf", 415, "not YAML"),
        (b"<svg/>", "image/svg+xml", 415, "not YAML"),
    ],
)
def test_malformed_uploads_get_the_cli_messages(api, content, ctype, status, message):
    client, people = api
    r = client.post(
        "/api/scenarios/import",
        files={"file": ("x.yaml", content, ctype)},
        data={"marking": "PUBLIC"},
        headers=people[("USA", "analyst")].headers,
    )
    assert r.status_code == status, r.text[:300]
    assert message in r.text and "Traceback" not in r.text
    assert all({"file", "line", "key", "message", "fix"} <= set(p) for p in r.json()["problems"])


def test_oversized_request_is_refused_before_it_is_read(api):
    client, people = api
    r = client.post(
        "/api/validate",
        content=b"{" + b" " * (12 * 1024 * 1024) + b"}",
        headers={**people[("USA", "analyst")].headers, "content-type": "application/json"},
    )
    assert r.status_code == 413 and "over the 10 MB limit" in r.text


def test_page_form_shows_line_and_key(api):
    client, people = api
    r = client.post(
        "/scenarios",
        data={"title": "t", "marking": "USA ONLY", "text": scenario_text(5).replace("value: 5", "value: -5")},
        headers=people[("USA", "analyst")].headers,
    )
    assert r.status_code == 400
    assert "scenario.yaml:4: scenarios.taiwan_base.warning_days" in r.text
