"""The running header and the footers: Chromium's header template, and footer pages stamped on afterwards.

The footer is stamped onto the printed pages afterwards (pypdf), so the course PDF can number its pages
through the whole course, like its contents does, while each notebook's own PDF counts its own pages.
"""

from __future__ import annotations

import html
import io
from typing import Any

from .labels import CJK_FONTS
from .notebooks import Handout
from .paper import PAGE_MARGINS_IN, PAPERS

FOOTER_FROM_TOP_IN = 0.23  # the footer's rule lies this far below the text block


def running_template(left: str, right: str, *, top: bool) -> str:
    """Chromium header/footer template: `left` and `right` (HTML), small, with a rule."""
    rule = (
        "border-bottom: 0.5pt solid #999; padding-bottom: 1.5mm;"
        if top
        else "border-top: 0.5pt solid #999; padding-top: 1.5mm;"
    )
    pad = f"0 {PAGE_MARGINS_IN[1]}in 0 {PAGE_MARGINS_IN[3]}in"
    cell = "white-space: nowrap; overflow: hidden; text-overflow: ellipsis;"
    return (
        f'<div style="width: 100%; box-sizing: border-box; padding: {pad}; -webkit-print-color-adjust: exact;">'
        f"<div style=\"display: flex; justify-content: space-between; gap: 8mm; font-family: 'DejaVu Sans', "
        f"'Liberation Sans', Arial, {CJK_FONTS}, sans-serif; font-size: 8pt; color: #333; {rule}\">"
        f'<span style="{cell} flex-shrink: 0;">{left}</span><span style="{cell} min-width: 0;">{right}</span>'
        f"</div></div>"
    )


def header_template(course: str, handout: Handout) -> str:
    """The running header of a handout's pages: the course, and the notebook's number and title."""
    return running_template(html.escape(course), f"<b>{html.escape(handout.header_label)}</b>", top=True)


def footer_pages_html(paper: str, footers: list[tuple[str, str]]) -> str:
    """One page per (left, right) footer text, the footer placed where Chromium puts its own."""
    width, height = PAPERS[paper]
    bottom = PAGE_MARGINS_IN[2]
    pages = "".join(
        f'<div class="page"><div class="foot">{running_template(html.escape(left), html.escape(right), top=False)}'
        f"</div></div>"
        for left, right in footers
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: {width}in {height}in; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
.page {{ position: relative; width: {width}in; height: {height}in; break-after: page; overflow: hidden; }}
.page:last-child {{ break-after: auto; }}
.foot {{ position: absolute; left: 0; right: 0; top: {height - bottom + FOOTER_FROM_TOP_IN}in; }}
</style></head><body>{pages}</body></html>"""


def stamp_footers(writer: Any, overlay: bytes, first: int = 0) -> None:
    """Lay the pages of `overlay` (a PDF) over the pages of `writer`, from page `first` on."""
    from pypdf import PdfReader

    stamps = PdfReader(io.BytesIO(overlay)).pages
    for page, stamp in zip(writer.pages[first:], stamps):
        page.merge_page(stamp)
