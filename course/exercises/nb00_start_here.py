"""Notebook 00's exercise checkers (start here): each returns None for a right answer, else a hint."""

from __future__ import annotations

import math
from typing import Any

from course.checks import exercise, hint_for_number


@exercise("00.1", expects="a whole number (steps per epoch)")
def _check_00_1(answer: Any) -> str | None:
    n_train = math.floor(1797 * (1 - 0.2))  # 1437: Keras trains on the first 80 % of the 1,797 digits
    return hint_for_number(
        answer,
        math.ceil(n_train / 32),
        wrong={
            math.ceil(1797 / 32): "that counts all 1,797 digits; validation_split=0.2 holds the last 20 % out first.",
            n_train // 32: "the 1437 training samples do not fill a whole number of batches of 32: "
            "the partial last batch is a step too.",
            n_train / 32: "steps are whole numbers: a partial last batch still counts as one step.",
            n_train: "that is the number of training samples; how many batches of 32 do they make?",
        },
        hint="first work out how many of the 1,797 digits Keras trains on (it rounds down), "
        "then how many batches of 32 they make (a partial batch counts).",
    )
