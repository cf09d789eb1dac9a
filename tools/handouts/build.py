"""The build: every stage in order, for each edition and notebook, into ``<out>/<edition>/``.

For each notebook: the edition's HTML page (`render`), the student's notebook without solutions
(`editions`), then, with Chromium, the layout check and the PDF (`chromium`) with its footers and links
(`pdf`). Then each edition's index, the teacher kit (instructor edition; tools/teacher_kit.py) and the
combined course PDF with its cover.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from .chromium import Chromium, page_footers, print_footers, print_handout, report_layout_problems
from .contents import render_cover, render_index
from .editions import EDITIONS, check_editions, student_edition
from .footers import header_template
from .labels import KOREAN, check_language, edition_label, edition_title, page_label, pdf_title
from .links import linked_notebooks
from .mathjax import DEBIAN_MATHJAX, MATHJAX_NEXT_TO_PAGES, copy_mathjax, has_math
from .notebooks import (
    KO_NOTEBOOK_DIR,
    NOTEBOOK_DIR,
    NOTEBOOK_GLOB,
    ROOT,
    Handout,
    course_sequence,
    course_title,
    full_course_title,
    make_handout,
    neighbours,
    notebook_paths,
)
from .paper import check_paper
from .pdf import combine_pdfs, finish_notebook_pdf, page_count
from .render import make_exporter, render_html

DEFAULT_OUT = ROOT / "build" / "handouts"


@dataclass
class BuildResult:
    """What a build made, and what it found wrong (layout problems, dangling links)."""

    out_dir: Path
    handouts: list[Handout]
    combined: dict[str, Path] = field(default_factory=dict)
    layout_problems: dict[str, list[str]] = field(default_factory=dict)  # "edition/NN_x" -> problems
    dangling_links: dict[str, list[str]] = field(default_factory=dict)  # "NN_x" -> missing notebooks
    teacher_kit: dict[str, dict[str, Path]] = field(default_factory=dict)  # "teachers_guide"/"answer_key" -> files


@dataclass
class _Build:
    """What every step of one build shares."""

    paths: list[Path]
    notebooks: list[Any]
    course: str
    full_course: str
    paper: str
    pdf: bool
    language: str
    editions: list[str]
    sequence: list[Handout]  # every course notebook, built now or before: previous/next links
    exporter: Any
    browser: Chromium | None
    result: BuildResult
    log: Callable[[str], None]

    @property
    def known(self) -> set[str]:
        """The notebooks links may lead to (their handouts are, or will be, next to this one)."""
        return {h.stem for h in self.sequence}


def default_out_dir(paper: str) -> Path:
    """build/handouts, or build/handouts-letter on Letter: rebuilding one notebook never mixes paper sizes."""
    return DEFAULT_OUT.with_name(DEFAULT_OUT.name + ("" if paper == "a4" else f"-{paper}"))


def clear_full_build(out: Path) -> None:
    """Remove the editions under `out` before a full build: drops handouts of renamed or removed notebooks."""
    for name in EDITIONS:
        shutil.rmtree(out / name, ignore_errors=True)
    shutil.rmtree(out / "ko", ignore_errors=True)


def git_revision() -> str | None:
    """The checkout's revision for the course PDF's cover ("0117e4b-dirty" with uncommitted changes)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def _course_titles(language: str) -> tuple[str, str]:
    """The course's short title (headers) and whole title (the cover) in `language`."""
    if language == "ko":
        return KOREAN["course"], KOREAN["full_course"]
    return course_title(), full_course_title()


def _source_paths(notebooks: Iterable[str | Path], language: str) -> tuple[list[Path], Path]:
    """The notebooks to build (default: the whole course in `language`), and the folder of that course."""
    notebooks = list(notebooks)
    folder = KO_NOTEBOOK_DIR if language == "ko" else NOTEBOOK_DIR
    paths = notebook_paths(notebooks) if notebooks or language == "en" else sorted(folder.glob(NOTEBOOK_GLOB))
    if not paths:
        raise ValueError("no notebooks to build (notebooks/NN_*.ipynb)")
    return paths, folder


