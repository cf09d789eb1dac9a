"""Notebook 01's exercise checkers (batches, epochs and steps): each returns None for a right answer, else a hint."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.batch_counts import steps_per_epoch, training_samples
from course.checks import _as_number, exercise


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


@exercise("01.2", expects="a whole number (updates in total)")
def _check_01_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == 5 * steps_per_epoch(1000, 64):
        return None
    if value == 5 * (1000 // 64):
        return "the partial last batch of every epoch is an update too."
    if value != int(value):
        return "updates are whole numbers: each batch, full or partial, is one update."
    if value == steps_per_epoch(1000, 64):
        return "that is one epoch; the model trains for 5."
    return "count the steps in one epoch (round up), then multiply by the number of epochs."


@exercise("01.3", expects="a set of classes, such as {0, 1}")
def _check_01_3(answer: Any) -> str | None:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        raise TypeError("expected a set of classes")
    classes = {_whole_number_answer(c) for c in answer}
    # labels 0-9 sorted by class, as sklearn's digits give them: the last floor-split 20 % are held out
    counts = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)
    y_sorted = np.repeat(np.arange(10), counts)
    held_out = set(np.unique(y_sorted[training_samples(len(y_sorted), 0.2) :]).tolist())
    if classes == held_out:
        return None
    if classes == set(range(10)):
        return (
            "Keras cuts off the validation part before it shuffles (shuffle=True mixes only the training "
            "part), so the held-out samples are the last ones of the sorted arrays."
        )
    if classes < held_out:
        return (
            "count the held-out samples (Keras rounds the training part down) and compare with how many "
            "samples each of the last classes has."
        )
    return "the held-out samples are the last 20 % of the arrays; which labels sit there when the arrays are sorted?"
