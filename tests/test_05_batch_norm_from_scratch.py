"""Notebook 05: every claim about batch normalization, checked against Keras across seeds.

The functions under test (batch_norm, update_moving, batch_norm_inference, batch_norm_channels,
fold_batch_norm, batch_norm_backward, finetuning_model) are the notebook's own, loaded with
conftest.notebook_namespace(). Expectations come from Keras itself (its layers, predict() and
GradientTape), from NumPy computed here, or from thresholds written in this file.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import helpers
from conftest import notebook_namespace
from course.checks import _evaluate

NOTEBOOK = "05_batch_norm_from_scratch.ipynb"
SEEDS = [0, 1, 2]
TOL = 1e-5  # float32 (Keras) against float64 (NumPy)


@pytest.fixture(scope="module")
def nb():
    return notebook_namespace(NOTEBOOK)


def keras_bn(keras, shape, gamma=None, beta=None, **kwargs):
    layer = keras.layers.BatchNormalization(**kwargs)
    layer.build(shape)
    if gamma is not None:
        layer.gamma.assign(np.asarray(gamma, dtype="float32"))
    if beta is not None:
        layer.beta.assign(np.asarray(beta, dtype="float32"))
    return layer


def notebook_batch(seed):
    """The notebook's first batch: 8 samples, features on scales 20, 2 and 0.05."""
    rng = np.random.default_rng(seed)
    return rng.normal(loc=[50.0, 5.0, 0.0], scale=[20.0, 2.0, 0.05], size=(8, 3))


def random_case(seed):
    """A random batch (shape, scales, epsilon) whose mean is at most a few spreads from 0."""
    rng = np.random.default_rng(1000 + seed)
    m, f = int(rng.integers(4, 65)), int(rng.integers(1, 11))
    scale = 10.0 ** rng.uniform(-1, 1, size=f)
    x = (rng.normal(size=(m, f)) + rng.uniform(-3, 3, size=f)) * scale
    gamma, beta = rng.uniform(0.5, 2.0, size=f), rng.normal(size=f)
    eps = float(rng.choice([1e-5, 1e-3, 1e-1]))
    return x.astype("float32"), gamma, beta, eps


# --- 1. forward pass -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_standardized_features_have_mean_0_and_std_set_by_epsilon(nb, seed):
    x = notebook_batch(seed)
    eps = 1e-3
    var = x.var(axis=0)
    x_hat = nb["batch_norm"](x, 1.0, 0.0, eps)
    assert np.abs(x_hat.mean(axis=0)).max() < 1e-12
    std = x_hat.std(axis=0)
    np.testing.assert_allclose(std, np.sqrt(var / (var + eps)), rtol=1e-12)
    assert (std[:2] > 0.999).all(), "features with variance >> eps come out with std within 0.001 of 1"
    assert std[2] < 0.95, "the barely varying feature's std is clearly below 1"


@pytest.mark.parametrize("seed", SEEDS)
def test_output_has_mean_beta_and_std_gamma(nb, seed):
    x = notebook_batch(seed)
    gamma, beta = np.array([2.0, 0.5, 1.0]), np.array([1.0, -1.0, 0.0])
    y = nb["batch_norm"](x, gamma, beta)
    np.testing.assert_allclose(y.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), gamma * nb["batch_norm"](x, 1.0, 0.0).std(axis=0), rtol=1e-12)


# --- 2. agreement with Keras -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_batch_norm_matches_keras_in_training_mode(nb, keras, seed):
    x, gamma, beta, eps = random_case(seed)
    layer = keras_bn(keras, x.shape, gamma, beta, epsilon=eps)
    y_keras = layer(x, training=True).numpy()
    y_ours = nb["batch_norm"](x, gamma, beta, eps=eps)
    assert np.abs(y_keras - y_ours).max() < TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_notebook_batch_matches_keras(nb, keras, seed):
    x = notebook_batch(seed).astype("float32")
    gamma, beta = np.array([2.0, 0.5, 1.0]), np.array([1.0, -1.0, 0.0])
    layer = keras_bn(keras, x.shape, gamma, beta, epsilon=1e-3)
    assert np.abs(layer(x, training=True).numpy() - nb["batch_norm"](x, gamma, beta)).max() < TOL


def test_keras_defaults(keras):
    layer = keras.layers.BatchNormalization()
    assert layer.momentum == 0.99 and layer.epsilon == 1e-3


# --- 3. gamma, beta and the four variables -----------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_gamma_and_beta_can_undo_the_standardization(nb, seed):
    x = notebook_batch(seed)
    eps = 1e-3
    y = nb["batch_norm"](x, np.sqrt(x.var(axis=0) + eps), x.mean(axis=0), eps)
    np.testing.assert_allclose(y, x, rtol=0, atol=1e-9)


