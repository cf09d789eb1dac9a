"""Build the classroom handouts (make handouts): a student and an instructor edition of every notebook.

Usage: python tools/build_handouts.py [--html-only] [--paper a4|letter] [--out DIR] [NOTEBOOK ...]
       (default: every notebooks/NN_*.ipynb, into build/handouts/; PAPER=letter: build/handouts-letter/)

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

This file is the command line; the stages live in the package tools/handouts/ (its __init__ lists them):
HTML from nbconvert's HTMLExporter (`handouts.render`), PDF printed by headless Chromium over its DevTools
pipe (`handouts.chromium`), then pypdf for the footers, the links between the PDFs and the course PDF
(`handouts.pdf`). Chromium: Debian/Ubuntu ``apt-get install chromium``; elsewhere set
``CHROMIUM=/path/to/chrome``. Math: Debian's ``libjs-mathjax`` when installed, else MathJax from the web.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from handouts.build import BuildResult, build, clear_full_build, default_out_dir
from handouts.chromium import PdfToolMissing
from handouts.notebooks import KO_NOTEBOOK_DIR, NOTEBOOK_GLOB, split_by_language
from handouts.paper import PAPERS

# isort: split
# tests/test_teacher_kit.py and tests/test_lab_in_browser.py reach these through this module.
from handouts.chromium import Chromium, find_chromium  # noqa: F401
from handouts.editions import display_source  # noqa: F401
from handouts.notebooks import course_title  # noqa: F401


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: notebooks, --out, --paper (or $PAPER), --html-only."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to build (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--out", help="output folder (default: build/handouts; build/handouts-letter on Letter)")
    parser.add_argument(
        "--paper",
        default=os.environ.get("PAPER") or "a4",
        type=str.lower,
        choices=sorted(PAPERS),
        help="paper size of the PDFs (default: a4; or set PAPER)",
    )
    parser.add_argument("--html-only", action="store_true", help="build the HTML editions only (no Chromium)")
    return parser.parse_args(argv)


def build_both_languages(
    english: list[str], korean: list[str], out: Path, *, full_build: bool, **options: object
) -> BuildResult:
    """Build the English handouts into `out` and the Korean ones into `out`/ko; return one result for both.

    On a full build (no notebooks named) both whole courses, with indexes and course PDFs; otherwise only
    the named notebooks (and their Korean twins), leaving the index and the course PDFs untouched.
    """
    options.update(combined=full_build, index=full_build)
    result = build(english, out, **options) if english or full_build else None
    if korean or (full_build and any(KO_NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))):
        ko_result = build(korean, out / "ko", language="ko", **options)
        if result is None:
            return ko_result
        result.layout_problems.update({f"ko/{k}": v for k, v in ko_result.layout_problems.items()})
    return result


def main(argv: list[str] | None = None) -> int:
    """Build the handouts as the command line says; 2 on a missing notebook, browser or bad option."""
    args = parse_args(argv)
    out = Path(args.out) if args.out else default_out_dir(args.paper)
    for path in map(Path, args.notebooks):
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"error: no notebook {str(path)!r} (expected an existing notebooks/NN_name.ipynb)", file=sys.stderr)
            return 2
    full_build = not args.notebooks
    if full_build:
        clear_full_build(out)
    english, korean = split_by_language(args.notebooks)
    try:
        result = build_both_languages(
            english, korean, out, full_build=full_build, pdf=not args.html_only, paper=args.paper
        )
    except (PdfToolMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.layout_problems:
        print(
            f"warning: content wider than the page in {len(result.layout_problems)} handout(s); see above",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
