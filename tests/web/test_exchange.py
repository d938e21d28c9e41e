"""Scenario exchange through the API: a REL scenario shared by two ministries, versions (who, when, what
changed), the semantic diff, comments, a fork proposed back and accepted, YAML export and import that the
command line reads, and the marking of every derived object."""

from __future__ import annotations

import pytest

from positivesum.workspace import db as wdb

from .conftest import make_app, populate, scenario_text


@pytest.fixture
def api(db_url):
    from fastapi.testclient import TestClient

    people = populate(db_url)
    with TestClient(make_app(db_url), raise_server_exceptions=False) as client:
        yield client, people
    wdb.dispose(db_url)


def test_share_edit_diff_comment_fork_propose(api, tmp_path):
    client, people = api
    us, jp, think = people[("USA", "analyst")], people[("JPN", "analyst")], people[("THINK", "analyst")]
    r = client.post(
        "/api/scenarios",
        json={"title": "Taiwan, five days' warning", "text": scenario_text(5), "marking": "REL TO USA, JPN"},
        headers=us.headers,
    )
    assert r.status_code == 201 and r.headers["x-marking"] == "REL TO JPN, USA"
    sid = r.json()["id"]
    r = client.put(
        f"/api/scenarios/{sid}",
        json={"text": scenario_text(3), "message": "three days", "base_version": 1},
        headers=us.headers,
    )
    assert r.status_code == 200 and r.json() == {"id": sid, "version": 2, "changes": 1}
    # a stale editor is told to merge, not silently overwritten
    r = client.put(f"/api/scenarios/{sid}", json={"text": scenario_text(4), "base_version": 1}, headers=us.headers)
    assert r.status_code == 400 and "changed since version 1" in r.text
    # Japan sees the diff (the CLI's semantic diff) and comments
    d = client.get(f"/api/scenarios/{sid}/diff", headers=jp.headers).json()
    paths = {c["path"]: c for c in d["changes"]}
    assert d["marking"] == "REL TO JPN, USA" and d["semantic"]
    assert paths["scenarios.taiwan_base.warning_days.value"]["before"] == "5"
    assert paths["scenarios.taiwan_base.warning_days.value"]["after"] == "3"
    assert (
        client.post(f"/api/scenarios/{sid}/comments", json={"body": "三日は短すぎる"}, headers=jp.headers).status_code
        == 201
    )
    s = client.get(f"/api/scenarios/{sid}", headers=us.headers).json()
    assert [v["number"] for v in s["versions"]] == [2, 1]
    assert s["versions"][0]["author"] == "usa-analyst" and s["versions"][0]["message"] == "three days"
    assert [(c["path"], c["kind"], c["before"], c["after"]) for c in s["versions"][0]["changes"]] == [
        ("scenarios.taiwan_base.warning_days.value", "changed", "5", "3")
    ]
    assert s["comments"][0]["body"] == "三日は短すぎる" and s["comments"][0]["author"] == "jpn-analyst"
    # the think tank sees nothing of it
    assert client.get(f"/api/scenarios/{sid}", headers=think.headers).status_code == 404
    assert client.get("/api/scenarios", headers=think.headers).json() == []
    # Japan forks (the fork may not be released more widely than the original), edits, proposes back
    r = client.post(f"/api/scenarios/{sid}/fork", json={"marking": "PUBLIC"}, headers=jp.headers)
    assert r.status_code == 201 and r.json()["marking"] == "REL TO JPN, USA" and r.json()["owner"] == "JPN"
    fork = r.json()["id"]
    assert (
        client.put(
            f"/api/scenarios/{fork}", json={"text": scenario_text(4), "message": "four"}, headers=jp.headers
        ).status_code
        == 200
    )
    cross = client.get(f"/api/scenarios/{sid}/diff", params={"other": fork}, headers=us.headers).json()
    assert [c["after"] for c in cross["changes"] if c["path"].endswith("warning_days.value")] == ["4"]
    r = client.post(f"/api/scenarios/{fork}/proposals", json={"message": "four days"}, headers=jp.headers)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.post(f"/api/proposals/{pid}/accept", headers=jp.headers).status_code == 403  # not the owner
    r = client.post(f"/api/proposals/{pid}/accept", headers=us.headers)
    assert r.status_code == 200 and r.json() == {"id": pid, "version": 3, "status": "accepted"}
    # export: the YAML the command line reads, with the marking on its first line; import it back
    r = client.get(f"/api/scenarios/{sid}/export", headers=jp.headers)
    assert r.status_code == 200 and r.text.startswith("# MARKING: REL TO JPN, USA\n")
    exported = tmp_path / "exported.yaml"
    exported.write_text(r.text, encoding="utf-8")
    from positivesum.services.data import validate

    assert list(validate([exported])[0].dataset.scenarios)  # what `positivesum validate exported.yaml` loads
    r = client.post(
        "/api/scenarios/import",
        files={"file": ("exported.yaml", r.content, "application/yaml")},
        data={"marking": "JPN ONLY", "title": "re-imported"},
        headers=jp.headers,
    )
    assert r.status_code == 201 and r.json()["marking"] == "JPN ONLY"
    assert client.get(f"/api/scenarios/{r.json()['id']}", headers=us.headers).status_code == 404
    found = client.get("/api/search", params={"q": "Taiwan"}, headers=jp.headers).json()
    assert [x["id"] for x in found["scenarios"]] == [fork + 1, fork, sid]


def test_imported_datasets_mark_what_is_built_on_them(api):
    client, people = api
    jp, us = people[("JPN", "analyst")], people[("USA", "analyst")]
    data = "sources: {}\n"
    r = client.post(
        "/api/datasets", json={"name": "jsdf.yaml", "text": data, "marking": "JPN ONLY"}, headers=jp.headers
    )
    assert r.status_code == 201
    text = scenario_text(5).replace("[positivesum:default]", "[positivesum:default, jsdf.yaml]")
    # a scenario may not be released more widely than the data it imports
    r = client.post(
        "/api/scenarios", json={"title": "x", "text": text, "marking": "REL TO JPN, USA"}, headers=jp.headers
    )
    assert r.status_code == 400 and "jsdf.yaml (JPN ONLY)" in r.text
    r = client.post("/api/scenarios", json={"title": "x", "text": text, "marking": "JPN ONLY"}, headers=jp.headers)
    assert r.status_code == 201
    # the USA cannot import it, and is told exactly as if it did not exist
    r = client.post("/api/validate", json={"text": text}, headers=us.headers)
    assert not r.json()["ok"]
    assert r.json()["problems"][0]["text"].startswith(
        "scenario.yaml:1: import[1]: no workspace dataset named 'jsdf.yaml' that you may read"
    )
    # a run carries the combination of its inputs' markings
    sid = client.post(
        "/api/scenarios", json={"title": "y", "text": text, "marking": "JPN ONLY"}, headers=jp.headers
    ).json()["id"]
    r = client.post(
        "/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 8, "bogus": 1}}, headers=jp.headers
    )
    assert r.status_code == 400 and "options.bogus" in r.text
    r = client.post("/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 8}}, headers=jp.headers)
    assert r.status_code == 201 and r.json()["marking"] == "JPN ONLY"
    assert r.json()["inputs"]["datasets"][0]["name"] == "jsdf.yaml"
