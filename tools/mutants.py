"""`make mutants`: plant small plausible bugs, one at a time, and check that the tests catch each one.

Every mutant (listed in tools/mutant_catalogue/, one module per notebook) names one file (helpers.py, a module of
the package course/, a notebook or a tool), an exact piece of its text (which must occur exactly once: in a
notebook, across its code cells' sources) and the text that replaces it, the claim or helper it breaks, and the few
tests that should fail. For each mutant the repository's files (tracked and untracked, not ignored: no .venv, no
build) are copied to a scratch directory, the bug is planted there, and pytest runs only the named tests in that
copy, with PYTHONPATH set so that `import helpers` and `import course` find the scratch copy's helpers.py and
course/ rather than the editable install's (the course folder's) helpers.py and course/ (checked before the first
mutant). The course folder itself is never written to. A mutant is *caught* when pytest reports failed tests; passing is
*missed*; anything else (a collection error, a timeout) is reported as such. The exit status is 0 only if every
mutant is caught.

A catch counts only if the test that failed passes without the mutant: after the mutants, the first failing test
of every caught mutant is run once on the unmutated copy (all of them in one pytest run); a catch whose test fails
there too is reported as "unconfirmed" and fails the run.

Usage:  python tools/mutants.py [--jobs 2] [--timeout 300] [--baseline] [--check] [NAME ...]
    --check     only verify that every mutant applies (its text occurs exactly once) and names existing tests
    --baseline  first run every named test (all cases) on the unmutated copy; they must all pass (slower)
    NAME ...    run only these mutants
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
from mutant_catalogue import MUTANTS, Mutant  # noqa: E402  (the list of bugs, one module per notebook)

ROOT = TOOLS.parent

# Mutants whose catching tests took 25 s or more on the quiet 2-core machine: started first.
SLOW_FIRST = frozenset(
    {
        "01-practice-batch-ignored",
        "07-sync-bn-not-synchronized",
        "00-env-split",
        "02-variance-not-squared",
        "01-recorder-shuffle-dropped",
        "01-shuffle-buffer-full",
        "00-env-threshold",
        "02-activations-counted-once",
    }
)


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def occurrences(mutant: Mutant, root: Path = ROOT) -> int:
    """How many times the mutant's text occurs in its file (in a notebook: in its code cells' sources)."""
    path = root / mutant.path
    if not path.is_file():
        return 0
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return sum(_source(c).count(mutant.old) for c in _code_cells(nb))
    return path.read_text(encoding="utf-8").count(mutant.old)


def apply(mutant: Mutant, root: Path) -> None:
    """Plant the mutant in the copy at `root` (its text must occur exactly once there)."""
    count = occurrences(mutant, root)
    if count != 1:
        raise ValueError(f"mutant {mutant.name}: its text occurs {count} times in {mutant.path}, expected once")
    path = root / mutant.path
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in _code_cells(nb):
            text = _source(cell)
            if mutant.old in text:
                cell["source"] = text.replace(mutant.old, mutant.new).splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").replace(mutant.old, mutant.new), encoding="utf-8")


def problems(mutants: list[Mutant] = MUTANTS, root: Path = ROOT) -> list[str]:
    """Everything that would make a mutant a no-op or unrunnable: text not there exactly once, a replacement equal
    to the original, a named test file or test function that does not exist, a repeated name."""
    found = []
    names = [m.name for m in mutants]
    found += [f"mutant name {n!r} used more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    for m in mutants:
        count = occurrences(m, root)
        if count != 1:
            found.append(f"{m.name}: text occurs {count} times in {m.path}, expected exactly once")
        if m.old == m.new:
            found.append(f"{m.name}: replacement equals the original")
        if not m.tests:
            found.append(f"{m.name}: names no test")
        for node in m.tests:
            file, _, test = node.partition("::")
            path = root / file
            if not path.is_file():
                found.append(f"{m.name}: test file {file} does not exist")
            elif test and not re.search(
                rf"^def {re.escape(test.split('[')[0])}\(", path.read_text(encoding="utf-8"), re.M
            ):
                found.append(f"{m.name}: {file} has no test {test}")
    return found


def repository_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def copy_repository(dest: Path) -> None:
    for rel in repository_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


def scratch_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    env.pop("COURSE_SEED", None)
    return env


def check_import_resolves_to(root: Path) -> None:
    """Fail loudly if `import helpers` in the scratch copy would load another helpers.py or another course/ package
    (the editable install's): a mutant planted in the copy must be what the tests import."""
    script = (
        "import helpers, course, course.checks, course.exercises.nb00_start_here as ex; "
        "print(helpers.__file__); print(course.__file__); print(course.checks.__file__); print(ex.__file__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root / "tests",
        env=scratch_env(root),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wanted = ["helpers.py", "course/__init__.py", "course/checks.py", "course/exercises/nb00_start_here.py"]
    for found, rel in zip(out, wanted, strict=True):
        if Path(found).resolve() != (root / rel).resolve():
            raise SystemExit(f"import resolves to {found}, not the scratch copy {root / rel}: stopping")


def pytest_command(tests: tuple[str, ...] | list[str], workers: int = 0) -> list[str]:
    # nbval (and xdist, for one process) are not loaded: their start-up alone costs about 2 s per run
    parallel = ["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"]
    return [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:nbval",
        *parallel,
        "-x",
        "-q",
        "-rfE",
        "--no-header",
        *tests,
    ]


def run_tests(root: Path, tests, timeout: float, workers: int = 0) -> tuple[str, float, str]:
    """Run pytest on `tests` in the copy at `root`: (outcome, seconds, first failed test or a note)."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            pytest_command(tests, workers),
            cwd=root,
            env=scratch_env(root),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, f"no result within {timeout:.0f} s"
    seconds = time.monotonic() - start
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)  # a failing fixture is an ERROR
    if proc.returncode == 1 and failed:
        return "caught", seconds, failed[0]
    if proc.returncode == 0:
        return "missed", seconds, "every named test passed"
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    return "error", seconds, f"pytest exit {proc.returncode}: " + " | ".join(tail)


def run_mutant(mutant: Mutant, base: Path, timeout: float) -> tuple[Mutant, str, float, str]:
    work = Path(tempfile.mkdtemp(prefix=f"mutant-{mutant.name}-"))
    try:
        shutil.copytree(base, work, dirs_exist_ok=True)
        apply(mutant, work)
        outcome, seconds, note = run_tests(work, mutant.tests, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return mutant, outcome, seconds, note


def shorten(text: str, width: int) -> str:
    text = text.replace("\\n", " ").replace("|", "/")
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at the same time (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant (default 300)")
    parser.add_argument("--baseline", action="store_true", help="first run every named test on the unmutated copy")
    parser.add_argument("--check", action="store_true", help="only check that every mutant applies")
    args = parser.parse_args(argv)

    found = problems()
    if found:
        print("mutants that would not apply:\n  " + "\n  ".join(found))
        return 2
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        print(f"no such mutant: {', '.join(sorted(unknown))}")
        return 2
    if args.check:
        print(f"{len(MUTANTS)} mutants, each applies exactly once and names existing tests")
        return 0

    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="mutants-base-"))
    try:
        copy_repository(base)
        check_import_resolves_to(base)
        if args.baseline:
            tests = sorted({t for m in chosen for t in m.tests})
            outcome, seconds, note = run_tests(base, tests, timeout=args.timeout * 2, workers=args.jobs)
            print(
                f"baseline: the {len(tests)} named tests on the unmutated copy: "
                f"{'pass' if outcome == 'missed' else outcome + ' (' + note + ')'} ({seconds:.0f} s)",
                flush=True,
            )
            if outcome != "missed":
                return 2
        rows = []
        # the slowest first (each trains a model over several seeds), so that no worker idles at the end
        order = sorted(chosen, key=lambda m: m.name not in SLOW_FIRST)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for mutant, outcome, seconds, note in pool.map(lambda m: run_mutant(m, base, args.timeout), order):
                rows.append((mutant, outcome, seconds, note))
                print(f"  {mutant.name}: {outcome} ({seconds:.0f} s)", flush=True)
        # confirm: every test that caught a mutant passes on the unmutated copy
        # (the failing case itself; the whole test function when a parametrized id holds characters that a
        # command line cannot pass back to pytest)
        catchers = sorted(
            {
                note if re.fullmatch(r"[\w/.:-]+(\[[\w.-]+\])?", note) else note.split("[")[0]
                for _, outcome, _, note in rows
                if outcome == "caught"
            }
        )
        if catchers:
            outcome, seconds, note = run_tests(base, catchers, timeout=args.timeout * 2, workers=args.jobs)
            confirmed = outcome == "missed"  # every catching test passed without a mutant
            if not confirmed:  # (pytest stops at the first failure: every catch is suspect)
                rows = [(m, "unconfirmed" if o == "caught" else o, sec, n) for m, o, sec, n in rows]
            if not confirmed:
                print("catching tests run on the unmutated copy:\n  " + "\n  ".join(catchers))
            print(
                f"confirmation: the {len(catchers)} catching tests on the unmutated copy: "
                f"{'pass' if confirmed else outcome + ' (' + note + ')'} ({seconds:.0f} s)",
                flush=True,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)

    width = max(len(m.name) for m, *_ in rows)
    print()
    print(f"| {'mutant'.ljust(width)} | result | s | what it breaks | first failing test |")
    print(f"|{'-' * (width + 2)}|--------|---|----------------|--------------------|")
    for mutant, outcome, seconds, note in rows:
        print(
            f"| {mutant.name.ljust(width)} | {outcome} | {seconds:.0f} | {mutant.breaks} | "
            f"{shorten(note.split('::', 1)[-1], 90)} |"
        )
    caught = sum(outcome == "caught" for _, outcome, _, _ in rows)
    print(f"\n{caught} of {len(rows)} mutants caught in {time.monotonic() - started:.0f} s")
    return 0 if caught == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
