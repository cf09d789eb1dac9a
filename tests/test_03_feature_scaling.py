"""Notebook 03's claims, checked across seeds with the notebook's own functions (cells tagged reused-in-tests).

Each test names the section of notebooks/03_feature_scaling.ipynb whose prose it checks. Expectations are
thresholds written here or computed independently (closed-form least squares, eigenvalues, scikit-learn).
Keras runs are shared within the module (one fixture per seed) to keep the file fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
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
    table = helpers.load_used_cars()
    table["price_kusd"] = table.pop("price_usd") / 1000  # as the notebook does: prices in thousand dollars
    return table


@pytest.fixture(scope="module")
def splits(nb, cars):
    """seed -> (train, val, test, X_train, X_val, X_test, y_train, y_val, y_test), as the notebook builds them."""
    out = {}
    for seed in SEEDS:
        train, val, test = nb["split_cars"](cars, seed)
        xs = [part[FEATURES].to_numpy(dtype=float) for part in (train, val, test)]
        ys = [part["price_kusd"].to_numpy(dtype=float) for part in (train, val, test)]
        out[seed] = (train, val, test, *xs, *ys)
    return out


def baseline_of(y_train, y_val):
    return np.mean((y_val - y_train.mean()) ** 2)


# ---------------------------------------------------------------- section 1: raw features


@pytest.mark.parametrize("seed", SEEDS)
def test_miles_dominates_a_fresh_neurons_input(cars, seed):
    X = cars[FEATURES].to_numpy(dtype=float)
    limit = np.sqrt(6 / (3 + 16))
    w = np.random.default_rng(seed).uniform(-limit, limit, size=(3, 16))
    contribution = np.abs(X[:, :, None] * w[None, :, :]).mean(axis=0)  # per input and neuron
    share = contribution[0] / contribution.sum(axis=0)
    assert share.mean() > 0.999 and share.min() > 0.99


def test_miles_gradient_is_about_ten_thousand_times_the_age_gradient(cars):
    X = cars[FEATURES].to_numpy(dtype=float)
    gradient = -2 * (X * cars["price_kusd"].to_numpy()[:, None]).mean(axis=0)
    assert 5_000 < gradient[0] / gradient[1] < 20_000
    # "curvature grows with the square of an input's scale ... stretched roughly (10^4)^2 = 10^8 times"
    Xc = X[:, :2] - X[:, :2].mean(axis=0)
    kappa = np.linalg.cond(Xc.T @ Xc)
    assert 1e8 < kappa < 1e9 and 0.1 < kappa / (gradient[0] / gradient[1]) ** 2 < 10
    assert 1e8 < (Xc[:, 0].std() / Xc[:, 1].std()) ** 2 < 1e9


def test_a_fitted_linear_model_gives_miles_a_tiny_weight_per_mile(cars):
    """'a fitted linear model gives miles a tiny weight per mile': closed-form least squares, k$ per unit."""
    X = np.column_stack([cars[FEATURES].to_numpy(dtype=float), np.ones(len(cars))])
    w = np.linalg.lstsq(X, cars["price_kusd"].to_numpy(), rcond=None)[0]
    assert -1e-4 < w[0] < 0  # k$ per mile: a small fraction of a dollar
    assert -1.5 < w[1] < -0.5 and 2 < w[2] < 6  # k$ per year, k$ per litre
    # Miles still matter: the average car's miles cost it about as much as a year of age or more.
    assert abs(w[0]) * cars["miles_driven"].mean() > abs(w[1])


# ---------------------------------------------------------------- section 2: the scalers


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 1), (50, 3), (200, 7)])
@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0), (2.0, 5.0)])
def test_hand_written_min_max_equals_minmaxscaler(nb, seed, shape, feature_range):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(0.1, 1e5, size=shape[1]) + rng.uniform(-1e4, 1e4, size=shape[1])
    new = rng.normal(size=(4, shape[1])) * 1e4  # data the scaler never saw, even outside its range
    scaler = MinMaxScaler(feature_range=feature_range).fit(X)
    for data in (X, new):
        ours = nb["min_max_transform"](data, X.min(axis=0), X.max(axis=0), feature_range)
        np.testing.assert_allclose(ours, scaler.transform(data), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(scaler.inverse_transform(ours), data, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 1), (50, 3), (200, 7)])
def test_hand_written_standardization_equals_standardscaler(nb, seed, shape):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(0.1, 1e5, size=shape[1]) + rng.uniform(-1e4, 1e4, size=shape[1])
    new = rng.normal(size=(4, shape[1])) * 1e4
    mean, std = X.mean(axis=0), X.std(axis=0)  # what the notebook passes in (np.std: ddof=0)
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(std, scaler.scale_, rtol=1e-12)  # population std, ddof = 0
    assert not np.allclose(std, X.std(axis=0, ddof=1), rtol=1e-12, atol=0)
    for data in (X, new):
        ours = nb["standardize_transform"](data, mean, std)
        np.testing.assert_allclose(ours, scaler.transform(data), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(nb["standardize_inverse"](ours, mean, std), data, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_pandas_std_defaults_to_ddof_1_unlike_standardscaler(splits, seed):
    train, X_train = splits[seed][0], splits[seed][3]
    scale = StandardScaler().fit(X_train).scale_
    assert not np.allclose(train[FEATURES].std(), scale, rtol=1e-6, atol=0)
    np.testing.assert_allclose(train[FEATURES].std(ddof=0), scale)


@pytest.mark.parametrize("seed", SEEDS)
def test_min_max_columns_are_all_positive_not_centred_and_narrow(nb, splits, seed):
    X_train = splits[seed][3]
    M = nb["min_max_transform"](X_train, X_train.min(axis=0), X_train.max(axis=0))
    assert M.min() >= 0
    assert np.all((M.mean(axis=0) > 0.15) & (M.mean(axis=0) < 0.55))  # "means between about 0.2 and 0.5"
    assert np.all((M.std(axis=0) > 0.15) & (M.std(axis=0) < 0.35))  # "standard deviations of only 0.2 to 0.3"


# ---------------------------------------------------------------- section 3: the loss surface


def race(nb, train):
    surfaces, y = nb["two_weight_problem"](train)
    out = {}
    for name, X in surfaces.items():
        lam_min, L = np.linalg.eigvalsh(2 / len(X) * X.T @ X)  # independent of the notebook's curvatures()
        np.testing.assert_allclose(nb["curvatures"](X), [lam_min, L], rtol=1e-9)
        best = np.linalg.lstsq(X, y, rcond=None)[0]
        lowest = np.mean((X @ best - y) ** 2)
        run = {"kappa": L / lam_min, "best": best, "lowest": lowest, "X": X, "L": L}
        for rate in (1.0, 1.9):
            path = nb["gradient_descent"](X, y, rate / L, 5_000)
            losses = np.mean((path @ X.T - y) ** 2, axis=1)
            assert np.isclose(losses[0], np.mean(y**2))
            reached = np.flatnonzero(losses <= lowest + 0.01 * (losses[0] - lowest))
            run[rate] = {
                "path": path,
                "steps": int(reached[0]) if reached.size else None,
                "estimate": np.log(100) / (-2 * np.log1p(-rate * lam_min / L)),
            }
            assert helpers.first_step_within(losses, lowest, 0.99) == run[rate]["steps"]
        out[name] = run
    lowest = [run["lowest"] for run in out.values()]
    np.testing.assert_allclose(lowest, lowest[0], rtol=1e-9)  # "the same best predictions"
    return out, y


@pytest.fixture(scope="module")
def races(nb, splits):
    return {seed: race(nb, splits[seed][0]) for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_condition_numbers_raw_thousand_miles_standardized(races, seed):
    runs = races[seed][0]
    assert 1e8 < runs["raw"]["kappa"] < 1e9  # "hundreds of millions"
    assert 300 < runs["thousand miles"]["kappa"] < 800  # "about 500"
    assert 4 < runs["standardized"]["kappa"] < 8  # "about 6"


@pytest.mark.parametrize("seed", SEEDS)
def test_steps_needed_under_both_rules(races, seed):
    runs = races[seed][0]
    for rate in (1.0, 1.9):  # raw: hopeless, about a billion steps whatever the rule
        assert runs["raw"][rate]["steps"] is None
        assert 3e8 < runs["raw"][rate]["estimate"] < 3e9
    slow, bold = runs["thousand miles"][1.0]["steps"], runs["thousand miles"][1.9]["steps"]
    assert 500 < slow < 2_000  # "about a thousand steps"
    assert 0.4 < bold / slow < 0.65  # "the bolder rule only halves them"
    fast, overshoot = runs["standardized"][1.0]["steps"], runs["standardized"][1.9]["steps"]
    assert fast <= 10 and overshoot > 2 * fast  # "a handful"; "1.9/L is slower"


@pytest.mark.parametrize("seed", SEEDS)
def test_steps_to_minimum_prints_the_race_counts(nb, splits, races, seed):
    """helpers.steps_to_minimum (its own gradient descent) gives the counts found here with the notebook's."""
    runs, y = races[seed]
    for run in runs.values():
        for rate in (1.0, 1.9):
            printed = helpers.steps_to_minimum(run["X"], y, rate)
            if run[rate]["steps"] is not None:
                assert printed == f"{run[rate]['steps']:,}"
            else:
                assert printed == f"about {helpers.written_out(run[rate]['estimate'], 1)}"


