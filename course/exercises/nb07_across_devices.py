"""Notebook 07's exercise checkers (across devices): each returns None for a right answer, else a hint."""

from __future__ import annotations

import math
from typing import Any

from course.checks import _as_number, exercise, hint_for_number


@exercise("07.1", expects="a whole number (steps per epoch)")
def _check_07_1(answer: Any) -> str | None:
    return hint_for_number(
        answer,
        math.ceil(1797 / (3 * 16)),
        wrong={
            math.ceil(1797 / 16): "that is one device at batch 16; with 3 replicas each step uses 3 x 16 samples.",
            1797
            // 48: "the 1,797 digits do not fill a whole number of global batches: the partial last one is a step too.",
            1797 / 48: "steps are whole numbers: a partial last batch still counts as one step.",
            math.ceil(1797 / 3): "each step consumes a global batch of 3 x 16 samples, not 3.",
        },
        hint="first work out the global batch (per-replica batch times replicas), then how many of those the "
        "1,797 digits make (a partial batch counts).",
    )


@exercise("07.2", expects="a number (a learning rate)")
def _check_07_2(answer: Any) -> str | None:
    return hint_for_number(
        answer,
        0.1 * (8 * 16) / (2 * 32),
        rel_tol=1e-3,
        wrong={
            0.1 * 8 / 2: "the replicas grew 4 times, but each now gets half as many samples: what matters is the "
            "global batch, per-replica batch times replicas.",
            0.1
            * 16
            / 32: "the per-replica batch halved, but there are 4 times as many replicas: compare the global batches.",
            0.1: "the global batch changed: 2 x 32 before, 8 x 16 after.",
            0.1 / 2: "the gradients are averaged over the global batch, so the step does not grow by itself: "
            "the learning rate goes up with the batch, not down.",
        },
        hint="work out the global batch before and after (per-replica batch times replicas), then apply notebook 02's "
        "linear rule: multiply the learning rate by the factor the global batch grew by.",
    )


@exercise("07.3", expects="a whole number (samples in one BN batch)")
def _check_07_3(answer: Any) -> str | None:
    return hint_for_number(
        answer,
        16,
        wrong={
            128: "128 is the effective batch of the update; the BN layer runs in each forward pass, "
            "on one micro-batch.",
            8: "8 is the number of accumulation steps, not the size of the batch BN sees.",
            256: "that is two updates' worth; what does one forward pass see?",
        },
        hint="BN computes its mean in the forward pass: which batch does one forward pass see?",
    )


@exercise("07.4", expects="a tuple of two whole numbers (default, synchronized), such as (1, 1)")
def _check_07_4(answer: Any) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise TypeError(f"expected a tuple of two numbers, got {type(answer).__name__}")
    default, synchronized = _as_number(answer[0]), _as_number(answer[1])
    if (default, synchronized) == (2, 16):
        return None
    if (default, synchronized) == (16, 2):
        return "the other way round: which of the two looks across replicas?"
    if default != 2:
        return "by default BN normalizes each replica's slice on its own: how many images does one GPU hold?"
    if synchronized == 8:
        return "8 is the number of replicas; synchronized BN normalizes over all the images of the step."
    return "synchronized BN normalizes over the global batch: images per GPU times GPUs."
