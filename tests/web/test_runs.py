"""Runs from the workspace: queued in the database, executed through Dask distributed, live progress as
server-sent events, results with provenance; the briefing marked in its HTML, PDF and Excel."""

from __future__ import annotations

import html
import json
import os
import re
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
    # executed by the Dask worker process, not in the server's process (whose threads serve the pages)
    assert prov["executed_by"]["pid"] != os.getpid()
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


def test_the_run_list_follows_queued_and_running_runs_live(tmp_path):
    """/api/run-events: one stream for the run list, with the marking filter of every other query; the runs page
    carries what the script needs (tests/web/test_browser.py drives it in Chromium)."""
    import threading

    from fastapi.testclient import TestClient

    from positivesum.workspace.models import Run

    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    people = populate(url)
    us, jp, think = people[("USA", "analyst")], people[("JPN", "viewer")], people[("THINK", "analyst")]
    with TestClient(make_app(url), raise_server_exceptions=False) as client:  # no executor: runs stay queued
        ids = []
        for marking in ("REL TO USA, JPN", "USA ONLY"):
            sid = client.post(
                "/api/scenarios",
                json={"title": f"live {marking}", "text": scenario_text(5), "marking": marking},
                headers=us.headers,
            ).json()["id"]
            r = client.post(
                "/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 8}}, headers=us.headers
            )
            assert r.status_code == 201
            ids.append(r.json()["id"])
        rel, only = ids

        def progress_then_done() -> None:
            time.sleep(1.0)
            for status, fraction, text in [("running", 0.5, "simulating: 4 of 8"), ("done", 1.0, "done")]:
                with wdb.sessions(url).begin() as s:
                    run = s.get(Run, rel)
                    run.status, run.progress, run.progress_text = status, fraction, text
                if status == "running":
                    time.sleep(1.0)
            with wdb.sessions(url).begin() as s:
                s.get(Run, only).status = "failed"

        def read(person, q: str | None = None, first: bool = False) -> list[tuple[str, dict]]:
            events, kind = [], None
            params = {"q": q} if q else {}
            with client.stream("GET", "/api/run-events", params=params, headers=person.headers) as stream:
                assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        events.append((kind, json.loads(line[6:])))
                        if kind == "end" or first:
                            break
            return events

        # the list's search filter applies to the stream too (a run outside it would never be on the page)
        assert read(jp, "no such title") == [("end", {})]
        assert [(kind, e["id"]) for kind, e in read(jp, "live REL", first=True)] == [("progress", rel)]
        worker = threading.Thread(target=progress_then_done)
        worker.start()
        seen = read(jp)
        worker.join()
        assert seen[-1][0] == "end"
        states = [(e["id"], e["status"], e["progress"]) for kind, e in seen if kind == "progress"]
        assert (
            states[0] == (rel, "queued", 0.0) and (rel, "running", 0.5) in states and states[-1] == (rel, "done", 1.0)
        )
        assert all(e["id"] == rel and e["marking"] == "REL TO JPN, USA" for kind, e in seen if kind == "progress")
        assert "live USA ONLY" not in json.dumps(seen)  # the USA ONLY run is never reported to Japan
        # the think tank may read neither run: nothing but the end of the stream
        assert read(think) == [("end", {})]
        assert client.get("/api/run-events").status_code == 401
        # the page: rows with their status and progress, and the labels the script writes in the reader's language
        page = client.get("/runs?lang=ja", headers=jp.headers)
        assert page.status_code == 200 and f'data-run="{rel}"' in page.text and f'data-run="{only}"' not in page.text
        assert 'class="progress-text"' in page.text
        labels = re.search(r"data-labels='([^']*)'", page.text)
        assert labels and json.loads(html.unescape(labels.group(1)))["running"] == "実行中"
    wdb.dispose(url)
