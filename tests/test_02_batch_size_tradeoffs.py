"""Notebook 02's claims, checked across seeds with the notebook's own functions (cells tagged reused-in-tests).

Timing claims are checked as generous ratios of raw measurements against thresholds written here, never as
absolute times; each timing is the fastest of several repeats (helpers.seconds_per_update), so a busy machine
can only make the slow side slower. Bounds that hold on a CPU only are skipped on a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest

import helpers
from conftest import notebook_namespace

NOTEBOOK = "02_batch_size_tradeoffs.ipynb"
SEEDS = (0, 1, 2)
RACE = (8, 32, 128, 512)


@pytest.fixture(scope="module")
def nb():
    return notebook_namespace(NOTEBOOK, seed=SEEDS[0])


@pytest.fixture(scope="module")
def on_gpu():
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


# ---------------------------------------------------------------- 1. speed


@pytest.fixture(scope="module")
def update_seconds(nb):
    """Seconds per update at B = 1, the race's batch sizes and B = N, measured once here, largest first
    (as the notebook does: a fresh session's first updates run slow)."""
    model, x, y = nb["model"], nb["x_train"], nb["y_train"]
    # the fastest of three measurements per batch size: a test worker shares the CPU with the notebooks' kernels
    # (make test runs them in parallel), and another program can only make an update slower
    sizes = (nb["N"], *RACE[::-1], 1)
    runs = [{b: helpers.seconds_per_update(model, x, y, b) for b in sizes} for _ in range(3)]
    return {b: min(run[b] for run in runs) for b in sizes}


def test_whole_set_epoch_is_more_than_30x_faster_than_batch_1(nb, update_seconds):
    """The notebook's "more than 30x"; observed 105x to 150x on a busy 2-core machine."""
    n = nb["N"]
    epoch_1, epoch_n = update_seconds[1] * n, update_seconds[n]  # 1,024 updates of 1 sample vs 1 update of 1,024
    assert epoch_1 > 30 * epoch_n, (epoch_1, epoch_n)


def test_no_update_is_cheaper_per_sample_at_a_smaller_batch(update_seconds):
    """The throughput figure's reference line (B / cheapest update) lies above every measured point."""
    cheapest = min(update_seconds.values())
    for b, sec in update_seconds.items():
        assert b / sec <= b / cheapest
    assert update_seconds[1] < 2 * update_seconds[8], update_seconds  # B = 1 not slower than B = 8 (warm-up artefact)


def test_an_update_at_512_costs_2_to_3_times_one_at_128(update_seconds, on_gpu):
    """The notebook's "about twice"; observed 1.6 to 2.9 on the 2-core machine. Checked with some room: 1.5 to 4."""
    if on_gpu:
        pytest.skip("on a GPU an update costs about the same up to large batches")
    assert 1.5 <= update_seconds[512] / update_seconds[128] <= 4, update_seconds


def test_an_update_on_more_samples_costs_less_than_proportionally_more(update_seconds):
    """Why bigger batches are faster per sample: 512x the samples per update costs far less than 512x the time."""
    assert update_seconds[512] < 100 * update_seconds[1], update_seconds


# ---------------------------------------------------------------- 2. memory


def test_memory_estimate_for_the_notebook_model(nb):
    est = nb["training_memory_bytes"]
    fixed, per_sample = est(nb["LAYER_SIZES"], 1)
    assert fixed == 2 * nb["model"].count_params() * 4 == 680_016
    assert per_sample == 2 * (64 + 256 + 256 + 10) * 4 == 4_688
    assert est(nb["LAYER_SIZES"], 1000) == (fixed, 1000 * per_sample)  # only the activations scale with B
    assert est(nb["LAYER_SIZES"], 1, optimizer_slots=2)[0] == 2 * fixed  # Adam: two more copies of the weights
    assert round(fixed / per_sample) == 145  # where the two parts are equal, as printed


def test_largest_batch_that_fits_a_budget(nb):
    fits, est, sizes = nb["largest_batch_that_fits"], nb["training_memory_bytes"], nb["LAYER_SIZES"]
    budget = 2 * 2**20
    b = fits(budget, sizes)
    assert b == 302  # (2,097,152 - 680,016) // 4,688 by hand
    assert sum(est(sizes, b)) <= budget < sum(est(sizes, b + 1))
    assert fits(1000, sizes) == 0  # a budget smaller than the weights fits nothing
    assert fits(8 * 2**20, [64, 512, 512, 10], optimizer_slots=2) == 406  # exercise 02.1


# ---------------------------------------------------------------- 3. gradient noise


@pytest.fixture(scope="module")
def noise(nb):
    out = {}
    batches = 2 ** np.arange(0, 9)
    for seed in SEEDS:
        helpers.restart(nb["model"], seed, 0.1)
        nb["model"].fit(nb["x_train"], nb["y_train"], batch_size=64, epochs=1, verbose=0)
        variance, full = nb["gradient_variance"](batches, draws=32, rng=np.random.default_rng(seed))
        out[seed] = (batches, variance, full)
    return out


def test_gradient_variance_falls_like_1_over_b(noise):
    for seed, (batches, variance, _) in noise.items():
        slope = helpers.log_log_slope(batches, variance)
        assert abs(slope + 1) < 0.1, (seed, slope)
        assert f"{slope:.1f}" == "-1.0"


def test_4x_the_batch_divides_variance_by_about_4_and_noise_by_about_2(noise):
    for seed, (_, variance, _) in noise.items():
        ratio = variance[0] / variance[2]
        assert 3.0 <= ratio < 5.0, (seed, ratio)  # "about 4" (a band: the draws are random)
        # the noise is the square root of the variance: divided by sqrt(3) to sqrt(5), "about 2"
        assert 1.7 < np.sqrt(ratio) < 2.3, (seed, ratio)


def test_gradient_noise_scale_is_of_the_order_of_100(noise):
    """Variance at B = 1 over the squared full gradient; observed 70 to 82 for seeds 0-3 and 42."""
    for seed, (_, variance, full) in noise.items():
        assert 30 < variance[0] / np.sum(full**2) < 300, seed


def test_full_gradient_is_the_mean_of_two_half_batch_gradients(nb, noise):
    """The loss is a batch mean: the gradient on all N is the average of the gradients on two halves."""
    x, y, n = nb["x_train"], nb["y_train"], nb["N"]
    g = nb["flat_gradient"]
    full = g(x, y).numpy()
    halves = (g(x[: n // 2], y[: n // 2]).numpy() + g(x[n // 2 :], y[n // 2 :]).numpy()) / 2
    np.testing.assert_allclose(halves, full, rtol=1e-3, atol=1e-6)


# ---------------------------------------------------------------- 4. learning rate and batch size


@pytest.fixture(scope="module")
def scaling(nb):
    train = nb["loss_after_training"]
    return {seed: {(b, lr): train(b, lr, seed) for b, lr in [(32, 0.05), (128, 0.05), (128, 0.2)]} for seed in SEEDS}


def test_same_lr_bigger_batch_learns_less_and_4x_lr_recovers_at_least_80_percent(scaling):
    for seed, loss in scaling.items():
        gap = loss[(128, 0.05)] - loss[(32, 0.05)]
        assert gap > 0.5, (seed, loss)
        assert (loss[(128, 0.05)] - loss[(128, 0.2)]) / gap >= 0.8, (seed, loss)


# ---------------------------------------------------------------- 5. the fair race


@pytest.fixture(scope="module")
def race(nb):
    lrs = nb["race_lr"]
    assert lrs == {b: 0.05 * b / 32 for b in RACE}  # the linear rule from B = 32, lr = 0.05
    out = {}
    for seed in SEEDS:
        recs = {b: nb["train_to_target"](b, lrs[b], seed) for b in RACE[:-1]}
        tries = {lr: nb["train_to_target"](512, lr, seed) for lr in (0.2, 0.4, 0.8)}  # 0.8: the linear rule's
        assert all(r.reached for r in [*recs.values(), *tries.values()]), seed
        updates = {b: r.updates[-1] for b, r in recs.items()}
        updates[512] = min(r.updates[-1] for r in tries.values())  # the best of the three, as the notebook races
        # how far the loss climbed back above the lowest value measured before it
        rise = {lr: max(r.losses[i] - min(r.losses[: i + 1]) for i in range(len(r.losses))) for lr, r in tries.items()}
        out[seed] = {"updates": updates, "tries": {lr: r.updates[-1] for lr, r in tries.items()}, "rise": rise}
    return out


def test_race_target_is_real_training(nb):
    assert nb["TARGET_LOSS"] <= 1.0


def test_up_to_128_four_times_the_batch_needs_about_four_times_fewer_updates(race):
    """Observed 3.7 to 4.2 for seeds 0-3 and 42."""
    for seed, r in race.items():
        updates = r["updates"]
        for b in (8, 32):
            assert 3 <= updates[b] / updates[4 * b] <= 5, (seed, updates)


def test_from_128_to_512_less_than_2x_fewer_updates_even_at_the_best_of_three_learning_rates(race):
    """B = 512 at the best of 0.2, 0.4 and 0.8: observed 1.3 to 1.6x fewer updates than B = 128 (seeds 0-2, 42)."""
    for seed, r in race.items():
        updates = r["updates"]
        assert updates[512] < updates[128], (seed, r)  # the fewest updates of the race
        assert updates[128] / updates[512] < 2, (seed, r)
        assert updates[512] * 512 > 1.5 * updates[128] * 128, (seed, r)  # many more epochs


def test_at_the_linear_rules_lr_batch_512_climbs_back_up(race):
    """The notebook: at 0.8 (k = 16, no warm-up) the loss climbs back up after falling; observed 0.3 to 1.0."""
    for seed, r in race.items():
        assert r["rise"][0.8] >= 0.2, (seed, r)


def test_per_second_batch_8_far_behind_and_batch_512_no_faster_than_a_middle_batch(race, update_seconds, on_gpu):
    """On this CPU. Observed on a busy 2-core machine: B = 8 took 3x to 8x the best middle batch's time;
    B = 512 took 1.2x to 2.2x it (so "no faster", not "clearly slower", is what the notebook claims)."""
    if on_gpu:
        pytest.skip("on a GPU an update costs about the same up to large batches; the notebook says so")
    for seed, r in race.items():
        seconds = {b: r["updates"][b] * update_seconds[b] for b in RACE}
        best_middle = min(seconds[32], seconds[128])
        assert seconds[8] >= 2 * best_middle, (seed, seconds)
        assert seconds[512] >= 0.8 * best_middle, (seed, seconds)


# ---------------------------------------------------------------- going deeper: generalization


@pytest.fixture(scope="module")
def generalization(nb):
    return {seed: {b: nb["train_to_accuracy"](b, seed) for b in (32, 512)} for seed in SEEDS}


def test_no_clear_generalization_gap_at_this_scale(generalization):
    for seed, runs in generalization.items():
        assert all(r["train"] >= 0.99 for r in runs.values()), (seed, runs)
        assert abs(runs[32]["test"] - runs[512]["test"]) < 0.01, (seed, runs)  # fewer than 8 of 773 images


def test_large_batch_needs_more_epochs_to_reach_the_target(generalization):
    for seed, runs in generalization.items():
        assert runs[512]["epochs"] > runs[32]["epochs"], (seed, runs)


# ---------------------------------------------------------------- helpers


def test_restart_gives_the_same_fresh_weights_for_a_seed_and_resets_the_optimizer(nb):
    model, x, y = nb["model"], nb["x_train"], nb["y_train"]
    helpers.restart(model, 3, 0.1)
    first = [w.copy() for w in model.get_weights()]
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 2
    assert not np.allclose(first[0], model.get_weights()[0])
    helpers.restart(model, 3, 0.25)
    for a, b in zip(first, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(model.optimizer.iterations.numpy()) == 0
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.25)
    helpers.restart(model, 4, 0.25)
    assert not np.allclose(first[0], model.get_weights()[0])


def test_restart_draws_the_weights_a_build_after_set_random_seed_draws_and_keeps_the_global_seed(nb, keras):
    """The promise in restart's docstring, against Keras itself: the weights of a fresh copy of the model built
    right after keras.utils.set_random_seed(seed); TensorFlow's global seed is not reset (that would clear
    TensorFlow's caches on every restart)."""
    import tensorflow as tf
    from tensorflow.python.eager import context

    model, before = nb["model"], context.global_seed()
    try:
        keras.utils.set_random_seed(7)
        expected = keras.models.clone_model(model).get_weights()
        keras.utils.set_random_seed(123)  # some other global state, which restart must leave alone
        helpers.restart(model, 7, 0.1)
        for a, b in zip(expected, model.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert context.global_seed() == 123
    finally:
        tf.random.set_seed(before)  # the other tests' runs depend on the notebook's global seed


def test_restart_refuses_nonsense(nb, keras):
    model = nb["model"]
    with pytest.raises(TypeError, match="keras.Model"):
        helpers.restart("model", 0, 0.1)
    with pytest.raises(TypeError, match="seed"):
        helpers.restart(model, 1.5, 0.1)
    with pytest.raises(ValueError, match="seed"):
        helpers.restart(model, -1, 0.1)
    for bad in (0, -0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="learning_rate"):
            helpers.restart(model, 0, bad)
    uncompiled = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        helpers.restart(uncompiled, 0, 0.1)


def test_loss_recorder_measures_every_k_updates_and_stops_at_the_target(nb):
    model, x, y, loss_fn = nb["model"], nb["x_train"], nb["y_train"], nb["loss_fn"]
    helpers.restart(model, 0, 0.1)
    rec = helpers.loss_recorder(x, y, loss_fn, every=4)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, callbacks=[rec])
    assert rec.updates == list(range(0, 17, 4)) and not rec.reached
    assert rec.losses[-1] == pytest.approx(float(loss_fn(y, model.predict_on_batch(x))), rel=1e-5)
    helpers.restart(model, 0, 0.1)
    stop = helpers.loss_recorder(x, y, loss_fn, stop_at=rec.losses[2])  # the loss after 8 updates
    model.fit(x, y, batch_size=64, epochs=3, verbose=0, callbacks=[stop])
    assert stop.reached and stop.updates[-1] == 8 and int(model.optimizer.iterations.numpy()) == 8


def test_loss_recorder_refuses_nonsense(nb):
    x, y, loss_fn = nb["x_train"], nb["y_train"], nb["loss_fn"]
    with pytest.raises(ValueError, match="same length"):
        helpers.loss_recorder(x, y[:10], loss_fn)
    with pytest.raises(TypeError, match="loss_fn"):
        helpers.loss_recorder(x, y, "cross-entropy")
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="every"):
            helpers.loss_recorder(x, y, loss_fn, every=bad)
    with pytest.raises(ValueError, match="stop_at"):
        helpers.loss_recorder(x, y, loss_fn, stop_at="1.0")


def test_seconds_per_update_times_single_updates(nb):
    model, x, y = nb["model"], nb["x_train"], nb["y_train"]
    helpers.restart(model, 0, 0.1)
    seconds = helpers.seconds_per_update(model, x[:100], y[:100], 64, updates=3)  # cycles through the 100 samples
    assert 0 < seconds < 1 and int(model.optimizer.iterations.numpy()) == 3


def test_seconds_per_update_refuses_nonsense(nb):
    model, x, y = nb["model"], nb["x_train"], nb["y_train"]
    with pytest.raises(ValueError, match="batch_size"):
        helpers.seconds_per_update(model, x, y, 0)
    for bad in (1, 2.0, True):
        with pytest.raises(ValueError, match="updates"):
            helpers.seconds_per_update(model, x, y, 8, updates=bad)
    with pytest.raises(ValueError, match="same length"):
        helpers.seconds_per_update(model, x, y[:5], 8)


def test_shuffled_batches_feeds_every_sample_once_per_epoch_in_a_seeded_order():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    y = np.arange(10)
    batches = helpers.shuffled_batches(x, y, 4, seed=3)
    assert batches.element_spec[0].shape.as_list() == [None, 1]  # one traced step serves every batch size
    epochs = [[(bx.numpy()[:, 0].astype(int).tolist(), by.numpy().tolist()) for bx, by in batches] for _ in range(2)]
    for epoch in epochs:
        assert [len(bx) for bx, _ in epoch] == [4, 4, 2]  # the last batch is the remainder, as in fit()
        assert all(bx == by for bx, by in epoch)  # samples stay with their labels
        assert sorted(i for bx, _ in epoch for i in bx) == list(range(10))
    orders = [[i for bx, _ in epoch for i in bx] for epoch in epochs]
    assert orders[0] != orders[1], "a new order every epoch"
    again = [int(i) for bx, _ in helpers.shuffled_batches(x, y, 4, seed=3) for i in bx.numpy()[:, 0]]
    other = [int(i) for bx, _ in helpers.shuffled_batches(x, y, 4, seed=4) for i in bx.numpy()[:, 0]]
    assert again == orders[0] and other != orders[0], "the seed fixes the order (TensorFlow's global seed unchanged)"
    endless = helpers.shuffled_batches(x, y, 4, seed=3, repeat=True)
    first_20 = [int(i) for bx, _ in endless.take(5) for i in bx.numpy()[:, 0]]  # batches run across passes
    assert first_20[:10] == orders[0] and first_20[10:] == orders[1] and sorted(first_20[10:]) == list(range(10))


def test_shuffled_batches_refuses_nonsense():
    x, y = np.zeros((6, 2), dtype="float32"), np.zeros(6)
    with pytest.raises(ValueError, match="same length"):
        helpers.shuffled_batches(x, y[:5], 2, seed=0)
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="batch_size"):
            helpers.shuffled_batches(x, y, bad, seed=0)
    for bad in (-1, 1.0, None):
        with pytest.raises(ValueError, match="seed"):
            helpers.shuffled_batches(x, y, 2, seed=bad)


def test_plot_loglog_returns_its_axes_and_refuses_nonsense():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.array([1, 2, 4])
    ax = helpers.plot_loglog(x, {"m": 1 / x}, {"1/B": 1 / x}, xlabel="B", ylabel="v", title="t")
    assert ax.get_xscale() == "log" and ax.get_title() == "t" and len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="at least one"):
        helpers.plot_loglog(x, {}, xlabel="B", ylabel="v", title="t")
    with pytest.raises(ValueError, match="'m'"):
        helpers.plot_loglog(x, {"m": [1, 2]}, xlabel="B", ylabel="v", title="t")
    with pytest.raises(ValueError, match="> 0"):
        helpers.plot_loglog(x, {"m": [1, 0, 2]}, xlabel="B", ylabel="v", title="t")
    plt.close("all")


def test_log_log_slope_and_its_bad_input():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert helpers.log_log_slope(x, 3.0 / x) == pytest.approx(-1.0)
    assert helpers.log_log_slope(x, x**2) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="same length"):
        helpers.log_log_slope([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="> 0"):
        helpers.log_log_slope([1, 2], [0, 1])
    with pytest.raises(ValueError, match="two different"):
        helpers.log_log_slope([2, 2], [1, 1])


def test_epoch_timer_records_one_duration_per_epoch():
    import time

    timer = helpers.epoch_timer()
    for epoch in range(2):
        timer.on_epoch_begin(epoch)
        time.sleep(0.05)  # wall-clock time passes while the process waits
        timer.on_epoch_end(epoch)
    assert len(timer.seconds) == 2 and all(0.045 <= s < 5 for s in timer.seconds), timer.seconds


# ---------------------------------------------------------------- exercises


@pytest.mark.parametrize("exercise_id, right", [("02.1", 406), ("02.2", 0.48), ("02.3", 0.3), ("02.4", 0.001 * 8**0.5)])
def test_exercise_right_answers(exercise_id, right):
    assert helpers.is_correct(exercise_id, right)


def test_exercise_02_2_answer_by_hand():
    """400 updates x 1.5 ms = 0.6 s at B = 32; 80 x 6 ms = 0.48 s at B = 256: the faster is 0.48 s."""
    assert helpers.is_correct("02.2", 80 * 0.006)
    assert not helpers.is_correct("02.2", 400 * 0.0015)


@pytest.mark.parametrize(
    "exercise_id, wrong, hint_word",
    [
        ("02.1", 407, "round down"),
        ("02.1", 954, "four copies"),
        ("02.1", 256, "power of two"),
        ("02.1", 300, "subtract"),
        ("02.1", 406.5, "whole number"),
        ("02.2", 0.6, "B = 256's too"),
        ("02.2", 480, "milliseconds"),
        ("02.2", 0.12, "difference"),
        ("02.2", 1.25, "ratio"),
        ("02.2", 0.3, "updates x seconds per update"),
        ("02.3", 0.15, "square root"),
        ("02.3", 0.09, "variance at B = 64"),
        ("02.3", 1.2, "goes down"),
        ("02.3", 0.2, "1/sqrt(B)"),
        ("02.4", 0.001, "changes the learning rate"),
        ("02.4", 0.008, "linear rule"),
        ("02.4", 0.002, "square root"),
    ],
)
def test_exercise_wrong_answers_get_a_hint_without_the_answer(capsys, exercise_id, wrong, hint_word):
    assert not helpers.is_correct(exercise_id, wrong)
    helpers.check(exercise_id, wrong)
    out = capsys.readouterr().out
    assert "Hint:" in out and hint_word in out
    right = {"02.1": "406", "02.2": "0.48", "02.3": "0.3", "02.4": "0.0028"}[exercise_id]
    assert right not in out.split("Hint:")[1]
