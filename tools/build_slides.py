"""Build one slide deck per notebook (make slides): self-contained reveal.js HTML, working offline.

Usage: python tools/build_slides.py [--out DIR] [--no-check] [NOTEBOOK ...]
       (default: every notebooks/NN_*.ipynb, into build/slides/)

The decks are derived from the stored notebooks at build time; the notebooks are never changed and no
slide metadata is stored in them. `slide_notebook` decides, in memory:

* each ``## `` section opens a slide; markdown is cut into slide-sized pieces (at paragraphs, list items,
  tables, display math), a piece that continues a section repeats its heading, marked "(cont.)";
* a code cell and its output are a slide (a long output, or a figure under visible code, gets a slide of
  its own); a plotting-only cell (first line ``# Plotting only: ...``) shows its figure, not its code;
  nbval's ``# NBVAL_...`` markers and their ``# why:`` line are hidden, as in the handouts;
* ``## Going deeper: ...`` sections and worked solutions (cells tagged ``solution``) are left out; an
  exercise is a slide with its question (and the learner's cell, without its "not answered yet").

nbconvert's SlidesExporter renders the deck with the template in tools/slides/templates/course_slides/:
reveal.js (npm package ``reveal.js``, pinned by version and integrity hash, fetched once with ``npm pack``
into build/vendor/), its white theme and the course's styles (tools/slides/slides.css) are inlined into
each page; math uses the MathJax copy in build/slides/mathjax/ (Debian's libjs-mathjax, as the handouts).
No page loads anything from the web. A slide is 1280 x 720 (16:9); tools/slides/fit.js zooms a slide's
content down where it is still too tall, and `check_layout` (headless Chromium, as the handouts use)
reports any slide whose content sticks out or had to shrink below MIN_ZOOM (tools/slide_layout.py).
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import math
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
from handouts.chromium import PdfToolMissing, find_chromium  # noqa: E402
from handouts.editions import EXERCISE_TAG, SOLUTION_TAG, display_source  # noqa: E402
from handouts.links import rewrite_notebook_links  # noqa: E402
from handouts.mathjax import DEBIAN_MATHJAX, MATHJAX_CONFIG, copy_mathjax, has_math  # noqa: E402
from handouts.notebooks import (  # noqa: E402
    cell_source,
    course_title,
    header_title,
    notebook_number,
    notebook_paths,
    notebook_title,
    short_title,
)
from slide_layout import HEIGHT, WIDTH, check_layout  # noqa: E402

ROOT = TOOLS.parent
SLIDES_DIR = TOOLS / "slides"
TEMPLATE_DIR = SLIDES_DIR / "templates"
DEFAULT_OUT = ROOT / "build" / "slides"
VENDOR_DIR = ROOT / "build" / "vendor"

# reveal.js from the npm registry: the version and the tarball's integrity hash (as package-lock.json
# records it; `npm view reveal.js@5.2.1 dist.integrity`). A tarball that does not match is refused.
REVEAL_VERSION = "5.2.1"
REVEAL_INTEGRITY = "sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRhJaFgfQ7zNQ=="
REVEAL_FILES = ("dist/reveal.js", "dist/reveal.css", "dist/theme/white.css")

PLOTTING_ONLY = re.compile(r"^\s*#\s*plotting only\b", re.IGNORECASE)
HIDE_INPUT_TAG = "slides-hide-input"
HIDE_OUTPUT_TAG = "slides-hide-output"

# The builder's estimate of heights on a slide (CSS px), used to cut markdown and code into slides.
# fit.js measures the real heights in the browser and zooms what is still too tall.
BUDGET_PX = 600  # content height of a slide (720 less padding and the footer)
PROSE_CHARS_PER_LINE = 78
PROSE_LINE_PX = 34
CODE_LINE_PX = 23
OUTPUT_LINE_PX = 21
CODE_CHARS_PER_LINE = 110
OUTPUT_CHARS_PER_LINE = 125
FIGURE_PX = 480  # a figure under visible code: about this tall (alone on a slide: up to 590)


class RevealMissing(RuntimeError):
    """reveal.js could not be fetched (no npm, or no registry) and is not in build/vendor yet."""


# ---------------------------------------------------------------------------
# reveal.js from the npm registry
# ---------------------------------------------------------------------------


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def reveal_dir(vendor: Path = VENDOR_DIR, log: Callable[[str], None] = print) -> Path:
    """The folder with reveal.js's dist files, fetched with ``npm pack`` on first use and checked.

    The tarball is kept in `vendor`; its sha512 must equal REVEAL_INTEGRITY.
    """
    target = vendor / f"reveal.js-{REVEAL_VERSION}"
    if all((target / f).is_file() for f in REVEAL_FILES):
        return target
    vendor.mkdir(parents=True, exist_ok=True)
    tarball = vendor / f"reveal.js-{REVEAL_VERSION}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise RevealMissing(
                "npm is needed once to fetch reveal.js from the npm registry (Debian/Ubuntu: apt-get install npm)"
            )
        log(f"fetching reveal.js {REVEAL_VERSION} from the npm registry (npm pack)")
        proc = subprocess.run(
            [
                npm,
                "pack",
                f"reveal.js@{REVEAL_VERSION}",
                "--pack-destination",
                str(vendor),
                "--cache",
                str(vendor / "npm-cache"),
                "--silent",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0 or not tarball.is_file():
            raise RevealMissing(f"npm pack reveal.js@{REVEAL_VERSION} failed: {proc.stderr.strip()[-500:]}")
    data = tarball.read_bytes()
    if _integrity(data) != REVEAL_INTEGRITY:
        tarball.unlink()
        raise RevealMissing(f"{tarball.name} does not match its pinned integrity hash; removed, try again")
    with tarfile.open(tarball) as tar:
        for name in REVEAL_FILES:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise RevealMissing(f"{tarball.name} has no {name}")
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(member.read())
    shutil.rmtree(vendor / "npm-cache", ignore_errors=True)
    return target


def reveal_assets(folder: Path) -> dict[str, str]:
    """reveal.js's script, its style sheet and the white theme, as text ready to inline."""
    js = (folder / "dist/reveal.js").read_text(encoding="utf-8")
    css = (folder / "dist/reveal.css").read_text(encoding="utf-8")
    theme = (folder / "dist/theme/white.css").read_text(encoding="utf-8")
    # The theme imports its web font from a file beside it; the decks use the system's fonts instead.
    theme = re.sub(r"@import url\([^)]*\);?", "", theme)
    for text in (js, css, theme):
        if "</script" in text.lower() or "</style" in text.lower():
            raise RevealMissing("reveal.js's files cannot be inlined (they contain a closing tag)")
    return {"reveal_js": js, "reveal_css": css, "theme_css": theme}


