"""Catalogues: the .pot matches the sources, every msgid has a Japanese translation; the language API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from positivesum import i18n

REPO = Path(__file__).resolve().parents[2]
PKG = REPO / "src" / "positivesum"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr": None}


def _msgids(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_pot_is_up_to_date_with_the_sources():
    extracted = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(str(PKG), method_map=[("**.py", "python")], keywords=KEYWORDS)
    }
    pot = set(_msgids(PKG / "locale" / "positivesum.pot"))
    assert extracted - pot == set(), "run the pybabel extract command of docs/reference/report.md"
    assert pot - extracted == set(), "the .pot has messages no longer in the sources: re-extract"


def test_every_msgid_has_a_japanese_translation():
    pot = set(_msgids(PKG / "locale" / "positivesum.pot"))
    ja = _msgids(PKG / "locale" / "ja" / "LC_MESSAGES" / "positivesum.po")
    assert pot <= set(ja), sorted(pot - set(ja))[:10]
    empty = sorted(k for k in pot if not ja[k].strip())
    assert not empty, empty[:10]
    placeholders = [k for k in pot if sorted(re.findall(r"\{\w+\}", k)) != sorted(re.findall(r"\{\w+\}", ja[k]))]
    assert not placeholders, placeholders


def test_translations_compile_in_memory():
    assert i18n.translations("ja").gettext("Executive summary") == "要旨"
    assert i18n.translations("en").gettext("Executive summary") == "Executive summary"


def test_language_resolution(monkeypatch):
    monkeypatch.delenv("POSITIVESUM_LANG", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert i18n.resolve_language() == "ja"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.resolve_language() == "en"
    monkeypatch.setenv("POSITIVESUM_LANG", "ja")
    assert i18n.resolve_language() == "ja"
    assert i18n.resolve_language("en") == "en"
    from positivesum.model.errors import InputError

    with pytest.raises(InputError) as err:
        i18n.resolve_language("fr")
    assert "unknown language 'fr'" in err.value.render()


def test_current_language_and_labels():
    i18n.set_language("ja")
    try:
        assert i18n._("Scenario outcomes") == "シナリオの結果"
        assert i18n.label({"en": "Japan", "ja": "日本"}) == "日本"
    finally:
        i18n.set_language("en")
    assert i18n.label({"en": "Japan", "ja": "日本"}) == "Japan"
    assert i18n.format_number(1234567.891, 1, "ja") == "1,234,567.9"
    assert i18n.format_percent(0.1234, 1, "en") == "12.3%"
    assert i18n.format_number(float("nan")) == "–"
