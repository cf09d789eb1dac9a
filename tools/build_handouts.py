"""Build the classroom handouts (make handouts): a student and an instructor edition of every notebook.

Usage: python tools/build_handouts.py [--html-only] [--paper a4|letter] [--out DIR] [NOTEBOOK ...]
       (default: every notebooks/NN_*.ipynb, into build/handouts/)

For every notebook, two editions, each as HTML and as PDF, plus one combined course PDF per edition:

    build/handouts/instructor/  NN_name.html  NN_name.pdf  index.html  course_instructor.pdf
    build/handouts/student/     NN_name.html  NN_name.pdf  index.html  course_student.pdf  NN_name.ipynb
    build/handouts/ko/instructor/, build/handouts/ko/student/   the same for the Korean edition (notebooks/ko/),
                                with Korean labels, headers and footers (font: Debian's fonts-noto-cjk)

* Instructor edition: the stored notebook as it is, every cell with its outputs.
* Student edition: every cell tagged ``solution`` (the worked solution's markdown and code, and so its
  outputs) is replaced by one short note per solution; the learner's cells tagged ``exercise`` stay,
  with their ``...`` placeholder and the self-check's "not answered yet". The student edition of each
  notebook is also written as ``.ipynb``, to work the exercises in JupyterLab without the solutions in view.

HTML comes from nbconvert's HTMLExporter (JupyterLab's look, template in tools/handouts/templates/handout/,
print styles in tools/handouts/handout.css); links between notebooks (``01_x.ipynb``) point to the
matching ``.html``. PDF: headless Chromium prints the HTML through its DevTools protocol (``Page.printToPDF``,
over ``--remote-debugging-pipe``, so no network port is opened), with a running header (course and notebook
title) and footer (edition, page number) on every page; pypdf then turns links between notebooks into links
between the PDFs and merges the combined course PDF (cover page with contents, bookmarks per notebook).
Before printing, the page is laid out at the paper's text width and every element that would stick out of
it is reported (code is wrapped, figures are scaled, so there should be none).

Chromium: Debian/Ubuntu ``apt-get install chromium``; elsewhere set ``CHROMIUM=/path/to/chrome``.
Math in markdown is typeset by MathJax: the HTML edition loads it from the web like nbconvert does; the PDF
uses Debian's ``libjs-mathjax`` when it is installed (``/usr/share/javascript/mathjax``), else the web.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
HANDOUT_DIR = Path(__file__).resolve().parent / "handouts"
TEMPLATE_DIR = HANDOUT_DIR / "templates"
CSS_PATH = HANDOUT_DIR / "handout.css"
DEFAULT_OUT = ROOT / "build" / "handouts"

EDITIONS = ("instructor", "student")
EDITION_LABELS = {"instructor": "Instructor edition (with solutions)", "student": "Student edition"}
EDITION_NAMES = {"instructor": "Instructor edition", "student": "Student edition"}  # in titles (no parentheses)
SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
SOLUTION_NOTE_TAG = "solution-note"
SOLUTION_NOTE = "*Solution: in the instructor edition.*"
FALLBACK_COURSE_TITLE = "Batch size, feature scaling and batch normalization"

# The Korean edition (notebooks/ko/, made by tools/translate.py; a notebook's metadata.language says "ko")
# is built into <out>/ko/<edition>/ with these words instead of the English ones above and below.
KO_NOTEBOOK_DIR = NOTEBOOK_DIR / "ko"
LANGUAGES = ("en", "ko")
KOREAN = {
    "course": "배치 크기, 특성 스케일링, 배치 정규화",
    "full_course": "배치 크기, 특성 스케일링, 배치 정규화: Keras로 직접 해 보는 강좌",
    "edition_labels": {"instructor": "교수자용 (풀이 포함)", "student": "학생용"},
    "edition_names": {"instructor": "교수자용", "student": "학생용"},
    "solution_note": "*풀이: 교수자용에 있습니다.*",
    "page": "{k} / {n}쪽",
    "all_notebooks": "전체 노트북",
    "index_note": {"instructor": "모든 노트북과 그 출력, 그리고 연습 문제의 풀이.",
                   "student": "모든 노트북과 그 출력. 연습 문제는 여러분의 몫이며, 문제마다 스스로 확인하는 셀이 있습니다."},
    "index_other": ' (다른 판: <a href="../student/index.html">학생용</a>.)',
    "index_whole": "강좌 전체를 한 파일로:",
    "cover_note": {"instructor": "이 판에는 모든 노트북과 그 출력, 그리고 모든 연습 문제의 풀이가 들어 있습니다.",
                   "student": "이 판에는 모든 노트북과 그 출력이 들어 있습니다. 연습 문제는 여러분의 몫입니다. "
                              "문제마다 답이 맞는지 알려 주는 확인 셀이 있고, 풀이는 교수자용에 있습니다. "
                              "확인 메시지는 영어로 나옵니다."},
    "contents": "차례", "page_column": "쪽",
    "license": "코드는 MIT 라이선스, 글과 그림은 CC BY 4.0.",
    "built": "리비전 {rev}에서 만들었습니다.",
}
# Hangul: Debian's fonts-noto-cjk (Noto Sans CJK KR), after the Latin fonts so English text looks as before.
CJK_FONTS = "'Noto Sans CJK KR', 'Noto Sans KR'"
KOREAN_CSS = (":root { --jp-content-font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', "
              f"{CJK_FONTS}, sans-serif; --jp-ui-font-family: 'DejaVu Sans', {CJK_FONTS}, sans-serif; }}\n"
              "body { word-break: keep-all; }\n")


def notebook_language(nb: Any) -> str:
    """ "ko" for a notebook of the Korean edition (metadata.language, set by tools/translate.py), else "en"."""
    return "ko" if nb.get("metadata", {}).get("language") == "ko" else "en"


def page_label(k: int, n: int, language: str = "en") -> str:
    """The page number in the footer: "page 3 of 12" / "3 / 12쪽"."""
    return KOREAN["page"].format(k=k, n=n) if language == "ko" else f"page {k} of {n}"


def edition_label(edition_name: str, language: str = "en") -> str:
    return (KOREAN["edition_labels"] if language == "ko" else EDITION_LABELS)[edition_name]

# Paper sizes (inches) and the page margins (inches: top, right, bottom, left). The margins are the
# @page rule of handout.css too; they leave room for the running header and footer and give a text
# block of 7.07 x 10.3 in on A4 and 7.3 x 9.6 in on Letter, so figures sized for one fit the other.
PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
PAGE_MARGINS_IN = (0.75, 0.6, 0.6, 0.6)
CSS_PX_PER_IN = 96
HEADER_TITLE_CHARS = 45   # longer notebook titles are cut at their colon in the running header

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTEBOOK_NAME = re.compile(r"^(\d\d)_[A-Za-z0-9_\-]+$")
# href="01_name.ipynb" or href="./01_name.ipynb#section" (in markdown cells, rendered, and raw HTML)
NOTEBOOK_HREF = re.compile(r"""href=(["'])(?:\./)?(\d\d_[A-Za-z0-9_\-]+)\.ipynb(#[^"']*)?\1""")
MATH = re.compile(r"\$\$|(?<![\\$])\$[^$\n]+(?<!\\)\$|\\\(|\\\[|\\begin\{")
DEBIAN_MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"


# ---------------------------------------------------------------------------
# Notebooks: discovery, titles, the two editions
# ---------------------------------------------------------------------------

def notebook_paths(args: Iterable[str | Path] = ()) -> list[Path]:
    """Return the notebooks named in `args`, or every ``notebooks/NN_*.ipynb`` in order."""
    paths = [Path(a) for a in args]
    if not paths:
        return sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
    for p in paths:
        if p.suffix != ".ipynb" or not p.is_file():
            raise ValueError(f"notebook {str(p)!r} is not an existing .ipynb file")
    return paths


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _plain(markdown: str) -> str:
    """Markdown inline text to plain text: links to their text, no emphasis or code marks."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def notebook_title(nb: Any, fallback: str) -> str:
    """The first ``# `` heading of the notebook's first markdown cell, as plain text."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in cell_source(cell).splitlines():
                if line.startswith("# "):
                    return _plain(line[2:])
            break
    return fallback


def course_title(readme: Path = ROOT / "README.md") -> str:
    """The course's title: the README's ``# `` heading up to its colon (the header has little room)."""
    try:
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return _plain(line[2:]).split(":", 1)[0].strip()
    except OSError:
        pass
    return FALLBACK_COURSE_TITLE


def short_title(title: str, course: str) -> str:
    """Drop a leading "<course title>: " from a notebook title (notebook 00's title starts so)."""
    if title.lower().startswith(course.lower()):
        rest = title[len(course):].lstrip(" :-–—")
        if rest:
            return rest[0].upper() + rest[1:]
    return title


def header_title(title: str, limit: int = HEADER_TITLE_CHARS) -> str:
    """A title short enough for the running header.

    A long title is cut after its first clause: before a colon or a dash, after a question mark
    ("Why batch normalization? One exploding..." -> "Why batch normalization?"); if that is still too
    long, at the last whole word that fits, with an ellipsis.
    """
    if len(title) <= limit:
        return title
    m = re.match(r"(.+?)(?::|\s[-–—]\s)|(.+?\?)\s", title)
    if m:
        title = (m[1] or m[2]).strip()
    if len(title) > limit:
        title = title[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return title


def has_tag(cell: dict, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def student_edition(nb: Any) -> Any:
    """Return a copy of `nb` without its solutions.

    Each run of consecutive cells tagged ``solution`` (the explanation and the code, with its outputs)
    becomes one markdown cell tagged ``solution-note`` saying the solution is in the instructor edition.
    Every other cell, including the learner's ``exercise`` cells with their placeholder, stays as it is.
    """
    import nbformat

    out = copy.deepcopy(nb)
    cells = []
    in_solution = False
    notes = 0
    for cell in out.cells:
        if has_tag(cell, SOLUTION_TAG):
            if not in_solution:
                notes += 1
                text = KOREAN["solution_note"] if notebook_language(nb) == "ko" else SOLUTION_NOTE
                note = nbformat.v4.new_markdown_cell(text, metadata={"tags": [SOLUTION_NOTE_TAG]})
                if "id" in cell or nb.get("nbformat_minor", 0) >= 5:
                    note["id"] = f"solution-note-{notes}"
                cells.append(note)
            in_solution = True
            continue
        in_solution = False
        cells.append(cell)
    out.cells = cells
    return out


def edition(nb: Any, name: str) -> Any:
    """The notebook as it goes into edition `name` ("instructor" or "student")."""
    if name == "instructor":
        return copy.deepcopy(nb)
    if name == "student":
        return student_edition(nb)
    raise ValueError(f"edition must be one of {EDITIONS}, got {name!r}")


NBVAL_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")
WHY_LINE = re.compile(r"^\s*#\s*why:")


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


ESCAPED_DOLLAR = re.compile(r"(?<!\\)\\\$")


def keep_escaped_dollars(nb: Any) -> Any:
    """`nb` (changed in place and returned) with each escaped dollar (k\\$) in markdown doubled.

    nbconvert's markdown drops the backslash of an escaped dollar, and MathJax then takes "$...$" between two
    prices as math; doubled, one backslash reaches the page and MathJax (processEscapes) shows a plain $.
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell_source(cell)
            if ESCAPED_DOLLAR.search(src):
                cell["source"] = ESCAPED_DOLLAR.sub(r"\\\\$", src)
    return nb


def has_math(nb: Any) -> bool:
    """Whether any markdown cell holds TeX math (or any output is LaTeX), so MathJax is needed."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and MATH.search(cell_source(cell)):
            return True
        for output in cell.get("outputs", []):
            if "text/latex" in output.get("data", {}):
                return True
    return False


def rewrite_notebook_links(page: str, suffix: str = ".html") -> str:
    """Point every link to a course notebook (``NN_name.ipynb``) at ``NN_name<suffix>`` instead."""
    return NOTEBOOK_HREF.sub(lambda m: f'href={m[1]}{m[2]}{suffix}{m[3] or ""}{m[1]}', page)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

@dataclass
class Handout:
    """One notebook: where it comes from, its titles, and what was built for it."""

    source: Path
    number: str
    title: str
    short_title: str
    outputs: dict[str, dict[str, Path]] = field(default_factory=dict)  # edition -> {"html": .., "pdf": ..}

    @property
    def stem(self) -> str:
        return self.source.stem

    @property
    def label(self) -> str:
        return f"{self.number} · {self.short_title}"

    @property
    def header_label(self) -> str:
        """The label in the running header: "NN · " and the title, cut short when long (see header_title)."""
        return f"{self.number} · {header_title(self.short_title)}"


def _exporter():
    from nbconvert import HTMLExporter

    from traitlets.config import Config

    # Pygments wraps each source line in its own <span>, so a wrapped line can get a hanging indent.
    config = Config({"Highlight2HTML": {"extra_formatter_options": {"linespans": "line"}}})
    exporter = HTMLExporter(template_name="handout", extra_template_basedirs=[str(TEMPLATE_DIR)], config=config)
    exporter.embed_images = True
    return exporter


def render_html(nb: Any, handout: Handout, edition_name: str, course: str, *, prev: Handout | None = None,
                next_: Handout | None = None, pdf: bool = True, exporter=None, mathjax_url: str | None = None,
                pdf_name: str | None = None) -> str:
    """Return the HTML page of one edition of one notebook.

    `mathjax_url`: where the page loads MathJax from (e.g. ``mathjax/MathJax.js``, a copy next to the page);
    None: from the web, as nbconvert does. `pdf_name`: the PDF the banner links to (default NN_name.pdf).
    """
    import nbconvert

    exporter = exporter or _exporter()
    language = notebook_language(nb)
    exporter.language_code = language   # <html lang="..">: Chromium picks the Korean glyphs for "ko"
    nb = keep_escaped_dollars(without_test_markers(edition(nb, edition_name)))
    mathjax = mathjax_src(mathjax_url)
    resources = {
        "metadata": {"name": f"{handout.number} {handout.short_title}"},
        "handout": {
            "course_title": course,
            "edition_label": edition_label(edition_name, language),
            "all_notebooks": KOREAN["all_notebooks"] if language == "ko" else "all notebooks",
            "has_math": has_math(nb),
            "css": CSS_PATH.read_text(encoding="utf-8") + (KOREAN_CSS if language == "ko" else ""),
            "nbconvert_version": nbconvert.__version__,
            "banner_label": handout.header_label,
            "prev": {"href": f"{prev.stem}.html", "label": prev.header_label} if prev else None,
            "next": {"href": f"{next_.stem}.html", "label": next_.header_label} if next_ else None,
            "pdf_href": (pdf_name or f"{handout.stem}.pdf") if pdf else None,
        },
    }
    nb.metadata["title"] = pdf_title(handout.label, course, edition_name, language)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if mathjax:
        body = _CDN_MATHJAX.sub(f'<script src="{html.escape(mathjax)}">', body)
    return rewrite_notebook_links(output_hanging_indents(hanging_indents(body)))


def pdf_title(label: str, course: str, edition_name: str, language: str = "en") -> str:
    """The title of a handout (HTML <title>, PDF metadata): "03 · Feature scaling — <course> — Student edition"."""
    names = KOREAN["edition_names"] if language == "ko" else EDITION_NAMES
    return f"{label} — {course} — {names[edition_name]}"


_CDN_MATHJAX = re.compile(r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*">')
# The parts of Debian's MathJax 2 that the "TeX-AMS_CHTML-full" configuration loads (about 2 MB of 54).
MATHJAX_PARTS = ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "extensions", "jax/element", "jax/input",
                 "jax/output/CommonHTML", "jax/output/PreviewHTML", "jax/output/NativeMML",
                 "jax/output/PlainSource", "fonts/HTML-CSS/TeX/woff", "localization/en")


def mathjax_src(url: str | None) -> str | None:
    return f"{url}{MATHJAX_CONFIG}" if url else None


def copy_mathjax(dest: Path, source: Path = DEBIAN_MATHJAX.parent) -> bool:
    """Copy the needed parts of Debian's MathJax (libjs-mathjax) into `dest`; False if it is not installed.

    With the copy next to the pages, the HTML edition typesets its formulas offline (and the PDF printing
    uses the same copy).
    """
    if not (source / "MathJax.js").is_file():
        return False
    for part in MATHJAX_PARTS:
        src, dst = source / part, dest / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return True


_LINE_SPAN = re.compile(r'<span id="line-\d+">((?:<span class="w">)?)( *)')


_TEXT_OUTPUT = re.compile(r'(<div class="jp-RenderedText[^>]*>\s*<pre>)(.*?)(</pre>)', re.DOTALL)


# Characters of code font that fit one line of a text output on paper: the text block of A4 (the narrower
# paper) is 678 CSS px; less the output's padding, at 11.5 px DejaVu Sans Mono (0.602 em a character).
PRINT_LINE_CHARS = 95
MIN_OUTPUT_SCALE = 0.6   # a text output's font is never shrunk below 60 % (longer lines wrap)


_COLUMN_GAP = re.compile(r"\S {2,}\S")


def output_scale(text: str, limit: int = PRINT_LINE_CHARS) -> float | None:
    """The font scale at which the longest line of tabular `text` fits `limit` characters.

    None if it fits as is, or if the text is not a table (fewer than two lines with columns, i.e. runs
    of two or more spaces): a long sentence wraps (with a hanging indent) rather than shrinks.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    longest = max(map(len, lines), default=0)
    if longest <= limit or sum(bool(_COLUMN_GAP.search(line)) for line in lines) < 2:
        return None
    return max(MIN_OUTPUT_SCALE, round(limit / longest - 0.005, 3))


def output_hanging_indents(page: str) -> str:
    """Wrap each line of a plain-text output in a span, so a wrapped output line continues indented.

    A text output whose longest line is wider than the printed page (a wide table) gets a smaller font on
    paper (``--fit``, see handout.css), so its rows do not wrap. Outputs with markup inside (coloured
    tracebacks, say) are left as they are.
    """
    def lines(m: re.Match) -> str:
        text = m[2]
        if "<" in text or not text:
            return m[0]
        spans = "".join(f'<span class="ol">{line}</span>' for line in text.splitlines(keepends=True))
        scale = output_scale(html.unescape(text))
        opening = m[1] if scale is None else m[1][:-len("<pre>")] + f'<pre class="fit" style="--fit: {scale}">'
        return opening + spans + m[3]

    return _TEXT_OUTPUT.sub(lines, page)


def hanging_indents(page: str) -> str:
    """Give each highlighted code line a class and its wrap indent: its own indentation + 4 characters.

    A line too long for the page wraps, and its continuation starts 4 characters right of where the line
    itself starts, so wrapped Python never looks like a new statement at a smaller indentation.
    """
    return _LINE_SPAN.sub(lambda m: f'<span class="cl" style="--hang: {len(m[2]) + 4}ch">{m[1]}{m[2]}', page)


def render_index(handouts: list[Handout], edition_name: str, course: str, *, pdf: bool, language: str = "en") -> str:
    """The edition's index.html: every notebook, as HTML and PDF, and the combined PDF."""
    ko = language == "ko"
    rows = []
    for h in handouts:
        links = [f'<a href="{h.stem}.html">HTML</a>'] + ([f'<a href="{h.stem}.pdf">PDF</a>'] if pdf else [])
        if edition_name == "student":
            links.append(f'<a href="{h.stem}.ipynb">notebook</a>')
        rows.append(f"<tr><td>{h.number}</td><td><a href=\"{h.stem}.html\">{html.escape(h.short_title)}</a></td>"
                    f"<td class=\"links\">{' · '.join(links)}</td></tr>")
    combined = (f'<p>{KOREAN["index_whole"] if ko else "The whole course in one file:"} <a href="course_{edition_name}.pdf">course_{edition_name}.pdf</a></p>'
                if pdf else "")
    # The instructor's index names the student edition; the student's does not point at the solutions.
    other = (' (The other edition: <a href="../student/index.html">student</a>.)'
             if edition_name == "instructor" else "")
    note = ("Every notebook with its outputs and the worked solutions of the exercises."
            if edition_name == "instructor" else
            "Every notebook with its outputs; the exercises are left for you, with a self-check in each.")
    if ko:
        note = KOREAN["index_note"][edition_name]
        other = KOREAN["index_other"] if edition_name == "instructor" else ""
    label = edition_label(edition_name, language)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(course)}: {label}</title>
<style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
td{{padding:0.2rem 0.8rem 0.2rem 0;vertical-align:top}} td.links{{white-space:nowrap}}</style></head>
<body><h1>{html.escape(course)}</h1><p><strong>{label}.</strong> {note}{other}</p>
<table>{''.join(rows)}</table>{combined}</body></html>
"""


def render_cover(handouts: list[Handout], first_pages: list[int], edition_name: str, course: str,
                 full_title: str, revision: str | None, language: str = "en") -> str:
    """The cover page of the combined course PDF: title, edition, contents with page numbers."""
    rows = "".join(
        f'<tr><td class="n">{h.number}</td><td><a href="{h.stem}.html">{html.escape(h.short_title)}</a></td>'
        f'<td class="p">{page}</td></tr>' for h, page in zip(handouts, first_pages))
    note = ("This edition holds every notebook with its outputs and the worked solution of every exercise."
            if edition_name == "instructor" else
            "This edition holds every notebook with its outputs. The exercises are yours: each has a self-check "
            "that tells you whether your answer is right; the worked solutions are in the instructor edition.")
    built = f"Built from revision {html.escape(revision)}." if revision else ""
    words = {"label": EDITION_LABELS[edition_name], "contents": "Contents", "page": "page",
             "license": "Code under the MIT license, text and figures under CC BY 4.0."}
    if language == "ko":
        note = KOREAN["cover_note"][edition_name]
        built = KOREAN["built"].format(rev=html.escape(revision)) if revision else ""
        words = {"label": KOREAN["edition_labels"][edition_name], "contents": KOREAN["contents"],
                 "page": KOREAN["page_column"], "license": KOREAN["license"]}
    built = f"<p class=\"small\">{built}</p>" if built else ""
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(course)}</title>
<style>
@page {{ margin: {PAGE_MARGINS_IN[0]}in {PAGE_MARGINS_IN[1]}in {PAGE_MARGINS_IN[2]}in {PAGE_MARGINS_IN[3]}in; }}
body {{ font-family: "DejaVu Sans", "Liberation Sans", Arial, {CJK_FONTS}, sans-serif; margin: 0; color: #111; }}
h1 {{ font-size: 26pt; margin: 1.2in 0 0.2in 0; line-height: 1.2; }}
.edition {{ font-size: 15pt; color: #333; margin-bottom: 0.5in; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12pt; }}
td {{ padding: 6pt 0; border-bottom: 0.5pt solid #bbb; }}
td.n {{ width: 2.5em; font-weight: bold; }} td.p {{ text-align: right; width: 4em; }}
a {{ color: inherit; text-decoration: none; }}
p {{ font-size: 11pt; line-height: 1.45; }} .small {{ font-size: 9pt; color: #555; }}
</style></head>
<body><h1>{html.escape(full_title)}</h1>
<div class="edition">{words["label"]}</div>
<p>{note}</p>
<table><tr><td></td><td><strong>{words["contents"]}</strong></td><td class="p"><strong>{words["page"]}</strong></td></tr>{rows}</table>
<p class="small">{words["license"]}</p>{built}
</body></html>
"""


# ---------------------------------------------------------------------------
# PDF: headless Chromium over the DevTools protocol (pipe transport)
# ---------------------------------------------------------------------------

class PdfToolMissing(RuntimeError):
    """No Chromium/Chrome found to print the PDFs."""


def find_chromium() -> str | None:
    """The Chromium or Chrome executable: $CHROMIUM, else the usual names on PATH, else macOS's app."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return str(mac) if mac.exists() else None


# Finds what would stick out of the text block on paper: elements past the right edge, and
# boxes whose content is wider than the box (cut off, or behind a scroll bar).
_OVERFLOW_JS = r"""
(() => {
  const limit = document.documentElement.clientWidth + 1;
  const out = [];
  const seen = new Set();
  const describe = (el) => {
    const cls = (typeof el.className === 'string' && el.className) ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    let text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 80);
    return el.tagName.toLowerCase() + cls + ': ' + JSON.stringify(text);
  };
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // Screen-reader copies (MathJax's assistive MathML) are clipped to nothing on purpose.
    if (el.closest('.MJX_Assistive_MathML, .sr-only') || (style.clip && style.clip.startsWith('rect'))) continue;
    const clipped = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible' && el.clientWidth > 0;
    if (r.right > limit || clipped) {
      let p = el.parentElement, reported = false;
      while (p) { if (seen.has(p)) { reported = true; break; } p = p.parentElement; }
      seen.add(el);
      if (!reported) out.push(describe(el) + (clipped ? ' (content cut off)' : ' (past the right margin by ' + Math.round(r.right - limit) + ' px)'));
    }
  }
  return out.slice(0, 20);
})()
"""

_WAIT_FOR_MATH_JS = r"""
new Promise((resolve) => {
  if (!window.MathJax || !window.MathJax.Hub) { resolve('no math'); return; }
  setTimeout(() => resolve('timeout'), %d);
  window.MathJax.Hub.Queue(() => resolve('typeset'));
})
"""


class Chromium:
    """One headless Chromium, driven over ``--remote-debugging-pipe`` (no port, no network).

    Use as a context manager; `print_pdf` loads a local HTML file and returns the PDF bytes.
    """

    def __init__(self, executable: str | None = None, timeout: float = 90.0):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise PdfToolMissing(
                "no Chromium found to print the PDF handouts: install it (Debian/Ubuntu: "
                "`apt-get install chromium`) or set CHROMIUM=/path/to/chrome; `--html-only` skips the PDFs")
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []

    def __enter__(self) -> "Chromium":
        self._profile = tempfile.mkdtemp(prefix="handouts-chromium-")
        args = [
            self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
            "--allow-file-access-from-files", "--hide-scrollbars", "--font-render-hinting=none",
            f"--user-data-dir={self._profile}", "--remote-debugging-pipe", "about:blank",
        ]
        # The pipe transport reads commands on fd 3 and writes replies on fd 4: hand it our two pipes.
        self._proc = subprocess.Popen(
            ["/bin/sh", "-c", 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', "sh", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            self.call("Browser.getVersion")
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc and proc.poll() is None:
            try:
                self._send("Browser.close")
                proc.wait(timeout=10)
            except Exception:
                proc.kill()
                proc.wait()
        for stream in (getattr(proc, "stdin", None), getattr(proc, "stdout", None)):
            if stream:
                stream.close()
        shutil.rmtree(getattr(self, "_profile", ""), ignore_errors=True)

    # -- protocol -----------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self._proc.stdin.flush()
        return self._next_id

    def _read(self, deadline: float) -> dict:
        fd = self._proc.stdout.fileno()
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium exited unexpectedly")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        msg_id = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"Chromium: {method} failed: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self._events.append(msg)

    def wait_event(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, ev in enumerate(self._events):
                if ev["method"] == method and ev.get("sessionId") == session:
                    return self._events.pop(i)
            msg = self._read(deadline)
            if "method" in msg:
                self._events.append(msg)

    def evaluate(self, session: str, expression: str, await_promise: bool = False) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise}, session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"Chromium: script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    # -- pages ----------------------------------------------------------------
    def open(self, path: Path) -> str:
        """Open a local file in a new tab; return the session id once it has loaded (math typeset)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._targets = getattr(self, "_targets", {})
        self._targets[session] = target
        self.call("Page.enable", {}, session)
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session)
        self.wait_event("Page.loadEventFired", session)
        self.evaluate(session, _WAIT_FOR_MATH_JS % 30000, await_promise=True)
        self.evaluate(session, "document.fonts.ready.then(() => true)", await_promise=True)
        return session

    def close_tab(self, session: str) -> None:
        self.call("Target.closeTarget", {"targetId": self._targets.pop(session)})

    def layout_problems(self, session: str, width_px: int) -> list[str]:
        """What sticks out of a text block `width_px` wide, laid out with the print styles."""
        self.call("Emulation.setEmulatedMedia", {"media": "print"}, session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width_px, "height": 1200, "deviceScaleFactor": 1, "mobile": False}, session)
        try:
            return self.evaluate(session, _OVERFLOW_JS) or []
        finally:
            self.call("Emulation.clearDeviceMetricsOverride", {}, session)
            self.call("Emulation.setEmulatedMedia", {"media": ""}, session)

    def print_pdf(self, session: str, paper: str, header: str | None, footer: str | None) -> bytes:
        width, height = PAPERS[paper]
        top, right, bottom, left = PAGE_MARGINS_IN
        params = {
            "paperWidth": width, "paperHeight": height, "marginTop": top, "marginRight": right,
            "marginBottom": bottom, "marginLeft": left, "printBackground": True, "preferCSSPageSize": False,
            "displayHeaderFooter": header is not None, "headerTemplate": header or "<span></span>",
            # No tagged PDF and no outline from the headings: Chromium's outline drops the spaces at the
            # line breaks of long headings, and tagging makes the files four times larger.
            "footerTemplate": footer or "<span></span>", "generateTaggedPDF": False,
        }
        return base64.b64decode(self.call("Page.printToPDF", params, session)["data"])