# ---------------------------------------------------------------------------
# Notebook -> slides (in memory)
# ---------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")


def markdown_blocks(text: str) -> list[str]:
    """Split markdown into blocks that can go to different slides: paragraphs, headings, list items,
    tables, fenced code and display math are each kept whole."""
    blocks: list[str] = []
    current: list[str] = []
    in_fence = in_math = False

    def flush():
        if current and any(line.strip() for line in current):
            blocks.append("\n".join(current).strip("\n"))
        current.clear()

    for line in text.splitlines():
        if in_fence:
            current.append(line)
            if _FENCE.match(line):
                in_fence = False
                flush()
            continue
        if in_math:
            current.append(line)
            if "$$" in line:
                in_math = False
            continue
        if _FENCE.match(line):
            flush()
            current.append(line)
            in_fence = True
            continue
        if line.strip().startswith("$$") and line.count("$$") == 1:
            current.append(line)
            in_math = True
            continue
        if not line.strip():
            flush()
            continue
        if line.startswith("#"):
            flush()
            blocks.append(line)
            continue
        item = _LIST_ITEM.match(line)
        if item and not item[1] and current and not _LIST_ITEM.match(current[0]):
            flush()  # a list right after a paragraph line
        elif item and not item[1] and current:
            flush()  # the next top-level item
        current.append(line)
    flush()
    return blocks


