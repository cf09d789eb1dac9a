"""Time every notebook in a fresh kernel and compare with the floor of starting Keras (make bench).

Usage: python tools/benchmark_notebooks.py [NOTEBOOK ...]
Prints, per notebook, wall time (kernel start to last cell) and peak resident memory of the
kernel, then the floor: a fresh kernel that only imports Keras, measured in the same run.
Nothing is written back: the stored notebooks are left as they are.
"""

from __future__ import annotations

import os
import platform
import sys

import nbformat
import psutil

from notebook_kernel import ROOT, notebook_paths, run_notebook

GOAL_SECONDS = 15.0


def floor_notebook() -> nbformat.NotebookNode:
    """A notebook that does what every lesson must do before its first idea: start and import Keras."""
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import helpers\nhelpers.import_keras_quietly()")])


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: list[str]) -> int:
    paths = notebook_paths(argv)
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"
    )
    floor = run_notebook(floor_notebook(), cwd=ROOT / "notebooks")
    print(f"{'notebook':40s} {'wall s':>8s} {'peak MiB':>9s}")
    total = 0.0
    over = []
    for path in paths:
        result = run_notebook(nbformat.read(path, as_version=4), cwd=path.parent)
        total += result.seconds
        flag = "" if result.seconds < GOAL_SECONDS else f"  over the {GOAL_SECONDS:.0f} s goal"
        if flag:
            over.append(path.name)
        print(f"{path.name:40s} {result.seconds:8.1f} {result.peak_rss_bytes / 2**20:9.0f}{flag}")
    print(f"{'floor (fresh kernel + import keras)':40s} {floor.seconds:8.1f} {floor.peak_rss_bytes / 2**20:9.0f}")
    print(
        f"total {total:.1f} s for {len(paths)} notebooks; "
        f"total / (floor x notebooks) = {total / (floor.seconds * max(1, len(paths))):.2f}"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
