"""Generated reference docs are up to date with the schema and the default data."""

from __future__ import annotations

from pathlib import Path

from positivesum.docgen import schema_markdown, sources_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_schema_reference_is_current():
    assert (DOCS / "reference" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), (
        "docs/reference/schema.md is stale: run `python -m positivesum.docgen docs`"
    )


def test_data_sources_are_current():
    assert (DOCS / "data-sources.md").read_text(encoding="utf-8") == sources_markdown(), (
        "docs/data-sources.md is stale: run `python -m positivesum.docgen docs`"
    )


def test_every_model_has_documented_fields():
    text = schema_markdown()
    assert "## Quantity" in text and "## Scenario" in text and "## EngineParameters" in text and "## Option" in text
    for line in text.splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), f"field without a description: {line}"
