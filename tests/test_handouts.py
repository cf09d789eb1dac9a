"""Classroom handouts (make handouts, tools/build_handouts.py) and the exercise convention they rely on.

* HTML: both editions of every notebook are built (fast, always).
* Student edition: no solution code, solution text or solution output; every exercise kept with its
  placeholder and a note where its solution was. Instructor edition: every cell, every output.
* PDF (where Chromium is installed; in CI it must be): two notebooks are printed in both editions and
  combined; every page carries the course and notebook title; nothing on any notebook sticks out of the
  page's text block; links between notebooks stay links.
* Exercises: every registered exercise answers a placeholder or a wrong type with a message, never a
  traceback, and has a hint for a wrong answer.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

import pytest

import helpers
from conftest import ROOT, cell_source, load_notebook, missing_tool, norm, notebook_paths, quiet

sys.path.insert(0, str(ROOT / "tools"))
import build_handouts as cli  # noqa: E402  (the command line)
from handouts import chromium, editions, labels, links, mathjax, notebooks, paper, render  # noqa: E402
from handouts.build import build as build_handouts  # noqa: E402

NOTEBOOKS = notebook_paths()
IDS = [p.stem for p in NOTEBOOKS]
CHECK_CALL = re.compile(r"""helpers\.check\(\s*["'](\d\d\.\d+)["']""")


@functools.cache
def page_text(path: Path) -> str:
    """The visible text of a built HTML handout (no CSS or scripts), whitespace collapsed (parsed once)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script", "head"]):
        tag.decompose()
    return norm(soup.get_text())


def tagged(nb: dict, tag: str, cell_type: str | None = None) -> list[dict]:
    return [
        c
        for c in nb["cells"]
        if tag in c.get("metadata", {}).get("tags", []) and (cell_type is None or c["cell_type"] == cell_type)
    ]


def output_text(cell: dict) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append("".join(o.get("text", "")))
        parts.append("".join(o.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def snapshot(paths: list[Path], folder: Path) -> list[Path]:
    """Copies of the notebooks: the tests compare a build with exactly the files it was built from."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in paths:
        copy = folder / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    return copies


@pytest.fixture(scope="module")
def html_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts-html")
    return build_handouts(snapshot(NOTEBOOKS, out / "source"), out, pdf=False, log=quiet)


def source(build, path: Path) -> dict:
    """The notebook as it was when `build` read it."""
    return load_notebook(build.out_dir / "source" / path.name)


def need_chromium() -> str:
    exe = chromium.find_chromium()
    if exe is None:
        missing_tool("Chromium (the PDF handouts)", "apt-get install chromium")
    return exe


def pdf_sample() -> list[Path]:
    """Notebook 00 and the smallest other notebook: enough to test printing, links and the combined PDF."""
    first = [p for p in NOTEBOOKS if p.name.startswith("00_")] or NOTEBOOKS[:1]
    others = sorted((p for p in NOTEBOOKS if p not in first), key=lambda p: p.stat().st_size)
    return first + others[:1]


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory):
    exe = need_chromium()
    out = tmp_path_factory.mktemp("handouts-pdf")
    return build_handouts(snapshot(pdf_sample(), out / "source"), out, pdf=True, chromium=exe, log=quiet)


# ---------------------------------------------------------------------------
# The student edition, unit-tested on a small notebook
# ---------------------------------------------------------------------------


def small_notebook():
    import nbformat

    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# A title\n\nOverview."),
        v4.new_markdown_cell("**Exercise 99.1.** Do it.", metadata={"tags": ["exercise"]}),
        v4.new_code_cell(
            "answer = ...  # your answer here\nhelpers.check('99.1', answer)", metadata={"tags": ["exercise"]}
        ),
        v4.new_markdown_cell("**Solution.** Secret reasoning.", metadata={"tags": ["solution"]}),
        v4.new_code_cell(
            "answer = 6 * 7\nhelpers.check('99.1', answer)",
            metadata={"tags": ["solution"]},
            outputs=[v4.new_output("stream", text="Exercise 99.1: correct. Well done!\n")],
        ),
        v4.new_markdown_cell("See [the next one](01_next.ipynb#part-2) and [the web](https://keras.io)."),
        v4.new_code_cell("answer = 7 * 6", metadata={"tags": ["solution"]}),
    ]
    return nb