def build(
    notebooks: Iterable[str | Path] = (),
    out_dir: str | Path = DEFAULT_OUT,
    *,
    pdf: bool = True,
    paper: str = "a4",
    editions: Iterable[str] = EDITIONS,
    combined: bool = True,
    index: bool = True,
    chromium: str | None = None,
    log: Callable[[str], None] = print,
    language: str = "en",
) -> BuildResult:
    """Build the handouts of `notebooks` (default: all) into `out_dir`/<edition>/.

    Parameters
    ----------
    notebooks : paths of .ipynb files; empty means every ``notebooks/NN_*.ipynb``.
    out_dir : folder to write into; each edition gets its own subfolder.
    pdf : also print each page to PDF with Chromium (raises PdfToolMissing if there is none).
    paper : "a4" or "letter".
    editions : any of "instructor", "student".
    combined : also write one course PDF per edition (only with `pdf`).
    index : also write each edition's index.html.
    chromium : the browser executable (default: `find_chromium()`).
    log : where progress lines go.
    language : "en", or "ko" for the Korean edition (default notebooks: every ``notebooks/ko/NN_*.ipynb``;
        Korean titles, labels, headers and footers; `out_dir` is then the Korean folder, e.g. build/handouts/ko).

    Returns
    -------
    BuildResult : the handouts with their files, the course PDFs, and the problems found.
    """
    import nbformat

    check_paper(paper)
    editions = list(editions)
    check_editions(editions)
    check_language(language)
    paths, folder = _source_paths(notebooks, language)
    course, full_course = _course_titles(language)
    nbs = [nbformat.read(path, as_version=4) for path in paths]
    result = BuildResult(Path(out_dir), [make_handout(path, nb, course) for path, nb in zip(paths, nbs)])
    # Previous/next links and links between PDFs go to every course notebook, built now or before
    # (`make handouts NOTEBOOKS=...` rebuilds some handouts next to the others).
    sequence = course_sequence(result.handouts, course, folder)
    math = any(has_math(nb) for nb in nbs)
    if math and not DEBIAN_MATHJAX.exists():
        log(
            f"warning: {DEBIAN_MATHJAX} not found (Debian: apt-get install libjs-mathjax): "
            "the formulas of the HTML and PDF handouts need MathJax from the web, or stay as TeX"
        )
    exporter = make_exporter()
    started = time.monotonic()
    with Chromium(chromium) if pdf else contextlib.nullcontext() as browser:
        run = _Build(
            paths, nbs, course, full_course, paper, pdf, language, editions, sequence, exporter, browser, result, log
        )
        for name in editions:
            _build_edition(run, name, math, combined=combined, index=index)
    log(f"handouts in {result.out_dir} ({time.monotonic() - started:.1f} s)")
    return result


def _build_edition(run: _Build, name: str, math: bool, *, combined: bool, index: bool) -> None:
    """One edition: every notebook's handouts, then its index, the teacher kit and the course PDF."""
    ed_dir = run.result.out_dir / name
    ed_dir.mkdir(parents=True, exist_ok=True)
    # MathJax next to the pages (Debian's libjs-mathjax): the HTML typesets its math offline.
    mathjax_url = MATHJAX_NEXT_TO_PAGES if math and copy_mathjax(ed_dir / "mathjax") else None
    printed: dict[str, bytes] = {}
    for nb, h in zip(run.notebooks, run.result.handouts):
        data = _build_handout(run, nb, h, name, ed_dir, mathjax_url)
        if data is not None:
            printed[h.stem] = data
    if index:
        (ed_dir / "index.html").write_text(
            render_index(run.result.handouts, name, run.course, pdf=run.pdf, language=run.language), encoding="utf-8"
        )
    if name == "instructor" and index and run.language == "en":
        # The teacher's guide and the answer key, linked from the index (imported here: it builds on this package).
        import teacher_kit

        run.result.teacher_kit = teacher_kit.build_into_handouts(
            run.paths,
            ed_dir,
            run.course,
            browser=run.browser,
            paper=run.paper,
            exporter=run.exporter,
            mathjax_url=mathjax_url,
            known=run.known,
            result=run.result,
            log=run.log,
        )
    if run.browser and combined:
        run.result.combined[name] = _build_combined(run, name, ed_dir, printed)
        run.log(f"{name:10s} {run.result.combined[name].name}")


