# Two entry points (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test install install-test clean docs bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

## demo: install, then run the main job on the default data
demo: install
	$(BIN)/positivesum demo --out $(OUT)

## test: install test needs, then run the whole suite
test: install-test
	$(BIN)/python -m pytest

docs: install
	$(BIN)/python -m positivesum.docgen docs

## bench: the measured benchmarks reported in the README (not part of the tests)
bench: install
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_classic.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_campaign.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_milp.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info
