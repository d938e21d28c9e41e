"""The workspace pages in English and Japanese: the catalogue domain ``web``.

The pages' own texts are English msgids in the templates (``{{ _("Scenarios") }}``) and, in Python, marked
``_w("…")`` (not ``_``: the report's catalogue is extracted from every module of the package with that
keyword). The Japanese catalogue is ``web/locale/ja/LC_MESSAGES/web.po``, compiled in memory on first use as
:mod:`positivesum.i18n` does; the extraction command is in the header of ``web/babel.cfg``. Data labels
(actor and scenario names) and the briefing use :mod:`positivesum.i18n` and the report's catalogue.
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import cache
from pathlib import Path

from .. import i18n as core_i18n

LANGUAGES = ("en", "ja")
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "web"


def _w(message: str) -> str:
    """Mark a message of the pages for extraction (translated where it is shown, with :func:`translator`)."""
    return message


@cache
def catalogue(lang: str) -> _gettext.NullTranslations:
    """The pages' catalogue of ``lang`` (English: the identity)."""
    if lang != "ja":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        cat = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def translator(lang: str):
    """``t(msgid)`` in ``lang``."""
    return catalogue(lang if lang in LANGUAGES else "en").gettext


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """``?lang=`` if valid, else the ``ps_lang`` cookie, else Japanese when the browser prefers it, else English."""
    for value in (query, cookie):
        if value:
            code = core_i18n.normalise(value)
            if code:
                return code
    first = (accept or "").split(",")[0].strip().lower()
    return "ja" if first.startswith("ja") else "en"


#: Texts the templates translate from data (run statuses, kinds of change, run kinds, error titles).
SHOWN_FROM_DATA = (
    _w("queued"),
    _w("running"),
    _w("done"),
    _w("failed"),
    _w("added"),
    _w("removed"),
    _w("changed"),
    _w("Simulate"),
    _w("Compare regimes"),
    _w("Fair shares"),
    _w("Briefing"),
    _w("Sensitivity"),
    _w("Not found"),
    _w("Not allowed"),
    _w("Error"),
    _w("Internal error"),
)
