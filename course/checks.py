"""Exercises: one self-check convention for every notebook (the registry, `check` and the hints).

The checkers themselves, one module per notebook, are in `course.exercises`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# A learner's exercise cell ends with ``helpers.check("01.1", answer)``. The
# check prints whether the answer is right and, when it is not, a hint that
# does not give the answer away. It never raises: an unanswered placeholder
# (``...``) or a value of the wrong type gets a friendly message instead.
# Each checker (course/exercises/) returns None when the answer is right, else a hint.


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id, what it asks for, and a function that returns a hint or None."""

    exercise_id: str
    expects: str
    checker: Callable[[Any], str | None]


_EXERCISES: dict[str, Exercise] = {}


def exercise(exercise_id: str, expects: str) -> Callable[[Callable[[Any], str | None]], Callable[[Any], str | None]]:
    """Register a checker for `exercise_id` (decorator). `expects` says the answer's type in words."""

    def register(checker: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        if exercise_id in _EXERCISES:
            raise ValueError(f"exercise_id {exercise_id!r} is registered twice")
        _EXERCISES[exercise_id] = Exercise(exercise_id, expects, checker)
        return checker

    return register


def exercise_ids() -> list[str]:
    """Return the ids of every registered exercise, sorted."""
    return sorted(_EXERCISES)


def _evaluate(exercise_id: str, answer: Any) -> tuple[bool, str]:
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string such as '01.1', got {exercise_id!r}")
    if exercise_id not in _EXERCISES:
        raise ValueError(f"exercise_id {exercise_id!r} is unknown; known ids: {', '.join(exercise_ids())}")
    ex = _EXERCISES[exercise_id]
    if answer is Ellipsis:
        return (
            False,
            f"Exercise {exercise_id}: not answered yet. Replace the ... with {ex.expects}, then run the cell again.",
        )
    try:
        hint = ex.checker(answer)
    except Exception:  # a wrong type or shape: say so kindly instead of a traceback
        return False, (
            f"Exercise {exercise_id}: could not check an answer of type {type(answer).__name__}. "
            f"This exercise expects {ex.expects}."
        )
    if hint is None:
        return True, f"Exercise {exercise_id}: correct. Well done!"
    return False, f"Exercise {exercise_id}: not yet. Hint: {hint}"


def check(exercise_id: str, answer: Any) -> None:
    """Print whether `answer` solves exercise `exercise_id`, with a hint when it does not.

    Parameters
    ----------
    exercise_id : str
        The exercise's id, such as ``"01.1"`` (notebook 01, exercise 1).
    answer : object
        The learner's answer; ``...`` means "not answered yet".

    Raises
    ------
    TypeError, ValueError
        Only if `exercise_id` itself is not a known id (a typo in the notebook).
    """
    print(_evaluate(exercise_id, answer)[1])


def is_correct(exercise_id: str, answer: Any) -> bool:
    """Return True if `answer` solves exercise `exercise_id` (silent version of `check`, for tests)."""
    return _evaluate(exercise_id, answer)[0]


def _as_number(answer: Any) -> float:
    """Return `answer` as a float; raise TypeError for strings, bools and other non-numbers."""
    if isinstance(answer, (bool, str)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise TypeError(f"expected a number, got {type(answer).__name__}")
    return float(answer)


def hint_for_number(
    answer: Any, expected: float, hint: str, rel_tol: float = 1e-6, wrong: dict[float, str] | None = None
) -> str | None:
    """Return None if `answer` equals `expected` (within `rel_tol`), else a hint.

    `wrong` maps typical wrong answers to their own hints; any other value gets `hint`.
    A helper for writing checkers: raises TypeError for non-numbers, which
    `check` turns into a friendly message.
    """
    value = _as_number(answer)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel_tol * max(1.0, abs(b))

    if close(value, expected):
        return None
    for wrong_value, wrong_hint in (wrong or {}).items():
        if close(value, wrong_value):
            return wrong_hint
    return hint
