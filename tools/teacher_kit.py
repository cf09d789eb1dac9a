"""The teacher's guide and the answer key, built from teachers/guide/ and the notebooks themselves.

Usage: python tools/teacher_kit.py [--update | --check]

* The teacher's guide is Markdown in the repository, one page per notebook: ``teachers/guide/NN_name.md``.
  Each page's "Timing" table (between ``<!-- timing:start ... -->`` and ``<!-- timing:end -->``) holds the
  notebook's minutes from the course's estimate, ``tools/lesson_length.py``: ``--update`` rewrites them
  from it, ``--check`` (and tests/test_teacher_kit.py) fails when they differ.
* `guide_notebook` and `answer_key_notebook` turn the guide and the exercises into notebooks, which
  ``make handouts`` (tools/build_handouts.py) renders into the instructor edition as
  ``teachers_guide.html/.pdf`` and ``answer_key.html/.pdf``. The answer key holds every exercise (the
  cells tagged ``exercise``) and its worked solution (the cells tagged ``solution``, with their outputs)
  of every notebook, in order, and nothing else.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
import lesson_length  # noqa: E402
from handouts.chromium import page_footers, print_handout, report_layout_problems  # noqa: E402
from handouts.footers import header_template  # noqa: E402
from handouts.labels import EDITION_LABELS, pdf_title  # noqa: E402
from handouts.notebooks import Handout  # noqa: E402
from handouts.pdf import finish_notebook_pdf  # noqa: E402
from handouts.render import render_html  # noqa: E402

ROOT = TOOLS.parent
NOTEBOOK_DIR = ROOT / "notebooks"
GUIDE_DIR = ROOT / "teachers" / "guide"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"

GUIDE_SECTIONS = (
    "Learning objectives",
    "Before this lesson",
    "Timing",
    "Misconceptions the lesson addresses",
    "Run live, or show from the stored outputs",
    "Discussion questions",
    "Homework",
)
TIMING_ROWS = ("core path", "optional parts (Going deeper)", "whole notebook")
_TIMING_BLOCK = re.compile(r"(<!-- timing:start[^>]*-->\n)(.*?)(<!-- timing:end -->)", re.DOTALL)
_TIMING_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*$")
CHECK_CALL = re.compile(r"""helpers\.check\(\s*["'](\d\d\.\d+)["']""")
EXERCISE_TAG, SOLUTION_TAG = "exercise", "solution"


def notebook_paths(paths: Iterable[str | Path] = ()) -> list[Path]:
    found = [Path(p) for p in paths]
    return found or sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))


def guide_path(notebook: str | Path) -> Path:
    """The guide page of a notebook: teachers/guide/<notebook's stem>.md."""
    return GUIDE_DIR / f"{Path(notebook).stem}.md"


def timing(notebook: str | Path) -> dict[str, str]:
    """The guide's timing rows for `notebook`, from lesson_length's estimate (whole minutes, as text)."""
    core, total = lesson_length.estimate(Path(notebook))
    return dict(zip(TIMING_ROWS, (f"{core:.0f}", f"{total - core:.0f}", f"{total:.0f}")))


def documented_timing(markdown: str) -> dict[str, str]:
    """The timing rows a guide page states (empty dict if it has no timing block)."""
    block = _TIMING_BLOCK.search(markdown)
    rows = {}
    for line in (block[2] if block else "").splitlines():
        m = _TIMING_ROW.match(line.strip())
        if m and m[1] != "part":
            rows[m[1]] = m[2]
    return rows


def timing_table(rows: dict[str, str]) -> str:
    return "| part | minutes |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows.items())


def update_timing(markdown: str, rows: dict[str, str]) -> str:
    if not _TIMING_BLOCK.search(markdown):
        raise ValueError("the guide page has no <!-- timing:start --> ... <!-- timing:end --> block")
    return _TIMING_BLOCK.sub(lambda m: m[1] + timing_table(rows) + m[3], markdown, count=1)


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def exercise_ids(nb: dict) -> list[str]:
    """The exercise ids ("03.1", ...) of a notebook: the ids its learner's cells (tag ``exercise``) check."""
    ids = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and EXERCISE_TAG in tags(cell):
            ids += [i for i in CHECK_CALL.findall(source(cell)) if i not in ids]
    return ids


