"""Read the tables of the report's HTML (header texts; cells as data-value or text) with the standard library."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self.sections: dict[str, str] = {}
        self._table = None
        self._cell = None
        self._row = None
        self._section = None
        self._h2 = None
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "section":
            self._section = a.get("id")
        elif tag == "h2" and self._section:
            self._h2 = ""
        elif tag == "table":
            self._table = {"header": [], "rows": []}
            self.tables[a["id"]] = self._table
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = {"tag": tag, "text": "", "value": a.get("data-value")}

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and all(c["tag"] == "th" for c in self._row):
                self._table["header"] = [c["text"] for c in self._row]
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "h2" and self._h2 is not None:
            self.sections[self._section] = self._h2
            self._h2 = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        if self._h2 is not None:
            self._h2 += data


def parse(html: str) -> _Tables:
    p = _Tables()
    p.feed(html)
    return p
