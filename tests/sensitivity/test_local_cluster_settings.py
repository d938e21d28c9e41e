"""The local cluster that `--workers N` starts (services/executor.open_client): its worker processes keep glibc's
own malloc thresholds instead of Dask's MALLOC_TRIM_THRESHOLD_=65536, run no stack sampler, and this process's
BLAS runs one thread while the cluster is open (docs/decisions/0015 for why; the speed is measured by
benchmarks/bench_main_job.py, not here)."""

from __future__ import annotations

import os

import pytest


def _worker_state(dask_worker) -> dict:
    return {
        "malloc_trim": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "profiling": "profile" in dask_worker.periodic_callbacks,
    }


@pytest.mark.skipif("MALLOC_TRIM_THRESHOLD_" in os.environ, reason="the caller's own setting is passed on")
def test_worker_processes_keep_glibc_thresholds_and_do_not_sample_their_stacks():
    from threadpoolctl import threadpool_info

    from positivesum.services.executor import open_client

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    with open_client(None, 1) as client:
        states = list(client.run(_worker_state).values())
        during = blas_threads()
    assert states == [{"malloc_trim": None, "openblas_threads": "1", "profiling": False}]
    assert during and set(during) == {1}, during
    assert blas_threads() == before  # the limit is lifted with the cluster