def test_steps_to_minimum_and_written_out_reject_nonsense():
    assert helpers.written_out(5.4321e8, 2) == "540,000,000"
    assert helpers.written_out(6.04, 1) == "6"
    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.zeros(20)
    assert helpers.steps_to_minimum(X, y, 1.0) == "0"  # y = 0: the start is the minimum
    with pytest.raises(ValueError, match="digits must be"):
        helpers.written_out(1.0, 0)
    with pytest.raises(ValueError, match="value must be"):
        helpers.written_out(float("nan"))
    with pytest.raises(ValueError, match="X must have shape"):
        helpers.steps_to_minimum(np.zeros(5), np.zeros(5), 1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        helpers.steps_to_minimum(X, np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="rate must be"):
        helpers.steps_to_minimum(X, y, 2.0)
    with pytest.raises(ValueError, match="max_steps must be"):
        helpers.steps_to_minimum(X, y, 1.0, max_steps=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_figure_zig_zag_then_crawl_and_the_straight_run(races, seed):
    runs, y = races[seed]
    valley = runs["thousand miles"]
    eigenvalues, vectors = np.linalg.eigh(2 / len(valley["X"]) * valley["X"].T @ valley["X"])
    path = valley[1.9]["path"][:151]
    offset = path - valley["best"]
    across = offset @ vectors[:, 1]  # the steep direction
    np.testing.assert_allclose(across[1:21] / across[:20], 1 - 1.9, rtol=1e-6)  # bounces, each 0.9 of the last
    assert np.linalg.norm(offset[-1]) > 0.5 * np.linalg.norm(offset[0])  # "not halfway to the star"
    bowl = runs["standardized"]
    _, vectors = np.linalg.eigh(2 / len(bowl["X"]) * bowl["X"].T @ bowl["X"])
    offset = bowl[1.0]["path"][1:21] - bowl["best"]
    # After the first step every point lies on the line through the minimum along the flat direction.
    assert np.all(np.abs(offset @ vectors[:, 1]) <= 1e-9 * np.linalg.norm(bowl["best"]))
    assert np.all(np.diff(np.linalg.norm(offset, axis=1)) < 0)
    # "after the table's handful of steps the loss is 99% of the way down, and the later dots only creep"
    fast = bowl[1.0]["steps"]
    distance = np.linalg.norm(bowl[1.0]["path"] - bowl["best"], axis=1)
    assert fast <= 10 and distance[fast] < 0.25 * distance[0]


# ---------------------------------------------------------------- section 4: Keras on raw / min-max / standardized


@pytest.fixture(scope="module")
def keras_results(nb, splits):
    """seed -> (validation losses, trained models, Adam losses), as the notebook trains them."""
    runs = {}
    for seed in SEEDS:
        _, _, _, X_train, X_val, _, y_train, y_val, _ = splits[seed]
        inputs = nb["scaled_inputs"](X_train, X_val)
        models = {name: helpers.build_mlp(seed) for name in inputs}
        val = {name: helpers.validation_curve(models[name], inputs[name], y_train, y_val) for name in inputs}
        adam = {
            name: helpers.validation_curve(helpers.build_mlp(seed, optimizer="adam"), inputs[name], y_train, y_val)
            for name in ("raw", "standardized")
        }
        runs[seed] = (val, models, adam)
    return runs


@pytest.mark.parametrize("seed", SEEDS)
def test_scaled_inputs_are_what_the_prose_says(nb, splits, seed):
    X_train, X_val = splits[seed][3], splits[seed][4]
    inputs = nb["scaled_inputs"](X_train, X_val)
    centred = inputs["min-max centred"][0]
    np.testing.assert_allclose(centred.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(centred.std(axis=0), inputs["min-max"][0].std(axis=0))  # same spread
    np.testing.assert_allclose(inputs["standardized"][1], StandardScaler().fit(X_train).transform(X_val))


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_inputs_diverge_and_scaled_inputs_learn(splits, keras_results, seed):
    _, _, _, _, _, _, y_train, y_val, _ = splits[seed]
    baseline = baseline_of(y_train, y_val)
    val = keras_results[seed][0]
    assert helpers.verdict(val["raw"][1], baseline) == "diverged"
    assert helpers.verdict(val["raw"][-1], baseline) == "diverged"
    for name in ("min-max", "min-max centred", "standardized"):
        assert helpers.verdict(val[name][-1], baseline) != "diverged"
        assert val[name][-1] < baseline / 4


@pytest.mark.parametrize("seed", SEEDS)
def test_min_max_starts_slower_and_centring_closes_part_of_the_gap(keras_results, seed):
    val = keras_results[seed][0]
    assert val["min-max"][1] > 3 * val["standardized"][1]  # after 2 epochs
    assert 0.35 < val["min-max centred"][1] / val["min-max"][1] < 0.75  # "roughly halves"
    assert val["min-max centred"][1] > 1.5 * val["standardized"][1]  # the rest: the spread
    for name in ("min-max", "min-max centred"):
        assert val[name][-1] < 1.8 * val["standardized"][-1]  # after 12: close


@pytest.mark.parametrize("seed", SEEDS)
def test_adam_does_not_rescue_raw_inputs(splits, keras_results, seed):
    _, _, _, _, _, _, y_train, y_val, _ = splits[seed]
    baseline = baseline_of(y_train, y_val)
    adam = keras_results[seed][2]
    assert np.all(np.isfinite(adam["raw"])) and adam["raw"][-1] < 100 * baseline  # does not blow up ...
    assert adam["raw"][-1] > baseline  # ... but worse than the mean
    assert adam["standardized"][-1] < baseline / 4
    # "a step [of about lr = 0.01] on a miles weight still moves a pre-activation by about 0.01 x 90,000 = 900"
    X_train = splits[seed][3]
    assert 500 < 0.01 * X_train[:, 0].mean() < 1_500


@pytest.mark.parametrize("seed", SEEDS)
def test_after_the_blow_up_every_hidden_relu_is_dead(nb, splits, keras_results, seed):
    _, _, _, X_train, _, _, y_train, _, _ = splits[seed]
    models = keras_results[seed][1]
    raw = models["raw"]
    assert nb["active_relus"](raw, X_train) == 0  # "0 of 16"
    assert nb["active_relus"](models["standardized"], StandardScaler().fit(X_train).transform(X_train)) > 0
    # Each hidden unit is dead for one of the three reasons the prose gives.
    start_kernel = np.asarray(helpers.build_mlp(seed).layers[0].kernel)
    kernel = np.asarray(raw.layers[0].kernel)
    for unit in range(16):
        column = kernel[:, unit]
        assert (
            np.isnan(column).any()
            or column.min() < -1e3
            or (np.array_equal(column, start_kernel[:, unit]) and column[0] < 0)
        )
    # Training on: the hidden layer stays put for good.
    before = [np.asarray(v).copy() for v in raw.weights]
    raw.fit(X_train, y_train, epochs=2, batch_size=32, verbose=0)
    for b, a in zip(before[:2], [np.asarray(v) for v in raw.weights][:2]):
        assert np.array_equal(b, a, equal_nan=True)
    # The network gives every car the same answer: one price (with oneDNN a NaN unit outputs 0) or, on CPUs
    # where the NaN reaches the output, no price at all. Either way nothing depends on the car.
    predictions = raw.predict(X_train, verbose=0).ravel()
    finite = np.isfinite(predictions)
    assert (not finite.any()) or (finite.all() and np.ptp(predictions) < 1e-6 * max(1.0, abs(predictions[0]))), (
        predictions[:5]
    )


def test_active_relus_counts_units_any_row_switches_on(nb, keras):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array([[1.0, -1.0, np.nan], [0.0, -1.0, 0.0]]), np.zeros(3)])
    assert nb["active_relus"](model, np.array([[1.0, 1.0], [-1.0, 2.0]])) == 1
    # two rows switch the same unit on: still one unit (units are counted, not rows); the NaN unit stays off
    assert nb["active_relus"](model, np.array([[1.0, 1.0], [-1.0, 2.0], [2.0, 0.0]])) == 1
    model.layers[0].set_weights([np.array([[1.0, -1.0, 2.0], [0.0, 1.0, 0.0]]), np.zeros(3)])
    assert nb["active_relus"](model, np.array([[1.0, -1.0], [-1.0, 1.0]])) == 3  # by hand: units 1, 3 / unit 2


# ---------------------------------------------------------------- section 5: fit on training data only


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_transform_on_test_data_silently_misprices_a_batch_of_old_cars(splits, seed):
    _, _, test, X_train, _, X_test, y_train, _, y_test = splits[seed]
    scaler = StandardScaler().fit(X_train)
    linear = LinearRegression().fit(scaler.transform(X_train), y_train)

    def mse(p, y):
        return np.mean((p - y) ** 2)

    right_all = mse(linear.predict(scaler.transform(X_test)), y_test)
    wrong_all = mse(linear.predict(StandardScaler().fit_transform(X_test)), y_test)
    assert abs(wrong_all / right_all - 1) < 0.25  # barely differ on a random test set
    old = (test["age_years"] >= 12).to_numpy()
    assert old.sum() >= 20
    right = linear.predict(scaler.transform(X_test[old]))
    wrong = linear.predict(StandardScaler().fit_transform(X_test[old]))
    assert wrong.mean() > 1.6 * y_test[old].mean()  # priced like an average car, about twice its value
    assert np.abs(wrong - y_test[old]).mean() > 3 * np.abs(right - y_test[old]).mean()


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_transform_silently_overwrites_the_training_statistics(splits, seed):
    import copy
    import warnings

    _, _, _, X_train, _, X_test, _, _, _ = splits[seed]
    scaler = StandardScaler().fit(X_train)
    mistaken = copy.deepcopy(scaler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "silently"
        mistaken.fit_transform(X_test)
    np.testing.assert_allclose(scaler.mean_, X_train.mean(axis=0))
    np.testing.assert_allclose(mistaken.mean_, X_test.mean(axis=0))
    assert abs(mistaken.mean_[0] - scaler.mean_[0]) > 1_000


@pytest.mark.parametrize("seed", SEEDS)
def test_a_pipeline_fits_the_scaler_on_each_folds_training_rows_only(splits, seed):
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, cross_validate
    from sklearn.pipeline import make_pipeline

    X_train, y_train = splits[seed][3], splits[seed][6]
    folds = KFold(5, shuffle=True, random_state=seed)
    cv = cross_validate(
        make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
        X_train,
        y_train,
        cv=folds,
        scoring="neg_mean_squared_error",
        return_estimator=True,
    )
    for fitted, (rows, _held_out) in zip(cv["estimator"], folds.split(X_train)):
        np.testing.assert_allclose(fitted[0].mean_, X_train[rows].mean(axis=0))
        assert not np.allclose(fitted[0].mean_, X_train.mean(axis=0), rtol=1e-6)  # not all rows
    assert 1 < -cv["test_score"].mean() < 8


# ---------------------------------------------------------------- section 6: keras.layers.Normalization


# Keras 3.15 itself warns (np.array(..., copy=False) on a variable) when saving a Normalization layer; not our code.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
@pytest.mark.parametrize("seed", SEEDS)
def test_normalization_layer_equals_standardscaler_and_travels_with_the_model(splits, keras_results, keras, seed):
    _, _, _, X_train, X_val, X_test, y_train, y_val, _ = splits[seed]
    scaler = StandardScaler().fit(X_train)
    normalization = keras.layers.Normalization()
    normalization.adapt(X_train)
    assert np.max(np.abs(np.asarray(normalization(X_test)) - scaler.transform(X_test))) < 1e-5
    np.testing.assert_allclose(np.ravel(normalization.variance), scaler.var_, rtol=1e-5)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input(shape=(3,)), normalization, keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    losses = helpers.validation_curve(model, (X_train, X_val), y_train, y_val)
    by_hand = keras_results[seed][0]["standardized"][-1]
    assert abs(losses[-1] / by_hand - 1) < 0.05  # "the same result as scaling by hand"
    with tempfile.TemporaryDirectory() as folder:
        model.save(Path(folder) / "m.keras")
        reloaded = keras.saving.load_model(Path(folder) / "m.keras")
    np.testing.assert_allclose(reloaded.predict(X_test, verbose=0), model.predict(X_test, verbose=0), rtol=1e-6)


# ---------------------------------------------------------------- section 7: L2 is not scale-invariant


def ridge_closed_form(X, y, alpha):
    """Minimizes |y - X w - b|^2 + alpha |w|^2 (scikit-learn's Ridge objective); returns w, b."""
    mean_x, mean_y = X.mean(axis=0), y.mean()
    Xc = X - mean_x
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - mean_y))
    return w, mean_y - mean_x @ w


