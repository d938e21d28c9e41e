"""The shared workspace for allies: a FastAPI application (JSON API and pages) over :mod:`positivesum.workspace`.

Started by ``positivesum serve`` (:mod:`positivesum.cli.serve`), which runs :func:`.app.app_from_env` with
uvicorn. Docs: docs/workspace.md.
"""