def _build_handout(run: _Build, nb: Any, h: Handout, name: str, ed_dir: Path, mathjax_url: str | None) -> bytes | None:
    """One notebook in edition `name`: its HTML (and student notebook), and its PDF if printing.

    Returns the PDF as Chromium printed it (no footers, links unchanged: the course PDF starts from it).
    """
    import nbformat

    prev, next_ = neighbours(run.sequence, h)
    page = render_html(
        nb, h, name, run.course, prev=prev, next_=next_, pdf=run.pdf, exporter=run.exporter, mathjax_url=mathjax_url
    )
    html_path = ed_dir / f"{h.stem}.html"
    html_path.write_text(page, encoding="utf-8")
    h.outputs.setdefault(name, {})["html"] = html_path
    if name == "student":  # the notebook itself too, to work the exercises in JupyterLab
        nbformat.write(student_edition(nb), ed_dir / f"{h.stem}.ipynb")
        h.outputs[name]["ipynb"] = ed_dir / f"{h.stem}.ipynb"
    _note_dangling_links(run, h, page, name)
    if run.browser is None:
        run.log(f"{name:10s} {h.stem}: html")
        return None
    return _print_notebook(run, h, name, page, html_path, mathjax_url)


def _note_dangling_links(run: _Build, h: Handout, page: str, name: str) -> None:
    """Record and report links to notebooks the course does not have (once, in the first edition built)."""
    missing = sorted(linked_notebooks(page) - run.known)
    if missing and name == run.editions[0]:
        run.result.dangling_links[h.stem] = missing
        run.log(f"warning: {h.source.name} links to notebooks that do not exist: {', '.join(missing)}")


def _print_notebook(run: _Build, h: Handout, name: str, page: str, html_path: Path, mathjax_url: str | None) -> bytes:
    """Print one notebook's handout to its PDF (footers, links, title); return Chromium's raw PDF."""
    problems, data = print_handout(
        run.browser,
        html_path,
        page,
        run.paper,
        header_template(run.course, h),
        mathjax_next_to_page=mathjax_url is not None,
    )
    if problems:
        run.result.layout_problems[f"{name}/{h.stem}"] = problems
        report_layout_problems(f"{name}/{h.stem}", problems, run.log)
    pdf_path = html_path.with_name(f"{h.stem}.pdf")
    pages = finish_notebook_pdf(
        data,
        pdf_path,
        pdf_title(h.label, run.course, name, run.language),
        run.known,
        footers=page_footers(run.browser, run.paper, edition_label(name, run.language), run.language),
    )
    h.outputs[name]["pdf"] = pdf_path
    run.log(f"{name:10s} {h.stem}: html, pdf ({pages} pages)")
    return data


def _print_cover(run: _Build, name: str, ed_dir: Path, first_pages: list[int]) -> bytes:
    """The course PDF's cover, printed: title, edition, and the contents with each notebook's first page."""
    cover_html = render_cover(
        run.result.handouts, first_pages, name, run.course, run.full_course, git_revision(), run.language
    )
    cover_path = ed_dir / ".cover.html"  # under the build folder, not /tmp (snap Chromium)
    cover_path.write_text(cover_html, encoding="utf-8")
    try:
        session = run.browser.open(cover_path)
        try:
            return run.browser.print_pdf(session, run.paper, None, None)
        finally:
            run.browser.close_tab(session)
    finally:
        cover_path.unlink()


def _build_combined(run: _Build, name: str, ed_dir: Path, printed: dict[str, bytes]) -> Path:
    """The edition's course PDF: the cover, then every notebook as printed, numbered through the course."""
    handouts = run.result.handouts
    counts = [page_count(h.outputs[name]["pdf"]) for h in handouts]
    first_pages = list(accumulate(counts[:-1], initial=2))  # the cover is page 1
    total = 1 + sum(counts)
    cover = _print_cover(run, name, ed_dir, first_pages)
    # The notebooks as Chromium printed them (no footer yet), then the course's page numbers, as the
    # contents gives them: "page 12 of 80" counts the cover as page 1.
    lefts = [
        f"{edition_label(name, run.language)} · {h.header_label}" for h, n in zip(handouts, counts) for _ in range(n)
    ]
    footers = [(left, page_label(k, total, run.language)) for k, left in enumerate(lefts, 2)]
    path = ed_dir / f"course_{name}.pdf"
    combine_pdfs(
        cover,
        [(h, printed[h.stem]) for h in handouts],
        path,
        f"{run.full_course} — {edition_title(name, run.language)}",
        footers=lambda n: print_footers(run.browser, run.paper, footers[:n]),
    )
    return path
