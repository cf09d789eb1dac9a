"""Plumbing shared by the course notebooks: seeding, quiet start-up, plot style, exercise checks.

The idea each lesson teaches lives in its notebook; this module only hides the
plumbing around it. Every notebook starts with one call::

    import helpers
    helpers.setup(seed=42)   # before `import keras`

Sections, one per notebook, keep the helpers each lesson needs together.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

# Moved into the package course/ (issue 21), re-exported here so that every `helpers.NAME` keeps working
import course.exercises  # noqa: F401  (importing it registers every notebook's checkers)
from course.batch_counts import _check_whole_number, batch_sizes, steps_per_epoch, training_samples
from course.checks import Exercise, check, exercise, exercise_ids, hint_for_number, is_correct
from course.environment import pinned_requirements, requirement_mismatches
from course.palette import COLORS, LINESTYLES, MARKERS
from course.startup import _stderr_silenced, import_keras_quietly

PROJECT_ROOT = Path(__file__).resolve().parent
DATA_DIR = PROJECT_ROOT / "data"

#: Environment variable that overrides the seed of every notebook (``COURSE_SEED=7 make execute``).
SEED_ENV_VAR = "COURSE_SEED"


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


def _validate_logical_cpus(logical_cpus: Any) -> int | None:
    """Return `logical_cpus` as an int (or None), or raise a clear error naming it."""
    if logical_cpus is None:
        return None
    if isinstance(logical_cpus, bool) or not isinstance(logical_cpus, (int, np.integer)):
        raise TypeError(f"logical_cpus must be None or a whole number (int) from 1 to 64, "
                        f"got {logical_cpus!r} of type {type(logical_cpus).__name__}")
    if not 1 <= logical_cpus <= 64:
        raise ValueError(f"logical_cpus must be from 1 to 64, got {logical_cpus}")
    return int(logical_cpus)


def _split_cpu(n_devices: int) -> None:
    """Split the first physical CPU into `n_devices` logical TensorFlow devices (quietly, idempotent)."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n_devices:
        return  # already split this way (the setup cell was run again)
    try:
        with _stderr_silenced():
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n_devices)
    except RuntimeError:  # TensorFlow has already initialized its devices in this process
        have = len(tf.config.list_logical_devices("CPU"))
        if have != n_devices:
            raise RuntimeError(f"logical_cpus={n_devices}: TensorFlow already set up {have} CPU device(s) in "
                               "this process, and devices can only be split before TensorFlow first uses them. "
                               "Restart the kernel and call helpers.setup(..., logical_cpus=...) first.") from None


def setup(seed: int = 42, logical_cpus: int | None = None) -> int:
    """Prepare a notebook: seed every random generator, quiet TensorFlow, set the plot style.

    Call it once, in the notebook's setup cell, before ``import keras``.

    Parameters
    ----------
    seed : int
        Seed from 0 to 2**32 - 1. The environment variable ``COURSE_SEED``
        overrides it, so the whole course can be rerun under another seed.
    logical_cpus : int or None
        None (the default) leaves TensorFlow's devices alone. An int from 1 to 64
        splits the CPU into that many logical devices, ``/cpu:0``, ``/cpu:1``, ...
        (``tf.config.set_logical_device_configuration``), so that a
        ``tf.distribute`` strategy can train on several "devices" of one CPU.
        This must happen before TensorFlow first uses its devices, so call
        setup first; calling it again with the same number is harmless.

    Returns
    -------
    int
        The seed in use, so a notebook can print it.

    Raises
    ------
    TypeError, ValueError
        If the seed (argument or ``COURSE_SEED``) is not a whole number in range,
        or `logical_cpus` is not None or a whole number from 1 to 64.
    RuntimeError
        If `logical_cpus` asks for another split after TensorFlow has already set
        up its devices in this process (restart the kernel).
    """
    seed = resolve_seed(seed)
    logical_cpus = _validate_logical_cpus(logical_cpus)
    keras = import_keras_quietly()
    if logical_cpus is not None:
        _split_cpu(logical_cpus)
    # Seeds Python's `random`, NumPy and the TensorFlow backend in one call.
    keras.utils.set_random_seed(seed)
    random.seed(seed)
    np.random.seed(seed)

    import matplotlib as mpl

    mpl.rcParams.update(plot_style())
    np.set_printoptions(precision=4, suppress=True)
    return seed


# ---------------------------------------------------------------------------
# Notebook 01: batches, epochs and steps
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FedBatches:
    """What ``fit()`` fed, step by step: the result of `record_fed_batches`.

    Attributes
    ----------
    ids : list of list of list of int
        ``ids[e][k]`` holds the sample ids of step ``k`` of epoch ``e``, in the order fed.
    """

    ids: list[list[list[int]]]

    @property
    def sizes(self) -> list[list[int]]:
        """``sizes[e][k]``: the batch size of step ``k`` of epoch ``e``."""
        return [[len(batch) for batch in epoch] for epoch in self.ids]

    @property
    def orders(self) -> list[list[int]]:
        """``orders[e]``: every sample id fed in epoch ``e``, in order (the epoch's batches joined)."""
        return [[i for batch in epoch for i in batch] for epoch in self.ids]


