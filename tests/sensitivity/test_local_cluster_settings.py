"""The local cluster that `--workers N` starts (services/executor.open_client): its worker processes keep glibc's
own malloc thresholds instead of Dask's MALLOC_TRIM_THRESHOLD_=65536, run no stack sampler, and this process's
BLAS runs one thread while the cluster is open (docs/decisions/0015 for why; the speed is measured by
benchmarks/bench_main_job.py, not here).

The check runs in a fresh interpreter: a worker process inherits the environment of the process that starts it,
and in the test suite's own processes other tests' clusters and threads came first (a full-suite run once found
65536 in the worker's environment while the same test passed alone), so only a clean process shows what
`open_client` itself passes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

_CHECK = """
import json, os
from threadpoolctl import threadpool_info
from positivesum.services.executor import open_client

def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

def worker_state(dask_worker):
    return {
        "malloc_trim": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "profiling": "profile" in dask_worker.periodic_callbacks,
    }

if __name__ == "__main__":
    before = blas_threads()
    with open_client(None, 1) as client:
        states = list(client.run(worker_state).values())
        during = blas_threads()
    print(json.dumps({"states": states, "before": before, "during": during, "after": blas_threads()}))
"""


@pytest.mark.skipif("MALLOC_TRIM_THRESHOLD_" in os.environ, reason="the caller's own setting is passed on")
def test_worker_processes_keep_glibc_thresholds_and_do_not_sample_their_stacks(tmp_path):
    script = tmp_path / "check_cluster.py"  # a file, not -c: the spawned workers re-import the main module
    script.write_text(_CHECK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    env.pop("OPENBLAS_NUM_THREADS", None)  # open_client must set the workers' BLAS threads itself
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["states"] == [{"malloc_trim": None, "openblas_threads": "1", "profiling": False}]
    assert got["during"] and set(got["during"]) == {1}, got["during"]
    assert got["after"] == got["before"]  # the limit is lifted with the cluster
