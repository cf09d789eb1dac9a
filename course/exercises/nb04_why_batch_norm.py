"""Notebook 04's exercise checkers (why batch normalization): each returns None for a right answer, else a hint."""

from __future__ import annotations

from typing import Any

from course.checks import _as_number, exercise


@exercise("04.1", expects="a tuple (row, column) of two whole numbers, such as (0, 0)")
def _check_04_1(answer: Any) -> str | None:
    if isinstance(answer, (str, bytes)) or len(answer) != 2:
        return "Give two numbers in parentheses: (row, column)."
    row, col = (_as_number(v) for v in answer)
    if not (row.is_integer() and col.is_integer()):
        return "Indices are whole numbers."
    if (row, col) == (1, 4):
        return None
    if (row, col) == (2, 5):
        return "Those are the note's numbers, counted from 1. Where does NumPy start counting?"
    if (row, col) == (4, 1):
        return "Rows of a Dense kernel are the inputs, columns the units; the order is (input, unit)."
    return "Start from the note's (input, unit) pair and convert each position to 0-based counting."


@exercise("04.2", expects="a factor, such as 2.0")
def _check_04_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 1.0) <= 0.05:
        return None
    if value <= 0:
        return "A factor between two gradient sizes is a positive number."
    if value > 5.0:
        return (
            "That is the size of growth you would see without BN. With BN after hidden 1, divide the "
            '"extreme, BN" gradient of the 200 run by the "extreme, BN" gradient of ex (the 20 run).'
        )
    return (
        'Divide the "extreme, BN" gradient of the 200 run by the "extreme, BN" gradient of ex (the 20 '
        "run), not by the untouched network's. Unit 4 is ReLU(200 x input 4 + ...): what is left after BN "
        "divides out its scale?"
    )


@exercise("04.3", expects="a factor, such as 2.0")
def _check_04_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 5.0) <= 0.01:
        return None
    if abs(value - 1.0) <= 0.01:
        return "A factor of 1 is what BN would give. Without BN, does anything divide the scale out?"
    if abs(value - 25.0) <= 0.1 or abs(value - 125.0) <= 0.5:
        return (
            "Only hidden 1's weights were multiplied. Each later layer passes a 5 times larger input on "
            "as a 5 times larger output; it does not multiply by 5 again."
        )
    if value <= 0:
        return "A factor between two standard deviations is a positive number."
    return "With zero biases, ReLU(W (5 h)) = 5 ReLU(W h): follow the factor 5 from hidden 1 to hidden 3."


@exercise("04.4", expects="a weight standard deviation, such as 0.5")
def _check_04_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.1) <= 0.005:
        return None
    if abs(value - 0.01) <= 0.0005:
        return (
            "That divides by the number of inputs. The VARIANCE of a sum of 100 independent terms grows "
            "100 times, so the standard deviation grows by the square root of 100."
        )
    if value <= 0:
        return "A standard deviation is a positive number."
    return (
        "The tanh input's variance is 100 x (weight std)**2 x (input variance 1). "
        "Set it to 1 and solve for the weight std."
    )
