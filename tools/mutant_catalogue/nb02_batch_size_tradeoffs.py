"""Mutants for notebook 02 (batch size trade-offs): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB02 = "notebooks/02_batch_size_tradeoffs.ipynb"
T02 = "tests/test_02_batch_size_tradeoffs.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "02-variance-not-squared",
        NB02,
        "np.sum((flat_gradient(x_train[i], y_train[i]).numpy() - full) ** 2)",
        "np.sum(np.abs(flat_gradient(x_train[i], y_train[i]).numpy() - full))",
        (f"{T02}::test_gradient_variance_falls_like_1_over_b",),
        "02: the gradient's variance falls like 1/B (its noise like 1/sqrt(B))",
    ),
    Mutant(
        "02-activations-counted-once",
        NB02,
        "per_sample = 2 * sum(layer_sizes) * bytes_per_number",
        "per_sample = sum(layer_sizes) * bytes_per_number",
        (f"{T02}::test_memory_estimate_for_the_notebook_model",),
        "02: memory: fixed weights + optimizer state, activations and their gradients grow with B",
    ),
    Mutant(
        "02-fits-one-too-many",
        NB02,
        "return max(0, (budget_bytes - fixed) // per_sample)",
        "return max(0, (budget_bytes - fixed) // per_sample + 1)",
        (f"{T02}::test_largest_batch_that_fits_a_budget",),
        "02: the largest batch that fits a memory budget",
    ),
    Mutant(
        "02-race-sqrt-rule",
        NB02,
        "race_lr = {b: 0.05 * b / 32 for b",
        "race_lr = {b: 0.05 * (b / 32) ** 0.5 for b",
        (f"{T02}::test_up_to_128_four_times_the_batch_needs_about_four_times_fewer_updates",),
        "02: the race runs every batch size at the linear rule's learning rate",
    ),
    Mutant(
        "02-scaling-lr-ignored",
        NB02,
        "helpers.restart(model, seed, learning_rate)\n    model.fit(helpers.shuffled_batches(x_train, y_train, "
        "batch_size, seed), epochs=epochs",
        "helpers.restart(model, seed, 0.05)\n    model.fit(helpers.shuffled_batches(x_train, y_train, "
        "batch_size, seed), epochs=epochs",
        (f"{T02}::test_same_lr_bigger_batch_learns_less_and_4x_lr_recovers_at_least_80_percent",),
        "02: at the same lr a 4x batch learns less; 4x the lr recovers at least 80 %",
    ),
    Mutant(
        "02-slope-of-raw-y",
        "course/loglog.py",
        "return float(np.polyfit(np.log(x), np.log(y), 1)[0])",
        "return float(np.polyfit(np.log(x), y, 1)[0])",
        (f"{T02}::test_log_log_slope_and_its_bad_input",),
        "helpers.log_log_slope",
    ),
    Mutant(
        "02-restart-keeps-optimizer-state",
        "course/training.py",
        "for variable in optimizer.variables:  # iteration",
        "for variable in optimizer.variables[1:]:  # iteration",
        (f"{T02}::test_restart_gives_the_same_fresh_weights_for_a_seed_and_resets_the_optimizer",),
        "helpers.restart (fresh optimizer state, iteration count 0)",
    ),
    Mutant(
        "02-recorder-cadence",
        "course/training.py",
        "if self._count % every == 0 and not self.reached:",
        "if self._count % every == 1 and not self.reached:",
        (f"{T02}::test_loss_recorder_measures_every_k_updates_and_stops_at_the_target",),
        "helpers.loss_recorder (a measurement every k updates)",
    ),
    Mutant(
        "02-plot-linear-x",
        "course/loglog.py",
        'ax.set(xscale="log", yscale="log", xlabel=xlabel',
        'ax.set(yscale="log", xlabel=xlabel',
        (f"{T02}::test_plot_loglog_returns_its_axes_and_refuses_nonsense",),
        "helpers.plot_loglog (log-log axes)",
    ),
    Mutant(
        "02-epoch-timer-cpu-clock",
        "course/timing.py",
        "self._start = time.perf_counter()\n\n        def on_epoch_end"
        "(self, epoch, logs=None):\n            self.seconds.append(time.perf_counter() - self._start)",
        "self._start = time.process_time()\n\n        def on_epoch_end(self, epoch, logs=None):\n"
        "            self.seconds.append(time.process_time() - self._start)",
        (f"{T02}::test_epoch_timer_records_one_duration_per_epoch",),
        "helpers.epoch_timer (wall-clock seconds)",
    ),
    Mutant(
        "02-update-timer-one-short",
        "course/timing.py",
        "rows = np.arange(int(updates) * int(batch_size)) % len(x)",
        "rows = np.arange((int(updates) - 1) * int(batch_size)) % len(x)",
        (f"{T02}::test_seconds_per_update_times_single_updates",),
        "helpers.seconds_per_update (`updates` updates)",
    ),
    Mutant(
        "02-shuffled-batches-not-shuffled",
        "course/training.py",
        ".shuffle(len(x), seed=int(seed))\n    return (samples",
        "\n    return (samples",
        (f"{T02}::test_shuffled_batches_feeds_every_sample_once_per_epoch_in_a_seeded_order",),
        "helpers.shuffled_batches (a new seeded order every epoch)",
    ),
    Mutant(
        "02-restart-not-reseeded",
        "course/training.py",
        "    random.seed(int(seed))\n",
        "",
        (f"{T02}::test_restart_draws_the_weights_a_build_after_set_random_seed_draws_and_keeps_the_global_seed",),
        "helpers.restart (the weights keras.utils.set_random_seed(seed) would draw)",
    ),
]