def print_footers(browser: "Chromium", paper: str, footers: list[tuple[str, str]]) -> bytes:
    """A PDF with only the footers, one page per (left, right) pair, for `stamp_footers`."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser._targets = getattr(browser, "_targets", {})
    browser._targets[session] = target
    try:
        frame = browser.call("Page.getFrameTree", {}, session)["frameTree"]["frame"]["id"]
        browser.call("Page.setDocumentContent", {"frameId": frame, "html": footer_pages_html(paper, footers)},
                     session)
        browser.evaluate(session, "document.fonts.ready.then(() => true)", await_promise=True)
        width, height = PAPERS[paper]
        params = {"paperWidth": width, "paperHeight": height, "marginTop": 0, "marginRight": 0,
                  "marginBottom": 0, "marginLeft": 0, "printBackground": False, "preferCSSPageSize": False,
                  "displayHeaderFooter": False, "generateTaggedPDF": False}
        return base64.b64decode(browser.call("Page.printToPDF", params, session)["data"])
    finally:
        browser.close_tab(session)


def text_width_px(paper: str) -> int:
    """Width of the text block on `paper`, in CSS pixels (what the HTML is laid out to)."""
    return int((PAPERS[paper][0] - PAGE_MARGINS_IN[1] - PAGE_MARGINS_IN[3]) * CSS_PX_PER_IN)


def _running(left: str, right: str, *, top: bool) -> str:
    """Chromium header/footer template: `left` and `right` (HTML), small, with a rule."""
    rule = "border-bottom: 0.5pt solid #999; padding-bottom: 1.5mm;" if top else \
        "border-top: 0.5pt solid #999; padding-top: 1.5mm;"
    pad = f"0 {PAGE_MARGINS_IN[1]}in 0 {PAGE_MARGINS_IN[3]}in"
    cell = "white-space: nowrap; overflow: hidden; text-overflow: ellipsis;"
    return (f'<div style="width: 100%; box-sizing: border-box; padding: {pad}; -webkit-print-color-adjust: exact;">'
            f'<div style="display: flex; justify-content: space-between; gap: 8mm; font-family: \'DejaVu Sans\', '
            f'\'Liberation Sans\', Arial, {CJK_FONTS}, sans-serif; font-size: 8pt; color: #333; {rule}">'
            f'<span style="{cell} flex-shrink: 0;">{left}</span><span style="{cell} min-width: 0;">{right}</span>'
            f'</div></div>')


def header_template(course: str, handout: Handout) -> str:
    return _running(html.escape(course), f"<b>{html.escape(handout.header_label)}</b>", top=True)


def footer_template(edition_name: str) -> str:
    return _running(html.escape(EDITION_LABELS[edition_name]),
                    'page <span class="pageNumber"></span> of <span class="totalPages"></span>', top=False)


# The footer is stamped onto the printed pages afterwards (pypdf), so the course PDF can number its pages
# through the whole course, like its contents does, while each notebook's own PDF counts its own pages.
FOOTER_FROM_TOP_IN = 0.23   # the footer's rule lies this far below the text block


def footer_pages_html(paper: str, footers: list[tuple[str, str]]) -> str:
    """One page per (left, right) footer text, the footer placed where Chromium puts its own."""
    width, height = PAPERS[paper]
    top, right, bottom, left = PAGE_MARGINS_IN
    pages = "".join(
        f'<div class="page"><div class="foot">{_running(html.escape(l), html.escape(r), top=False)}</div></div>'
        for l, r in footers)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: {width}in {height}in; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
.page {{ position: relative; width: {width}in; height: {height}in; break-after: page; overflow: hidden; }}
.page:last-child {{ break-after: auto; }}
.foot {{ position: absolute; left: 0; right: 0; top: {height - bottom + FOOTER_FROM_TOP_IN}in; }}
</style></head><body>{pages}</body></html>"""