def block_height(block: str) -> float:
    """Estimated height of one markdown block on a slide, in CSS px."""
    lines = block.splitlines()
    first = lines[0]
    if first.startswith("# "):
        return 70
    if first.startswith("#"):
        return 55
    if _FENCE.match(first):
        return len(lines) * CODE_LINE_PX + 20
    if first.lstrip().startswith("|"):
        return len([line for line in lines if not re.match(r"^\s*\|[\s:|-]+\|\s*$", line)]) * 32 + 16
    if first.strip().startswith("$$"):
        return 70 * max(1, block.count("\\\\") + 1)
    text = re.sub(r"\]\([^)]*\)", "]", block)  # link targets are not shown
    text = re.sub(r"\$[^$]+\$", "xxxxxx", text)  # inline math: about a word
    rows = sum(max(1, math.ceil(len(line) / PROSE_CHARS_PER_LINE)) for line in text.splitlines())
    return rows * PROSE_LINE_PX + 18


def chunk_markdown(text: str, budget: float = BUDGET_PX) -> list[str]:
    """Markdown cut into pieces that each fit one slide (by the estimate)."""
    chunks: list[list[str]] = []
    used = budget + 1
    for block in markdown_blocks(text):
        h = block_height(block)
        starts_section = block.startswith("#")
        if used + h > budget or (starts_section and chunks and chunks[-1]):
            chunks.append([])
            used = 0.0
        chunks[-1].append(block)
        used += h
    return ["\n\n".join(c) for c in chunks if c]


def _rows(text: str, chars: int) -> int:
    return sum(max(1, math.ceil(len(line) / chars)) for line in text.splitlines())


def output_height(cell: dict) -> float:
    h = 0.0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            h += FIGURE_PX
        elif out.get("output_type") == "stream":
            h += _rows("".join(out.get("text", "")), OUTPUT_CHARS_PER_LINE) * OUTPUT_LINE_PX + 10
        elif "text/plain" in data or "text/markdown" in data or "text/html" in data:
            text = "".join(data.get("text/markdown", data.get("text/plain", "")))
            h += _rows(text, OUTPUT_CHARS_PER_LINE) * OUTPUT_LINE_PX + 10
    return h


def _has_figure(cell: dict) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def is_plotting_only(source: str) -> bool:
    """Whether a code cell is marked plotting-only: its first line (after nbval's markers) says so."""
    for line in display_source(source).splitlines():
        if line.strip():
            return bool(PLOTTING_ONLY.match(line))
    return False


def _md(source: str, slide: bool = True, tags: Iterable[str] = ()) -> Any:
    import nbformat

    meta = {"slideshow": {"slide_type": "slide" if slide else "-"}}
    if tags:
        meta["tags"] = list(tags)
    return nbformat.v4.new_markdown_cell(source, metadata=meta)


def _heading(block: str) -> str | None:
    m = re.match(r"^(#{1,3})\s+(.*)$", block.splitlines()[0]) if block else None
    return m[2].strip() if m and len(m[1]) >= 2 else None


