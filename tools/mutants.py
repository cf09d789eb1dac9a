"""`make mutants`: plant small plausible bugs, one at a time, and check that the tests catch each one.

Every mutant names one file (helpers.py, a module of the package course/, a notebook or a tool), an exact piece of
its text (which must occur exactly once: in a notebook, across its code cells' sources) and the text that replaces
it, the claim or helper it breaks, and the few tests that should fail. For each mutant the repository's files
(tracked and untracked, not ignored: no .venv, no build) are copied to a scratch directory, the bug is planted there,
and pytest runs only the named tests in that copy, with PYTHONPATH set so that `import helpers` and `import course`
find the scratch copy's helpers.py and course/ rather than the editable install's /work/main/helpers.py and
/work/main/course/ (checked before the first mutant). /work/main itself is never written to. A mutant is *caught*
when pytest reports failed tests; passing is *missed*; anything else (a collection error, a timeout) is reported as
such. The exit status is 0 only if every mutant is caught.

A catch counts only if the test that failed passes without the mutant: after the mutants, the first failing test
of every caught mutant is run once on the unmutated copy (all of them in one pytest run); a catch whose test fails
there too is reported as "unconfirmed" and fails the run.

Usage:  python tools/mutants.py [--jobs 2] [--timeout 300] [--baseline] [--check] [NAME ...]
    --check     only verify that every mutant applies (its text occurs exactly once) and names existing tests
    --baseline  first run every named test (all cases) on the unmutated copy; they must all pass (slower)
    NAME ...    run only these mutants
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to the repository root; .ipynb: the text is looked up in the code cells' sources
    old: str
    new: str
    tests: tuple[str, ...]  # pytest node ids (file::test, a parametrized test runs all its cases)
    breaks: str  # the claim or helper the bug makes wrong


T00 = "tests/test_00_start_here.py"
T01 = "tests/test_01_batches_epochs_steps.py"
T02 = "tests/test_02_batch_size_tradeoffs.py"
T03 = "tests/test_03_feature_scaling.py"
T04 = "tests/test_04_why_batch_norm.py"
T05 = "tests/test_05_batch_norm_from_scratch.py"
T06 = "tests/test_06_with_and_without_batch_norm.py"
T07 = "tests/test_07_across_devices.py"
NB00 = "notebooks/00_start_here.ipynb"
NB01 = "notebooks/01_batches_epochs_steps.ipynb"
NB02 = "notebooks/02_batch_size_tradeoffs.ipynb"
NB03 = "notebooks/03_feature_scaling.ipynb"
NB04 = "notebooks/04_why_batch_norm.ipynb"
NB05 = "notebooks/05_batch_norm_from_scratch.ipynb"
NB06 = "notebooks/06_with_and_without_batch_norm.ipynb"
NB07 = "notebooks/07_across_devices.ipynb"

MUTANTS: list[Mutant] = [
    # --- shared helpers (setup, exercise checks) -------------------------------------------------------------
    Mutant("shared-empty-course-seed", "helpers.py", 'if override is not None and override.strip() != "":',
           "if override is not None:", ("tests/test_helpers_setup.py::test_empty_course_seed_means_no_override",),
           "helpers.resolve_seed / setup (an empty COURSE_SEED is no override)"),
    Mutant("shared-tolerance-moved", "course/checks.py", "return abs(a - b) <= rel_tol * max(1.0, abs(b))",
           "return abs(a - b) <= 0.01 * max(1.0, abs(b))",
           ("tests/test_exercise_checks.py::test_hint_for_number_tolerance_and_typical_wrong_answers",),
           "helpers.hint_for_number (equal within rel_tol only)"),
    Mutant("shared-placeholder", "course/checks.py", "if answer is Ellipsis:", "if answer is None:",
           ("tests/test_exercise_checks.py::test_placeholder_gets_a_friendly_not_answered_message",),
           "helpers.check (the ... placeholder is 'not answered yet')"),
    # --- notebook 00: the environment check ---------------------------------------------------------------
    Mutant("00-env-threshold", NB00, "if val_accuracy > 0.5 else", "if val_accuracy > 0.05 else",
           (f"{T00}::test_environment_check_verdict_on_made_up_histories",),
           "00: 'environment OK' only when the check is well above chance (threshold moved)"),
    Mutant("00-env-split", NB00, "epochs=3, batch_size=32, validation_split=0.2, verbose=0",
           "epochs=3, batch_size=32, validation_split=0.25, verbose=0",
           (f"{T00}::test_environment_check_cell_is_well_above_chance_and_makes_45_steps_per_epoch",),
           "00: the check trains on 80 % of the digits, 45 steps per epoch"),
    Mutant("00-exercise-split", "course/exercises/nb00_start_here.py", "n_train = math.floor(1797 * (1 - 0.2))",
           "n_train = math.floor(1797 * (1 - 0.25))",
           (f"{T00}::test_exercise_00_1_right_and_wrong_answers",), "_check_00_1 (exercise 00.1's answer)"),
    Mutant("00-pins-comment", "course/environment.py", 'line = line.split("#", 1)[0].strip()', "line = line.strip()",
           (f"{T00}::test_pinned_requirements_and_mismatches_on_a_made_up_file",),
           "helpers.pinned_requirements (a trailing comment is not part of the version)"),
    Mutant("00-mismatch-ordered", "course/environment.py", "if installed != wanted:", "if installed < wanted:",
           (f"{T00}::test_pinned_requirements_and_mismatches_on_a_made_up_file",),
           "helpers.requirement_mismatches (any other version is a mismatch)"),
    # --- notebook 01: the steps-per-epoch rule ------------------------------------------------------------
    Mutant("01-remainder-of-one", "course/batch_counts.py", "if drop_remainder or remainder == 0:",
           "if drop_remainder or remainder <= 1:",
           (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
           "helpers.steps_per_epoch: a partial last batch is a step (a remainder of one sample dropped)"),
    Mutant("01-split-rounds-up", "course/batch_counts.py",
           "split_at = int(math.floor(n_samples * (1.0 - validation_split)))",
           "split_at = int(math.ceil(n_samples * (1.0 - validation_split)))",
           (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
           "helpers.training_samples: Keras rounds the training count down"),
    Mutant("01-last-batch-full", "course/batch_counts.py",
           "return [min(batch_size, n_train - k * batch_size) for k in range(steps)]",
           "return [batch_size for k in range(steps)]",
           (f"{T01}::test_rule_on_an_exhaustive_grid_against_integer_arithmetic",),
           "helpers.batch_sizes: the last batch is the remainder"),
    Mutant("01-zero-samples-refused", "course/batch_counts.py",
           "    if value < minimum:\n        raise ValueError(f\"{name} must be >= {minimum}",
           "    if value <= minimum:\n        raise ValueError(f\"{name} must be >= {minimum}",
           (f"{T01}::test_good_edge_cases",), "_check_whole_number (0 samples is allowed)"),
    Mutant("01-orders-reversed", "course/batch_recorder.py",
           "return [[i for batch in epoch for i in batch] for epoch in self.ids]",
           "return [[i for batch in reversed(epoch) for i in batch] for epoch in self.ids]",
           (f"{T01}::test_recorder_result_properties",), "helpers.FedBatches.orders (batches joined in the order fed)"),
    Mutant("01-recorder-shuffle-dropped", "course/batch_recorder.py",
           '"validation_split": validation_split, "shuffle": bool(shuffle)}',
           '"validation_split": validation_split, "shuffle": True}',
           (f"{T01}::test_shuffling_claims",), "helpers.record_fed_batches passes shuffle= to fit() unchanged"),
    Mutant("01-plot-one-style", "course/batch_recorder.py",
           "color, hatch = _BATCH_STYLES[b % 2]", "color, hatch = _BATCH_STYLES[0]",
           (f"{T01}::test_plot_batches_styles_alternate_with_the_same_rule_for_every_batch_size",),
           "helpers.plot_batches: consecutive batches alternate between two styles"),
    Mutant("01-practice-batch-ignored", NB01, "history = model.fit(x_train, y_train, batch_size=batch_size,",
           "history = model.fit(x_train, y_train, batch_size=32,",
           (f"{T01}::test_practice_same_epochs_different_updates",),
           "01: same epochs, different updates (300 at B = 10, 30 at B = 100), B = 10 ahead"),
    Mutant("01-shuffle-buffer-full", NB01, ".shuffle(buffer_size, seed=seed)", ".shuffle(12, seed=seed)",
           (f"{T01}::test_shuffle_buffer_smaller_than_n_does_not_shuffle_fully",),
           "01: a shuffle buffer smaller than N does not shuffle fully"),
    # --- notebook 02: batch size trade-offs ---------------------------------------------------------------
    Mutant("02-variance-not-squared", NB02, "np.sum((flat_gradient(x_train[i], y_train[i]).numpy() - full) ** 2)",
           "np.sum(np.abs(flat_gradient(x_train[i], y_train[i]).numpy() - full))",
           (f"{T02}::test_gradient_variance_falls_like_1_over_b",),
           "02: the gradient's variance falls like 1/B (its noise like 1/sqrt(B))"),
    Mutant("02-activations-counted-once", NB02, "per_sample = 2 * sum(layer_sizes) * bytes_per_number",
           "per_sample = sum(layer_sizes) * bytes_per_number",
           (f"{T02}::test_memory_estimate_for_the_notebook_model",),
           "02: memory: fixed weights + optimizer state, activations and their gradients grow with B"),
    Mutant("02-fits-one-too-many", NB02, "return max(0, (budget_bytes - fixed) // per_sample)",
           "return max(0, (budget_bytes - fixed) // per_sample + 1)",
           (f"{T02}::test_largest_batch_that_fits_a_budget",), "02: the largest batch that fits a memory budget"),
    Mutant("02-race-sqrt-rule", NB02, "race_lr = {b: 0.05 * b / 32 for b", "race_lr = {b: 0.05 * (b / 32) ** 0.5 for b",
           (f"{T02}::test_up_to_128_four_times_the_batch_needs_about_four_times_fewer_updates",),
           "02: the race runs every batch size at the linear rule's learning rate"),
    Mutant("02-scaling-lr-ignored", NB02, "helpers.restart(model, seed, learning_rate)\n    model.fit(x_train, y_train, "
           "batch_size=batch_size, epochs=epochs",
           "helpers.restart(model, seed, 0.05)\n    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs",
           (f"{T02}::test_same_lr_bigger_batch_learns_less_and_4x_lr_recovers_at_least_80_percent",),
           "02: at the same lr a 4x batch learns less; 4x the lr recovers at least 80 %"),
    Mutant("02-slope-of-raw-y", "course/loglog.py", "return float(np.polyfit(np.log(x), np.log(y), 1)[0])",
           "return float(np.polyfit(np.log(x), y, 1)[0])",
           (f"{T02}::test_log_log_slope_and_its_bad_input",), "helpers.log_log_slope"),
    Mutant("02-restart-keeps-optimizer-state", "course/training.py",
           "for variable in optimizer.variables:  # iteration",
           "for variable in optimizer.variables[1:]:  # iteration",
           (f"{T02}::test_restart_gives_the_same_fresh_weights_for_a_seed_and_resets_the_optimizer",),
           "helpers.restart (fresh optimizer state, iteration count 0)"),
    Mutant("02-recorder-cadence", "course/training.py", "if self._count % every == 0 and not self.reached:",
           "if self._count % every == 1 and not self.reached:",
           (f"{T02}::test_loss_recorder_measures_every_k_updates_and_stops_at_the_target",),
           "helpers.loss_recorder (a measurement every k updates)"),
    Mutant("02-plot-linear-x", "course/loglog.py", 'ax.set(xscale="log", yscale="log", xlabel=xlabel',
           'ax.set(yscale="log", xlabel=xlabel', (f"{T02}::test_plot_loglog_returns_its_axes_and_refuses_nonsense",),
           "helpers.plot_loglog (log-log axes)"),
    Mutant("02-epoch-timer-cpu-clock", "course/timing.py",
           "self._start = time.perf_counter()\n\n        def on_epoch_end"
           "(self, epoch, logs=None):\n            self.seconds.append(time.perf_counter() - self._start)",
           "self._start = time.process_time()\n\n        def on_epoch_end(self, epoch, logs=None):\n"
           "            self.seconds.append(time.process_time() - self._start)",
           (f"{T02}::test_epoch_timer_records_one_duration_per_epoch",), "helpers.epoch_timer (wall-clock seconds)"),
    Mutant("02-update-timer-one-short", "course/timing.py", "rows = np.arange(int(updates) * int(batch_size)) % len(x)",
           "rows = np.arange((int(updates) - 1) * int(batch_size)) % len(x)",
           (f"{T02}::test_seconds_per_update_times_single_updates",), "helpers.seconds_per_update (`updates` updates)"),
    # --- notebook 03: feature scaling ---------------------------------------------------------------------
    Mutant("03-standardize-uncentred", NB03, "return (X - mean) / std", "return X / std",
           (f"{T03}::test_hand_written_standardization_equals_standardscaler",),
           "03: hand-written standardization equals StandardScaler"),
    Mutant("03-min-max-range", NB03, "/ (x_max - x_min) * (high - low)", "/ (x_max - x_min) * high",
           (f"{T03}::test_hand_written_min_max_equals_minmaxscaler",), "03: hand-written min-max equals MinMaxScaler"),
    Mutant("03-scaler-fitted-on-validation", NB03, "StandardScaler().fit(X_train)\n    centre =",
           "StandardScaler().fit(X_val)\n    centre =",
           (f"{T03}::test_scaled_inputs_are_what_the_prose_says",), "03: every scaler is fitted on the training rows only"),
    Mutant("03-gradient-step-halved", NB03, "w = w - learning_rate * 2 / len(X) * X.T @ (X @ w - y)",
           "w = w - learning_rate / len(X) * X.T @ (X @ w - y)",
           (f"{T03}::test_steps_needed_under_both_rules",),
           "03: the race (about a thousand steps in thousands of miles, a handful standardized)"),
    Mutant("03-active-relus-axis", NB03, "np.any(X @ kernel + bias > 0, axis=0)", "np.any(X @ kernel + bias > 0, axis=1)",
           (f"{T03}::test_active_relus_counts_units_any_row_switches_on",), "03: counting dead ReLUs (per unit, not per row)"),
    Mutant("03-outlier-not-in-fit", NB03, "scaler.fit(np.vstack([values, [[outlier]]])).transform(values)",
           "scaler.fit(values).transform(values)",
           (f"{T03}::test_one_outlier_squeezes_min_max_most_standard_less_robust_not",),
           "03: one outlier squeezes min-max most, standardization less, RobustScaler not"),
    Mutant("03-validation-plot-sci-ticks", "course/regression.py",
           'ax.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])',
           "ax.set_yticks(ticks)", (f"{T03}::test_plot_helpers_reject_nonsense",),
           "helpers.plot_validation_losses (plain tick numbers on the log axis)"),
    Mutant("03-columns-without-unit", "course/plots.py", 'ax.set(xlabel=f"{column} ({units[column]})", title=column)',
           "ax.set(xlabel=column, title=column)", (f"{T03}::test_plot_columns_labels_each_histogram_with_its_unit",),
           "helpers.plot_columns (each axis labelled with its unit)"),
    Mutant("03-verdict-threshold", "course/regression.py", "val_mse > 100 * baseline:", "val_mse > 1000 * baseline:",
           (f"{T03}::test_verdict_says_diverged_above_100_times_the_baseline_only",),
           "helpers.verdict ('diverged' above 100x the baseline)"),
    Mutant("03-first-step-off-by-one", "course/loss_surface.py", "return int(reached[0]) if reached.size else None",
           "return int(reached[0]) + 1 if reached.size else None",
           (f"{T03}::test_first_step_within_finds_the_first_step_or_none",), "helpers.first_step_within (off by one)"),
    Mutant("03-written-out-digits", "course/formatting.py", "return f\"{float(f'{value:.{digits}g}'):,.0f}\"",
           "return f\"{float(f'{value:.{digits + 1}g}'):,.0f}\"",
           (f"{T03}::test_steps_to_minimum_and_written_out_reject_nonsense",), "helpers.written_out (significant digits)"),
    Mutant("03-race-fraction", "course/loss_surface.py", "n = first_step_within(losses, lowest, 0.99)",
           "n = first_step_within(losses, lowest, 0.9)",
           (f"{T03}::test_steps_to_minimum_prints_the_race_counts",), "helpers.steps_to_minimum (99 % of the way down)"),
    Mutant("03-mlp-no-relu", "course/regression.py",
           'keras.layers.Dense(16, activation="relu"),', "keras.layers.Dense(16),",
           (f"{T03}::test_build_mlp_is_the_network_the_prose_describes",), "helpers.build_mlp (16 ReLUs)"),
    Mutant("03-curve-training-loss", "course/regression.py",
           'predicted = np.asarray(self.model.predict_on_batch(x_val), dtype=float).reshape(-1)',
           'predicted = np.asarray(self.model.predict_on_batch(inputs[0]), dtype=float).reshape(-1)[:len(y_val)]',
           (f"{T03}::test_validation_curve_is_the_validation_mse_after_each_epoch",),
           "helpers.validation_curve (validation, not training, MSE)"),
    Mutant("03-loader-line-number", "course/data.py", 'raise ValueError(\n                f"{path}, line {row + 2}:',
           'raise ValueError(\n                f"{path}, line {row + 1}:',
           ("tests/test_03_data.py::test_malformed_file_error_names_the_file_and_the_problem",),
           "helpers.load_used_cars (the line named in the error)"),
    # --- notebook 04: why batch normalization -------------------------------------------------------------
    Mutant("04-extreme-weight-wrong-unit", NB04, "k[3, 3] = extreme", "k[3, 2] = extreme",
           (f"{T04}::test_extreme_weight_makes_unit_4_ten_times_louder_than_its_neighbours",),
           "04: one extreme weight makes unit 4 ten times louder than its neighbours"),
    Mutant("04-measure-inference-mode", NB04, "outputs = model(x, training=True)", "outputs = model(x)",
           (f"{T04}::test_with_bn_hidden_1_passes_on_std_1_and_later_layers_are_near_untouched",),
           "04: with BN, hidden 1 passes on std 1 (the batch's own statistics)"),
    Mutant("04-plain-network-gets-bn", "course/bn_probes.py", "h1 = bn(a1) if use_bn else a1", "h1 = bn(a1)",
           (f"{T04}::test_extreme_weight_makes_unit_4_ten_times_louder_than_its_neighbours",),
           "helpers.build_small_networks (the plain network has no BN)"),
    Mutant("04-depth-plot-linear", "course/bn_probes.py",
           "        ax.set_yscale(scale)\n        ax.set_xlabel(\"layer\")",
           "        ax.set_yscale(\"linear\")\n        ax.set_xlabel(\"layer\")",
           (f"{T04}::test_plot_depth_statistics_draws_each_statistic_per_layer",),
           "helpers.plot_depth_statistics (the spread on a log axis)"),
    Mutant("04-saturation-threshold", "course/bn_probes.py",
           '"saturated": np.array([np.mean(np.abs(v) > 0.99) for v in a])',
           '"saturated": np.array([np.mean(np.abs(v) > 0.9) for v in a])',
           (f"{T04}::test_depth_statistics_match_numpy_on_the_raw_outputs",),
           "helpers.depth_statistics (saturated: |tanh| > 0.99)"),
    Mutant("04-slope-formula", "course/bn_probes.py", '"slope": np.array([np.mean(1 - v ** 2) for v in a])',
           '"slope": np.array([np.mean(1 - np.abs(v)) for v in a])',
           (f"{T04}::test_depth_statistics_match_numpy_on_the_raw_outputs",),
           "helpers.depth_statistics (tanh's slope 1 - tanh^2)"),
    Mutant("04-deep-bn-epsilon", "course/bn_probes.py", "h = keras.layers.BatchNormalization()(h)\n        tanh_inputs",
           "h = keras.layers.BatchNormalization(epsilon=0.5)(h)\n        tanh_inputs",
           (f"{T04}::test_with_bn_every_tanh_input_has_mean_0_std_1",),
           "helpers.build_deep_tanh: with BN every tanh input has mean 0, std 1"),
    # --- notebook 05: batch normalization from scratch ----------------------------------------------------
    Mutant("05-unbiased-variance", NB05, "var = ((x - mu) ** 2).mean(axis=0)", "var = x.var(axis=0, ddof=1)",
           (f"{T05}::test_batch_norm_matches_keras_in_training_mode",),
           "05: batch_norm uses the biased batch variance, as Keras"),
    Mutant("05-mean-wrong-axis", NB05, "mu = x.mean(axis=0)                       # step 1",
           "mu = x.mean(axis=1, keepdims=True)        # step 1",
           (f"{T05}::test_batch_norm_matches_keras_in_training_mode",),
           "05: statistics per feature, over the batch axis"),
    Mutant("05-momentum-swapped", NB05, "return moving * momentum + batch_stat * (1.0 - momentum)",
           "return batch_stat * momentum + moving * (1.0 - momentum)",
           (f"{T05}::test_momentum_arithmetic_in_the_prose",),
           "05: the moving average keeps `momentum` of the old value"),
    Mutant("05-fold-bias-unscaled", NB05, "return kernel * scale, (bias - moving_mean) * scale + beta",
           "return kernel * scale, (bias - moving_mean) + beta",
           (f"{T05}::test_fold_batch_norm_by_hand",), "05: folding BN into the layer before scales the bias"),
    Mutant("05-backward-sign", NB05, "(m * dy - dbeta - x_hat * dgamma)", "(m * dy - dbeta + x_hat * dgamma)",
           (f"{T05}::test_gradient_matches_finite_differences_and_sums_to_zero",),
           "05: the backward pass matches GradientTape and finite differences"),
    Mutant("05-stage-marker-median", "course/bn_plots.py", "ax.plot(j + 1.0, batch[:, j].mean(), marker=\"_\"",
           "ax.plot(j + 1.0, np.median(batch[:, j]), marker=\"_\"",
           (f"{T05}::test_plot_bn_stages_draws_one_panel_per_stage",), "helpers.plot_bn_stages (the batch mean marked)"),
    Mutant("05-rounded-negative-zero", "course/formatting.py",
           "return np.round(np.asarray(values, dtype=float), decimals) + 0.0",
           "return np.round(np.asarray(values, dtype=float), decimals)",
           (f"{T05}::test_rounded_has_no_negative_zeros",), "helpers.rounded shows -0.0 as 0.0"),
    # --- notebook 06: with and without batch normalization -----------------------------------------------
    Mutant("06-learning-rate-ignored", "course/training.py", "model.optimizer.learning_rate.assign(learning_rate)",
           "model.optimizer.learning_rate.assign(0.05)",
           (f"{T06}::test_without_bn_a_learning_rate_of_3_diverges",),
           "06: without BN a learning rate of 3 (x30) diverges (helpers.train_run sets the rate)"),
    Mutant("06-depth-ignored", NB06, "for _ in range(depth):", "for _ in range(4):",
           (f"{T06}::test_build_model_depth_and_rejects_an_unknown_norm",),
           "06: the 16-hidden-layer comparison really has 16 hidden layers"),
    Mutant("06-precise-bn-biased", NB06, "np.var(x, axis=0, ddof=1)", "np.var(x, axis=0)",
           (f"{T06}::test_precise_bn_sets_population_statistics_layer_by_layer",),
           "06: precise BN statistics (population mean and unbiased variance)"),
    Mutant("06-accuracy-wrong-axis", "course/training.py", "np.argmax(model.predict_on_batch(x), axis=1)",
           "np.argmax(model.predict_on_batch(x), axis=0)",
           (f"{T06}::test_train_run_records_per_epoch_and_an_inference_mode_training_loss",), "helpers.accuracy"),
    Mutant("06-fresh-start-he-bound", "course/training.py", "limit = np.sqrt(6 / (weight.shape[0] + weight.shape[1]))",
           "limit = np.sqrt(6 / weight.shape[0])",
           (f"{T06}::test_fresh_start_draws_glorot_kernels_and_neutral_normalization",),
           "helpers.fresh_start (Glorot uniform kernels)"),
    Mutant("06-reusable-model-kwargs-ignored", "course/training.py",
           "key = (build, args, tuple(sorted(kwargs.items())))",
           "key = (build, args)",
           (f"{T06}::test_reusable_model_builds_once_per_arguments_and_rejects_bad_input",),
           "helpers.reusable_model (one model per set of arguments)"),
    Mutant("06-band-unbiased-std", "course/plots.py",
           "low, high = mean - runs.std(axis=0), mean + runs.std(axis=0)",
           "low, high = mean - runs.std(axis=0, ddof=1), mean + runs.std(axis=0, ddof=1)",
           (f"{T06}::test_plot_mean_band_draws_the_mean_and_the_band_it_names",),
           "helpers.plot_mean_band (mean +- the runs' standard deviation)"),
    Mutant("06-normalization-axes-swapped", "course/bn_plots.py", "shaded = col == 1\n", "shaded = row == 1\n",
           (f"{T06}::test_draw_normalization_axes_shades_one_statistic",),
           "helpers.draw_normalization_axes (batch norm: one feature over the batch)"),
    # --- notebook 07: across devices ----------------------------------------------------------------------
    Mutant("07-max-abs-signed", "course/devices.py", "largest = max(largest, float(np.max(np.abs(a - b))))",
           "largest = max(largest, float(np.max(a - b)))",
           (f"{T07}::test_max_abs_difference_by_hand",), "helpers.max_abs_difference (absolute value)"),
    Mutant("07-recorder-records-inference", "course/devices.py", "if not training:\n                return inputs",
           "if training is False:\n                return inputs",
           (f"{T07}::test_replica_batch_recorder_on_one_device",),
           "helpers.replica_batch_recorder (training steps only)"),
    Mutant("07-sync-bn-not-synchronized", NB07, 'keras.layers.BatchNormalization(synchronized=(norm == "sync_bn"))',
           "keras.layers.BatchNormalization(synchronized=False)",
           (f"{T07}::test_bn_per_replica_changes_the_step_and_synchronized_bn_does_not",),
           "07: synchronized BN makes two replicas take the one-device step, per-replica BN does not"),
]


# ---------------------------------------------------------------------------------------------------------------

# Mutants whose catching tests took 25 s or more on the quiet 2-core machine: started first.
SLOW_FIRST = frozenset({"01-practice-batch-ignored", "07-sync-bn-not-synchronized", "00-env-split",
                        "02-variance-not-squared", "01-recorder-shuffle-dropped", "01-shuffle-buffer-full",
                        "00-env-threshold", "02-activations-counted-once"})


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def occurrences(mutant: Mutant, root: Path = ROOT) -> int:
    """How many times the mutant's text occurs in its file (in a notebook: in its code cells' sources)."""
    path = root / mutant.path
    if not path.is_file():
        return 0
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return sum(_source(c).count(mutant.old) for c in _code_cells(nb))
    return path.read_text(encoding="utf-8").count(mutant.old)


def apply(mutant: Mutant, root: Path) -> None:
    """Plant the mutant in the copy at `root` (its text must occur exactly once there)."""
    count = occurrences(mutant, root)
    if count != 1:
        raise ValueError(f"mutant {mutant.name}: its text occurs {count} times in {mutant.path}, expected once")
    path = root / mutant.path
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in _code_cells(nb):
            text = _source(cell)
            if mutant.old in text:
                cell["source"] = text.replace(mutant.old, mutant.new).splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").replace(mutant.old, mutant.new), encoding="utf-8")


def problems(mutants: list[Mutant] = MUTANTS, root: Path = ROOT) -> list[str]:
    """Everything that would make a mutant a no-op or unrunnable: text not there exactly once, a replacement equal
    to the original, a named test file or test function that does not exist, a repeated name."""
    found = []
    names = [m.name for m in mutants]
    found += [f"mutant name {n!r} used more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    for m in mutants:
        count = occurrences(m, root)
        if count != 1:
            found.append(f"{m.name}: text occurs {count} times in {m.path}, expected exactly once")
        if m.old == m.new:
            found.append(f"{m.name}: replacement equals the original")
        if not m.tests:
            found.append(f"{m.name}: names no test")
        for node in m.tests:
            file, _, test = node.partition("::")
            path = root / file
            if not path.is_file():
                found.append(f"{m.name}: test file {file} does not exist")
            elif test and not re.search(rf"^def {re.escape(test.split('[')[0])}\(", path.read_text(encoding="utf-8"),
                                        re.M):
                found.append(f"{m.name}: {file} has no test {test}")
    return found


def repository_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                         capture_output=True, check=True).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def copy_repository(dest: Path) -> None:
    for rel in repository_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


def scratch_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    env.pop("COURSE_SEED", None)
    return env


def check_import_resolves_to(root: Path) -> None:
    """Fail loudly if `import helpers` in the scratch copy would load another helpers.py or another course/ package
    (the editable install's): a mutant planted in the copy must be what the tests import."""
    script = ("import helpers, course, course.checks, course.exercises.nb00_start_here as ex; "
              "print(helpers.__file__); print(course.__file__); print(course.checks.__file__); print(ex.__file__)")
    out = subprocess.run([sys.executable, "-c", script], cwd=root / "tests", env=scratch_env(root),
                         capture_output=True, text=True, check=True).stdout.split()
    wanted = ["helpers.py", "course/__init__.py", "course/checks.py", "course/exercises/nb00_start_here.py"]
    for found, rel in zip(out, wanted, strict=True):
        if Path(found).resolve() != (root / rel).resolve():
            raise SystemExit(f"import resolves to {found}, not the scratch copy {root / rel}: stopping")


def pytest_command(tests: tuple[str, ...] | list[str], workers: int = 0) -> list[str]:
    # nbval (and xdist, for one process) are not loaded: their start-up alone costs about 2 s per run
    parallel = ["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"]
    return [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:nbval", *parallel,
            "-x", "-q", "-rfE", "--no-header", *tests]


def run_tests(root: Path, tests, timeout: float, workers: int = 0) -> tuple[str, float, str]:
    """Run pytest on `tests` in the copy at `root`: (outcome, seconds, first failed test or a note)."""
    start = time.monotonic()
    try:
        proc = subprocess.run(pytest_command(tests, workers), cwd=root, env=scratch_env(root), capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, f"no result within {timeout:.0f} s"
    seconds = time.monotonic() - start
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)  # a failing fixture is an ERROR
    if proc.returncode == 1 and failed:
        return "caught", seconds, failed[0]
    if proc.returncode == 0:
        return "missed", seconds, "every named test passed"
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    return "error", seconds, f"pytest exit {proc.returncode}: " + " | ".join(tail)


def run_mutant(mutant: Mutant, base: Path, timeout: float) -> tuple[Mutant, str, float, str]:
    work = Path(tempfile.mkdtemp(prefix=f"mutant-{mutant.name}-"))
    try:
        shutil.copytree(base, work, dirs_exist_ok=True)
        apply(mutant, work)
        outcome, seconds, note = run_tests(work, mutant.tests, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return mutant, outcome, seconds, note


def shorten(text: str, width: int) -> str:
    text = text.replace("\\n", " ").replace("|", "/")
    return text if len(text) <= width else text[:width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at the same time (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant (default 300)")
    parser.add_argument("--baseline", action="store_true", help="first run every named test on the unmutated copy")
    parser.add_argument("--check", action="store_true", help="only check that every mutant applies")
    args = parser.parse_args(argv)

    found = problems()
    if found:
        print("mutants that would not apply:\n  " + "\n  ".join(found))
        return 2
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        print(f"no such mutant: {', '.join(sorted(unknown))}")
        return 2
    if args.check:
        print(f"{len(MUTANTS)} mutants, each applies exactly once and names existing tests")
        return 0

    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="mutants-base-"))
    try:
        copy_repository(base)
        check_import_resolves_to(base)
        if args.baseline:
            tests = sorted({t for m in chosen for t in m.tests})
            outcome, seconds, note = run_tests(base, tests, timeout=args.timeout * 2, workers=args.jobs)
            print(f"baseline: the {len(tests)} named tests on the unmutated copy: "
                  f"{'pass' if outcome == 'missed' else outcome + ' (' + note + ')'} ({seconds:.0f} s)", flush=True)
            if outcome != "missed":
                return 2
        rows = []
        # the slowest first (each trains a model over several seeds), so that no worker idles at the end
        order = sorted(chosen, key=lambda m: m.name not in SLOW_FIRST)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for mutant, outcome, seconds, note in pool.map(lambda m: run_mutant(m, base, args.timeout), order):
                rows.append((mutant, outcome, seconds, note))
                print(f"  {mutant.name}: {outcome} ({seconds:.0f} s)", flush=True)
        # confirm: every test that caught a mutant passes on the unmutated copy
        # (the failing case itself; the whole test function when a parametrized id holds characters that a
        # command line cannot pass back to pytest)
        catchers = sorted({note if re.fullmatch(r"[\w/.:-]+(\[[\w.-]+\])?", note) else note.split("[")[0]
                           for _, outcome, _, note in rows if outcome == "caught"})
        if catchers:
            outcome, seconds, note = run_tests(base, catchers, timeout=args.timeout * 2, workers=args.jobs)
            confirmed = outcome == "missed"  # every catching test passed without a mutant
            if not confirmed:  # (pytest stops at the first failure: every catch is suspect)
                rows = [(m, "unconfirmed" if o == "caught" else o, sec, n) for m, o, sec, n in rows]
            if not confirmed:
                print("catching tests run on the unmutated copy:\n  " + "\n  ".join(catchers))
            print(f"confirmation: the {len(catchers)} catching tests on the unmutated copy: "
                  f"{'pass' if confirmed else outcome + ' (' + note + ')'} ({seconds:.0f} s)", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    width = max(len(m.name) for m, *_ in rows)
    print()
    print(f"| {'mutant'.ljust(width)} | result | s | what it breaks | first failing test |")
    print(f"|{'-' * (width + 2)}|--------|---|----------------|--------------------|")
    for mutant, outcome, seconds, note in rows:
        print(f"| {mutant.name.ljust(width)} | {outcome} | {seconds:.0f} | {mutant.breaks} | "
              f"{shorten(note.split('::', 1)[-1], 90)} |")
    caught = sum(outcome == "caught" for _, outcome, _, _ in rows)
    print(f"\n{caught} of {len(rows)} mutants caught in {time.monotonic() - started:.0f} s")
    return 0 if caught == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
