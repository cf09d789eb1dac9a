"""Notebook 00: the map's study times, the environment check and exercise 00.1.

The times in 00's map and in the README's notebook table must equal tools/lesson_length.py's estimate
for every notebooks/NN_*.ipynb present; when a notebook changes, refresh them with
`python3 tools/lesson_length.py --update` (or paste the rows of `--table`).
"""

from __future__ import annotations

import importlib.util
import json
import math

import numpy as np
import pytest

import helpers
from conftest import NOTEBOOK_DIR, ROOT, notebook_paths

SEEDS = (42, 1, 2)


def _load_tool():
    spec = importlib.util.spec_from_file_location("lesson_length", ROOT / "tools" / "lesson_length.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lesson_length = _load_tool()


# ---------------------------------------------------------------------------
# The study times shown in 00's map and in the README
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["00's map", "README"])
def test_shown_times_match_the_estimate_for_every_notebook(where):
    text = lesson_length.map_text() if where == "00's map" else (ROOT / "README.md").read_text(encoding="utf-8")
    shown = lesson_length.documented_times(text)
    expected = {path.stem: lesson_length.time_cell(path) for path in notebook_paths()}
    missing = sorted(set(expected) - set(shown))
    extra = sorted(set(shown) - set(expected))
    wrong = {
        stem: (shown[stem], expected[stem])
        for stem in sorted(set(expected) & set(shown))
        if shown[stem] != expected[stem]
    }
    assert not missing and not extra and not wrong, (
        f"{where}: notebooks without a time row {missing}, rows for missing notebooks {extra}, "
        f"times shown vs estimated {wrong}; refresh with `python3 tools/lesson_length.py --update`"
    )


def test_00_and_01_fit_one_class_period():
    for name in ("00_start_here", "01_batches_epochs_steps"):
        core, total = lesson_length.estimate(NOTEBOOK_DIR / f"{name}.ipynb")
        assert core <= 40 and total <= 60, (name, core, total)


def _notebook(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _md(text, **meta):
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def _code(text, figures=0, tags=()):
    outputs = [{"output_type": "display_data", "data": {"image/png": "x"}, "metadata": {}}] * figures
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)},
        "source": text,
        "outputs": outputs,
        "execution_count": 1,
    }


def test_estimate_algorithm_by_hand(tmp_path):
    """words / 150 + code lines / 6 + 1 per figure; Going deeper apart; exercises and references not counted."""
    words = lambda n: " ".join(["word"] * n)  # noqa: E731
    nb = _notebook(
        [
            _md("# Title\n" + words(148)),  # 150 words: 1 min
            _code("a = 1\n\n# NBVAL_IGNORE_OUTPUT\nb = 2\nc = 3\n", figures=1),  # 3 code lines + 1 figure
            _code("d = 4\ne = 5\nf = 6\n"),  # 3 more lines: 6 lines = 1 min
            _md("## Going deeper: more\n" + words(296)),  # 300 words: 2 min optional
            _code("g = 7\n" * 12),  # 12 lines: 2 min optional
            _md("## Summary\n" + words(148)),  # core again: 1 min
            _md("## Exercises\n" + words(1000)),  # not counted
            _code("h = 8\n" * 60, tags=["exercise"]),
            _md("## References\n" + words(1000)),
            _md("**Exercise 1.1.** " + words(500), tags=["exercise"]),
        ]
    )
    path = tmp_path / "99_hand.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    core, total = lesson_length.estimate(path)
    assert core == pytest.approx(1 + 1 + 1 + 1)  # prose 2 min, code 1 min, one figure 1 min
    assert total == pytest.approx(core + 2 + 2)
    assert lesson_length.time_cell(path) == "4 / 8"


def test_update_rewrites_only_the_time_cells(tmp_path):
    readme = (
        "intro 1 / 2 stays\n| notebook | what | minutes: core / all |\n|---|---|---|\n"
        "| [01_x](notebooks/01_x.ipynb) | a / b, and 3 / 4 in the text | 0 / 0 |\n"
        "| [02_y](notebooks/02_y.ipynb) | y | 9 / 9 |\n"
    )
    out = lesson_length.rewrite_times(readme, {"01_x": "33 / 41"})
    assert out == readme.replace("| 0 / 0 |", "| 33 / 41 |")
    assert lesson_length.documented_times(out) == {"01_x": "33 / 41", "02_y": "9 / 9"}
    # the same row inside a notebook's JSON (one source line per JSON string)
    cell = _md(
        "## The map\n\n| n | minutes: core / all |\n|---|---|\n| [01 X](01_x.ipynb) | 5 / 6 |\n"
        "| [02 Y](02_y.ipynb) | 7 / 8 |"
    )
    cell["source"] = cell["source"].splitlines(keepends=True)
    raw = json.dumps(_notebook([cell]), indent=1)
    new = json.loads(lesson_length.rewrite_times(raw, {"01_x": "33 / 41", "02_y": "1 / 2"}))
    assert "".join(new["cells"][0]["source"]).endswith(
        "| [01 X](01_x.ipynb) | 33 / 41 |\n| [02 Y](02_y.ipynb) | 1 / 2 |"
    )


def test_table_option_prints_every_notebook(capsys):
    assert lesson_length.main(["--table", str(NOTEBOOK_DIR)]) == 0
    out = capsys.readouterr().out
    for path in notebook_paths():
        assert f"| {lesson_length.time_cell(path)} |" in out and path.stem in out


