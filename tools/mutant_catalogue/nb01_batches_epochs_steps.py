"""Mutants for notebook 01 (the steps-per-epoch rule): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB01 = "notebooks/01_batches_epochs_steps.ipynb"
T01 = "tests/test_01_batches_epochs_steps.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "01-remainder-of-one",
        "course/batch_counts.py",
        "if drop_remainder or remainder == 0:",
        "if drop_remainder or remainder <= 1:",
        (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
        "helpers.steps_per_epoch: a partial last batch is a step (a remainder of one sample dropped)",
    ),
    Mutant(
        "01-split-rounds-up",
        "course/batch_counts.py",
        "split_at = int(math.floor(n_samples * (1.0 - validation_split)))",
        "split_at = int(math.ceil(n_samples * (1.0 - validation_split)))",
        (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
        "helpers.training_samples: Keras rounds the training count down",
    ),
    Mutant(
        "01-last-batch-full",
        "course/batch_counts.py",
        "return [min(batch_size, n_train - k * batch_size) for k in range(steps)]",
        "return [batch_size for k in range(steps)]",
        (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
        "helpers.batch_sizes: the last batch is the remainder",
    ),
    Mutant(
        "01-zero-samples-refused",
        "course/batch_counts.py",
        '    if value < minimum:\n        raise ValueError(f"{name} must be >= {minimum}',
        '    if value <= minimum:\n        raise ValueError(f"{name} must be >= {minimum}',
        (f"{T01}::test_good_edge_cases",),
        "_check_whole_number (0 samples is allowed)",
    ),
    Mutant(
        "01-orders-reversed",
        "course/batch_recorder.py",
        "return [[i for batch in epoch for i in batch] for epoch in self.ids]",
        "return [[i for batch in reversed(epoch) for i in batch] for epoch in self.ids]",
        (f"{T01}::test_recorder_result_properties",),
        "helpers.FedBatches.orders (batches joined in the order fed)",
    ),
    Mutant(
        "01-recorder-shuffle-dropped",
        "course/batch_recorder.py",
        '"shuffle": bool(shuffle),',
        '"shuffle": True,',
        (f"{T01}::test_shuffling_claims",),
        "helpers.record_fed_batches passes shuffle= to fit() unchanged",
    ),
    Mutant(
        "01-plot-one-style",
        "course/batch_recorder.py",
        "color, hatch = _BATCH_STYLES[b % 2]",
        "color, hatch = _BATCH_STYLES[0]",
        (f"{T01}::test_plot_batches_styles_alternate_with_the_same_rule_for_every_batch_size",),
        "helpers.plot_batches: consecutive batches alternate between two styles",
    ),
    Mutant(
        "01-practice-batch-ignored",
        NB01,
        "history = model.fit(x_train, y_train, batch_size=batch_size,",
        "history = model.fit(x_train, y_train, batch_size=32,",
        (f"{T01}::test_practice_same_epochs_different_updates",),
        "01: same epochs, different updates (300 at B = 10, 30 at B = 100), B = 10 ahead",
    ),
    Mutant(
        "01-shuffle-buffer-full",
        NB01,
        ".shuffle(buffer_size, seed=seed)",
        ".shuffle(12, seed=seed)",
        (f"{T01}::test_shuffle_buffer_smaller_than_n_does_not_shuffle_fully",),
        "01: a shuffle buffer smaller than N does not shuffle fully",
    ),
]
