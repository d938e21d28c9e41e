"""Pages from Jinja2 templates, with the context every page shares: the person, the language, the CSRF token,
and the marking banner (the combination of the markings of everything the page shows)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from ..workspace import markings as mk
from .deps import LANG_COOKIE, identify
from .i18n import pick_language, translator


@cache
def environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def language(request: Request) -> str:
    return pick_language(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )


def page_marking(texts: Iterable[str]) -> str:
    """The banner of a page showing objects with these markings: their most restrictive combination."""
    return mk.combine(mk.from_text(t) for t in texts).text


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200, markings: Iterable[str] = ()
) -> HTMLResponse:
    lang = language(request)
    who = getattr(request.state, "who", None) or identify(request)
    banner = page_marking(markings)
    body = (
        environment()
        .get_template(template)
        .render(
            _=translator(lang),
            lang=lang,
            who=who,
            actor=who.actor if who else None,
            csrf=who.csrf if who else "",
            marking=banner,
            notice=mk.NOTICE,
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(body, status_code=status, headers={"X-Marking": banner})
    if request.query_params.get("lang") in ("en", "ja"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
