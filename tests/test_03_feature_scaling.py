"""Notebook 03's claims, checked across seeds with the notebook's own functions (cells tagged reused-in-tests).

Each test names the section of notebooks/03_feature_scaling.ipynb whose prose it checks.
Keras runs are shared within the module (one fixture per seed) to keep the file fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

import helpers
from conftest import notebook_namespace

SEEDS = (0, 1, 2)
FEATURES = ["miles_driven", "age_years", "engine_litres"]


@pytest.fixture(scope="module")
def nb():
    return notebook_namespace("03_feature_scaling.ipynb")


@pytest.fixture(scope="module")
def cars():
    return helpers.load_used_cars()


@pytest.fixture(scope="module")
def splits(nb, cars):
    """seed -> (train, val, test, X_train, X_val, X_test, y_train, y_val, y_test), as the notebook builds them."""
    out = {}
    for seed in SEEDS:
        train, val, test = nb["split_cars"](cars, seed)
        xs = [part[FEATURES].to_numpy(dtype=float) for part in (train, val, test)]
        ys = [part["price_usd"].to_numpy(dtype=float) / 1000 for part in (train, val, test)]
        out[seed] = (train, val, test, *xs, *ys)
    return out


# ---------------------------------------------------------------- section 1: raw features


@pytest.mark.parametrize("seed", SEEDS)
def test_miles_dominates_a_fresh_neurons_input(cars, seed):
    X = cars[FEATURES].to_numpy(dtype=float)
    limit = np.sqrt(6 / (3 + 16))
    w = np.random.default_rng(seed).uniform(-limit, limit, size=(3, 16))
    contribution = np.abs(X[:, :, None] * w[None, :, :]).mean(axis=0)  # per input and neuron
    share = contribution[0] / contribution.sum(axis=0)
    assert share.mean() > 0.999   # "on average more than 99.9%"
    assert share.min() > 0.99     # "over 99% for every single neuron"
    terms = contribution.mean(axis=1)
    assert terms[0] / terms.sum() > 0.999


def test_miles_gradient_is_about_ten_thousand_times_the_age_gradient(cars):
    X = cars[FEATURES].to_numpy(dtype=float)
    gradient = -2 * (X * cars["price_usd"].to_numpy(dtype=float)[:, None]).mean(axis=0)
    assert 5_000 < gradient[0] / gradient[1] < 20_000


# ---------------------------------------------------------------- sections 3 and 4: the scalers


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 1), (50, 3), (200, 7)])
@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0), (2.0, 5.0)])
def test_hand_written_min_max_equals_minmaxscaler(nb, seed, shape, feature_range):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(0.1, 1e5, size=shape[1]) + rng.uniform(-1e4, 1e4, size=shape[1])
    new = rng.normal(size=(4, shape[1])) * 1e4  # data the scaler never saw, even outside its range
    x_min, x_max = nb["min_max_fit"](X)
    scaler = MinMaxScaler(feature_range=feature_range).fit(X)
    for data in (X, new):
        ours = nb["min_max_transform"](data, x_min, x_max, feature_range)
        np.testing.assert_allclose(ours, scaler.transform(data), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(nb["min_max_inverse"](ours, x_min, x_max, feature_range), data, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(scaler.inverse_transform(ours), data, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 1), (50, 3), (200, 7)])
def test_hand_written_standardization_equals_standardscaler(nb, seed, shape):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(0.1, 1e5, size=shape[1]) + rng.uniform(-1e4, 1e4, size=shape[1])
    new = rng.normal(size=(4, shape[1])) * 1e4
    mean, std = nb["standardize_fit"](X)
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(std, scaler.scale_, rtol=1e-12)  # population std, ddof = 0
    assert not np.allclose(std, X.std(axis=0, ddof=1), rtol=1e-12, atol=0)
    for data in (X, new):
        ours = nb["standardize_transform"](data, mean, std)
        np.testing.assert_allclose(ours, scaler.transform(data), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(nb["standardize_inverse"](ours, mean, std), data, rtol=1e-9, atol=1e-6)
    z = nb["standardize_transform"](X, mean, std)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_pandas_std_defaults_to_ddof_1_unlike_standardscaler(splits, seed):
    train, X_train = splits[seed][0], splits[seed][3]
    scale = StandardScaler().fit(X_train).scale_
    assert not np.allclose(train[FEATURES].std(), scale, rtol=1e-6, atol=0)
    np.testing.assert_allclose(train[FEATURES].std(), X_train.std(axis=0, ddof=1))
    np.testing.assert_allclose(train[FEATURES].std(ddof=0), scale)


@pytest.mark.parametrize("seed", SEEDS)
def test_min_max_columns_have_stds_of_0_2_to_0_3(nb, splits, seed):
    X_train = splits[seed][3]
    stds = nb["min_max_transform"](X_train, *nb["min_max_fit"](X_train)).std(axis=0)
    assert np.all((stds > 0.15) & (stds < 0.35)), stds


# ---------------------------------------------------------------- section 5(a): the loss surface


def loss_surface_run(nb, train):
    """The notebook's section 5(a) on one training split, through the notebook's own functions."""
    surfaces, y = nb["two_weight_problem"](train)
    paths, steps_needed, best, target = nb["race"](surfaces, y)
    result = {"corr": np.corrcoef(surfaces["raw"].T)[0, 1], "target": target}
    loss_start = np.mean(y ** 2)
    for name, X in surfaces.items():
        lam_min, L = nb["curvatures"](X)
        losses = nb["losses_along"](paths[name], X, y)
        assert np.isclose(losses[0], loss_start)                             # the same start ...
        assert np.isclose(np.mean((X @ best[name] - y) ** 2),                # ... and the same minimum
                          np.mean((surfaces["standardized"] @ best["standardized"] - y) ** 2), rtol=1e-9)
        result[name] = {"kappa": L / lam_min, "steps": steps_needed[name], "end": paths[name][-1],
                        "path": paths[name], "first": paths[name][:31], "best": best[name], "losses": losses,
                        "estimate": np.log(100) / (-2 * np.log1p(-1.5 * lam_min / L))}
    return result


@pytest.fixture(scope="module")
def surfaces(nb, splits):
    return {seed: loss_surface_run(nb, splits[seed][0]) for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_surface_is_a_narrow_valley_and_standardized_nearly_a_bowl(surfaces, seed):
    run = surfaces[seed]
    assert run["raw"]["kappa"] > 1e8                     # "hundreds of millions"
    assert 3 < run["standardized"]["kappa"] < 10         # "about 6"
    assert 0.6 < run["corr"] < 0.8                       # "about 0.7"


@pytest.mark.parametrize("seed", SEEDS)
def test_standardized_reaches_the_target_in_a_handful_of_steps_raw_never(surfaces, seed):
    run = surfaces[seed]
    assert run["standardized"]["steps"] is not None and run["standardized"]["steps"] <= 10
    assert run["raw"]["steps"] is None
    assert run["raw"]["estimate"] > 1e8
    # The raw loss lies flat: from step 10 to step 10,000 it closes less than 0.1% of its gap to the minimum.
    raw, lowest = run["raw"]["losses"], run["standardized"]["losses"][-1]
    assert raw[10] - raw[-1] < 1e-3 * (raw[-1] - lowest) and raw[-1] > 1.3 * lowest


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_run_fits_only_the_miles_direction(surfaces, seed):
    raw = surfaces[seed]["raw"]
    assert abs(raw["end"][1]) < 1e-3 * abs(raw["best"][1])     # age weight has barely left 0
    assert 3 < raw["end"][0] / raw["best"][0] < 8               # miles weight overshoots about 5x
    np.testing.assert_allclose(surfaces[seed]["standardized"]["end"], surfaces[seed]["standardized"]["best"], rtol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_raw_path_bounces_across_the_valley(surfaces, seed):
    """At 1.5 / L each step multiplies the steep (miles) offset by 1 - 1.5 = -0.5: the path bounces from wall to wall."""
    raw = surfaces[seed]["raw"]
    offsets = raw["first"][1:6, 0] - raw["end"][0]
    assert np.all(np.sign(offsets[1:]) == -np.sign(offsets[:-1]))
    np.testing.assert_allclose(offsets[1:] / offsets[:-1], -0.5, rtol=0.01)
    # The zig-zag is along w1 only: w2 stays at 0 (relative to its best value) for all 10,000 steps.
    assert np.all(np.abs(raw["path"][:, 1] / raw["best"][1]) < 1e-3)
    # The figure's bottom panel: the first step overshoots the resting point, then the bounces die out.
    ratio = raw["path"][:, 0] / raw["best"][0]
    assert ratio[1] > 1.3 * ratio[-1]
    np.testing.assert_allclose(ratio[20:], ratio[-1], rtol=1e-3)


# ---------------------------------------------------------------- section 5(b): Keras on raw / min-max / standardized


@pytest.fixture(scope="module")
def keras_results(nb, splits):
    """seed -> (validation losses, trained models), from the notebook's train_three_ways."""
    runs = {}
    for seed in SEEDS:
        _, _, _, X_train, X_val, _, y_train, y_val, _ = splits[seed]
        runs[seed] = nb["train_three_ways"](X_train, y_train, X_val, y_val, seed)
    return runs


