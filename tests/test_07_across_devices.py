"""Claims of notebook 07 (training across devices), checked over seeds other than the notebook's.

Notebook 07 splits the CPU into two logical TensorFlow devices, which can only happen before TensorFlow
first uses its devices. The test process has usually set TensorFlow up already (other test modules), so
the notebook's code runs in one fresh Python process: it executes the notebook's setup cell and its cells
tagged `reused-in-tests` (through conftest.notebook_namespace) once per seed and hands back raw results
(recorded batch sizes, weights, gradients, BN outputs). Every expectation is computed here, from those raw
results with NumPy or by hand, against thresholds written here; no verdict the notebook prints is re-read.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers

NOTEBOOK = "07_across_devices.ipynb"
SEEDS = [1, 2, 3]  # the notebook itself runs seed 42
N_DIGITS = 1797
TESTS = Path(__file__).resolve().parent

# Runs in a fresh interpreter; prints one JSON line per seed.
RUNNER = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from conftest import notebook_namespace

def diff(a, b):
    return float(max(np.abs(np.asarray(p, dtype=np.float64) - np.asarray(q, dtype=np.float64)).max()
                     for p, q in zip(a, b)))

def bn_numpy(h, eps=1e-3):  # BN in training mode with gamma 1, beta 0 (Ioffe and Szegedy, Algorithm 1)
    h = np.asarray(h, dtype=np.float64)
    return (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + eps)

for seed in map(int, sys.argv[2:]):
    ns = notebook_namespace("07_across_devices.ipynb", seed=seed)
    keras, strategy = ns["keras"], ns["strategy"]
    out = {"seed": seed, "replicas": strategy.num_replicas_in_sync,
           "devices": len(ns["tf"].config.list_logical_devices("CPU"))}
    out["sizes_64"] = ns["sizes"]
    # the recorder again, at another global batch
    recorder = ns["helpers"].replica_batch_recorder()
    with strategy.scope():
        model = ns["build_model"]("none", first=recorder)
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(ns["x"], ns["y"], batch_size=100, epochs=1, verbose=0)
    out["sizes_100"] = recorder.sizes_by_step()
    # one step: two replicas vs one device, and the SGD update from the averaged gradient, by hand
    start, one, two = ns["start"], ns["one_device"], ns["two_replicas"]
    r0, r1, whole = ns["replica_0"], ns["replica_1"], ns["whole"]
    trainable = [w.name for w in ns["build_model"]("none").weights]  # no BN: every weight is trainable
    by_hand = [w - 0.1 * (a + b) / 2 for w, a, b in zip(start, r0, r1)]
    out.update(change=diff(start, one), two_vs_one=diff(one, two), by_hand_vs_two=diff(by_hand, two),
               grad_vs_mean=diff(whole, [(a + b) / 2 for a, b in zip(r0, r1)]),
               grad_vs_sum=diff(whole, [a + b for a, b in zip(r0, r1)]),
               grad_size=float(max(np.abs(g).max() for g in whole)), n_trainable=len(trainable))
    # BN: the trainable weights (kernel, gamma, beta, kernel, bias) after one step
    bn_model = ns["build_model"]("bn")
    bn_model.set_weights(ns["start_bn"])
    start_bn_trainable = [w.numpy() for w in bn_model.trainable_weights]
    bn_one, bn_two = ns["bn_one_device"], ns["bn_two_replicas"]
    out["n_bn_trainable"] = [len(bn_one)] + [len(w) for w in bn_two.values()]
    out["bn_two_vs_one"] = {norm: diff(bn_one, weights) for norm, weights in bn_two.items()}
    out["bn_change"] = diff(start_bn_trainable, bn_one)
    out["sync_vs_plain_one_device"] = diff(ns["bn_one_device"], ns["one_step"]("sync_bn", ns["start_bn"]))
    # BN outputs on the replicas vs NumPy's normalization of each slice and of the whole batch
    h = ns["h"]
    per_replica = ns["bn_on_replicas"](h, False)
    synchronized = ns["bn_on_replicas"](h, True)
    halves = np.concatenate([bn_numpy(h[:32]), bn_numpy(h[32:])])
    out.update(per_replica_vs_numpy_slices=float(np.abs(per_replica - halves).max()),
               per_replica_vs_numpy_whole=float(np.abs(per_replica - bn_numpy(h)).max()),
               synchronized_vs_numpy_whole=float(np.abs(synchronized - bn_numpy(h)).max()),
               synchronized_vs_keras_one_device=float(np.abs(synchronized - ns["one_device_bn"]).max()),
               slice_mean_gap=float(np.abs(h[:32].mean(axis=0) - h.mean(axis=0)).max()),
               slice_mean_gap_in_sd=float((np.abs(h[:32].mean(axis=0) - h[32:].mean(axis=0)) / h.std(axis=0)).max()),
               slice_sd_gap_in_sd=float((np.abs(h[:32].std(axis=0) - h[32:].std(axis=0)) / h.std(axis=0)).max()))
    out["gaps"] = dict(zip(map(str, ns["PER_REPLICA"]), map(float, ns["gaps"])))
    accumulated = ns["accumulated"]
    out["accumulation"] = {"none": diff(one, accumulated["none"]), "bn": diff(bn_one, accumulated["bn"]),
                           "bn_vs_per_replica": diff(bn_two["bn"], accumulated["bn"])}
    # BN's moving mean under accumulation, by hand: m <- momentum * m + (1 - momentum) * (micro-batch mean),
    # once per forward pass (k times per update) or once per update (the alternative the notebook rules out)
    rows = np.asarray(ns["x"][:64, :4])
    micro_means = [rows[k:k + 16].mean(axis=0) for k in range(0, 64, 16)]
    for momentum in (0.0, 0.5):
        probe = keras.Sequential([keras.Input(shape=(4,)), keras.layers.BatchNormalization(momentum=momentum)])
        probe.compile(optimizer=keras.optimizers.SGD(0.1, gradient_accumulation_steps=4), loss="mse")
        probe.fit(rows, np.zeros_like(rows), batch_size=16, epochs=1, shuffle=False, verbose=0)
        per_pass = np.zeros(4)
        for mean in micro_means:
            per_pass = momentum * per_pass + (1 - momentum) * mean
        once = (1 - momentum) * rows.mean(axis=0)  # one update with the mean of the 64
        moving = probe.layers[0].moving_mean.numpy()
        out[f"moving_{momentum}"] = {"vs_per_pass": float(np.abs(moving - per_pass).max()),
                                     "vs_once": float(np.abs(moving - once).max()),
                                     "vs_last": float(np.abs(moving - micro_means[-1]).max())}
    copies = strategy.experimental_local_results(ns["loop_model"].weights[0].value)
    out.update(loop_steps=len(ns["losses"]), loop_losses_finite=bool(np.all(np.isfinite(ns["losses"]))),
               loop_first_loss=float(ns["losses"][0]), loop_last_loss=float(ns["losses"][-1]),
               loop_copies=len(copies), loop_copy_diff=float(np.abs(copies[0].numpy() - copies[1].numpy()).max()),
               loop_moved=float(np.abs(ns["loop_model"].weights[0].numpy() - 0).max()))
    print("RESULT " + json.dumps(out), flush=True)
"""


