"""Notebook 04's claims, checked across seeds with the notebook's own functions (cells tagged reused-in-tests).

1. One extreme weight at kernel[3, 3] of an (8, 6) layer makes its unit much louder and the imbalance
   travels into later layers; BN after that layer puts its outputs back on one scale without changing the weight.
2. Through depth: activation spread fades (weights too small) or saturates (too large) without BN,
   and stays at mean 0, std 1 before every tanh with BN, whatever the weight scale.
3. Through time (the BN paper's Figure 1 on digits): BN is at least as accurate at every recorded step,
   and a last-hidden-layer sigmoid input drifts far less with BN.
"""

from __future__ import annotations

import numpy as np
import pytest

import helpers
from conftest import notebook_namespace

SEEDS = (0, 1, 2)
EXTREME = 20.0


@pytest.fixture(scope="module")
def nb():
    return notebook_namespace("04_why_batch_norm.ipynb")


# ---------------------------------------------------------------------------
# 1. The (8, 6) example
# ---------------------------------------------------------------------------

def small_network_experiment(nb, seed, extreme=EXTREME):
    """The notebook's section 1 steps for one seed: stds before, after the extreme weight, and with BN."""
    x = nb["standardized_batch"](256, 8, seed)
    plain, with_bn, hidden_1, bn = nb["build_small_networks"](seed)
    before = nb["unit_stds"](plain(x))
    kernel = hidden_1.kernel.numpy()
    kernel[3, 3] = extreme
    hidden_1.kernel.assign(kernel)
    after = nb["unit_stds"](plain(x))
    a1, b1, b2, b3 = with_bn(x, training=True)
    return {"x": x, "before": before, "after": after, "a1": np.asarray(a1), "b1": np.asarray(b1),
            "with_bn": nb["unit_stds"]([b1, b2, b3]), "hidden_1": hidden_1, "bn": bn, "net": with_bn}


@pytest.fixture(scope="module")
def small(nb):
    return {s: small_network_experiment(nb, s) for s in SEEDS}


def test_kernel_shape_is_inputs_by_units(small):
    for s in SEEDS:
        assert tuple(small[s]["hidden_1"].kernel.shape) == (8, 6)