@pytest.mark.parametrize("seed", SEEDS)
def test_the_same_ridge_on_raw_and_standardized_inputs_fits_differently(splits, seed):
    _, _, _, X_train, _, X_test, y_train, _, _ = splits[seed]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    fits = {}
    for alpha in (0.0, 100.0):
        w_raw, b_raw = ridge_closed_form(X_train, y_train, alpha)
        w_std, b_std = ridge_closed_form((X_train - mean) / std, y_train, alpha)
        gap = np.abs((X_test @ w_raw + b_raw) - (((X_test - mean) / std) @ w_std + b_std)).mean()
        fits[alpha] = (w_raw, w_std / std, gap)
    assert fits[0.0][2] < 1e-8  # no penalty: one model in two units
    np.testing.assert_allclose(fits[0.0][0], fits[0.0][1], rtol=1e-6)
    ols, (raw, std_per_unit, gap) = fits[0.0][0], fits[100.0]
    assert gap > 0.3  # "test predictions differ" (k$, on average)
    assert abs(raw[0]) < 1e-4  # raw miles weight: about 0.00001 k$ per mile
    assert abs(raw[0] / ols[0] - 1) < 0.05 and abs(raw[1] / ols[1] - 1) < 0.05  # raw: miles, age barely shrink ...
    assert raw[2] < 0.85 * ols[2]  # ... the engine weight pays and shrinks
    assert raw[2] ** 2 > 0.85 * np.sum(raw**2)  # "almost all the penalty"
    assert abs(std_per_unit[1]) < 0.85 * abs(ols[1])  # standardized: age shrinks too
    assert abs(std_per_unit[0]) > 1.1 * abs(ols[0])  # ... and moves onto miles, whose weight grows
    assert np.corrcoef(X_train[:, 0], X_train[:, 1])[0, 1] > 0.5  # miles and age are correlated
    # The notebook's printed weights come from scikit-learn's Ridge: the same numbers.
    from sklearn.linear_model import Ridge

    np.testing.assert_allclose(Ridge(alpha=100.0).fit(X_train, y_train).coef_, raw, rtol=1e-6)


