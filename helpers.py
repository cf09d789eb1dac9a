"""Plumbing shared by the course notebooks: seeding, quiet start-up, plot style, exercise checks.

The idea each lesson teaches lives in its notebook; this module only hides the
plumbing around it. Every notebook starts with one call::

    import helpers
    helpers.setup(seed=42)   # before `import keras`

Sections, one per notebook, keep the helpers each lesson needs together.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent
DATA_DIR = PROJECT_ROOT / "data"

#: Environment variable that overrides the seed of every notebook (``COURSE_SEED=7 make execute``).
SEED_ENV_VAR = "COURSE_SEED"

# Okabe-Ito colours (readable by colour-blind readers), each paired with its own
# line style and marker so the figures also work when printed in black and white.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


# ---------------------------------------------------------------------------
# Setup: seed, quiet TensorFlow start-up, plot style
# ---------------------------------------------------------------------------

def _validate_seed(seed: Any, source: str) -> int:
    """Return `seed` as an int, or raise a clear error naming where it came from."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{source} must be an int from 0 to 2**32 - 1, got {seed!r} of type {type(seed).__name__}")
    if not 0 <= seed <= 2**32 - 1:
        raise ValueError(f"{source} must be from 0 to 2**32 - 1 (NumPy's seed range), got {seed}")
    return int(seed)


def resolve_seed(seed: int = 42) -> int:
    """Return the seed a notebook should use: `seed`, unless ``COURSE_SEED`` is set.

    Parameters
    ----------
    seed : int
        The notebook's own seed, from 0 to 2**32 - 1.

    Returns
    -------
    int
        ``int(os.environ["COURSE_SEED"])`` when that variable is set, else `seed`.

    Raises
    ------
    TypeError, ValueError
        If `seed` or ``COURSE_SEED`` is not a whole number in range.
    """
    seed = _validate_seed(seed, "seed")
    override = os.environ.get(SEED_ENV_VAR)
    if override is not None and override.strip() != "":
        source = f"environment variable {SEED_ENV_VAR}"
        if not override.strip().lstrip("-").isdigit():
            raise ValueError(f"{source} must be a whole number from 0 to 2**32 - 1, got {override!r}")
        return _validate_seed(int(override), source)
    return seed


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to the null device for the duration of the block.

    TensorFlow's C++ runtime prints its start-up lines straight to fd 2 before it
    reads TF_CPP_MIN_LOG_LEVEL, so redirecting Python's `sys.stderr` is not enough.
    """
    try:
        sys.stderr.flush()
    except (AttributeError, ValueError):
        pass
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def import_keras_quietly():
    """Import TensorFlow and Keras without their C++ start-up log, and return `keras`.

    Safe to call many times; only the first call does the work.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # later C++ info and warning lines
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "keras" not in sys.modules or "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import tensorflow  # prints its start-up lines here, into the void

            # Looking for devices logs "failed call to cuInit" on machines without a GPU: do it now, quietly.
            tensorflow.config.list_physical_devices()
            import keras  # noqa: F401
    import keras

    return keras


def plot_style() -> dict[str, Any]:
    """Return the course's matplotlib settings (used by `setup`)."""
    from cycler import cycler

    return {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "figure.constrained_layout.use": True,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
        "lines.markersize": 5,
        "axes.prop_cycle": cycler(color=COLORS) + cycler(linestyle=LINESTYLES) + cycler(marker=MARKERS),
        "image.cmap": "viridis",
    }


def setup(seed: int = 42) -> int:
    """Prepare a notebook: seed every random generator, quiet TensorFlow, set the plot style.

    Call it once, in the notebook's setup cell, before ``import keras``.

    Parameters
    ----------
    seed : int
        Seed from 0 to 2**32 - 1. The environment variable ``COURSE_SEED``
        overrides it, so the whole course can be rerun under another seed.

    Returns
    -------
    int
        The seed in use, so a notebook can print it.

    Raises
    ------
    TypeError, ValueError
        If the seed (argument or ``COURSE_SEED``) is not a whole number in range.
    """
    seed = resolve_seed(seed)
    keras = import_keras_quietly()
    # Seeds Python's `random`, NumPy and the TensorFlow backend in one call.
    keras.utils.set_random_seed(seed)
    random.seed(seed)
    np.random.seed(seed)

    import matplotlib as mpl

    mpl.rcParams.update(plot_style())
    np.set_printoptions(precision=4, suppress=True)
    return seed


# ---------------------------------------------------------------------------
# Exercises: one self-check convention for every notebook
# ---------------------------------------------------------------------------
#
# A learner's exercise cell ends with ``helpers.check("01.1", answer)``. The
# check prints whether the answer is right and, when it is not, a hint that
# does not give the answer away. It never raises: an unanswered placeholder
# (``...``) or a value of the wrong type gets a friendly message instead.
# Each checker below returns None when the answer is right, else a hint.

