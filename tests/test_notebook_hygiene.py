"""Stored notebooks are the handout: nothing a reader should never see, every cell run in order.

These checks read the stored .ipynb files only (nbval re-runs them separately).
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from conftest import IGNORE_MARKERS, ROOT, cell_source, comment_markers, load_notebook, notebook_paths

sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import merge_stream_outputs  # tools/ is not an installed package

NOTEBOOKS = notebook_paths()
IDS = [p.name for p in NOTEBOOKS]

FRAMEWORK_LOG = re.compile(
    r"^[IWEF]\d{4} |absl::InitializeLog|oneDNN custom operations|cuda drivers|cuInit|cpu_feature_guard"
    r"|^WARNING:tensorflow|^WARNING:absl",
    re.M,
)
MACHINE_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|/usr/|/opt/|/work/|site-packages|\.venv|[A-Za-z]:\\\\)")
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")
PROGRESS_OR_TIMING = re.compile(r"ETA: |\d+m?s/step|\d+us/step|━━━|\[=+>?\.*\]")


def output_text(output: dict) -> str:
    if "text" in output:
        text = output["text"]
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_is_a_single_h1_title(path):
    nb = load_notebook(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown"
    assert cell_source(first).lstrip().startswith("# ")
    h1 = [c for c in nb["cells"] if c["cell_type"] == "markdown" and re.search(r"^# ", cell_source(c), re.M)]
    assert len(h1) == 1, "exactly one '# ' title per notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_empty_cells(path):
    for i, cell in enumerate(load_notebook(path)["cells"]):
        assert cell_source(cell).strip(), f"cell {i} is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom_from_a_clean_kernel(path):
    counts = [c.get("execution_count") for _, c in code_cells(load_notebook(path))]
    assert None not in counts, "a code cell was not executed (run `make execute`)"
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts} are not 1, 2, 3, ..."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_errors_or_stderr_stored(path):
    for i, cell in code_cells(load_notebook(path)):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i} stores an error: {out.get('ename')}"
            assert not (out["output_type"] == "stream" and out.get("name") == "stderr"), (
                f"cell {i} stores a stderr stream: {output_text(out)[:120]!r}"
            )


# A traceback, error or warning text in a printed (stdout) or displayed (text/plain) output: a stderr stream or an
# error output is caught above, but a library may print to stdout and a cell may display an exception's text.
PROBLEM_TEXT = re.compile(r"Traceback|Error:|Warning:")

# Lines a lesson prints on purpose, named exactly: (notebook, the whole output line). Anything else matching
# PROBLEM_TEXT fails; an entry that no longer appears in its notebook fails too (so the list cannot go stale).
DELIBERATE = {
    # 01, "steps_per_epoch with plain arrays": the cell catches Keras's warning and prints its first clause,
    # the behaviour being taught (the pass runs out, the epoch ends early).
    ("01_batches_epochs_steps.ipynb", "UserWarning: Your input ran out of data"),
}


def problem_lines(outputs: list[dict], notebook: str = "") -> list[str]:
    """The lines of stdout streams and text/plain outputs that hold a traceback, error or warning text.

    Lines listed in DELIBERATE for `notebook` are left out. stderr streams and error outputs are not looked at
    here (test_no_errors_or_stderr_stored fails on them whatever they say).
    """
    found = []
    for out in outputs:
        if out["output_type"] == "stream" and out.get("name") != "stdout":
            continue
        if out["output_type"] not in ("stream", "execute_result", "display_data"):
            continue
        for line in output_text(out).splitlines():
            if PROBLEM_TEXT.search(line) and (notebook, line.strip()) not in DELIBERATE:
                found.append(line)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_traceback_error_or_warning_text_in_outputs(path):
    for i, cell in code_cells(load_notebook(path)):
        bad = problem_lines(cell.get("outputs", []), path.name)
        assert not bad, f"cell {i} shows a traceback, error or warning: {bad[:3]!r}"


def test_deliberate_warning_lines_are_still_printed():
    for notebook, line in DELIBERATE:
        outputs = [
            out
            for _, cell in code_cells(load_notebook(NOTEBOOKS[0].parent / notebook))
            for out in cell.get("outputs", [])
        ]
        assert any(line == shown.strip() for out in outputs for shown in output_text(out).splitlines()), (
            f"{notebook} no longer prints {line!r}: remove it from DELIBERATE"
        )


def _stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def _result(text, kind="execute_result"):
    return {"output_type": kind, "data": {"text/plain": text}, "metadata": {}}


@pytest.mark.parametrize(
    "outputs",
    [
        # the two examples from issue 23
        [_stream("epoch 1\n/x/keras/trainer.py:80: UserWarning: Your input ran out of data; interrupting training.\n")],
        [_result(["Traceback (most recent call last):\n", '  File "<cell>", line 1\n', "ValueError: bad\n"])],
        [_stream("fine\n"), _stream(["RuntimeWarning: overflow encountered in exp\n"])],
        [_result("KeyError: 'x'", kind="display_data")],
        [_stream("DeprecationWarning: use the other one\n")],
        [_stream("Warning: the run did not converge\n")],
        [_stream("UserWarning: Your input ran out of data\n")],  # the deliberate line, but in another notebook
    ],
)
def test_problem_detector_flags_made_up_outputs(outputs):
    assert problem_lines(outputs, "02_made_up.ipynb")


@pytest.mark.parametrize(
    "outputs",
    [
        [_stream("loss 0.31, accuracy 0.92\n"), _result("{'error rate': 0.08}")],
        [_stream("the error rate fell; no warning was printed\n")],  # words, not an exception or warning text
        [{"output_type": "display_data", "data": {"image/png": "Error: not text"}, "metadata": {}}],
        [_stream("Error: but on stderr\n", name="stderr")],  # caught by test_no_errors_or_stderr_stored instead
    ],
)
def test_problem_detector_passes_clean_outputs(outputs):
    assert not problem_lines(outputs, "02_made_up.ipynb")


def test_problem_detector_honours_only_exact_deliberate_lines():
    assert not problem_lines([_stream("UserWarning: Your input ran out of data\n")], "01_batches_epochs_steps.ipynb")
    assert problem_lines(
        [_stream("UserWarning: Your input ran out of data; interrupting\n")], "01_batches_epochs_steps.ipynb"
    )
    assert problem_lines([_stream("UserWarning: something else\n")], "01_batches_epochs_steps.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_logs_paths_addresses_or_colour_codes(path):
    for i, cell in code_cells(load_notebook(path)):
        for out in cell.get("outputs", []):
            text = output_text(out)
            for pattern, what in (
                (FRAMEWORK_LOG, "framework log line"),
                (MACHINE_PATH, "machine path"),
                (MEMORY_ADDRESS, "memory address"),
                (ANSI_CODES, "terminal colour code"),
            ):
                match = pattern.search(text)
                assert not match, f"cell {i}: {what} in output: {text[max(0, match.start() - 40) : match.end() + 40]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_progress_bars_and_timings_only_in_marked_cells(path):
    for i, cell in code_cells(load_notebook(path)):
        if comment_markers(cell) & set(IGNORE_MARKERS):
            continue
        for out in cell.get("outputs", []):
            text = output_text(out)
            assert not PROGRESS_OR_TIMING.search(text), f"cell {i}: progress bar or timing in a compared output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_unchecked_cell_says_why(path):
    """A cell whose output nbval does not compare carries a `# why: ...` comment right after the marker."""
    for i, cell in code_cells(load_notebook(path)):
        lines = [line.strip() for line in cell_source(cell).splitlines()]
        for k, line in enumerate(lines):
            if line.lstrip("#").strip() in IGNORE_MARKERS and line.startswith("#"):
                assert k + 1 < len(lines) and lines[k + 1].startswith("# why:"), (
                    f"cell {i}: {line} must be followed by a '# why: ...' comment"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_cell_comes_first(path):
    cells = code_cells(load_notebook(path))
    assert "helpers.setup(" in cell_source(cells[0][1]), "the first code cell must call helpers.setup(seed=...)"
    setup_src = cell_source(cells[0][1])
    assert setup_src.index("helpers.setup(") < setup_src.find("import keras") or "import keras" not in setup_src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_unterminated_plot_calls(path):
    """`plt.plot(...)` as a cell's last line stores a <Line2D at 0x...> repr (see REFERENCES.md)."""
    for i, cell in code_cells(load_notebook(path)):
        for out in cell.get("outputs", []):
            text = output_text(out)
            assert not re.search(r"<matplotlib\.\w+.* at ", text), f"cell {i}: end the plotting line with ';'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_each_cells_printed_text_is_one_stream_output(path):
    """`make execute` merges a cell's consecutive stream outputs, so re-running never re-cuts the same text."""
    for index, cell in code_cells(load_notebook(path)):
        outputs = cell.get("outputs", [])
        for before, after in zip(outputs, outputs[1:]):
            assert not (
                before["output_type"] == after["output_type"] == "stream" and before["name"] == after["name"]
            ), f"cell {index}: two {after['name']} outputs in a row"


def test_merge_stream_outputs_joins_consecutive_streams_only():
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\r"),
        nbformat.v4.new_output("display_data", data={"text/plain": "figure"}),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    merge_stream_outputs(nb)
    assert [o.output_type for o in cell.outputs] == ["stream", "display_data", "stream"]
    assert cell.outputs[0].text == "a\nb\r"  # the carriage return kept: the tests still see a progress bar
