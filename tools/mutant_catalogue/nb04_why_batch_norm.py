"""Mutants for notebook 04 (why batch normalization): its claims and the helpers and checkers it uses."""

from __future__ import annotations

from .mutant import Mutant

NB04 = "notebooks/04_why_batch_norm.ipynb"
T04 = "tests/test_04_why_batch_norm.py"

MUTANTS: list[Mutant] = [
    Mutant(
        "04-extreme-weight-wrong-unit",
        NB04,
        "k[3, 3] = extreme",
        "k[3, 2] = extreme",
        (f"{T04}::test_extreme_weight_makes_unit_4_ten_times_louder_than_its_neighbours",),
        "04: one extreme weight makes unit 4 ten times louder than its neighbours",
    ),
    Mutant(
        "04-measure-inference-mode",
        NB04,
        "outputs = model(x, training=True)",
        "outputs = model(x)",
        (f"{T04}::test_with_bn_hidden_1_passes_on_std_1_and_later_layers_are_near_untouched",),
        "04: with BN, hidden 1 passes on std 1 (the batch's own statistics)",
    ),
    Mutant(
        "04-plain-network-gets-bn",
        "course/bn_probes.py",
        "h1 = bn(a1) if use_bn else a1",
        "h1 = bn(a1)",
        (f"{T04}::test_extreme_weight_makes_unit_4_ten_times_louder_than_its_neighbours",),
        "helpers.build_small_networks (the plain network has no BN)",
    ),
    Mutant(
        "04-depth-plot-linear",
        "course/bn_probes.py",
        '        ax.set_yscale(scale)\n        ax.set_xlabel("layer")',
        '        ax.set_yscale("linear")\n        ax.set_xlabel("layer")',
        (f"{T04}::test_plot_depth_statistics_draws_each_statistic_per_layer",),
        "helpers.plot_depth_statistics (the spread on a log axis)",
    ),
    Mutant(
        "04-saturation-threshold",
        "course/bn_probes.py",
        '"saturated": np.array([np.mean(np.abs(v) > 0.99) for v in a])',
        '"saturated": np.array([np.mean(np.abs(v) > 0.9) for v in a])',
        (f"{T04}::test_depth_statistics_match_numpy_on_the_raw_outputs",),
        "helpers.depth_statistics (saturated: |tanh| > 0.99)",
    ),
    Mutant(
        "04-slope-formula",
        "course/bn_probes.py",
        '"slope": np.array([np.mean(1 - v**2) for v in a])',
        '"slope": np.array([np.mean(1 - np.abs(v)) for v in a])',
        (f"{T04}::test_depth_statistics_match_numpy_on_the_raw_outputs",),
        "helpers.depth_statistics (tanh's slope 1 - tanh^2)",
    ),
    Mutant(
        "04-deep-bn-epsilon",
        "course/bn_probes.py",
        "h = keras.layers.BatchNormalization()(h)\n        tanh_inputs",
        "h = keras.layers.BatchNormalization(epsilon=0.5)(h)\n        tanh_inputs",
        (f"{T04}::test_with_bn_every_tanh_input_has_mean_0_std_1",),
        "helpers.build_deep_tanh: with BN every tanh input has mean 0, std 1",
    ),
]