def test_four_variables_two_trainable(keras):
    layer = keras_bn(keras, (8, 3))
    assert [(v.name, v.trainable, tuple(v.shape)) for v in layer.weights] == [
        ("gamma", True, (3,)),
        ("beta", True, (3,)),
        ("moving_mean", False, (3,)),
        ("moving_variance", False, (3,)),
    ]
    assert [v.name for v in layer.trainable_weights] == ["gamma", "beta"]
    assert [v.name for v in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


# --- 4. moving statistics, training vs inference -----------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_training_mode_output_depends_on_the_batch(nb, seed):
    x = notebook_batch(seed)
    gamma, beta = np.array([2.0, 0.5, 1.0]), np.array([1.0, -1.0, 0.0])
    np.testing.assert_allclose(nb["batch_norm"](x[:1], gamma, beta), beta[None, :], atol=1e-6)
    first_in_4 = nb["batch_norm"](x[:4], gamma, beta)[0]
    first_in_8 = nb["batch_norm"](x[:8], gamma, beta)[0]
    assert np.abs(first_in_4 - first_in_8).max() > 0.05


@pytest.fixture(scope="module", params=SEEDS)
def fitted(request, keras):
    """BN + Dense(1) fitted for a few steps with shuffle=False, as in the notebook (steps vary with the seed)."""
    seed = request.param
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    batch_size, n_steps = 20, 6 + 2 * seed
    n = batch_size * n_steps
    data_x = rng.normal(loc=[5.0, -3.0, 10.0], scale=[2.0, 0.5, 4.0], size=(n, 3)).astype("float32")
    data_y = (data_x @ np.array([1.0, -2.0, 0.5]) + rng.normal(0.0, 0.1, n)).astype("float32")
    bn = keras.layers.BatchNormalization()
    model = keras.Sequential([keras.Input(shape=(3,)), bn, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    model.fit(data_x, data_y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return {
        "bn": bn,
        "x": data_x,
        "y": data_y,
        "batch_size": batch_size,
        "n_steps": n_steps,
        "iterations": int(model.optimizer.iterations),
    }


def test_optimizer_counts_one_iteration_per_batch(fitted):
    assert fitted["iterations"] == fitted["n_steps"] == len(fitted["x"]) // fitted["batch_size"]


def test_hand_written_moving_average_matches_keras_after_n_steps(nb, fitted):
    moving_mean, moving_var = np.zeros(3), np.ones(3)
    x, b = fitted["x"], fitted["batch_size"]
    for start in range(0, len(x), b):
        batch = x[start : start + b].astype(np.float64)
        moving_mean = nb["update_moving"](moving_mean, batch.mean(axis=0))
        moving_var = nb["update_moving"](moving_var, batch.var(axis=0))
    np.testing.assert_allclose(fitted["bn"].moving_mean.numpy(), moving_mean, rtol=0, atol=TOL)
    np.testing.assert_allclose(fitted["bn"].moving_variance.numpy(), moving_var, rtol=0, atol=TOL)
    # still far from the data: only 1 - 0.99**n of the way there
    data_mean = x.mean(axis=0)
    fraction = 1 - 0.99 ** fitted["n_steps"]
    np.testing.assert_allclose(moving_mean, fraction * data_mean, rtol=0.05)
    assert (np.abs(moving_mean) < 0.15 * np.abs(data_mean)).all()


def test_inference_uses_moving_statistics_and_differs_from_training(nb, fitted):
    bn, x = fitted["bn"], fitted["x"][:20]
    gamma, beta, mean, var = (v.numpy().astype(np.float64) for v in bn.weights)
    out_inference = bn(x, training=False).numpy()
    np.testing.assert_allclose(out_inference, nb["batch_norm_inference"](x, gamma, beta, mean, var), rtol=0, atol=TOL)
    np.testing.assert_allclose(bn.moving_mean.numpy(), mean)  # training=False leaves the averages alone
    out_training = bn(x, training=True).numpy()
    np.testing.assert_allclose(out_training, nb["batch_norm"](x, gamma, beta), rtol=0, atol=TOL)
    assert not np.allclose(out_training, out_inference, atol=0.1)
    # the standardized values: centred in training mode, far from centred in inference mode
    assert np.abs(nb["batch_norm"](x, 1.0, 0.0).mean(axis=0)).max() < 1e-9
    assert np.abs(nb["batch_norm_inference"](x, 1.0, 0.0, mean, var).mean(axis=0)).min() > 1.0


def test_gap_between_modes_is_mostly_the_lagging_averages(nb, fitted):
    """The notebook's printed gap: large after a few steps, at least 4 times smaller with the data's own statistics."""
    bn, x_all = fitted["bn"], fitted["x"].astype(np.float64)
    probe = x_all[:20]
    gamma, beta, mean, var = (v.numpy().astype(np.float64) for v in bn.weights)
    out_training = nb["batch_norm"](probe, gamma, beta)
    gap = np.abs(out_training - bn(probe.astype("float32"), training=False).numpy()).max()
    settled = (probe - x_all.mean(axis=0)) / np.sqrt(x_all.var(axis=0) + 1e-3) * gamma + beta  # computed here
    gap_settled = np.abs(out_training - settled).max()
    assert gap > 2.0
    assert gap > 4 * gap_settled


def _stored_output(cell_text: str) -> str:
    """The stored text output of notebook 05's code cell whose source contains `cell_text`."""
    import json

    from conftest import NOTEBOOK_DIR

    cells = [
        c
        for c in json.loads((NOTEBOOK_DIR / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code" and cell_text in "".join(c["source"])
    ]
    assert len(cells) == 1, cell_text
    return "".join("".join(o.get("text", "")) for o in cells[0]["outputs"])


def test_momentum_arithmetic_in_the_prose(nb):
    """The printed step counts, found here by running the notebook's update_moving towards a constant target."""
    printed = _stored_output("95% of the way after")
    for momentum in (0.99, 0.9):
        moving, steps = 0.0, 0
        while moving < 0.95:
            moving, steps = nb["update_moving"](moving, 1.0, momentum), steps + 1
        assert f"momentum {momentum}: 95% of the way after {steps} steps" in printed, (momentum, steps, printed)
    moving = 0.0  # "under 10% after 10 steps" (momentum 0.99)
    for _ in range(10):
        moving = nb["update_moving"](moving, 1.0)
    assert 0.09 < moving < 0.10
    moving = 0.0
    for _ in range(100):
        moving = nb["update_moving"](moving, 5.0)
    assert moving == pytest.approx(5 * (1 - 0.99**100), rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_moving_mean_trajectories_settle_near_the_data_mean(nb, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(5.0, 2.0, 200)
    batch_means = [values[rng.choice(200, 20, replace=False)].mean() for _ in range(400)]
    for momentum, settled_after in ((0.9, 60), (0.99, 400)):
        moving, path = 0.0, []
        for bm in batch_means:
            moving = nb["update_moving"](moving, bm, momentum)
            path.append(moving)
        assert abs(path[settled_after - 1] - values.mean()) < 0.1 * values.mean()
    # with 0.99 the average is still far off after 30 steps, with 0.9 it is not
    m99 = m90 = 0.0
    for bm in batch_means[:30]:
        m99, m90 = nb["update_moving"](m99, bm, 0.99), nb["update_moving"](m90, bm, 0.9)
    assert m99 < 0.3 * values.mean() < 0.9 * values.mean() < m90


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_stores_the_biased_batch_variance(keras, seed):
    rng = np.random.default_rng(seed)
    batch = rng.normal(size=(4, 3)).astype("float32")
    layer = keras.layers.BatchNormalization(momentum=0.0)
    layer(batch, training=True)
    stored = layer.moving_variance.numpy()
    np.testing.assert_allclose(stored, batch.astype(np.float64).var(axis=0, ddof=0), rtol=1e-5)
    assert not np.allclose(stored, batch.astype(np.float64).var(axis=0, ddof=1), rtol=1e-5)


def test_paper_correction_factors():
    """The printed factors m / (m - 1), worked out here as exact fractions; "about 3% or less from 32 on"."""
    from fractions import Fraction

    printed = _stored_output("the paper's variance is")
    shown = re.findall(r"batch size +(\d+): the paper's variance is ([\d.]+) times", printed)
    assert [int(m) for m, _ in shown] == [2, 4, 20, 32, 256], printed
    for m, factor in shown:
        exact = Fraction(int(m), int(m) - 1)
        assert abs(Fraction(factor) - exact) <= Fraction(5, 10_000), (m, factor)  # rounded to 3 decimals
        if int(m) >= 32:
            assert exact - 1 < Fraction(33, 1000)
    assert shown[0][1] == "2.000"  # "at batch size 2 the factor is 2"


@pytest.mark.parametrize("seed", SEEDS)
def test_biased_variance_of_batches_of_two_is_half_the_population_variance(seed):
    """The notebook's NumPy line: 10,000 batches of 2 from N(0, 1) average a biased variance of about 0.5."""
    pairs = np.random.default_rng(seed).normal(0.0, 1.0, size=(10_000, 2))
    assert abs(pairs.var(axis=1).mean() - 0.5) < 0.03  # standard error 0.007


@pytest.mark.parametrize("seed", SEEDS)
def test_a_batch_of_two_standardizes_to_plus_minus_one(nb, seed):
    """Without epsilon each of two values is one standard deviation from their mean; with it, nearly so."""
    rng = np.random.default_rng(seed)
    first = rng.uniform(-50, 50, 5)
    pair = np.stack([first, first + rng.uniform(1, 40, 5) * rng.choice([-1, 1], 5)])  # variance at least 0.25
    np.testing.assert_allclose(np.abs(nb["batch_norm"](pair, 1.0, 0.0, eps=0.0)), 1.0, rtol=1e-12)
    out = nb["batch_norm"](pair, 1.0, 0.0)  # default epsilon 1e-3, variances here well above it
    np.testing.assert_allclose(np.abs(out), 1.0, atol=0.01)
    np.testing.assert_allclose(out[0], -out[1], rtol=1e-12)
    np.testing.assert_allclose(np.abs(nb["batch_norm"](notebook_batch(seed)[:2], 1.0, 0.0, eps=0.0)), 1.0, rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_moving_variance_at_batch_two_is_about_half_the_population_variance(keras, seed):
    """Keras itself: what a BN layer stores from batches of 2 averages to half the variance (here 4.0 -> 2.0)."""
    rng = np.random.default_rng(seed)
    layer = keras.layers.BatchNormalization(momentum=0.0)  # stores the last batch's variance
    stored = []
    for _ in range(100):
        layer(rng.normal(3.0, 2.0, size=(2, 50)).astype("float32"), training=True)
        stored.append(layer.moving_variance.numpy())
    average = np.mean(stored)  # 5,000 batch variances, standard error about 0.03
    assert abs(average - 2.0) < 0.2
    assert abs(average - 4.0) > 1.5  # far from the population variance the inputs really have


# --- 5. trainable = False ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=SEEDS)
def trap(request, keras, nb):
    """Two identical BN + Dense(1) models, one with BN frozen, one full-batch step each."""
    seed = request.param
    rng = np.random.default_rng(seed)
    n = 200
    data_x = rng.normal(loc=[5.0, -3.0, 10.0], scale=[2.0, 0.5, 4.0], size=(n, 3)).astype("float32")
    data_y = (data_x @ np.array([1.0, -2.0, 0.5]) + rng.normal(0.0, 0.1, n)).astype("float32")
    results = {}
    for freeze in (False, True):
        keras.utils.set_random_seed(seed)
        bn = keras.layers.BatchNormalization()
        net = keras.Sequential([keras.Input(shape=(3,)), bn, keras.layers.Dense(1)])
        bn.trainable = not freeze
        net.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
        g, b, mm, mv = (v.numpy().astype(np.float64) for v in bn.weights)
        kernel, bias = (v.numpy().astype(np.float64) for v in net.layers[-1].weights)
        loss_batch = np.mean(((nb["batch_norm"](data_x, g, b) @ kernel + bias)[:, 0] - data_y) ** 2)
        loss_moving = np.mean(((nb["batch_norm_inference"](data_x, g, b, mm, mv) @ kernel + bias)[:, 0] - data_y) ** 2)
        reported = net.fit(data_x, data_y, batch_size=n, epochs=1, verbose=0).history["loss"][0]
        results[freeze] = {
            "bn": bn,
            "reported": reported,
            "loss_batch": loss_batch,
            "loss_moving": loss_moving,
            "mean_before": mm,
            "var_before": mv,
        }
    return {"x": data_x, "y": data_y, "results": results}


def test_trainable_bn_uses_batch_statistics_in_fit_and_updates_averages(trap):
    r = trap["results"][False]
    assert r["reported"] == pytest.approx(r["loss_batch"], rel=1e-4)
    assert abs(r["reported"] - r["loss_moving"]) > 0.01 * r["reported"]
    np.testing.assert_allclose(r["bn"].moving_mean.numpy(), 0.01 * trap["x"].astype(np.float64).mean(axis=0), rtol=1e-4)


def test_frozen_bn_uses_moving_statistics_in_fit_and_keeps_them(trap, nb):
    r = trap["results"][True]
    bn = r["bn"]
    assert bn.trainable_weights == []
    assert r["reported"] == pytest.approx(r["loss_moving"], rel=1e-4)
    assert abs(r["reported"] - r["loss_batch"]) > 0.01 * r["reported"]
    np.testing.assert_array_equal(bn.moving_mean.numpy(), r["mean_before"])
    np.testing.assert_array_equal(bn.moving_variance.numpy(), r["var_before"])
    g, b, mm, mv = (v.numpy().astype(np.float64) for v in bn.weights)
    out = bn(trap["x"], training=True).numpy()
    np.testing.assert_allclose(out, nb["batch_norm_inference"](trap["x"], g, b, mm, mv), rtol=0, atol=TOL)
    # not centred: the output keeps the data's raw means (about 5, -3, 10)
    np.testing.assert_allclose(out.mean(axis=0), trap["x"].mean(axis=0), rtol=0.01)


@pytest.mark.parametrize("seed", SEEDS)
def test_finetuning_pattern_in_this_keras_version(nb, keras, seed):
    """training=False at build time is overridden by fit() in Keras 3.15; re-freezing the BN layer works.

    If the first assertion fails, a Keras release has changed this behaviour (reported as
    keras-team/keras#20285): update notebook 05's "Going deeper: fine-tuning" section.
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=[5.0, -3.0, 10.0], scale=[2.0, 0.5, 4.0], size=(64, 3)).astype("float32")
    y = x.sum(axis=1).astype("float32")
    unfrozen = nb["finetuning_model"](x, y, refreeze_bn=False)
    np.testing.assert_allclose(unfrozen.moving_mean.numpy(), 0.01 * x.astype(np.float64).mean(axis=0), rtol=1e-4)
    refrozen = nb["finetuning_model"](x, y, refreeze_bn=True)
    np.testing.assert_array_equal(refrozen.moving_mean.numpy(), np.zeros(3))
    np.testing.assert_array_equal(refrozen.moving_variance.numpy(), np.ones(3))


# --- 6. backward pass --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_gradients_match_gradient_tape(nb, keras, seed):
    import tensorflow as tf

    x, gamma, beta, eps = random_case(seed)
    r = np.random.default_rng(seed).normal(size=x.shape)
    layer = keras_bn(keras, x.shape, gamma, beta, epsilon=eps)
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        loss = tf.reduce_sum(layer(x_tf, training=True) * tf.constant(r, dtype="float32"))
    grads_tf = tape.gradient(loss, [x_tf, layer.gamma, layer.beta])
    grads_ours = nb["batch_norm_backward"](r, x, gamma, eps=eps)
    for g_tf, g_ours in zip(grads_tf, grads_ours):
        assert np.abs(np.asarray(g_tf) - g_ours).max() < TOL * max(np.abs(g_ours).max(), 1.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_matches_finite_differences_and_sums_to_zero(nb, seed):
    x = notebook_batch(seed)
    rng = np.random.default_rng(seed)
    gamma, beta, r = rng.uniform(0.5, 2, 3), rng.normal(size=3), rng.normal(size=x.shape)

    def loss_of(x_in):
        return np.sum(nb["batch_norm"](x_in, gamma, beta) * r)

    h = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[idx] = h
        numeric[idx] = (loss_of(x + step) - loss_of(x - step)) / (2 * h)
    dx = nb["batch_norm_backward"](r, x, gamma)[0]
    assert np.abs(numeric - dx).max() < 1e-6 * np.abs(dx).max()
    np.testing.assert_allclose(dx.sum(axis=0), 0, atol=1e-9)
    bias = rng.normal(scale=5.0, size=3)  # a bias before BN: no effect on the output
    np.testing.assert_allclose(
        nb["batch_norm"](x + bias, gamma, beta), nb["batch_norm"](x, gamma, beta), rtol=0, atol=1e-9
    )


# --- 7. per-channel statistics -----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_per_channel_batch_norm_matches_keras_on_4d_batches(nb, keras, seed):
    rng = np.random.default_rng(seed)
    n, h, w, c = (int(v) for v in rng.integers(2, 7, size=4))
    x = rng.normal(loc=rng.uniform(-3, 3, c), scale=rng.uniform(0.3, 3, c), size=(n, h, w, c)).astype("float32")
    gamma, beta = rng.uniform(0.5, 2, c), rng.normal(size=c)
    layer = keras_bn(keras, x.shape, gamma, beta)
    assert [tuple(v.shape) for v in layer.weights] == [(c,)] * 4
    out_keras = layer(x, training=True).numpy()
    out_ours = nb["batch_norm_channels"](x, gamma, beta)
    assert np.abs(out_keras - out_ours).max() < TOL
    standardized = nb["batch_norm_channels"](x, np.ones(c), np.zeros(c))
    assert np.abs(standardized.mean(axis=(0, 1, 2))).max() < 1e-9
    assert (np.abs(standardized.std(axis=(0, 1, 2)) - 1) < 0.01).all()
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), 0.01 * x.astype(np.float64).mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-7
    )


# --- 8. folding BN into the layer before it ----------------------------------------------------

FOLD_RTOL = 1e-5  # float32 keeps about 7 significant digits; measured folding errors are below 4e-7 of the output


def random_bn_model(keras, rng, kind, use_bias):
    """A random Dense or Conv2D layer -> BN (random gamma, beta and statistics) -> ReLU -> Dense(2) model."""
    units = int(rng.integers(2, 17))
    if kind == "dense":
        shape, first, tail = (int(rng.integers(2, 9)),), keras.layers.Dense(units, use_bias=use_bias), []
    else:
        shape, tail = (6, 6, int(rng.integers(1, 4))), [keras.layers.Flatten()]
        first = keras.layers.Conv2D(units, 3, padding="same", use_bias=use_bias)
    bn = keras.layers.BatchNormalization(epsilon=float(rng.choice([1e-5, 1e-3, 1e-1])))
    model = keras.Sequential(
        [keras.Input(shape), first, bn, keras.layers.Activation("relu"), *tail, keras.layers.Dense(2)]
    )
    bn.set_weights(
        [
            rng.uniform(0.5, 2.0, units) * rng.choice([-1.0, 1.0], units),
            rng.normal(size=units),
            rng.normal(scale=3.0, size=units),
            rng.uniform(0.05, 5.0, units),
        ]
    )
    if use_bias:
        first.bias.assign(rng.normal(size=units))
    return model, shape


def folded_copy(keras, nb, model, shape, forget_mean=False):
    """The same model without its BN layer, the first layer holding the notebook's folded weights."""
    first, bn, relu, *rest = model.layers
    kernel = first.kernel.numpy().astype(np.float64)
    bias = first.bias.numpy().astype(np.float64) if first.use_bias else np.zeros(kernel.shape[-1])
    gamma, beta, mean, var = (v.numpy().astype(np.float64) for v in bn.weights)
    if forget_mean:
        mean = np.zeros_like(mean)
    kernel_f, bias_f = nb["fold_batch_norm"](kernel, bias, gamma, beta, mean, var, eps=bn.epsilon)
    new_first = (
        keras.layers.Dense(kernel.shape[-1])
        if len(shape) == 1
        else keras.layers.Conv2D(kernel.shape[-1], 3, padding="same")
    )
    folded = keras.Sequential(
        [
            keras.Input(shape),
            new_first,
            keras.layers.Activation("relu"),
            *[type(layer).from_config(layer.get_config()) for layer in rest],
        ]
    )
    new_first.set_weights([kernel_f, bias_f])
    folded.layers[-1].set_weights(rest[-1].get_weights())
    return folded


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_folded_model_predicts_like_the_original_keras_model(nb, keras, seed, kind):
    rng = np.random.default_rng(100 + seed)
    model, shape = random_bn_model(keras, rng, kind, use_bias=seed % 2 == 0)
    folded = folded_copy(keras, nb, model, shape)
    x = (rng.normal(size=(32, *shape)) * 3.0 + 1.0).astype("float32")
    expected = model.predict(x, verbose=0)  # Keras's own BN layer in inference mode
    assert np.abs(folded.predict(x, verbose=0) - expected).max() < FOLD_RTOL * max(1.0, np.abs(expected).max())
    assert len(folded.layers) == len(model.layers) - 1


def test_the_tolerance_catches_a_wrong_fold(nb, keras):
    """Folding without subtracting the moving mean must fail the check above by far."""
    rng = np.random.default_rng(7)
    model, shape = random_bn_model(keras, rng, "dense", use_bias=True)
    wrong = folded_copy(keras, nb, model, shape, forget_mean=True)
    x = rng.normal(size=(32, *shape)).astype("float32")
    expected = model.predict(x, verbose=0)
    assert np.abs(wrong.predict(x, verbose=0) - expected).max() > 100 * FOLD_RTOL * max(1.0, np.abs(expected).max())


def test_fold_batch_norm_by_hand(nb):
    """One unit, numbers worked by hand: kernel 3, bias 0.5, gamma 2, beta 1, mean 4, variance 9, eps 0."""
    kernel, bias = nb["fold_batch_norm"](
        np.array([[3.0]]), np.array([0.5]), np.array([2.0]), np.array([1.0]), np.array([4.0]), np.array([9.0]), eps=0.0
    )
    np.testing.assert_allclose(kernel, [[2.0]])  # 3 * 2 / 3
    np.testing.assert_allclose(bias, [(0.5 - 4.0) * 2.0 / 3.0 + 1.0])


@pytest.fixture(scope="module", params=SEEDS)
def notebook_fold(request, keras, nb):
    """The notebook's section 7 under another seed: train Dense -> BN -> ReLU -> Dense for 50 steps, fold it."""
    seed = request.param
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    data_x = rng.normal(loc=[5.0, -3.0, 10.0], scale=[2.0, 0.5, 4.0], size=(200, 3)).astype("float32")
    data_y = (data_x @ np.array([1.0, -2.0, 0.5]) + rng.normal(0.0, 0.1, 200)).astype("float32")
    trained = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(8, use_bias=False),
            keras.layers.BatchNormalization(momentum=0.9),
            keras.layers.Activation("relu"),
            keras.layers.Dense(1),
        ]
    )
    trained.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    trained.fit(data_x, data_y, batch_size=20, epochs=5, verbose=0)
    folded = folded_copy(keras, nb, trained, (3,))
    return {"trained": trained, "folded": folded, "x": data_x}


def test_notebook_fold_matches_and_drops_one_layer(notebook_fold):
    trained, folded, x = notebook_fold["trained"], notebook_fold["folded"], notebook_fold["x"]
    bn = trained.layers[1]
    assert np.abs(bn.moving_mean.numpy()).max() > 0.5  # the statistics really moved away from 0 and 1
    expected = trained.predict(x, verbose=0)
    assert np.abs(folded.predict(x, verbose=0) - expected).max() < FOLD_RTOL * max(1.0, np.abs(expected).max())
    # the prose: one layer fewer, BN's 32 numbers gone, 8 biases gained (65 -> 41 parameters)
    assert (len(trained.layers), len(folded.layers)) == (4, 3)
    assert (trained.count_params(), folded.count_params()) == (65, 41)


def bn_after_activation_model(keras, rng, kind):
    """Dense/Conv2D -> ReLU -> BN (random statistics) -> Dense/Conv2D -> ..., BN in the lecture note's place."""
    units = int(rng.integers(2, 9))
    bn = keras.layers.BatchNormalization(epsilon=1e-3)
    if kind == "dense":
        shape = (int(rng.integers(2, 7)),)
        layers = [keras.layers.Dense(units, activation="relu"), bn, keras.layers.Dense(3)]
    else:
        shape = (6, 6, 2)
        layers = [
            keras.layers.Conv2D(units, 3, padding="same", activation="relu"),
            bn,
            keras.layers.Conv2D(3, 3, padding=kind),
            keras.layers.Flatten(),
        ]
    model = keras.Sequential([keras.Input(shape), *layers])
    bn.set_weights(
        [
            rng.uniform(0.5, 2.0, units),
            rng.normal(size=units),
            rng.normal(scale=3.0, size=units),
            rng.uniform(0.05, 5.0, units),
        ]
    )
    return model, shape


def fold_into_next(keras, model, shape):
    """Fold BN into the layer after it, computed here: kernel rows (input channels) * s, bias + (beta - s mean) W."""
    first, bn, nxt, *rest = model.layers
    gamma, beta, mean, var = (v.numpy().astype(np.float64) for v in bn.weights)
    s = gamma / np.sqrt(var + bn.epsilon)
    shift = beta - s * mean
    w, b = (v.numpy().astype(np.float64) for v in nxt.weights)
    new_w = w * s.reshape((1,) * (w.ndim - 2) + (-1, 1))  # scale the input axis (rows of a Dense kernel)
    new_b = b + np.tensordot(shift, w.sum(axis=tuple(range(w.ndim - 2))), axes=1)
    clone = type(nxt).from_config(nxt.get_config())
    folded = keras.Sequential(
        [
            keras.Input(shape),
            type(first).from_config(first.get_config()),
            clone,
            *[type(layer).from_config(layer.get_config()) for layer in rest],
        ]
    )
    folded.layers[0].set_weights(first.get_weights())
    clone.set_weights([new_w, new_b])
    return folded


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_after_the_activation_folds_exactly_into_the_next_dense_layer(keras, seed):
    rng = np.random.default_rng(200 + seed)
    model, shape = bn_after_activation_model(keras, rng, "dense")
    folded = fold_into_next(keras, model, shape)
    x = (rng.normal(size=(32, *shape)) * 3.0).astype("float32")
    expected = model.predict(x, verbose=0)
    assert np.abs(folded.predict(x, verbose=0) - expected).max() < FOLD_RTOL * max(1.0, np.abs(expected).max())
    assert len(folded.layers) == len(model.layers) - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_folds_into_a_next_convolution_only_approximately_with_zero_padding(keras, seed):
    """Exact with padding="valid"; with padding="same" the border outputs differ (the padded zeros skip BN)."""
    for padding, exact in (("valid", True), ("same", False)):
        rng = np.random.default_rng(300 + seed)
        model, shape = bn_after_activation_model(keras, rng, padding)
        folded = fold_into_next(keras, model, shape)
        x = (rng.normal(size=(16, *shape)) * 3.0).astype("float32")
        expected = model.predict(x, verbose=0)
        error = np.abs(folded.predict(x, verbose=0) - expected).max()
        tolerance = FOLD_RTOL * max(1.0, np.abs(expected).max())
        if exact:
            assert error < tolerance
        else:
            assert error > 1000 * tolerance
            inner = (expected - folded.predict(x, verbose=0)).reshape(16, 6, 6, 3)[:, 1:-1, 1:-1, :]
            assert np.abs(inner).max() < tolerance  # away from the border it is exact


# --- going deeper: our own BN layer in Keras ---------------------------------------------------


@pytest.fixture(scope="module", params=SEEDS)
def scratch_vs_keras(request, keras, nb):
    """The notebook's two copies (our layer, Keras's layer) trained the same way under another seed."""
    seed = request.param
    rng = np.random.default_rng(seed)
    data_x = rng.normal(loc=[5.0, -3.0, 10.0], scale=[2.0, 0.5, 4.0], size=(200, 3)).astype("float32")
    data_y = (data_x @ np.array([1.0, -2.0, 0.5]) + rng.normal(0.0, 0.1, 200)).astype("float32")
    nets = []
    for bn_layer in (nb["ScratchBatchNorm"](momentum=0.9), keras.layers.BatchNormalization(momentum=0.9)):
        keras.utils.set_random_seed(seed)
        net = keras.Sequential(
            [
                keras.Input(shape=(3,)),
                keras.layers.Dense(8, use_bias=False),
                bn_layer,
                keras.layers.Activation("relu"),
                keras.layers.Dense(1),
            ]
        )
        net.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
        net.fit(data_x, data_y, batch_size=20, epochs=5, shuffle=False, verbose=0)
        nets.append(net)
    return {"ours": nets[0], "keras": nets[1], "x": data_x}


def test_scratch_layer_trains_like_keras_batch_normalization(scratch_vs_keras):
    ours, theirs, x = scratch_vs_keras["ours"], scratch_vs_keras["keras"], scratch_vs_keras["x"]
    expected = theirs.predict(x, verbose=0)
    assert np.abs(ours.predict(x, verbose=0) - expected).max() < 1e-4 * np.abs(expected).max()
    for mine, keras_weight in zip(ours.layers[1].weights, theirs.layers[1].weights):
        assert mine.name == keras_weight.name and mine.trainable == keras_weight.trainable
        np.testing.assert_allclose(mine.numpy(), keras_weight.numpy(), rtol=1e-4, atol=1e-4)
    assert np.abs(ours.layers[1].moving_mean.numpy()).max() > 0.5  # the averages did move


def test_scratch_layer_at_inference_uses_the_moving_statistics(scratch_vs_keras, nb):
    dense, layer = scratch_vs_keras["ours"].layers[:2]
    x = dense(scratch_vs_keras["x"][:20]).numpy()  # what the BN layer sees: the Dense layer's outputs
    gamma, beta, mean, var = (v.numpy().astype(np.float64) for v in layer.weights)
    np.testing.assert_allclose(
        layer(x, training=False).numpy(),
        nb["batch_norm_inference"](x, gamma, beta, mean, var),
        rtol=0,
        atol=TOL * max(1.0, np.abs(x).max()),
    )
    np.testing.assert_allclose(layer(x, training=True).numpy(), nb["batch_norm"](x, gamma, beta), rtol=0, atol=TOL)


# --- course/bn_plots.py: the notebook's plot helpers ---------------------------------------------------


def test_plot_bn_stages_draws_one_panel_per_stage():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = notebook_batch(0)
    axes = helpers.plot_bn_stages({"a": x, "b": x - x.mean(axis=0)}, title="two stages")
    assert len(axes) == 2 and axes[0].get_title() == "a" and axes[1].get_title() == "b"
    assert axes[0].figure.get_suptitle() == "two stages"
    assert axes[0].figure.get_size_inches()[0] <= 7.4
    assert len(axes[1].get_lines()) == 2 * x.shape[1]  # the samples and the mean of each feature
    means = [line.get_ydata()[0] for line in axes[0].get_lines() if line.get_marker() == "_"]
    np.testing.assert_allclose(means, x.mean(axis=0))  # each feature's mean marker sits at its batch mean
    fig, given = plt.subplots(1, 2)
    assert helpers.plot_bn_stages({"a": x, "b": x}, axes=given) == list(given)
    plt.close("all")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"stages": [np.zeros((2, 3))]}, TypeError, "stages must be a non-empty dict"),
        ({"stages": {}}, TypeError, "stages must be a non-empty dict"),
        ({"stages": {"a": np.zeros(3)}}, ValueError, "2-D arrays"),
        ({"stages": {"a": np.zeros((2, 3)), "b": np.zeros((2, 2))}}, ValueError, "same number of features"),
        ({"stages": {"a": np.zeros((2, 3))}, "title": 3}, TypeError, "title must be a string"),
    ],
)
def test_plot_bn_stages_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        helpers.plot_bn_stages(**kwargs)


def test_plot_bn_stages_needs_one_axes_per_stage():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="one Axes per stage"):
        helpers.plot_bn_stages({"a": np.zeros((2, 3))}, axes=axes)
    plt.close("all")


def test_plot_moving_averages_draws_each_momentum_and_the_batches():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    means = np.linspace(4.0, 6.0, 50)
    ax = helpers.plot_moving_averages(means, {0.9: means * 0.9, 0.99: means * 0.5}, data_mean=5.0)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["moving mean, momentum 0.9", "moving mean, momentum 0.99", "mean of each batch"]
    plt.close("all")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_means": np.zeros((3, 2)), "trajectories": {0.9: np.zeros(3)}}, ValueError, "non-empty 1-D"),
        (
            {"batch_means": np.zeros(3), "trajectories": [np.zeros(3)]},
            TypeError,
            "trajectories must be a non-empty dict",
        ),
        ({"batch_means": np.zeros(3), "trajectories": {0.9: np.zeros(4)}}, ValueError, r"trajectories\[0.9\]"),
    ],
)
def test_plot_moving_averages_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        helpers.plot_moving_averages(data_mean=0.0, **kwargs)


