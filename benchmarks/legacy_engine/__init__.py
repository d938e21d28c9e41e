"""Frozen copy of the campaign engine as it was before issue 14 (graded outcomes, kill chains, two-level
uncertainty), kept importable only inside benchmarks/ so that bench_campaign.py can time the old and the new
engine side by side in the same run. Copied from src/positivesum/sim/ (working tree of 2026-11, before the
issue-14 changes) with imports of ``..model`` made absolute and the engine parameters of that time pinned in
``setup.LEGACY_PARAMS`` (data/engine.yaml has changed since). Not part of the package; not maintained.
"""
