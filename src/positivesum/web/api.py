"""The JSON API (``/api``): what the pages do, for scripts (``Authorization: Bearer TOKEN``) and tests.

Every endpoint that returns a marked object says its marking (field ``marking`` and header ``X-Marking``);
objects the caller may not read answer 404 exactly as missing ones do. The schema is at ``/openapi.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from ..model.errors import InputError
from ..model.yamlio import MAX_FILE_BYTES
from ..workspace import auth, jobs, runs, store
from ..workspace.access import Actor, NotFound, input_problem, require_role
from ..workspace.loading import decode
from .deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, api_actor, cookie_secure, transaction
from .errors import TooLarge, WrongType
from .ratelimit import client_address

router = APIRouter(prefix="/api", tags=["workspace"])
#: Largest id or version number accepted (the databases' 32-bit integers); larger ones are refused (422).
MAX_ID = 2**31 - 1
Ident = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalNumber = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Who = Depends(api_actor)
YAML_TYPES = (
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "text/plain",
    "application/octet-stream",
    "",
)


def marked(payload: Any, marking: str, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers={"X-Marking": marking})


class Login(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class NewToken(BaseModel):
    name: str = Field("script", max_length=100)


class NewUser(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    role: str = Field(max_length=16)
    display_name: str = Field("", max_length=200)


class NewScenario(BaseModel):
    title: str = Field(max_length=200)
    text: str = Field(max_length=MAX_FILE_BYTES)
    marking: str = Field(max_length=600)
    message: str = Field("", max_length=2000)


class NewDataset(BaseModel):
    name: str = Field(max_length=100)
    title: str = Field("", max_length=200)
    text: str = Field(max_length=MAX_FILE_BYTES)
    marking: str = Field(max_length=600)


class Edit(BaseModel):
    text: str = Field(max_length=MAX_FILE_BYTES)
    message: str = Field("", max_length=2000)
    base_version: int | None = Field(None, ge=1, le=MAX_ID)


class Check(BaseModel):
    text: str = Field(max_length=MAX_FILE_BYTES)


class NewComment(BaseModel):
    body: str = Field(max_length=10_000)


class ForkRequest(BaseModel):
    marking: str | None = Field(None, max_length=600)
    title: str | None = Field(None, max_length=200)


class ProposalRequest(BaseModel):
    message: str = Field("", max_length=2000)


class MarkingChange(BaseModel):
    marking: str = Field(max_length=600)


class NewRun(BaseModel):
    kind: str = Field(max_length=32)
    scenario: int = Field(ge=1, le=MAX_ID)
    version: int | None = Field(None, ge=1, le=MAX_ID)
    options: dict[str, Any] = Field(default_factory=dict)


# ------------------------------------------------------------------------------------- people, sessions
@router.post("/login")
def login(body: Login, request: Request) -> JSONResponse:
    """Open a browser session (cookie) and return its CSRF token, to send as ``X-CSRF-Token``. Failed log-ins
    are limited per account and per address (429 with ``Retry-After``; :mod:`positivesum.web.ratelimit`)."""
    limiter, address = request.app.state.login_limiter, client_address(request)
    wait = limiter.wait_seconds(body.username, address)
    if wait:
        raise HTTPException(429, limiter.message(wait), headers={"Retry-After": str(wait)})
    with transaction(request) as db:
        user = auth.authenticate(db, body.username, body.password)
        if user is None:
            limiter.failed(body.username, address)
            raise HTTPException(401, "wrong user name or password")
        token, csrf = auth.open_session(db, user)
        actor = auth.actor_of(db, user)
    limiter.succeeded(body.username)
    response = JSONResponse(
        {"user": actor.username, "organisation": actor.org_code, "role": actor.role, "csrf_token": csrf}
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        max_age=auth.SESSION_HOURS * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, actor: Actor = Who) -> JSONResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with transaction(request) as db:
            auth.close_session(db, token)
    response = JSONResponse({"logged_out": True})
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/me")
def me(actor: Actor = Who) -> dict[str, Any]:
    return {"user": actor.username, "name": actor.display_name, "organisation": actor.org_code, "role": actor.role}


@router.post("/tokens", status_code=201)
def create_token(body: NewToken, request: Request, actor: Actor = Who) -> dict[str, str]:
    """A token for scripts (shown once): send it as ``Authorization: Bearer TOKEN``."""
    with transaction(request) as db:
        user = db.get(auth.User, actor.user_id)
        assert user is not None
        return {"token": auth.new_token(db, user, body.name)}


@router.get("/organisations")
def organisations(request: Request, actor: Actor = Who) -> list[dict[str, str]]:
    with transaction(request) as db:
        return store.organisations(db)


@router.get("/users")
def users(request: Request, actor: Actor = Who) -> list[dict[str, Any]]:
    """The people of the administrator's own organisation."""
    require_role(actor, "administrator", "listing people")
    from sqlalchemy import select

    with transaction(request) as db:
        rows = db.scalars(select(auth.User).where(auth.User.org_id == actor.org_id).order_by(auth.User.username))
        return [{"username": u.username, "name": u.display_name, "role": u.role, "active": u.active} for u in rows]