def record_fed_batches(data: Any, *, epochs: int = 1, batch_size: int | None = None,
                       validation_split: float = 0.0, shuffle: bool = True,
                       steps_per_epoch: int | None = None) -> FedBatches:
    """Run a real ``fit()`` and record which samples it fed in every training step.

    The trick: the inputs are the sample ids themselves. A tiny model (a layer that
    writes down the ids it receives while training, then ``Dense(1)``) is trained with
    ``fit()`` in eager mode, so the recording runs at every step. Validation batches are
    not recorded (and not evaluated: only the split itself matters here). The arguments
    are passed to ``fit()`` unchanged, so Keras itself decides how to batch, split and
    shuffle.

    Parameters
    ----------
    data : int or tf.data.Dataset
        An int ``n`` >= 1: ``fit()`` gets the arrays of ids ``0 .. n-1`` (one feature per
        sample, dummy targets). A ``tf.data.Dataset``: a *batched* pipeline of integer sample
        ids (elements of shape ``(batch,)``), such as
        ``tf.data.Dataset.range(100).shuffle(100, seed=0).batch(32)``; the pipeline decides
        batching and shuffling itself.
    epochs : int
        Number of epochs, >= 1.
    batch_size : int, optional
        ``fit(batch_size=...)`` for an int `data` (None: Keras's default, 32). Must be None
        for a Dataset.
    validation_split : float
        ``fit(validation_split=...)``, 0 <= validation_split < 1, for an int `data` only.
    shuffle : bool
        ``fit(shuffle=...)``: whether Keras shuffles the arrays (ignored for a Dataset, as
        by Keras).
    steps_per_epoch : int, optional
        ``fit(steps_per_epoch=...)``: how many steps count as one epoch (None: one pass).

    Returns
    -------
    FedBatches
        ``.ids[e][k]``: sample ids of step ``k`` of epoch ``e``; ``.sizes``: the batch sizes;
        ``.orders``: each epoch's ids in the order fed.

    Raises
    ------
    TypeError
        If `data` is neither an int nor a ``tf.data.Dataset`` of batched integer ids, or an
        argument has the wrong type.
    ValueError
        If `data`, `epochs`, `batch_size` or `steps_per_epoch` is < 1, `validation_split` is
        outside [0, 1) or leaves no training or no validation sample, or `batch_size` /
        `validation_split` is given with a Dataset.

    Examples
    --------
    >>> record_fed_batches(100, batch_size=32, shuffle=False).sizes
    [[32, 32, 32, 4]]
    """
    import_keras_quietly()
    import keras
    import tensorflow as tf

    epochs = _check_whole_number(epochs, "epochs", 1)
    if steps_per_epoch is not None:
        steps_per_epoch = _check_whole_number(steps_per_epoch, "steps_per_epoch", 1)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    if isinstance(data, tf.data.Dataset):
        if batch_size is not None or validation_split != 0:
            raise ValueError("batch_size and validation_split must be left out when data is a tf.data.Dataset: "
                             "the pipeline batches itself, and Keras splits only arrays")
        spec = data.element_spec
        if not (isinstance(spec, tf.TensorSpec) and spec.dtype.is_integer and spec.shape.rank == 1):
            raise TypeError("data must be a batched tf.data.Dataset of integer sample ids (elements of shape "
                            f"(batch,), e.g. tf.data.Dataset.range(n).batch(b)), got elements {spec}")
        fit_data = data.map(lambda ids: (tf.cast(ids[:, None], "float32"), tf.zeros((tf.shape(ids)[0], 1))))
        fit_args: dict[str, Any] = {"x": fit_data, "shuffle": False}  # Keras ignores shuffle for a Dataset
    else:
        if isinstance(data, bool) or not isinstance(data, (int, np.integer)):
            raise TypeError("data must be a number of samples (int >= 1) or a tf.data.Dataset of sample ids, "
                            f"got {data!r} of type {type(data).__name__}")
        n = _check_whole_number(data, "data", 1)
        if batch_size is not None:
            batch_size = _check_whole_number(batch_size, "batch_size", 1)
        training_samples(n, validation_split)  # the same checks (and refusals) as Keras
        ids = np.arange(n, dtype="float32").reshape(n, 1)  # float32 holds whole numbers exactly up to 2**24
        fit_args = {"x": ids, "y": np.zeros((n, 1), dtype="float32"), "batch_size": batch_size,
                    "validation_split": validation_split, "shuffle": bool(shuffle)}
        if validation_split:
            fit_args["validation_freq"] = epochs + 1  # split as asked, but never spend time evaluating

    fed: list[list[list[int]]] = []

    class _Recorder(keras.layers.Layer):
        """Passes its input through; while training, appends the batch's sample ids to the current epoch."""

        def call(self, x, training=False):
            if training:  # validation and prediction call the layer with training=False
                fed[-1].append(np.rint(keras.ops.convert_to_numpy(x[:, 0])).astype(int).tolist())
            return x

    class _EpochStarts(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            fed.append([])

    model = keras.Sequential([keras.Input(shape=(1,)), _Recorder(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # eager: the recorder runs at every step
    model.fit(**fit_args, epochs=epochs, steps_per_epoch=steps_per_epoch, callbacks=[_EpochStarts()], verbose=0)
    return FedBatches(ids=fed)


# Consecutive batches alternate between two styles (colour and hatch), so each batch
# boundary is visible, in colour and in black and white, with the same rule in every row.
_BATCH_STYLES = ((COLORS[0], ""), (COLORS[1], "///"))


def _lighten(color: str, amount: float = 0.55) -> tuple[float, float, float]:
    """Blend `color` towards white, so black sample numbers stay readable on the fill."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def plot_batches(epochs: Any, ax: Any = None, title: str | None = None, gap: float = 0.4) -> Any:
    """Draw how samples fall into batches, one row per epoch.

    Each cell is one sample, labelled with its id, in the order it was fed. Cells of
    the same batch sit together (a gap separates batches) and share a style; within
    an epoch, consecutive batches alternate between two styles (blue plain, orange
    hatched), the same rule for every batch size, so the first batch of every epoch
    looks the same. "step k" above each batch counts the steps across epochs.
    Readable in black and white.

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
    step = 0
    for e, row in enumerate(rows):
        y = -1.6 * e
        x = 0.0
        for b, batch in enumerate(row):
            step += 1
            color, hatch = _BATCH_STYLES[b % 2]
            for k, sample in enumerate(batch):
                ax.add_patch(Rectangle((x + k, y), 1, 1, facecolor=_lighten(color), edgecolor="0.25",
                                       hatch=hatch, linewidth=0.8))
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


def seconds_per_update(model: Any, x: Any, y: Any, batch_size: int, updates: int = 32) -> float:
    """Return the wall-clock seconds of one training update of ``model.fit`` at `batch_size`.

    One ``fit()`` call trains `updates` updates on batches of `batch_size` samples (cycling
    through ``x`` if it holds too few) and times every update on its own. The first update,
    which traces the training step, is dropped; of the rest the fastest is returned (the
    minimum, as ``timeit`` does: other programs sharing the processor can only slow an update
    down). The model trains while it is timed.

    Raises
    ------
    ValueError
        If `batch_size` is not a whole number >= 1, `updates` not a whole number >= 2, or `x`
        and `y` differ in length.
    """
    import time

    import keras

    for name, value, least in (("batch_size", batch_size, 1), ("updates", updates, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must be non-empty and of the same length, got {len(x)} and {len(y)}")

    class UpdateTimer(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seconds: list[float] = []

        def on_train_batch_begin(self, batch, logs=None):
            self._start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    rows = np.arange(int(updates) * int(batch_size)) % len(x)
    timer = UpdateTimer()
    model.fit(np.asarray(x)[rows], np.asarray(y)[rows], batch_size=int(batch_size), epochs=1, shuffle=False,
              verbose=0, callbacks=[timer])
    return min(timer.seconds[1:])  # the first update traces the training step


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


def restart(model: Any, seed: int, learning_rate: float) -> None:
    """Reset a compiled Keras model in place: fresh initial weights, fresh optimizer state, a new learning rate.

    Lets one compiled model serve many experiments: tracing and compiling a new model's
    training step costs more than a short experiment. Afterwards the model is as if it had
    just been built with ``keras.utils.set_random_seed(seed)`` and compiled with the same
    optimizer at `learning_rate`.

    Parameters
    ----------
    model : keras.Model
        A built and compiled model (``model.compile(optimizer=...)`` has been called).
    seed : int
        Seed (>= 0) for drawing the new initial weights with each layer's own initializer.
    learning_rate : float
        The optimizer's new learning rate, finite and > 0.

    Raises
    ------
    TypeError
        If `model` is not a Keras model or `seed` is not a whole number.
    ValueError
        If the model is not compiled, its learning rate is a schedule, `seed` < 0, or
        `learning_rate` is not a finite number > 0.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.integer, np.floating)) \
            or not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate!r}")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not model.built:
        raise ValueError("model must be built and compiled with an optimizer (call model.compile first)")
    if isinstance(getattr(optimizer, "_learning_rate", None), keras.optimizers.schedules.LearningRateSchedule):
        raise ValueError("the model's optimizer uses a learning-rate schedule; restart() sets a fixed learning rate")
    keras.utils.set_random_seed(int(seed))
    model.set_weights(keras.models.clone_model(model).get_weights())  # same layers, weights drawn anew
    for variable in optimizer.variables:  # iteration count and any slots (momentum, Adam's moments)
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    optimizer.learning_rate.assign(float(learning_rate))


def loss_recorder(x: Any, y: Any, loss_fn: Callable[[Any, Any], Any], every: int = 1,
                  stop_at: float | None = None):
    """Return a Keras callback that records the loss on ``(x, y)`` as ``fit()`` trains.

    The loss is measured before the first update and after every `every`-th update, in
    inference mode, on the whole of `x`; the update counts are in the callback's ``.updates``
    list and the losses in ``.losses``. With `stop_at`, training stops at the first measured
    loss at or below it (``.reached`` is then True).

    Parameters
    ----------
    x, y : array-like
        The samples and labels to measure the loss on (usually the whole training set).
    loss_fn : callable
        ``loss_fn(y_true, y_pred)`` returning the mean loss, e.g. a ``keras.losses`` object.
    every : int
        Measure after every `every` updates (>= 1).
    stop_at : float, optional
        Stop training once the measured loss is at or below this value.

    Raises
    ------
    ValueError
        If `x` and `y` differ in length, `every` is not a whole number >= 1, or `stop_at` is not a number.
    TypeError
        If `loss_fn` is not callable.
    """
    import keras

    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must be non-empty and of the same length, got {len(x)} and {len(y)}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every must be a whole number >= 1, got {every!r}")
    if stop_at is not None and (isinstance(stop_at, bool) or not isinstance(stop_at, (int, float, np.number))):
        raise ValueError(f"stop_at must be a number or None, got {stop_at!r}")

    class LossRecorder(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.updates: list[int] = []
            self.losses: list[float] = []
            self.reached = False
            self._count = 0

        def _measure(self) -> None:
            loss = float(loss_fn(y, self.model.predict_on_batch(x)))
            self.updates.append(self._count)
            self.losses.append(loss)
            if stop_at is not None and loss <= stop_at:
                self.reached = True
                self.model.stop_training = True

        def on_train_begin(self, logs=None):
            if not self.updates:
                self._measure()

        def on_train_batch_end(self, batch, logs=None):
            self._count += 1
            if self._count % every == 0 and not self.reached:
                self._measure()

    return LossRecorder()


def plot_loglog(x: Any, measured: dict[str, Any], reference: dict[str, Any] | None = None, *,
                xlabel: str, ylabel: str, title: str, ax: Any = None) -> Any:
    """Plot measured curves and gray reference lines against `x` on log-log axes; return the Axes.

    Parameters
    ----------
    x : array-like
        The common x values (> 0), e.g. batch sizes.
    measured : dict
        Label -> y values (> 0) of each measured curve, drawn in the course's colours with markers.
    reference : dict, optional
        Label -> y values of each prediction, drawn as gray dashed, dotted, ... lines without markers.
    xlabel, ylabel, title : str
        Axis labels (with units) and the figure's message.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Raises
    ------
    ValueError
        If `measured` is empty, or a curve's length differs from `x`, or a value is <= 0.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    x = np.asarray(x, dtype=float)
    if not measured:
        raise ValueError("measured must hold at least one curve (label -> y values)")
    curves = list(measured.items()) + list((reference or {}).items())
    for label, y in curves:
        y = np.asarray(y, dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has {y.size} values, x has {x.size}")
        if np.any(y <= 0) or np.any(x <= 0):
            raise ValueError(f"log-log axes need values > 0 (curve {label!r})")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    for label, y in measured.items():
        ax.plot(x, y, label=label)
    for (label, y), style in zip((reference or {}).items(), ("--", ":", "-.")):
        ax.plot(x, y, color="gray", linestyle=style, marker="", label=label)
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")  # 1,000 rather than 10^3
    for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        if np.log10(high / low) < 2.5:  # few decades: label 1, 2, 5, 10, 20, 50, ...
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(plain)
        axis.set_minor_formatter(NullFormatter())
    ax.legend()
    return ax


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


def plot_loss_contours(X: Any, y: Any, path: Any, ax: Any = None, n_levels: int = 3,
                       show_steps: int | None = None) -> Any:
    """Contours of the mean squared error of ``y ~ X @ w`` (two weights) and a gradient-descent path.

    Draws `n_levels` loss contours around the minimum, the outermost just inside the path's start, each
    labelled once with its MSE (horizontal
    text, placed inside the axes and as far from the path as possible), the path as dots joined
    by a line, and the minimum as a star. The window is fitted to the path and the minimum.

    Parameters
    ----------
    X : array of shape (n, 2)
        Inputs of a two-weight linear model without bias (centred data).
    y : array of shape (n,)
        Targets.
    path : array of shape (steps + 1, 2)
        Weights after each step, starting point first.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes if None.
    n_levels : int
        Number of contours (1 to 8), spaced geometrically each twice as wide as the one inside it.
    show_steps : int, optional
        Draw only the first `show_steps` steps of the path (all if None).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If `X`, `y` or `path` have the wrong shapes, or `n_levels` or `show_steps` is out of range.
    """
    import matplotlib.pyplot as plt

    X, y, path = (np.asarray(a, dtype=float) for a in (X, y, path))
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if path.ndim != 2 or path.shape[1] != 2 or len(path) < 1:
        raise ValueError(f"path must have shape (steps + 1, 2), got {path.shape}")
    if isinstance(n_levels, bool) or not isinstance(n_levels, (int, np.integer)) or not 1 <= n_levels <= 8:
        raise ValueError(f"n_levels must be a whole number from 1 to 8, got {n_levels!r}")
    if show_steps is not None:
        if isinstance(show_steps, bool) or not isinstance(show_steps, (int, np.integer)) or show_steps < 1:
            raise ValueError(f"show_steps must be a positive whole number or None, got {show_steps!r}")
        path = path[: show_steps + 1]
    if ax is None:
        ax = plt.figure().add_subplot()
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    hessian = 2 / len(X) * X.T @ X
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    loss_min = np.mean((X @ best - y) ** 2)
    loss_start = np.mean((X @ path[0] - y) ** 2)
    corners = np.vstack([path, best])
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = np.maximum(high - low, 1e-12)
    low, high = low - 0.15 * span, high + 0.15 * span
    grid = [np.linspace(low[i], high[i], 201) for i in range(2)]
    g1, g2 = np.meshgrid(*grid)
    points = np.column_stack([g1.ravel(), g2.ravel()])
    loss = np.mean((points @ X.T - y) ** 2, axis=1).reshape(g1.shape)
    # The outermost contour lies just inside the start (80% of its loss gap); each is twice as wide as the next.
    gaps = 0.8 * 0.25 ** np.arange(n_levels)[::-1] * (loss_start - loss_min)
    levels = loss_min + gaps
    shades = plt.get_cmap("viridis")(np.linspace(0, 0.7, n_levels))
    ax.contour(g1, g2, loss, levels=levels, colors=shades, linewidths=1.2)
    # One horizontal label per contour: the point of its ellipse inside the window that is farthest from the path.
    theta = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    scale = high - low
    inner_low, inner_high = low + 0.1 * scale, high - 0.1 * scale
    avoid = np.vstack([path, best])  # labels keep clear of the path, the minimum and each other
    for level, shade in zip(levels, shades):
        radii = np.sqrt(2 * (level - loss_min) / eigenvalues)
        ring = best + (np.cos(theta)[:, None] * radii[0] * eigenvectors[:, 0]
                       + np.sin(theta)[:, None] * radii[1] * eigenvectors[:, 1])
        inside = np.all((ring > inner_low) & (ring < inner_high), axis=1)
        if not inside.any():
            continue
        ring = ring[inside]
        distance = np.min(np.linalg.norm(((ring[:, None, :] - avoid[None, :, :]) / scale), axis=2), axis=1)
        spot = ring[np.argmax(distance)]
        avoid = np.vstack([avoid, spot])
        ax.text(*spot, f"{level:.3g}", fontsize=8, color="black", ha="center", va="center",
                bbox=dict(facecolor="white", edgecolor=shade, boxstyle="round,pad=0.2"), zorder=4)
    thin = len(path) > 40  # a long path is drawn finer, so its bounces stay apart
    ax.plot(path[:, 0], path[:, 1], color="black", marker="o", markersize=2 if thin else 3, linestyle="-",
            linewidth=0.5 if thin else 1, label="gradient descent", zorder=5)
    ax.plot(*best, marker="*", markersize=16, color=COLORS[1], linestyle="none", label="minimum", zorder=6)
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    return ax


def plot_columns(table: Any, units: dict[str, str], axes: Any = None) -> Any:
    """One histogram per column of `table`, each on its own axis, labelled with its unit.

    Parameters
    ----------
    table : pandas.DataFrame
        Numeric columns, at most as many as `axes` (four for the default 2 x 2 grid).
    units : dict
        Column name -> unit, used in the x-axis label; every column needs one.
    axes : array of matplotlib Axes, optional
        Where to draw; a new 2 x 2 grid if None.

    Returns
    -------
    array of matplotlib Axes

    Raises
    ------
    ValueError
        If a column has no unit in `units`, or there are more columns than axes.
    """
    import matplotlib.pyplot as plt

    missing = [column for column in table.columns if column not in units]
    if missing:
        raise ValueError(f"units must name a unit for every column; missing: {missing}")
    if axes is None:
        axes = plt.subplots(2, 2, figsize=(7.2, 5.6))[1]
    flat = np.ravel(axes)
    if len(table.columns) > len(flat):
        raise ValueError(f"axes has {len(flat)} axes for {len(table.columns)} columns")
    for ax, column in zip(flat, table.columns):
        ax.hist(table[column], bins=30, color=COLORS[0], edgecolor="white")
        ax.set(xlabel=f"{column} ({units[column]})", title=column)
        ax.locator_params(axis="x", nbins=5)
        ax.xaxis.set_major_formatter("{x:,.0f}" if table[column].max() > 1000 else "{x:g}")
    for ax in np.atleast_2d(axes)[:, 0]:
        ax.set_ylabel("number of cars")
    return axes


def build_mlp(seed: int, learning_rate: float = 0.01, optimizer: str = "sgd") -> Any:
    """Notebook 03's small regression network (3 inputs, 16 ReLUs, 1 output), compiled with MSE loss.

    Parameters
    ----------
    seed : int
        Fixes the starting weights (``keras.utils.set_random_seed``).
    learning_rate : float
        Positive.
    optimizer : {"sgd", "adam"}
        Plain SGD or Adam.

    Returns
    -------
    keras.Sequential

    Raises
    ------
    ValueError
        If `optimizer` is not "sgd" or "adam", or `learning_rate` is not a positive number.
    """
    keras = import_keras_quietly()
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    make = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}[optimizer]
    model.compile(optimizer=make(learning_rate=learning_rate), loss="mse")
    return model


def validation_curve(model: Any, inputs: tuple[Any, Any], y_train: Any, y_val: Any, epochs: int = 12) -> np.ndarray:
    """Train `model` (batch 32, quietly) on ``inputs = (x_train, x_val)``; return the validation MSE per epoch.

    Raises
    ------
    ValueError
        If `inputs` is not a pair of arrays, or `epochs` is not a positive whole number.
    """
    if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
        raise ValueError("inputs must be a pair (x_train, x_val)")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive whole number, got {epochs!r}")
    history = model.fit(inputs[0], y_train, validation_data=(inputs[1], y_val),
                        epochs=epochs, batch_size=32, verbose=0)
    return np.array(history.history["val_loss"])


def verdict(val_mse: float, baseline: float) -> str:
    """A robust summary of a validation MSE: 'diverged' if not finite or 100x worse than `baseline`, else 2 digits.

    Raises
    ------
    ValueError
        If `baseline` is not a positive, finite number.
    """
    if not np.isfinite(baseline) or not baseline > 0:
        raise ValueError(f"baseline must be a positive, finite number, got {baseline!r}")
    if not np.isfinite(val_mse) or val_mse > 100 * baseline:
        return "diverged"
    return f"{val_mse:.2g}"


def first_step_within(losses: Any, lowest: float, fraction: float = 0.99) -> int | None:
    """The first step at which a loss curve has covered `fraction` of the way from its start to `lowest`.

    Parameters
    ----------
    losses : 1-D array
        Loss after each step, the starting loss first.
    lowest : float
        The minimum the curve is heading for (at most the starting loss).
    fraction : float
        Between 0 and 1.

    Returns
    -------
    int or None
        The step index, or None if the curve never gets there.

    Raises
    ------
    ValueError
        If `losses` is not a non-empty 1-D array or `fraction` is not between 0 and 1.
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty 1-D array, got shape {losses.shape}")
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    reached = np.flatnonzero(losses <= lowest + (1 - fraction) * (losses[0] - lowest))
    return int(reached[0]) if reached.size else None


def written_out(value: float, digits: int = 2) -> str:
    """`value` rounded to `digits` significant digits and written out in full: 540,000,000 rather than 5.4e+08.

    Raises
    ------
    ValueError
        If `value` is not finite or `digits` is not a positive whole number.
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ValueError(f"digits must be a positive whole number, got {digits!r}")
    if not np.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    return f"{float(f'{value:.{digits}g}'):,.0f}"


def steps_to_minimum(X: Any, y: Any, rate: float, max_steps: int = 5_000) -> str:
    """How many full-batch gradient-descent steps at ``lr = rate / L`` take the MSE of ``y ~ X @ w`` 99% of the way down.

    Runs gradient descent from ``w = 0`` for up to `max_steps` steps (L is the largest eigenvalue of the
    Hessian ``(2/n) X^T X``) and counts the steps until the loss has covered 99% of the way from its start
    to the least-squares minimum. If it never gets there, estimates the count at the pace of the flattest
    direction, ``ln(100) / (-2 ln(1 - rate / kappa))``, rounded to one significant digit.

    Parameters
    ----------
    X : array of shape (n, k)
        Inputs of a linear model without bias (centred data).
    y : array of shape (n,)
        Targets.
    rate : float
        The learning rate in units of 1/L, between 0 and 2 (exclusive).
    max_steps : int
        The longest run simulated.

    Returns
    -------
    str
        The count written out ("998"), or the estimate as "about 1,000,000,000".

    Raises
    ------
    ValueError
        If `X` or `y` have the wrong shapes, `rate` is not between 0 and 2, or `max_steps` is not positive.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, k), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not 0 < rate < 2:
        raise ValueError(f"rate must be a number between 0 and 2 (in units of 1/L), got {rate!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"max_steps must be a positive whole number, got {max_steps!r}")
    lam_min, L = np.linalg.eigvalsh(2 / len(X) * X.T @ X)[[0, -1]]
    lowest = np.mean((X @ np.linalg.lstsq(X, y, rcond=None)[0] - y) ** 2)
    w, losses = np.zeros(X.shape[1]), [np.mean(y ** 2)]
    for _ in range(max_steps):
        w = w - rate / L * 2 / len(X) * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    n = first_step_within(losses, lowest, 0.99)
    if n is not None:
        return f"{n:,}"
    return f"about {written_out(np.log(100) / (-2 * np.log1p(-rate * lam_min / L)), 1)}"


def plot_validation_losses(curves: dict[str, Any], baseline: float, ax: Any = None) -> Any:
    """Validation MSE per epoch of several runs on a log axis with plain tick numbers, and the baseline.

    Parameters
    ----------
    curves : dict
        Run name -> validation MSE per epoch (non-finite values are left out of the line).
    baseline : float
        The MSE of guessing the mean, drawn as a dotted line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes if None.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If `curves` is empty or `baseline` is not positive.
    """
    import matplotlib.pyplot as plt

    if not curves:
        raise ValueError("curves must hold at least one run")
    if not np.isfinite(baseline) or not baseline > 0:
        raise ValueError(f"baseline must be a positive, finite number, got {baseline!r}")
    if ax is None:
        ax = plt.figure().add_subplot()
    for i, (name, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        ax.plot(np.arange(1, len(losses) + 1), np.where(np.isfinite(losses), losses, np.nan),
                color=COLORS[i % len(COLORS)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                marker=MARKERS[i % len(MARKERS)], label=name)
    ax.axhline(baseline, color="gray", linestyle=":", marker="", label="guessing the mean")
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if low <= t <= high]
    ax.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter("")
    ax.set(xlabel="epoch", ylabel="validation MSE (log scale)")
    ax.legend()
    return ax


# ---------------------------------------------------------------------------
# Notebook 04: why batch normalization
# ---------------------------------------------------------------------------

def _check_seed_arg(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def build_small_networks(seed: int) -> tuple[Any, Any]:
    """The lecture note's network, twice over the SAME layers: 8 -> 6 -> 6 -> 6 (ReLU) -> 1 (linear).

    Parameters
    ----------
    seed : int
        Seeds Keras before the layers are created (Glorot uniform kernels, zero biases).

    Returns
    -------
    plain, with_bn : keras.Model
        Both return ``[hidden 1, hidden 2, hidden 3, output]``. `with_bn` has a ``BatchNormalization``
        layer after hidden 1's ReLU (where the note puts it), so its first output is what BN passes on.
        The Dense layers are shared, named ``hidden_1``, ``hidden_2``, ``hidden_3`` and ``output``:
        changing a weight of one model changes it in both.

    Raises
    ------
    TypeError
        If `seed` is not a non-negative int.
    """
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    dense = [keras.layers.Dense(6, activation="relu", name=f"hidden_{i}") for i in (1, 2, 3)]
    head = keras.layers.Dense(1, name="output")
    bn = keras.layers.BatchNormalization(name="bn_after_hidden_1")
    inputs = keras.Input(shape=(8,))
    models = []
    for use_bn in (False, True):
        a1 = dense[0](inputs)
        h1 = bn(a1) if use_bn else a1
        h2 = dense[1](h1)
        h3 = dense[2](h2)
        models.append(keras.Model(inputs, [h1, h2, h3, head(h3)], name="with_bn" if use_bn else "plain"))
    return models[0], models[1]


def build_deep_tanh(weight_std: float, batch_norm: bool, seed: int, n_layers: int = 10, width: int = 100) -> Any:
    """A deep MLP of tanh layers at initialization that returns every tanh input and output.

    Parameters
    ----------
    weight_std : float
        Standard deviation of the normal distribution the kernels are drawn from (no biases).
    batch_norm : bool
        Put a ``BatchNormalization`` layer between each Dense layer and its tanh.
    seed : int
        Seeds Keras before the layers are created.
    n_layers, width : int
        Depth and width (the input has `width` features too).

    Returns
    -------
    keras.Model
        Outputs: the `n_layers` tanh inputs, then the `n_layers` tanh outputs.

    Raises
    ------
    ValueError
        If `weight_std` is not positive, or `n_layers` or `width` is below 1.
    """
    if not isinstance(weight_std, (int, float, np.integer, np.floating)) or not weight_std > 0:
        raise ValueError(f"weight_std must be a positive number, got {weight_std!r}")
    if int(n_layers) < 1 or int(width) < 1:
        raise ValueError(f"n_layers and width must be at least 1, got {n_layers!r} and {width!r}")
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=float(weight_std))
    inputs = keras.Input(shape=(width,))
    h, tanh_inputs, tanh_outputs = inputs, [], []
    for _ in range(n_layers):
        h = keras.layers.Dense(width, use_bias=False, kernel_initializer=init)(h)
        if batch_norm:
            h = keras.layers.BatchNormalization()(h)
        tanh_inputs.append(h)
        h = keras.layers.Activation("tanh")(h)
        tanh_outputs.append(h)
    return keras.Model(inputs, tanh_inputs + tanh_outputs)


def depth_statistics(model: Any, x: Any) -> dict[str, np.ndarray]:
    """Per layer of a `build_deep_tanh` model on batch `x` (BN, if any, uses the batch's own statistics).

    Returns
    -------
    dict of arrays, one value per layer
        ``"input mean"``, ``"input std"`` (of the tanh inputs), ``"output mean"``, ``"output std"``,
        ``"saturated"`` (share of tanh outputs with \\|value\\| > 0.99) and ``"slope"`` (mean of 1 - tanh²).

    Raises
    ------
    ValueError
        If `model` does not return an even number of outputs (tanh inputs, then outputs).
    """
    values = [np.asarray(v) for v in model(x, training=True)]
    if len(values) % 2:
        raise ValueError(f"model must return tanh inputs then tanh outputs (an even number), got {len(values)}")
    z, a = values[:len(values) // 2], values[len(values) // 2:]
    return {"input mean": np.array([v.mean() for v in z]), "input std": np.array([v.std() for v in z]),
            "output mean": np.array([v.mean() for v in a]), "output std": np.array([v.std() for v in a]),
            "saturated": np.array([np.mean(np.abs(v) > 0.99) for v in a]),
            "slope": np.array([np.mean(1 - v ** 2) for v in a])}


def plot_depth_statistics(depth: dict[str, dict[str, np.ndarray]], axes: Any = None) -> Any:
    """Three panels, layer by layer: std of the tanh input (log), saturated share (%), mean tanh slope.

    Parameters
    ----------
    depth : dict
        ``{network name: depth_statistics(...)}``.
    axes : array of 4 matplotlib Axes, optional
        A 2 x 2 grid; the fourth holds the legend. A new figure is made when None.

    Returns
    -------
    array of matplotlib Axes

    Raises
    ------
    TypeError
        If `depth` is not a non-empty dict.
    """
    import matplotlib.pyplot as plt

    if not isinstance(depth, dict) or not depth:
        raise TypeError(f"depth must be a non-empty dict of depth_statistics results, got {type(depth).__name__}")
    if axes is None:
        _, axes = plt.subplots(2, 2, figsize=(7.2, 6.0))
    axes = np.asarray(axes)
    panels = [("input std", 1, "std of the tanh input", "std of the tanh input per layer", "log"),
              ("saturated", 100, "saturated outputs (%)", "saturated outputs, |tanh| > 0.99 (%)", "linear"),
              ("slope", 1, "mean slope 1 - tanh²", "mean slope 1 - tanh² per layer", "linear")]
    for ax, (key, unit, label, title, scale) in zip(axes.flat, panels):
        for name, d in depth.items():
            layers = np.arange(1, len(d[key]) + 1)
            ax.plot(layers, unit * d[key], label=name, markersize=7 if "BN" in name else 5,
                    alpha=0.8 if "BN" in name else 1.0)
            ax.set_xticks(layers)
        ax.set_yscale(scale)
        ax.set_xlabel("layer")
        ax.set_ylabel(label)
        ax.set_title(title)
    axes.flat[1].set_ylim(-5, 100)
    axes.flat[2].set_ylim(0, 1.05)
    axes.flat[3].axis("off")
    axes.flat[3].legend(*axes.flat[0].get_legend_handles_labels(), loc="center",
                        title="weights at initialization\n(BN lines coincide)")
    return axes


def build_figure1_network(batch_norm: bool, seed: int, weight_std: float = 0.1, learning_rate: float = 0.5) -> Any:
    """The BN paper's MNIST network, for 8x8 digits: 64 -> 3 x 100 sigmoid -> 10 softmax, compiled with SGD.

    Kernels are drawn from a normal distribution with std `weight_std`. With `batch_norm`, each hidden
    layer is Dense (no bias) -> BatchNormalization -> sigmoid, as in the paper. Layers are named
    ``dense_1..3``, ``bn_1..3``, ``sigmoid_1..3`` and ``output``.

    Raises
    ------
    ValueError
        If `weight_std` or `learning_rate` is not positive.
    TypeError
        If `seed` is not a non-negative int.
    """
    for name, value in (("weight_std", weight_std), ("learning_rate", learning_rate)):
        if not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=float(weight_std))
    inputs = keras.Input(shape=(64,))
    h = inputs
    for i in (1, 2, 3):
        h = keras.layers.Dense(100, use_bias=not batch_norm, kernel_initializer=init, name=f"dense_{i}")(h)
        if batch_norm:
            h = keras.layers.BatchNormalization(name=f"bn_{i}")(h)
        h = keras.layers.Activation("sigmoid", name=f"sigmoid_{i}")(h)
    outputs = keras.layers.Dense(10, activation="softmax", kernel_initializer=init, name="output")(h)
    model = keras.Model(inputs, outputs, name="with_bn" if batch_norm else "plain")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=float(learning_rate)),
                  loss="sparse_categorical_crossentropy")
    return model


def batch_outputs(model: Any, x: Any, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """The model's output and `layer`'s output for the batch `x`, computed the way training computes them.

    BN layers (if any) normalize with the statistics of `x` itself, as they do with a training mini-batch;
    nothing in the model is changed (the call is stateless).

    Parameters
    ----------
    model : keras.Model
        A functional model.
    x : array
        The batch.
    layer : str
        The name of one of the model's layers.

    Returns
    -------
    (output, layer_output) : numpy arrays

    Raises
    ------
    ValueError
        If the model has no layer called `layer`.
    """
    return _batch_probe(model, layer)(x)


def _batch_probe(model: Any, layer: str) -> Callable[[Any], tuple[np.ndarray, np.ndarray]]:
    keras = import_keras_quietly()
    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"layer must be one of {names}, got {layer!r}")
    probe = keras.Model(model.input, [model.output, model.get_layer(layer).output])

    def run(x: Any) -> tuple[np.ndarray, np.ndarray]:
        (out, inner), _ = probe.stateless_call(probe.trainable_variables, probe.non_trainable_variables, x,
                                               training=True)
        return np.asarray(out), np.asarray(inner)

    return run


def run_figure1(data: tuple, batch_norm: bool, seed: int, epochs: int = 30, weight_std: float = 0.1,
                layer: str = "dense_3", every: int = 10, snapshots: tuple[int, ...] = ()) -> dict[str, Any]:
    """Train `build_figure1_network` with SGD at batch size 60 and record it every `every` steps.

    Parameters
    ----------
    data : tuple
        ``(x_train, y_train, x_test, y_test)``.
    batch_norm, seed, weight_std
        Passed to `build_figure1_network`.
    epochs : int
        Passes over the training data.
    layer : str
        The layer whose outputs are recorded (``"dense_3"``: the last hidden Dense layer; without BN its
        output is the sigmoid's input, with BN it is what goes into BN).
    every : int
        Record at step 0 and after every `every` steps. Each record passes the test images through the
        network as one batch, computed as in training (`batch_outputs`).
    snapshots : tuple of int
        Steps after which to keep a copy of all the model's weights (``model.get_weights()``).

    Returns
    -------
    dict
        ``"steps"`` (n,), ``"accuracy"`` (n,) test accuracy, ``"percentiles"`` (n, 3, units): 15th, 50th and
        85th percentile over the test images of every unit of `layer`, ``"kernel norms"`` (n, 3): norm of
        ``dense_1..3``'s kernels, ``"start kernels"``: the four kernels before training, ``"snapshots"``:
        ``{step: weights}``, and ``"model"``: the trained model.

    Raises
    ------
    ValueError
        If `epochs` or `every` is not a positive int, or `data` does not hold four arrays.
    """
    for name, value in (("epochs", epochs), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise ValueError("data must be a tuple (x_train, y_train, x_test, y_test)")
    if not all(isinstance(step, (int, np.integer)) and not isinstance(step, bool) for step in snapshots):
        raise TypeError(f"snapshots must be a tuple of whole step numbers, got {snapshots!r}")
    keras = import_keras_quietly()
    x_train, y_train, x_test, y_test = data
    model = build_figure1_network(batch_norm, seed, weight_std=weight_std)
    record: dict[str, list] = {"steps": [], "accuracy": [], "percentiles": [], "kernel norms": []}
    dense_names = ("dense_1", "dense_2", "dense_3")

    probe = _batch_probe(model, layer)

    def take(step: int) -> None:
        probabilities, inner = probe(x_test)
        record["steps"].append(step)
        record["accuracy"].append(float(np.mean(probabilities.argmax(axis=1) == np.asarray(y_test))))
        record["percentiles"].append(np.percentile(inner, [15, 50, 85], axis=0))
        record["kernel norms"].append([float(np.linalg.norm(model.get_layer(n).kernel.numpy())) for n in dense_names])

    kept: dict[int, list] = {}

    class Probe(keras.callbacks.Callback):
        step = 0

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.step += 1
            if self.step % every == 0:
                take(self.step)
            if self.step in snapshots:
                kept[self.step] = model.get_weights()

    start = [model.get_layer(n).kernel.numpy() for n in dense_names + ("output",)]
    take(0)
    model.fit(x_train, y_train, batch_size=60, epochs=epochs, callbacks=[Probe()], verbose=0)
    result = {k: np.array(v) for k, v in record.items()}
    result.update({"start kernels": start, "snapshots": kept, "model": model})
    return result


def plot_figure1(runs: dict[str, dict[str, Any]], unit: int = 0, axes: Any = None) -> Any:
    """The BN paper's Figure 1 layout: (a) test accuracy of every run, then one panel per run with the
    15th, 50th and 85th percentiles of `unit` of the recorded layer over training.

    Parameters
    ----------
    runs : dict
        ``{name: run_figure1(...)}``, two runs.
    unit : int
        Which unit's percentiles to draw (0-based).
    axes : dict of matplotlib Axes, optional
        Keys ``"a"``, ``"b"``, ``"c"``; a new figure is made when None.

    Returns
    -------
    dict of matplotlib Axes

    Raises
    ------
    ValueError
        If `runs` is not a dict of two runs.
    """
    import matplotlib.pyplot as plt

    if not isinstance(runs, dict) or len(runs) != 2:
        raise ValueError(f"runs must be a dict of two run_figure1 results, got {type(runs).__name__}")
    if axes is None:
        fig, axes = plt.subplot_mosaic([["a", "a"], ["b", "c"]], figsize=(7.2, 6.6))
    for name, run in runs.items():
        axes["a"].plot(run["steps"], run["accuracy"], label=name, markevery=6)
    axes["a"].set_xlabel("training step")
    axes["a"].set_ylabel("test accuracy")
    axes["a"].set_ylim(0, 1)
    axes["a"].set_title("(a) test accuracy")
    axes["a"].legend(loc="center", bbox_to_anchor=(0.3, 0.55))
    for letter, (name, run) in zip("bc", runs.items()):
        ax = axes[letter]
        for k, q in enumerate((15, 50, 85)):
            ax.plot(run["steps"], run["percentiles"][:, k, unit], label=f"{q}th percentile", markevery=6,
                    color=COLORS[k + 2], linestyle=LINESTYLES[k], marker=MARKERS[k + 2])
        ax.set_xlabel("training step")
    axes["a"].figure.legend(*axes["b"].get_legend_handles_labels(), loc="outside lower center", ncols=3,
                            title="panels (b) and (c): percentiles over the test images")
    return axes


def loss_along_gradient(model: Any, x: Any, y: Any, step_sizes: Any,
                        weights: list | None = None) -> tuple[float, np.ndarray, float]:
    """Take one gradient step of each size from the model's current weights and measure the loss there.

    The loss and its gradient are computed on the whole batch ``(x, y)`` at once, as in training (BN
    uses the batch's own statistics). All the model's weights are restored afterwards.

    Parameters
    ----------
    model : keras.Model
        A compiled model whose loss is sparse categorical cross-entropy.
    x, y : arrays
        The batch.
    step_sizes : sequence of positive floats
        The step sizes (learning rates) to try.
    weights : list of arrays, optional
        Start from these weights (in ``model.get_weights()`` order, e.g. a `run_figure1` snapshot) instead
        of the model's current ones.

    Returns
    -------
    (loss, losses, gradient_sq) : float, numpy array, float
        The loss at the current weights, the loss after one step of each size, and the squared norm of the
        gradient (a step of size s lowers the loss by about s * gradient_sq while the gradient can be trusted).

    Raises
    ------
    ValueError
        If `step_sizes` is empty or holds a value that is not positive.
    """
    steps = np.asarray(step_sizes, dtype=float).ravel()
    if steps.size == 0 or not np.all(steps > 0):
        raise ValueError(f"step_sizes must be a non-empty sequence of positive numbers, got {step_sizes!r}")
    import tensorflow as tf

    keras = import_keras_quietly()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    all_saved = model.get_weights()
    if weights is not None:
        model.set_weights(weights)
    variables = model.trainable_variables
    saved = [w.numpy() for w in variables]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = [g.numpy() for g in tape.gradient(loss, variables)]
    grad_sq = float(sum(np.sum(g.astype(float) ** 2) for g in grads))
    losses = []
    for eta in steps:
        for w, w0, g in zip(variables, saved, grads):
            w.assign(w0 - eta * g)
        losses.append(float(loss_fn(y, model(x, training=True))))
    model.set_weights(all_saved)
    return float(loss), np.array(losses), grad_sq


# ---------------------------------------------------------------------------
# Notebook 05: batch normalization from scratch
# ---------------------------------------------------------------------------


def rounded(values: Any, decimals: int = 4) -> np.ndarray:
    """Round numbers for printing, showing -0.0 as 0.0.

    Parameters
    ----------
    values : array-like of numbers
        What to round.
    decimals : int, default 4
        Decimals to keep (0 or more).

    Returns
    -------
    numpy.ndarray
        The rounded values; a value that rounds to zero is +0.0, never -0.0.

    Raises
    ------
    TypeError
        If `decimals` is not an int.
    ValueError
        If `decimals` is negative.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"decimals must be an int, got {type(decimals).__name__}")
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    return np.round(np.asarray(values, dtype=float), decimals) + 0.0  # adding +0.0 turns -0.0 into 0.0


def plot_bn_stages(stages: dict[str, Any], axes: Any = None, title: str | None = None) -> Any:
    """Plot one batch at several stages of batch normalization, one panel per stage.

    Each panel shows every sample as a dot per feature (features side by side) and each
    feature's batch mean as a black bar.

    Parameters
    ----------
    stages : dict of str to array-like, each of shape (batch, features)
        Panel title (matplotlib mathtext allowed) -> the batch at that stage. All stages
        must have the same number of features.
    axes : sequence of matplotlib Axes, optional
        One Axes per stage; a new figure (at most 7.4 in wide) with a shared legend below
        is made when None.
    title : str, optional
        Title of the new figure (ignored when `axes` is given); by default it names the batch size.

    Returns
    -------
    list of matplotlib Axes
        The axes drawn on, in the order of `stages`.

    Raises
    ------
    TypeError
        If `stages` is not a non-empty dict with string keys, or `title` is not a string or None.
    ValueError
        If a stage is not 2-D, the stages differ in their number of features, or `axes`
        does not hold one Axes per stage.
    """
    import matplotlib.pyplot as plt

    if not isinstance(stages, dict) or not stages or not all(isinstance(k, str) for k in stages):
        raise TypeError("stages must be a non-empty dict mapping panel titles (str) to arrays of shape (batch, features)")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    values = [np.asarray(v, dtype=float) for v in stages.values()]
    if any(v.ndim != 2 for v in values) or len({v.shape[1] for v in values}) != 1:
        raise ValueError("stages must hold 2-D arrays (batch, features) with the same number of features, "
                         f"got shapes {[v.shape for v in values]}")
    new_figure = axes is None
    if new_figure:
        fig, axes = plt.subplots(1, len(values), figsize=(min(7.4, 2.5 * len(values)), 4.0))
        axes = np.atleast_1d(axes)
    axes = list(axes)
    if len(axes) != len(values):
        raise ValueError(f"axes must hold one Axes per stage ({len(values)}), got {len(axes)}")
    n_features = values[0].shape[1]
    for ax, panel_title, batch in zip(axes, stages, values):
        for j in range(n_features):
            ax.plot(np.full(len(batch), j + 1.0), batch[:, j], linestyle="none", markersize=6, alpha=0.8,
                    label=f"feature {j + 1}")
            ax.plot(j + 1.0, batch[:, j].mean(), marker="_", markersize=24, markeredgewidth=2, color="black",
                    linestyle="none", label="batch mean" if j == n_features - 1 else None)
        ax.set_xticks(range(1, n_features + 1))
        ax.set_xlim(0.5, n_features + 0.5)
        ax.set_xlabel("feature")
        ax.set_title(panel_title)
    if new_figure:
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=n_features + 1)
        fig.suptitle(title if title is not None else f"One batch of {len(values[0])} samples through batch normalization")
    return axes


def plot_moving_averages(batch_means: Any, trajectories: dict[float, Any], data_mean: float, ax: Any = None) -> Any:
    """Plot moving averages of a batch statistic over training steps, with the batch values behind them.

    Parameters
    ----------
    batch_means : array-like, shape (n_steps,)
        The statistic of each training batch (grey dots).
    trajectories : dict of float to array-like of shape (n_steps,)
        Momentum -> the moving average after each step (one line each).
    data_mean : float
        The statistic over the whole data set (dotted black line).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.

    Returns
    -------
    matplotlib Axes
        The axes drawn on (axis labels and title are left to the caller).

    Raises
    ------
    TypeError
        If `trajectories` is not a non-empty dict.
    ValueError
        If `batch_means` is not 1-D or a trajectory's length differs from it.
    """
    import matplotlib.pyplot as plt

    batch_means = np.asarray(batch_means, dtype=float)
    if batch_means.ndim != 1 or batch_means.size == 0:
        raise ValueError(f"batch_means must be a non-empty 1-D array, got shape {batch_means.shape}")
    if not isinstance(trajectories, dict) or not trajectories:
        raise TypeError("trajectories must be a non-empty dict mapping a momentum to its moving averages")
    paths = {momentum: np.asarray(path, dtype=float) for momentum, path in trajectories.items()}
    for momentum, path in paths.items():
        if path.shape != batch_means.shape:
            raise ValueError(f"trajectories[{momentum!r}] must have shape {batch_means.shape} like batch_means, "
                             f"got {path.shape}")
    if ax is None:
        _, ax = plt.subplots()
    steps = np.arange(1, batch_means.size + 1)
    for momentum, path in paths.items():
        ax.plot(steps, path, label=f"moving mean, momentum {momentum}", markevery=max(1, batch_means.size // 10))
    ax.plot(steps, batch_means, linestyle="none", marker=".", markersize=3, color="0.6", label="mean of each batch")
    ax.axhline(float(data_mean), color="black", linewidth=1, linestyle=":", label="mean of all the data")
    return ax


# ---------------------------------------------------------------------------
# Notebook 06: with and without batch normalization
# ---------------------------------------------------------------------------

def fresh_start(model: Any, seed: int) -> None:
    """Give every weight of a Keras model a fresh initial value drawn with `seed`, as if it had just been built.

    Kernels get Keras's default Glorot-uniform values; biases, beta and moving means 0; gamma and moving
    variances 1. Drawing in layer order from one generator means that, for one seed, models that differ
    only in their normalization layers start from the same Dense kernels.

    Parameters
    ----------
    model : keras.Model
        The model to re-initialize in place.
    seed : int
        Seed of the NumPy generator that draws the kernels.

    Raises
    ------
    TypeError
        If `seed` is not an int or `model` has no weights.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not hasattr(model, "weights"):
        raise TypeError(f"model must be a Keras model with weights, got {type(model).__name__}")
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        if weight.name == "kernel":
            limit = np.sqrt(6 / (weight.shape[0] + weight.shape[1]))
            weight.assign(rng.uniform(-limit, limit, size=weight.shape).astype("float32"))
        elif weight.name in ("gamma", "moving_variance"):
            weight.assign(np.ones(weight.shape, dtype="float32"))
        else:  # bias, beta, moving_mean
            weight.assign(np.zeros(weight.shape, dtype="float32"))


def train_run(model: Any, data: tuple, seed: int, learning_rate: float = 0.05, batch_size: int = 32,
              epochs: int = 6, steps_per_epoch: int | None = None) -> dict[str, Any]:
    """Train `model` from a fresh start with plain SGD and record it epoch by epoch.

    The model is compiled on its first run (plain SGD, sparse cross-entropy, 50 steps per execution) and
    reused afterwards, so many short runs do not pay for building and compiling again. Batches come from a
    `tf.data` pipeline reshuffled every epoch with `seed`. After every epoch the validation accuracy is
    measured in inference mode (BN with its moving averages) and the epoch's CPU time recorded.

    Parameters
    ----------
    model : keras.Model
        An uncompiled model (or one compiled by an earlier call of this function).
    data : tuple
        ``(x_train, y_train, x_val, y_val)`` as NumPy arrays.
    seed : int
        Seed of the initial weights (`fresh_start`) and of the shuffling.
    learning_rate : float
        SGD learning rate, > 0.
    batch_size : int
        Examples per update, >= 1.
    epochs : int
        Number of epochs, >= 1.
    steps_per_epoch : int, optional
        If given, an epoch is this many updates (the data repeat) instead of one pass over the data.

    Returns
    -------
    dict
        ``loss`` (training-mode loss per epoch, as `fit` reports it), ``val_accuracy`` (per epoch,
        inference mode), ``seconds`` (CPU time per epoch), ``train_loss_inference`` (cross-entropy on the
        whole training set after training, in inference mode) and ``model`` (the trained model).

    Raises
    ------
    ValueError
        If `data` is not a 4-tuple of non-empty matching arrays, or a number is out of range.
    """
    import time

    import tensorflow as tf
    keras = import_keras_quietly()

    if not isinstance(data, tuple) or len(data) != 4:
        raise ValueError("data must be a tuple (x_train, y_train, x_val, y_val)")
    x, y, x_val, y_val = data
    if len(x) != len(y) or len(x_val) != len(y_val) or len(x) == 0 or len(x_val) == 0:
        raise ValueError(f"data must hold non-empty matching arrays, got {len(x)} vs {len(y)} "
                         f"and {len(x_val)} vs {len(y_val)}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    for name, value in (("batch_size", batch_size), ("epochs", epochs), ("steps_per_epoch", steps_per_epoch or 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")

    class _Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.accuracy, self.seconds = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.process_time() - self.start)
            self.accuracy.append(accuracy(self.model, x_val, y_val))

    if getattr(model, "optimizer", None) is None:
        model.compile(optimizer=keras.optimizers.SGD(), loss="sparse_categorical_crossentropy",
                      steps_per_execution=50)
    fresh_start(model, int(seed))
    model.optimizer.learning_rate.assign(learning_rate)
    batches = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=int(seed))
    if steps_per_epoch is not None:
        batches = batches.repeat()
    recorder = _Recorder()
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")  # each new model traces its predict function once: no retracing warnings for that
    try:
        history = model.fit(batches.batch(batch_size), epochs=epochs, steps_per_epoch=steps_per_epoch,
                            shuffle=False, verbose=0, callbacks=[recorder])
        # inference mode treats every example on its own: predicting the training set in chunks the size of
        # the validation set (the last one zero-padded) reuses the predict function traced for the validation
        # accuracy instead of tracing it again for a second input shape (0.1 s per model, 0.25 s at depth 16)
        size, chunks = len(x_val), []
        for start in range(0, len(x), size):
            chunk = np.asarray(x[start:start + size])
            padding = np.zeros((size - len(chunk),) + chunk.shape[1:], dtype=chunk.dtype)
            chunks.append(np.asarray(model.predict_on_batch(np.concatenate([chunk, padding])))[:len(chunk)])
        probabilities = np.concatenate(chunks)[np.arange(len(y)), np.asarray(y)]
    finally:
        logger.setLevel(level)
    return {"loss": history.history["loss"], "val_accuracy": recorder.accuracy, "seconds": recorder.seconds,
            "train_loss_inference": float(-np.mean(np.log(np.clip(probabilities, 1e-7, None)))), "model": model}


_REUSED_MODELS: dict = {}


def reusable_model(build: Any, *args: Any, **kwargs: Any) -> Any:
    """``build(*args, **kwargs)``, built on the first call and handed out again for the same arguments.

    Many short runs of one variant then share one model, compiled once by `train_run`; `train_run`
    re-initializes it at the start of every run. A run's returned ``model`` is therefore overwritten
    by the next run of the same variant: use it (or copy its weights) before training again.

    Parameters
    ----------
    build : callable
        A model factory, for example a notebook's ``build_model``.
    *args, **kwargs
        Its arguments; they must be hashable (numbers, strings).

    Returns
    -------
    keras.Model
        The model built for these arguments.

    Raises
    ------
    TypeError
        If `build` is not callable or an argument is not hashable.
    """
    if not callable(build):
        raise TypeError(f"build must be a callable model factory, got {type(build).__name__}")
    key = (build, args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:
        raise TypeError("the arguments of build must be hashable (numbers, strings)") from None
    if key not in _REUSED_MODELS:
        _REUSED_MODELS[key] = build(*args, **kwargs)
    return _REUSED_MODELS[key]


def accuracy(model: Any, x: Any, y: Any) -> float:
    """Accuracy of `model` on (x, y) in inference mode (BN with its stored statistics), all in one batch.

    Parameters
    ----------
    model : keras.Model
        A classifier whose output has one column per class.
    x, y : arrays
        Inputs and integer labels, as many labels as inputs.

    Returns
    -------
    float
        The fraction of correct predictions.

    Raises
    ------
    ValueError
        If `x` and `y` differ in length or are empty.
    """
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must be non-empty and of equal length, got {len(x)} and {len(y)}")
    predicted = np.argmax(model.predict_on_batch(x), axis=1)
    return float(np.mean(predicted == np.asarray(y)))


def draw_normalization_axes(kind: str, ax: Any = None, n_examples: int = 6, n_features: int = 8,
                            groups: int = 4) -> Any:
    """Draw which numbers one normalization statistic averages over, as shaded cells of a batch x features grid.

    Rows are the examples of a batch, columns the features (units of a Dense layer, or channels of a
    convolution, where each cell would also hold height x width pixels). The cells one mean and one
    variance are computed over are shaded dark: a column for batch normalization, a row for layer
    normalization, a row's group of features for group normalization.

    Parameters
    ----------
    kind : {"batch", "layer", "group"}
    ax : matplotlib Axes, optional
    n_examples, n_features : int
        Size of the grid.
    groups : int
        Number of feature groups for ``kind="group"``; must divide `n_features`.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If `kind` is unknown or `groups` does not divide `n_features`.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if kind not in ("batch", "layer", "group"):
        raise ValueError(f"kind must be 'batch', 'layer' or 'group', got {kind!r}")
    if groups < 1 or n_features % groups:
        raise ValueError(f"groups must divide n_features = {n_features}, got {groups!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4, 2.4))
    width = n_features // groups
    for row in range(n_examples):
        for col in range(n_features):
            if kind == "batch":
                shaded = col == 1
            elif kind == "layer":
                shaded = row == 1
            else:
                shaded = row == 1 and col // width == 1
            ax.add_patch(Rectangle((col, n_examples - 1 - row), 1, 1, facecolor="#0072B2" if shaded else "white",
                                   edgecolor="#555555", linewidth=0.8, alpha=0.85 if shaded else 1))
    if kind == "group":  # group boundaries
        for g in range(1, groups):
            ax.plot([g * width, g * width], [0, n_examples], color="black", linewidth=2, linestyle="-", marker="")
    ax.set_xlim(0, n_features)
    ax.set_ylim(0, n_examples)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("features (units or channels)")
    ax.set_ylabel("examples in the batch")
    return ax


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


# ---------------------------------------------------------------------------
# Notebook 07: across devices
# ---------------------------------------------------------------------------

class _ReplicaRecords:
    """A plain holder for the recorder's list (Keras would wrap a list attribute of a layer in a copy)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int]] = []


def replica_batch_recorder(name: str = "replica_batches") -> Any:
    """Return a pass-through Keras layer that records how many samples each replica gets per training step.

    Put it first in a model built under a ``tf.distribute`` strategy. At every training
    step each replica's copy of the layer writes down its replica id and the number of
    rows it received; the layer returns its input unchanged, so training is not affected.
    Outside training (``training`` not True) nothing is recorded.

    Parameters
    ----------
    name : str
        The layer's name.

    Returns
    -------
    keras.layers.Layer
        The layer, with ``records`` (a list of ``(replica_id, rows)`` in the order they
        arrived), ``sizes_by_step()`` (one list per step: the rows of replica 0, 1, ...)
        and ``clear()``.

    Raises
    ------
    TypeError
        If `name` is not a string.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r} of type {type(name).__name__}")
    keras = import_keras_quietly()
    import tensorflow as tf

    class ReplicaBatchRecorder(keras.layers.Layer):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._log = _ReplicaRecords()

        @property
        def records(self) -> list[tuple[int, int]]:
            return list(self._log.rows)

        def clear(self) -> None:
            self._log.rows.clear()

        def sizes_by_step(self) -> list[list[int]]:
            """Rows per replica for every step: ``[[rows of replica 0, rows of replica 1, ...], ...]``."""
            per_replica: dict[int, list[int]] = {}
            for replica, rows in self._log.rows:  # replicas run in parallel: group by replica, in order
                per_replica.setdefault(replica, []).append(rows)
            columns = [per_replica[r] for r in sorted(per_replica)]
            if len({len(c) for c in columns}) > 1:
                raise RuntimeError(f"replicas recorded different numbers of steps: {[len(c) for c in columns]}")
            return [list(step) for step in zip(*columns)]

        def call(self, inputs: Any, training: Any = None) -> Any:
            if not training:
                return inputs
            context = tf.distribute.get_replica_context()
            replica = context.replica_id_in_sync_group if context is not None else 0
            log = self._log

            def write(replica_id: Any, rows: Any) -> np.int32:
                log.rows.append((int(replica_id), int(rows)))
                return np.int32(0)

            done = tf.numpy_function(write, [replica, tf.shape(inputs)[0]], tf.int32, stateful=True)
            with tf.control_dependencies([done]):
                return tf.identity(inputs)

        def compute_output_shape(self, input_shape: Any) -> Any:
            return input_shape

    return ReplicaBatchRecorder(name=name)


def max_abs_difference(first: Any, second: Any) -> float:
    """Return the largest absolute difference between two lists of arrays (such as two models' weights).

    Parameters
    ----------
    first, second : list of array-like
        Arrays of matching shapes, in the same order (``model.get_weights()`` gives such a list).

    Returns
    -------
    float
        ``max |first[i] - second[i]|`` over every element of every array.

    Raises
    ------
    TypeError
        If either argument is not a list or tuple.
    ValueError
        If the lists are empty, differ in length, or two arrays differ in shape.
    """
    for name, value in (("first", first), ("second", second)):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a list of arrays (such as model.get_weights()), "
                            f"got {type(value).__name__}")
    if len(first) == 0 or len(first) != len(second):
        raise ValueError(f"first and second must be non-empty lists of the same length, got {len(first)} and "
                         f"{len(second)} arrays")
    largest = 0.0
    for k, (a, b) in enumerate(zip(first, second)):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            raise ValueError(f"array {k} has shape {a.shape} in first but {b.shape} in second")
        if a.size:
            largest = max(largest, float(np.max(np.abs(a - b))))
    return largest


