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


def hint_for_number(answer: Any, expected: float, hint: str, rel_tol: float = 1e-6,
                    wrong: dict[float, str] | None = None) -> str | None:
    """Return None if `answer` equals `expected` (within `rel_tol`), else a hint.

    `wrong` maps typical wrong answers to their own hints; any other value gets `hint`.
    A helper for writing checkers: raises TypeError for non-numbers, which
    `check` turns into a friendly message.
    """
    value = _as_number(answer)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel_tol * max(1.0, abs(b))

    if close(value, expected):
        return None
    for wrong_value, wrong_hint in (wrong or {}).items():
        if close(value, wrong_value):
            return wrong_hint
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

import math


def _check_whole_number(value: Any, name: str, minimum: int) -> int:
    """Return `value` as an int, or raise a clear error naming the argument `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number (int) >= {minimum}, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def training_samples(n_samples: int, validation_split: float = 0.0) -> int:
    """Return how many of `n_samples` samples Keras trains on when `validation_split` is held out.

    Keras 3 keeps the first ``floor(n_samples * (1 - validation_split))`` samples for
    training and holds out the rest (the *last* samples, taken before any shuffling)
    for validation. The same floating-point expression as Keras is used, on the value
    as given (a NumPy float32 split is computed in float32, as Keras does), so the
    result matches Keras exactly.

    Parameters
    ----------
    n_samples : int
        Number of samples passed to ``fit()``, >= 0.
    validation_split : float
        Fraction held out for validation, 0 <= validation_split < 1 (0: no split).

    Returns
    -------
    int
        Number of training samples.

    Raises
    ------
    TypeError
        If `n_samples` is not an int or `validation_split` is not a number.
    ValueError
        If `n_samples` < 0, `validation_split` is outside [0, 1), or the split would
        leave no training sample or no validation sample (Keras refuses such a split).
    """
    n_samples = _check_whole_number(n_samples, "n_samples", 0)
    if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float, np.integer, np.floating)):
        raise TypeError(f"validation_split must be a number from 0 (inclusive) to 1 (exclusive), "
                        f"got {validation_split!r} of type {type(validation_split).__name__}")
    if not 0.0 <= validation_split < 1.0:  # also rejects NaN
        raise ValueError(f"validation_split must be from 0 (inclusive) to 1 (exclusive), got {validation_split}")
    if validation_split == 0:
        return n_samples
    # the same expression as keras.src.trainers.data_adapters.array_slicing.train_validation_split
    # (no float() here: Keras computes with the value as given, e.g. in float32 for np.float32(0.2))
    split_at = int(math.floor(n_samples * (1.0 - validation_split)))
    if split_at == 0 or split_at == n_samples:
        raise ValueError(f"validation_split={validation_split} on n_samples={n_samples} leaves "
                         f"{split_at} training and {n_samples - split_at} validation samples; Keras refuses a "
                         "split without at least one of each: use more samples or another validation_split")
    return split_at


def steps_per_epoch(n_samples: int, batch_size: int, validation_split: float = 0.0,
                    drop_remainder: bool = False) -> int:
    """Return the number of training steps (weight updates) in one epoch of ``fit()``.

    The rule: with ``n`` training samples and batch size ``B``, an epoch has
    ``ceil(n / B)`` steps; the last batch is partial when ``B`` does not divide ``n``.
    With ``drop_remainder=True`` (as ``tf.data.Dataset.batch(B, drop_remainder=True)``)
    the partial batch is dropped: ``floor(n / B)`` steps. A batch size larger than
    ``n`` gives a single step (or none when the remainder is dropped).

    Parameters
    ----------
    n_samples : int
        Number of samples passed to ``fit()`` (before the validation split), >= 0.
    batch_size : int
        Samples per batch, >= 1 (Keras's default, when ``batch_size`` is omitted, is 32).
    validation_split : float
        Fraction of the samples Keras holds out for validation, 0 <= validation_split < 1.
        Keras trains on the first ``floor(n_samples * (1 - validation_split))`` samples.
    drop_remainder : bool
        If True, the last partial batch is dropped.

    Returns
    -------
    int
        Steps per epoch.

    Raises
    ------
    TypeError
        If `n_samples` or `batch_size` is not an int (bools are refused), `validation_split`
        is not a number, or `drop_remainder` is not a bool.
    ValueError
        If `n_samples` < 0, `batch_size` < 1, `validation_split` is outside [0, 1), or the
        split leaves no training or no validation sample (Keras refuses it too).

    Examples
    --------
    >>> steps_per_epoch(1000, 10)
    100
    >>> steps_per_epoch(100, 32)
    4
    >>> steps_per_epoch(100, 32, validation_split=0.2)
    3
    """
    batch_size = _check_whole_number(batch_size, "batch_size", 1)
    if not isinstance(drop_remainder, (bool, np.bool_)):
        raise TypeError(f"drop_remainder must be True or False, got {drop_remainder!r}")
    n_train = training_samples(n_samples, validation_split)
    full_batches, remainder = divmod(n_train, batch_size)
    if drop_remainder or remainder == 0:
        return full_batches
    return full_batches + 1  # the partial last batch is a step of its own: ceil(n_train / batch_size)


def batch_sizes(n_samples: int, batch_size: int, validation_split: float = 0.0,
                drop_remainder: bool = False) -> list[int]:
    """Return the size of every batch in one epoch, in order (see `steps_per_epoch`).

    Same parameters and errors as `steps_per_epoch`; ``len(batch_sizes(...)) ==
    steps_per_epoch(...)`` and the sizes add up to the training samples used.

    Examples
    --------
    >>> batch_sizes(100, 32)
    [32, 32, 32, 4]
    """
    steps = steps_per_epoch(n_samples, batch_size, validation_split, drop_remainder)
    n_train = training_samples(n_samples, validation_split)
    return [min(batch_size, n_train - k * batch_size) for k in range(steps)]


# One hatch pattern per batch index, so batches stay distinct in black and white.
_BATCH_HATCHES = ("", "///", "...", "xx", "\\\\\\", "++", "oo")


def _lighten(color: str, amount: float = 0.55) -> tuple[float, float, float]:
    """Blend `color` towards white, so black sample numbers stay readable on the fill."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def plot_batches(epochs: Any, ax: Any = None, title: str | None = None, gap: float = 0.4) -> Any:
    """Draw how samples fall into batches, one row per epoch.

    Each cell is one sample, labelled with its id, in the order it was fed. Cells of
    the same batch sit together (a gap separates batches) and share a colour and a
    hatch pattern (the k-th batch of every epoch looks the same); "step k" above each
    batch counts the steps across epochs. Readable in black and white. When every
    batch holds a single sample (batch size 1), all cells get one style: the gaps and
    step numbers already separate the batches, and a repeating style cycle would make
    unrelated samples look alike.

    Parameters
    ----------
    epochs : sequence of sequences of sequences of int
        ``epochs[e][b]`` holds the sample ids of batch ``b`` in epoch ``e``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when None.
    title : str, optional
        The axes title.
    gap : float
        Space between batches, in cell widths (>= 0).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If `epochs` is not a nesting of epochs > batches > integer sample ids, or `gap`
        is not a number.
    ValueError
        If `epochs` holds no epoch, an empty epoch or an empty batch, or `gap` is negative.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    def ids_of(batch: Any) -> list[int]:
        if isinstance(batch, (str, bytes)) or not hasattr(batch, "__iter__"):
            raise TypeError(f"epochs must hold batches that are sequences of sample ids, got {batch!r}")
        out = []
        for i in batch:
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
                raise TypeError(f"epochs must hold integer sample ids, got {i!r} of type {type(i).__name__}")
            out.append(int(i))
        if not out:
            raise ValueError("epochs must not contain an empty batch")
        return out

    if isinstance(epochs, (str, bytes)) or not hasattr(epochs, "__iter__"):
        raise TypeError(f"epochs must be a sequence of epochs, each a sequence of batches, got {type(epochs).__name__}")
    rows = []
    for epoch in epochs:
        if isinstance(epoch, (str, bytes)) or not hasattr(epoch, "__iter__"):
            raise TypeError(f"epochs must be a sequence of epochs, each a sequence of batches, got {epoch!r}")
        rows.append([ids_of(batch) for batch in epoch])
    if not rows or not all(rows):
        raise ValueError("epochs must hold at least one epoch, and every epoch at least one batch")
    if isinstance(gap, bool) or not isinstance(gap, (int, float, np.integer, np.floating)):
        raise TypeError(f"gap must be a number >= 0, got {gap!r} of type {type(gap).__name__}")
    if not gap >= 0:  # also rejects NaN
        raise ValueError(f"gap must be a number >= 0, got {gap!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 0.8 + 0.7 * len(rows)))

    n_cells = max(sum(len(b) for b in row) for row in rows)
    n_batches = max(len(row) for row in rows)
    width = n_cells + gap * (n_batches - 1)
    font = 9 if n_cells <= 16 else 7
    one_style = all(len(batch) == 1 for row in rows for batch in row)  # batch size 1: no style cycle
    step = 0
    for e, row in enumerate(rows):
        y = -1.6 * e
        x = 0.0
        for b, batch in enumerate(row):
            step += 1
            style = 0 if one_style else b
            color = COLORS[style % len(COLORS)]
            for k, sample in enumerate(batch):
                ax.add_patch(Rectangle((x + k, y), 1, 1, facecolor=_lighten(color), edgecolor="0.25",
                                       hatch=_BATCH_HATCHES[style % len(_BATCH_HATCHES)], linewidth=0.8))
                ax.text(x + k + 0.5, y + 0.5, str(sample), ha="center", va="center", fontsize=font,
                        fontweight="bold", bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
            label = f"step {step}" if len(batch) >= 2 else str(step)  # lone cells: just the number
            ax.text(x + len(batch) / 2, y + 1.1, label, ha="center", va="bottom", fontsize=font - 1)
            x += len(batch) + gap
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(-1.6 * (len(rows) - 1) - 0.2, 1.6)
    ax.set_yticks([-1.6 * e + 0.5 for e in range(len(rows))], [f"epoch {e + 1}" for e in range(len(rows))])
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("samples in the order they were fed (number = sample id)")
    if title is not None:
        ax.set_title(title)
    return ax


def _whole_number_answer(answer: Any) -> int:
    """Return a numeric answer as an int, or raise ValueError if it is not a whole number."""
    value = _as_number(answer)
    if value != int(value):
        raise ValueError("not a whole number")
    return int(value)


@exercise("01.1", expects="a whole number (steps per epoch)")
def _check_01_1(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == steps_per_epoch(2100, 10, validation_split=0.1):
        return None
    if value == steps_per_epoch(2100, 10):
        return "that counts all 2100 samples; validation_split=0.1 holds some out before batching."
    if value != int(value):
        return "steps are whole numbers: a partial last batch still counts as one step."
    return "first work out how many samples Keras trains on, then divide by the batch size and round up."


@exercise("01.2", expects="a whole number (samples in the last batch)")
def _check_01_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == batch_sizes(2100, 64)[-1]:
        return None
    if value == 64:
        return "64 does not divide 2100, so the last batch is not full."
    if value != int(value):
        return "a batch holds a whole number of samples."
    if value == steps_per_epoch(2100, 64):
        return "that is the number of steps; the question asks how many samples the last batch holds."
    return "the full batches take 64 samples each; the last batch gets what is left of the 2100."


@exercise("01.3", expects="a whole number (a batch size)")
def _check_01_3(answer: Any) -> str | None:
    try:
        size = _whole_number_answer(answer)
    except ValueError:
        return "a batch size is a whole number of samples."
    if size < 1:
        return "a batch size is at least 1."
    if steps_per_epoch(1000, size, validation_split=0.2) == 50:
        return None
    if steps_per_epoch(1000, size) == 50:
        return "that gives 50 steps on all 1000 samples; validation_split=0.2 holds some of them out."
    if steps_per_epoch(1000, size, validation_split=0.2) > 50:
        return "that batch size is too small: it gives more than 50 steps."
    return "that batch size is too large: it gives fewer than 50 steps."


@exercise("01.4", expects="a whole number (updates in total)")
def _check_01_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == 5 * steps_per_epoch(1000, 64):
        return None
    if value == 5 * (1000 // 64):
        return "the partial last batch of every epoch is an update too."
    if value != int(value):
        return "updates are whole numbers: each batch, full or partial, is one update."
    return "count the steps in one epoch (round up), then multiply by the number of epochs."


# ---------------------------------------------------------------------------
# Notebook 02: batch size trade-offs
# ---------------------------------------------------------------------------

def epoch_timer():
    """Return a Keras callback that records the wall-clock seconds of every epoch of ``fit()``.

    Timing inside ``fit()`` (from the start to the end of each epoch) leaves out the
    one-off cost of the ``fit()`` call itself; the durations are in the callback's
    ``.seconds`` list, one per epoch.
    """
    import time

    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seconds: list[float] = []
            self._start = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def log_log_slope(x: Any, y: Any) -> float:
    """Return the slope of the least-squares line through ``(log x, log y)``.

    A power law ``y = c * x**k`` has slope ``k`` on a log-log plot.

    Raises
    ------
    ValueError
        If `x` and `y` differ in length, have fewer than two points, or hold a value <= 0.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D and of the same length, got shapes {x.shape} and {y.shape}")
    if len(x) < 2 or len(np.unique(x)) < 2:
        raise ValueError(f"x needs at least two different values, got {x.tolist()}")
    if np.any(x <= 0) or np.any(y <= 0) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite and > 0 (their logarithms are taken)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def _nb02_layer_bytes(layer_sizes: list[int], optimizer_slots: int) -> tuple[int, int]:
    """(fixed bytes, bytes per sample) of one float32 training step of an MLP: the answer key of 02.1."""
    n_params = sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    return (2 + optimizer_slots) * n_params * 4, 2 * sum(layer_sizes) * 4


@exercise("02.1", expects="a whole number (the largest batch size that fits)")
def _check_02_1(answer: Any) -> str | None:
    fixed, per_sample = _nb02_layer_bytes([64, 512, 512, 10], optimizer_slots=2)
    expected = (8 * 2**20 - fixed) // per_sample
    value = _as_number(answer)
    if value != int(value):
        return "a batch size is a whole number: round down, since a partial sample does not fit."
    if value == (8 * 2**20) // per_sample or value == (8 * 2**20 - fixed // 2) // per_sample:
        return "the fixed part is weights + their gradients + Adam's two slots: four copies of the parameters."
    if value == expected + 1:
        return "round down, not up: one more sample would not fit in the budget."
    if value > 0 and value < expected and value == 2 ** int(np.log2(value)) and 2 * value > expected:
        return "that is rounded down to a power of two; the exercise asks for the exact largest batch."
    return hint_for_number(value, expected, "subtract the fixed part (weights, gradients, optimizer slots) from the "
                                            "budget, then divide by the bytes per sample and round down.")


@exercise("02.2", expects="a number (variance at B = 256 divided by variance at B = 512)")
def _check_02_2(answer: Any) -> str | None:
    n = 1024
    correction = {b: (n - b) / (n - 1) for b in (256, 512)}
    expected = (512 / 256) * correction[256] / correction[512]
    value = _as_number(answer)
    if abs(value - 2) < 1e-6:
        return "that is 1/B alone; the finite-population correction (N - B) / (N - 1) changes too between the two."
    if abs(value - correction[256] / correction[512]) < 1e-6:
        return "that is the correction alone; combine it with the 1/B part."
    if value > 0 and abs(value - 1 / expected) < 1e-6:
        return "the ratio is the other way round: the variance at 256 divided by the variance at 512."
    if abs(value - 2 * correction[512] / correction[256]) < 1e-6:
        return "the correction multiplies the variance, so a smaller correction at B = 512 makes its variance smaller."
    return hint_for_number(value, expected, "variance is proportional to (1/B) x (N - B) / (N - 1): "
                                            "divide its value at B = 256 by its value at B = 512.")


@exercise("02.3", expects="a number (the predicted variance)")
def _check_02_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.36 / 2) < 1e-9:
        return "the variance falls like 1/B, not like 1/sqrt(B) (that is the standard deviation)."
    if abs(value - 0.36 * 4) < 1e-9:
        return "a larger batch averages more samples, so the variance goes down, not up."
    return hint_for_number(value, 0.36 / 4, "variance is proportional to 1/B: how much smaller is 1/B at 4x the batch?")


