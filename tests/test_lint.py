"""`make lint` is clean: ruff's lint rules and its formatter's check, as configured in pyproject.toml.

The test runs the two commands `make lint` runs, from the course folder (so the paths, rules and exclusions are
pyproject.toml's [tool.ruff]), with the ruff installed beside the Python running the tests (.venv's, pinned in
requirements.txt). A failure shows ruff's own report; `.venv/bin/ruff check --fix` and `.venv/bin/ruff format`
fix most of it, the rest is by hand (`make lint` shows it again).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, missing_tool

# What `make lint` runs (Makefile), in the same order.
LINT_COMMANDS = {"check": ("check",), "format": ("format", "--check")}


@pytest.fixture(scope="module")
def ruff() -> str:
    """The environment's ruff (.venv/bin/ruff under `make test`)."""
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if found is None:
        missing_tool("ruff (make lint)", "pip install -r requirements.txt")
    return found


@pytest.mark.parametrize("command", list(LINT_COMMANDS))
def test_ruff_is_clean(ruff, command):
    args = LINT_COMMANDS[command]
    proc = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:  # ruff's own report, nothing else
        report = (proc.stdout + proc.stderr).strip()
        pytest.fail(f"`ruff {' '.join(args)}` is not clean (see `make lint`):\n{report}", pytrace=False)