def test_nbval_markers_are_not_printed():
    src = "# NBVAL_IGNORE_OUTPUT\n# why: wall-clock timings vary\nprint(t)\n# why: a real comment\nx = 1"
    assert editions.display_source(src) == "print(t)\n# why: a real comment\nx = 1"
    assert (
        editions.display_source("x = 1  # NBVAL_SKIP is only a comment here")
        == "x = 1  # NBVAL_SKIP is only a comment here"
    )


def test_an_escaped_dollar_stays_a_dollar_not_math():
    # Notebook 03 writes prices as k\$; nbconvert's markdown would drop the backslash and MathJax would
    # typeset the text between two prices as math. The builder doubles it so MathJax shows a plain $.
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "5 k\\$ and 3 k\\$, then $x$ and \\\\$"},
            {"cell_type": "code", "source": "price = '5 k\\$'"},
        ]
    }
    out = render.keep_escaped_dollars(nb)
    assert out["cells"][0]["source"] == "5 k\\\\$ and 3 k\\\\$, then $x$ and \\\\$"
    assert out["cells"][1]["source"] == "price = '5 k\\$'"


def test_wide_tables_shrink_and_long_sentences_wrap():
    table = "\n".join(
        ["name" + " " * 30 + "  ".join(["column"] * 14)] + ["row" + " " * 31 + "  ".join(["0.25  "] * 14)]
    )
    scale = render.output_scale(table)
    assert scale is not None and max(map(len, table.splitlines())) * scale <= render.PRINT_LINE_CHARS
    assert render.output_scale("short  table\nrow  1") is None
    assert render.output_scale("A long sentence, " * 10) is None, "a sentence wraps instead"
    page = render.output_hanging_indents(f'<div class="jp-RenderedText"><pre>{table}</pre>')
    assert f'<pre class="fit" style="--fit: {scale}">' in page


def test_student_edition_replaces_each_run_of_solution_cells_by_one_note():
    nb = small_notebook()
    before = json.dumps(nb, sort_keys=True)
    student = editions.student_edition(nb)
    assert json.dumps(nb, sort_keys=True) == before, "the original notebook must not change"
    sources = [cell_source(c) for c in student.cells]
    assert sources.count(labels.SOLUTION_NOTE) == 2
    assert not any("Secret" in s or "6 * 7" in s or "7 * 6" in s for s in sources)
    assert "answer = ...  # your answer here" in sources[2], "the learner's cell stays"
    assert all("solution" not in c.metadata.get("tags", []) for c in student.cells)
    assert len({c.get("id") for c in student.cells}) == len(student.cells), "cell ids stay unique"
    assert editions.edition(nb, "instructor") == nb


def test_links_to_notebooks_become_links_to_html():
    page = '<a href="01_next.ipynb#part-2">x</a> <a href="./02_b.ipynb">y</a> <a href="https://a.org/x.ipynb">z</a>'
    assert links.rewrite_notebook_links(page) == (
        '<a href="01_next.html#part-2">x</a> <a href="02_b.html">y</a> <a href="https://a.org/x.ipynb">z</a>'
    )


def test_header_titles_are_cut_after_their_first_clause():
    assert (
        notebooks.header_title("Feature scaling: normalization, standardization, and why unscaled inputs fail")
        == "Feature scaling"
    )
    assert (
        notebooks.header_title("Why batch normalization? One exploding weight, and activations drifting")
        == "Why batch normalization?"
    )
    assert notebooks.header_title("Start here") == "Start here"
    long = notebooks.header_title("A very long title without any clause break that goes on and on and on")
    assert long.endswith("…") and len(long) <= notebooks.HEADER_TITLE_CHARS + 1


def test_titles():
    course = "Batch size, feature scaling and batch normalization"
    assert notebooks.course_title() == course
    assert notebooks.short_title(course + ": start here", course) == "Start here"
    assert notebooks.short_title("Feature scaling", course) == "Feature scaling"
    assert notebooks.notebook_title(small_notebook(), "fallback") == "A title"


