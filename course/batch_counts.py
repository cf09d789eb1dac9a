"""The steps-per-epoch rule (notebook 01): how many samples ``fit()`` trains on, in how many batches of what size."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _check_whole_number(value: Any, name: str, minimum: int) -> int:
    """Return `value` as an int, or raise a clear error naming the argument `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name} must be a whole number (int) >= {minimum}, got {value!r} of type {type(value).__name__}"
        )
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
        raise TypeError(
            f"validation_split must be a number from 0 (inclusive) to 1 (exclusive), "
            f"got {validation_split!r} of type {type(validation_split).__name__}"
        )
    if not 0.0 <= validation_split < 1.0:  # also rejects NaN
        raise ValueError(f"validation_split must be from 0 (inclusive) to 1 (exclusive), got {validation_split}")
    if validation_split == 0:
        return n_samples
    # the same expression as keras.src.trainers.data_adapters.array_slicing.train_validation_split
    # (no float() here: Keras computes with the value as given, e.g. in float32 for np.float32(0.2))
    split_at = int(math.floor(n_samples * (1.0 - validation_split)))
    if split_at == 0 or split_at == n_samples:
        raise ValueError(
            f"validation_split={validation_split} on n_samples={n_samples} leaves "
            f"{split_at} training and {n_samples - split_at} validation samples; Keras refuses a "
            "split without at least one of each: use more samples or another validation_split"
        )
    return split_at


def steps_per_epoch(
    n_samples: int, batch_size: int, validation_split: float = 0.0, drop_remainder: bool = False
) -> int:
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


def batch_sizes(
    n_samples: int, batch_size: int, validation_split: float = 0.0, drop_remainder: bool = False
) -> list[int]:
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
