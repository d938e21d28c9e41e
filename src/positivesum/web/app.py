"""The workspace application: FastAPI over the workspace layer (and through it the services).

``create_app(settings)`` builds it; ``positivesum serve`` runs it with uvicorn through :func:`app_from_env`
(the command line passes its options in the environment, so that it never imports this package itself).
On start-up the database is migrated to the newest schema and the run queue's dispatcher starts; runs a
previous server left unfinished are resumed or failed with the reason (:mod:`positivesum.workspace.queue`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..model.yamlio import MAX_FILE_BYTES
from ..workspace import db as wdb
from ..workspace.queue import EXECUTORS, RunQueue
from . import api, errors, pages
from .deps import Settings
from .ratelimit import LoginLimiter

#: Requests larger than this are refused before they are read (an upload may be 10 MB plus form overhead).
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 1024 * 1024
ENV_PREFIX = "POSITIVESUM_WORKSPACE_"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
    ),
}


def create_app(settings: Settings) -> FastAPI:
    settings.db_url = wdb.check_url(settings.db_url)
    if settings.executor not in (*EXECUTORS, "none"):
        raise ValueError(f"executor must be one of {EXECUTORS} or none")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate:
            wdb.migrate(settings.db_url)
        queue = None
        if settings.executor != "none":
            queue = RunQueue(settings.db_url, settings.executor, settings.poll_seconds)
            queue.start()
        app.state.queue = queue
        try:
            yield
        finally:
            if queue is not None:
                queue.stop()

    app = FastAPI(
        title="positivesum workspace",
        version=__version__,
        description="A shared workspace for allies: scenario exchange, runs and briefings, with releasability "
        "markings enforced in every query. Markings are handling metadata for unclassified work, not a "
        "cross-domain system (docs/workspace.md).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = wdb.sessions(settings.db_url)
    app.state.queue = None
    app.state.login_limiter = LoginLimiter()
    errors.install(app)

    @app.middleware("http")
    async def limits_and_headers(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            size = int(length) / 1e6
            text = f"file is {size:.1f} MB, over the 10 MB limit"
            fix = "split the data into several files joined with `import:`"
            return JSONResponse(
                {
                    "detail": "1 problem(s) in the input",
                    "problems": [
                        {
                            "file": "<upload>",
                            "line": 0,
                            "key": "",
                            "message": text,
                            "fix": fix,
                            "text": f"<upload>: {text} — {fix}",
                        }
                    ],
                },
                status_code=413,
            )
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files(__package__).joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def app_from_env() -> FastAPI:
    """The app ``positivesum serve`` starts (uvicorn factory): settings from $POSITIVESUM_WORKSPACE_*."""
    env = os.environ
    return create_app(
        Settings(
            db_url=env[ENV_PREFIX + "DB"],
            executor=env.get(ENV_PREFIX + "EXECUTOR", "dask"),
            secure_cookies=env.get(ENV_PREFIX + "SECURE_COOKIES", "auto"),
            poll_seconds=float(env.get(ENV_PREFIX + "POLL", "1.0")),
        )
    )
