"""MathJax for the formulas: whether a notebook needs it, and Debian's copy (libjs-mathjax) for offline pages.

nbconvert's pages load MathJax from the web. With Debian's ``libjs-mathjax`` installed, its needed parts are
copied next to the pages (the HTML edition typesets offline) and the PDF is printed with them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from .notebooks import cell_source

MATH = re.compile(r"\$\$|(?<![\\$])\$[^$\n]+(?<!\\)\$|\\\(|\\\[|\\begin\{")
DEBIAN_MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"
CDN_MATHJAX = re.compile(r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*">')
# The parts of Debian's MathJax 2 that the "TeX-AMS_CHTML-full" configuration loads (about 2 MB of 54).
MATHJAX_PARTS = (
    "MathJax.js",
    "config/TeX-AMS_CHTML-full.js",
    "extensions",
    "jax/element",
    "jax/input",
    "jax/output/CommonHTML",
    "jax/output/PreviewHTML",
    "jax/output/NativeMML",
    "jax/output/PlainSource",
    "fonts/HTML-CSS/TeX/woff",
    "localization/en",
)
MATHJAX_NEXT_TO_PAGES = "mathjax/MathJax.js"  # where a page finds the copy made by `copy_mathjax`


def has_math(nb: Any) -> bool:
    """Whether any markdown cell holds TeX math (or any output is LaTeX), so MathJax is needed."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and MATH.search(cell_source(cell)):
            return True
        for output in cell.get("outputs", []):
            if "text/latex" in output.get("data", {}):
                return True
    return False


def mathjax_src(url: str | None) -> str | None:
    """The script address that loads MathJax from `url` with the course's configuration (None: nbconvert's)."""
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


def print_copy(page: str) -> str:
    """The HTML to print: MathJax from Debian's libjs-mathjax when installed (no network needed)."""
    if DEBIAN_MATHJAX.exists():
        page = CDN_MATHJAX.sub(f'<script src="{DEBIAN_MATHJAX.as_uri()}{MATHJAX_CONFIG}">', page)
    return page
