"""The teacher kit: slides (make slides), the teacher's guide and the answer key (make handouts).

* Guide: every notebook has a page (teachers/guide/NN_name.md) with every section; its timings equal
  tools/lesson_length.py's estimate (so a changed notebook fails here until `python tools/teacher_kit.py
  --update`); its homework names the notebook's own exercises.
* Answer key: every exercise of every notebook with its worked solution (the solution's code and its
  "correct" check), and no lesson cell; HTML always, PDF where Chromium is installed (required in CI).
* Slides: every notebook has a deck; no deck loads a script or style sheet from a web address; the decks
  are derived from the notebooks (sections, exercises, figures in; Going deeper, solutions, nbval markers
  out; the notebooks carry no slide metadata); every slide fits 1280 x 720 in headless Chromium.
The decks are built once for the module (about 25 s), the kit's PDFs once (about 10 s).
"""

from __future__ import annotations

import math
import os
import re
import sys

import pytest

from conftest import ROOT, cell_source, load_notebook, missing_tool, norm, notebook_paths, quiet

sys.path.insert(0, str(ROOT / "tools"))
import build_handouts as bh  # noqa: E402
import build_slides as bs  # noqa: E402
import lesson_length  # noqa: E402
import teacher_kit as tk  # noqa: E402

NOTEBOOKS = notebook_paths()
IDS = [p.stem for p in NOTEBOOKS]
CHECK_CALL = re.compile(r"""helpers\.check\(\s*["'](\d\d\.\d+)["']""")