# ---------------------------------------------------------------- going deeper: outliers, skew


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


def test_log_makes_price_symmetric_and_overshoots_for_miles(cars):
    from scipy.stats import skew

    price, miles = cars["price_kusd"], cars["miles_driven"]
    assert skew(price) > 0.5 and skew(miles) > 0.5  # long right tails
    assert abs(skew(np.log(price))) < 0.2  # "almost symmetric"
    assert skew(np.log(miles)) < -0.3  # "overshoots into a left tail"
    assert abs(skew(np.sqrt(miles))) < abs(skew(np.log(miles)))  # "the square root suits miles better"


# ---------------------------------------------------------------- helpers of notebook 03


def test_first_step_within_finds_the_first_step_or_none():
    # target 1 + 0.01 * (10 - 1) = 1.09: first reached at index 3 (1.05)
    assert helpers.first_step_within([10.0, 5.0, 1.5, 1.05, 1.0], lowest=1.0, fraction=0.99) == 3
    assert helpers.first_step_within([10.0, 5.0, 1.5], lowest=1.0, fraction=0.9) == 2
    assert helpers.first_step_within([10.0, 9.0], lowest=1.0) is None
    with pytest.raises(ValueError, match="losses must be"):
        helpers.first_step_within([], lowest=0.0)
    with pytest.raises(ValueError, match="fraction must be"):
        helpers.first_step_within([1.0], lowest=0.0, fraction=1.5)


