"""Which samples ``fit()`` really feeds, step by step (notebook 01): the batch recorder and its figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course.batch_counts import _check_whole_number, training_samples
from course.palette import COLORS
from course.startup import import_keras_quietly


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


def record_fed_batches(
    data: Any,
    *,
    epochs: int = 1,
    batch_size: int | None = None,
    validation_split: float = 0.0,
    shuffle: bool = True,
    steps_per_epoch: int | None = None,
) -> FedBatches:
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
            raise ValueError(
                "batch_size and validation_split must be left out when data is a tf.data.Dataset: "
                "the pipeline batches itself, and Keras splits only arrays"
            )
        spec = data.element_spec
        if not (isinstance(spec, tf.TensorSpec) and spec.dtype.is_integer and spec.shape.rank == 1):
            raise TypeError(
                "data must be a batched tf.data.Dataset of integer sample ids (elements of shape "
                f"(batch,), e.g. tf.data.Dataset.range(n).batch(b)), got elements {spec}"
            )
        fit_data = data.map(lambda ids: (tf.cast(ids[:, None], "float32"), tf.zeros((tf.shape(ids)[0], 1))))
        fit_args: dict[str, Any] = {"x": fit_data, "shuffle": False}  # Keras ignores shuffle for a Dataset
    else:
        if isinstance(data, bool) or not isinstance(data, (int, np.integer)):
            raise TypeError(
                "data must be a number of samples (int >= 1) or a tf.data.Dataset of sample ids, "
                f"got {data!r} of type {type(data).__name__}"
            )
        n = _check_whole_number(data, "data", 1)
        if batch_size is not None:
            batch_size = _check_whole_number(batch_size, "batch_size", 1)
        training_samples(n, validation_split)  # the same checks (and refusals) as Keras
        ids = np.arange(n, dtype="float32").reshape(n, 1)  # float32 holds whole numbers exactly up to 2**24
        fit_args = {
            "x": ids,
            "y": np.zeros((n, 1), dtype="float32"),
            "batch_size": batch_size,
            "validation_split": validation_split,
            "shuffle": bool(shuffle),
        }
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
                ax.add_patch(
                    Rectangle((x + k, y), 1, 1, facecolor=_lighten(color), edgecolor="0.25", hatch=hatch, linewidth=0.8)
                )
                ax.text(
                    x + k + 0.5,
                    y + 0.5,
                    str(sample),
                    ha="center",
                    va="center",
                    fontsize=font,
                    fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85),
                )
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
