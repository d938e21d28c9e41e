"""The permission matrix: every endpoint × every role × every marking × member / non-member organisation.

The endpoints are read from the application's route table, so a new endpoint is covered the day it is
added (a path parameter the matrix does not know fails the test, naming it). For every (endpoint, person,
marking) the request is made against an object of that marking whose title, text, comments, run result and
files carry a secret token; a person whose organisation the marking does not release to must never see the
token — in lists, search, diffs, exports, files, events or error messages — and an endpoint aimed at such an
object must answer exactly as for a missing one (404; 401 or the login page without a session). No request
may end in a server error. At the end the audit log must hold no read or write of a marked object by an
organisation it was not released to.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select
from starlette.routing import Route

from positivesum.workspace import db as wdb
from positivesum.workspace.models import Artifact, AuditEntry, Marking, Organisation, Run, Scenario

from .conftest import ORGS, make_app, populate, scenario_text

MARKINGS = {"public": "PUBLIC", "rel": "REL TO JPN, USA", "only": "USA ONLY"}
RELEASED = {"public": set(ORGS), "rel": {"USA", "JPN"}, "only": {"USA"}}
#: Which object a path's ``{ident}`` names, by the path's first segment after /api.
OBJECT_OF = {"scenarios": "scenario", "datasets": "dataset", "proposals": "proposal", "runs": "run"}
SKIP_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/vega.js"}


def _secret(tag: str) -> str:
    return f"SECRET{tag.upper()}{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """A database with one object of each kind for each marking, owned by the USA, carrying secrets."""
    from fastapi.testclient import TestClient

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'ws.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    people = populate(url)
    app = make_app(url)
    app.state.settings.stream_seconds = 0.5  # event streams of runs that stay queued (no executor) end soon
    with TestClient(app, raise_server_exceptions=False) as client:
        objects: dict[str, dict[str, int]] = {}
        secrets: dict[str, str] = {}
        us, jp, think = people[("USA", "analyst")], people[("JPN", "analyst")], people[("THINK", "analyst")]
        for tag, marking in MARKINGS.items():
            secret = secrets[tag] = _secret(tag)
            ids: dict[str, int] = {}
            r = client.post(
                "/api/datasets",
                json={
                    "name": f"ds-{tag}.yaml",
                    "title": f"{secret} dataset",
                    "text": f"# {secret}\nsources: {{}}\n",
                    "marking": marking,
                },
                headers=us.headers,
            )
            assert r.status_code == 201, r.text
            ids["dataset"] = r.json()["id"]
            r = client.post(
                "/api/scenarios",
                json={
                    "title": f"{secret} scenario",
                    "text": f"# {secret}\n" + scenario_text(5),
                    "marking": marking,
                    "message": secret,
                },
                headers=us.headers,
            )
            assert r.status_code == 201, r.text
            sid = ids["scenario"] = r.json()["id"]
            r = client.put(
                f"/api/scenarios/{sid}", json={"text": scenario_text(6), "message": secret}, headers=us.headers
            )
            assert r.status_code == 200, r.text
            r = client.post(f"/api/scenarios/{sid}/comments", json={"body": f"comment {secret}"}, headers=us.headers)
            assert r.status_code == 201, r.text
            # a fork proposed back: by a member of another organisation where the marking allows, else by the USA
            forker = {"public": think, "rel": jp, "only": us}[tag]
            r = client.post(f"/api/scenarios/{sid}/fork", json={}, headers=forker.headers)
            assert r.status_code == 201, r.text
            fork_id = r.json()["id"]
            r = client.put(f"/api/scenarios/{fork_id}", json={"text": scenario_text(7)}, headers=forker.headers)
            assert r.status_code == 200, r.text
            r = client.post(f"/api/scenarios/{fork_id}/proposals", json={"message": secret}, headers=forker.headers)
            assert r.status_code == 201, r.text
            ids["proposal"] = r.json()["id"]
            r = client.post(
                "/api/runs", json={"kind": "simulate", "scenario": sid, "options": {"reps": 8}}, headers=us.headers
            )
            assert r.status_code == 201, r.text
            ids["run"] = r.json()["id"]
            objects[tag] = ids
        # make the runs look finished, with a result and a file that carry the secret
        with wdb.sessions(url).begin() as s:
            for tag, ids in objects.items():
                run = s.get(Run, ids["run"])
                run.status, run.progress, run.result = "done", 1.0, f'{{"note": "{secrets[tag]}"}}'
                s.add(
                    Artifact(
                        run_id=run.id,
                        name="summary.json",
                        media_type="application/json",
                        content=secrets[tag].encode(),
                        sha256="0" * 64,
                    )
                )
        yield {
            "url": url,
            "client": client,
            "people": people,
            "objects": objects,
            "secrets": secrets,
            "app": app,
            "kind": request.param,
        }
    wdb.dispose(url)


def routes(app) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every endpoint in the application's route table, included routers unfolded."""
    out = []

    def walk(table: list[Any]) -> None:
        for route in table:
            inner = getattr(route, "original_router", None)  # FastAPI's included routers
            if inner is not None:
                walk(inner.routes)
            elif isinstance(route, Route) and route.path not in SKIP_PATHS:
                out.extend((m, route.path, route) for m in sorted(route.methods or ()) if m != "HEAD")

    walk(app.routes)
    return out


