"""The one import a notebook needs: seeding, quiet start-up, plot style, and every instrument and check by name.

Every notebook starts with one call::

    import helpers
    helpers.setup(seed=42)   # before `import keras`

This file holds what every notebook's setup cell runs (`setup`, `resolve_seed`, `plot_style`). The rest lives
in the package ``course/`` beside it, one module per concern, and is re-exported here by name, so a notebook
writes ``helpers.train_run`` wherever it lives. The idea each lesson teaches stays in its notebook.

Where things are (each name below is also ``helpers.NAME``; NN: the notebook that uses it)::

    helpers.py                  `setup`, `resolve_seed` (`SEED_ENV_VAR`), `plot_style`,
                                `KERAS_DATASET_SHUFFLE_WARNING` (the one warning setup hides)
    course/__init__.py          `PROJECT_ROOT`: the course folder
    course/checks.py            exercises: `check`, `is_correct`, `exercise` (registers a checker, an
                                `Exercise`), `exercise_ids`, `hint_for_number`
    course/exercises/nbNN_*.py  notebook NN's checkers, one ``@exercise("NN.K", ...)`` function each
    course/startup.py           `import_keras_quietly`: TensorFlow and Keras without their C++ start-up log
    course/palette.py           `COLORS`, `LINESTYLES`, `MARKERS` (Okabe-Ito, readable in black and white)
    course/data.py              03: `DATA_DIR`, `USED_CARS_FILE`, `USED_CARS_COLUMNS`, `load_used_cars`
    course/environment.py       00: `pinned_requirements`, `requirement_mismatches`
    course/batch_counts.py      01: `training_samples`, `steps_per_epoch`, `batch_sizes`
    course/batch_recorder.py    01: `record_fed_batches` (returns `FedBatches`), `plot_batches`
    course/timing.py            02: `epoch_timer`, `seconds_per_update`
    course/loglog.py            02: `log_log_slope`, `plot_loglog`
    course/training.py          02: `restart`, `loss_recorder`, `shuffled_batches`; 06: `fresh_start`,
                                `train_run`, `reusable_model`, `accuracy`
    course/loss_surface.py      03: `plot_loss_contours`, `first_step_within`, `steps_to_minimum`
    course/regression.py        03: `build_mlp`, `validation_curve`, `verdict`, `plot_validation_losses`
    course/formatting.py        03: `written_out`; 05: `rounded`
    course/plots.py             03: `plot_columns`; 06: `plot_mean_band`
    course/bn_probes.py         04: `build_small_networks`, `build_deep_tanh`, `depth_statistics`,
                                `plot_depth_statistics`, `loss_along_gradient`
    course/bn_figure1.py        04: `build_figure1_network`, `batch_outputs`, `run_figure1`, `plot_figure1`
    course/bn_plots.py          05: `plot_bn_stages`, `plot_moving_averages`; 06: `draw_normalization_axes`
    course/devices.py           07: `replica_batch_recorder`, `max_abs_difference`

A new instrument goes in the module of its concern (or a new module named after it) and is re-exported
below; a new notebook's checkers go in a new ``course/exercises/nbNN_name.py``.
"""

from __future__ import annotations

import os
import random
import re
import warnings
from typing import Any

import numpy as np

# The re-exports are grouped by the lesson that uses them, not sorted by module name.
# isort: off
# Every notebook: the course folder, quiet start-up, the palette, the exercise convention and its checkers
import course.exercises  # noqa: F401  (importing it registers every notebook's checkers)
from course import PROJECT_ROOT
from course.checks import Exercise, check, exercise, exercise_ids, hint_for_number, is_correct
from course.palette import COLORS, LINESTYLES, MARKERS
from course.startup import _stderr_silenced, import_keras_quietly

# 00 start here: the environment check
from course.environment import pinned_requirements, requirement_mismatches

# 01 batches, epochs and steps: the steps-per-epoch rule, the batches fit() really feeds and their figure
from course.batch_counts import batch_sizes, steps_per_epoch, training_samples
from course.batch_recorder import FedBatches, plot_batches, record_fed_batches

# 02 batch size trade-offs: timing, power laws, one compiled model restarted, its loss recorded as it trains
from course.timing import epoch_timer, seconds_per_update
from course.loglog import log_log_slope, plot_loglog
from course.training import loss_recorder, restart, shuffled_batches

# 03 feature scaling: the used-car data, the loss surface, the small regression network, column histograms
from course.data import DATA_DIR, USED_CARS_COLUMNS, USED_CARS_FILE, load_used_cars
from course.loss_surface import first_step_within, plot_loss_contours, steps_to_minimum
from course.regression import build_mlp, plot_validation_losses, validation_curve, verdict
from course.formatting import written_out
from course.plots import plot_columns

# 04 why batch norm: probes of what BN changes, the BN paper's Figure 1
from course.bn_probes import (
    build_deep_tanh,
    build_small_networks,
    depth_statistics,
    loss_along_gradient,
    plot_depth_statistics,
)
from course.bn_figure1 import batch_outputs, build_figure1_network, plot_figure1, run_figure1

# 05 batch norm from scratch: printing without -0.0, BN's stages and moving averages drawn
from course.formatting import rounded
from course.bn_plots import plot_bn_stages, plot_moving_averages

# 06 with and without batch norm: many short training runs over seeds, their figures
from course.training import accuracy, fresh_start, reusable_model, train_run
from course.bn_plots import draw_normalization_axes
from course.plots import plot_mean_band

# 07 across devices: the batch each replica gets, weights compared
from course.devices import max_abs_difference, replica_batch_recorder
# isort: on


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
        raise TypeError(
            f"logical_cpus must be None or a whole number (int) from 1 to 64, "
            f"got {logical_cpus!r} of type {type(logical_cpus).__name__}"
        )
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
            raise RuntimeError(
                f"logical_cpus={n_devices}: TensorFlow already set up {have} CPU device(s) in "
                "this process, and devices can only be split before TensorFlow first uses them. "
                "Restart the kernel and call helpers.setup(..., logical_cpus=...) first."
            ) from None


# The start of the warning setup() hides (see there); tests/test_helpers_setup.py notices when Keras drops it.
KERAS_DATASET_SHUFFLE_WARNING = "`shuffle=True` was passed, but will be ignored since the data `x` was provided"


def setup(seed: int = 42, logical_cpus: int | None = None) -> int:
    """Prepare a notebook: seed every random generator, quiet TensorFlow, set the plot style.

    Call it once, in the notebook's setup cell, before ``import keras``. It also hides one Keras warning,
    the one ``fit()`` gives for every ``tf.data`` pipeline because its default ``shuffle=True`` does not apply
    to one (`KERAS_DATASET_SHUFFLE_WARNING`; keras-team/keras#22777, Keras 3.15).

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
    # Keras 3.15 warns on every fit() given a tf.data pipeline that its own default, shuffle=True, is ignored
    # (keras-team/keras#22777); the course's pipelines shuffle themselves (`shuffled_batches`), so hide that one.
    warnings.filterwarnings("ignore", message=re.escape(KERAS_DATASET_SHUFFLE_WARNING), category=UserWarning)

    import matplotlib as mpl

    mpl.rcParams.update(plot_style())
    np.set_printoptions(precision=4, suppress=True)
    return seed
