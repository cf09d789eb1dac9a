"""Notebook 05's exercise checkers (batch normalization from scratch).

Each returns None for a right answer, else a hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.checks import _as_number, exercise, hint_for_number


def _three_counts(answer: Any) -> tuple[int, int, int]:
    """Return `answer` as a tuple of three whole numbers; raise TypeError for anything else."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise TypeError(f"expected a tuple of three integers, got {type(answer).__name__}")
    counts = tuple(_as_number(value) for value in answer)
    if any(count != int(count) for count in counts):
        raise TypeError("expected whole numbers (counts)")
    return tuple(int(count) for count in counts)


def _two_numbers(answer: Any) -> tuple[float, float]:
    """Return `answer` as a tuple of two floats; raise TypeError for anything else."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise TypeError(f"expected a tuple of two numbers, got {type(answer).__name__}")
    return _as_number(answer[0]), _as_number(answer[1])


@exercise("05.1", expects="a number (the layer's output at inference)")
def _check_05_1(answer: Any) -> str | None:
    value = _as_number(answer)
    expected = 2.0 * (10.0 - 4.0) / np.sqrt(9.0 + 1e-3) + 1.0
    if abs(value - 5.0) < 1e-9:
        return "close, but Keras adds epsilon = 1e-3 to the variance inside the square root."
    if abs(value - (expected - 1.0)) < 1e-6 or abs(value - ((10.0 - 4.0) / np.sqrt(9.0 + 1e-3) + 1.0)) < 1e-6:
        return "after standardizing with the moving statistics, scale by gamma and then add beta."
    if hint_for_number(value, expected, "wrong", rel_tol=1e-5) is None:
        return None
    if abs(value - expected) < 1e-3:
        return "very close: give at least five significant digits (rounded, not cut off), or the unrounded value."
    return "at inference the layer uses moving_mean and moving_variance, not statistics of the input."


@exercise("05.2", expects="a number (the variance the paper uses at inference)")
def _check_05_2(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 2.1) < 1e-9:
        return "that is what Keras keeps; the paper corrects the average of biased batch variances first."
    if abs(value - 2.1 * 7 / 8) < 1e-9:
        return "the correction makes the variance larger, not smaller: the biased variance underestimates."
    return hint_for_number(value, 2.1 * 8 / 7, "multiply by m / (m - 1) with m the batch size.", rel_tol=1e-6)


@exercise("05.3", expects="a tuple of three integers (numbers_per_statistic, trainable, non_trainable)")
def _check_05_3(answer: Any) -> str | None:
    per_statistic, trainable, non_trainable = _three_counts(answer)
    batch, size, channels = 8, 32, 16
    if per_statistic != batch * size * size:
        if per_statistic == batch * size * size * channels:
            return "each channel has its own mean and variance: count only the numbers of one channel."
        if per_statistic == size * size:
            return "a channel's mean is taken over the whole batch, not over one image."
        if per_statistic == batch:
            return "with images, BN averages over every pixel position as well as over the batch."
        return "a channel's statistics use that channel's value at every pixel of every image in the batch."
    if trainable != 2 * channels:
        if trainable == 4 * channels:
            return "the moving mean and variance are updated by the layer itself, not by gradient descent."
        return "gamma and beta are the trainable variables; how many numbers does each hold after a 16-channel layer?"
    if non_trainable != 2 * channels:
        return "moving_mean and moving_variance are the non-trainable variables; each holds one number per channel."
    return None


@exercise("05.4", expects="a tuple of two numbers (new_kernel, new_bias)")
def _check_05_4(answer: Any) -> str | None:
    kernel, bias = _two_numbers(answer)
    scale = 2.0 / 3.0  # gamma / sqrt(variance + 0)
    if abs(kernel - 3.0 * scale) > 1e-4:
        if abs(kernel - 3.0 * 2.0 / 9.0) < 1e-4:
            return "divide gamma by the standard deviation, sqrt(9) = 3, not by the variance."
        if abs(kernel - 3.0 / scale) < 1e-4:
            return "the kernel is multiplied by gamma / sqrt(variance), not divided by it."
        return "multiply the kernel by s = gamma / sqrt(moving_variance + eps)."
    if abs(bias - ((0.5 - 4.0) * scale + 1.0)) <= 1e-4:
        return None
    if abs(bias - (0.5 * scale + 1.0)) < 1e-4:
        return "the kernel is right; the bias must also lose the moving mean: (bias - moving_mean) * s + beta."
    if abs(bias - (0.5 - 4.0) * scale) < 1e-4:
        return "the kernel is right; BN's beta still has to be added to the new bias."
    return "the kernel is right; the new bias is (bias - moving_mean) * s + beta, to at least four decimals."
