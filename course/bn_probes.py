"""Probes of what batch normalization changes (notebook 04): one extreme weight and the gradients after it,
activations through depth (deep tanh networks), and the loss along the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.startup import import_keras_quietly


def _check_seed_arg(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def build_small_networks(seed: int) -> tuple[Any, Any]:
    """The lecture note's network, twice over the SAME layers: 8 -> 6 -> 6 -> 6 (ReLU) -> 1 (linear).

    Parameters
    ----------
    seed : int
        Seeds Keras before the layers are created (Glorot uniform kernels, zero biases).

    Returns
    -------
    plain, with_bn : keras.Model
        Both return ``[hidden 1, hidden 2, hidden 3, output]``. `with_bn` has a ``BatchNormalization``
        layer after hidden 1's ReLU (where the note puts it), so its first output is what BN passes on.
        The Dense layers are shared, named ``hidden_1``, ``hidden_2``, ``hidden_3`` and ``output``:
        changing a weight of one model changes it in both.

    Raises
    ------
    TypeError
        If `seed` is not a non-negative int.
    """
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    dense = [keras.layers.Dense(6, activation="relu", name=f"hidden_{i}") for i in (1, 2, 3)]
    head = keras.layers.Dense(1, name="output")
    bn = keras.layers.BatchNormalization(name="bn_after_hidden_1")
    inputs = keras.Input(shape=(8,))
    models = []
    for use_bn in (False, True):
        a1 = dense[0](inputs)
        h1 = bn(a1) if use_bn else a1
        h2 = dense[1](h1)
        h3 = dense[2](h2)
        models.append(keras.Model(inputs, [h1, h2, h3, head(h3)], name="with_bn" if use_bn else "plain"))
    return models[0], models[1]


def build_deep_tanh(weight_std: float, batch_norm: bool, seed: int, n_layers: int = 10, width: int = 100) -> Any:
    """A deep MLP of tanh layers at initialization that returns every tanh input and output.

    Parameters
    ----------
    weight_std : float
        Standard deviation of the normal distribution the kernels are drawn from (no biases).
    batch_norm : bool
        Put a ``BatchNormalization`` layer between each Dense layer and its tanh.
    seed : int
        Seeds Keras before the layers are created.
    n_layers, width : int
        Depth and width (the input has `width` features too).

    Returns
    -------
    keras.Model
        Outputs: the `n_layers` tanh inputs, then the `n_layers` tanh outputs.

    Raises
    ------
    ValueError
        If `weight_std` is not positive, or `n_layers` or `width` is below 1.
    """
    if not isinstance(weight_std, (int, float, np.integer, np.floating)) or not weight_std > 0:
        raise ValueError(f"weight_std must be a positive number, got {weight_std!r}")
    if int(n_layers) < 1 or int(width) < 1:
        raise ValueError(f"n_layers and width must be at least 1, got {n_layers!r} and {width!r}")
    seed = _check_seed_arg(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=float(weight_std))
    inputs = keras.Input(shape=(width,))
    h, tanh_inputs, tanh_outputs = inputs, [], []
    for _ in range(n_layers):
        h = keras.layers.Dense(width, use_bias=False, kernel_initializer=init)(h)
        if batch_norm:
            h = keras.layers.BatchNormalization()(h)
        tanh_inputs.append(h)
        h = keras.layers.Activation("tanh")(h)
        tanh_outputs.append(h)
    return keras.Model(inputs, tanh_inputs + tanh_outputs)


def depth_statistics(model: Any, x: Any) -> dict[str, np.ndarray]:
    """Per layer of a `build_deep_tanh` model on batch `x` (BN, if any, uses the batch's own statistics).

    Returns
    -------
    dict of arrays, one value per layer
        ``"input mean"``, ``"input std"`` (of the tanh inputs), ``"output mean"``, ``"output std"``,
        ``"saturated"`` (share of tanh outputs with \\|value\\| > 0.99) and ``"slope"`` (mean of 1 - tanh²).

    Raises
    ------
    ValueError
        If `model` does not return an even number of outputs (tanh inputs, then outputs).
    """
    values = [np.asarray(v) for v in model(x, training=True)]
    if len(values) % 2:
        raise ValueError(f"model must return tanh inputs then tanh outputs (an even number), got {len(values)}")
    z, a = values[: len(values) // 2], values[len(values) // 2 :]
    return {
        "input mean": np.array([v.mean() for v in z]),
        "input std": np.array([v.std() for v in z]),
        "output mean": np.array([v.mean() for v in a]),
        "output std": np.array([v.std() for v in a]),
        "saturated": np.array([np.mean(np.abs(v) > 0.99) for v in a]),
        "slope": np.array([np.mean(1 - v**2) for v in a]),
    }


def plot_depth_statistics(depth: dict[str, dict[str, np.ndarray]], axes: Any = None) -> Any:
    """Three panels, layer by layer: std of the tanh input (log), saturated share (%), mean tanh slope.

    Parameters
    ----------
    depth : dict
        ``{network name: depth_statistics(...)}``.
    axes : array of 4 matplotlib Axes, optional
        A 2 x 2 grid; the fourth holds the legend. A new figure is made when None.

    Returns
    -------
    array of matplotlib Axes

    Raises
    ------
    TypeError
        If `depth` is not a non-empty dict.
    """
    import matplotlib.pyplot as plt

    if not isinstance(depth, dict) or not depth:
        raise TypeError(f"depth must be a non-empty dict of depth_statistics results, got {type(depth).__name__}")
    if axes is None:
        _, axes = plt.subplots(2, 2, figsize=(7.2, 6.0))
    axes = np.asarray(axes)
    panels = [
        ("input std", 1, "std of the tanh input", "std of the tanh input per layer", "log"),
        ("saturated", 100, "saturated outputs (%)", "saturated outputs, |tanh| > 0.99 (%)", "linear"),
        ("slope", 1, "mean slope 1 - tanh²", "mean slope 1 - tanh² per layer", "linear"),
    ]
    for ax, (key, unit, label, title, scale) in zip(axes.flat, panels):
        for name, d in depth.items():
            layers = np.arange(1, len(d[key]) + 1)
            ax.plot(
                layers,
                unit * d[key],
                label=name,
                markersize=7 if "BN" in name else 5,
                alpha=0.8 if "BN" in name else 1.0,
            )
            ax.set_xticks(layers)
        ax.set_yscale(scale)
        ax.set_xlabel("layer")
        ax.set_ylabel(label)
        ax.set_title(title)
    axes.flat[1].set_ylim(-5, 100)
    axes.flat[2].set_ylim(0, 1.05)
    axes.flat[3].axis("off")
    axes.flat[3].legend(
        *axes.flat[0].get_legend_handles_labels(), loc="center", title="weights at initialization\n(BN lines coincide)"
    )
    return axes


def loss_along_gradient(
    model: Any, x: Any, y: Any, step_sizes: Any, weights: list | None = None
) -> tuple[float, np.ndarray, float]:
    """Take one gradient step of each size from the model's current weights and measure the loss there.

    The loss and its gradient are computed on the whole batch ``(x, y)`` at once, as in training (BN
    uses the batch's own statistics). All the model's weights are restored afterwards.

    Parameters
    ----------
    model : keras.Model
        A compiled model whose loss is sparse categorical cross-entropy.
    x, y : arrays
        The batch.
    step_sizes : sequence of positive floats
        The step sizes (learning rates) to try.
    weights : list of arrays, optional
        Start from these weights (in ``model.get_weights()`` order, e.g. a `run_figure1` snapshot) instead
        of the model's current ones.

    Returns
    -------
    (loss, losses, gradient_sq) : float, numpy array, float
        The loss at the current weights, the loss after one step of each size, and the squared norm of the
        gradient (a step of size s lowers the loss by about s * gradient_sq while the gradient can be trusted).

    Raises
    ------
    ValueError
        If `step_sizes` is empty or holds a value that is not positive.
    """
    steps = np.asarray(step_sizes, dtype=float).ravel()
    if steps.size == 0 or not np.all(steps > 0):
        raise ValueError(f"step_sizes must be a non-empty sequence of positive numbers, got {step_sizes!r}")
    import tensorflow as tf

    keras = import_keras_quietly()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    all_saved = model.get_weights()
    if weights is not None:
        model.set_weights(weights)
    variables = model.trainable_variables
    saved = [w.numpy() for w in variables]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = [g.numpy() for g in tape.gradient(loss, variables)]
    grad_sq = float(sum(np.sum(g.astype(float) ** 2) for g in grads))
    losses = []
    for eta in steps:
        for w, w0, g in zip(variables, saved, grads):
            w.assign(w0 - eta * g)
        losses.append(float(loss_fn(y, model(x, training=True))))
    model.set_weights(all_saved)
    return float(loss), np.array(losses), grad_sq
