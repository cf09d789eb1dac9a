"""Claims of notebook 06 (with and without batch normalization), checked over seeds other than the notebook's.

The notebook's own functions are reused through notebook_namespace(); trained results are shared per module.
The data split uses SPLIT_SEED and the runs use TEST_SEEDS, so none of these runs repeats a stored one.
"""

from __future__ import annotations

import numpy as np
import pytest

import helpers
from conftest import notebook_namespace

NOTEBOOK = "06_with_and_without_batch_norm.ipynb"
SPLIT_SEED = 7
TEST_SEEDS = [1, 2, 3]


@pytest.fixture(scope="module")
def nb():
    return notebook_namespace(NOTEBOOK, seed=SPLIT_SEED)


@pytest.fixture(scope="module")
def runs(nb):
    return {norm: [nb["train"](norm, s, epochs=6) for s in TEST_SEEDS] for norm in ("none", "bn_before", "bn_after")}


def curves(runs_of_one_variant, key="val_accuracy"):
    return np.array([r[key] for r in runs_of_one_variant])


def reached(nb, runs_of_one_variant, target=0.90):
    epoch = nb["epochs_to_reach"](curves(runs_of_one_variant).mean(axis=0), target)
    return np.inf if epoch is None else epoch


# --- the training machinery -------------------------------------------------------------------

def test_epochs_to_reach(nb):
    f = nb["epochs_to_reach"]
    assert f([0.5, 0.89, 0.9, 0.95]) == 3
    assert f([0.5, 0.6], target=0.9) is None
    assert f([0.95]) == 1


def test_fresh_start_draws_glorot_kernels_and_neutral_normalization(nb):
    model = nb["build_model"]("bn_before")
    nb["fresh_start"](model, 5)
    for w in model.weights:
        value = np.asarray(w)
        if w.name == "kernel":
            limit = np.sqrt(6 / sum(w.shape))
            assert np.abs(value).max() <= limit and np.abs(value).max() > 0.9 * limit
            assert abs(value.mean()) < 0.1 * limit
        elif w.name in ("gamma", "moving_variance"):
            assert np.all(value == 1)
        else:
            assert np.all(value == 0)


def test_every_variant_starts_from_the_same_dense_kernels(nb):
    kernels = {}
    for norm in ("none", "bn_before", "bn_after", "layer", "group"):
        model = nb["build_model"](norm)
        nb["fresh_start"](model, 11)
        kernels[norm] = [np.asarray(w) for w in model.weights if w.name == "kernel"]
    for norm, ks in kernels.items():
        assert len(ks) == 5
        for k, k_none in zip(ks, kernels["none"]):
            np.testing.assert_array_equal(k, k_none)


def test_build_model_rejects_an_unknown_norm(nb):
    with pytest.raises(ValueError, match="norm"):
        nb["build_model"]("instance")


def test_group_normalization_runs_on_an_mlp(nb):
    model = nb["build_model"]("group")
    out = np.asarray(model(np.ones((3, 64), dtype="float32"), training=True))
    assert out.shape == (3, 10) and np.allclose(out.sum(axis=1), 1, atol=1e-5)


# --- section 1: with and without BN over seeds --------------------------------------------------

def test_bn_reaches_the_target_in_fewer_epochs(nb, runs):
    assert reached(nb, runs["bn_before"]) <= 6
    assert reached(nb, runs["bn_before"]) < reached(nb, runs["none"])


def test_bn_is_ahead_in_the_first_epochs(runs):
    bn, plain = curves(runs["bn_before"]).mean(axis=0), curves(runs["none"]).mean(axis=0)
    assert np.all(bn[:3] - plain[:3] > 0.02), (bn, plain)
    loss_bn, loss_plain = curves(runs["bn_before"], "loss").mean(axis=0), curves(runs["none"], "loss").mean(axis=0)
    assert np.all(loss_bn[:2] < loss_plain[:2]), (loss_bn, loss_plain)


def test_bn_seeds_agree_more_early_on(runs):
    spread = {norm: np.ptp(curves(runs[norm]), axis=0)[:3].mean() for norm in ("none", "bn_before")}
    assert spread["bn_before"] < spread["none"], spread


def test_by_the_end_both_are_close(runs):
    final = {norm: curves(runs[norm])[:, -1].mean() for norm in ("none", "bn_before")}
    assert abs(final["bn_before"] - final["none"]) < 0.05, final
    assert min(final.values()) > 0.85, final


# --- section 3: placement ---------------------------------------------------------------------

def test_both_placements_work_and_differ_little(runs):
    plain = curves(runs["none"]).mean(axis=0)
    before, after = curves(runs["bn_before"]).mean(axis=0), curves(runs["bn_after"]).mean(axis=0)
    assert np.all(before[:2] > plain[:2]) and np.all(after[:2] > plain[:2])
    assert abs(after[-1] - before[-1]) < 0.03, (before, after)
    assert min(after[-1], before[-1]) > 0.9
    assert after[0] > before[0], (before, after)  # "after ReLU was even a little quicker at first"


# --- section 4: cost ------------------------------------------------------------------------

def test_bn_costs_more_cpu_time_per_epoch(runs):
    median = {norm: np.median([s for r in runs[norm] for s in r["seconds"]]) for norm in ("none", "bn_before")}
    assert median["bn_before"] > 1.15 * median["none"], median


# --- section 2: learning rates ----------------------------------------------------------------

@pytest.fixture(scope="module")
def sweep(nb):
    return {norm: nb["learning_rate_sweep"](norm, TEST_SEEDS) for norm in ("none", "bn_before")}


