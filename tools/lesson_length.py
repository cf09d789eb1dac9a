#!/usr/bin/env python3
"""How long a student needs for each notebook: the core path and the optional parts, estimated.

Usage: python3 tools/lesson_length.py [--max-core MIN] [--max-total MIN] [--table | --update] [NOTEBOOK_OR_FOLDER ...]
(default: notebooks/)

A notebook is read section by section (a section starts at a markdown "## " heading). A section whose
heading starts with "Going deeper" is optional; cells tagged `exercise` or `solution` and a "## References"
section are counted apart. Everything else is the core path, the setup and the summary included.

Minutes are estimated as a careful reader of technical material spends them:
prose words / 150 + lines of code / 6 + 1 per figure. It is a yardstick for comparing versions of the
same course, not a stopwatch. Standard library only. Exits 1 when a notebook exceeds --max-core or
--max-total (minutes), if given. (The same algorithm as the course team's shared lesson_length.py.)

The README's notebook table and the map in notebooks/00_start_here.ipynb show each notebook's time as
"core / all" (all = core + optional parts; exercises not counted); tests/test_00_start_here.py fails when
they differ from this estimate.
  --table    print the "core / all" cell of every notebook, to paste into those two tables;
  --update   rewrite those cells in README.md and in 00's map in place (nothing else changes; 00 needs
             no re-execution, the map is a markdown cell).
"""

import argparse
import json
import re
import sys
from pathlib import Path

WORDS_PER_MIN, CODE_LINES_PER_MIN, MIN_PER_FIGURE = 150, 6, 1

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAP_NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"

# A table row that links to a notebook and ends with its time cell, e.g.
# "| [01 Batches, epochs and steps](01_batches_epochs_steps.ipynb) | ... | 33 / 41 |"
_ROW = re.compile(
    r"^\|.*?\]\((?:[^)]*/)?(?P<stem>\d\d_[A-Za-z0-9_]+)\.ipynb[^)]*\).*\|\s*"
    r"(?P<core>\d+) / (?P<total>\d+)\s*\|\s*$"
)


def minutes(words, code, figures):
    return words / WORDS_PER_MIN + code / CODE_LINES_PER_MIN + figures * MIN_PER_FIGURE


def measure(path):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    parts = {"core": [0, 0, 0], "deeper": [0, 0, 0], "exercises": [0, 0, 0]}
    part = "core"
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", ""))
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "markdown":
            for line in src.splitlines():
                if line.startswith("## "):
                    title = line[3:].strip().lower()
                    part = (
                        "deeper"
                        if title.startswith("going deeper")
                        else "exercises"
                        if title.startswith(("exercises", "references"))
                        else "core"
                    )
                    break
        where = "exercises" if tags & {"exercise", "solution"} else part
        count = parts[where]
        if cell.get("cell_type") == "markdown":
            count[0] += len(src.split())
        elif cell.get("cell_type") == "code":
            count[1] += sum(1 for line in src.splitlines() if line.strip() and not line.strip().startswith("# NBVAL"))
            count[2] += sum(1 for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
    return parts


def estimate(path):
    """Return (core minutes, core + optional minutes) of one notebook, unrounded."""
    parts = measure(path)
    core = minutes(*parts["core"])
    return core, core + minutes(*parts["deeper"])


def time_cell(path):
    """The "core / all" text the README and 00's map show for one notebook, e.g. "33 / 41"."""
    core, total = estimate(path)
    return f"{core:.0f} / {total:.0f}"


def notebook_files(paths):
    files = []
    for p in map(Path, paths):
        files += sorted(p.glob("[0-9][0-9]_*.ipynb")) if p.is_dir() else [p]
    return files


def documented_times(text):
    """Map notebook stem -> the "core / all" cell of every table row in `text` (markdown) that has one."""
    found = {}
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if match:
            found[match["stem"]] = f"{match['core']} / {match['total']}"
    return found


def map_text(path=MAP_NOTEBOOK):
    """The markdown of 00's "## The map" cell."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown" and src.lstrip().startswith("## The map"):
            return src
    raise ValueError(f"{path} has no markdown cell starting with '## The map'")


def rewrite_times(text, cells):
    """Return `text` with the time cell of each row for a stem in `cells` replaced by cells[stem]."""
    out = []
    for line in text.split("\n"):
        # in the .ipynb file a row is a JSON string: "| ... | 33 / 41 |\n",
        body = line
        match = re.search(r"\]\((?:[^)]*/)?(\d\d_[A-Za-z0-9_]+)\.ipynb[^)]*\)", body)
        if match and match[1] in cells and body.lstrip().lstrip('"').startswith("|"):
            line = re.sub(r"\|\s*\d+ / \d+\s*\|(?=(?:\\n)?\"?,?\s*$)", f"| {cells[match[1]]} |", line)
        out.append(line)
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "notebooks")])
    ap.add_argument("--max-core", type=float)
    ap.add_argument("--max-total", type=float)
    ap.add_argument("--table", action="store_true", help="print each notebook's 'core / all' cell for the tables")
    ap.add_argument("--update", action="store_true", help="rewrite the time cells in README.md and 00's map")
    args = ap.parse_args(argv)
    files = notebook_files(args.paths)
    if args.table or args.update:
        cells = {f.stem: time_cell(f) for f in files}
        if args.table:
            print(f"{'notebook':40} minutes: core / all")
            for stem, cell in cells.items():
                print(f"{stem:40} | {cell} |")
        if args.update:
            for target in (README, MAP_NOTEBOOK):
                old = target.read_text(encoding="utf-8")
                new = rewrite_times(old, cells)
                if new != old:
                    target.write_text(new, encoding="utf-8")
                print(f"{target.relative_to(ROOT)}: {'updated' if new != old else 'already up to date'}")
        return 0
    over = 0
    print(f"{'notebook':40} {'core min':>8} {'words':>6} {'code':>5} {'figs':>4}   {'deeper min':>10} {'total min':>9}")
    tot_core = tot_all = 0.0
    for f in files:
        parts = measure(f)
        core = minutes(*parts["core"])
        deeper = minutes(*parts["deeper"])
        total = core + deeper
        tot_core += core
        tot_all += total
        flag = ""
        if args.max_core is not None and core > args.max_core:
            flag += f"  core over {args.max_core:g}"
        if args.max_total is not None and total > args.max_total:
            flag += f"  total over {args.max_total:g}"
        over += bool(flag)
        w, c, g = parts["core"]
        print(f"{f.stem:40} {core:8.0f} {w:6d} {c:5d} {g:4d}   {deeper:10.0f} {total:9.0f}{flag}")
    print(
        f"course: core path {tot_core:.0f} min, with the optional parts {tot_all:.0f} min "
        f"(exercises not counted); {over} notebook(s) over the limits"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
