"""The two editions of a notebook, and the code as the handouts print it.

* Instructor edition: the stored notebook as it is, every cell with its outputs.
* Student edition: every run of cells tagged ``solution`` (the worked solution's markdown and code, and so
  its outputs) is replaced by one short note; the learner's cells tagged ``exercise`` stay, with their
  ``...`` placeholder and the self-check's "not answered yet".
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .labels import notebook_language, solution_note
from .notebooks import cell_source

EDITIONS = ("instructor", "student")
SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
SOLUTION_NOTE_TAG = "solution-note"

NBVAL_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")
WHY_LINE = re.compile(r"^\s*#\s*why:")


def has_tag(cell: dict, tag: str) -> bool:
    """Whether `cell` carries `tag` in its metadata."""
    return tag in cell.get("metadata", {}).get("tags", [])


def with_solution_notes(nb: Any) -> Any:
    """`nb` (changed in place and returned) with a note cell before each run of consecutive solution cells.

    The note is a markdown cell tagged ``solution-note`` saying the solution is in the instructor edition,
    numbered ``solution-note-K`` where the notebook's cells have ids.
    """
    import nbformat

    cells: list[Any] = []
    notes = 0
    previous_was_solution = False
    for cell in nb.cells:
        is_solution = has_tag(cell, SOLUTION_TAG)
        if is_solution and not previous_was_solution:
            notes += 1
            note = nbformat.v4.new_markdown_cell(
                solution_note(notebook_language(nb)), metadata={"tags": [SOLUTION_NOTE_TAG]}
            )
            if "id" in cell or nb.get("nbformat_minor", 0) >= 5:
                note["id"] = f"solution-note-{notes}"
            cells.append(note)
        previous_was_solution = is_solution
        cells.append(cell)
    nb.cells = cells
    return nb


def student_edition(nb: Any) -> Any:
    """Return a copy of `nb` without its solutions.

    Each run of consecutive cells tagged ``solution`` (the explanation and the code, with its outputs)
    becomes one markdown cell tagged ``solution-note`` saying the solution is in the instructor edition.
    Every other cell, including the learner's ``exercise`` cells with their placeholder, stays as it is.
    """
    from nbconvert.preprocessors import TagRemovePreprocessor

    # nbconvert removes the tagged cells; the notes, put in first, say where they were.
    out = with_solution_notes(copy.deepcopy(nb))
    out, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(out, {})
    return out


def edition(nb: Any, name: str) -> Any:
    """The notebook as it goes into edition `name` ("instructor" or "student")."""
    if name == "instructor":
        return copy.deepcopy(nb)
    if name == "student":
        return student_edition(nb)
    raise ValueError(f"edition must be one of {EDITIONS}, got {name!r}")


def check_editions(names: list[str]) -> None:
    """Raise ValueError unless every name in `names` is an edition."""
    for name in names:
        if name not in EDITIONS:
            raise ValueError(f"editions must be among {EDITIONS}, got {name!r}")


def display_source(source: str) -> str:
    """Code as printed in the handouts: without nbval's ``# NBVAL_...`` marker lines (test plumbing)
    and the ``# why: ...`` comment line that follows a marker."""
    lines = source.splitlines(keepends=True)
    kept, after_marker = [], False
    for line in lines:
        if NBVAL_MARKER.match(line):
            after_marker = True
            continue
        if after_marker and WHY_LINE.match(line):
            continue
        after_marker = False
        kept.append(line)
    return "".join(kept)


def without_test_markers(nb: Any) -> Any:
    """`nb` (changed in place and returned) with every code cell's source as `display_source` prints it."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = cell_source(cell)
            shown = display_source(src)
            if shown != src:
                cell["source"] = shown
    return nb
