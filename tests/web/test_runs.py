"""Runs from the workspace: queued in the database, executed through Dask distributed, live progress as
server-sent events, results with provenance; the briefing marked in its HTML, PDF and Excel."""

from __future__ import annotations

import json
import time

import pytest

from positivesum.workspace import db as wdb

from .conftest import make_app, populate, scenario_text


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path_factory.mktemp('runs') / 'ws.sqlite3'}"
    people = populate(url)
    with TestClient(make_app(url, executor="dask"), raise_server_exceptions=False) as client:
        us = people[("USA", "analyst")]
        r = client.post(
            "/api/scenarios",
            json={"title": "Taiwan, five days", "text": scenario_text(5), "marking": "REL TO USA, JPN"},
            headers=us.headers,
        )
        assert r.status_code == 201
        yield client, people, r.json()["id"]
    wdb.dispose(url)


def wait(client, person, run_id: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = client.get(f"/api/runs/{run_id}", headers=person.headers).json()
        if row["status"] in ("done", "failed"):
            return row
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {row['status']} after {timeout} s")


def test_simulate_run_with_progress_and_provenance(api):
    client, people, sid = api
    us, jp = people[("USA", "analyst")], people[("JPN", "viewer")]
    r = client.post(
        "/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 64, "seed": 3}}, headers=us.headers
    )
    assert r.status_code == 201 and r.json()["status"] == "queued" and r.json()["marking"] == "REL TO JPN, USA"
    rid = r.json()["id"]
    events = []
    with client.stream("GET", f"/api/runs/{rid}/events", headers=jp.headers) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if events[-1]["status"] in ("done", "failed"):
                    break
    assert events[-1]["status"] == "done", events[-1]
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and progress[-1] == 1.0 and len(events) >= 2
    row = client.get(f"/api/runs/{rid}", headers=jp.headers).json()
    prov = row["provenance"]
    assert prov["seed"] == 3 and prov["replications"] == 64 and prov["kind"] == "simulate"
    assert len(prov["data"]["data_sha256"]) == 64 and prov["scenario"] == {
        "id": sid,
        "version": 1,
        "sha256": prov["scenario"]["sha256"],
    }
    assert prov["versions"]["positivesum"] and prov["marking"] == "REL TO JPN, USA"
    assert row["result"]["meta"]["replications"] == 64 and set(row["files"]) == {"analysis.json", "summary.json"}
    summary = json.loads(client.get(f"/api/runs/{rid}/files/summary.json", headers=jp.headers).text)
    assert summary["marking"] == "REL TO JPN, USA"
    page = client.get(f"/runs/{rid}", headers=jp.headers)
    assert page.status_code == 200 and page.headers["x-marking"] == "REL TO JPN, USA"
    assert page.text.count('class="vl-spec"') >= 2 and "MARKING: REL TO JPN, USA" in page.text
    assert "シミュレーション" in client.get(f"/runs/{rid}?lang=ja", headers=jp.headers).text
    # the think tank cannot follow it
    assert client.get(f"/api/runs/{rid}/events", headers=people[("THINK", "analyst")].headers).status_code == 404


def test_bad_run_requests_are_refused_before_queueing(api):
    client, people, sid = api
    us = people[("USA", "analyst")]
    for body, text in [
        ({"kind": "simulate", "scenario": sid, "options": {"reps": 0}}, "options.reps"),
        ({"kind": "simulat", "scenario": sid}, "did you mean 'simulate'?"),
        ({"kind": "simulate", "scenario": sid, "options": {"scenario": "nowhere"}}, "options.scenario"),
        ({"kind": "briefing", "scenario": sid, "options": {"lang": "fr"}}, "options.lang"),
    ]:
        r = client.post("/api/runs", json=body, headers=us.headers)
        assert r.status_code == 400 and text in r.text, r.text
    assert (
        client.post(
            "/api/runs", json={"kind": "simulate", "scenario": sid}, headers=people[("USA", "viewer")].headers
        ).status_code
        == 403
    )
