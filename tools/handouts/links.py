"""Links between notebooks: to the ``.html`` pages in the HTML, to the PDFs (or inside the course PDF) in the PDF.

Chromium prints a link to a local file with this machine's path; `retarget_links` (pypdf) points links to
course notebooks at their PDFs and drops the other local ones, which would lead nowhere elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# href="01_name.ipynb" or href="./01_name.ipynb#section" (in markdown cells, rendered, and raw HTML)
NOTEBOOK_HREF = re.compile(r"""href=(["'])(?:\./)?(\d\d_[A-Za-z0-9_\-]+)\.ipynb(#[^"']*)?\1""")
HTML_NOTEBOOK_HREF = re.compile(r'href="(\d\d_[A-Za-z0-9_\-]+)\.html')
HTML_NOTEBOOK_URI = re.compile(r"(?:^|/)(\d\d_[A-Za-z0-9_\-]+)\.(?:html|ipynb|pdf)(?:#.*)?$")


def rewrite_notebook_links(page: str, suffix: str = ".html") -> str:
    """Point every link to a course notebook (``NN_name.ipynb``) at ``NN_name<suffix>`` instead."""
    return NOTEBOOK_HREF.sub(lambda m: f"href={m[1]}{m[2]}{suffix}{m[3] or ''}{m[1]}", page)


def linked_notebooks(page: str) -> set[str]:
    """The notebooks (``NN_name``) an HTML handout links to."""
    return {m[1] for m in HTML_NOTEBOOK_HREF.finditer(page)}


def link_target(uri: str) -> tuple[str, str | None]:
    """Classify a link Chromium wrote: ("notebook", stem) | ("web", None) | ("local", None)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme in ("http", "https", "mailto"):
        return "web", None
    m = HTML_NOTEBOOK_URI.search(unquote(parsed.path))
    if m:
        return "notebook", m[1]
    return "local", None


def _uri_action(annot: Any) -> Any:
    """The /URI action of a link annotation, or None for any other annotation."""
    action = annot.get("/A")
    action = action.get_object() if action is not None else None
    if annot.get("/Subtype") != "/Link" or action is None or action.get("/S") != "/URI":
        return None
    return action


def _point_link(annot: Any, target: Any) -> None:
    """Make `annot` lead to `target`: a file name (another PDF) or a page of this PDF."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    if isinstance(target, str):
        annot[NameObject("/A")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/GoToR"),
                NameObject("/F"): TextStringObject(target),
                NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")]),
            }
        )
    else:
        del annot["/A"]
        annot[NameObject("/Dest")] = ArrayObject([target.indirect_reference, NameObject("/Fit")])


def retarget_links(writer: Any, resolve: Callable[[str], Any]) -> None:
    """Rewrite the links of every page of `writer` (a pypdf PdfWriter).

    Links to other notebooks go where `resolve(stem)` says: a page object (a link inside this PDF) or a
    file name (a link to another PDF next to this one). Links to other local files are dropped: they
    would name this machine's folders and lead nowhere on another. Web links stay.
    """
    from pypdf.generic import ArrayObject, NameObject

    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        keep = ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            action = _uri_action(annot)
            if action is None:
                keep.append(ref)
                continue
            kind, stem = link_target(str(action.get("/URI")))
            target = resolve(stem) if kind == "notebook" else None
            if kind == "web":
                keep.append(ref)
            elif target is not None:  # a local path is dropped: the text stays, the link goes
                _point_link(annot, target)
                keep.append(ref)
        page[NameObject("/Annots")] = keep


def internalize_file_links(writer: Any, first_page: dict[str, int]) -> None:
    """Links to another notebook's PDF (GoToR, from its own PDF) lead to its first page in `writer` instead."""
    from pypdf.generic import ArrayObject, NameObject

    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/GoToR":
                stem = str(action.get("/F")).rsplit(".", 1)[0]
                if stem in first_page:
                    del annot["/A"]
                    annot[NameObject("/Dest")] = ArrayObject(
                        [writer.pages[first_page[stem]].indirect_reference, NameObject("/Fit")]
                    )
