"""The loader's alias guard measures alias expansion, not document size: a large plain file loads."""

from __future__ import annotations

import time

from positivesum.model.loader import load_dataset
from positivesum.model.yamlio import MAX_EXPANDED_NODES


def test_a_5_mb_plain_file_without_anchors_validates(tmp_path):
    n = 42_000
    lines = ["import: [positivesum:default]", "sources:"]
    lines += [
        f"  bulk_source_{i:06d}: {{title: 'A bulk citation number {i:06d} for the size test', "
        f"publisher: 'Test Publisher', date: '2026-01-01'}}"
        for i in range(n)
    ]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = path.stat().st_size
    assert 5_000_000 <= size <= 10 * 1024 * 1024
    assert n * 7 > MAX_EXPANDED_NODES  # more values than the alias guard's limit, none from aliases
    start = time.monotonic()
    ld = load_dataset([path])
    assert len(ld.dataset.sources) >= n
    assert time.monotonic() - start < 120