@exercise("02.4", expects="a number (the learning rate)")
def _check_02_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.05) < 1e-12:
        return "the rule changes the learning rate when the batch changes."
    if abs(value - 0.05 * 8**0.5) < 1e-6:
        return "that is square-root scaling; the linear rule multiplies by the same factor as the batch."
    return hint_for_number(value, 0.05 * 256 / 32, "by what factor did the batch grow? Multiply the learning rate by it.")


# ---------------------------------------------------------------------------
# Notebook 03: feature scaling
# ---------------------------------------------------------------------------

USED_CARS_FILE = "used_cars.csv"
#: The used-car table's columns, in file order (units: miles, years, litres, US dollars).
USED_CARS_COLUMNS = ("miles_driven", "age_years", "engine_litres", "price_usd")


def load_used_cars(path: str | os.PathLike | None = None):
    """Load the course's used-car table (``data/used_cars.csv``) as a pandas DataFrame.

    Works from any working directory: the default path is built from `DATA_DIR`,
    which is anchored at this file, not at the current directory.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Another CSV with the same columns; default ``DATA_DIR / "used_cars.csv"``.

    Returns
    -------
    pandas.DataFrame
        One row per car, columns `USED_CARS_COLUMNS`, all numeric, no missing values.

    Raises
    ------
    TypeError
        If `path` is not a str, os.PathLike or None.
    FileNotFoundError
        If the file is absent (the message names it and how to regenerate it).
    ValueError
        If the file is malformed: empty, wrong columns, or a value that is missing
        or not a number (the message names the file, the column and the line).
    """
    import pandas as pd

    if path is None:
        path = DATA_DIR / USED_CARS_FILE
    elif isinstance(path, (str, os.PathLike)):
        path = Path(path)
    else:
        raise TypeError(f"path must be a str, os.PathLike or None, got {type(path).__name__}")
    if not path.is_file():
        raise FileNotFoundError(
            f"used-car data file not found: {path} "
            f"(regenerate it with: python data/make_used_cars.py)"
        )
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a readable used-car CSV file: {exc}") from exc
    if tuple(table.columns) != USED_CARS_COLUMNS:
        raise ValueError(
            f"{path} has columns {list(table.columns)}, expected {list(USED_CARS_COLUMNS)}"
        )
    if len(table) == 0:
        raise ValueError(f"{path} has a header but no rows")
    for column in USED_CARS_COLUMNS:
        numbers = pd.to_numeric(table[column].str.strip(), errors="coerce")
        bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype=float))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{path}, line {row + 2}: column {column!r} holds {table[column].iloc[row]!r}, expected a number"
            )
        table[column] = numbers
    return table


