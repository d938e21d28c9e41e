"""The pages in English and Japanese: the web catalogue matches the sources, every message has Japanese, and
a page asked for in Japanese speaks it (and remembers it)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from positivesum.workspace import db as wdb

from .conftest import make_app, populate

WEB = Path(__file__).resolve().parents[2] / "src" / "positivesum" / "web"


def _ids(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_web_catalogue_is_complete():
    extracted = {
        m[2]
        for m in extract_from_dir(
            str(WEB),
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords={"_": None, "_w": None},
        )
    }
    pot = set(_ids(WEB / "locale" / "web.pot"))
    assert extracted == pot, "re-extract: see the header of src/positivesum/web/babel.cfg"
    ja = _ids(WEB / "locale" / "ja" / "LC_MESSAGES" / "web.po")
    assert pot <= {k for k, v in ja.items() if v.strip()}, sorted(pot - set(ja))[:10]


def test_pages_in_japanese(tmp_path):
    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    people = populate(url)
    with TestClient(make_app(url)) as client:
        headers = people[("JPN", "analyst")].headers
        page = client.get("/scenarios?lang=ja", headers=headers)
        assert page.status_code == 200 and 'lang="ja"' in page.text and "シナリオライブラリ" in page.text
        assert "取扱区分: PUBLIC" in page.text  # the banner, translated
        assert "シナリオライブラリ" in client.get("/scenarios", headers=headers).text  # the choice is remembered
        assert "Scenario library" in client.get("/scenarios?lang=en", headers=headers).text
        client.cookies.clear()
        assert "ログイン" in client.get("/login", headers={"accept-language": "ja-JP,ja;q=0.9"}).text
    wdb.dispose(url)
