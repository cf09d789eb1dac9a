"""Build the Korean edition from the English notebooks and one translation file per notebook (make translate).

Usage:
    python tools/translate.py                 write notebooks/ko/NN_*.ipynb for every translated notebook
    python tools/translate.py --check         write nothing; exit 1 and name every stale, missing or
                                              out-of-date cell or notebook
    python tools/translate.py --status        list what needs translating, with the English text as it is now
    python tools/translate.py --init NN ...   start a translation file for notebook NN (English text, marked todo)
    python tools/translate.py --refresh NN    after editing English cells: add new cells to the file, mark
                                              changed ones `stale` (keeping the old Korean), drop removed ones

The English notebook is the one source of code and outputs: a Korean notebook is the English notebook,
byte for byte, with each markdown cell's text replaced by its translation from `notebooks/ko/NN_name.md`.
That file is plain Markdown, one block per markdown cell, each opened by a marker line

    <!-- cell 9f71d296 sha256:3c1f0a7d9b2e -->

naming the English cell's id and the first 12 hex digits of the SHA-256 of the English text it translates.
When an English cell changes, its hash no longer matches and `--check` (run by the test suite) names the
notebook and cell. A marker ending in ` todo` or ` stale` marks a block still to be (re)translated.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KO = NOTEBOOKS / "ko"
LANGUAGE = "ko"
MARKER = re.compile(r"^<!-- cell (?P<id>[A-Za-z0-9_-]+) sha256:(?P<sha>[0-9a-f]{12})(?: (?P<flag>todo|stale))? -->$")
# A relative link to another notebook of the course stays as it is (it then leads to the Korean twin);
# any other relative link gets one more "../", since the Korean notebooks live one folder deeper.
RELATIVE_LINK = re.compile(r"(\]\()(?!https?:|mailto:|#|/|\.\./|\d\d_[\w-]+\.ipynb)([^)\s]+\))")


def text_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of an English cell's text (enough to notice any edit)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Block:
    cell_id: str
    sha: str
    flag: str | None
    text: str


def english_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def translation_path(english: Path) -> Path:
    return KO / f"{english.stem}.md"


def korean_path(english: Path) -> Path:
    return KO / english.name


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(nb: dict, path: Path) -> None:
    # The same layout nbformat.write uses (indent 1, keys sorted, non-ASCII kept), so that the
    # code cells and outputs of the Korean notebook are byte-identical to the English file's.
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def as_source_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def markdown_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "markdown"]


def parse_translation(path: Path) -> list[Block]:
    """Read a translation file into blocks; raises ValueError naming the line of a malformed file."""
    blocks: list[Block] = []
    current: Block | None = None
    lines: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = MARKER.match(line)
        if match:
            if current:
                current.text = "\n".join(lines).strip("\n")
                blocks.append(current)
            current, lines = Block(match["id"], match["sha"], match["flag"], ""), []
        elif line.startswith("<!-- cell "):
            raise ValueError(f"{path.name}:{number}: malformed marker line: {line!r}")
        elif current is None:
            if line.strip() and not line.startswith("<!--"):
                raise ValueError(f"{path.name}:{number}: text before the first cell marker")
        else:
            lines.append(line)
    if current:
        current.text = "\n".join(lines).strip("\n")
        blocks.append(current)
    seen: set[str] = set()
    for block in blocks:
        if block.cell_id in seen:
            raise ValueError(f"{path.name}: cell {block.cell_id} is translated twice")
        seen.add(block.cell_id)
    return blocks


def format_translation(english: Path, blocks: list[Block]) -> str:
    head = (
        f"<!-- Korean translation of notebooks/{english.name}: one block per markdown cell, opened by its "
        f"marker. Edit the text below a marker; `make translate` writes notebooks/ko/{english.name}. -->\n"
    )
    parts = [head]
    for b in blocks:
        flag = f" {b.flag}" if b.flag else ""
        parts.append(f"\n<!-- cell {b.cell_id} sha256:{b.sha}{flag} -->\n{b.text}\n")
    return "".join(parts)


def problems(english: Path) -> list[str]:
    """Everything that keeps the Korean twin of `english` from being current, one line each."""
    name = english.name
    tpath = translation_path(english)
    if not tpath.exists():
        return [f"{name}: no translation file {tpath.relative_to(ROOT)}"]
    try:
        blocks = {b.cell_id: b for b in parse_translation(tpath)}
    except ValueError as exc:
        return [str(exc)]
    found = []
    nb = read_notebook(english)
    wanted = set()
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        cid = cell.get("id")
        wanted.add(cid)
        block = blocks.get(cid)
        first = source(cell).strip().splitlines()[0][:60] if source(cell).strip() else ""
        where = f"{name}: cell {index} (id {cid}, {first!r})"
        if block is None:
            found.append(f"{where}: no translation")
        elif block.flag:
            found.append(f"{where}: translation marked {block.flag}")
        elif block.sha != text_hash(source(cell)):
            found.append(f"{where}: the English text changed since it was translated")
        elif not block.text.strip():
            found.append(f"{where}: empty translation")
    for cid in blocks.keys() - wanted:
        found.append(f"{name}: translation of cell {cid}, which the English notebook no longer has")
    if not found:
        kpath = korean_path(english)
        expected = render(english)
        if not kpath.exists():
            found.append(f"{name}: notebooks/ko/{name} missing (run `make translate`)")
        elif kpath.read_text(encoding="utf-8") != expected:
            found.append(f"{name}: notebooks/ko/{name} differs from what `make translate` writes (run it)")
    return found


def localize_links(text: str) -> str:
    return RELATIVE_LINK.sub(r"\1../\2", text)


def render(english: Path) -> str:
    """The Korean notebook's file content: the English notebook with its markdown cells translated."""
    nb = read_notebook(english)
    blocks = {b.cell_id: b for b in parse_translation(translation_path(english))}
    korean = copy.deepcopy(nb)
    for cell in korean["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = as_source_lines(localize_links(blocks[cell["id"]].text))
    korean["metadata"]["language"] = LANGUAGE
    return json.dumps(korean, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def init(english: Path) -> Path:
    tpath = translation_path(english)
    if tpath.exists():
        raise SystemExit(f"error: {tpath.relative_to(ROOT)} exists; use --refresh")
    blocks = [Block(c["id"], text_hash(source(c)), "todo", source(c)) for c in markdown_cells(read_notebook(english))]
    KO.mkdir(exist_ok=True)
    tpath.write_text(format_translation(english, blocks), encoding="utf-8")
    return tpath


def refresh(english: Path) -> Path:
    """Bring a translation file in line with the English cells.

    New cells are marked todo, changed ones stale; the order is the English one.
    """
    tpath = translation_path(english)
    old = {b.cell_id: b for b in parse_translation(tpath)}
    blocks = []
    for cell in markdown_cells(read_notebook(english)):
        sha = text_hash(source(cell))
        block = old.get(cell["id"])
        if block is None:
            blocks.append(Block(cell["id"], sha, "todo", source(cell)))
        elif block.sha != sha:
            blocks.append(Block(cell["id"], sha, "stale", block.text))
        else:
            blocks.append(block)
    tpath.write_text(format_translation(english, blocks), encoding="utf-8")
    return tpath


def status(english: Path) -> None:
    nb = read_notebook(english)
    tpath = translation_path(english)
    blocks = {b.cell_id: b for b in parse_translation(tpath)} if tpath.exists() else {}
    for cell in markdown_cells(nb):
        block = blocks.get(cell["id"])
        if block and not block.flag and block.sha == text_hash(source(cell)):
            continue
        state = "missing" if block is None else block.flag or "changed"
        print(f"--- {english.name} cell {cell['id']} ({state}); the English text now:")
        print(source(cell))
        print()


def select(args: list[str]) -> list[Path]:
    if not args:
        return english_notebooks()
    chosen = []
    for arg in args:
        matches = [
            p
            for p in english_notebooks()
            if p.name.startswith(Path(arg).name[:2]) and (len(Path(arg).stem) <= 2 or p.stem == Path(arg).stem)
        ]
        if not matches:
            raise SystemExit(f"error: no English notebook matches {arg!r} (expected NN or notebooks/NN_name.ipynb)")
        chosen += matches
    return chosen


def main(argv: list[str]) -> int:
    mode = next((a for a in argv if a.startswith("--")), None)
    args = [a for a in argv if not a.startswith("--")]
    if mode not in (None, "--check", "--status", "--init", "--refresh"):
        raise SystemExit(f"error: unknown option {mode}; see the docstring of tools/translate.py")
    if mode == "--init":
        for english in select(args):
            print(f"started {init(english).relative_to(ROOT)}")
        return 0
    if mode == "--refresh":
        for english in select(args):
            print(f"refreshed {refresh(english).relative_to(ROOT)}")
        return 0
    if mode == "--status":
        for english in select(args):
            status(english)
        return 0
    failures = []
    for english in select(args):
        if mode == "--check":
            failures += problems(english)
            continue
        if not translation_path(english).exists():
            failures.append(f"{english.name}: no translation file (start one with --init)")
            continue
        found = [p for p in problems(english) if "make translate" not in p]
        if found:
            failures += found
            continue
        korean_path(english).write_text(render(english), encoding="utf-8")
        print(f"wrote notebooks/ko/{english.name}")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