def test_verdict_prints_a_word_for_a_blown_up_loss():
    assert helpers.verdict(float("nan"), 20.0) == "diverged"
    assert helpers.verdict(float("inf"), 20.0) == "diverged"
    assert helpers.verdict(1e30, 20.0) == "diverged"
    assert helpers.verdict(2.345, 20.0) == "2.3"
    with pytest.raises(ValueError, match="baseline must be"):
        helpers.verdict(1.0, 0.0)


def test_verdict_says_diverged_above_100_times_the_baseline_only():
    for baseline in (1.0, 20.0, 0.37):
        assert helpers.verdict(99.0 * baseline, baseline) != "diverged"
        assert helpers.verdict(101.0 * baseline, baseline) == "diverged"
    assert helpers.verdict(1999.0, 20.0) == "2e+03"  # two significant digits


def test_build_mlp_is_the_network_the_prose_describes(keras):
    """3 inputs, 16 ReLUs, 1 linear output, MSE; plain SGD or Adam at the given learning rate."""
    for optimizer, cls, rate in (("sgd", keras.optimizers.SGD, 0.01), ("adam", keras.optimizers.Adam, 0.003)):
        model = helpers.build_mlp(0, learning_rate=rate, optimizer=optimizer)
        hidden, out = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
        assert model.input_shape == (None, 3) and hidden.units == 16 and out.units == 1
        assert hidden.activation is keras.activations.relu and out.activation is keras.activations.linear
        assert type(model.optimizer) is cls and float(model.optimizer.learning_rate) == pytest.approx(rate)
        assert model.loss in ("mse", "mean_squared_error") or "MeanSquaredError" in type(model.loss).__name__
    # the same seed, the same starting weights; another seed, others
    same, other = helpers.build_mlp(0), helpers.build_mlp(1)
    np.testing.assert_array_equal(same.layers[0].kernel, helpers.build_mlp(0).layers[0].kernel)
    assert not np.array_equal(same.layers[0].kernel, other.layers[0].kernel)


