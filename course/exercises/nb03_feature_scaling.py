"""Notebook 03's exercise checkers (feature scaling): each returns None for a right answer, else a hint."""

from __future__ import annotations

from typing import Any

from course.checks import exercise, hint_for_number


@exercise("03.1", expects="a number (the scaled value of the 55,000-mile car)")
def _check_03_1(answer: Any) -> str | None:
    # min 5,000, max 205,000 miles, feature_range (-1, 1): 55,000 miles is a quarter of the way up.
    return hint_for_number(
        answer,
        -0.5,
        "first find the fraction of the way from the minimum to the maximum, then map 0..1 onto -1..1.",
        wrong={
            0.25: "that is the value for the default range 0..1; stretch it onto -1..1.",
            0.5: "check the sign: the car is below the middle of the training range.",
        },
    )


@exercise("03.2", expects="a number (the factor by which the miles weight's penalty grows)")
def _check_03_2(answer: Any) -> str | None:
    # the weight grows 1,000-fold when miles are counted in thousands; the L2 penalty alpha * w**2 grows 1,000**2-fold.
    return hint_for_number(
        answer,
        1_000_000,
        "the penalty is alpha times the weight squared; square the factor by which the weight grew.",
        wrong={
            1_000: "that is how much the weight grew; the penalty is charged on its square.",
            0.001: "the weight grows, not shrinks, when the input's unit gets larger.",
            1e-6: "the weight grows, not shrinks, when the input's unit gets larger.",
        },
    )


@exercise("03.3", expects="a number (the standardized miles of the 110,000-mile car)")
def _check_03_3(answer: Any) -> str | None:
    # training mean 60,000 and std 20,000; the batch [100,000, 110,000, 120,000] must use them.
    return hint_for_number(
        answer,
        2.5,
        "subtract the training mean and divide by the training standard deviation.",
        wrong={
            0.0: "that is what fit_transform on the new batch would give: it uses the batch's own mean. "
            "Use the training statistics.",
            -2.5: "check the sign: the car has driven more than the average training car.",
        },
    )


@exercise("03.4", expects="a number (the learning-rate limit that gradient descent must stay below)")
def _check_03_4(answer: Any) -> str | None:
    # largest Hessian eigenvalue L = 4.0; gradient descent on a quadratic converges for lr < 2 / L.
    return hint_for_number(
        answer,
        0.5,
        "along the steepest direction one step multiplies the distance to the minimum by (1 - lr * L); "
        "it must stay between -1 and 1.",
        wrong={
            0.25: "1 / L converges, but so do larger rates; how far can a step overshoot and still shrink?",
            2.0: "the limit gets smaller, not larger, when the surface is steeper.",
            8.0: "the limit gets smaller, not larger, when the surface is steeper.",
        },
    )
