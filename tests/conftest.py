"""Shared test plumbing: notebook discovery and a summary of how many notebook cells nbval compares."""

from __future__ import annotations

import json
from pathlib import Path

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