def body_model(route: Any) -> str | None:
    field = getattr(route, "body_field", None)
    if field is None:
        return None
    model = getattr(field, "type_", None) or field.field_info.annotation
    return getattr(model, "__name__", None)


def fill_path(path: str, objects: dict[str, int]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "ident":
            first = path.strip("/").split("/")[1 if path.startswith("/api/") else 0]
            if first not in OBJECT_OF:
                raise AssertionError(f"the matrix does not know what {{ident}} names in {path}: add it to OBJECT_OF")
            return str(objects[OBJECT_OF[first]])
        if name in ("number", "n"):
            return "1"
        if name == "name":
            return "summary.json"
        raise AssertionError(f"the matrix does not know the path parameter {{{name}}} of {path}: teach fill_path")

    return re.sub(r"\{(\w+)\}", one, path)


def body_for(route: Any, objects: dict[str, int], marking: str) -> dict[str, Any]:
    """A plausible request body (JSON for the API, form fields for the pages), aimed at the marking's objects."""
    examples: dict[str, dict[str, Any]] = {
        "Login": {"username": "usa-analyst", "password": "wrong password"},
        "NewToken": {"name": "matrix"},
        "NewUser": {"username": f"u{uuid.uuid4().hex[:8]}", "password": "long enough password", "role": "viewer"},
        "NewScenario": {"title": "matrix", "text": scenario_text(4), "marking": "PUBLIC"},
        "NewDataset": {"name": "matrix.yaml", "title": "matrix", "text": "sources: {}\n", "marking": "PUBLIC"},
        "Edit": {"text": scenario_text(8), "message": "matrix"},
        "Check": {"text": scenario_text(4)},
        "NewComment": {"body": "matrix"},
        "ForkRequest": {},
        "ProposalRequest": {"message": "matrix"},
        "MarkingChange": {"marking": marking},  # the same marking: members change nothing that matters
        "NewRun": {"kind": "simulate", "scenario": objects["scenario"], "options": {"reps": 8}},
    }
    model = body_model(route)
    if model is not None:
        return {"json": examples.get(model, {})}
    form = {
        "title": "matrix",
        "text": scenario_text(4),
        "marking": marking,
        "body": "matrix",
        "message": "matrix",
        "kind": "simulate",
        "scenario": str(objects["scenario"]),
        "reps": "8",
        "decision": "reject",
        "name": "matrix",
        "username": "usa-analyst",
        "password": "wrong password",
    }
    return {"data": form}


def fresh_object(world: dict[str, Any], kind: str, tag: str) -> int:
    """A new object of ``kind`` with ``tag``'s marking, owned by the USA and carrying ``tag``'s secret: what a
    DELETE is aimed at, so that the matrix never deletes the objects the other endpoints are checked against."""
    client, us, secret = world["client"], world["people"][("USA", "analyst")], world["secrets"][tag]
    marking = MARKINGS[tag]
    if kind == "dataset":
        body = {"name": f"gone-{tag}.yaml", "title": f"{secret} doomed", "text": "sources: {}\n", "marking": marking}
        r = client.post("/api/datasets", json=body, headers=us.headers)
    elif kind == "scenario":
        body = {"title": f"{secret} doomed", "text": f"# {secret}\n" + scenario_text(5), "marking": marking}
        r = client.post("/api/scenarios", json=body, headers=us.headers)
    else:
        body = {"kind": "simulate", "scenario": world["objects"][tag]["scenario"], "options": {"reps": 8}}
        r = client.post("/api/runs", json=body, headers=us.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def may_delete(person: Any, tag: str) -> bool:
    """Analysts and administrators of the owning organisation (the USA) delete; nobody else."""
    return person is not None and person.org == "USA" and person.role in ("analyst", "administrator")


def variants(method: str, path: str, route: Any, objects: dict[str, dict[str, int]], tag: str, world=None):
    """(url, request kwargs) for one marking: aimed at its objects, plus a cross diff from a PUBLIC scenario."""
    own = objects[tag]
    if method == "DELETE":
        first = path.strip("/").split("/")[1 if path.startswith("/api/") else 0]
        kind = OBJECT_OF[first]
        own = {**own, kind: fresh_object(world, kind, tag)}
    url = fill_path(path, own)
    kwargs = body_for(route, own, MARKINGS[tag]) if method in ("POST", "PUT") else {}
    if path.startswith("/api/") and path.endswith("/import"):
        kwargs = {
            "files": {"file": ("x.yaml", scenario_text(4).encode(), "application/yaml")},
            "data": {"marking": "PUBLIC"},
        }
    params = {"q": "SECRET"}
    aimed = "{ident}" in path or (method == "POST" and path in ("/api/runs", "/runs"))
    yield url, params, kwargs, aimed
    if path.endswith("/diff"):
        yield fill_path(path, objects["public"]), {"other": own["scenario"], "a": 1}, {}, True


def test_permission_matrix(world):
    client, people, objects, secrets = world["client"], world["people"], world["objects"], world["secrets"]
    # every role of a member of every marking's organisations (USA) and of a non-member (THINK: PUBLIC only);
    # JPN, a member of REL TO JPN, USA but not of USA ONLY, mixes the two and is checked in the controls below
    persons = [None, *(p for p in people.values() if p.org != "JPN")]
    if world["kind"] == "postgresql":  # the same SQL on PostgreSQL: every non-member role, one member (time budget)
        persons = [p for p in persons if p is None or p.org == "THINK" or (p.org, p.role) == ("USA", "analyst")]
    checked = 0
    deleted: Counter[tuple[str, str]] = Counter()
    for method, path, route in routes(world["app"]):
        for tag in MARKINGS:
            for person in persons:
                for url, params, kwargs, aimed in variants(method, path, route, objects, tag, world):
                    headers = person.headers if person else {}
                    r = client.request(method, url, params=params, headers=headers, follow_redirects=False, **kwargs)
                    where = f"{method} {url} as {person.username if person else 'anonymous'} on {MARKINGS[tag]}"
                    assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
                    member = person is not None and person.org in RELEASED[tag]
                    if method == "DELETE" and member:  # the owner's analysts and administrators, else 403
                        assert r.status_code == (200 if may_delete(person, tag) else 403), f"{where}: {r.status_code}"
                        if r.status_code == 200:
                            assert r.json()["deleted"] and r.headers["x-marking"] == MARKINGS[tag]
                            gone = client.get(url, headers=headers)
                            assert gone.status_code == 404, f"{where}: still there after deleting"
                            deleted[(path, tag)] += 1
                    if member:
                        continue
                    for other, secret in secrets.items():
                        if person is None or person.org not in RELEASED[other]:
                            blob = r.text + " ".join(f"{k}: {v}" for k, v in r.headers.items())
                            assert secret not in blob, f"LEAK of {MARKINGS[other]} object: {where} → {r.status_code}"
                    if aimed:  # answered as for a missing object (422: a body the schema refuses, before any look-up)
                        expected = ({401, 303} if person is None else {404}) | {422}
                        assert r.status_code in expected, f"{where}: {r.status_code} {r.text[:200]}"
                    checked += 1
    assert checked > 300
    # every delete endpoint was exercised on every marking by the owner's analysts and administrators
    delete_paths = {path for method, path, _route in routes(world["app"]) if method == "DELETE"}
    assert {"/api/scenarios/{ident}", "/api/datasets/{ident}", "/api/runs/{ident}"} <= delete_paths
    assert all(deleted[(path, tag)] >= 1 for path in delete_paths for tag in MARKINGS), deleted
    # positive control: members do see their objects (the matrix is not vacuous)
    listing = client.get("/api/scenarios", headers=people[("JPN", "viewer")].headers).text
    assert secrets["rel"] in listing and secrets["public"] in listing and secrets["only"] not in listing
    # the audit log: no read or write of a marked object by an organisation it was not released to
    with wdb.sessions(world["url"])() as s:
        codes = {i: c for i, c in s.execute(select(Organisation.id, Organisation.code))}
        texts = {i: t for i, t in s.execute(select(Marking.id, Marking.text))}
        for entry in s.scalars(select(AuditEntry).where(AuditEntry.org_id.is_not(None))):
            marking = texts[entry.marking_id]
            org = codes[entry.org_id]
            assert marking == "PUBLIC" or org in marking, (
                entry.action,
                entry.object_type,
                entry.object_id,
                marking,
                org,
            )
        for tag, ids in objects.items():
            assert texts[s.get(Scenario, ids["scenario"]).marking_id] == MARKINGS[tag]
        # every deletion of a marked object is in the audit log, with its marking
        logged = {
            (e.object_type, texts[e.marking_id])
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "delete"))
        }
        assert {(kind, m) for kind in ("scenario", "dataset", "run") for m in MARKINGS.values()} <= logged


