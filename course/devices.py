"""Across devices (notebook 07): which batch each replica gets, and how far two sets of weights differ."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.startup import import_keras_quietly


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
            raise TypeError(
                f"{name} must be a list of arrays (such as model.get_weights()), got {type(value).__name__}"
            )
    if len(first) == 0 or len(first) != len(second):
        raise ValueError(
            f"first and second must be non-empty lists of the same length, got {len(first)} and {len(second)} arrays"
        )
    largest = 0.0
    for k, (a, b) in enumerate(zip(first, second)):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            raise ValueError(f"array {k} has shape {a.shape} in first but {b.shape} in second")
        if a.size:
            largest = max(largest, float(np.max(np.abs(a - b))))
    return largest
