"""Translations of user-facing text (English source strings, Japanese catalogue).

Small API, usable by the report and by the command line:

``resolve_language(explicit=None) -> "en" | "ja"``
    ``explicit`` (e.g. ``--lang``) if given, else env ``POSITIVESUM_LANG``, else ``ja`` when
    ``LANG`` starts with "ja", else ``en``. An unknown language raises :class:`InputError`.
``set_language(lang)`` / ``get_language()``
    The current language (a context variable, so threads and async tasks do not leak it).
``_(msgid)`` / ``gettext(msgid)`` / ``ngettext(singular, plural, n)``
    Translate into the current language. Mark strings that must be translated later (module
    constants) with ``N_(msgid)``, which returns the msgid unchanged; ``pybabel extract`` finds all four.
``translations(lang) -> gettext.NullTranslations``
    The catalogue of one language (``en`` is the identity).
``label(obj, lang=None)``
    The data's bilingual labels: ``obj`` is a ``{en, ja}`` mapping, a ``Label``, or anything with a
    ``name`` label (actors, bases, scenarios, mission areas, options).
``format_number(value, digits=0, lang=None)`` / ``format_percent(value, digits=0, lang=None)``
    Locale-aware numbers (Babel); NaN and None print as an en dash.

Catalogues live in ``positivesum/locale``: ``positivesum.pot`` (extracted from the sources) and
``ja/LC_MESSAGES/positivesum.po``. The ``.po`` file is compiled in memory on first use, so no build
step is needed. Workflow: docs/reference/report.md ("Translating").
"""

from __future__ import annotations

import gettext as _gettext
import io
import math
import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ja")
DOMAIN = "positivesum"
EXTRA_DOMAINS = ("cli",)  # chained with add_fallback: the command line's own messages (locale/cli.pot)
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_current: ContextVar[str] = ContextVar("positivesum_lang", default="")


def _bad_language(lang: str, where: str):
    from .model.errors import InputError, Location, Problem

    return InputError(
        [
            Problem(
                Location("<command line>", 0),
                where,
                f"unknown language '{lang}'",
                f"use one of: {', '.join(LANGUAGES)}",
            )
        ]
    )


def normalise(lang: str) -> str | None:
    """``ja_JP.UTF-8`` → ``ja``; None if the language has no catalogue."""
    code = lang.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def resolve_language(explicit: str | None = None) -> str:
    """The language to use: ``explicit``, else POSITIVESUM_LANG, else LANG (ja*), else en."""
    if explicit:
        code = normalise(explicit)
        if code is None:
            raise _bad_language(explicit, "--lang")
        return code
    env = os.environ.get("POSITIVESUM_LANG")
    if env:
        code = normalise(env)
        if code is None:
            raise _bad_language(env, "POSITIVESUM_LANG")
        return code
    return "ja" if os.environ.get("LANG", "").lower().startswith("ja") else "en"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (compiled from the .po file in memory, cached)."""
    code = normalise(lang)
    if code is None:
        raise _bad_language(lang, "lang")
    if code == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    trans = None
    for domain in (DOMAIN, *EXTRA_DOMAINS):  # the report's catalogue first, then the command line's ("cli")
        po = LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"
        if domain != DOMAIN and not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=code, domain=domain)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        if trans is None:
            trans = _gettext.GNUTranslations(buf)
        else:
            trans.add_fallback(_gettext.GNUTranslations(buf))
    assert trans is not None  # the report's catalogue (DOMAIN) is always read: a missing one raises above
    return trans


def set_language(lang: str | None) -> str:
    """Set the current language (resolved as in :func:`resolve_language`); returns it."""
    code = resolve_language(lang)
    _current.set(code)
    return code


def get_language() -> str:
    """The current language (resolved from the environment if never set)."""
    return _current.get() or resolve_language(None)


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(get_language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural form of a message in the current language."""
    return translations(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now."""
    return message


def label(obj: Any, lang: str | None = None) -> str:
    """The ``lang`` text of a bilingual label (falls back to English, then to ``str(obj)``)."""
    lang = normalise(lang) if lang else get_language()
    if obj is None:
        return ""
    if hasattr(obj, "name") and not isinstance(obj, (dict, str)) and hasattr(obj.name, "en"):
        obj = obj.name
    if isinstance(obj, dict):
        if "name" in obj and isinstance(obj["name"], dict):
            obj = obj["name"]
        return str(obj.get(lang) or obj.get("en") or "")
    if hasattr(obj, "en"):
        return str(getattr(obj, lang or "en", None) or obj.en)  # a language without a catalogue: English
    return str(obj)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: Any, digits: int = 0, lang: str | None = None) -> str:
    """``value`` with grouping and ``digits`` decimals in the locale of ``lang``."""
    if _missing(value):
        return "–"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(value), format=pattern, locale=lang or get_language(), decimal_quantization=True)


def format_percent(value: Any, digits: int = 0, lang: str | None = None) -> str:
    """A fraction as a percentage (0.123 → "12%" / "12.3%" with ``digits=1``)."""
    if _missing(value):
        return "–"
    from babel.numbers import format_percent as fp

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return fp(float(value), format=pattern, locale=lang or get_language(), decimal_quantization=True)
