"""Re-run notebooks top to bottom from a clean kernel and store their outputs in place (make execute).

Usage: python tools/execute_notebooks.py [--check] [NOTEBOOK ...]   (default: every notebooks/NN_*.ipynb)
A notebook whose run fails is left untouched and the script exits non-zero.
--check runs the notebooks without writing them back, e.g. `COURSE_SEED=7 ... --check` to
see that the whole course still runs, and its own assertions hold, under another seed.
"""

from __future__ import annotations

import sys

import nbformat
from nbclient.exceptions import CellExecutionError

from notebook_kernel import notebook_paths, run_notebook

# The same kernelspec everywhere, so re-running on another machine does not change the file. It is also
# what JupyterLab writes on opening a notebook with the course's kernel, so opening it changes nothing.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def merge_stream_outputs(nb: nbformat.NotebookNode) -> None:
    """Merge each cell's consecutive outputs to the same stream (stdout, stderr) into one, in place.

    How a cell's printed text is cut into stream outputs depends on when the kernel happened to flush,
    not on what the cell printed; merged, re-running a notebook does not change its file for that reason.
    Carriage returns are kept, so a progress bar's redraws stay visible to the tests that look for them.
    """
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                last is not None
                and output.output_type == "stream"
                and last.output_type == "stream"
                and last.name == output.name
            ):
                last.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    failed = []
    for path in notebook_paths(argv):
        nb = nbformat.read(path, as_version=4)
        try:
            result = run_notebook(nb, cwd=path.parent)
        except CellExecutionError as exc:
            print(f"FAILED {path.name}:\n{exc}", file=sys.stderr)
            failed.append(path.name)
            continue
        if check_only:
            print(f"ran {path.name} without errors in {result.seconds:.1f} s (not written)")
            continue
        merge_stream_outputs(result.notebook)
        result.notebook.metadata["kernelspec"] = KERNELSPEC
        # language_info stays exactly as the kernel reported it, Python version included: JupyterLab writes
        # the connected kernel's language_info into the notebook when it opens it, and any difference (such
        # as a missing "version") marks the untouched notebook as modified (tests/test_lab_in_browser.py).
        nbformat.write(result.notebook, path)
        print(f"executed {path.name} in {result.seconds:.1f} s")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
