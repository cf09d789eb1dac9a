"""Training runs: one compiled model reused for many short runs, and what a run records.

Notebook 02 restarts a model and records its loss as it trains (`restart`, `loss_recorder`); notebook 06
trains from a fresh start over seeds and variants (`fresh_start`, `train_run`, `reusable_model`, `accuracy`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np

from course.startup import import_keras_quietly


def restart(model: Any, seed: int, learning_rate: float) -> None:
    """Reset a compiled Keras model in place: fresh initial weights, fresh optimizer state, a new learning rate.

    Lets one compiled model serve many experiments: tracing and compiling a new model's
    training step costs more than a short experiment. Afterwards the model has the weights it
    would have had if built just after ``keras.utils.set_random_seed(seed)``, and the state of
    the same optimizer freshly compiled at `learning_rate`. TensorFlow's global seed is left as
    it is (`helpers.setup` set it), so what it drives, such as the order of a seeded `tf.data`
    shuffle, continues from there.

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
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, (int, float, np.integer, np.floating))
        or not np.isfinite(learning_rate)
        or learning_rate <= 0
    ):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate!r}")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not model.built:
        raise ValueError("model must be built and compiled with an optimizer (call model.compile first)")
    if isinstance(getattr(optimizer, "_learning_rate", None), keras.optimizers.schedules.LearningRateSchedule):
        raise ValueError("the model's optimizer uses a learning-rate schedule; restart() sets a fixed learning rate")
    # Keras gives each new initializer a seed drawn from Python's `random`, so seeding it alone draws the weights
    # keras.utils.set_random_seed(seed) would; that call would also reset TensorFlow's global seed, which clears
    # TensorFlow's caches and makes the next training calls rebuild them (about 40 ms per restart)
    random.seed(int(seed))
    model.set_weights(keras.models.clone_model(model).get_weights())  # same layers, weights drawn anew
    for variable in optimizer.variables:  # iteration count and any slots (momentum, Adam's moments)
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    optimizer.learning_rate.assign(float(learning_rate))


def loss_recorder(x: Any, y: Any, loss_fn: Callable[[Any, Any], Any], every: int = 1, stop_at: float | None = None):
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


def shuffled_batches(x: Any, y: Any, batch_size: int, seed: int, repeat: bool = False) -> Any:
    """The samples ``(x, y)`` as a ``tf.data`` pipeline of batches, reshuffled every epoch in an order fixed by `seed`.

    What ``fit(x, y, batch_size=..., shuffle=True)`` feeds, with two differences: the order is fixed by `seed`
    (together with TensorFlow's global seed, which `helpers.setup` sets), and starting an epoch costs about a
    millisecond instead of the tens of milliseconds ``fit`` spends building its pipeline for NumPy arrays. The batch
    dimension is left unknown, so one traced training step serves every batch size. The last batch of an epoch
    is smaller when `batch_size` does not divide the number of samples, as in ``fit``; with `repeat` the passes
    over the data run on without a break (give ``fit`` a ``steps_per_epoch``).

    Parameters
    ----------
    x, y : array-like
        Samples and their labels, as many labels as samples.
    batch_size : int
        Samples per batch, >= 1.
    seed : int
        Seed of the shuffling, >= 0.
    repeat : bool
        Repeat the data endlessly, each pass in a new order, batches crossing from one pass into the next.

    Returns
    -------
    tf.data.Dataset
        Pass it to ``model.fit`` in place of ``x, y`` (and without ``batch_size``).

    Raises
    ------
    ValueError
        If `x` and `y` differ in length or are empty, or `batch_size` or `seed` is not a whole number in range.
    """
    import tensorflow as tf

    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must be non-empty and of the same length, got {len(x)} and {len(y)}")
    for name, value, least in (("batch_size", batch_size, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    samples = tf.data.Dataset.from_tensor_slices((np.asarray(x), np.asarray(y))).shuffle(len(x), seed=int(seed))
    return (samples.repeat() if repeat else samples).batch(int(batch_size))


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


def train_run(
    model: Any,
    data: tuple,
    seed: int,
    learning_rate: float = 0.05,
    batch_size: int = 32,
    epochs: int = 6,
    steps_per_epoch: int | None = None,
) -> dict[str, Any]:
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
        raise ValueError(
            f"data must hold non-empty matching arrays, got {len(x)} vs {len(y)} and {len(x_val)} vs {len(y_val)}"
        )
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
        model.compile(optimizer=keras.optimizers.SGD(), loss="sparse_categorical_crossentropy", steps_per_execution=50)
    fresh_start(model, int(seed))
    model.optimizer.learning_rate.assign(learning_rate)
    batches = shuffled_batches(x, y, batch_size, int(seed), repeat=steps_per_epoch is not None)
    recorder = _Recorder()
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")  # each new model traces its predict function once: no retracing warnings for that
    try:
        history = model.fit(
            batches,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            shuffle=False,
            verbose=0,
            callbacks=[recorder],
        )
        # inference mode treats every example on its own: predicting the training set in chunks the size of
        # the validation set (the last one zero-padded) reuses the predict function traced for the validation
        # accuracy instead of tracing it again for a second input shape (0.1 s per model, 0.25 s at depth 16)
        size, chunks = len(x_val), []
        for start in range(0, len(x), size):
            chunk = np.asarray(x[start : start + size])
            padding = np.zeros((size - len(chunk),) + chunk.shape[1:], dtype=chunk.dtype)
            chunks.append(np.asarray(model.predict_on_batch(np.concatenate([chunk, padding])))[: len(chunk)])
        probabilities = np.concatenate(chunks)[np.arange(len(y)), np.asarray(y)]
    finally:
        logger.setLevel(level)
    return {
        "loss": history.history["loss"],
        "val_accuracy": recorder.accuracy,
        "seconds": recorder.seconds,
        "train_loss_inference": float(-np.mean(np.log(np.clip(probabilities, 1e-7, None)))),
        "model": model,
    }


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