@pytest.fixture(scope="module")
def keras_runs(keras_results):
    return {seed: val for seed, (val, _) in keras_results.items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_inputs_diverge_and_scaled_inputs_learn(nb, splits, keras_runs, seed):
    _, _, _, _, _, _, y_train, y_val, _ = splits[seed]
    baseline = np.mean((y_val - y_train.mean()) ** 2)
    val = keras_runs[seed]
    assert nb["verdict"](val["raw"][1], baseline) == "diverged"
    assert nb["verdict"](val["raw"][-1], baseline) == "diverged"
    for name in ("min-max", "standardized"):
        assert nb["verdict"](val[name][-1], baseline) != "diverged"
        assert val[name][-1] < baseline / 4


@pytest.mark.parametrize("seed", SEEDS)
def test_min_max_starts_slower_then_catches_up(keras_runs, seed):
    val = keras_runs[seed]
    assert val["min-max"][1] > 3 * val["standardized"][1]      # after 2 epochs
    assert val["min-max"][-1] < 1.6 * val["standardized"][-1]  # after 12: close


@pytest.mark.parametrize("seed", SEEDS)
def test_after_the_blow_up_every_hidden_relu_is_dead_and_only_the_output_bias_moves(nb, splits, keras_results, seed):
    _, _, _, X_train, X_val, _, y_train, y_val, _ = splits[seed]
    val, models = keras_results[seed]
    raw = models["raw"]
    assert nb["active_relus"](raw, X_train) == 0                      # "0 of 16"
    assert nb["active_relus"](models["standardized"], StandardScaler().fit(X_train).transform(X_train)) > 0
    # Each hidden unit is dead for one of the three reasons the prose gives.
    start_kernel = np.asarray(nb["build_mlp"](seed).layers[0].kernel)
    kernel = np.asarray(raw.layers[0].kernel)
    for unit in range(16):
        column = kernel[:, unit]
        assert (np.isnan(column).any() or column.min() < -1e3
                or (np.array_equal(column, start_kernel[:, unit]) and column[0] < 0))
    # Training on: the hidden layer and the output weights stay put; only the output bias may move.
    before = [np.asarray(v).copy() for v in raw.weights]
    raw.fit(X_train, y_train, epochs=2, batch_size=32, verbose=0)
    after = [np.asarray(v) for v in raw.weights]
    for b, a in zip(before[:3], after[:3]):
        assert np.array_equal(b, a, equal_nan=True)
    finite = np.isfinite(val["raw"])
    if finite.all():  # with oneDNN a NaN unit outputs 0 and the loss stays finite; elsewhere it may be NaN
        assert abs(after[3][0]) < abs(before[3][0])                      # the output bias walks back
        assert np.all(np.diff(val["raw"]) < 0)                           # the curve creeps down ...
        assert 100 < val["raw"][0] / val["raw"][-1] < 10_000             # ... by about 1,000x in 11 epochs
        baseline = np.mean((y_val - y_train.mean()) ** 2)
        assert val["raw"][-1] > 1e20 * baseline                          # ... and stays astronomical
        assert val["raw"][0] > 1e30


@pytest.mark.parametrize("seed", SEEDS)
def test_a_learning_rate_small_enough_for_raw_miles_leaves_the_rest_frozen(nb, splits, seed):
    _, _, _, X_train, X_val, _, y_train, y_val, _ = splits[seed]
    model = nb["build_mlp"](seed, learning_rate=1e-10)
    start = [np.asarray(v).copy() for v in model.weights]
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=12, batch_size=32, verbose=0)
    end = [np.asarray(v) for v in model.weights]
    baseline = np.mean((y_val - y_train.mean()) ** 2)
    assert np.all(np.isfinite(history.history["val_loss"]))              # stable
    assert history.history["val_loss"][-1] > 2 * baseline                 # far worse than guessing the mean
    assert np.abs(end[0][1:] - start[0][1:]).max() < 1e-3                # age and engine weights frozen
    assert np.abs(end[1] - start[1]).max() < 1e-3 and np.abs(end[3] - start[3]).max() < 1e-3  # biases too
    assert np.abs(end[0][0] - start[0][0]).max() > 100 * np.abs(end[0][1:] - start[0][1:]).max()  # miles moves