@router.post("/users", status_code=201)
def create_user(body: NewUser, request: Request, actor: Actor = Who) -> dict[str, Any]:
    """An administrator adds a person to their own organisation."""
    require_role(actor, "administrator", "adding people")
    with transaction(request) as db:
        user = auth.add_user(db, body.username, body.password, actor.org_code, body.role, body.display_name)
        return {"username": user.username, "organisation": actor.org_code, "role": user.role}


# ---------------------------------------------------------------------------------------------- uploads
async def read_upload(file: UploadFile) -> tuple[str, str]:
    """(file name, text) of an uploaded YAML file: content type, 10 MB and UTF-8 checked as the CLI does."""
    name = (file.filename or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1][:100] or "upload.yaml"
    ctype = (file.content_type or "").split(";")[0].strip().lower()
    if ctype not in YAML_TYPES:
        raise WrongType(
            input_problem(
                "file",
                f"the upload's content type is {ctype[:80]}, not YAML",
                "upload a YAML data file (.yaml)",
                where=name,
            ).problems
        )
    raw = await file.read(MAX_FILE_BYTES + 1)
    try:
        return name, decode(raw, name, size=file.size)
    except InputError as e:
        if len(raw) > MAX_FILE_BYTES:
            raise TooLarge(e.problems) from None
        raise


# --------------------------------------------------------------------------------------------- datasets
@router.get("/datasets")
def list_datasets(
    request: Request, q: str | None = Query(None, max_length=200), actor: Actor = Who
) -> list[dict[str, Any]]:
    with transaction(request) as db:
        return store.list_datasets(db, actor, q)