def test_validation_curve_is_the_validation_mse_after_each_epoch(keras):
    rng = np.random.default_rng(0)
    x_train, x_val = rng.normal(size=(64, 3)), rng.normal(size=(20, 3))
    y_train, y_val = x_train @ [1.0, -2.0, 0.5] + 3, x_val @ [1.0, -2.0, 0.5] + 3
    model = helpers.build_mlp(0)
    curve = helpers.validation_curve(model, (x_train, x_val), y_train, y_val, epochs=3)
    assert curve.shape == (3,)
    # the last value is the trained model's MSE on the validation rows (independent: NumPy on its predictions)
    predicted = model.predict(x_val, verbose=0).ravel()
    assert curve[-1] == pytest.approx(np.mean((predicted - y_val) ** 2), rel=1e-4)
    assert int(model.optimizer.iterations) == 3 * 2  # 64 rows in batches of 32


def test_build_mlp_and_validation_curve_reject_nonsense(keras):
    with pytest.raises(ValueError, match="optimizer must be"):
        helpers.build_mlp(0, optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning_rate must be"):
        helpers.build_mlp(0, learning_rate=-0.1)
    model = helpers.build_mlp(0, optimizer="adam")
    assert model.count_params() == 3 * 16 + 16 + 16 + 1
    with pytest.raises(ValueError, match="inputs must be a pair"):
        helpers.validation_curve(model, np.zeros((4, 3)), np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="epochs must be"):
        helpers.validation_curve(model, (np.zeros((4, 3)), np.zeros((4, 3))), np.zeros(4), np.zeros(4), epochs=0)


def test_plot_loss_contours_labels_stay_inside_and_off_the_path(races):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs, y = races[0]
    for name, rate, steps in (("thousand miles", 1.9, 150), ("standardized", 1.0, 20)):
        X, path = runs[name]["X"], runs[name][rate]["path"][: steps + 1]
        ax = helpers.plot_loss_contours(X, y, path)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert len(ax.texts) == 3
        for text in ax.texts:
            px, py = text.get_position()
            assert x0 < px < x1 and y0 < py < y1
            assert text.get_rotation() == 0  # horizontal, never vertical
            gaps = np.hypot((path[:, 0] - px) / (x1 - x0), (path[:, 1] - py) / (y1 - y0))
            assert gaps.min() > 0.05  # not on the path
        plt.close("all")


def test_plot_columns_labels_each_histogram_with_its_unit():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    table = pd.DataFrame({"a": [1.0, 2.0, 2.0], "b": [3.0, 4.0, 9.0]})
    axes = np.asarray(helpers.plot_columns(table, {"a": "miles", "b": "years"})).ravel()
    assert [ax.get_xlabel() for ax in axes[:2]] == ["a (miles)", "b (years)"]
    assert sum(patch.get_height() for patch in axes[1].patches) == 3  # every value counted once
    plt.close("all")


def test_plot_helpers_reject_nonsense():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.zeros(20)
    with pytest.raises(ValueError, match="X must have shape"):
        helpers.plot_loss_contours(np.zeros((20, 3)), y, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="y must have shape"):
        helpers.plot_loss_contours(X, np.zeros(5), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="path must have shape"):
        helpers.plot_loss_contours(X, y, np.zeros(3))
    with pytest.raises(ValueError, match="n_levels must be"):
        helpers.plot_loss_contours(X, y, np.zeros((2, 2)), n_levels=0)
    with pytest.raises(ValueError, match="show_steps must be"):
        helpers.plot_loss_contours(X, y, np.zeros((2, 2)), show_steps=-1)
    with pytest.raises(ValueError, match="curves must hold"):
        helpers.plot_validation_losses({}, 1.0)
    with pytest.raises(ValueError, match="baseline must be"):
        helpers.plot_validation_losses({"a": [1.0, 2.0]}, -1.0)
    ax = helpers.plot_validation_losses({"a": [30.0, 3.0, 2.0]}, 20.0)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels and all(label.replace(".", "").isdigit() for label in labels)  # plain numbers, no 3x10^1
    import pandas as pd

    table = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    with pytest.raises(ValueError, match="units must name"):
        helpers.plot_columns(table, {"a": "m"})
    with pytest.raises(ValueError, match="axes has 1 axes"):
        helpers.plot_columns(table, {"a": "m", "b": "s"}, axes=plt.subplots(1, 1)[1])
    plt.close("all")


# ---------------------------------------------------------------- exercises


@pytest.mark.parametrize(
    "exercise_id, right, wrongs",
    [
        ("03.1", -0.5, [0.25, 0.5, 0.0]),
        ("03.2", 1_000_000, [1_000, 0.001, 1e-6, 2_000]),
        ("03.3", 2.5, [0.0, -2.5, 110_000]),
        ("03.4", 0.5, [0.25, 2.0, 8.0, 1.0]),
    ],
)
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
    assert nb["standardize_transform"](110_000, 60_000, 20_000) == pytest.approx(2.5)


def test_exercise_03_2_penalty_factor_on_the_cars(cars):
    """A weight per 1,000 miles is 1,000 times the weight per mile; its square, the L2 penalty, 10^6 times."""
    X, y = cars[FEATURES].to_numpy(dtype=float), cars["price_kusd"].to_numpy()
    per_mile = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0][0]
    per_thousand = np.linalg.lstsq(np.column_stack([X / [1000, 1, 1], np.ones(len(X))]), y, rcond=None)[0][0]
    assert (per_thousand / per_mile) ** 2 == pytest.approx(1_000_000, rel=1e-6)
    assert helpers.is_correct("03.2", round((per_thousand / per_mile) ** 2))
