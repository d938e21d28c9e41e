"""The command line builds its command tree without loading the engine, the dataset schema, Dask or pandas.

Every command imports those when it runs; building the tree for ``--help``, a mistyped option or a bad value
then takes a fraction of a second instead of one and a half (measured: ``time positivesum --help``, 1.6 s before,
0.2 s after, README "Benchmarks"). A structural test, not a timed one: it fails if a module-level import in
``positivesum.cli`` or ``positivesum.services.__init__`` pulls a heavy module in again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# NumPy too: the entry point sets the BLAS thread count before NumPy loads BLAS (test below)
HEAVY = ("numpy", "numba", "pandas", "xarray", "dask", "distributed", "scipy", "pydantic", "positivesum.model.loader")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_building_the_command_tree_loads_no_heavy_module():
    loaded = _modules_after("import positivesum.cli")
    assert not [m for m in HEAVY if m in loaded], [m for m in HEAVY if m in loaded]


def test_the_services_package_loads_an_operation_at_first_use():
    loaded = _modules_after("import positivesum.services")
    assert "positivesum.services.data" not in loaded and "positivesum.model.loader" not in loaded
    # and the operation keeps its name after its module of the same name is imported
    probe = (
        "from positivesum import services\n"
        "import positivesum.services.simulate\n"
        "print(callable(services.simulate), services.simulate.__module__, services.load.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["True", "positivesum.services.simulate", "positivesum.services.data"]


def _blas_threads_after_main(env_value: str | None) -> list[int]:
    probe = (
        "import json, sys\n"
        "sys.argv = ['positivesum', '--help']\n"
        "from positivesum.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import numpy, threadpoolctl\n"
        "print(json.dumps([p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas']))"
    )
    from positivesum.cli import BLAS_SINGLE_THREAD

    env = {k: v for k, v in os.environ.items() if k not in BLAS_SINGLE_THREAD}
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env_value
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_commands_run_single_threaded_blas_unless_the_user_exported_a_count():
    """The engine's row sums are BLAS products: one thread, as on Dask's workers, so a run gives the same numbers
    in this process as on a cluster (cli.main; measured gain of two threads: 3 % of wall time for 80 % more CPU)."""
    assert set(_blas_threads_after_main(None)) == {1}
    assert set(_blas_threads_after_main("2")) == {2}
