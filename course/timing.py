"""Timing measurements (notebook 02): wall-clock seconds per epoch and per update of ``fit()``."""

from __future__ import annotations

from typing import Any

import numpy as np


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


def seconds_per_update(model: Any, x: Any, y: Any, batch_size: int, updates: int = 16) -> float:
    """Return the wall-clock seconds of one training update of ``model.fit`` at `batch_size`.

    One ``fit()`` call trains `updates` updates on batches of `batch_size` samples (cycling
    through ``x`` if it holds too few) and times every update on its own. The first update,
    which may trace the training step, is dropped; of the rest the fastest is returned (the
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

    import tensorflow as tf

    rows = np.arange(int(updates) * int(batch_size)) % len(x)
    # a tf.data pipeline, not NumPy arrays: fit() builds its own pipeline for arrays at a cost of tens of
    # milliseconds per call, and its batches have a fixed size, so each new batch size would trace the step again
    batches = tf.data.Dataset.from_tensor_slices((np.asarray(x)[rows], np.asarray(y)[rows])).batch(int(batch_size))
    timer = UpdateTimer()
    model.fit(batches, epochs=1, verbose=0, callbacks=[timer])
    return min(timer.seconds[1:])  # the first update may trace the training step