@pytest.mark.parametrize(
    "values, decimals, expected",
    [([-1e-17, 0.12344, -2.5], 4, [0.0, 0.1234, -2.5]), ([-0.4], 0, [0.0]), (-1e-9, 2, 0.0)],
)
def test_rounded_has_no_negative_zeros(values, decimals, expected):
    out = helpers.rounded(values, decimals)
    np.testing.assert_array_equal(out, expected)
    assert not np.signbit(out[out == 0]).any()
    assert "-0." not in str(out)


@pytest.mark.parametrize(
    "decimals, error, match",
    [
        (2.5, TypeError, "decimals must be an int"),
        (True, TypeError, "decimals must be an int"),
        (-1, ValueError, "decimals must be 0 or more"),
    ],
)
def test_rounded_rejects_bad_decimals(decimals, error, match):
    with pytest.raises(error, match=match):
        helpers.rounded([1.0], decimals)


# --- exercises ---------------------------------------------------------------------------------


def test_exercise_answers_computed_with_the_notebook_functions_pass(nb, keras):
    out = float(nb["batch_norm_inference"](10.0, 2.0, 1.0, 4.0, 9.0, eps=1e-3))
    assert helpers.is_correct("05.1", out)
    for rounded in (4.9998, 4.99978, round(out, 6)):  # sensibly rounded answers pass too
        assert helpers.is_correct("05.1", rounded)
    feature_maps = keras.layers.Conv2D(16, kernel_size=3, padding="same")(np.zeros((8, 32, 32, 3), dtype="float32"))
    shape = tuple(int(n) for n in feature_maps.shape)
    bn = keras_bn(keras, shape)
    counts = (
        shape[0] * shape[1] * shape[2],
        sum(int(np.prod(v.shape)) for v in bn.trainable_weights),
        sum(int(np.prod(v.shape)) for v in bn.non_trainable_weights),
    )
    assert helpers.is_correct("05.3", counts)
    assert helpers.is_correct("05.3", list(counts))
    assert helpers.is_correct("05.2", 2.1 * 8 / 7)
    kernel, bias = nb["fold_batch_norm"](np.array([[3.0]]), np.array([0.5]), 2.0, 1.0, 4.0, 9.0, eps=0.0)
    assert helpers.is_correct("05.4", (float(kernel[0, 0]), float(bias[0])))
    assert helpers.is_correct("05.4", (2, -1.3333)) and helpers.is_correct("05.4", [2.0, -4 / 3])