def visible_text(page: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for tag in soup(["style", "script", "head"]):
        tag.decompose()
    return norm(soup.get_text())


def md_text(markdown: str) -> str:
    """Markdown as its rendered text reads: no heading marks, emphasis, code marks or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    return norm(re.sub(r"[*`]", "", text))


def tagged(nb: dict, tag: str) -> list[dict]:
    return [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def exercise_ids(nb: dict) -> list[str]:
    """Found here, independently of tools/teacher_kit.py: the ids checked by the learner's cells."""
    return sorted(
        {i for c in tagged(nb, "exercise") if c["cell_type"] == "code" for i in CHECK_CALL.findall(cell_source(c))}
    )


def sections(nb: dict) -> list[tuple[str, list[dict]]]:
    """(## heading, its cells) in order; cells before the first ## heading go under ""."""
    out: list[tuple[str, list[dict]]] = [("", [])]
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            heading = next(
                (line[3:].strip() for line in cell_source(cell).splitlines() if line.startswith("## ")), None
            )
            if heading is not None:
                out.append((heading, []))
        out[-1][1].append(cell)
    return out


def need_chromium() -> str:
    exe = bh.find_chromium()
    if exe is None:
        missing_tool("Chromium (the slide layout and the kit's PDFs)", "apt-get install chromium")
    return exe


# ---------------------------------------------------------------------------
# The teacher's guide
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_notebook_has_a_guide_page_with_every_section(path):
    page = ROOT / "teachers" / "guide" / f"{path.stem}.md"
    assert page.is_file(), f"no teacher's guide page for {path.name}: write {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    for section in (
        "Learning objectives",
        "Before this lesson",
        "Timing",
        "Misconceptions the lesson addresses",
        "Run live, or show from the stored outputs",
        "Discussion questions",
        "Homework",
    ):
        assert re.search(rf"^## {re.escape(section)}\s*$", text, re.MULTILINE), f"{page.name}: no '## {section}'"
    questions = text.split("## Discussion questions", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\d\. ", questions, re.MULTILINE) == ["1. ", "2. "], "two discussion questions"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_guide_timings_equal_the_lesson_length_estimate(path):
    """The estimate is tools/lesson_length.py's, whole minutes: core, optional (total - core), total."""
    core, total = lesson_length.estimate(path)
    expected = {
        "core path": f"{core:.0f}",
        "optional parts (Going deeper)": f"{total - core:.0f}",
        "whole notebook": f"{total:.0f}",
    }
    text = (ROOT / "teachers" / "guide" / f"{path.stem}.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- timing:start.*?-->(.*?)<!-- timing:end -->", text, re.DOTALL)
    assert block, "the Timing section keeps its numbers between the timing:start and timing:end markers"
    stated = dict(re.findall(r"^\|\s*([a-z][^|]*?)\s*\|\s*(\d+)\s*\|\s*$", block[1], re.MULTILINE))
    assert stated == expected, (
        f"{path.stem}: the guide's timing differs from the estimate; run `python tools/teacher_kit.py --update`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_guide_homework_and_prose_name_only_this_notebooks_exercises(path):
    text = (ROOT / "teachers" / "guide" / f"{path.stem}.md").read_text(encoding="utf-8")
    ids = exercise_ids(load_notebook(path))
    homework = text.split("## Homework", 1)[1]
    assigned = set(re.findall(r"\b(\d\d\.\d+)\b", homework))
    assert assigned, "the homework names at least one exercise"
    named = set(re.findall(r"[Ee]xercises? (\d\d\.\d+)", text))
    assert named <= set(ids), f"the guide names exercises {sorted(named - set(ids))} that {path.name} lacks"
    assert assigned <= set(ids)


def test_a_stale_timing_and_a_missing_page_are_reported(tmp_path, monkeypatch):
    """tools/teacher_kit.py --check fails when a notebook changed (its estimate moved) or has no page."""
    first, second = NOTEBOOKS[0], NOTEBOOKS[1]
    text = (ROOT / "teachers" / "guide" / f"{first.stem}.md").read_text(encoding="utf-8")
    core = f"{lesson_length.estimate(first)[0]:.0f}"
    stale = re.sub(rf"\| core path \| {core} \|", f"| core path | {int(core) + 3} |", text)
    assert stale != text
    (tmp_path / f"{first.stem}.md").write_text(stale, encoding="utf-8")
    monkeypatch.setattr(tk, "GUIDE_DIR", tmp_path)
    found = tk.problems([first, second])
    assert any(first.stem in p and "timing" in p for p in found)
    assert any(second.stem in p and "no guide page" in p for p in found)
    assert tk.main(["--check"]) == 1
    (tmp_path / f"{first.stem}.md").write_text(text, encoding="utf-8")
    assert not [p for p in tk.problems([first]) if "timing" in p]


# ---------------------------------------------------------------------------
# The answer key (and the guide) in the instructor edition
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit-html")
    (out / "index.html").write_text("<html><body><h1>index</h1></body></html>", encoding="utf-8")
    built = tk.build_into_handouts(NOTEBOOKS, out, bh.course_title(), log=quiet)
    return out, built


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_answer_key_has_every_exercise_with_its_worked_solution(kit_html, path):
    out, _ = kit_html
    key = visible_text((out / "answer_key.html").read_text(encoding="utf-8"))
    nb = load_notebook(path)
    ids = exercise_ids(nb)
    assert ids, f"{path.name} has no exercises"
    for exercise_id in ids:
        assert re.search(rf"Exercise {re.escape(exercise_id)}\b", key), f"the key misses exercise {exercise_id}"
        assert f"Exercise {exercise_id}: correct." in key, f"the key misses the solution of {exercise_id}"
    for cell in tagged(nb, "exercise") + tagged(nb, "solution"):
        if cell["cell_type"] == "markdown":
            first = md_text(cell_source(cell).split("\n\n")[0])[:60]
            if "$" not in first:  # (math is typeset)
                assert first in key, f"the key misses: {first}"
        else:
            assert norm(bh.display_source(cell_source(cell))) in key


def test_answer_key_holds_nothing_but_exercises_and_solutions(kit_html):
    out, _ = kit_html
    key = visible_text((out / "answer_key.html").read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        nb = load_notebook(path)
        for heading, _cells in sections(nb)[1:]:
            if heading.startswith("Exercises"):
                continue
            assert heading not in key, f"lesson section '{heading}' of {path.name} in the answer key"
    assert "not answered yet" not in key, "the learner's placeholder outputs are left out"
    assert key.count("Well done") == sum(len(exercise_ids(load_notebook(p))) for p in NOTEBOOKS)


def test_guide_html_has_one_page_per_notebook_and_is_linked_from_the_index(kit_html):
    out, built = kit_html
    page = (out / "teachers_guide.html").read_text(encoding="utf-8")
    assert page.count("break-before: page") == len(NOTEBOOKS)
    text = visible_text(page)
    for path in NOTEBOOKS:
        core, total = lesson_length.estimate(path)
        assert f"{path.stem[:2]} · " in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="teachers_guide.html"' in index and 'href="answer_key.html"' in index
    assert set(built) == {"teachers_guide", "answer_key"}


def test_kit_pdfs(tmp_path):
    """The guide and the key printed like the handouts: every notebook's page, every exercise, nothing cut."""
    from pypdf import PdfReader

    exe = need_chromium()
    problems: dict = {}
    result = type("R", (), {"layout_problems": problems})()
    with bh.Chromium(exe) as browser:
        built = tk.build_into_handouts(
            NOTEBOOKS, tmp_path, bh.course_title(), browser=browser, result=result, log=quiet
        )
    assert problems == {}
    guide = norm(" ".join(p.extract_text() for p in PdfReader(str(built["teachers_guide"]["pdf"])).pages))
    key = norm(" ".join(p.extract_text() for p in PdfReader(str(built["answer_key"]["pdf"])).pages))
    assert len(PdfReader(str(built["teachers_guide"]["pdf"])).pages) > len(NOTEBOOKS)
    for path in NOTEBOOKS:
        assert "teacher's guide" in guide and f"{path.stem[:2]} · " in guide
        for exercise_id in exercise_ids(load_notebook(path)):
            assert f"Exercise {exercise_id}: correct." in key
    assert "Instructor edition" in key


# ---------------------------------------------------------------------------
# Slides
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    try:
        built, _ = bs.build(NOTEBOOKS, out, check=False, log=quiet)
    except bs.RevealMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"reveal.js could not be fetched: {exc}")
        pytest.skip(f"reveal.js not available: {exc}")
    return {d.source.stem: d for d in built}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_notebook_has_a_deck(decks, path):
    deck = decks[path.stem]
    assert deck.path.is_file() and deck.slides >= 5


# Anything a browser would fetch for a script or a style sheet: <script src>, <link href>, CSS @import and
# url(), ES module imports, require.js paths. Only local files may be named.
WEB = r"(?:https?:)?//"
LOADS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)",
        r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"'\s>]+)",
        r"@import\s+(?:url\()?\s*[\"']?([^\"')\s;]+)",
        r"\burl\(\s*[\"']?([^\"')\s]+)",
        r"\bimport\s+[\w{}\s,*]*\bfrom\s+[\"']([^\"']+)",
        r"\bimport\(\s*[\"']([^\"']+)",
    )
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_deck_loads_scripts_or_styles_from_the_web(decks, path):
    page = decks[path.stem].path.read_text(encoding="utf-8")
    loaded = [m[1] for pattern in LOADS for m in pattern.finditer(page)]
    remote = [u for u in loaded if re.match(WEB, u) and not u.startswith("data:")]
    assert not remote, f"{path.stem} loads from the web: {remote[:5]}"
    scripts = re.findall(r"<script\b[^>]*\bsrc\s*=\s*[\"']([^\"']+)", page, re.IGNORECASE)
    assert all(s.startswith("mathjax/MathJax.js") for s in scripts), scripts
    assert "Reveal.initialize" in page and "require(" not in page
    for src in scripts:  # the local MathJax is next to the deck
        assert (decks[path.stem].path.parent / src.split("?")[0]).is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_deck_is_derived_from_the_notebook(decks, path):
    nb = load_notebook(path)
    page = decks[path.stem].path.read_text(encoding="utf-8")
    text = visible_text(page)
    assert "NBVAL_" not in text and "# why:" not in text
    from bs4 import BeautifulSoup

    headings = {
        norm(h.get_text()).rstrip("¶").replace("(cont.)", "").strip()
        for h in BeautifulSoup(page, "html.parser").find_all(["h1", "h2", "h3"])
    }
    figures = 0
    for heading, cells in sections(nb):
        deeper = heading.lower().startswith("going deeper")
        if heading:
            assert (md_text(heading) in headings) != deeper, (
                f"section '{heading}' should {'not ' if deeper else ''}open a slide"
            )
        for cell in cells:
            tags = cell.get("metadata", {}).get("tags", [])
            src = bh.display_source(cell_source(cell))
            if "solution" in tags:
                if cell["cell_type"] == "code":
                    assert norm(src) not in text, "worked solutions stay out of the slides"
                continue
            if cell["cell_type"] != "code":
                continue
            shown = norm(src) in text
            plotting = re.match(r"\s*#\s*plotting only", src, re.IGNORECASE) is not None
            n_fig = sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
            if deeper:
                assert not shown or len(norm(src)) < 30
                continue
            figures += n_fig
            if plotting and n_fig:
                assert not shown, "plotting-only code is hidden on the slides"
            elif src.strip():
                assert shown, f"code missing from the slides: {src[:80]}"
    assert page.count('src="data:image/png;base64,') == figures, "every figure of the core path, no other"
    for exercise_id in exercise_ids(nb):
        assert re.search(rf"Exercise {re.escape(exercise_id)}\b", text), "an exercise is a slide with its question"
    assert f"Exercise {exercise_ids(nb)[0]}: correct" not in text
    assert "slideshow" not in path.read_text(encoding="utf-8"), "slide metadata is never stored in a notebook"


