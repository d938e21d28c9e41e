# Two entry points (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test check install install-test clean docs bench system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

## system-deps: Chromium (PDF and browser tests), Noto CJK fonts (Japanese) and PostgreSQL's server (the
## workspace's database tests start a throwaway cluster of their own), from apt when missing
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	command -v chromium >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk)
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q postgresql)

## demo: install, then run the main job on the default data: the full analysis and the briefing (HTML, PDF, Excel)
demo: system-deps install
	OPENBLAS_NUM_THREADS=1 $(BIN)/positivesum report --out $(OUT) --force

## test: install test needs, then the checks (lint, format, layers, types), the campaign kernels compiled once into
## Numba's cache (so that the parallel workers load them instead of each compiling them: sim/warmup.py), and the
## whole suite, in parallel on every core (pytest-xdist; tests sharing a module or session fixture stay on one
## worker: docs/testing.md)
PYTEST_PARALLEL ?= -n auto --dist loadgroup --no-loadscope-reorder
test: system-deps install-test check
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m positivesum.sim.warmup
	OPENBLAS_NUM_THREADS=1 POSITIVESUM_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest $(PYTEST_PARALLEL)

## check: ruff (lint and format), import-linter (layer contracts), mypy (strict for the engines)
check: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

docs: install
	$(BIN)/python -m positivesum.docgen docs

## bench: the measured benchmarks reported in the README (not part of the tests)
bench: install-test
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_classic.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_campaign.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_milp.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_workspace.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_sensitivity.py --batched
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_malloc_trim.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_sim_cache.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_main_job.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info
