"""Writing results: every file is written to a temporary sibling and renamed into place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..sim.results import json_safe


def to_json_text(payload: Any) -> str:
    """JSON text as every command writes it: UTF-8, indented, NaN and infinity written as null."""
    return json.dumps(json_safe(payload), indent=2, ensure_ascii=False, default=str) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file so that a failure never leaves it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_json(path: Path, payload: Any) -> None:
    """Write JSON atomically (UTF-8, indented; NaN written as null so any JSON reader accepts it)."""
    write_text_atomic(path, to_json_text(payload))