def stamp_footers(writer: Any, overlay: bytes, first: int = 0) -> None:
    """Lay the pages of `overlay` (a PDF) over the pages of `writer`, from page `first` on."""
    import io

    from pypdf import PdfReader

    stamps = PdfReader(io.BytesIO(overlay)).pages
    for page, stamp in zip(writer.pages[first:], stamps):
        page.merge_page(stamp)


def print_copy(page: str) -> str:
    """The HTML to print: MathJax from Debian's libjs-mathjax when installed (no network needed)."""
    if DEBIAN_MATHJAX.exists():
        page = re.sub(r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*">',
                      f'<script src="{DEBIAN_MATHJAX.as_uri()}{MATHJAX_CONFIG}">', page)
    return page


# ---------------------------------------------------------------------------
# PDF post-processing with pypdf: links between notebooks, the combined course PDF
# ---------------------------------------------------------------------------

def _quiet_pypdf() -> None:
    """pypdf logs harmless remarks on Chromium's PDFs ("Object count 84 exceeds defined trailer size")."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)


_HTML_NOTEBOOK_URI = re.compile(r"(?:^|/)(\d\d_[A-Za-z0-9_\-]+)\.(?:html|ipynb|pdf)(?:#.*)?$")


def _link_target(uri: str) -> tuple[str, str | None]:
    """Classify a link Chromium wrote: ("notebook", stem) | ("web", None) | ("local", None)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme in ("http", "https", "mailto"):
        return "web", None
    m = _HTML_NOTEBOOK_URI.search(unquote(parsed.path))
    if m:
        return "notebook", m[1]
    return "local", None


