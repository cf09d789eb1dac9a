# The single entry point. `make lab` and `make test` both create .venv on first use.
# .venv is built with PYTHON=... if given, else the first supported Python (3.13, 3.12, 3.11) found on PATH;
# with none, tools/course_python.sh stops before creating anything and says how to get one.
PYTHON ?=
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
GOAL   := $(or $(firstword $(MAKECMDGOALS)),lab)
# The course's JupyterLab settings (no news pop-up), installed into .venv/share/jupyter: see README, Set-up.
JUPYTER_DATA := $(wildcard jupyter/lab/settings/overrides.d/*.json)

.PHONY: lab test lint execute check-seeds bench mutants handouts slides translate translate-check clean help venv

help:
	@echo "make lab      open JupyterLab on notebooks/00_start_here.ipynb"
	@echo "make test     run the whole test suite (helpers, notebook hygiene, nbval on every notebook)"
	@echo "make lint     ruff: lint helpers.py, course/, tools/, tests/, data/ and the English notebooks' code cells; check formatting"
	@echo "make execute  re-run every notebook from a clean kernel and store its outputs"
	@echo "make check-seeds  run every notebook under COURSE_SEED=1 and 2 (nothing written)"
	@echo "make bench    time each notebook in a fresh kernel (wall time, peak memory)"
	@echo "make mutants  plant small bugs one at a time in a scratch copy and check that the tests catch each (MUTANTS=name ... for some)"
	@echo "make handouts student and instructor editions, HTML and PDF, in build/handouts (PAPER=letter: US Letter, in build/handouts-letter)"
	@echo "make slides   one reveal.js slide deck per notebook, offline, in build/slides (reveal.js fetched once with npm)"
	@echo "make translate  write the Korean notebooks notebooks/ko/NN_*.ipynb from the English ones and notebooks/ko/NN_*.md"
	@echo "make translate-check  name every Korean cell whose English text changed or is untranslated (writes nothing)"
	@echo "make clean    remove build/ (handouts, slides) and pytest's cache"

# Checked on every run: an existing .venv must have a supported Python; a missing one is created.
venv:
	@PYTHON="$(PYTHON)" sh tools/course_python.sh "$(VENV)" "$(GOAL)"

$(STAMP): requirements.txt pyproject.toml $(JUPYTER_DATA) | venv
	$(BIN)/python -m pip install --quiet -r requirements.txt
	mkdir -p $(VENV)/share/jupyter && cp -R jupyter/. $(VENV)/share/jupyter/
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and some lab machines run as root.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

# ruff, configured once in pyproject.toml ([tool.ruff]: which files, which rules); tests/test_lint.py runs the same two.
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

check-seeds: $(STAMP)
	COURSE_SEED=1 $(BIN)/python tools/execute_notebooks.py --check $(NOTEBOOKS)
	COURSE_SEED=2 $(BIN)/python tools/execute_notebooks.py --check $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python tools/benchmark_notebooks.py $(NOTEBOOKS)

# tools/mutants.py: a curated list of plausible bugs; each runs only the tests that should catch it (issue 23).
mutants: $(STAMP)
	$(BIN)/python tools/mutants.py $(MUTANTS)

handouts: $(STAMP)
	$(BIN)/python tools/build_handouts.py $(if $(PAPER),--paper $(PAPER)) $(NOTEBOOKS)

slides: $(STAMP)
	$(BIN)/python tools/build_slides.py $(NOTEBOOKS)

# The Korean edition: English notebook + translation file -> notebooks/ko/NN_name.ipynb (README, "Korean edition").
# TRANSLATE=01 limits it to some notebooks.
translate: $(STAMP)
	$(BIN)/python tools/translate.py $(TRANSLATE)

translate-check: $(STAMP)
	$(BIN)/python tools/translate.py --check $(TRANSLATE)

clean:
	rm -rf build .pytest_cache