def test_exercise_05_4_matches_keras():
    """The folded unit (kernel 2, bias -4/3) computes what Dense(3x + 0.5) then BN computes, for any x."""
    xs = np.linspace(-10, 10, 21)
    bn_out = 2.0 * ((3.0 * xs + 0.5) - 4.0) / np.sqrt(9.0) + 1.0
    np.testing.assert_allclose(2.0 * xs - 4.0 / 3.0, bn_out, rtol=1e-12, atol=1e-12)
    assert not helpers.is_correct("05.4", (2.0, -1.333))  # three decimals are not enough


@pytest.mark.parametrize("wrong, hint", [(5.0, "epsilon"), (4.9997, "significant digits"), (4.99, "moving_mean")])
def test_05_1_hints_say_what_is_wrong(wrong, hint):
    assert hint in _evaluate("05.1", wrong)[1]


@pytest.mark.parametrize(
    "wrong, hint",
    [
        ((2.0 / 3.0, -1.0), "standard deviation"),
        ((4.5, -1.0), "not divided"),
        ((2.0, 0.5 * 2 / 3 + 1.0), "moving mean"),
        ((2.0, -3.5 * 2 / 3), "beta"),
        ((2.0, -1.0), "new bias"),
    ],
)
def test_05_4_hints_say_what_is_wrong(wrong, hint):
    assert hint in _evaluate("05.4", wrong)[1]