def test_inputs_are_standardized(nb):
    x = nb["standardized_batch"](256, 8, 5)
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(x.std(axis=0), 1, atol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_extreme_weight_makes_unit_4_more_than_ten_times_louder(small, seed):
    first = small[seed]["after"][0]
    assert first[3] > 10 * np.median(np.delete(first, 3))
    # only unit 4 changed: the other units of hidden 1 are exactly as before
    np.testing.assert_allclose(np.delete(first, 3), np.delete(small[seed]["before"][0], 3), rtol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_imbalance_travels_into_every_later_layer(nb, small, seed):
    ratios = nb["loudest_ratio"](small[seed]["after"], small[seed]["before"])
    assert all(r > 4 for r in ratios), ratios


@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_2_units_with_a_positive_weight_from_unit_4_inherit_its_swings(small, seed):
    w = small[seed]["net"].get_layer("hidden_2").kernel.numpy()[3]   # weights from unit 4 into hidden 2
    growth = small[seed]["after"][1] / np.maximum(small[seed]["before"][1], 1e-6)
    assert np.all(growth[w > 0.2] > 5), (w, growth)
    assert np.all(growth[w < -0.2] < 2), (w, growth)   # switched off by their ReLU when unit 4 fires


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_puts_the_layer_outputs_back_on_one_scale(small, seed):
    b1 = small[seed]["b1"]
    assert np.all((b1.std(axis=0) > 0.99) & (b1.std(axis=0) <= 1.0))
    np.testing.assert_allclose(b1.mean(axis=0), 0, atol=1e-3)
    # ... and it is exactly the formula with gamma = 1, beta = 0
    a = small[seed]["a1"]
    by_hand = (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + small[seed]["bn"].epsilon)
    np.testing.assert_allclose(by_hand, b1, atol=1e-4)


@pytest.mark.parametrize("seed", SEEDS)
def test_with_bn_later_layers_are_within_a_factor_of_two(nb, small, seed):
    ratios = nb["loudest_ratio"](small[seed]["with_bn"], small[seed]["before"])
    assert all(0.5 < r < 2.0 for r in ratios), ratios


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_does_not_shrink_the_weight(small, seed):
    assert float(small[seed]["hidden_1"].kernel[3, 3]) == EXTREME
    assert float(np.abs(small[seed]["a1"][:, 3]).max()) > 10  # hidden 1's own output is still huge before BN


def test_gamma_and_beta_set_scale_and_shift(nb):
    r = small_network_experiment(nb, 3)
    r["bn"].gamma.assign([1.0, 1.0, 1.0, 3.0, 1.0, 1.0])
    r["bn"].beta.assign([0.0, 0.0, 0.0, 0.5, 0.0, 0.0])
    b1 = np.asarray(r["net"](r["x"], training=True)[1])
    np.testing.assert_allclose(b1.std(axis=0), [1, 1, 1, 3, 1, 1], atol=0.01)
    np.testing.assert_allclose(b1.mean(axis=0), [0, 0, 0, 0.5, 0, 0], atol=1e-3)


@pytest.mark.parametrize("seed", SEEDS)
def test_exercise_2_a_ten_times_larger_weight_changes_nothing_after_bn(nb, seed):
    r = small_network_experiment(nb, seed, extreme=200.0)
    assert r["a1"][:, 3].std() > 50
    assert helpers.is_correct("04.2", float(r["b1"][:, 3].std()))


# ---------------------------------------------------------------------------
# 2. Through depth
# ---------------------------------------------------------------------------

CONDITIONS = {"small": (0.05, False), "large": (1.0, False), "small + BN": (0.05, True), "large + BN": (1.0, True)}


@pytest.fixture(scope="module")
def depth(nb):
    return {s: {name: nb["depth_statistics"](w, bn, s) for name, (w, bn) in CONDITIONS.items()} for s in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_small_weights_spread_halves_per_layer_and_fades(depth, seed):
    std = depth[seed]["small"]["input std"]
    factors = std[1:] / std[:-1]
    assert np.all((factors > 0.35) & (factors < 0.6)), factors
    assert std[-1] < 0.01 and depth[seed]["small"]["output std"][-1] < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_large_weights_spread_near_ten_and_saturates(depth, seed):
    d = depth[seed]["large"]
    assert np.all((d["input std"] > 8) & (d["input std"] < 12)), d["input std"]
    assert d["saturated"][-1] > 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_with_bn_every_tanh_input_has_mean_0_std_1(depth, seed):
    for name in ("small + BN", "large + BN"):
        d = depth[seed][name]
        assert np.all((d["input std"] > 0.99) & (d["input std"] <= 1.0)), d["input std"]
        assert np.abs(d["input mean"]).max() < 0.01
        assert d["saturated"][-1] < 0.02
    for key in depth[seed]["large + BN"]:
        np.testing.assert_allclose(depth[seed]["small + BN"][key], depth[seed]["large + BN"][key], atol=0.01)


@pytest.mark.parametrize("seed", SEEDS)
def test_means_stay_near_zero_in_every_case(depth, seed):
    for d in depth[seed].values():
        assert np.abs(d["input mean"]).max() < 0.1 and np.abs(d["output mean"]).max() < 0.1


# ---------------------------------------------------------------------------
# 3. Through time: the BN paper's Figure 1 on digits
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fig1(nb):
    return {s: {"plain": nb["run_figure1"](batch_norm=False, seed=s), "bn": nb["run_figure1"](batch_norm=True, seed=s)}
            for s in SEEDS}


def at(run, step):
    return run["accuracy"][list(run["steps"]).index(step)]


def test_probe_records_every_10_steps_for_630_steps(fig1):
    steps = fig1[SEEDS[0]]["bn"]["steps"]
    assert steps[0] == 0 and steps[-1] == 630 and np.all(np.diff(steps) == 10)
    assert fig1[SEEDS[0]]["bn"]["percentiles"].shape == (len(steps), 3, 100)


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_above_0_9_after_100_steps_plain_near_chance(fig1, seed):
    plain, bn = fig1[seed]["plain"], fig1[seed]["bn"]
    assert at(bn, 100) > 0.9
    assert at(plain, 100) < 0.2
    early = plain["accuracy"][(plain["steps"] > 0) & (plain["steps"] <= 200)]
    assert np.median(early) < 0.12 and early.max() < 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_bn_at_least_as_accurate_at_every_recorded_step(fig1, seed):
    plain, bn = fig1[seed]["plain"], fig1[seed]["bn"]
    assert np.all(bn["accuracy"][1:] >= plain["accuracy"][1:])
    assert abs(bn["accuracy"][0] - plain["accuracy"][0]) < 0.02  # step 0: practically the same function


@pytest.mark.parametrize("seed", SEEDS)
def test_plain_network_is_slow_not_broken(fig1, seed):
    plain, bn = fig1[seed]["plain"], fig1[seed]["bn"]
    assert 0.3 < plain["accuracy"][-1] < bn["accuracy"][-1] - 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_percentiles_drift_far_less_with_bn(nb, fig1, seed):
    drift = nb["drift"]
    plain, bn = fig1[seed]["plain"]["percentiles"], fig1[seed]["bn"]["percentiles"]
    for summary in (lambda p, k: drift(p, unit=0)[k],                                    # unit 1, plotted
                    lambda p, k: np.median([drift(p, unit=j)[k] for j in range(100)])):  # the typical unit
        assert summary(plain, "median range") > 1.0
        assert summary(bn, "median range") < 0.5 * summary(plain, "median range")
        assert summary(plain, "spread ratio") > 10
        assert summary(bn, "spread ratio") < 2


def test_drift_measures_range_and_spread_ratio(nb):
    p = np.zeros((3, 3, 2))
    p[:, 0, 0], p[:, 1, 0], p[:, 2, 0] = [-1, -2, -3], [0, 1, -0.5], [1, 2, 3]
    d = nb["drift"](p, unit=0)
    assert d["median range"] == pytest.approx(1.5)
    assert d["spread ratio"] == pytest.approx(3.0)


# ---------------------------------------------------------------------------
# Exercise checks: right answers pass, typical wrong answers get a hint
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id, answer", [
    ("04.1", (1, 4)), ("04.1", [1, 4]), ("04.1", (np.int64(1), np.int64(4))),
    ("04.2", 1.0), ("04.2", 0.9995),
    ("04.3", 0.99 ** 100), ("04.3", 0.366),
])
def test_right_answers_pass(exercise_id, answer):
    assert helpers.is_correct(exercise_id, answer)


@pytest.mark.parametrize("exercise_id, answer, hint_word", [
    ("04.1", (2, 5), "counting"), ("04.1", (4, 1), "Rows"), ("04.1", (3, 3), "0-based"), ("04.1", (1, 4, 0), "two"), ("04.1", (1.5, 4), "whole"),
    ("04.2", 10.0, "before BN"), ("04.2", 115.0, "before BN"), ("04.2", 0.5, "std"),
    ("04.3", 0.9 ** 100, "0.99"), ("04.3", 0.01, "one step"), ("04.3", 0.5, "0.99"),
])
def test_wrong_answers_get_a_hint(exercise_id, answer, hint_word, capsys):
    assert not helpers.is_correct(exercise_id, answer)
    helpers.check(exercise_id, answer)
    out = capsys.readouterr().out
    assert "Hint:" in out and hint_word in out


@pytest.mark.parametrize("exercise_id, answer", [("04.1", "1, 4"), ("04.2", "one"), ("04.3", None), ("04.1", ...)])
def test_bad_types_get_a_message_not_a_traceback(exercise_id, answer, capsys):
    helpers.check(exercise_id, answer)
    out = capsys.readouterr().out
    assert f"Exercise {exercise_id}:" in out and "correct" not in out.replace("not yet", "")
