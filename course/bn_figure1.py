"""The BN paper's Figure 1, small (notebook 04): its network, a training run recorded every few steps, the figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.bn_probes import _check_seed_arg
from course.palette import COLORS, LINESTYLES, MARKERS
from course.startup import import_keras_quietly
from course.training import shuffled_batches


def build_figure1_network(batch_norm: bool, seed: int, weight_std: float = 0.1, learning_rate: float = 0.5) -> Any:
    """The BN paper's MNIST network, for 8x8 digits: 64 -> 3 x 100 sigmoid -> 10 softmax, compiled with SGD.

    Kernels are drawn from a normal distribution with std `weight_std`. With `batch_norm`, each hidden
    layer is Dense (no bias) -> BatchNormalization -> sigmoid, as in the paper. Layers are named
    ``dense_1..3``, ``bn_1..3``, ``sigmoid_1..3`` and ``output``.

    Raises
    ------
    ValueError
        If `weight_std` or `learning_rate` is not positive.
    TypeError
        If `seed` is not a non-negative int.
    """
    for name, value in (("weight_std", weight_std), ("learning_rate", learning_rate)):
        if not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=float(weight_std))
    inputs = keras.Input(shape=(64,))
    h = inputs
    for i in (1, 2, 3):
        h = keras.layers.Dense(100, use_bias=not batch_norm, kernel_initializer=init, name=f"dense_{i}")(h)
        if batch_norm:
            h = keras.layers.BatchNormalization(name=f"bn_{i}")(h)
        h = keras.layers.Activation("sigmoid", name=f"sigmoid_{i}")(h)
    outputs = keras.layers.Dense(10, activation="softmax", kernel_initializer=init, name="output")(h)
    model = keras.Model(inputs, outputs, name="with_bn" if batch_norm else "plain")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=float(learning_rate)), loss="sparse_categorical_crossentropy"
    )
    return model


def batch_outputs(model: Any, x: Any, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """The model's output and `layer`'s output for the batch `x`, computed the way training computes them.

    BN layers (if any) normalize with the statistics of `x` itself, as they do with a training mini-batch;
    nothing in the model is changed (the call is stateless).

    Parameters
    ----------
    model : keras.Model
        A functional model.
    x : array
        The batch.
    layer : str
        The name of one of the model's layers.

    Returns
    -------
    (output, layer_output) : numpy arrays

    Raises
    ------
    ValueError
        If the model has no layer called `layer`.
    """
    return _batch_probe(model, layer)(x)


def _batch_probe(model: Any, layer: str, traced: bool = False) -> Callable[[Any], tuple[np.ndarray, np.ndarray]]:
    keras = import_keras_quietly()
    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"layer must be one of {names}, got {layer!r}")
    import tensorflow as tf

    probe = keras.Model(model.input, [model.output, model.get_layer(layer).output])

    def forward(trainable: list, non_trainable: list, x: Any) -> Any:
        outputs, _ = probe.stateless_call(trainable, non_trainable, x, training=True)
        return outputs

    if traced:  # run_figure1 probes one model 64 times: one traced graph beats dozens of eager operations a call
        forward = tf.function(forward, reduce_retracing=True)

    def run(x: Any) -> tuple[np.ndarray, np.ndarray]:
        out, inner = forward(
            [v.value for v in probe.trainable_variables],
            [v.value for v in probe.non_trainable_variables],
            tf.convert_to_tensor(x),
        )
        return np.asarray(out), np.asarray(inner)

    return run


def run_figure1(
    data: tuple,
    batch_norm: bool,
    seed: int,
    epochs: int = 30,
    weight_std: float = 0.1,
    layer: str = "dense_3",
    every: int = 10,
    snapshots: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Train `build_figure1_network` with SGD on seeded `shuffled_batches` of 60; record it every `every` steps.

    Parameters
    ----------
    data : tuple
        ``(x_train, y_train, x_test, y_test)``.
    batch_norm, seed, weight_std
        Passed to `build_figure1_network`.
    epochs : int
        Passes over the training data.
    layer : str
        The layer whose outputs are recorded (``"dense_3"``: the last hidden Dense layer; without BN its
        output is the sigmoid's input, with BN it is what goes into BN).
    every : int
        Record at step 0 and after every `every` steps. Each record passes the test images through the
        network as one batch, computed as in training (`batch_outputs`).
    snapshots : tuple of int
        Steps after which to keep a copy of all the model's weights (``model.get_weights()``).

    Returns
    -------
    dict
        ``"steps"`` (n,), ``"accuracy"`` (n,) test accuracy, ``"percentiles"`` (n, 3, units): 15th, 50th and
        85th percentile over the test images of every unit of `layer`, ``"kernel norms"`` (n, 3): norm of
        ``dense_1..3``'s kernels, ``"start kernels"``: the four kernels before training, ``"snapshots"``:
        ``{step: weights}``, and ``"model"``: the trained model.

    Raises
    ------
    ValueError
        If `epochs` or `every` is not a positive int, or `data` does not hold four arrays.
    """
    for name, value in (("epochs", epochs), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise ValueError("data must be a tuple (x_train, y_train, x_test, y_test)")
    if not all(isinstance(step, (int, np.integer)) and not isinstance(step, bool) for step in snapshots):
        raise TypeError(f"snapshots must be a tuple of whole step numbers, got {snapshots!r}")
    keras = import_keras_quietly()
    x_train, y_train, x_test, y_test = data
    model = build_figure1_network(batch_norm, seed, weight_std=weight_std)
    record: dict[str, list] = {"steps": [], "accuracy": [], "percentiles": [], "kernel norms": []}
    dense_names = ("dense_1", "dense_2", "dense_3")

    probe = _batch_probe(model, layer, traced=True)

    def take(step: int) -> None:
        probabilities, inner = probe(x_test)
        record["steps"].append(step)
        record["accuracy"].append(float(np.mean(probabilities.argmax(axis=1) == np.asarray(y_test))))
        record["percentiles"].append(np.percentile(inner, [15, 50, 85], axis=0))
        record["kernel norms"].append([float(np.linalg.norm(model.get_layer(n).kernel.numpy())) for n in dense_names])

    kept: dict[int, list] = {}

    class Probe(keras.callbacks.Callback):
        step = 0

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.step += 1
            if self.step % every == 0:
                take(self.step)
            if self.step in snapshots:
                kept[self.step] = model.get_weights()

    start = [model.get_layer(n).kernel.numpy() for n in dense_names + ("output",)]
    take(0)
    batches = shuffled_batches(x_train, y_train, 60, seed)  # a tf.data pipeline: cheaper per epoch than arrays
    model.fit(batches, epochs=epochs, callbacks=[Probe()], shuffle=False, verbose=0)
    result = {k: np.array(v) for k, v in record.items()}
    result.update({"start kernels": start, "snapshots": kept, "model": model})
    return result


def plot_figure1(runs: dict[str, dict[str, Any]], unit: int = 0, axes: Any = None) -> Any:
    """The BN paper's Figure 1 layout: (a) test accuracy of every run, then one panel per run with the
    15th, 50th and 85th percentiles of `unit` of the recorded layer over training.

    Parameters
    ----------
    runs : dict
        ``{name: run_figure1(...)}``, two runs.
    unit : int
        Which unit's percentiles to draw (0-based).
    axes : dict of matplotlib Axes, optional
        Keys ``"a"``, ``"b"``, ``"c"``; a new figure is made when None.

    Returns
    -------
    dict of matplotlib Axes

    Raises
    ------
    ValueError
        If `runs` is not a dict of two runs.
    """
    import matplotlib.pyplot as plt

    if not isinstance(runs, dict) or len(runs) != 2:
        raise ValueError(f"runs must be a dict of two run_figure1 results, got {type(runs).__name__}")
    if axes is None:
        fig, axes = plt.subplot_mosaic([["a", "a"], ["b", "c"]], figsize=(7.2, 6.6))
    for name, run in runs.items():
        axes["a"].plot(run["steps"], run["accuracy"], label=name, markevery=6)
    axes["a"].set_xlabel("training step")
    axes["a"].set_ylabel("test accuracy")
    axes["a"].set_ylim(0, 1)
    axes["a"].set_title("(a) test accuracy")
    axes["a"].legend(loc="center", bbox_to_anchor=(0.3, 0.55))
    for letter, run in zip("bc", runs.values()):
        ax = axes[letter]
        for k, q in enumerate((15, 50, 85)):
            ax.plot(
                run["steps"],
                run["percentiles"][:, k, unit],
                label=f"{q}th percentile",
                markevery=6,
                color=COLORS[k + 2],
                linestyle=LINESTYLES[k],
                marker=MARKERS[k + 2],
            )
        ax.set_xlabel("training step")
    axes["a"].figure.legend(
        *axes["b"].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=3,
        title="panels (b) and (c): percentiles over the test images",
    )
    return axes
