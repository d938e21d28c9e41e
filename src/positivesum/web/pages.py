"""The pages: scenario library and editor, diff view, datasets, runs with live progress and dashboards,
search, account and administration — server-rendered HTML in English and Japanese (``?lang=ja``).

Every page shows the marking banner: the most restrictive combination of the markings of what it shows.
Forms carry the session's CSRF token; validation problems are shown as the command line gives them
(file, line, key, what is wrong, how to fix).
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from ..model.errors import InputError
from ..model.yamlio import MAX_FILE_BYTES
from ..workspace import auth, jobs, store
from ..workspace import runs as run_store
from ..workspace.access import input_problem, require_role
from ..workspace.loading import decode
from .api import MAX_ID, YAML_TYPES, Ident, Number, file_response
from .dashboard import analysis_view, result_tables
from .deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Who, check_csrf, cookie_secure, identify, transaction
from .errors import TooLarge, WrongType
from .ratelimit import client_address
from .render import render

router = APIRouter(include_in_schema=False)


def who_of(request: Request) -> Who:
    who = identify(request)
    if who is None:
        raise HTTPException(401, "log in first")
    request.state.who = who
    return who


async def form_of(request: Request) -> tuple[Who, FormData]:
    who = who_of(request)
    await check_csrf(request, who)
    return who, await request.form()


def field(form: FormData, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def number(value: str | None) -> int | None:
    if not value or not value.strip().isdigit() or len(value.strip()) > 10:
        return None
    n = int(value)
    return n if 1 <= n <= MAX_ID else None


def go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def marking_choices(db: Any, who: Who) -> list[str]:
    """Markings offered in the forms: own organisation only, REL TO own and each other organisation, PUBLIC."""
    own = who.actor.org_code
    others = [o["code"] for o in store.organisations(db) if o["code"] != own]
    rel = [f"REL TO {', '.join(sorted([own, o]))}" for o in others]
    if len(others) > 1:
        rel.append(f"REL TO {', '.join(sorted([own, *others]))}")
    return [f"{own} ONLY", *rel, "PUBLIC"]


# ------------------------------------------------------------------------------------------------ login
@router.get("/login")
def login_page(request: Request, next: str = "/scenarios") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next), "failed": False})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request))
    return response


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") and len(value) < 500 else "/scenarios"


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    sent, expected = field(form, "csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "the login form expired: reload the page and try again")
    username = field(form, "username", 64)
    limiter, address = request.app.state.login_limiter, client_address(request)
    wait = limiter.wait_seconds(username, address)
    if wait:
        refused = render(
            request,
            "login.html",
            {"login_csrf": expected, "next": _safe_next(field(form, "next")), "failed": False, "wait": wait},
            status=429,
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    with transaction(request) as db:
        user = auth.authenticate(db, username, field(form, "password", 1024))
        session = auth.open_session(db, user) if user else None
    if session is None:
        limiter.failed(username, address)
        return render(
            request,
            "login.html",
            {"login_csrf": expected, "next": _safe_next(field(form, "next")), "failed": True},
            status=401,
        )
    limiter.succeeded(username)
    response = go(_safe_next(field(form, "next")))
    response.set_cookie(
        SESSION_COOKIE,
        session[0],
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        max_age=auth.SESSION_HOURS * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await form_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with transaction(request) as db:
            auth.close_session(db, token)
    response = go("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request) -> Response:
    who_of(request)
    return go("/scenarios")


# -------------------------------------------------------------------------------------------- scenarios
@router.get("/scenarios")
def scenarios(request: Request, q: str = "") -> Response:
    who = who_of(request)
    return _scenarios_page(request, who, q[:200])


def _scenarios_page(
    request: Request, who: Who, q: str = "", problems: list[str] | None = None, draft: dict[str, str] | None = None
) -> Response:
    with transaction(request) as db:
        rows = store.list_scenarios(db, who.actor, q or None)
        proposals = [p for p in store.list_proposals(db, who.actor) if p["status"] == "open"]
        choices = marking_choices(db, who)
    status = 400 if problems else 200
    return render(
        request,
        "scenarios.html",
        {
            "rows": rows,
            "q": q,
            "problems": problems or [],
            "draft": draft or {},
            "choices": choices,
            "proposals": proposals,
        },
        markings=[r["marking"] for r in rows] + [p["marking"] for p in proposals],
        status=status,
    )


async def _upload_text(form: FormData, key: str = "file") -> tuple[str, str] | None:
    upload = form.get(key)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100] or "upload.yaml"
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    if ctype not in YAML_TYPES:
        raise WrongType(
            input_problem(
                "file",
                f"the upload's content type is {ctype[:80]}, not YAML",
                "upload a YAML data file (.yaml)",
                where=name,
            ).problems
        )
    raw = await upload.read(MAX_FILE_BYTES + 1)
    try:
        return name, decode(raw, name, size=upload.size)
    except InputError as e:
        if len(raw) > MAX_FILE_BYTES:
            raise TooLarge(e.problems) from None
        raise


@router.post("/scenarios")
async def create_scenario(request: Request) -> Response:
    who, form = await form_of(request)
    draft = {
        "title": field(form, "title", 200),
        "text": field(form, "text", MAX_FILE_BYTES),
        "marking": field(form, "marking", 600),
    }
    try:
        uploaded = await _upload_text(form)
        name, text = uploaded if uploaded else ("scenario.yaml", draft["text"])
        with transaction(request) as db:
            row = store.create_scenario(db, who.actor, draft["title"] or name, text, draft["marking"], "", name=name)
    except InputError as e:
        if getattr(e, "status", 400) != 400:
            raise
        return _scenarios_page(request, who, problems=[p.format() for p in e.problems], draft=draft)
    return go(f"/scenarios/{row['id']}")


@router.get("/scenarios/{ident}")
def scenario(ident: Ident, request: Request) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        row = store.get_scenario(db, who.actor, ident)
        choices = marking_choices(db, who)
    kinds = [{"name": k.name, "label": k.label, "options": k.options} for k in jobs.KINDS.values()]
    return render(
        request,
        "scenario.html",
        {"s": row, "choices": choices, "kinds": kinds},
        markings=[row["marking"]] + [p["marking"] for p in row["proposals"]],
    )


@router.get("/scenarios/{ident}/edit")
def edit_page(ident: Ident, request: Request) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        v = store.get_version(db, who.actor, ident)
    return render(
        request, "edit.html", {"v": v, "text": v["text"], "problems": [], "checked": None}, markings=[v["marking"]]
    )


@router.post("/scenarios/{ident}/edit")
async def edit(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    text, message = field(form, "text", MAX_FILE_BYTES), field(form, "message")
    base = number(field(form, "base_version"))
    with transaction(request) as db:
        v = store.get_version(db, who.actor, ident)
        if field(form, "action") == "check":
            checked = store.validate_text(db, who.actor, text)
            return render(
                request,
                "edit.html",
                {
                    "v": v,
                    "text": text,
                    "message": message,
                    "problems": [p["text"] for p in checked["problems"]],
                    "checked": checked,
                },
                markings=[v["marking"]],
                status=200 if checked["ok"] else 400,
            )
    try:
        with transaction(request) as db:
            store.update_scenario(db, who.actor, ident, text, message, base)
    except InputError as e:
        return render(
            request,
            "edit.html",
            {"v": v, "text": text, "message": message, "problems": [p.format() for p in e.problems], "checked": None},
            markings=[v["marking"]],
            status=400,
        )
    return go(f"/scenarios/{ident}")


@router.get("/scenarios/{ident}/versions/{n}")
def version(ident: Ident, n: Number, request: Request) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        v = store.get_version(db, who.actor, ident, n)
    return render(request, "version.html", {"v": v}, markings=[v["marking"]])


@router.get("/scenarios/{ident}/diff")
def diff_page(
    ident: Ident,
    request: Request,
    a: str | None = None,
    b: str | None = None,
    other: str | None = None,
    other_version: str | None = None,
) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        if number(other) is not None:
            d = store.diff(db, who.actor, (ident, number(a)), (number(other) or 0, number(other_version)))
        else:
            latest = store.get_version(db, who.actor, ident)["number"]
            first = number(a) or max(1, latest - 1)
            d = store.diff(db, who.actor, (ident, first), (ident, number(b) or latest))
    return render(request, "diff.html", {"d": d, "ident": ident}, markings=[d["marking"]])


@router.get("/scenarios/{ident}/export")
def export(ident: Ident, request: Request, version: str | None = None) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        name, text, marking = store.export_version(db, who.actor, ident, number(version))
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Marking": marking},
    )


@router.post("/scenarios/{ident}/comments")
async def comment(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        store.add_comment(db, who.actor, ident, field(form, "body", 10_000))
    return go(f"/scenarios/{ident}#comments")


@router.post("/scenarios/{ident}/fork")
async def fork(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        row = store.fork(db, who.actor, ident, field(form, "marking", 600) or None, field(form, "title", 200) or None)
    return go(f"/scenarios/{row['id']}")


@router.post("/scenarios/{ident}/propose")
async def propose(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        store.propose(db, who.actor, ident, field(form, "message"))
    return go(f"/scenarios/{ident}")


@router.post("/scenarios/{ident}/marking")
async def remark(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        store.set_marking(db, who.actor, ident, field(form, "marking", 600))
    return go(f"/scenarios/{ident}")


@router.post("/proposals/{ident}/decide")
async def decide(ident: Ident, request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        p = store.get_proposal(db, who.actor, ident)
        store.decide(db, who.actor, ident, field(form, "decision") == "accept")
    return go(f"/scenarios/{p['target']}")


# --------------------------------------------------------------------------------------------- datasets
@router.get("/datasets")
def datasets(request: Request, q: str = "") -> Response:
    who = who_of(request)
    return _datasets_page(request, who, q[:200])


def _datasets_page(request: Request, who: Who, q: str = "", problems: list[str] | None = None) -> Response:
    with transaction(request) as db:
        rows = store.list_datasets(db, who.actor, q or None)
        choices = marking_choices(db, who)
    return render(
        request,
        "datasets.html",
        {"rows": rows, "q": q, "problems": problems or [], "choices": choices},
        markings=[r["marking"] for r in rows],
        status=400 if problems else 200,
    )


@router.post("/datasets")
async def create_dataset(request: Request) -> Response:
    who, form = await form_of(request)
    try:
        uploaded = await _upload_text(form)
        name, text = uploaded if uploaded else (field(form, "name", 100), field(form, "text", MAX_FILE_BYTES))
        with transaction(request) as db:
            row = store.create_dataset(
                db, who.actor, name, field(form, "title", 200), text, field(form, "marking", 600)
            )
    except InputError as e:
        if getattr(e, "status", 400) != 400:
            raise
        return _datasets_page(request, who, problems=[p.format() for p in e.problems])
    return go(f"/datasets/{row['id']}")


@router.get("/datasets/{ident}")
def dataset(ident: Ident, request: Request) -> Response:
    who = who_of(request)
    with transaction(request) as db:
        row = store.get_dataset(db, who.actor, ident)
    return render(request, "dataset.html", {"d": row}, markings=[row["marking"]])


# ------------------------------------------------------------------------------------------------- runs
@router.get("/runs")
def runs(request: Request, q: str = "") -> Response:
    who = who_of(request)
    with transaction(request) as db:
        rows = run_store.list_runs(db, who.actor, q[:200] or None)
    return render(request, "runs.html", {"rows": rows, "q": q[:200]}, markings=[r["marking"] for r in rows])


@router.post("/runs")
async def submit(request: Request) -> Response:
    who, form = await form_of(request)
    kind = field(form, "kind", 32)
    options: dict[str, Any] = {}
    if kind in jobs.KINDS:
        for o in jobs.KINDS[kind].options:
            value = form.get(o.name)
            if isinstance(value, str) and value != "":
                options[o.name] = value
            elif isinstance(o.default, bool):
                options[o.name] = False
    if field(form, "scenario_id", 100):
        options["scenario"] = field(form, "scenario_id", 100)
    with transaction(request) as db:
        row = jobs.submit(
            db, who.actor, kind, number(field(form, "scenario")) or 0, number(field(form, "version")), options
        )
    queue = request.app.state.queue
    if queue is not None:
        queue.wake()
    return go(f"/runs/{row['id']}")


@router.get("/runs/{ident}")
def run(ident: Ident, request: Request) -> Response:
    from .render import language

    who = who_of(request)
    with transaction(request) as db:
        r, row = run_store.get_run(db, who.actor, ident)
        files = jobs.artifact_names(db, r.id)
        result = jobs.result_of(db, r) if r.status == "done" else None
        analysis = None
        if "analysis.json" in files:
            analysis = json.loads(jobs.artifact(db, who.actor, ident, "analysis.json").content)
    view = analysis_view(ident, analysis, language(request)) if analysis else None
    tables = result_tables(row["kind"], result) if result and not view else []
    return render(
        request,
        "run.html",
        {"r": row, "files": files, "view": view, "tables": tables, "quote": quote},
        markings=[row["marking"]],
    )


@router.get("/runs/{ident}/briefing")
def briefing(ident: Ident, request: Request) -> Response:
    """The finished briefing, opened in the browser (sandboxed; its banner shows the marking)."""
    who = who_of(request)
    with transaction(request) as db:
        art = jobs.artifact(db, who.actor, ident, "briefing.html")
        marking = run_store.get_run(db, who.actor, ident, audited=False)[1]["marking"]
        return file_response("briefing.html", art.content, art.media_type, marking)


# --------------------------------------------------------------------------------- search, account, admin
@router.get("/search")
def search(request: Request, q: str = "") -> Response:
    who = who_of(request)
    with transaction(request) as db:
        found = store.search(db, who.actor, q[:200])
    markings = [r["marking"] for rows in found.values() for r in rows]
    return render(request, "search.html", {"q": q[:200], "found": found}, markings=markings)


@router.get("/account")
def account(request: Request) -> Response:
    who_of(request)
    return render(request, "account.html", {"token": None})


@router.post("/account/tokens")
async def new_token(request: Request) -> Response:
    who, form = await form_of(request)
    with transaction(request) as db:
        user = db.get(auth.User, who.actor.user_id)
        assert user is not None
        token = auth.new_token(db, user, field(form, "name", 100))
    return render(request, "account.html", {"token": token})


@router.get("/admin")
def admin(request: Request) -> Response:
    who = who_of(request)
    return _admin_page(request, who)


def _admin_page(request: Request, who: Who, problems: list[str] | None = None) -> Response:
    from sqlalchemy import select

    with transaction(request) as db:
        entries = store.audit_log(db, who.actor, 200)
        people = db.scalars(select(auth.User).where(auth.User.org_id == who.actor.org_id).order_by(auth.User.username))
        users = [{"username": u.username, "name": u.display_name, "role": u.role} for u in people]
    return render(
        request,
        "admin.html",
        {"entries": entries, "users": users, "problems": problems or []},
        markings=[e["marking"] for e in entries],
        status=400 if problems else 200,
    )


@router.post("/admin/users")
async def add_user(request: Request) -> Response:
    who, form = await form_of(request)
    require_role(who.actor, "administrator", "adding people")
    try:
        with transaction(request) as db:
            auth.add_user(
                db,
                field(form, "username", 64),
                field(form, "password", 1024),
                who.actor.org_code,
                field(form, "role", 16),
                field(form, "display_name", 200),
            )
    except InputError as e:
        return _admin_page(request, who, [p.format() for p in e.problems])
    return go("/admin")


@router.get("/vega.js")
def vega() -> Response:
    """Vega, Vega-Lite and vega-embed (the bundle the briefing inlines), for the dashboards' charts."""
    from ..report.html import vega_bundle

    return Response(
        vega_bundle().replace("<\\/script", "</script"),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
