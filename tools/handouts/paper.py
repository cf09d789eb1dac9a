"""Paper sizes and page margins of the printed handouts, and the text width the HTML is laid out to."""

from __future__ import annotations

# Paper sizes (inches) and the page margins (inches: top, right, bottom, left). The margins are the
# @page rule of handout.css too; they leave room for the running header and footer and give a text
# block of 7.07 x 10.3 in on A4 and 7.3 x 9.6 in on Letter, so figures sized for one fit the other.
PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
PAGE_MARGINS_IN = (0.75, 0.6, 0.6, 0.6)
CSS_PX_PER_IN = 96


def check_paper(paper: str) -> None:
    """Raise ValueError unless `paper` is one of `PAPERS`."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")


def text_width_px(paper: str) -> int:
    """Width of the text block on `paper`, in CSS pixels (what the HTML is laid out to)."""
    return int((PAPERS[paper][0] - PAGE_MARGINS_IN[1] - PAGE_MARGINS_IN[3]) * CSS_PX_PER_IN)