def slide_notebook(nb: Any) -> Any:
    """A copy of `nb` as a deck: slide metadata set, Going deeper and solutions left out, long cells cut.

    The copy's cells carry ``metadata.slideshow.slide_type`` ("slide" or "-") and the tags HIDE_INPUT_TAG
    (code not shown) and HIDE_OUTPUT_TAG (outputs not shown) for the exporter; `nb` is not changed.
    """
    out = copy.deepcopy(nb)
    cells = []
    section: str | None = None  # the current ## heading (for "(cont.)" slides)
    skipping = False
    for cell in out.cells:
        src = cell_source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown":
            for line in src.splitlines():
                if line.startswith("## "):
                    skipping = line[3:].strip().lower().startswith("going deeper")
                    section = line[3:].strip()
                    break
        if skipping or SOLUTION_TAG in tags or cell.cell_type == "raw":
            continue
        if cell.cell_type == "markdown":
            # An escaped dollar (k\$) is a dollar, not the start of math. nbconvert's markdown drops the
            # backslash; doubled, one reaches the page, and MathJax (processEscapes) shows a plain $.
            pieces = [re.sub(r"(?<!\\)\\\$", r"\\\\$", p) for p in chunk_markdown(src)]
            for k, piece in enumerate(pieces):
                if k or not _heading(piece):
                    # a piece that does not start with a heading continues the current section
                    own = _heading(piece)
                    if (
                        own is None
                        and section
                        and not piece.lstrip().startswith("# ")
                        and (k or (cells and EXERCISE_TAG not in tags))
                    ):
                        piece = f'### {section} <span class="continued">(cont.)</span>\n\n{piece}'
                cells.append(_md(piece, tags=tags))
            continue
        # code
        cell.source = display_source(src)
        cell.setdefault("metadata", {})
        cell.metadata["slideshow"] = {"slide_type": "slide"}
        cell.metadata["tags"] = list(tags)
        if EXERCISE_TAG in tags:
            # the learner's cell goes on the question's slide, without "not answered yet"
            cell.metadata["slideshow"] = {"slide_type": "-"}
            cell.metadata["tags"].append(HIDE_OUTPUT_TAG)
            cells.append(cell)
            continue
        if is_plotting_only(src) and _has_figure(cell):
            cell.metadata["tags"].append(HIDE_INPUT_TAG)
            cells.append(cell)
            continue
        code_h = _rows(cell.source, CODE_CHARS_PER_LINE) * CODE_LINE_PX + 20
        if code_h + output_height(cell) > BUDGET_PX and cell.get("outputs"):
            # the output gets a slide of its own, after the code
            shown = copy.deepcopy(cell)
            shown.metadata["tags"] = cell.metadata["tags"] + [HIDE_INPUT_TAG]
            cell.metadata["tags"] = cell.metadata["tags"] + [HIDE_OUTPUT_TAG]
            cells.append(cell)
            if section:
                cells.append(_md(f'### {section} <span class="continued">(output of the cell above)</span>'))
                shown.metadata["slideshow"] = {"slide_type": "-"}
            cells.append(shown)
        else:
            cells.append(cell)
    # A cell's id must stay unique after cutting.
    for k, cell in enumerate(cells):
        cell["id"] = f"slide-cell-{k}"
    out.cells = cells
    return out


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


@dataclass
class Deck:
    source: Path
    path: Path
    title: str
    slides: int
    layout: dict[str, Any] = field(default_factory=dict)  # slide -> problem, filled by check_layout


def _exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config(
        {
            "TagRemovePreprocessor": {
                "enabled": True,
                "remove_input_tags": {HIDE_INPUT_TAG},
                "remove_all_outputs_tags": {HIDE_OUTPUT_TAG},
            },
        }
    )
    exporter = SlidesExporter(template_name="course_slides", extra_template_basedirs=[str(TEMPLATE_DIR)], config=config)
    exporter.embed_images = True
    exporter.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
    return exporter


def render_deck(
    nb: Any, title: str, footer: str, assets: dict[str, str], mathjax_url: str | None, exporter=None
) -> str:
    """The deck of one notebook as one HTML page (scripts and styles inlined)."""
    exporter = exporter or _exporter()
    deck = slide_notebook(nb)
    deck.metadata["title"] = title
    resources = {
        "metadata": {"name": title},
        "slides": dict(
            assets,
            course_css=(SLIDES_DIR / "slides.css").read_text(encoding="utf-8"),
            fit_js=(SLIDES_DIR / "fit.js").read_text(encoding="utf-8"),
            width=WIDTH,
            height=HEIGHT,
            footer=footer,
            mathjax_url=(mathjax_url + MATHJAX_CONFIG) if mathjax_url and has_math(deck) else None,
        ),
    }
    body, _ = exporter.from_notebook_node(deck, resources=resources)
    return rewrite_notebook_links(body)