def retarget_links(writer: Any, resolve: Callable[[str], Any]) -> None:
    """Rewrite the links of every page of `writer` (a pypdf PdfWriter).

    Links to other notebooks go where `resolve(stem)` says: a page object (a link inside this PDF) or a
    file name (a link to another PDF next to this one). Links to other local files are dropped: they
    would name this machine's folders and lead nowhere on another. Web links stay.
    """
    from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject)

    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        annots = annots.get_object()
        keep = ArrayObject()
        for ref in annots:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if annot.get("/Subtype") != "/Link" or action is None or action.get("/S") != "/URI":
                keep.append(ref)
                continue
            kind, stem = _link_target(str(action.get("/URI")))
            if kind == "web":
                keep.append(ref)
                continue
            target = resolve(stem) if kind == "notebook" else None
            if target is None:
                continue  # a local path: drop the link, keep the text
            if isinstance(target, str):
                annot[NameObject("/A")] = DictionaryObject({
                    NameObject("/S"): NameObject("/GoToR"), NameObject("/F"): TextStringObject(target),
                    NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")]),
                })
            else:
                del annot["/A"]
                annot[NameObject("/Dest")] = ArrayObject([target.indirect_reference, NameObject("/Fit")])
            keep.append(ref)
        page[NameObject("/Annots")] = keep


