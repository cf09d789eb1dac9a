"""Mutants of what every notebook shares: helpers.setup's seed and the exercise checks."""

from __future__ import annotations

from .mutant import Mutant

MUTANTS: list[Mutant] = [
    Mutant(
        "shared-empty-course-seed",
        "helpers.py",
        'if override is not None and override.strip() != "":',
        "if override is not None:",
        ("tests/test_helpers_setup.py::test_empty_course_seed_means_no_override",),
        "helpers.resolve_seed / setup (an empty COURSE_SEED is no override)",
    ),
    Mutant(
        "shared-tolerance-moved",
        "course/checks.py",
        "return abs(a - b) <= rel_tol * max(1.0, abs(b))",
        "return abs(a - b) <= 0.01 * max(1.0, abs(b))",
        ("tests/test_exercise_checks.py::test_hint_for_number_tolerance_and_typical_wrong_answers",),
        "helpers.hint_for_number (equal within rel_tol only)",
    ),
    Mutant(
        "shared-placeholder",
        "course/checks.py",
        "if answer is Ellipsis:",
        "if answer is None:",
        ("tests/test_exercise_checks.py::test_placeholder_gets_a_friendly_not_answered_message",),
        "helpers.check (the ... placeholder is 'not answered yet')",
    ),
]
