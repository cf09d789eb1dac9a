"""Shared test plumbing: notebook discovery and a summary of how many notebook cells nbval compares."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"

IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")


def notebook_paths() -> list[Path]:
    """Every numbered course notebook, in order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def load_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def norm(text: str) -> str:
    """`text` with every run of whitespace made one space (for comparing code and page text)."""
    return " ".join(text.split())


def quiet(_line: str) -> None:
    """A log function that prints nothing (for builders called from tests)."""


def missing_tool(what: str, install: str) -> None:
    """Skip the test where `what` is missing; in CI (CI set), where .ci/run must install it, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: .ci/run must install it ({install})")
    pytest.skip(f"{what} not installed here ({install})")


def comment_markers(cell: dict) -> set[str]:
    """The nbval markers a code cell carries, as nbval reads them (whole-line comments)."""
    found = set()
    for line in cell_source(cell).splitlines():
        line = line.strip()
        if line.startswith("#"):
            found.add(line.lstrip("#").strip())
    return found


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Report how many code cells nbval compares, so a growing ignore list is visible."""
    if config.pluginmanager.hasplugin("xdist") and hasattr(config, "workerinput"):
        return
    total = compared = 0
    for path in notebook_paths():
        for cell in load_notebook(path)["cells"]:
            if cell["cell_type"] != "code":
                continue
            total += 1
            if not comment_markers(cell) & set(IGNORE_MARKERS):
                compared += 1
    terminalreporter.write_sep("-", "nbval coverage")
    terminalreporter.write_line(
        f"nbval compares the stored outputs of {compared} of {total} code cells "
        f"in {len(notebook_paths())} notebooks; {total - compared} are marked as legitimately varying."
    )


def notebook_namespace(name: str, tag: str = "reused-in-tests", seed: int | None = None) -> dict:
    """Run a notebook's setup cell and its code cells tagged `tag`; return the resulting namespace.

    Lets a test reuse the very functions a notebook defines (the lesson's code stays in the
    notebook, not copied into tests) and call them with other seeds. `seed`, if given, is passed
    to helpers.setup through COURSE_SEED for the duration of the setup cell.
    """

    path = NOTEBOOK_DIR / name
    cells = [c for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]
    chosen = [cells[0]] + [c for c in cells[1:] if tag in c.get("metadata", {}).get("tags", [])]
    if len(chosen) == 1:
        raise ValueError(f"{name} has no code cells tagged {tag!r}")
    namespace: dict = {"__name__": f"notebook_{path.stem}"}
    old = os.environ.get("COURSE_SEED")
    if seed is not None:
        os.environ["COURSE_SEED"] = str(seed)
    try:
        for cell in chosen:
            exec(compile(cell_source(cell), f"{name}:{cells.index(cell)}", "exec"), namespace)
    finally:
        if seed is not None:
            if old is None:
                os.environ.pop("COURSE_SEED", None)
            else:
                os.environ["COURSE_SEED"] = old
    return namespace


@pytest.fixture(scope="session")
def keras():
    """Keras, imported without TensorFlow's start-up log (shared by the notebooks' test files)."""
    import helpers

    return helpers.import_keras_quietly()