def finish_notebook_pdf(data: bytes, path: Path, title: str, available: set[str],
                        footers: Callable[[int], bytes] | None = None) -> int:
    """Write one notebook's PDF with its links fixed and its title set; return its page count.

    `available`: the notebooks whose PDFs are (or will be) next to this one: links to them stay links.
    `footers(n)`: a PDF of n footer pages to stamp on the n pages (see `stamp_footers`).
    """
    _quiet_pypdf()
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if footers is not None:
        stamp_footers(writer, footers(len(writer.pages)))
    retarget_links(writer, lambda stem: f"{stem}.pdf" if stem in available else None)
    writer.add_metadata({"/Title": title, "/Creator": "tools/build_handouts.py (Chromium, pypdf)"})
    with open(path, "wb") as f:
        writer.write(f)
    return len(writer.pages)


def combine_pdfs(cover: bytes | None, parts: list[tuple[Handout, Path | bytes]], path: Path, title: str,
                 footers: Callable[[int], bytes] | None = None) -> int:
    """Merge the cover and the notebooks' PDFs into one, with a bookmark per notebook and internal links.

    `footers(n)`: a PDF of footer pages for the n pages after the cover (numbered through the course).
    """
    _quiet_pypdf()
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    first_page: dict[str, int] = {}
    if cover is not None:
        writer.append(PdfReader(io.BytesIO(cover)), import_outline=False)
    for handout, pdf in parts:
        first_page[handout.stem] = len(writer.pages)
        reader = PdfReader(io.BytesIO(pdf)) if isinstance(pdf, bytes) else PdfReader(str(pdf))
        writer.append(reader, outline_item=handout.label, import_outline=False)
    if footers is not None:
        start = 1 if cover is not None else 0
        stamp_footers(writer, footers(len(writer.pages) - start), first=start)
    retarget_links(writer, lambda stem: writer.pages[first_page[stem]] if stem in first_page else None)
    # Links that became GoToR in a notebook's own PDF point inside the course PDF now.
    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/GoToR":
                stem = str(action.get("/F")).rsplit(".", 1)[0]
                if stem in first_page:
                    from pypdf.generic import ArrayObject, NameObject

                    del annot["/A"]
                    annot[NameObject("/Dest")] = ArrayObject(
                        [writer.pages[first_page[stem]].indirect_reference, NameObject("/Fit")])
    writer.add_metadata({"/Title": title, "/Creator": "tools/build_handouts.py (Chromium, pypdf)"})
    writer.page_mode = "/UseOutlines"
    with open(path, "wb") as f:
        writer.write(f)
    return len(writer.pages)


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------