def test_markdown_is_cut_into_slide_sized_pieces():
    long = "\n\n".join(f"Paragraph {k}: " + "word " * 60 for k in range(12))
    pieces = bs.chunk_markdown("## A section\n\n" + long)
    assert len(pieces) >= 3 and pieces[0].startswith("## A section")
    assert "".join(pieces).count("Paragraph") == 12
    assert all(sum(bs.block_height(b) for b in bs.markdown_blocks(p)) <= bs.BUDGET_PX for p in pieces)


def test_layout_every_slide_fits_1280_by_720(decks):
    exe = need_chromium()
    problems = bs.check_layout([d.path for d in decks.values()], exe)
    report = [
        f"{name} slide {s['index']} ({s['title']}): {'; '.join(s['problems'])}"
        for name, bad in problems.items()
        for s in bad
    ]
    assert not report, "\n".join(report)


def test_layout_check_catches_a_slide_that_does_not_fit(tmp_path):
    """A table too long to cut must be zoomed below MIN_ZOOM; the check says so (it can fail)."""
    import nbformat

    exe = need_chromium()
    v4 = nbformat.v4
    rows = "\n".join(f"| row {k} | {k * k} |" for k in range(70))
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# A deck"),
            v4.new_markdown_cell(f"## Too long\n\n| n | n squared |\n|---|---|\n{rows}"),
        ]
    )
    path = tmp_path / "99_too_long.ipynb"
    nbformat.write(nb, path)
    built, problems = bs.build([path], tmp_path / "out", chromium=exe, log=quiet)
    assert "99_too_long.html" in problems
    assert any("zoomed" in p for s in problems["99_too_long.html"] for p in s["problems"])
    assert math.isclose(len(problems["99_too_long.html"]), 1)
