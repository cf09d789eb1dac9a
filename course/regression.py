"""Notebook 03's small regression network, trained on raw and on scaled inputs, and its validation curves."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.palette import COLORS, LINESTYLES, MARKERS
from course.startup import import_keras_quietly


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
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    make = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}[optimizer]
    # 64 updates per call into TensorFlow instead of one: the same updates, less Python overhead per step
    model.compile(optimizer=make(learning_rate=learning_rate), loss="mse", steps_per_execution=64)
    return model


def validation_curve(model: Any, inputs: tuple[Any, Any], y_train: Any, y_val: Any, epochs: int = 12) -> np.ndarray:
    """Train `model` (batch 32, quietly) on ``inputs = (x_train, x_val)``; return the validation MSE per epoch.

    The validation MSE is computed after every epoch from one prediction of all validation rows, which is
    cheaper than `fit`'s `validation_data` (a new input pipeline per epoch) and gives the same values.

    Raises
    ------
    ValueError
        If `inputs` is not a pair of arrays, or `epochs` is not a positive whole number.
    """
    if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
        raise ValueError("inputs must be a pair (x_train, x_val)")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive whole number, got {epochs!r}")
    keras = import_keras_quietly()
    x_val, y_val = np.asarray(inputs[1]), np.asarray(y_val, dtype=float).reshape(-1)
    val_losses: list[float] = []

    class _ValidationLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            predicted = np.asarray(self.model.predict_on_batch(x_val), dtype=float).reshape(-1)
            with np.errstate(all="ignore"):  # a diverged run predicts inf or nan: its MSE says so
                val_losses.append(float(np.mean((predicted - y_val) ** 2)))

    model.fit(inputs[0], y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[_ValidationLoss()])
    return np.array(val_losses)


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
        ax.plot(
            np.arange(1, len(losses) + 1),
            np.where(np.isfinite(losses), losses, np.nan),
            color=COLORS[i % len(COLORS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            marker=MARKERS[i % len(MARKERS)],
            label=name,
        )
    ax.axhline(baseline, color="gray", linestyle=":", marker="", label="guessing the mean")
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if low <= t <= high]
    ax.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter("")
    ax.set(xlabel="epoch", ylabel="validation MSE (log scale)")
    ax.legend()
    return ax
