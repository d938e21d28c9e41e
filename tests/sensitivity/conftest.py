"""Shared fixtures of the sensitivity tests: the packaged data and taiwan_base's setup (loaded once), and one
in-process Dask cluster per worker count (threads, processes=False: no process start-up)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def packaged():
    from positivesum.services import data

    return data.load()


@pytest.fixture(scope="session")
def base_setup(packaged):
    from positivesum.sim.setup import build_setup

    return build_setup(packaged.dataset, "taiwan_base")


@pytest.fixture(scope="session")
def thread_clusters():
    """{workers: client} for 1, 2 and 4 single-threaded in-process workers."""
    from contextlib import ExitStack

    from positivesum.services.executor import open_client

    with ExitStack() as stack:
        yield {n: stack.enter_context(open_client(None, n, processes=False)) for n in (1, 2, 4)}