@dataclass(frozen=True)
class Exercise:
    """One exercise: its id, what it asks for, and a function that returns a hint or None."""

    exercise_id: str
    expects: str
    checker: Callable[[Any], str | None]


_EXERCISES: dict[str, Exercise] = {}


def exercise(exercise_id: str, expects: str) -> Callable[[Callable[[Any], str | None]], Callable[[Any], str | None]]:
    """Register a checker for `exercise_id` (decorator). `expects` says the answer's type in words."""

    def register(checker: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        if exercise_id in _EXERCISES:
            raise ValueError(f"exercise_id {exercise_id!r} is registered twice")
        _EXERCISES[exercise_id] = Exercise(exercise_id, expects, checker)
        return checker

    return register


def exercise_ids() -> list[str]:
    """Return the ids of every registered exercise, sorted."""
    return sorted(_EXERCISES)


def _evaluate(exercise_id: str, answer: Any) -> tuple[bool, str]:
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string such as '01.1', got {exercise_id!r}")
    if exercise_id not in _EXERCISES:
        raise ValueError(f"exercise_id {exercise_id!r} is unknown; known ids: {', '.join(exercise_ids())}")
    ex = _EXERCISES[exercise_id]
    if answer is Ellipsis:
        return False, f"Exercise {exercise_id}: not answered yet. Replace the ... with {ex.expects}, then run the cell again."
    try:
        hint = ex.checker(answer)
    except Exception:  # a wrong type or shape: say so kindly instead of a traceback
        return False, (f"Exercise {exercise_id}: could not check an answer of type {type(answer).__name__}. "
                       f"This exercise expects {ex.expects}.")
    if hint is None:
        return True, f"Exercise {exercise_id}: correct. Well done!"
    return False, f"Exercise {exercise_id}: not yet. Hint: {hint}"


def check(exercise_id: str, answer: Any) -> None:
    """Print whether `answer` solves exercise `exercise_id`, with a hint when it does not.

    Parameters
    ----------
    exercise_id : str
        The exercise's id, such as ``"01.1"`` (notebook 01, exercise 1).
    answer : object
        The learner's answer; ``...`` means "not answered yet".

    Raises
    ------
    TypeError, ValueError
        Only if `exercise_id` itself is not a known id (a typo in the notebook).
    """
    print(_evaluate(exercise_id, answer)[1])


def is_correct(exercise_id: str, answer: Any) -> bool:
    """Return True if `answer` solves exercise `exercise_id` (silent version of `check`, for tests)."""
    return _evaluate(exercise_id, answer)[0]


def _as_number(answer: Any) -> float:
    """Return `answer` as a float; raise TypeError for strings, bools and other non-numbers."""
    if isinstance(answer, (bool, str)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise TypeError(f"expected a number, got {type(answer).__name__}")
    return float(answer)


def hint_for_number(answer: Any, expected: float, hint: str, rel_tol: float = 1e-6) -> str | None:
    """Return None if `answer` equals `expected` (within `rel_tol`), else `hint`.

    A helper for writing checkers: raises TypeError for non-numbers, which
    `check` turns into a friendly message.
    """
    value = _as_number(answer)
    if abs(value - expected) <= rel_tol * max(1.0, abs(expected)):
        return None
    return hint


# ---------------------------------------------------------------------------
# Notebook 00: start here
# ---------------------------------------------------------------------------

def pinned_requirements(path: Path | None = None) -> dict[str, str]:
    """Return ``{package: version}`` for every ``name==version`` line of requirements.txt."""
    path = PROJECT_ROOT / "requirements.txt" if path is None else Path(path)
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def requirement_mismatches(path: Path | None = None) -> list[str]:
    """Return one line per pinned package whose installed version differs (empty list: all match)."""
    from importlib.metadata import PackageNotFoundError, version

    problems = []
    for name, wanted in pinned_requirements(path).items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            problems.append(f"{name}: not installed (requirements.txt pins {wanted})")
            continue
        if installed != wanted:
            problems.append(f"{name}: {installed} installed, requirements.txt pins {wanted}")
    return problems


@exercise("00.1", expects="a whole number (the seed your notebook is using)")
def _check_00_1(answer: Any) -> str | None:
    return hint_for_number(answer, resolve_seed(42), "setup() returns the seed it used; print its return value.")


# ---------------------------------------------------------------------------
# Notebook 01: batches, epochs and steps
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 02: batch size trade-offs
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 03: feature scaling
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 04: why batch normalization
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 05: batch normalization from scratch
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 06: with and without batch normalization
# ---------------------------------------------------------------------------
