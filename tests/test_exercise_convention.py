"""Every notebook's exercises follow one convention (see README: Exercises).

A learner's cell tagged `exercise` calls helpers.check(...) on a `...` placeholder; a cell tagged
`solution` follows it, calls helpers.check with the same id, and its stored output says "correct".
"""

from __future__ import annotations

import re

import pytest

import helpers
from conftest import cell_source, load_notebook, notebook_paths

NOTEBOOKS = notebook_paths()
CHECK_CALL = re.compile(r"""helpers\.check\(\s*["'](\d\d\.\d+)["']""")


def tagged(nb: dict, tag: str) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and tag in c.get("metadata", {}).get("tags", [])]


def stored_text(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_each_exercise_has_placeholder_check_and_passing_solution(path):
    nb = load_notebook(path)
    prefix = path.name[:2]
    exercise_cells = tagged(nb, "exercise")
    solution_cells = tagged(nb, "solution")
    assert exercise_cells, "every notebook ends with exercises"
    exercise_ids = []
    for cell in exercise_cells:
        src = cell_source(cell)
        ids = CHECK_CALL.findall(src)
        assert ids, f"exercise cell without helpers.check(...):\n{src}"
        assert "..." in src, f"exercise cell without a ... placeholder:\n{src}"
        assert all(i.startswith(prefix + ".") for i in ids), f"exercise ids in {path.name} must start with {prefix}."
        exercise_ids += ids
    solved_ids = []
    for cell in solution_cells:
        ids = CHECK_CALL.findall(cell_source(cell))
        solved_ids += ids
        out = stored_text(cell)
        for i in ids:
            assert f"Exercise {i}: correct." in out, f"the stored solution of {i} does not pass its self-check"
    assert sorted(exercise_ids) == sorted(solved_ids), "each exercise needs exactly one worked solution"
    assert set(exercise_ids) <= set(helpers.exercise_ids())
    for cell in exercise_cells:
        assert "not answered yet" in stored_text(cell), "the learner's cell must be stored unanswered"