@exercise("03.1", expects="a number (the scaled value of the 55,000-mile car)")
def _check_03_1(answer: Any) -> str | None:
    # min 5,000, max 205,000 miles, feature_range (-1, 1): 55,000 miles is a quarter of the way up.
    return hint_for_number(
        answer, -0.5,
        "first find the fraction of the way from the minimum to the maximum, then map 0..1 onto -1..1.",
        wrong={
            0.25: "that is the value for the default range 0..1; stretch it onto -1..1.",
            0.5: "check the sign: the car is below the middle of the training range.",
        },
    )


@exercise("03.2", expects="a number (the car's age in years)")
def _check_03_2(answer: Any) -> str | None:
    # mean 7.5 years, std 2.5 years, standardized age -1.2.
    return hint_for_number(
        answer, 4.5,
        "invert z = (age - mean) / std: multiply by the standard deviation, then add the mean.",
        wrong={
            10.5: "check the sign: a negative standardized value is below the mean.",
            -3.48: "that standardizes the number again; go the other way (inverse_transform).",
            -3.0: "that is only the distance from the mean, in years; add the mean back.",
        },
    )


@exercise("03.3", expects="a number (the standardized miles of the 110,000-mile car)")
def _check_03_3(answer: Any) -> str | None:
    # training mean 60,000 and std 20,000; the batch [100,000, 110,000, 120,000] must use them.
    return hint_for_number(
        answer, 2.5,
        "subtract the training mean and divide by the training standard deviation.",
        wrong={
            0.0: "that is what fit_transform on the new batch would give: it uses the batch's own mean. "
                 "Use the training statistics.",
            -2.5: "check the sign: the car has driven more than the average training car.",
        },
    )


