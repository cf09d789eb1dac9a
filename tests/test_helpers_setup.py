"""helpers.setup: seeds, COURSE_SEED, bad input, plot style, quiet TensorFlow start-up."""

from __future__ import annotations

import random

import numpy as np
import pytest

import helpers


def test_setup_returns_seed_and_seeds_every_generator(monkeypatch):
    monkeypatch.delenv(helpers.SEED_ENV_VAR, raising=False)
    assert helpers.setup(seed=123) == 123
    first = (random.random(), np.random.rand(), float(helpers.import_keras_quietly().random.uniform(())))
    helpers.setup(seed=123)
    second = (random.random(), np.random.rand(), float(helpers.import_keras_quietly().random.uniform(())))
    assert first == second
    helpers.setup(seed=124)
    third = (random.random(), np.random.rand(), float(helpers.import_keras_quietly().random.uniform(())))
    assert third != first


def test_course_seed_overrides_the_argument(monkeypatch):
    monkeypatch.setenv(helpers.SEED_ENV_VAR, "7")
    assert helpers.setup(seed=42) == 7
    assert helpers.resolve_seed(42) == 7


def test_empty_course_seed_means_no_override(monkeypatch):
    monkeypatch.setenv(helpers.SEED_ENV_VAR, "")
    assert helpers.resolve_seed(42) == 42


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_out_of_range_seed_is_a_value_error_naming_it(monkeypatch, bad):
    monkeypatch.delenv(helpers.SEED_ENV_VAR, raising=False)
    with pytest.raises(ValueError, match=rf"seed.*{bad}"):
        helpers.setup(seed=bad)


@pytest.mark.parametrize("bad", [1.5, "42", None, True])
def test_non_integer_seed_is_a_type_error_naming_it(monkeypatch, bad):
    monkeypatch.delenv(helpers.SEED_ENV_VAR, raising=False)
    with pytest.raises(TypeError, match=r"seed must be an int.*" + repr(bad).replace(".", r"\.")):
        helpers.setup(seed=bad)


@pytest.mark.parametrize("bad", ["abc", "-3", "1.5", "4294967296"])
def test_bad_course_seed_is_a_value_error_naming_the_variable(monkeypatch, bad):
    monkeypatch.setenv(helpers.SEED_ENV_VAR, bad)
    with pytest.raises(ValueError, match=rf"COURSE_SEED.*{bad.replace('.', '[.]')}"):
        helpers.setup(seed=1)


def test_plot_style_is_applied():
    import matplotlib as mpl

    helpers.setup(seed=0)
    colors = [entry["color"] for entry in mpl.rcParams["axes.prop_cycle"]]
    styles = [entry["linestyle"] for entry in mpl.rcParams["axes.prop_cycle"]]
    assert colors[:3] == list(helpers.COLORS[:3])
    assert len(set(map(str, styles))) == len(styles), "each curve needs its own dash pattern for black-and-white print"


def test_requirements_are_pinned_and_installed():
    pins = helpers.pinned_requirements()
    for name in ("tensorflow", "keras", "scikit-learn", "matplotlib", "nbval", "pytest", "pytest-xdist"):
        assert name in pins, f"{name} is not pinned with == in requirements.txt"
    assert pins["tensorflow"] == "2.21.0"
    assert pins["keras"].startswith("3.")
    assert helpers.requirement_mismatches() == []


# --- logical_cpus: splitting the CPU into logical TensorFlow devices (notebook 07) ---------------


@pytest.mark.parametrize("bad", [1.5, "2", True, [2]])
def test_logical_cpus_of_the_wrong_type_is_a_type_error_naming_it(monkeypatch, bad):
    monkeypatch.delenv(helpers.SEED_ENV_VAR, raising=False)
    with pytest.raises(TypeError, match=r"logical_cpus must be None or a whole number"):
        helpers.setup(seed=0, logical_cpus=bad)


@pytest.mark.parametrize("bad", [0, -2, 65])
def test_logical_cpus_out_of_range_is_a_value_error_naming_it(monkeypatch, bad):
    monkeypatch.delenv(helpers.SEED_ENV_VAR, raising=False)
    with pytest.raises(ValueError, match=rf"logical_cpus must be from 1 to 64, got {bad}"):
        helpers.setup(seed=0, logical_cpus=bad)


# Devices can be split only before TensorFlow first uses them, so this runs in a fresh interpreter.
SPLIT_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
import helpers
assert helpers.setup(seed=5, logical_cpus=3) == 5
import tensorflow as tf
print("devices", len(tf.config.list_logical_devices("CPU")))
helpers.setup(seed=6, logical_cpus=3)  # the setup cell run again: harmless
print("again", len(tf.config.list_logical_devices("CPU")))
helpers.setup(seed=7)  # no logical_cpus: devices left alone
print("default", len(tf.config.list_logical_devices("CPU")))
try:
    helpers.setup(seed=8, logical_cpus=2)
except RuntimeError as exc:
    print("error", "Restart the kernel" in str(exc), "already set up 3" in str(exc))
"""


def test_logical_cpus_splits_the_cpu_quietly_and_refuses_a_late_change():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != helpers.SEED_ENV_VAR}
    proc = subprocess.run(
        [sys.executable, "-c", SPLIT_SCRIPT, str(helpers.PROJECT_ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["devices 3", "again 3", "default 3", "error True True"]
    assert proc.stderr == "", "the device split must not print TensorFlow log lines"


def test_setup_without_logical_cpus_leaves_one_cpu_device():
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import helpers; helpers.setup(seed=0); "
        "import tensorflow as tf; print(len(tf.config.list_logical_devices('CPU')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(helpers.PROJECT_ROOT)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_keras_warns_that_fit_ignores_shuffle_for_a_pipeline_and_setup_hides_only_that_warning():
    """Keras 3.15 warns on every fit(tf.data pipeline) that its default shuffle=True is ignored
    (keras-team/keras#22777). When a release stops warning, the first assertion fails: drop the filter in setup."""
    import warnings

    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    pipeline = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2), "float32"), np.zeros(4, "float32"))).batch(2)

    def warned_while(action):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            action()
        return [str(w.message) for w in caught]

    shown = warned_while(lambda: model.fit(pipeline, epochs=1, verbose=0))
    assert any(m.startswith(helpers.KERAS_DATASET_SHUFFLE_WARNING) for m in shown), shown

    def setup_then_fit_and_warn():
        helpers.setup(seed=0)  # its filter lives until catch_warnings restores the filters
        model.fit(pipeline, epochs=1, verbose=0)
        warnings.warn("another UserWarning", UserWarning, stacklevel=1)

    shown = warned_while(setup_then_fit_and_warn)
    assert shown == ["another UserWarning"], shown