def test_bad_arguments_are_refused_with_a_clear_message(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="paper"):
        build_handouts(NOTEBOOKS[:1], tmp_path, pdf=False, paper="a5", log=quiet)
    with pytest.raises(ValueError, match="editions"):
        build_handouts(NOTEBOOKS[:1], tmp_path, pdf=False, editions=["teacher"], log=quiet)
    with pytest.raises(ValueError, match="notebook"):
        build_handouts([tmp_path / "missing.ipynb"], tmp_path, pdf=False, log=quiet)
    with pytest.raises(ValueError, match="edition"):
        editions.edition(small_notebook(), "teacher")
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-browser"))
    assert chromium.find_chromium() is None
    with pytest.raises(chromium.PdfToolMissing, match="apt-get install chromium"):
        chromium.Chromium()  # no browser: says what to install


# ---------------------------------------------------------------------------
# HTML editions of every notebook
# ---------------------------------------------------------------------------


def test_every_notebook_has_both_html_editions_and_an_index(html_build):
    for edition in editions.EDITIONS:
        folder = html_build.out_dir / edition
        assert sorted(p.stem for p in folder.glob("[0-9][0-9]_*.html")) == IDS
        index = (folder / "index.html").read_text(encoding="utf-8")
        for stem in IDS:
            assert f'href="{stem}.html"' in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_has_no_solution_code_text_or_output(html_build, path):
    nb = source(html_build, path)
    student = page_text(html_build.out_dir / "student" / f"{path.stem}.html")
    instructor = page_text(html_build.out_dir / "instructor" / f"{path.stem}.html")
    solutions = tagged(nb, "solution")
    assert solutions, f"{path.name} has no solution cells"
    not_solution = "\n".join(cell_source(c) + output_text(c) for c in nb["cells"] if c not in solutions)
    for cell in solutions:
        if cell["cell_type"] == "code":
            code = norm(editions.display_source(cell_source(cell)))  # as printed: nbval's markers left out
            assert code in instructor, "the instructor edition shows the solution's code"
            assert code not in student, f"solution code in the student edition:\n{cell_source(cell)}"
            # each line that only a solution has (not the learner's cell, not the lesson) stays hidden
            for line in cell_source(cell).splitlines():
                line = norm(line)
                if len(line) >= 6 and line not in not_solution:
                    assert line not in student, f"solution line in the student edition: {line}"
        for exercise_id in CHECK_CALL.findall(cell_source(cell)):
            assert f"Exercise {exercise_id}: correct." in instructor
            assert f"Exercise {exercise_id}: correct." not in student
        assert "correct. Well done" not in student
    for cell in tagged(nb, "solution", "markdown"):
        first = norm(notebooks.plain_text(cell_source(cell).split("\n\n")[0]))[:60]
        assert first in instructor and first not in student, f"solution text in the student edition: {first}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_notebook_has_no_solution_cells(html_build, path):
    nb = source(html_build, path)
    student = load_notebook(html_build.out_dir / "student" / path.name)
    text = "\n".join(cell_source(c) + output_text(c) for c in student["cells"])
    assert not tagged(student, "solution")
    for cell in tagged(nb, "solution", "code"):
        assert cell_source(cell) not in text
    assert "correct. Well done" not in text
    assert len(tagged(student, "exercise")) == len(tagged(nb, "exercise"))
    assert len(student["cells"]) < len(nb["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_keeps_every_exercise_with_its_placeholder(html_build, path):
    nb = source(html_build, path)
    student = page_text(html_build.out_dir / "student" / f"{path.stem}.html")
    exercise_code = tagged(nb, "exercise", "code")
    for cell in exercise_code:
        assert norm(cell_source(cell)) in student
        assert "..." in cell_source(cell)
    ids = [i for c in exercise_code for i in CHECK_CALL.findall(cell_source(c))]
    for exercise_id in ids:
        assert re.search(rf"Exercise {re.escape(exercise_id)}\b", student), "the exercise's statement stays"
    assert student.count("not answered yet") >= len(exercise_code)
    notes = student.count(norm(labels.SOLUTION_NOTE.strip("*")))
    assert notes == len(ids), "one note per exercise where its solution was"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_instructor_edition_has_every_cell_and_figure(html_build, path):
    nb = source(html_build, path)
    page = (html_build.out_dir / "instructor" / f"{path.stem}.html").read_text(encoding="utf-8")
    text = page_text(html_build.out_dir / "instructor" / f"{path.stem}.html")
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert norm(editions.display_source(cell_source(cell))) in text
            assert "NBVAL_" not in text, "nbval's markers are test plumbing, not printed"
    figures = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    assert page.count('src="data:image/png;base64,') == figures


def test_one_notebook_rebuilt_keeps_its_links_to_the_whole_course(tmp_path):
    """`make handouts NOTEBOOKS=...`: previous/next lead to the course's neighbours, not just the selection."""
    if len(NOTEBOOKS) < 3:
        pytest.skip("needs three notebooks")
    middle = NOTEBOOKS[1]
    result = build_handouts([middle], tmp_path, pdf=False, editions=["student"], index=False, log=quiet)
    page = (tmp_path / "student" / f"{middle.stem}.html").read_text(encoding="utf-8")
    banner = page.split('class="handout-banner"', 1)[1].split("</header>", 1)[0]
    assert f'href="{NOTEBOOKS[0].stem}.html"' in banner and f'href="{NOTEBOOKS[2].stem}.html"' in banner
    assert result.handouts[0].header_label in banner


def test_a_mistyped_notebook_gets_a_message_and_exit_code_2(tmp_path, capsys):
    assert cli.main(["--html-only", "--out", str(tmp_path), "notebooks/99_no_such.ipynb"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "99_no_such.ipynb" in err and "Traceback" not in err


def test_student_index_does_not_point_to_the_instructor_edition(html_build):
    assert "instructor/" not in (html_build.out_dir / "student" / "index.html").read_text(encoding="utf-8")


# Phrases that promise a worked solution right after the exercise: true in the instructor edition only.
PROMISES = re.compile(r"(worked )?solutions? (follows?|below|comes? next)|(see|find) the solution below", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_does_not_promise_worked_solutions(html_build, path):
    text = page_text(html_build.out_dir / "student" / f"{path.stem}.html")
    found = [text[max(0, m.start() - 60) : m.end() + 20] for m in PROMISES.finditer(text)]
    assert not found, f"the student edition promises a solution it does not hold: {found}"


def test_html_math_is_typeset_offline(html_build):
    """With Debian's MathJax, each edition carries the parts it needs and the pages point to them."""
    if not mathjax.DEBIAN_MATHJAX.exists():
        pytest.skip("libjs-mathjax not installed: the HTML edition loads MathJax from the web")
    with_math = [p for p in NOTEBOOKS if mathjax.has_math(source(html_build, p))]
    assert with_math, "no notebook has math: nothing to check"
    for edition in editions.EDITIONS:
        page = (html_build.out_dir / edition / f"{with_math[0].stem}.html").read_text(encoding="utf-8")
        assert '<script src="mathjax/MathJax.js?config=' in page and "cdnjs" not in page
        assert (html_build.out_dir / edition / "mathjax" / "MathJax.js").is_file()
        assert (html_build.out_dir / edition / "mathjax" / "config" / "TeX-AMS_CHTML-full.js").is_file()


def test_links_between_notebooks_point_to_the_html_edition(html_build):
    built = {p.stem for p in NOTEBOOKS}
    for edition in editions.EDITIONS:
        for path in (html_build.out_dir / edition).glob("[0-9][0-9]_*.html"):  # (index.html lists the .ipynb)
            page = path.read_text(encoding="utf-8")
            assert not re.search(r'href="[^"]*\.ipynb', page), f"{edition}/{path.name} links to a .ipynb"
            for stem in re.findall(r'href="(\d\d_[A-Za-z0-9_\-]+)\.html', page):
                if stem in built:
                    assert (html_build.out_dir / edition / f"{stem}.html").exists()


def test_html_is_self_contained_and_styled_for_print(html_build):
    page = (html_build.out_dir / "student" / f"{IDS[0]}.html").read_text(encoding="utf-8")
    assert "require.js" not in page and '<script src="http' not in page.split("MathJax")[0]
    for rule in ("white-space: pre-wrap", "max-width: 100%", "break-inside: avoid", "@page"):
        assert rule in page
    for path in html_build.out_dir.glob("*/*.*"):
        assert str(ROOT) not in path.read_text(encoding="utf-8"), f"{path.name} names a folder of this machine"


# ---------------------------------------------------------------------------
# PDF (Chromium)
# ---------------------------------------------------------------------------


def test_pdfs_are_built_for_both_editions_and_combined(pdf_build):
    from pypdf import PdfReader

    for edition in editions.EDITIONS:
        pages = 1  # the cover
        for h in pdf_build.handouts:
            pages += len(PdfReader(str(h.outputs[edition]["pdf"])).pages)
        combined = PdfReader(str(pdf_build.combined[edition]))
        assert len(combined.pages) == pages
        top = [o for o in combined.outline if not isinstance(o, list)]
        assert [o.title for o in top] == [h.label for h in pdf_build.handouts]
        assert [combined.get_destination_page_number(o) for o in top] == [
            sum(len(PdfReader(str(g.outputs[edition]["pdf"])).pages) for g in pdf_build.handouts[:i]) + 1
            for i in range(len(pdf_build.handouts))
        ], "each bookmark opens its notebook's first page"
        cover = combined.pages[0].extract_text()
        assert labels.EDITION_LABELS[edition] in cover and all(
            h.short_title[:30] in norm(cover) for h in pdf_build.handouts
        )


def test_every_pdf_page_is_headed_with_course_and_notebook_title(pdf_build):
    from pypdf import PdfReader

    course = notebooks.course_title()
    for h in pdf_build.handouts:
        for edition in editions.EDITIONS:
            for number, page in enumerate(PdfReader(str(h.outputs[edition]["pdf"])).pages, 1):
                text = page.extract_text()
                assert course in text and h.header_label in text, f"{edition}/{h.stem} page {number}"
                assert labels.EDITION_LABELS[edition] in text and f"page {number} of" in text


def test_student_pdf_has_no_solutions(pdf_build):
    from pypdf import PdfReader

    text = norm(" ".join(p.extract_text() for p in PdfReader(str(pdf_build.combined["student"])).pages))
    assert "correct. Well done" not in text and "Solution." not in text
    assert "Solution: in the instructor edition" in text and "not answered yet" in text
    full = norm(" ".join(p.extract_text() for p in PdfReader(str(pdf_build.combined["instructor"])).pages))
    assert "correct. Well done" in full


def test_letter_paper(tmp_path):
    from pypdf import PdfReader

    exe = need_chromium()
    first = pdf_sample()[:1]
    result = build_handouts(
        snapshot(first, tmp_path / "source"),
        tmp_path,
        paper="letter",
        editions=["student"],
        combined=False,
        index=False,
        chromium=exe,
        log=quiet,
    )
    pages = PdfReader(str(result.handouts[0].outputs["student"]["pdf"])).pages
    assert [round(float(x)) for x in pages[0].mediabox[2:]] == [612, 792], "US Letter is 8.5 x 11 in"
    assert all(result.handouts[0].header_label in p.extract_text() for p in pages)
    assert result.layout_problems == {}


def test_nothing_sticks_out_of_the_page(pdf_build):
    assert pdf_build.layout_problems == {}


def test_every_notebook_fits_the_page_width_on_a4_and_letter(html_build):
    exe = need_chromium()
    html = [html_build.out_dir / "instructor" / f"{stem}.html" for stem in IDS]  # a superset of the student's
    assert chromium.check_layout(html, "a4", exe) == {}
    assert paper.text_width_px("letter") > paper.text_width_px("a4"), "Letter's text block is wider: A4 is the test"


def test_course_pdf_numbers_its_pages_through_the_course(pdf_build):
    from pypdf import PdfReader

    for edition in editions.EDITIONS:
        pages = PdfReader(str(pdf_build.combined[edition])).pages
        total = len(pages)
        for number in (2, total // 2, total):  # the page numbers the contents gives (the cover is page 1)
            text = pages[number - 1].extract_text()
            assert f"page {number} of {total}" in text, f"course_{edition}.pdf page {number}"
        for h in pdf_build.handouts:
            title = PdfReader(str(h.outputs[edition]["pdf"])).metadata.title
            assert "((" not in title and "))" not in title and title.count("(") == title.count(")")


def test_pdf_links_lead_to_the_other_notebooks_and_name_no_local_path(pdf_build):
    from pypdf import PdfReader

    stems = {h.stem for h in pdf_build.handouts}
    for edition in editions.EDITIONS:
        files = [h.outputs[edition]["pdf"] for h in pdf_build.handouts] + [pdf_build.combined[edition]]
        internal = 0
        for path in files:
            for page in PdfReader(str(path)).pages:
                for ref in page.get("/Annots", []) or []:
                    annot = ref.get_object()
                    action = annot.get("/A")
                    action = action.get_object() if action is not None else {}
                    uri = str(action.get("/URI", ""))
                    assert not uri.startswith("file:"), f"{path.name} links to a local path: {uri}"
                    if action.get("/S") == "/GoToR":  # to a notebook of the course, built now or not
                        assert Path(str(action["/F"])).stem in IDS
                    if path == pdf_build.combined[edition] and "/Dest" in annot:
                        internal += 1
        assert internal >= len(stems), "the cover's contents link to each notebook"


# ---------------------------------------------------------------------------
# Exercises: every registered exercise, generically (each notebook's tests check its own answers)
# ---------------------------------------------------------------------------

EXERCISE_IDS = helpers.exercise_ids()
WRONG_TYPES = [object(), "not an answer", None, {"a": 1}, [[1, 2], [3]]]
PLAUSIBLY_WRONG = [
    -1,
    0,
    1,
    3,
    0.123,
    10**9,
    "b",
    "wrong",
    [0, 0],
    (0, 0),
    [0.5, 0.5],
    {"x": 0},
    {"wrong"},
    set(),
    True,
    False,
]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_placeholder_and_wrong_types_get_a_message_not_a_traceback(exercise_id, capsys):
    helpers.check(exercise_id, ...)
    out = capsys.readouterr().out
    assert out.startswith(f"Exercise {exercise_id}: not answered yet.") and out.count("\n") == 1
    for wrong in WRONG_TYPES:
        helpers.check(exercise_id, wrong)  # never raises
        out = capsys.readouterr().out
        assert out.startswith(f"Exercise {exercise_id}: ") and "Traceback" not in out
        assert not helpers.is_correct(exercise_id, wrong)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_a_wrong_answer_gets_a_hint(exercise_id, capsys):
    """A wrong answer of the right kind gets "not yet. Hint: ...".

    Tried generically with plausible wrong values; an exercise whose answer none of them fits (an array
    of a given shape, a model) must be tested with a wrong answer in its notebook's own test file.
    """
    hinted = []
    for wrong in PLAUSIBLY_WRONG:
        helpers.check(exercise_id, wrong)
        out = capsys.readouterr().out
        if "not yet. Hint:" in out and not helpers.is_correct(exercise_id, wrong):
            hinted.append(out)
    if hinted:
        assert all(len(h.split("Hint:", 1)[1].strip()) > 10 for h in hinted), "a hint says something"
        return
    prefix = exercise_id.split(".")[0]
    own_tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob(f"test_{prefix}_*.py"))
    assert re.search(rf"""["']{re.escape(exercise_id)}["']""", own_tests), (
        f"no generic wrong answer gets a hint for {exercise_id}, and tests/test_{prefix}_*.py does not test it"
    )


# ---------------------------------------------------------------------------
# The Korean edition (notebooks/ko/, issue 19): Korean labels, headers and footers, a CJK font, no tofu
# ---------------------------------------------------------------------------

KOREAN_NOTEBOOKS = sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")
needs_korean = pytest.mark.skipif(not KOREAN_NOTEBOOKS, reason="no Korean notebook yet (make translate)")


def korean_font_file() -> tuple[Path, int]:
    """The font Chromium uses for Hangul (Debian's fonts-noto-cjk), as fontconfig finds it: file, index."""
    import subprocess

    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", "Noto Sans CJK KR"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        found = ""
    if "NotoSansCJK" not in found:
        missing_tool("Noto Sans CJK (the Korean handouts)", "apt-get install fonts-noto-cjk")
    path, index = found.rsplit("|", 1)
    return Path(path), int(index or 0)


@needs_korean
def test_every_korean_character_has_a_glyph_in_the_korean_font():
    """No tofu: every non-ASCII character of the Korean notebooks' text and of the Korean labels is in
    Noto Sans CJK KR or DejaVu Sans (the fonts the handouts name), read from the font files' own tables."""
    from fontTools.ttLib import TTFont

    path, index = korean_font_file()
    covered = set(TTFont(str(path), fontNumber=index, lazy=True).getBestCmap())
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():
        covered |= set(TTFont(str(dejavu)).getBestCmap())
    text = json.dumps(labels.KOREAN, ensure_ascii=False)
    for path in KOREAN_NOTEBOOKS:
        text += "".join(cell_source(c) for c in load_notebook(path)["cells"] if c["cell_type"] == "markdown")
    missing = sorted({ch for ch in text if ord(ch) > 127 and ord(ch) not in covered})
    assert not missing, f"characters without a glyph: {missing}"


@needs_korean
def test_korean_pdf_has_korean_headers_footers_cover_and_a_cjk_font(tmp_path):
    from pypdf import PdfReader

    exe = need_chromium()
    korean_font_file()
    # A short excerpt of a Korean notebook (its title, first cells and exercises) keeps the printing quick.
    smallest = min(KOREAN_NOTEBOOKS, key=lambda p: p.stat().st_size)
    nb = load_notebook(smallest)
    nb["cells"] = [
        c
        for i, c in enumerate(nb["cells"])
        if i < 6 or tagged({"cells": [c]}, "exercise") or tagged({"cells": [c]}, "solution")
    ]
    (tmp_path / "source").mkdir()
    excerpt = tmp_path / "source" / smallest.name
    excerpt.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    result = build_handouts([excerpt], tmp_path, editions=["student"], chromium=exe, log=quiet, language="ko")
    handout = result.handouts[0]
    assert HANGUL.search(handout.header_label), "the running header names the notebook by its Korean title"
    reader = PdfReader(str(handout.outputs["student"]["pdf"]))
    squash = functools.partial(re.sub, r"\s+", "")  # pypdf puts spaces around Korean words and punctuation
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert squash(labels.KOREAN["course"]) in squash(text), f"page {number}: the header names the course"
        assert squash(handout.header_label) in squash(text), f"page {number}: the header names the notebook"
        assert f"학생용{number}/{len(reader.pages)}쪽" in squash(text), f"page {number}: footer"
        assert not re.search(r"page \d+ of|Student edition", text), f"page {number}: an English header or footer"
        assert "\ufffd" not in text, f"page {number}: a character the PDF cannot name"
    assert "풀이:교수자용에있습니다" in squash(" ".join(p.extract_text() for p in reader.pages))
    cover = squash(PdfReader(str(result.combined["student"])).pages[0].extract_text())
    assert "차례" in cover and "학생용" in cover and squash(handout.short_title)[:10] in cover
    # Chromium embeds the DejaVu fonts by name; Hangul comes from Noto Sans CJK, an OpenType/CFF collection
    # that Skia embeds as unnamed Type 3 fonts. The English handouts have none of those.
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font.get("/BaseFont", font.get("/Subtype")))] = font
    cjk = [f for name, f in fonts.items() if "DejaVu" not in name]
    assert cjk and all("/ToUnicode" in f for f in cjk), f"fonts: {sorted(fonts)}"
    page_one = reader.pages[0].extract_text()
    assert len(HANGUL.findall(page_one)) > 200, "page 1 is Korean text"
    html = (tmp_path / "student" / f"{smallest.stem}.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in html and "Noto Sans CJK KR" in html
