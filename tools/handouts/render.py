"""HTML rendering: one edition of one notebook as a page, with nbconvert's HTMLExporter (JupyterLab's look).

The template is ``templates/handout/`` and the print styles ``handout.css``, both next to this module. Code lines
and text-output lines get spans so a wrapped line continues indented; links between notebooks point to the
``.html`` pages.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from .editions import edition, without_test_markers
from .labels import KOREAN, KOREAN_CSS, edition_label, notebook_language, pdf_title
from .links import rewrite_notebook_links
from .mathjax import CDN_MATHJAX, has_math, mathjax_src
from .notebooks import Handout, cell_source

HANDOUT_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = HANDOUT_DIR / "templates"
CSS_PATH = HANDOUT_DIR / "handout.css"

ESCAPED_DOLLAR = re.compile(r"(?<!\\)\\\$")
LINE_SPAN = re.compile(r'<span id="line-\d+">((?:<span class="w">)?)( *)')
TEXT_OUTPUT = re.compile(r'(<div class="jp-RenderedText[^>]*>\s*<pre>)(.*?)(</pre>)', re.DOTALL)
COLUMN_GAP = re.compile(r"\S {2,}\S")

# Characters of code font that fit one line of a text output on paper: the text block of A4 (the narrower
# paper) is 678 CSS px; less the output's padding, at 11.5 px DejaVu Sans Mono (0.602 em a character).
PRINT_LINE_CHARS = 95
MIN_OUTPUT_SCALE = 0.6  # a text output's font is never shrunk below 60 % (longer lines wrap)


def make_exporter() -> Any:
    """nbconvert's HTMLExporter with the handout template, images embedded in the page."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    # Pygments wraps each source line in its own <span>, so a wrapped line can get a hanging indent.
    config = Config({"Highlight2HTML": {"extra_formatter_options": {"linespans": "line"}}})
    exporter = HTMLExporter(template_name="handout", extra_template_basedirs=[str(TEMPLATE_DIR)], config=config)
    exporter.embed_images = True
    return exporter


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


def _nav_link(handout: Handout | None) -> dict[str, str] | None:
    """The template's previous/next link to `handout` (None: no link)."""
    return {"href": f"{handout.stem}.html", "label": handout.header_label} if handout else None


def render_html(
    nb: Any,
    handout: Handout,
    edition_name: str,
    course: str,
    *,
    prev: Handout | None = None,
    next_: Handout | None = None,
    pdf: bool = True,
    exporter: Any = None,
    mathjax_url: str | None = None,
    pdf_name: str | None = None,
) -> str:
    """Return the HTML page of one edition of one notebook.

    `mathjax_url`: where the page loads MathJax from (e.g. ``mathjax/MathJax.js``, a copy next to the page);
    None: from the web, as nbconvert does. `pdf_name`: the PDF the banner links to (default NN_name.pdf).
    """
    import nbconvert

    exporter = exporter or make_exporter()
    language = notebook_language(nb)
    exporter.language_code = language  # <html lang="..">: Chromium picks the Korean glyphs for "ko"
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
            "prev": _nav_link(prev),
            "next": _nav_link(next_),
            "pdf_href": (pdf_name or f"{handout.stem}.pdf") if pdf else None,
        },
    }
    nb.metadata["title"] = pdf_title(handout.label, course, edition_name, language)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if mathjax:
        body = CDN_MATHJAX.sub(f'<script src="{html.escape(mathjax)}">', body)
    return rewrite_notebook_links(output_hanging_indents(hanging_indents(body)))


def output_scale(text: str, limit: int = PRINT_LINE_CHARS) -> float | None:
    """The font scale at which the longest line of tabular `text` fits `limit` characters.

    None if it fits as is, or if the text is not a table (fewer than two lines with columns, i.e. runs
    of two or more spaces): a long sentence wraps (with a hanging indent) rather than shrinks.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    longest = max(map(len, lines), default=0)
    if longest <= limit or sum(bool(COLUMN_GAP.search(line)) for line in lines) < 2:
        return None
    return max(MIN_OUTPUT_SCALE, round(limit / longest - 0.005, 3))


def _output_lines(m: re.Match) -> str:
    """One matched text output (`TEXT_OUTPUT`) with a span per line, and its print scale if it is wide."""
    text = m[2]
    if "<" in text or not text:
        return m[0]
    spans = "".join(f'<span class="ol">{line}</span>' for line in text.splitlines(keepends=True))
    scale = output_scale(html.unescape(text))
    opening = m[1] if scale is None else m[1][: -len("<pre>")] + f'<pre class="fit" style="--fit: {scale}">'
    return opening + spans + m[3]


def output_hanging_indents(page: str) -> str:
    """Wrap each line of a plain-text output in a span, so a wrapped output line continues indented.

    A text output whose longest line is wider than the printed page (a wide table) gets a smaller font on
    paper (``--fit``, see handout.css), so its rows do not wrap. Outputs with markup inside (coloured
    tracebacks, say) are left as they are.
    """
    return TEXT_OUTPUT.sub(_output_lines, page)


def hanging_indents(page: str) -> str:
    """Give each highlighted code line a class and its wrap indent: its own indentation + 4 characters.

    A line too long for the page wraps, and its continuation starts 4 characters right of where the line
    itself starts, so wrapped Python never looks like a new statement at a smaller indentation.
    """
    return LINE_SPAN.sub(lambda m: f'<span class="cl" style="--hang: {len(m[2]) + 4}ch">{m[1]}{m[2]}', page)