def test_active_relus_counts_units_any_row_switches_on(nb):
    keras = nb["keras"]
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array([[1.0, -1.0, np.nan], [0.0, -1.0, 0.0]]), np.zeros(3)])
    assert nb["active_relus"](model, np.array([[1.0, 1.0], [-1.0, 2.0]])) == 1


def test_verdict_prints_a_word_for_a_blown_up_loss(nb):
    assert nb["verdict"](float("nan"), 20.0) == "diverged"
    assert nb["verdict"](float("inf"), 20.0) == "diverged"
    assert nb["verdict"](1e30, 20.0) == "diverged"
    assert nb["verdict"](2.345, 20.0) == "2.3"


# ---------------------------------------------------------------- section 6: outliers


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("outlier", [1_000_000, 3_000_000])
def test_one_outlier_squeezes_min_max_most_standard_less_robust_not(nb, splits, seed, outlier):
    miles = splits[seed][3][:, :1]
    squeeze = {}
    for scaler in (MinMaxScaler(), StandardScaler(), RobustScaler()):
        without, with_outlier = nb["ordinary_spread"](scaler, miles, outlier)
        squeeze[type(scaler).__name__] = without / with_outlier
    assert squeeze["MinMaxScaler"] > 1.5 * squeeze["StandardScaler"] > 1.5
    assert 0.98 < squeeze["RobustScaler"] < 1.02
    if outlier == 3_000_000:  # the notebook's case: "almost 10-fold" and "about 2-fold"
        assert 9 < squeeze["MinMaxScaler"] < 10 and 1.5 < squeeze["StandardScaler"] < 3


