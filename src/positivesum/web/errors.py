"""Errors as the command line gives them, never a traceback.

* bad input (:class:`~positivesum.model.errors.InputError`) → 400 (413 too large, 415 wrong content type)
  with every problem as ``file:line: key: what — fix`` and as fields;
* an object that does not exist *or that the reader may not read* → 404 with the same text either way;
* a readable object the reader may not change → 403; not logged in → 401 (pages: to the login page);
* anything else → 500 "internal error (this is a bug)", the details in the server's log only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..model.errors import InputError
from ..workspace.access import Forbidden, NotFound
from ..workspace.store import problem_dicts

log = logging.getLogger("positivesum.web")
NOT_FOUND_TEXT = "not found, or not released to your organisation"


class TooLarge(InputError):
    status = 413


class WrongType(InputError):
    status = 415


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _page(request: Request, status: int, title: str, lines: list[str]) -> Response:
    from .render import render

    return render(request, "error.html", {"status": status, "title": title, "lines": lines}, status=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        status = getattr(exc, "status", 400)
        if _is_api(request):
            return JSONResponse(
                {"detail": f"{len(exc.problems)} problem(s) in the input", "problems": problem_dicts(exc)},
                status_code=status,
            )
        return _page(request, status, "Problems in the input", [p.format() for p in exc.problems])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": NOT_FOUND_TEXT}, status_code=404)
        return _page(request, 404, "Not found", [NOT_FOUND_TEXT])

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return _page(request, 403, "Not allowed", [str(exc)])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            exc = HTTPException(404, NOT_FOUND_TEXT)
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _page(request, exc.status_code, "Error", [str(exc.detail)])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems: list[dict[str, Any]] = [
            {
                "file": "<request>",
                "line": None,
                "key": ".".join(str(p) for p in e.get("loc", ())),
                "message": str(e.get("msg", "invalid")),
                "fix": "see the API schema at /docs",
            }
            for e in exc.errors()
        ]
        for p in problems:
            p["text"] = f"<request>: {p['key']}: {p['message']} — {p['fix']}"
        if _is_api(request):
            return JSONResponse({"detail": "the request does not match the API schema", "problems": problems}, 422)
        return _page(request, 422, "Problems in the input", [str(p["text"]) for p in problems])

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        text = "internal error (this is a bug); the server's log has the details"
        if _is_api(request):
            return JSONResponse({"detail": text}, status_code=500)
        return _page(request, 500, "Internal error", [text])
