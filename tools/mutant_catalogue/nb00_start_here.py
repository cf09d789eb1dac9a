"""Mutants for notebook 00 (the environment check): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB00 = "notebooks/00_start_here.ipynb"
T00 = "tests/test_00_start_here.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "00-env-threshold",
        NB00,
        "if val_accuracy > 0.5 else",
        "if val_accuracy > 0.05 else",
        (f"{T00}::test_environment_check_verdict_on_made_up_histories",),
        "00: 'environment OK' only when the check is well above chance (threshold moved)",
    ),
    Mutant(
        "00-env-split",
        NB00,
        "epochs=3, batch_size=32, validation_split=0.2, verbose=0",
        "epochs=3, batch_size=32, validation_split=0.25, verbose=0",
        (f"{T00}::test_environment_check_cell_is_well_above_chance_and_makes_45_steps_per_epoch",),
        "00: the check trains on 80 % of the digits, 45 steps per epoch",
    ),
    Mutant(
        "00-exercise-split",
        "course/exercises/nb00_start_here.py",
        "n_train = math.floor(1797 * (1 - 0.2))",
        "n_train = math.floor(1797 * (1 - 0.25))",
        (f"{T00}::test_exercise_00_1_right_and_wrong_answers",),
        "_check_00_1 (exercise 00.1's answer)",
    ),
    Mutant(
        "00-pins-comment",
        "course/environment.py",
        'line = line.split("#", 1)[0].strip()',
        "line = line.strip()",
        (f"{T00}::test_pinned_requirements_and_mismatches_on_a_made_up_file",),
        "helpers.pinned_requirements (a trailing comment is not part of the version)",
    ),
    Mutant(
        "00-mismatch-ordered",
        "course/environment.py",
        "if installed != wanted:",
        "if installed < wanted:",
        (f"{T00}::test_pinned_requirements_and_mismatches_on_a_made_up_file",),
        "helpers.requirement_mismatches (any other version is a mismatch)",
    ),
]