# ---------------------------------------------------------------- section 7: fit on training data only


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_transform_on_test_data_silently_misprices_a_batch_of_old_cars(splits, seed):
    from sklearn.linear_model import LinearRegression

    _, _, test, X_train, _, X_test, y_train, _, y_test = splits[seed]
    scaler = StandardScaler().fit(X_train)
    linear = LinearRegression().fit(scaler.transform(X_train), y_train)
    mse = lambda p, y: np.mean((p - y) ** 2)
    right_all = mse(linear.predict(scaler.transform(X_test)), y_test)
    wrong_all = mse(linear.predict(StandardScaler().fit_transform(X_test)), y_test)
    assert abs(wrong_all / right_all - 1) < 0.25          # hard to notice on a random test set
    old = (test["age_years"] >= 12).to_numpy()
    assert old.sum() >= 20
    right = linear.predict(scaler.transform(X_test[old]))
    wrong = linear.predict(StandardScaler().fit_transform(X_test[old]))
    assert wrong.mean() > 1.6 * y_test[old].mean()        # priced like an average car, about twice its value
    assert np.abs(wrong - y_test[old]).mean() > 3 * np.abs(right - y_test[old]).mean()
    assert np.all(np.abs(scaler.transform(X_test).mean(axis=0)) < 0.3)   # close to 0 ...
    assert np.any(np.abs(scaler.transform(X_test).mean(axis=0)) > 0.005)  # ... but not exactly


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_transform_silently_overwrites_the_training_statistics(splits, seed):
    import copy
    import warnings

    _, _, _, X_train, _, X_test, _, _, _ = splits[seed]
    scaler = StandardScaler().fit(X_train)
    mistaken = copy.deepcopy(scaler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # "no error, no warning"
        Z = mistaken.fit_transform(X_test)
    np.testing.assert_allclose(scaler.mean_, X_train.mean(axis=0))   # the original is untouched
    np.testing.assert_allclose(mistaken.mean_, X_test.mean(axis=0))  # the copy now holds the test statistics
    assert abs(mistaken.mean_[0] - scaler.mean_[0]) > 1_000           # visibly different miles
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)


