"""Shared fixtures of the sensitivity tests: the packaged data and taiwan_base's setup (loaded once), and one
in-process Dask cluster per worker count (threads, processes=False: no process start-up)."""

from __future__ import annotations

import logging
import os

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


@pytest.fixture(scope="session")
def real_cluster():
    """A real Dask cluster: a scheduler on a tcp:// address and one worker process (its address)."""
    from distributed import LocalCluster

    saved = dict(os.environ)
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster:
        # Dask's nannies write their pre-spawn variables (MALLOC_TRIM_THRESHOLD_=65536, OMP_NUM_THREADS=1, ...) into
        # the environment of the process that runs them: this test process. Left there, every later cluster this
        # process starts would hand them to its workers (an xdist run once failed test_local_cluster_settings.py
        # so, the variable traced to this fixture by a teardown hook). Put the environment back.
        os.environ.clear()
        os.environ.update(saved)
        yield cluster.scheduler_address
