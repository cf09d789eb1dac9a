"""`make mutants` (tools/mutants.py) stays meaningful: every mutant still applies exactly once.

Running the mutants takes minutes and is not part of `make test`; this check is instant. If an edit to helpers.py,
a module of course/, a notebook or a test makes a mutant's text disappear (or appear twice), or renames a test a
mutant relies on, this fails instead of the mutant silently turning into a no-op: update the mutant in
tools/mutant_catalogue/ (one module per notebook).
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from conftest import ROOT, notebook_paths

spec = importlib.util.spec_from_file_location("mutants", ROOT / "tools" / "mutants.py")
mutants = importlib.util.module_from_spec(spec)
sys.modules.setdefault("mutants", mutants)  # dataclasses look their module up there
spec.loader.exec_module(mutants)


def test_every_mutant_applies_exactly_once_and_names_existing_tests():
    assert mutants.problems() == []


def test_the_list_is_long_enough_and_covers_every_notebook():
    assert len(mutants.MUTANTS) >= 15
    prefixes = {m.name[:2] for m in mutants.MUTANTS}
    assert {path.name[:2] for path in notebook_paths()} <= prefixes  # every notebook, a new one included
    notebooks_mutated = {m.path for m in mutants.MUTANTS if m.path.endswith(".ipynb")}
    assert len(notebooks_mutated) >= 4


def test_apply_changes_exactly_the_named_text(tmp_path):
    helper = mutants.Mutant("x-helper", "helpers.py", "b = 2", "b = 3", ("t",), "")
    (tmp_path / "helpers.py").write_text("a = 1\nb = 2\n", encoding="utf-8")
    mutants.apply(helper, tmp_path)
    assert (tmp_path / "helpers.py").read_text(encoding="utf-8") == "a = 1\nb = 3\n"
    with pytest.raises(ValueError, match="occurs 0 times"):
        mutants.apply(helper, tmp_path)
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["x = 1\n"]},
            {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "y = x\n"], "outputs": []},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "n.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    cell = mutants.Mutant("x-cell", "n.ipynb", "x = 1\ny", "x = 2\ny", ("t",), "")
    assert mutants.occurrences(cell, tmp_path) == 1  # the markdown cell does not count
    mutants.apply(cell, tmp_path)
    changed = json.loads((tmp_path / "n.ipynb").read_text(encoding="utf-8"))
    assert changed["cells"][0]["source"] == ["x = 1\n"]
    assert "".join(changed["cells"][1]["source"]) == "x = 2\ny = x\n"
    twice = mutants.Mutant("x-twice", "helpers.py", "= ", "== ", ("t",), "")
    assert any("2 times" in p for p in mutants.problems([twice], tmp_path))