# ---------------------------------------------------------------- section 8: keras.layers.Normalization


# Keras 3.15 itself warns (np.array(..., copy=False) on a variable) when saving a Normalization layer; not our code.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_layer_equals_standardscaler_and_travels_with_the_model(nb, splits, keras_runs, seed):
    keras = nb["keras"]
    _, _, _, X_train, X_val, X_test, y_train, y_val, _ = splits[seed]
    scaler = StandardScaler().fit(X_train)
    normalization = keras.layers.Normalization()
    normalization.adapt(X_train)
    assert np.max(np.abs(np.asarray(normalization(X_test)) - scaler.transform(X_test))) < 1e-5
    np.testing.assert_allclose(np.ravel(normalization.variance), scaler.var_, rtol=1e-5)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(3,)), normalization,
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=12, batch_size=32, verbose=0)
    by_hand = keras_runs[seed]["standardized"][-1]
    assert abs(history.history["val_loss"][-1] / by_hand - 1) < 0.05  # "like the standardized run's"
    with tempfile.TemporaryDirectory() as folder:
        model.save(Path(folder) / "m.keras")
        reloaded = keras.saving.load_model(Path(folder) / "m.keras")
    np.testing.assert_allclose(reloaded.predict(X_test, verbose=0), model.predict(X_test, verbose=0), rtol=1e-6)


# ---------------------------------------------------------------- section 9: L2 regularization