WEB_REFERENCE = re.compile(
    r"""<script[^>]*\bsrc\s*=\s*["']?(?:https?:)?//|<link[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//|\bimport\s+[^;]*?from\s+["'](?:https?:)?//"""
    r"""|\brequire\s*\(\s*\[?\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def web_references(page: str) -> list[str]:
    """Scripts, style sheets or module imports that `page` would load from a web address."""
    return [page[m.start() : m.start() + 120] for m in WEB_REFERENCE.finditer(page)]


def slide_count(page: str) -> int:
    return len(re.findall(r"<section\b", page))


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------


def build(
    notebooks: Iterable[str | Path] = (),
    out_dir: str | Path = DEFAULT_OUT,
    *,
    check: bool = True,
    chromium: str | None = None,
    vendor: Path = VENDOR_DIR,
    log: Callable[[str], None] = print,
) -> tuple[list[Deck], dict[str, list[dict]]]:
    """Build the decks of `notebooks` (default: all) into `out_dir`; with `check`, lay them out in
    Chromium. Returns the decks and the layout problems ({} when every slide fits)."""
    import nbformat

    started = time.monotonic()
    paths = notebook_paths(notebooks)
    if not paths:
        raise ValueError("no notebooks to build (notebooks/NN_*.ipynb)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    assets = reveal_assets(reveal_dir(vendor, log))
    nbs = [nbformat.read(p, as_version=4) for p in paths]
    mathjax_url = None
    if any(has_math(nb) for nb in nbs):
        if copy_mathjax(out_dir / "mathjax"):
            mathjax_url = "mathjax/MathJax.js"
        else:
            log(
                f"warning: {DEBIAN_MATHJAX} not found (Debian: apt-get install libjs-mathjax): "
                "formulas stay as TeX on the slides"
            )
    course = course_title()
    exporter = _exporter()
    decks = []
    for path, nb in zip(paths, nbs):
        title = short_title(notebook_title(nb, path.stem), course)
        label = f"{notebook_number(path)} · {title}"
        page = render_deck(nb, f"{label} — slides", f"{course} · {header_title(label)}", assets, mathjax_url, exporter)
        target = out_dir / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        decks.append(Deck(path, target, title, slide_count(page)))
        log(f"{path.stem}: {decks[-1].slides} slides")
    (out_dir / "index.html").write_text(render_index(decks, course), encoding="utf-8")
    problems = {}
    if check:
        problems = check_layout([d.path for d in decks], chromium)
        for name, bad in problems.items():
            for s in bad:
                log(f"warning: {name} slide {s['index']} ({s['title']}): {'; '.join(s['problems'])}")
    log(f"slides in {out_dir} ({time.monotonic() - started:.1f} s)")
    return decks, problems


def render_index(decks: list[Deck], course: str) -> str:
    rows = "".join(
        f'<li><a href="{d.path.name}">{html.escape(d.path.stem[:2])} · {html.escape(d.title)}</a> '
        f"({d.slides} slides)</li>"
        for d in decks
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(course)}: slides'
        f"</title><style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}}"
        f"</style></head><body><h1>{html.escape(course)}: slides</h1><p>One deck per notebook; arrow keys "
        f"move, <kbd>F</kbd> full screen, <kbd>Esc</kbd> an overview of all slides. Works offline.</p><ul>{rows}</ul>"
        f"</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default: build/slides)")
    parser.add_argument("--no-check", action="store_true", help="skip the layout check in Chromium")
    parser.add_argument("--screenshots", help="also save slides 1, 2, 5 and the last of each deck as PNG here")
    args = parser.parse_args(argv)
    try:
        decks, problems = build(args.notebooks, args.out, check=not args.no_check and find_chromium() is not None)
        if args.no_check is False and find_chromium() is None:
            print("warning: no Chromium: the layout of the slides was not checked", file=sys.stderr)
        if args.screenshots:
            check_layout([d.path for d in decks], screenshots=Path(args.screenshots), shots_per_deck=(1, 2, 5, -1))
    except (ValueError, RevealMissing, PdfToolMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if problems:
        print(f"error: {sum(map(len, problems.values()))} slide(s) do not fit 1280 x 720; see above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
