"""The pages that list the notebooks: each edition's index.html, and the cover of the course PDF."""

from __future__ import annotations

import html

from .labels import CJK_FONTS, EDITION_LABELS, KOREAN, edition_label
from .notebooks import Handout
from .paper import PAGE_MARGINS_IN

INDEX_NOTES = {
    "instructor": "Every notebook with its outputs and the worked solutions of the exercises.",
    "student": "Every notebook with its outputs; the exercises are left for you, with a self-check in each.",
}
# The instructor's index names the student edition; the student's does not point at the solutions.
INDEX_OTHER = ' (The other edition: <a href="../student/index.html">student</a>.)'
COVER_NOTES = {
    "instructor": "This edition holds every notebook with its outputs and the worked solution of every exercise.",
    "student": "This edition holds every notebook with its outputs. The exercises are yours: each has a self-check "
    "that tells you whether your answer is right; the worked solutions are in the instructor edition.",
}


def _index_row(h: Handout, edition_name: str, pdf: bool) -> str:
    """One notebook's row of the index: number, title, and its HTML, PDF (and notebook) links."""
    links = [f'<a href="{h.stem}.html">HTML</a>'] + ([f'<a href="{h.stem}.pdf">PDF</a>'] if pdf else [])
    if edition_name == "student":
        links.append(f'<a href="{h.stem}.ipynb">notebook</a>')
    return (
        f'<tr><td>{h.number}</td><td><a href="{h.stem}.html">{html.escape(h.short_title)}</a></td>'
        f'<td class="links">{" · ".join(links)}</td></tr>'
    )


def render_index(handouts: list[Handout], edition_name: str, course: str, *, pdf: bool, language: str = "en") -> str:
    """The edition's index.html: every notebook, as HTML and PDF, and the combined PDF."""
    ko = language == "ko"
    rows = [_index_row(h, edition_name, pdf) for h in handouts]
    whole = KOREAN["index_whole"] if ko else "The whole course in one file:"
    combined = f'<p>{whole} <a href="course_{edition_name}.pdf">course_{edition_name}.pdf</a></p>' if pdf else ""
    note = KOREAN["index_note"][edition_name] if ko else INDEX_NOTES[edition_name]
    other = (KOREAN["index_other"] if ko else INDEX_OTHER) if edition_name == "instructor" else ""
    label = edition_label(edition_name, language)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(course)}: {label}</title>
<style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
td{{padding:0.2rem 0.8rem 0.2rem 0;vertical-align:top}} td.links{{white-space:nowrap}}</style></head>
<body><h1>{html.escape(course)}</h1><p><strong>{label}.</strong> {note}{other}</p>
<table>{"".join(rows)}</table>{combined}</body></html>
"""


def _cover_words(edition_name: str, revision: str | None, language: str) -> dict[str, str]:
    """The cover's texts in `language`: edition label, note, headings, licence, and the revision line."""
    if language == "ko":
        built = KOREAN["built"].format(rev=html.escape(revision)) if revision else ""
        return {
            "label": KOREAN["edition_labels"][edition_name],
            "note": KOREAN["cover_note"][edition_name],
            "contents": KOREAN["contents"],
            "page": KOREAN["page_column"],
            "license": KOREAN["license"],
            "built": built,
        }
    return {
        "label": EDITION_LABELS[edition_name],
        "note": COVER_NOTES[edition_name],
        "contents": "Contents",
        "page": "page",
        "license": "Code under the MIT license, text and figures under CC BY 4.0.",
        "built": f"Built from revision {html.escape(revision)}." if revision else "",
    }


def render_cover(
    handouts: list[Handout],
    first_pages: list[int],
    edition_name: str,
    course: str,
    full_title: str,
    revision: str | None,
    language: str = "en",
) -> str:
    """The cover page of the combined course PDF: title, edition, contents with page numbers."""
    rows = "".join(
        f'<tr><td class="n">{h.number}</td><td><a href="{h.stem}.html">{html.escape(h.short_title)}</a></td>'
        f'<td class="p">{page}</td></tr>'
        for h, page in zip(handouts, first_pages)
    )
    words = _cover_words(edition_name, revision, language)
    built = f'<p class="small">{words["built"]}</p>' if words["built"] else ""
    header_row = (
        f"<tr><td></td><td><strong>{words['contents']}</strong></td>"
        f'<td class="p"><strong>{words["page"]}</strong></td></tr>'
    )
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
<p>{words["note"]}</p>
<table>{header_row}{rows}</table>
<p class="small">{words["license"]}</p>{built}
</body></html>
"""
