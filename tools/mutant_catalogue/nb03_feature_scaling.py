"""Mutants for notebook 03 (feature scaling): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB03 = "notebooks/03_feature_scaling.ipynb"
T03 = "tests/test_03_feature_scaling.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "03-standardize-uncentred",
        NB03,
        "return (X - mean) / std",
        "return X / std",
        (f"{T03}::test_hand_written_standardization_equals_standardscaler",),
        "03: hand-written standardization equals StandardScaler",
    ),
    Mutant(
        "03-min-max-range",
        NB03,
        "/ (x_max - x_min) * (high - low)",
        "/ (x_max - x_min) * high",
        (f"{T03}::test_hand_written_min_max_equals_minmaxscaler",),
        "03: hand-written min-max equals MinMaxScaler",
    ),
    Mutant(
        "03-scaler-fitted-on-validation",
        NB03,
        "StandardScaler().fit(X_train)\n    centre =",
        "StandardScaler().fit(X_val)\n    centre =",
        (f"{T03}::test_scaled_inputs_are_what_the_prose_says",),
        "03: every scaler is fitted on the training rows only",
    ),
    Mutant(
        "03-gradient-step-halved",
        NB03,
        "w = w - learning_rate * 2 / len(X) * X.T @ (X @ w - y)",
        "w = w - learning_rate / len(X) * X.T @ (X @ w - y)",
        (f"{T03}::test_steps_needed_under_both_rules",),
        "03: the race (about a thousand steps in thousands of miles, a handful standardized)",
    ),
    Mutant(
        "03-active-relus-axis",
        NB03,
        "np.any(X @ kernel + bias > 0, axis=0)",
        "np.any(X @ kernel + bias > 0, axis=1)",
        (f"{T03}::test_active_relus_counts_units_any_row_switches_on",),
        "03: counting dead ReLUs (per unit, not per row)",
    ),
    Mutant(
        "03-outlier-not-in-fit",
        NB03,
        "scaler.fit(np.vstack([values, [[outlier]]])).transform(values)",
        "scaler.fit(values).transform(values)",
        (f"{T03}::test_one_outlier_squeezes_min_max_most_standard_less_robust_not",),
        "03: one outlier squeezes min-max most, standardization less, RobustScaler not",
    ),
    Mutant(
        "03-validation-plot-sci-ticks",
        "course/regression.py",
        'ax.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])',
        "ax.set_yticks(ticks)",
        (f"{T03}::test_plot_helpers_reject_nonsense",),
        "helpers.plot_validation_losses (plain tick numbers on the log axis)",
    ),
    Mutant(
        "03-columns-without-unit",
        "course/plots.py",
        'ax.set(xlabel=f"{column} ({units[column]})", title=column)',
        "ax.set(xlabel=column, title=column)",
        (f"{T03}::test_plot_columns_labels_each_histogram_with_its_unit",),
        "helpers.plot_columns (each axis labelled with its unit)",
    ),
    Mutant(
        "03-verdict-threshold",
        "course/regression.py",
        "val_mse > 100 * baseline:",
        "val_mse > 1000 * baseline:",
        (f"{T03}::test_verdict_says_diverged_above_100_times_the_baseline_only",),
        "helpers.verdict ('diverged' above 100x the baseline)",
    ),
    Mutant(
        "03-first-step-off-by-one",
        "course/loss_surface.py",
        "return int(reached[0]) if reached.size else None",
        "return int(reached[0]) + 1 if reached.size else None",
        (f"{T03}::test_first_step_within_finds_the_first_step_or_none",),
        "helpers.first_step_within (off by one)",
    ),
    Mutant(
        "03-written-out-digits",
        "course/formatting.py",
        "return f\"{float(f'{value:.{digits}g}'):,.0f}\"",
        "return f\"{float(f'{value:.{digits + 1}g}'):,.0f}\"",
        (f"{T03}::test_steps_to_minimum_and_written_out_reject_nonsense",),
        "helpers.written_out (significant digits)",
    ),
    Mutant(
        "03-race-fraction",
        "course/loss_surface.py",
        "n = first_step_within(losses, lowest, 0.99)",
        "n = first_step_within(losses, lowest, 0.9)",
        (f"{T03}::test_steps_to_minimum_prints_the_race_counts",),
        "helpers.steps_to_minimum (99 % of the way down)",
    ),
    Mutant(
        "03-mlp-no-relu",
        "course/regression.py",
        'keras.layers.Dense(16, activation="relu"),',
        "keras.layers.Dense(16),",
        (f"{T03}::test_build_mlp_is_the_network_the_prose_describes",),
        "helpers.build_mlp (16 ReLUs)",
    ),
    Mutant(
        "03-curve-training-loss",
        "course/regression.py",
        "predicted = np.asarray(self.model.predict_on_batch(x_val), dtype=float).reshape(-1)",
        "predicted = np.asarray(self.model.predict_on_batch(inputs[0]), dtype=float).reshape(-1)[:len(y_val)]",
        (f"{T03}::test_validation_curve_is_the_validation_mse_after_each_epoch",),
        "helpers.validation_curve (validation, not training, MSE)",
    ),
    Mutant(
        "03-loader-line-number",
        "course/data.py",
        'raise ValueError(\n                f"{path}, line {row + 2}:',
        'raise ValueError(\n                f"{path}, line {row + 1}:',
        ("tests/test_03_data.py::test_malformed_file_error_names_the_file_and_the_problem",),
        "helpers.load_used_cars (the line named in the error)",
    ),
]
