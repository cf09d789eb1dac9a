"""Notebook 02's exercise checkers (batch size trade-offs): each returns None for a right answer, else a hint."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.checks import _as_number, exercise, hint_for_number


def _nb02_layer_bytes(layer_sizes: list[int], optimizer_slots: int) -> tuple[int, int]:
    """(fixed bytes, bytes per sample) of one float32 training step of an MLP: the answer key of 02.1."""
    n_params = sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    return (2 + optimizer_slots) * n_params * 4, 2 * sum(layer_sizes) * 4


@exercise("02.1", expects="a whole number (the largest batch size that fits)")
def _check_02_1(answer: Any) -> str | None:
    fixed, per_sample = _nb02_layer_bytes([64, 512, 512, 10], optimizer_slots=2)
    expected = (8 * 2**20 - fixed) // per_sample
    value = _as_number(answer)
    if value != int(value):
        return "a batch size is a whole number: round down, since a partial sample does not fit."
    if value == (8 * 2**20) // per_sample or value == (8 * 2**20 - fixed // 2) // per_sample:
        return "the fixed part is weights + their gradients + Adam's two slots: four copies of the parameters."
    if value == expected + 1:
        return "round down, not up: one more sample would not fit in the budget."
    if value > 0 and value < expected and value == 2 ** int(np.log2(value)) and 2 * value > expected:
        return "that is rounded down to a power of two; the exercise asks for the exact largest batch."
    return hint_for_number(
        value,
        expected,
        "subtract the fixed part (weights, gradients, optimizer slots) from the "
        "budget, then divide by the bytes per sample and round down.",
    )


@exercise("02.2", expects="a number (seconds of training to the target, for the faster batch size)")
def _check_02_2(answer: Any) -> str | None:
    small, large = 400 * 1.5e-3, 80 * 6e-3  # seconds to the target at B = 32 and at B = 256
    return hint_for_number(
        answer,
        min(small, large),
        "time to the target is updates x seconds per update; work it out for both batch sizes and keep the smaller.",
        wrong={
            small: "that is B = 32's time; work out B = 256's too and keep the faster one.",
            max(small, large) * 1000: "that is in milliseconds and for the slower batch size.",
            min(small, large) * 1000: "right comparison, but in milliseconds: give seconds.",
            abs(small - large): "that is the difference between the two; give the faster one's time.",
            max(small, large) / min(small, large): "that is the ratio; give the faster one's seconds.",
        },
    )


@exercise("02.3", expects="a number (the predicted noise, the standard deviation)")
def _check_02_3(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.6 / 4) < 1e-9:
        return "the variance falls like 1/B; the noise is its square root, so it falls like 1/sqrt(B)."
    if abs(value - 0.6 * 2) < 1e-9:
        return "a larger batch averages more samples, so the noise goes down, not up."
    if abs(value - 0.6**2 / 4) < 1e-9:
        return "that is the variance at B = 64; the exercise asks for the noise, its square root."
    return hint_for_number(
        value,
        0.6 / 2,
        "the noise (standard deviation) is proportional to 1/sqrt(B): how much smaller is 1/sqrt(B) at 4x the batch?",
    )


@exercise("02.4", expects="a number (the learning rate)")
def _check_02_4(answer: Any) -> str | None:
    value = _as_number(answer)
    if abs(value - 0.001) < 1e-12:
        return "the rule changes the learning rate when the batch changes."
    if abs(value - 0.001 * 8) < 1e-9:
        return "that is the linear rule, for SGD; Adam is scaled more gently, by the square root of the factor."
    return hint_for_number(
        value,
        0.001 * (256 / 32) ** 0.5,
        "by what factor did the batch grow? For Adam, multiply the learning rate by its square root.",
    )