def test_learning_rate_verdicts(nb, sweep):
    report = nb["tolerance_report"](sweep)
    assert report["best rate without BN"] in (0.1, 0.3), report
    for key, value in report.items():
        if isinstance(value, bool):
            assert value, (key, sweep)


def test_near_the_best_rate_the_peaks_are_close_and_bn_leads_at_1(nb, sweep):
    rates = nb["LEARNING_RATES"]
    mean = {norm: acc.mean(axis=1) for norm, acc in sweep.items()}
    i01, i03, i1 = rates.index(0.1), rates.index(0.3), rates.index(1.0)
    best = {norm: m[[i01, i03]].max() for norm, m in mean.items()}  # "BN does not reach a clearly higher peak"
    assert abs(best["bn_before"] - best["none"]) < 0.05, mean
    assert mean["bn_before"][i1] - mean["none"][i1] > 0.1, mean


# --- section 5: tiny batches ------------------------------------------------------------------

def test_batch_of_two_normalizes_to_plus_or_minus_one(nb):
    keras = nb["keras"]
    rng = np.random.default_rng(0)
    pairs = rng.normal(size=(5, 2, 16)).astype("float32")
    for pair in pairs:
        out = np.asarray(keras.layers.BatchNormalization()(pair, training=True))
        half_gap = np.abs(pair[0] - pair[1]) / 2  # the batch standard deviation of two values
        np.testing.assert_allclose(np.abs(out[0]), half_gap / np.sqrt(half_gap**2 + 1e-3), rtol=1e-4)
        assert np.all(np.abs(out[0][half_gap > 0.25]) > 0.99)  # +-1 unless the two values almost coincide
        np.testing.assert_array_equal(np.sign(out[0]), np.sign(pair[0] - pair[1]))
        np.testing.assert_allclose(out[1], -out[0], rtol=1e-5)


def test_layer_normalization_ignores_the_rest_of_the_batch(nb):
    keras = nb["keras"]
    rng = np.random.default_rng(1)
    a, b, c = rng.normal(size=(3, 16)).astype("float32")
    ln = keras.layers.LayerNormalization()
    np.testing.assert_allclose(ln(np.stack([a, b]))[0], ln(np.stack([a, c]))[0], atol=1e-6)
    np.testing.assert_allclose(ln(np.stack([a, b]), training=True)[0], ln(a[None], training=False)[0], atol=1e-6)


@pytest.fixture(scope="module")
def tiny(nb):
    return nb["batch_size_sweep"](TEST_SEEDS)


def test_tiny_batch_verdicts(nb, tiny):
    for key, value in nb["tiny_batch_report"](tiny).items():
        assert value, (key, tiny.pivot_table(index="batch size", columns="norm", values="val acc"))


def test_accuracy_in_both_modes_leaves_the_model_unchanged(nb):
    run = nb["train"]("bn_before", 4, batch_size=4, epochs=1, steps_per_epoch=20,
                      x=nb["x_train"][:200], y=nb["y_train"][:200])
    model = run["model"]
    before = [np.asarray(w).copy() for w in model.weights]
    nb["accuracy_in_both_modes"](model, nb["x_val"][:64], nb["y_val"][:64], 4)
    for w, old in zip(model.weights, before):
        np.testing.assert_array_equal(np.asarray(w), old)


# --- helpers.plot_mean_band -------------------------------------------------------------------

def test_plot_mean_band_returns_axes_and_draws_a_band():
    import matplotlib

    matplotlib.use("Agg")
    ax = helpers.plot_mean_band([1, 2, 3], [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]], "runs")
    assert ax.get_lines()[0].get_label() == "runs"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.2, 0.3, 0.4])
    assert len(ax.collections) == 1
    ax2 = helpers.plot_mean_band([1, 2], [[1, 2]], "one", ax=ax, band="std", color="#000000", marker="s")
    assert ax2 is ax
    assert ax.get_lines()[1].get_color() == "#000000" and ax.get_lines()[1].get_marker() == "s"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"x": [1, 2, 3], "runs": [[1, 2]], "label": "a"}, ValueError, "runs must have shape"),
    ({"x": [1, 2], "runs": [1, 2], "label": "a"}, ValueError, "runs must have shape"),
    ({"x": [1, 2], "runs": [[1, 2]], "label": 3}, TypeError, "label"),
    ({"x": [1, 2], "runs": [[1, 2]], "label": "a", "band": "iqr"}, ValueError, "band"),
])
def test_plot_mean_band_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        helpers.plot_mean_band(**kwargs)


# --- exercises --------------------------------------------------------------------------------

def test_exercise_answers(nb):
    assert helpers.is_correct("06.1", 768)
    assert helpers.is_correct("06.1", nb["build_model"]("bn_before").count_params()
                              - nb["build_model"]("none").count_params())
    assert helpers.is_correct("06.2", -1.0)
    assert helpers.is_correct("06.3", 0.99**150)


@pytest.mark.parametrize("exercise_id, wrong", [
    ("06.1", 1024), ("06.1", 256), ("06.1", 512), ("06.1", 0),
    ("06.2", 1.0), ("06.2", 0.0), ("06.2", -2.0),
    ("06.3", 1 - 0.99**150), ("06.3", 0.99), ("06.3", 0.5),
])
def test_wrong_exercise_answers_get_a_hint(capsys, exercise_id, wrong):
    helpers.check(exercise_id, wrong)
    out = capsys.readouterr().out
    assert "not yet" in out and "Hint:" in out
