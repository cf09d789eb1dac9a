"""Notebook 06's exercise checkers (with and without batch normalization).

Each returns None for a right answer, else a hint.
"""

from __future__ import annotations

from typing import Any

from course.checks import _as_number, exercise, hint_for_number


@exercise("06.1", expects="a whole number (a count of parameters)")
def _check_06_1(answer: Any) -> str | None:
    value = _as_number(answer)
    if value == 4 * 4 * 64:
        return "the BN model also drops the bias of each Dense layer before BN: subtract those."
    if value in (4 * 64, 4 * 2 * 64):
        return "count the moving mean and moving variance too: they are weights, just not trainable ones."
    return hint_for_number(
        value,
        4 * (4 * 64 - 64),
        "list the weights one BN layer holds (`layer.weights` shows "
        "them), then look at what changes in the Dense layer in front of it.",
    )


@exercise("06.2", expects="a number (the factor the root-mean-square shrinks by, between 0 and 1)")
def _check_06_2(answer: Any) -> str | None:
    value = _as_number(answer)
    expected = 0.5**8  # mean square halved 16 times: 2^-16; root-mean-square: its square root
    if abs(value - expected) <= 0.05 * expected:
        return None
    if abs(value - 0.5**16) <= 0.05 * 0.5**16:
        return "that is the factor of the mean square; the root-mean-square is its square root."
    if abs(value - 0.5) < 1e-3 or abs(value - 0.5**0.5) < 1e-3:
        return "that is one layer's factor; the signal passes through 16 layers."
    return (
        "one layer: the Dense layer keeps the mean square, ReLU halves it. Multiply over 16 layers, then "
        "take the square root."
    )


@exercise("06.3", expects="a number (an accuracy difference, between -1 and 1)")
def _check_06_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if not -1 <= value <= 1:
        return "accuracies lie between 0 and 1, so their difference lies between -1 and 1."
    if -0.16 < value <= -0.03:
        return "check the order of the subtraction: momentum 0.9's mean minus momentum 0.99's mean."
    if abs(value) < 0.03:
        return (
            "almost no difference: did the new runs really use momentum=0.99, and do you compare the "
            "accuracy after the first epoch for the same three seeds?"
        )
    if 0.03 <= value < 0.16:
        return None
    return "compare the accuracy after the first epoch (index 0), averaged over the same three seeds."