@router.post("/datasets", status_code=201)
def create_dataset(body: NewDataset, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.create_dataset(db, actor, body.name, body.title, body.text, body.marking)
    return marked(row, row["marking"], 201)


@router.post("/datasets/import", status_code=201)
async def import_dataset(
    request: Request,
    file: UploadFile = File(...),
    marking: str = Form(..., max_length=600),
    title: str = Form("", max_length=200),
    actor: Actor = Who,
) -> JSONResponse:
    """Upload a data file (multipart) other files may import by its file name."""
    name, text = await read_upload(file)
    with transaction(request) as db:
        row = store.create_dataset(db, actor, name, title or name, text, marking)
    return marked(row, row["marking"], 201)


@router.get("/datasets/{ident}")
def get_dataset(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.get_dataset(db, actor, ident)
    return marked(row, row["marking"])


@router.delete("/datasets/{ident}")
def delete_dataset(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    """Delete a dataset (analysts and administrators of its organisation; kept in the audit log)."""
    with transaction(request) as db:
        row = store.delete_dataset(db, actor, ident)
    return marked(row, row["marking"])


@router.get("/datasets/{ident}/export")
def export_dataset(ident: Ident, request: Request, actor: Actor = Who) -> Response:
    with transaction(request) as db:
        row = store.get_dataset(db, actor, ident)
    text = f"# MARKING: {row['marking']}\n" + row["text"]
    return yaml_download(row["name"], text, row["marking"])


def yaml_download(name: str, text: str, marking: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Marking": marking},
    )


# -------------------------------------------------------------------------------------------- scenarios
@router.post("/validate")
def validate(body: Check, request: Request, actor: Actor = Who) -> dict[str, Any]:
    """Check a scenario file as `positivesum validate` would (nothing stored): ``ok`` and the problems."""
    with transaction(request) as db:
        return store.validate_text(db, actor, body.text)


@router.get("/scenarios")
def list_scenarios(
    request: Request, q: str | None = Query(None, max_length=200), actor: Actor = Who
) -> list[dict[str, Any]]:
    with transaction(request) as db:
        return store.list_scenarios(db, actor, q)


@router.post("/scenarios", status_code=201)
def create_scenario(body: NewScenario, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.create_scenario(db, actor, body.title, body.text, body.marking, body.message)
    return marked(row, row["marking"], 201)


@router.post("/scenarios/import", status_code=201)
async def import_scenario(
    request: Request,
    file: UploadFile = File(...),
    marking: str = Form(..., max_length=600),
    title: str = Form("", max_length=200),
    actor: Actor = Who,
) -> JSONResponse:
    """Upload a scenario file (multipart), the same YAML the command line reads."""
    name, text = await read_upload(file)
    with transaction(request) as db:
        row = store.create_scenario(db, actor, title or name, text, marking, f"imported from {name}", name=name)
    return marked(row, row["marking"], 201)


@router.get("/scenarios/{ident}")
def get_scenario(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.get_scenario(db, actor, ident)
    return marked(row, row["marking"])


@router.put("/scenarios/{ident}")
def edit_scenario(ident: Ident, body: Edit, request: Request, actor: Actor = Who) -> dict[str, Any]:
    """Save a new version (analysts and administrators of the scenario's organisation)."""
    with transaction(request) as db:
        return store.update_scenario(db, actor, ident, body.text, body.message, body.base_version)


@router.delete("/scenarios/{ident}")
def delete_scenario(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    """Delete a scenario (analysts and administrators of its organisation); its open proposals are withdrawn."""
    with transaction(request) as db:
        row = store.delete_scenario(db, actor, ident)
    return marked(row, row["marking"])


@router.get("/scenarios/{ident}/versions/{number}")
def get_version(ident: Ident, number: Number, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.get_version(db, actor, ident, number)
    return marked(row, row["marking"])


@router.get("/scenarios/{ident}/export")
def export_scenario(ident: Ident, request: Request, version: OptionalNumber = None, actor: Actor = Who) -> Response:
    """The version as the YAML file the command line reads, with the marking in its first lines."""
    with transaction(request) as db:
        name, text, marking = store.export_version(db, actor, ident, version)
    return yaml_download(name, text, marking)


@router.get("/scenarios/{ident}/diff")
def diff(
    ident: Ident,
    request: Request,
    a: OptionalNumber = None,
    b: OptionalNumber = None,
    other: OptionalNumber = None,
    other_version: OptionalNumber = None,
    actor: Actor = Who,
) -> JSONResponse:
    """The semantic diff of versions ``a`` → ``b`` of this scenario (default: the last two), or of this
    scenario's version ``a`` → scenario ``other``'s ``other_version``. Marked as the combination of both."""
    with transaction(request) as db:
        if other is not None:
            row = store.diff(db, actor, (ident, a), (other, other_version))
        else:
            latest = store.get_version(db, actor, ident)["number"]
            first = a if a is not None else max(1, latest - 1)
            row = store.diff(db, actor, (ident, first), (ident, b if b is not None else latest))
    return marked(row, row["marking"])


@router.post("/scenarios/{ident}/comments", status_code=201)
def comment(ident: Ident, body: NewComment, request: Request, actor: Actor = Who) -> dict[str, Any]:
    with transaction(request) as db:
        return store.add_comment(db, actor, ident, body.body)


@router.post("/scenarios/{ident}/fork", status_code=201)
def fork(ident: Ident, body: ForkRequest, request: Request, actor: Actor = Who) -> JSONResponse:
    """Copy the scenario into your organisation (marked at least as restrictively as the original)."""
    with transaction(request) as db:
        row = store.fork(db, actor, ident, body.marking, body.title)
    return marked(row, row["marking"], 201)


@router.post("/scenarios/{ident}/proposals", status_code=201)
def propose(ident: Ident, body: ProposalRequest, request: Request, actor: Actor = Who) -> JSONResponse:
    """Propose this fork's latest version back to the scenario it was forked from."""
    with transaction(request) as db:
        row = store.propose(db, actor, ident, body.message)
    return marked(row, row["marking"], 201)


@router.put("/scenarios/{ident}/marking")
def remark(ident: Ident, body: MarkingChange, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.set_marking(db, actor, ident, body.marking)
    return marked(row, row["marking"])


@router.get("/proposals")
def list_proposals(request: Request, actor: Actor = Who) -> list[dict[str, Any]]:
    with transaction(request) as db:
        return store.list_proposals(db, actor)


@router.get("/proposals/{ident}")
def get_proposal(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        row = store.get_proposal(db, actor, ident)
    return marked(row, row["marking"])


@router.post("/proposals/{ident}/accept")
def accept(ident: Ident, request: Request, actor: Actor = Who) -> dict[str, Any]:
    with transaction(request) as db:
        return store.decide(db, actor, ident, True)


@router.post("/proposals/{ident}/reject")
def reject(ident: Ident, request: Request, actor: Actor = Who) -> dict[str, Any]:
    with transaction(request) as db:
        return store.decide(db, actor, ident, False)


# ------------------------------------------------------------------------------------------------- runs
@router.get("/run-kinds")
def run_kinds(actor: Actor = Who) -> list[dict[str, Any]]:
    return [
        {
            "kind": k.name,
            "label": k.label,
            "options": [{"name": o.name, "default": o.default, "help": o.help} for o in k.options],
        }
        for k in jobs.KINDS.values()
    ]


@router.get("/runs")
def list_runs(
    request: Request, q: str | None = Query(None, max_length=200), actor: Actor = Who
) -> list[dict[str, Any]]:
    with transaction(request) as db:
        return runs.list_runs(db, actor, q)


@router.post("/runs", status_code=201)
def submit(body: NewRun, request: Request, actor: Actor = Who) -> JSONResponse:
    """Queue a run (simulate, compare-regimes, fair-shares, briefing) of a scenario version."""
    with transaction(request) as db:
        row = jobs.submit(db, actor, body.kind, body.scenario, body.version, body.options)
    queue = request.app.state.queue
    if queue is not None:
        queue.wake()
    return marked(row, row["marking"], 201)


@router.get("/runs/{ident}")
def get_run(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    with transaction(request) as db:
        run, row = runs.get_run(db, actor, ident)
        row["result"] = jobs.result_of(db, run)
        row["files"] = jobs.artifact_names(db, run.id)
    return marked(row, row["marking"])


@router.delete("/runs/{ident}")
def delete_run(ident: Ident, request: Request, actor: Actor = Who) -> JSONResponse:
    """Delete a run and its files (analysts and administrators of its organisation); a queued or running run
    is stopped."""
    with transaction(request) as db:
        row = runs.delete_run(db, actor, ident)
    return marked(row, row["marking"])


@router.get("/runs/{ident}/events")
def events(ident: Ident, request: Request, actor: Actor = Who) -> StreamingResponse:
    """Server-sent events: the run's status and progress until it is done or failed."""
    with transaction(request) as db:
        _run, row = runs.get_run(db, actor, ident)
    marking = row["marking"]

    def stream() -> Iterator[str]:
        last: tuple[Any, ...] | None = None
        started, limit = time.monotonic(), request.app.state.settings.stream_seconds
        while time.monotonic() - started < limit:
            try:
                with transaction(request) as db:
                    _r, now_row = runs.get_run(db, actor, ident, audited=False)
            except NotFound:
                return
            state = (now_row["status"], now_row["progress"], now_row["progress_text"])
            if state != last:
                last = state
                payload = {k: now_row[k] for k in ("id", "status", "progress", "progress_text", "error", "marking")}
                yield f"event: progress\ndata: {json.dumps(payload)}\n\n"
            else:
                yield ": keep-alive\n\n"
            if now_row["status"] in ("done", "failed"):
                return
            time.sleep(0.5)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"X-Marking": marking, "Cache-Control": "no-store"}
    )


@router.get("/run-events")
def run_list_events(
    request: Request, q: str | None = Query(None, max_length=200), actor: Actor = Who
) -> StreamingResponse:
    """Server-sent events for the run list: the status and progress of every run the caller may read that is
    queued or running (runs queued later included; titles matching ``q`` as in the list), until none is; an
    ``end`` event closes the stream. Each run is audited once, when the stream first reports it."""

    def stream() -> Iterator[str]:
        last: dict[int, tuple[Any, ...]] = {}
        started, limit = time.monotonic(), request.app.state.settings.stream_seconds
        while time.monotonic() - started < limit:
            with transaction(request) as db:
                states = runs.run_states(db, actor, set(last), q or None)
                new = [s["id"] for s in states if s["id"] not in last]
                if new:
                    runs.audit_runs_followed(db, actor, new)
            changed = False
            for s in states:
                state = (s["status"], s["progress"], s["progress_text"])
                if last.get(s["id"]) != state:
                    last[s["id"]] = state
                    changed = True
                    yield f"event: progress\ndata: {json.dumps(s)}\n\n"
            if not any(s["status"] in ("queued", "running") for s in states):
                yield "event: end\ndata: {}\n\n"
                return
            if not changed:
                yield ": keep-alive\n\n"
            time.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/runs/{ident}/files/{name}")
def run_file(
    ident: Ident, name: Annotated[str, Path(max_length=100)], request: Request, actor: Actor = Who
) -> Response:
    """A file of the run (briefing.html, briefing.pdf, briefing.xlsx, analysis.json, summary.json…)."""
    with transaction(request) as db:
        art = jobs.artifact(db, actor, ident, name)
        marking = runs.get_run(db, actor, ident, audited=False)[1]["marking"]
        content, media = art.content, art.media_type
    return file_response(name, content, media, marking)


def file_response(name: str, content: bytes, media: str, marking: str) -> Response:
    headers = {"X-Marking": marking}
    if media.startswith("text/html"):
        # the briefing's own scripts draw its charts; sandboxed, they cannot reach the workspace's cookies
        headers["Content-Security-Policy"] = "sandbox allow-scripts allow-popups allow-downloads"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(content, media_type=media, headers=headers)


# -------------------------------------------------------------------------------------- search and audit
@router.get("/search")
def search(request: Request, q: str = Query("", max_length=200), actor: Actor = Who) -> dict[str, Any]:
    with transaction(request) as db:
        return store.search(db, actor, q)


@router.get("/audit")
def audit(request: Request, limit: int = Query(200, ge=1, le=2000), actor: Actor = Who) -> list[dict[str, Any]]:
    with transaction(request) as db:
        return store.audit_log(db, actor, limit)
