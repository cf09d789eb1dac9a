# The single entry point. `make lab` and `make test` both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test execute check-seeds bench handouts clean help

help:
	@echo "make lab      open JupyterLab on notebooks/00_start_here.ipynb"
	@echo "make test     run the whole test suite (helpers, notebook hygiene, nbval on every notebook)"
	@echo "make execute  re-run every notebook from a clean kernel and store its outputs"
	@echo "make check-seeds  run every notebook under COURSE_SEED=1 and 2 (nothing written)"
	@echo "make bench    time each notebook in a fresh kernel (wall time, peak memory)"
	@echo "make handouts student and instructor editions, HTML and PDF, in build/handouts (PAPER=letter: US Letter, in build/handouts-letter)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and some lab machines run as root.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

check-seeds: $(STAMP)
	COURSE_SEED=1 $(BIN)/python tools/execute_notebooks.py --check $(NOTEBOOKS)
	COURSE_SEED=2 $(BIN)/python tools/execute_notebooks.py --check $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python tools/benchmark_notebooks.py $(NOTEBOOKS)

handouts: $(STAMP)
	$(BIN)/python tools/build_handouts.py $(if $(PAPER),--paper $(PAPER)) $(NOTEBOOKS)

clean:
	rm -rf build .pytest_cache