@pytest.fixture(scope="module")
def results():
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(TESTS), *map(str, SEEDS)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=TESTS.parent,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = [json.loads(line[len("RESULT ") :]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert [r["seed"] for r in found] == SEEDS
    return found


def by_seed(results, key):
    return [r[key] for r in results]


# --- setup: two logical devices, two replicas --------------------------------------------------


def test_two_logical_devices_and_two_replicas(results):
    assert by_seed(results, "devices") == [2] * len(SEEDS)
    assert by_seed(results, "replicas") == [2] * len(SEEDS)


# --- section 2: global batch = per-replica batch x replicas --------------------------------------


@pytest.mark.parametrize("global_batch", [64, 100])
def test_each_step_splits_the_global_batch_between_the_replicas(results, global_batch):
    expected_steps = math.ceil(N_DIGITS / global_batch)  # 29 and 18, by hand
    for r in results:
        sizes = r[f"sizes_{global_batch}"]
        assert len(sizes) == expected_steps == helpers.steps_per_epoch(N_DIGITS, global_batch)
        assert all(len(step) == 2 for step in sizes)
        totals = [sum(step) for step in sizes]
        assert totals[:-1] == [global_batch] * (expected_steps - 1)
        assert totals[-1] == N_DIGITS - (expected_steps - 1) * global_batch
        assert sum(totals) == N_DIGITS
        for step in sizes:  # as even as it goes: per-replica = global / replicas
            assert max(step) - min(step) <= 1


def test_the_stored_split_is_32_and_32_then_3_and_2(results):
    for r in results:
        assert r["sizes_64"][0] == [32, 32]
        assert sorted(r["sizes_64"][-1]) == [2, 3]


# --- section 3: one step on two replicas == one step on one device -------------------------------


def test_two_replicas_take_the_one_device_step(results):
    for r in results:
        assert r["change"] > 1e-3, "the step must move the weights, or equality proves nothing"
        assert r["two_vs_one"] < 1e-6


def test_replica_gradients_are_averaged_not_summed(results):
    for r in results:
        assert r["grad_vs_mean"] < 1e-6
        assert r["grad_vs_sum"] > 0.5 * r["grad_size"]
        # the two-replica weights are the SGD step (lr 0.1) with the mean of the replicas' gradients
        assert r["by_hand_vs_two"] < 1e-6


# --- section 4: BN per replica vs synchronized ----------------------------------------------------


def test_bn_per_replica_changes_the_step_and_synchronized_bn_does_not(results):
    for r in results:
        assert r["n_bn_trainable"] == [5, 5, 5]  # trainable weights only: the moving statistics are left out
        assert r["bn_change"] > 1e-3
        assert r["bn_two_vs_one"]["bn"] > 1e-3
        assert r["bn_two_vs_one"]["bn"] > 0.1 * r["bn_change"]  # "a sizeable fraction of the step"
        assert r["bn_two_vs_one"]["sync_bn"] < 1e-6
        assert r["sync_vs_plain_one_device"] < 1e-6  # on one device there is nothing to synchronize


def test_replica_slices_have_their_own_statistics(results):
    for r in results:
        assert r["slice_mean_gap"] > 0.05
        # the slices' means and spreads differ by a sizeable fraction of a unit's standard deviation
        assert r["slice_mean_gap_in_sd"] > 0.1
        assert r["slice_sd_gap_in_sd"] > 0.05


def test_bn_on_replicas_normalizes_each_slice_or_the_global_batch(results):
    for r in results:
        assert r["per_replica_vs_numpy_slices"] < 1e-4  # replica 0 gets the first 32 samples
        assert r["per_replica_vs_numpy_whole"] > 0.1  # printed as a sizeable difference
        assert r["synchronized_vs_numpy_whole"] < 1e-4
        assert r["synchronized_vs_keras_one_device"] < 1e-5  # "same outputs as one-device BN"


def test_per_replica_gap_grows_as_slices_shrink(results):
    for r in results:
        gaps = [r["gaps"][str(b)] for b in (2, 4, 8, 16, 32, 64, 128)]
        assert all(a > b for a, b in zip(gaps, gaps[1:])), gaps
        assert 0.45 < gaps[0] < 0.75  # "about 0.6 standard deviations on average at 2 per replica"
        assert 0.08 < r["gaps"]["32"] < 0.2  # "about 0.13 at 32" (the notebook's seed)
        assert gaps[0] > 3 * r["gaps"]["32"]


# --- section 5: gradient accumulation -------------------------------------------------------------


def test_gradient_accumulation_matches_the_large_batch_without_bn_only(results):
    for r in results:
        assert r["accumulation"]["none"] < 1e-6
        assert r["accumulation"]["bn"] > 1e-3  # trainable weights only: not BN's moving statistics
        # accumulated BN takes per-replica BN's step: the same two slices, normalized apart, gradients averaged
        assert r["accumulation"]["bn_vs_per_replica"] < 1e-6


def test_bn_moving_averages_are_updated_at_every_micro_batch(results):
    for r in results:
        for momentum in ("0.0", "0.5"):
            moving = r[f"moving_{momentum}"]
            assert moving["vs_per_pass"] < 1e-5, moving
            assert moving["vs_once"] > 1e-2, moving
        assert r["moving_0.0"]["vs_last"] < 1e-5  # Exercise 07.3: momentum 0 keeps the last micro-batch's mean


# --- going deeper: the custom loop under MirroredStrategy ----------------------------------------


def test_custom_loop_runs_an_epoch_with_identical_replicas(results):
    for r in results:
        assert r["loop_steps"] == 640 // 64
        assert r["loop_losses_finite"]
        assert r["loop_last_loss"] < 0.9 * r["loop_first_loss"]  # "the loss falls: the loop learns"
        assert r["loop_copies"] == 2 and r["loop_copy_diff"] == 0.0


# --- exercises: answers by hand ------------------------------------------------------------------


def test_exercise_answers_by_hand():
    assert helpers.is_correct("07.1", math.ceil(N_DIGITS / (3 * 16)))  # 38
    assert helpers.is_correct("07.2", 0.1 * 2)  # the global batch doubles, 64 -> 128
    assert helpers.is_correct("07.3", 16)
    assert helpers.is_correct("07.4", (2, 16))
    for exercise_id, wrong in [
        ("07.1", 37),
        ("07.1", 113),
        ("07.2", 0.4),
        ("07.2", 0.05),
        ("07.3", 128),
        ("07.4", (16, 2)),
        ("07.4", (2, 8)),
        ("07.4", (16, 16)),
    ]:
        assert not helpers.is_correct(exercise_id, wrong), (exercise_id, wrong)


# --- helpers of this section ---------------------------------------------------------------------


def test_max_abs_difference_by_hand():
    assert helpers.max_abs_difference([np.zeros(3), np.ones((2, 2))], [np.array([0, -2, 1]), np.ones((2, 2))]) == 2.0
    # the largest gap is negative in first - second: |0 - 3| = 3, whichever list comes first
    assert helpers.max_abs_difference([np.zeros(3)], [np.array([0.0, 3.0, -1.0])]) == 3.0
    assert helpers.max_abs_difference([np.array([0.0, 3.0, -1.0])], [np.zeros(3)]) == 3.0
    assert helpers.max_abs_difference([np.zeros((0,)), np.full(2, 0.5)], [np.zeros((0,)), np.zeros(2)]) == 0.5


@pytest.mark.parametrize(
    "first, second, error, match",
    [
        (np.zeros(3), [np.zeros(3)], TypeError, "first must be a list"),
        ([np.zeros(3)], "x", TypeError, "second must be a list"),
        ([], [], ValueError, "non-empty"),
        ([np.zeros(3)], [np.zeros(3), np.zeros(3)], ValueError, "same length"),
        ([np.zeros(3)], [np.zeros(4)], ValueError, "shape"),
    ],
)
def test_max_abs_difference_refuses_nonsense(first, second, error, match):
    with pytest.raises(error, match=match):
        helpers.max_abs_difference(first, second)


def test_replica_batch_recorder_refuses_a_non_string_name():
    with pytest.raises(TypeError, match="name must be a string"):
        helpers.replica_batch_recorder(name=3)


def test_replica_batch_recorder_on_one_device(keras):
    recorder = helpers.replica_batch_recorder()
    model = keras.Sequential([keras.Input(shape=(2,)), recorder, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((10, 2)), np.zeros(10), batch_size=4, epochs=1, verbose=0)
    assert recorder.sizes_by_step() == [[4], [4], [2]]
    model.predict(np.zeros((5, 2)), verbose=0)  # inference is not recorded
    model(np.zeros((5, 2)))  # nor a direct call outside fit() (training not given)
    assert len(recorder.records) == 3
    recorder.clear()
    assert recorder.records == []
