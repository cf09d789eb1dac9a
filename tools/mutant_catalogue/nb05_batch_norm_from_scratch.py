"""Mutants for notebook 05 (batch normalization from scratch): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB05 = "notebooks/05_batch_norm_from_scratch.ipynb"
T05 = "tests/test_05_batch_norm_from_scratch.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "05-unbiased-variance",
        NB05,
        "var = ((x - mu) ** 2).mean(axis=0)",
        "var = x.var(axis=0, ddof=1)",
        (f"{T05}::test_batch_norm_matches_keras_in_training_mode",),
        "05: batch_norm uses the biased batch variance, as Keras",
    ),
    Mutant(
        "05-mean-wrong-axis",
        NB05,
        "mu = x.mean(axis=0)                       # step 1",
        "mu = x.mean(axis=1, keepdims=True)        # step 1",
        (f"{T05}::test_batch_norm_matches_keras_in_training_mode",),
        "05: statistics per feature, over the batch axis",
    ),
    Mutant(
        "05-momentum-swapped",
        NB05,
        "return moving * momentum + batch_stat * (1.0 - momentum)",
        "return batch_stat * momentum + moving * (1.0 - momentum)",
        (f"{T05}::test_momentum_arithmetic_in_the_prose",),
        "05: the moving average keeps `momentum` of the old value",
    ),
    Mutant(
        "05-fold-bias-unscaled",
        NB05,
        "return kernel * scale, (bias - moving_mean) * scale + beta",
        "return kernel * scale, (bias - moving_mean) + beta",
        (f"{T05}::test_fold_batch_norm_by_hand",),
        "05: folding BN into the layer before scales the bias",
    ),
    Mutant(
        "05-backward-sign",
        NB05,
        "(m * dy - dbeta - x_hat * dgamma)",
        "(m * dy - dbeta + x_hat * dgamma)",
        (f"{T05}::test_gradient_matches_finite_differences_and_sums_to_zero",),
        "05: the backward pass matches GradientTape and finite differences",
    ),
    Mutant(
        "05-stage-marker-median",
        "course/bn_plots.py",
        'batch[:, j].mean(),\n                marker="_"',
        'np.median(batch[:, j]),\n                marker="_"',
        (f"{T05}::test_plot_bn_stages_draws_one_panel_per_stage",),
        "helpers.plot_bn_stages (the batch mean marked)",
    ),
    Mutant(
        "05-rounded-negative-zero",
        "course/formatting.py",
        "return np.round(np.asarray(values, dtype=float), decimals) + 0.0",
        "return np.round(np.asarray(values, dtype=float), decimals)",
        (f"{T05}::test_rounded_has_no_negative_zeros",),
        "helpers.rounded shows -0.0 as 0.0",
    ),
]
