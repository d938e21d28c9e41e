"""The shared workspace's storage and logic: markings, people and organisations, the scenario library, runs.

Between the interfaces (:mod:`positivesum.web`, :mod:`positivesum.cli`) and :mod:`positivesum.services`
(docs/architecture.md): it stores (SQLAlchemy 2, Alembic migrations) and enforces releasability markings in
every query; it computes nothing itself — runs call the services, diffs :mod:`positivesum.diffing`.

* :mod:`.markings` — PUBLIC / REL TO / ONLY and their combination (plain Python)
* :mod:`.models`, :mod:`.db`, :mod:`.migrations` — tables, engines, schema migrations
* :mod:`.access` — the marking filter in SQL, the audit log, roles
* :mod:`.auth` — accounts (argon2), sessions, tokens
* :mod:`.loading` — uploaded YAML loaded with only the packaged data and readable workspace datasets
* :mod:`.store` — scenarios with versions, diffs, comments, forks, proposals, datasets, search
* :mod:`.jobs`, :mod:`.queue` — run kinds, the persistent queue, execution through Dask distributed
* :mod:`.briefing` — the marked briefing (HTML, PDF, Excel) and dashboards

Docs: docs/workspace.md; decision record: docs/decisions/0010-workspace.md.
"""