def _title(nb: dict, fallback: str) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
            break
    return fallback


# ---------------------------------------------------------------------------
# As notebooks, for the handouts
# ---------------------------------------------------------------------------

PAGE_BREAK = '<div class="page-break" style="break-before: page"></div>\n\n'
_GUIDE_NOTEBOOK_LINK = re.compile(r"\]\((?:\.\./)*notebooks/(\d\d_[A-Za-z0-9_\-]+\.ipynb)")


def guide_notebook(notebooks: Iterable[str | Path] = ()) -> Any:
    """The teacher's guide as one notebook: a cover cell, then each notebook's page (one page each)."""
    import nbformat

    v4 = nbformat.v4
    paths = notebook_paths(notebooks)
    cells = [
        v4.new_markdown_cell(
            "# Teacher's guide\n\nOne page per notebook: learning objectives, what students should know before, "
            "timing (estimated study minutes from `tools/lesson_length.py`, exercises not counted), the "
            "misconceptions the lesson addresses and where, what to run live, two discussion questions and the "
            "exercises to assign as homework. The worked solutions are in the answer key; the slides are built "
            "by `make slides`.\n\n" + "\n".join(f"* {p.stem[:2]} · {_title(load(p), p.stem)}" for p in paths)
        )
    ]
    for path in paths:
        page = guide_path(path).read_text(encoding="utf-8")
        page = _TIMING_BLOCK.sub(lambda m: timing_table(documented_timing(m[0])), page)
        page = _GUIDE_NOTEBOOK_LINK.sub(r"](\1", page)
        cells.append(v4.new_markdown_cell(PAGE_BREAK + page.strip() + "\n"))
    nb = v4.new_notebook(cells=cells)
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"guide-{k}"
    return nb


