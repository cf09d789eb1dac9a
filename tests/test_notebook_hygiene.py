"""Stored notebooks are the handout: nothing a reader should never see, every cell run in order.

These checks read the stored .ipynb files only (nbval re-runs them separately).
"""

from __future__ import annotations

import re

import pytest

from conftest import IGNORE_MARKERS, cell_source, comment_markers, load_notebook, notebook_paths

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_logs_paths_addresses_or_colour_codes(path):
    for i, cell in code_cells(load_notebook(path)):
        for out in cell.get("outputs", []):
            text = output_text(out)
            for pattern, what in ((FRAMEWORK_LOG, "framework log line"), (MACHINE_PATH, "machine path"),
                                  (MEMORY_ADDRESS, "memory address"), (ANSI_CODES, "terminal colour code")):
                match = pattern.search(text)
                assert not match, f"cell {i}: {what} in output: {text[max(0, match.start() - 40):match.end() + 40]!r}"


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