# ---------------------------------------------------------------------------
# Wording: variance vs noise
# ---------------------------------------------------------------------------


def test_map_and_readme_say_variance_1_over_b_and_noise_1_over_sqrt_b():
    for text in (lesson_length.map_text(), (ROOT / "README.md").read_text(encoding="utf-8")):
        assert "noise shrinking like 1/B" not in text
        assert "1/sqrt(B)" in text and "variance" in text


# ---------------------------------------------------------------------------
# The environment check and exercise 00.1
# ---------------------------------------------------------------------------


def _environment_check_source() -> str:
    """The source of 00's environment-check cell (the one that prints the verdict)."""
    nb = json.loads((NOTEBOOK_DIR / "00_start_here.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    found = [src for src in cells if '"environment OK"' in src]
    assert len(found) == 1, "00 has one environment-check cell"
    return found[0]


def _run_environment_check(namespace: dict) -> str:
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(_environment_check_source(), "00_start_here.ipynb:environment check", "exec"), namespace)
    return printed.getvalue()


@pytest.mark.parametrize("seed", SEEDS)
def test_environment_check_cell_is_well_above_chance_and_makes_45_steps_per_epoch(keras, seed):
    """The notebook's own cell, run for three seeds; thresholds and the step count are worked out here."""
    keras.utils.set_random_seed(seed)
    ns = {"keras": keras, "helpers": helpers, "np": np, "math": math}
    printed = _run_environment_check(ns)
    assert len(ns["x"]) == 1797 and ns["x"].max() == 1.0  # pixels 0..16 scaled to 0..1
    accuracy = ns["history"].history["val_accuracy"][-1]
    assert accuracy > 0.5, accuracy  # well above chance (0.1)
    assert "environment OK" in printed and "something is wrong" not in printed, printed
    # exercise 00.1: floor(1797 * 8 / 10) = 1437 training digits, ceil(1437 / 32) = 45 steps; Keras's own count
    n_train = 1797 * 8 // 10
    assert int(ns["model"].optimizer.iterations) == 3 * ((n_train + 31) // 32) == 135


class _FakeHistory:
    def __init__(self, val_accuracy):
        self.history = {"val_accuracy": [0.1, val_accuracy]}


class _FakeModel:
    def __init__(self, val_accuracy):
        self.val_accuracy = val_accuracy

    def compile(self, **kwargs):
        pass

    def fit(self, *args, **kwargs):
        return _FakeHistory(self.val_accuracy)


@pytest.mark.parametrize(
    "val_accuracy, verdict",
    [
        (0.95, "environment OK"),
        (0.55, "environment OK"),
        (0.45, "something is wrong"),
        (0.12, "something is wrong"),
        (0.0, "something is wrong"),
    ],
)
def test_environment_check_verdict_on_made_up_histories(keras, val_accuracy, verdict):
    """The cell's verdict with a model replaced by one whose history is made up: OK above 0.5 only."""
    import types

    fake_keras = types.SimpleNamespace(
        Sequential=lambda layers: _FakeModel(val_accuracy), Input=keras.Input, layers=keras.layers
    )
    printed = _run_environment_check({"keras": fake_keras, "helpers": helpers, "np": np, "math": math})
    assert verdict in printed and printed.count("environment OK") + printed.count("something is wrong") == 1, printed


def test_pinned_requirements_and_mismatches_on_a_made_up_file(tmp_path):
    from importlib.metadata import version

    made_up = tmp_path / "requirements.txt"
    made_up.write_text(
        f"# a comment == not a pin\nnumpy=={version('numpy')}  # trailing comment\n"
        f"pytest == 0.0.1\nno-such-package-anywhere==1.0\nscipy>=1\n-e .\n",
        encoding="utf-8",
    )
    assert helpers.pinned_requirements(made_up) == {
        "numpy": version("numpy"),
        "pytest": "0.0.1",
        "no-such-package-anywhere": "1.0",
    }
    mismatches = helpers.requirement_mismatches(made_up)
    assert len(mismatches) == 2, mismatches
    assert mismatches[0].startswith("pytest: ") and "0.0.1" in mismatches[0]
    assert mismatches[1].startswith("no-such-package-anywhere: not installed")


def test_exercise_00_1_right_and_wrong_answers(capsys):
    right = math.ceil(math.floor(1797 * 0.8) / 32)
    assert right == 45
    for variant in (45, 45.0, np.int64(45)):
        assert helpers.is_correct("00.1", variant)
    for wrong in (57, 44, 1437, 44.90625, 1, 135):
        assert not helpers.is_correct("00.1", wrong)
        helpers.check("00.1", wrong)
        out = capsys.readouterr().out
        assert "not yet" in out and "Hint:" in out and "45" not in out, out
    for junk in ("forty-five", None, [45], True):
        helpers.check("00.1", junk)
        out = capsys.readouterr().out
        assert "correct." not in out and "Traceback" not in out


def test_no_style_demo_figure_left_in_00():
    nb = json.loads((NOTEBOOK_DIR / "00_start_here.ipynb").read_text(encoding="utf-8"))
    figures = [out for cell in nb["cells"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    assert not figures  # the five-curve style demo is gone: one sentence in "How the notebooks work" says it
