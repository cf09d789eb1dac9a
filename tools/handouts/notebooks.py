"""The course's notebooks as the handouts see them: which ones, their numbers and titles, their order.

A `Handout` is one notebook with its titles and the files built for it; `course_sequence` lists every
notebook of the course, so previous/next links reach notebooks that are not being rebuilt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .labels import FALLBACK_COURSE_TITLE

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NOTEBOOK_DIR = ROOT / "notebooks"
KO_NOTEBOOK_DIR = NOTEBOOK_DIR / "ko"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTEBOOK_NAME = re.compile(r"^(\d\d)_[A-Za-z0-9_\-]+$")
HEADER_TITLE_CHARS = 45  # longer notebook titles are cut at their colon in the running header


def notebook_paths(args: Iterable[str | Path] = ()) -> list[Path]:
    """Return the notebooks named in `args`, or every ``notebooks/NN_*.ipynb`` in order."""
    paths = [Path(a) for a in args]
    if not paths:
        return sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
    for p in paths:
        if p.suffix != ".ipynb" or not p.is_file():
            raise ValueError(f"notebook {str(p)!r} is not an existing .ipynb file")
    return paths


def split_by_language(args: Iterable[str]) -> tuple[list[str], list[str]]:
    """The notebooks named on the command line, as (English, Korean).

    A Korean notebook is one in ``notebooks/ko/``; each English notebook brings its Korean twin along
    when there is one, so rebuilding a notebook rebuilds both editions of it.
    """
    args = list(args)
    english = [a for a in args if Path(a).resolve().parent != KO_NOTEBOOK_DIR.resolve()]
    korean = [a for a in args if a not in english]
    twins = [str(KO_NOTEBOOK_DIR / Path(a).name) for a in english]
    korean += [twin for twin in twins if Path(twin).is_file() and twin not in korean]
    return english, korean


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def plain_text(markdown: str) -> str:
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
                    return plain_text(line[2:])
            break
    return fallback


def full_course_title(readme: Path = README) -> str:
    """The course's whole title, the README's ``# `` heading (the course PDF's cover shows it)."""
    try:
        return next(
            plain_text(line[2:]) for line in readme.read_text(encoding="utf-8").splitlines() if line.startswith("# ")
        )
    except (OSError, StopIteration):
        return FALLBACK_COURSE_TITLE


def course_title(readme: Path = README) -> str:
    """The course's title: the README's ``# `` heading up to its colon (the header has little room)."""
    try:
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return plain_text(line[2:]).split(":", 1)[0].strip()
    except OSError:
        pass
    return FALLBACK_COURSE_TITLE


def short_title(title: str, course: str) -> str:
    """Drop a leading "<course title>: " from a notebook title (notebook 00's title starts so)."""
    if title.lower().startswith(course.lower()):
        rest = title[len(course) :].lstrip(" :-–—")
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
        """The notebook's file name without ``.ipynb``: every handout of it is named so."""
        return self.source.stem

    @property
    def label(self) -> str:
        """ "NN · title": the handout's name in titles, bookmarks and the contents."""
        return f"{self.number} · {self.short_title}"

    @property
    def header_label(self) -> str:
        """The label in the running header: "NN · " and the title, cut short when long (see header_title)."""
        return f"{self.number} · {header_title(self.short_title)}"


def notebook_number(path: Path) -> str:
    """The "NN" of ``NN_name.ipynb`` (the first two characters of a name that does not follow the pattern)."""
    m = NOTEBOOK_NAME.match(path.stem)
    return m[1] if m else path.stem[:2]


def make_handout(path: Path, nb: Any, course: str) -> Handout:
    """The `Handout` of the notebook `nb` read from `path`, titled as the course names it."""
    title = notebook_title(nb, path.stem)
    return Handout(path, notebook_number(path), title, short_title(title, course))


def course_sequence(handouts: list[Handout], course: str, folder: Path = NOTEBOOK_DIR) -> list[Handout]:
    """Every course notebook in order: the ones being built, and the others in `folder` (titles only)."""
    by_stem = {h.stem: h for h in handouts}
    for path in sorted(folder.glob(NOTEBOOK_GLOB)):
        if path.stem not in by_stem:
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            by_stem[path.stem] = make_handout(path, nb, course)
    return [by_stem[stem] for stem in sorted(by_stem)]


def neighbours(sequence: list[Handout], handout: Handout) -> tuple[Handout | None, Handout | None]:
    """The notebooks before and after `handout` in `sequence` (None at either end)."""
    i = [h.stem for h in sequence].index(handout.stem)
    return (sequence[i - 1] if i else None), (sequence[i + 1] if i + 1 < len(sequence) else None)
