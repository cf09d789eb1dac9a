"""PDF assembly with pypdf: each notebook's PDF (footers, links, title) and the combined course PDF.

A notebook's own PDF counts its own pages and links to the other notebooks' PDFs next to it; the course PDF
(a cover with the contents, then every notebook, a bookmark each) numbers its pages through the course and
links inside itself.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .footers import stamp_footers
from .links import internalize_file_links, retarget_links
from .notebooks import Handout

PDF_CREATOR = "tools/build_handouts.py (Chromium, pypdf)"


def quiet_pypdf() -> None:
    """pypdf logs harmless remarks on Chromium's PDFs ("Object count 84 exceeds defined trailer size")."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def page_count(pdf: Path) -> int:
    """The number of pages of the PDF file `pdf`."""
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def _write(writer: Any, path: Path, title: str, page_mode: str | None = None) -> int:
    """Set the title and creator (and `page_mode`) of `writer`'s PDF, write it to `path`; return its page count."""
    writer.add_metadata({"/Title": title, "/Creator": PDF_CREATOR})
    if page_mode:
        writer.page_mode = page_mode
    with open(path, "wb") as f:
        writer.write(f)
    return len(writer.pages)


def finish_notebook_pdf(
    data: bytes, path: Path, title: str, available: set[str], footers: Callable[[int], bytes] | None = None
) -> int:
    """Write one notebook's PDF with its links fixed and its title set; return its page count.

    `available`: the notebooks whose PDFs are (or will be) next to this one: links to them stay links.
    `footers(n)`: a PDF of n footer pages to stamp on the n pages (see `stamp_footers`).
    """
    quiet_pypdf()
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if footers is not None:
        stamp_footers(writer, footers(len(writer.pages)))
    retarget_links(writer, lambda stem: f"{stem}.pdf" if stem in available else None)
    return _write(writer, path, title)


def combine_pdfs(
    cover: bytes | None,
    parts: list[tuple[Handout, Path | bytes]],
    path: Path,
    title: str,
    footers: Callable[[int], bytes] | None = None,
) -> int:
    """Merge the cover and the notebooks' PDFs into one, with a bookmark per notebook and internal links.

    `footers(n)`: a PDF of footer pages for the n pages after the cover (numbered through the course).
    """
    quiet_pypdf()
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
    internalize_file_links(writer, first_page)
    return _write(writer, path, title, page_mode="/UseOutlines")  # the bookmarks open with the file
