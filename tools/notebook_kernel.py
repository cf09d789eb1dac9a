"""Run a notebook top to bottom in a fresh kernel of *this* environment's Python.

Shared by `execute_notebooks.py` (make execute) and `benchmark_notebooks.py` (make bench).
The kernel is the same one nbval starts with --nbval-current-env, so stored outputs,
tests and timings all come from one interpreter, whatever kernels a machine has installed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


@dataclass
class RunResult:
    notebook: nbformat.NotebookNode
    seconds: float
    peak_rss_bytes: int


class _PeakMemorySampler:
    """Sample the resident memory of this process's children (the kernel) in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> _PeakMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    """Return the given notebooks, or every numbered notebook in notebooks/, in order."""
    if names:
        paths = [Path(n).resolve() for n in names]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise SystemExit(f"no such notebook: {', '.join(missing)}")
        return paths
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> RunResult:
    """Execute `nb` in a fresh kernel started in `cwd`; return it with wall time and peak kernel memory."""
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        record_timing=False,  # no per-cell timestamps in the stored metadata
        resources={"metadata": {"path": str(cwd)}},
    )
    try:
        with _PeakMemorySampler() as sampler:
            start = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - start
    finally:
        # nbclient leaves a kernel it was handed running: stop it, so the next notebook starts alone.
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return RunResult(nb, seconds, sampler.peak)