@exercise("03.4", expects="a number (the learning-rate limit that gradient descent must stay below)")
def _check_03_4(answer: Any) -> str | None:
    # largest Hessian eigenvalue L = 4.0; gradient descent on a quadratic converges for lr < 2 / L.
    return hint_for_number(
        answer, 0.5,
        "along the steepest direction one step multiplies the distance to the minimum by (1 - lr * L); "
        "it must stay between -1 and 1.",
        wrong={
            0.25: "1 / L converges, but so do larger rates; how far can a step overshoot and still shrink?",
            2.0: "the limit gets smaller, not larger, when the surface is steeper.",
            8.0: "the limit gets smaller, not larger, when the surface is steeper.",
        },
    )


# ---------------------------------------------------------------------------
# Notebook 04: why batch normalization
# ---------------------------------------------------------------------------

@exercise("04.1", expects="a tuple (row, column) of two whole numbers, such as (0, 0)")
def _check_04_1(answer: Any) -> str | None:
    if isinstance(answer, (str, bytes)) or len(answer) != 2:
        return "Give two numbers in parentheses: (row, column)."
    row, col = (_as_number(v) for v in answer)
    if not (row.is_integer() and col.is_integer()):
        return "Indices are whole numbers."
    if (row, col) == (1, 4):
        return None
    if (row, col) == (2, 5):
        return "Those are the note's numbers, counted from 1. Where does NumPy start counting?"
    if (row, col) == (4, 1):
        return "Rows of a Dense kernel are the inputs, columns the units; the order is (input, unit)."
    return "Start from the note's (input, unit) pair and convert each position to 0-based counting."