@pytest.mark.parametrize("seed", SEEDS)
def test_l2_shrinks_the_weights_and_adds_a_penalty_to_the_loss(nb, splits, seed):
    _, _, _, X_train, _, _, y_train, _, _ = splits[seed]
    Z = StandardScaler().fit(X_train).transform(X_train)
    result = {}
    for l2 in (0.0, 0.5):
        fitted = nb["fit_linear"](Z, y_train, l2, seed)
        w = np.ravel(fitted.layers[0].kernel)
        data_mse = np.mean((np.ravel(fitted.predict(Z, verbose=0)) - y_train) ** 2)
        keras_loss = fitted.evaluate(Z, y_train, verbose=0)
        assert np.isclose(keras_loss, data_mse + l2 * np.sum(w ** 2), rtol=1e-3)
        result[l2] = (np.linalg.norm(w), data_mse, w)
    assert result[0.5][0] < 0.85 * result[0.0][0]    # a shorter weight vector
    assert result[0.5][1] > result[0.0][1]           # a higher training MSE, the price paid
    (miles_0, age_0, engine_0), (miles_l2, age_l2, engine_l2) = result[0.0][2], result[0.5][2]
    assert abs(miles_l2) > 1.1 * abs(miles_0)        # not every weight shrinks: miles grows ...
    assert abs(age_l2) < 0.8 * abs(age_0) and abs(engine_l2) < 0.9 * abs(engine_0)  # ... the others shrink
    # The penalty shrinks the difference of the correlated weights much more than their sum.
    assert abs(age_l2 - miles_l2) / abs(age_0 - miles_0) < 0.6 * abs(age_l2 + miles_l2) / abs(age_0 + miles_0)


@pytest.mark.parametrize("seed", SEEDS)
def test_miles_weight_grows_under_l2_because_miles_and_age_are_correlated(splits, seed):
    """The explanation, checked on the exact L2 (ridge) solution: break the miles-age correlation and miles shrinks too."""
    _, _, _, X_train, _, _, y_train, _, _ = splits[seed]

    def ridge(Z, l2):  # minimizes mean((Z w + b - y)^2) + l2 * |w|^2, the loss fit_linear trains on
        Zc, yc = Z - Z.mean(axis=0), y_train - y_train.mean()
        return np.linalg.solve(Zc.T @ Zc / len(Z) + l2 * np.eye(Z.shape[1]), Zc.T @ yc / len(Z))

    Z = StandardScaler().fit(X_train).transform(X_train)
    assert np.corrcoef(Z[:, 0], Z[:, 1])[0, 1] > 0.6
    assert abs(ridge(Z, 0.5)[0]) > 1.1 * abs(ridge(Z, 0.0)[0])       # as in the Keras runs
    shuffled = Z.copy()
    shuffled[:, 1] = np.random.default_rng(seed).permutation(shuffled[:, 1])  # age no longer tied to miles
    assert abs(np.corrcoef(shuffled[:, 0], shuffled[:, 1])[0, 1]) < 0.15
    assert abs(ridge(shuffled, 0.5)[0]) < 0.8 * abs(ridge(shuffled, 0.0)[0])  # now miles shrinks like the rest


# ---------------------------------------------------------------- exercises


@pytest.mark.parametrize("exercise_id, right, wrongs", [
    ("03.1", -0.5, [0.25, 0.5, 0.0]),
    ("03.2", 4.5, [10.5, -3.48, -3.0, 7.5]),
    ("03.3", 2.5, [0.0, -2.5, 110_000]),
    ("03.4", 0.5, [0.25, 2.0, 8.0, 1.0]),
])
def test_exercise_checkers(exercise_id, right, wrongs, capsys):
    assert helpers.is_correct(exercise_id, right)
    assert helpers.is_correct(exercise_id, np.float64(right))
    for wrong in wrongs:
        helpers.check(exercise_id, wrong)
        out = capsys.readouterr().out
        assert "not yet" in out and "Hint:" in out
        assert f"{right}" not in out.split("Hint:")[1]  # the hint does not give the answer away
    helpers.check(exercise_id, "a string")
    assert "could not check" in capsys.readouterr().out


def test_exercise_answers_match_the_notebooks_own_functions(nb):
    assert nb["min_max_transform"](55_000, 5_000, 205_000, (-1, 1)) == pytest.approx(-0.5)
    assert nb["standardize_inverse"](-1.2, 7.5, 2.5) == pytest.approx(4.5)
    assert nb["standardize_transform"](110_000, 60_000, 20_000) == pytest.approx(2.5)