def answer_key_notebook(notebooks: Iterable[str | Path] = ()) -> Any:
    """Every exercise with its worked solution, notebook by notebook, and nothing else.

    For each notebook: a heading, then its cells tagged ``exercise`` (the question; the learner's code
    cell without its "not answered yet" output) and ``solution`` (explanation, code and outputs), in order.
    """
    import nbformat

    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(
            "# Answer key\n\nEvery exercise of the course with its worked solution, as in the notebooks; each "
            "solution's output shows its self-check passing."
        )
    ]
    for path in notebook_paths(notebooks):
        nb = nbformat.read(path, as_version=4)
        chosen = [c for c in nb.cells if EXERCISE_TAG in tags(c) or SOLUTION_TAG in tags(c)]
        if not chosen:
            continue
        ids = exercise_ids(nb)
        cells.append(
            v4.new_markdown_cell(
                (PAGE_BREAK if len(cells) > 1 else "") + f"## {path.stem[:2]} · {_title(nb, path.stem)}\n\n"
                f"Exercises {', '.join(ids)}."
            )
        )
        for cell in chosen:
            cell = copy.deepcopy(cell)
            if cell.cell_type == "code" and EXERCISE_TAG in tags(cell):
                cell.outputs = []
                cell.execution_count = None
            cells.append(cell)
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"key-{k}"
    return nb


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def problems(notebooks: Iterable[str | Path] = ()) -> list[str]:
    """What is wrong with the guide: missing pages or sections, timings that differ from the estimate."""
    found = []
    for path in notebook_paths(notebooks):
        page = guide_path(path)
        if not page.is_file():
            shown = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
            found.append(f"{path.stem}: no guide page {shown}")
            continue
        text = page.read_text(encoding="utf-8")
        for section in GUIDE_SECTIONS:
            if not re.search(rf"^## {re.escape(section)}\s*$", text, re.MULTILINE):
                found.append(f"{page.name}: no '## {section}' section")
        stated, estimated = documented_timing(text), timing(path)
        if stated != estimated:
            found.append(
                f"{page.name}: timing {stated} differs from the estimate {estimated} "
                "(python tools/teacher_kit.py --update)"
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite each guide page's timing from the estimate")
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is missing or its timing is stale")
    args = parser.parse_args(argv)
    if args.update:
        for path in notebook_paths():
            page = guide_path(path)
            if page.is_file():
                old = page.read_text(encoding="utf-8")
                new = update_timing(old, timing(path))
                if new != old:
                    page.write_text(new, encoding="utf-8")
                print(f"{page.relative_to(ROOT)}: {'updated' if new != old else 'up to date'}")
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print(f"teacher's guide: {len(notebook_paths())} pages, timings match tools/lesson_length.py")
    return 1 if found and (args.check or args.update) else 0


if __name__ == "__main__":
    sys.exit(main())


# ---------------------------------------------------------------------------
# Into the instructor edition of the handouts (called by tools/handouts/build.py)
# ---------------------------------------------------------------------------

KIT_DOCUMENTS = (
    ("teachers_guide", "Teacher's guide", guide_notebook),
    ("answer_key", "Answer key", answer_key_notebook),
)
KIT_NUMBER = "Teacher kit"


def build_into_handouts(
    notebooks: Iterable[str | Path],
    ed_dir: Path,
    course: str,
    *,
    browser: Any = None,
    paper: str = "a4",
    exporter: Any = None,
    mathjax_url: str | None = None,
    known: set[str] | None = None,
    result: Any = None,
    log: Any = print,
) -> dict[str, dict[str, Path]]:
    """Write the teacher's guide and the answer key into the instructor edition's folder `ed_dir`.

    HTML always (the handouts' template and styles), PDF when `browser` (handouts.chromium.Chromium) is given,
    printed like a notebook's handout; layout problems go into `result.layout_problems` as
    "instructor/teachers_guide". The edition's index.html, if already written, gets links to both.
    Returns {"teachers_guide": {"html": .., "pdf": ..}, "answer_key": {...}}.
    """
    paths = notebook_paths(notebooks)
    known = known if known is not None else {p.stem for p in paths}
    built: dict[str, dict[str, Path]] = {}
    for stem, title, make in KIT_DOCUMENTS:
        nb = make(paths)
        handout = Handout(ed_dir / f"{stem}.ipynb", KIT_NUMBER, title, title)
        page = render_html(
            nb, handout, "instructor", course, pdf=browser is not None, exporter=exporter, mathjax_url=mathjax_url
        )
        html_path = ed_dir / f"{stem}.html"
        html_path.write_text(page, encoding="utf-8")
        built[stem] = {"html": html_path}
        if browser is None:
            log(f"{'instructor':10s} {stem}: html")
            continue
        problems, data = print_handout(
            browser,
            html_path,
            page,
            paper,
            header_template(course, handout),
            mathjax_next_to_page=mathjax_url is not None,
        )
        if problems and result is not None:
            result.layout_problems[f"instructor/{stem}"] = problems
            report_layout_problems(f"instructor/{stem}", problems, log)
        pdf_path = ed_dir / f"{stem}.pdf"
        pages = finish_notebook_pdf(
            data,
            pdf_path,
            pdf_title(handout.label, course, "instructor"),
            known,
            footers=page_footers(browser, paper, EDITION_LABELS["instructor"]),
        )
        built[stem]["pdf"] = pdf_path
        log(f"{'instructor':10s} {stem}: html, pdf ({pages} pages)")
    index = ed_dir / "index.html"
    if index.is_file():
        links = " ".join(
            f'<p><strong>{title}:</strong> <a href="{stem}.html">HTML</a>'
            + (f' · <a href="{stem}.pdf">PDF</a>' if "pdf" in built[stem] else "")
            + "</p>"
            for stem, title, _ in KIT_DOCUMENTS
        )
        text = index.read_text(encoding="utf-8")
        if "teachers_guide.html" not in text:
            index.write_text(text.replace("</body>", f"<h2>For the instructor</h2>{links}</body>", 1), encoding="utf-8")
    return built