@dataclass
class BuildResult:
    """What a build made, and what it found wrong (layout problems, dangling links)."""

    out_dir: Path
    handouts: list[Handout]
    combined: dict[str, Path] = field(default_factory=dict)
    layout_problems: dict[str, list[str]] = field(default_factory=dict)   # "edition/NN_x" -> problems
    dangling_links: dict[str, list[str]] = field(default_factory=dict)    # "NN_x" -> missing notebooks
    teacher_kit: dict[str, dict[str, Path]] = field(default_factory=dict)  # "teachers_guide"/"answer_key" -> files


def check_layout(html_paths: Iterable[str | Path], paper: str = "a4", chromium: str | None = None
                 ) -> dict[str, list[str]]:
    """Lay out each HTML handout at the text width of `paper` with the print styles, without printing.

    Returns ``{file name: [what sticks out past the right margin or is cut off]}`` for the files with
    problems (empty dict: everything fits).
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")
    problems = {}
    with Chromium(chromium) as browser:
        for path in map(Path, html_paths):
            page = path.read_text(encoding="utf-8")
            copy_path = path if print_copy(page) == page else path.with_name(f".layout-{path.name}")
            if copy_path != path:   # next to the page (its relative links), not in /tmp
                copy_path.write_text(print_copy(page), encoding="utf-8")
            session = browser.open(copy_path)
            try:
                found = browser.layout_problems(session, text_width_px(paper))
            finally:
                browser.close_tab(session)
                if copy_path != path:
                    copy_path.unlink()
            if found:
                problems[path.name] = found
    return problems


def _git_revision() -> str | None:
    try:
        # --dirty: a build from a checkout with uncommitted changes says so ("0117e4b-dirty").
        out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def build(notebooks: Iterable[str | Path] = (), out_dir: str | Path = DEFAULT_OUT, *, pdf: bool = True,
          paper: str = "a4", editions: Iterable[str] = EDITIONS, combined: bool = True, index: bool = True,
          chromium: str | None = None, log: Callable[[str], None] = print, language: str = "en") -> BuildResult:
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
    """
    import nbformat

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")
    editions = list(editions)
    for name in editions:
        if name not in EDITIONS:
            raise ValueError(f"editions must be among {EDITIONS}, got {name!r}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    folder = KO_NOTEBOOK_DIR if language == "ko" else NOTEBOOK_DIR
    paths = notebook_paths(notebooks) if notebooks or language == "en" else sorted(folder.glob(NOTEBOOK_GLOB))
    if not paths:
        raise ValueError("no notebooks to build (notebooks/NN_*.ipynb)")
    out_dir = Path(out_dir)
    course = course_title()
    full_course = FALLBACK_COURSE_TITLE
    try:
        full_course = next(_plain(l[2:]) for l in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                           if l.startswith("# "))
    except (OSError, StopIteration):
        pass
    if language == "ko":
        course, full_course = KOREAN["course"], KOREAN["full_course"]

    nbs, handouts = [], []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        m = NOTEBOOK_NAME.match(path.stem)
        number = m[1] if m else path.stem[:2]
        title = notebook_title(nb, path.stem)
        nbs.append(nb)
        handouts.append(Handout(path, number, title, short_title(title, course)))
    result = BuildResult(out_dir, handouts)
    # Previous/next links and links between PDFs go to every course notebook, built now or before
    # (`make handouts NOTEBOOKS=...` rebuilds some handouts next to the others).
    course_notebooks = course_sequence(handouts, course, folder)
    known = {h.stem for h in course_notebooks}

    math = any(has_math(nb) for nb in nbs)
    if math and not DEBIAN_MATHJAX.exists():
        log(f"warning: {DEBIAN_MATHJAX} not found (Debian: apt-get install libjs-mathjax): "
            "the formulas of the HTML and PDF handouts need MathJax from the web, or stay as TeX")
    exporter = _exporter()
    browser = Chromium(chromium) if pdf else None
    started = time.monotonic()
    try:
        if browser:
            browser.__enter__()
        raw_pdfs: dict[str, dict[str, bytes]] = {}
        for name in editions:
            ed_dir = out_dir / name
            ed_dir.mkdir(parents=True, exist_ok=True)
            # MathJax next to the pages (Debian's libjs-mathjax): the HTML typesets its math offline.
            mathjax_url = "mathjax/MathJax.js" if math and copy_mathjax(ed_dir / "mathjax") else None
            for nb, h in zip(nbs, handouts):
                i = [c.stem for c in course_notebooks].index(h.stem)
                page = render_html(nb, h, name, course, prev=course_notebooks[i - 1] if i else None,
                                   next_=course_notebooks[i + 1] if i + 1 < len(course_notebooks) else None,
                                   pdf=pdf, exporter=exporter, mathjax_url=mathjax_url)
                html_path = ed_dir / f"{h.stem}.html"
                html_path.write_text(page, encoding="utf-8")
                h.outputs.setdefault(name, {})["html"] = html_path
                if name == "student":  # the notebook itself too, to work the exercises in JupyterLab
                    nbformat.write(student_edition(nb), ed_dir / f"{h.stem}.ipynb")
                    h.outputs[name]["ipynb"] = ed_dir / f"{h.stem}.ipynb"
                missing = sorted({m[1] for m in re.finditer(r'href="(\d\d_[A-Za-z0-9_\-]+)\.html', page)} - known)
                if missing and name == editions[0]:
                    result.dangling_links[h.stem] = missing
                    log(f"warning: {h.source.name} links to notebooks that do not exist: {', '.join(missing)}")
                if browser:
                    # Printed from where it is built (not /tmp: Ubuntu's snap Chromium has a private /tmp).
                    print_path = html_path
                    if mathjax_url is None and print_copy(page) != page:
                        print_path = ed_dir / f".print-{html_path.name}"
                        print_path.write_text(print_copy(page), encoding="utf-8")
                    session = browser.open(print_path)
                    try:
                        problems = browser.layout_problems(session, text_width_px(paper))
                        data = browser.print_pdf(session, paper, header_template(course, h), None)
                    finally:
                        browser.close_tab(session)
                        if print_path != html_path:
                            print_path.unlink()
                    if problems:
                        result.layout_problems[f"{name}/{h.stem}"] = problems
                        log(f"warning: {name}/{h.stem}: {len(problems)} element(s) wider than the page:")
                        for p in problems:
                            log(f"    {p}")
                    pdf_path = ed_dir / f"{h.stem}.pdf"
                    label = edition_label(name, language)
                    pages = finish_notebook_pdf(
                        data, pdf_path, pdf_title(h.label, course, name, language), known,
                        footers=lambda n: print_footers(browser, paper, [(label, page_label(k, n, language))
                                                                         for k in range(1, n + 1)]))
                    raw_pdfs.setdefault(name, {})[h.stem] = data
                    h.outputs[name]["pdf"] = pdf_path
                    log(f"{name:10s} {h.stem}: html, pdf ({pages} pages)")
                else:
                    log(f"{name:10s} {h.stem}: html")
            if index:
                (ed_dir / "index.html").write_text(render_index(handouts, name, course, pdf=pdf, language=language),
                                                   encoding="utf-8")
            if name == "instructor" and index and language == "en":
                # The teacher's guide and the answer key (tools/teacher_kit.py), linked from the index.
                import teacher_kit

                result.teacher_kit = teacher_kit.build_into_handouts(
                    paths, ed_dir, course, browser=browser, paper=paper, exporter=exporter,
                    mathjax_url=mathjax_url, known=known, result=result, log=log)
            if browser and combined:
                result.combined[name] = _build_combined(browser, handouts, name, course, full_course, paper,
                                                        ed_dir, raw_pdfs[name], language)
                log(f"{name:10s} {result.combined[name].name}")
    finally:
        if browser:
            browser.close()
    log(f"handouts in {out_dir} ({time.monotonic() - started:.1f} s)")
    return result


def _build_combined(browser: Chromium, handouts: list[Handout], name: str, course: str, full_course: str,
                    paper: str, ed_dir: Path, raw: dict[str, bytes], language: str = "en") -> Path:
    from pypdf import PdfReader

    first_pages, page = [], 2  # the cover is page 1
    for h in handouts:
        first_pages.append(page)
        page += len(PdfReader(str(h.outputs[name]["pdf"])).pages)
    total = page - 1
    cover_html = render_cover(handouts, first_pages, name, course, full_course, _git_revision(), language)
    cover_path = ed_dir / ".cover.html"   # under the build folder, not /tmp (snap Chromium)
    cover_path.write_text(cover_html, encoding="utf-8")
    try:
        session = browser.open(cover_path)
        try:
            cover = browser.print_pdf(session, paper, None, None)
        finally:
            browser.close_tab(session)
    finally:
        cover_path.unlink()
    # The notebooks as Chromium printed them (no footer yet), then the course's page numbers, as the
    # contents gives them: "page 12 of 80" counts the cover as page 1.
    footers = [(f"{edition_label(name, language)} · {h.header_label}", "")
               for h in handouts for _ in range(len(PdfReader(str(h.outputs[name]["pdf"])).pages))]
    footers = [(left, page_label(k, total, language)) for k, (left, _) in enumerate(footers, 2)]
    path = ed_dir / f"course_{name}.pdf"
    combine_pdfs(cover, [(h, raw[h.stem]) for h in handouts], path,
                 f"{full_course} — {(KOREAN['edition_names'] if language == 'ko' else EDITION_NAMES)[name]}",
                 footers=lambda n: print_footers(browser, paper, footers[:n]))
    return path


def course_sequence(handouts: list[Handout], course: str, folder: Path = NOTEBOOK_DIR) -> list[Handout]:
    """Every course notebook in order: the ones being built, and the others in `folder` (titles only)."""
    by_stem = {h.stem: h for h in handouts}
    for path in sorted(folder.glob(NOTEBOOK_GLOB)):
        if path.stem not in by_stem:
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            title = notebook_title(nb, path.stem)
            m = NOTEBOOK_NAME.match(path.stem)
            by_stem[path.stem] = Handout(path, m[1] if m else path.stem[:2], title, short_title(title, course))
    return [by_stem[stem] for stem in sorted(by_stem)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to build (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--out", help="output folder (default: build/handouts; build/handouts-letter on Letter)")
    parser.add_argument("--paper", default=os.environ.get("PAPER") or "a4", type=str.lower,
                        choices=sorted(PAPERS), help="paper size of the PDFs (default: a4; or set PAPER)")
    parser.add_argument("--html-only", action="store_true", help="build the HTML editions only (no Chromium)")
    args = parser.parse_args(argv)
    # Letter PDFs go to their own folder: rebuilding one notebook on Letter never mixes paper sizes.
    out = Path(args.out) if args.out else DEFAULT_OUT.with_name(
        DEFAULT_OUT.name + ("" if args.paper == "a4" else f"-{args.paper}"))
    for path in map(Path, args.notebooks):
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"error: no notebook {str(path)!r} (expected an existing notebooks/NN_name.ipynb)",
                  file=sys.stderr)
            return 2
    full_build = not args.notebooks
    if full_build:  # drop handouts of notebooks that were renamed or removed
        for name in EDITIONS:
            shutil.rmtree(out / name, ignore_errors=True)
        shutil.rmtree(out / "ko", ignore_errors=True)
    # The Korean edition: every notebooks/ko/NN_*.ipynb on a full build, else the Korean twins of the
    # English notebooks named (and the Korean notebooks named), into <out>/ko/.
    english = [a for a in args.notebooks if Path(a).resolve().parent != KO_NOTEBOOK_DIR.resolve()]
    korean = [a for a in args.notebooks if a not in english]
    korean += [str(KO_NOTEBOOK_DIR / Path(a).name) for a in english
               if (KO_NOTEBOOK_DIR / Path(a).name).is_file() and str(KO_NOTEBOOK_DIR / Path(a).name) not in korean]
    try:
        # Some notebooks only: their handouts, without touching the index and the course PDFs.
        result = build(english, out, pdf=not args.html_only, paper=args.paper, combined=full_build,
                       index=full_build) if english or full_build else None
        if korean or (full_build and any(KO_NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))):
            ko_result = build(korean, out / "ko", pdf=not args.html_only, paper=args.paper, combined=full_build,
                              index=full_build, language="ko")
            if result is None:
                result = ko_result
            else:
                result.layout_problems.update({f"ko/{k}": v for k, v in ko_result.layout_problems.items()})
    except (PdfToolMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.layout_problems:
        print(f"warning: content wider than the page in {len(result.layout_problems)} handout(s); see above",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
