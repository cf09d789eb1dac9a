"""Mutants for notebook 06 (with and without batch normalization): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB06 = "notebooks/06_with_and_without_batch_norm.ipynb"
T06 = "tests/test_06_with_and_without_batch_norm.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "06-learning-rate-ignored",
        "course/training.py",
        "model.optimizer.learning_rate.assign(learning_rate)",
        "model.optimizer.learning_rate.assign(0.05)",
        (f"{T06}::test_without_bn_a_learning_rate_of_3_diverges",),
        "06: without BN a learning rate of 3 (x30) diverges (helpers.train_run sets the rate)",
    ),
    Mutant(
        "06-depth-ignored",
        NB06,
        "for _ in range(depth):",
        "for _ in range(4):",
        (f"{T06}::test_build_model_depth_and_rejects_an_unknown_norm",),
        "06: the 16-hidden-layer comparison really has 16 hidden layers",
    ),
    Mutant(
        "06-precise-bn-biased",
        NB06,
        "np.var(x, axis=0, ddof=1)",
        "np.var(x, axis=0)",
        (f"{T06}::test_precise_bn_sets_population_statistics_layer_by_layer",),
        "06: precise BN statistics (population mean and unbiased variance)",
    ),
    Mutant(
        "06-accuracy-wrong-axis",
        "course/training.py",
        "np.argmax(model.predict_on_batch(x), axis=1)",
        "np.argmax(model.predict_on_batch(x), axis=0)",
        (f"{T06}::test_train_run_records_per_epoch_and_an_inference_mode_training_loss",),
        "helpers.accuracy",
    ),
    Mutant(
        "06-fresh-start-he-bound",
        "course/training.py",
        "limit = np.sqrt(6 / (weight.shape[0] + weight.shape[1]))",
        "limit = np.sqrt(6 / weight.shape[0])",
        (f"{T06}::test_fresh_start_draws_glorot_kernels_and_neutral_normalization",),
        "helpers.fresh_start (Glorot uniform kernels)",
    ),
    Mutant(
        "06-reusable-model-kwargs-ignored",
        "course/training.py",
        "key = (build, args, tuple(sorted(kwargs.items())))",
        "key = (build, args)",
        (f"{T06}::test_reusable_model_builds_once_per_arguments_and_rejects_bad_input",),
        "helpers.reusable_model (one model per set of arguments)",
    ),
    Mutant(
        "06-band-unbiased-std",
        "course/plots.py",
        "low, high = mean - runs.std(axis=0), mean + runs.std(axis=0)",
        "low, high = mean - runs.std(axis=0, ddof=1), mean + runs.std(axis=0, ddof=1)",
        (f"{T06}::test_plot_mean_band_draws_the_mean_and_the_band_it_names",),
        "helpers.plot_mean_band (mean +- the runs' standard deviation)",
    ),
    Mutant(
        "06-normalization-axes-swapped",
        "course/bn_plots.py",
        "shaded = col == 1\n",
        "shaded = row == 1\n",
        (f"{T06}::test_draw_normalization_axes_shades_one_statistic",),
        "helpers.draw_normalization_axes (batch norm: one feature over the batch)",
    ),
]