@exercise("04.2", expects="a number (the std of unit 4's BN output)")
def _check_04_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 1.0) <= 0.01:
        return None
    if value > 2.0:
        return ("That looks like the scale before BN. Measure the std of the BN layer's output "
                "(the second output of bn_net), column 3.")
    return "Call bn_net(x_batch, training=True), take the BN layer's output for unit 4 (column 3) and its std."


@exercise("04.3", expects="a whole number of steps")
def _check_04_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if 0 < value < 1:
        return "The question asks for a number of steps, not for the share that is left."
    if not value.is_integer():
        return "Steps come in whole numbers: round up to the first step at which the share is below 1%."
    steps = int(value)
    if steps == 459:
        return None
    if steps == 458:
        return "After that many steps the share is still just above 1%; take one step more."
    if steps == 44:
        return "That is the answer for momentum 0.9; use Keras's default, 0.99."
    if steps == 100:
        return "After 100 steps a share of 0.99**100 is left, far above 1%. Keep going."
    return "After n steps a share of 0.99**n is left; find the smallest n for which it is below 0.01 (logarithms help)."


@exercise("04.4", expects="a weight standard deviation, such as 0.5")
def _check_04_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.1) <= 0.005:
        return None
    if abs(value - 0.01) <= 0.0005:
        return ("That divides by the number of inputs. The VARIANCE of a sum of 100 independent terms grows "
                "100 times, so the standard deviation grows by the square root of 100.")
    if value <= 0:
        return "A standard deviation is a positive number."
    return ("The tanh input's variance is 100 x (weight std)**2 x (input variance 1). "
            "Set it to 1 and solve for the weight std.")