def test_roles(world):
    """Viewers read but do not write; only the owning organisation edits; only administrators re-mark."""
    client, people, objects = world["client"], world["people"], world["objects"]
    sid = objects["rel"]["scenario"]
    r = client.put(f"/api/scenarios/{sid}", json={"text": scenario_text(9)}, headers=people[("JPN", "analyst")].headers)
    assert r.status_code == 403 and "fork" in r.json()["detail"]
    r = client.post(f"/api/scenarios/{sid}/comments", json={"body": "x"}, headers=people[("JPN", "viewer")].headers)
    assert r.status_code == 403
    r = client.put(
        f"/api/scenarios/{sid}/marking", json={"marking": "PUBLIC"}, headers=people[("USA", "analyst")].headers
    )
    assert r.status_code == 403
    r = client.put(
        f"/api/scenarios/{sid}/marking",
        json={"marking": "THINK ONLY"},
        headers=people[("USA", "administrator")].headers,
    )
    assert r.status_code == 400 and "does not release to your own organisation" in r.text
    r = client.get("/api/audit", headers=people[("USA", "analyst")].headers)
    assert r.status_code == 403
    # a fork cannot be re-marked more widely than its origin
    fork = client.post(
        f"/api/scenarios/{sid}/fork", json={"marking": "PUBLIC"}, headers=people[("USA", "analyst")].headers
    ).json()
    assert fork["marking"] == "REL TO JPN, USA"  # combined with the origin's marking
    r = client.put(
        f"/api/scenarios/{fork['id']}/marking",
        json={"marking": "PUBLIC"},
        headers=people[("USA", "administrator")].headers,
    )
    assert r.status_code == 400 and "more widely" in r.text
