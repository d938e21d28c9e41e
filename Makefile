# Two entry points (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test install install-test clean docs bench system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

## system-deps: Chromium (PDF and browser tests) and Noto CJK fonts (Japanese), from apt when missing
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	command -v chromium >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk)

## demo: install, then run the main job on the default data: the full analysis and the briefing (HTML, PDF, Excel)
demo: system-deps install
	OPENBLAS_NUM_THREADS=1 $(BIN)/positivesum report --out $(OUT)

## test: install test needs, then run the whole suite
test: system-deps install-test
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest

docs: install
	$(BIN)/python -m positivesum.docgen docs

## bench: the measured benchmarks reported in the README (not part of the tests)
bench: install
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_classic.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_campaign.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_milp.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info