@pytest.mark.parametrize(
    "exercise_id, wrong",
    [
        ("05.1", 5.0),
        ("05.1", 2 * 6 / np.sqrt(9.001)),
        ("05.1", 10.0),
        ("05.3", (8 * 32 * 32 * 16, 32, 32)),
        ("05.3", (32 * 32, 32, 32)),
        ("05.3", (8, 32, 32)),
        ("05.3", (16, 32, 32)),
        ("05.3", (8192, 64, 0)),
        ("05.3", (8192, 16, 16)),
        ("05.3", (8192, 32, 0)),
        ("05.3", (8192, 2, 2)),
        ("05.2", 2.1),
        ("05.2", 2.1 * 7 / 8),
        ("05.2", 2.1 * 3 / 4),
        ("05.4", (3.0, 0.5)),
        ("05.4", (2.0, 1.0)),
        ("05.4", (2.0, -1.333)),
    ],
)
def test_wrong_answers_get_a_hint(exercise_id, wrong):
    message = _evaluate(exercise_id, wrong)[1]
    assert "not yet. Hint:" in message


@pytest.mark.parametrize(
    "exercise_id, bad",
    [
        ("05.1", "4.99"),
        ("05.1", None),
        ("05.3", "gamma"),
        ("05.3", [1, 2]),
        ("05.3", (8192.5, 32, 32)),
        ("05.3", {"gamma", "beta"}),
        ("05.2", True),
        ("05.4", 2.0),
        ("05.4", (2.0, "b")),
        ("05.4", (2.0, -1.3, 0.0)),
    ],
)
def test_wrong_types_get_a_message_not_a_traceback(exercise_id, bad):
    ok, message = _evaluate(exercise_id, bad)
    assert not ok and "expects" in message