# ---------------------------------------------------------------------------
# Notebook 05: batch normalization from scratch
# ---------------------------------------------------------------------------

def _three_counts(answer: Any) -> tuple[int, int, int]:
    """Return `answer` as a tuple of three whole numbers; raise TypeError for anything else."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise TypeError(f"expected a tuple of three integers, got {type(answer).__name__}")
    counts = tuple(_as_number(value) for value in answer)
    if any(count != int(count) for count in counts):
        raise TypeError("expected whole numbers (counts)")
    return tuple(int(count) for count in counts)


@exercise("05.1", expects="a number (the moving mean after 100 steps)")
def _check_05_1(answer: Any) -> str | None:
    value = _as_number(answer)
    expected = 5.0 * (1.0 - 0.99**100)
    if abs(value - 5.0) < 1e-6:
        return "the moving mean does not jump to the batch mean: each step moves it only 1% of the remaining way."
    if abs(value - 5.0 * 0.99**100) < 1e-3:
        return "that is the part of the distance still left to go; the moving mean has covered the rest."
    return hint_for_number(value, expected, "apply moving = moving * 0.99 + 5.0 * 0.01 a hundred times, "
                                            "starting from 0 (a loop, or a closed form in 0.99**100).", rel_tol=1e-4)


@exercise("05.2", expects="a number (the layer's output at inference)")
def _check_05_2(answer: Any) -> str | None:
    value = _as_number(answer)
    expected = 2.0 * (10.0 - 4.0) / np.sqrt(9.0 + 1e-3) + 1.0
    if abs(value - 5.0) < 1e-9:
        return "close, but Keras adds epsilon = 1e-3 to the variance inside the square root."
    if abs(value - (expected - 1.0)) < 1e-6 or abs(value - ((10.0 - 4.0) / np.sqrt(9.0 + 1e-3) + 1.0)) < 1e-6:
        return "after standardizing with the moving statistics, scale by gamma and then add beta."
    if hint_for_number(value, expected, "wrong", rel_tol=1e-5) is None:
        return None
    if abs(value - expected) < 1e-3:
        return "very close: give at least five significant digits (rounded, not cut off), or the unrounded value."
    return "at inference the layer uses moving_mean and moving_variance, not statistics of the input."


@exercise("05.3", expects="a tuple of three integers (numbers_per_statistic, trainable, non_trainable)")
def _check_05_3(answer: Any) -> str | None:
    per_statistic, trainable, non_trainable = _three_counts(answer)
    batch, size, channels = 8, 32, 16
    if per_statistic != batch * size * size:
        if per_statistic == batch * size * size * channels:
            return "each channel has its own mean and variance: count only the numbers of one channel."
        if per_statistic == size * size:
            return "a channel's mean is taken over the whole batch, not over one image."
        if per_statistic == batch:
            return "with images, BN averages over every pixel position as well as over the batch."
        return "a channel's statistics use that channel's value at every pixel of every image in the batch."
    if trainable != 2 * channels:
        if trainable == 4 * channels:
            return "the moving mean and variance are updated by the layer itself, not by gradient descent."
        return "gamma and beta are the trainable variables; how many numbers does each hold after a 16-channel layer?"
    if non_trainable != 2 * channels:
        return "moving_mean and moving_variance are the non-trainable variables; each holds one number per channel."
    return None


@exercise("05.4", expects="a number (the variance the paper uses at inference)")
def _check_05_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 2.1) < 1e-9:
        return "that is what Keras keeps; the paper corrects the average of biased batch variances first."
    if abs(value - 2.1 * 7 / 8) < 1e-9:
        return "the correction makes the variance larger, not smaller: the biased variance underestimates."
    return hint_for_number(value, 2.1 * 8 / 7, "multiply by m / (m - 1) with m the batch size.", rel_tol=1e-6)


# ---------------------------------------------------------------------------
# Notebook 06: with and without batch normalization
# ---------------------------------------------------------------------------

def plot_mean_band(x: Any, runs: Any, label: str, ax: Any = None, band: str = "minmax", **line_kwargs: Any) -> Any:
    """Plot the mean of several runs as a line, with a shaded band around it.

    Parameters
    ----------
    x : array-like, shape (n_points,)
        The x values shared by every run (for example epochs 1, 2, ...).
    runs : array-like, shape (n_runs, n_points)
        One row per run (for example one row per seed).
    label : str
        Legend label of the mean line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    band : {"minmax", "std"}
        The band spans the lowest to the highest run ("minmax") or the mean +- one standard deviation ("std").
    **line_kwargs
        Passed to ``ax.plot`` for the mean line (for example a colour, line style and marker); the band
        takes the line's colour.

    Returns
    -------
    matplotlib Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If `label` is not a string.
    ValueError
        If `runs` is not 2-D with one column per x value, or `band` is unknown.
    """
    import matplotlib.pyplot as plt

    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    if band not in ("minmax", "std"):
        raise ValueError(f"band must be 'minmax' or 'std', got {band!r}")
    x = np.asarray(x, dtype=float)
    runs = np.asarray(runs, dtype=float)
    if x.ndim != 1 or runs.ndim != 2 or runs.shape[1] != x.size or runs.shape[0] < 1:
        raise ValueError(f"runs must have shape (n_runs, {x.size}) to match x of shape {x.shape}, got {runs.shape}")
    if ax is None:
        _, ax = plt.subplots()
    mean = runs.mean(axis=0)
    if band == "minmax":
        low, high = runs.min(axis=0), runs.max(axis=0)
    else:
        low, high = mean - runs.std(axis=0), mean + runs.std(axis=0)
    (line,) = ax.plot(x, mean, label=label, **line_kwargs)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    return ax


@exercise("06.1", expects="a whole number (a count of parameters)")
def _check_06_1(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == 4 * 4 * 64:
        return "the BN model also drops the bias of each Dense layer before BN: subtract those."
    if value in (4 * 64, 4 * 2 * 64):
        return "count the moving mean and moving variance too: they are weights, just not trainable ones."
    return hint_for_number(value, 4 * (4 * 64 - 64), "list the weights one BN layer holds (`layer.weights` shows "
                           "them), then look at what changes in the Dense layer in front of it.")


@exercise("06.2", expects="a number (the normalized value of 3)")
def _check_06_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 1.0) < 1e-2:
        return "check the sign: 3 is the smaller of the two numbers."
    if abs(value) < 1e-3:
        return "zero is the mean of the two normalized values, not the value for 3."
    return hint_for_number(value, -1.0, "subtract the batch mean, then divide by the batch standard deviation "
                           "(the biased one, which divides by the batch size).", rel_tol=1e-2)


@exercise("06.3", expects="a number (an accuracy difference, between -1 and 1)")
def _check_06_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if not -1 <= value <= 1:
        return "accuracies lie between 0 and 1, so their difference lies between -1 and 1."
    if -0.16 < value <= -0.03:
        return "check the order of the subtraction: momentum 0.9's mean minus momentum 0.99's mean."
    if abs(value) < 0.03:
        return ("almost no difference: did the new runs really use momentum=0.99, and do you compare the "
                "accuracy after the first epoch for the same three seeds?")
    if 0.03 <= value < 0.16:
        return None
    return "compare the accuracy after the first epoch (index 0), averaged over the same three seeds."
